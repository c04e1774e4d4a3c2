//! The JSON contract for what `tls/` parses: field for field what `--json` shows of a
//! handshake message, its extensions and a certificate chain. The wire types hold
//! numbers and bytes; here they get their names (from the registries), hex and text.
//!
//! ```text
//!  NamedGroup(29)             → {"id": 29, "name": "x25519"}      Coded
//!  random: [u8; 32]           → "5f3a…"                           Hex
//!  ClientHello                → {legacy_version, random, …}       client_hello_fields
//!  HandshakeMessage           → {"type": "Finished", …}           Message
//! ```
//!
//! Keys come in the contract's order. A counter of list items not kept (`…_omitted`)
//! and a field the message may lack appear only when there is something to say.

use std::borrow::Cow;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::text::{bytes_as_text, protocols_hex, protocols_text};
use crate::tls::certificate::{CertificateSummary, PublicKeySummary};
use crate::tls::extensions::{Extension, ExtensionData, KeyShareEntry, PskIdentity};
use crate::tls::handshake::{CertificateEntry, HandshakeMessage, KeyExchangeHint};
use crate::tls::hello::{ClientHello, ServerHello};
use crate::tls::registry::{NamedGroup, Registered};

/// A handshake message as the contract shows it: `{"type": "ClientHello", …}`.
pub struct Message<'a>(pub &'a HandshakeMessage);

/// A certificate chain as the contract shows it (`certificates`, `client_certificates`).
pub struct Chain<'a>(pub &'a [CertificateEntry]);

/// For `#[serde(serialize_with)]` in the report model.
pub fn ser_chain<S: Serializer>(c: &[CertificateEntry], s: S) -> Result<S::Ok, S::Error> {
    Chain(c).serialize(s)
}

// ---------------------------------------------------------------------------
// Values.

/// A registry value: `{"id": 29, "name": "x25519"}`.
struct Coded<T>(T);

impl<T: Registered> Serialize for Coded<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("id", &self.0.number())?;
        m.serialize_entry("name", &self.0.label())?;
        m.end()
    }
}

/// A list of registry values, each [`Coded`].
struct Codes<'a, T>(&'a [T]);

impl<T: Registered> Serialize for Codes<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|&v| Coded(v)))
    }
}

/// Bytes as lowercase hex; up to an RSA-4096 *z* on the stack.
pub struct Hex<'a>(pub &'a [u8]);

impl Serialize for Hex<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 1024];
        match buf.get_mut(..self.0.len() * 2) {
            Some(out) => {
                // Hex digits are ASCII, and `out` has room for them.
                let _ = hex::encode_to_slice(self.0, out);
                s.serialize_str(std::str::from_utf8(out).unwrap_or_default())
            }
            None => s.serialize_str(&hex::encode(self.0)),
        }
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Map entries the contract's way: a counter only when non-zero, an optional field only
/// when present.
trait Entries: SerializeMap {
    fn count(&mut self, key: &'static str, n: usize) -> Result<(), Self::Error> {
        if n > 0 {
            self.serialize_entry(key, &n)?;
        }
        Ok(())
    }

    fn some<T: Serialize>(&mut self, key: &'static str, v: Option<T>) -> Result<(), Self::Error> {
        match v {
            Some(v) => self.serialize_entry(key, &v),
            None => Ok(()),
        }
    }
}

impl<M: SerializeMap> Entries for M {}

// ---------------------------------------------------------------------------
// Handshake messages.

impl Serialize for Message<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        message_entries(&mut m, self.0)?;
        m.end()
    }
}

/// A message's `type` and fields, into a map the caller has opened (a message entry
/// puts its direction, time and frame before them): one map, where serde's `flatten`
/// would buffer every field first.
pub fn message_entries<M: SerializeMap>(m: &mut M, msg: &HandshakeMessage) -> Result<(), M::Error> {
    m.serialize_entry("type", msg.type_name())?;
    match msg {
        HandshakeMessage::ClientHello(ch) => client_hello_fields(m, ch),
        HandshakeMessage::ServerHello(sh) => server_hello_fields(m, sh),
        other => message_fields(m, other),
    }
}

/// The fields of the messages other than the hellos (which are structs of their own).
fn message_fields<M: SerializeMap>(m: &mut M, msg: &HandshakeMessage) -> Result<(), M::Error> {
    use HandshakeMessage as H;
    match msg {
        H::ClientHello(_) | H::ServerHello(_) => {}
        H::HelloRequest {} | H::EndOfEarlyData {} | H::ServerHelloDone {} => {}
        H::NewSessionTicket {
            lifetime_hint,
            age_add,
            ticket_length,
            extensions,
            extensions_omitted,
            ticket: _, // a key to a session: not shown
        } => {
            m.serialize_entry("lifetime_hint", lifetime_hint)?;
            m.some("age_add", age_add.as_ref())?;
            m.serialize_entry("ticket_length", ticket_length)?;
            if !extensions.is_empty() {
                m.serialize_entry("extensions", &Extensions(extensions))?;
            }
            m.count("extensions_omitted", *extensions_omitted)?;
        }
        H::EncryptedExtensions {
            extensions,
            extensions_omitted,
        } => {
            m.serialize_entry("extensions", &Extensions(extensions))?;
            m.count("extensions_omitted", *extensions_omitted)?;
        }
        H::Certificate {
            certificates,
            certificates_omitted,
            stapled_ocsp_length,
            compression,
        } => {
            if let Some(c) = compression {
                m.serialize_entry("algorithm", &Coded(c.algorithm))?;
                m.serialize_entry("uncompressed_length", &c.uncompressed_length)?;
                m.serialize_entry("compressed_length", &c.compressed_length)?;
                m.some("decompression_error", c.error.as_ref())?;
            }
            m.serialize_entry("certificates", &Chain(certificates))?;
            m.count("certificates_omitted", *certificates_omitted)?;
            m.some("stapled_ocsp_length", stapled_ocsp_length.as_ref())?;
        }
        H::ServerKeyExchange {
            length,
            named_group,
            dh_prime_bits,
            public_key_length,
            public_key,
            signature_algorithm,
            signature_length,
        } => {
            m.serialize_entry("length", length)?;
            m.some("named_group", named_group.map(Coded))?;
            m.some("dh_prime_bits", dh_prime_bits.as_ref())?;
            m.some("public_key_length", public_key_length.as_ref())?;
            if let Some(n) = public_key_length {
                m.serialize_entry("public_key", &opaque_hex(public_key, *n))?;
            }
            m.some("signature_algorithm", signature_algorithm.map(Coded))?;
            m.some("signature_length", signature_length.as_ref())?;
        }
        H::CertificateRequest {
            certificate_types,
            certificate_types_omitted,
            signature_algorithms,
            signature_algorithms_omitted,
            certificate_authorities,
            certificate_authority_names,
        } => {
            m.serialize_entry("certificate_types", &Codes(certificate_types))?;
            m.count("certificate_types_omitted", *certificate_types_omitted)?;
            m.serialize_entry("signature_algorithms", &Codes(signature_algorithms))?;
            m.count(
                "signature_algorithms_omitted",
                *signature_algorithms_omitted,
            )?;
            m.serialize_entry("certificate_authorities", certificate_authorities)?;
            if !certificate_authority_names.is_empty() {
                m.serialize_entry("certificate_authority_names", certificate_authority_names)?;
            }
        }
        H::CertificateVerify {
            signature_algorithm,
            signature_length,
        } => {
            m.some("signature_algorithm", signature_algorithm.map(Coded))?;
            m.serialize_entry("signature_length", signature_length)?;
        }
        H::ClientKeyExchange {
            exchange,
            length,
            encrypted_pre_master_secret,
            public_key_length,
        } => {
            m.serialize_entry("exchange", exchange_name(*exchange))?;
            m.serialize_entry("length", length)?;
            let z = encrypted_pre_master_secret.as_deref().map(Hex);
            m.some("encrypted_pre_master_secret", z)?;
            m.some("public_key_length", public_key_length.as_ref())?;
        }
        H::Finished { verify_data } => {
            m.some("verify_data", verify_data.as_deref().map(Hex))?;
        }
        H::CertificateStatus {
            status_type,
            length,
        } => {
            m.serialize_entry("status_type", &Coded(*status_type))?;
            m.serialize_entry("length", length)?;
        }
        H::KeyUpdate { update_requested } => {
            m.serialize_entry("update_requested", update_requested)?;
        }
        H::HelloVerifyRequest {
            server_version,
            cookie,
        } => {
            m.serialize_entry("server_version", &Coded(*server_version))?;
            m.serialize_entry("cookie", &Hex(cookie))?;
        }
        H::Unknown { msg_type, length } => {
            m.serialize_entry("msg_type", &msg_type.0)?;
            m.serialize_entry("name", &msg_type.title_label())?;
            m.serialize_entry("length", length)?;
        }
    }
    Ok(())
}

/// How a ClientKeyExchange was read: `rsa` (the encrypted pre-master secret *z*), `dh`,
/// `ecdh`, `psk` or `unknown`.
pub fn exchange_name(e: KeyExchangeHint) -> &'static str {
    match e {
        KeyExchangeHint::Rsa => "rsa",
        KeyExchangeHint::Dhe => "dh",
        KeyExchangeHint::Ecdhe => "ecdh",
        KeyExchangeHint::Psk => "psk",
        KeyExchangeHint::Unknown => "unknown",
    }
}

fn client_hello_fields<M: SerializeMap>(m: &mut M, ch: &ClientHello) -> Result<(), M::Error> {
    m.serialize_entry("legacy_version", &Coded(ch.legacy_version))?;
    // The client random *x*.
    m.serialize_entry("random", &Hex(&ch.random))?;
    m.serialize_entry("session_id", &Hex(&ch.session_id))?;
    m.serialize_entry("cipher_suites", &Codes(&ch.cipher_suites))?;
    m.count("cipher_suites_omitted", ch.cipher_suites_omitted)?;
    m.serialize_entry("compression_methods", &Codes(&ch.compression_methods))?;
    m.serialize_entry("extensions", &Extensions(&ch.extensions))?;
    m.count("extensions_omitted", ch.extensions_omitted)?;
    if ch.sslv2_format {
        m.serialize_entry("sslv2_format", &true)?;
    }
    Ok(())
}

fn server_hello_fields<M: SerializeMap>(m: &mut M, sh: &ServerHello) -> Result<(), M::Error> {
    m.serialize_entry("legacy_version", &Coded(sh.legacy_version))?;
    m.serialize_entry("selected_version", &Coded(sh.selected_version))?;
    // The server random *y*.
    m.serialize_entry("random", &Hex(&sh.random))?;
    m.serialize_entry("session_id", &Hex(&sh.session_id))?;
    m.serialize_entry("cipher_suite", &Coded(sh.cipher_suite))?;
    m.serialize_entry("compression_method", &Coded(sh.compression_method))?;
    m.serialize_entry("extensions", &Extensions(&sh.extensions))?;
    m.count("extensions_omitted", sh.extensions_omitted)?;
    m.serialize_entry("hello_retry_request", &sh.hello_retry_request)
}

// ---------------------------------------------------------------------------
// Extensions.

struct Extensions<'a>(&'a [Extension]);

impl Serialize for Extensions<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(ExtensionJson::of))
    }
}

/// `{"id": 16, "name": "application_layer_protocol_negotiation", "length": 5, …body}`.
#[derive(Serialize)]
struct ExtensionJson<'a> {
    id: u16,
    name: Cow<'static, str>,
    length: usize,
    #[serde(flatten)]
    body: Body<'a>,
}

impl<'a> ExtensionJson<'a> {
    fn of(e: &'a Extension) -> Self {
        ExtensionJson {
            id: e.id.0,
            name: e.id.label(),
            length: e.length,
            body: Body(e),
        }
    }
}

/// The decoded body's fields.
struct Body<'a>(&'a Extension);

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use ExtensionData as D;
        let mut m = s.serialize_map(None)?;
        match &self.0.data {
            D::ServerName {
                host_names,
                host_names_omitted,
            } => {
                // Escaped losslessly, backslashes too (`\xff`, `\\`), as `sni` is.
                let names: Vec<String> = host_names.iter().map(|n| bytes_as_text(n)).collect();
                m.serialize_entry("host_names", &names)?;
                m.count("host_names_omitted", *host_names_omitted)?;
            }
            D::SupportedVersions { versions } => m.serialize_entry("versions", &Codes(versions))?,
            D::SupportedGroups {
                groups,
                groups_omitted,
            } => {
                m.serialize_entry("groups", &Codes(groups))?;
                m.count("groups_omitted", *groups_omitted)?;
            }
            D::EcPointFormats { formats } => m.serialize_entry("formats", &Codes(formats))?,
            D::SignatureAlgorithms {
                algorithms,
                algorithms_omitted,
            } => {
                m.serialize_entry("algorithms", &Codes(algorithms))?;
                m.count("algorithms_omitted", *algorithms_omitted)?;
            }
            D::Alpn {
                protocols,
                protocols_omitted,
            } => {
                // As text; in hex too when one is not UTF-8 (the `alpn` rule).
                m.serialize_entry("protocols", &protocols_text(protocols))?;
                m.some("protocols_hex", protocols_hex(protocols))?;
                m.count("protocols_omitted", *protocols_omitted)?;
            }
            D::KeyShare {
                shares,
                shares_omitted,
            } => {
                let shares: Vec<ShareJson> = shares.iter().map(ShareJson::of).collect();
                m.serialize_entry("shares", &shares)?;
                m.count("shares_omitted", *shares_omitted)?;
            }
            D::KeyShareRetry { selected_group } => {
                m.serialize_entry("selected_group", &Coded(*selected_group))?
            }
            D::PskModes { modes } => m.serialize_entry("modes", &Codes(modes))?,
            D::CompressCertificate { algorithms } => {
                m.serialize_entry("algorithms", &Codes(algorithms))?
            }
            D::PreSharedKey {
                identities,
                identities_omitted,
                binders,
            } => {
                let ids: Vec<IdentityJson> = identities.iter().map(IdentityJson::of).collect();
                m.serialize_entry("identities", &ids)?;
                m.count("identities_omitted", *identities_omitted)?;
                m.serialize_entry("binders", binders)?;
            }
            D::PreSharedKeySelected { selected_identity } => {
                m.serialize_entry("selected_identity", selected_identity)?
            }
            D::StatusRequest { status_type } => {
                m.serialize_entry("status_type", &Coded(*status_type))?
            }
            D::RenegotiationInfo {
                renegotiated_connection,
            } => m.serialize_entry("renegotiated_connection", &Hex(renegotiated_connection))?,
            D::MaxEarlyData {
                max_early_data_size,
            } => m.serialize_entry("max_early_data_size", max_early_data_size)?,
            D::RecordSizeLimit { limit } => m.serialize_entry("limit", limit)?,
            D::MaxFragmentLength { code } => m.serialize_entry("code", code)?,
            D::Flag {} => {}
            D::Opaque { data } => m.serialize_entry("data", &opaque_hex(data, self.0.length))?,
        }
        m.end()
    }
}

/// The kept head of an opaque body in hex, with `…` when the body was longer.
fn opaque_hex(head: &[u8], length: usize) -> String {
    let mut s = hex::encode(head);
    if length > head.len() {
        s.push('…');
    }
    s
}

#[derive(Serialize)]
struct ShareJson {
    group: Coded<NamedGroup>,
    key_exchange_len: usize,
}

impl ShareJson {
    fn of(e: &KeyShareEntry) -> Self {
        ShareJson {
            group: Coded(e.group),
            key_exchange_len: e.key_exchange_len,
        }
    }
}

#[derive(Serialize)]
struct IdentityJson {
    identity_len: usize,
    obfuscated_ticket_age: u32,
}

impl IdentityJson {
    fn of(p: &PskIdentity) -> Self {
        IdentityJson {
            identity_len: p.identity_len,
            obfuscated_ticket_age: p.obfuscated_ticket_age,
        }
    }
}

// ---------------------------------------------------------------------------
// Certificates.

impl Serialize for Chain<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(EntryJson::of))
    }
}

/// A certificate's summary, or `{"length", "error"}` when it did not decode.
#[derive(Serialize, schemars::JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "CertificateEntry")]
pub enum EntryJson<'a> {
    Parsed(CertificateJson<'a>),
    Unparsed { length: usize, error: &'a str },
}

impl<'a> EntryJson<'a> {
    fn of(e: &'a CertificateEntry) -> Self {
        match e {
            CertificateEntry::Parsed(c) => EntryJson::Parsed(CertificateJson::of(c)),
            CertificateEntry::Unparsed { length, error } => EntryJson::Unparsed {
                length: *length,
                error,
            },
        }
    }
}

#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "Certificate")]
pub struct CertificateJson<'a> {
    subject: &'a str,
    issuer: &'a str,
    serial: &'a str,
    not_before: &'a str,
    not_after: &'a str,
    public_key: PublicKeyJson<'a>,
    san: &'a [String],
    #[serde(skip_serializing_if = "is_zero")]
    san_omitted: usize,
    sha256: &'a str,
    self_signed: bool,
    signature_algorithm: &'a str,
}

impl<'a> CertificateJson<'a> {
    fn of(c: &'a CertificateSummary) -> Self {
        CertificateJson {
            subject: &c.subject,
            issuer: &c.issuer,
            serial: &c.serial,
            not_before: &c.not_before,
            not_after: &c.not_after,
            public_key: PublicKeyJson::of(&c.public_key),
            san: &c.san,
            san_omitted: c.san_omitted,
            sha256: &c.sha256,
            self_signed: c.self_signed,
            signature_algorithm: &c.signature_algorithm,
        }
    }
}

/// The key's algorithm, size and curve (its RSA numbers are not shown).
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "PublicKey")]
pub struct PublicKeyJson<'a> {
    algorithm: &'a str,
    bits: Option<u32>,
    curve: Option<&'a str>,
}

impl<'a> PublicKeyJson<'a> {
    fn of(k: &'a PublicKeySummary) -> Self {
        PublicKeyJson {
            algorithm: &k.algorithm,
            bits: k.bits,
            curve: k.curve.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::tls::codec::{MAX_CHAIN_ITEMS, MAX_LIST_ITEMS};
    use crate::tls::extensions::{parse_extensions, HelloKind};
    use crate::tls::handshake::{HandshakeFrame, KeyExchangeHint, ParseContext};
    use crate::tls::hello::OfferedSuite;
    use crate::tls::registry::{ExtensionType, HandshakeType, ProtocolVersion};

    fn v8(body: &[u8]) -> Vec<u8> {
        [&[body.len() as u8][..], body].concat()
    }

    fn v16(body: &[u8]) -> Vec<u8> {
        [&(body.len() as u16).to_be_bytes()[..], body].concat()
    }

    fn v24(body: &[u8]) -> Vec<u8> {
        [&(body.len() as u32).to_be_bytes()[1..], body].concat()
    }

    fn ext(id: u16, body: &[u8]) -> Vec<u8> {
        [&id.to_be_bytes()[..], &v16(body)].concat()
    }

    /// The JSON of the extensions of a client's extensions block.
    fn client_extensions(block: &[u8]) -> Vec<Value> {
        let b = parse_extensions(block, HelloKind::Client).unwrap();
        let Value::Array(list) = serde_json::to_value(Extensions(&b.list)).unwrap() else {
            panic!()
        };
        list
    }

    /// A message's JSON text, keys in the order written.
    fn message_text(msg_type: HandshakeType, body: &[u8], ctx: ParseContext) -> String {
        let frame = HandshakeFrame {
            msg_type,
            body,
            raw: &[],
        };
        let m = HandshakeMessage::parse(&frame, &ctx).unwrap();
        serde_json::to_string(&Message(&m)).unwrap()
    }

    fn message(msg_type: HandshakeType, body: &[u8], ctx: ParseContext) -> Value {
        serde_json::from_str(&message_text(msg_type, body, ctx)).unwrap()
    }

    /// The keys of a JSON object, in the order written (a `Value` sorts them).
    fn keys(text: &str) -> Vec<String> {
        use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = Vec<String>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Vec<String>, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, IgnoredAny)) = m.next_entry::<String, IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(keys)
            }
        }
        serde_json::Deserializer::from_str(text)
            .deserialize_map(Keys)
            .unwrap()
    }

    fn tls12() -> ParseContext {
        ParseContext {
            version: Some(ProtocolVersion::TLS1_2),
            key_exchange: KeyExchangeHint::Unknown,
            psk_identity_first: false,
        }
    }

    fn alpn(names: &[&[u8]]) -> Vec<u8> {
        ext(
            16,
            &v16(&names.iter().flat_map(|n| v8(n)).collect::<Vec<_>>()),
        )
    }

    fn sni(name: &[u8]) -> Vec<u8> {
        ext(0, &v16(&[&[0][..], &v16(name)].concat()))
    }

    #[test]
    fn registry_values_show_their_number_and_name() {
        let j = |v: Value| v;
        assert_eq!(
            j(serde_json::to_value(Coded(NamedGroup::X25519)).unwrap()),
            json!({"id": 29, "name": "x25519"})
        );
        assert_eq!(
            serde_json::to_value(Codes(&[NamedGroup(999), NamedGroup(0x0a0a)])).unwrap(),
            json!([{"id": 999, "name": "unknown (999)"}, {"id": 2570, "name": "GREASE (0x0a0a)"}])
        );
        assert_eq!(
            serde_json::to_value(Coded(OfferedSuite::Ssl2(
                crate::tls::registry::Ssl2CipherSpec(0x010080)
            )))
            .unwrap(),
            json!({"id": 65664, "name": "SSL2_CK_0x010080"})
        );
    }

    #[test]
    fn extensions_as_the_contract_shows_them() {
        let block = [
            sni(b"example.c"),
            alpn(&[b"h2"]),
            ext(43, &v8(&[3, 4, 3, 3])),
            ext(23, &[]),
        ]
        .concat();
        let e = client_extensions(&block);
        assert_eq!(
            e[0],
            json!({"id": 0, "name": "server_name", "length": 14, "host_names": ["example.c"]})
        );
        // Valid UTF-8 names are shown as they are, with no hex and no counters.
        assert_eq!(
            e[1],
            json!({"id": 16, "name": "application_layer_protocol_negotiation", "length": 5,
                "protocols": ["h2"]})
        );
        assert_eq!(
            e[2]["versions"],
            json!([{"id": 772, "name": "TLS 1.3"}, {"id": 771, "name": "TLS 1.2"}])
        );
        assert_eq!(
            e[3],
            json!({"id": 23, "name": "extended_master_secret", "length": 0})
        );
    }

    // RFC 7301 §3.1: protocol names are opaque bytes; shown losslessly (escaped text,
    // and hex when one is not UTF-8).
    #[test]
    fn alpn_and_sni_bytes_are_shown_losslessly() {
        let e = client_extensions(&alpn(&[b"h2", &[0xff, b'a', 0xfe], b"a\\b"]));
        assert_eq!(e[0]["protocols"], json!(["h2", "\\xffa\\xfe", "a\\b"]));
        assert_eq!(e[0]["protocols_hex"], json!(["6832", "ff61fe", "615c62"]));
        let e = client_extensions(&sni(b"a\xff\\.example"));
        assert_eq!(e[0]["host_names"], json!(["a\\xff\\\\.example"]));
        let e = client_extensions(&sni(&[b'x', 0x80, b'.', b'c']));
        assert_eq!(e[0]["host_names"], json!(["x\\x80.c"]));
    }

    #[test]
    fn key_shares_bytes_and_opaque_bodies() {
        let mut server = 0x001du16.to_be_bytes().to_vec();
        server.extend_from_slice(&v16(&[9; 32]));
        let b = parse_extensions(&ext(40, &server), HelloKind::Server).unwrap();
        assert_eq!(
            serde_json::to_value(Extensions(&b.list)).unwrap()[0],
            json!({"id": 40, "name": "key_share (draft)", "length": 36,
                "shares": [{"group": {"id": 29, "name": "x25519"}, "key_exchange_len": 32}]})
        );
        let b = parse_extensions(&ext(51, &0x0018u16.to_be_bytes()), HelloKind::Retry).unwrap();
        assert_eq!(
            serde_json::to_value(Extensions(&b.list)).unwrap()[0]["selected_group"],
            json!({"id": 24, "name": "secp384r1"})
        );
        let e = client_extensions(&ext(0xff01, &v8(&[0xab, 0xcd])));
        assert_eq!(e[0]["renegotiated_connection"], "abcd");
        // A malformed body is kept opaque; a long one is cut at 256 bytes, with `…`.
        let e = client_extensions(&[ext(10, &[0, 4, 0]), ext(21, &[1; 300])].concat());
        assert_eq!(e[0]["data"], "000400");
        assert_eq!(e[1]["data"], format!("{}…", "01".repeat(256)));
        assert_eq!(e[1]["length"], 300);
        let e = client_extensions(&ext(21, &[1; 256]));
        assert_eq!(e[0]["data"], "01".repeat(256));
    }

    #[test]
    fn long_lists_show_a_count_of_the_rest() {
        let groups: Vec<u8> = (0..5000u16).flat_map(|g| g.to_be_bytes()).collect();
        let e = client_extensions(&ext(10, &v16(&groups)));
        assert_eq!(e[0]["groups"].as_array().unwrap().len(), MAX_LIST_ITEMS);
        assert_eq!(e[0]["groups_omitted"], 5000 - MAX_LIST_ITEMS);

        let names: Vec<&[u8]> = (0..2000).map(|_| &b"h2"[..]).collect();
        let e = client_extensions(&alpn(&names));
        assert_eq!(e[0]["protocols"].as_array().unwrap().len(), MAX_LIST_ITEMS);
        assert_eq!(e[0]["protocols_omitted"], 2000 - MAX_LIST_ITEMS);
        assert!(e[0].get("protocols_hex").is_none());

        let shares: Vec<u8> = (0..1100).flat_map(|_| [0, 29, 0, 1, 1]).collect();
        assert_eq!(
            client_extensions(&ext(51, &v16(&shares)))[0]["shares_omitted"],
            1100 - MAX_LIST_ITEMS
        );
        let sigs: Vec<u8> = (0..1030u16).flat_map(|g| g.to_be_bytes()).collect();
        assert_eq!(
            client_extensions(&ext(13, &v16(&sigs)))[0]["algorithms_omitted"],
            6
        );
        let names: Vec<u8> = (0..1025).flat_map(|_| [0, 0, 1, b'a']).collect();
        assert_eq!(
            client_extensions(&ext(0, &v16(&names)))[0]["host_names_omitted"],
            1
        );
        let ids: Vec<u8> = (0..1500)
            .flat_map(|_| [0, 2, b'i', b'd', 0, 0, 0, 1])
            .collect();
        let psk = [v16(&ids), v16(&[1, 0xaa])].concat();
        let e = client_extensions(&ext(41, &psk));
        assert_eq!(
            e[0]["identities"][0],
            json!({"identity_len": 2, "obfuscated_ticket_age": 1})
        );
        assert_eq!(e[0]["identities_omitted"], 1500 - MAX_LIST_ITEMS);
        assert_eq!(e[0]["binders"], 1);
    }

    /// A ClientHello body: TLS 1.2, the given suites and extensions block.
    fn client_hello(suites: &[u16], extensions: &[u8]) -> Vec<u8> {
        let s: Vec<u8> = suites.iter().flat_map(|s| s.to_be_bytes()).collect();
        [
            &[3, 3][..],
            &[0x11; 32],
            &v8(&[0x22; 2]),
            &v16(&s),
            &v8(&[0]),
            &v16(extensions),
        ]
        .concat()
    }

    #[test]
    fn hellos_as_the_contract_shows_them() {
        let body = client_hello(&[0x1301, 0x0a0a], &alpn(&[&[0xff, b'a']]));
        assert_eq!(
            keys(&message_text(HandshakeType::CLIENT_HELLO, &body, tls12())),
            [
                "type",
                "legacy_version",
                "random",
                "session_id",
                "cipher_suites",
                "compression_methods",
                "extensions"
            ],
            "no counters at 0, no sslv2_format when false"
        );
        let j = message(HandshakeType::CLIENT_HELLO, &body, tls12());
        assert_eq!(j["type"], "ClientHello");
        assert_eq!(j["legacy_version"], json!({"id": 771, "name": "TLS 1.2"}));
        assert_eq!(j["random"], "11".repeat(32));
        assert_eq!(j["session_id"], "2222");
        assert_eq!(
            j["cipher_suites"],
            json!([{"id": 4865, "name": "TLS_AES_128_GCM_SHA256"},
                {"id": 2570, "name": "GREASE (0x0a0a)"}])
        );
        assert_eq!(j["compression_methods"], json!([{"id": 0, "name": "null"}]));
        assert_eq!(j["extensions"][0]["protocols"], json!(["\\xffa"]));
        assert_eq!(j["extensions"][0]["protocols_hex"], json!(["ff61"]));

        // 2,000 extensions: the first 1,024 shown, the rest counted.
        let exts: Vec<u8> = (0..2000u16).flat_map(|i| ext(2000 + i, &[])).collect();
        let j = message(
            HandshakeType::CLIENT_HELLO,
            &client_hello(&[0x1301], &exts),
            tls12(),
        );
        assert_eq!(j["extensions"].as_array().unwrap().len(), MAX_LIST_ITEMS);
        assert_eq!(j["extensions_omitted"], 2000 - MAX_LIST_ITEMS);

        let sh = [
            &[3, 3][..],
            &[7; 32],
            &v8(&[]),
            &[0xc0, 0x2f, 0],
            &v16(&ext(23, &[])),
        ]
        .concat();
        let j = message(HandshakeType::SERVER_HELLO, &sh, tls12());
        assert_eq!(
            j,
            json!({"type": "ServerHello",
                "legacy_version": {"id": 771, "name": "TLS 1.2"},
                "selected_version": {"id": 771, "name": "TLS 1.2"},
                "random": "07".repeat(32), "session_id": "",
                "cipher_suite": {"id": 49199, "name": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
                "compression_method": {"id": 0, "name": "null"},
                "extensions": [{"id": 23, "name": "extended_master_secret", "length": 0}],
                "hello_retry_request": false})
        );
    }

    #[test]
    fn other_messages_as_the_contract_shows_them() {
        let j = message(HandshakeType(7), &[0; 3], tls12());
        assert_eq!(
            j,
            json!({"type": "Unknown", "msg_type": 7, "name": "Unknown(7)", "length": 3})
        );
        let j = message(HandshakeType::FINISHED, &[0xab; 12], tls12());
        assert_eq!(
            j,
            json!({"type": "Finished", "verify_data": "ab".repeat(12)})
        );
        let j = message(HandshakeType::HELLO_REQUEST, &[], tls12());
        assert_eq!(j, json!({"type": "HelloRequest"}));
        let rsa = ParseContext {
            key_exchange: KeyExchangeHint::Rsa,
            ..tls12()
        };
        let j = message(HandshakeType::CLIENT_KEY_EXCHANGE, &v16(&[0xcd; 4]), rsa);
        assert_eq!(
            j,
            json!({"type": "ClientKeyExchange", "exchange": "rsa", "length": 6,
                "encrypted_pre_master_secret": "cdcdcdcd"})
        );
        let ecdhe = ParseContext {
            key_exchange: KeyExchangeHint::Ecdhe,
            ..tls12()
        };
        let ske = [&[3, 0, 29][..], &v8(&[1; 32]), &[8, 4], &v16(&[2; 64])].concat();
        assert_eq!(
            keys(&message_text(
                HandshakeType::SERVER_KEY_EXCHANGE,
                &ske,
                ecdhe
            )),
            [
                "type",
                "length",
                "named_group",
                "public_key_length",
                "public_key",
                "signature_algorithm",
                "signature_length"
            ]
        );
        let j = message(HandshakeType::SERVER_KEY_EXCHANGE, &ske, ecdhe);
        assert_eq!(
            j,
            json!({"type": "ServerKeyExchange", "length": 104,
                "named_group": {"id": 29, "name": "x25519"}, "public_key_length": 32,
                "public_key": "01".repeat(32), "signature_length": 64,
                "signature_algorithm": {"id": 2052, "name": "rsa_pss_rsae_sha256"}})
        );
        let j = message(HandshakeType::CERTIFICATE_STATUS, &[1, 0, 0, 1, 9], tls12());
        assert_eq!(
            j,
            json!({"type": "CertificateStatus", "status_type": {"id": 1, "name": "ocsp"},
                "length": 1})
        );
        let j = message(
            HandshakeType::NEW_SESSION_TICKET,
            &[&[0, 0, 1, 0][..], &v16(&[5; 10])].concat(),
            tls12(),
        );
        assert_eq!(
            j,
            json!({"type": "NewSessionTicket", "lifetime_hint": 256, "ticket_length": 10})
        );
    }

    #[test]
    fn long_chains_and_lists_in_messages() {
        let junk = |n: usize| -> Vec<u8> { (0..n).flat_map(|_| v24(&[0x30, 0])).collect() };
        let j = message(HandshakeType::CERTIFICATE, &v24(&junk(70)), tls12());
        assert_eq!(j["certificates"].as_array().unwrap().len(), MAX_CHAIN_ITEMS);
        assert_eq!(j["certificates_omitted"], 70 - MAX_CHAIN_ITEMS);
        assert_eq!(j["certificates"][0]["length"], 2);
        assert!(j["certificates"][0]["error"].is_string());
        let j = message(HandshakeType::CERTIFICATE, &v24(&junk(3)), tls12());
        assert_eq!(j["certificates"].as_array().unwrap().len(), 3);
        assert!(j.get("certificates_omitted").is_none());

        let exts: Vec<u8> = (0..1100u16).flat_map(|i| ext(3000 + i, &[])).collect();
        let tls13 = ParseContext {
            version: Some(ProtocolVersion::TLS1_3),
            ..tls12()
        };
        let j = message(HandshakeType::ENCRYPTED_EXTENSIONS, &v16(&exts), tls13);
        assert_eq!(j["extensions"].as_array().unwrap().len(), MAX_LIST_ITEMS);
        assert_eq!(j["extensions_omitted"], 1100 - MAX_LIST_ITEMS);

        let sigs: Vec<u8> = (0..2000u16).flat_map(|v| v.to_be_bytes()).collect();
        let body = [v8(&[1, 64]), v16(&sigs), v16(&v16(b"CA"))].concat();
        let j = message(HandshakeType::CERTIFICATE_REQUEST, &body, tls12());
        assert_eq!(
            j["signature_algorithms"].as_array().unwrap().len(),
            MAX_LIST_ITEMS
        );
        assert_eq!(j["signature_algorithms_omitted"], 2000 - MAX_LIST_ITEMS);
        assert_eq!(
            j["certificate_types"],
            json!([{"id": 1, "name": "rsa_sign"}, {"id": 64, "name": "ecdsa_sign"}])
        );
        assert!(j.get("certificate_types_omitted").is_none());
        assert_eq!(j["certificate_authorities"], 1);
    }

    #[test]
    fn certificates_as_the_contract_shows_them() {
        let summary = |san_omitted| CertificateSummary {
            subject: "CN=a".into(),
            issuer: "CN=b".into(),
            serial: "01".into(),
            not_before: "2024-01-02T03:04:05Z".into(),
            not_after: "2025-01-02T03:04:05Z".into(),
            public_key: PublicKeySummary {
                algorithm: "RSA".into(),
                bits: Some(2048),
                curve: None,
                rsa_modulus: Some(vec![0xc5; 256]),
                rsa_exponent: Some(vec![1, 0, 1]),
            },
            san: vec!["a.example".into()],
            san_omitted,
            sha256: "00".repeat(32),
            self_signed: false,
            signature_algorithm: "sha256WithRSAEncryption".into(),
        };
        let chain = [
            CertificateEntry::Parsed(std::sync::Arc::new(summary(0))),
            CertificateEntry::Parsed(std::sync::Arc::new(summary(36))),
            CertificateEntry::Unparsed {
                length: 2,
                error: "no".into(),
            },
        ];
        let j = serde_json::to_value(Chain(&chain)).unwrap();
        assert_eq!(
            j[0],
            json!({"subject": "CN=a", "issuer": "CN=b", "serial": "01",
                "not_before": "2024-01-02T03:04:05Z", "not_after": "2025-01-02T03:04:05Z",
                "public_key": {"algorithm": "RSA", "bits": 2048, "curve": null},
                "san": ["a.example"], "sha256": "00".repeat(32), "self_signed": false,
                "signature_algorithm": "sha256WithRSAEncryption"}),
            "no san_omitted at 0, no RSA numbers"
        );
        assert_eq!(j[1]["san_omitted"], 36);
        assert_eq!(j[2], json!({"length": 2, "error": "no"}));
    }

    #[test]
    fn an_extension_is_its_number_name_and_length_then_its_fields() {
        let b = parse_extensions(&alpn(&[&[0xff]]), HelloKind::Client).unwrap();
        let text = serde_json::to_string(&ExtensionJson::of(&b.list[0])).unwrap();
        assert_eq!(
            keys(&text),
            ["id", "name", "length", "protocols", "protocols_hex"]
        );
        assert_eq!(b.list[0].id, ExtensionType::ALPN);
    }
}
