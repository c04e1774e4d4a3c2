//! Live capture (`-i lo -f FILTER`) through libpcap, ended by Ctrl-C: the connections
//! it saw are reported, the one still open too, and the exit is 0. Needs root (or the
//! capture capabilities) and the `live` feature; ignored otherwise (`cfg(live_capture)`,
//! set by build.rs).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::build::{client_hello, ext, v16};
use serde_json::Value;

/// A ClientHello record naming `sni`.
fn hello(sni: &str) -> Vec<u8> {
    let name = [vec![0], v16(sni.as_bytes())].concat();
    client_hello(32, &ext(0, &v16(&name)))
}

#[test]
#[cfg_attr(
    not(live_capture),
    ignore = "needs root (live capture on lo) and the live feature"
)]
fn live_capture_on_lo_reports_its_connections_on_ctrl_c() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let filter = format!("tcp port {port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tlsscope"))
        .args(["summary", "--format", "jsonl", "-i", "lo", "-f", &filter])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The first line on stderr says the capture has started (or why it could not).
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = stderr.read_line(&mut line);
        let _ = tx.send(line);
        let mut rest = String::new();
        let _ = stderr.read_to_string(&mut rest);
    });
    let first = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
    if !first.contains("capturing on lo") {
        let _ = child.kill();
        let _ = child.wait();
        // Root without the capabilities (an unprivileged container): say so, visibly.
        assert!(
            first.contains("CAP_NET_RAW"),
            "live capture did not start: {first}"
        );
        eprintln!("note: live capture not permitted here, skipping: {first}");
        return;
    }
    // One connection that closes, and one still open when Ctrl-C comes.
    let server = std::thread::spawn(move || {
        let mut kept = Vec::new();
        for _ in 0..2 {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 512];
            let _ = s.read(&mut buf);
            kept.push(s);
        }
        kept
    });
    let mut closed = TcpStream::connect(("127.0.0.1", port)).unwrap();
    closed.write_all(&hello("closed.live.test")).unwrap();
    let mut open = TcpStream::connect(("127.0.0.1", port)).unwrap();
    open.write_all(&hello("open.live.test")).unwrap();
    let kept = server.join().unwrap();
    drop(closed);
    drop(kept.into_iter().next());
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: kill(2) on the pid of a child this test started and has not reaped.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let out = child.wait_with_output().unwrap();
    drop(open);
    assert!(out.status.success(), "{}", out.status);
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let sni: Vec<&str> = lines.iter().filter_map(|l| l["sni"].as_str()).collect();
    assert_eq!(sni, ["closed.live.test", "open.live.test"], "{lines:?}");
    assert_eq!(lines[0]["tcp"]["closed"], true);
    assert_eq!(lines[1]["tcp"]["closed"], false, "open when Ctrl-C came");
    assert_eq!(lines[0]["frames"]["first"], 1, "the first SYN is frame 1");
    let capture = &lines.last().unwrap()["capture"];
    assert_eq!(capture["files"][0]["file"], "lo");
    assert_eq!(capture["files"][0]["format"], "live");
    assert_eq!(capture["tls_connections"], 2);
}
