use super::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

fn fields(list: &HeaderList) -> Vec<(String, String)> {
    list.fields
        .iter()
        .map(|(n, v)| {
            (
                String::from_utf8(n.clone()).unwrap(),
                String::from_utf8(v.clone()).unwrap(),
            )
        })
        .collect()
}

fn decode(d: &Decoder, block: &[u8]) -> Vec<(String, String)> {
    let mut list = HeaderList::default();
    assert_eq!(d.field_section(block, &mut list), Ok(Section::Decoded));
    fields(&list)
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// RFC 9204 B.1: a literal with a static name reference, no dynamic table.
#[test]
fn rfc9204_b1_literal_with_static_name() {
    let d = Decoder::default();
    assert_eq!(
        decode(&d, &h("0000 510b 2f69 6e64 6578 2e68 746d 6c")),
        pairs(&[(":path", "/index.html")])
    );
}

/// RFC 9204 B.2: two inserts on the encoder stream, then post-base references.
#[test]
fn rfc9204_b2_dynamic_table() {
    let mut d = Decoder::default();
    d.allow(220);
    d.encoder_stream(&h(
        "3fbd01 c00f7777772e6578616d706c652e636f6d c10c2f73616d706c652f70617468",
    ))
    .unwrap();
    assert_eq!(d.inserted(), 2);
    assert_eq!(d.table().1, 106);
    assert_eq!(
        decode(&d, &h("0381 10 11")),
        pairs(&[(":authority", "www.example.com"), (":path", "/sample/path")])
    );
}

/// What pylsqpack (ls-qpack, aioquic's QPACK) wrote for three requests on streams 0, 4
/// and 8 with a 4,096-byte table: literals and Huffman strings first, then inserts on
/// the encoder stream and references to them.
#[test]
fn ls_qpack_sections_decode() {
    let mut d = Decoder::default();
    d.allow(4096);
    d.encoder_stream(&h("3fe11f")).unwrap();
    let request = |n: &str| {
        let mut v = pairs(&[
            (":method", "GET"),
            (":scheme", "https"),
            (":authority", "tlsscope.test"),
            (":path", "/a/b?x=1"),
            ("user-agent", "tlsscope-test/1.0"),
            ("x-custom", "value-one"),
        ]);
        v.push(("x-n".into(), n.into()));
        v
    };
    let s0 = h("0000d1d750894d08410f595749509f5187606c47fe79803f5f508c4d08410f595649509602b83f2ef2b12d424f4f87ee3a2d2ac7a8bf23782d6e0130");
    assert_eq!(decode(&d, &s0), request("0"));
    // Stream 4's section needs the inserts: before them it is blocked.
    let s4 = h("0684d1d710111213040134");
    let mut list = HeaderList::default();
    assert_eq!(
        d.field_section(&s4, &mut list),
        Ok(Section::Blocked { required: 5 })
    );
    let inserts = h("c0894d08410f595749509fc187606c47fe79803fff208c4d08410f595649509602b83f66f2b12d424f4f87ee3a2d2ac7a8bf43782d6e00");
    // The encoder stream may arrive in pieces of any size.
    for piece in inserts.chunks(5) {
        d.encoder_stream(piece).unwrap();
    }
    assert_eq!(d.inserted(), 5);
    assert_eq!(decode(&d, &s4), request("4"));
    assert_eq!(decode(&d, &h("0600d1d784838281400138")), request("8"));
}

#[test]
fn bad_references_are_errors_not_panics() {
    let mut d = Decoder::default();
    let mut list = HeaderList::default();
    // Static index 99 does not exist.
    assert_eq!(
        d.field_section(&h("0000 ff24"), &mut list),
        Err(QpackError::StaticIndex(99))
    );
    // A Required Insert Count without a table.
    assert!(d.field_section(&h("0100 80"), &mut list).is_err());
    // Capacity over what the decoder allowed, and an entry larger than the table.
    d.allow(100);
    assert_eq!(
        d.encoder_stream(&h("3f 66")),
        Err(QpackError::Capacity(133, 100))
    );
    let mut d = Decoder::default();
    d.allow(100);
    d.encoder_stream(&h("3f 21")).unwrap(); // capacity 64
    assert!(matches!(
        d.encoder_stream(&h("4a 637573746f6d2d6b6579 2a 616161616161616161616161616161616161616161616161616161616161616161616161616161616161")),
        Err(QpackError::EntryTooLarge(..))
    ));
    // A dynamic reference to nothing; a duplicate of nothing.
    assert!(d.encoder_stream(&h("00")).is_err());
    for junk in [&h("0000 80")[..], &h("0000 10"), &h("0000 ff")] {
        assert!(d.field_section(junk, &mut list).is_err());
    }
}

#[test]
fn entries_are_evicted_to_the_capacity() {
    let mut d = Decoder::default();
    d.allow(4096);
    // Capacity 100: each entry `a: b` takes 34 bytes, so two fit.
    d.encoder_stream(&h("3f 45")).unwrap();
    for _ in 0..5 {
        d.encoder_stream(&h("41 61 01 62")).unwrap();
    }
    assert_eq!(d.inserted(), 5);
    assert_eq!(d.table().1, 68);
    // A reference to an evicted entry names it.
    assert!(matches!(d.entry(0), Err(QpackError::DynamicIndex(0, 5, 2))));
}
