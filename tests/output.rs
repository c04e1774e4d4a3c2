//! What tlsscope writes, and where: failed writes are errors (exit 1) but a closed pipe
//! is not, stderr can never make it panic, secrets files are created new and never
//! through a link or over an input, bad option values are refused (exit 2), and no byte
//! of a hostile capture reaches the terminal raw.

mod common;

use std::process::{Command, Stdio};

use common::build::{capture, client_hello, server_hello, sni};
use common::{root, tlsscope};

const SAMPLE: &str = "samples/tls12-rsa-aes128gcm.pcap";
const KEY: &str = "samples/keys/server-rsa2048.key";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tlsscope"));
    c.current_dir(root());
    c
}

fn dev_full() -> Option<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .ok()
}

#[test]
fn a_full_disk_is_an_error_for_every_command() {
    let Some(_) = dev_full() else {
        eprintln!("note: no /dev/full here: skipping");
        return;
    };
    for args in [
        vec!["summary", SAMPLE],
        vec!["summary", "--json", SAMPLE],
        vec!["inspect", SAMPLE],
        vec!["inspect", "--json", SAMPLE],
        vec!["follow", "--conn", "0", "-k", KEY, SAMPLE],
        vec!["keylog", "-k", KEY, SAMPLE],
    ] {
        let out = bin()
            .args(&args)
            .stdout(dev_full().unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("No space left on device"), "{args:?}: {err}");
    }
}

#[test]
fn a_closed_stdout_is_an_error() {
    // The shell's `>&-`: the descriptor is closed when tlsscope starts.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "exec {} summary {SAMPLE} >&-",
            env!("CARGO_BIN_EXE_tlsscope")
        ))
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard output"));
}

#[test]
fn a_reader_that_goes_away_is_not_an_error() {
    let mut child = bin()
        .args(["summary", "--json", SAMPLE])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // like `| head -0`
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn stderr_that_cannot_be_written_does_not_panic() {
    let Some(_) = dev_full() else {
        return;
    };
    for (args, code) in [
        (vec!["summary", "/nonexistent"], 2),
        (vec!["summary", "--frobnicate"], 2),
        (vec!["summary", "-k", "Cargo.toml", SAMPLE], 3),
    ] {
        let out = bin()
            .args(&args)
            .stdout(Stdio::null())
            .stderr(dev_full().unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
}

#[test]
fn nonsense_option_values_are_refused() {
    for args in [
        ["summary", "--threads", "30000"],
        ["summary", "--threads", "4294967296"],
        ["summary", "--threads", "18446744073709551615"],
        ["summary", "--max-connections", "0"],
        ["summary", "--max-out-of-order", "0"],
        ["summary", "--max-buffered", "0"],
        ["summary", "--max-memory", "0"],
        ["summary", "--max-buffered", "12Q"],
    ] {
        let out = tlsscope(&[args[0], args[1], args[2], SAMPLE]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr)
                .trim_end()
                .lines()
                .count(),
            1,
            "{args:?}"
        );
    }
    let out = tlsscope(&[
        "summary",
        "--json",
        "--max-buffered",
        "16M",
        "--threads",
        "2",
        SAMPLE,
    ]);
    assert_eq!(out.status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn keylog_output_is_created_new_and_never_through_a_link() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |out: &std::path::Path, force: bool| {
        let mut args = vec!["keylog", "-k", KEY, "-o", out.to_str().unwrap()];
        if force {
            args.push("--force");
        }
        args.push(SAMPLE);
        tlsscope(&args)
    };
    // New: created 0600, with the line.
    let new = d.join("new.keylog");
    assert_eq!(run(&new, false).status.code(), Some(0));
    assert_eq!(
        std::fs::metadata(&new).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(std::fs::read_to_string(&new)
        .unwrap()
        .starts_with("CLIENT_RANDOM "));
    // Existing: refused without --force, left alone; replaced with it.
    std::fs::write(&new, "keep me\n").unwrap();
    let out = run(&new, false);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&new).unwrap(), "keep me\n");
    assert_eq!(run(&new, true).status.code(), Some(0));
    assert!(std::fs::read_to_string(&new)
        .unwrap()
        .starts_with("CLIENT_RANDOM "));
    // A link, dangling or not, is never followed, even with --force.
    let target = d.join("target.txt");
    std::fs::write(&target, "precious\n").unwrap();
    let link = d.join("link.keylog");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for force in [false, true] {
        assert_eq!(run(&link, force).status.code(), Some(2));
    }
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
    let dangling = d.join("dangling.keylog");
    std::os::unix::fs::symlink(d.join("nowhere"), &dangling).unwrap();
    assert_eq!(run(&dangling, false).status.code(), Some(2));
    assert!(!d.join("nowhere").exists());
    // An input, even under another name (a hard link), is never written over.
    let capture_copy = d.join("capture.pcap");
    std::fs::copy(root().join(SAMPLE), &capture_copy).unwrap();
    let alias = d.join("alias.keylog");
    std::fs::hard_link(&capture_copy, &alias).unwrap();
    let before = std::fs::read(&capture_copy).unwrap();
    let out = tlsscope(&[
        "keylog",
        "-k",
        KEY,
        "-o",
        alias.to_str().unwrap(),
        "--force",
        capture_copy.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("input"));
    assert_eq!(std::fs::read(&capture_copy).unwrap(), before);
}

/// The bytes a hostile capture uses against a terminal: OSC 0 (title), OSC 52
/// (clipboard), CSI (clear screen, colours), CR, BS and a bidi override.
const HOSTILE: &[u8] =
    b"evil\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b[31m\rX\x08\xe2\x80\xae.example";

#[test]
fn tables_and_messages_never_print_control_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join("hostile\x1b[2J.pcap");
    std::fs::write(
        &pcap,
        capture(&client_hello(32, &sni(HOSTILE)), &server_hello(&[])),
    )
    .unwrap();
    let path = pcap.to_str().unwrap();
    // The fitted summary cuts the long name (the escapes with it): --wide shows it whole.
    for cmd in [&["summary"][..], &["summary", "--wide"], &["inspect"]] {
        let out = tlsscope(&[cmd, &[path]].concat());
        assert_eq!(out.status.code(), Some(0), "{cmd:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        for bad in ['\x1b', '\x07', '\r', '\x08', '\u{202e}'] {
            assert!(!text.contains(bad), "{cmd:?}: {bad:?} in\n{text}");
        }
        if cmd == ["summary"] {
            continue;
        }
        assert!(
            text.contains("\\x1b]0;pwned"),
            "{cmd:?}: escaped visibly\n{text}"
        );
        assert!(text.contains("\\u{202e}"), "{cmd:?}");
    }
    // A file name in an error message.
    let missing = dir.path().join("gone\x1b]0;x\x07.pcap");
    let out = tlsscope(&["summary", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err:?}");
    assert!(err.contains("\\x1b]0;x\\x07"), "{err}");
}

/// `--format jsonl`: every line is one JSON value; the connection lines are the `--json`
/// document's connections, the last line the capture object; `--json` is `--format json`.
#[test]
fn json_lines_are_the_documents_connections() {
    for cmd in ["summary", "inspect"] {
        let capture = "samples/tls13-aes128gcm.pcap";
        let keylog = "samples/tls13-aes128gcm.keylog";
        let doc = common::json(&[cmd, "--json", "--keylog", keylog, capture]);
        let same = common::json(&[cmd, "--format", "json", "--keylog", keylog, capture]);
        assert_eq!(doc, same);
        let out = tlsscope(&[cmd, "--format", "jsonl", "--keylog", keylog, capture]);
        assert_eq!(out.status.code(), Some(0));
        let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON value per line"))
            .collect();
        let (last, conns) = lines.split_last().unwrap();
        assert_eq!(
            conns,
            doc["connections"].as_array().unwrap().as_slice(),
            "{cmd}"
        );
        assert_eq!(last["capture"], doc["capture"], "{cmd}");
    }
}

/// Shell completions and the manual page come from the command line's definition.
#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = bin().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        for word in ["summary", "follow", "export", "keylog"] {
            assert!(text.contains(word), "{shell}: {word}");
        }
    }
    // The bash script is valid bash.
    let script = bin().args(["completions", "bash"]).output().unwrap().stdout;
    if let Ok(mut check) = Command::new("bash").arg("-n").stdin(Stdio::piped()).spawn() {
        use std::io::Write;
        check.stdin.take().unwrap().write_all(&script).unwrap();
        assert!(check.wait().unwrap().success());
    }
    let man = bin().arg("man").output().unwrap();
    assert!(man.status.success());
    let text = String::from_utf8(man.stdout).unwrap();
    assert!(text.contains(".TH tlsscope 1"), "{text}");
    assert!(text.contains("export"));
    // A bad shell is a usage error.
    assert_eq!(
        bin()
            .args(["completions", "tcsh"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

/// The sample with its packets from the `from`-th on a day later.
fn a_day_later(from: usize) -> Vec<u8> {
    let mut bytes = std::fs::read(root().join(SAMPLE)).unwrap();
    let mut at = 24;
    let mut i = 0;
    while at + 16 <= bytes.len() {
        let caplen = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().unwrap()) as usize;
        if i >= from {
            let secs = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) + 86_400;
            bytes[at..at + 4].copy_from_slice(&secs.to_le_bytes());
        }
        at += 16 + caplen;
        i += 1;
    }
    bytes
}

/// Table times are the local time unless `--utc`; the header line has the connection's
/// date, and its rows carry the date too when it runs over more than one day.
#[test]
fn table_times_carry_the_date_when_a_connection_spans_days() {
    let inspect = |args: &[&str]| {
        let out = bin().args(args).env("TZ", "UTC").output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let one_day = inspect(&["inspect", "--utc", SAMPLE]);
    assert!(
        one_day.contains("frames 1–19  2026-11-27 12:11:22.624522Z"),
        "{one_day}"
    );
    assert!(one_day.contains("┆ 12:11:22.628618Z ┆"), "{one_day}");
    assert!(!one_day.contains("┆ 2026-11-27 12:11:22"), "{one_day}");

    let dir = tempfile::tempdir().unwrap();
    let two_days = dir.path().join("two-days.pcap");
    std::fs::write(&two_days, a_day_later(12)).unwrap();
    let text = inspect(&["inspect", "--utc", two_days.to_str().unwrap()]);
    assert!(text.contains("┆ 2026-11-27 12:11:22.628618Z ┆"), "{text}");
    assert!(text.contains("┆ 2026-11-28 12:11:22"), "{text}");

    // Local time: TZ's offset, and the header line says which.
    let out = bin()
        .args(["inspect", SAMPLE])
        // A POSIX TZ (5:30 east of UTC): no tzdata needed.
        .env("TZ", "IST-5:30")
        .output()
        .unwrap();
    let local = String::from_utf8(out.stdout).unwrap();
    assert!(
        local.contains("2026-11-27 17:41:22.624522 +05:30"),
        "{local}"
    );
    assert!(local.contains("┆ 17:41:22.628618 ┆"), "{local}");
}
