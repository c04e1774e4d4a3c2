//! RFC 7541 Appendix C, every example: the header lists and the dynamic table after
//! each block; then the caps and hostile input.

use super::*;

type Fields = &'static [(&'static str, &'static str)];

/// Decodes each block in turn on one decoder, checking the list and the table after it.
fn run(max: usize, steps: &[(&str, Fields, Fields, usize)]) {
    let mut d = Decoder::with_max(max);
    for (i, (hex, want, table, size)) in steps.iter().enumerate() {
        let mut list = HeaderList::default();
        d.decode(&hex::decode(hex).unwrap(), &mut list)
            .unwrap_or_else(|e| panic!("step {i}: {e}"));
        let got: Vec<(&[u8], &[u8])> = list
            .fields
            .iter()
            .map(|(n, v)| (n.as_slice(), v.as_slice()))
            .collect();
        let want: Vec<(&[u8], &[u8])> = want
            .iter()
            .map(|(n, v)| (n.as_bytes(), v.as_bytes()))
            .collect();
        assert_eq!(got, want, "step {i}: list");
        let (entries, got_size) = d.table();
        let entries: Vec<(&[u8], &[u8])> = entries.collect();
        let table: Vec<(&[u8], &[u8])> = table
            .iter()
            .map(|(n, v)| (n.as_bytes(), v.as_bytes()))
            .collect();
        assert_eq!(entries, table, "step {i}: table");
        assert_eq!(got_size, *size, "step {i}: table size");
    }
}

/// §5.1 encoding of `v` with an `n`-bit prefix under the pattern bits `first`.
fn int(first: u8, n: u32, v: u64) -> Vec<u8> {
    let max = (1u64 << n) - 1;
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

#[test]
fn c2_literals_and_indexed() {
    run(
        4096,
        &[(
            "400a637573746f6d2d6b65790d637573746f6d2d686561646572",
            &[("custom-key", "custom-header")],
            &[("custom-key", "custom-header")],
            55,
        )],
    );
    run(
        4096,
        &[(
            "040c2f73616d706c652f70617468",
            &[(":path", "/sample/path")],
            &[],
            0,
        )],
    );
    run(
        4096,
        &[(
            "100870617373776f726406736563726574",
            &[("password", "secret")],
            &[],
            0,
        )],
    );
    run(4096, &[("82", &[(":method", "GET")], &[], 0)]);
}

const REQ1: Fields = &[
    (":method", "GET"),
    (":scheme", "http"),
    (":path", "/"),
    (":authority", "www.example.com"),
];
const REQ2: Fields = &[
    (":method", "GET"),
    (":scheme", "http"),
    (":path", "/"),
    (":authority", "www.example.com"),
    ("cache-control", "no-cache"),
];
const REQ3: Fields = &[
    (":method", "GET"),
    (":scheme", "https"),
    (":path", "/index.html"),
    (":authority", "www.example.com"),
    ("custom-key", "custom-value"),
];
const REQ_T1: Fields = &[(":authority", "www.example.com")];
const REQ_T2: Fields = &[
    ("cache-control", "no-cache"),
    (":authority", "www.example.com"),
];
const REQ_T3: Fields = &[
    ("custom-key", "custom-value"),
    ("cache-control", "no-cache"),
    (":authority", "www.example.com"),
];

#[test]
fn c3_requests_without_huffman() {
    run(
        4096,
        &[
            ("828684410f7777772e6578616d706c652e636f6d", REQ1, REQ_T1, 57),
            ("828684be58086e6f2d6361636865", REQ2, REQ_T2, 110),
            (
                "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
                REQ3,
                REQ_T3,
                164,
            ),
        ],
    );
}

#[test]
fn c4_requests_with_huffman() {
    run(
        4096,
        &[
            ("828684418cf1e3c2e5f23a6ba0ab90f4ff", REQ1, REQ_T1, 57),
            ("828684be5886a8eb10649cbf", REQ2, REQ_T2, 110),
            (
                "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
                REQ3,
                REQ_T3,
                164,
            ),
        ],
    );
}

const DATE1: &str = "Mon, 21 Oct 2013 20:13:21 GMT";
const DATE2: &str = "Mon, 21 Oct 2013 20:13:22 GMT";
const LOC: &str = "https://www.example.com";
const COOKIE: &str = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";
const RESP1: Fields = &[
    (":status", "302"),
    ("cache-control", "private"),
    ("date", DATE1),
    ("location", LOC),
];
const RESP2: Fields = &[
    (":status", "307"),
    ("cache-control", "private"),
    ("date", DATE1),
    ("location", LOC),
];
const RESP3: Fields = &[
    (":status", "200"),
    ("cache-control", "private"),
    ("date", DATE2),
    ("location", LOC),
    ("content-encoding", "gzip"),
    ("set-cookie", COOKIE),
];
const RESP_T1: Fields = &[
    ("location", LOC),
    ("date", DATE1),
    ("cache-control", "private"),
    (":status", "302"),
];
const RESP_T2: Fields = &[
    (":status", "307"),
    ("location", LOC),
    ("date", DATE1),
    ("cache-control", "private"),
];
const RESP_T3: Fields = &[
    ("set-cookie", COOKIE),
    ("content-encoding", "gzip"),
    ("date", DATE2),
];

/// C.5 and C.6 run with a 256-byte table, so entries are evicted along the way.
#[test]
fn c5_responses_without_huffman() {
    run(
        256,
        &[
            (
                "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d",
                RESP1,
                RESP_T1,
                222,
            ),
            ("4803333037c1c0bf", RESP2, RESP_T2, 222),
            (
                "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31",
                RESP3,
                RESP_T3,
                215,
            ),
        ],
    );
}

#[test]
fn c6_responses_with_huffman() {
    run(
        256,
        &[
            (
                "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
                RESP1,
                RESP_T1,
                222,
            ),
            ("4883640effc1c0bf", RESP2, RESP_T2, 222),
            (
                "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
                RESP3,
                RESP_T3,
                215,
            ),
        ],
    );
}

/// C.1: integers with a prefix, and ones that do not end.
#[test]
fn integers() {
    let mut b: &[u8] = &[0x0a];
    assert_eq!(integer(&mut b, 5), Ok(10));
    let mut b: &[u8] = &[0x1f, 0x9a, 0x0a];
    assert_eq!(integer(&mut b, 5), Ok(1337));
    assert!(b.is_empty());
    let mut b: &[u8] = &[0x2a];
    assert_eq!(integer(&mut b, 8), Ok(42));
    let mut b: &[u8] = &[0x1f, 0x9a];
    assert_eq!(integer(&mut b, 5), Err(HpackError::Truncated));
    let mut b: &[u8] = &[0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    assert_eq!(integer(&mut b, 5), Err(HpackError::Integer));
}

#[test]
fn errors_are_named() {
    let mut d = Decoder::default();
    let mut l = HeaderList::default();
    let e = d.decode(&[0x80 | 90], &mut l).unwrap_err();
    assert_eq!(e.to_string(), "HPACK: index 90 out of range");
    assert_eq!(d.decode(&[0x80], &mut l), Err(HpackError::ZeroIndex));
    // A literal whose value runs past the block.
    assert_eq!(
        d.decode(&[0x40, 0x01, b'a', 0x05, b'b'], &mut l),
        Err(HpackError::Truncated)
    );
    // A size update over the default 4096, then one after a field.
    let up = int(0x20, 5, 8192);
    assert_eq!(
        d.decode(&up, &mut l),
        Err(HpackError::TableSize(8192, 4096))
    );
    assert_eq!(
        d.decode(&[0x82, 0x20], &mut l),
        Err(HpackError::LateTableSize)
    );
    // Allowed once the peer's SETTINGS said so.
    d.allow(8192);
    assert_eq!(d.decode(&up, &mut l), Ok(()));
    d.allow(u32::MAX);
    assert_eq!(d.limit, MAX_TABLE_SIZE);
}

/// A size update to 0 empties the table; entries larger than the table empty it too.
#[test]
fn size_updates_and_eviction() {
    let mut d = Decoder::default();
    let mut l = HeaderList::default();
    d.decode(
        &hex::decode("400a637573746f6d2d6b65790d637573746f6d2d686561646572").unwrap(),
        &mut l,
    )
    .unwrap();
    assert_eq!(d.table().1, 55);
    let mut updates = int(0x20, 5, 0); // 0, then back to 4096
    updates.extend(int(0x20, 5, 4096));
    d.decode(&updates, &mut l).unwrap();
    assert_eq!((d.table().1, d.max), (0, 4096));
    assert_eq!(d.decode(&[0xbe], &mut l), Err(HpackError::Index(62)));
    // A 5000-byte value: larger than the table, not added.
    let mut big = vec![0x40, 0x01, b'x'];
    big.extend(int(0, 7, 5000));
    big.extend(std::iter::repeat_n(b'v', 5000));
    d.decode(&big, &mut l).unwrap();
    assert_eq!(d.table().1, 0);
}

/// A list past the cap is cut and counted, the table still updated by every field.
#[test]
fn long_lists_are_capped_and_counted() {
    let mut block = Vec::new();
    let value = vec![b'a'; 1000];
    for _ in 0..100 {
        // Literal without indexing, new name "x-big", 1000-byte value.
        block.extend_from_slice(&[0x00, 0x05]);
        block.extend_from_slice(b"x-big");
        block.extend(int(0, 7, 1000));
        block.extend_from_slice(&value);
    }
    // Then one indexed-by-insertion field, which must reach the table.
    block.extend_from_slice(
        &hex::decode("400a637573746f6d2d6b65790d637573746f6d2d686561646572").unwrap(),
    );
    let mut d = Decoder::default();
    let mut l = HeaderList::default();
    d.decode(&block, &mut l).unwrap();
    assert!(l.bytes <= MAX_LIST_BYTES);
    assert_eq!(l.fields.len() as u64 + l.omitted, 101);
    assert!(l.omitted > 30);
    assert_eq!(d.table().1, 55);
}

proptest::proptest! {
    /// Any bytes: an error or a list, never a panic; the table within its maximum.
    #[test]
    fn any_block(blocks in proptest::collection::vec(proptest::collection::vec(proptest::num::u8::ANY, 0..300), 0..8)) {
        let mut d = Decoder::default();
        d.allow(1 << 20);
        for b in &blocks {
            let mut l = HeaderList::default();
            let _ = d.decode(b, &mut l);
            proptest::prop_assert!(d.table().1 <= d.max && d.max <= MAX_TABLE_SIZE);
            proptest::prop_assert!(l.bytes <= MAX_LIST_BYTES);
        }
    }
}
