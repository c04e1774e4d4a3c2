//! `export DIR`: every HTTP body of the samples/http captures written to its file and
//! decoded from its Content-Encoding as the truth says, the decompression-bomb limit,
//! and files that are never written over or through a link.

mod common;

use std::path::Path;

use common::{root, tlsscope};
use serde_json::Value;
use sha2::{Digest, Sha256};

const SAMPLES: [&str; 5] = [
    "http1-keepalive",
    "http1-pipelined",
    "http1-rsa",
    "http1-codings",
    "http1-websocket",
];

fn truth(name: &str) -> Value {
    let path = root().join(format!("samples/http/{name}.truth.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `export` of one sample into `dir` with `extra` options: exit code, stderr, index.
fn export(name: &str, dir: &Path, extra: &[&str]) -> (Option<i32>, String, Option<Value>) {
    let t = truth(name);
    let key = match t["rsa_key"].as_str() {
        Some(k) => ["-k".to_string(), format!("samples/{k}")],
        None => [
            "--keylog".to_string(),
            format!("samples/{}", t["keylog"].as_str().unwrap()),
        ],
    };
    let capture = format!("samples/{}", t["capture"].as_str().unwrap());
    let dir_arg = dir.to_str().unwrap();
    let mut args = vec!["export", dir_arg, &key[0], &key[1]];
    args.extend_from_slice(extra);
    args.push(&capture);
    let out = tlsscope(&args);
    let index = std::fs::read(dir.join("index.json"))
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("index.json is JSON"));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), err, index)
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn every_body_is_exported_decoded_as_sent() {
    let mut bodies = 0;
    for name in SAMPLES {
        let t = truth(name);
        let dir = tempfile::tempdir().unwrap();
        let (code, err, index) = export(name, dir.path(), &[]);
        assert_eq!(code, Some(0), "{name}: {err}");
        let index = index.unwrap();
        let objects = index["objects"].as_array().unwrap();
        let mut want = 0;
        for (i, tr) in t["connections"][0]["transactions"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let mut check = |direction: &str, sent: &str, content: &str, bytes: &str| {
                let Some(o) = objects
                    .iter()
                    .find(|o| o["transaction"] == i && o["direction"] == direction)
                else {
                    panic!("{name}: no {direction} body of transaction {i}: {index}");
                };
                assert_eq!(o["sha256"], tr[sent], "{name} {i} {direction}");
                assert_eq!(o["bytes"], tr[bytes], "{name} {i} {direction}");
                assert_eq!(o["complete"], true, "{name} {i}");
                assert_eq!(o["problem"], Value::Null, "{name} {i}");
                let file = dir.path().join(o["file"].as_str().unwrap());
                let written = std::fs::read(&file).unwrap();
                assert_eq!(sha(&written), tr[content], "{name} {i} {direction}");
                assert_eq!(o["written_bytes"], written.len(), "{name} {i}");
                assert_eq!(o["decoded"], !tr["content_encoding"].is_null());
                want += 1;
            };
            if tr["body_bytes"].as_u64().unwrap() > 0 {
                check("response", "body_sha256", "content_sha256", "body_bytes");
            }
            if tr.get("request_body_sha256").is_some() {
                check(
                    "request",
                    "request_body_sha256",
                    "request_body_sha256",
                    "request_body_bytes",
                );
            }
        }
        assert_eq!(objects.len(), want, "{name}: {index}");
        assert_eq!(index["objects_written"], want);
        bodies += want;
    }
    // br, deflate, gzip (chunked, and a bomb), trailers, close-delimited, pipelined,
    // a POST body, one RSA session.
    assert!(bodies >= 15, "{bodies} bodies");
}

#[test]
fn the_decompression_limit_cuts_a_bomb_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err, index) = export("http1-codings", dir.path(), &["--max-decoded", "100000"]);
    assert_eq!(code, Some(0), "{err}");
    let index = index.unwrap();
    let bomb = index["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["target"] == "/zeros")
        .unwrap();
    assert_eq!(bomb["written_bytes"], 100_000);
    let problem = bomb["problem"].as_str().unwrap();
    assert!(problem.contains("--max-decoded"), "{problem}");
    assert!(err.contains("c0-t3-zeros: decoding stopped"), "{err}");
    // The other bodies are whole.
    let len = std::fs::metadata(dir.path().join("c0-t0-br"))
        .unwrap()
        .len();
    assert_eq!(len, 30_000);
}

#[test]
fn existing_files_and_links_are_never_written_over() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(export("http1-rsa", d, &[]).0, Some(0));
    // The index exists: refused before the run.
    let (code, err, _) = export("http1-rsa", d, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("index.json: exists (--force replaces it)"),
        "{err}"
    );
    // The bodies' files exist: each is refused, the run says so, exit 1.
    std::fs::remove_file(d.join("index.json")).unwrap();
    std::fs::write(d.join("c0-t0-c.bin"), b"mine").unwrap();
    let (code, err, index) = export("http1-rsa", d, &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("c0-t0-c.bin: exists"), "{err}");
    assert_eq!(std::fs::read(d.join("c0-t0-c.bin")).unwrap(), b"mine");
    assert_eq!(index.unwrap()["objects_not_written"], 2);
    // --force replaces regular files, never follows a link (even a dangling one).
    let target = d.join("elsewhere");
    std::fs::remove_file(d.join("c0-t1-big.txt")).unwrap();
    std::os::unix::fs::symlink(&target, d.join("c0-t1-big.txt")).unwrap();
    let (code, err, index) = export("http1-rsa", d, &["--force"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert!(!target.exists());
    assert_eq!(
        std::fs::metadata(d.join("c0-t0-c.bin")).unwrap().len(),
        100_000
    );
    assert_eq!(index.unwrap()["objects_written"], 1);
}

#[test]
fn export_refusals_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, b"x").unwrap();
    for (args, says) in [
        (
            vec![
                "export",
                file.to_str().unwrap(),
                "samples/http/http1-rsa.pcap",
            ],
            "not a directory",
        ),
        (
            vec![
                "export",
                "/tmp/tlsscope-export-nokey",
                "samples/http/http1-rsa.pcap",
            ],
            "was decrypted",
        ),
    ] {
        let out = tlsscope(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let _ = std::fs::remove_dir_all("/tmp/tlsscope-export-nokey");
}

/// HTTP/3: every body of the aioquic sample, named by its stream, as the truth says
/// (the streams' bodies interleave on the wire).
#[test]
fn h3_bodies_are_exported_by_stream() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = tlsscope(&[
        "export",
        d.to_str().unwrap(),
        "--keylog",
        "samples/udp/quic-v1-h3.keylog",
        "samples/udp/quic-v1-h3.pcap",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let t: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("samples/udp/quic-v1-h3.truth.json")).unwrap(),
    )
    .unwrap();
    let index: Value =
        serde_json::from_slice(&std::fs::read(d.join("index.json")).unwrap()).unwrap();
    let mut checked = 0;
    for tr in t["connections"][0]["transactions"].as_array().unwrap() {
        let stem = tr["target"].as_str().unwrap().rsplit('/').next().unwrap();
        let sid = tr["stream_id"].as_u64().unwrap();
        let file = d.join(format!("c0-s{sid}-{stem}"));
        assert_eq!(
            sha(&std::fs::read(&file).unwrap()),
            tr["body_sha256"],
            "{file:?}"
        );
        checked += 1;
        if tr["request_body_bytes"].as_u64().unwrap() > 0 {
            let file = d.join(format!("c0-s{sid}-request-{stem}"));
            assert_eq!(
                sha(&std::fs::read(&file).unwrap()),
                tr["request_body_sha256"]
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 8);
    assert_eq!(index["objects_written"], 8);
    assert!(index["objects"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["stream_id"].is_u64()));
}

/// HTTP/2: every body of the h2 samples (10 concurrent streams, a push, a POST, a reset
/// download), named by its stream, equal to the truth; the reset one marked incomplete.
#[test]
fn h2_bodies_are_exported_by_stream() {
    let mut checked = 0;
    for name in ["h2-tls13-scenarios", "h2-tls12-ecdhe-scenarios"] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let out = tlsscope(&[
            "export",
            d.to_str().unwrap(),
            "--keylog",
            &format!("samples/{name}.keylog"),
            &format!("samples/{name}.pcap"),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let t: Value = serde_json::from_str(
            &std::fs::read_to_string(root().join(format!("samples/{name}.truth.json"))).unwrap(),
        )
        .unwrap();
        let index: Value =
            serde_json::from_slice(&std::fs::read(d.join("index.json")).unwrap()).unwrap();
        let objects = index["objects"].as_array().unwrap();
        for tr in t["http2"]["transactions"].as_array().unwrap() {
            if tr["response_body_bytes"].as_u64().unwrap() == 0 {
                continue;
            }
            let o = objects
                .iter()
                .find(|o| o["stream_id"] == tr["stream_id"] && o["direction"] == "response")
                .unwrap_or_else(|| panic!("{name}: no body of stream {}", tr["stream_id"]));
            let written = std::fs::read(d.join(o["file"].as_str().unwrap())).unwrap();
            if tr["reset"].is_null() {
                assert_eq!(sha(&written), tr["response_body_sha256"], "{name} {o}");
                assert_eq!(o["complete"], true);
            } else {
                // The client reset it mid-body: at least what it had read, incomplete.
                assert!(written.len() as u64 >= tr["response_body_bytes"].as_u64().unwrap());
                assert_eq!(o["complete"], false);
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked}");
}
