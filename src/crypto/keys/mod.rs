//! Server RSA private keys (`-k/--key FILE|DIR`) and the RSA key exchange's pre-master secret.
//!
//! Key files are recognised by their content, never by their extension:
//!
//! * PEM: `RSA PRIVATE KEY` (PKCS#1), `PRIVATE KEY` (PKCS#8), `ENCRYPTED PRIVATE KEY`
//!   (PKCS#8 under PBES2 — AES or 3DES, PBKDF2 with any SHA-1/SHA-2 HMAC, or scrypt — or
//!   under the PKCS#12 PBEs 3DES and RC2-40). A file may hold several blocks: the key blocks
//!   are taken, certificates and other blocks ignored.
//! * DER: PKCS#1, PKCS#8, encrypted PKCS#8.
//! * PKCS#12 (`.p12`/`.pfx`), as written by OpenSSL 3 (PBES2/AES-256 with a SHA-256 MAC),
//!   by `openssl pkcs12 -legacy` and older tools (3DES key, RC2-40 certificates); DER or BER.
//!
//! Legacy PEM encryption (`Proc-Type: 4,ENCRYPTED` + `DEK-Info`) and PBES1 are refused with
//! a message saying how to convert the key. Multi-prime keys and keys whose first prime is
//! the smaller one load like any other.
//!
//! Decryption ([`decrypt_pre_master`]) is RSAES-PKCS1-v1_5 without blinding: this is
//! offline analysis, there is no timing side channel to defend, and blinding costs time.

use std::collections::HashSet;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use pkcs8::pkcs5;
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, Pkcs1v15Encrypt, RsaPrivateKey};

/// One loaded private key.
#[derive(Clone)]
pub struct ServerKey {
    /// The file path as given (plus `#n`, counting from 1, when the file held several keys).
    pub source: String,
    /// The key, with its CRT values precomputed.
    pub key: RsaPrivateKey,
    /// The modulus, big-endian, without leading zero bytes: compare with the certificate's.
    pub modulus: Vec<u8>,
    /// Size of the modulus in bits.
    pub bits: usize,
}

impl ServerKey {
    /// Wraps a key (precomputing its CRT values if that was not done yet).
    pub fn new(mut key: RsaPrivateKey, source: impl Into<String>) -> ServerKey {
        // Cannot fail for a key that passed `RsaPrivateKey::from_components`' validation;
        // without the CRT values decryption still works, only slower.
        let _ = key.precompute();
        let n = key.n();
        ServerKey {
            source: source.into(),
            modulus: n.to_bytes_be(),
            bits: n.bits(),
            key,
        }
    }

    /// Whether `modulus_be` (big-endian, e.g. from a certificate) is this key's modulus.
    /// Leading zero bytes on either side are ignored.
    pub fn matches_modulus(&self, modulus_be: &[u8]) -> bool {
        strip_leading_zeros(&self.modulus) == strip_leading_zeros(modulus_be)
    }
}

impl fmt::Debug for ServerKey {
    // Never prints the private parts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head = &self.modulus[..self.modulus.len().min(8)];
        f.debug_struct("ServerKey")
            .field("source", &self.source)
            .field("bits", &self.bits)
            .field("modulus", &format_args!("{}…", hex::encode(head)))
            .finish_non_exhaustive()
    }
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[first..]
}

/// Why a key file could not be used. Each renders as one line naming the file.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path}: not a private key (PEM, DER, PKCS#8 or PKCS#12)")]
    NotAKey { path: String },
    #[error("{path}: the key is encrypted: give --key-password or TLSSCOPE_KEY_PASSWORD")]
    NeedsPassword { path: String },
    #[error(
        "{path}: wrong password for the encrypted key (--key-password or TLSSCOPE_KEY_PASSWORD)"
    )]
    BadPassword { path: String },
    #[error("{path}: not an RSA key")]
    NotRsa { path: String },
    #[error("{path}: {why}")]
    Unsupported { path: String, why: String },
}

impl KeyError {
    /// The file the error is about.
    pub fn path(&self) -> &str {
        match self {
            KeyError::Io { path, .. }
            | KeyError::NotAKey { path }
            | KeyError::NeedsPassword { path }
            | KeyError::BadPassword { path }
            | KeyError::NotRsa { path }
            | KeyError::Unsupported { path, .. } => path,
        }
    }
}

/// Files larger than this are not key files (an explicit one is reported as not a key).
const MAX_KEY_FILE: u64 = 64 << 20;
/// Files larger than this in a folder are skipped without being read (captures, archives…).
const MAX_FOLDER_FILE: u64 = 1 << 20;

/// Loads every key from the given files and folders.
///
/// A folder contributes every regular file in it (not recursively), sorted by name; files
/// in a folder that are not keys (certificates, READMEs…) are skipped silently, but a file
/// named explicitly that is not a key is an error. The same key met twice (say `key.pem`
/// and `key.p12`) is kept once, under its first source. Keys come in the order given.
pub fn load_keys(paths: &[PathBuf], password: Option<&str>) -> (Vec<ServerKey>, Vec<KeyError>) {
    let mut keys = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(source) => {
                errors.push(KeyError::Io {
                    path: shown,
                    source,
                });
                continue;
            }
        };
        if !meta.is_dir() {
            match load_file(path, &shown, MAX_KEY_FILE, password) {
                Ok(Some(k)) => keys.extend(k),
                Ok(None) => errors.push(KeyError::NotAKey { path: shown }),
                Err(e) => errors.push(e),
            }
            continue;
        }
        let entries = match std::fs::read_dir(path) {
            Ok(rd) => rd,
            Err(source) => {
                errors.push(KeyError::Io {
                    path: shown,
                    source,
                });
                continue;
            }
        };
        let mut files: Vec<PathBuf> = Vec::new();
        for entry in entries {
            match entry {
                Ok(e) => files.push(e.path()),
                Err(source) => errors.push(KeyError::Io {
                    path: shown.clone(),
                    source,
                }),
            }
        }
        files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        for file in files {
            // Follows symbolic links: a link to a key is a key.
            if !std::fs::metadata(&file).is_ok_and(|m| m.is_file()) {
                continue;
            }
            let shown = file.display().to_string();
            match load_file(&file, &shown, MAX_FOLDER_FILE, password) {
                Ok(Some(k)) => keys.extend(k),
                Ok(None) | Err(KeyError::NotAKey { .. }) => {}
                Err(e) => errors.push(e),
            }
        }
    }
    let mut seen = HashSet::new();
    keys.retain(|k| seen.insert(k.modulus.clone()));
    (keys, errors)
}

/// Reads and loads one file; `Ok(None)` when it is larger than `limit`.
fn load_file(
    path: &Path,
    shown: &str,
    limit: u64,
    password: Option<&str>,
) -> Result<Option<Vec<ServerKey>>, KeyError> {
    let io_err = |source| KeyError::Io {
        path: shown.to_string(),
        source,
    };
    let file = File::open(path).map_err(io_err)?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() as u64 > limit {
        return Ok(None);
    }
    load_key_bytes(&bytes, shown, password).map(Some)
}

/// Loads the key(s) held in `bytes`, named `source` in the keys and the errors.
///
/// Returns at least one key, or the most telling error: a password problem before an
/// unsupported format, before a non-RSA key, before "not a key".
pub fn load_key_bytes(
    bytes: &[u8],
    source: &str,
    password: Option<&str>,
) -> Result<Vec<ServerKey>, KeyError> {
    let results = if contains(bytes, b"-----BEGIN ") {
        from_pem(bytes, password)
    } else {
        vec![from_der(bytes, password)]
    };
    let mut keys = Vec::new();
    let mut worst: Option<Fail> = None;
    for r in results {
        match r {
            Ok(mut k) => keys.append(&mut k),
            Err(f) => {
                if worst.as_ref().is_none_or(|w| f.rank() > w.rank()) {
                    worst = Some(f);
                }
            }
        }
    }
    if keys.is_empty() {
        return Err(worst.unwrap_or(Fail::NotAKey).into_error(source));
    }
    let several = keys.len() > 1;
    Ok(keys
        .into_iter()
        .enumerate()
        .map(|(i, k)| {
            let name = if several {
                format!("{source}#{}", i + 1)
            } else {
                source.to_string()
            };
            ServerKey::new(k, name)
        })
        .collect())
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Why one item (PEM block, DER blob, PKCS#12 bag) gave no key; becomes a [`KeyError`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fail {
    NotAKey,
    NotRsa,
    Unsupported(String),
    NeedsPassword,
    BadPassword,
}

impl Fail {
    /// Which failure to report when a file gave several and no key.
    fn rank(&self) -> u8 {
        match self {
            Fail::NotAKey => 0,
            Fail::NotRsa => 1,
            Fail::Unsupported(_) => 2,
            Fail::NeedsPassword | Fail::BadPassword => 3,
        }
    }

    fn password(password: Option<&str>) -> Fail {
        if password.is_some() {
            Fail::BadPassword
        } else {
            Fail::NeedsPassword
        }
    }

    fn into_error(self, path: &str) -> KeyError {
        let path = path.to_string();
        match self {
            Fail::NotAKey => KeyError::NotAKey { path },
            Fail::NotRsa => KeyError::NotRsa { path },
            Fail::Unsupported(why) => KeyError::Unsupported { path, why },
            Fail::NeedsPassword => KeyError::NeedsPassword { path },
            Fail::BadPassword => KeyError::BadPassword { path },
        }
    }
}

type Loaded = Result<Vec<RsaPrivateKey>, Fail>;

// ---------------------------------------------------------------------------------------
// PEM

struct PemBlock {
    label: String,
    /// Header lines (`Name: value`) between the BEGIN line and the base64 body.
    headers: Vec<(String, String)>,
    /// The decoded body, `None` when it is not valid base64.
    der: Option<Vec<u8>>,
}

/// Splits a PEM file into its blocks (text outside the blocks is ignored, as are
/// unterminated blocks). Lenient on line lengths, CRLF and indentation.
fn parse_pem(bytes: &[u8]) -> Vec<PemBlock> {
    let mut blocks = Vec::new();
    // The block being read, and its base64 body so far.
    let mut current: Option<(PemBlock, String)> = None;
    for raw in bytes.split(|&b| b == b'\n') {
        let Ok(line) = std::str::from_utf8(raw) else {
            current = None;
            continue;
        };
        let indented = line.starts_with([' ', '\t']);
        let line = line.trim();
        if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            let block = PemBlock {
                label: label.trim().to_string(),
                headers: Vec::new(),
                der: None,
            };
            current = Some((block, String::new()));
            continue;
        }
        let Some((block, body)) = current.as_mut() else {
            continue;
        };
        if line.starts_with("-----END ") {
            if let Some((mut block, body)) = current.take() {
                block.der = base64_decode(&body);
                blocks.push(block);
            }
        } else if body.is_empty() && line.contains(':') {
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            block
                .headers
                .push((name.trim().to_string(), value.trim().to_string()));
        } else if body.is_empty() && indented && !block.headers.is_empty() {
            // Continuation of a header line.
            if let Some(last) = block.headers.last_mut() {
                last.1.push_str(line);
            }
        } else {
            body.push_str(line);
        }
    }
    blocks
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut nbits, mut padding) = (0u32, 0u32, 0usize);
    for c in s.bytes() {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'=' {
            padding += 1;
            continue;
        }
        if padding > 0 {
            return None; // data after padding
        }
        acc = (acc << 6) | value(c)?;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((acc >> nbits) as u8);
            acc &= (1 << nbits) - 1;
        }
    }
    (padding <= 2).then_some(out)
}

fn from_pem(bytes: &[u8], password: Option<&str>) -> Vec<Loaded> {
    let mut results = Vec::new();
    for block in parse_pem(bytes) {
        let label = block.label.as_str();
        if !label.ends_with("PRIVATE KEY") {
            continue; // CERTIFICATE, PUBLIC KEY, EC PARAMETERS, X509 CRL…
        }
        let encrypted = block
            .headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("Proc-Type") && v.contains("ENCRYPTED"));
        let result = match label {
            "EC PRIVATE KEY" | "DSA PRIVATE KEY" => Err(Fail::NotRsa),
            "OPENSSH PRIVATE KEY" => Err(Fail::Unsupported(
                "OpenSSH key format is not supported: convert the key with \
                 `ssh-keygen -p -m PEM -f KEY` (rewrites KEY as PKCS#1)"
                    .into(),
            )),
            _ if encrypted => {
                let cipher = block
                    .headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("DEK-Info"))
                    .map(|(_, v)| v.split(',').next().unwrap_or("").trim().to_string())
                    .filter(|c| !c.is_empty())
                    .unwrap_or_else(|| "unknown cipher".into());
                Err(Fail::Unsupported(format!(
                    "legacy PEM encryption (Proc-Type: 4,ENCRYPTED, {cipher}) is not supported: \
                     convert the key to encrypted PKCS#8 with \
                     `openssl pkcs8 -topk8 -in KEY -out KEY.p8`"
                )))
            }
            // PKCS#1, PKCS#8 or encrypted PKCS#8: the structure tells which, whatever the
            // label says ("ANY PRIVATE KEY", or a mislabelled block).
            _ => match &block.der {
                None => Err(Fail::Unsupported(format!(
                    "the {label} PEM block is not valid base64"
                ))),
                Some(der) => match from_der(der, password) {
                    Err(Fail::NotAKey) => Err(Fail::Unsupported(format!(
                        "the {label} PEM block holds no key it could be read as"
                    ))),
                    other => other,
                },
            },
        };
        results.push(result);
    }
    results
}

// ---------------------------------------------------------------------------------------
// DER / BER structure

/// One BER element: `raw` is the whole encoding, `content` what is inside (for the
/// indefinite-length form, without the end-of-contents octets).
#[derive(Clone, Copy)]
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
    raw: &'a [u8],
}

const TAG_INTEGER: u8 = 0x02;
const TAG_OCTET_STRING: u8 = 0x04;
const TAG_OID: u8 = 0x06;
const TAG_SEQUENCE: u8 = 0x30;
const TAG_CONTEXT_0: u8 = 0xa0;
/// Deepest nesting of indefinite-length elements, and of PKCS#12 bags, followed.
const MAX_DEPTH: usize = 16;

impl<'a> Tlv<'a> {
    /// Reads the element at the start of `input`; `None` if it is malformed or truncated.
    fn read(input: &'a [u8]) -> Option<(Tlv<'a>, &'a [u8])> {
        Self::read_at(input, 0)
    }

    fn read_at(input: &'a [u8], depth: usize) -> Option<(Tlv<'a>, &'a [u8])> {
        let tag = *input.first()?;
        if tag & 0x1f == 0x1f {
            return None; // high tag numbers: never used by key formats
        }
        let first = *input.get(1)?;
        let (content, raw) = if first < 0x80 {
            let raw = input.get(..2 + first as usize)?;
            (&raw[2..], raw)
        } else if first == 0x80 {
            // Indefinite length (BER): children up to the end-of-contents octets.
            if tag & 0x20 == 0 || depth >= MAX_DEPTH {
                return None;
            }
            let mut pos = 2;
            loop {
                let rest = input.get(pos..)?;
                if rest.starts_with(&[0, 0]) {
                    break;
                }
                let (child, _) = Self::read_at(rest, depth + 1)?;
                pos += child.raw.len();
            }
            (&input[2..pos], &input[..pos + 2])
        } else {
            let n = (first & 0x7f) as usize;
            if n > 4 {
                return None;
            }
            let len = input
                .get(2..2 + n)?
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | b as usize);
            let raw = input.get(..(2 + n).checked_add(len)?)?;
            (&raw[2 + n..], raw)
        };
        Some((Tlv { tag, content, raw }, &input[raw.len()..]))
    }

    /// The elements inside a constructed element; `None` if any is malformed.
    fn children(&self) -> Option<Vec<Tlv<'a>>> {
        if self.tag & 0x20 == 0 {
            return None;
        }
        let mut out = Vec::new();
        let mut rest = self.content;
        while !rest.is_empty() {
            let (child, next) = Tlv::read(rest)?;
            out.push(child);
            rest = next;
        }
        Some(out)
    }

    /// The bytes of an OCTET STRING (or of an implicitly tagged one), joining the pieces
    /// of the constructed BER form.
    fn octets(&self) -> Option<Vec<u8>> {
        self.octets_at(0)
    }

    fn octets_at(&self, depth: usize) -> Option<Vec<u8>> {
        if self.tag & 0x20 == 0 {
            return Some(self.content.to_vec());
        }
        if depth >= MAX_DEPTH {
            return None;
        }
        let mut out = Vec::new();
        for child in self.children()? {
            out.extend(child.octets_at(depth + 1)?);
        }
        Some(out)
    }

    fn is_oid(&self, oid: &[u8]) -> bool {
        self.tag == TAG_OID && self.content == oid
    }

    /// A non-negative INTEGER that fits in a u64.
    fn small_uint(&self) -> Option<u64> {
        if self.tag != TAG_INTEGER || self.content.is_empty() || self.content[0] & 0x80 != 0 {
            return None;
        }
        let digits = strip_leading_zeros(self.content);
        if digits.len() > 8 {
            return None;
        }
        Some(digits.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64))
    }
}

/// A whole input that is one SEQUENCE (trailing bytes tolerated), with its children.
fn sequence(bytes: &[u8]) -> Option<(Tlv<'_>, Vec<Tlv<'_>>)> {
    let (tlv, _) = Tlv::read(bytes)?;
    if tlv.tag != TAG_SEQUENCE {
        return None;
    }
    Some((tlv, tlv.children()?))
}

/// The name of a well-known OID, else its dotted form (hex when the octets are no OID).
fn oid_text(content: &[u8]) -> String {
    match pkcs8::ObjectIdentifier::from_bytes(content) {
        Ok(oid) => {
            let dotted = oid.to_string();
            match OID_NAMES.iter().find(|(d, _)| *d == dotted) {
                Some((_, name)) => name.to_string(),
                None => dotted,
            }
        }
        Err(_) => hex::encode(content),
    }
}

const OID_NAMES: &[(&str, &str)] = &[
    ("1.2.840.113549.1.5.1", "pbeWithMD2AndDES-CBC"),
    ("1.2.840.113549.1.5.3", "pbeWithMD5AndDES-CBC"),
    ("1.2.840.113549.1.5.4", "pbeWithMD2AndRC2-CBC"),
    ("1.2.840.113549.1.5.6", "pbeWithMD5AndRC2-CBC"),
    ("1.2.840.113549.1.5.10", "pbeWithSHA1AndDES-CBC"),
    ("1.2.840.113549.1.5.11", "pbeWithSHA1AndRC2-CBC"),
    ("1.2.840.113549.3.2", "RC2-CBC"),
    ("1.2.840.113549.3.7", "DES-EDE3-CBC"),
    ("1.3.14.3.2.7", "DES-CBC"),
    ("2.16.840.1.101.3.4.1.2", "AES-128-CBC"),
    ("2.16.840.1.101.3.4.1.22", "AES-192-CBC"),
    ("2.16.840.1.101.3.4.1.42", "AES-256-CBC"),
    ("2.16.840.1.101.3.4.1.6", "AES-128-GCM"),
    ("2.16.840.1.101.3.4.1.46", "AES-256-GCM"),
    ("1.2.392.200011.61.1.1.1.2", "Camellia-128-CBC"),
    ("1.2.392.200011.61.1.1.1.4", "Camellia-256-CBC"),
    ("1.2.840.113549.1.5.12", "PBKDF2"),
    ("1.3.6.1.4.1.11591.4.11", "scrypt"),
    ("1.2.840.113549.2.7", "hmacWithSHA1"),
    ("1.2.840.113549.2.9", "hmacWithSHA256"),
    ("1.2.840.113549.2.11", "hmacWithSHA512"),
    ("1.2.643.7.1.1.4.2", "HMAC-Streebog-512"),
];

// OID content octets.
const OID_RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_RSAES_OAEP: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x07];
const OID_RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const OID_PKCS5: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05];
const OID_PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
const OID_PKCS12_PBE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01];
const OID_PKCS12_BAG: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01];
const OID_PKCS7: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];
const PKCS7_DATA: u8 = 1;
const PKCS7_SIGNED_DATA: u8 = 2;
const PKCS7_ENCRYPTED_DATA: u8 = 6;
const BAG_KEY: u8 = 1;
const BAG_SHROUDED_KEY: u8 = 2;
const BAG_SAFE_CONTENTS: u8 = 6;

/// The last arc of `oid` when it is `prefix` plus one small arc.
fn oid_arc(oid: &Tlv<'_>, prefix: &[u8]) -> Option<u8> {
    match oid.content.strip_prefix(prefix)? {
        [arc] if oid.tag == TAG_OID && *arc < 0x80 => Some(*arc),
        _ => None,
    }
}

/// A DER (or BER, for PKCS#12) blob, recognised by its structure.
fn from_der(bytes: &[u8], password: Option<&str>) -> Loaded {
    let Some((top, items)) = sequence(bytes) else {
        return Err(Fail::NotAKey);
    };
    let tags: Vec<u8> = items.iter().map(|t| t.tag).collect();
    let version = items.first().and_then(Tlv::small_uint);
    match tags.as_slice() {
        // PFX: version 3, authSafe ContentInfo, macData.
        [TAG_INTEGER, TAG_SEQUENCE, ..] if version == Some(3) => pkcs12(&items[1], password),
        // EncryptedPrivateKeyInfo: algorithm, encrypted data.
        [TAG_SEQUENCE, TAG_OCTET_STRING] => {
            rsa_from_encrypted_pkcs8(top.raw, password).map(|k| vec![k])
        }
        // PrivateKeyInfo / OneAsymmetricKey: version, algorithm, key, [attributes], [public key].
        [TAG_INTEGER, TAG_SEQUENCE, TAG_OCTET_STRING, ..] => {
            rsa_from_pkcs8(top.raw).map(|k| vec![k])
        }
        // SEC1 ECPrivateKey: version 1, private key, [parameters], [public key].
        [TAG_INTEGER, TAG_OCTET_STRING, ..] if version == Some(1) => Err(Fail::NotRsa),
        // RSAPrivateKey: version, n, e, d, p, q, dp, dq, qinv, [other primes].
        t if t.len() >= 9 && t[..9].iter().all(|&x| x == TAG_INTEGER) => {
            rsa_from_pkcs1(top.raw).map(|k| vec![k])
        }
        // OpenSSL's DSA private key: version, p, q, g, y, x.
        t if t.len() == 6 && t.iter().all(|&x| x == TAG_INTEGER) => Err(Fail::NotRsa),
        _ => Err(Fail::NotAKey),
    }
}

// ---------------------------------------------------------------------------------------
// RSA keys

/// Smallest and largest moduli accepted (a 48-byte PKCS#1 v1.5 block needs 472 bits).
const MIN_BITS: usize = 512;
const MAX_BITS: usize = 16384;

fn rsa_from_pkcs1(der: &[u8]) -> Result<RsaPrivateKey, Fail> {
    let k = pkcs1::RsaPrivateKey::try_from(der)
        .map_err(|e| Fail::Unsupported(format!("malformed RSA private key ({e})")))?;
    let n = BigUint::from_bytes_be(k.modulus.as_bytes());
    let bits = n.bits();
    if !(MIN_BITS..=MAX_BITS).contains(&bits) {
        return Err(Fail::Unsupported(format!(
            "{bits}-bit RSA key: only {MIN_BITS} to {MAX_BITS} bits are supported"
        )));
    }
    let mut parts = vec![k.prime1, k.prime2];
    if let Some(others) = &k.other_prime_infos {
        if others.len() > 14 {
            return Err(Fail::Unsupported("RSA key with over 16 primes".into()));
        }
        parts.extend(others.iter().map(|o| o.prime));
    }
    // Bound the sizes before any arithmetic (a crafted file could hold huge integers), and
    // keep q within a few bits of p: the CRT step adds p to (m_p − m_q) until it is not
    // negative, about q/p times.
    let n_len = k.modulus.as_bytes().len();
    let too_big = |u: &pkcs1::UintRef<'_>| u.as_bytes().len() > n_len;
    if too_big(&k.public_exponent) || too_big(&k.private_exponent) || parts.iter().any(too_big) {
        return Err(Fail::Unsupported(
            "invalid RSA private key (a component is larger than the modulus)".into(),
        ));
    }
    let primes: Vec<BigUint> = parts
        .iter()
        .map(|p| BigUint::from_bytes_be(p.as_bytes()))
        .collect();
    if primes[1].bits() > primes[0].bits() + 8 {
        return Err(Fail::Unsupported(
            "RSA key with very unbalanced primes is not supported".into(),
        ));
    }
    let e = BigUint::from_bytes_be(k.public_exponent.as_bytes());
    let d = BigUint::from_bytes_be(k.private_exponent.as_bytes());
    let mut key = RsaPrivateKey::from_components(n, e, d, primes)
        .map_err(|e| Fail::Unsupported(format!("invalid RSA private key ({e})")))?;
    key.precompute()
        .map_err(|e| Fail::Unsupported(format!("invalid RSA private key ({e})")))?;
    Ok(key)
}

fn rsa_from_pkcs8(der: &[u8]) -> Result<RsaPrivateKey, Fail> {
    let info = pkcs8::PrivateKeyInfo::try_from(der)
        .map_err(|e| Fail::Unsupported(format!("malformed PKCS#8 private key ({e})")))?;
    let oid = info.algorithm.oid.as_bytes();
    if oid == OID_RSA_ENCRYPTION {
        rsa_from_pkcs1(info.private_key)
    } else if oid == OID_RSASSA_PSS || oid == OID_RSAES_OAEP {
        Err(Fail::Unsupported(
            "RSA key restricted to RSASSA-PSS or RSAES-OAEP: TLS RSA key exchange \
             needs an rsaEncryption key"
                .into(),
        ))
    } else {
        Err(Fail::NotRsa)
    }
}

/// The passwords to try: the one given, then the empty one (an unencrypted-looking
/// PKCS#12 file or key "encrypted" with an empty password).
fn password_candidates(password: Option<&str>) -> Vec<&str> {
    match password {
        Some(p) if !p.is_empty() => vec![p, ""],
        _ => vec![""],
    }
}

fn rsa_from_encrypted_pkcs8(der: &[u8], password: Option<&str>) -> Result<RsaPrivateKey, Fail> {
    let plain = decrypt_pkcs8(der, password)?;
    rsa_from_pkcs8(&plain)
}

/// Decrypts an EncryptedPrivateKeyInfo into PrivateKeyInfo DER, trying each password.
fn decrypt_pkcs8(der: &[u8], password: Option<&str>) -> Result<Vec<u8>, Fail> {
    let (_, items) = sequence(der).ok_or(Fail::NotAKey)?;
    let [alg, data] = items.as_slice() else {
        return Err(Fail::NotAKey);
    };
    let ciphertext = data.octets().ok_or(Fail::NotAKey)?;
    for pw in password_candidates(password) {
        match pbe_decrypt(alg, &ciphertext, pw) {
            // A wrong password passes the CBC padding check once in a few hundred tries:
            // the plaintext must also be a PrivateKeyInfo.
            Ok(plain) if pkcs8::PrivateKeyInfo::try_from(plain.as_slice()).is_ok() => {
                return Ok(plain)
            }
            Ok(_) | Err(PbeFail::Wrong) => {}
            Err(PbeFail::Unsupported(why)) => return Err(Fail::Unsupported(why)),
        }
    }
    Err(Fail::password(password))
}

// ---------------------------------------------------------------------------------------
// Password-based encryption (PKCS#5 PBES2, PKCS#12 PBE)

enum PbeFail {
    /// Wrong password (or corrupt data).
    Wrong,
    Unsupported(String),
}

/// Highest PBKDF2 / PKCS#12 KDF iteration count followed (common values: 2048 to 600000).
const MAX_KDF_ITERATIONS: u64 = 4_000_000;
/// Largest scrypt working memory (128·r·N bytes) and work (N·r·p) accepted.
const MAX_SCRYPT_MEMORY: u64 = 256 << 20;
const MAX_SCRYPT_WORK: u64 = 1 << 26;

/// Decrypts `ciphertext` with the algorithm `alg` (an AlgorithmIdentifier) and `password`.
fn pbe_decrypt(alg: &Tlv<'_>, ciphertext: &[u8], password: &str) -> Result<Vec<u8>, PbeFail> {
    let items = alg
        .children()
        .filter(|c| alg.tag == TAG_SEQUENCE && !c.is_empty())
        .ok_or_else(|| PbeFail::Unsupported("malformed encryption algorithm".into()))?;
    let oid = &items[0];
    if oid.is_oid(OID_PBES2) {
        return pbes2_decrypt(alg, ciphertext, password);
    }
    if let Some(arc) = oid_arc(oid, OID_PKCS12_PBE) {
        return pkcs12_pbe_decrypt(arc, items.get(1), ciphertext, password);
    }
    if oid_arc(oid, OID_PKCS5).is_some() {
        return Err(PbeFail::Unsupported(format!(
            "PBES1 encryption ({}) is not supported: re-encrypt the key with \
             `openssl pkcs8 -topk8 -v2 aes-256-cbc`",
            oid_text(oid.content)
        )));
    }
    Err(PbeFail::Unsupported(format!(
        "unknown key encryption algorithm {}",
        oid_text(oid.content)
    )))
}

fn pbes2_decrypt(alg: &Tlv<'_>, ciphertext: &[u8], password: &str) -> Result<Vec<u8>, PbeFail> {
    let scheme = pkcs5::EncryptionScheme::try_from(alg.raw)
        .map_err(|_| PbeFail::Unsupported(format!("PBES2 with {}", pbes2_describe(alg))))?;
    let Some(params) = scheme.pbes2() else {
        return Err(PbeFail::Unsupported("malformed PBES2 parameters".into()));
    };
    match &params.kdf {
        pkcs5::pbes2::Kdf::Pbkdf2(p) => {
            let n = u64::from(p.iteration_count);
            if n == 0 || n > MAX_KDF_ITERATIONS {
                return Err(PbeFail::Unsupported(format!(
                    "PBKDF2 iteration count {n} is outside 1 to {MAX_KDF_ITERATIONS}"
                )));
            }
        }
        pkcs5::pbes2::Kdf::Scrypt(s) => {
            let (n, r, p) = (
                s.cost_parameter,
                u64::from(s.block_size),
                u64::from(s.parallelization),
            );
            let ok = n >= 2
                && n.is_power_of_two()
                && r >= 1
                && p >= 1
                && n.checked_mul(r)
                    .and_then(|nr| nr.checked_mul(128))
                    .is_some_and(|m| m <= MAX_SCRYPT_MEMORY)
                && n.saturating_mul(r).saturating_mul(p) <= MAX_SCRYPT_WORK;
            if !ok {
                return Err(PbeFail::Unsupported(format!(
                    "scrypt parameters N={n} r={r} p={p} are out of the supported range"
                )));
            }
        }
        _ => {
            return Err(PbeFail::Unsupported(
                "PBES2 with an unknown key-derivation function".into(),
            ))
        }
    }
    scheme
        .decrypt(password.as_bytes(), ciphertext)
        .map_err(|e| match e {
            // pkcs5 0.7 reports a bad CBC padding (wrong password) as `EncryptFailed`.
            pkcs5::Error::DecryptFailed | pkcs5::Error::EncryptFailed => PbeFail::Wrong,
            other => PbeFail::Unsupported(format!("PBES2: {other}")),
        })
}

/// "KDF / cipher" of a PBES2 AlgorithmIdentifier, for messages.
fn pbes2_describe(alg: &Tlv<'_>) -> String {
    let first_oid = |t: Option<&Tlv<'_>>| -> String {
        t.and_then(|t| t.children())
            .and_then(|c| c.first().copied())
            .filter(|o| o.tag == TAG_OID)
            .map(|o| oid_text(o.content))
            .unwrap_or_else(|| "?".into())
    };
    let params = alg
        .children()
        .and_then(|c| c.get(1).copied())
        .and_then(|p| p.children())
        .unwrap_or_default();
    let kdf = first_oid(params.first());
    let cipher = first_oid(params.get(1));
    // The PRF, when PBKDF2 names one.
    let prf = params
        .first()
        .and_then(|k| k.children())
        .and_then(|c| c.get(1).copied())
        .and_then(|p| p.children())
        .and_then(|c| c.into_iter().find(|t| t.tag == TAG_SEQUENCE))
        .map(|t| first_oid(Some(&t)));
    match prf {
        Some(prf) => format!("{kdf}/{prf} and {cipher} is not supported"),
        None => format!("{kdf} and {cipher} is not supported"),
    }
}

fn pkcs12_pbe_decrypt(
    arc: u8,
    params: Option<&Tlv<'_>>,
    ciphertext: &[u8],
    password: &str,
) -> Result<Vec<u8>, PbeFail> {
    let malformed = || PbeFail::Unsupported("malformed PKCS#12 PBE parameters".into());
    let items = params.and_then(Tlv::children).ok_or_else(malformed)?;
    let [salt, iterations, ..] = items.as_slice() else {
        return Err(malformed());
    };
    if salt.tag != TAG_OCTET_STRING {
        return Err(malformed());
    }
    let iterations = iterations.small_uint().ok_or_else(malformed)?;
    if iterations == 0 || iterations > MAX_KDF_ITERATIONS {
        return Err(PbeFail::Unsupported(format!(
            "PKCS#12 KDF iteration count {iterations} is outside 1 to {MAX_KDF_ITERATIONS}"
        )));
    }
    let params = p12::Pkcs12PbeParams {
        salt: salt.content.to_vec(),
        iterations,
    };
    let alg = match arc {
        3 => p12::AlgorithmIdentifier::PbeWithSHAAnd3KeyTripleDESCBC(params),
        6 => p12::AlgorithmIdentifier::PbewithSHAAnd40BitRC2CBC(params),
        _ => {
            let name = match arc {
                1 => "pbeWithSHAAnd128BitRC4",
                2 => "pbeWithSHAAnd40BitRC4",
                4 => "pbeWithSHAAnd2-KeyTripleDES-CBC",
                5 => "pbeWithSHAAnd128BitRC2-CBC",
                _ => "an unknown PKCS#12 PBE",
            };
            return Err(PbeFail::Unsupported(format!(
                "{name} encryption is not supported"
            )));
        }
    };
    // PKCS#12 passwords are BMPStrings with a terminating NUL; an empty password is
    // written either as that lone NUL or as nothing at all.
    let mut bmp: Vec<u8> = password
        .encode_utf16()
        .flat_map(|u| u.to_be_bytes())
        .collect();
    bmp.extend([0, 0]);
    if let Some(plain) = alg.decrypt_pbe(ciphertext, &bmp) {
        return Ok(plain);
    }
    if password.is_empty() {
        if let Some(plain) = alg.decrypt_pbe(ciphertext, &[]) {
            return Ok(plain);
        }
    }
    Err(PbeFail::Wrong)
}

// ---------------------------------------------------------------------------------------
// PKCS#12

#[derive(Default)]
struct Pkcs12Walk<'p> {
    password: Option<&'p str>,
    /// PrivateKeyInfo DER of every key found.
    keys: Vec<Vec<u8>>,
    /// Something failed to decrypt with every password tried.
    wrong_password: bool,
    unsupported: Option<String>,
}

/// The keys of a PFX whose authSafe is `auth_safe`.
fn pkcs12(auth_safe: &Tlv<'_>, password: Option<&str>) -> Loaded {
    let mut walk = Pkcs12Walk {
        password,
        ..Default::default()
    };
    let items = auth_safe.children().ok_or(Fail::NotAKey)?;
    let kind = items.first().and_then(|o| oid_arc(o, OID_PKCS7));
    match kind {
        Some(PKCS7_DATA) => {}
        Some(PKCS7_SIGNED_DATA) => {
            return Err(Fail::Unsupported(
                "PKCS#12 in public-key integrity mode (signedData) is not supported".into(),
            ))
        }
        _ => return Err(Fail::NotAKey),
    }
    let data = explicit_octets(items.get(1)).ok_or(Fail::NotAKey)?;
    let (_, contents) = sequence(&data).ok_or(Fail::NotAKey)?;
    for info in contents {
        walk.content_info(&info);
    }
    if walk.keys.is_empty() {
        return Err(if walk.wrong_password {
            Fail::password(password)
        } else if let Some(why) = walk.unsupported {
            Fail::Unsupported(why)
        } else {
            Fail::NotAKey // certificates only
        });
    }
    // Keys in a PKCS#12 file are not always RSA: keep what is, report the rest only when
    // nothing is.
    let mut keys = Vec::new();
    let mut worst = Fail::NotAKey;
    for der in &walk.keys {
        match rsa_from_pkcs8(der) {
            Ok(k) => keys.push(k),
            Err(f) if f.rank() > worst.rank() => worst = f,
            Err(_) => {}
        }
    }
    if keys.is_empty() {
        Err(worst)
    } else {
        Ok(keys)
    }
}

/// The OCTET STRING inside a `[0] EXPLICIT` wrapper.
fn explicit_octets(wrapper: Option<&Tlv<'_>>) -> Option<Vec<u8>> {
    let wrapper = wrapper.filter(|w| w.tag == TAG_CONTEXT_0)?;
    let inner = wrapper.children()?;
    inner
        .first()
        .filter(|t| t.tag & 0x1f == TAG_OCTET_STRING)?
        .octets()
}

impl Pkcs12Walk<'_> {
    fn content_info(&mut self, info: &Tlv<'_>) {
        let Some(items) = info.children() else {
            return;
        };
        match items.first().and_then(|o| oid_arc(o, OID_PKCS7)) {
            Some(PKCS7_DATA) => {
                if let Some(data) = explicit_octets(items.get(1)) {
                    self.safe_contents(&data, 0);
                }
            }
            Some(PKCS7_ENCRYPTED_DATA) => self.encrypted_data(items.get(1)),
            Some(_) => {
                self.unsupported.get_or_insert_with(|| {
                    "PKCS#12 content other than data and encryptedData is not supported".into()
                });
            }
            None => {}
        }
    }

    /// EncryptedData ::= SEQUENCE { version, EncryptedContentInfo ::= SEQUENCE {
    /// contentType, contentEncryptionAlgorithm, [0] IMPLICIT encryptedContent } }
    fn encrypted_data(&mut self, wrapper: Option<&Tlv<'_>>) {
        let parts = (|| {
            let wrapper = wrapper.filter(|w| w.tag == TAG_CONTEXT_0)?;
            let enc = *wrapper.children()?.first()?;
            let eci = *enc.children()?.get(1)?;
            let eci_items = eci.children()?;
            let alg = *eci_items.get(1)?;
            let content = eci_items.get(2).filter(|t| t.tag & 0x1f == 0)?.octets()?;
            Some((alg, content))
        })();
        let Some((alg, ciphertext)) = parts else {
            return;
        };
        for pw in password_candidates(self.password) {
            match pbe_decrypt(&alg, &ciphertext, pw) {
                Ok(plain) if sequence(&plain).is_some() => {
                    self.safe_contents(&plain, 0);
                    return;
                }
                Ok(_) | Err(PbeFail::Wrong) => {}
                Err(PbeFail::Unsupported(why)) => {
                    self.unsupported.get_or_insert(why);
                    return;
                }
            }
        }
        self.wrong_password = true;
    }

    /// SafeContents ::= SEQUENCE OF SafeBag ::= SEQUENCE { bagId, [0] EXPLICIT bagValue, .. }
    fn safe_contents(&mut self, der: &[u8], depth: usize) {
        let Some((_, bags)) = sequence(der) else {
            return;
        };
        for bag in bags {
            let Some(items) = bag.children() else {
                continue;
            };
            let (Some(id), Some(value)) = (
                items.first().and_then(|o| oid_arc(o, OID_PKCS12_BAG)),
                items
                    .get(1)
                    .filter(|w| w.tag == TAG_CONTEXT_0)
                    .and_then(|w| w.children())
                    .and_then(|c| c.first().copied()),
            ) else {
                continue;
            };
            match id {
                BAG_KEY => self.keys.push(value.raw.to_vec()),
                BAG_SHROUDED_KEY => match decrypt_pkcs8(value.raw, self.password) {
                    Ok(plain) => self.keys.push(plain),
                    Err(Fail::NeedsPassword | Fail::BadPassword) => self.wrong_password = true,
                    Err(Fail::Unsupported(why)) => {
                        self.unsupported.get_or_insert(why);
                    }
                    Err(_) => {}
                },
                BAG_SAFE_CONTENTS if depth < MAX_DEPTH => self.safe_contents(value.raw, depth + 1),
                _ => {} // certificates, CRLs, secrets
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The pre-master secret

/// Why an RSA-encrypted pre-master secret could not be recovered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreMasterError {
    #[error("RSA decryption failed (wrong key or corrupt ClientKeyExchange)")]
    Decrypt,
    #[error("decrypted pre-master secret is {0} bytes, not 48")]
    BadLength(usize),
}

/// RSAES-PKCS1-v1_5 decryption of the ClientKeyExchange ciphertext (RFC 5246 §7.4.7.1).
/// Returns the 48-byte pre-master secret. A ciphertext shorter than the modulus is taken
/// as left-padded with zeros (some stacks strip leading zeros); one longer than the modulus
/// only by leading zeros is accepted too.
///
/// No blinding (offline analysis has no timing side channel to defend), CRT with the
/// values precomputed at load. A wrong key fails the padding check (with overwhelming
/// probability): `Err(Decrypt)`, never a garbage secret.
pub fn decrypt_pre_master(key: &ServerKey, encrypted: &[u8]) -> Result<Vec<u8>, PreMasterError> {
    let k = key.key.size();
    let mut ciphertext = encrypted;
    while ciphertext.len() > k && ciphertext[0] == 0 {
        ciphertext = &ciphertext[1..];
    }
    if ciphertext.len() > k {
        return Err(PreMasterError::Decrypt);
    }
    // `RsaPrivateKey::decrypt` passes no RNG: no blinding.
    let secret = key
        .key
        .decrypt(Pkcs1v15Encrypt, ciphertext)
        .map_err(|_| PreMasterError::Decrypt)?;
    if secret.len() != 48 {
        return Err(PreMasterError::BadLength(secret.len()));
    }
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::rand_core::{CryptoRng, RngCore};
    use rsa::traits::PrivateKeyParts;
    use std::time::Instant;

    fn testdata(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/crypto/testdata")
            .join(name)
    }

    fn read(name: &str) -> Vec<u8> {
        std::fs::read(testdata(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn load(name: &str, password: Option<&str>) -> Result<Vec<ServerKey>, KeyError> {
        load_key_bytes(&read(name), name, password)
    }

    fn load_one(name: &str, password: Option<&str>) -> ServerKey {
        let mut keys = load(name, password).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(keys.len(), 1, "{name}");
        keys.remove(0)
    }

    /// The modulus of the 1024-bit test key, from its certificate (x509-parser).
    fn cert_modulus() -> Vec<u8> {
        use x509_parser::public_key::PublicKey;
        let pem_bytes = read("rsa1024-cert.pem");
        let (_, pem) = x509_parser::pem::parse_x509_pem(&pem_bytes).unwrap();
        let cert = pem.parse_x509().unwrap();
        match cert.public_key().parsed().unwrap() {
            PublicKey::RSA(rsa) => rsa.modulus.to_vec(),
            _ => panic!("not RSA"),
        }
    }

    /// Deterministic RNG for the tests' encryptions (not for real use).
    struct TestRng(u64);

    impl RngCore for TestRng {
        fn next_u32(&mut self) -> u32 {
            self.next_u64() as u32
        }
        fn next_u64(&mut self) -> u64 {
            // splitmix64
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for chunk in dest.chunks_mut(8) {
                let v = self.next_u64().to_le_bytes();
                chunk.copy_from_slice(&v[..chunk.len()]);
            }
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }
    impl CryptoRng for TestRng {}

    fn secret(rng: &mut TestRng, len: usize) -> Vec<u8> {
        let mut s = vec![0u8; len];
        rng.fill_bytes(&mut s);
        if len >= 2 {
            s[0] = 3;
            s[1] = 3;
        }
        s
    }

    fn encrypt(key: &ServerKey, rng: &mut TestRng, msg: &[u8]) -> Vec<u8> {
        key.key
            .to_public_key()
            .encrypt(rng, Pkcs1v15Encrypt, msg)
            .unwrap()
    }

    fn round_trip(key: &ServerKey, seed: u64) {
        let mut rng = TestRng(seed);
        for _ in 0..5 {
            let pms = secret(&mut rng, 48);
            let ct = encrypt(key, &mut rng, &pms);
            assert_eq!(decrypt_pre_master(key, &ct), Ok(pms), "{}", key.source);
        }
    }

    const ALL_1024: &[(&str, Option<&str>)] = &[
        ("rsa1024-pkcs1.pem", None),
        ("rsa1024-pkcs1.der", None),
        ("rsa1024-pkcs8.pem", None),
        ("rsa1024-pkcs8.der", None),
        ("rsa1024-pkcs8-enc.pem", Some("tlsscope")),
        ("rsa1024-pkcs8-enc.der", Some("tlsscope")),
        ("rsa1024-pkcs8-enc-3des-sha1.pem", Some("tlsscope")),
        ("rsa1024-pkcs8-enc-pbe-sha1-3des.pem", Some("tlsscope")),
        ("rsa1024-pkcs8-enc-scrypt.pem", Some("tlsscope")),
        ("rsa1024-cert-and-key.pem", None),
        ("rsa1024.p12", Some("tlsscope")),
        ("rsa1024-legacy.p12", Some("tlsscope")),
        ("rsa1024-nopass.p12", None),
    ];

    #[test]
    fn every_format_loads_the_same_key() {
        let modulus = cert_modulus();
        let reference = load_one("rsa1024-pkcs1.pem", None);
        assert_eq!(reference.bits, 1024);
        assert_eq!(reference.modulus.len(), 128);
        assert_ne!(reference.modulus[0], 0);
        for (name, pw) in ALL_1024 {
            let key = load_one(name, *pw);
            assert_eq!(key.source, *name);
            assert_eq!(key.bits, 1024, "{name}");
            assert_eq!(key.modulus, reference.modulus, "{name}");
            assert!(key.matches_modulus(&modulus), "{name}");
            assert!(key.key.dp().is_some(), "{name}: CRT values precomputed");
        }
        round_trip(&reference, 1);
    }

    #[test]
    fn matches_modulus_ignores_leading_zeros() {
        let key = load_one("rsa1024-pkcs1.pem", None);
        let mut padded = vec![0, 0];
        padded.extend(&key.modulus);
        assert!(key.matches_modulus(&padded));
        assert!(key.matches_modulus(&key.modulus));
        let mut other = key.modulus.clone();
        other[5] ^= 1;
        assert!(!key.matches_modulus(&other));
        assert!(!key.matches_modulus(&[]));
        assert!(!key.matches_modulus(&key.modulus[1..]));
        // The certificate's modulus is a DER INTEGER with a leading zero byte.
        assert_eq!(cert_modulus()[0], 0);
    }

    #[test]
    fn passwords() {
        for name in [
            "rsa1024-pkcs8-enc.pem",
            "rsa1024-pkcs8-enc.der",
            "rsa1024-pkcs8-enc-3des-sha1.pem",
            "rsa1024-pkcs8-enc-pbe-sha1-3des.pem",
            "rsa1024.p12",
            "rsa1024-legacy.p12",
        ] {
            assert!(
                matches!(load(name, None), Err(KeyError::NeedsPassword { .. })),
                "{name}: {:?}",
                load(name, None)
            );
            assert!(
                matches!(load(name, Some("wrong")), Err(KeyError::BadPassword { .. })),
                "{name}: {:?}",
                load(name, Some("wrong"))
            );
            assert!(matches!(
                load(name, Some("")),
                Err(KeyError::BadPassword { .. })
            ));
        }
        // An empty-password PKCS#12 loads with or without a password given.
        load_one("rsa1024-nopass.p12", None);
        load_one("rsa1024-nopass.p12", Some(""));
        load_one("rsa1024-nopass.p12", Some("tlsscope"));
        // A password given for an unencrypted key is ignored.
        load_one("rsa1024-pkcs8.pem", Some("tlsscope"));
    }

    /// PKCS#12 in BER: indefinite lengths and a constructed OCTET STRING (as NSS writes).
    #[test]
    fn pkcs12_in_ber() {
        fn indefinite(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
            let mut out = vec![tag, 0x80];
            for p in parts {
                out.extend(*p);
            }
            out.extend([0, 0]);
            out
        }
        fn definite(tag: u8, content: &[u8]) -> Vec<u8> {
            assert!(content.len() < 0x10000);
            let mut out = vec![tag, 0x82, (content.len() >> 8) as u8, content.len() as u8];
            out.extend(content);
            out
        }
        let der = read("rsa1024.p12");
        let (_, pfx) = sequence(&der).unwrap();
        let auth_safe = pfx[1].children().unwrap();
        let data = explicit_octets(Some(&auth_safe[1])).unwrap();
        let (a, b) = data.split_at(data.len() / 3);
        let octets = indefinite(0x24, &[&definite(0x04, a), &definite(0x04, b)]);
        let wrapped = indefinite(0xa0, &[&octets]);
        let auth_safe = indefinite(0x30, &[auth_safe[0].raw, &wrapped]);
        let ber = indefinite(0x30, &[pfx[0].raw, &auth_safe, pfx[2].raw]);
        let keys = load_key_bytes(&ber, "ber.p12", Some("tlsscope")).unwrap();
        assert_eq!(keys[0].modulus, load_one("rsa1024-pkcs1.pem", None).modulus);
        // Truncations of the BER form fail cleanly.
        for len in 0..ber.len() {
            let _ = load_key_bytes(&ber[..len], "ber.p12", Some("tlsscope"));
        }
    }

    #[test]
    fn non_rsa_keys() {
        let err = load("ec-p256.p12", Some("tlsscope")).unwrap_err();
        assert!(matches!(err, KeyError::NotRsa { .. }), "{err}");
        for name in ["ec-p256.pem", "ec-p256-pkcs8.pem", "ed25519.pem"] {
            let err = load(name, None).unwrap_err();
            assert!(matches!(err, KeyError::NotRsa { .. }), "{name}: {err}");
            assert_eq!(err.to_string(), format!("{name}: not an RSA key"));
        }
        // The same in DER.
        for name in ["ec-p256.pem", "ec-p256-pkcs8.pem", "ed25519.pem"] {
            let blocks = parse_pem(&read(name));
            let der = blocks.iter().find_map(|b| b.der.clone()).unwrap();
            let err = load_key_bytes(&der, name, None).unwrap_err();
            assert!(matches!(err, KeyError::NotRsa { .. }), "{name} DER: {err}");
        }
    }

    #[test]
    fn unsupported_encryption_is_named() {
        let err = load("rsa1024-pkcs8-enc-camellia.pem", Some("tlsscope")).unwrap_err();
        let KeyError::Unsupported { why, .. } = &err else {
            panic!("{err:?}");
        };
        assert!(why.contains("Camellia-128-CBC"), "{why}");
        let err = load("rsa1024-pkcs8-enc-pbes1.pem", Some("tlsscope")).unwrap_err();
        let KeyError::Unsupported { why, .. } = &err else {
            panic!("{err:?}");
        };
        assert!(why.contains("PBES1"), "{why}");
        // The algorithm is named even without a password.
        assert!(matches!(
            load("rsa1024-pkcs8-enc-pbes1.pem", None),
            Err(KeyError::Unsupported { .. })
        ));
    }

    #[test]
    fn legacy_pem_encryption_is_refused_clearly() {
        for pw in [None, Some("tlsscope")] {
            let err = load("rsa1024-legacy-enc.pem", pw).unwrap_err();
            let KeyError::Unsupported { why, .. } = &err else {
                panic!("{err:?}");
            };
            assert!(
                why.contains("Proc-Type") && why.contains("AES-128-CBC"),
                "{why}"
            );
            assert!(why.contains("openssl pkcs8 -topk8"), "{why}");
            let text = err.to_string();
            assert!(text.starts_with("rsa1024-legacy-enc.pem: "), "{text}");
            assert!(!text.contains('\n'));
        }
    }

    #[test]
    fn certificates_and_junk_are_not_keys() {
        let err = load("rsa1024-cert.pem", None).unwrap_err();
        assert!(matches!(err, KeyError::NotAKey { .. }));
        assert_eq!(
            err.to_string(),
            "rsa1024-cert.pem: not a private key (PEM, DER, PKCS#8 or PKCS#12)"
        );
        let cert_der = parse_pem(&read("rsa1024-cert.pem"))[0].der.clone().unwrap();
        assert!(matches!(
            load_key_bytes(&cert_der, "c.der", None),
            Err(KeyError::NotAKey { .. })
        ));
        for junk in [
            &b""[..],
            b"hello\n",
            b"# README\nPut the keys here.\n",
            b"-----BEGIN RSA PRIVATE KEY-----\n",
            b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            &[0x30, 0x00],
            &[0x30, 0x80, 0x00, 0x00],
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
        ] {
            assert!(
                matches!(
                    load_key_bytes(junk, "j", None),
                    Err(KeyError::NotAKey { .. })
                ),
                "{junk:?}"
            );
        }
        // A PEM key block with a broken body is reported, not silently dropped.
        let broken = b"-----BEGIN PRIVATE KEY-----\nMIIB!!!\n-----END PRIVATE KEY-----\n";
        assert!(matches!(
            load_key_bytes(broken, "b", None),
            Err(KeyError::Unsupported { .. })
        ));
    }

    #[test]
    fn several_keys_in_one_file() {
        let mut pem = read("rsa1024-cert.pem");
        pem.extend(read("rsa1024-pkcs1.pem"));
        pem.extend(b"some text between blocks\r\n");
        pem.extend(read("ec-p256.pem"));
        pem.extend(read("rsa2048-pkcs1.pem"));
        let keys = load_key_bytes(&pem, "bundle.pem", None).unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].source, "bundle.pem#1");
        assert_eq!(keys[0].bits, 1024);
        assert_eq!(keys[1].source, "bundle.pem#2");
        assert_eq!(keys[1].bits, 2048);
    }

    #[test]
    fn pem_is_read_leniently() {
        // CRLF, indentation, 76-column lines, a BOM-less preamble.
        let der = parse_pem(&read("rsa1024-pkcs8.pem"))[0]
            .der
            .clone()
            .unwrap();
        let b64 = {
            const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut s = String::new();
            for c in der.chunks(3) {
                let v = c.iter().fold(0u32, |a, &b| (a << 8) | b as u32) << (8 * (3 - c.len()));
                for i in 0..=c.len() {
                    s.push(A[(v >> (18 - 6 * i) & 63) as usize] as char);
                }
                for _ in c.len()..3 {
                    s.push('=');
                }
            }
            s
        };
        let mut text = String::from("Bag Attributes\r\n    friendlyName: x\r\n");
        text.push_str("  -----BEGIN PRIVATE KEY-----\r\n");
        for line in b64.as_bytes().chunks(76) {
            text.push_str("  ");
            text.push_str(std::str::from_utf8(line).unwrap());
            text.push_str("\r\n");
        }
        text.push_str("-----END PRIVATE KEY-----\r\n");
        let key = load_key_bytes(text.as_bytes(), "lenient.pem", None).unwrap();
        assert_eq!(key[0].modulus, load_one("rsa1024-pkcs1.pem", None).modulus);
    }

    #[test]
    fn primes_in_either_order() {
        let key = load_one("rsa1024-p-lt-q.pem", None);
        let primes = key.key.primes();
        assert!(primes[0] < primes[1], "the test key must have p < q");
        round_trip(&key, 2);
        // The same key with p and q swapped back decrypts the same way.
        let swapped = RsaPrivateKey::from_components(
            key.key.n().clone(),
            key.key.e().clone(),
            key.key.d().clone(),
            vec![primes[1].clone(), primes[0].clone()],
        )
        .unwrap();
        let swapped = ServerKey::new(swapped, "swapped");
        let mut rng = TestRng(3);
        for _ in 0..5 {
            let pms = secret(&mut rng, 48);
            let ct = encrypt(&key, &mut rng, &pms);
            assert_eq!(decrypt_pre_master(&swapped, &ct), Ok(pms.clone()));
            assert_eq!(decrypt_pre_master(&key, &ct), Ok(pms));
        }
    }

    #[test]
    fn three_prime_key() {
        let key = load_one("rsa1024-3prime.pem", None);
        assert_eq!(key.key.primes().len(), 3);
        round_trip(&key, 4);
    }

    #[test]
    fn decrypts_what_openssl_encrypted() {
        let pms = read("pms.bin");
        assert_eq!(pms.len(), 48);
        for name in [
            "rsa1024-pkcs1",
            "rsa2048-pkcs1",
            "rsa1024-p-lt-q",
            "rsa1024-3prime",
        ] {
            let key = load_one(&format!("{name}.pem"), None);
            let ct = read(&format!("{name}.pms.enc"));
            assert_eq!(decrypt_pre_master(&key, &ct), Ok(pms.clone()), "{name}");
        }
    }

    #[test]
    fn round_trip_2048() {
        let key = load_one("rsa2048-pkcs1.pem", None);
        assert_eq!(key.bits, 2048);
        assert_eq!(key.modulus.len(), 256);
        round_trip(&key, 5);
    }

    #[test]
    fn wrong_key_never_gives_a_secret() {
        let right = load_one("rsa1024-pkcs1.pem", None);
        let wrong = [
            load_one("rsa1024-p-lt-q.pem", None),
            load_one("rsa1024-3prime.pem", None),
            load_one("rsa2048-pkcs1.pem", None),
        ];
        let mut rng = TestRng(6);
        for _ in 0..40 {
            let pms = secret(&mut rng, 48);
            let ct = encrypt(&right, &mut rng, &pms);
            for w in &wrong {
                let r = decrypt_pre_master(w, &ct);
                assert!(
                    matches!(
                        r,
                        Err(PreMasterError::Decrypt) | Err(PreMasterError::BadLength(_))
                    ),
                    "{}: {r:?}",
                    w.source
                );
            }
        }
    }

    #[test]
    fn ciphertext_lengths_and_bad_lengths() {
        let key = load_one("rsa1024-pkcs1.pem", None);
        let mut rng = TestRng(7);
        // Leading zeros stripped by the sender: find a ciphertext starting with 0x00.
        let (pms, ct) = loop {
            let pms = secret(&mut rng, 48);
            let ct = encrypt(&key, &mut rng, &pms);
            if ct[0] == 0 {
                break (pms, ct);
            }
        };
        assert_eq!(decrypt_pre_master(&key, &ct[1..]), Ok(pms.clone()));
        let mut longer = vec![0, 0];
        longer.extend(&ct);
        assert_eq!(decrypt_pre_master(&key, &longer), Ok(pms));
        // Too long, or not below the modulus.
        let mut too_long = vec![1];
        too_long.extend(&ct);
        assert_eq!(
            decrypt_pre_master(&key, &too_long),
            Err(PreMasterError::Decrypt)
        );
        assert_eq!(
            decrypt_pre_master(&key, &[0xff; 128]),
            Err(PreMasterError::Decrypt)
        );
        assert_eq!(
            decrypt_pre_master(&key, &key.modulus),
            Err(PreMasterError::Decrypt)
        );
        assert_eq!(decrypt_pre_master(&key, &[]), Err(PreMasterError::Decrypt));
        assert_eq!(decrypt_pre_master(&key, &[0]), Err(PreMasterError::Decrypt));
        // Valid padding, wrong length.
        for len in [0, 1, 47, 49, 64] {
            let msg = secret(&mut rng, len);
            let ct = encrypt(&key, &mut rng, &msg);
            assert_eq!(
                decrypt_pre_master(&key, &ct),
                Err(PreMasterError::BadLength(len))
            );
        }
        assert_eq!(
            PreMasterError::BadLength(47).to_string(),
            "decrypted pre-master secret is 47 bytes, not 48"
        );
    }

    #[test]
    fn load_keys_files_and_folders() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let copy = |name: &str, to: &str| std::fs::copy(testdata(name), d.join(to)).unwrap();
        copy("rsa2048-pkcs1.pem", "b-server.key");
        copy("rsa1024-pkcs8.der", "a-server.der");
        copy("rsa1024.p12", "c-same-key.p12"); // duplicate of a-server.der
        copy("rsa1024-cert.pem", "server.crt");
        copy("ec-p256.pem", "d-ecdsa.key");
        copy("rsa1024-pkcs8-enc.pem", "e-encrypted.key");
        std::fs::write(d.join("README"), "keys for the lab capture\n").unwrap();
        std::fs::write(
            d.join("big.pcap"),
            vec![0u8; (MAX_FOLDER_FILE + 1) as usize],
        )
        .unwrap();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::copy(testdata("rsa1024-p-lt-q.pem"), d.join("sub/inner.key")).unwrap();

        let (keys, errors) = load_keys(&[d.to_path_buf()], Some("tlsscope"));
        let sources: Vec<String> = keys.iter().map(|k| k.source.clone()).collect();
        let expect: Vec<String> = ["a-server.der", "b-server.key"]
            .iter()
            .map(|n| d.join(n).display().to_string())
            .collect();
        assert_eq!(sources, expect, "{errors:?}");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(matches!(&errors[0], KeyError::NotRsa { path } if path.ends_with("d-ecdsa.key")));

        // Without the password, the encrypted key is reported.
        let (keys, errors) = load_keys(&[d.to_path_buf()], None);
        assert_eq!(keys.len(), 2);
        assert!(errors.iter().any(
            |e| matches!(e, KeyError::NeedsPassword { path } if path.ends_with("e-encrypted.key"))
        ));

        // Explicit files: a certificate is an error, a missing file an I/O error.
        let (keys, errors) = load_keys(
            &[
                d.join("sub/inner.key"),
                d.join("server.crt"),
                d.join("missing.key"),
                d.join("README"),
            ],
            None,
        );
        assert_eq!(keys.len(), 1);
        assert_eq!(
            keys[0].source,
            d.join("sub/inner.key").display().to_string()
        );
        assert_eq!(errors.len(), 3);
        assert!(matches!(&errors[0], KeyError::NotAKey { path } if path.ends_with("server.crt")));
        assert!(matches!(&errors[1], KeyError::Io { path, .. } if path.ends_with("missing.key")));
        assert!(matches!(&errors[2], KeyError::NotAKey { path } if path.ends_with("README")));
        for e in &errors {
            let text = e.to_string();
            assert!(!text.contains('\n') && text.starts_with(e.path()), "{text}");
        }
    }

    /// Arbitrary bytes never panic (nor hang).
    #[test]
    fn garbage_never_panics() {
        let mut rng = TestRng(8);
        let files = [
            "rsa1024-pkcs1.pem",
            "rsa1024-pkcs1.der",
            "rsa1024-pkcs8.der",
            "rsa1024-pkcs8-enc.der",
            "rsa1024-pkcs8-enc.pem",
            "rsa1024.p12",
            "rsa1024-legacy.p12",
            "rsa1024-nopass.p12",
            "rsa1024-3prime.pem",
            "ec-p256.pem",
            "rsa1024-cert-and-key.pem",
        ];
        for name in files {
            let bytes = read(name);
            // Every truncation.
            for len in 0..bytes.len() {
                let _ = load_key_bytes(&bytes[..len], name, Some("tlsscope"));
            }
        }
        // Mutations of unencrypted keys (encrypted ones would mostly fail to decrypt,
        // slowly: key derivation each time).
        for name in [
            "rsa1024-pkcs1.der",
            "rsa1024-pkcs8.der",
            "rsa1024-3prime.pem",
        ] {
            let bytes = read(name);
            for _ in 0..300 {
                let mut m = bytes.clone();
                for _ in 0..1 + rng.next_u32() % 4 {
                    let i = rng.next_u32() as usize % m.len();
                    m[i] = rng.next_u32() as u8;
                }
                if let Ok(keys) = load_key_bytes(&m, name, None) {
                    for k in keys {
                        let _ = decrypt_pre_master(&k, &m[..m.len().min(128)]);
                    }
                }
            }
        }
        // Mutations of the PKCS#12 structure outside the encrypted parts are cheap enough.
        let p12 = read("rsa1024-legacy.p12");
        for i in 0..64.min(p12.len()) {
            let mut m = p12.clone();
            m[i] ^= 0x55;
            let _ = load_key_bytes(&m, "m.p12", Some("tlsscope"));
        }
        // Random bytes, and random bytes behind plausible headers.
        for round in 0..2000 {
            let len = rng.next_u32() as usize % 300;
            let mut b = vec![0u8; len];
            rng.fill_bytes(&mut b);
            match round % 4 {
                1 if len > 2 => b[0] = 0x30,
                2 if len > 4 => b[..4].copy_from_slice(&[0x30, 0x80, 0x02, 0x01]),
                3 => {
                    let mut pem = b"-----BEGIN PRIVATE KEY-----\n".to_vec();
                    pem.extend(
                        b.iter()
                            .map(|x| b"ABCDEFGHIJKLMNOPQRSTUVWXYZab+/=\n"[*x as usize % 32]),
                    );
                    pem.extend(b"\n-----END PRIVATE KEY-----\n");
                    b = pem;
                }
                _ => {}
            }
            let _ = load_key_bytes(&b, "r", Some("x"));
        }
        // Deep indefinite-length nesting.
        let mut deep = vec![];
        for _ in 0..10_000 {
            deep.extend([0x30, 0x80]);
        }
        assert!(load_key_bytes(&deep, "deep", None).is_err());
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("").unwrap(), b"");
        assert_eq!(base64_decode("Zg==").unwrap(), b"f");
        assert_eq!(base64_decode("Zm8=").unwrap(), b"fo");
        assert_eq!(base64_decode("Zm9v").unwrap(), b"foo");
        assert_eq!(base64_decode("Zm9v\nYmFy").unwrap(), b"foobar");
        assert!(base64_decode("Zm9v!").is_none());
        assert!(base64_decode("Zg==Zg").is_none());
    }

    #[test]
    fn debug_hides_the_key() {
        let key = load_one("rsa1024-pkcs1.pem", None);
        let text = format!("{key:?}");
        assert!(
            text.contains("rsa1024-pkcs1.pem") && text.contains("1024"),
            "{text}"
        );
        assert!(text.len() < 200, "{text}");
    }

    fn corpus_key(name: &str) -> Option<PathBuf> {
        let Some(root) = std::env::var_os("TLSSCOPE_CORPUS") else {
            eprintln!("note: TLSSCOPE_CORPUS is not set: skipping the public-corpus key test");
            return None;
        };
        let root = PathBuf::from(root);
        let found = [root.join("keys"), root.join("wireshark/keys")]
            .into_iter()
            .map(|d| d.join(name))
            .find(|p| p.is_file());
        if found.is_none() {
            eprintln!("note: {name} is not in TLSSCOPE_CORPUS: skipping");
        }
        found
    }

    #[test]
    fn corpus_keys_load() {
        let names = [
            ("rsasnakeoil2.key", None),
            ("rsa-p-lt-q.key", None),
            ("rsa-p-lt-q.p8", None),
            ("key.p12", Some("WebAS")),
        ];
        let mut loaded = Vec::new();
        for (name, pw) in names {
            let Some(path) = corpus_key(name) else {
                return;
            };
            let (keys, errors) = load_keys(&[path], pw);
            assert!(errors.is_empty(), "{name}: {errors:?}");
            assert_eq!(keys.len(), 1, "{name}");
            round_trip(&keys[0], 9);
            loaded.push(keys.into_iter().next().unwrap());
        }
        let (p_lt_q, p8) = (&loaded[1], &loaded[2]);
        assert_eq!(p_lt_q.modulus, p8.modulus);
        assert_eq!(p_lt_q.key.primes(), p8.key.primes());
        assert!(p_lt_q.key.primes()[0] < p_lt_q.key.primes()[1]);
        // key.p12 needs its password.
        let p12 = corpus_key("key.p12").unwrap();
        let (keys, errors) = load_keys(&[p12], None);
        assert!(keys.is_empty());
        assert!(matches!(errors[..], [KeyError::NeedsPassword { .. }]));
    }

    /// Release-mode timing: `cargo test --release --lib crypto::keys -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn bench_decrypt_pre_master() {
        for name in ["rsa1024-pkcs1.pem", "rsa2048-pkcs1.pem"] {
            let key = load_one(name, None);
            let mut rng = TestRng(10);
            let cts: Vec<Vec<u8>> = (0..16)
                .map(|_| {
                    let pms = secret(&mut rng, 48);
                    encrypt(&key, &mut rng, &pms)
                })
                .collect();
            let n = if key.bits > 1024 { 400 } else { 2000 };
            let start = Instant::now();
            for i in 0..n {
                decrypt_pre_master(&key, &cts[i % cts.len()]).unwrap();
            }
            let ms = start.elapsed().as_secs_f64() * 1000.0 / n as f64;
            let start = Instant::now();
            for i in 0..n {
                key.key
                    .decrypt_blinded(&mut rng, Pkcs1v15Encrypt, &cts[i % cts.len()])
                    .unwrap();
            }
            let blinded = start.elapsed().as_secs_f64() * 1000.0 / n as f64;
            let (dp, dq) = (key.key.dp().unwrap(), key.key.dq().unwrap());
            let (p, q) = (&key.key.primes()[0], &key.key.primes()[1]);
            let cs: Vec<BigUint> = cts.iter().map(|c| BigUint::from_bytes_be(c)).collect();
            let start = Instant::now();
            for i in 0..n {
                let c = &cs[i % cs.len()];
                std::hint::black_box((c.modpow(dp, p), c.modpow(dq, q)));
            }
            let raw = start.elapsed().as_secs_f64() * 1000.0 / n as f64;
            eprintln!("raw two modpows: {raw:.3} ms");
            eprintln!(
                "RSA-{}: {ms:.3} ms per decrypt_pre_master ({blinded:.3} ms blinded)",
                key.bits
            );
        }
    }
}
