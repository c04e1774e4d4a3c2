//! Decryption with the server's RSA key: byte-exact plaintext against each sample's
//! ground truth, recovered master secrets against what OpenSSL and tshark logged.

mod common;

use std::collections::BTreeSet;

use common::{corpus, json, root, samples, tlsscope};
use serde_json::Value;

fn truth(sample: &str) -> Option<Value> {
    let path = root().join(
        sample
            .replace(".pcapng", ".truth.json")
            .replace(".pcap", ".truth.json"),
    );
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

fn client_random_lines(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| l.starts_with("CLIENT_RANDOM "))
        .map(|l| l.trim().to_lowercase())
        .collect()
}

/// Every sample made with an RSA key decrypts to exactly the bytes each side sent.
#[test]
fn rsa_samples_decrypt_byte_exact() {
    let mut checked = 0;
    for sample in samples() {
        let Some(t) = truth(&sample) else { continue };
        let Some(key) = t["rsa_key"].as_str() else {
            continue;
        };
        let key = format!("samples/{key}");
        let doc = json(&["inspect", "--json", "-k", &key, &sample]);
        let conns = doc["connections"].as_array().unwrap();
        let mut seen = std::collections::HashMap::new();
        for tc in t["connections"].as_array().unwrap() {
            if tc["tls"] == false || tc.get("decryptable").and_then(Value::as_bool) == Some(false) {
                continue;
            }
            // A 4-tuple can be reused: the n-th truth entry with these ports is the n-th connection.
            let ports = (tc["client_port"].clone(), tc["server_port"].clone());
            let nth = *seen
                .entry(format!("{ports:?}"))
                .and_modify(|n| *n += 1)
                .or_insert(0);
            let c = conns
                .iter()
                .filter(|c| c["client"]["port"] == ports.0 && c["server"]["port"] == ports.1)
                .nth(nth)
                .unwrap_or_else(|| panic!("{sample}: no connection for {}", tc["client_port"]));
            let complete = |k: &str| tc.get(k).and_then(Value::as_bool) != Some(false);
            if !complete("client_complete") || !complete("server_complete") {
                continue;
            }
            let app = &c["app_data"];
            assert_eq!(
                app["client"]["sha256"], tc["client_sha256"],
                "{sample} client: {}",
                c["decryption"]
            );
            assert_eq!(
                app["server"]["sha256"], tc["server_sha256"],
                "{sample} server: {}",
                c["decryption"]
            );
            assert_eq!(
                c["decryption"]["client_finished_verified"], true,
                "{sample}"
            );
            assert_eq!(
                c["decryption"]["server_finished_verified"], true,
                "{sample}"
            );
            checked += 1;
        }
        // `keylog` prints exactly the CLIENT_RANDOM lines OpenSSL wrote.
        let all_visible = t["connections"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("handshake_visible").and_then(Value::as_bool) != Some(false));
        if let (Some(kl), true) = (t["keylog"].as_str(), all_visible) {
            let want = std::fs::read_to_string(root().join("samples").join(kl)).unwrap();
            let out = tlsscope(&["keylog", "-k", &key, &sample]);
            assert!(out.status.success());
            assert_eq!(
                client_random_lines(&String::from_utf8_lossy(&out.stdout)),
                client_random_lines(&want),
                "{sample}: keylog"
            );
        }
    }
    assert!(checked > 0, "no RSA sample with ground truth");
}

fn corpus_keylog(capture: &str, keys: &[&str], password: Option<&str>) -> Option<(String, String)> {
    let dir = corpus()?;
    let mut args = vec!["keylog".to_string()];
    for k in keys {
        args.push("-k".into());
        args.push(dir.join("keys").join(k).display().to_string());
    }
    if let Some(p) = password {
        args.push("--key-password".into());
        args.push(p.into());
    }
    args.push(dir.join("captures").join(capture).display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tlsscope(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stem = capture.split('.').next().unwrap();
    let want =
        std::fs::read_to_string(dir.join("expected").join(format!("{stem}.sessionkeys"))).unwrap();
    Some((String::from_utf8_lossy(&out.stdout).into_owned(), want))
}

#[test]
#[cfg_attr(not(corpus), ignore = "needs the public corpus: set TLSSCOPE_CORPUS")]
fn corpus_master_secrets_match_tshark() {
    let cases: &[(&str, &[&str], Option<&str>)] = &[
        ("rsasnakeoil2.pcap", &["rsasnakeoil2.key"], None),
        ("rsa-p-lt-q.pcap", &["rsa-p-lt-q.key"], None),
        ("rsa-p-lt-q.pcap", &["rsa-p-lt-q.p8"], None),
        ("dmgr.pcapng", &["key.p12"], Some("WebAS")),
        ("tls-renegotiation.pcap", &["rsasnakeoil2.key"], None),
    ];
    for (capture, keys, password) in cases {
        let Some((got, want)) = corpus_keylog(capture, keys, *password) else {
            return;
        };
        assert_eq!(
            client_random_lines(&got),
            client_random_lines(&want),
            "{capture}"
        );
    }
}

fn corpus_plaintext(capture: &str, key: &str, password: Option<&str>) -> Option<Vec<u8>> {
    let dir = corpus()?;
    let cap = dir.join("captures").join(capture).display().to_string();
    let key = dir.join("keys").join(key).display().to_string();
    let summary = json(&[
        "summary",
        "--json",
        "-k",
        &key,
        "--key-password",
        password.unwrap_or(""),
        &cap,
    ]);
    let mut all = Vec::new();
    for c in summary["connections"].as_array().unwrap() {
        let id = c["id"].to_string();
        let mut args = vec!["follow", "--conn", &id, "--format", "raw", "-k", &key, &cap];
        if let Some(p) = password {
            args.extend(["--key-password", p]);
        }
        let out = tlsscope(&args);
        assert!(
            out.status.success(),
            "{capture} {id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        all.extend_from_slice(&out.stdout);
    }
    Some(all)
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
#[cfg_attr(not(corpus), ignore = "needs the public corpus: set TLSSCOPE_CORPUS")]
fn corpus_plaintext_is_readable() {
    let Some(p) = corpus_plaintext("rsasnakeoil2.pcap", "rsasnakeoil2.key", None) else {
        return;
    };
    assert!(contains(&p, "/favicon.ico"));
    let p = corpus_plaintext("dmgr.pcapng", "key.p12", Some("WebAS")).unwrap();
    assert!(contains(&p, "unsecureLogon.jsp"));
    let p = corpus_plaintext("rsa-p-lt-q.pcap", "rsa-p-lt-q.key", None).unwrap();
    assert!(contains(&p, "GET / HTTP/1."));
    let p = corpus_plaintext("tls-renegotiation.pcap", "rsasnakeoil2.key", None).unwrap();
    assert!(contains(&p, "Content-Length: 0"));
    assert!(contains(&p, "Content-Length: 2151"));
}

/// A key that matches no certificate is reported, and the connection says no_key.
#[test]
#[cfg_attr(not(corpus), ignore = "needs the public corpus: set TLSSCOPE_CORPUS")]
fn unmatched_key_is_reported() {
    let Some(dir) = corpus() else { return };
    let cap = dir.join("captures/rsa-p-lt-q.pcap").display().to_string();
    let key = dir.join("keys/rsasnakeoil2.key").display().to_string();
    let doc = json(&["summary", "--json", "-k", &key, &cap]);
    assert_eq!(doc["capture"]["keys"][0]["used"], false);
    assert_eq!(doc["connections"][0]["decryption"]["status"], "no_key");
}

/// The same server key in every supported container opens the baseline sample, and so
/// does the whole key folder.
#[test]
fn every_key_format_opens_the_baseline_sample() {
    let sample = "samples/tls12-rsa-aes128gcm.pcap";
    for key in [
        "server-rsa2048.key",
        "server-rsa2048.pkcs1.pem",
        "server-rsa2048.p8.der",
        "server-rsa2048.enc.pem",
        "server-rsa2048.p12",
        "",
    ] {
        let path = format!("samples/keys/{key}");
        let doc = json(&[
            "summary",
            "--json",
            "--key-password",
            "tlsscope",
            "-k",
            &path,
            sample,
        ]);
        let d = &doc["connections"][0]["decryption"];
        assert_eq!(d["status"], "decrypted", "{path}: {d}");
        assert_eq!(d["client_finished_verified"], true, "{path}");
    }
}

/// An encrypted key without its password is one line on stderr; the run goes on.
#[test]
fn encrypted_key_without_password_is_reported() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tlsscope"))
        .args([
            "summary",
            "-k",
            "samples/keys/server-rsa2048.enc.pem",
            "samples/tls12-rsa-aes128gcm.pcap",
        ])
        .current_dir(root())
        .env_remove("TLSSCOPE_KEY_PASSWORD")
        .output()
        .unwrap();
    // Analysed, but a key named on the command line could not be used: exit 3.
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("server-rsa2048.enc.pem"), "{err}");
}

/// `keylog -o` writes a file only its owner can read.
#[cfg(unix)]
#[test]
fn keylog_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("keys.log");
    let status = tlsscope(&[
        "keylog",
        "-k",
        "samples/keys/server-rsa2048.key",
        "-o",
        out.to_str().unwrap(),
        "samples/tls12-rsa-aes128gcm.pcap",
    ]);
    assert!(status.status.success());
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("CLIENT_RANDOM "));
}
