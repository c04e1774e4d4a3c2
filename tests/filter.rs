//! `--filter` on the samples: every command reports only the matching connections, the
//! capture's totals stay whole, and a bad expression is refused (exit 2) with its column.

mod common;

use common::{json, tlsscope};

const KEY: &str = "samples/keys/server-rsa2048.key";
const PARALLEL: &str = "samples/tls12-rsa-parallel4.pcap";
const TLS13: &str = "samples/tls13-aes128gcm.pcap";
const TLS13_KEYLOG: &str = "samples/tls13-aes128gcm.keylog";
const IPV6: &str = "samples/tls12-rsa-ipv6.pcap";
const DTLS: &str = "samples/udp/dtls10-rsa-aes256sha.pcap";
const QUIC: &str = "samples/udp/quic-v1-chacha20.pcap";
const QUIC_KEYLOG: &str = "samples/udp/quic-v1-chacha20.keylog";

/// One run over seven connections of every kind: 0-3 TLS 1.2 over IPv4 (client ports
/// 55160, 55172, 55182, 55198; no key), 4 TLS 1.3 opened by a key log, 5 TLS 1.2 over
/// IPv6, 6 DTLS 1.0, 7 QUIC opened by a key log.
fn mixed(filter: &str) -> Vec<String> {
    let mut args = vec!["summary", "-q", "--json", "--keylog", TLS13_KEYLOG];
    args.extend(["--keylog", QUIC_KEYLOG, "--filter", filter]);
    args.extend([PARALLEL, TLS13, IPV6, DTLS, QUIC]);
    args.into_iter().map(String::from).collect()
}

fn ids(filter: &str) -> Vec<u64> {
    let args = mixed(filter);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let report = json(&args);
    assert_eq!(
        report["capture"]["tls_connections"], 8,
        "the totals count every connection"
    );
    report["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect()
}

#[test]
fn summary_lists_exactly_the_matching_connections() {
    let cases: &[(&str, &[u64])] = &[
        ("id >= 0", &[0, 1, 2, 3, 4, 5, 6, 7]),
        ("status == decrypted", &[4, 7]),
        ("status != decrypted", &[0, 1, 2, 3, 5, 6]),
        ("version == 1.3", &[4, 7]),
        ("version == 1.2 || version == dtls1.0", &[0, 1, 2, 3, 5, 6]),
        ("transport in {quic, dtls}", &[6, 7]),
        ("ip == ::1", &[5]),
        ("ip == ::/0", &[5]),
        ("ip == 127.0.0.0/8 && transport == tcp", &[0, 1, 2, 3, 4]),
        ("client_port in {55172, 55198}", &[1, 3]),
        ("port == 20030 && !(client_port < 55180)", &[2, 3]),
        ("key_source == keylog && transport == tcp", &[4]),
        (r#"sni ~ "^tlsscope\.test$" && cipher ~ "CHACHA20""#, &[7]),
        ("cipher == 0x1301", &[4]),
        ("alpn == hq-interop", &[7]),
        ("state == established && bytes > 100M", &[]),
    ];
    for (filter, want) in cases {
        assert_eq!(ids(filter), *want, "--filter '{filter}'");
    }
}

#[test]
fn json_lines_keep_the_whole_capture_object() {
    let out = tlsscope(&[
        "summary", "-q", "--format", "jsonl", "--filter", "id == 2", PARALLEL,
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["id"], 2);
    assert_eq!(lines[1]["capture"]["tls_connections"], 4);
}

#[test]
fn nothing_matching_is_said_on_stderr() {
    let out = tlsscope(&[
        "summary",
        "-q",
        "--json",
        "--filter",
        "sni == nowhere",
        PARALLEL,
    ]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["connections"], serde_json::json!([]));
    assert_eq!(report["capture"]["tls_connections"], 4);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        "tlsscope: no TLS connection matches --filter 'sni == nowhere'\n"
    );
}

#[test]
fn a_bad_filter_exits_2_with_its_column() {
    for (filter, says) in [
        (
            "snii == x",
            "--filter 'snii == x': column 1: unknown field \"snii\" (fields: id, sni,",
        ),
        (
            "port == 443 &&",
            "--filter 'port == 443 &&': column 15: expected a field",
        ),
        (
            "sni < 3",
            "--filter 'sni < 3': column 5: \"<\" needs a number field: sni is text",
        ),
        (
            r#"sni ~ "(""#,
            "column 7: bad regular expression: unclosed group",
        ),
        (
            "ip == 10.0.0.0/40",
            "column 7: \"/40\" is not a prefix length",
        ),
    ] {
        for command in ["summary", "inspect", "requests", "keylog"] {
            let out = tlsscope(&[command, "--filter", filter, PARALLEL]);
            assert_eq!(out.status.code(), Some(2), "{command} --filter '{filter}'");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(says), "{command}: {err}");
            assert_eq!(err.lines().count(), 1, "one line: {err}");
            assert!(out.stdout.is_empty());
        }
    }
}

#[test]
fn inspect_takes_a_filter_with_or_without_conn() {
    let report = json(&[
        "inspect",
        "-q",
        "--json",
        "--filter",
        "client_port == 55182",
        PARALLEL,
    ]);
    let conns = report["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0]["id"], 2);
    assert!(!conns[0]["messages"].as_array().unwrap().is_empty());
    let out = tlsscope(&[
        "inspect", "-q", "--conn", "1", "--filter", "id == 2", PARALLEL,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("connection 1 does not match --filter 'id == 2'"),
        "{err}"
    );
}

#[test]
fn follow_writes_the_matching_connection_without_conn() {
    let by_filter = tlsscope(&[
        "follow",
        "-q",
        "-k",
        KEY,
        "--format",
        "raw",
        "--filter",
        "client_port == 55182",
        PARALLEL,
    ]);
    let by_id = tlsscope(&[
        "follow", "-q", "-k", KEY, "--format", "raw", "--conn", "2", PARALLEL,
    ]);
    assert!(
        by_filter.status.success(),
        "{}",
        String::from_utf8_lossy(&by_filter.stderr)
    );
    assert!(!by_id.stdout.is_empty());
    assert_eq!(by_filter.stdout, by_id.stdout);
    // Several matches interleave, each marked with its connection.
    let out = tlsscope(&[
        "follow", "-q", "-k", KEY, "--conn", "0-2", "--filter", "id != 1", PARALLEL,
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("==> conn 0: ") && text.contains("==> conn 2: "),
        "{text}"
    );
    assert!(!text.contains("==> conn 1: ") && !text.contains("==> conn 3: "));
    // Raw output of several is refused once they are known.
    let out = tlsscope(&[
        "follow", "-q", "-k", KEY, "--format", "raw", "--filter", "id > 1", PARALLEL,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--filter 'id > 1' with --format raw"));
}

#[test]
fn follow_refuses_what_it_cannot_do() {
    let out = tlsscope(&["follow", "-q", "-k", KEY, "--filter", "id == 9", PARALLEL]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        "tlsscope: no TLS connection matches --filter 'id == 9'\n"
    );
    // Standard input cannot be read twice.
    let out = tlsscope(&["follow", "-q", "--filter", "id == 1", "-"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("- is not a regular file"), "{err}");
}

#[test]
fn export_writes_only_the_matching_connections() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let out = tlsscope(&[
        "export",
        "-q",
        "-k",
        KEY,
        "--filter",
        "id in {1, 3}",
        out_dir.to_str().unwrap(),
        PARALLEL,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.json")
        .collect();
    names.sort();
    assert!(!names.is_empty());
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("c1-") || n.starts_with("c3-")),
        "{names:?}"
    );
}

#[test]
fn keylog_writes_the_matching_connections_lines() {
    let all = tlsscope(&["keylog", "-q", "-k", KEY, PARALLEL]);
    let all = String::from_utf8(all.stdout).unwrap();
    let count = |label: &str| all.lines().filter(|l| l.starts_with(label)).count();
    // A master secret per connection, and the ticket a later pass may resume by.
    assert_eq!(count("CLIENT_RANDOM "), 4, "{all}");
    assert_eq!(count("TICKET_SHA256 "), 4, "{all}");
    let some = tlsscope(&[
        "keylog",
        "-q",
        "-k",
        KEY,
        "--filter",
        "id in {1, 3}",
        PARALLEL,
    ]);
    assert!(some.status.success());
    let some = String::from_utf8(some.stdout).unwrap();
    assert_eq!(some.lines().count(), 2, "{some}");
    assert!(some.lines().all(|l| all.contains(l)));
}

#[test]
fn requests_lists_the_matching_connections_requests() {
    let report = json(&[
        "requests", "-q", "--json", "-k", KEY, "--filter", "id == 3", PARALLEL,
    ]);
    let conns = report["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0]["id"], 3);
}

#[test]
fn every_command_lists_the_fields_in_its_help() {
    for command in [
        "summary", "requests", "inspect", "follow", "export", "keylog",
    ] {
        let out = tlsscope(&[command, "--help"]);
        let help = String::from_utf8(out.stdout).unwrap();
        for field in [
            "sni",
            "ip",
            "client",
            "server",
            "port",
            "version",
            "cipher",
            "status",
            "key_source",
            "state",
            "transport",
            "alpn",
            "ja3",
            "ja4",
            "bytes",
        ] {
            let listed = |l: &str| l.trim_start().starts_with(&format!("{field} "));
            assert!(help.lines().any(listed), "{command} --help lacks {field}");
        }
    }
}
