//! ClientHello (including the SSLv2-compatible form) and ServerHello / HelloRetryRequest.

use serde::Serialize;

use super::codec::{DecodeResult, Reader};
use super::extensions::{
    parse_extensions, raw_extension, Extension, ExtensionData, HelloKind, Named, Registry,
    SESSION_TICKET,
};
use super::extensions::{
    ALPN, EC_POINT_FORMATS, SERVER_NAME, SIGNATURE_ALGORITHMS, SUPPORTED_GROUPS, SUPPORTED_VERSIONS,
};

/// SHA-256("HelloRetryRequest"): the ServerHello.random that marks a HelloRetryRequest.
pub const HELLO_RETRY_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// The draft number of a TLS 1.3 draft version (`0x7fNN`).
pub fn tls13_draft(version: u16) -> Option<u8> {
    (version >> 8 == 0x7f).then_some((version & 0xff) as u8)
}

/// TLS 1.3, or one of its drafts.
pub fn is_tls13(version: u16) -> bool {
    version == 0x0304 || tls13_draft(version).is_some()
}

fn version(v: u16) -> Named {
    Named::new(v, Registry::Version)
}

fn suite(id: u16) -> Named {
    Named::new(id, Registry::CipherSuite)
}

/// The client's opening message: what it offers, and the client random *x*.
#[derive(Debug, Clone, Serialize)]
pub struct ClientHello {
    pub legacy_version: Named,
    /// The client random, *x* in the handshake story.
    #[serde(with = "hex::serde")]
    pub random: Vec<u8>,
    #[serde(with = "hex::serde")]
    pub session_id: Vec<u8>,
    pub cipher_suites: Vec<Named>,
    pub compression_methods: Vec<Named>,
    pub extensions: Vec<Extension>,
    /// The session ticket offered for resumption (empty: none), kept whole for lookup.
    #[serde(skip)]
    pub session_ticket: Vec<u8>,
    /// Sent in the SSL 2.0-compatible record format (RFC 5246 Appendix E.2).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sslv2_format: bool,
}

impl ClientHello {
    pub fn parse(body: &[u8]) -> DecodeResult<ClientHello> {
        let mut r = Reader::new(body, "ClientHello");
        let legacy_version = r.u16()?;
        let random = r.take(32)?.to_vec();
        let session_id = r.vec8()?.to_vec();
        let suites = Reader::u16_list(r.vec16()?, "cipher_suites")?;
        let compression = r.vec8()?;
        let block = if r.is_empty() { &[][..] } else { r.vec16()? };
        let extensions = parse_extensions(block, HelloKind::Client)?;
        let session_ticket = raw_extension(block, SESSION_TICKET)
            .unwrap_or_default()
            .to_vec();
        Ok(ClientHello {
            legacy_version: version(legacy_version),
            random,
            session_id,
            cipher_suites: suites.iter().map(|&s| suite(s)).collect(),
            compression_methods: compression
                .iter()
                .map(|&c| Named::new(c, Registry::Compression))
                .collect(),
            extensions,
            session_ticket,
            sslv2_format: false,
        })
    }

    /// The SSLv2-compatible ClientHello: `body` starts at msg_type (1).
    pub fn parse_sslv2(body: &[u8]) -> DecodeResult<ClientHello> {
        let mut r = Reader::new(body, "SSLv2 ClientHello");
        let _msg_type = r.u8()?;
        let legacy_version = r.u16()?;
        let spec_len = r.u16()? as usize;
        let sid_len = r.u16()? as usize;
        let challenge_len = r.u16()? as usize;
        let specs = r.take(spec_len)?;
        let session_id = r.take(sid_len)?.to_vec();
        let challenge = r.take(challenge_len)?;
        // Only 3-byte specs whose first byte is 0 name TLS cipher suites.
        let cipher_suites = specs
            .chunks_exact(3)
            .map(|c| {
                let id = u32::from_be_bytes([0, c[0], c[1], c[2]]);
                if c[0] == 0 {
                    suite(id as u16)
                } else {
                    Named::new(id, Registry::Ssl2CipherSpec)
                }
            })
            .collect();
        // The challenge becomes the random, right-aligned and zero-padded (E.2).
        let mut random = vec![0u8; 32];
        let c = &challenge[challenge.len().saturating_sub(32)..];
        random[32 - c.len()..].copy_from_slice(c);
        Ok(ClientHello {
            legacy_version: version(legacy_version),
            random,
            session_id,
            cipher_suites,
            compression_methods: vec![Named::new(0u8, Registry::Compression)],
            extensions: Vec::new(),
            session_ticket: Vec::new(),
            sslv2_format: true,
        })
    }

    pub fn extension(&self, id: u16) -> Option<&Extension> {
        self.extensions.iter().find(|e| e.id == id)
    }

    pub fn has_extension(&self, id: u16) -> bool {
        self.extension(id).is_some()
    }

    pub fn sni(&self) -> Option<&str> {
        match &self.extension(SERVER_NAME)?.data {
            ExtensionData::ServerName { host_names } => host_names.first().map(|s| s.as_str()),
            _ => None,
        }
    }

    pub fn alpn(&self) -> Vec<String> {
        match self.extension(ALPN).map(|e| &e.data) {
            Some(ExtensionData::Alpn { protocols }) => protocols.clone(),
            _ => Vec::new(),
        }
    }

    pub fn suite_ids(&self) -> Vec<u16> {
        self.cipher_suites
            .iter()
            .filter(|s| s.id <= 0xffff)
            .map(|s| s.id as u16)
            .collect()
    }

    pub fn extension_ids(&self) -> Vec<u16> {
        self.extensions.iter().map(|e| e.id).collect()
    }

    fn named_list(&self, id: u16) -> Vec<u32> {
        match self.extension(id).map(|e| &e.data) {
            Some(ExtensionData::SupportedGroups { groups: l })
            | Some(ExtensionData::EcPointFormats { formats: l })
            | Some(ExtensionData::SignatureAlgorithms { algorithms: l })
            | Some(ExtensionData::SupportedVersions { versions: l }) => {
                l.iter().map(|n| n.id).collect()
            }
            _ => Vec::new(),
        }
    }

    pub fn supported_groups(&self) -> Vec<u16> {
        self.named_list(SUPPORTED_GROUPS)
            .iter()
            .map(|&v| v as u16)
            .collect()
    }

    pub fn ec_point_formats(&self) -> Vec<u8> {
        self.named_list(EC_POINT_FORMATS)
            .iter()
            .map(|&v| v as u8)
            .collect()
    }

    pub fn signature_algorithms(&self) -> Vec<u16> {
        self.named_list(SIGNATURE_ALGORITHMS)
            .iter()
            .map(|&v| v as u16)
            .collect()
    }

    pub fn supported_versions(&self) -> Vec<u16> {
        self.named_list(SUPPORTED_VERSIONS)
            .iter()
            .map(|&v| v as u16)
            .collect()
    }
}

/// The server's choice: version, cipher suite, and the server random *y*.
#[derive(Debug, Clone, Serialize)]
pub struct ServerHello {
    pub legacy_version: Named,
    /// The version in force: supported_versions when present (TLS 1.3), else legacy_version.
    pub selected_version: Named,
    /// The server random, *y* in the handshake story.
    #[serde(with = "hex::serde")]
    pub random: Vec<u8>,
    #[serde(with = "hex::serde")]
    pub session_id: Vec<u8>,
    pub cipher_suite: Named,
    pub compression_method: Named,
    pub extensions: Vec<Extension>,
    pub hello_retry_request: bool,
}

impl ServerHello {
    pub fn parse(body: &[u8]) -> DecodeResult<ServerHello> {
        let mut r = Reader::new(body, "ServerHello");
        let legacy_version = r.u16()?;
        let random = r.take(32)?.to_vec();
        let retry = random[..] == HELLO_RETRY_RANDOM;
        // TLS 1.3 drafts before 22 put the draft version here and had no session id
        // and no compression method.
        let draft = tls13_draft(legacy_version).is_some_and(|d| d < 22);
        let session_id = if draft {
            Vec::new()
        } else {
            r.vec8()?.to_vec()
        };
        let cipher = r.u16()?;
        let compression = if draft { 0 } else { r.u8()? };
        let kind = if retry {
            HelloKind::Retry
        } else {
            HelloKind::Server
        };
        let extensions = if r.is_empty() {
            Vec::new()
        } else {
            parse_extensions(r.vec16()?, kind)?
        };
        let selected = extensions
            .iter()
            .find_map(|e| match &e.data {
                ExtensionData::SupportedVersions { versions } if e.id == SUPPORTED_VERSIONS => {
                    versions.first().map(|v| v.id as u16)
                }
                _ => None,
            })
            .unwrap_or(legacy_version);
        Ok(ServerHello {
            legacy_version: version(legacy_version),
            selected_version: version(selected),
            random,
            session_id,
            cipher_suite: suite(cipher),
            compression_method: Named::new(compression, Registry::Compression),
            extensions,
            hello_retry_request: retry,
        })
    }

    pub fn version(&self) -> u16 {
        self.selected_version.id as u16
    }

    pub fn suite_id(&self) -> u16 {
        self.cipher_suite.id as u16
    }

    pub fn has_extension(&self, id: u16) -> bool {
        self.extensions.iter().any(|e| e.id == id)
    }

    pub fn extension_ids(&self) -> Vec<u16> {
        self.extensions.iter().map(|e| e.id).collect()
    }

    pub fn alpn(&self) -> Vec<String> {
        self.extensions
            .iter()
            .find_map(|e| match &e.data {
                ExtensionData::Alpn { protocols } => Some(protocols.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }
}
