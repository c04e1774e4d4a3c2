//! Every sample capture against its committed expected output and its ground truth.
//!
//! Regenerate the expected outputs on purpose with `TLSSCOPE_BLESS=1 cargo test --test samples`.

mod common;

use common::{json, root, samples};
use serde_json::Value;

fn expected_path(sample: &str) -> std::path::PathBuf {
    let name = std::path::Path::new(sample)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    root().join("samples/expected").join(format!("{name}.json"))
}

/// `inspect --json` with the sample's own key material: its RSA key when it has one,
/// else the key log OpenSSL wrote.
fn decrypting_args(sample: &str) -> Vec<String> {
    let mut args = vec!["inspect".to_string(), "--json".to_string()];
    args.extend(common::key_args(sample));
    args.push(sample.to_string());
    args
}

#[test]
fn every_sample_matches_its_expected_json() {
    let bless = std::env::var_os("TLSSCOPE_BLESS").is_some();
    let mut failures = Vec::new();
    for sample in samples() {
        let got = json(
            &decrypting_args(&sample)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        let path = expected_path(&sample);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            failures.push(format!(
                "{sample}: no {} (TLSSCOPE_BLESS=1 makes it)",
                path.display()
            ));
            continue;
        };
        let want: Value = serde_json::from_str(&text).unwrap();
        if want != got {
            failures.push(format!("{sample}: output differs from {}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The version and cipher suite of each connection agree with what the TLS library
/// reported when the sample was made.
#[test]
fn samples_agree_with_their_ground_truth() {
    let mut checked = 0;
    for sample in samples() {
        let truth_path = root().join(
            sample
                .replace(".pcapng", ".truth.json")
                .replace(".pcap", ".truth.json"),
        );
        let Ok(text) = std::fs::read_to_string(&truth_path) else {
            continue;
        };
        let truth: Value = serde_json::from_str(&text).unwrap();
        let got = json(&["summary", "--json", &sample]);
        let conns = got["connections"].as_array().unwrap();
        let mut seen = std::collections::HashMap::new();
        for t in truth["connections"].as_array().unwrap() {
            if t.get("tls").and_then(Value::as_bool) == Some(false) {
                continue;
            }
            let visible = t.get("handshake_visible").and_then(Value::as_bool) != Some(false);
            let cport = t["client_port"].as_u64().unwrap();
            let sport = t["server_port"].as_u64().unwrap();
            // A 4-tuple can be reused: the n-th truth entry with these ports is the n-th connection.
            let nth = *seen
                .entry((cport, sport))
                .and_modify(|n| *n += 1)
                .or_insert(0);
            let c = conns
                .iter()
                .filter(|c| c["client"]["port"] == cport && c["server"]["port"] == sport)
                .nth(nth)
                .unwrap_or_else(|| panic!("{sample}: no connection {cport} -> {sport}"));
            if !visible {
                continue;
            }
            if let Some(id) = t.get("cipher_id").and_then(Value::as_u64) {
                assert_eq!(
                    c["cipher_suite"]["id"].as_u64(),
                    Some(id),
                    "{sample} {cport}: suite"
                );
            }
            if let Some(v) = t.get("version").and_then(Value::as_str) {
                assert_eq!(c["version"].as_str(), Some(v), "{sample} {cport}: version");
            }
            checked += 1;
        }
    }
    assert!(checked > 0, "no ground truth found in samples/");
}
