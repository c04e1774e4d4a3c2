//! Captures that are not regular files: `-` (standard input), `/dev/stdin`, a FIFO, as
//! `tcpdump -w - | tlsscope summary -` gives them.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::root;

const SAMPLE: &str = "samples/tls12-rsa-aes128gcm.pcap";

/// `summary --format jsonl` of `input` with the sample's bytes on standard input.
fn piped(input: &str, bytes: &[u8]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tlsscope"))
        .args(["summary", "-q", "--format", "jsonl", input])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let bytes = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&bytes);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn connections(out: &std::process::Output) -> usize {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("{\"id\""))
        .count()
}

#[test]
fn standard_input_is_a_capture() {
    let bytes = std::fs::read(root().join(SAMPLE)).unwrap();
    for input in ["-", "/dev/stdin"] {
        let out = piped(input, &bytes);
        assert!(
            out.status.success(),
            "{input}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(connections(&out), 1, "{input}");
    }
    // Gzip-compressed on the pipe too.
    let gz = {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&bytes).unwrap();
        e.finish().unwrap()
    };
    assert_eq!(connections(&piped("-", &gz)), 1);
    // Nothing at all is an empty file, named as standard input.
    let out = piped("-", b"");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("standard input: empty file"), "{err}");
}

#[test]
fn a_fifo_is_a_capture() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("capture.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("note: mkfifo failed: skipping");
        return;
    }
    let bytes = std::fs::read(root().join(SAMPLE)).unwrap();
    let path = fifo.clone();
    let writer = std::thread::spawn(move || {
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .write_all(&bytes)
            .unwrap();
    });
    let out = Command::new(env!("CARGO_BIN_EXE_tlsscope"))
        .args(["summary", "-q", "--format", "jsonl"])
        .arg(&fifo)
        .current_dir(root())
        .output()
        .unwrap();
    writer.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(connections(&out), 1);
}
