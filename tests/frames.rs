//! Frame numbers against tshark's `frame.number`: each handshake message's frame (the
//! frame whose data completes it, where tshark shows the reassembled message) and each
//! TCP connection's first and last frame (its `tcp.stream`'s). Needs tshark on PATH;
//! the tests show as ignored without it.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use common::{json, root};
use serde_json::Value;

/// tshark's numbers for the handshake types tlsscope names.
fn type_number(name: &str) -> Option<u64> {
    Some(match name {
        "HelloRequest" => 0,
        "ClientHello" => 1,
        "ServerHello" => 2,
        "NewSessionTicket" => 4,
        "EndOfEarlyData" => 5,
        "EncryptedExtensions" => 8,
        "Certificate" => 11,
        "ServerKeyExchange" => 12,
        "CertificateRequest" => 13,
        "ServerHelloDone" => 14,
        "CertificateVerify" => 15,
        "ClientKeyExchange" => 16,
        "Finished" => 20,
        "CertificateStatus" => 22,
        "KeyUpdate" => 24,
        _ => return None,
    })
}

/// (frame, handshake type) → how many, and each TCP connection's (first, last) frame.
type Frames = (BTreeMap<(u64, u64), u32>, Vec<(u64, u64)>);

/// What tlsscope says, for the TCP connections of the `file`-th input.
fn ours(doc: &Value, file: u64) -> Frames {
    let mut messages = BTreeMap::new();
    let mut spans = Vec::new();
    for c in doc["connections"].as_array().unwrap() {
        if c["transport"] != "tcp" || c["frames"]["file"] != file {
            continue;
        }
        let f = &c["frames"];
        spans.push((f["first"].as_u64().unwrap(), f["last"].as_u64().unwrap()));
        for m in c["messages"].as_array().unwrap() {
            // A message still encrypted has no type tshark could read either.
            if m["encrypted"] == true {
                continue;
            }
            if let Some(t) = m["type"].as_str().and_then(type_number) {
                *messages
                    .entry((m["frame"].as_u64().unwrap(), t))
                    .or_default() += 1;
            }
        }
    }
    spans.sort_unstable();
    (messages, spans)
}

/// What tshark says (`keylog`: for the TLS 1.3 messages it must decrypt).
fn theirs(capture: &str, keylog: Option<&str>) -> Frames {
    let mut cmd = Command::new("tshark");
    cmd.current_dir(root()).args(["-n", "-r", capture]);
    if let Some(k) = keylog {
        cmd.args(["-o", &format!("tls.keylog_file:{k}")]);
    }
    cmd.args(["-T", "fields", "-e", "frame.number", "-e", "tcp.stream"]);
    cmd.args(["-e", "tls.handshake.type"]);
    let out = cmd.output().expect("run tshark");
    assert!(out.status.success(), "tshark on {capture} failed");
    let mut messages = BTreeMap::new();
    let mut streams: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let frame: u64 = fields[0].parse().unwrap();
        if let Some(stream) = fields.get(1).and_then(|s| s.parse::<u64>().ok()) {
            let span = streams.entry(stream).or_insert((frame, frame));
            span.1 = frame;
        }
        for t in fields
            .get(2)
            .unwrap_or(&"")
            .split(',')
            .filter(|t| !t.is_empty())
        {
            *messages.entry((frame, t.parse().unwrap())).or_default() += 1;
        }
    }
    let mut spans: Vec<(u64, u64)> = streams.into_values().collect();
    spans.sort_unstable();
    (messages, spans)
}

/// Every TCP connection tlsscope reports is one of tshark's streams, frame for frame,
/// and every handshake message is in the frame tshark shows it in.
fn agree(capture: &str, keylog: Option<&str>) {
    let mut args = vec!["inspect", "--json", capture];
    if let Some(k) = keylog {
        args.extend(["--keylog", k]);
    }
    let (messages, spans) = ours(&json(&args), 0);
    let (want_messages, want_spans) = theirs(capture, keylog);
    assert!(!messages.is_empty(), "{capture}: no message");
    assert_eq!(messages, want_messages, "{capture}: message frames");
    for s in &spans {
        assert!(
            want_spans.contains(s),
            "{capture}: connection frames {s:?} are no tcp.stream of tshark's ({want_spans:?})"
        );
    }
}

#[test]
#[cfg_attr(not(tshark), ignore = "needs tshark on PATH")]
fn tls12_frames_are_tsharks() {
    for capture in [
        "samples/tls12-rsa-aes128gcm.pcap",
        "samples/tls12-rsa-parallel4.pcap",
        "samples/tls12-rsa-renegotiation.pcap",
        "samples/tcp-reordered.pcap",
        "samples/tcp-port-reuse.pcap",
        "samples/ip-fragments.pcap",
    ] {
        agree(capture, None);
    }
}

#[test]
#[cfg_attr(not(tshark), ignore = "needs tshark on PATH")]
fn tls13_frames_are_tsharks() {
    for name in ["tls13-aes128gcm", "tls13-hrr", "tls13-keyupdate"] {
        let keylog = format!("samples/{name}.keylog");
        agree(&format!("samples/{name}.pcap"), Some(&keylog));
    }
}

#[test]
#[cfg_attr(not(tshark), ignore = "needs tshark on PATH")]
fn pcapng_frames_are_tsharks() {
    // Two interfaces, and a file with a Decryption Secrets Block among its packets.
    agree("samples/pcapng-two-interfaces.pcapng", None);
    agree("samples/pcapng-dsb-tls13.pcapng", None);
}

/// Each input is numbered on its own, as tshark numbers each file, and each connection
/// says which input it came from.
#[test]
#[cfg_attr(not(tshark), ignore = "needs tshark on PATH")]
fn several_files_number_their_frames_each() {
    let a = "samples/tls12-rsa-aes128gcm.pcap";
    let b = "samples/tls12-rsa-resume-ticket.pcap";
    let doc = json(&["inspect", "--json", a, b]);
    assert_eq!(ours(&doc, 0), theirs(a, None));
    assert_eq!(ours(&doc, 1), theirs(b, None));
}

#[test]
#[cfg_attr(
    not(all(tshark, corpus)),
    ignore = "needs tshark on PATH and the public corpus (TLSSCOPE_CORPUS)"
)]
fn fragmented_handshakes_are_in_tsharks_frames() {
    // 380 handshake messages cut across records and segments, in a gzip file.
    let dir = std::env::var("TLSSCOPE_CORPUS").unwrap();
    agree(
        &format!("{dir}/captures/tls-fragmented-handshakes.pcap.gz"),
        None,
    );
}
