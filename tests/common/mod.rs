//! Helpers shared by the integration tests: run the binary, find samples and the corpus.
#![allow(dead_code)]

pub mod build;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs tlsscope with `args` from the crate root.
pub fn tlsscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tlsscope"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run tlsscope")
}

pub fn json(args: &[&str]) -> serde_json::Value {
    let out = tlsscope(args);
    assert!(
        out.status.success(),
        "tlsscope {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// Every capture in samples/ and samples/udp/ (relative paths, sorted).
pub fn samples() -> Vec<String> {
    let mut v: Vec<String> = ["samples", "samples/udp", "samples/http"]
        .iter()
        .flat_map(|dir| {
            std::fs::read_dir(root().join(dir))
                .expect("samples/")
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".pcap") || n.ends_with(".pcapng"))
                .map(move |n| format!("{dir}/{n}"))
        })
        .collect();
    v.sort();
    v
}

/// The public corpus folder, or `None` (with a note) when TLSSCOPE_CORPUS is unset.
pub fn corpus() -> Option<PathBuf> {
    match std::env::var_os("TLSSCOPE_CORPUS") {
        Some(p) if Path::new(&p).is_dir() => Some(PathBuf::from(p)),
        _ => {
            eprintln!("note: TLSSCOPE_CORPUS is not set: skipping the public-corpus test");
            None
        }
    }
}

/// The sample's own key material as arguments: its RSA key when it has one, else the
/// key log its TLS library wrote (from its truth file); none without a truth file.
pub fn key_args(sample: &str) -> Vec<String> {
    let truth_path = root().join(
        sample
            .replace(".pcapng", ".truth.json")
            .replace(".pcap", ".truth.json"),
    );
    let Ok(text) = std::fs::read_to_string(truth_path) else {
        return Vec::new();
    };
    let t: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut args = if let Some(k) = t["rsa_key"].as_str() {
        vec!["-k".to_string(), format!("samples/{k}")]
    } else if let Some(k) = t["keylog"].as_str() {
        vec!["--keylog".to_string(), format!("samples/{k}")]
    } else {
        Vec::new()
    };
    // The CA its chains were made under, so that they validate as the client saw them.
    if let Some(ca) = t["ca_file"].as_str() {
        args.extend(["--ca-file".to_string(), format!("samples/{ca}")]);
    }
    args
}

/// True (after a note on stderr) when tshark is not installed: tests that compare with
/// it return then, visibly.
pub fn tshark_missing() -> bool {
    let missing = Command::new("tshark").arg("--version").output().is_err();
    if missing {
        eprintln!("note: tshark not found: skipping");
    }
    missing
}

/// Every RSA key and every key log beside the samples, as arguments (a run over all the
/// samples at once).
pub fn all_key_args() -> Vec<String> {
    let mut args = vec!["-k".to_string(), "samples/keys".to_string()];
    for dir in ["samples", "samples/udp", "samples/http"] {
        let mut logs: Vec<String> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".keylog"))
            .map(|n| format!("{dir}/{n}"))
            .collect();
        logs.sort();
        for l in logs {
            args.extend(["--keylog".to_string(), l]);
        }
    }
    args
}

/// `src` (a little-endian classic pcap) without the frames (numbered from 1) `drop`
/// says to leave out, written into `dir`.
pub fn cut(src: &str, dir: &Path, name: &str, drop: impl Fn(usize) -> bool) -> String {
    let bytes = std::fs::read(root().join(src)).unwrap();
    assert_eq!(&bytes[..4], &[0xd4, 0xc3, 0xb2, 0xa1], "little-endian pcap");
    let mut out = bytes[..24].to_vec();
    let (mut at, mut frame) = (24, 0);
    while at + 16 <= bytes.len() {
        let len = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().unwrap()) as usize;
        frame += 1;
        if !drop(frame) {
            out.extend_from_slice(&bytes[at..at + 16 + len]);
        }
        at += 16 + len;
    }
    let path = dir.join(name);
    std::fs::write(&path, out).unwrap();
    path.to_str().unwrap().to_string()
}

/// The types of a connection's messages (`inspect --json`), in order.
pub fn message_types(connection: &serde_json::Value) -> Vec<&str> {
    connection["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["type"].as_str().unwrap())
        .collect()
}
