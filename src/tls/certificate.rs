//! A short summary of one X.509 certificate (DER), as seen in a TLS Certificate
//! message.
//!
//! Parsing is done by `x509-parser`; this module only picks out and formats the
//! fields a report needs. It never panics on malformed input: anything that does
//! not parse as a certificate is a [`CertificateError::Parse`], and parts that
//! parse badly inside an otherwise valid certificate (an odd public key, a broken
//! SAN extension) are left out of the summary rather than failing it.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use x509_parser::der_parser::der::parse_der_integer;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::oid_registry::Oid;
use x509_parser::prelude::{
    oid2sn, oid_registry, ASN1Time, FromDer, SubjectPublicKeyInfo, X509Certificate,
};
use x509_parser::public_key::RSAPublicKey;

use super::codec::{cut_text, MAX_CHAIN_ITEMS};

/// Subject and issuer names longer than this (in bytes) are cut, with `…`.
pub const MAX_NAME_LEN: usize = 1024;

/// What a report shows about one certificate. The names and dates are formatted here,
/// while x509-parser's view of the DER is at hand (it borrows the message's bytes).
#[derive(Debug, Clone, PartialEq)]
pub struct CertificateSummary {
    /// Subject name as x509-parser prints it, e.g. `CN=example.com, O=Org, C=US`; cut
    /// at [`MAX_NAME_LEN`] bytes with `…`.
    pub subject: String,
    /// Issuer name, same format (and cut) as `subject`.
    pub issuer: String,
    /// Serial number: lowercase hex, no colons, no leading zero bytes (`00` for 0).
    pub serial: String,
    /// Start of validity, RFC 3339 UTC (`2024-01-02T03:04:05Z`).
    pub not_before: String,
    /// End of validity, RFC 3339 UTC.
    pub not_after: String,
    /// The subject public key.
    pub public_key: PublicKeySummary,
    /// Subject alternative names: DNS names and IP addresses as plain text,
    /// others prefixed (`email:`, `uri:`, `dirname:`, `rid:`, `othername:`, …); the
    /// first [`MAX_CHAIN_ITEMS`].
    pub san: Vec<String>,
    /// Subject alternative names past the cap, counted only.
    pub san_omitted: usize,
    /// Lowercase hex SHA-256 of the certificate's DER (its usual fingerprint).
    pub sha256: String,
    /// Subject and issuer names are byte-for-byte equal.
    pub self_signed: bool,
    /// Signature algorithm name (OpenSSL's, e.g. `sha256WithRSAEncryption`) or
    /// the dotted OID when unknown.
    pub signature_algorithm: String,
}

/// The subject public key of a certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicKeySummary {
    /// `RSA`, `RSA-PSS`, `EC`, `Ed25519`, `Ed448`, `X25519`, `X448`, `DSA`,
    /// `ML-DSA-44`/`-65`/`-87`, `SLH-DSA-SHA2-128s` … `SLH-DSA-SHAKE-256f`,
    /// `ML-KEM-512`/`-768`/`-1024` (OpenSSL's names), or the dotted algorithm OID.
    pub algorithm: String,
    /// Key size in bits: RSA modulus length, EC curve size, DSA `p` length; for
    /// ML-DSA and SLH-DSA the public key's length × 8, for ML-KEM the parameter
    /// set's number (what OpenSSL 3.5 reports as the key's bits for each).
    /// `None` for Edwards/Montgomery keys (the algorithm fixes the size) and for
    /// keys that could not be read.
    pub bits: Option<u32>,
    /// EC named curve (OpenSSL name such as `prime256v1`, `secp384r1`; dotted OID
    /// for curves not in the table; `None` for explicit parameters).
    pub curve: Option<String>,
    /// RSA modulus, big-endian, without leading zero bytes (to match keys; not shown).
    pub rsa_modulus: Option<Vec<u8>>,
    /// RSA public exponent, big-endian, without leading zero bytes (not shown).
    pub rsa_exponent: Option<Vec<u8>>,
}

/// Why a certificate could not be summarized.
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    /// The bytes are not a DER X.509 certificate.
    #[error("certificate does not parse as X.509: {0}")]
    Parse(String),
}

/// Summaries this thread made lately, by the SHA-256 of the bytes they came from: the
/// connections of a capture mostly show the same few chains, and parsing a certificate
/// again for each was a twentieth of a handshake-heavy run. Emptied when it would pass
/// either cap; a summary bigger than [`RECENT_ONE_BYTES`] (a hostile certificate's
/// thousands of long names) is not kept. The memory budget does not see this table, so
/// its caps are what bound it.
pub const RECENT_SUMMARIES: usize = 256;
pub const RECENT_BYTES: usize = 1 << 20;
const RECENT_ONE_BYTES: usize = 16 << 10;

#[derive(Default)]
struct Recent {
    summaries: std::collections::HashMap<[u8; 32], Arc<CertificateSummary>>,
    bytes: usize,
    /// Times the table was emptied for room.
    cleared: u64,
}

thread_local! {
    static RECENT: std::cell::RefCell<Recent> = std::cell::RefCell::default();
}

impl CertificateSummary {
    /// About what the summary holds on the heap (its text), plus its own size.
    fn footprint(&self) -> usize {
        let text = [
            &self.subject,
            &self.issuer,
            &self.serial,
            &self.not_before,
            &self.not_after,
            &self.sha256,
            &self.signature_algorithm,
        ];
        std::mem::size_of::<Self>()
            + text.iter().map(|s| s.len()).sum::<usize>()
            + self.san.iter().map(|s| s.len() + 24).sum::<usize>()
            + self.public_key.algorithm.len()
            + self.public_key.curve.as_ref().map_or(0, |c| c.len())
            + self.public_key.rsa_modulus.as_ref().map_or(0, |m| m.len())
            + self.public_key.rsa_exponent.as_ref().map_or(0, |e| e.len())
    }
}

/// The table's (entries, bytes, times emptied) on this thread.
pub fn recent_summaries() -> (usize, usize, u64) {
    RECENT.with(|r| {
        let r = r.borrow();
        (r.summaries.len(), r.bytes, r.cleared)
    })
}

/// [`summarize`], shared with the other connections of the run that sent the same
/// bytes.
pub fn summarize_shared(der: &[u8]) -> Result<Arc<CertificateSummary>, CertificateError> {
    let key: [u8; 32] = Sha256::digest(der).into();
    if let Some(s) = RECENT.with(|r| r.borrow().summaries.get(&key).cloned()) {
        return Ok(s);
    }
    let summary = Arc::new(summarize(der)?);
    let bytes = summary.footprint();
    if bytes <= RECENT_ONE_BYTES {
        RECENT.with(|r| {
            let mut r = r.borrow_mut();
            if r.summaries.len() >= RECENT_SUMMARIES || r.bytes + bytes > RECENT_BYTES {
                r.summaries.clear();
                r.bytes = 0;
                r.cleared += 1;
            }
            r.bytes += bytes;
            r.summaries.insert(key, summary.clone());
        });
    }
    Ok(summary)
}

/// Summarize one DER-encoded certificate. Bytes after the certificate are
/// ignored (and not part of `sha256`).
pub fn summarize(der: &[u8]) -> Result<CertificateSummary, CertificateError> {
    if der.is_empty() {
        return Err(CertificateError::Parse("no data".to_owned()));
    }
    let (_, cert) =
        X509Certificate::from_der(der).map_err(|e| CertificateError::Parse(e.to_string()))?;
    let tbs = &cert.tbs_certificate;
    let validity = tbs.validity();
    let (san, san_omitted) = subject_alt_names(&cert);
    Ok(CertificateSummary {
        subject: cut_text(tbs.subject().to_string(), MAX_NAME_LEN),
        issuer: cut_text(tbs.issuer().to_string(), MAX_NAME_LEN),
        serial: serial_hex(tbs.raw_serial()),
        not_before: rfc3339(&validity.not_before),
        not_after: rfc3339(&validity.not_after),
        public_key: summarize_public_key(tbs.public_key()),
        san,
        san_omitted,
        sha256: hex::encode(Sha256::digest(cert.as_raw())),
        self_signed: tbs.subject().as_raw() == tbs.issuer().as_raw(),
        signature_algorithm: signature_algorithm_name(&cert.signature_algorithm.algorithm),
    })
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

fn serial_hex(raw: &[u8]) -> String {
    let s = strip_leading_zeros(raw);
    if s.is_empty() {
        "00".to_owned()
    } else {
        hex::encode(s)
    }
}

/// Bit length of a big-endian unsigned integer.
fn bit_length(bytes: &[u8]) -> u32 {
    let s = strip_leading_zeros(bytes);
    match s.first() {
        None => 0,
        Some(&b) => {
            let len = u32::try_from(s.len()).unwrap_or(u32::MAX / 8);
            (len - 1).saturating_mul(8) + (8 - b.leading_zeros())
        }
    }
}

/// RFC 3339 UTC form of an ASN.1 time.
fn rfc3339(t: &ASN1Time) -> String {
    format_unix_time(t.timestamp())
}

fn format_unix_time(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m as u32, d as u32)
}

/// OpenSSL's names for the signature algorithms seen in practice.
const SIGNATURE_ALGORITHMS: &[(&str, &str)] = &[
    ("1.2.840.113549.1.1.2", "md2WithRSAEncryption"),
    ("1.2.840.113549.1.1.4", "md5WithRSAEncryption"),
    ("1.2.840.113549.1.1.5", "sha1WithRSAEncryption"),
    ("1.2.840.113549.1.1.10", "rsassaPss"),
    ("1.2.840.113549.1.1.11", "sha256WithRSAEncryption"),
    ("1.2.840.113549.1.1.12", "sha384WithRSAEncryption"),
    ("1.2.840.113549.1.1.13", "sha512WithRSAEncryption"),
    ("1.2.840.113549.1.1.14", "sha224WithRSAEncryption"),
    ("1.2.840.10045.4.1", "ecdsa-with-SHA1"),
    ("1.2.840.10045.4.3.1", "ecdsa-with-SHA224"),
    ("1.2.840.10045.4.3.2", "ecdsa-with-SHA256"),
    ("1.2.840.10045.4.3.3", "ecdsa-with-SHA384"),
    ("1.2.840.10045.4.3.4", "ecdsa-with-SHA512"),
    ("1.3.101.112", "ED25519"),
    ("1.3.101.113", "ED448"),
    ("1.2.840.10040.4.3", "dsaWithSHA1"),
    ("2.16.840.1.101.3.4.3.1", "dsa_with_SHA224"),
    ("2.16.840.1.101.3.4.3.2", "dsa_with_SHA256"),
    ("1.2.156.10197.1.501", "SM2-with-SM3"),
    // FIPS 204 ML-DSA (RFC 9881) and FIPS 205 SLH-DSA (RFC 9909): the signature
    // algorithm OID is the key's, and OpenSSL 3.5 names both alike.
    ("2.16.840.1.101.3.4.3.17", "ML-DSA-44"),
    ("2.16.840.1.101.3.4.3.18", "ML-DSA-65"),
    ("2.16.840.1.101.3.4.3.19", "ML-DSA-87"),
    ("2.16.840.1.101.3.4.3.20", "SLH-DSA-SHA2-128s"),
    ("2.16.840.1.101.3.4.3.21", "SLH-DSA-SHA2-128f"),
    ("2.16.840.1.101.3.4.3.22", "SLH-DSA-SHA2-192s"),
    ("2.16.840.1.101.3.4.3.23", "SLH-DSA-SHA2-192f"),
    ("2.16.840.1.101.3.4.3.24", "SLH-DSA-SHA2-256s"),
    ("2.16.840.1.101.3.4.3.25", "SLH-DSA-SHA2-256f"),
    ("2.16.840.1.101.3.4.3.26", "SLH-DSA-SHAKE-128s"),
    ("2.16.840.1.101.3.4.3.27", "SLH-DSA-SHAKE-128f"),
    ("2.16.840.1.101.3.4.3.28", "SLH-DSA-SHAKE-192s"),
    ("2.16.840.1.101.3.4.3.29", "SLH-DSA-SHAKE-192f"),
    ("2.16.840.1.101.3.4.3.30", "SLH-DSA-SHAKE-256s"),
    ("2.16.840.1.101.3.4.3.31", "SLH-DSA-SHAKE-256f"),
    // The pre-hash variants (FIPS 204 §5.4, FIPS 205 §10.2), by their ASN.1 names.
    ("2.16.840.1.101.3.4.3.32", "id-hash-ml-dsa-44-with-sha512"),
    ("2.16.840.1.101.3.4.3.33", "id-hash-ml-dsa-65-with-sha512"),
    ("2.16.840.1.101.3.4.3.34", "id-hash-ml-dsa-87-with-sha512"),
    (
        "2.16.840.1.101.3.4.3.35",
        "id-hash-slh-dsa-sha2-128s-with-sha256",
    ),
    (
        "2.16.840.1.101.3.4.3.36",
        "id-hash-slh-dsa-sha2-128f-with-sha256",
    ),
    (
        "2.16.840.1.101.3.4.3.37",
        "id-hash-slh-dsa-sha2-192s-with-sha512",
    ),
    (
        "2.16.840.1.101.3.4.3.38",
        "id-hash-slh-dsa-sha2-192f-with-sha512",
    ),
    (
        "2.16.840.1.101.3.4.3.39",
        "id-hash-slh-dsa-sha2-256s-with-sha512",
    ),
    (
        "2.16.840.1.101.3.4.3.40",
        "id-hash-slh-dsa-sha2-256f-with-sha512",
    ),
    (
        "2.16.840.1.101.3.4.3.41",
        "id-hash-slh-dsa-shake-128s-with-shake128",
    ),
    (
        "2.16.840.1.101.3.4.3.42",
        "id-hash-slh-dsa-shake-128f-with-shake128",
    ),
    (
        "2.16.840.1.101.3.4.3.43",
        "id-hash-slh-dsa-shake-192s-with-shake256",
    ),
    (
        "2.16.840.1.101.3.4.3.44",
        "id-hash-slh-dsa-shake-192f-with-shake256",
    ),
    (
        "2.16.840.1.101.3.4.3.45",
        "id-hash-slh-dsa-shake-256s-with-shake256",
    ),
    (
        "2.16.840.1.101.3.4.3.46",
        "id-hash-slh-dsa-shake-256f-with-shake256",
    ),
];

/// Post-quantum public keys whose size the algorithm fixes: OID, OpenSSL 3.5's name,
/// the public key's length in bytes (FIPS 204 Table 2, FIPS 205 Table 2, FIPS 203
/// Table 3), and the bits OpenSSL reports (`EVP_PKEY_get_bits`).
///
/// The choice of bits: OpenSSL 3.5 reports 8 × the public key length for ML-DSA and
/// SLH-DSA (its text form prints no bit count for them, just `ML-DSA-65 Public-Key:`
/// and the key), which is also what "Public-Key: (N bit)" means for RSA/DSA/DH keys:
/// the size of the public value. For ML-KEM it reports the parameter set's number
/// (512/768/1024). We follow OpenSSL so that our `bits` matches what it shows.
const PQ_KEYS: &[(&str, &str, usize, u32)] = &[
    ("2.16.840.1.101.3.4.3.17", "ML-DSA-44", 1312, 1312 * 8),
    ("2.16.840.1.101.3.4.3.18", "ML-DSA-65", 1952, 1952 * 8),
    ("2.16.840.1.101.3.4.3.19", "ML-DSA-87", 2592, 2592 * 8),
    ("2.16.840.1.101.3.4.3.20", "SLH-DSA-SHA2-128s", 32, 256),
    ("2.16.840.1.101.3.4.3.21", "SLH-DSA-SHA2-128f", 32, 256),
    ("2.16.840.1.101.3.4.3.22", "SLH-DSA-SHA2-192s", 48, 384),
    ("2.16.840.1.101.3.4.3.23", "SLH-DSA-SHA2-192f", 48, 384),
    ("2.16.840.1.101.3.4.3.24", "SLH-DSA-SHA2-256s", 64, 512),
    ("2.16.840.1.101.3.4.3.25", "SLH-DSA-SHA2-256f", 64, 512),
    ("2.16.840.1.101.3.4.3.26", "SLH-DSA-SHAKE-128s", 32, 256),
    ("2.16.840.1.101.3.4.3.27", "SLH-DSA-SHAKE-128f", 32, 256),
    ("2.16.840.1.101.3.4.3.28", "SLH-DSA-SHAKE-192s", 48, 384),
    ("2.16.840.1.101.3.4.3.29", "SLH-DSA-SHAKE-192f", 48, 384),
    ("2.16.840.1.101.3.4.3.30", "SLH-DSA-SHAKE-256s", 64, 512),
    ("2.16.840.1.101.3.4.3.31", "SLH-DSA-SHAKE-256f", 64, 512),
    ("2.16.840.1.101.3.4.4.1", "ML-KEM-512", 800, 512),
    ("2.16.840.1.101.3.4.4.2", "ML-KEM-768", 1184, 768),
    ("2.16.840.1.101.3.4.4.3", "ML-KEM-1024", 1568, 1024),
];

pub(crate) fn signature_algorithm_name(oid: &Oid) -> String {
    let dotted = oid.to_id_string();
    if let Some((_, name)) = SIGNATURE_ALGORITHMS.iter().find(|(o, _)| *o == dotted) {
        return (*name).to_owned();
    }
    match oid2sn(oid, oid_registry()) {
        Ok(name) => name.to_owned(),
        Err(_) => dotted,
    }
}

/// Named curves: OID, OpenSSL name, size in bits.
const CURVES: &[(&str, &str, u32)] = &[
    ("1.2.840.10045.3.1.7", "prime256v1", 256),
    ("1.3.132.0.34", "secp384r1", 384),
    ("1.3.132.0.35", "secp521r1", 521),
    ("1.3.132.0.10", "secp256k1", 256),
    ("1.3.132.0.33", "secp224r1", 224),
    ("1.2.840.10045.3.1.1", "prime192v1", 192),
    ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1", 256),
    ("1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1", 384),
    ("1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1", 512),
    ("1.2.156.10197.1.301", "SM2", 256),
];

pub(crate) fn summarize_public_key(spki: &SubjectPublicKeyInfo) -> PublicKeySummary {
    let oid = spki.algorithm.algorithm.to_id_string();
    let key: &[u8] = spki.subject_public_key.as_ref();
    let mut summary = PublicKeySummary {
        algorithm: oid.clone(),
        bits: None,
        curve: None,
        rsa_modulus: None,
        rsa_exponent: None,
    };
    let name = match oid.as_str() {
        "1.2.840.113549.1.1.1" => {
            fill_rsa(&mut summary, key);
            "RSA"
        }
        "1.2.840.113549.1.1.10" => {
            fill_rsa(&mut summary, key);
            "RSA-PSS"
        }
        "1.2.840.10045.2.1" => {
            let curve_oid = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string());
            let known = curve_oid
                .as_deref()
                .and_then(|c| CURVES.iter().find(|(o, _, _)| *o == c));
            match known {
                Some(&(_, name, bits)) => {
                    summary.curve = Some(name.to_owned());
                    summary.bits = Some(bits);
                }
                None => {
                    summary.curve = curve_oid;
                    summary.bits = ec_point_bits(key);
                }
            }
            "EC"
        }
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "1.3.101.110" => "X25519",
        "1.3.101.111" => "X448",
        "1.2.840.10040.4.1" => {
            summary.bits = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| parse_der_integer(p.data).ok())
                .and_then(|(_, p)| p.as_slice().ok().map(bit_length));
            "DSA"
        }
        other => match PQ_KEYS.iter().find(|(o, ..)| *o == other) {
            Some(&(_, name, len, bits)) => {
                // A key of another length is not of this parameter set: its size is
                // unknown (OpenSSL refuses to decode it).
                summary.bits = (key.len() == len).then_some(bits);
                name
            }
            None => return summary,
        },
    };
    summary.algorithm = name.to_owned();
    summary
}

/// Modulus, exponent and size from an RSAPublicKey (PKCS #1) structure.
fn fill_rsa(summary: &mut PublicKeySummary, key: &[u8]) {
    if let Ok((_, rsa)) = RSAPublicKey::from_der(key) {
        let modulus = strip_leading_zeros(rsa.modulus);
        summary.bits = Some(bit_length(modulus));
        summary.rsa_modulus = Some(modulus.to_vec());
        summary.rsa_exponent = Some(strip_leading_zeros(rsa.exponent).to_vec());
    }
}

/// Field size from an EC point encoding (SEC1), for curves not in the table.
fn ec_point_bits(point: &[u8]) -> Option<u32> {
    let bytes = match point.split_first() {
        Some((4, rest)) if !rest.is_empty() && rest.len() % 2 == 0 => rest.len() / 2,
        Some((2 | 3, rest)) if !rest.is_empty() => rest.len(),
        _ => return None,
    };
    u32::try_from(bytes).ok().map(|b| b.saturating_mul(8))
}

/// The first [`MAX_CHAIN_ITEMS`] subject alternative names, and how many more there were.
pub(crate) fn subject_alt_names(cert: &X509Certificate) -> (Vec<String>, usize) {
    let names = cert
        .tbs_certificate
        .extensions()
        .iter()
        .filter_map(|ext| match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => Some(san.general_names.iter()),
            _ => None,
        })
        .flatten();
    let mut out = Vec::new();
    let mut omitted = 0;
    for name in names {
        if out.len() < MAX_CHAIN_ITEMS {
            out.push(general_name(name));
        } else {
            omitted += 1;
        }
    }
    (out, omitted)
}

fn general_name(name: &GeneralName) -> String {
    match name {
        GeneralName::DNSName(s) => (*s).to_owned(),
        GeneralName::IPAddress(b) => ip_address(b),
        GeneralName::RFC822Name(s) => format!("email:{s}"),
        GeneralName::URI(s) => format!("uri:{s}"),
        GeneralName::DirectoryName(n) => format!("dirname:{n}"),
        GeneralName::RegisteredID(oid) => format!("rid:{}", oid.to_id_string()),
        GeneralName::OtherName(oid, _) => format!("othername:{}", oid.to_id_string()),
        GeneralName::X400Address(_) => "x400address:<unparsed>".to_owned(),
        GeneralName::EDIPartyName(_) => "edipartyname:<unparsed>".to_owned(),
        GeneralName::Invalid(_, b) => format!("invalid:{}", hex::encode(b)),
    }
}

fn ip_address(b: &[u8]) -> String {
    if let Ok(v4) = <[u8; 4]>::try_from(b) {
        Ipv4Addr::from(v4).to_string()
    } else if let Ok(v6) = <[u8; 16]>::try_from(b) {
        Ipv6Addr::from(v6).to_string()
    } else {
        format!("ip:{}", hex::encode(b))
    }
}

/// A DistinguishedName (DER), as x509-parser prints it and as `subject` is shown;
/// `None` when it does not decode.
pub fn distinguished_name(der: &[u8]) -> Option<String> {
    let (_, name) = x509_parser::x509::X509Name::from_der(der).ok()?;
    Some(cut_text(name.to_string(), MAX_NAME_LEN))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Generated with:
    //   openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=test.example/O=Test" \
    //     -addext "subjectAltName=DNS:test.example,IP:127.0.0.1" -days 1 -outform DER
    // (and -newkey ec -pkeyopt ec_paramgen_curve:P-256 for the EC one).
    const RSA_DER: &[u8] = include_bytes!("testdata/cert-rsa2048.der");
    const EC_DER: &[u8] = include_bytes!("testdata/cert-ec256.der");

    /// The same bytes give the same summary, shared; the table stays within its caps
    /// however many different certificates come (bytes after a certificate make it
    /// different bytes, the same summary).
    #[test]
    fn shared_summaries_are_bounded() {
        let a = summarize_shared(RSA_DER).unwrap();
        let b = summarize_shared(RSA_DER).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(*a, summarize(RSA_DER).unwrap());
        for i in 0..3 * RECENT_SUMMARIES as u32 {
            let mut der = RSA_DER.to_vec();
            der.extend_from_slice(&i.to_le_bytes());
            assert_eq!(*summarize_shared(&der).unwrap(), *a);
            let (entries, bytes, _) = recent_summaries();
            assert!(entries <= RECENT_SUMMARIES, "{entries}");
            assert!(bytes <= RECENT_BYTES, "{bytes}");
        }
        assert!(recent_summaries().2 >= 2, "emptied for room");
        assert!(summarize_shared(&[0x30]).is_err());
    }

    // `openssl x509 -inform DER -noout -modulus` of RSA_DER.
    const RSA_MODULUS: &str = "B2753243384EAE4239BCCD3E7641B80C9091475A1668D7F2EBA6D4A7711B69AD3144AB2974153390DF9AEC3A754934BC4EA36C98D043BEE224FF9CADED41A793A68F3D05CA83BB3E69F637E20719FDB8D789B55C34BEDC5E96E962111DBFB9541BBA6055D4E37811D49847E6DF0FD047C6F08EA4C6F1C1F17A430D519059B4A74A68AFECB1F09F014A019267009A045C93661C3DDD9A5AF75CA6FB12AF955DD98118A5FB4EA0917C6EECC9C225A1481733E01E39D6B08798724EA5DEF476374C2F64E955C48E93F33DAF2A5F1DABEA11338ED79AA64D52D0AF9B6951F10DFE9E7665B5731076312EBA6513E6ADEDAE2F9E9052FB66D136E0727FF44EEC60C58B";

    /// "AB:CD:..." (openssl -fingerprint) or "ABCD..." to lowercase hex.
    fn openssl_hex(s: &str) -> String {
        s.replace(':', "").to_ascii_lowercase()
    }

    #[test]
    fn rsa_certificate() {
        let s = summarize(RSA_DER).unwrap();
        assert_eq!(s.subject, "CN=test.example, O=Test");
        assert_eq!(s.issuer, "CN=test.example, O=Test");
        assert!(s.self_signed);
        // openssl x509 -noout -serial: serial=097FF4E762B6295697BA66D7E85B1CB947F5B656
        assert_eq!(
            s.serial,
            openssl_hex("097FF4E762B6295697BA66D7E85B1CB947F5B656")
        );
        // openssl x509 -noout -fingerprint -sha256
        assert_eq!(
            s.sha256,
            openssl_hex("36:E4:89:17:95:F2:8F:FE:C1:17:06:49:87:0C:14:C9:62:88:12:26:93:E6:30:2C:B2:19:EA:A4:83:68:23:A7")
        );
        // notBefore=Nov 27 11:47:01 2026 GMT, notAfter=Nov 28 11:47:01 2026 GMT
        assert_eq!(s.not_before, "2026-11-27T11:47:01Z");
        assert_eq!(s.not_after, "2026-11-28T11:47:01Z");
        assert_eq!(s.signature_algorithm, "sha256WithRSAEncryption");
        assert_eq!(s.san, vec!["test.example", "127.0.0.1"]);
        let pk = &s.public_key;
        assert_eq!(pk.algorithm, "RSA");
        assert_eq!(pk.bits, Some(2048));
        assert_eq!(pk.curve, None);
        assert_eq!(
            hex::encode(pk.rsa_modulus.as_ref().unwrap()),
            openssl_hex(RSA_MODULUS)
        );
        assert_eq!(pk.rsa_exponent.as_deref(), Some(&[1u8, 0, 1][..]));
    }

    #[test]
    fn ec_certificate() {
        let s = summarize(EC_DER).unwrap();
        assert_eq!(s.subject, "CN=test.example, O=Test");
        assert!(s.self_signed);
        assert_eq!(
            s.serial,
            openssl_hex("6412B98A246B65248C8C3938DA44DD64FD6DAE95")
        );
        assert_eq!(
            s.sha256,
            openssl_hex("F2:96:75:21:F9:B0:CF:E5:99:60:52:BA:67:6C:BF:FA:92:39:CA:AB:23:30:F9:42:E7:CF:D0:C0:89:DA:AE:4D")
        );
        assert_eq!(s.not_before, "2026-11-27T11:47:01Z");
        assert_eq!(s.signature_algorithm, "ecdsa-with-SHA256");
        assert_eq!(s.san, vec!["test.example", "127.0.0.1"]);
        assert_eq!(
            s.public_key,
            PublicKeySummary {
                algorithm: "EC".to_owned(),
                bits: Some(256),
                curve: Some("prime256v1".to_owned()),
                rsa_modulus: None,
                rsa_exponent: None,
            }
        );
    }

    #[test]
    fn trailing_bytes_are_ignored() {
        let mut der = EC_DER.to_vec();
        der.extend_from_slice(b"junk");
        assert_eq!(summarize(&der).unwrap(), summarize(EC_DER).unwrap());
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        assert!(summarize(&[]).is_err());
        assert!(summarize(&[0x30]).is_err());
        assert!(summarize(&[0x30, 0x82, 0xff, 0xff]).is_err());
        assert!(summarize(b"-----BEGIN CERTIFICATE-----").is_err());
        for der in [RSA_DER, EC_DER] {
            // Every truncation.
            for n in 0..der.len() {
                assert!(summarize(&der[..n]).is_err(), "prefix of {n} bytes parsed");
            }
            // Every single-byte corruption (Ok or Err, but no panic).
            for i in 0..der.len() {
                for x in [0x01u8, 0x80, 0xff] {
                    let mut bad = der.to_vec();
                    bad[i] ^= x;
                    let _ = summarize(&bad);
                }
            }
        }
        // Pseudo-random byte strings, some starting like a SEQUENCE.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..2000 {
            let len = (next() % 600) as usize;
            let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            if round % 2 == 0 && len >= 4 {
                bytes[0] = 0x30;
                bytes[1] = 0x82;
            }
            assert!(summarize(&bytes).is_err());
        }
    }

    /// DER: a tag, its length (short or long form) and the content.
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        let n = content.len();
        if n < 0x80 {
            v.push(n as u8);
        } else {
            let len: Vec<u8> = n
                .to_be_bytes()
                .into_iter()
                .skip_while(|&b| b == 0)
                .collect();
            v.push(0x80 | len.len() as u8);
            v.extend_from_slice(&len);
        }
        v.extend_from_slice(content);
        v
    }

    fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
        tlv(0x30, &parts.concat())
    }

    /// An OID's DER content from its dotted form.
    fn oid(dotted: &str) -> Vec<u8> {
        let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
        let mut out = vec![(arcs[0] * 40 + arcs[1]) as u8];
        for &a in &arcs[2..] {
            let mut bytes = vec![(a & 0x7f) as u8];
            let mut rest = a >> 7;
            while rest > 0 {
                bytes.push(0x80 | (rest & 0x7f) as u8);
                rest >>= 7;
            }
            bytes.reverse();
            out.extend_from_slice(&bytes);
        }
        tlv(0x06, &out)
    }

    fn name(cn: &str) -> Vec<u8> {
        seq(&[tlv(0x31, &seq(&[oid("2.5.4.3"), tlv(0x0c, cn.as_bytes())]))])
    }

    /// A self-signed certificate, built by hand: `key_oid` with a `key_len`-byte public
    /// key, signed (in name only: nothing checks it) with `sig_oid`, and `dns` as SANs.
    fn synthetic_cert(
        key_oid: &str,
        key_len: usize,
        sig_oid: &str,
        cn: &str,
        dns: &[&str],
    ) -> Vec<u8> {
        // RFC 9881 / RFC 9909: the AlgorithmIdentifier's parameters are absent.
        let alg = |o: &str| seq(&[oid(o)]);
        let mut key = vec![0u8]; // no unused bits
        key.extend((0..key_len).map(|i| i as u8));
        let spki = seq(&[alg(key_oid), tlv(0x03, &key)]);
        let validity = seq(&[tlv(0x17, b"250101000000Z"), tlv(0x17, b"350101000000Z")]);
        let mut tbs = vec![
            tlv(0xa0, &tlv(0x02, &[2])),
            tlv(0x02, &[0x01, 0x23]),
            alg(sig_oid),
            name(cn),
            validity,
            name(cn),
            spki,
        ];
        if !dns.is_empty() {
            let names: Vec<Vec<u8>> = dns.iter().map(|d| tlv(0x82, d.as_bytes())).collect();
            let san = seq(&[oid("2.5.29.17"), tlv(0x04, &seq(&names))]);
            tbs.push(tlv(0xa3, &seq(&[san])));
        }
        seq(&[seq(&tbs), alg(sig_oid), tlv(0x03, &[0, 0xaa, 0xbb])])
    }

    // FIPS 204 / RFC 9881: id-ml-dsa-65 is 2.16.840.1.101.3.4.3.18, its public key
    // 1952 bytes, carried whole in the BIT STRING.
    #[test]
    fn ml_dsa_certificate() {
        let der = synthetic_cert(
            "2.16.840.1.101.3.4.3.18",
            1952,
            "2.16.840.1.101.3.4.3.18",
            "pq.example",
            &["pq.example"],
        );
        let s = summarize(&der).unwrap();
        assert_eq!(s.public_key.algorithm, "ML-DSA-65");
        assert_eq!(s.public_key.bits, Some(1952 * 8));
        assert_eq!(s.public_key.curve, None);
        assert_eq!(s.signature_algorithm, "ML-DSA-65");
        assert_eq!(s.subject, "CN=pq.example");
        assert!(s.self_signed);
        assert_eq!(s.san, vec!["pq.example"]);

        for (o, name, len) in [
            ("2.16.840.1.101.3.4.3.17", "ML-DSA-44", 1312),
            ("2.16.840.1.101.3.4.3.19", "ML-DSA-87", 2592),
        ] {
            let s = summarize(&synthetic_cert(o, len, o, "x", &[])).unwrap();
            assert_eq!(s.public_key.algorithm, name);
            assert_eq!(s.public_key.bits, Some(len as u32 * 8));
            assert_eq!(s.signature_algorithm, name);
        }
        // A key of the wrong length for its parameter set: named, size unknown.
        let s = summarize(&synthetic_cert(
            "2.16.840.1.101.3.4.3.17",
            1000,
            "1.2.840.10045.4.3.2",
            "x",
            &[],
        ))
        .unwrap();
        assert_eq!(s.public_key.algorithm, "ML-DSA-44");
        assert_eq!(s.public_key.bits, None);
        assert_eq!(s.signature_algorithm, "ecdsa-with-SHA256");
    }

    // FIPS 205 / RFC 9909: SLH-DSA parameter sets .20–.31, public keys 2n bytes.
    #[test]
    fn slh_dsa_and_ml_kem_keys() {
        let cases = [
            ("2.16.840.1.101.3.4.3.20", "SLH-DSA-SHA2-128s", 32),
            ("2.16.840.1.101.3.4.3.25", "SLH-DSA-SHA2-256f", 64),
            ("2.16.840.1.101.3.4.3.27", "SLH-DSA-SHAKE-128f", 32),
            ("2.16.840.1.101.3.4.3.28", "SLH-DSA-SHAKE-192s", 48),
            ("2.16.840.1.101.3.4.3.31", "SLH-DSA-SHAKE-256f", 64),
        ];
        for (o, name, len) in cases {
            let s = summarize(&synthetic_cert(o, len, o, "x", &[])).unwrap();
            assert_eq!(s.public_key.algorithm, name, "{o}");
            assert_eq!(s.public_key.bits, Some(len as u32 * 8), "{o}");
            assert_eq!(s.signature_algorithm, name, "{o}");
        }
        // An ML-KEM key (FIPS 203) certified by ML-DSA-87.
        let s = summarize(&synthetic_cert(
            "2.16.840.1.101.3.4.4.2",
            1184,
            "2.16.840.1.101.3.4.3.19",
            "x",
            &[],
        ))
        .unwrap();
        assert_eq!(s.public_key.algorithm, "ML-KEM-768");
        assert_eq!(s.public_key.bits, Some(768));
        assert_eq!(s.signature_algorithm, "ML-DSA-87");
        // The table names every OID once.
        let oids: std::collections::HashSet<_> = PQ_KEYS.iter().map(|k| k.0).collect();
        assert_eq!(oids.len(), PQ_KEYS.len());
    }

    #[test]
    fn long_san_lists_and_names_are_bounded() {
        let dns: Vec<String> = (0..100).map(|i| format!("h{i}.example")).collect();
        let dns: Vec<&str> = dns.iter().map(String::as_str).collect();
        let cn = "a".repeat(3000);
        let der = synthetic_cert("1.3.101.112", 32, "1.3.101.112", &cn, &dns);
        let s = summarize(&der).unwrap();
        assert_eq!(s.public_key.algorithm, "Ed25519");
        assert_eq!(s.san.len(), MAX_CHAIN_ITEMS);
        assert_eq!(s.san[63], "h63.example");
        assert_eq!(s.san_omitted, 100 - MAX_CHAIN_ITEMS);
        assert_eq!(s.subject.len(), MAX_NAME_LEN + '…'.len_utf8());
        assert!(s.subject.starts_with("CN=aaa") && s.subject.ends_with("a…"));
        assert_eq!(s.issuer, s.subject);
        assert_eq!(summarize(EC_DER).unwrap().san_omitted, 0);
    }

    #[test]
    fn helpers() {
        assert_eq!(serial_hex(&[0, 0, 0x1f, 0x00]), "1f00");
        assert_eq!(serial_hex(&[0]), "00");
        assert_eq!(serial_hex(&[]), "00");
        assert_eq!(serial_hex(&[0x80, 0x01]), "8001");
        assert_eq!(bit_length(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_length(&[0x01]), 1);
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(format_unix_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_unix_time(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_unix_time(1_704_164_645), "2024-01-02T03:04:05Z");
        assert_eq!(format_unix_time(253_402_300_799), "9999-12-31T23:59:59Z");
        assert_eq!(format_unix_time(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format_unix_time(-62_135_596_800), "0001-01-01T00:00:00Z");
        assert_eq!(ip_address(&[10, 0, 0, 1]), "10.0.0.1");
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        assert_eq!(ip_address(&v6), "::1");
        assert_eq!(ip_address(&[1, 2, 3]), "ip:010203");
        assert_eq!(ec_point_bits(&[4, 1, 2, 3, 4]), Some(16));
        assert_eq!(ec_point_bits(&[2, 1, 2]), Some(16));
        assert_eq!(ec_point_bits(&[5, 1]), None);
        assert_eq!(ec_point_bits(&[]), None);
    }
}
