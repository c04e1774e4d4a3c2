//! Replays the inputs that crashed the fuzz targets (`fuzz/`, cargo-fuzz) and asserts
//! that none of them panics any more.
//!
//! Each `tests/fuzz-regressions/<target>/*.bin` goes through the same harness function
//! the fuzz target `<target>` calls: `fuzz/src/lib.rs` is compiled into this test as a
//! module, so a fix is checked against exactly what the fuzzer ran. Debug builds have
//! overflow checks on, like the fuzz builds (`-Cdebug-assertions`): arithmetic
//! overflow counts as a crash here too.

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::panic;
use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return; // no crash saved for this target
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "bin"))
        .collect();
    files.sort();
    let mut failed = Vec::new();
    for file in &files {
        let data = std::fs::read(file).unwrap();
        if let Err(e) = panic::catch_unwind(|| run(&data)) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failed.push(format!("{}: {msg}", file.display()));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} {target} inputs panic:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn capture_reader() {
    replay("capture_reader", harness::capture_reader);
}

#[test]
fn net_tcp() {
    replay("net_tcp", harness::net_tcp);
}

#[test]
fn tls_records() {
    replay("tls_records", harness::tls_records);
}

#[test]
fn key_parsers() {
    replay("key_parsers", harness::key_parsers);
}

#[test]
fn record_decrypt() {
    replay("record_decrypt", harness::record_decrypt);
}

#[test]
fn quic_datagrams() {
    replay("quic_datagrams", harness::quic_datagrams);
}

#[test]
fn http2_frames() {
    replay("http2_frames", harness::http2_frames);
}

#[test]
fn http1_messages() {
    replay("http1_messages", harness::http1_messages);
}

#[test]
fn http3_streams() {
    replay("http3_streams", harness::http3_streams);
}

/// The harness reads the sample it is seeded from: its streams open with the key log.
#[test]
fn quic_datagrams_seed_runs() {
    let seed = quic_seed("samples/udp/quic-v1-hq.pcap");
    for flags in [0u8, 1, 3] {
        let mut input = vec![flags];
        input.extend_from_slice(&seed);
        harness::quic_datagrams(&input);
    }
}

#[test]
fn dtls_datagrams() {
    replay("dtls_datagrams", harness::dtls_datagrams);
}

/// The DTLS harness reads every DTLS sample it is seeded from, with and without keys.
#[test]
fn dtls_datagrams_seeds_run() {
    let udp = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/udp");
    let mut names: Vec<String> = std::fs::read_dir(&udp)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("dtls") && n.ends_with(".pcap"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        let seed = quic_seed(&format!("samples/udp/{name}"));
        for flags in [0u8, 1] {
            let mut input = vec![flags];
            input.extend_from_slice(&seed);
            harness::dtls_datagrams(&input);
        }
    }
}

/// A capture's UDP payloads in the quic_datagrams (and dtls_datagrams) input format
/// (IPv4 over Ethernet).
fn quic_seed(path: &str) -> Vec<u8> {
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let mut out = Vec::new();
    let mut at = 24; // pcap file header
    let mut first = None;
    while at + 16 <= bytes.len() {
        let incl = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().unwrap()) as usize;
        let frame = &bytes[at + 16..at + 16 + incl];
        at += 16 + incl;
        let ip = &frame[14..];
        let l4 = &ip[usize::from(ip[0] & 0x0f) * 4..];
        let sport = u16::from_be_bytes([l4[0], l4[1]]);
        let len = usize::from(u16::from_be_bytes([l4[4], l4[5]])) - 8;
        let first = *first.get_or_insert(sport);
        let dir = if sport == first { 0 } else { 0x8000 };
        out.extend_from_slice(&(len as u16 | dir).to_be_bytes());
        out.extend_from_slice(&l4[8..8 + len]);
    }
    out
}

#[test]
fn session_decrypted() {
    replay("session_decrypted", harness::session_decrypted);
}

/// `session_decrypted` is only worth running while the records it builds open: for
/// every cipher and key log variant, the canned handshake plus a few records (TLS 1.3
/// padding, a KeyUpdate, an alert) must decrypt without a failure, both Finished verify
/// (unless the key log lacks the handshake secrets) and the digests match.
#[test]
fn session_decrypted_records_authenticate() {
    use sha2::{Digest, Sha256};
    let digest = |b: &[u8]| hex::encode(Sha256::digest(b));
    for choice in 0..8u8 {
        let tls13 = harness::CHOICES[choice as usize].1 != 0x0303;
        for kl in 0..3u8 {
            // config: script, plaintext sink.
            let mut input = vec![choice | kl << 3 | 0x60];
            input.extend([0x08, 23, 0, 5]); // client data, padding 3
            input.extend(b"hello");
            input.push(3);
            input.extend([0x80, 23, 0, 5]);
            input.extend(b"world");
            input.push(0x8D); // server KeyUpdate
            input.extend([0x80, 23, 0, 5]);
            input.extend(b"again");
            input.extend([0x00, 21, 0, 2, 1, 0]); // client close_notify
            let what = format!("choice {choice} key log {kl}");
            let json = harness::session_decrypted_report(&input).expect(&what);
            let v: serde_json::Value = serde_json::from_str(&json).unwrap();
            let c = &v["connections"][0];
            let d = &c["decryption"];
            assert_eq!(d["status"], "decrypted", "{what}: {d}");
            assert_eq!(d["record_failures"]["client"], 0, "{what}: {d}");
            assert_eq!(d["record_failures"]["server"], 0, "{what}: {d}");
            let verified = !(tls13 && kl == 1);
            assert_eq!(d["client_finished_verified"], verified, "{what}: {d}");
            assert_eq!(d["server_finished_verified"], verified, "{what}: {d}");
            let client: &[u8] = if tls13 && kl == 2 {
                b"GET /early HTTP/1.1\r\n\r\nhello"
            } else {
                b"hello"
            };
            assert_eq!(c["app_data"]["client"]["sha256"], digest(client), "{what}");
            assert_eq!(
                c["app_data"]["server"]["sha256"],
                digest(b"worldagain"),
                "{what}"
            );
        }
    }
}
