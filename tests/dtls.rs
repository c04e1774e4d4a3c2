//! DTLS end to end on the OpenSSL samples (samples/udp/dtls-*, made by make-dtls.sh),
//! the GnuTLS ones (samples/udp/dtls12-gnutls-*, make-dtls-gnutls.sh) and DTLS 1.3
//! between dimpl's client and server (samples/udp/dtls13-*, make-dtls13.sh):
//! found by content on their own ports, the cookie exchange, a certificate flight cut
//! into fragments across datagrams put back together, and decryption byte-exact with
//! what each side sent under every key source (the server's RSA key, the key log,
//! `--psk`). The generic sample tests check the same truth files too; these say what is
//! DTLS's.

mod common;

use common::{json, message_types, root, tlsscope};
use serde_json::Value;

/// (sample, suite, version, key arguments besides the key log)
const SAMPLES: [(&str, &str, &str, &[&str]); 5] = [
    (
        "dtls12-rsa-aes128sha",
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "DTLS 1.2",
        &["-k", "samples/keys/server-rsa2048.key"],
    ),
    (
        "dtls10-rsa-aes256sha",
        "TLS_RSA_WITH_AES_256_CBC_SHA",
        "DTLS 1.0",
        &["-k", "samples/keys/server-rsa2048.key"],
    ),
    (
        "dtls12-psk-aes128ccm8",
        "TLS_PSK_WITH_AES_128_CCM_8",
        "DTLS 1.2",
        &["--psk", "ca19e028a8a372ad2d325f950fcaceed"],
    ),
    (
        "dtls12-ecdhe-rsa-aes256gcm",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "DTLS 1.2",
        &[],
    ),
    (
        "dtls12-ecdhe-rsa-chacha20",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "DTLS 1.2",
        &[],
    ),
];

/// GnuTLS 3.7.9 (`gnutls-serv --udp --echo`): what OpenSSL's samples leave out, a CBC
/// suite MAC-then-encrypt (every OpenSSL CBC sample negotiates Encrypt-then-MAC) and
/// AES-128-CCM with its 16-byte tag. (sample, suite, key arguments besides the key log)
const GNUTLS: [(&str, &str, &[&str]); 2] = [
    (
        "dtls12-gnutls-rsa-aes128sha-noetm",
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        &["-k", "samples/keys/server-rsa2048.key"],
    ),
    (
        "dtls12-gnutls-dhe-rsa-aes128ccm",
        "TLS_DHE_RSA_WITH_AES_128_CCM",
        &[],
    ),
];

/// Real DTLS 1.3 sessions (dimpl 0.9.0 on both sides, key log from its client), one per
/// suite dimpl has: the record number mask is AES-ECB for the AES suites, ChaCha20 for
/// the other; and one whose server asks for a cookie (a HelloRetryRequest, which the
/// transcript replaces by a message_hash). (sample, suite)
const DTLS13: [(&str, &str); 4] = [
    ("dtls13-dimpl-aes128gcm", "TLS_AES_128_GCM_SHA256"),
    ("dtls13-dimpl-aes256gcm", "TLS_AES_256_GCM_SHA384"),
    ("dtls13-dimpl-chacha20", "TLS_CHACHA20_POLY1305_SHA256"),
    ("dtls13-dimpl-hrr", "TLS_AES_128_GCM_SHA256"),
];

/// Every DTLS 1.0/1.2 sample with the keys that open it.
fn all_samples() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    SAMPLES
        .iter()
        .map(|s| (s.0, s.3))
        .chain(GNUTLS.iter().map(|s| (s.0, s.2)))
}

fn truth(name: &str) -> Value {
    let path = root().join(format!("samples/udp/{name}.truth.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn only_connection(doc: &Value, name: &str) -> Value {
    assert_eq!(doc["capture"]["dtls_connections"], 1, "{name}");
    assert_eq!(doc["capture"]["udp_flows_other"], 0, "{name}");
    let conns = doc["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 1, "{name}");
    conns[0].clone()
}

#[test]
fn dtls_samples_without_keys() {
    for (name, suite, version, _) in SAMPLES {
        let sample = format!("samples/udp/{name}.pcap");
        let c = only_connection(&json(&["inspect", "--json", &sample]), name);
        let t = &truth(name)["connections"][0];
        assert_eq!(c["transport"], "dtls", "{name}");
        assert_eq!(c["tcp"], Value::Null, "{name}");
        assert_eq!(c["server"]["port"], t["server_port"], "{name}");
        assert_eq!(c["client"]["port"], t["client_port"], "{name}");
        assert_eq!(c["version"], version, "{name}");
        assert_eq!(c["cipher_suite"]["name"], suite, "{name}");
        assert_eq!(c["sni"], "tlsscope.test", "{name}");
        assert!(c["ja4"].as_str().unwrap().starts_with("dd"), "{name}");
        assert_eq!(c["state"], "established", "{name}");
        let d = &c["dtls"];
        // OpenSSL's s_server asks every client for a cookie.
        assert_eq!(d["hello_verify_requests"], 1, "{name}");
        assert_eq!(d["cookie"].as_str().unwrap().len(), 40, "{name}");
        let s = &d["handshake"]["server"];
        assert_eq!(s["incomplete_messages"], 0, "{name}");
        assert_eq!(s["fragments_over_cap"], 0, "{name}");
        assert_ne!(c["decryption"]["status"], "decrypted", "{name}");
        let hvr = &c["messages"][1];
        assert_eq!(hvr["type"], "HelloVerifyRequest", "{name}");
        assert_eq!(hvr["cookie"], d["cookie"], "{name}");
    }
}

/// The Certificate's middle fragment lost in the capture (frame 5 of
/// dtls12-rsa-aes128sha): once the client's ClientKeyExchange shows it had the server's
/// flight, the ServerHelloDone behind the hole is read, the loss is said, and the
/// Finished are left unchecked rather than failed. The key log's master secret still
/// opens every record (a false `key_mismatch` before); the RSA key cannot, as the
/// extended master secret hashes the lost message.
#[test]
fn a_lost_handshake_fragment_is_said_and_the_key_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    let sample = "samples/udp/dtls12-rsa-aes128sha.pcap";
    let path = common::cut(sample, dir.path(), "lost-fragment.pcap", |f| f == 5);
    let t = truth("dtls12-rsa-aes128sha");
    let rsa = json(&[
        "summary",
        "--json",
        "-k",
        "samples/keys/server-rsa2048.key",
        &path,
    ]);
    let d = &only_connection(&rsa, "lost-fragment")["decryption"];
    assert_eq!(d["verdict"], "handshake_segment_lost", "{d}");
    let keylog = "samples/udp/dtls12-rsa-aes128sha.keylog";
    let doc = json(&["inspect", "--json", "--keylog", keylog, &path]);
    let c = only_connection(&doc, "lost-fragment");
    let d = &c["decryption"];
    assert_eq!(d["verdict"], "decrypted", "{d}");
    assert_eq!(d["server_finished_verified"], false);
    assert_eq!(c["resumed"], false);
    assert_eq!(c["dtls"]["handshake"]["server"]["lost_messages"], 1);
    let warned = c["warnings"].as_array().unwrap();
    assert!(
        warned
            .iter()
            .any(|w| w.as_str().unwrap().contains("handshake message 2 was lost")),
        "{warned:?}"
    );
    let tc = &t["connections"][0];
    assert_eq!(c["app_data"]["client"]["sha256"], tc["client_sha256"]);
    assert!(c["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["type"] == "ServerHelloDone"));
}

/// `-mtu 500`: the server's Certificate (a 2048-bit RSA certificate) travelled in three
/// fragments over three datagrams, and is read whole.
#[test]
fn fragmented_certificate_is_put_back_together() {
    let doc = json(&["inspect", "--json", "samples/udp/dtls12-rsa-aes128sha.pcap"]);
    let c = only_connection(&doc, "dtls12-rsa-aes128sha");
    assert_eq!(c["certificates"].as_array().unwrap().len(), 1);
    assert!(
        c["certificates"][0]["subject"]
            .as_str()
            .unwrap()
            .contains("tlsscope.test"),
        "{}",
        c["certificates"][0]
    );
    let types = message_types(&c);
    assert_eq!(
        types[..6],
        [
            "ClientHello",
            "HelloVerifyRequest",
            "ClientHello",
            "ServerHello",
            "Certificate",
            "ServerHelloDone"
        ],
        "{types:?}"
    );
}

#[test]
fn dtls_samples_decrypt_byte_exact_with_every_key_source() {
    for (name, keys) in all_samples() {
        let sample = format!("samples/udp/{name}.pcap");
        let keylog = format!("samples/udp/{name}.keylog");
        let mut sources: Vec<Vec<&str>> = vec![vec!["--keylog", &keylog]];
        if !keys.is_empty() {
            sources.push(keys.to_vec());
        }
        let t = &truth(name)["connections"][0];
        for args in sources {
            let mut all = vec!["summary", "--json", &sample];
            all.extend(&args);
            let c = only_connection(&json(&all), name);
            let d = &c["decryption"];
            assert_eq!(d["status"], "decrypted", "{name} {args:?}: {d}");
            assert_eq!(d["client_finished_verified"], true, "{name} {args:?}");
            assert_eq!(d["server_finished_verified"], true, "{name} {args:?}");
            for side in ["client", "server"] {
                let a = &c["app_data"][side];
                assert_eq!(a["bytes"], t[format!("{side}_bytes")], "{name} {args:?}");
                assert_eq!(a["sha256"], t[format!("{side}_sha256")], "{name} {args:?}");
            }
            assert!(c["warnings"].as_array().unwrap().is_empty(), "{name}: {c}");
        }
    }
}

#[test]
fn gnutls_samples_without_keys() {
    for (name, suite, _) in GNUTLS {
        let sample = format!("samples/udp/{name}.pcap");
        let c = only_connection(&json(&["inspect", "--json", &sample]), name);
        let t = &truth(name)["connections"][0];
        assert_eq!(c["transport"], "dtls", "{name}");
        assert_eq!(c["version"], "DTLS 1.2", "{name}");
        assert_eq!(c["cipher_suite"]["name"], suite, "{name}");
        assert_eq!(c["cipher_suite"]["id"], t["cipher_id"], "{name}");
        assert_eq!(c["sni"], "tlsscope.test", "{name}");
        assert_eq!(c["encrypt_then_mac"], false, "{name}");
        assert_eq!(c["extended_master_secret"], true, "{name}");
        // gnutls-serv --udp asks for a cookie too, a 16-byte one.
        let d = &c["dtls"];
        assert_eq!(d["hello_verify_requests"], 1, "{name}");
        assert_eq!(d["cookie"].as_str().unwrap().len(), 32, "{name}");
    }
}

/// `follow` gives back, byte for byte, what each side sent.
#[test]
fn follow_gives_each_sides_bytes() {
    for name in all_samples().map(|s| s.0).chain(DTLS13.map(|s| s.0)) {
        let sample = format!("samples/udp/{name}.pcap");
        let keylog = format!("samples/udp/{name}.keylog");
        let t = &truth(name)["connections"][0];
        for side in ["client", "server"] {
            let out = tlsscope(&[
                "follow",
                "--conn",
                "0",
                "--keylog",
                &keylog,
                "--format",
                "raw",
                "--direction",
                side,
                &sample,
            ]);
            assert!(
                out.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                Value::from(out.stdout.len()),
                t[format!("{side}_bytes")],
                "{name} {side}"
            );
            let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&out.stdout));
            assert_eq!(
                Value::from(sha),
                t[format!("{side}_sha256")],
                "{name} {side}"
            );
        }
    }
}

/// `keylog` with the server's RSA key gives the CLIENT_RANDOM line the client wrote.
#[test]
fn keylog_recovers_the_client_random_line() {
    for name in [
        "dtls12-rsa-aes128sha",
        "dtls10-rsa-aes256sha",
        "dtls12-gnutls-rsa-aes128sha-noetm",
    ] {
        let sample = format!("samples/udp/{name}.pcap");
        let out = tlsscope(&["keylog", "-k", "samples/keys/server-rsa2048.key", &sample]);
        assert!(out.status.success(), "{name}");
        let got = String::from_utf8(out.stdout).unwrap();
        let written =
            std::fs::read_to_string(root().join(format!("samples/udp/{name}.keylog"))).unwrap();
        let want: Vec<&str> = written
            .lines()
            .filter(|l| l.starts_with("CLIENT_RANDOM "))
            .collect();
        assert_eq!(want.len(), 1, "{name}");
        assert!(got.lines().any(|l| l == want[0]), "{name}: {got}");
    }
}

/// DTLS 1.3: the ServerHello's supported_versions (0xfefc) chooses it; the unified
/// header records open under epochs 2 (handshake), 3 and 4 (a KeyUpdate each way), both
/// Finished verify over the TLS 1.3-form transcript, and the data is what each side
/// wrote.
#[test]
fn dtls13_decrypts_byte_exact_across_key_updates() {
    for (name, suite) in DTLS13 {
        dtls13_decrypts(name, suite);
    }
}

fn dtls13_decrypts(name: &str, suite: &str) {
    let sample = format!("samples/udp/{name}.pcap");
    let keylog = format!("samples/udp/{name}.keylog");
    let t = &truth(name)["connections"][0];
    let c = only_connection(
        &json(&["inspect", "--json", &sample, "--keylog", &keylog]),
        name,
    );
    assert_eq!(c["version"], "DTLS 1.3", "{name}");
    assert_eq!(c["cipher_suite"]["id"], t["cipher_id"], "{name}");
    assert_eq!(c["cipher_suite"]["name"], suite, "{name}");
    assert_eq!(c["server"]["port"], t["server_port"], "{name}");
    assert_eq!(c["client"]["port"], t["client_port"], "{name}");
    let d = &c["decryption"];
    assert_eq!(d["status"], "decrypted", "{name}: {d}");
    assert_eq!(d["client_finished_verified"], true, "{name}");
    assert_eq!(d["server_finished_verified"], true, "{name}");
    assert_eq!(d["record_failures"]["client"], 0, "{name}");
    assert_eq!(d["record_failures"]["server"], 0, "{name}");
    for side in ["client", "server"] {
        let a = &c["app_data"][side];
        assert_eq!(a["bytes"], t[format!("{side}_bytes")], "{name} {side}");
        assert_eq!(a["sha256"], t[format!("{side}_sha256")], "{name} {side}");
        let r = &c["dtls"]["dtls13"][side];
        assert_eq!(r["failed"], 0, "{name} {side}: {r}");
        assert_eq!(r["no_keys"], 0, "{name} {side}: {r}");
        assert_eq!(r["opened"], r["records"], "{name} {side}: {r}");
        assert_eq!(
            r["key_updates"], t["key_updates"][side],
            "{name} {side}: {r}"
        );
        assert_eq!(r["highest_epoch"], 4, "{name} {side}: {r}");
        assert!(r["acks"].as_u64().unwrap() > 0, "{name} {side}: {r}");
        assert!(
            r["acked_records"].as_u64().unwrap() > 0,
            "{name} {side}: {r}"
        );
    }
    assert!(c["warnings"].as_array().unwrap().is_empty(), "{name}: {c}");
    let types = message_types(&c);
    let retried = c["messages"][1]["hello_retry_request"] == true;
    assert_eq!(Value::from(retried), t["hello_retry_request"], "{name}");
    let counted = c["dtls"]["hello_retry_requests"].as_u64().unwrap_or(0);
    assert_eq!(counted, u64::from(retried), "{name}");
    for want in [
        "EncryptedExtensions",
        "CertificateVerify",
        "Finished",
        "KeyUpdate",
    ] {
        assert!(types.contains(&want), "{name} {want}: {types:?}");
    }
}

/// Without the key log: DTLS 1.3 named, the hellos read, every protected record
/// counted as not opened.
#[test]
fn dtls13_without_keys_is_counted() {
    let (name, _) = DTLS13[0];
    let sample = format!("samples/udp/{name}.pcap");
    let c = only_connection(&json(&["summary", "--json", &sample]), name);
    assert_eq!(c["version"], "DTLS 1.3");
    assert_ne!(c["decryption"]["status"], "decrypted");
    let d = &c["dtls"];
    for side in ["client", "server"] {
        let r = &d["dtls13"][side];
        assert_eq!(r["opened"], 0, "{side}: {r}");
        assert_eq!(r["no_keys"], r["records"], "{side}: {r}");
        assert_eq!(r["records"], d["dtls13_records"][side], "{side}");
    }
}
