//! QUIC (RFC 9000, RFC 9001, RFC 9369): packets, their protection, their frames.
//!
//! Not yet wired into the pipeline: this layer reads one datagram at a time, for the
//! UDP flows and QUIC adapter to come, which will carry each encryption level's CRYPTO
//! stream to the TLS session (`session::Session::on_handshake_data`).
//!
//! ```text
//!  UDP payload ─► datagram::packets ─► header::Packet (Initial / 0-RTT / Handshake /
//!   (one datagram)  (coalesced, RFC 9000 §12.2)    Retry / VN / short / unknown version)
//!                                                   │ Protected { bytes, pn_offset }
//!                     crypto::quic::PacketKeys ─► packet::open (header protection off,
//!                     (Initial from the DCID,       packet number, AEAD)
//!                      or a key log's secrets)      │ payload
//!                                                   ▼
//!                                              frame::frames ─► CRYPTO { offset, data } …
//!                                                   │ per direction and level
//!                                                   ▼
//!                                  crypto_stream::CryptoStream ─► in-order handshake bytes
//! ```
//!
//! One file per topic: `varint.rs` the integers, `version.rs` the versions known,
//! `header.rs` the packet headers, `datagram.rs` the coalesced packets, `packet.rs`
//! opening a packet, `frame.rs` the frames, `crypto_stream.rs` a CRYPTO stream back in
//! order. The keys are in [`crate::crypto::quic`].

pub mod crypto_stream;
pub mod datagram;
pub mod frame;
pub mod header;
pub mod packet;
#[cfg(test)]
pub(crate) mod testvectors;
pub mod varint;
pub mod version;
