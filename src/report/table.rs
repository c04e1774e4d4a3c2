//! Tables for people: `summary` (one row per connection) and `inspect` (every message).

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde_json::Value;

use super::model::{ConnectionReport, MessageEntry, Report};
use crate::tls::handshake::{CertificateEntry, HandshakeMessage};

fn new_table() -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if let Some((w, _)) = terminal_width() {
        t.set_width(w);
    }
    t
}

/// comfy-table sizes to the terminal by itself when stdout is one; `COLUMNS` wins.
fn terminal_width() -> Option<(u16, u16)> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .map(|w| (w, 0))
}

fn capture_line(report: &Report) -> String {
    let c = &report.capture;
    let mut line = format!(
        "{} ({}): {} packets, {} bytes, {} TCP connections, {} with TLS",
        c.files
            .iter()
            .map(|f| f.file.as_str())
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

fn warnings(report: &Report) -> String {
    report
        .capture
        .warnings
        .iter()
        .map(|w| format!("warning: {w}\n"))
        .collect()
}

/// The `summary` view.
pub fn summary(report: &Report) -> String {
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
    for c in &report.connections {
        t.add_row(vec![
            c.id.to_string(),
            endpoint(&c.client.ip, c.client.port),
            endpoint(&c.server.ip, c.server.port),
            c.sni.clone().unwrap_or_default(),
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
        ]);
    }
    format!("{}\n{}\n{}", capture_line(report), t, warnings(report))
}

/// A key source without the folders of its file: `keylog: sslkeys.log`.
fn short_source(source: &str) -> String {
    match source.split_once(':') {
        Some((kind, file)) => {
            let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
            format!("{kind}: {name}")
        }
        None => source.to_string(),
    }
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
    if !c.tcp.gaps.is_empty() {
        let lost: u64 = c.tcp.gaps.iter().map(|g| g.len).sum();
        s.push_str(&format!(", {} gap(s), {lost} bytes lost", c.tcp.gaps.len()));
    }
    if c.tcp.snaplen_truncated {
        s.push_str(", snaplen-cut");
    }
    s
}

/// The `inspect` view: per connection, its facts then every message.
pub fn inspect(report: &Report) -> String {
    let mut out = capture_line(report);
    out.push('\n');
    for c in &report.connections {
        out.push_str(&format!(
            "\nConnection {}: {} → {}  {}  {}  [{}]\n",
            c.id,
            endpoint(&c.client.ip, c.client.port),
            endpoint(&c.server.ip, c.server.port),
            c.version.as_deref().unwrap_or("-"),
            c.cipher_suite
                .as_ref()
                .map(|s| s.name.as_str())
                .unwrap_or("-"),
            state_text(c)
        ));
        let mut facts = new_table();
        let mut fact = |k: &str, v: String| {
            if !v.is_empty() {
                facts.add_row(vec![k.to_string(), v]);
            }
        };
        fact("SNI", c.sni.clone().unwrap_or_default());
        fact("ALPN", c.alpn.join(", "));
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
            format!("{}: {}", c.decryption.status, c.decryption.reason),
        );
        if let Some(source) = &c.decryption.key_source {
            fact("key source", source.clone());
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
            fact("warning", w.clone());
        }
        out.push_str(&format!("{facts}\n"));
        let mut t = new_table();
        t.set_header(vec!["#", "time", "dir", "message", "details"]);
        for (i, m) in c.messages.iter().enumerate() {
            let time = m_time(m);
            let arrow = match m.side {
                super::model::Side::Client => "C→S",
                super::model::Side::Server => "S→C",
            };
            t.add_row(vec![
                i.to_string(),
                time,
                arrow.into(),
                m.type_name(),
                details(m),
            ]);
        }
        out.push_str(&format!("{t}\n"));
    }
    out.push_str(&warnings(report));
    out
}

fn m_time(m: &MessageEntry) -> String {
    let full = super::time::rfc3339(m.timestamp_ns);
    full.get(11..).unwrap_or(&full).to_string()
}

/// A few readable lines for a message; everything else is in the JSON.
fn details(m: &MessageEntry) -> String {
    use super::model::MessageBody as B;
    match &m.body {
        B::Handshake(h) => match h.as_ref() {
            HandshakeMessage::ClientHello(ch) => {
                let mut lines = vec![
                    format!("version {}", ch.legacy_version.name),
                    format!("random x = {}", hex::encode(&ch.random)),
                    format!("session id {}", or_none(&hex::encode(&ch.session_id))),
                    format!(
                        "{} cipher suites: {}",
                        ch.cipher_suites.len(),
                        first_names(&ch.cipher_suites, 4)
                    ),
                    format!("compression: {}", first_names(&ch.compression_methods, 4)),
                ];
                if let Some(sni) = ch.sni() {
                    lines.push(format!("SNI {sni}"));
                }
                lines.push(format!(
                    "extensions: {}",
                    ch.extensions
                        .iter()
                        .map(|e| e.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                lines.join("\n")
            }
            HandshakeMessage::ServerHello(sh) => {
                let mut lines = vec![
                    format!("version {}", sh.selected_version.name),
                    format!("random y = {}", hex::encode(&sh.random)),
                    format!("session id {}", or_none(&hex::encode(&sh.session_id))),
                    format!("cipher suite {}", sh.cipher_suite.name),
                    format!("compression {}", sh.compression_method.name),
                    format!(
                        "extensions: {}",
                        sh.extensions
                            .iter()
                            .map(|e| e.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ];
                if sh.hello_retry_request {
                    lines.insert(0, "HelloRetryRequest".into());
                }
                lines.join("\n")
            }
            HandshakeMessage::Certificate { certificates } => certificates
                .iter()
                .enumerate()
                .map(|(i, c)| match c {
                    CertificateEntry::Parsed(c) => format!(
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
                            format!(", SAN {}", c.san.join(" "))
                        }
                    ),
                    CertificateEntry::Unparsed { length, error } => {
                        format!("[{i}] {length} bytes: {error}")
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
            HandshakeMessage::ClientKeyExchange {
                exchange,
                encrypted_pre_master_secret: Some(z),
                ..
            } => format!(
                "{exchange}: encrypted pre-master secret z ({} bytes) = {}…",
                z.len() / 2,
                &z[..z.len().min(32)]
            ),
            other => compact_json(other),
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

fn first_names(list: &[crate::tls::extensions::Named], n: usize) -> String {
    let mut s = list
        .iter()
        .take(n)
        .map(|x| x.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if list.len() > n {
        s.push_str(&format!(", … (+{})", list.len() - n));
    }
    s
}

/// The message's fields other than its type, as `key=value` pairs.
fn compact_json<T: serde::Serialize>(v: &T) -> String {
    let Ok(Value::Object(map)) = serde_json::to_value(v) else {
        return String::new();
    };
    map.iter()
        .filter(|(k, _)| k.as_str() != "type")
        .map(|(k, v)| match v {
            Value::String(s) => format!("{k}={s}"),
            other => format!("{k}={other}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}
