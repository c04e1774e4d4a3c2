//! Hello extensions (RFC 8446 §4.2, RFC 6066, RFC 7301, RFC 7627, RFC 7366, RFC 5746 …),
//! decoded into typed values with their names.

use serde::Serialize;

use super::cipher_suite::CipherSuiteId;
use super::codec::{is_zero, DecodeResult, Reader, MAX_LIST_ITEMS};
use super::registry::{
    is_grease, CertificateStatusType, ClientCertificateType, CompressionMethod, EcPointFormat,
    ExtensionType, NamedGroup, ProtocolVersion, PskKeyExchangeMode, SignatureScheme,
    Ssl2CipherSpec,
};
use crate::report::text::bytes_as_text;

/// A protocol number and the registry it belongs to; the name is looked up when the value
/// is shown (`{"id": 29, "name": "x25519"}` in the JSON), never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named {
    pub id: u32,
    pub registry: Registry,
}

/// The IANA registries a [`Named`] value can come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registry {
    Version,
    CipherSuite,
    /// SSL 2.0 cipher specs (three bytes, first one non-zero).
    Ssl2CipherSpec,
    Compression,
    Group,
    EcPointFormat,
    SignatureScheme,
    PskMode,
    CertificateStatusType,
    ClientCertificateType,
}

impl Named {
    pub fn new(id: impl Into<u32>, registry: Registry) -> Self {
        Named {
            id: id.into(),
            registry,
        }
    }

    /// The registry name of the value (`"unknown (N)"` when it has none).
    pub fn name(&self) -> String {
        let v16 = self.id as u16;
        let v8 = self.id as u8;
        match self.registry {
            Registry::Version => ProtocolVersion(v16).label(),
            Registry::CipherSuite => CipherSuiteId(v16).label(),
            Registry::Ssl2CipherSpec => Ssl2CipherSpec(self.id).label(),
            Registry::Compression => CompressionMethod(v8).label(),
            Registry::Group => NamedGroup(v16).label(),
            Registry::EcPointFormat => EcPointFormat(v8).label(),
            Registry::SignatureScheme => SignatureScheme(v16).label(),
            Registry::PskMode => PskKeyExchangeMode(v8).label(),
            Registry::CertificateStatusType => CertificateStatusType(v8).label(),
            Registry::ClientCertificateType => ClientCertificateType(v8).label(),
        }
        .into_owned()
    }
}

impl Serialize for Named {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Named", 2)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("name", &self.name())?;
        st.end()
    }
}

/// Which hello an extension travels in: a few have different shapes on each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelloKind {
    Client,
    Server,
    /// HelloRetryRequest (a ServerHello with the special random).
    Retry,
    Encrypted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyShareEntry {
    pub group: Named,
    pub key_exchange_len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PskIdentity {
    pub identity_len: usize,
    pub obfuscated_ticket_age: u32,
}

/// The decoded body of an extension. Lists keep their first [`MAX_LIST_ITEMS`] entries
/// and count the rest (`groups_omitted` …, shown only when non-zero).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ExtensionData {
    ServerName {
        /// The host names as sent (bytes; shown losslessly escaped, `\xff`).
        #[serde(serialize_with = "ser_host_names")]
        host_names: Vec<Vec<u8>>,
        #[serde(skip_serializing_if = "is_zero")]
        host_names_omitted: usize,
    },
    SupportedVersions {
        versions: Vec<Named>,
    },
    SupportedGroups {
        groups: Vec<Named>,
        #[serde(skip_serializing_if = "is_zero")]
        groups_omitted: usize,
    },
    EcPointFormats {
        formats: Vec<Named>,
    },
    SignatureAlgorithms {
        algorithms: Vec<Named>,
        #[serde(skip_serializing_if = "is_zero")]
        algorithms_omitted: usize,
    },
    /// `protocols` as text (`protocols_hex` too when one is not UTF-8).
    #[serde(serialize_with = "ser_alpn")]
    Alpn {
        /// The protocol names as sent (RFC 7301: opaque bytes, not necessarily text).
        protocols: Vec<Vec<u8>>,
        protocols_omitted: usize,
    },
    KeyShare {
        shares: Vec<KeyShareEntry>,
        #[serde(skip_serializing_if = "is_zero")]
        shares_omitted: usize,
    },
    KeyShareRetry {
        selected_group: Named,
    },
    PskModes {
        modes: Vec<Named>,
    },
    PreSharedKey {
        identities: Vec<PskIdentity>,
        #[serde(skip_serializing_if = "is_zero")]
        identities_omitted: usize,
        binders: usize,
    },
    PreSharedKeySelected {
        selected_identity: u16,
    },
    StatusRequest {
        status_type: Named,
    },
    RenegotiationInfo {
        renegotiated_connection: String,
    },
    Flag {},
    Opaque {
        data: String,
    },
}

/// An ALPN protocol name as text: as it is when it is UTF-8, else losslessly escaped
/// (`\xff`, and `\\` for a backslash; see [`bytes_as_text`]).
pub fn protocol_text(p: &[u8]) -> String {
    match std::str::from_utf8(p) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes_as_text(p),
    }
}

/// Every protocol name as text ([`protocol_text`]), in order.
pub fn protocols_text(list: &[Vec<u8>]) -> Vec<String> {
    list.iter().map(|p| protocol_text(p)).collect()
}

/// Every protocol name in hex, in order, when one of them is not UTF-8 (then the text
/// alone does not tell an escaped byte from the same characters sent as text).
pub fn protocols_hex(list: &[Vec<u8>]) -> Option<Vec<String>> {
    list.iter()
        .any(|p| std::str::from_utf8(p).is_err())
        .then(|| list.iter().map(hex::encode).collect())
}

fn ser_host_names<S: serde::Serializer>(names: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(names.iter().map(|n| bytes_as_text(n)))
}

fn ser_alpn<S: serde::Serializer>(
    protocols: &[Vec<u8>],
    omitted: &usize,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let hex = protocols_hex(protocols);
    let mut m = s.serialize_map(None)?;
    m.serialize_entry("protocols", &protocols_text(protocols))?;
    if let Some(hex) = hex {
        m.serialize_entry("protocols_hex", &hex)?;
    }
    if *omitted > 0 {
        m.serialize_entry("protocols_omitted", omitted)?;
    }
    m.end()
}

/// One extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub id: u16,
    pub length: usize,
    pub data: ExtensionData,
}

impl Extension {
    pub fn name(&self) -> String {
        ExtensionType(self.id).label().into_owned()
    }
}

impl Serialize for Extension {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shown<'a> {
            id: u16,
            name: String,
            length: usize,
            #[serde(flatten)]
            data: &'a ExtensionData,
        }
        Shown {
            id: self.id,
            name: self.name(),
            length: self.length,
            data: &self.data,
        }
        .serialize(s)
    }
}

pub const SERVER_NAME: u16 = 0;
pub const STATUS_REQUEST: u16 = 5;
pub const SUPPORTED_GROUPS: u16 = 10;
pub const EC_POINT_FORMATS: u16 = 11;
pub const SIGNATURE_ALGORITHMS: u16 = 13;
pub const ALPN: u16 = 16;
pub const ENCRYPT_THEN_MAC: u16 = 22;
pub const EXTENDED_MASTER_SECRET: u16 = 23;
pub const SESSION_TICKET: u16 = 35;
pub const PRE_SHARED_KEY: u16 = 41;
pub const EARLY_DATA: u16 = 42;
pub const SUPPORTED_VERSIONS: u16 = 43;
pub const PSK_KEY_EXCHANGE_MODES: u16 = 45;
pub const POST_HANDSHAKE_AUTH: u16 = 49;
/// key_share as TLS 1.3 drafts up to 22 numbered it (draft 23 moved it to 51, the shapes
/// stayed the same).
pub const KEY_SHARE_DRAFT: u16 = 40;
pub const KEY_SHARE: u16 = 51;
pub const RENEGOTIATION_INFO: u16 = 0xff01;

/// Hex, capped so that a huge opaque extension (padding, say) can't bloat the report.
fn short_hex(data: &[u8]) -> String {
    const MAX: usize = 256;
    if data.len() <= MAX {
        hex::encode(data)
    } else {
        format!("{}…", hex::encode(&data[..MAX]))
    }
}

fn named16(list: &[u16], registry: Registry) -> Vec<Named> {
    list.iter().map(|&v| Named::new(v, registry)).collect()
}

fn named8(list: &[u8], registry: Registry) -> Vec<Named> {
    list.iter().map(|&v| Named::new(v, registry)).collect()
}

/// An extensions block as kept: the first [`MAX_LIST_ITEMS`] extensions, and a count of
/// the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtensionBlock {
    pub list: Vec<Extension>,
    pub omitted: usize,
    /// Of the omitted ones, those that are not GREASE (JA4 counts them).
    pub omitted_non_grease: usize,
}

/// Decodes an extensions block (the bytes after the 2-byte total length). Every
/// extension is checked for its framing; past [`MAX_LIST_ITEMS`] they are only counted.
pub fn parse_extensions(block: &[u8], kind: HelloKind) -> DecodeResult<ExtensionBlock> {
    let mut r = Reader::new(block, "extensions");
    let mut out = ExtensionBlock::default();
    while !r.is_empty() {
        let id = r.field("extension_type").u16()?;
        let body = r.field("extension_data").vec16()?;
        if out.list.len() >= MAX_LIST_ITEMS {
            out.omitted += 1;
            out.omitted_non_grease += usize::from(!is_grease(id));
            continue;
        }
        let data = parse_one(id, body, kind).unwrap_or_else(|_| ExtensionData::Opaque {
            data: short_hex(body),
        });
        out.list.push(Extension {
            id,
            length: body.len(),
            data,
        });
    }
    Ok(out)
}

/// The undecoded body of extension `id` in an extensions block, when present.
pub fn raw_extension(block: &[u8], id: u16) -> Option<&[u8]> {
    let mut r = Reader::new(block, "extensions");
    while !r.is_empty() {
        let this = r.u16().ok()?;
        let body = r.vec16().ok()?;
        if this == id {
            return Some(body);
        }
    }
    None
}

/// The first [`MAX_LIST_ITEMS`] vectors (1-byte length each) of `list`, and how many
/// more there were.
fn capped_vec8s(list: &mut Reader<'_>) -> DecodeResult<(Vec<Vec<u8>>, usize)> {
    let mut kept = Vec::new();
    let mut omitted = 0;
    while !list.is_empty() {
        let v = list.vec8()?;
        if kept.len() < MAX_LIST_ITEMS {
            kept.push(v.to_vec());
        } else {
            omitted += 1;
        }
    }
    Ok((kept, omitted))
}

fn parse_one(id: u16, body: &[u8], kind: HelloKind) -> DecodeResult<ExtensionData> {
    let mut r = Reader::new(body, "extension");
    let client = kind == HelloKind::Client;
    Ok(match id {
        SERVER_NAME if client => {
            let mut list = r.sub16("server_name list")?;
            let mut host_names = Vec::new();
            let mut host_names_omitted = 0;
            while !list.is_empty() {
                let name_type = list.field("name_type").u8()?;
                let name = list.field("host_name").vec16()?;
                if name_type != 0 {
                    continue;
                }
                if host_names.len() < MAX_LIST_ITEMS {
                    host_names.push(name.to_vec());
                } else {
                    host_names_omitted += 1;
                }
            }
            ExtensionData::ServerName {
                host_names,
                host_names_omitted,
            }
        }
        SUPPORTED_VERSIONS => {
            let versions = if client {
                Reader::u16_list(r.vec8()?, "supported_versions")?
            } else {
                vec![r.u16()?]
            };
            ExtensionData::SupportedVersions {
                versions: named16(&versions, Registry::Version),
            }
        }
        SUPPORTED_GROUPS => {
            let (groups, groups_omitted) = r.field("named_group_list").u16s16(MAX_LIST_ITEMS)?;
            ExtensionData::SupportedGroups {
                groups: named16(&groups, Registry::Group),
                groups_omitted,
            }
        }
        EC_POINT_FORMATS => ExtensionData::EcPointFormats {
            formats: named8(r.vec8()?, Registry::EcPointFormat),
        },
        SIGNATURE_ALGORITHMS | 50 => {
            let (algorithms, algorithms_omitted) = r
                .field("supported_signature_algorithms")
                .u16s16(MAX_LIST_ITEMS)?;
            ExtensionData::SignatureAlgorithms {
                algorithms: named16(&algorithms, Registry::SignatureScheme),
                algorithms_omitted,
            }
        }
        ALPN => {
            let mut list = r.sub16("protocol_name_list")?;
            let (protocols, protocols_omitted) = capped_vec8s(&mut list)?;
            ExtensionData::Alpn {
                protocols,
                protocols_omitted,
            }
        }
        // The same shapes under both numbers (draft-ietf-tls-tls13-22 §4.2.8 and
        // RFC 8446 §4.2.8).
        KEY_SHARE | KEY_SHARE_DRAFT => match kind {
            HelloKind::Client => {
                let mut list = r.sub16("client_shares")?;
                let mut shares = Vec::new();
                let mut shares_omitted = 0;
                while !list.is_empty() {
                    let group = list.field("group").u16()?;
                    let key = list.field("key_exchange").vec16()?;
                    if shares.len() >= MAX_LIST_ITEMS {
                        shares_omitted += 1;
                        continue;
                    }
                    shares.push(KeyShareEntry {
                        group: Named::new(group, Registry::Group),
                        key_exchange_len: key.len(),
                    });
                }
                ExtensionData::KeyShare {
                    shares,
                    shares_omitted,
                }
            }
            HelloKind::Retry => {
                let group = r.u16()?;
                ExtensionData::KeyShareRetry {
                    selected_group: Named::new(group, Registry::Group),
                }
            }
            _ => {
                let group = r.u16()?;
                let key = r.vec16()?;
                ExtensionData::KeyShare {
                    shares: vec![KeyShareEntry {
                        group: Named::new(group, Registry::Group),
                        key_exchange_len: key.len(),
                    }],
                    shares_omitted: 0,
                }
            }
        },
        PSK_KEY_EXCHANGE_MODES => ExtensionData::PskModes {
            modes: named8(r.vec8()?, Registry::PskMode),
        },
        PRE_SHARED_KEY if client => {
            let mut ids = r.sub16("identities")?;
            let mut identities = Vec::new();
            let mut identities_omitted = 0;
            while !ids.is_empty() {
                let identity = ids.field("identity").vec16()?;
                let obfuscated_ticket_age = ids.field("obfuscated_ticket_age").u32()?;
                if identities.len() >= MAX_LIST_ITEMS {
                    identities_omitted += 1;
                    continue;
                }
                identities.push(PskIdentity {
                    identity_len: identity.len(),
                    obfuscated_ticket_age,
                });
            }
            let mut binders_r = r.sub16("binders")?;
            let mut binders = 0;
            while !binders_r.is_empty() {
                binders_r.vec8()?;
                binders += 1;
            }
            ExtensionData::PreSharedKey {
                identities,
                identities_omitted,
                binders,
            }
        }
        PRE_SHARED_KEY => ExtensionData::PreSharedKeySelected {
            selected_identity: r.u16()?,
        },
        STATUS_REQUEST if client && !body.is_empty() => {
            let t = r.u8()?;
            ExtensionData::StatusRequest {
                status_type: Named::new(t, Registry::CertificateStatusType),
            }
        }
        RENEGOTIATION_INFO => ExtensionData::RenegotiationInfo {
            renegotiated_connection: hex::encode(r.vec8()?),
        },
        _ if body.is_empty() => ExtensionData::Flag {},
        _ => ExtensionData::Opaque {
            data: short_hex(body),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One extension on the wire.
    fn ext(id: u16, body: &[u8]) -> Vec<u8> {
        let mut v = id.to_be_bytes().to_vec();
        v.extend_from_slice(&(body.len() as u16).to_be_bytes());
        v.extend_from_slice(body);
        v
    }

    /// A vector with a 2-byte length.
    fn v16(body: &[u8]) -> Vec<u8> {
        let mut v = (body.len() as u16).to_be_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }

    /// An ALPN extension body: protocol_name_list of `names`.
    fn alpn_body(names: &[&[u8]]) -> Vec<u8> {
        let mut list = Vec::new();
        for n in names {
            list.push(n.len() as u8);
            list.extend_from_slice(n);
        }
        v16(&list)
    }

    fn json(e: &Extension) -> serde_json::Value {
        serde_json::to_value(e).unwrap()
    }

    #[test]
    fn sni_alpn_and_versions() {
        let block = [
            0, 0, 0, 14, 0, 12, 0, 0, 9, b'e', b'x', b'a', b'm', b'p', b'l', b'e', b'.', b'c', 0,
            16, 0, 5, 0, 3, 2, b'h', b'2', //
            0, 43, 0, 5, 4, 3, 4, 3, 3, //
            0, 23, 0, 0,
        ];
        let ext = parse_extensions(&block, HelloKind::Client).unwrap().list;
        assert_eq!(
            ext[0].data,
            ExtensionData::ServerName {
                host_names: vec![b"example.c".to_vec()],
                host_names_omitted: 0,
            }
        );
        assert_eq!(
            ext[1].data,
            ExtensionData::Alpn {
                protocols: vec![b"h2".to_vec()],
                protocols_omitted: 0,
            }
        );
        match &ext[2].data {
            ExtensionData::SupportedVersions { versions } => {
                assert_eq!(versions[0].id, 0x0304);
                assert_eq!(versions[1].id, 0x0303);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(ext[3].data, ExtensionData::Flag {});
        // Valid UTF-8 names are shown as they are, with no hex and no counters.
        assert_eq!(
            json(&ext[1]),
            serde_json::json!({"id": 16, "name": "application_layer_protocol_negotiation",
                "length": 5, "protocols": ["h2"]})
        );
        assert_eq!(
            json(&ext[0])["host_names"],
            serde_json::json!(["example.c"])
        );
    }

    // RFC 7301 §3.1: protocol names are opaque bytes. They stay bytes in the parsed
    // value; the JSON shows them losslessly (escaped text, and hex when not UTF-8).
    #[test]
    fn alpn_names_that_are_not_utf8_are_kept_whole() {
        let block = ext(ALPN, &alpn_body(&[b"h2", &[0xff, b'a', 0xfe], b"a\\b"]));
        let e = &parse_extensions(&block, HelloKind::Client).unwrap().list[0];
        assert_eq!(
            e.data,
            ExtensionData::Alpn {
                protocols: vec![b"h2".to_vec(), vec![0xff, b'a', 0xfe], b"a\\b".to_vec()],
                protocols_omitted: 0,
            }
        );
        let j = json(e);
        assert_eq!(
            j["protocols"],
            serde_json::json!(["h2", "\\xffa\\xfe", "a\\b"])
        );
        assert_eq!(
            j["protocols_hex"],
            serde_json::json!(["6832", "ff61fe", "615c62"])
        );
        assert_eq!(protocols_hex(&[b"h2".to_vec()]), None);
        assert_eq!(protocol_text(&[0xc3, 0xa9]), "é");
        assert_eq!(protocol_text(&[0xc3]), "\\xc3");
    }

    #[test]
    fn sni_host_names_are_escaped_losslessly() {
        let mut list = vec![0];
        list.extend_from_slice(&v16(b"a\xff\\.example"));
        let mut body = v16(&list);
        let block = ext(SERVER_NAME, &body);
        let e = &parse_extensions(&block, HelloKind::Client).unwrap().list[0];
        assert_eq!(
            json(e)["host_names"],
            serde_json::json!(["a\\xff\\\\.example"])
        );
        // Bytes that are not UTF-8.
        list = vec![0];
        list.extend_from_slice(&v16(&[b'x', 0x80, b'.', b'c']));
        body = v16(&list);
        let block = ext(SERVER_NAME, &body);
        let e = &parse_extensions(&block, HelloKind::Client).unwrap().list[0];
        assert_eq!(json(e)["host_names"], serde_json::json!(["x\\x80.c"]));
    }

    // draft-ietf-tls-tls13-22 §4.2.8 numbered key_share 40 (RFC 8446: 51), same shapes.
    #[test]
    fn draft_key_share_is_decoded_on_each_side() {
        let mut shares = 0x001du16.to_be_bytes().to_vec();
        shares.extend_from_slice(&v16(&[7; 32]));
        shares.extend_from_slice(&0x0017u16.to_be_bytes());
        shares.extend_from_slice(&v16(&[4; 65]));
        let client = ext(KEY_SHARE_DRAFT, &v16(&shares));
        let e = &parse_extensions(&client, HelloKind::Client).unwrap().list[0];
        assert_eq!(e.name(), "key_share (draft)");
        match &e.data {
            ExtensionData::KeyShare { shares, .. } => {
                assert_eq!(shares.len(), 2);
                assert_eq!(shares[0].group.name(), "x25519");
                assert_eq!(shares[0].key_exchange_len, 32);
                assert_eq!(shares[1].group.name(), "secp256r1");
                assert_eq!(shares[1].key_exchange_len, 65);
            }
            other => panic!("{other:?}"),
        }

        let mut server = 0x001du16.to_be_bytes().to_vec();
        server.extend_from_slice(&v16(&[9; 32]));
        let server = ext(KEY_SHARE_DRAFT, &server);
        let e = &parse_extensions(&server, HelloKind::Server).unwrap().list[0];
        assert_eq!(
            json(e),
            serde_json::json!({"id": 40, "name": "key_share (draft)", "length": 36,
                "shares": [{"group": {"id": 29, "name": "x25519"}, "key_exchange_len": 32}]})
        );

        let retry = ext(KEY_SHARE_DRAFT, &0x0018u16.to_be_bytes());
        let e = &parse_extensions(&retry, HelloKind::Retry).unwrap().list[0];
        assert_eq!(
            e.data,
            ExtensionData::KeyShareRetry {
                selected_group: Named::new(0x0018u16, Registry::Group)
            }
        );
    }

    #[test]
    fn malformed_extension_body_is_kept_opaque() {
        let block = [0, 10, 0, 3, 0, 4, 0];
        let ext = parse_extensions(&block, HelloKind::Client).unwrap().list;
        assert_eq!(
            ext[0].data,
            ExtensionData::Opaque {
                data: "000400".into()
            }
        );
        assert_eq!(
            parse_extensions(&[0, 10, 0, 9], HelloKind::Client)
                .unwrap_err()
                .to_string(),
            "extensions: extension_data declares 9 bytes, 0 remain"
        );
    }

    #[test]
    fn long_lists_keep_their_first_items_and_count_the_rest() {
        // 16,000 extensions (GREASE every tenth), each an empty padding-like type.
        let mut block = Vec::new();
        for i in 0..16_000u16 {
            let id = if i % 10 == 0 { 0x0a0a } else { 1000 + (i % 7) };
            block.extend_from_slice(&ext(id, &[]));
        }
        let b = parse_extensions(&block, HelloKind::Client).unwrap();
        assert_eq!(b.list.len(), MAX_LIST_ITEMS);
        assert_eq!(b.omitted, 16_000 - MAX_LIST_ITEMS);
        let grease_omitted = (MAX_LIST_ITEMS..16_000).filter(|i| i % 10 == 0).count();
        assert_eq!(b.omitted_non_grease, b.omitted - grease_omitted);

        let groups: Vec<u8> = (0..5000u16).flat_map(|g| g.to_be_bytes()).collect();
        let e = &parse_extensions(&ext(SUPPORTED_GROUPS, &v16(&groups)), HelloKind::Client)
            .unwrap()
            .list[0];
        let j = json(e);
        assert_eq!(j["groups"].as_array().unwrap().len(), MAX_LIST_ITEMS);
        assert_eq!(j["groups_omitted"], 5000 - MAX_LIST_ITEMS);

        let names: Vec<&[u8]> = (0..2000).map(|_| &b"h2"[..]).collect();
        let e = &parse_extensions(&ext(ALPN, &alpn_body(&names)), HelloKind::Client)
            .unwrap()
            .list[0];
        let j = json(e);
        assert_eq!(j["protocols"].as_array().unwrap().len(), MAX_LIST_ITEMS);
        assert_eq!(j["protocols_omitted"], 2000 - MAX_LIST_ITEMS);
        assert!(j.get("protocols_hex").is_none());

        let mut ids = Vec::new();
        for _ in 0..1500 {
            ids.extend_from_slice(&v16(b"id"));
            ids.extend_from_slice(&[0, 0, 0, 1]);
        }
        let mut psk = v16(&ids);
        psk.extend_from_slice(&v16(&[1, 0xaa]));
        let e = &parse_extensions(&ext(PRE_SHARED_KEY, &psk), HelloKind::Client)
            .unwrap()
            .list[0];
        match &e.data {
            ExtensionData::PreSharedKey {
                identities,
                identities_omitted,
                binders,
            } => {
                assert_eq!(identities.len(), MAX_LIST_ITEMS);
                assert_eq!(*identities_omitted, 1500 - MAX_LIST_ITEMS);
                assert_eq!(*binders, 1);
            }
            other => panic!("{other:?}"),
        }

        let mut shares = Vec::new();
        for _ in 0..1100 {
            shares.extend_from_slice(&[0, 29]);
            shares.extend_from_slice(&v16(&[1]));
        }
        let e = &parse_extensions(&ext(KEY_SHARE, &v16(&shares)), HelloKind::Client)
            .unwrap()
            .list[0];
        assert_eq!(json(e)["shares_omitted"], 1100 - MAX_LIST_ITEMS);

        let sigs: Vec<u8> = (0..1030u16).flat_map(|g| g.to_be_bytes()).collect();
        let e = &parse_extensions(&ext(SIGNATURE_ALGORITHMS, &v16(&sigs)), HelloKind::Client)
            .unwrap()
            .list[0];
        assert_eq!(json(e)["algorithms_omitted"], 6);

        let mut sni = Vec::new();
        for _ in 0..1025 {
            sni.push(0);
            sni.extend_from_slice(&v16(b"a"));
        }
        let e = &parse_extensions(&ext(SERVER_NAME, &v16(&sni)), HelloKind::Client)
            .unwrap()
            .list[0];
        assert_eq!(json(e)["host_names_omitted"], 1);
    }
}
