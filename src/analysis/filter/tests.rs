//! The parser (how expressions are read, and what a mistake says where) and the
//! matcher, on a made-up connection.

use super::{Filter, FilterError, FIELDS, MAX_DEPTH, MAX_LENGTH};
use crate::crypto::secrets::KeySource;
use crate::flow::Transport;
use crate::report::model::*;

/// How `text` was read, fully parenthesised.
fn read(text: &str) -> String {
    match Filter::parse(text) {
        Ok(f) => f.expr.to_string(),
        Err(e) => panic!("{text:?}: {e}"),
    }
}

fn refused(text: &str) -> FilterError {
    match Filter::parse(text) {
        Ok(f) => panic!("{text:?} was read as {}", f.expr),
        Err(e) => e,
    }
}

/// Asserts the error's column and that its message contains `says`.
fn refused_at(text: &str, column: usize, says: &str) {
    let e = refused(text);
    assert_eq!(e.column, column, "{text:?}: {e}");
    assert!(e.message.contains(says), "{text:?}: {e}");
}

#[test]
fn not_binds_tighter_than_and_than_or() {
    assert_eq!(
        read("sni == a || port == 1 && !alpn"),
        r#"(sni in {"a"} || (port in {1} && !alpn))"#
    );
    assert_eq!(
        read("(sni == a || port == 1) && alpn"),
        r#"((sni in {"a"} || port in {1}) && alpn)"#
    );
    assert_eq!(
        read("not sni and ja4 or id == 3"),
        "((!sni && ja4) || id in {3})"
    );
    assert_eq!(read("!!sni"), "!!sni");
}

#[test]
fn operators_and_sets() {
    assert_eq!(read("sni != x"), r#"!sni in {"x"}"#);
    assert_eq!(read("bytes > 1K"), "bytes in 1025..=18446744073709551615");
    assert_eq!(read("bytes >= 1K"), "bytes in 1024..=18446744073709551615");
    assert_eq!(read("port < 1024"), "port in 0..=1023");
    assert_eq!(read("port <= 0"), "port in 0..=0");
    assert_eq!(read("id < 0"), "id in 1..=0");
    assert_eq!(read(r#"sni ~ "^www\.""#), r#"sni ~ "^www\\.""#);
    assert_eq!(read("port in {443, 8443}"), "port in {443, 8443}");
    assert_eq!(
        read("status in {decrypted,INCOMPLETE} && transport == QUIC"),
        "(status in {decrypted, incomplete} && transport in {quic})"
    );
    assert_eq!(
        read(r#"sni == "a \"b\" \\ c""#),
        r#"sni in {"a \"b\" \\ c"}"#
    );
}

#[test]
fn values_are_typed_when_parsed() {
    assert_eq!(read("ip == 10.0.0.0/8"), "ip in {10.0.0.0/8}");
    assert_eq!(read("ip == 10.1.2.3"), "ip in {10.1.2.3/32}");
    assert_eq!(read("server == 2001:db8::/32"), "server in {2001:db8::/32}");
    assert_eq!(
        read("client in {::1, 127.0.0.0/8}"),
        "client in {::1/128, 127.0.0.0/8}"
    );
    assert_eq!(read("cipher == 0x1301"), "cipher in {4865}");
    assert_eq!(
        read("cipher == TLS_AES_128_GCM_SHA256"),
        r#"cipher in {"TLS_AES_128_GCM_SHA256"}"#
    );
    assert_eq!(
        read(r#"version in {1.3, tls1.2, "DTLS 1.2"}"#),
        r#"version in {"tls1.3", "tls1.2", "dtls1.2"}"#
    );
    assert_eq!(read("bytes == 2M"), "bytes in {2097152}");
}

#[test]
fn mistakes_name_their_column() {
    // (expression, column, what the message says)
    let cases: &[(&str, usize, &str)] = &[
        (
            "snii == a",
            1,
            "unknown field \"snii\" (fields: id, sni, ip",
        ),
        ("sni == a && port ==", 20, "expected a value after \"==\""),
        ("sni < 5", 5, "\"<\" needs a number field: sni is text"),
        ("port ~ 44", 6, "\"~\" needs a text field: port is a number"),
        ("ip > 1", 4, "\">\" needs a number field"),
        ("sni = a", 5, "use \"==\""),
        ("sni == a & b", 10, "use \"&&\""),
        ("sni == a | b", 10, "use \"||\""),
        ("sni == \"abc", 8, "never closed"),
        (
            "(sni == a",
            10,
            "expected \")\" to close the \"(\" of column 1",
        ),
        ("sni == a)", 9, "closes no \"(\""),
        (
            "sni == a b",
            10,
            "expected \"&&\", \"||\" or the end, not \"b\"",
        ),
        ("sni a", 5, "expected an operator after \"sni\""),
        ("", 1, "empty"),
        ("  ", 1, "empty"),
        ("&& sni", 1, "expected a field"),
        ("port == 70000", 9, "not a port"),
        ("port == x", 9, "\"x\" is not a number"),
        ("bytes > 4X", 9, "unknown unit"),
        ("ip == 10.0.0.300", 7, "not an IP address or a network"),
        ("ip == 10.0.0.0/33", 7, "\"/33\" is not a prefix length"),
        ("ip == ::/129", 7, "(0 to 128)"),
        (
            "status == decrypt",
            11,
            "unknown status \"decrypt\" (one of: decrypted, no_key",
        ),
        ("transport == udp", 14, "one of: tcp, quic, dtls"),
        ("port in 443", 9, "expected \"{\" after \"in\""),
        ("port in {}", 10, "expected a value after \"{\""),
        (
            "port in {1 2}",
            12,
            "expected \",\" or the \"}\" that closes the set of column 9",
        ),
        // Columns count characters, not bytes.
        ("sni == é && x", 13, "unknown field \"x\""),
    ];
    for &(text, column, says) in cases {
        refused_at(text, column, says);
    }
}

#[test]
fn a_bad_pattern_is_refused_at_its_column() {
    refused_at(r#"sni ~ "(""#, 7, "bad regular expression: unclosed group");
    refused_at(
        "sni ~ (",
        7,
        "expected a value after \"~\", not \"(\" (quote a value",
    );
    refused_at(r#"alpn == h2 || sni ~ "a[""#, 21, "bad regular expression");
    // A pattern that would compile past the size limit.
    refused_at(r#"sni ~ "\w{1000}\w{1000}""#, 7, "too large");
}

#[test]
fn hostile_expressions_are_bounded() {
    let deep = format!(
        "{}sni{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    refused_at(&deep, MAX_DEPTH + 1, "nested");
    let nots = format!("{}sni", "!".repeat(MAX_DEPTH + 1));
    refused_at(&nots, MAX_DEPTH + 1, "nested");
    let ok = format!("{}sni{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(read(&ok), "sni");
    let long = format!("sni == {}", "a".repeat(MAX_LENGTH));
    refused_at(&long, MAX_LENGTH + 1, "longer than");
    // A long flat chain is not deep: it is read without recursion.
    let chain = vec!["port == 1"; 300].join(" || ");
    assert!(Filter::parse(&chain).is_ok());
}

#[test]
fn errors_are_one_line_with_the_expression_when_short() {
    let text = r#"sni ~ "(""#;
    assert_eq!(
        refused(text).describe(text),
        r#"--filter 'sni ~ "("': column 7: bad regular expression: unclosed group"#
    );
    let long = format!("{} && snii", vec!["port == 1"; 20].join(" || "));
    let e = refused(&long);
    let column = long.find("snii").unwrap() + 1;
    let said = e.describe(&long);
    assert!(
        said.starts_with(&format!("--filter: column {column}: unknown field")),
        "{said}"
    );
}

#[test]
fn every_field_is_in_the_help() {
    let help = super::help();
    for f in FIELDS {
        assert!(help.contains(&format!("  {}", f.name)), "{}", f.name);
        assert!(Filter::parse(f.name).is_ok(), "{}", f.name);
    }
}

/// A TLS 1.3 connection from 10.1.2.3:50000 to [2001:db8::1]:443, decrypted with a key log
/// (other modules' tests use it too).
pub(crate) fn connection() -> ConnectionReport {
    let mut decryption = DecryptionReport::without_keys(None, true, false, (true, true), 4);
    decryption.status = DecryptionStatus::Decrypted;
    decryption.key_source = Some(KeySource::KeyLog("/tmp/keys.log".into()));
    ConnectionReport {
        id: 7,
        client: EndpointReport {
            ip: "10.1.2.3".into(),
            port: 50000,
        },
        server: EndpointReport {
            ip: "2001:db8::1".into(),
            port: 443,
        },
        first_seen_ns: 0,
        last_seen_ns: 0,
        frames: Default::default(),
        version: Some("TLS 1.3".into()),
        key_exchange_group: Some(RegistryValue {
            id: 0x11ec,
            name: "X25519MLKEM768".into(),
        }),
        cipher_suite: Some(RegistryValue {
            id: 0x1301,
            name: "TLS_AES_128_GCM_SHA256".into(),
        }),
        sni: Some("www.Example.com".into()),
        alpn: vec!["h2".into(), "http/1.1".into()],
        alpn_hex: None,
        alpn_negotiated: None,
        alpn_negotiated_hex: None,
        client_random: None,
        server_random: None,
        session_id: None,
        renegotiations: 0,
        resumed: false,
        extended_master_secret: false,
        encrypt_then_mac: false,
        session_ticket: None,
        ja3: Some("771,4865-4866,0-10,29,0".into()),
        ja3_hash: Some("0123456789abcdef0123456789abcdef".into()),
        ja4: None,
        ja3s: None,
        ja3s_hash: None,
        certificates: Vec::new(),
        client_certificates: Vec::new(),
        certificate_validation: None,
        messages: Vec::new(),
        messages_omitted: 0,
        alerts: Vec::new(),
        alerts_omitted: 0,
        transport: Transport::Tcp,
        community_id: None,
        quic: None,
        dtls: None,
        tcp: Some(TcpReport {
            client_bytes: 1000,
            server_bytes: 24,
            gaps: Vec::new(),
            gap_count: 0,
            lost_bytes: 0,
            retransmitted_bytes: 0,
            out_of_order_segments: 0,
            snaplen_truncated: false,
            buffer_cap_exceeded: false,
            evicted: false,
            closed: true,
        }),
        records: [0; 2],
        app_records: [0; 2],
        app_bytes: [0; 2],
        state: ConnectionState::Failed(None),
        warnings: Vec::new(),
        warnings_omitted: 0,
        decryption,
        app_data: None,
        app: None,
        charge: Default::default(),
    }
}

fn matches(text: &str) -> bool {
    Filter::parse(text)
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
        .matches(&connection())
}

#[test]
fn fields_match_the_connection() {
    for yes in [
        "id == 7",
        "sni == WWW.EXAMPLE.COM",
        r#"sni ~ "Example" && sni ~ "(?i)example""#,
        "ip == 10.0.0.0/8 && ip == 2001:db8::/32",
        "client == 10.1.2.3 && server == 2001:db8::1",
        "ip in {192.168.0.0/16, 10.1.0.0/16}",
        "ip == 0.0.0.0/0 && ip == ::/0",
        "port == 443 && port == 50000 && server_port == 443 && client_port > 49151",
        "version == 1.3 && version == tls1.3 && version == \"TLS 1.3\" && version ~ \"^TLS\"",
        "cipher == 0x1301 && cipher == tls_aes_128_gcm_sha256 && cipher ~ GCM",
        "group == 0x11ec && group == x25519mlkem768 && group ~ MLKEM",
        "status == decrypted && status ~ dec",
        "key_source == keylog && key_source == keylog:/tmp/keys.log && key_source ~ keys",
        "state == failed && state ~ alert",
        "transport == tcp",
        "alpn == h2 && alpn == HTTP/1.1",
        "ja3 == 0123456789ABCDEF0123456789ABCDEF && ja3 ~ \"^771,\"",
        "bytes == 1024 && bytes == 1K && bytes >= 1K && bytes <= 1K",
        "sni && alpn && !ja4",
    ] {
        assert!(matches(yes), "{yes}");
    }
    for no in [
        "id != 7",
        "sni == example.com",
        "client == 2001:db8::1",
        "ip == 10.1.2.4",
        "ip == 11.0.0.0/8",
        "port in {80, 8443}",
        "version == 1.2 || version == dtls1.3",
        "cipher == 0x1302",
        "group == x25519 || group == 0x1d",
        "status != decrypted",
        "key_source == rsa_key",
        "state == established",
        "transport in {quic, dtls}",
        "alpn ~ h3",
        "bytes > 1K || bytes < 1K",
        "ja4",
    ] {
        assert!(!matches(no), "{no}");
    }
}

#[test]
fn an_absent_field_fails_every_test_but_not_equal() {
    assert!(!matches("ja4 == x"));
    assert!(!matches("ja4 ~ \"\""));
    assert!(!matches("ja4 in {x, y}"));
    assert!(matches("ja4 != x"));
    assert!(matches("!(ja4 ~ x)"));
    // For a field with two values, != means neither equals.
    assert!(!matches("port != 443"));
    assert!(matches("port != 80"));
}

/// Pieces expressions are made of, so that random ones reach deep into the parser.
const PIECES: &[&str] = &[
    "sni",
    "ip",
    "port",
    "bytes",
    "status",
    "version",
    "alpn",
    "ja3",
    "in",
    "and",
    "not",
    "==",
    "!=",
    "<",
    ">=",
    "~",
    "&&",
    "||",
    "!",
    "(",
    ")",
    "{",
    "}",
    ",",
    "\"",
    "\\",
    "10.0.0.0/8",
    "::1",
    "443",
    "1K",
    "decrypted",
    "quic",
    "\"a(\"",
    "é",
    " ",
    "=",
    "&",
];

proptest::proptest! {
    /// Any text: an expression or an error whose column is inside it (or just past its
    /// end), never a panic; what parses matches a connection without a panic either.
    #[test]
    fn any_text(text in "\\PC{0,80}") {
        check(&text);
    }

    #[test]
    fn any_pieces(pieces in proptest::collection::vec(0..PIECES.len(), 0..40)) {
        let text: Vec<&str> = pieces.iter().map(|&i| PIECES[i]).collect();
        check(&text.join(" "));
        check(&text.concat());
    }
}

fn check(text: &str) {
    match Filter::parse(text) {
        Ok(f) => {
            f.matches(&connection());
        }
        Err(e) => assert!(
            (1..=text.chars().count() + 1).contains(&e.column),
            "{text:?}: {e}"
        ),
    }
}
