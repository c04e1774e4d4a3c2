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
