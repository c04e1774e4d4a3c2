//! Hello extensions (RFC 8446 §4.2, RFC 6066, RFC 7301, RFC 7627, RFC 7366, RFC 5746 …),
//! decoded into typed values: registry numbers and bytes (the report names and shows
//! them).

use super::codec::{DecodeResult, Reader, MAX_LIST_ITEMS};
use super::registry::{
    is_grease, CertificateCompressionAlgorithm, CertificateStatusType, EcPointFormat,
    ExtensionType, NamedGroup, ProtocolVersion, PskKeyExchangeMode, SignatureScheme,
};

/// Which hello an extension travels in: a few have different shapes on each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelloKind {
    Client,
    Server,
    /// HelloRetryRequest (a ServerHello with the special random).
    Retry,
    Encrypted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyShareEntry {
    pub group: NamedGroup,
    pub key_exchange_len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskIdentity {
    pub identity_len: usize,
    pub obfuscated_ticket_age: u32,
}

/// The bytes of an undecoded extension body that are kept, so that a huge opaque
/// extension (padding, say) can't bloat the report; [`Extension::length`] has its size.
pub const MAX_OPAQUE: usize = 256;

/// The decoded body of an extension. Lists keep their first [`MAX_LIST_ITEMS`] entries
/// and count the rest (`groups_omitted` …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtensionData {
    ServerName {
        /// The host names as sent (bytes; the report escapes them losslessly, `\xff`).
        host_names: Vec<Vec<u8>>,
        host_names_omitted: usize,
    },
    SupportedVersions {
        versions: Vec<ProtocolVersion>,
    },
    SupportedGroups {
        groups: Vec<NamedGroup>,
        groups_omitted: usize,
    },
    EcPointFormats {
        formats: Vec<EcPointFormat>,
    },
    SignatureAlgorithms {
        algorithms: Vec<SignatureScheme>,
        algorithms_omitted: usize,
    },
    Alpn {
        /// The protocol names as sent (RFC 7301: opaque bytes, not necessarily text).
        protocols: Vec<Vec<u8>>,
        protocols_omitted: usize,
    },
    KeyShare {
        shares: Vec<KeyShareEntry>,
        shares_omitted: usize,
    },
    KeyShareRetry {
        selected_group: NamedGroup,
    },
    PskModes {
        modes: Vec<PskKeyExchangeMode>,
    },
    /// RFC 8879: the algorithms the sender can decompress certificates with.
    CompressCertificate {
        algorithms: Vec<CertificateCompressionAlgorithm>,
    },
    PreSharedKey {
        identities: Vec<PskIdentity>,
        identities_omitted: usize,
        binders: usize,
    },
    PreSharedKeySelected {
        selected_identity: u16,
    },
    StatusRequest {
        status_type: CertificateStatusType,
    },
    RenegotiationInfo {
        renegotiated_connection: Vec<u8>,
    },
    /// In a NewSessionTicket (RFC 8446 §4.2.10); empty elsewhere, so a [`Flag`](Self::Flag).
    MaxEarlyData {
        max_early_data_size: u32,
    },
    /// RFC 8449: the largest record the sender will take.
    RecordSizeLimit {
        limit: u16,
    },
    /// RFC 6066 §4: 2^(8+code) bytes, codes 1–4.
    MaxFragmentLength {
        code: u8,
    },
    Flag {},
    /// A body not decoded (or that did not decode): its first [`MAX_OPAQUE`] bytes.
    Opaque {
        data: Vec<u8>,
    },
}

/// One extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub id: ExtensionType,
    /// The body's length on the wire.
    pub length: usize,
    pub data: ExtensionData,
}

/// The first [`MAX_OPAQUE`] bytes of an undecoded body.
fn opaque(body: &[u8]) -> ExtensionData {
    ExtensionData::Opaque {
        data: body[..body.len().min(MAX_OPAQUE)].to_vec(),
    }
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
        let id = ExtensionType(r.field("extension_type").u16()?);
        let body = r.field("extension_data").vec16()?;
        if out.list.len() >= MAX_LIST_ITEMS {
            out.omitted += 1;
            out.omitted_non_grease += usize::from(!is_grease(id.0));
            continue;
        }
        let data = parse_one(id, body, kind).unwrap_or_else(|_| opaque(body));
        out.list.push(Extension {
            id,
            length: body.len(),
            data,
        });
    }
    Ok(out)
}

/// The undecoded body of extension `id` in an extensions block, when present.
pub fn raw_extension(block: &[u8], id: ExtensionType) -> Option<&[u8]> {
    let mut r = Reader::new(block, "extensions");
    while !r.is_empty() {
        let this = ExtensionType(r.u16().ok()?);
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

fn parse_one(id: ExtensionType, body: &[u8], kind: HelloKind) -> DecodeResult<ExtensionData> {
    let mut r = Reader::new(body, "extension");
    let client = kind == HelloKind::Client;
    Ok(match id {
        ExtensionType::SERVER_NAME if client => {
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
        ExtensionType::SUPPORTED_VERSIONS => {
            let versions = if client {
                Reader::u16_list(r.vec8()?, "supported_versions")?
            } else {
                vec![r.u16()?]
            };
            ExtensionData::SupportedVersions {
                versions: versions.into_iter().map(ProtocolVersion).collect(),
            }
        }
        ExtensionType::SUPPORTED_GROUPS => {
            let (groups, groups_omitted) = r.field("named_group_list").u16s16(MAX_LIST_ITEMS)?;
            ExtensionData::SupportedGroups {
                groups: groups.into_iter().map(NamedGroup).collect(),
                groups_omitted,
            }
        }
        ExtensionType::COMPRESS_CERTIFICATE => ExtensionData::CompressCertificate {
            algorithms: Reader::u16_list(r.field("algorithms").vec8()?, "compress_certificate")?
                .into_iter()
                .map(CertificateCompressionAlgorithm)
                .collect(),
        },
        ExtensionType::EC_POINT_FORMATS => ExtensionData::EcPointFormats {
            formats: r.vec8()?.iter().map(|&f| EcPointFormat(f)).collect(),
        },
        ExtensionType::SIGNATURE_ALGORITHMS | ExtensionType::SIGNATURE_ALGORITHMS_CERT => {
            let (algorithms, algorithms_omitted) = r
                .field("supported_signature_algorithms")
                .u16s16(MAX_LIST_ITEMS)?;
            ExtensionData::SignatureAlgorithms {
                algorithms: algorithms.into_iter().map(SignatureScheme).collect(),
                algorithms_omitted,
            }
        }
        ExtensionType::ALPN => {
            let mut list = r.sub16("protocol_name_list")?;
            let (protocols, protocols_omitted) = capped_vec8s(&mut list)?;
            ExtensionData::Alpn {
                protocols,
                protocols_omitted,
            }
        }
        // The same shapes under both numbers (draft-ietf-tls-tls13-22 §4.2.8 and
        // RFC 8446 §4.2.8).
        ExtensionType::KEY_SHARE | ExtensionType::KEY_SHARE_DRAFT => match kind {
            HelloKind::Client => {
                let mut list = r.sub16("client_shares")?;
                let mut shares = Vec::new();
                let mut shares_omitted = 0;
                while !list.is_empty() {
                    let group = NamedGroup(list.field("group").u16()?);
                    let key = list.field("key_exchange").vec16()?;
                    if shares.len() >= MAX_LIST_ITEMS {
                        shares_omitted += 1;
                        continue;
                    }
                    shares.push(KeyShareEntry {
                        group,
                        key_exchange_len: key.len(),
                    });
                }
                ExtensionData::KeyShare {
                    shares,
                    shares_omitted,
                }
            }
            HelloKind::Retry => ExtensionData::KeyShareRetry {
                selected_group: NamedGroup(r.u16()?),
            },
            _ => {
                let group = NamedGroup(r.u16()?);
                let key = r.vec16()?;
                ExtensionData::KeyShare {
                    shares: vec![KeyShareEntry {
                        group,
                        key_exchange_len: key.len(),
                    }],
                    shares_omitted: 0,
                }
            }
        },
        ExtensionType::PSK_KEY_EXCHANGE_MODES => ExtensionData::PskModes {
            modes: r.vec8()?.iter().map(|&m| PskKeyExchangeMode(m)).collect(),
        },
        ExtensionType::PRE_SHARED_KEY if client => {
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
        ExtensionType::PRE_SHARED_KEY => ExtensionData::PreSharedKeySelected {
            selected_identity: r.u16()?,
        },
        ExtensionType::STATUS_REQUEST if client && !body.is_empty() => {
            ExtensionData::StatusRequest {
                status_type: CertificateStatusType(r.u8()?),
            }
        }
        ExtensionType::RENEGOTIATION_INFO => ExtensionData::RenegotiationInfo {
            renegotiated_connection: r.vec8()?.to_vec(),
        },
        ExtensionType::EARLY_DATA if body.len() == 4 => ExtensionData::MaxEarlyData {
            max_early_data_size: r.u32()?,
        },
        ExtensionType::RECORD_SIZE_LIMIT => ExtensionData::RecordSizeLimit { limit: r.u16()? },
        ExtensionType::MAX_FRAGMENT_LENGTH => ExtensionData::MaxFragmentLength { code: r.u8()? },
        _ if body.is_empty() => ExtensionData::Flag {},
        _ => opaque(body),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One extension on the wire.
    fn ext(id: ExtensionType, body: &[u8]) -> Vec<u8> {
        let mut v = id.0.to_be_bytes().to_vec();
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

    fn one(block: &[u8], kind: HelloKind) -> Extension {
        let mut b = parse_extensions(block, kind).unwrap();
        assert_eq!(b.list.len(), 1);
        b.list.remove(0)
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
        assert_eq!(ext[0].id, ExtensionType::SERVER_NAME);
        assert_eq!(
            ext[0].data,
            ExtensionData::ServerName {
                host_names: vec![b"example.c".to_vec()],
                host_names_omitted: 0,
            }
        );
        assert_eq!((ext[1].id, ext[1].length), (ExtensionType::ALPN, 5));
        assert_eq!(
            ext[1].data,
            ExtensionData::Alpn {
                protocols: vec![b"h2".to_vec()],
                protocols_omitted: 0,
            }
        );
        assert_eq!(
            ext[2].data,
            ExtensionData::SupportedVersions {
                versions: vec![ProtocolVersion::TLS1_3, ProtocolVersion::TLS1_2]
            }
        );
        assert_eq!(ext[3].data, ExtensionData::Flag {});
    }

    // RFC 7301 §3.1: protocol names are opaque bytes. They stay bytes in the parsed
    // value (the report shows them losslessly).
    #[test]
    fn alpn_names_that_are_not_utf8_are_kept_whole() {
        let block = ext(
            ExtensionType::ALPN,
            &alpn_body(&[b"h2", &[0xff, b'a', 0xfe], b"a\\b"]),
        );
        assert_eq!(
            one(&block, HelloKind::Client).data,
            ExtensionData::Alpn {
                protocols: vec![b"h2".to_vec(), vec![0xff, b'a', 0xfe], b"a\\b".to_vec()],
                protocols_omitted: 0,
            }
        );
    }

    #[test]
    fn sni_host_names_are_bytes() {
        let mut list = vec![0];
        list.extend_from_slice(&v16(&[b'x', 0x80, b'.', b'c']));
        // A name of another type is skipped.
        list.push(1);
        list.extend_from_slice(&v16(b"other"));
        let block = ext(ExtensionType::SERVER_NAME, &v16(&list));
        assert_eq!(
            one(&block, HelloKind::Client).data,
            ExtensionData::ServerName {
                host_names: vec![vec![b'x', 0x80, b'.', b'c']],
                host_names_omitted: 0,
            }
        );
    }

    // draft-ietf-tls-tls13-22 §4.2.8 numbered key_share 40 (RFC 8446: 51), same shapes.
    #[test]
    fn draft_key_share_is_decoded_on_each_side() {
        let mut shares = 0x001du16.to_be_bytes().to_vec();
        shares.extend_from_slice(&v16(&[7; 32]));
        shares.extend_from_slice(&0x0017u16.to_be_bytes());
        shares.extend_from_slice(&v16(&[4; 65]));
        let client = ext(ExtensionType::KEY_SHARE_DRAFT, &v16(&shares));
        let e = one(&client, HelloKind::Client);
        assert_eq!(e.id.name(), Some("key_share (draft)"));
        assert_eq!(
            e.data,
            ExtensionData::KeyShare {
                shares: vec![
                    KeyShareEntry {
                        group: NamedGroup::X25519,
                        key_exchange_len: 32
                    },
                    KeyShareEntry {
                        group: NamedGroup::SECP256R1,
                        key_exchange_len: 65
                    },
                ],
                shares_omitted: 0,
            }
        );

        let mut server = 0x001du16.to_be_bytes().to_vec();
        server.extend_from_slice(&v16(&[9; 32]));
        let server = ext(ExtensionType::KEY_SHARE_DRAFT, &server);
        let e = one(&server, HelloKind::Server);
        assert_eq!(e.length, 36);
        assert_eq!(
            e.data,
            ExtensionData::KeyShare {
                shares: vec![KeyShareEntry {
                    group: NamedGroup::X25519,
                    key_exchange_len: 32
                }],
                shares_omitted: 0,
            }
        );

        let retry = ext(ExtensionType::KEY_SHARE_DRAFT, &0x0018u16.to_be_bytes());
        assert_eq!(
            one(&retry, HelloKind::Retry).data,
            ExtensionData::KeyShareRetry {
                selected_group: NamedGroup::SECP384R1
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
                data: vec![0, 4, 0]
            }
        );
        assert_eq!(
            parse_extensions(&[0, 10, 0, 9], HelloKind::Client)
                .unwrap_err()
                .to_string(),
            "extensions: extension_data declares 9 bytes, 0 remain"
        );
        // A long opaque body keeps its first bytes; its length says how long it was.
        let e = one(&ext_padding(600), HelloKind::Client);
        assert_eq!(e.length, 600);
        assert_eq!(
            e.data,
            ExtensionData::Opaque {
                data: vec![1; MAX_OPAQUE]
            }
        );
    }

    fn ext_padding(len: usize) -> Vec<u8> {
        ext(ExtensionType::PADDING, &vec![1; len])
    }

    #[test]
    fn long_lists_keep_their_first_items_and_count_the_rest() {
        // 16,000 extensions (GREASE every tenth), each an empty padding-like type.
        let mut block = Vec::new();
        for i in 0..16_000u16 {
            let id = if i % 10 == 0 { 0x0a0a } else { 1000 + (i % 7) };
            block.extend_from_slice(&ext(ExtensionType(id), &[]));
        }
        let b = parse_extensions(&block, HelloKind::Client).unwrap();
        assert_eq!(b.list.len(), MAX_LIST_ITEMS);
        assert_eq!(b.omitted, 16_000 - MAX_LIST_ITEMS);
        let grease_omitted = (MAX_LIST_ITEMS..16_000).filter(|i| i % 10 == 0).count();
        assert_eq!(b.omitted_non_grease, b.omitted - grease_omitted);

        let groups: Vec<u8> = (0..5000u16).flat_map(|g| g.to_be_bytes()).collect();
        let e = one(
            &ext(ExtensionType::SUPPORTED_GROUPS, &v16(&groups)),
            HelloKind::Client,
        );
        let ExtensionData::SupportedGroups {
            groups,
            groups_omitted,
        } = e.data
        else {
            panic!("{e:?}")
        };
        assert_eq!(groups.len(), MAX_LIST_ITEMS);
        assert_eq!(groups_omitted, 5000 - MAX_LIST_ITEMS);

        let names: Vec<&[u8]> = (0..2000).map(|_| &b"h2"[..]).collect();
        let e = one(
            &ext(ExtensionType::ALPN, &alpn_body(&names)),
            HelloKind::Client,
        );
        let ExtensionData::Alpn {
            protocols,
            protocols_omitted,
        } = e.data
        else {
            panic!("{e:?}")
        };
        assert_eq!(protocols.len(), MAX_LIST_ITEMS);
        assert_eq!(protocols_omitted, 2000 - MAX_LIST_ITEMS);

        let mut ids = Vec::new();
        for _ in 0..1500 {
            ids.extend_from_slice(&v16(b"id"));
            ids.extend_from_slice(&[0, 0, 0, 1]);
        }
        let mut psk = v16(&ids);
        psk.extend_from_slice(&v16(&[1, 0xaa]));
        let e = one(&ext(ExtensionType::PRE_SHARED_KEY, &psk), HelloKind::Client);
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
        let e = one(
            &ext(ExtensionType::KEY_SHARE, &v16(&shares)),
            HelloKind::Client,
        );
        assert!(matches!(
            e.data,
            ExtensionData::KeyShare { shares_omitted, .. } if shares_omitted == 1100 - MAX_LIST_ITEMS
        ));

        let sigs: Vec<u8> = (0..1030u16).flat_map(|g| g.to_be_bytes()).collect();
        let e = one(
            &ext(ExtensionType::SIGNATURE_ALGORITHMS, &v16(&sigs)),
            HelloKind::Client,
        );
        assert!(matches!(
            e.data,
            ExtensionData::SignatureAlgorithms {
                algorithms_omitted: 6,
                ..
            }
        ));

        let mut sni = Vec::new();
        for _ in 0..1025 {
            sni.push(0);
            sni.extend_from_slice(&v16(b"a"));
        }
        let e = one(
            &ext(ExtensionType::SERVER_NAME, &v16(&sni)),
            HelloKind::Client,
        );
        assert!(matches!(
            e.data,
            ExtensionData::ServerName {
                host_names_omitted: 1,
                ..
            }
        ));
    }
}
