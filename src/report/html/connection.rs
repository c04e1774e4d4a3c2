//! One connection's block of the HTML report: its summary row, and (for the first
//! connections) a detail row with its facts, ladder, certificates and HTTP.

use std::io::{self, Write};

use super::super::app::AppReport;
use super::super::ladder::{steps, svg};
use super::super::model::ConnectionReport;
use super::super::requests;
use super::super::table::{connection_facts, summary_row, SUMMARY_COLUMNS};
use super::text;
use crate::tls::handshake::CertificateEntry;

/// HTTP transactions listed per connection; the rest are counted.
const MAX_TRANSACTIONS: usize = 500;

/// `hidden`: the block is past the first page (the script pages through them; a
/// browser then lays out one page of rows, not 100,000).
pub fn write<W: Write>(
    o: &mut W,
    c: &ConnectionReport,
    detailed: bool,
    hidden: bool,
) -> io::Result<()> {
    let id = c.id;
    let hide = if hidden { r#" hidden="""# } else { "" };
    writeln!(
        o,
        r#"<tbody class="conn" id="conn-{id}" data-id="{id}"{hide}>"#
    )?;
    write!(o, r#"<tr class="row">"#)?;
    for (i, value) in summary_row(c).iter().enumerate() {
        let class = match SUMMARY_COLUMNS[i].header {
            "decryption" => format!(r#" class="status {}""#, status_class(value)),
            "state" => format!(r#" class="state {}""#, state_class(value)),
            "certificate" => format!(r#" class="status {}""#, validation_class(value)),
            _ => String::new(),
        };
        write!(o, "<td{class}>{}</td>", text(value))?;
    }
    writeln!(o, "</tr>")?;
    if detailed {
        // Closed until asked for: the script opens it on a click.
        write!(
            o,
            r#"<tr class="detail" hidden=""><td colspan="{}"><div class="detail">"#,
            SUMMARY_COLUMNS.len()
        )?;
        facts(o, c)?;
        ladder(o, c)?;
        certificates(o, "Server certificates", &c.certificates)?;
        certificates(o, "Client certificates", &c.client_certificates)?;
        if let Some(app) = &c.app {
            http(o, c, app)?;
        }
        writeln!(o, "</div></td></tr>")?;
    }
    writeln!(o, "</tbody>")
}

/// A class for the decryption status cell (its colour).
fn status_class(status: &str) -> &'static str {
    match status {
        "decrypted" => "good",
        "key_mismatch" | "unsupported_cipher" => "bad",
        "incomplete" => "damaged",
        _ => "plain",
    }
}

/// A class for the certificate validation cell.
fn validation_class(status: &str) -> &'static str {
    match status {
        "ok" => "good",
        "-" => "plain",
        _ => "bad",
    }
}

fn state_class(state: &str) -> &'static str {
    if state.starts_with("failed") {
        "bad"
    } else if state.starts_with("incomplete") || state.contains(", ") {
        "damaged"
    } else if state.starts_with("established") {
        "good"
    } else {
        "plain"
    }
}

fn facts<W: Write>(o: &mut W, c: &ConnectionReport) -> io::Result<()> {
    writeln!(o, r#"<h2>Connection {}</h2><dl class="facts">"#, c.id)?;
    let version = c.version.as_deref().unwrap_or("-");
    let suite = c.cipher_suite.as_ref().map_or("-", |s| s.name.as_str());
    writeln!(o, "<dt>version</dt><dd>{}</dd>", text(version))?;
    writeln!(o, "<dt>cipher suite</dt><dd>{}</dd>", text(suite))?;
    writeln!(
        o,
        "<dt>frames</dt><dd>{}–{}</dd>",
        c.frames.first, c.frames.last
    )?;
    for (k, v) in connection_facts(c) {
        writeln!(o, "<dt>{}</dt><dd>{}</dd>", text(k), text(&v))?;
    }
    writeln!(o, "</dl>")
}

fn ladder<W: Write>(o: &mut W, c: &ConnectionReport) -> io::Result<()> {
    writeln!(o, r#"<h3>Handshake</h3><div class="ladder">"#)?;
    svg::draw_with_marker(o, c, &steps(c), &format!("head-{}", c.id))?;
    writeln!(o, "</div>")
}

fn certificates<W: Write>(o: &mut W, title: &str, chain: &[CertificateEntry]) -> io::Result<()> {
    if chain.is_empty() {
        return Ok(());
    }
    writeln!(
        o,
        "<h3>{title}</h3><table class=\"certs\"><tr><th>#</th><th>subject</th>\
         <th>issuer</th><th>valid</th><th>key</th><th>names</th><th>SHA-256</th></tr>"
    )?;
    for (i, entry) in chain.iter().enumerate() {
        match entry {
            CertificateEntry::Parsed(cert) => {
                let key = match cert.public_key.bits {
                    Some(b) => format!("{} {b} bits", cert.public_key.algorithm),
                    None => cert.public_key.algorithm.clone(),
                };
                let mut names = cert.san.join(", ");
                if cert.san_omitted > 0 {
                    names.push_str(&format!(", … (+{})", cert.san_omitted));
                }
                writeln!(
                    o,
                    "<tr><td>{i}</td><td>{}</td><td>{}</td><td>{} – {}</td><td>{}</td>\
                     <td>{}</td><td class=\"hash\">{}</td></tr>",
                    text(&cert.subject),
                    text(&cert.issuer),
                    text(&cert.not_before),
                    text(&cert.not_after),
                    text(&key),
                    text(&names),
                    text(&cert.sha256)
                )?;
            }
            CertificateEntry::Unparsed { length, error } => writeln!(
                o,
                r#"<tr><td>{i}</td><td colspan="6">{length} bytes that do not decode: {}</td></tr>"#,
                text(error)
            )?,
        }
    }
    writeln!(o, "</table>")
}

/// The transactions as `requests` lists them (its columns after the connection's).
fn http<W: Write>(o: &mut W, c: &ConnectionReport, app: &AppReport) -> io::Result<()> {
    // `requests` starts with the connection, client and server: the block has them.
    const SKIP: usize = 3;
    writeln!(
        o,
        r#"<h3>HTTP ({})</h3><table class="http"><tr>"#,
        text(app.protocol)
    )?;
    for col in &requests::COLUMNS[SKIP..] {
        write!(o, "<th>{}</th>", text(col.header))?;
    }
    writeln!(o, "</tr>")?;
    for t in app.transactions.iter().take(MAX_TRANSACTIONS) {
        write!(o, "<tr>")?;
        for value in &requests::row(c, app.protocol, t)[SKIP..] {
            write!(o, "<td>{}</td>", text(value))?;
        }
        writeln!(o, "</tr>")?;
    }
    writeln!(o, "</table>")?;
    let more =
        app.transactions.len().saturating_sub(MAX_TRANSACTIONS) as u64 + app.transactions_omitted;
    if more > 0 {
        writeln!(
            o,
            r#"<p class="cap">… {more} more transactions (the JSON has those kept).</p>"#
        )?;
    }
    for p in &app.problems {
        writeln!(o, r#"<p class="problem">{}</p>"#, text(p))?;
    }
    Ok(())
}
