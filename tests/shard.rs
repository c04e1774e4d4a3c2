//! `--shard i/N`: N runs over the same captures split the connections between them,
//! each exactly once, each with the same report as in a run over everything (its id
//! aside: ids number the connections of one run).

mod common;

use common::{all_key_args, root, samples};

/// The connections of one run over every sample with `extra` arguments, each as its
/// JSON without its id, sorted (the id numbers a run's connections; `frames.file`
/// says which capture, the same in every run over the same list).
fn connections(extra: &[&str]) -> Vec<String> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tlsscope"))
        .args(["summary", "--format", "jsonl", "-q"])
        .args(all_key_args())
        .args(samples())
        .args(extra)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut all = Vec::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let mut c: serde_json::Value = serde_json::from_str(line).unwrap();
        if c.get("capture").is_some() {
            continue;
        }
        c.as_object_mut().unwrap().remove("id");
        all.push(c.to_string());
    }
    all.sort();
    all
}

#[test]
fn three_shards_hold_every_connection_once_with_the_same_report() {
    let whole = connections(&[]);
    assert!(whole.len() > 100, "{}", whole.len());
    let mut union = Vec::new();
    for i in 0..3 {
        let shard = format!("{i}/3");
        let part = connections(&["--shard", &shard]);
        assert!(
            !part.is_empty() && part.len() < whole.len(),
            "shard {shard}: {}",
            part.len()
        );
        union.extend(part);
    }
    union.sort();
    assert_eq!(union.len(), whole.len());
    assert!(
        union == whole,
        "the shards' union differs from the whole run"
    );
}

/// `summary --json` of one sample with `args`: each connection's (client port,
/// decryption verdict).
fn verdicts(sample: &str, args: &[&str]) -> Vec<(u64, String)> {
    let mut all = vec!["summary", "--json"];
    all.extend_from_slice(args);
    all.push(sample);
    let doc = common::json(&all);
    doc["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["client"]["port"].as_u64().unwrap(),
                c["decryption"]["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A session resumed in another shard than its full handshake: the first pass's key
/// logs carry its session id (or ticket) and master secret, and a second pass over each
/// shard with them merged opens it, as a run over everything does.
#[test]
fn a_second_pass_with_the_merged_key_log_opens_sessions_resumed_across_shards() {
    let key = "samples/keys/server-rsa2048.key";
    for sample in [
        "samples/tls12-rsa-resume-sessionid.pcap",
        "samples/tls12-rsa-resume-ticket.pcap",
    ] {
        let whole = verdicts(sample, &["-k", key]);
        assert!(
            whole.iter().all(|(_, v)| v == "decrypted"),
            "{sample}: {whole:?}"
        );
        // A shard count that puts the two connections apart.
        let n = (2..=64)
            .find(|n| verdicts(sample, &["--shard", &format!("0/{n}")]).len() == 1)
            .unwrap_or_else(|| panic!("{sample}: no shard count splits it"));
        let shards: Vec<String> = (0..n).map(|i| format!("{i}/{n}")).collect();
        let mut merged = String::new();
        let mut first_pass = Vec::new();
        for shard in &shards {
            let out = common::tlsscope(&["keylog", "-k", key, "--shard", shard, sample]);
            merged += &String::from_utf8(out.stdout).unwrap();
            first_pass.extend(verdicts(sample, &["-k", key, "--shard", shard]));
        }
        assert!(
            first_pass
                .iter()
                .any(|(_, v)| v == "resumed_without_full_handshake"),
            "{sample}: one pass alone cannot open the resumed session: {first_pass:?}"
        );
        let dir = tempfile::tempdir().unwrap();
        let keylog = dir.path().join("merged.keylog");
        std::fs::write(&keylog, &merged).unwrap();
        let keylog = keylog.to_str().unwrap();
        let mut second_pass = Vec::new();
        for shard in &shards {
            second_pass.extend(verdicts(sample, &["--keylog", keylog, "--shard", shard]));
        }
        second_pass.sort();
        let mut want = whole.clone();
        want.sort();
        assert_eq!(second_pass, want, "{sample}: merged key log:\n{merged}");
    }
}
