//! tlsscope: read packet captures and show what happened inside their TLS sessions.
//!
//! The crate follows the pipeline, one module per stage; `analysis` drives them over
//! one or more capture files (the transport stages on one thread, the sessions on
//! one or more session workers):
//!
//! ```text
//!  capture ─► net ─┬► tcp ──── flow::Chunk / FlowSummary ──┐
//!  (files,    (IP,  │  (reassembly, gaps)                    │
//!   links)  frags)  └► udp ──── QUIC datagrams / FlowSummary ┤
//!                      (flows, classified by content)        ▼
//!                  session::Feed: StreamFeed (bytes → tls records) | QuicFeed (Initials → CRYPTO by level)
//!                                                             │  (DTLS records: next)
//!  tls (records, messages, registries) ◄─ parse ─ session::Session ─ keys ─► crypto
//!                                                             │   (transcript, PRF, record decryption)
//!                                                    session::Event
//!                                   ┌───────────────┬─────────┴──────┬───────────────┐
//!                             ReportBuilder      Digests          AppDecoder      observers
//!                                   └──► report::model ──► report (table, JSON, JSON Lines, follow)
//! ```
//!
//! `quic` reads packets, Initial keys and frames one datagram at a time, for
//! `session::QuicFeed`; `tls::dtls` (records, fragments, message reassembly) stands
//! beside the pipeline until UDP flows feed it.

pub mod analysis;
pub mod app;
pub mod capture;
pub mod crypto;
pub mod files;
pub mod flow;
pub mod net;
pub mod pki;
pub mod quic;
pub mod report;
pub mod session;
pub mod tcp;
pub mod tls;
pub mod turns;
pub mod udp;
pub mod units;
