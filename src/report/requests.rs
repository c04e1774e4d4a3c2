//! The `requests` view: one row per HTTP request (or unmatched response) of every
//! decrypted connection, with the connection beside it, like `tshark -z http,tree`
//! with the TLS facts. Written a page at a time, like `summary`.

use std::io::{self, Write};

use super::app::{MessageReport, TransactionReport};
use super::fit::{Column, Cut};
use super::model::{CaptureReport, ConnectionReport};
use super::table::{cell, column, endpoint, server_cell, write_footer, Pages, TableStyle};

/// Writes the requests of the connections as they come.
pub struct RequestsTable<W: Write> {
    pages: Pages<W>,
}

/// At 80 columns: the connection, method, host, target, status and bytes.
pub(super) const COLUMNS: &[Column] = &[
    column("conn", 0, 4, 8, Cut::End),
    column("client", 4, 12, 47, Cut::Middle),
    column("server", 3, 12, 54, Cut::Middle),
    column("proto", 2, 5, 10, Cut::End),
    column("time", 4, 8, 16, Cut::End),
    column("method", 1, 6, 8, Cut::End),
    column("host", 1, 10, 24, Cut::Middle),
    column("target", 1, 12, 32, Cut::Middle),
    column("status", 1, 6, 6, Cut::End),
    column("type", 3, 10, 24, Cut::End),
    column("bytes", 2, 5, 12, Cut::End),
    column("note", 3, 10, 40, Cut::End),
];

impl<W: Write> RequestsTable<W> {
    pub fn new(out: W, style: TableStyle) -> Self {
        RequestsTable {
            pages: Pages::new(out, COLUMNS, style, |_, _| None),
        }
    }

    pub fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        let Some(app) = &c.app else { return Ok(()) };
        for t in &app.transactions {
            self.pages.push(row(c, app.protocol, t))?;
        }
        Ok(())
    }

    pub fn end(mut self, capture: &CaptureReport) -> io::Result<W> {
        self.pages.end()?;
        writeln!(
            self.pages.out,
            "{} HTTP requests and responses",
            self.pages.written
        )?;
        write_footer(&mut self.pages.out, capture, self.pages.style.width)?;
        self.pages.out.flush()?;
        Ok(self.pages.out)
    }
}

fn header<'a>(m: Option<&'a MessageReport>, name: &str) -> Option<&'a str> {
    m?.headers
        .iter()
        .find(|[n, _]| n.eq_ignore_ascii_case(name))
        .map(|[_, v]| v.as_str())
}

pub(super) fn row(c: &ConnectionReport, protocol: &str, t: &TransactionReport) -> Vec<String> {
    let (req, resp) = (t.request.as_ref(), t.response.as_ref());
    let dash = || "-".to_string();
    let host = header(req, "host")
        .or(req.and_then(|m| m.authority.as_deref()))
        .or(c.sni.as_deref())
        .unwrap_or("-");
    let mut note = Vec::new();
    if t.pushed {
        note.push("pushed".to_string());
    }
    if let Some(r) = &t.reset {
        note.push(format!("reset by the {} ({})", r.by.as_str(), r.error));
    }
    let mut note: Vec<&str> = note.iter().map(String::as_str).collect();
    if req.is_none() {
        note.push("no request in the capture");
    }
    if resp.is_none() {
        note.push("no response");
    }
    if req.is_some_and(|m| !m.body.complete) {
        note.push("request body incomplete");
    }
    if resp.is_some_and(|m| !m.body.complete) {
        note.push("response body incomplete");
    }
    vec![
        c.id.to_string(),
        endpoint(&c.client.ip, c.client.port),
        server_cell(c),
        // HTTP/2's stream beside the protocol: `h2 #3`.
        match t.stream_id {
            Some(id) => format!("{protocol} #{id}"),
            None => protocol.to_string(),
        },
        req.or(resp).map(|m| m.time.clone()).unwrap_or_else(dash),
        req.and_then(|m| m.method.as_deref())
            .map(cell)
            .unwrap_or_else(dash),
        cell(host),
        req.and_then(|m| m.target.as_deref())
            .map(cell)
            .unwrap_or_else(dash),
        resp.and_then(|m| m.status)
            .map(|s| s.to_string())
            .unwrap_or_else(dash),
        header(resp, "content-type").map(cell).unwrap_or_else(dash),
        resp.map(|m| m.body.bytes.to_string()).unwrap_or_else(dash),
        note.join("; "),
    ]
}
