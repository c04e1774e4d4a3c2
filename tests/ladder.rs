//! `ladder`: every sample's ladder at 80 columns against its golden file (the message
//! sequence drawn), the SVG parses as XML and holds an arrow per message and nothing
//! external, the Mermaid text keeps to the sequenceDiagram statements.
//!
//! Regenerate the golden files on purpose with `TLSSCOPE_BLESS=1 cargo test --test ladder`.

mod common;

use std::process::Command;

use common::{key_args, root, samples};
use tlsscope::report::fit::width;

fn ladder(sample: &str, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tlsscope"))
        .args(["ladder", "-q"])
        .args(extra)
        .args(key_args(sample))
        .arg(sample)
        .current_dir(root())
        .env("COLUMNS", "80")
        .output()
        .expect("run tlsscope")
}

/// The ladder's text, which must have been drawn.
fn drawn(sample: &str, extra: &[&str]) -> String {
    let out = ladder(sample, extra);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A text ladder's arrows.
fn arrows(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.contains('►') || l.contains('◄'))
        .collect()
}

fn golden(sample: &str) -> std::path::PathBuf {
    let stem = std::path::Path::new(sample)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    root()
        .join("samples/expected")
        .join(format!("{stem}.ladder.txt"))
}

#[test]
fn every_sample_draws_its_golden_ladder_within_80_columns() {
    let bless = std::env::var_os("TLSSCOPE_BLESS").is_some();
    let mut failures = Vec::new();
    let mut drawn = 0;
    for sample in samples() {
        let out = ladder(&sample, &[]);
        if !out.status.success() {
            // Captures without a TLS connection have no ladder; say which.
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("no TLS connection"), "{sample}: {err}");
            continue;
        }
        let text = String::from_utf8(out.stdout).unwrap();
        for line in text.lines() {
            assert!(width(line) <= 80, "{sample}: {} cells: {line}", width(line));
        }
        drawn += 1;
        let path = golden(&sample);
        if bless {
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(want) if want == text => {}
            Ok(_) => failures.push(format!("{sample}: differs from {}", path.display())),
            Err(_) => failures.push(format!(
                "{sample}: no {} (TLSSCOPE_BLESS=1)",
                path.display()
            )),
        }
    }
    assert!(drawn > 50, "only {drawn} samples drawn");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The arrows of a ladder are its messages, in order: the JSON's message types.
#[test]
fn arrows_follow_the_message_sequence() {
    let sample = "samples/tls12-rsa-renegotiation.pcap";
    let doc = common::json(
        &[
            &["inspect", "--json", "-q"][..],
            &key_args(sample)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            &[sample],
        ]
        .concat(),
    );
    let text = drawn(sample, &["--conn", "0"]);
    let arrows = arrows(&text);
    let messages = doc["connections"][0]["messages"].as_array().unwrap();
    assert_eq!(arrows.len(), messages.len(), "{text}");
    let hellos = arrows.iter().filter(|a| a.contains("ClientHello")).count();
    assert_eq!(
        hellos, 2,
        "the renegotiation's second ClientHello is drawn: {text}"
    );
}

#[test]
fn svg_is_one_self_contained_document() {
    let sample = "samples/tls13-hrr.pcap";
    let text = drawn(sample, &["--format", "svg", "--conn", "0"]);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let arrows = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("arrow"))
        .count();
    assert_eq!(arrows, self::arrows(&drawn(sample, &[])).len());
    for n in doc.descendants() {
        assert!(!matches!(
            n.tag_name().name(),
            "script" | "foreignObject" | "image" | "style"
        ));
        for a in n.attributes() {
            assert!(
                !a.value().contains("http") || a.name() == "xmlns",
                "{}={}",
                a.name(),
                a.value()
            );
            assert!(!a.name().starts_with("on"), "event handler {}", a.name());
        }
    }
}

#[test]
fn mermaid_keeps_to_the_sequence_diagram_grammar() {
    let sample = "samples/tls12-rsa-resume-ticket.pcap";
    let text = drawn(sample, &["--format", "mermaid", "--conn", "1"]);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("sequenceDiagram"));
    let mut arrows = 0;
    for line in lines {
        let l = line.trim_start();
        let ok = l.starts_with("%% ")
            || l.starts_with("participant C as ")
            || l.starts_with("participant S as ")
            || l.starts_with("Note over C,S: ")
            || l.starts_with("C->>S: ")
            || l.starts_with("S->>C: ");
        assert!(ok, "not a sequenceDiagram statement: {line}");
        assert!(line.starts_with("    "), "{line}");
        // Statement text never carries Mermaid's own syntax characters.
        if let Some((_, msg)) = l.split_once(": ") {
            assert!(!msg.contains(';') || msg.contains("#59;"), "{line}");
        }
        arrows += u32::from(l.starts_with("C->>S") || l.starts_with("S->>C"));
    }
    assert!(arrows > 5);
    assert!(text.contains("(resumed)"), "a resumption says so: {text}");
}

#[test]
fn one_document_formats_need_one_connection() {
    let out = ladder("samples/tls12-rsa-parallel4.pcap", &["--format", "svg"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--conn"));
}
