//! Each TCP connection's `key_exchange_group` is the group tshark reads from the same
//! handshake, on every sample: the ServerHello's key share (TLS 1.3; a
//! HelloRetryRequest's `selected_group` is only a request) or the ServerKeyExchange's
//! named curve (TLS ≤ 1.2 ECDHE); none for RSA and DHE key exchange.

mod common;

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// (server port, client port) → the groups of that pair's connections, in order.
type Groups = BTreeMap<(u16, u16), Vec<Option<u16>>>;

fn ours(sample: &str) -> Groups {
    let doc = common::json(&["summary", "--json", "-q", sample]);
    let mut groups = Groups::new();
    for c in doc["connections"].as_array().unwrap() {
        if c["transport"] != "tcp" || c["version"].is_null() {
            continue;
        }
        let port = |side: &str| c[side]["port"].as_u64().unwrap() as u16;
        let group = c["key_exchange_group"]["id"].as_u64().map(|g| g as u16);
        groups
            .entry((port("server"), port("client")))
            .or_default()
            .push(group);
    }
    groups
}

/// tshark's view: per `tcp.stream`, the first handshake's group.
fn theirs(sample: &str) -> Groups {
    let out = Command::new("tshark")
        .args(["-n", "-r", sample, "-Y", "tls.handshake.type == 2"])
        .args(["-T", "fields", "-e", "tcp.stream", "-e", "tcp.srcport"])
        .args([
            "-e",
            "tcp.dstport",
            "-e",
            "tls.handshake.extensions_key_share_group",
        ])
        .args(["-e", "tls.handshake.server_named_curve"])
        .args(["-e", "tls.handshake.extensions_key_share_selected_group"])
        .current_dir(common::root())
        .output()
        .expect("run tshark");
    let number = |s: &str| match s.strip_prefix("0x") {
        Some(hex) => u16::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    };
    // stream → (ports, group): the first ServerHello frame that is not a retry.
    let mut streams: BTreeMap<u64, ((u16, u16), Option<u16>)> = BTreeMap::new();
    let mut retries = BTreeSet::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 6 {
            continue;
        }
        let Ok(stream) = f[0].parse::<u64>() else {
            continue;
        };
        let ports = (f[1].parse().unwrap(), f[2].parse().unwrap());
        let share = f[3].split(',').next().and_then(number);
        let curve = f[4].split(',').next().and_then(number);
        match streams.entry(stream) {
            // A second ServerHello: the one after a HelloRetryRequest, or renegotiation.
            Entry::Occupied(mut first) => {
                if retries.remove(&stream) {
                    first.insert((ports, share));
                }
            }
            Entry::Vacant(slot) => {
                // A HelloRetryRequest's group is `selected_group` to tshark: only asked for.
                if !f[5].is_empty() {
                    retries.insert(stream);
                }
                slot.insert((ports, share.or(curve)));
            }
        }
    }
    let mut groups = Groups::new();
    for (ports, group) in streams.into_values() {
        groups.entry(ports).or_default().push(group);
    }
    groups
}

#[test]
fn key_exchange_groups_agree_with_tshark() {
    if common::tshark_missing() {
        return;
    }
    let mut compared = 0;
    let mut named = 0;
    for sample in common::samples() {
        let theirs = theirs(&sample);
        if theirs.is_empty() {
            continue;
        }
        let ours = ours(&sample);
        for (ports, groups) in &theirs {
            assert_eq!(
                ours.get(ports),
                Some(groups),
                "{sample}: connections {ports:?}"
            );
            compared += groups.len();
            named += groups.iter().filter(|g| g.is_some()).count();
        }
    }
    assert!(
        compared > 50 && named > 20,
        "only {compared} connections ({named} with a group)"
    );
    eprintln!("{compared} connections' key exchange groups equal tshark's ({named} named)");
}
