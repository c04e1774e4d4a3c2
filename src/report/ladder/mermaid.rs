//! The ladder as a Mermaid `sequenceDiagram`, for reports and documentation:
//!
//! ```text
//! sequenceDiagram
//!     participant C as client 127.0.0.1:51420
//!     participant S as server 127.0.0.1:20022
//!     C->>S: ClientHello x=0a154356… SNI tlsscope.test
//!     Note over C,S: client → server encrypted from here
//! ```
//! Text from the capture is written through [`escape`]: Mermaid reads `;` and `#` as
//! syntax, and a line break would end the statement.

use std::io::{self, Write};

use super::{title, totals, Step};
use crate::report::model::{ConnectionReport, Side};
use crate::report::table::endpoint;

/// `s` as Mermaid message text: `;`, `#`, `<`, `>` and line breaks as entity codes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '#' | ';' | '<' | '>' | '\n' | '\r' => out.push_str(&format!("#{};", ch as u32)),
            c if c.is_control() => out.push_str(&format!("#{};", c as u32)),
            c => out.push(c),
        }
    }
    out
}

pub fn draw(out: &mut impl Write, c: &ConnectionReport, steps: &[Step]) -> io::Result<()> {
    writeln!(out, "sequenceDiagram")?;
    writeln!(out, "    %% {}", escape(&title(c)))?;
    writeln!(
        out,
        "    participant C as client {}",
        escape(&endpoint(&c.client.ip, c.client.port))
    )?;
    writeln!(
        out,
        "    participant S as server {}",
        escape(&endpoint(&c.server.ip, c.server.port))
    )?;
    for step in steps {
        match step {
            Step::Arrow { from, at, label } => {
                let (a, b) = match from {
                    Side::Client => ("C", "S"),
                    Side::Server => ("S", "C"),
                };
                let ms = *at as f64 / 1e6;
                writeln!(out, "    {a}->>{b}: {} (+{ms:.3} ms)", escape(label))?;
            }
            Step::Note(text) => writeln!(out, "    Note over C,S: {}", escape(text))?,
        }
    }
    writeln!(out, "    Note over C,S: {}", escape(&totals(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_characters_become_entities() {
        assert_eq!(escape("a;b#c<d>\ne"), "a#59;b#35;c#60;d#62;#10;e");
        assert_eq!(escape("x=0a15… SNI é"), "x=0a15… SNI é");
    }
}
