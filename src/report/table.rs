//! Tables for people: `summary` (one row per connection) and `inspect` (every message),
//! written as the run goes, like the JSON: a table view holds at most one page of rows
//! (or one connection) at a time, whatever the capture holds. The capture's totals and
//! warnings come last, once they are known.
//!
//! Everything taken from the capture or from files (names, subjects, ALPN, warnings) is
//! shown through [`terminal_safe`]: no byte of the input reaches the terminal raw.

use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde_json::Value;

use super::model::{CaptureReport, ConnectionReport, MessageBody, MessageEntry, Side};
use super::text::{bytes_as_text, terminal_safe};
use super::wire;
use crate::tls::handshake::{CertificateEntry, HandshakeMessage};
use crate::tls::registry::Registered;

/// Rows per `summary` table page: a page is drawn (column widths fitted) and written
/// once this many connections are in; then the next page starts.
pub const PAGE_ROWS: usize = 1000;
/// Width used when stdout is not a terminal and `COLUMNS` is unset.
const DEFAULT_WIDTH: u16 = 160;
/// Items of a list (cipher suites, extensions, SANs) shown in a table cell.
const LIST_ITEMS: usize = 24;
/// Characters of one table cell; the rest is elided (the JSON has everything).
const CELL_CHARS: usize = 2000;

fn new_table() -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(terminal_width());
    t
}

/// `COLUMNS` wins; then the terminal's width; else a fixed width, so that a table
/// written to a file or a pipe is laid out in bounded time.
fn terminal_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &u16| w >= 20)
        .or_else(|| {
            use std::io::IsTerminal;
            if io::stdout().is_terminal() {
                comfy_table::Table::new().width()
            } else {
                None
            }
        })
        .unwrap_or(DEFAULT_WIDTH)
}

/// Input-derived text for a cell: terminal-safe, and cut to a readable length.
fn cell(s: &str) -> String {
    let safe = terminal_safe(s);
    match safe.char_indices().nth(CELL_CHARS) {
        Some((cut, _)) => format!("{}… ({} more bytes)", &safe[..cut], safe.len() - cut),
        None => safe.into_owned(),
    }
}

fn capture_line(c: &CaptureReport) -> String {
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
    if c.truncated {
        line.push_str("; FILE TRUNCATED (cut mid-packet)");
    }
    line
}

fn write_footer(out: &mut impl Write, c: &CaptureReport) -> io::Result<()> {
    writeln!(out, "{}", capture_line(c))?;
    for w in &c.warnings {
        writeln!(out, "warning: {}", terminal_safe(w))?;
    }
    Ok(())
}

/// The `summary` view, a page of rows at a time.
pub struct SummaryTable<W: Write> {
    out: W,
    rows: Vec<Vec<String>>,
}

impl<W: Write> SummaryTable<W> {
    pub fn new(out: W) -> Self {
        SummaryTable {
            out,
            rows: Vec::new(),
        }
    }

    pub fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        self.rows.push(summary_row(c));
        if self.rows.len() >= PAGE_ROWS {
            self.page()?;
        }
        Ok(())
    }

    fn page(&mut self) -> io::Result<()> {
        let mut t = new_table();
        t.set_header(vec![
            "id",
            "client",
            "server",
            "SNI",
            "version",
            "cipher suite",
            "C→S",
            "S→C",
            "state",
            "decryption",
            "key source",
        ]);
        for row in self.rows.drain(..) {
            t.add_row(row);
        }
        writeln!(self.out, "{t}")
    }

    /// The last page (the header alone when there were no connections), then the
    /// capture's totals and warnings.
    pub fn end(mut self, capture: &CaptureReport) -> io::Result<W> {
        if !self.rows.is_empty() || capture.tls_connections == 0 {
            self.page()?;
        }
        write_footer(&mut self.out, capture)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

fn summary_row(c: &ConnectionReport) -> Vec<String> {
    vec![
        c.id.to_string(),
        endpoint(&c.client.ip, c.client.port),
        endpoint(&c.server.ip, c.server.port),
        cell(c.sni.as_deref().unwrap_or_default()),
        c.version.clone().unwrap_or_else(|| "-".into()),
        c.cipher_suite
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "-".into()),
        c.tcp.client_bytes.to_string(),
        c.tcp.server_bytes.to_string(),
        state_text(c),
        c.decryption.status.to_string(),
        c.decryption
            .key_source
            .as_deref()
            .map(short_source)
            .unwrap_or_else(|| "-".into()),
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

fn endpoint(ip: &str, port: u16) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

fn state_text(c: &ConnectionReport) -> String {
    let mut s = c.state.clone();
    if c.resumed {
        s.push_str(" (resumed)");
    }
    if c.tcp.gap_count > 0 {
        s.push_str(&format!(
            ", {} gap(s), {} bytes lost",
            c.tcp.gap_count, c.tcp.lost_bytes
        ));
    }
    if c.tcp.snaplen_truncated {
        s.push_str(", snaplen-cut");
    }
    s
}

/// The `inspect` view: per connection its facts, then every message it kept.
pub struct InspectView<W: Write> {
    out: W,
}

impl<W: Write> InspectView<W> {
    pub fn new(out: W) -> Self {
        InspectView { out }
    }

    pub fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        write!(self.out, "{}", inspect_connection(c))
    }

    pub fn end(mut self, capture: &CaptureReport) -> io::Result<W> {
        writeln!(self.out)?;
        write_footer(&mut self.out, capture)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

fn inspect_connection(c: &ConnectionReport) -> String {
    let mut out = format!(
        "Connection {}: {} → {}  {}  {}  [{}]\n",
        c.id,
        endpoint(&c.client.ip, c.client.port),
        endpoint(&c.server.ip, c.server.port),
        c.version.as_deref().unwrap_or("-"),
        c.cipher_suite
            .as_ref()
            .map(|s| s.name.as_str())
            .unwrap_or("-"),
        state_text(c)
    );
    let mut facts = new_table();
    let mut fact = |k: &str, v: String| {
        if !v.is_empty() {
            facts.add_row(vec![k.to_string(), v]);
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
    fact("JA3", c.ja3_hash.clone().unwrap_or_default());
    fact("JA4", c.ja4.clone().unwrap_or_default());
    fact("JA3S", c.ja3s.clone().unwrap_or_default());
    fact(
        "decryption",
        cell(&format!("{}: {}", c.decryption.status, c.decryption.reason)),
    );
    if let Some(source) = &c.decryption.key_source {
        fact("key source", cell(source));
    }
    for line in &c.decryption.secrets {
        fact("secret", line.clone());
    }
    if let Some(e) = &c.decryption.early_data {
        let what = match (e.decrypted_bytes, e.accepted) {
            (Some(p), Some(false)) => format!("{p} bytes decrypted, rejected by the server"),
            (Some(p), _) => format!("{p} bytes decrypted"),
            (None, _) => "not decrypted (no CLIENT_EARLY_TRAFFIC_SECRET)".to_string(),
        };
        fact(
            "early data",
            format!("{} records, {} bytes: {what}", e.records, e.bytes),
        );
    }
    for w in &c.warnings {
        fact("warning", cell(w));
    }
    if c.warnings_omitted > 0 {
        fact("warning", format!("… {} more", c.warnings_omitted));
    }
    out.push_str(&format!("{facts}\n"));
    let mut t = new_table();
    t.set_header(vec!["#", "time", "dir", "message", "details"]);
    for (i, m) in c.messages.iter().enumerate() {
        let arrow = match m.side {
            Side::Client => "C→S",
            Side::Server => "S→C",
        };
        t.add_row(vec![
            i.to_string(),
            m_time(m),
            arrow.into(),
            m.body.type_name().to_string(),
            details(m),
        ]);
    }
    out.push_str(&format!("{t}\n"));
    if c.messages_omitted > 0 {
        out.push_str(&format!(
            "… {} more messages not kept (--max-messages, --max-memory)\n",
            c.messages_omitted
        ));
    }
    out.push('\n');
    out
}

fn m_time(m: &MessageEntry) -> String {
    let full = super::time::rfc3339(m.timestamp_ns);
    full.get(11..).unwrap_or(&full).to_string()
}

/// A few readable lines for a message; everything else is in the JSON.
fn details(m: &MessageEntry) -> String {
    match &m.body {
        MessageBody::Handshake(h) => match h.as_ref() {
            HandshakeMessage::ClientHello(ch) => {
                let mut lines = vec![
                    format!("version {}", ch.legacy_version.label()),
                    format!("random x = {}", hex::encode(ch.random)),
                    format!("session id {}", or_none(&hex::encode(&ch.session_id))),
                    format!(
                        "{} cipher suites: {}",
                        ch.cipher_suites.len(),
                        first_names(&ch.cipher_suites, 4)
                    ),
                    format!("compression: {}", first_names(&ch.compression_methods, 4)),
                ];
                if let Some(sni) = ch.sni_bytes() {
                    lines.push(format!("SNI {}", cell(&bytes_as_text(sni))));
                }
                lines.push(format!(
                    "extensions: {}",
                    list(
                        ch.extensions.iter().map(|e| e.id.label().into_owned()),
                        ch.extensions.len()
                    )
                ));
                lines.join("\n")
            }
            HandshakeMessage::ServerHello(sh) => {
                let mut lines = vec![
                    format!("version {}", sh.selected_version.label()),
                    format!("random y = {}", hex::encode(sh.random)),
                    format!("session id {}", or_none(&hex::encode(&sh.session_id))),
                    format!("cipher suite {}", sh.cipher_suite.label()),
                    format!("compression {}", sh.compression_method.label()),
                    format!(
                        "extensions: {}",
                        list(
                            sh.extensions.iter().map(|e| e.id.label().into_owned()),
                            sh.extensions.len()
                        )
                    ),
                ];
                if sh.hello_retry_request {
                    lines.insert(0, "HelloRetryRequest".into());
                }
                lines.join("\n")
            }
            HandshakeMessage::Certificate { certificates, .. } => {
                let mut lines: Vec<String> = certificates
                    .iter()
                    .take(LIST_ITEMS)
                    .enumerate()
                    .map(|(i, c)| match c {
                        CertificateEntry::Parsed(c) => cell(&format!(
                            "[{i}] {} (issuer {}), {} {} bits, valid {} .. {}{}",
                            c.subject,
                            c.issuer,
                            c.public_key.algorithm,
                            c.public_key.bits.map(|b| b.to_string()).unwrap_or_default(),
                            c.not_before,
                            c.not_after,
                            if c.san.is_empty() {
                                String::new()
                            } else {
                                format!(", SAN {}", list(c.san.iter().cloned(), c.san.len()))
                            }
                        )),
                        CertificateEntry::Unparsed { length, error } => {
                            cell(&format!("[{i}] {length} bytes: {error}"))
                        }
                    })
                    .collect();
                if certificates.len() > LIST_ITEMS {
                    lines.push(format!("… (+{})", certificates.len() - LIST_ITEMS));
                }
                lines.join("\n")
            }
            HandshakeMessage::ClientKeyExchange {
                exchange,
                encrypted_pre_master_secret: Some(z),
                ..
            } => format!(
                "{}: encrypted pre-master secret z ({} bytes) = {}…",
                wire::exchange_name(*exchange),
                z.len(),
                hex::encode(&z[..z.len().min(16)])
            ),
            other => compact_json(&wire::Message(other)),
        },
        other => compact_json(other),
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "(empty)"
    } else {
        s
    }
}

fn first_names<T: Registered>(list: &[T], n: usize) -> String {
    let mut s = list
        .iter()
        .take(n)
        .map(|x| x.label())
        .collect::<Vec<_>>()
        .join(", ");
    if list.len() > n {
        s.push_str(&format!(", … (+{})", list.len() - n));
    }
    s
}

/// The first [`LIST_ITEMS`] of `len` items, joined; a count of the rest.
fn list(items: impl Iterator<Item = String>, len: usize) -> String {
    let mut s = items.take(LIST_ITEMS).collect::<Vec<_>>().join(", ");
    if len > LIST_ITEMS {
        s.push_str(&format!(", … (+{})", len - LIST_ITEMS));
    }
    cell(&s)
}

/// The message's fields other than its type, as `key=value` pairs.
fn compact_json<T: serde::Serialize>(v: &T) -> String {
    let Ok(Value::Object(map)) = serde_json::to_value(v) else {
        return String::new();
    };
    let text = map
        .iter()
        .filter(|(k, _)| k.as_str() != "type")
        .map(|(k, v)| match v {
            Value::String(s) => format!("{k}={s}"),
            other => format!("{k}={other}"),
        })
        .collect::<Vec<_>>()
        .join(" ");
    cell(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_cut_and_escaped() {
        let long = "a".repeat(CELL_CHARS + 10);
        let c = cell(&long);
        assert!(c.starts_with(&"a".repeat(CELL_CHARS)));
        assert!(c.ends_with("(10 more bytes)"), "{c}");
        assert_eq!(cell("x\u{1b}[2J"), "x\\x1b[2J");
    }

    #[test]
    fn lists_show_the_first_items_and_count_the_rest() {
        let s = list((0..100).map(|i| i.to_string()), 100);
        assert!(s.ends_with(&format!(", … (+{})", 100 - LIST_ITEMS)), "{s}");
    }
}
