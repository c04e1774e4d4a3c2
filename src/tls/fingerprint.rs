//! TLS fingerprints: JA3 and JA3S (Salesforce) and JA4 (FoxIO).
//!
//! The functions here work on plain values that the caller has already pulled
//! out of a parsed ClientHello / ServerHello, so they can be tested (and reused)
//! without a packet parser.
//!
//! References:
//! - JA3 / JA3S: <https://github.com/salesforce/ja3> (README and `python/ja3.py`,
//!   `python/ja3s.py`, `zeek/ja3s.zeek`).
//! - JA4: <https://github.com/FoxIO-LLC/ja4>, `technical_details/JA4.md`, with the
//!   reference implementations in `python/` and `rust/ja4/src/tls.rs` used to
//!   settle details the text leaves open.
//!
//! Choices worth knowing about:
//! - GREASE is the RFC 8701 set (`0x0A0A`, `0x1A1A`, … `0xFAFA`: both bytes equal
//!   and of the form `0x?A`), the same 16 values every reference implementation
//!   lists. JA3 drops it from ciphers, extensions and groups; JA4 drops it
//!   everywhere (ciphers, extensions, supported versions, signature algorithms).
//! - JA3S does not filter GREASE, as in the reference Python and Zeek code.
//! - JA4 version: the numerically highest non-GREASE entry of
//!   `supported_versions`, else `legacy_version` (as the spec and all reference
//!   implementations do, also for DTLS, whose version numbers count downwards).
//! - JA4 ALPN: per the current spec, the first and last byte of the first ALPN
//!   value if both are ASCII alphanumeric, else the first and last character of
//!   the value's lowercase hex. (Older tools printed `99` for non-ASCII values.)
//! - JA4_b / JA4_c are `000000000000` when the string to hash is empty (no
//!   ciphers; no extensions left after removing SNI/ALPN and no signature
//!   algorithms), as in the Rust and Zeek reference code. On real hellos this is
//!   the spec's "no extensions" rule: signature algorithms imply extension 0x000d.
//!   For JA4_o the unfiltered list is used, so a hello with only SNI hashes
//!   `0000` (Rust/Zeek behaviour; the older Python tool printed zeros there).

use std::fmt::Write as _;

use md5::{Digest, Md5};
use sha2::Sha256;

use super::registry::{is_grease, ExtensionType, ProtocolVersion};

/// The fields of a decoded ClientHello that the fingerprints read, owned, so that a
/// [`ClientHelloFacts`] can borrow them.
pub struct HelloFields {
    legacy_version: u16,
    cipher_suites: Vec<u16>,
    extensions: Vec<u16>,
    supported_groups: Vec<u16>,
    ec_point_formats: Vec<u8>,
    signature_algorithms: Vec<u16>,
    supported_versions: Vec<u16>,
    alpn: Vec<Vec<u8>>,
    has_sni: bool,
    cipher_suites_omitted: usize,
    extensions_omitted: usize,
}

impl HelloFields {
    pub fn of(ch: &super::hello::ClientHello) -> Self {
        HelloFields {
            legacy_version: ch.legacy_version.0,
            cipher_suites: ch.suite_ids().iter().map(|s| s.0).collect(),
            extensions: ch.extension_ids().iter().map(|e| e.0).collect(),
            supported_groups: ch.supported_groups().iter().map(|g| g.0).collect(),
            ec_point_formats: ch.ec_point_formats().iter().map(|f| f.0).collect(),
            signature_algorithms: ch.signature_algorithms().iter().map(|s| s.0).collect(),
            supported_versions: ch.supported_versions().iter().map(|v| v.0).collect(),
            // The protocol names as sent: JA4 looks at their bytes.
            alpn: ch.alpn().to_vec(),
            has_sni: ch.has_extension(ExtensionType::SERVER_NAME),
            cipher_suites_omitted: ch.cipher_suites_omitted_non_grease,
            extensions_omitted: ch.extensions_omitted_non_grease,
        }
    }

    pub fn facts(&self) -> ClientHelloFacts<'_> {
        ClientHelloFacts {
            legacy_version: self.legacy_version,
            cipher_suites: &self.cipher_suites,
            extensions: &self.extensions,
            supported_groups: &self.supported_groups,
            ec_point_formats: &self.ec_point_formats,
            signature_algorithms: &self.signature_algorithms,
            supported_versions: &self.supported_versions,
            alpn: &self.alpn,
            has_sni: self.has_sni,
            cipher_suites_omitted: self.cipher_suites_omitted,
            extensions_omitted: self.extensions_omitted,
        }
    }
}

/// JA3S of a decoded ServerHello.
pub fn ja3s_of(sh: &super::hello::ServerHello) -> Ja3 {
    let extensions: Vec<u16> = sh.extension_ids().iter().map(|e| e.0).collect();
    ja3s(sh.legacy_version.0, sh.suite_id().0, &extensions)
}

/// What the fingerprints need from a ClientHello.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientHelloFacts<'a> {
    /// `ClientHello.client_version` (the legacy version field).
    pub legacy_version: u16,
    /// Cipher suites in wire order, GREASE included.
    pub cipher_suites: &'a [u16],
    /// Extension types in wire order, GREASE included.
    pub extensions: &'a [u16],
    /// Named groups from `supported_groups` (a.k.a. elliptic_curves), wire order.
    pub supported_groups: &'a [u16],
    /// `ec_point_formats`, wire order.
    pub ec_point_formats: &'a [u8],
    /// `signature_algorithms`, wire order.
    pub signature_algorithms: &'a [u16],
    /// Versions from the `supported_versions` extension; empty if absent.
    pub supported_versions: &'a [u16],
    /// ALPN protocol names in order, as sent (bytes, not text).
    pub alpn: &'a [Vec<u8>],
    /// Whether the `server_name` extension is present.
    pub has_sni: bool,
    /// Non-GREASE cipher suites past the end of `cipher_suites`: a parsed hello keeps
    /// only the first 1,024 of a list. JA4_a counts them; the lists hashed are the
    /// kept ones. A real hello never comes near the cap, so this is 0 but for hostile
    /// input.
    pub cipher_suites_omitted: usize,
    /// Non-GREASE extensions past the end of `extensions`, likewise.
    pub extensions_omitted: usize,
}

/// A JA3 or JA3S fingerprint: the string and its MD5.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ja3 {
    /// The comma/dash separated string that is hashed.
    pub full: String,
    /// Lowercase hex MD5 of `full`.
    pub hash: String,
}

impl Ja3 {
    fn from_full(full: String) -> Self {
        let hash = hex::encode(Md5::digest(full.as_bytes()));
        Ja3 { full, hash }
    }
}

/// The transport a ClientHello was carried over (first character of JA4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// TLS over TCP: `t`.
    Tcp,
    /// QUIC: `q`.
    Quic,
    /// DTLS: `d`.
    Dtls,
}

impl Transport {
    /// The JA4 marker character.
    pub fn marker(self) -> char {
        match self {
            Transport::Tcp => 't',
            Transport::Quic => 'q',
            Transport::Dtls => 'd',
        }
    }
}

fn non_grease(values: &[u16]) -> impl Iterator<Item = u16> + '_ {
    values.iter().copied().filter(|&v| !is_grease(v))
}

fn join_decimal<T: std::fmt::Display>(values: impl IntoIterator<Item = T>) -> String {
    let mut out = String::new();
    for (i, v) in values.into_iter().enumerate() {
        if i > 0 {
            out.push('-');
        }
        let _ = write!(out, "{v}");
    }
    out
}

fn join_hex4(values: impl IntoIterator<Item = u16>) -> String {
    let mut out = String::new();
    for (i, v) in values.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{v:04x}");
    }
    out
}

/// JA3: `SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats`,
/// decimal values joined by `-`, GREASE removed from ciphers, extensions and
/// groups; empty lists give empty fields.
pub fn ja3(facts: &ClientHelloFacts) -> Ja3 {
    let full = format!(
        "{},{},{},{},{}",
        facts.legacy_version,
        join_decimal(non_grease(facts.cipher_suites)),
        join_decimal(non_grease(facts.extensions)),
        join_decimal(non_grease(facts.supported_groups)),
        join_decimal(facts.ec_point_formats.iter()),
    );
    Ja3::from_full(full)
}

/// JA3S: `SSLVersion,Cipher,Extensions` from a ServerHello (e.g.
/// `771,49199,65281-0-11-35-23`), extensions in wire order.
pub fn ja3s(legacy_version: u16, cipher_suite: u16, extensions: &[u16]) -> Ja3 {
    let full = format!(
        "{legacy_version},{cipher_suite},{}",
        join_decimal(extensions.iter())
    );
    Ja3::from_full(full)
}

const ZERO_HASH: &str = "000000000000";

fn ja4_version(facts: &ClientHelloFacts) -> &'static str {
    let version = non_grease(facts.supported_versions)
        .max()
        .unwrap_or(facts.legacy_version);
    match ProtocolVersion(version) {
        ProtocolVersion::TLS1_3 => "13",
        ProtocolVersion::TLS1_2 => "12",
        ProtocolVersion::TLS1_1 => "11",
        ProtocolVersion::TLS1_0 => "10",
        ProtocolVersion::SSL3 => "s3",
        ProtocolVersion::SSL2 => "s2",
        ProtocolVersion::DTLS1_0 => "d1",
        ProtocolVersion::DTLS1_2 => "d2",
        ProtocolVersion::DTLS1_3 => "d3",
        _ => "00",
    }
}

/// The two ALPN characters of JA4_a.
fn ja4_alpn(alpn: &[Vec<u8>]) -> String {
    let Some(first) = alpn.first().filter(|v| !v.is_empty()) else {
        return "00".to_owned();
    };
    let (a, b) = (first[0], first[first.len() - 1]);
    if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() {
        [a as char, b as char].iter().collect()
    } else {
        let hex = hex::encode(first);
        let hex = hex.as_bytes();
        [hex[0] as char, hex[hex.len() - 1] as char]
            .iter()
            .collect()
    }
}

fn hash12(s: &str) -> String {
    let mut h = hex::encode(Sha256::digest(s.as_bytes()));
    h.truncate(12);
    h
}

/// The three pieces of a JA4 before hashing.
struct Ja4Parts {
    a: String,
    ciphers: Vec<u16>,
    extensions: Vec<u16>,
    signature_algorithms: Vec<u16>,
}

impl Ja4Parts {
    /// `original` keeps wire order and SNI/ALPN in the lists (JA4_o / JA4_ro).
    fn new(facts: &ClientHelloFacts, transport: Transport, original: bool) -> Self {
        let mut ciphers: Vec<u16> = non_grease(facts.cipher_suites).collect();
        let mut extensions: Vec<u16> = non_grease(facts.extensions).collect();
        // The counts are of the whole lists (kept and omitted); the hashes below are
        // of the kept lists.
        let a = format!(
            "{}{}{}{:02}{:02}{}",
            transport.marker(),
            ja4_version(facts),
            if facts.has_sni { 'd' } else { 'i' },
            (ciphers.len() + facts.cipher_suites_omitted).min(99),
            (extensions.len() + facts.extensions_omitted).min(99),
            ja4_alpn(facts.alpn),
        );
        if !original {
            ciphers.sort_unstable();
            let (sni, alpn) = (ExtensionType::SERVER_NAME.0, ExtensionType::ALPN.0);
            extensions.retain(|&e| e != sni && e != alpn);
            extensions.sort_unstable();
        }
        Ja4Parts {
            a,
            ciphers,
            extensions,
            signature_algorithms: non_grease(facts.signature_algorithms).collect(),
        }
    }

    fn ciphers_str(&self) -> String {
        join_hex4(self.ciphers.iter().copied())
    }

    fn extensions_str(&self) -> String {
        let mut s = join_hex4(self.extensions.iter().copied());
        if !self.signature_algorithms.is_empty() {
            s.push('_');
            s.push_str(&join_hex4(self.signature_algorithms.iter().copied()));
        }
        s
    }

    fn hashed(&self) -> String {
        let b = if self.ciphers.is_empty() {
            ZERO_HASH.to_owned()
        } else {
            hash12(&self.ciphers_str())
        };
        let exts = self.extensions_str();
        let c = if exts.is_empty() {
            ZERO_HASH.to_owned()
        } else {
            hash12(&exts)
        };
        format!("{}_{b}_{c}", self.a)
    }

    fn raw(&self) -> String {
        format!(
            "{}_{}_{}",
            self.a,
            self.ciphers_str(),
            self.extensions_str()
        )
    }
}

/// JA4 client fingerprint, e.g. `t13d1516h2_8daaf6152771_e5627efa2ab1`.
pub fn ja4(facts: &ClientHelloFacts, transport: Transport) -> String {
    Ja4Parts::new(facts, transport, false).hashed()
}

/// JA4_r: JA4 with the sorted lists instead of their hashes.
pub fn ja4_raw(facts: &ClientHelloFacts, transport: Transport) -> String {
    Ja4Parts::new(facts, transport, false).raw()
}

/// JA4_o: like JA4 but hashing ciphers and extensions in wire order, with SNI
/// and ALPN kept in the extension list (GREASE still removed).
pub fn ja4_original(facts: &ClientHelloFacts, transport: Transport) -> String {
    Ja4Parts::new(facts, transport, true).hashed()
}

/// JA4_ro: the unhashed form of [`ja4_original`].
pub fn ja4_raw_original(facts: &ClientHelloFacts, transport: Transport) -> String {
    Ja4Parts::new(facts, transport, true).raw()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md5_hex(s: &str) -> String {
        hex::encode(Md5::digest(s.as_bytes()))
    }

    #[test]
    fn grease_values() {
        let grease: Vec<u16> = (0..=u16::MAX).filter(|&v| is_grease(v)).collect();
        assert_eq!(grease.len(), 16);
        assert_eq!(grease[0], 0x0a0a);
        assert_eq!(grease[15], 0xfafa);
        assert!(grease.iter().all(|v| v >> 8 == v & 0xff));
        assert!(!is_grease(0x0a1a));
        assert!(!is_grease(0x0000));
    }

    // salesforce/ja3 README: the two example strings and their MD5s.
    #[test]
    fn ja3_readme_examples() {
        let ciphers = [
            0x0a0a, 47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4,
        ];
        let extensions = [0x1a1a, 0, 10, 11, 0xfafa];
        let groups = [0x2a2a, 23, 24, 25];
        let facts = ClientHelloFacts {
            legacy_version: 769,
            cipher_suites: &ciphers,
            extensions: &extensions,
            supported_groups: &groups,
            ec_point_formats: &[0],
            ..Default::default()
        };
        let fp = ja3(&facts);
        assert_eq!(
            fp.full,
            "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0"
        );
        assert_eq!(fp.hash, "ada70206e40642a3e4461f35503241d5");

        let ciphers = [4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99];
        let facts = ClientHelloFacts {
            legacy_version: 769,
            cipher_suites: &ciphers,
            ..Default::default()
        };
        let fp = ja3(&facts);
        assert_eq!(fp.full, "769,4-5-10-9-100-98-3-6-19-18-99,,,");
        assert_eq!(fp.hash, "de350869b8c85de67a350c8d186f11e6");
    }

    // pyja3 (salesforce/ja3 python/README.rst) example output.
    #[test]
    fn ja3_pyja3_example() {
        let ciphers = [
            255, 49162, 49172, 136, 135, 57, 56, 49167, 49157, 132, 53, 49159, 49161, 49169, 49171,
            69, 68, 51, 50, 49164, 49166, 49154, 49156, 150, 65, 4, 5, 47, 49160, 49170, 22, 19,
            49165, 49155, 65279, 10,
        ];
        let facts = ClientHelloFacts {
            legacy_version: 769,
            cipher_suites: &ciphers,
            extensions: &[0, 10, 11, 35],
            supported_groups: &[23, 24, 25],
            ec_point_formats: &[0],
            ..Default::default()
        };
        let fp = ja3(&facts);
        assert_eq!(fp.full, "769,255-49162-49172-136-135-57-56-49167-49157-132-53-49159-49161-49169-49171-69-68-51-50-49164-49166-49154-49156-150-65-4-5-47-49160-49170-22-19-49165-49155-65279-10,0-10-11-35,23-24-25,0");
        assert_eq!(fp.hash, "2aef69b4ba1938c3a400de4188743185");
    }

    #[test]
    fn ja3s_strings() {
        let fp = ja3s(771, 49199, &[65281, 0, 11, 35, 23]);
        assert_eq!(fp.full, "771,49199,65281-0-11-35-23");
        // MD5 computed independently (Python hashlib).
        assert_eq!(fp.hash, "098e26e2609212ac1bfac552fbe04127");
        assert_eq!(fp.hash, md5_hex(&fp.full));
        assert_eq!(ja3s(769, 47, &[]).full, "769,47,");
    }

    const SPEC_CIPHERS: [u16; 16] = [
        0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
        0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
    ];
    const SPEC_EXTENSIONS: [u16; 18] = [
        0x0a0a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023,
        0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015, 0xbaba,
    ];
    const SPEC_SIGALGS: [u16; 8] = [
        0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
    ];

    fn spec_facts<'a>(alpn: &'a [Vec<u8>], sigalgs: &'a [u16]) -> ClientHelloFacts<'a> {
        ClientHelloFacts {
            legacy_version: 0x0303,
            cipher_suites: &SPEC_CIPHERS,
            extensions: &SPEC_EXTENSIONS,
            supported_groups: &[0x4a4a, 0x001d, 0x0017, 0x0018],
            ec_point_formats: &[0],
            signature_algorithms: sigalgs,
            supported_versions: &[0xdada, 0x0304, 0x0303],
            alpn,
            has_sni: true,
            ..Default::default()
        }
    }

    // FoxIO-LLC/ja4 technical_details/JA4.md worked example (GREASE added).
    #[test]
    fn ja4_spec_example() {
        let alpn = [b"h2".to_vec(), b"http/1.1".to_vec()];
        let facts = spec_facts(&alpn, &SPEC_SIGALGS);
        assert_eq!(
            ja4(&facts, Transport::Tcp),
            "t13d1516h2_8daaf6152771_e5627efa2ab1"
        );
        assert_eq!(
            ja4_raw(&facts, Transport::Tcp),
            "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601"
        );
        assert_eq!(
            ja4_original(&facts, Transport::Tcp),
            "t13d1516h2_acb858a92679_18f69afefd3d"
        );
        assert_eq!(
            ja4_raw_original(&facts, Transport::Tcp),
            "t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015_0403,0804,0401,0503,0805,0501,0806,0601"
        );
        assert_eq!(
            ja4(&facts, Transport::Quic),
            "q13d1516h2_8daaf6152771_e5627efa2ab1"
        );
        assert_eq!(
            ja4(&facts, Transport::Dtls),
            "d13d1516h2_8daaf6152771_e5627efa2ab1"
        );
    }

    // JA4.md: "If there are no signature algorithms ... = 6d807ffa2a79".
    #[test]
    fn ja4_spec_no_sigalgs() {
        let alpn = [b"h2".to_vec()];
        let facts = spec_facts(&alpn, &[]);
        assert_eq!(
            ja4(&facts, Transport::Tcp),
            "t13d1516h2_8daaf6152771_6d807ffa2a79"
        );
        let raw = ja4_raw(&facts, Transport::Tcp);
        assert!(raw.ends_with(",0033,4469,ff01"), "{raw}");
        assert_eq!(raw.matches('_').count(), 2, "{raw}");
    }

    // JA4.md, "ALPN Extension Value" examples.
    #[test]
    fn ja4_alpn_rules() {
        let cases: &[(&[u8], &str)] = &[
            (b"h2", "h2"),
            (b"http/1.1", "h1"),
            (b"h3", "h3"),
            (b"x", "xx"),
            (b"", "00"),
            (&[0xab], "ab"),
            (&[0x20], "20"),
            (&[0xab, 0xcd], "ad"),
            (&[0x20, 0x61], "21"),
            (&[0x30, 0xab], "3b"),
            (&[0x61, 0x20], "60"),
            (&[0x30, 0x31, 0xab, 0xcd], "3d"),
            (&[0x30, 0xab, 0xcd, 0x31], "01"),
        ];
        for (value, want) in cases {
            assert_eq!(ja4_alpn(&[value.to_vec()]), *want, "alpn {value:02x?}");
        }
        assert_eq!(ja4_alpn(&[]), "00");
        // Only the first value counts.
        assert_eq!(ja4_alpn(&[b"".to_vec(), b"h2".to_vec()]), "00");
    }

    #[test]
    fn ja4_versions() {
        let cases: &[(u16, &[u16], &str)] = &[
            (0x0303, &[0x0a0a, 0x0304, 0x0303], "13"),
            (0x0303, &[], "12"),
            (0x0302, &[], "11"),
            (0x0301, &[], "10"),
            (0x0300, &[], "s3"),
            (0x0002, &[], "s2"),
            (0xfeff, &[], "d1"),
            (0xfefd, &[], "d2"),
            (0xfefd, &[0xfefc], "d3"),
            (0x1234, &[], "00"),
            (0x0303, &[0x7f1c], "00"),
            // Only GREASE in supported_versions: fall back to legacy_version.
            (0x0303, &[0x3a3a], "12"),
        ];
        for &(legacy, supported, want) in cases {
            let facts = ClientHelloFacts {
                legacy_version: legacy,
                supported_versions: supported,
                ..Default::default()
            };
            assert_eq!(ja4_version(&facts), want, "{legacy:04x} {supported:04x?}");
        }
    }

    #[test]
    fn ja4_empty_lists_and_caps() {
        let facts = ClientHelloFacts {
            legacy_version: 0x0303,
            cipher_suites: &[0x0a0a],
            extensions: &[0x0000, 0x0010],
            alpn: &[],
            has_sni: true,
            ..Default::default()
        };
        assert_eq!(
            ja4(&facts, Transport::Tcp),
            "t12d000200_000000000000_000000000000"
        );
        assert_eq!(ja4_raw(&facts, Transport::Tcp), "t12d000200__");

        let facts = ClientHelloFacts::default();
        assert_eq!(
            ja4(&facts, Transport::Tcp),
            "t00i000000_000000000000_000000000000"
        );

        let many: Vec<u16> = (1..=150).collect();
        let facts = ClientHelloFacts {
            legacy_version: 0x0303,
            cipher_suites: &many,
            extensions: &many,
            ..Default::default()
        };
        assert!(ja4(&facts, Transport::Tcp).starts_with("t12i999900_"));
    }

    /// Rebuild ClientHelloFacts from a JA4_ro string (wire-order lists).
    struct RoFacts {
        transport: Transport,
        legacy: u16,
        supported: Vec<u16>,
        sni: bool,
        alpn: Vec<Vec<u8>>,
        ciphers: Vec<u16>,
        extensions: Vec<u16>,
        sigalgs: Vec<u16>,
    }

    fn parse_hex_list(s: &str) -> Vec<u16> {
        s.split(',')
            .filter(|v| !v.is_empty())
            .map(|v| u16::from_str_radix(v, 16).unwrap())
            .collect()
    }

    fn ro_facts(ro: &str) -> RoFacts {
        let mut parts = ro.split('_');
        let a = parts.next().unwrap();
        let ciphers = parse_hex_list(parts.next().unwrap());
        let extensions = parse_hex_list(parts.next().unwrap());
        let sigalgs = parse_hex_list(parts.next().unwrap_or(""));
        let transport = match &a[0..1] {
            "t" => Transport::Tcp,
            "q" => Transport::Quic,
            _ => Transport::Dtls,
        };
        let (legacy, supported) = match &a[1..3] {
            "13" => (0x0303, vec![0x5a5a, 0x0304, 0x0303]),
            "12" => (0x0303, vec![]),
            "10" => (0x0301, vec![]),
            v => panic!("version {v}"),
        };
        let alpn = match &a[8..10] {
            "00" => vec![],
            "h1" => vec![b"http/1.1".to_vec()],
            other => vec![other.as_bytes().to_vec(), b"http/1.1".to_vec()],
        };
        // Put GREASE back in, as it would be on the wire.
        let mut grease_ciphers = vec![0x8a8a];
        grease_ciphers.extend(&ciphers);
        let mut grease_exts = vec![0xeaea];
        grease_exts.extend(&extensions);
        grease_exts.push(0x9a9a);
        RoFacts {
            transport,
            legacy,
            supported,
            sni: &a[3..4] == "d",
            alpn,
            ciphers: grease_ciphers,
            extensions: grease_exts,
            sigalgs,
        }
    }

    // Real-world vectors from FoxIO-LLC/ja4 python/test/testdata/*.json:
    // (JA4, JA4_r, JA4_o, JA4_ro). The facts are rebuilt from JA4_ro.
    // One change: for t10d230100 (only SNI among the extensions) the Python tool
    // prints JA4_o's c part as zeros, while FoxIO's Rust and Zeek code hash the
    // original list "0000" = 9af15b336e6a; we follow Rust/Zeek.
    const FOXIO_VECTORS: &[[&str; 4]] = &[
        ["t13d1615h2_46e7e9700bed_45f260be83e2", "t13d1615h2_000a,002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,ff01_0403,0804,0401,0503,0805,0501,0806,0601,0201", "t13d1615h2_45f31bb0a5cc_b0e5d31d5128", "t13d1615h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035,000a_0000,0017,ff01,000a,000b,0023,0010,0005,000d,0012,0033,002d,002b,001b,0015_0403,0804,0401,0503,0805,0501,0806,0601,0201"],
        ["t13d1516h2_8daaf6152771_e5627efa2ab1", "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601", "t13d1516h2_acb858a92679_4237572e953b", "t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_000d,0000,000a,0005,000b,002b,001b,ff01,0033,4469,002d,0023,0017,0012,0010,0015_0403,0804,0401,0503,0805,0501,0806,0601"],
        ["t10d230100_6a57a6f57151_000000000000", "t10d230100_0003,0004,0005,0006,0008,0009,000a,0011,0012,0013,0014,0015,0016,002f,0032,0033,0035,0038,0039,0096,0099,009a,00ff_", "t10d230100_ce175d585f73_9af15b336e6a", "t10d230100_0039,0038,0035,0016,0013,000a,0033,0032,002f,009a,0099,0096,0005,0004,0015,0012,0009,0014,0011,0008,0006,0003,00ff_0000"],
        ["t12d4605h2_85626a9a5f7f_aaf95bb78ec9", "t12d4605h2_0004,0005,000a,0016,002f,0033,0035,0039,003c,003d,0041,0045,0067,006b,0081,0084,0088,009c,009d,009e,009f,00ba,00be,00c0,00c4,00ff,c007,c008,c009,c00a,c011,c012,c013,c014,c023,c024,c027,c028,c02b,c02c,c02f,c030,cca8,cca9,ccaa,ff85_000a,000b,000d_0601,0603,efef,0501,0503,0401,0403,eeee,eded,0301,0303,0201,0203", "t12d4605h2_644f5d117d98_094daec7ec8d", "t12d4605h2_c030,c02c,c028,c024,c014,c00a,009f,006b,0039,cca9,cca8,ccaa,ff85,00c4,0088,0081,009d,003d,0035,00c0,0084,c02f,c02b,c027,c023,c013,c009,009e,0067,0033,00be,0045,009c,003c,002f,00ba,0041,c011,c007,0005,0004,c012,c008,0016,000a,00ff_0000,000b,000a,000d,0010_0601,0603,efef,0501,0503,0401,0403,eeee,eded,0301,0303,0201,0203"],
        ["t12d190800_d83cc789557e_7af1ed941c26", "t12d190800_000a,002f,0035,003c,003d,009c,009d,c009,c00a,c013,c014,c023,c024,c027,c028,c02b,c02c,c02f,c030_0005,000a,000b,000d,0017,0023,ff01_0804,0805,0806,0401,0501,0201,0403,0503,0203,0202,0601,0603", "t12d190800_e8d5f427a2c5_5e98404dd3cc", "t12d190800_c02c,c02b,c030,c02f,c024,c023,c028,c027,c00a,c009,c014,c013,009d,009c,003d,003c,0035,002f,000a_0000,0005,000a,000b,000d,0023,0017,ff01_0804,0805,0806,0401,0501,0201,0403,0503,0203,0202,0601,0603"],
        ["t13d1516h2_8daaf6152771_9b887d9acb53", "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0017,001b,0023,0029,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601", "t13d1516h2_acb858a92679_ff8ca026d952", "t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_000d,0010,0000,000b,0023,4469,ff01,0033,000a,002d,002b,0005,0017,0012,001b,0029_0403,0804,0401,0503,0805,0501,0806,0601"],
        ["t13d2613h2_2802a3db6c62_845d286b0d67", "t13d2613h2_000a,002f,0035,003c,003d,009c,009d,1301,1302,1303,c008,c009,c00a,c012,c013,c014,c023,c024,c027,c028,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,002b,002d,0033,ff01_0403,0804,0401,0503,0203,0805,0805,0501,0806,0601,0201", "t13d2613h2_78a7dc604b78_93870a65b655", "t13d2613h2_1301,1302,1303,c02c,c02b,c024,c023,c00a,c009,cca9,c030,c02f,c028,c027,c014,c013,cca8,009d,009c,003d,003c,0035,002f,c008,c012,000a_ff01,0000,0017,000d,0005,0012,0010,000b,0033,002d,002b,000a,0015_0403,0804,0401,0503,0203,0805,0805,0501,0806,0601,0201"],
        ["t12d1909h2_d83cc789557e_7af1ed941c26", "t12d1909h2_000a,002f,0035,003c,003d,009c,009d,c009,c00a,c013,c014,c023,c024,c027,c028,c02b,c02c,c02f,c030_0005,000a,000b,000d,0017,0023,ff01_0804,0805,0806,0401,0501,0201,0403,0503,0203,0202,0601,0603", "t12d1909h2_e8d5f427a2c5_5da3d607c71a", "t12d1909h2_c02c,c02b,c030,c02f,c024,c023,c028,c027,c00a,c009,c014,c013,009d,009c,003d,003c,0035,002f,000a_0000,0005,000a,000b,000d,0023,0010,0017,ff01_0804,0805,0806,0401,0501,0201,0403,0503,0203,0202,0601,0603"],
        ["t13d1516h1_8daaf6152771_e5627efa2ab1", "t13d1516h1_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601", "t13d1516h1_acb858a92679_5eba26eeae83", "t13d1516h1_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_000d,0033,0000,ff01,002b,0023,002d,0005,0012,000b,0017,4469,0010,001b,000a,0015_0403,0804,0401,0503,0805,0501,0806,0601"],
        ["t13d151400_8daaf6152771_de4a06bb82e3", "t13d151400_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,ff01_0403,0804,0401,0503,0805,0501,0806,0601", "t13d151400_acb858a92679_2f4561be1d1f", "t13d151400_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_0033,002b,001b,0000,0012,002d,000d,000a,0005,0023,0017,ff01,000b,0015_0403,0804,0401,0503,0805,0501,0806,0601"],
        ["t13d1517h1_8daaf6152771_6cdcb247c39b", "t13d1517h1_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,0029,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601", "t13d1517h1_acb858a92679_98b2855b1dea", "t13d1517h1_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_0000,0017,0005,002b,0012,0023,000a,0033,0010,002d,001b,4469,000b,000d,ff01,0015,0029_0403,0804,0401,0503,0805,0501,0806,0601"],
        ["t13d1515h2_8daaf6152771_f37e75b10bcc", "t13d1515h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601", "t13d1515h2_acb858a92679_b90d13bf6f98", "t13d1515h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_0005,001b,0033,002d,4469,000a,000d,0012,ff01,000b,0023,002b,0000,0017,0010_0403,0804,0401,0503,0805,0501,0806,0601"],
        ["t13d1715h2_5b57614c22b0_3d5424432f57", "t13d1715h2_002f,0035,009c,009d,1301,1302,1303,c009,c00a,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0015,0017,001c,0022,0023,002b,002d,0033,ff01_0403,0503,0603,0804,0805,0806,0401,0501,0601,0203,0201", "t13d1715h2_5b234860e130_014157ec0da2", "t13d1715h2_1301,1303,1302,c02b,c02f,cca9,cca8,c02c,c030,c00a,c009,c013,c014,009c,009d,002f,0035_0000,0017,ff01,000a,000b,0023,0010,0005,0022,0033,002b,000d,002d,001c,0015_0403,0503,0603,0804,0805,0806,0401,0501,0601,0203,0201"],
    ];

    #[test]
    fn ja4_foxio_test_vectors() {
        for [want_ja4, want_r, want_o, want_ro] in FOXIO_VECTORS {
            let f = ro_facts(want_ro);
            let facts = ClientHelloFacts {
                legacy_version: f.legacy,
                cipher_suites: &f.ciphers,
                extensions: &f.extensions,
                supported_groups: &[],
                ec_point_formats: &[],
                signature_algorithms: &f.sigalgs,
                supported_versions: &f.supported,
                alpn: &f.alpn,
                has_sni: f.sni,
                ..Default::default()
            };
            assert_eq!(ja4(&facts, f.transport), *want_ja4);
            assert_eq!(ja4_raw(&facts, f.transport), *want_r);
            assert_eq!(ja4_original(&facts, f.transport), *want_o);
            assert_eq!(ja4_raw_original(&facts, f.transport), *want_ro);
        }
    }
}
