//! Ctrl-C (SIGINT) and SIGTERM end a run cleanly: what was read is reported, the
//! connections still open included, and the exit is 0; a second signal exits at once.
//! The capture comes on a pipe that stays open, as from `tcpdump -w -`.

mod common;

use std::io::Write;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use common::root;
use serde_json::Value;

const SAMPLE: &str = "samples/tls12-rsa-aes128gcm.pcap";

/// The sample's file header and first `n` packet records, and the records after them.
fn split_pcap(n: usize) -> (Vec<u8>, Vec<u8>) {
    let bytes = std::fs::read(root().join(SAMPLE)).unwrap();
    let mut at = 24;
    for _ in 0..n {
        let caplen = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().unwrap()) as usize;
        at += 16 + caplen;
    }
    (bytes[..at].to_vec(), bytes[at..].to_vec())
}

fn start(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tlsscope"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: kill(2) on the pid of a child this test started and has not reaped.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
}

/// Waits for the child, at most `limit`: its exit status, or `None` (then it is killed).
fn wait_at_most(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Starts tlsscope with `args` on a pipe that carries the sample's first `n` packets and
/// stays open, then sends it `sig`: the child, the pipe, and the packets not sent.
fn signalled_after(args: &[&str], n: usize, sig: i32) -> (Child, ChildStdin, Vec<u8>) {
    let (head, rest) = split_pcap(n);
    let mut child = start(args);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&head).unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    signal(&child, sig);
    std::thread::sleep(Duration::from_millis(100));
    (child, stdin, rest)
}

#[test]
fn ctrl_c_reports_the_open_connection_and_exits_0() {
    // The handshake (9 of the sample's 19 packets); the pipe stays open.
    let (mut child, mut stdin, rest) = signalled_after(
        &["summary", "-q", "--format", "jsonl", "-"],
        9,
        libc::SIGINT,
    );
    // A reader blocked on the pipe sees the flag once the next bytes come.
    stdin.write_all(&rest[..16 + 66]).unwrap();
    stdin.flush().unwrap();
    let status = wait_at_most(&mut child, Duration::from_secs(20)).expect("ended on SIGINT");
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert!(
        status.success(),
        "{status}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let c = &lines[0];
    assert_eq!(c["version"], "TLS 1.2");
    assert_eq!(c["tcp"]["closed"], false, "still open when interrupted");
    let capture = &lines[1]["capture"];
    assert_eq!(capture["interrupted"], true);
    let warnings = capture["warnings"].to_string();
    assert!(warnings.contains("interrupted after"), "{warnings}");
    assert!(capture["packets"].as_u64().unwrap() < 19);
}

#[test]
fn sigterm_ends_the_run_like_ctrl_c() {
    let (mut child, mut stdin, rest) =
        signalled_after(&["inspect", "--json", "-"], 9, libc::SIGTERM);
    stdin.write_all(&rest).unwrap();
    stdin.flush().unwrap();
    let status = wait_at_most(&mut child, Duration::from_secs(20)).expect("ended on SIGTERM");
    let out = child.wait_with_output().unwrap();
    assert!(status.success(), "{status}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["capture"]["interrupted"], true);
    let messages = doc["connections"][0]["messages"].as_array().unwrap();
    assert!(messages.iter().any(|m| m["type"] == "ServerHelloDone"));
}

#[test]
fn a_second_ctrl_c_exits_at_once() {
    // Blocked on a pipe that says nothing more: the second one ends it.
    let (mut child, stdin, _) = signalled_after(&["summary", "-q", "-"], 4, libc::SIGINT);
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        child.try_wait().unwrap().is_none(),
        "still waiting for data"
    );
    signal(&child, libc::SIGINT);
    let status = wait_at_most(&mut child, Duration::from_secs(10)).expect("exits at once");
    drop(stdin);
    assert_eq!(status.code(), Some(130));
}
