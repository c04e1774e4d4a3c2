//! ClientHello (including the SSLv2-compatible form) and ServerHello / HelloRetryRequest.

use std::borrow::Cow;

use super::cipher_suite::CipherSuiteId;
use super::codec::{DecodeResult, Problem, Reader, MAX_LIST_ITEMS};
use super::extensions::{
    parse_extensions, raw_extension, Extension, ExtensionBlock, ExtensionData, HelloKind,
};
use super::registry::{
    is_grease, CompressionMethod, EcPointFormat, ExtensionType, NamedGroup, ProtocolVersion,
    Registered, SignatureScheme, Ssl2CipherSpec,
};

/// SHA-256("HelloRetryRequest"): the ServerHello.random that marks a HelloRetryRequest.
pub const HELLO_RETRY_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// The longest legacy_session_id (RFC 5246 §7.4.1.2 `SessionID<0..32>`, RFC 8446 §4.1.2).
const MAX_SESSION_ID: usize = 32;

/// An entry of a ClientHello's cipher suite list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferedSuite {
    Tls(CipherSuiteId),
    /// An SSL 2.0 cipher spec, in an SSLv2-compatible hello only.
    Ssl2(Ssl2CipherSpec),
}

impl Registered for OfferedSuite {
    fn number(self) -> u32 {
        match self {
            OfferedSuite::Tls(id) => id.number(),
            OfferedSuite::Ssl2(spec) => spec.number(),
        }
    }
    fn label(self) -> Cow<'static, str> {
        match self {
            OfferedSuite::Tls(id) => id.label(),
            OfferedSuite::Ssl2(spec) => spec.label(),
        }
    }
}

/// A list of cipher suites as kept: the first [`MAX_LIST_ITEMS`], how many more there
/// were, and how many of those are not GREASE (JA4 counts them).
fn capped_suites(bytes: &[u8]) -> (Vec<OfferedSuite>, usize, usize) {
    let mut kept = Vec::new();
    let (mut omitted, mut non_grease) = (0, 0);
    for c in bytes.chunks_exact(2) {
        let id = u16::from_be_bytes([c[0], c[1]]);
        if kept.len() < MAX_LIST_ITEMS {
            kept.push(OfferedSuite::Tls(CipherSuiteId(id)));
        } else {
            omitted += 1;
            non_grease += usize::from(!is_grease(id));
        }
    }
    (kept, omitted, non_grease)
}

/// The key share groups of a key_share extension (RFC 8446's number or the drafts').
fn key_share_groups(extensions: &[Extension]) -> Vec<NamedGroup> {
    extensions
        .iter()
        .filter(|e| e.id == ExtensionType::KEY_SHARE || e.id == ExtensionType::KEY_SHARE_DRAFT)
        .find_map(|e| match &e.data {
            ExtensionData::KeyShare { shares, .. } => {
                Some(shares.iter().map(|s| s.group).collect())
            }
            ExtensionData::KeyShareRetry { selected_group } => Some(vec![*selected_group]),
            _ => None,
        })
        .unwrap_or_default()
}

/// The client's opening message: what it offers, and the client random *x*.
#[derive(Debug, Clone)]
pub struct ClientHello {
    pub legacy_version: ProtocolVersion,
    /// The client random, *x* in the handshake story.
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    /// The cookie of a DTLS ClientHello (RFC 6347 §4.2.1), echoing a HelloVerifyRequest;
    /// empty in TLS and in a first DTLS hello.
    pub cookie: Vec<u8>,
    /// The first [`MAX_LIST_ITEMS`] cipher suites (wire order).
    pub cipher_suites: Vec<OfferedSuite>,
    /// Cipher suites past the cap, counted only.
    pub cipher_suites_omitted: usize,
    /// Of those, the ones that are not GREASE (JA4's count includes them).
    pub cipher_suites_omitted_non_grease: usize,
    pub compression_methods: Vec<CompressionMethod>,
    /// The first [`MAX_LIST_ITEMS`] extensions (wire order).
    pub extensions: Vec<Extension>,
    /// Extensions past the cap, counted only.
    pub extensions_omitted: usize,
    /// Of those, the ones that are not GREASE (JA4's count includes them).
    pub extensions_omitted_non_grease: usize,
    /// The session ticket offered for resumption (empty: none), kept whole for lookup.
    pub session_ticket: Vec<u8>,
    /// Sent in the SSL 2.0-compatible record format (RFC 5246 Appendix E.2).
    pub sslv2_format: bool,
}

impl ClientHello {
    /// Decodes a ClientHello body (RFC 5246 §7.4.1.2, RFC 8446 §4.1.2). Every field
    /// must fit in the body, and nothing may follow the extensions: a hello that does
    /// not decode whole is an error naming the field, never a hello read from junk.
    pub fn parse(body: &[u8]) -> DecodeResult<ClientHello> {
        Self::parse_hello(body, false)
    }

    /// Decodes a DTLS ClientHello body: TLS's, with a `cookie<0..2^8-1>` after the
    /// session id (RFC 6347 §4.2.1; DTLS 1.3 keeps it as `legacy_cookie`, RFC 9147 §5.3).
    pub fn parse_dtls(body: &[u8]) -> DecodeResult<ClientHello> {
        Self::parse_hello(body, true)
    }

    fn parse_hello(body: &[u8], dtls: bool) -> DecodeResult<ClientHello> {
        let mut r = Reader::new(body, "ClientHello");
        let legacy_version = ProtocolVersion(r.field("legacy_version").u16()?);
        let random = r.field("random").array()?;
        let session_id = r
            .field("legacy_session_id")
            .vec8_max(MAX_SESSION_ID)?
            .to_vec();
        let cookie = if dtls {
            r.field("cookie").vec8()?.to_vec()
        } else {
            Vec::new()
        };
        let suites = r.field("cipher_suites").vec16()?;
        // cipher_suites<2..2^16-2>: whole suites, at least one.
        if !suites.len().is_multiple_of(2) {
            return Err(r
                .field("cipher_suites")
                .error(Problem::OddLength { len: suites.len() }));
        }
        if suites.is_empty() {
            return Err(r.field("cipher_suites").error(Problem::TooShort {
                declared: 0,
                min: 2,
            }));
        }
        // legacy_compression_methods<1..2^8-1>.
        let compression = r.field("legacy_compression_methods").vec8()?;
        if compression.is_empty() {
            return Err(r
                .field("legacy_compression_methods")
                .error(Problem::TooShort {
                    declared: 0,
                    min: 1,
                }));
        }
        let block = if r.is_empty() {
            &[][..]
        } else {
            r.field("extensions").vec16()?
        };
        r.finish("extensions")?;
        let ExtensionBlock {
            list: extensions,
            omitted: extensions_omitted,
            omitted_non_grease: extensions_omitted_non_grease,
        } = parse_extensions(block, HelloKind::Client)?;
        let session_ticket = raw_extension(block, ExtensionType::SESSION_TICKET)
            .unwrap_or_default()
            .to_vec();
        let (cipher_suites, cipher_suites_omitted, cipher_suites_omitted_non_grease) =
            capped_suites(suites);
        Ok(ClientHello {
            legacy_version,
            random,
            session_id,
            cookie,
            cipher_suites,
            cipher_suites_omitted,
            cipher_suites_omitted_non_grease,
            compression_methods: compression.iter().map(|&c| CompressionMethod(c)).collect(),
            extensions,
            extensions_omitted,
            extensions_omitted_non_grease,
            session_ticket,
            sslv2_format: false,
        })
    }

    /// The SSLv2-compatible ClientHello (RFC 5246 Appendix E.2): `body` starts at
    /// msg_type (1).
    pub fn parse_sslv2(body: &[u8]) -> DecodeResult<ClientHello> {
        let mut r = Reader::new(body, "SSLv2 ClientHello");
        let _msg_type = r.field("msg_type").u8()?;
        let legacy_version = ProtocolVersion(r.field("version").u16()?);
        let spec_len = r.field("cipher_spec_length").u16()? as usize;
        let sid_len = r.field("session_id_length").u16()? as usize;
        let challenge_len = r.field("challenge_length").u16()? as usize;
        // "It cannot be zero and MUST be a multiple of the V2CipherSpec length (3)."
        if spec_len == 0 || !spec_len.is_multiple_of(3) {
            return Err(r
                .field("cipher_spec_length")
                .error(Problem::Other("not a non-zero multiple of 3")));
        }
        if sid_len > MAX_SESSION_ID {
            return Err(r.field("session_id_length").error(Problem::TooLong {
                declared: sid_len,
                max: MAX_SESSION_ID,
            }));
        }
        // "Historically, permissible values are between 16 and 32 bytes inclusive."
        if !(16..=32).contains(&challenge_len) {
            return Err(r
                .field("challenge_length")
                .error(Problem::Other("not between 16 and 32")));
        }
        let specs = r.field("cipher_specs").take(spec_len)?;
        let session_id = r.field("session_id").take(sid_len)?.to_vec();
        let challenge = r.field("challenge").take(challenge_len)?;
        r.finish("challenge")?;
        // Only 3-byte specs whose first byte is 0 name TLS cipher suites.
        let (cipher_suites, cipher_suites_omitted) = super::codec::capped(
            specs.chunks_exact(3).map(|c| {
                if c[0] == 0 {
                    OfferedSuite::Tls(CipherSuiteId(u16::from_be_bytes([c[1], c[2]])))
                } else {
                    OfferedSuite::Ssl2(Ssl2CipherSpec(u32::from_be_bytes([0, c[0], c[1], c[2]])))
                }
            }),
            MAX_LIST_ITEMS,
        );
        let cipher_suites_omitted_non_grease = specs
            .chunks_exact(3)
            .skip(MAX_LIST_ITEMS)
            .filter(|c| c[0] == 0 && !is_grease(u16::from_be_bytes([c[1], c[2]])))
            .count();
        // The challenge becomes the random, right-aligned and zero-padded (E.2).
        let mut random = [0u8; 32];
        random[32 - challenge.len()..].copy_from_slice(challenge);
        Ok(ClientHello {
            legacy_version,
            random,
            session_id,
            cookie: Vec::new(),
            cipher_suites,
            cipher_suites_omitted,
            cipher_suites_omitted_non_grease,
            compression_methods: vec![CompressionMethod::NULL],
            extensions: Vec::new(),
            extensions_omitted: 0,
            extensions_omitted_non_grease: 0,
            session_ticket: Vec::new(),
            sslv2_format: true,
        })
    }

    pub fn extension(&self, id: ExtensionType) -> Option<&Extension> {
        self.extensions.iter().find(|e| e.id == id)
    }

    pub fn has_extension(&self, id: ExtensionType) -> bool {
        self.extension(id).is_some()
    }

    /// The first host name of server_name, as sent.
    pub fn sni_bytes(&self) -> Option<&[u8]> {
        match &self.extension(ExtensionType::SERVER_NAME)?.data {
            ExtensionData::ServerName { host_names, .. } => host_names.first().map(|s| &s[..]),
            _ => None,
        }
    }

    /// The ALPN protocol names offered, as sent.
    pub fn alpn(&self) -> &[Vec<u8>] {
        match self.extension(ExtensionType::ALPN).map(|e| &e.data) {
            Some(ExtensionData::Alpn { protocols, .. }) => protocols,
            _ => &[],
        }
    }

    /// The groups of the key shares offered (key_share, or the drafts' extension 40).
    pub fn key_share_groups(&self) -> Vec<NamedGroup> {
        key_share_groups(&self.extensions)
    }

    /// The TLS cipher suites offered (an SSLv2-compatible hello's SSL 2.0 specs left out).
    pub fn suite_ids(&self) -> Vec<CipherSuiteId> {
        self.cipher_suites
            .iter()
            .filter_map(|s| match s {
                OfferedSuite::Tls(id) => Some(*id),
                OfferedSuite::Ssl2(_) => None,
            })
            .collect()
    }

    pub fn extension_ids(&self) -> Vec<ExtensionType> {
        self.extensions.iter().map(|e| e.id).collect()
    }

    fn data(&self, id: ExtensionType) -> Option<&ExtensionData> {
        self.extension(id).map(|e| &e.data)
    }

    pub fn supported_groups(&self) -> Vec<NamedGroup> {
        match self.data(ExtensionType::SUPPORTED_GROUPS) {
            Some(ExtensionData::SupportedGroups { groups, .. }) => groups.clone(),
            _ => Vec::new(),
        }
    }

    pub fn ec_point_formats(&self) -> Vec<EcPointFormat> {
        match self.data(ExtensionType::EC_POINT_FORMATS) {
            Some(ExtensionData::EcPointFormats { formats }) => formats.clone(),
            _ => Vec::new(),
        }
    }

    pub fn signature_algorithms(&self) -> Vec<SignatureScheme> {
        match self.data(ExtensionType::SIGNATURE_ALGORITHMS) {
            Some(ExtensionData::SignatureAlgorithms { algorithms, .. }) => algorithms.clone(),
            _ => Vec::new(),
        }
    }

    pub fn supported_versions(&self) -> Vec<ProtocolVersion> {
        match self.data(ExtensionType::SUPPORTED_VERSIONS) {
            Some(ExtensionData::SupportedVersions { versions }) => versions.clone(),
            _ => Vec::new(),
        }
    }
}

/// The server's choice: version, cipher suite, and the server random *y*.
#[derive(Debug, Clone)]
pub struct ServerHello {
    pub legacy_version: ProtocolVersion,
    /// The version in force: supported_versions when present (TLS 1.3), else legacy_version.
    pub selected_version: ProtocolVersion,
    /// The server random, *y* in the handshake story.
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cipher_suite: CipherSuiteId,
    pub compression_method: CompressionMethod,
    /// The first [`MAX_LIST_ITEMS`] extensions (wire order).
    pub extensions: Vec<Extension>,
    /// Extensions past the cap, counted only.
    pub extensions_omitted: usize,
    pub hello_retry_request: bool,
}

impl ServerHello {
    /// Decodes a ServerHello body (RFC 5246 §7.4.1.3, RFC 8446 §4.1.3, and the TLS 1.3
    /// drafts' shorter form); like [`ClientHello::parse`], all of it or an error.
    pub fn parse(body: &[u8]) -> DecodeResult<ServerHello> {
        let mut r = Reader::new(body, "ServerHello");
        let legacy_version = ProtocolVersion(r.field("legacy_version").u16()?);
        let random: [u8; 32] = r.field("random").array()?;
        let retry = random == HELLO_RETRY_RANDOM;
        // TLS 1.3 drafts before 22 put the draft version here and had no session id
        // and no compression method.
        let draft = legacy_version.tls13_draft().is_some_and(|d| d < 22);
        let session_id = if draft {
            Vec::new()
        } else {
            r.field("legacy_session_id_echo")
                .vec8_max(MAX_SESSION_ID)?
                .to_vec()
        };
        let cipher_suite = CipherSuiteId(r.field("cipher_suite").u16()?);
        let compression_method = if draft {
            CompressionMethod::NULL
        } else {
            CompressionMethod(r.field("legacy_compression_method").u8()?)
        };
        let kind = if retry {
            HelloKind::Retry
        } else {
            HelloKind::Server
        };
        let ExtensionBlock {
            list: extensions,
            omitted: extensions_omitted,
            ..
        } = if r.is_empty() {
            ExtensionBlock::default()
        } else {
            parse_extensions(r.field("extensions").vec16()?, kind)?
        };
        r.finish("extensions")?;
        let selected_version = extensions
            .iter()
            .find_map(|e| match &e.data {
                ExtensionData::SupportedVersions { versions }
                    if e.id == ExtensionType::SUPPORTED_VERSIONS =>
                {
                    versions.first().copied()
                }
                _ => None,
            })
            .unwrap_or(legacy_version);
        Ok(ServerHello {
            legacy_version,
            selected_version,
            random,
            session_id,
            cipher_suite,
            compression_method,
            extensions,
            extensions_omitted,
            hello_retry_request: retry,
        })
    }

    pub fn version(&self) -> ProtocolVersion {
        self.selected_version
    }

    pub fn suite_id(&self) -> CipherSuiteId {
        self.cipher_suite
    }

    pub fn has_extension(&self, id: ExtensionType) -> bool {
        self.extensions.iter().any(|e| e.id == id)
    }

    pub fn extension_ids(&self) -> Vec<ExtensionType> {
        self.extensions.iter().map(|e| e.id).collect()
    }

    /// The ALPN protocol names of the ServerHello (RFC 7301 §3.1: one), as sent.
    pub fn alpn(&self) -> &[Vec<u8>] {
        self.extensions
            .iter()
            .find_map(|e| match &e.data {
                ExtensionData::Alpn { protocols, .. } => Some(&protocols[..]),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The key exchange group: the server's key share, or the group a HelloRetryRequest
    /// asks for (key_share, or the drafts' extension 40).
    pub fn key_share_group(&self) -> Option<NamedGroup> {
        key_share_groups(&self.extensions).first().copied()
    }
}

#[cfg(test)]
mod tests {

    /// RFC 6347 §4.2.1: a DTLS ClientHello carries a cookie after the session id.
    #[test]
    fn a_dtls_client_hello_with_its_cookie() {
        let mut body = vec![0xfe, 0xfd];
        body.extend_from_slice(&[0x11; 32]);
        body.push(0); // session id
        body.push(4);
        body.extend_from_slice(b"\xc0\x0c\x1e\x55".as_slice());
        body.extend_from_slice(&[0, 2, 0xc0, 0x2b, 1, 0]);
        let ch = ClientHello::parse_dtls(&body).unwrap();
        assert_eq!(ch.legacy_version, ProtocolVersion::DTLS1_2);
        assert_eq!(ch.cookie, b"\xc0\x0c\x1e\x55".to_vec());
        assert_eq!(ch.cipher_suites.len(), 1);
        assert!(
            ClientHello::parse(&body).is_err(),
            "TLS reads the cookie as suites"
        );
        for cut in 0..body.len() {
            assert!(ClientHello::parse_dtls(&body[..cut]).is_err());
        }
    }

    use super::*;
    use crate::tls::fingerprint::{self, HelloFields, Transport};
    use ExtensionType as E;

    fn v8(body: &[u8]) -> Vec<u8> {
        let mut v = vec![body.len() as u8];
        v.extend_from_slice(body);
        v
    }

    fn v16(body: &[u8]) -> Vec<u8> {
        let mut v = (body.len() as u16).to_be_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }

    fn ext(id: ExtensionType, body: &[u8]) -> Vec<u8> {
        let mut v = id.0.to_be_bytes().to_vec();
        v.extend_from_slice(&v16(body));
        v
    }

    /// A ClientHello body: TLS 1.2, the given suites and extensions block.
    fn client_hello(suites: &[u16], extensions: &[u8]) -> Vec<u8> {
        let mut b = vec![3, 3];
        b.extend_from_slice(&[0x11; 32]);
        b.extend_from_slice(&v8(&[0x22; 32]));
        let s: Vec<u8> = suites.iter().flat_map(|s| s.to_be_bytes()).collect();
        b.extend_from_slice(&v16(&s));
        b.extend_from_slice(&v8(&[0]));
        b.extend_from_slice(&v16(extensions));
        b
    }

    fn alpn_ext(names: &[&[u8]]) -> Vec<u8> {
        let list: Vec<u8> = names.iter().flat_map(|n| v8(n)).collect();
        ext(E::ALPN, &v16(&list))
    }

    #[test]
    fn a_whole_hello_decodes() {
        let mut exts = ext(
            E::SERVER_NAME,
            &v16(&[&[0][..], &v16(b"example.com")].concat()),
        );
        exts.extend_from_slice(&alpn_ext(&[b"h2", b"http/1.1"]));
        let ch = ClientHello::parse(&client_hello(&[0x1301, 0xc02f], &exts)).unwrap();
        assert_eq!(ch.session_id, vec![0x22; 32]);
        assert_eq!(
            ch.suite_ids(),
            vec![CipherSuiteId(0x1301), CipherSuiteId(0xc02f)]
        );
        assert_eq!(ch.sni_bytes(), Some(&b"example.com"[..]));
        assert_eq!(ch.alpn(), &[b"h2".to_vec(), b"http/1.1".to_vec()]);
        assert_eq!((ch.extensions_omitted, ch.cipher_suites_omitted), (0, 0));
        assert_eq!(ch.legacy_version, ProtocolVersion::TLS1_2);
        assert_eq!(ch.random, [0x11; 32]);
        assert_eq!(ch.compression_methods, vec![CompressionMethod::NULL]);
    }

    // RFC 5246 §7.4.1.2 / RFC 8446 §4.1.2: legacy_session_id<0..32>. A length byte that
    // runs past the body, or past 32, makes the hello malformed, said precisely; no
    // hello (and so no JA3/JA4) comes out of the bytes it would have swallowed.
    #[test]
    fn a_session_id_that_overruns_is_an_error_naming_it() {
        let mut body = vec![3, 3];
        body.extend_from_slice(&[0; 32]);
        body.push(200);
        body.extend_from_slice(&[0; 50]);
        assert_eq!(
            ClientHello::parse(&body).unwrap_err().to_string(),
            "ClientHello: legacy_session_id declares 200 bytes, 50 remain"
        );

        // Long enough for 200 bytes: what used to parse into junk (JA3 "771,,,,"), the
        // session id swallowing the suites and the lists read from zero padding.
        let mut exts = ext(E::PADDING, &[0; 400]);
        exts.extend_from_slice(&alpn_ext(&[b"h2"]));
        let mut body = client_hello(&[0xc02f], &exts);
        body[34] = 200;
        assert_eq!(
            ClientHello::parse(&body).unwrap_err().to_string(),
            "ClientHello: legacy_session_id declares 200 bytes, at most 32 allowed"
        );
        // Even one past the limit.
        let mut body = client_hello(&[0xc02f], &[]);
        body[34] = 33;
        body.insert(35, 0x22);
        assert!(ClientHello::parse(&body).is_err());
    }

    #[test]
    fn other_malformed_hellos_say_which_field() {
        let cases: &[(Vec<u8>, &str)] = &[
            (
                vec![3],
                "ClientHello: legacy_version needs 2 bytes, 1 remains",
            ),
            (
                vec![3, 3, 0, 0],
                "ClientHello: random needs 32 bytes, 2 remain",
            ),
            (
                client_hello(&[], &[]),
                "ClientHello: cipher_suites declares 0 bytes, at least 2 needed",
            ),
            (
                [client_hello(&[0xc02f], &[]), vec![0xde, 0xad]].concat(),
                "ClientHello: 2 bytes after extensions",
            ),
            (
                client_hello(&[0xc02f], &[0, 10, 0, 9]),
                "extensions: extension_data declares 9 bytes, 0 remain",
            ),
        ];
        for (body, want) in cases {
            assert_eq!(ClientHello::parse(body).unwrap_err().to_string(), *want);
        }
        // No compression methods.
        let mut body = client_hello(&[0xc02f], &[]);
        let at = 2 + 32 + 33 + 4;
        body[at] = 0;
        body.remove(at + 1);
        assert_eq!(
            ClientHello::parse(&body).unwrap_err().to_string(),
            "ClientHello: legacy_compression_methods declares 0 bytes, at least 1 needed"
        );
    }

    // JA4.md: the ALPN characters come from the first value's bytes (first and last,
    // hex when not alphanumeric). A value that is not UTF-8 must reach JA4 unchanged.
    #[test]
    fn ja4_sees_the_alpn_bytes() {
        let ch = ClientHello::parse(&client_hello(&[0xc02f], &alpn_ext(&[&[0xff, b'a']]))).unwrap();
        assert_eq!(ch.alpn(), &[vec![0xff, b'a']]);
        let fields = HelloFields::of(&ch);
        let ja4 = fingerprint::ja4(&fields.facts(), Transport::Tcp);
        // 0xff 0x61: not both alphanumeric, so hex "ff61": 'f' and '1'. (The lossy
        // text "\u{fffd}a" would have given "e1".)
        assert_eq!(&ja4[..10], "t12i0101f1", "{ja4}");
    }

    // A hostile hello with 16,000 extensions and 5,000 suites keeps 1,024 of each and
    // counts the rest; JA3/JA4 hash the kept lists, JA4's counts are the true totals.
    #[test]
    fn huge_hellos_are_bounded() {
        let mut exts = Vec::new();
        // The first 1,100 extensions GREASE: the kept list has fewer than 99 real ones.
        for i in 0..16_000u16 {
            let id = if i < 1100 { 0x1a1a } else { 2000 + i };
            exts.extend_from_slice(&ext(ExtensionType(id), &[]));
        }
        let mut suites = vec![0x0a0a; 1020];
        suites.extend(0x0001..=0x0fa0u16);
        let ch = ClientHello::parse(&client_hello(&suites, &exts)).unwrap();
        assert_eq!(ch.extensions.len(), MAX_LIST_ITEMS);
        assert_eq!(ch.extensions_omitted, 16_000 - MAX_LIST_ITEMS);
        let real = (1100..16_000u16).filter(|i| !is_grease(2000 + i)).count();
        assert_eq!(ch.extensions_omitted_non_grease, real);
        assert_eq!(ch.cipher_suites.len(), MAX_LIST_ITEMS);
        assert_eq!(ch.cipher_suites_omitted, suites.len() - MAX_LIST_ITEMS);

        let fields = HelloFields::of(&ch);
        let facts = fields.facts();
        assert_eq!(facts.extensions_omitted, real);
        // Kept: no real extension at all, but the hello has thousands: "99".
        assert!(fingerprint::ja4(&facts, Transport::Tcp).starts_with("t12i9999"));
        let ja3 = fingerprint::ja3(&facts);
        assert!(ja3.full.starts_with("771,1-2-3-4,"), "{}", &ja3.full[..40]);
        assert!(ja3.full.contains(",,,"), "kept extensions are all GREASE");
    }

    #[test]
    fn sslv2_hellos() {
        // msg_type 1, version 3.1, 6 bytes of specs, no session id, 16-byte challenge.
        let mut body = vec![1, 3, 1, 0, 6, 0, 0, 0, 16];
        body.extend_from_slice(&[0, 0, 0x2f, 0x01, 0x00, 0x80]);
        body.extend_from_slice(&[0x33; 16]);
        let ch = ClientHello::parse_sslv2(&body).unwrap();
        assert_eq!(ch.suite_ids(), vec![CipherSuiteId(0x002f)]);
        assert_eq!(
            ch.cipher_suites,
            vec![
                OfferedSuite::Tls(CipherSuiteId::TLS_RSA_WITH_AES_128_CBC_SHA),
                OfferedSuite::Ssl2(Ssl2CipherSpec(0x010080))
            ]
        );
        assert_eq!(&ch.random[16..], &[0x33; 16]);
        assert_eq!(&ch.random[..16], &[0; 16]);

        let mut long = body.clone();
        long.push(0);
        assert_eq!(
            ClientHello::parse_sslv2(&long).unwrap_err().to_string(),
            "SSLv2 ClientHello: 1 byte after challenge"
        );
        let mut sid = body.clone();
        sid[6] = 200;
        assert_eq!(
            ClientHello::parse_sslv2(&sid).unwrap_err().to_string(),
            "SSLv2 ClientHello: session_id_length declares 200 bytes, at most 32 allowed"
        );
        let mut short = body.clone();
        short[6] = 16;
        assert_eq!(
            ClientHello::parse_sslv2(&short).unwrap_err().to_string(),
            // The session id takes the challenge's bytes; the challenge is what is short.
            "SSLv2 ClientHello: challenge needs 16 bytes, 0 remain"
        );
        let mut specs = body.clone();
        specs[4] = 5;
        assert!(ClientHello::parse_sslv2(&specs).is_err());
        let mut challenge = body;
        challenge[8] = 8;
        assert!(ClientHello::parse_sslv2(&challenge).is_err());
    }

    fn server_hello(version: u16, random: &[u8; 32], extensions: &[u8]) -> Vec<u8> {
        let mut b = version.to_be_bytes().to_vec();
        b.extend_from_slice(random);
        b.extend_from_slice(&v8(&[]));
        b.extend_from_slice(&[0x13, 0x01, 0]);
        b.extend_from_slice(&v16(extensions));
        b
    }

    #[test]
    fn the_key_share_group_is_known_under_the_draft_number() {
        let mut share = 0x001du16.to_be_bytes().to_vec();
        share.extend_from_slice(&v16(&[5; 32]));
        let mut exts = ext(E::SUPPORTED_VERSIONS, &0x7f16u16.to_be_bytes());
        exts.extend_from_slice(&ext(E::KEY_SHARE_DRAFT, &share));
        let sh = ServerHello::parse(&server_hello(0x0303, &[1; 32], &exts)).unwrap();
        assert_eq!(sh.version(), ProtocolVersion(0x7f16));
        assert_eq!(sh.key_share_group(), Some(NamedGroup::X25519));

        // Draft 22's HelloRetryRequest: a ServerHello with the special random.
        let mut exts = ext(E::SUPPORTED_VERSIONS, &0x7f16u16.to_be_bytes());
        exts.extend_from_slice(&ext(E::KEY_SHARE_DRAFT, &0x0017u16.to_be_bytes()));
        let hrr = ServerHello::parse(&server_hello(0x0303, &HELLO_RETRY_RANDOM, &exts)).unwrap();
        assert!(hrr.hello_retry_request);
        assert_eq!(hrr.key_share_group(), Some(NamedGroup::SECP256R1));

        // The final number, for comparison, and the client's offer.
        let sh = ServerHello::parse(&server_hello(0x0303, &[1; 32], &ext(E::KEY_SHARE, &share)))
            .unwrap();
        assert_eq!(sh.key_share_group(), Some(NamedGroup::X25519));
        let ch = ClientHello::parse(&client_hello(
            &[0x1301],
            &ext(E::KEY_SHARE_DRAFT, &v16(&share)),
        ))
        .unwrap();
        assert_eq!(ch.key_share_groups(), vec![NamedGroup::X25519]);
    }

    #[test]
    fn malformed_server_hellos() {
        let mut body = server_hello(0x0303, &[1; 32], &[]);
        body[34] = 40;
        assert_eq!(
            ServerHello::parse(&body).unwrap_err().to_string(),
            "ServerHello: legacy_session_id_echo declares 40 bytes, 5 remain"
        );
        let body = [server_hello(0x0303, &[1; 32], &[]), vec![0]].concat();
        assert_eq!(
            ServerHello::parse(&body).unwrap_err().to_string(),
            "ServerHello: 1 byte after extensions"
        );
    }
}
