//! Each kept message in words, for `inspect`'s details column: the fields an analyst
//! reads (groups, keys, signature schemes, CA names, extension values), named the way
//! the RFCs name them, a line each. The JSON carries the same values as numbers.
//!
//! ```text
//!  ClientHello   version TLS 1.2 · random x = 5f1c…
//!                17 cipher suites: TLS_AES_128_GCM_SHA256, …
//!                12 extensions:
//!                  supported_groups: x25519, secp256r1, secp384r1
//!                  key_share: x25519 (32 bytes)
//! ```
//!
//! Everything from the capture goes through [`cell`]: escaped, and cut when huge.

use super::model::{AppDataRun, MessageBody, MessageEntry, Side};
use super::table::cell;
use super::text::bytes_as_text;
use super::wire;
use crate::tls::extensions::{Extension, ExtensionData};
use crate::tls::handshake::{CertificateEntry, HandshakeMessage, KeyExchangeHint};
use crate::tls::hello::{ClientHello, ServerHello};
use crate::tls::registry::{ExtensionType, Registered};

/// Items of a list (cipher suites, groups, SANs, CA names) written out; the rest are
/// counted.
const LIST_ITEMS: usize = 24;
/// Extensions of one message written a line each; the rest are counted.
const EXTENSION_LINES: usize = 40;
/// Bytes of a key, ticket or opaque value shown in hex (the JSON has more).
const HEX_SHOWN: usize = 16;

/// Whether each side's Finished verified, for the Finished rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Verified {
    pub client: bool,
    pub server: bool,
}

impl Verified {
    fn of(self, side: Side) -> bool {
        match side {
            Side::Client => self.client,
            Side::Server => self.server,
        }
    }
}

/// A message's details: a few lines of words.
pub fn details(m: &MessageEntry, verified: Verified) -> String {
    match &m.body {
        MessageBody::Handshake(h) => match h.as_ref() {
            HandshakeMessage::Finished { verify_data } => {
                let data = verify_data
                    .as_deref()
                    .map(|v| format!("verify_data = {}", hex::encode(v)))
                    .unwrap_or_else(|| "verify_data not seen".into());
                let check = if verified.of(m.side) {
                    "verified"
                } else {
                    "not verified"
                };
                format!("{data}\n{check}")
            }
            other => message_lines(other),
        },
        other => body_text(other),
    }
}

/// The lines of a handshake message.
pub fn message_lines(msg: &HandshakeMessage) -> String {
    use HandshakeMessage as H;
    match msg {
        H::ClientHello(ch) => client_hello_lines(ch),
        H::ServerHello(sh) => server_hello_lines(sh),
        H::Certificate {
            certificates,
            certificates_omitted,
            stapled_ocsp_length,
            compression,
        } => {
            let mut lines = String::new();
            if let Some(c) = compression {
                lines.push_str(&format!(
                    "compressed with {}: {} bytes, {} uncompressed",
                    c.algorithm.label(),
                    c.compressed_length,
                    c.uncompressed_length
                ));
                if let Some(e) = &c.error {
                    lines.push_str(&format!("\nchain not read: {e}"));
                }
                lines.push('\n');
            }
            lines.push_str(&certificate_lines(certificates, *certificates_omitted));
            if let Some(n) = stapled_ocsp_length {
                lines.push_str(&format!("\nOCSP response stapled to the leaf, {n} bytes"));
            }
            lines
        }
        H::HelloRequest {} | H::EndOfEarlyData {} | H::ServerHelloDone {} => String::new(),
        H::NewSessionTicket {
            lifetime_hint,
            age_add,
            ticket_length,
            extensions,
            extensions_omitted,
            ticket,
        } => {
            let mut lines = vec![format!("lifetime {}", duration(*lifetime_hint))];
            if let Some(a) = age_add {
                lines.push(format!("age_add 0x{a:08x}"));
            }
            lines.push(format!("ticket {}", bytes_shown(ticket, *ticket_length)));
            if !extensions.is_empty() || *extensions_omitted > 0 {
                lines.push(extension_block(extensions, *extensions_omitted));
            }
            lines.join("\n")
        }
        H::EncryptedExtensions {
            extensions,
            extensions_omitted,
        } => extension_block(extensions, *extensions_omitted),
        H::ServerKeyExchange {
            length,
            named_group,
            dh_prime_bits,
            public_key_length,
            public_key,
            signature_algorithm,
            signature_length,
        } => {
            let mut lines = Vec::new();
            match (named_group, dh_prime_bits) {
                (Some(g), _) => lines.push(format!("ECDHE, group {}", g.label())),
                (None, Some(bits)) => lines.push(format!("DHE, {bits}-bit prime")),
                (None, None) => lines.push(format!("{length} bytes, parameters not decoded")),
            }
            if let Some(n) = public_key_length {
                lines.push(format!("public key {}", bytes_shown(public_key, *n)));
            }
            if let Some(s) = signature_line(*signature_algorithm, *signature_length) {
                lines.push(s);
            }
            lines.join("\n")
        }
        H::CertificateRequest {
            certificate_types,
            certificate_types_omitted,
            signature_algorithms,
            signature_algorithms_omitted,
            certificate_authorities,
            certificate_authority_names,
        } => {
            let mut lines = Vec::new();
            if !certificate_types.is_empty() {
                lines.push(format!(
                    "certificate types: {}",
                    names(certificate_types, *certificate_types_omitted)
                ));
            }
            if !signature_algorithms.is_empty() {
                lines.push(format!(
                    "signature schemes: {}",
                    names(signature_algorithms, *signature_algorithms_omitted)
                ));
            }
            lines.push(match certificate_authorities {
                0 => "CA names: none (any CA)".into(),
                n => format!("CA names ({n}):"),
            });
            let shown = certificate_authority_names.iter().take(LIST_ITEMS);
            lines.extend(shown.map(|n| format!("- {}", cell(n))));
            if *certificate_authorities > LIST_ITEMS.min(certificate_authority_names.len()) {
                let more =
                    certificate_authorities - LIST_ITEMS.min(certificate_authority_names.len());
                lines.push(format!("- … (+{more})"));
            }
            lines.join("\n")
        }
        H::CertificateVerify {
            signature_algorithm,
            signature_length,
        } => signature_line(*signature_algorithm, Some(*signature_length)).unwrap_or_default(),
        H::ClientKeyExchange {
            exchange,
            length,
            encrypted_pre_master_secret,
            public_key_length,
        } => match (exchange, encrypted_pre_master_secret, public_key_length) {
            (_, Some(z), _) => format!(
                "RSA: encrypted pre-master secret z {}",
                bytes_shown(z, z.len())
            ),
            (KeyExchangeHint::Ecdhe, _, Some(n)) => format!("ECDHE public key, {n} bytes"),
            (KeyExchangeHint::Dhe, _, Some(n)) => format!("DHE public value, {n} bytes"),
            (e, _, _) => format!("{}: {length} bytes", wire::exchange_name(*e)),
        },
        H::Finished { verify_data } => verify_data
            .as_deref()
            .map(|v| format!("verify_data = {}", hex::encode(v)))
            .unwrap_or_default(),
        H::CertificateStatus {
            status_type,
            length,
        } => format!("{} response, {length} bytes", status_type.label()),
        H::KeyUpdate { update_requested } => if *update_requested {
            "the peer is asked to update its keys too"
        } else {
            "the peer is not asked to update"
        }
        .into(),
        H::HelloVerifyRequest {
            server_version,
            cookie,
        } => format!(
            "server version {}\ncookie {}",
            server_version.label(),
            bytes_shown(cookie, cookie.len())
        ),
        H::Unknown { msg_type, length } => {
            format!("message type {} ({length} bytes), not decoded", msg_type.0)
        }
    }
}

fn client_hello_lines(ch: &ClientHello) -> String {
    let suites = ch.cipher_suites.len() + ch.cipher_suites_omitted;
    // With supported_versions the field is a fixed legacy value (RFC 8446 §4.1.2).
    let version = if ch.has_extension(ExtensionType::SUPPORTED_VERSIONS) {
        "legacy_version"
    } else {
        "version"
    };
    let mut lines = vec![
        format!("{version} {}", ch.legacy_version.label()),
        format!("random x = {}", hex::encode(ch.random)),
        format!("session id {}", or_empty(&hex::encode(&ch.session_id))),
        format!(
            "{suites} cipher suites: {}",
            names(&ch.cipher_suites, ch.cipher_suites_omitted)
        ),
        format!("compression: {}", names(&ch.compression_methods, 0)),
    ];
    if !ch.cookie.is_empty() {
        lines.push(format!(
            "cookie {}",
            bytes_shown(&ch.cookie, ch.cookie.len())
        ));
    }
    lines.push(extension_block(&ch.extensions, ch.extensions_omitted));
    lines.join("\n")
}

fn server_hello_lines(sh: &ServerHello) -> String {
    let mut lines = Vec::new();
    if sh.hello_retry_request {
        lines.push("HelloRetryRequest".to_string());
    }
    lines.extend([
        format!("version {}", sh.selected_version.label()),
        format!("random y = {}", hex::encode(sh.random)),
        format!("session id {}", or_empty(&hex::encode(&sh.session_id))),
        format!("cipher suite {}", sh.cipher_suite.label()),
        format!("compression {}", sh.compression_method.label()),
        extension_block(&sh.extensions, sh.extensions_omitted),
    ]);
    lines.join("\n")
}

fn certificate_lines(certificates: &[CertificateEntry], omitted: usize) -> String {
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
                    format!(", SAN {}", joined(c.san.iter().cloned(), c.san_omitted))
                }
            )),
            CertificateEntry::Unparsed { length, error } => {
                cell(&format!("[{i}] {length} bytes: {error}"))
            }
        })
        .collect();
    let more = certificates.len().saturating_sub(LIST_ITEMS) + omitted;
    if more > 0 {
        lines.push(format!("… (+{more})"));
    }
    if lines.is_empty() {
        lines.push("no certificate".into());
    }
    lines.join("\n")
}

/// `signed with rsa_pss_rsae_sha256 (256-byte signature)`; before TLS 1.2 the scheme
/// is implied by the key (MD5+SHA-1 for RSA).
fn signature_line(scheme: Option<impl Registered>, length: Option<usize>) -> Option<String> {
    Some(match (scheme, length) {
        (Some(s), Some(n)) => format!("signed with {} ({n}-byte signature)", s.label()),
        (Some(s), None) => format!("signed with {}", s.label()),
        (None, Some(n)) => format!("signed ({n}-byte signature, scheme implied by the key)"),
        (None, None) => return None,
    })
}

/// An extensions block: how many, then one line per extension with its value.
fn extension_block(list: &[Extension], omitted: usize) -> String {
    let total = list.len() + omitted;
    if total == 0 {
        return "no extensions".into();
    }
    let mut lines = vec![format!(
        "{total} extension{}:",
        if total == 1 { "" } else { "s" }
    )];
    lines.extend(
        list.iter()
            .take(EXTENSION_LINES)
            .map(|e| format!("- {}", extension_line(e))),
    );
    let more = list.len().saturating_sub(EXTENSION_LINES) + omitted;
    if more > 0 {
        lines.push(format!("- … (+{more})"));
    }
    lines.join("\n")
}

/// One extension: its name, and its value in words.
pub fn extension_line(e: &Extension) -> String {
    let name = e.id.label();
    match extension_value(e) {
        Some(v) => cell(&format!("{name}: {v}")),
        None => name.into_owned(),
    }
}

fn extension_value(e: &Extension) -> Option<String> {
    use ExtensionData as D;
    Some(match &e.data {
        D::ServerName {
            host_names,
            host_names_omitted,
        } => joined(
            host_names.iter().map(|n| bytes_as_text(n)),
            *host_names_omitted,
        ),
        D::SupportedVersions { versions } => names(versions, 0),
        D::SupportedGroups {
            groups,
            groups_omitted,
        } => names(groups, *groups_omitted),
        D::EcPointFormats { formats } => names(formats, 0),
        D::SignatureAlgorithms {
            algorithms,
            algorithms_omitted,
        } => names(algorithms, *algorithms_omitted),
        D::Alpn {
            protocols,
            protocols_omitted,
        } => joined(
            protocols.iter().map(|p| bytes_as_text(p)),
            *protocols_omitted,
        ),
        D::KeyShare {
            shares,
            shares_omitted,
        } => joined(
            shares
                .iter()
                .map(|s| format!("{} ({} bytes)", s.group.label(), s.key_exchange_len)),
            *shares_omitted,
        ),
        D::KeyShareRetry { selected_group } => format!("retry with {}", selected_group.label()),
        D::PskModes { modes } => names(modes, 0),
        D::CompressCertificate { algorithms } => names(algorithms, 0),
        D::PreSharedKey {
            identities,
            identities_omitted,
            binders,
        } => {
            let ids = joined(
                identities.iter().map(|i| {
                    format!(
                        "identity of {} bytes (obfuscated age {})",
                        i.identity_len, i.obfuscated_ticket_age
                    )
                }),
                *identities_omitted,
            );
            format!(
                "{ids}; {binders} binder{}",
                if *binders == 1 { "" } else { "s" }
            )
        }
        D::PreSharedKeySelected { selected_identity } => {
            format!("identity {selected_identity} accepted")
        }
        D::StatusRequest { status_type } => status_type.label().into_owned(),
        D::RenegotiationInfo {
            renegotiated_connection,
        } if renegotiated_connection.is_empty() => "empty (a first handshake)".into(),
        D::RenegotiationInfo {
            renegotiated_connection,
        } => format!(
            "renegotiating, verify data {}",
            hex::encode(renegotiated_connection)
        ),
        D::MaxEarlyData {
            max_early_data_size,
        } => format!("up to {max_early_data_size} bytes of early data"),
        D::RecordSizeLimit { limit } => format!("records up to {limit} bytes"),
        D::MaxFragmentLength { code: c @ 1..=4 } => format!("{} bytes", 1u32 << (8 + c)),
        D::MaxFragmentLength { code } => format!("unknown code {code}"),
        D::Flag {} => return None,
        D::Opaque { .. } if e.id == ExtensionType::PADDING => format!("{} bytes", e.length),
        D::Opaque { data } => bytes_shown(data, e.length),
    })
}

/// The records that are not handshake messages.
fn body_text(body: &MessageBody) -> String {
    match body {
        MessageBody::Handshake(h) => message_lines(h),
        MessageBody::ChangeCipherSpec {} => String::new(),
        MessageBody::ApplicationData(run) | MessageBody::EarlyData(run) => run_text(run),
        MessageBody::Alert(a) => match (a.level_name(), a.code) {
            (Some(level), Some(code)) => format!("{level}: {} ({})", code.label(), code.0),
            _ => "encrypted".into(),
        },
        MessageBody::EncryptedFinished { length, note } => {
            format!("encrypted, {length} bytes\n{note}")
        }
        MessageBody::EncryptedHandshake { length } | MessageBody::EncryptedAlert { length } => {
            format!("encrypted, {length} bytes")
        }
        MessageBody::Heartbeat {
            length,
            message: None,
        } => format!("{length} bytes"),
        MessageBody::Heartbeat {
            length,
            message: Some(h),
        } => {
            let kind = match h.kind {
                crate::tls::heartbeat::REQUEST => "request",
                crate::tls::heartbeat::RESPONSE => "response",
                _ => "unknown type",
            };
            format!(
                "{kind}, payload_length {}, {length} bytes",
                h.payload_length
            )
        }
        MessageBody::Malformed {
            msg_type,
            name,
            length,
            error,
        } => cell(&format!(
            "{name} (type {}), {length} bytes, did not decode: {error}",
            msg_type.0
        )),
    }
}

fn run_text(run: &AppDataRun) -> String {
    let records = match run.records {
        1 => "1 record".to_string(),
        n => format!("{n} records"),
    };
    match run.decrypted_bytes {
        Some(p) => format!("{records}, {} bytes; {p} bytes decrypted", run.bytes),
        None => format!("{records}, {} bytes, encrypted", run.bytes),
    }
}

/// `7200 s (2 h)`: a lifetime as sent, and readable.
fn duration(seconds: u32) -> String {
    if seconds < 60 {
        return format!("{seconds} s");
    }
    let parts = [
        (seconds / 3600, "h"),
        (seconds / 60 % 60, "min"),
        (seconds % 60, "s"),
    ];
    let readable: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    format!("{seconds} s ({})", readable.join(" "))
}

/// `(32 bytes) = 5f1c…`: a length, and the first [`HEX_SHOWN`] of the bytes kept.
fn bytes_shown(kept: &[u8], length: usize) -> String {
    if length == 0 {
        return "(empty)".into();
    }
    let head = &kept[..kept.len().min(HEX_SHOWN)];
    let more = if length > head.len() { "…" } else { "" };
    format!("({length} bytes) = {}{more}", hex::encode(head))
}

fn or_empty(s: &str) -> &str {
    if s.is_empty() {
        "(empty)"
    } else {
        s
    }
}

/// The first [`LIST_ITEMS`] names of registry values, joined; a count of the rest
/// (those past the cap, and `omitted` ones the parser only counted).
fn names<T: Registered>(list: &[T], omitted: usize) -> String {
    joined(list.iter().map(|v| v.label().into_owned()), omitted)
}

/// The first [`LIST_ITEMS`] items, joined; a count of the rest.
fn joined(items: impl ExactSizeIterator<Item = String>, omitted: usize) -> String {
    let more = items.len().saturating_sub(LIST_ITEMS) + omitted;
    let mut s = items.take(LIST_ITEMS).collect::<Vec<_>>().join(", ");
    if more > 0 {
        s.push_str(&format!(", … (+{more})"));
    }
    s
}

#[cfg(test)]
mod tests;
