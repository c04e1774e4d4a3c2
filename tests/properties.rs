//! Property tests: TCP reassembly gives back the stream whatever the segments'
//! order, duplication and overlap; two SHA-256 in step give what each alone gives; the
//! parsers never panic on arbitrary bytes.

use proptest::prelude::*;

use tlsscope::capture::CaptureReader;
use tlsscope::crypto::keylog::KeyLog;
use tlsscope::crypto::sha256::{Sha256, SharedPass};
use tlsscope::tcp::{Chunk, TcpReassembler};
use tlsscope::tls::handshake::{HandshakeFrame, HandshakeMessage, KeyExchangeHint, ParseContext};
use tlsscope::tls::hello::{ClientHello, ServerHello};
use tlsscope::tls::record::{RecordDeframer, RecordEvent};
use tlsscope::tls::registry::{HandshakeType, ProtocolVersion};

/// A stream, cut into segments (start, end), each sent once in a shuffled order, some
/// sent again, some resent as a span overlapping their neighbours.
fn segmented() -> impl Strategy<Value = (Vec<u8>, Vec<(usize, usize)>)> {
    (1usize..3000)
        .prop_flat_map(|len| {
            (
                proptest::collection::vec(any::<u8>(), len),
                proptest::collection::vec(1usize..400, 1..40),
                proptest::collection::vec(
                    (any::<prop::sample::Index>(), any::<prop::sample::Index>()),
                    0..10,
                ),
                any::<u64>(),
            )
        })
        .prop_map(|(data, cuts, extra, seed)| {
            let mut segs = Vec::new();
            let mut at = 0;
            for c in cuts.iter().cycle() {
                if at >= data.len() {
                    break;
                }
                let end = (at + c).min(data.len());
                segs.push((at, end));
                at = end;
            }
            // Duplicates and overlapping retransmissions.
            for (a, b) in extra {
                let (x, y) = (a.index(data.len()), b.index(data.len() + 1));
                if x < y {
                    segs.push((x, y));
                }
            }
            // A deterministic shuffle.
            let mut state = seed | 1;
            for i in (1..segs.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                segs.swap(i, (state % (i as u64 + 1)) as usize);
            }
            (data, segs)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn reassembly_returns_the_stream((data, segs) in segmented(), isn in any::<u32>()) {
        let mut r = TcpReassembler::new(1 << 20);
        r.syn(isn);
        let mut out = Vec::new();
        let mut gaps = 0;
        let mut sink = |c: Chunk<'_>| match c {
            Chunk::Data(d) => out.extend_from_slice(d),
            Chunk::Gap(_) => gaps += 1,
        };
        for (a, b) in &segs {
            let seq = isn.wrapping_add(1).wrapping_add(*a as u32);
            r.insert(seq, &data[*a..*b], 0, &mut sink);
        }
        r.finish(&mut sink);
        prop_assert_eq!(gaps, 0);
        prop_assert_eq!(out, data);
    }

    /// A stream cut into records, and body parts taken from each record at any places
    /// (in order, overlapping, before what the record's pass took): the record pass and
    /// the body hash agree with SHA-256 of what each was given.
    #[test]
    fn hashes_in_step_agree_with_sha2(
        data in proptest::collection::vec(any::<u8>(), 0..5000),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
        parts in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..2000), 0..12),
    ) {
        use sha2::Digest;
        let mut at: Vec<usize> = cuts.iter().map(|i| i.index(data.len() + 1)).collect();
        at.extend([0, data.len()]);
        at.sort_unstable();
        let mut stream = Sha256::new();
        let mut body = Sha256::new();
        let mut body_bytes = Vec::new();
        for (r, w) in at.windows(2).enumerate() {
            let record = &data[w[0]..w[1]];
            let mut pass = SharedPass::new(&mut stream, record);
            for (k, (start, len)) in parts.iter().enumerate() {
                if k % at.len().max(1) != r % at.len().max(1) || record.is_empty() {
                    continue;
                }
                let a = start.index(record.len() + 1);
                let b = (a + len).min(record.len());
                pass.hash_beside(&mut body, &record[a..b]);
                body_bytes.extend_from_slice(&record[a..b]);
            }
        }
        prop_assert_eq!(stream.finalize(), <[u8; 32]>::from(sha2::Sha256::digest(&data)));
        prop_assert_eq!(body.finalize(), <[u8; 32]>::from(sha2::Sha256::digest(&body_bytes)));
    }

    #[test]
    fn hello_and_handshake_parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), ty in any::<u8>()) {
        let _ = ClientHello::parse(&bytes);
        let _ = ClientHello::parse_sslv2(&bytes);
        let _ = ServerHello::parse(&bytes);
        let raw: Vec<u8> = [ty, 0, 0, 0].iter().copied().chain(bytes.iter().copied()).collect();
        for version in [None, Some(0x0300), Some(0x0303), Some(0x0304), Some(0x7f14)] {
            let version = version.map(ProtocolVersion);
            for key_exchange in [KeyExchangeHint::Rsa, KeyExchangeHint::Dhe, KeyExchangeHint::Ecdhe, KeyExchangeHint::Psk] {
                let frame = HandshakeFrame { msg_type: HandshakeType(ty), body: &bytes, raw: &raw };
                for psk_identity_first in [false, true] {
                    let ctx = ParseContext { version, key_exchange, psk_identity_first };
                    let _ = HandshakeMessage::parse(&frame, &ctx);
                }
            }
        }
    }

    #[test]
    fn record_deframer_never_panics(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..8)) {
        let mut d = RecordDeframer::new();
        for c in &chunks {
            d.push(c, &mut |e: RecordEvent<'_>| { let _ = e; });
        }
    }

    #[test]
    fn keylog_and_capture_reader_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        KeyLog::default().add(&bytes, "random");
        if let Ok(mut r) = CaptureReader::from_reader(Box::new(std::io::Cursor::new(bytes)), "random") {
            r.for_each(|_| {});
        }
    }
}
