//! Key material other than the server's RSA key: key log files (every NSS label), pcapng
//! Decryption Secrets Blocks, `--psk`, and TLS 1.3 (early data, HelloRetryRequest,
//! KeyUpdate, drafts), on the samples and the public corpus.

mod common;

use std::collections::BTreeSet;

use common::{corpus, json, message_types, root, samples, tlsscope};
use serde_json::Value;

fn truth(sample: &str) -> Option<Value> {
    let path = root().join(
        sample
            .replace(".pcapng", ".truth.json")
            .replace(".pcap", ".truth.json"),
    );
    Some(serde_json::from_str(&std::fs::read_to_string(path).ok()?).unwrap())
}

/// Checks every complete connection of `sample` against its ground truth: plaintext
/// hashes each way and both Finished messages verified. Returns how many it checked.
fn check_against_truth(sample: &str, t: &Value, args: &[&str]) -> usize {
    let mut all = vec!["inspect", "--json"];
    all.extend_from_slice(args);
    all.push(sample);
    let doc = json(&all);
    let conns = doc["connections"].as_array().unwrap();
    let mut checked = 0;
    for tc in t["connections"].as_array().unwrap() {
        let complete = |k: &str| tc.get(k).and_then(Value::as_bool) != Some(false);
        if tc["tls"] == false || !complete("client_complete") || !complete("server_complete") {
            continue;
        }
        let c = conns
            .iter()
            .find(|c| {
                c["client"]["port"] == tc["client_port"] && c["server"]["port"] == tc["server_port"]
            })
            .unwrap_or_else(|| panic!("{sample}: no connection for {}", tc["client_port"]));
        let d = &c["decryption"];
        assert_eq!(
            c["app_data"]["client"]["sha256"], tc["client_sha256"],
            "{sample} {args:?} client: {d}"
        );
        assert_eq!(
            c["app_data"]["server"]["sha256"], tc["server_sha256"],
            "{sample} {args:?} server: {d}"
        );
        assert_eq!(d["client_finished_verified"], true, "{sample}: {d}");
        assert_eq!(d["server_finished_verified"], true, "{sample}: {d}");
        checked += 1;
    }
    checked
}

/// Samples that only a key log, a secrets block or a PSK opens (ECDHE, DHE, PSK, TLS 1.3):
/// byte-exact against what was sent.
#[test]
fn keylog_dsb_and_psk_samples_decrypt_byte_exact() {
    let mut checked = 0;
    for sample in samples() {
        let Some(t) = truth(&sample) else { continue };
        if t["rsa_key"].is_string() {
            continue;
        }
        if let Some(kl) = t["keylog"].as_str() {
            let kl = format!("samples/{kl}");
            checked += check_against_truth(&sample, &t, &["--keylog", &kl]);
        }
        if sample.starts_with("samples/pcapng-dsb") {
            checked += check_against_truth(&sample, &t, &[]);
        }
        if let Some(psk) = t["psk"].as_str() {
            checked += check_against_truth(&sample, &t, &["--psk", psk]);
        }
    }
    assert!(checked >= 20, "only {checked} connections checked");
}

#[test]
fn tls13_samples_say_what_they_did() {
    let doc = json(&[
        "inspect",
        "--json",
        "--keylog",
        "samples/tls13-keyupdate.keylog",
        "samples/tls13-keyupdate.pcap",
    ]);
    let resumed = &doc["connections"][1];
    let updates = resumed["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] == "KeyUpdate")
        .count();
    assert_eq!(updates, 4, "two KeyUpdates each way");
    assert_eq!(resumed["resumed"], true);

    // The certificate chain, encrypted in TLS 1.3, is reported once decrypted.
    let doc = json(&[
        "inspect",
        "--json",
        "--keylog",
        "samples/tls13-client-cert.keylog",
        "samples/tls13-client-cert.pcap",
    ]);
    let c = &doc["connections"][0];
    assert_eq!(
        c["certificates"][0]["subject"]
            .as_str()
            .map(|s| s.contains("tlsscope.test")),
        Some(true),
        "{}",
        c["certificates"]
    );
    assert!(!c["client_certificates"].as_array().unwrap().is_empty());

    // Rejected 0-RTT data is decrypted and reported, but is not what the server got.
    let doc = json(&[
        "inspect",
        "--json",
        "--keylog",
        "samples/tls13-early-data-rejected.keylog",
        "samples/tls13-early-data-rejected.pcap",
    ]);
    let early = &doc["connections"][1]["decryption"]["early_data"];
    assert_eq!(early["accepted"], false, "{early}");
    assert!(early["decrypted_bytes"].as_u64().unwrap() > 0);
}

/// Early data counts the client's 0-RTT application data records, never its
/// EndOfEarlyData (RFC 8446 §4.5), which travels under the same key: with the early
/// secret in the key log, and without it (the records then cannot be opened, and the
/// last one before the handshake key takes over is the EndOfEarlyData).
#[test]
fn early_data_counts_data_records_not_end_of_early_data() {
    let t = truth("samples/tls13-early-data.pcap").unwrap();
    let sent = &t["connections"][1];
    let writes = sent["client_early_writes"].as_array().unwrap().len() as u64;
    let keylog = root().join("samples/tls13-early-data.keylog");
    let dir = tempfile::tempdir().unwrap();
    let no_early = dir.path().join("no-early.keylog");
    let text = std::fs::read_to_string(&keylog).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !l.starts_with("CLIENT_EARLY_TRAFFIC_SECRET"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(
        kept.len(),
        text.len(),
        "the sample's key log has an early secret"
    );
    std::fs::write(&no_early, kept).unwrap();
    for (keys, decrypted) in [(&keylog, true), (&no_early, false)] {
        let doc = json(&[
            "inspect",
            "--json",
            "--keylog",
            keys.to_str().unwrap(),
            "samples/tls13-early-data.pcap",
        ]);
        let c = &doc["connections"][1];
        let early = &c["decryption"]["early_data"];
        assert_eq!(early["records"], writes, "{early}");
        assert_eq!(early["accepted"], true, "{early}");
        if decrypted {
            assert_eq!(
                early["decrypted_bytes"], sent["client_early_bytes"],
                "{early}"
            );
        } else {
            assert!(early["decrypted_bytes"].is_null(), "{early}");
        }
        let early_runs: u64 = c["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["type"] == "EarlyData")
            .map(|m| m["records"].as_u64().unwrap())
            .sum();
        assert_eq!(early_runs, writes, "{}", c["messages"]);
    }
}

fn lines(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// `keylog` passes on the TLS 1.3 secrets it was given, for the sessions in the capture.
#[test]
fn keylog_output_is_filtered_to_the_capture() {
    let sample = "samples/tls13-resume-psk.pcap";
    let given = std::fs::read_to_string(root().join("samples/tls13-resume-psk.keylog")).unwrap();
    let mut noise = given.clone();
    noise.push_str(&format!(
        "CLIENT_RANDOM {} {}\n",
        "ab".repeat(32),
        "cd".repeat(48)
    ));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("noisy.keylog");
    std::fs::write(&path, noise).unwrap();
    let out = tlsscope(&["keylog", "--keylog", path.to_str().unwrap(), sample]);
    assert!(out.status.success());
    assert_eq!(lines(&String::from_utf8_lossy(&out.stdout)), lines(&given));
}

/// The `RSA` and `PMS_CLIENT_RANDOM` labels give z; the master secret follows.
#[test]
fn pre_master_labels_open_rsa_sessions() {
    use tlsscope::crypto::keys::{decrypt_pre_master, load_keys};
    let sample = "samples/tls12-rsa-aes128gcm.pcap";
    let t = truth(sample).unwrap();
    let doc = json(&["inspect", "--json", sample]);
    let c = &doc["connections"][0];
    let cke = c["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["type"] == "ClientKeyExchange")
        .unwrap();
    let encrypted = hex::decode(cke["encrypted_pre_master_secret"].as_str().unwrap()).unwrap();
    let (keys, _) = load_keys(&[root().join("samples/keys/server-rsa2048.key")], None);
    let pms = decrypt_pre_master(&keys[0], &encrypted).unwrap();
    let random = c["client_random"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for line in [
        format!(
            "RSA {} {}",
            hex::encode(&encrypted[..8]),
            hex::encode(&pms[..])
        ),
        format!("PMS_CLIENT_RANDOM {random} {}", hex::encode(&pms[..])),
    ] {
        let path = dir.path().join("pms.keylog");
        std::fs::write(&path, format!("{line}\n")).unwrap();
        let p = path.to_str().unwrap();
        assert_eq!(
            check_against_truth(sample, &t, &["--keylog", p]),
            1,
            "{line}"
        );
        let doc = json(&["summary", "--json", "--keylog", p, sample]);
        let source = doc["connections"][0]["decryption"]["key_source"]
            .as_str()
            .unwrap();
        assert!(source.starts_with("keylog_pre_master:"), "{source}");
    }
}

#[test]
fn malformed_keylog_lines_are_reported_with_their_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.keylog");
    let good = std::fs::read_to_string(root().join("samples/tls13-aes128gcm.keylog")).unwrap();
    std::fs::write(&path, format!("# header\nCLIENT_RANDOM nothex\n{good}")).unwrap();
    let doc = json(&[
        "summary",
        "--json",
        "--keylog",
        path.to_str().unwrap(),
        "samples/tls13-aes128gcm.pcap",
    ]);
    let warnings = doc["capture"]["warnings"].to_string();
    assert!(warnings.contains("bad.keylog:2:"), "{warnings}");
    assert_eq!(doc["connections"][0]["decryption"]["status"], "decrypted");
}

/// Key log, secrets block, PSK and RSA key in one run: each connection names its source.
#[test]
fn all_sources_in_one_run() {
    let doc = json(&[
        "summary",
        "--json",
        "-k",
        "samples/keys/server-rsa2048.key",
        "--keylog",
        "samples/tls13-chacha20.keylog",
        "--psk",
        "0102030405060708090a0b0c0d0e0f10",
        "samples/tls12-rsa-aes128gcm.pcap",
        "samples/tls13-chacha20.pcap",
        "samples/pcapng-dsb.pcapng",
        "samples/tls12-psk-aes128gcm.pcap",
    ]);
    let sources: Vec<String> = doc["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(
                c["decryption"]["status"], "decrypted",
                "{}",
                c["decryption"]
            );
            c["decryption"]["key_source"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(
        sources,
        [
            "rsa_key:samples/keys/server-rsa2048.key",
            "keylog:samples/tls13-chacha20.keylog",
            "keylog:samples/pcapng-dsb.pcapng (secrets block)",
            "psk",
        ]
    );
}

/// The decrypted application data of every connection of a corpus capture.
fn corpus_follow(capture: &str, args: &[&str]) -> Option<Vec<Vec<u8>>> {
    let dir = corpus()?;
    let cap = dir.join("captures").join(capture).display().to_string();
    let keyed: Vec<String> = args
        .iter()
        .map(|a| match a.strip_prefix("keys/") {
            Some(k) => dir.join("keys").join(k).display().to_string(),
            None => a.to_string(),
        })
        .collect();
    let keyed: Vec<&str> = keyed.iter().map(String::as_str).collect();
    let mut summary = vec!["summary", "--json"];
    summary.extend_from_slice(&keyed);
    summary.push(&cap);
    let doc = json(&summary);
    let mut out = Vec::new();
    for c in doc["connections"].as_array().unwrap() {
        let id = c["id"].to_string();
        let mut follow = vec!["follow", "--conn", &id, "--format", "raw"];
        follow.extend_from_slice(&keyed);
        follow.push(&cap);
        let o = tlsscope(&follow);
        assert!(
            o.status.success(),
            "{capture} {id}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        out.push(o.stdout);
    }
    Some(out)
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
#[cfg_attr(not(corpus), ignore = "needs the public corpus: set TLSSCOPE_CORPUS")]
fn corpus_tls13_rfc8446_with_and_without_early_secrets() {
    let Some(p) = corpus_follow(
        "tls13-rfc8446.pcap",
        &["--keylog", "keys/tls13-rfc8446.keys"],
    ) else {
        return;
    };
    assert!(contains(&p[0], "GET /first"));
    assert!(contains(&p[1], "GET /early"));
    let p = corpus_follow(
        "tls13-rfc8446.pcap",
        &["--keylog", "keys/tls13-rfc8446-noearly.keys"],
    )
    .unwrap();
    assert!(contains(&p[0], "GET /first"));
    assert!(!contains(&p[1], "GET /early"));
    let dir = corpus().unwrap();
    let doc = json(&[
        "inspect",
        "--json",
        "--keylog",
        dir.join("keys/tls13-rfc8446-noearly.keys")
            .to_str()
            .unwrap(),
        dir.join("captures/tls13-rfc8446.pcap").to_str().unwrap(),
    ]);
    let d = &doc["connections"][1]["decryption"];
    assert_eq!(d["early_data"]["decrypted_bytes"], Value::Null, "{d}");
    assert!(d["early_data"]["records"].as_u64().unwrap() > 0);
    assert_eq!(d["client_finished_verified"], true, "{d}");
    assert_eq!(d["server_finished_verified"], true, "{d}");
}

#[test]
#[cfg_attr(not(corpus), ignore = "needs the public corpus: set TLSSCOPE_CORPUS")]
fn corpus_other_key_logs_dsb_and_psk() {
    let Some(p) = corpus_follow(
        "tls13-20-chacha20poly1305.pcap",
        &["--keylog", "keys/tls13-20-chacha20poly1305.keys"],
    ) else {
        return;
    };
    assert!(p
        .iter()
        .all(|c| contains(c, "TLS13-CHACHA20-POLY1305-SHA256")));

    let p = corpus_follow("tls12-dsb.pcapng", &[]).unwrap();
    assert_eq!(p.len(), 2);
    assert!(contains(&p[0], "Host: example.com") && contains(&p[0], "HTTP/1.1 200"));
    assert!(contains(&p[1], "Host: example.net") && contains(&p[1], "HTTP/1.1 200"));

    let p = corpus_follow(
        "tls12-chacha20poly1305.pcap",
        &["--keylog", "keys/tls12-chacha20poly1305.keys"],
    )
    .unwrap();
    let ciphers = [
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-CHACHA20-POLY1305",
        "DHE-RSA-CHACHA20-POLY1305",
        "RSA-PSK-CHACHA20-POLY1305",
        "DHE-PSK-CHACHA20-POLY1305",
        "ECDHE-PSK-CHACHA20-POLY1305",
        "PSK-CHACHA20-POLY1305",
    ];
    assert_eq!(p.len(), 7);
    for (stream, cipher) in p.iter().zip(ciphers) {
        assert!(contains(stream, &format!("Cipher is {cipher}")), "{cipher}");
    }

    let p = corpus_follow("dhe1.pcapng.gz", &["--keylog", "keys/dhe1_keylog.dat"]).unwrap();
    assert!(contains(&p[0], "GET /test HTTP/1.0"));

    for capture in ["tls12-aes128ccm.pcap", "tls12-aes256gcm.pcap"] {
        let p = corpus_follow(capture, &["--psk", "ca19e028a8a372ad2d325f950fcaceed"]).unwrap();
        assert!(
            contains(&p[0], "http://www.gnu.org/software/gnutls"),
            "{capture}"
        );
    }
}

/// With `-k` on TLS 1.3 the server's certificate is only in the encrypted handshake: once
/// decrypted it still marks the key as the server's.
#[test]
fn a_tls13_certificate_marks_its_key_used() {
    let doc = json(&[
        "summary",
        "--json",
        "-k",
        "samples/keys/server-rsa2048.key",
        "--keylog",
        "samples/tls13-aes128gcm.keylog",
        "samples/tls13-aes128gcm.pcap",
    ]);
    assert_eq!(
        doc["capture"]["keys"][0]["used"], true,
        "{}",
        doc["capture"]
    );
    assert!(!doc["capture"]["warnings"]
        .to_string()
        .contains("matches no server certificate"));
}

/// GnuTLS after a HelloRetryRequest: the early data sent with the first ClientHello is
/// rejected by the retry, yet the second ClientHello offers early_data again (RFC 8446
/// §4.2.10 forbids it) and the server accepts it, so the client's EndOfEarlyData is
/// under the key log's second early secret. Both Finished verify and no record fails.
#[test]
fn early_data_offered_again_after_a_retry() {
    let doc = json(&[
        "inspect",
        "--json",
        "--keylog",
        "samples/tls13-gnutls-0rtt-hrr.keylog",
        "samples/tls13-gnutls-0rtt-hrr.pcap",
    ]);
    let c = &doc["connections"][1];
    let d = &c["decryption"];
    assert_eq!(d["client_finished_verified"], true, "{d}");
    assert_eq!(d["server_finished_verified"], true, "{d}");
    assert_eq!(d["record_failures"]["client"], 0, "{d}");
    assert_eq!(d["early_data"]["accepted"], false, "{d}");
    assert_eq!(d["early_data"]["decrypted_bytes"], 39, "{d}");
    assert_eq!(c["app_data"]["client"]["bytes"], 0, "{}", c["app_data"]);
    let types = message_types(c);
    assert!(types.contains(&"EndOfEarlyData"), "{types:?}");
    // The client's own alert, under its handshake key, is read too.
    assert!(c["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["direction"] == "client" && a["description"] == "internal_error"));
}

/// TLS 1.3 with an external PSK alone (psk_ke): `--psk` runs the whole key schedule
/// (the same plaintext as GnuTLS's key log gives); a wrong PSK is a key mismatch;
/// without either the verdict asks for the PSK, not for forward-secret keys.
#[test]
fn tls13_psk_ke_opens_with_the_psk() {
    let sample = "samples/tls13-gnutls-psk-ke.pcap";
    let run = |args: &[&str]| {
        let mut all = vec!["inspect", "--json"];
        all.extend_from_slice(args);
        all.push(sample);
        json(&all)["connections"][0].clone()
    };
    let by_psk = run(&["--psk", "0102030405060708090a0b0c0d0e0f10"]);
    let by_keylog = run(&["--keylog", "samples/tls13-gnutls-psk-ke.keylog"]);
    assert_eq!(by_psk["decryption"]["key_source"], "psk");
    assert_eq!(by_psk["decryption"]["client_finished_verified"], true);
    assert_eq!(by_psk["app_data"], by_keylog["app_data"]);
    let wrong = run(&["--psk", "0102030405060708090a0b0c0d0e0f11"]);
    assert_eq!(wrong["decryption"]["verdict"], "key_mismatch");
    let none = run(&[]);
    assert_eq!(
        none["decryption"]["verdict"], "psk_needed",
        "{}",
        none["decryption"]
    );
}
