//! Frames built by hand (a literal-only HPACK encoder below): each frame type, header
//! blocks across CONTINUATIONs, resets, pushes, the caps, and hostile bytes.

use super::*;
use crate::app::http1::MAX_PROBLEMS;
use crate::app::http1::{Reset, MAX_TRANSACTIONS};
use sha2::{Digest, Sha256};

fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let len = payload.len() as u32;
    let mut f = len.to_be_bytes()[1..].to_vec();
    f.extend_from_slice(&[kind, flags]);
    f.extend_from_slice(&stream.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// RFC 7541 §5.1 integer with an `n`-bit prefix under `first`.
fn int(first: u8, n: u32, v: usize) -> Vec<u8> {
    let max = (1usize << n) - 1;
    if v < max {
        return vec![first | v as u8];
    }
    let (mut out, mut rest) = (vec![first | max as u8], v - max);
    while rest >= 128 {
        out.push((rest % 128) as u8 | 0x80);
        rest /= 128;
    }
    out.push(rest as u8);
    out
}

/// Literal fields with new names; `indexed`: with incremental indexing (into the table).
fn block(fields: &[(&str, &str)], indexed: bool) -> Vec<u8> {
    let mut b = Vec::new();
    for (n, v) in fields {
        b.push(if indexed { 0x40 } else { 0x00 });
        b.extend(int(0, 7, n.len()));
        b.extend_from_slice(n.as_bytes());
        b.extend(int(0, 7, v.len()));
        b.extend_from_slice(v.as_bytes());
    }
    b
}

fn get(path: &str) -> Vec<u8> {
    block(
        &[
            (":method", "GET"),
            (":scheme", "https"),
            (":authority", "tlsscope.test"),
            (":path", path),
            ("user-agent", "t"),
        ],
        false,
    )
}

fn status(code: &str) -> Vec<u8> {
    block(&[(":status", code), ("content-type", "text/plain")], false)
}

fn client_start() -> Vec<u8> {
    let mut b = PREFACE.to_vec();
    b.extend(frame(
        SETTINGS,
        0,
        0,
        &[0, 1, 0, 0, 0x10, 0, 0, 4, 0, 0, 0xff, 0xff],
    ));
    b
}

fn sha(b: &[u8]) -> crate::app::body_hash::BodyDigest {
    <[u8; 32]>::from(Sha256::digest(b)).into()
}

/// Feeds every piece one byte at a time as well as whole: both must agree.
fn run(parts: &[(Side, Vec<u8>)]) -> Http2 {
    let mut whole = Http2::default();
    let mut bytewise = Http2::default();
    for (ts, (side, b)) in parts.iter().enumerate() {
        whole.data(*side, ts as i64, b);
        for byte in b.chunks(1) {
            bytewise.data(*side, ts as i64, byte);
        }
    }
    whole.close();
    bytewise.close();
    assert_eq!(whole.transactions, bytewise.transactions);
    assert_eq!(whole.problems, bytewise.problems);
    whole
}

#[test]
fn get_with_padded_data_and_priority() {
    let mut server = frame(SETTINGS, 0, 0, &[0, 3, 0, 0, 0, 100]);
    server.extend(frame(SETTINGS, ACK, 0, &[]));
    // HEADERS with padding (3 bytes) and priority fields.
    let mut p = vec![3, 0, 0, 0, 0, 16];
    p.extend(status("200"));
    p.extend_from_slice(&[0; 3]);
    server.extend(frame(HEADERS, END_HEADERS | PADDED | PRIORITY_FLAG, 1, &p));
    server.extend(frame(DATA, 0, 1, b"hello "));
    server.extend(frame(DATA, PADDED | END_STREAM, 1, b"\x02world\0\0"));
    server.extend(frame(PING, 0, 0, &[0; 8]));
    let mut client = client_start();
    client.extend(frame(HEADERS, END_HEADERS | END_STREAM, 1, &get("/a")));
    client.extend(frame(WINDOW_UPDATE, 0, 0, &[0, 0, 1, 0]));
    client.extend(frame(0xee, 0, 0, b"unknown type, skipped"));
    let h = run(&[(Side::Client, client), (Side::Server, server)]);
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.transactions.len(), 1);
    let t = &h.transactions[0];
    assert_eq!(t.stream_id, Some(1));
    let q = t.request.as_ref().unwrap();
    assert_eq!(
        (
            q.method.as_deref(),
            q.target.as_deref(),
            q.authority.as_deref()
        ),
        (Some("GET"), Some("/a"), Some("tlsscope.test"))
    );
    assert_eq!(q.scheme.as_deref(), Some("https"));
    assert_eq!(q.headers, [("user-agent".to_string(), b"t".to_vec())]);
    assert!(q.complete);
    let r = t.response.as_ref().unwrap();
    assert_eq!(r.status, Some(200));
    assert_eq!((r.body_bytes, r.body_wire_bytes), (11, 6 + 8));
    assert_eq!((r.body_sha256, r.complete), (sha(b"hello world"), true));
    assert_eq!(h.frames[0][usize::from(SETTINGS)], 1);
    assert_eq!(h.frames[0][usize::from(WINDOW_UPDATE)], 1);
    assert_eq!(h.frames[0][usize::from(UNKNOWN)], 1);
    assert_eq!(h.frames[1][usize::from(SETTINGS)], 2);
    assert_eq!(h.frames[1][usize::from(PING)], 1);
    assert_eq!(h.settings[0], [(1, 0x1000), (4, 0xffff)]);
    // The client's SETTINGS_HEADER_TABLE_SIZE bounds the server's encoder.
    assert_eq!(h.streams.len(), 0);
}

#[test]
fn post_continuation_and_dynamic_table() {
    let big = "x".repeat(20_000);
    let mut fields = block(&[(":method", "POST"), (":path", "/p")], true);
    fields.extend(block(&[("x-big", &big)], false));
    let rest = fields.split_off(9000);
    let (mid, last) = rest.split_at(9000);
    let mut client = client_start();
    client.extend(frame(HEADERS, 0, 3, &fields));
    client.extend(frame(CONTINUATION, 0, 3, mid));
    client.extend(frame(CONTINUATION, END_HEADERS, 3, last));
    client.extend(frame(DATA, 0, 3, b"ab"));
    client.extend(frame(DATA, END_STREAM, 3, b"c"));
    // The second request names every field by its dynamic-table index (62 = newest).
    client.extend(frame(HEADERS, END_HEADERS | END_STREAM, 5, &[0xbf, 0xbe]));
    let mut server = frame(SETTINGS, 0, 0, &[]);
    server.extend(frame(HEADERS, END_HEADERS | END_STREAM, 3, &status("204")));
    server.extend(frame(HEADERS, END_HEADERS, 5, &status("404")));
    server.extend(frame(DATA, END_STREAM, 5, b"nope"));
    let h = run(&[(Side::Client, client), (Side::Server, server)]);
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.frames[0][usize::from(CONTINUATION)], 2);
    let q = h.transactions[0].request.as_ref().unwrap();
    assert_eq!(q.method.as_deref(), Some("POST"));
    assert_eq!(q.header("x-big").map(<[u8]>::len), Some(20_000));
    assert_eq!(
        (q.body_bytes, q.body_sha256, q.complete),
        (3, sha(b"abc"), true)
    );
    let q2 = h.transactions[1].request.as_ref().unwrap();
    assert_eq!(
        (q2.method.as_deref(), q2.target.as_deref()),
        (Some("POST"), Some("/p"))
    );
    let r2 = h.transactions[1].response.as_ref().unwrap();
    assert_eq!((r2.status, r2.body_bytes), (Some(404), 4));
}

#[test]
fn resets_pushes_interim_and_goaway() {
    let mut client = client_start();
    client.extend(frame(HEADERS, END_HEADERS | END_STREAM, 1, &get("/big")));
    let mut server = frame(SETTINGS, 0, 0, &[]);
    server.extend(frame(
        HEADERS,
        END_HEADERS,
        1,
        &block(&[(":status", "103")], false),
    ));
    let mut promise = 2u32.to_be_bytes().to_vec();
    promise.extend(get("/style.css"));
    server.extend(frame(PUSH_PROMISE, END_HEADERS, 1, &promise));
    server.extend(frame(HEADERS, END_HEADERS, 1, &status("200")));
    server.extend(frame(DATA, 0, 1, b"partial"));
    server.extend(frame(HEADERS, END_HEADERS, 2, &status("200")));
    server.extend(frame(DATA, END_STREAM, 2, b"body{}"));
    let mut later = frame(RST_STREAM, 0, 1, &8u32.to_be_bytes());
    later.extend(frame(
        GOAWAY,
        0,
        0,
        &[0, 0, 0, 1, 0, 0, 0, 0, b'd', b'b', b'g'],
    ));
    let h = run(&[
        (Side::Client, client),
        (Side::Server, server),
        (Side::Client, later),
    ]);
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert_eq!(h.transactions.len(), 2);
    let t = &h.transactions[0];
    let r = t.response.as_ref().unwrap();
    assert_eq!((r.status, r.body_bytes, r.complete), (Some(200), 7, false));
    assert_eq!(r.body_sha256, sha(b"partial"));
    assert_eq!(
        t.reset,
        Some(Reset {
            by: Side::Client,
            code: 8
        })
    );
    // The server's frames already in flight when the client reset count: its body
    // reached END_STREAM, so it is whole, and the reset is still the client's.
    let mut server = frame(SETTINGS, 0, 0, &[]);
    server.extend(frame(HEADERS, END_HEADERS, 1, &status("200")));
    server.extend(frame(DATA, 0, 1, b"part one, "));
    let mut rest = frame(DATA, 0, 1, b"part two, ");
    rest.extend(frame(DATA, END_STREAM, 1, b"the end"));
    let cancel = frame(RST_STREAM, 0, 1, &8u32.to_be_bytes());
    let mut client = client_start();
    client.extend(frame(HEADERS, END_HEADERS | END_STREAM, 1, &get("/big")));
    let drained = run(&[
        (Side::Client, client),
        (Side::Server, server),
        (Side::Client, cancel),
        (Side::Server, rest),
    ]);
    let t = &drained.transactions[0];
    let r = t.response.as_ref().unwrap();
    assert_eq!(
        (r.body_bytes, r.body_wire_bytes, r.complete),
        (27, 27, true)
    );
    assert_eq!(r.body_sha256, sha(b"part one, part two, the end"));
    assert_eq!(t.reset.map(|r| r.by), Some(Side::Client));
    assert!(drained.problems.is_empty(), "{:?}", drained.problems);
    assert!(drained.streams.is_empty() && drained.draining.is_empty());
    let p = &h.transactions[1];
    assert_eq!((p.stream_id, p.pushed), (Some(2), true));
    assert_eq!(
        p.request.as_ref().unwrap().target.as_deref(),
        Some("/style.css")
    );
    let r = p.response.as_ref().unwrap();
    assert_eq!((r.body_bytes, r.complete), (6, true));
    assert_eq!(
        h.goaway[0],
        Some(GoAway {
            last_stream_id: 1,
            code: 0
        })
    );
}

#[test]
fn gaps_limits_and_bad_blocks_stop_a_side() {
    let mut h = Http2::default();
    let mut client = client_start();
    client.extend(frame(HEADERS, END_HEADERS, 1, &get("/up")));
    client.extend(frame(DATA, 0, 1, b"abc"));
    h.data(Side::Client, 0, &client);
    h.gap(Side::Client, 1234);
    h.data(Side::Client, 1, &frame(DATA, END_STREAM, 1, b"more"));
    h.data(
        Side::Server,
        2,
        &frame(HEADERS, END_HEADERS, 1, &[0x80 | 90]),
    );
    h.close();
    let q = h.transactions[0].request.as_ref().unwrap();
    assert_eq!((q.body_bytes, q.complete), (3, false));
    assert!(
        h.problems[0].contains("gap of 1234 bytes"),
        "{:?}",
        h.problems
    );
    assert!(
        h.problems[1].contains("HPACK: index 90 out of range"),
        "{:?}",
        h.problems
    );
    assert!(h.problems[2].contains("still open"), "{:?}", h.problems);

    // A frame over the 16 KB default, and CONTINUATION out of place.
    let mut h = Http2::default();
    h.data(Side::Server, 0, &frame(DATA, 0, 1, &vec![0; 20_000]));
    h.data(Side::Client, 0, PREFACE);
    h.data(Side::Client, 0, &frame(CONTINUATION, END_HEADERS, 1, &[]));
    assert!(
        h.problems[0].contains("20000 bytes over the 16384-byte"),
        "{:?}",
        h.problems
    );
    assert!(h.problems[1].contains("CONTINUATION"), "{:?}", h.problems);
    // Not HTTP/2 at all.
    let mut h = Http2::default();
    h.data(Side::Client, 0, b"GET / HTTP/1.1\r\n\r\n");
    assert!(h.problems[0].contains("preface"), "{:?}", h.problems);
}

/// More streams open at once than followed: the rest counted, their frames skipped;
/// transactions stop at their cap too.
#[test]
fn open_streams_and_transactions_are_capped() {
    let mut h = Http2::default();
    h.data(Side::Client, 0, &client_start());
    for i in 0..(MAX_OPEN_STREAMS as u32 + 100) {
        h.data(
            Side::Client,
            0,
            &frame(HEADERS, END_HEADERS, 2 * i + 1, &get("/")),
        );
    }
    assert_eq!(h.streams.len(), MAX_OPEN_STREAMS);
    assert_eq!(h.streams_omitted, 100);
    // Answers to the streams not followed are not new transactions, nor counted twice;
    // an answer on a stream the client reset is still what the server sent.
    h.data(
        Side::Client,
        0,
        &frame(RST_STREAM, 0, 1, &8u32.to_be_bytes()),
    );
    for i in 0..(MAX_OPEN_STREAMS as u32 + 100) {
        h.data(
            Side::Server,
            0,
            &frame(HEADERS, END_HEADERS, 2 * i + 1, &status("200")),
        );
    }
    assert_eq!(
        (h.streams_omitted, h.transactions.len()),
        (100, MAX_OPEN_STREAMS)
    );
    assert!(h.transactions[0].response.is_some());
    // Ending them makes room; past MAX_TRANSACTIONS, transactions are counted.
    let mut h = Http2::default();
    h.data(Side::Client, 0, &client_start());
    for i in 0..(MAX_TRANSACTIONS as u32 + 10) {
        h.data(
            Side::Client,
            0,
            &frame(HEADERS, END_HEADERS | END_STREAM, 2 * i + 1, &get("/")),
        );
        h.data(
            Side::Server,
            0,
            &frame(HEADERS, END_HEADERS | END_STREAM, 2 * i + 1, &status("200")),
        );
    }
    h.close();
    assert_eq!(h.transactions.len(), MAX_TRANSACTIONS);
    assert_eq!(h.transactions_omitted, 10);
    assert!(h.problems.is_empty(), "{:?}", h.problems);
    assert!(h.held_bytes() < 4 << 20, "{}", h.held_bytes());
}

proptest::proptest! {
    /// Any bytes either way after a real preface, cut anywhere: no panic, caps hold.
    #[test]
    fn any_frames(parts in proptest::collection::vec((proptest::bool::ANY, proptest::collection::vec(proptest::num::u8::ANY, 0..300)), 0..20)) {
        let mut h = Http2::default();
        h.data(Side::Client, 0, PREFACE);
        for (client, b) in &parts {
            h.data(if *client { Side::Client } else { Side::Server }, 0, b);
        }
        h.close();
        proptest::prop_assert!(h.transactions.len() <= MAX_TRANSACTIONS);
        proptest::prop_assert!(h.problems.len() <= MAX_PROBLEMS);
    }
}

/// A rapid-reset flood (every stream opened and reset by the client, the server never
/// answering): at most MAX_DRAINING_STREAMS reset streams wait for the server's frames.
#[test]
fn reset_streams_waiting_for_the_peer_are_capped() {
    let mut h = Http2::default();
    h.data(Side::Client, 0, &client_start());
    for i in 0..1000u32 {
        let id = 2 * i + 1;
        h.data(
            Side::Client,
            0,
            &frame(HEADERS, END_HEADERS | END_STREAM, id, &get("/")),
        );
        h.data(
            Side::Client,
            0,
            &frame(RST_STREAM, 0, id, &8u32.to_be_bytes()),
        );
    }
    assert_eq!(h.draining.len(), super::MAX_DRAINING_STREAMS);
    assert_eq!(h.streams.len(), super::MAX_DRAINING_STREAMS);
    assert_eq!(h.transactions.len(), 1000);
    assert!(h.transactions.iter().all(|t| t.reset.is_some()));
    h.close();
    assert!(h.problems.is_empty(), "{:?}", h.problems);
}
