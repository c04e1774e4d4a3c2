//! One byte stream of one direction put back in order from frames that carry an
//! offset: an encryption level's CRYPTO stream (RFC 9000 §19.6, §7.5) or one half of a
//! STREAM (§19.8), by the TCP byte-range assembler.
//!
//! ```text
//!  { offset, data }        ─► window check ─► TcpReassembler (offsets as sequence
//!   (any order, repeats)       (refused:        numbers from 0) ─► Chunk::Data / Gap
//!                               counted)                            in order
//! ```
//!
//! The assembler maps 32-bit sequence numbers to 64-bit offsets near the next byte
//! expected, which is right for TCP and wrong for a CRYPTO offset 2^32 ahead. So data
//! already delivered is counted and dropped here, and data starting more than the
//! window past the next byte is refused and counted (a peer may treat it as
//! CRYPTO_BUFFER_EXCEEDED, RFC 9000 §7.5): what reaches the assembler is always within
//! 2^31 of where it stands.

use crate::tcp::{Chunk, DirectionStats, TcpReassembler};

/// The most a window may be: below 2^31, so the assembler never aliases an offset.
const MAX_WINDOW: u64 = 1 << 30;

/// What was refused, and why it did not reach the assembler.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// Frames whose data started beyond the window.
    pub frames: u64,
    pub bytes: u64,
}

/// One CRYPTO stream, or one direction of one STREAM.
#[derive(Debug)]
pub struct OffsetStream {
    assembler: TcpReassembler,
    window: u64,
    refused: Refused,
}

impl OffsetStream {
    /// `cap` bounds the bytes held out of order (as for a TCP direction); data more
    /// than `window` bytes past the next one expected is refused.
    pub fn new(cap: usize, window: u64) -> Self {
        let mut assembler = TcpReassembler::new(cap);
        // Offset 0 is "sequence number" 0: the SYN's is one before.
        assembler.syn(u32::MAX);
        OffsetStream {
            assembler,
            window: window.min(MAX_WINDOW),
            refused: Refused::default(),
        }
    }

    /// The offset of the next byte expected.
    pub fn next_offset(&self) -> u64 {
        self.assembler.next_offset()
    }

    /// Adds one CRYPTO frame's data; what is now in order goes to `out`.
    pub fn insert(&mut self, offset: u64, data: &[u8], out: &mut impl FnMut(Chunk<'_>)) {
        let next = self.assembler.next_offset();
        let end = offset.saturating_add(data.len() as u64);
        if end <= next {
            // A retransmission of bytes already delivered.
            self.assembler.stats.retransmitted_bytes += data.len() as u64;
            return;
        }
        let (offset, data) = if offset < next {
            let skip = (next - offset) as usize;
            self.assembler.stats.retransmitted_bytes += skip as u64;
            (next, &data[skip..])
        } else {
            (offset, data)
        };
        if offset - next > self.window {
            self.refused.frames += 1;
            self.refused.bytes += data.len() as u64;
            return;
        }
        // Within 2^30 of `next`: the assembler's 32-bit arithmetic finds the offset back.
        self.assembler.insert(offset as u32, data, 0, out);
    }

    /// Stops waiting for the holes (a cap across streams was hit): what is held goes
    /// out after gaps, and the stream carries on.
    pub fn give_up_holes(&mut self, out: &mut impl FnMut(Chunk<'_>)) {
        self.assembler.give_up_holes(out);
    }

    /// The stream is over (its keys discarded, a FIN or reset, or the capture ended):
    /// holes left are lost, what follows them goes out.
    pub fn finish(&mut self, out: &mut impl FnMut(Chunk<'_>)) {
        self.assembler.finish(out);
    }

    pub fn stats(&self) -> &DirectionStats {
        &self.assembler.stats
    }

    /// Bytes held out of order (for memory accounting).
    pub fn held_bytes(&self) -> usize {
        self.assembler.pending_bytes()
    }

    pub fn refused(&self) -> Refused {
        self.refused
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tcp::Gap;

    fn run(stream: &mut OffsetStream, frames: &[(u64, &[u8])]) -> (Vec<u8>, Vec<Gap>) {
        let mut bytes = Vec::new();
        let mut gaps = Vec::new();
        let mut sink = |c: Chunk<'_>| match c {
            Chunk::Data(d) => bytes.extend_from_slice(d),
            Chunk::Gap(g) => gaps.push(g),
        };
        for (offset, data) in frames {
            stream.insert(*offset, data, &mut sink);
        }
        stream.finish(&mut sink);
        (bytes, gaps)
    }

    #[test]
    fn in_order_out_of_order_and_repeats() {
        let mut s = OffsetStream::new(1 << 16, 1 << 16);
        let (b, g) = run(
            &mut s,
            &[(3, b"def"), (0, b"abc"), (0, b"abcd"), (6, b"gh")],
        );
        assert_eq!(b, b"abcdefgh");
        assert!(g.is_empty());
        assert_eq!(s.stats().retransmitted_bytes, 4);
        assert_eq!(s.next_offset(), 8);
    }

    #[test]
    fn a_hole_left_at_the_end_is_a_gap() {
        let mut s = OffsetStream::new(1 << 16, 1 << 16);
        let (b, g) = run(&mut s, &[(0, b"ab"), (5, b"fg")]);
        assert_eq!(b, b"abfg");
        assert_eq!(g, [Gap { offset: 2, len: 3 }]);
    }

    /// Offsets far ahead are refused, not aliased onto the 32-bit sequence space.
    #[test]
    fn far_offsets_are_refused_and_counted() {
        let mut s = OffsetStream::new(1 << 16, 4096);
        let (b, g) = run(
            &mut s,
            &[
                (0, b"ab"),
                (1 << 32, b"XX"),
                (2 + 4097, b"YY"),
                (u64::MAX - 1, b"ZZ"),
                (2, b"c"),
            ],
        );
        assert_eq!(b, b"abc");
        assert!(g.is_empty());
        assert_eq!(
            s.refused(),
            Refused {
                frames: 3,
                bytes: 6
            }
        );
        // Just inside the window is held.
        let mut s = OffsetStream::new(1 << 16, 4096);
        let (b, g) = run(&mut s, &[(4096, b"z")]);
        assert_eq!(b, b"z");
        assert_eq!(
            g,
            [Gap {
                offset: 0,
                len: 4096
            }]
        );
    }

    /// The whole layer on RFC 9001 A.2 and A.3 (v1) and RFC 9369 A.2 and A.3 (v2): each
    /// datagram split, its Initial opened, its CRYPTO frames reassembled into the
    /// ClientHello and the ServerHello.
    #[test]
    fn initials_to_handshake_bytes() {
        use crate::crypto::quic::{PacketKeys, Side};
        use crate::quic::datagram::packets;
        use crate::quic::frame::{frames, Frame};
        use crate::quic::header::Packet;
        use crate::quic::packet::open;
        use crate::quic::testvectors::*;

        let dcid = h(DCID);
        // The CRYPTO data: after the frame header (type, offset, 2-byte length), and in
        // the server's payload after a 5-byte ACK.
        let client_hello = h(V1_CLIENT_CRYPTO_FRAME)[4..].to_vec();
        let server_hello = h(V1_SERVER_PAYLOAD)[5 + 4..].to_vec();
        assert_eq!(h(V2_SERVER_PAYLOAD), h(V1_SERVER_PAYLOAD));
        for (packet, side, expected) in [
            (V1_CLIENT_PACKET, Side::Client, &client_hello),
            (V1_SERVER_PACKET, Side::Server, &server_hello),
            (V2_CLIENT_PACKET, Side::Client, &client_hello),
            (V2_SERVER_PACKET, Side::Server, &server_hello),
        ] {
            let datagram = h(packet);
            let mut stream = OffsetStream::new(1 << 16, 1 << 16);
            let mut hello = Vec::new();
            for p in packets(&datagram, 0) {
                let Ok(Packet::Long(p)) = p else {
                    panic!("{p:?}")
                };
                let schedule = p.version.key_schedule().unwrap();
                let keys = PacketKeys::initial(schedule, &dcid, side);
                let opened = open(&keys, p.protected, None).unwrap();
                for f in frames(&opened.payload) {
                    if let Frame::Crypto { offset, data } = f.unwrap() {
                        stream.insert(offset, data, &mut |c| match c {
                            Chunk::Data(d) => hello.extend_from_slice(d),
                            Chunk::Gap(g) => panic!("{g:?}"),
                        });
                    }
                }
            }
            assert_eq!(&hello, expected);
            // One whole handshake message: ClientHello (1) or ServerHello (2), its
            // 24-bit length.
            assert_eq!(usize::from(hello[3]) + 4, hello.len());
        }
    }
}
