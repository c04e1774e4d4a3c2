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
