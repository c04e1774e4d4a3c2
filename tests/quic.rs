//! QUIC end to end: the aioquic sample (samples/udp/, made by make-quic.sh) read
//! without keys, against what aioquic was told and what tshark reads.

mod common;

use std::process::Command;

use common::{json, root};
use serde_json::Value;

const SAMPLE: &str = "samples/udp/quic-v1-hq.pcap";

fn connection() -> Value {
    let doc = json(&["inspect", "--json", SAMPLE]);
    let conns = doc["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 1, "one QUIC connection");
    assert_eq!(doc["capture"]["quic_connections"], 1);
    assert_eq!(doc["capture"]["udp_flows_other"], 0);
    assert_eq!(doc["capture"]["tcp_connections"], 0);
    conns[0].clone()
}

/// What quic_session.py asked for, decoded from the Initial packets alone.
#[test]
fn aioquic_sample_without_keys() {
    let c = connection();
    assert_eq!(c["transport"], "quic");
    assert_eq!(c["tcp"], Value::Null);
    assert_eq!(c["sni"], "tlsscope.test");
    assert_eq!(c["alpn"], serde_json::json!(["hq-interop"]));
    assert_eq!(c["version"], "TLS 1.3");
    assert_eq!(c["server"]["port"], 4433);
    let ja4 = c["ja4"].as_str().unwrap();
    assert!(ja4.starts_with("q13d"), "{ja4}");
    assert!(ja4[..10].ends_with("hp"), "ALPN hq-interop: {ja4}");
    let q = &c["quic"];
    assert_eq!(q["version"]["name"], "QUIC v1");
    assert_eq!(q["original_dcid"].as_str().unwrap().len(), 16);
    assert_eq!(q["scids"]["client"].as_array().unwrap().len(), 1);
    assert_eq!(q["scids"]["server"].as_array().unwrap().len(), 1);
    // Still open when the capture ended 34 ms later: neither idled out nor evicted.
    assert_eq!(q["evicted"], false);
    assert_eq!(q["idle_closed"], false);
    // Every Initial opens; nothing else can without keys.
    for side in ["client", "server"] {
        let i = &q["spaces"]["initial"][side];
        assert!(i["packets"].as_u64().unwrap() > 0);
        assert_eq!(i["decrypted"], i["packets"], "{side}");
        assert_eq!(q["spaces"]["handshake"][side]["decrypted"], 0);
        assert_eq!(q["malformed_datagrams"][side], 0);
    }
    // The quic_transport_parameters extension (57) is in the ClientHello.
    let ch = c["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["type"] == "ClientHello")
        .expect("ClientHello");
    let tp = ch["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == 57)
        .expect("extension 57");
    assert_eq!(tp["name"], "quic_transport_parameters");
}

/// tshark reads the same server name and QUIC version (skipped when tshark is missing).
#[test]
fn agrees_with_tshark() {
    let out = Command::new("tshark")
        .args(["-r", SAMPLE, "-Y", "quic", "-T", "fields"])
        .args([
            "-e",
            "tls.handshake.extensions_server_name",
            "-e",
            "quic.version",
        ])
        .current_dir(root())
        .output();
    let Some(out) = out.ok().filter(|o| o.status.success()) else {
        eprintln!("note: tshark not found: skipping");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let sni: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split('\t').next())
        .filter(|s| !s.is_empty())
        .collect();
    let versions: std::collections::BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.split('\t').nth(1))
        .flat_map(|v| v.split(','))
        .filter(|s| !s.is_empty())
        .collect();
    let c = connection();
    assert_eq!(sni, [c["sni"].as_str().unwrap()]);
    let ours = format!("0x{:08x}", c["quic"]["version"]["id"].as_u64().unwrap());
    assert_eq!(versions.into_iter().collect::<Vec<_>>(), [ours.as_str()]);
}
