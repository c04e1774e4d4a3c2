//! Hello extensions (RFC 8446 §4.2, RFC 6066, RFC 7301, RFC 7627, RFC 7366, RFC 5746 …),
//! decoded into typed values with their names.

use serde::Serialize;

use super::codec::{DecodeResult, Reader};
use super::names;

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
            Registry::Version => names::version_name(v16),
            Registry::CipherSuite => super::cipher_suite::suite_name(v16),
            Registry::Ssl2CipherSpec => format!("SSL2_CK_0x{:06x}", self.id),
            Registry::Compression => names::compression_method_name(v8),
            Registry::Group => names::named_group_name(v16),
            Registry::EcPointFormat => names::ec_point_format_name(v8),
            Registry::SignatureScheme => names::signature_scheme_name(v16),
            Registry::PskMode => names::psk_key_exchange_mode_name(v8),
            Registry::CertificateStatusType => names::certificate_status_type_name(v8),
            Registry::ClientCertificateType => names::client_certificate_type_name(v8),
        }
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

/// The decoded body of an extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ExtensionData {
    ServerName {
        host_names: Vec<String>,
    },
    SupportedVersions {
        versions: Vec<Named>,
    },
    SupportedGroups {
        groups: Vec<Named>,
    },
    EcPointFormats {
        formats: Vec<Named>,
    },
    SignatureAlgorithms {
        algorithms: Vec<Named>,
    },
    Alpn {
        protocols: Vec<String>,
    },
    KeyShare {
        shares: Vec<KeyShareEntry>,
    },
    KeyShareRetry {
        selected_group: Named,
    },
    PskModes {
        modes: Vec<Named>,
    },
    PreSharedKey {
        identities: Vec<PskIdentity>,
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

/// One extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub id: u16,
    pub length: usize,
    pub data: ExtensionData,
}

impl Extension {
    pub fn name(&self) -> String {
        names::extension_name(self.id)
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

/// Decodes an extensions block (the bytes after the 2-byte total length).
pub fn parse_extensions(block: &[u8], kind: HelloKind) -> DecodeResult<Vec<Extension>> {
    let mut r = Reader::new(block, "extensions");
    let mut out = Vec::new();
    while !r.is_empty() {
        let id = r.u16()?;
        let body = r.vec16()?;
        let data = parse_one(id, body, kind).unwrap_or_else(|_| ExtensionData::Opaque {
            data: short_hex(body),
        });
        out.push(Extension {
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

fn parse_one(id: u16, body: &[u8], kind: HelloKind) -> DecodeResult<ExtensionData> {
    let mut r = Reader::new(body, "extension");
    let client = kind == HelloKind::Client;
    Ok(match id {
        SERVER_NAME if client => {
            let mut list = r.sub16("server_name list")?;
            let mut host_names = Vec::new();
            while !list.is_empty() {
                let name_type = list.u8()?;
                let name = list.vec16()?;
                if name_type == 0 {
                    host_names.push(String::from_utf8_lossy(name).into_owned());
                }
            }
            ExtensionData::ServerName { host_names }
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
        SUPPORTED_GROUPS => ExtensionData::SupportedGroups {
            groups: named16(
                &Reader::u16_list(r.vec16()?, "supported_groups")?,
                Registry::Group,
            ),
        },
        EC_POINT_FORMATS => ExtensionData::EcPointFormats {
            formats: named8(r.vec8()?, Registry::EcPointFormat),
        },
        SIGNATURE_ALGORITHMS | 50 => ExtensionData::SignatureAlgorithms {
            algorithms: named16(
                &Reader::u16_list(r.vec16()?, "signature_algorithms")?,
                Registry::SignatureScheme,
            ),
        },
        ALPN => {
            let mut list = r.sub16("alpn list")?;
            let mut protocols = Vec::new();
            while !list.is_empty() {
                protocols.push(String::from_utf8_lossy(list.vec8()?).into_owned());
            }
            ExtensionData::Alpn { protocols }
        }
        KEY_SHARE => match kind {
            HelloKind::Client => {
                let mut list = r.sub16("key_share")?;
                let mut shares = Vec::new();
                while !list.is_empty() {
                    let group = list.u16()?;
                    let key = list.vec16()?;
                    shares.push(KeyShareEntry {
                        group: Named::new(group, Registry::Group),
                        key_exchange_len: key.len(),
                    });
                }
                ExtensionData::KeyShare { shares }
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
                }
            }
        },
        PSK_KEY_EXCHANGE_MODES => ExtensionData::PskModes {
            modes: named8(r.vec8()?, Registry::PskMode),
        },
        PRE_SHARED_KEY if client => {
            let mut ids = r.sub16("psk identities")?;
            let mut identities = Vec::new();
            while !ids.is_empty() {
                let identity = ids.vec16()?;
                identities.push(PskIdentity {
                    identity_len: identity.len(),
                    obfuscated_ticket_age: ids.u32()?,
                });
            }
            let mut binders_r = r.sub16("psk binders")?;
            let mut binders = 0;
            while !binders_r.is_empty() {
                binders_r.vec8()?;
                binders += 1;
            }
            ExtensionData::PreSharedKey {
                identities,
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

    #[test]
    fn sni_alpn_and_versions() {
        let block = [
            0, 0, 0, 14, 0, 12, 0, 0, 9, b'e', b'x', b'a', b'm', b'p', b'l', b'e', b'.', b'c', 0,
            16, 0, 5, 0, 3, 2, b'h', b'2', //
            0, 43, 0, 5, 4, 3, 4, 3, 3, //
            0, 23, 0, 0,
        ];
        let ext = parse_extensions(&block, HelloKind::Client).unwrap();
        assert_eq!(
            ext[0].data,
            ExtensionData::ServerName {
                host_names: vec!["example.c".into()]
            }
        );
        assert_eq!(
            ext[1].data,
            ExtensionData::Alpn {
                protocols: vec!["h2".into()]
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
    }

    #[test]
    fn malformed_extension_body_is_kept_opaque() {
        let block = [0, 10, 0, 3, 0, 4, 0];
        let ext = parse_extensions(&block, HelloKind::Client).unwrap();
        assert_eq!(
            ext[0].data,
            ExtensionData::Opaque {
                data: "000400".into()
            }
        );
        assert!(parse_extensions(&[0, 10, 0, 9], HelloKind::Client).is_err());
    }
}
