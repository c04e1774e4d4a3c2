//! Hand-built hellos through the whole pipeline (pcap → TCP → TLS → report): ALPN and SNI
//! bytes that are not text, and a ClientHello whose session id overruns.

mod common;

use serde_json::Value;

fn v8(body: &[u8]) -> Vec<u8> {
    [vec![body.len() as u8], body.to_vec()].concat()
}

fn v16(body: &[u8]) -> Vec<u8> {
    [(body.len() as u16).to_be_bytes().to_vec(), body.to_vec()].concat()
}

fn ext(id: u16, body: &[u8]) -> Vec<u8> {
    [id.to_be_bytes().to_vec(), v16(body)].concat()
}

fn alpn(names: &[&[u8]]) -> Vec<u8> {
    ext(
        16,
        &v16(&names.iter().flat_map(|n| v8(n)).collect::<Vec<_>>()),
    )
}

/// A handshake record holding one message.
fn handshake_record(msg_type: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![msg_type];
    m.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    m.extend_from_slice(body);
    [vec![22, 3, 1], v16(&m)].concat()
}

fn client_hello(session_id_len: u8, extensions: &[u8]) -> Vec<u8> {
    let mut b = vec![3, 3];
    b.extend_from_slice(&[0x11; 32]);
    b.push(session_id_len);
    b.extend_from_slice(&[0x22; 32]);
    b.extend_from_slice(&v16(&[0xc0, 0x2f, 0x00, 0x9c]));
    b.extend_from_slice(&v8(&[0]));
    b.extend_from_slice(&v16(extensions));
    handshake_record(1, &b)
}

fn server_hello(extensions: &[u8]) -> Vec<u8> {
    let mut b = vec![3, 3];
    b.extend_from_slice(&[0x33; 32]);
    b.extend_from_slice(&v8(&[]));
    b.extend_from_slice(&[0xc0, 0x2f, 0]);
    b.extend_from_slice(&v16(extensions));
    handshake_record(2, &b)
}

/// IPv4 + TCP, no options (checksums are not checked by tlsscope).
fn segment(from_client: bool, seq: u32, ack: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let (src, dst, sport, dport) = if from_client {
        ([10, 0, 0, 1], [10, 0, 0, 2], 40000u16, 443u16)
    } else {
        ([10, 0, 0, 2], [10, 0, 0, 1], 443, 40000)
    };
    let total = (20 + 20 + payload.len()) as u16;
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0, 1, 0x40, 0, 64, 6, 0, 0]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(&sport.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&ack.to_be_bytes());
    p.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    p.extend_from_slice(payload);
    p
}

/// A pcap (raw IPv4, link type 228) of one connection: handshake, the client's bytes,
/// the server's bytes.
fn capture(client: &[u8], server: &[u8]) -> Vec<u8> {
    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;
    const PSH: u8 = 0x08;
    let (c0, s0) = (1000u32, 5000u32);
    let packets = [
        segment(true, c0, 0, SYN, &[]),
        segment(false, s0, c0 + 1, SYN | ACK, &[]),
        segment(true, c0 + 1, s0 + 1, ACK, &[]),
        segment(true, c0 + 1, s0 + 1, PSH | ACK, client),
        segment(
            false,
            s0 + 1,
            c0 + 1 + client.len() as u32,
            PSH | ACK,
            server,
        ),
    ];
    let mut f = Vec::new();
    for v in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 65535, 228] {
        f.extend(v.to_le_bytes());
    }
    for (i, p) in packets.iter().enumerate() {
        for v in [1_700_000_000 + i as u32, 0, p.len() as u32, p.len() as u32] {
            f.extend(v.to_le_bytes());
        }
        f.extend(p);
    }
    f
}

/// `inspect --json` of a capture; the one connection.
fn inspect(pcap: &[u8]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("hello.pcap");
    std::fs::write(&p, pcap).unwrap();
    let doc = common::json(&["inspect", "--json", p.to_str().unwrap()]);
    let conns = doc["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 1, "{doc}");
    conns[0].clone()
}

fn sni(name: &[u8]) -> Vec<u8> {
    ext(0, &v16(&[vec![0], v16(name)].concat()))
}

#[test]
fn alpn_and_sni_that_are_not_text_are_reported_losslessly() {
    let offered: &[&[u8]] = &[&[0xff, b'x', 0x01], b"h2"];
    let exts = [sni(&[b'a', 0xc0, b'.', b'e', b'x']), alpn(offered)].concat();
    let c = inspect(&capture(
        &client_hello(32, &exts),
        &server_hello(&alpn(&[&[0xff, b'x', 0x01]])),
    ));
    // Bytes that are not UTF-8 escaped (`\xff`); a control character is valid UTF-8,
    // left to JSON's own escape (`\u0001`).
    assert_eq!(c["sni"], "a\\xc0.ex");
    assert_eq!(c["alpn"], serde_json::json!(["\\xffx\u{1}"]));
    assert_eq!(c["alpn_hex"], serde_json::json!(["ff7801"]));
    assert_eq!(c["alpn_negotiated"], "\\xffx\u{1}");
    assert_eq!(c["alpn_negotiated_hex"], "ff7801");
    // JA4's ALPN part from the raw bytes: 0xff … 0x01 → hex "ff7801" → "f1".
    let ja4 = c["ja4"].as_str().unwrap();
    assert_eq!(&ja4[..10], "t12d0202f1", "{ja4}");
    let hello = &c["messages"][0];
    assert_eq!(hello["type"], "ClientHello");
    let ext = &hello["extensions"][1];
    assert_eq!(ext["protocols"], serde_json::json!(["\\xffx\u{1}", "h2"]));
    assert_eq!(ext["protocols_hex"], serde_json::json!(["ff7801", "6832"]));
    assert_eq!(
        hello["extensions"][0]["host_names"],
        serde_json::json!(["a\\xc0.ex"])
    );

    // Text ALPN: strings as before, no hex fields.
    let c = inspect(&capture(
        &client_hello(32, &alpn(&[b"h2", b"http/1.1"])),
        &server_hello(&alpn(&[b"h2"])),
    ));
    assert_eq!(c["alpn"], serde_json::json!(["h2"]));
    assert_eq!(c["alpn_negotiated"], "h2");
    for field in ["alpn_hex", "alpn_negotiated_hex"] {
        assert!(c.get(field).is_none(), "{field}: {c}");
    }
    assert!(c["messages"][0]["extensions"][0]
        .get("protocols_hex")
        .is_none());
}

#[test]
fn a_session_id_running_past_the_hello_makes_it_malformed() {
    // The length byte says 200; the padding extension gives it the bytes to swallow.
    let c = inspect(&capture(&client_hello(200, &ext(21, &[0; 300])), &[]));
    assert_eq!(c["ja3"], Value::Null, "{c}");
    assert_eq!(c["ja4"], Value::Null);
    let m = &c["messages"][0];
    assert_eq!(m["type"], "Malformed");
    assert_eq!(
        m["error"],
        "ClientHello: legacy_session_id declares 200 bytes, at most 32 allowed"
    );
    assert!(c["warnings"]
        .to_string()
        .contains("legacy_session_id declares 200 bytes"));
}
