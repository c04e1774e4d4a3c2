//! The handshake drawn as a ladder between client and server, as the seed document
//! draws it: an arrow per message with its essential fields (*x*, *y*, *z*, the
//! suite, the certificate), the point where each direction turns encrypted, the data
//! and the time since the first message.
//!
//! ```text
//!  ConnectionReport.messages ─► steps() ─► [Step] ─┬─► text.rs     (terminal, fits the width)
//!                                                  ├─► mermaid.rs  (a sequenceDiagram)
//!                                                  └─► svg.rs      (self-contained SVG)
//! ```
//! The steps are the one place that decides what a ladder says; the three renderings
//! only draw them.

pub mod mermaid;
pub mod svg;
pub mod text;

use std::io::{self, Write};

use super::model::{CaptureReport, ConnectionReport, MessageBody, MessageEntry, Side};
use super::table::endpoint;
use super::text::terminal_safe;
use crate::tls::handshake::{CertificateEntry, HandshakeMessage};

/// One line of a ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A message from `from` to the other side, `at` ns after the first message.
    Arrow { from: Side, at: i64, label: String },
    /// A remark across both lifelines: where a direction turns encrypted.
    Note(String),
}

/// Hex digits of *x*, *y* and *z* shown in a label (the JSON has them whole).
const HEX_SHOWN: usize = 8;

/// The ladder of one connection.
pub fn steps(c: &ConnectionReport) -> Vec<Step> {
    let start = c.messages.first().map_or(0, |m| m.timestamp_ns);
    let tls13 = c
        .version
        .as_deref()
        .is_some_and(|v| v.contains("1.3") && !v.contains("draft"));
    let mut encrypted = [false; 2];
    let mut server_hello_seen = false;
    let mut out = Vec::new();
    for m in &c.messages {
        let side = m.side as usize;
        // TLS 1.3: the server encrypts right after its ServerHello, the client from its
        // first message after it (a compatibility ChangeCipherSpec stays in the clear).
        if tls13
            && server_hello_seen
            && m.side == Side::Client
            && !encrypted[side]
            && !matches!(m.body, MessageBody::ChangeCipherSpec {})
        {
            out.push(encrypted_note(Side::Client));
            encrypted[side] = true;
        }
        out.push(Step::Arrow {
            from: m.side,
            at: m.timestamp_ns.saturating_sub(start),
            label: label(c, m),
        });
        let hello_retry = matches!(&m.body, MessageBody::Handshake(h)
            if matches!(h.as_ref(), HandshakeMessage::ServerHello(sh) if sh.hello_retry_request));
        let is_server_hello = matches!(&m.body, MessageBody::Handshake(h)
            if matches!(h.as_ref(), HandshakeMessage::ServerHello(_)));
        if is_server_hello && !hello_retry {
            server_hello_seen = true;
            if tls13 && !encrypted[1] {
                out.push(encrypted_note(Side::Server));
                encrypted[1] = true;
            }
        }
        if !tls13 && matches!(m.body, MessageBody::ChangeCipherSpec {}) && !encrypted[side] {
            out.push(encrypted_note(m.side));
            encrypted[side] = true;
        }
    }
    out
}

fn encrypted_note(from: Side) -> Step {
    Step::Note(match from {
        Side::Client => "client → server encrypted from here".into(),
        Side::Server => "server → client encrypted from here".into(),
    })
}

fn short_hex(bytes: &[u8]) -> String {
    let h = hex::encode(bytes);
    if h.len() > HEX_SHOWN {
        format!("{}…", &h[..HEX_SHOWN])
    } else {
        h
    }
}

fn verified(c: &ConnectionReport, side: Side) -> bool {
    match side {
        Side::Client => c.decryption.client_finished_verified,
        Side::Server => c.decryption.server_finished_verified,
    }
}

/// What an arrow says: the message and its essential fields.
fn label(c: &ConnectionReport, m: &MessageEntry) -> String {
    use HandshakeMessage as H;
    let text = match &m.body {
        MessageBody::Handshake(h) => match h.as_ref() {
            H::ClientHello(ch) => {
                let mut s = format!("ClientHello x={}", short_hex(&ch.random));
                if let Some(sni) = ch.sni_bytes() {
                    s.push_str(&format!(" SNI {}", super::text::bytes_as_text(sni)));
                }
                s
            }
            H::ServerHello(sh) if sh.hello_retry_request => "HelloRetryRequest".to_string(),
            H::ServerHello(sh) => {
                // Resumption first: a narrow ladder cuts the suite, not that.
                let resumed = if c.resumed { " (resumed)" } else { "" };
                format!(
                    "ServerHello{resumed} y={} {}",
                    short_hex(&sh.random),
                    sh.cipher_suite.label()
                )
            }
            H::Certificate { certificates, .. } => match certificates.first() {
                Some(CertificateEntry::Parsed(cert)) => {
                    let more = certificates.len() - 1;
                    let more = if more > 0 {
                        format!(" +{more}")
                    } else {
                        String::new()
                    };
                    format!("Certificate {}{more}", cert.subject)
                }
                Some(CertificateEntry::Unparsed { .. }) => "Certificate (unparsed)".into(),
                None => "Certificate (empty)".into(),
            },
            H::ServerKeyExchange {
                named_group,
                dh_prime_bits,
                ..
            } => match (named_group, dh_prime_bits) {
                (Some(g), _) => format!("ServerKeyExchange {}", g.label()),
                (None, Some(bits)) => format!("ServerKeyExchange DH {bits} bits"),
                _ => "ServerKeyExchange".into(),
            },
            H::ClientKeyExchange {
                encrypted_pre_master_secret: Some(z),
                ..
            } => format!("ClientKeyExchange z={} (encrypted)", short_hex(z)),
            H::Finished { .. } if verified(c, m.side) => "Finished ✓ verified".into(),
            H::NewSessionTicket { lifetime_hint, .. } => {
                format!("NewSessionTicket lifetime {lifetime_hint} s")
            }
            H::KeyUpdate { update_requested } if *update_requested => {
                "KeyUpdate (update requested)".into()
            }
            other => other.type_name().to_string(),
        },
        MessageBody::ApplicationData(run) | MessageBody::EarlyData(run) => {
            let kind = if matches!(m.body, MessageBody::EarlyData(_)) {
                "0-RTT data"
            } else {
                "application data"
            };
            let records = if run.records == 1 {
                "record"
            } else {
                "records"
            };
            format!("{kind} {} bytes, {} {records}", run.bytes, run.records)
        }
        MessageBody::Alert(a) => format!(
            "Alert {} {}",
            a.level_name().unwrap_or_else(|| "?".into()),
            a.description().unwrap_or_else(|| "?".into())
        ),
        MessageBody::EncryptedFinished { .. } if verified(c, m.side) => {
            "Finished ✓ verified".into()
        }
        MessageBody::EncryptedFinished { .. } => "Finished (encrypted)".into(),
        MessageBody::EncryptedHandshake { length } => {
            format!("encrypted handshake {length} bytes")
        }
        MessageBody::EncryptedAlert { .. } => "Alert (encrypted)".into(),
        other => other.type_name().to_string(),
    };
    terminal_safe(&text).into_owned()
}

/// The line above a ladder: which connection, and what it negotiated.
pub fn title(c: &ConnectionReport) -> String {
    let mut s = format!(
        "Connection {}: {} → {}",
        c.id,
        endpoint(&c.client.ip, c.client.port),
        endpoint(&c.server.ip, c.server.port)
    );
    if let Some(v) = &c.version {
        s.push_str(&format!(", {v}"));
    }
    if let Some(suite) = &c.cipher_suite {
        s.push_str(&format!(", {}", suite.name));
    }
    if let Some(sni) = &c.sni {
        s.push_str(&format!(", SNI {sni}"));
    }
    terminal_safe(&s).into_owned()
}

/// The line under a ladder: data each way, the state and the decryption.
pub fn totals(c: &ConnectionReport) -> String {
    let [cs, sc] = c.app_bytes;
    let mut s = format!(
        "data: client → server {cs} bytes, server → client {sc} bytes; {}; {}",
        c.state, c.decryption.status
    );
    if c.messages_omitted > 0 {
        s.push_str(&format!("; {} messages not kept", c.messages_omitted));
    }
    s
}

/// How `ladder` draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LadderFormat {
    Text { width: usize },
    Mermaid,
    Svg,
}

/// The `ladder` view: each connection drawn as it becomes final.
pub struct LadderView<W: Write> {
    out: W,
    format: LadderFormat,
    drawn: u64,
}

impl<W: Write> LadderView<W> {
    pub fn new(out: W, format: LadderFormat) -> Self {
        LadderView {
            out,
            format,
            drawn: 0,
        }
    }

    pub fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        let steps = steps(c);
        match self.format {
            LadderFormat::Text { width } => {
                if self.drawn > 0 {
                    writeln!(self.out)?;
                }
                text::draw(&mut self.out, c, &steps, width)?
            }
            LadderFormat::Mermaid => mermaid::draw(&mut self.out, c, &steps)?,
            LadderFormat::Svg => svg::draw(&mut self.out, c, &steps)?,
        }
        self.drawn += 1;
        Ok(())
    }

    pub fn end(mut self, _capture: &CaptureReport) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> super::ReportSink<W> for LadderView<W> {
    fn connection(&mut self, c: &ConnectionReport) -> io::Result<()> {
        LadderView::connection(self, c)
    }
    fn end(self: Box<Self>, capture: &CaptureReport) -> io::Result<W> {
        LadderView::end(*self, capture)
    }
}
