//! HTTP inside the decrypted samples: every request and response of every sample, read
//! from the decrypted streams, and the same list as tshark's (`-Y http`, `-Y http2.header`)
//! when tshark is installed. The HTTP/2 samples (`samples/h2-*`) have their own truth: what
//! the client asked and got on each stream.

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

/// An HTTP/2 sample: its truth lists the streams.
fn is_h2(t: &Value) -> bool {
    t["http2"].is_object()
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
        if damaged(&t) || sample == EARLY_REJECTED || is_h2(&t) {
            continue; // their HTTP is cut short too: tests/decrypt.rs covers them
        }
        if t["http"] == false {
            continue; // not HTTP inside (the certificate validation sample)
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
    if common::tshark_missing() {
        return;
    }
    let mut compared = 0;
    for sample in samples() {
        let Some((t, args)) = keys(&sample) else {
            continue;
        };
        if damaged(&t) || sample == EARLY_REJECTED || is_h2(&t) {
            continue; // HTTP/2: h2_requests_agree_with_tshark
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

/// The HTTP/2 samples' reports, each with its truth.
fn h2_samples() -> Vec<(String, Value, Value)> {
    samples()
        .into_iter()
        .filter_map(|sample| {
            let (t, args) = keys(&sample)?;
            is_h2(&t).then(|| {
                let doc = report(&sample, &args);
                (sample, t, doc)
            })
        })
        .collect()
}

/// Every stream of every HTTP/2 sample against what the client asked and got: method,
/// path, status, both bodies' bytes and SHA-256, pushes and resets; no problems.
#[test]
fn h2_transactions_match_their_truth() {
    let all = h2_samples();
    assert!(all.len() >= 3, "only {} HTTP/2 samples", all.len());
    let mut checked = 0;
    for (sample, t, doc) in &all {
        let c = &doc["connections"][0];
        assert_eq!(doc["connections"].as_array().unwrap().len(), 1, "{sample}");
        let app = &c["app"];
        assert_eq!(app["protocol"], "h2", "{sample}");
        assert_eq!(app["problems"], serde_json::json!([]), "{sample}");
        let ours = app["transactions"].as_array().unwrap();
        let truth = t["http2"]["transactions"].as_array().unwrap();
        assert_eq!(ours.len(), truth.len(), "{sample}");
        for want in truth {
            // By stream where the client said it (the Python client), else by path.
            let got = ours
                .iter()
                .find(|o| match want["stream_id"].as_u64() {
                    Some(id) => o["stream_id"] == id,
                    None => o["request"]["target"] == want["path"],
                })
                .unwrap_or_else(|| panic!("{sample}: no transaction for {want}"));
            let (q, r) = (&got["request"], &got["response"]);
            let what = format!("{sample} {}", want["path"]);
            assert_eq!(q["method"], want["method"], "{what}");
            assert_eq!(q["target"], want["path"], "{what}");
            assert_eq!(q["version"], "HTTP/2", "{what}");
            assert_eq!(
                q["authority"]
                    .as_str()
                    .map(|a| a.starts_with("tlsscope.test")),
                Some(true),
                "{what}"
            );
            assert_eq!(q["body"]["bytes"], want["request_body_bytes"], "{what}");
            assert_eq!(q["body"]["sha256"], want["request_body_sha256"], "{what}");
            assert_eq!(q["body"]["complete"], true, "{what}");
            assert_eq!(r["status"], want["status"], "{what}");
            assert_eq!(
                got["pushed"].as_bool().unwrap_or(false),
                want["pushed"],
                "{what}"
            );
            if want["reset"].is_null() {
                // nginx closes a POST it answered early with RST_STREAM NO_ERROR, which the
                // client ignores on a stream already closed: said, but no error.
                assert!(
                    got["reset"].is_null() || got["reset"]["error"] == "NO_ERROR",
                    "{what}: {got}"
                );
                assert_eq!(r["body"]["bytes"], want["response_body_bytes"], "{what}");
                assert_eq!(r["body"]["sha256"], want["response_body_sha256"], "{what}");
                assert_eq!(r["body"]["complete"], true, "{what}");
            } else {
                assert_eq!(got["reset"]["by"], want["reset"]["by"], "{what}");
                assert_eq!(got["reset"]["code"], want["reset"]["code"], "{what}");
                assert_eq!(r["body"]["complete"], false, "{what}");
                // The capture may carry a few DATA frames more than the client had read.
                assert!(
                    r["body"]["bytes"].as_u64() >= want["response_body_bytes"].as_u64(),
                    "{what}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} streams checked");
}

/// The scenario samples show what they are for: concurrent streams, a CONTINUATION, a
/// push, a client's reset, both GOAWAYs and the flow-control frames counted.
#[test]
fn h2_scenarios_are_in_the_frames() {
    for (sample, t, doc) in h2_samples() {
        let h2 = &doc["connections"][0]["app"]["http2"];
        let count = |side: &str, kind: &str| {
            h2["frames"][side]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f[0] == kind)
                .map_or(0, |f| f[1].as_u64().unwrap())
        };
        assert!(count("server", "DATA") > 50, "{sample}: {h2}");
        assert!(count("client", "SETTINGS") >= 1, "{sample}");
        assert!(count("client", "WINDOW_UPDATE") >= 1, "{sample}");
        if t["http2"]["client"] == "python" {
            assert_eq!(count("client", "CONTINUATION"), 1, "{sample}");
            assert_eq!(count("server", "PUSH_PROMISE"), 1, "{sample}");
            assert!(count("client", "RST_STREAM") >= 1, "{sample}");
            assert_eq!(h2["goaway"]["client"]["error"], "NO_ERROR", "{sample}");
            let big = doc["connections"][0]["app"]["transactions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["request"]["target"] == "/f/i7")
                .unwrap()["request"]
                .clone();
            let header = big["headers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|h| h[0] == "x-big")
                .unwrap()
                .clone();
            assert_eq!(header[1].as_str().unwrap().len(), 20_000, "{sample}");
        }
    }
}

/// What tshark lists in the same HTTP/2 samples (`-Y http2.header`): every request's
/// method and path and every status, as multisets (tshark puts several frames in one
/// row), and the streams they are on.
#[test]
fn h2_requests_agree_with_tshark() {
    if common::tshark_missing() {
        return;
    }
    let mut compared = 0;
    for (sample, t, doc) in h2_samples() {
        let mut ours: Vec<String> = Vec::new();
        let mut our_streams = std::collections::BTreeSet::new();
        for tr in doc["connections"][0]["app"]["transactions"]
            .as_array()
            .unwrap()
        {
            our_streams.insert(tr["stream_id"].as_u64().unwrap());
            let (q, r) = (&tr["request"], &tr["response"]);
            ours.push(format!(
                "{} {}",
                q["method"].as_str().unwrap(),
                q["target"].as_str().unwrap()
            ));
            ours.push(r["status"].to_string());
        }
        let keylog = format!("tls.keylog_file:samples/{}", t["keylog"].as_str().unwrap());
        let out = Command::new("tshark")
            .args([
                "-n",
                "-r",
                &sample,
                "-o",
                &keylog,
                "-Y",
                "http2.header",
                "-T",
                "fields",
            ])
            .args(["-e", "http2.streamid", "-e", "http2.headers.method"])
            .args(["-e", "http2.headers.path", "-e", "http2.headers.status"])
            .current_dir(root())
            .output()
            .unwrap();
        let list = |f: Option<&&str>| -> Vec<String> {
            f.filter(|s| !s.is_empty())
                .map(|s| s.split(',').map(str::to_string).collect())
                .unwrap_or_default()
        };
        let (mut theirs, mut methods, mut paths) = (Vec::new(), Vec::new(), Vec::new());
        let mut their_streams = std::collections::BTreeSet::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let f: Vec<&str> = line.split('\t').collect();
            for id in list(f.first()) {
                let id: u64 = id.parse().unwrap();
                if id != 0 {
                    their_streams.insert(id);
                }
            }
            methods.extend(list(f.get(1)));
            paths.extend(list(f.get(2)));
            theirs.extend(list(f.get(3)));
        }
        assert_eq!(methods.len(), paths.len(), "{sample}");
        theirs.extend(methods.iter().zip(&paths).map(|(m, p)| format!("{m} {p}")));
        ours.sort();
        theirs.sort();
        assert_eq!(ours, theirs, "{sample}");
        assert_eq!(our_streams, their_streams, "{sample}");
        compared += 1;
    }
    assert!(compared >= 3, "only {compared} samples compared");
}

const H3: &str = "samples/udp/quic-v1-h3.pcap";
const H3_KEYLOG: &str = "samples/udp/quic-v1-h3.keylog";

/// HTTP/3 over the aioquic sample: every request stream's transaction as the truth
/// says (method, path, status, each body's bytes and SHA-256, complete at FIN), with
/// QPACK's dynamic table in use, and no problem.
#[test]
fn h3_sample_matches_its_truth() {
    let t: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("samples/udp/quic-v1-h3.truth.json")).unwrap(),
    )
    .unwrap();
    let doc = json(&["inspect", "--json", "--keylog", H3_KEYLOG, H3]);
    let app = &doc["connections"][0]["app"];
    assert_eq!(app["protocol"], "h3");
    assert_eq!(app["problems"], serde_json::json!([]), "{app}");
    let ours = app["transactions"].as_array().unwrap();
    let want = t["connections"][0]["transactions"].as_array().unwrap();
    assert_eq!(ours.len(), want.len());
    for (o, w) in ours.iter().zip(want) {
        let (q, r) = (&o["request"], &o["response"]);
        assert_eq!(o["stream_id"], w["stream_id"]);
        assert_eq!(q["method"], w["method"]);
        assert_eq!(q["target"], w["target"]);
        assert_eq!(q["authority"], "tlsscope.test");
        assert_eq!(r["status"], w["status"]);
        assert_eq!(r["body"]["bytes"], w["body_bytes"], "{}", w["target"]);
        assert_eq!(r["body"]["sha256"], w["body_sha256"]);
        assert_eq!(q["body"]["bytes"], w["request_body_bytes"]);
        assert_eq!(q["body"]["sha256"], w["request_body_sha256"]);
        assert_eq!(r["body"]["complete"], true);
        assert_eq!(q["body"]["complete"], true);
        // The repeated header went through the dynamic table on later requests.
        let custom = q["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0] == "x-tlsscope-sample")
            .unwrap();
        assert_eq!(custom[1], "a value repeated on every request");
    }
    let settings = &app["http3"]["settings"]["server"];
    assert_eq!(
        settings[0],
        serde_json::json!(["SETTINGS_QPACK_MAX_TABLE_CAPACITY", 4096])
    );
}

/// tshark 4.0.17 decodes HTTP/3 frame types but not QPACK (no header fields): the
/// HEADERS, SETTINGS and MAX_PUSH_ID frames it counts are ours. (It misses most DATA
/// frames, those after the first of a stream's packets.)
#[test]
fn h3_frames_agree_with_tshark() {
    if common::tshark_missing() {
        return;
    }
    let out = Command::new("tshark")
        .args([
            "-n",
            "-r",
            H3,
            "-o",
            &format!("tls.keylog_file:{H3_KEYLOG}"),
        ])
        .args(["-Y", "http3", "-T", "fields", "-e", "http3.frame_type"])
        .current_dir(root())
        .output()
        .unwrap();
    let mut theirs = std::collections::BTreeMap::<u64, u64>::new();
    for v in String::from_utf8_lossy(&out.stdout).split(['\n', ',']) {
        if let Ok(t) = v.trim().parse() {
            *theirs.entry(t).or_default() += 1;
        }
    }
    let doc = json(&["inspect", "--json", "--keylog", H3_KEYLOG, H3]);
    let frames = &doc["connections"][0]["app"]["http3"]["frames"];
    let ours = |name: &str| -> u64 {
        ["client", "server"]
            .iter()
            .flat_map(|s| frames[s].as_array().unwrap())
            .filter(|f| f[0] == name)
            .map(|f| f[1].as_u64().unwrap())
            .sum()
    };
    assert_eq!(theirs.get(&1).copied(), Some(ours("HEADERS")), "{theirs:?}");
    assert_eq!(theirs.get(&4).copied(), Some(ours("SETTINGS")));
    assert_eq!(theirs.get(&0xd).copied(), Some(ours("MAX_PUSH_ID")));
    assert!(theirs.get(&0).copied().unwrap_or(0) <= ours("DATA"));
}

/// `inspect` shows the HTTP requests and responses in the message flow, after the
/// records that carried them.
#[test]
fn inspect_shows_transactions_in_the_message_flow() {
    let out = common::tlsscope(&[
        "inspect",
        "--keylog",
        "samples/http/http1-keepalive.keylog",
        "samples/http/http1-keepalive.pcap",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("HTTP ")).collect();
    assert_eq!(lines.len(), 12, "{text}");
    assert!(lines[0].contains("HTTP request") && lines[0].contains("GET /index.html"));
    assert!(lines[1].contains("HTTP response") && lines[1].contains("200, body 2051 bytes"));
    assert!(
        lines[10].contains("POST /upload, body 3000 bytes"),
        "{}",
        lines[10]
    );
    assert!(lines[11].contains("201"));
    // HTTP/3: the stream beside each.
    let out = common::tlsscope(&["inspect", "--keylog", H3_KEYLOG, H3]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("GET tlsscope.test/big (stream 4)"), "{text}");
}

/// `--no-http`: decryption as before, no `app`.
#[test]
fn no_http_leaves_the_app_out() {
    let doc = json(&[
        "summary",
        "--json",
        "--no-http",
        "--keylog",
        "samples/http/http1-keepalive.keylog",
        "samples/http/http1-keepalive.pcap",
    ]);
    let c = &doc["connections"][0];
    assert_eq!(c["decryption"]["status"], "decrypted");
    assert!(c["app"].is_null(), "{}", c["app"]);
}

/// TLS 1.3 keeps the server's ALPN choice in its EncryptedExtensions (RFC 8446
/// §4.3.1): once they are decrypted it is `alpn_negotiated`, and `alpn` is that choice
/// rather than the client's offer; without keys only the offer is known.
#[test]
fn tls13_alpn_comes_from_the_encrypted_extensions() {
    let sample = "samples/h2-tls13-scenarios.pcap";
    let with_keys = json(&[
        "summary",
        "--json",
        "--keylog",
        "samples/h2-tls13-scenarios.keylog",
        sample,
    ]);
    let without = json(&["summary", "--json", sample]);
    let (a, b) = (&with_keys["connections"][0], &without["connections"][0]);
    assert_eq!(a["version"], "TLS 1.3");
    assert_eq!(a["alpn_negotiated"], "h2", "{}", a["alpn"]);
    assert_eq!(a["alpn"], serde_json::json!(["h2"]));
    assert!(b["alpn_negotiated"].is_null(), "{}", b["alpn_negotiated"]);
    assert_eq!(
        b["alpn"],
        serde_json::json!(["h2"]),
        "curl offered h2 alone"
    );
}
