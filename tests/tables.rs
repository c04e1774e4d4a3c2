//! The human tables fit their width: no line of `summary` or `requests` over 80 cells
//! at COLUMNS=80 on every sample, the left-out columns named, `--wide` for all, and
//! colour only when asked (or on a terminal without NO_COLOR).

mod common;

use std::process::Command;

use tlsscope::report::fit::width;

/// `tlsscope ARGS… every sample` with the environment given; stdout.
fn table(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tlsscope"));
    cmd.args(args)
        .arg("-q")
        .args(common::all_key_args())
        .args(common::samples())
        .current_dir(common::root())
        .env_remove("COLUMNS")
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run tlsscope");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn widest(text: &str) -> (usize, &str) {
    text.lines()
        .map(|l| (width(l), l))
        .max_by_key(|w| w.0)
        .unwrap_or((0, ""))
}

#[test]
fn summary_and_requests_fit_80_columns() {
    for command in ["summary", "requests"] {
        let text = table(&[command], &[("COLUMNS", "80")]);
        let (w, line) = widest(&text);
        assert!(w <= 80, "{command}: a line of {w} cells: {line}");
        assert!(text.lines().count() > 10, "{text}");
    }
    let summary = table(&["summary"], &[("COLUMNS", "80")]);
    let head = summary.lines().nth(1).unwrap();
    for kept in ["id", "server", "SNI", "state", "decryption"] {
        assert!(head.contains(kept), "{head}");
    }
    assert!(
        summary.contains("(left out to fit: ") && summary.contains("shows them)"),
        "{summary}"
    );
}

#[test]
fn piped_tables_take_120_columns_and_wide_takes_all() {
    let piped = table(&["summary"], &[]);
    assert!(widest(&piped).0 <= 120, "{}", widest(&piped).1);
    let wide = table(&["summary", "--wide"], &[("COLUMNS", "80")]);
    let head = wide.lines().nth(1).unwrap();
    for column in [
        "client",
        "version",
        "cipher suite",
        "C→S",
        "S→C",
        "key source",
    ] {
        assert!(head.contains(column), "{head}");
    }
    assert!(!wide.contains("left out to fit"));
    assert!(widest(&wide).0 > 120, "nothing cut with --wide");
}

#[test]
fn colour_only_when_asked_and_always_beats_no_color() {
    let esc = |t: &str| t.contains('\u{1b}');
    assert!(
        !esc(&table(&["summary"], &[])),
        "piped: no colour by default"
    );
    assert!(!esc(&table(&["summary", "--color", "never"], &[])));
    let always = table(&["summary", "--color", "always"], &[("NO_COLOR", "1")]);
    assert!(esc(&always), "--color always wins over NO_COLOR");
    // Green for decrypted (256-colour 10, as comfy-table writes it).
    assert!(always.contains("\u{1b}[38;5;10m decrypted"), "{always}");
    // Coloured or not, the same cells.
    let plain = table(&["summary", "--color", "never"], &[]);
    let stripped = strip_ansi(&always);
    assert_eq!(stripped.lines().count(), plain.lines().count());
    assert_eq!(widest(&stripped).0, widest(&plain).0);
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
