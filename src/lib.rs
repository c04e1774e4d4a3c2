//! tlsscope: read packet captures and show what happened inside their TLS sessions.
//!
//! The crate follows the pipeline, one module per stage; `analysis` drives them over
//! one or more capture files (the transport stages on one thread, the sessions on
//! another):
//!
//! ```text
//!  capture ─► net ─► tcp ──────── flow::Chunk / FlowSummary ──┐   (udp: next)
//!  (files,    (IP,   (reassembly,                             │
//!   links)     frags)  gaps)                                  ▼
//!                                        session::StreamFeed (bytes → tls records)
//!                                                             │  (datagram records, QUIC CRYPTO: next)
//!  tls (records, messages, registries) ◄─ parse ─ session::Session ─ keys ─► crypto
//!                                                             │   (transcript, PRF, record decryption)
//!                                                    session::Event
//!                                   ┌───────────────┬─────────┴──────┬───────────────┐
//!                             ReportBuilder      Digests          AppDecoder      observers
//!                                   └──► report::model ──► report (table, JSON, JSON Lines, follow)
//! ```
//!
//! `quic` (packets, Initial keys, frames of one datagram at a time) stands beside the
//! pipeline until UDP flows feed it.

pub mod analysis;
pub mod capture;
pub mod crypto;
pub mod flow;
pub mod net;
pub mod quic;
pub mod report;
pub mod session;
pub mod tcp;
pub mod tls;
pub mod udp;
