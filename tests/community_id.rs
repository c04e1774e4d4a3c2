//! Each connection's Community ID (v1, seed 0) is the one tshark's `communityid`
//! post-dissector gives the flow's packets, on every sample: TCP, QUIC and DTLS, IPv4
//! and IPv6, link types.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

#[test]
fn community_ids_agree_with_tshark() {
    if common::tshark_missing() {
        return;
    }
    let mut compared = 0;
    for sample in common::samples() {
        let doc = common::json(&["summary", "--json", "-q", &sample]);
        let ours: BTreeSet<String> = doc["connections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                c["community_id"]
                    .as_str()
                    .expect("a community_id")
                    .to_string()
            })
            .collect();
        if ours.is_empty() {
            continue;
        }
        let out = Command::new("tshark")
            .args(["-n", "-r", &sample, "--enable-protocol", "communityid"])
            .args(["-T", "fields", "-e", "communityid"])
            .current_dir(common::root())
            .output()
            .expect("run tshark");
        let theirs: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .flat_map(|l| l.split(','))
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .collect();
        let missing: Vec<&String> = ours.difference(&theirs).collect();
        assert!(missing.is_empty(), "{sample}: not tshark's: {missing:?}");
        compared += ours.len();
    }
    assert!(compared > 50, "only {compared} connections compared");
    eprintln!("{compared} community IDs equal tshark's");
}
