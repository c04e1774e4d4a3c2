//! DTLS (RFC 4347, 6347, 9147): TLS over datagrams, the parts that differ from TLS over a
//! stream. The handshake messages themselves are TLS's (`tls::handshake`, `tls::hello`),
//! once put back together.
//!
//! ```text
//!  UDP payload ─► record::records ─► DtlsRecord (epoch, 48-bit sequence) / UnifiedRecord (1.3)
//!                                        │ handshake records
//!                                        ▼
//!                 handshake::fragments ─► reassembly::MessageAssembler ─► Message (in order, once)
//! ```
//!
//! UDP flows classified as DTLS reach these through the session's adapter,
//! `session::DtlsFeed` (records and whole messages into `session::Session`).

pub mod ack;
pub mod handshake;
pub mod reassembly;
pub mod record;
