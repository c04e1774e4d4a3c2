//! `follow` on the samples: what the capture lost and what could not be decrypted is
//! marked where it was missing, and `--conn` takes lists, ranges and `all`.

mod common;

use std::collections::BTreeMap;

use common::tlsscope;

const KEY: &str = "samples/keys/server-rsa2048.key";
const PARALLEL: &str = "samples/tls12-rsa-parallel4.pcap";
const LOST: &str = "samples/tcp-lost-segment.pcap";

fn stdout(args: &[&str]) -> String {
    let out = tlsscope(args);
    assert!(
        out.status.success(),
        "tlsscope {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("follow's ascii output is UTF-8")
}

/// Bytes per (connection, direction) from the `==> conn N: client → server (M bytes)` lines.
fn marked_bytes(text: &str) -> BTreeMap<(u64, bool), u64> {
    let mut seen = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("==> conn ") else {
            continue;
        };
        let (id, rest) = rest.split_once(": ").unwrap();
        let to_server = rest.starts_with("client → server");
        let n = rest.rsplit_once('(').unwrap().1;
        let n: u64 = n
            .trim_end_matches(" bytes)")
            .replace(',', "")
            .parse()
            .unwrap();
        *seen.entry((id.parse().unwrap(), to_server)).or_default() += n;
    }
    seen
}

fn truth_bytes(truth: &str) -> Vec<(u64, u64)> {
    let t: serde_json::Value =
        serde_json::from_slice(&std::fs::read(common::root().join(truth)).unwrap()).unwrap();
    t["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["client_bytes"].as_u64().unwrap(),
                c["server_bytes"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_lost_segment_is_marked_where_it_was() {
    let text = stdout(&["follow", "--conn", "0", "-k", KEY, LOST]);
    let mark = "==> server → client: [2,924 bytes missing: lost in the capture]";
    let at = text.find(mark).expect(&text);
    // Data the server sent before and after the hole is shown around it.
    assert!(text[..at].contains("HTTP/1.1 200"), "{text}");
    // Raw output has no room for marks: stderr counts what is missing instead.
    let out = tlsscope(&["follow", "--conn", "0", "--format", "raw", "-k", KEY, LOST]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2,924 lost in the capture"), "{err}");
}

#[test]
fn conn_all_writes_every_connection_marked() {
    let truth = truth_bytes("samples/tls12-rsa-parallel4.truth.json");
    for sel in ["all", "0-3", "0,1-2,3"] {
        let seen = marked_bytes(&stdout(&["follow", "--conn", sel, "-k", KEY, PARALLEL]));
        for (id, (client, server)) in truth.iter().enumerate() {
            assert_eq!(seen.get(&(id as u64, true)), Some(client), "--conn {sel}");
            assert_eq!(seen.get(&(id as u64, false)), Some(server), "--conn {sel}");
        }
        assert_eq!(seen.len(), 2 * truth.len(), "--conn {sel}");
    }
}

#[test]
fn a_conn_list_writes_only_those() {
    let seen = marked_bytes(&stdout(&["follow", "--conn", "3,1", "-k", KEY, PARALLEL]));
    let ids: Vec<u64> = seen.keys().map(|(id, _)| *id).collect();
    assert_eq!(ids, [1, 1, 3, 3]);
}

#[test]
fn follow_refusals_are_one_line_and_exit_2() {
    for (args, says) in [
        (
            vec![
                "follow", "--conn", "all", "--format", "raw", "-k", KEY, PARALLEL,
            ],
            "would interleave",
        ),
        (vec!["follow", "--conn", "3-1", PARALLEL], "runs backwards"),
        (vec!["follow", "--conn", "x", PARALLEL], "--conn"),
        (
            vec!["follow", "--conn", "9", "-k", KEY, PARALLEL],
            "no TLS connection",
        ),
        (
            vec!["follow", "--conn", "7-9", "-k", KEY, PARALLEL],
            "matches --conn 7-9",
        ),
        (vec!["follow", "--conn", "0", PARALLEL], "was not decrypted"),
        (
            vec!["follow", "--conn", "all", PARALLEL],
            "none of the 4 connections",
        ),
    ] {
        let out = tlsscope(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

/// The record after a lost one still opens (its number is found past the gap): the
/// server's data is the original session's with exactly the lost write cut out.
#[test]
fn records_after_a_lost_record_are_decrypted() {
    let server = |capture: &str| {
        let args = [
            "follow",
            "--conn",
            "0",
            "--format",
            "raw",
            "--direction",
            "server",
            "-k",
            KEY,
            capture,
        ];
        let out = tlsscope(&args);
        assert!(out.status.success(), "{args:?}");
        out.stdout
    };
    let whole = server("samples/tls12-rsa-aes128gcm.pcap");
    let cut = server(LOST);
    // The truth's server writes: 1569, 2895 (lost, one whole record) and 786 bytes.
    assert_eq!(whole.len(), 1569 + 2895 + 786);
    assert_eq!(cut, [&whole[..1569], &whole[1569 + 2895..]].concat());
}
