//! Session workers (`--threads N`): the output is the same, byte for byte, for any
//! number of workers: each sample alone with its messages (`inspect --json`), all the
//! samples as one run (sessions resumed across files), and the key log it writes (in
//! the order one worker finds the secrets).

mod common;

use common::{all_key_args, key_args, root, samples};

/// stdout of `tlsscope ARGS --threads N`, which must succeed.
fn output(args: &[String], threads: usize) -> Vec<u8> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tlsscope"))
        .args(args)
        .args(["--threads", &threads.to_string()])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tlsscope {args:?} --threads {threads}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn same_for_any_workers(args: &[String]) {
    let one = output(args, 1);
    assert!(!one.is_empty(), "tlsscope {args:?}: no output");
    for threads in [2, 3, 8] {
        let many = output(args, threads);
        assert!(
            one == many,
            "tlsscope {args:?}: --threads {threads} differs from --threads 1"
        );
    }
}

#[test]
fn each_sample_inspected_is_the_same_with_any_workers() {
    for sample in samples() {
        let mut args: Vec<String> = vec!["inspect".into(), "--json".into(), "-q".into()];
        args.extend(key_args(&sample));
        args.push(sample);
        same_for_any_workers(&args);
    }
}

#[test]
fn all_samples_as_one_run_are_the_same_with_any_workers() {
    let mut args: Vec<String> = ["summary", "--format", "jsonl", "-q"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(all_key_args());
    args.extend(samples());
    same_for_any_workers(&args);
}

#[test]
fn the_key_log_written_is_the_same_with_any_workers() {
    let mut args: Vec<String> = vec!["keylog".into(), "-q".into()];
    args.extend(all_key_args());
    args.extend(samples());
    same_for_any_workers(&args);
}

/// Past `--max-memory`, the workers (one budget between them) end connections early as
/// one worker does: every connection is still reported exactly once, and the capture
/// says how many ended early.
#[test]
fn workers_share_one_memory_budget() {
    let dir = tempfile::tempdir().unwrap();
    let made = std::process::Command::new("python3")
        .arg(root().join("bench").join("stress.py"))
        .args(["--scale", "small", "--only", "open-hellos", "--out"])
        .arg(dir.path())
        .output();
    let Ok(made) = made else {
        eprintln!("note: python3 not found: skipping");
        return;
    };
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let capture = dir.path().join("open-hellos.pcap").display().to_string();
    for threads in [1, 4] {
        let args: Vec<String> = ["summary", "--format", "jsonl", "-q", "--max-memory", "2M"]
            .iter()
            .map(|s| s.to_string())
            .chain([capture.clone()])
            .collect();
        let out = String::from_utf8(output(&args, threads)).unwrap();
        let mut ids = Vec::new();
        let mut capture_line = None;
        for line in out.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            match v.get("capture") {
                Some(c) => capture_line = Some(c.clone()),
                None => ids.push(v["id"].as_u64().unwrap()),
            }
        }
        let c = capture_line.expect("the capture line");
        let n = c["tcp_connections"].as_u64().unwrap();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(
            ids.len() as u64,
            n,
            "--threads {threads}: each connection once"
        );
        let warned = c["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("ended early"));
        assert!(warned, "--threads {threads}: {c}");
    }
}
