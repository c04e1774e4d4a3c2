//! tlsscope: read packet captures and show what happened inside their TLS sessions.
//!
//! The crate follows the pipeline, one module per stage:
//! `capture` (files, link layers) → `net` (IP, flows) → `tcp` (reassembly) →
//! `tls` (records, handshake codec, cipher-suite registry) → `crypto` (keys, PRF,
//! record decryption) → `session` (the per-connection state machine) → `report`
//! (table, JSON). `analysis` drives the stages over one or more capture files.

pub mod analysis;
pub mod capture;
pub mod crypto;
pub mod flow;
pub mod net;
pub mod report;
pub mod session;
pub mod tcp;
pub mod tls;
