//! The ladder as one self-contained SVG document: no script, no link, no external
//! font or style; every text from the capture XML-escaped.
//!
//! ```text
//!   client            server
//!     │── ClientHello ──►│      one row per step, ROW pixels apart
//!     │◄── ServerHello ──│
//! ```

use std::io::{self, Write};

use super::{title, totals, Step};
use crate::report::model::{ConnectionReport, Side};

const WIDTH: usize = 760;
const ROW: usize = 26;
/// The lifelines' x positions and the top of the first row.
const LEFT: usize = 150;
const RIGHT: usize = 690;
const TOP: usize = 70;

/// `s` as XML character data or attribute text.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Not allowed in XML 1.0 at all: shown as a replacement character.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

pub fn draw(out: &mut impl Write, c: &ConnectionReport, steps: &[Step]) -> io::Result<()> {
    draw_with_marker(out, c, steps, "head")
}

/// [`draw`], the arrowhead under the id `marker`: an HTML page holding many ladders
/// gives each its own (ids are unique in a document).
pub fn draw_with_marker(
    out: &mut impl Write,
    c: &ConnectionReport,
    steps: &[Step],
    marker: &str,
) -> io::Result<()> {
    let height = TOP + ROW * (steps.len() + 1) + 30;
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="monospace" font-size="12">"#
    )?;
    writeln!(out, "<title>{}</title>", escape(&title(c)))?;
    writeln!(
        out,
        r##"<defs><marker id="{marker}" markerWidth="10" markerHeight="8" refX="10" refY="4" orient="auto"><path d="M0,0 L10,4 L0,8 z" fill="#222"/></marker></defs>"##
    )?;
    writeln!(
        out,
        r#"<text x="10" y="20" font-weight="bold">{}</text>"#,
        escape(&title(c))
    )?;
    let bottom = TOP + ROW * steps.len();
    for (x, name) in [(LEFT, "client"), (RIGHT, "server")] {
        writeln!(
            out,
            r#"<text x="{x}" y="{}" text-anchor="middle">{name}</text>"#,
            TOP - 22
        )?;
        writeln!(
            out,
            r##"<line class="lifeline" x1="{x}" y1="{}" x2="{x}" y2="{bottom}" stroke="#888"/>"##,
            TOP - 14
        )?;
    }
    for (i, step) in steps.iter().enumerate() {
        let y = TOP + ROW * i + ROW / 2;
        match step {
            Step::Arrow { from, at, label } => {
                let (x1, x2) = match from {
                    Side::Client => (LEFT, RIGHT),
                    Side::Server => (RIGHT, LEFT),
                };
                writeln!(
                    out,
                    r##"<text x="{}" y="{}" text-anchor="end" fill="#555">{:.3} ms</text>"##,
                    LEFT - 12,
                    y + 4,
                    *at as f64 / 1e6
                )?;
                writeln!(
                    out,
                    r##"<line class="arrow" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="#222" marker-end="url(#{marker})"/>"##
                )?;
                writeln!(
                    out,
                    r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
                    (LEFT + RIGHT) / 2,
                    y - 4,
                    escape(label)
                )?;
            }
            Step::Note(text) => {
                writeln!(
                    out,
                    r##"<rect class="note" x="{LEFT}" y="{}" width="{}" height="{}" fill="#fff6d5" stroke="#c9b458"/>"##,
                    y - 9,
                    RIGHT - LEFT,
                    ROW - 8
                )?;
                writeln!(
                    out,
                    r#"<text x="{}" y="{}" text-anchor="middle" font-style="italic">{}</text>"#,
                    (LEFT + RIGHT) / 2,
                    y + 4,
                    escape(text)
                )?;
            }
        }
    }
    writeln!(
        out,
        r#"<text x="10" y="{}">{}</text>"#,
        bottom + 24,
        escape(&totals(c))
    )?;
    writeln!(out, "</svg>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_are_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(escape("a\u{1b}b"), "a\u{fffd}b");
        assert_eq!(escape("a\u{ffff}b"), "a\u{fffd}b");
    }
}
