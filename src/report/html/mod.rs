//! `report`: one self-contained HTML file — the summary table (sortable, filterable,
//! a page of rows at a time) and, per connection, its facts, its ladder (inline SVG),
//! its certificates and its HTTP transactions. No external script, style, font or
//! image: a Content-Security-Policy that allows none says so to the browser too.
//!
//! ```text
//!  <table id="connections">
//!    <tbody class="conn" id="conn-7">   one per connection, written as it becomes final
//!      <tr class="row">  summary cells  </tr>
//!      <tr class="detail"> facts · ladder · certificates · HTTP </tr>
//!    </tbody> …
//!  </table>  capture totals, warnings, the script (sort, filter, pages, open/close)
//! ```
//!
//! Written as the run goes, like the other views: a connection's block is made and
//! written, then dropped. Rows past [`MAX_ROWS`] and details past [`MAX_DETAILS`] are
//! counted and the page says so, so a capture of any size gives a page a browser opens.
//! Every text from the capture or files is escaped ([`escape`]); the script moves and
//! hides elements and compares text, it never writes markup. The page is well-formed
//! XML as well as HTML (void elements closed, the script in CDATA), so a test can
//! parse it with an XML parser.

mod connection;

use std::io::{self, Write};

use super::model::{CaptureReport, ConnectionReport};
use super::table::{capture_line, SUMMARY_COLUMNS};
use super::text::terminal_safe;
use super::ReportSink;

pub use super::ladder::svg::escape;

/// Connections given a row; the rest are counted (a browser parses 100,000 rows of
/// this page in about 5 s on a small machine, 25,000 in about one).
pub const MAX_ROWS: u64 = 25_000;
/// Connections given their details (ladder, certificates, HTTP); the rest have a row.
pub const MAX_DETAILS: u64 = 1_000;
/// Rows of a page (the script's `PAGE`): the rows after the first page are written
/// hidden.
const PAGE_ROWS: u64 = 200;

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");
/// Nothing may be fetched: styles and the script are inline, images are data.
const POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/// The HTML report, written as connections come.
pub struct HtmlReport<W: Write> {
    out: W,
    rows: u64,
    details: u64,
    /// Connections beyond the caps.
    rows_omitted: u64,
    details_omitted: u64,
    started: bool,
}

impl<W: Write> HtmlReport<W> {
    pub fn new(out: W) -> Self {
        HtmlReport {
            out,
            rows: 0,
            details: 0,
            rows_omitted: 0,
            details_omitted: 0,
            started: false,
        }
    }

    /// The head and the table's header, before the first connection.
    fn start(&mut self) -> io::Result<()> {
        self.started = true;
        let o = &mut self.out;
        writeln!(o, "<!DOCTYPE html>")?;
        writeln!(o, r#"<html lang="en"><head><meta charset="utf-8"/>"#)?;
        writeln!(
            o,
            r#"<meta http-equiv="Content-Security-Policy" content="{POLICY}"/>"#
        )?;
        writeln!(
            o,
            r#"<meta name="viewport" content="width=device-width, initial-scale=1"/>"#
        )?;
        writeln!(o, "<title>tlsscope report</title>")?;
        writeln!(o, "<style>{STYLE}</style></head><body>")?;
        writeln!(o, "<header><h1>tlsscope report</h1></header>")?;
        writeln!(
            o,
            r#"<div id="controls"><input id="filter" type="search" placeholder="filter the rows: any text, e.g. decrypted or 10.0.0.5" aria-label="filter"/> <span id="shown"></span> <button id="prev" type="button">‹ previous</button> <span id="page"></span> <button id="next" type="button">next ›</button> <button id="expand" type="button">open all on this page</button></div>"#
        )?;
        writeln!(
            o,
            "<noscript><p>Without scripts the table is neither sortable nor filterable, \
             and only the first {PAGE_ROWS} rows show, without their details.</p></noscript>"
        )?;
        write!(o, r#"<table id="connections"><thead><tr>"#)?;
        for col in SUMMARY_COLUMNS {
            let numeric = matches!(col.header, "id" | "C→S" | "S→C");
            write!(
                o,
                r#"<th data-type="{}" title="sort">{}</th>"#,
                if numeric { "num" } else { "text" },
                escape(col.header)
            )?;
        }
        writeln!(o, "</tr></thead>")
    }

    pub fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        if !self.started {
            self.start()?;
        }
        if self.rows >= MAX_ROWS {
            self.rows_omitted += 1;
            return Ok(());
        }
        self.rows += 1;
        let detailed = self.details < MAX_DETAILS;
        if detailed {
            self.details += 1;
        } else {
            self.details_omitted += 1;
        }
        connection::write(&mut self.out, c, detailed, self.rows > PAGE_ROWS)
    }

    /// The table's end, the capture's totals and warnings, what was left out, the
    /// script.
    pub fn end(mut self, capture: &CaptureReport) -> io::Result<W> {
        if !self.started {
            self.start()?;
        }
        let o = &mut self.out;
        writeln!(o, "</table>")?;
        if self.rows == 0 {
            writeln!(
                o,
                r#"<p class="empty">No TLS connection in the capture.</p>"#
            )?;
        }
        writeln!(
            o,
            r#"<footer><p id="capture">{}</p>"#,
            text(&capture_line(capture))
        )?;
        if self.rows_omitted > 0 {
            writeln!(
                o,
                r#"<p class="cap">{} more connections are not in this page (it lists the first {MAX_ROWS}): pick them with --filter or --conn.</p>"#,
                self.rows_omitted
            )?;
        }
        if self.details_omitted > 0 {
            writeln!(
                o,
                r#"<p class="cap">Details (ladder, certificates, HTTP) are given for the first {MAX_DETAILS} connections; {} more have their row only: pick them with --filter or --conn.</p>"#,
                self.details_omitted
            )?;
        }
        if !capture.warnings.is_empty() {
            writeln!(o, r#"<ul class="warnings">"#)?;
            for w in &capture.warnings {
                writeln!(o, "<li>warning: {}</li>", text(w))?;
            }
            writeln!(o, "</ul>")?;
        }
        writeln!(o, "</footer>")?;
        // CDATA, so that the page is well-formed XML too (the tests parse it so).
        writeln!(o, "<script>//<![CDATA[\n{SCRIPT}//]]></script>")?;
        writeln!(o, "</body></html>")?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Text from the capture for the page: control characters shown as escapes (as the
/// terminal views show them), then markup-escaped.
pub(super) fn text(s: &str) -> String {
    escape(&terminal_safe(s))
}

impl<W: Write> ReportSink<W> for HtmlReport<W> {
    fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        HtmlReport::connection(self, c)
    }
    fn end(self: Box<Self>, capture: &CaptureReport) -> io::Result<W> {
        HtmlReport::end(*self, capture)
    }
}

#[cfg(test)]
mod tests;
