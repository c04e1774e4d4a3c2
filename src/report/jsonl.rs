//! JSON Lines (`--format jsonl`): one connection object per line as soon as it is final,
//! then one last line `{"capture": {…}}`. Each line is a whole JSON value, so `jq`,
//! DuckDB's `read_json` and log shippers read the output as it grows; the connection
//! lines are the objects of the `--json` document's `connections`.

use std::io::{self, Write};

use super::model::{CaptureReport, ConnectionReport};

pub struct JsonlStream<W: Write> {
    out: W,
}

impl<W: Write> JsonlStream<W> {
    pub fn new(out: W) -> Self {
        JsonlStream { out }
    }

    pub fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, c)?;
        self.out.write_all(b"\n")
    }

    pub fn end(&mut self, capture: &CaptureReport) -> io::Result<()> {
        #[derive(serde::Serialize)]
        struct Last<'a> {
            capture: &'a CaptureReport,
        }
        serde_json::to_writer(&mut self.out, &Last { capture })?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}
