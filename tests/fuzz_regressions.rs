//! Replays the inputs that crashed the fuzz targets (`fuzz/`, cargo-fuzz) and asserts
//! that none of them panics any more.
//!
//! Each `tests/fuzz-regressions/<target>/*.bin` goes through the same harness function
//! the fuzz target `<target>` calls: `fuzz/src/lib.rs` is compiled into this test as a
//! module, so a fix is checked against exactly what the fuzzer ran. Debug builds have
//! overflow checks on, like the fuzz builds (`-Cdebug-assertions`): arithmetic
//! overflow counts as a crash here too.

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::panic;
use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return; // no crash saved for this target
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "bin"))
        .collect();
    files.sort();
    let mut failed = Vec::new();
    for file in &files {
        let data = std::fs::read(file).unwrap();
        if let Err(e) = panic::catch_unwind(|| run(&data)) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failed.push(format!("{}: {msg}", file.display()));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} {target} inputs panic:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn capture_reader() {
    replay("capture_reader", harness::capture_reader);
}

#[test]
fn net_tcp() {
    replay("net_tcp", harness::net_tcp);
}

#[test]
fn tls_records() {
    replay("tls_records", harness::tls_records);
}

#[test]
fn key_parsers() {
    replay("key_parsers", harness::key_parsers);
}

#[test]
fn record_decrypt() {
    replay("record_decrypt", harness::record_decrypt);
}
