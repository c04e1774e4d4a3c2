//! HTTP inside the decrypted samples: every request and response of every sample, read
//! from the decrypted streams, and the same list as tshark's (`-Y http`) when tshark is
//! installed.

mod common;

use std::process::Command;

use common::{json, root, samples};
use serde_json::Value;

/// The sample's truth and the key options that decrypt it (its RSA key, else its key
/// log), if it has a truth file and is a TCP sample.
fn keys(sample: &str) -> Option<(Value, Vec<String>)> {
    if sample.starts_with("samples/udp/") {
        return None;
    }
    let path = root().join(
        sample
            .replace(".pcapng", ".truth.json")
            .replace(".pcap", ".truth.json"),
    );
    let t: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let args = if let Some(k) = t["rsa_key"].as_str() {
        vec!["-k".to_string(), format!("samples/{k}")]
    } else {
        vec![
            "--keylog".to_string(),
            format!("samples/{}", t["keylog"].as_str()?),
        ]
    };
    Some((t, args))
}

/// The truth marks a connection cut short (snaplen, a truncated file, a lost segment),
/// or its server is an echo server (GnuTLS's, for the 3DES and RC4 samples): it sends
/// the client's request back, which is no HTTP response (tshark lists it as a second
/// request; tlsscope names it as a problem).
fn damaged(t: &Value) -> bool {
    t["connections"].as_array().unwrap().iter().any(|c| {
        c.get("client_complete") == Some(&Value::Bool(false))
            || c.get("server_complete") == Some(&Value::Bool(false))
            || c["notes"]
                .as_str()
                .is_some_and(|n| n.contains("echo server"))
    })
}

/// tls13-early-data-rejected: tshark lists the 0-RTT request the server rejected (and
/// never read) beside the one sent again; the client's last request there is never
/// answered. Its transactions are checked by name instead.
const EARLY_REJECTED: &str = "samples/tls13-early-data-rejected.pcap";

fn report(sample: &str, args: &[String]) -> Value {
    let mut all: Vec<&str> = vec!["inspect", "--json"];
    all.extend(args.iter().map(String::as_str));
    all.push(sample);
    json(&all)
}

/// Every connection that decrypted carries HTTP/1.1 (the samples' clients all speak
/// it): each request paired with its response, the bodies whole where the capture is,
/// and the bytes of the bodies within what each side sent.
#[test]
fn every_decrypted_sample_connection_has_its_transactions() {
    let mut checked = 0;
    for sample in samples() {
        let Some((t, args)) = keys(&sample) else {
            continue;
        };
        if damaged(&t) || sample == EARLY_REJECTED {
            continue; // their HTTP is cut short too: tests/decrypt.rs covers them
        }
        let doc = report(&sample, &args);
        for c in doc["connections"].as_array().unwrap() {
            if c["decryption"]["status"] != "decrypted" {
                continue;
            }
            let app = &c["app"];
            assert_eq!(app["protocol"], "http/1.1", "{sample} {}: {app}", c["id"]);
            assert_eq!(
                app["problems"],
                serde_json::json!([]),
                "{sample} {}",
                c["id"]
            );
            let ts = app["transactions"].as_array().unwrap();
            assert!(!ts.is_empty(), "{sample} {}", c["id"]);
            let mut sent = [0, 0];
            // Every request is the client's; some sample clients send one more request
            // than the server answers (the last).
            assert!(ts[0]["response"].is_object(), "{sample} {}", c["id"]);
            for t in ts {
                assert!(t["request"].is_object(), "{sample} {}: {t}", c["id"]);
                for (i, side) in ["request", "response"].iter().enumerate() {
                    let m = &t[side];
                    if m.is_null() {
                        continue;
                    }
                    assert_eq!(m["body"]["complete"], true, "{sample} {}: {m}", c["id"]);
                    sent[i] += m["body"]["wire_bytes"].as_u64().unwrap();
                }
            }
            let data = &c["app_data"];
            assert!(
                sent[0] < data["client"]["bytes"].as_u64().unwrap(),
                "{sample}"
            );
            assert!(
                sent[1] < data["server"]["bytes"].as_u64().unwrap(),
                "{sample}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 60, "only {checked} connections checked");
}

/// What tshark lists inside the same decrypted samples (HTTP in TLS only: a sample's
/// plain HTTP connections are not TLS connections): each request's method and URI,
/// each response's status, sorted (tshark lists them in frame order, tlsscope by
/// connection).
#[test]
fn transactions_agree_with_tshark() {
    if Command::new("tshark").arg("--version").output().is_err() {
        eprintln!("note: tshark not found: skipping");
        return;
    }
    let mut compared = 0;
    for sample in samples() {
        let Some((t, args)) = keys(&sample) else {
            continue;
        };
        if damaged(&t) || sample == EARLY_REJECTED {
            continue;
        }
        // tshark 4.0 cannot decrypt ARIA (see the README), and reads no key for a
        // PSK suite from a file.
        let cipher = t["connections"][0]["cipher"].as_str().unwrap_or("");
        if cipher.contains("ARIA") || cipher.contains("PSK") {
            continue;
        }
        let doc = report(&sample, &args);
        let mut ours: Vec<String> = Vec::new();
        for c in doc["connections"].as_array().unwrap() {
            for tr in c["app"]["transactions"].as_array().into_iter().flatten() {
                let (q, r) = (&tr["request"], &tr["response"]);
                if !q.is_null() {
                    ours.push(format!(
                        "{} {}",
                        q["method"].as_str().unwrap(),
                        q["target"].as_str().unwrap()
                    ));
                }
                if !r.is_null() {
                    ours.push(r["status"].to_string());
                }
            }
        }
        let key = match args[0].as_str() {
            "-k" => format!("uat:rsa_keys:\"{}\",\"\"", args[1]),
            _ => format!("tls.keylog_file:{}", args[1]),
        };
        let out = Command::new("tshark")
            .args([
                "-n",
                "-r",
                &sample,
                "-o",
                &key,
                "-o",
                "tcp.reassemble_out_of_order:TRUE",
            ])
            // Every occurrence: pipelined requests share a frame.
            .args(["-Y", "http && tls", "-T", "fields", "-E", "occurrence=a"])
            .args(["-E", "aggregator=\u{1f}"])
            .args([
                "-e",
                "http.request.method",
                "-e",
                "http.request.uri",
                "-e",
                "http.response.code",
            ])
            .current_dir(root())
            .output()
            .unwrap();
        let mut theirs: Vec<String> = Vec::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let f: Vec<Vec<&str>> = line
                .split('\t')
                .map(|f| f.split('\u{1f}').filter(|v| !v.is_empty()).collect())
                .collect();
            if f.len() >= 2 {
                for (method, uri) in f[0].iter().zip(&f[1]) {
                    theirs.push(format!("{method} {uri}"));
                }
            }
            if f.len() >= 3 {
                theirs.extend(f[2].iter().map(|s| s.to_string()));
            }
        }
        ours.sort();
        theirs.sort();
        if sample == CLOSE_DELIMITED {
            // tshark 4.0 does not list a response whose body ends with the connection
            // inside TLS (close_notify, then FIN); tlsscope lists it, as the truth does.
            let at = ours.iter().position(|s| s == "200").unwrap();
            ours.remove(at);
        }
        assert_eq!(ours, theirs, "{sample}");
        compared += 1;
    }
    assert!(compared >= 40, "only {compared} samples compared");
}

/// The sample whose last response is delimited by the connection's close.
const CLOSE_DELIMITED: &str = "samples/http/http1-codings.pcap";

/// The samples made for HTTP (samples/http/): every transaction as its truth says —
/// method, target, status, and the body after chunked decoding (bytes, SHA-256) each
/// way.
#[test]
fn http_samples_match_their_truth_per_transaction() {
    let mut checked = 0;
    for sample in samples().iter().filter(|s| s.starts_with("samples/http/")) {
        let (t, args) = keys(sample).unwrap();
        let doc = report(sample, &args);
        let c = &doc["connections"][0];
        assert_eq!(c["app"]["problems"], serde_json::json!([]), "{sample}");
        let ours = c["app"]["transactions"].as_array().unwrap();
        let want = t["connections"][0]["transactions"].as_array().unwrap();
        assert_eq!(ours.len(), want.len(), "{sample}");
        for (o, w) in ours.iter().zip(want) {
            let (q, r) = (&o["request"], &o["response"]);
            assert_eq!(q["method"], w["method"], "{sample}");
            assert_eq!(q["target"], w["target"], "{sample}");
            assert_eq!(r["status"], w["status"], "{sample}");
            assert_eq!(
                r["body"]["bytes"], w["body_bytes"],
                "{sample} {}",
                w["target"]
            );
            assert_eq!(r["body"]["sha256"], w["body_sha256"], "{sample}");
            assert_eq!(r["body"]["complete"], true, "{sample}");
            if let Some(h) = w.get("request_body_sha256") {
                assert_eq!(&q["body"]["sha256"], h, "{sample}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 17, "only {checked} transactions checked");
}

/// The rejected 0-RTT request is not a transaction: the server never read it. The
/// client sent it again after the handshake (answered), then one more (not answered).
#[test]
fn rejected_early_data_is_no_request() {
    let doc = json(&[
        "inspect",
        "--json",
        "--keylog",
        "samples/tls13-early-data-rejected.keylog",
        EARLY_REJECTED,
    ]);
    let c = &doc["connections"][1];
    assert_eq!(c["decryption"]["early_data"]["accepted"], false);
    let ts = c["app"]["transactions"].as_array().unwrap();
    let listed: Vec<(String, Value)> = ts
        .iter()
        .map(|t| {
            (
                t["request"]["target"].as_str().unwrap().to_string(),
                t["response"]["status"].clone(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (
                "/tlsscope/tls13-early-data-rejected/1".to_string(),
                Value::from(200)
            ),
            (
                "/tlsscope/tls13-early-data-rejected/2".to_string(),
                Value::Null
            ),
        ]
    );
}

/// `requests`: one row per transaction, the connection beside it, and the count.
#[test]
fn requests_table_lists_each_transaction() {
    let out = common::tlsscope(&[
        "requests",
        "-k",
        "samples/keys/server-rsa2048.key",
        "samples/tls12-rsa-parallel4.pcap",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for i in 0..4 {
        assert!(text.contains(&format!("-parallel4/{i}")), "{text}");
    }
    assert!(text.contains("4 HTTP requests and responses"), "{text}");
}
