//! QUIC (RFC 9000, RFC 9001, RFC 9369): packets, their protection, their frames.
//!
//! This layer reads one datagram at a time; `session::QuicFeed` drives it for the UDP
//! flows that carry QUIC and carries each encryption level's CRYPTO stream to the TLS
//! session (`session::Session::on_handshake_data`).
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
//!                                  offset_stream::OffsetStream ─► in-order handshake bytes
//!                                  streams::Streams (STREAM, per id) ─► in-order stream data
//! ```
//!
//! One file per topic: `varint.rs` the integers, `version.rs` the versions known,
//! `header.rs` the packet headers, `datagram.rs` the coalesced packets, `packet.rs`
//! opening a packet, `frame.rs` the frames, `offset_stream.rs` a CRYPTO stream (or one direction of a
//! STREAM) back in order, `streams.rs` a connection's streams. The keys are in [`crate::crypto::quic`].

pub mod datagram;
pub mod frame;
pub mod header;
pub mod offset_stream;
pub mod packet;
pub mod streams;
#[cfg(test)]
pub(crate) mod testvectors;
pub mod transport_parameters;
pub mod varint;
pub mod version;

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::datagram::packets;
    use super::frame::frames;
    use super::header::{parse_packet, Packet};
    use super::packet::open;
    use super::testvectors::{h, DCID, V1_CLIENT_PACKET};
    use super::version::KeySchedule;
    use crate::crypto::quic::{PacketKeys, Side};

    /// The payload of the RFC 9001 A.2 Initial, for mutations that still decrypt.
    fn client_initial_payload() -> Vec<u8> {
        let bytes = h(V1_CLIENT_PACKET);
        let Ok((Packet::Long(p), _)) = parse_packet(&bytes, 0) else {
            unreachable!("RFC 9001 A.2 is an Initial")
        };
        let keys = PacketKeys::initial(KeySchedule::V1, &h(DCID), Side::Client);
        open(&keys, p.protected, None).unwrap().payload
    }

    proptest! {
        /// Arbitrary datagrams: split, opened with the Initial keys of their own DCID
        /// (and an arbitrary largest packet number), their payloads (were one to open)
        /// decoded. Errors, never panics.
        #[test]
        fn any_datagram(
            datagram in proptest::collection::vec(any::<u8>(), 0..1500),
            dcid_len in 0usize..21,
            largest in any::<Option<u32>>(),
        ) {
            for p in packets(&datagram, dcid_len).flatten() {
                let protected = match p {
                    Packet::Long(l) => l.protected,
                    Packet::Short(s) => s.protected,
                    _ => continue,
                };
                let keys = PacketKeys::initial(KeySchedule::V1, p.dcid(), Side::Client);
                if let Ok(o) = open(&keys, protected, largest.map(u64::from)) {
                    frames(&o.payload).for_each(drop);
                }
            }
        }

        /// A real payload with bytes changed: frames decode or stop with an error.
        #[test]
        fn mutated_frames(changes in proptest::collection::vec((0usize..1162, any::<u8>()), 1..8)) {
            let mut payload = client_initial_payload();
            for (at, b) in changes {
                payload[at] = b;
            }
            let n = frames(&payload).count();
            prop_assert!(n <= payload.len());
        }
    }
}
