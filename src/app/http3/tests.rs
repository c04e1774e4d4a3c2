use super::*;
use sha2::{Digest, Sha256};

/// A frame: type, length, payload (one-byte varints: payloads under 64 bytes).
fn frame(ty: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![ty, payload.len() as u8];
    f.extend_from_slice(payload);
    f
}

/// GET https://a/x, QPACK with the static table only.
fn request_section() -> Vec<u8> {
    [&[0, 0, 0xd1, 0xd7, 0x51, 2][..], b"/x", &[0x50, 1], b"a"].concat()
}

/// :status 200.
fn response_section() -> Vec<u8> {
    vec![0, 0, 0xd9]
}

fn exchange(h: &mut Http3, piece: usize) {
    let client = [frame(1, &request_section()), frame(0, b"up")].concat();
    let server = [
        frame(1, &response_section()),
        frame(0, b"hello"),
        frame(0, b" world"),
    ]
    .concat();
    // Control streams: a SETTINGS frame each (type byte first).
    let control = [&[0u8][..], &frame(4, &[0x01, 0x40, 0x64])].concat();
    for c in control.chunks(piece) {
        h.stream_data(2, Side::Client, 0, c);
        h.stream_data(3, Side::Server, 0, c);
    }
    for c in client.chunks(piece) {
        h.stream_data(0, Side::Client, 1, c);
    }
    h.stream_end(0, Side::Client, None);
    for c in server.chunks(piece) {
        h.stream_data(0, Side::Server, 2, c);
    }
    h.stream_end(0, Side::Server, None);
}

#[test]
fn a_request_stream_is_a_transaction_in_pieces_of_any_size() {
    for piece in [1, 2, 3, 7, 1000] {
        let mut h = Http3::default();
        exchange(&mut h, piece);
        h.close();
        assert_eq!(h.problems, Vec::<String>::new(), "piece {piece}");
        let t = &h.transactions[0];
        assert_eq!(t.stream_id, Some(0));
        let q = t.request.as_ref().unwrap();
        assert_eq!(
            (
                q.method.as_deref(),
                q.target.as_deref(),
                q.authority.as_deref()
            ),
            (Some("GET"), Some("/x"), Some("a"))
        );
        assert_eq!((q.body_bytes, q.complete), (2, true));
        let r = t.response.as_ref().unwrap();
        assert_eq!((r.status, r.body_bytes, r.complete), (Some(200), 11, true));
        assert_eq!(
            r.body_sha256.value(),
            <[u8; 32]>::from(Sha256::digest(b"hello world"))
        );
        assert_eq!(h.settings[0], vec![(1, 100)]);
        assert_eq!(h.frames[1][0], 2, "DATA frames from the server");
    }
}

#[test]
fn resets_gaps_and_blocked_sections_are_reported() {
    let mut h = Http3::default();
    h.stream_data(0, Side::Client, 0, &frame(1, &request_section()));
    h.stream_end(0, Side::Server, Some(0x10c));
    assert_eq!(
        h.transactions[0].reset,
        Some(Reset {
            by: Side::Server,
            code: 0x10c
        })
    );
    // A gap in a request stream loses its framing; later bytes are not read as frames.
    h.stream_data(4, Side::Client, 0, &[1]);
    h.stream_gap(4, Side::Client, 100);
    h.stream_data(4, Side::Client, 0, &[0xff; 20]);
    assert!(h.problems[0].contains("100 bytes lost"), "{:?}", h.problems);
    // A section waiting for inserts that never come is named at the end.
    h.qpack[0].allow(4096);
    h.stream_data(8, Side::Client, 0, &frame(1, &[0x02, 0x00, 0x80]));
    h.close();
    assert!(
        h.problems.iter().any(|p| p.contains("never came")),
        "{:?}",
        h.problems
    );
}

#[test]
fn hostile_frames_are_skipped_within_bounds() {
    let mut h = Http3::default();
    // A HEADERS frame declaring 1 GB: not held, named.
    h.stream_data(0, Side::Client, 0, &[0x01, 0xc0, 0, 0, 0, 0x40, 0, 0, 0]);
    h.stream_data(0, Side::Client, 0, &vec![0u8; 100_000]);
    assert!(h.held_bytes() < 10_000, "{}", h.held_bytes());
    assert!(h.problems[0].contains("not read"), "{:?}", h.problems);
    // A bad QPACK encoder stream loses that side's table, and says so once.
    h.stream_data(3, Side::Server, 0, &[0x02, 0x3f, 0xff, 0xff, 0xff, 0x7f]);
    assert!(
        h.problems.iter().any(|p| p.contains("encoder stream")),
        "{:?}",
        h.problems
    );
    // Junk on many unidirectional streams: capped.
    for id in 0..(MAX_STREAMS as u64 + 10) {
        h.stream_data(id * 4 + 2, Side::Client, 0, &[0x21, 0x05]);
    }
    assert!(h.streams_omitted > 0);
}
