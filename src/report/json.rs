//! The `--json` document written as the run goes: each connection as soon as it is
//! final, the capture object (totals, warnings) last. Memory does not grow with the
//! number of connections, and the document is the one [`super::to_json`] gives for the
//! same report, but for the order of its two keys.
//!
//! ```text
//!  {
//!    "connections": [
//!      {…}, {…}, …
//!    ],
//!    "capture": {…}
//!  }
//! ```

use std::io::{self, Write};

use serde::Serialize;

use super::model::{CaptureReport, ConnectionReport};

pub struct JsonStream<W: Write> {
    out: W,
    first: bool,
}

/// Written before the first connection, or at the end: a run that fails before any
/// output (an unreadable file) writes nothing.
const HEAD: &str = "{\n  \"connections\": [";

impl<W: Write> JsonStream<W> {
    pub fn new(out: W) -> Self {
        JsonStream { out, first: true }
    }

    pub fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        let sep = if self.first { HEAD } else { "," };
        self.first = false;
        write!(self.out, "{sep}\n    ")?;
        write_indented(&mut self.out, c, "    ")
    }

    pub fn end(&mut self, capture: &CaptureReport) -> io::Result<()> {
        let close = if self.first {
            format!("{HEAD}]")
        } else {
            "\n  ]".to_string()
        };
        write!(self.out, "{close},\n  \"capture\": ")?;
        write_indented(&mut self.out, capture, "  ")?;
        self.out.write_all(b"\n}\n")?;
        self.out.flush()
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Pretty JSON (two spaces a level) straight into `out`, every line after the first
/// indented by `base`: serialising into a string and indenting that was a tenth of a
/// handshake-heavy run's CPU.
fn write_indented(out: &mut impl Write, value: &impl Serialize, base: &str) -> io::Result<()> {
    let mut line = Vec::with_capacity(64);
    line.push(b'\n');
    line.extend_from_slice(base.as_bytes());
    let formatter = Indented {
        line,
        has_value: false,
    };
    let mut ser = serde_json::Serializer::with_formatter(out, formatter);
    value.serialize(&mut ser).map_err(io::Error::other)
}

/// serde_json's pretty formatter, with a base indentation under every line.
struct Indented {
    /// A new line at the current depth: `\n`, the base, two spaces a level (one write
    /// per line: a write per level was a tenth of the output's cost).
    line: Vec<u8>,
    has_value: bool,
}

impl Indented {
    fn new_line<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        w.write_all(&self.line)
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.line.extend_from_slice(b"  ");
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.line.truncate(self.line.len().saturating_sub(2));
        if self.has_value {
            self.new_line(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.new_line(w)
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same text as serde_json's pretty printer, indented.
    #[test]
    fn as_pretty_printed_then_indented() {
        let v = serde_json::json!({
            "a": [1, {"b": [], "c": {}}, [2, [3]]],
            "d": {"e": "x\ny", "f": null},
            "g": []
        });
        let mut out = Vec::new();
        write_indented(&mut out, &v, "    ").unwrap();
        let want = serde_json::to_string_pretty(&v)
            .unwrap()
            .replace('\n', "\n    ");
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }
}
