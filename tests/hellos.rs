//! Hand-built hellos through the whole pipeline (pcap → TCP → TLS → report): ALPN and SNI
//! bytes that are not text, and a ClientHello whose session id overruns.

mod common;

use common::build::{alpn, capture, client_hello, ext, server_hello, sni};
use serde_json::Value;

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
