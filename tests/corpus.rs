//! The public Wireshark test captures (`TLSSCOPE_CORPUS`): versions and cipher suites as
//! tshark 4.0 reports them, and the tricky reassembly cases.

mod common;

use common::{corpus, json, tlsscope};
use serde_json::Value;

/// (capture, [(version, suite id)] per TLS connection) as tshark reads them.
const EXPECTED: &[(&str, &[(&str, u64)])] = &[
    ("dhe1.pcapng.gz", &[("TLS 1.0", 0x0039)]),
    ("dmgr.pcapng", &[("TLS 1.0", 0x002f)]),
    ("http2-data-reassembly.pcap", &[("TLS 1.2", 0xc02b)]),
    ("rsa-p-lt-q.pcap", &[("TLS 1.2", 0x0035)]),
    (
        "rsasnakeoil2.pcap",
        &[("SSL 3.0", 0x0035), ("SSL 3.0", 0x000a)],
    ),
    ("tls-renegotiation.pcap", &[("TLS 1.2", 0x002f)]),
    ("tls12-aes128ccm.pcap", &[("TLS 1.2", 0xc0a4)]),
    ("tls12-aes256gcm.pcap", &[("TLS 1.2", 0x00a9)]),
    (
        "tls12-chacha20poly1305.pcap",
        &[
            ("TLS 1.2", 0xcca9),
            ("TLS 1.2", 0xcca8),
            ("TLS 1.2", 0xccaa),
            ("TLS 1.2", 0xccae),
            ("TLS 1.2", 0xccad),
            ("TLS 1.2", 0xccac),
            ("TLS 1.2", 0xccab),
        ],
    ),
    (
        "tls12-dsb.pcapng",
        &[("TLS 1.2", 0xc02f), ("TLS 1.2", 0xc02f)],
    ),
    (
        "tls13-20-chacha20poly1305.pcap",
        &[
            ("TLS 1.3 (draft 20)", 0x1303),
            ("TLS 1.3 (draft 20)", 0x1303),
        ],
    ),
    (
        "tls13-rfc8446.pcap",
        &[("TLS 1.3", 0x1301), ("TLS 1.3", 0x1301)],
    ),
];

#[test]
#[cfg_attr(not(corpus), ignore = "needs the public corpus: set TLSSCOPE_CORPUS")]
fn versions_and_suites_agree_with_tshark() {
    let Some(dir) = corpus() else { return };
    for (file, want) in EXPECTED {
        let path = dir.join("captures").join(file);
        let doc = json(&["summary", "--json", path.to_str().unwrap()]);
        let got: Vec<(String, u64)> = doc["connections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["version"].as_str().unwrap_or("-").to_string(),
                    c["cipher_suite"]["id"].as_u64().unwrap_or(0),
                )
            })
            .collect();
        let want: Vec<(String, u64)> = want.iter().map(|(v, s)| (v.to_string(), *s)).collect();
        assert_eq!(got, want, "{file}");
    }
}

#[test]
#[cfg_attr(not(corpus), ignore = "needs the public corpus: set TLSSCOPE_CORPUS")]
fn every_capture_is_read_without_error() {
    let Some(dir) = corpus() else { return };
    for entry in std::fs::read_dir(dir.join("captures")).unwrap() {
        let path = entry.unwrap().path();
        let out = tlsscope(&["summary", path.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// ClientHellos fragmented across many records: their GREASE extensions carry the
/// numbers 0001 … 03e8 in order.
#[test]
#[cfg_attr(not(corpus), ignore = "needs the public corpus: set TLSSCOPE_CORPUS")]
fn fragmented_handshakes_keep_their_order() {
    let Some(dir) = corpus() else { return };
    let path = dir.join("captures/tls-fragmented-handshakes.pcap.gz");
    let doc = json(&["inspect", "--json", path.to_str().unwrap()]);
    let mut values = Vec::new();
    for c in doc["connections"].as_array().unwrap() {
        for m in c["messages"].as_array().unwrap() {
            assert_eq!(m["type"], "ClientHello");
            for e in m["extensions"].as_array().unwrap() {
                values.push(e["data"].as_str().unwrap().to_string());
            }
        }
    }
    let want: Vec<String> = (1..=1000).map(|i: u16| format!("{i:04x}")).collect();
    assert_eq!(values, want);
}

/// A 1-byte segment, then a 21-byte retransmission starting with the same byte: one
/// application data record of 16 bytes, not two.
#[test]
#[cfg_attr(not(corpus), ignore = "needs the public corpus: set TLSSCOPE_CORPUS")]
fn overlapping_retransmission_makes_one_record() {
    let Some(dir) = corpus() else { return };
    let path = dir.join("captures/retrans-tls.pcap");
    let doc = json(&["inspect", "--json", path.to_str().unwrap()]);
    let conns = doc["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 1);
    let msgs: Vec<&Value> = conns[0]["messages"].as_array().unwrap().iter().collect();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0]["type"], "ApplicationData");
    assert_eq!(msgs[0]["records"], 1);
    assert_eq!(msgs[0]["bytes"], 16);
}

/// Wireshark's HTTP/2 capture (ALPN h2, TLS 1.2, its key log): one GET whose 76,091-byte
/// PNG comes in five DATA frames. The body's SHA-256 is that of tshark 4.0's
/// `http2.data.data` of those frames.
#[test]
#[cfg_attr(not(corpus), ignore = "needs the public corpus: set TLSSCOPE_CORPUS")]
fn http2_capture_agrees_with_tshark() {
    let Some(dir) = corpus() else { return };
    let doc = json(&[
        "inspect",
        "--json",
        "--keylog",
        dir.join("keys/http2-data-reassembly.keys")
            .to_str()
            .unwrap(),
        dir.join("captures/http2-data-reassembly.pcap")
            .to_str()
            .unwrap(),
    ]);
    let app = &doc["connections"][0]["app"];
    assert_eq!(app["protocol"], "h2", "{app}");
    assert_eq!(app["problems"], serde_json::json!([]));
    let ts = app["transactions"].as_array().unwrap();
    assert_eq!(ts.len(), 1);
    let t = &ts[0];
    assert_eq!(t["stream_id"], 1);
    assert_eq!(t["request"]["method"], "GET");
    assert_eq!(t["request"]["target"], "/wireshark.png");
    let r = &t["response"];
    assert_eq!(r["status"], 200);
    assert_eq!(r["body"]["bytes"], 76091);
    assert_eq!(r["body"]["complete"], true);
    assert_eq!(
        r["body"]["sha256"],
        "9fbb408e597024a2949d2409d9f0b588e55a287d111fa658041a0bfe962bb681"
    );
}
