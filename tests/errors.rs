//! What a user sees when the input or the command line is wrong: one line, exit 2.

mod common;

use common::tlsscope;

fn one_line_error(args: &[&str], needle: &str) {
    let out = tlsscope(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    assert!(err.contains(needle), "{args:?}: {err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn missing_file() {
    one_line_error(&["summary", "no/such.pcap"], "no/such.pcap");
}

#[test]
fn directory() {
    one_line_error(&["summary", "src"], "is a directory");
}

#[test]
fn not_a_capture() {
    one_line_error(&["summary", "Cargo.toml"], "not a pcap or pcapng capture");
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty.pcap");
    std::fs::write(&p, b"").unwrap();
    one_line_error(&["summary", p.to_str().unwrap()], "empty file");
}

#[test]
fn truncated_inside_the_file_header() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("short.pcap");
    std::fs::write(&p, [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]).unwrap();
    let out = tlsscope(&["summary", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr)
            .trim_end()
            .lines()
            .count(),
        1
    );
}

#[test]
fn unknown_option() {
    one_line_error(&["summary", "--frobnicate", "x.pcap"], "--frobnicate");
}

#[test]
fn missing_subcommand_argument() {
    one_line_error(&["inspect"], "required");
}

/// Damage that does not stop the run: exit 0, the damage in the report, the rest analysed.
fn analysed(args: &[&str]) -> (serde_json::Value, String) {
    let out = tlsscope(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    (doc, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn temp_copy(name: &str, edit: impl FnOnce(&mut Vec<u8>)) -> (tempfile::TempDir, String) {
    let mut bytes = std::fs::read(common::root().join("samples").join(name)).unwrap();
    edit(&mut bytes);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    let p = p.display().to_string();
    (dir, p)
}

#[test]
fn unsupported_link_type() {
    // pcap header link type 147 (USER0): every packet skipped, and said so.
    let (_d, p) = temp_copy("tls12-rsa-aes128gcm.pcap", |b| {
        b[20..24].copy_from_slice(&147u32.to_le_bytes())
    });
    let (doc, _) = analysed(&["summary", "--json", &p]);
    assert_eq!(doc["capture"]["skipped_packets"], doc["capture"]["packets"]);
    assert!(doc["capture"]["warnings"]
        .to_string()
        .contains("unsupported link type"));
}

#[test]
fn pcap_truncated_inside_a_packet() {
    let (doc, _) = analysed(&["summary", "--json", "samples/pcap-truncated.pcap"]);
    assert_eq!(doc["capture"]["truncated"], true);
    assert!(doc["capture"]["warnings"].to_string().contains("truncated"));
    assert!(doc["capture"]["tls_connections"].as_u64().unwrap() >= 1);
}

#[test]
fn pcapng_with_a_corrupt_block() {
    // Break the length of the last block: what came before is still analysed.
    let (_d, p) = temp_copy("pcapng-basic.pcapng", |b| {
        let n = b.len();
        let total = u32::from_le_bytes(b[n - 4..].try_into().unwrap()) as usize;
        let start = n - total;
        b[start + 4..start + 8].copy_from_slice(&7u32.to_le_bytes());
    });
    let (doc, _) = analysed(&["summary", "--json", &p]);
    assert!(
        doc["capture"]["files"][0]["corrupt"].is_string(),
        "{}",
        doc["capture"]
    );
    assert_eq!(doc["capture"]["tls_connections"], 1);
}

#[test]
fn key_file_that_is_not_a_key() {
    let (doc, err) = analysed(&[
        "summary",
        "--json",
        "-k",
        "Cargo.toml",
        "samples/tls12-rsa-aes128gcm.pcap",
    ]);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("Cargo.toml"), "{err}");
    assert_eq!(doc["connections"][0]["decryption"]["status"], "no_key");
}

#[test]
fn wrong_key() {
    let (doc, _) = analysed(&[
        "summary",
        "--json",
        "-k",
        "samples/keys/server-rsa1024.key",
        "samples/tls12-rsa-aes128gcm.pcap",
    ]);
    assert_eq!(doc["connections"][0]["decryption"]["status"], "no_key");
    assert!(doc["capture"]["warnings"]
        .to_string()
        .contains("matches no server certificate"));
}

#[test]
fn corrupted_record_fails_its_check_and_the_rest_decrypts() {
    // Flip a byte inside the first application data record the server sent.
    let (_d, p) = temp_copy("tls12-rsa-aes128gcm.pcap", |b| {
        let at = b.windows(3).rposition(|w| w == [0x17, 0x03, 0x03]).unwrap();
        b[at + 20] ^= 0x40;
    });
    let (doc, _) = analysed(&[
        "summary",
        "--json",
        "-k",
        "samples/keys/server-rsa2048.key",
        &p,
    ]);
    let d = &doc["connections"][0]["decryption"];
    let failures = d["record_failures"]["client"].as_u64().unwrap()
        + d["record_failures"]["server"].as_u64().unwrap();
    assert_eq!(failures, 1, "{d}");
    assert!(
        d["records_decrypted"]["server"].as_u64().unwrap() > 0,
        "{d}"
    );
}

#[test]
fn bad_psk() {
    one_line_error(
        &[
            "summary",
            "--psk",
            "xyz",
            "samples/tls12-psk-aes128gcm.pcap",
        ],
        "--psk",
    );
}
