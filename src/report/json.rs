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
        write!(self.out, "{sep}\n    {}", indented(c, "    "))
    }

    pub fn end(&mut self, capture: &CaptureReport) -> io::Result<()> {
        let close = if self.first {
            format!("{HEAD}]")
        } else {
            "\n  ]".to_string()
        };
        write!(
            self.out,
            "{close},\n  \"capture\": {}\n}}\n",
            indented(capture, "  ")
        )?;
        self.out.flush()
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Pretty JSON with every line after the first indented by `indent`.
fn indented(value: &impl Serialize, indent: &str) -> String {
    let text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.replace('\n', &format!("\n{indent}"))
}
