//! Tables for people: `summary` (one row per connection) and `inspect` (every message),
//! written as the run goes, like the JSON: a table view holds at most one page of rows
//! (or one connection) at a time, whatever the capture holds. The capture's totals and
//! warnings come last, once they are known.
//!
//! Everything taken from the capture or from files (names, subjects, ALPN, warnings) is
//! shown through [`terminal_safe`]: no byte of the input reaches the terminal raw.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, Color, ContentArrangement, Table};

use super::app::MessageReport;
use super::fit::{cut, fit, wrap, Column, Cut};
use super::model::{CaptureReport, ConnectionReport, MessageBody, Side};
use super::quic::{frame_name, HalfReport, QuicReport, Sides, SpaceCounts};
use super::text::{bytes_as_text, terminal_safe};
use super::time::{dated_time, table_time, Zone};
use super::words::{self, Verified};
use crate::flow::Transport;
use crate::quic::frame::FrameKind;
use crate::tls::handshake::HandshakeMessage;

/// Rows per `summary` table page: a page is drawn (column widths fitted) and written
/// once this many connections are in; then the next page starts.
pub const PAGE_ROWS: usize = 1000;
/// Width of the row tables (`summary`, `requests`) when stdout is not a terminal and
/// `COLUMNS` is unset.
const DEFAULT_WIDTH: u16 = 120;
/// The same for `inspect`, whose detail cells wrap (their lines are kept per
/// connection, so a narrower table holds more of them).
const INSPECT_DEFAULT_WIDTH: u16 = 160;
/// Characters of one table cell; the rest is elided (the JSON has everything).
const CELL_CHARS: usize = 2000;

pub(super) fn new_table() -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(terminal_width_or(INSPECT_DEFAULT_WIDTH));
    t
}

fn terminal_width() -> u16 {
    output_width(DEFAULT_WIDTH, u16::MAX)
}

fn terminal_width_or(piped: u16) -> u16 {
    output_width(piped, u16::MAX)
}

/// The width to draw standard output's views at: `COLUMNS` wins; then the terminal's
/// width, up to `most`; else (a file or a pipe) `piped`, so that what is written there
/// is laid out in bounded time.
pub fn output_width(piped: u16, most: u16) -> u16 {
    use std::io::IsTerminal;
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &u16| w >= 20)
        .or_else(|| {
            io::stdout()
                .is_terminal()
                .then(|| comfy_table::Table::new().width())
                .flatten()
                .map(|w| w.min(most))
        })
        .unwrap_or(piped)
}

/// Input-derived text for a cell: terminal-safe, and cut to a readable length.
pub(super) fn cell(s: &str) -> String {
    let safe = terminal_safe(s);
    match safe.char_indices().nth(CELL_CHARS) {
        Some((cut, _)) => format!("{}… ({} more bytes)", &safe[..cut], safe.len() - cut),
        None => safe.into_owned(),
    }
}

pub(super) fn capture_line(c: &CaptureReport) -> String {
    let mut line = format!(
        "{} ({}): {} packets, {} bytes, {} TCP connections, {} with TLS",
        c.files
            .iter()
            .map(|f| cell(&f.file))
            .collect::<Vec<_>>()
            .join(", "),
        c.files
            .iter()
            .filter_map(|f| f.format)
            .map(|f| format!("{f:?}").to_lowercase())
            .collect::<Vec<_>>()
            .join(", "),
        c.packets,
        c.bytes,
        c.tcp_connections,
        c.tls_connections
    );
    if c.udp_flows > 0 {
        line.push_str(&format!(
            "; {} UDP flows: {} QUIC, {}{} other",
            c.udp_flows,
            c.quic_connections,
            if c.dtls_connections > 0 {
                format!("{} DTLS, ", c.dtls_connections)
            } else {
                String::new()
            },
            c.udp_flows_other
        ));
    }
    if c.truncated {
        line.push_str("; FILE TRUNCATED (cut mid-packet)");
    }
    line
}

/// The capture's totals and warnings, each wrapped to `width` (`None`: unwrapped).
pub(super) fn write_footer(
    out: &mut impl Write,
    c: &CaptureReport,
    width: Option<usize>,
) -> io::Result<()> {
    write_wrapped(out, &capture_line(c), width)?;
    for w in &c.warnings {
        write_wrapped(out, &format!("warning: {}", terminal_safe(w)), width)?;
    }
    Ok(())
}

pub(super) fn write_wrapped(
    out: &mut impl Write,
    text: &str,
    width: Option<usize>,
) -> io::Result<()> {
    match width {
        Some(w) => {
            for line in wrap(text, w) {
                writeln!(out, "{line}")?;
            }
            Ok(())
        }
        None => writeln!(out, "{text}"),
    }
}

/// Whether to colour the tables: `--color auto|always|never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set (<https://no-color.org>) or `TERM=dumb`.
    #[default]
    Auto,
    Always,
    Never,
}

/// How the row tables (`summary`, `requests`) are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableStyle {
    /// The width rows are fitted to; `None` (`--wide`): every column, nothing cut.
    pub width: Option<usize>,
    pub color: bool,
}

impl TableStyle {
    /// The style for standard output: its width (see [`terminal_width`]) unless `wide`.
    pub fn for_stdout(wide: bool, color: ColorChoice) -> Self {
        use std::io::IsTerminal;
        TableStyle {
            width: (!wide).then(|| usize::from(terminal_width())),
            color: color.wanted(
                io::stdout().is_terminal(),
                std::env::var_os("NO_COLOR").as_deref(),
                std::env::var_os("TERM").as_deref(),
            ),
        }
    }
}

impl ColorChoice {
    /// Whether to colour, given whether the output is a terminal and the environment's
    /// `NO_COLOR` and `TERM`. An explicit `--color always` wins over `NO_COLOR`, as
    /// no-color.org asks.
    pub fn wanted(
        self,
        terminal: bool,
        no_color: Option<&std::ffi::OsStr>,
        term: Option<&std::ffi::OsStr>,
    ) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                terminal
                    && no_color.is_none_or(|v| v.is_empty())
                    && term.is_none_or(|t| t != "dumb")
            }
        }
    }
}

/// The colour of a cell, from its column's index and its whole (uncut) text.
pub(super) type Paint = fn(usize, &str) -> Option<Color>;

/// Rows written under one header, a page (one table) at a time, so a long list
/// needs neither all its rows in memory nor one table as wide as its widest cell.
/// Each page is fitted to the style's width (see [`super::fit`]).
pub(super) struct Pages<W: Write> {
    pub(super) out: W,
    columns: &'static [Column],
    pub(super) style: TableStyle,
    paint: Paint,
    rows: Vec<Vec<String>>,
    /// Rows written in all.
    pub(super) written: u64,
}

impl<W: Write> Pages<W> {
    pub(super) fn new(out: W, columns: &'static [Column], style: TableStyle, paint: Paint) -> Self {
        Pages {
            out,
            columns,
            style,
            paint,
            rows: Vec::new(),
            written: 0,
        }
    }

    pub(super) fn push(&mut self, row: Vec<String>) -> io::Result<()> {
        self.rows.push(row);
        if self.rows.len() >= PAGE_ROWS {
            self.page()?;
        }
        Ok(())
    }

    fn page(&mut self) -> io::Result<()> {
        let kept = match self.style.width {
            Some(w) => fit(self.columns, &self.rows, w),
            None => (0..self.columns.len()).map(|i| (i, usize::MAX)).collect(),
        };
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled);
        if self.style.color {
            // Asked for (`--color always`, or auto on a terminal without NO_COLOR):
            // crossterm would still drop it when NO_COLOR is set.
            crossterm::style::force_color_output(true);
            t.enforce_styling();
        }
        t.set_header(kept.iter().map(|&(i, _)| self.columns[i].header));
        self.written += self.rows.len() as u64;
        for row in self.rows.drain(..) {
            t.add_row(kept.iter().map(|&(i, w)| {
                let text = row.get(i).map_or("", String::as_str);
                let c = Cell::new(cut(text, w, self.columns[i].cut));
                match self.style.color.then(|| (self.paint)(i, text)).flatten() {
                    Some(color) => c.fg(color),
                    None => c,
                }
            }));
        }
        writeln!(self.out, "{t}")?;
        if kept.len() < self.columns.len() {
            let left: Vec<&str> = (0..self.columns.len())
                .filter(|i| !kept.iter().any(|k| k.0 == *i))
                .map(|i| self.columns[i].header)
                .collect();
            let line = format!("(left out to fit: {}; --wide shows them)", left.join(", "));
            write_wrapped(&mut self.out, &line, self.style.width)?;
        }
        Ok(())
    }

    /// The last page (the header alone when there were no rows at all).
    pub(super) fn end(&mut self) -> io::Result<()> {
        if !self.rows.is_empty() || self.written == 0 {
            self.page()?;
        }
        Ok(())
    }
}

/// The `summary` view, a page of rows at a time.
pub struct SummaryTable<W: Write> {
    pages: Pages<W>,
}

/// `summary`'s columns, most important first: id; server, SNI, decryption; state;
/// client, version; cipher suite; bytes; key source; certificate validation.
pub(super) const SUMMARY_COLUMNS: &[Column] = &[
    column("id", 0, 2, 8, Cut::End),
    column("client", 3, 12, 47, Cut::Middle),
    column("server", 1, 12, 54, Cut::Middle),
    column("SNI", 1, 10, 32, Cut::Middle),
    column("version", 3, 7, 9, Cut::End),
    column("cipher suite", 4, 14, 40, Cut::End),
    column("C→S", 5, 5, 12, Cut::End),
    column("S→C", 5, 5, 12, Cut::End),
    column("state", 2, 11, 24, Cut::End),
    column("decryption", 1, 9, 18, Cut::End),
    column("key source", 6, 10, 32, Cut::Middle),
    column("certificate", 7, 11, 14, Cut::End),
];

pub(super) const fn column(
    header: &'static str,
    priority: u8,
    min: usize,
    max: usize,
    cut: Cut,
) -> Column {
    Column {
        header,
        priority,
        min,
        max,
        cut,
    }
}

/// Green for decrypted, red for failed, yellow for damaged.
fn summary_paint(column: usize, text: &str) -> Option<Color> {
    match SUMMARY_COLUMNS.get(column)?.header {
        "decryption" => match text {
            "decrypted" => Some(Color::Green),
            "key_mismatch" | "unsupported_cipher" => Some(Color::Red),
            "incomplete" => Some(Color::Yellow),
            _ => None,
        },
        "certificate" => match text {
            "ok" => Some(Color::Green),
            "-" => None,
            _ => Some(Color::Red),
        },
        "state" if text.starts_with("failed") => Some(Color::Red),
        "state" if text.starts_with("incomplete") || text.contains(", ") => Some(Color::Yellow),
        "state" if text.starts_with("established") => Some(Color::Green),
        _ => None,
    }
}

impl<W: Write> SummaryTable<W> {
    pub fn new(out: W, style: TableStyle) -> Self {
        SummaryTable {
            pages: Pages::new(out, SUMMARY_COLUMNS, style, summary_paint),
        }
    }

    pub fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        self.pages.push(summary_row(c))
    }

    /// The last page, then the capture's totals and warnings.
    pub fn end(mut self, capture: &CaptureReport) -> io::Result<W> {
        self.pages.end()?;
        write_footer(&mut self.pages.out, capture, self.pages.style.width)?;
        self.pages.out.flush()?;
        Ok(self.pages.out)
    }
}

pub(super) fn summary_row(c: &ConnectionReport) -> Vec<String> {
    vec![
        c.id.to_string(),
        endpoint(&c.client.ip, c.client.port),
        server_cell(c),
        cell(c.sni.as_deref().unwrap_or_default()),
        c.version.clone().unwrap_or_else(|| "-".into()),
        c.cipher_suite
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "-".into()),
        c.transport_bytes()[0].to_string(),
        c.transport_bytes()[1].to_string(),
        state_text(c),
        c.decryption.status.to_string(),
        c.decryption
            .key_source
            .as_ref()
            .map(|k| short_source(&k.describe()))
            .unwrap_or_else(|| "-".into()),
        c.certificate_validation
            .as_ref()
            .map_or("-", |v| v.status.as_str())
            .to_string(),
    ]
}

/// A key source without the folders of its file: `keylog: sslkeys.log`.
fn short_source(source: &str) -> String {
    let short = match source.split_once(':') {
        Some((kind, file)) => {
            let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
            format!("{kind}: {name}")
        }
        None => source.to_string(),
    };
    cell(&short)
}

/// The server's endpoint, marked when the connection is not TCP (the default).
pub(super) fn server_cell(c: &ConnectionReport) -> String {
    let e = endpoint(&c.server.ip, c.server.port);
    match c.transport {
        Transport::Tcp => e,
        Transport::Quic => format!("{e} (QUIC)"),
        Transport::Dtls => format!("{e} (DTLS)"),
    }
}

/// The facts of a QUIC connection for `inspect`.
fn quic_facts(q: &QuicReport) -> Vec<(&'static str, String)> {
    let cids = |l: &[Vec<u8>]| l.iter().map(hex::encode).collect::<Vec<_>>().join(", ");
    let space = |s: &Sides<SpaceCounts>| {
        let one = |c: &SpaceCounts| {
            let mut t = format!("{} packets, {} bytes", c.packets, c.bytes);
            if c.decrypted > 0 {
                t.push_str(&format!(", {} decrypted", c.decrypted));
            }
            if c.undecrypted > 0 {
                t.push_str(&format!(", {} without keys", c.undecrypted));
            }
            if c.failed > 0 {
                t.push_str(&format!(", {} failed", c.failed));
            }
            t
        };
        if s.client.packets + s.server.packets == 0 {
            return String::new();
        }
        format!("C→S {}; S→C {}", one(&s.client), one(&s.server))
    };
    let mut v = vec![
        (
            "QUIC version",
            q.version.map(|v| v.to_string()).unwrap_or_default(),
        ),
        (
            "original DCID",
            q.original_dcid
                .as_ref()
                .map(hex::encode)
                .unwrap_or_default(),
        ),
        ("client SCIDs", cids(&q.scids.client)),
        ("server SCIDs", cids(&q.scids.server)),
        (
            "datagrams",
            format!(
                "C→S {} ({} bytes); S→C {} ({} bytes)",
                q.datagrams.client, q.bytes.client, q.datagrams.server, q.bytes.server
            ),
        ),
        ("Initial", space(&q.spaces.initial)),
        ("Handshake", space(&q.spaces.handshake)),
        ("0-RTT/1-RTT", space(&q.spaces.application)),
    ];
    if q.retry_packets > 0 {
        let mut t = q.retry_packets.to_string();
        if q.retry_tag_failures > 0 {
            t.push_str(&format!(
                " ({} with a wrong integrity tag)",
                q.retry_tag_failures
            ));
        }
        v.push(("Retry", t));
    }
    if q.version_negotiation_packets > 0 {
        let offered: Vec<String> = q.offered_versions.iter().map(|v| v.to_string()).collect();
        v.push((
            "Version Negotiation",
            format!(
                "{} (offered: {})",
                q.version_negotiation_packets,
                offered.join(", ")
            ),
        ));
    }
    if q.key_updates.client + q.key_updates.server > 0 {
        v.push((
            "key updates",
            format!("C→S {}; S→C {}", q.key_updates.client, q.key_updates.server),
        ));
    }
    for (side, counts) in [
        ("frames C→S", &q.frames.client),
        ("frames S→C", &q.frames.server),
    ] {
        let named: Vec<String> = FrameKind::ALL
            .iter()
            .zip(counts)
            .filter(|(_, &n)| n > 0)
            .map(|(&k, n)| format!("{} {n}", frame_name(k)))
            .collect();
        if !named.is_empty() {
            v.push((side, named.join(", ")));
        }
    }
    let new_cids = q.new_connection_ids.client.len() + q.new_connection_ids.server.len();
    if new_cids > 0 {
        v.push((
            "new connection IDs",
            format!(
                "client {}, server {} (retired: {}, {})",
                q.new_connection_ids.client.len(),
                q.new_connection_ids.server.len(),
                q.retired_connection_ids.client,
                q.retired_connection_ids.server
            ),
        ));
    }
    for st in &q.streams {
        let half = |h: &Option<HalfReport>| match h {
            None => "-".to_string(),
            Some(h) => {
                let mut t = format!("{} bytes", h.bytes);
                if h.fin {
                    t.push_str(", fin");
                }
                if let Some(code) = h.reset {
                    t.push_str(&format!(", reset (error {code})"));
                }
                if h.lost_bytes > 0 {
                    t.push_str(&format!(", {} lost", h.lost_bytes));
                }
                t
            }
        };
        v.push((
            "stream",
            format!(
                "{} ({}, {}): C→S {}; S→C {}",
                st.id,
                st.initiator.as_str(),
                if st.bidirectional { "bidi" } else { "uni" },
                half(&st.client),
                half(&st.server)
            ),
        ));
    }
    if q.streams_omitted > 0 {
        v.push((
            "streams omitted",
            format!("{} ({} bytes)", q.streams_omitted, q.stream_bytes_omitted),
        ));
    }
    if let Some(c) = &q.close {
        let mut t = format!(
            "by the {}, {} error 0x{:x}",
            c.by.as_str(),
            if c.frame.application {
                "application"
            } else {
                "transport"
            },
            c.frame.error_code
        );
        if !c.frame.reason.is_empty() {
            t.push_str(&format!(": {}", cell(&bytes_as_text(&c.frame.reason))));
        }
        v.push(("close", t));
    }
    let malformed = q.malformed_datagrams.client + q.malformed_datagrams.server;
    if malformed > 0 {
        v.push(("malformed datagrams", malformed.to_string()));
    }
    v
}

pub(super) fn endpoint(ip: &str, port: u16) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

fn state_text(c: &ConnectionReport) -> String {
    let mut s = c.state.to_string();
    if c.resumed {
        s.push_str(" (resumed)");
    }
    match c.renegotiations {
        0 => {}
        1 => s.push_str(" (1 renegotiation)"),
        n => s.push_str(&format!(" ({n} renegotiations)")),
    }
    if let Some(tcp) = &c.tcp {
        if tcp.gap_count > 0 {
            s.push_str(&format!(
                ", {} gap(s), {} bytes lost",
                tcp.gap_count, tcp.lost_bytes
            ));
        }
        if tcp.snaplen_truncated {
            s.push_str(", snaplen-cut");
        }
    }
    s
}

/// The `inspect` view: per connection its facts, then every message it kept.
pub struct InspectView<W: Write> {
    out: W,
    zone: Zone,
}

impl<W: Write> InspectView<W> {
    pub fn new(out: W) -> Self {
        InspectView {
            out,
            zone: Zone::default(),
        }
    }

    /// Times in this zone (local time unless said).
    pub fn in_zone(mut self, zone: Zone) -> Self {
        self.zone = zone;
        self
    }

    pub fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        write_connection(&mut self.out, c, self.zone)
    }

    pub fn end(mut self, capture: &CaptureReport) -> io::Result<W> {
        writeln!(self.out)?;
        let width = terminal_width_or(INSPECT_DEFAULT_WIDTH);
        write_footer(&mut self.out, capture, Some(usize::from(width)))?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A connection's facts, named, in the order `inspect` (and the HTML report) show
/// them; the empty ones are left out. Values are terminal-safe.
pub(super) fn connection_facts(c: &ConnectionReport) -> Vec<(&'static str, String)> {
    let mut facts = Vec::new();
    let mut fact = |k: &'static str, v: String| {
        if !v.is_empty() {
            facts.push((k, v));
        }
    };
    fact("SNI", cell(c.sni.as_deref().unwrap_or_default()));
    fact("ALPN", cell(&c.alpn.join(", ")));
    fact(
        "client random (x)",
        c.client_random.clone().unwrap_or_default(),
    );
    fact(
        "server random (y)",
        c.server_random.clone().unwrap_or_default(),
    );
    fact("session id", c.session_id.clone().unwrap_or_default());
    fact(
        "key exchange group",
        c.key_exchange_group
            .as_ref()
            .map(|g| g.name.clone())
            .unwrap_or_default(),
    );
    fact(
        "flags",
        [
            ("resumed", c.resumed),
            ("extended_master_secret", c.extended_master_secret),
            ("encrypt_then_mac", c.encrypt_then_mac),
        ]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", "),
    );
    fact("JA3", fingerprint_text(&c.ja3_hash, &c.ja3));
    fact("JA4", c.ja4.clone().unwrap_or_default());
    fact("JA3S", fingerprint_text(&c.ja3s_hash, &c.ja3s));
    if c.renegotiations > 0 {
        fact("renegotiations", c.renegotiations.to_string());
    }
    if let Some(q) = &c.quic {
        for (k, v) in quic_facts(q) {
            fact(k, v);
        }
    }
    if let Some(d) = &c.dtls {
        for (k, v) in d.facts() {
            fact(k, v);
        }
    }
    fact(
        "decryption",
        cell(&format!("{}: {}", c.decryption.status, c.decryption.reason)),
    );
    let v = c.decryption.verdict;
    fact("verdict", format!("{v}: {}", v.words()));
    if let Some(source) = &c.decryption.key_source {
        fact("key source", cell(&source.describe()));
    }
    if let Some(v) = &c.certificate_validation {
        fact(
            "certificate",
            cell(&format!("{}: {}", v.status.as_str(), v.reason)),
        );
        if !v.chain.is_empty() {
            fact("trust chain", cell(&v.chain.join(" → ")));
        }
        // The status's own problem is said above.
        for p in v.problems.iter().filter(|p| p.reason != v.reason) {
            fact(
                "certificate problem",
                cell(&format!("{}: {}", p.code.as_str(), p.reason)),
            );
        }
    }
    if has_finished(c) {
        let d = &c.decryption;
        let word = |v: bool| if v { "verified" } else { "not verified" };
        fact(
            "Finished",
            format!(
                "client {}, server {}",
                word(d.client_finished_verified),
                word(d.server_finished_verified)
            ),
        );
    }
    for line in &c.decryption.secrets {
        fact("secret", line.clone());
    }
    if let Some(e) = &c.decryption.early_data {
        let what = match (e.decrypted_bytes, e.accepted) {
            _ if e.records == 0 => "none sent".to_string(),
            (Some(p), Some(false)) => format!("{p} bytes decrypted, rejected by the server"),
            (Some(p), _) => format!("{p} bytes decrypted"),
            (None, _) => "not decrypted (no CLIENT_EARLY_TRAFFIC_SECRET)".to_string(),
        };
        let records = match e.records {
            1 => "1 record".to_string(),
            n => format!("{n} records"),
        };
        let text = match e.accepted {
            _ if e.records > 0 => format!("{records}, {} bytes: {what}", e.bytes),
            Some(true) => format!("offered and accepted, {what}"),
            Some(false) => format!("offered and rejected, {what}"),
            None => format!("offered, {what}"),
        };
        fact("early data", text);
    }
    for w in &c.warnings {
        fact("warning", cell(w));
    }
    if c.warnings_omitted > 0 {
        fact("warning", format!("… {} more", c.warnings_omitted));
    }
    facts
}

/// Detail lines in one drawn message table: a connection with more draws several
/// tables (each fitted to its rows), so the table in memory stays small whatever the
/// connection holds (10,000 hellos of 40 extension lines each, say).
const INSPECT_PAGE_LINES: usize = 2000;

fn write_connection<W: Write>(w: &mut W, c: &ConnectionReport, zone: Zone) -> io::Result<()> {
    let mut out = format!(
        "Connection {}: {} → {}  {}  {}  [{}]  {}  {}\n",
        c.id,
        endpoint(&c.client.ip, c.client.port),
        server_cell(c),
        c.version.as_deref().unwrap_or("-"),
        c.cipher_suite
            .as_ref()
            .map(|s| s.name.as_str())
            .unwrap_or("-"),
        state_text(c),
        frames_text(c),
        dated_time(c.first_seen_ns, zone)
    );
    let mut facts = new_table();
    for (k, v) in connection_facts(c) {
        facts.add_row(vec![k.to_string(), v]);
    }
    out.push_str(&format!("{facts}\n"));
    w.write_all(out.as_bytes())?;
    let mut page = MessagePage::default();
    // The rows carry the date when the connection runs over more than one day (the
    // header line has its first).
    let with_date = zone.day(c.first_seen_ns) != zone.day(c.last_seen_ns);
    let time = |ns: i64| table_time(ns, zone, with_date);
    // What HTTP said goes between the records that carried it, by time.
    let mut http = http_rows(c, &time).into_iter().peekable();
    let verified = Verified {
        client: c.decryption.client_finished_verified,
        server: c.decryption.server_finished_verified,
    };
    for (i, m) in c.messages.iter().enumerate() {
        while let Some(row) = http.next_if(|(ns, _)| *ns < m.timestamp_ns) {
            page.add(w, row.1)?;
        }
        let arrow = match m.side {
            Side::Client => "C→S",
            Side::Server => "S→C",
        };
        let row = vec![
            i.to_string(),
            m.frame.to_string(),
            time(m.timestamp_ns),
            arrow.into(),
            m.body.type_name().to_string(),
            words::details(m, verified),
        ];
        page.add(w, row)?;
    }
    for (_, row) in http {
        page.add(w, row)?;
    }
    page.flush(w)?;
    if c.messages_omitted > 0 {
        writeln!(
            w,
            "… {} more messages not kept (--max-messages, --max-memory)",
            c.messages_omitted
        )?;
    }
    writeln!(w)
}

/// The message table being filled: drawn and written once it holds
/// [`INSPECT_PAGE_LINES`] lines.
#[derive(Default)]
struct MessagePage {
    table: Option<Table>,
    lines: usize,
}

impl MessagePage {
    fn add<W: Write>(&mut self, w: &mut W, row: Vec<String>) -> io::Result<()> {
        let lines = row.iter().map(|c| c.lines().count()).max().unwrap_or(1);
        if self.lines + lines > INSPECT_PAGE_LINES {
            self.flush(w)?;
        }
        self.lines += lines;
        self.table
            .get_or_insert_with(|| {
                let mut t = new_table();
                t.set_header(vec!["#", "frame", "time", "dir", "message", "details"]);
                t
            })
            .add_row(row);
        Ok(())
    }

    fn flush<W: Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.lines = 0;
        match self.table.take() {
            Some(t) => writeln!(w, "{t}"),
            None => Ok(()),
        }
    }
}

/// `hash (full string)`, as JA3 tools print a fingerprint and the string it hashes.
fn fingerprint_text(hash: &Option<String>, full: &Option<String>) -> String {
    match (hash, full) {
        (Some(h), Some(f)) => format!("{h} ({f})"),
        (Some(h), None) => h.clone(),
        _ => String::new(),
    }
}

/// The connection reached a Finished (in the clear, decrypted or encrypted).
fn has_finished(c: &ConnectionReport) -> bool {
    c.messages.iter().any(|m| match &m.body {
        MessageBody::Handshake(h) => matches!(h.as_ref(), HandshakeMessage::Finished { .. }),
        MessageBody::EncryptedFinished { .. } => true,
        _ => false,
    })
}

/// Where the connection is in the capture, as Wireshark numbers its frames:
/// `frames 4–19`, with the file's name when the run read several.
fn frames_text(c: &ConnectionReport) -> String {
    let f = &c.frames;
    let span = if f.first == f.last {
        format!("frame {}", f.first)
    } else {
        format!("frames {}–{}", f.first, f.last)
    };
    match &f.file_name {
        Some(name) => format!("{span} of {}", cell(name)),
        None => span,
    }
}

/// The HTTP requests and responses of a connection as message-flow rows, by time: each
/// with its time (to merge by), and the row.
fn http_rows(c: &ConnectionReport, time: &dyn Fn(i64) -> String) -> Vec<(i64, Vec<String>)> {
    let Some(app) = &c.app else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for t in &app.transactions {
        let stream = t
            .stream_id
            .map(|s| format!(" (stream {s})"))
            .unwrap_or_default();
        let body = |m: &MessageReport| match m.body.bytes {
            0 => String::new(),
            n if m.body.complete => format!(", body {n} bytes"),
            n => format!(", body {n} bytes, incomplete"),
        };
        if let Some(q) = &t.request {
            let host = q.authority.as_deref().unwrap_or("");
            let what = format!(
                "{} {host}{}{}{stream}",
                q.method.as_deref().unwrap_or("-"),
                q.target.as_deref().unwrap_or(""),
                body(q)
            );
            rows.push((
                q.time_ns,
                http_row(&time(q.time_ns), "C→S", "HTTP request", &what),
            ));
        }
        if let Some(r) = &t.response {
            let status = r.status.map_or("-".to_string(), |s| s.to_string());
            let what = format!("{status}{}{stream}", body(r));
            rows.push((
                r.time_ns,
                http_row(&time(r.time_ns), "S→C", "HTTP response", &what),
            ));
        }
    }
    rows.sort_by_key(|r| r.0);
    rows
}

fn http_row(time: &str, dir: &str, what: &str, details: &str) -> Vec<String> {
    vec![
        String::new(),
        String::new(),
        time.to_string(),
        dir.to_string(),
        what.to_string(),
        cell(details),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_on_a_terminal_unless_no_color_or_dumb() {
        use std::ffi::OsStr;
        let auto = ColorChoice::Auto;
        assert!(auto.wanted(true, None, Some(OsStr::new("xterm"))));
        assert!(!auto.wanted(false, None, None), "not when piped");
        assert!(!auto.wanted(true, Some(OsStr::new("1")), None));
        assert!(
            auto.wanted(true, Some(OsStr::new("")), None),
            "an empty NO_COLOR is unset"
        );
        assert!(!auto.wanted(true, None, Some(OsStr::new("dumb"))));
        assert!(ColorChoice::Always.wanted(false, Some(OsStr::new("1")), None));
        assert!(!ColorChoice::Never.wanted(true, None, None));
    }

    #[test]
    fn cells_are_cut_and_escaped() {
        let long = "a".repeat(CELL_CHARS + 10);
        let c = cell(&long);
        assert!(c.starts_with(&"a".repeat(CELL_CHARS)));
        assert!(c.ends_with("(10 more bytes)"), "{c}");
        assert_eq!(cell("x\u{1b}[2J"), "x\\x1b[2J");
    }
}
