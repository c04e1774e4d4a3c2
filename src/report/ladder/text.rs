//! The ladder in the terminal: the time since the first message, then the two
//! lifelines with an arrow per message, its label inside the arrow.
//!
//! ```text
//!            client                                                   server
//!   0.000 ms │── ClientHello x=0a154356… SNI tlsscope.test ──────────────►│
//!   2.158 ms │◄─────────────────── ServerHello y=603f582b… TLS_ECDHE_… ───│
//!            │╌╌╌╌╌╌╌╌╌╌╌ client → server encrypted from here ╌╌╌╌╌╌╌╌╌╌╌│
//! ```

use std::io::{self, Write};

use super::{title, totals, Step};
use crate::report::fit::{cut, width, wrap, Cut};
use crate::report::model::{ConnectionReport, Side};

/// Cells of the time column and the space after it.
const TIME: usize = 11;
/// The narrowest ladder drawn: below it lines are as wide as this.
const LEAST: usize = 40;

/// Milliseconds under a second, then seconds: at most 10 cells (up to 3 years).
fn time(ns: i64) -> String {
    let s = ns as f64 / 1e9;
    if ns < 1_000_000_000 {
        format!("{:.3} ms", ns as f64 / 1e6)
    } else if s < 1000.0 {
        format!("{s:.3} s")
    } else {
        format!("{s:.0} s")
    }
}

pub fn draw(
    out: &mut impl Write,
    c: &ConnectionReport,
    steps: &[Step],
    total: usize,
) -> io::Result<()> {
    let total = total.max(LEAST);
    // Between the two lifelines.
    let inner = total - TIME - 2;
    for line in wrap(&title(c), total) {
        writeln!(out, "{line}")?;
    }
    // The names over their lifelines: the whole line is `total` cells.
    writeln!(
        out,
        "{}client{}server",
        " ".repeat(TIME - 2),
        " ".repeat(total - TIME - 10)
    )?;
    for step in steps {
        match step {
            Step::Arrow { from, at, label } => {
                let label = cut(label, inner.saturating_sub(6), Cut::End);
                // `── label ─…─►`: 5 cells besides the label and the fill.
                let fill = "─".repeat(inner - width(&label) - 5);
                let line = match from {
                    Side::Client => format!("── {label} {fill}►"),
                    Side::Server => format!("◄{fill} {label} ──"),
                };
                writeln!(out, "{:>w$} │{line}│", time(*at), w = TIME - 1)?;
            }
            Step::Note(text) => {
                let text = cut(text, inner.saturating_sub(4), Cut::End);
                let room = inner - width(&text) - 2;
                let (l, r) = (room / 2, room - room / 2);
                writeln!(
                    out,
                    "{:w$}│{} {text} {}│",
                    "",
                    "╌".repeat(l),
                    "╌".repeat(r),
                    w = TIME
                )?;
            }
        }
    }
    for line in wrap(&totals(c), total) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_ms_then_seconds() {
        assert_eq!(time(0), "0.000 ms");
        assert_eq!(time(2_158_000), "2.158 ms");
        assert_eq!(time(1_438_031_000), "1.438 s");
        assert_eq!(time(12_500_000_000), "12.500 s");
        assert_eq!(time(86_400_000_000_000), "86400 s");
        assert!(time(99_999_999 * 1_000_000_000).len() <= 10);
    }
}
