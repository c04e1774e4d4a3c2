//! Reports: the JSON contract ([`model`], and [`wire`] for the parsed TLS messages), and
//! the views written as the run goes, each a [`ReportSink`]: the human tables
//! ([`table`]), the JSON document ([`json`]), JSON Lines ([`jsonl`]); and `follow`'s
//! output ([`follow`]).
//!
//! ```text
//!  ConnectionReport (as each becomes final) ─┬─► SummaryTable / InspectView (pages, per connection)
//!                                             ├─► JsonStream ({"connections": [ … ], "capture": {…}})
//!                                             └─► JsonlStream (a line per connection, the capture last)
//!  CaptureReport (at the end) ───────────────► the same sinks' `end`
//! ```

pub mod app;
pub mod dtls;
pub mod export;
pub mod fit;
pub mod follow;
pub mod html;
pub mod http3;
pub mod json;
pub mod jsonl;
pub mod ladder;
pub mod model;
pub mod parquet;
pub mod quic;
pub mod requests;
pub mod schema;
pub mod table;
pub mod text;
pub mod time;
pub mod verdict;
pub mod wire;
pub mod words;

pub use model::Report;

use std::io::{self, Write};

use model::{CaptureReport, ConnectionReport};

/// A view of the report written as the run goes: connections as they become final,
/// the capture's totals last.
pub trait ReportSink<W> {
    fn connection(&mut self, c: &ConnectionReport) -> io::Result<()>;
    /// Writes the end and gives the output back.
    fn end(self: Box<Self>, capture: &CaptureReport) -> io::Result<W>;
}

impl<W: Write> ReportSink<W> for json::JsonStream<W> {
    fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        json::JsonStream::connection(self, c)
    }
    fn end(mut self: Box<Self>, capture: &CaptureReport) -> io::Result<W> {
        json::JsonStream::end(&mut self, capture)?;
        Ok(self.into_inner())
    }
}

impl<W: Write> ReportSink<W> for jsonl::JsonlStream<W> {
    fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        jsonl::JsonlStream::connection(self, c)
    }
    fn end(mut self: Box<Self>, capture: &CaptureReport) -> io::Result<W> {
        jsonl::JsonlStream::end(&mut self, capture)?;
        Ok(self.into_inner())
    }
}

impl<W: Write> ReportSink<W> for table::SummaryTable<W> {
    fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        table::SummaryTable::connection(self, c)
    }
    fn end(self: Box<Self>, capture: &CaptureReport) -> io::Result<W> {
        table::SummaryTable::end(*self, capture)
    }
}

impl<W: Write> ReportSink<W> for requests::RequestsTable<W> {
    fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        requests::RequestsTable::connection(self, c)
    }
    fn end(self: Box<Self>, capture: &CaptureReport) -> io::Result<W> {
        requests::RequestsTable::end(*self, capture)
    }
}

impl<W: Write> ReportSink<W> for table::InspectView<W> {
    fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        table::InspectView::connection(self, c)
    }
    fn end(self: Box<Self>, capture: &CaptureReport) -> io::Result<W> {
        table::InspectView::end(*self, capture)
    }
}

/// The report as pretty JSON (the `--json` output).
pub fn to_json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
