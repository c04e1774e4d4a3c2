//! What a user sees when the input or the command line is wrong: one line, exit 2.

mod common;

use common::tlsscope;

fn one_line_error(args: &[&str], needle: &str) {
    let out = tlsscope(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    assert!(err.contains(needle), "{args:?}: {err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn missing_file() {
    one_line_error(&["summary", "no/such.pcap"], "no/such.pcap");
}

#[test]
fn directory() {
    one_line_error(&["summary", "src"], "is a directory");
}

#[test]
fn not_a_capture() {
    one_line_error(&["summary", "Cargo.toml"], "not a pcap or pcapng capture");
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty.pcap");
    std::fs::write(&p, b"").unwrap();
    one_line_error(&["summary", p.to_str().unwrap()], "empty file");
}

#[test]
fn truncated_inside_the_file_header() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("short.pcap");
    std::fs::write(&p, [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]).unwrap();
    let out = tlsscope(&["summary", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr)
            .trim_end()
            .lines()
            .count(),
        1
    );
}

#[test]
fn unknown_option() {
    one_line_error(&["summary", "--frobnicate", "x.pcap"], "--frobnicate");
}

#[test]
fn missing_subcommand_argument() {
    one_line_error(&["inspect"], "required");
}
