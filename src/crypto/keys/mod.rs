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
//!
//! The code is split by responsibility: this file holds [`ServerKey`], the file and folder
//! loading and the errors; `container.rs` tells which container a file is (PEM or DER;
//! PKCS#12, PKCS#8, encrypted or not, PKCS#1) and calls the decoder for it: `formats.rs`
//! for PEM text and the PKCS#1 / PKCS#8 key structures, `pkcs12.rs` for the PKCS#12
//! walk; `pbe.rs` the password-based decryption; `der.rs` the DER / BER reader they
//! share; `premaster.rs` the pre-master secret decryption.
//!
//! ```text
//!  load_key_bytes ─► container.rs ─┬─► formats.rs ─┬─► pbe.rs, der.rs
//!                                  └─► pkcs12.rs ──┘
//! ```
//!
//! The arrows go one way: the decoders never call each other or the container.

mod container;
mod der;
mod formats;
mod pbe;
mod pkcs12;
mod prefetch;
mod premaster;
#[cfg(test)]
pub(crate) mod testutil;

use std::collections::HashSet;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;

pub use self::prefetch::{PreMasterPrefetch, PreMasterResults};
#[cfg(test)]
pub(crate) use self::premaster::operations_on_this_thread;
pub use self::premaster::{decrypt_pre_master, PreMasterError, STRIPPED_ZEROS};

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
    /// The same key in AWS-LC, for keys it accepts (2048 bits and more): the fast path.
    pub(super) fast: Option<std::sync::Arc<FastKey>>,
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
            fast: fast_key(&key),
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

/// A key in AWS-LC, and whether AWS-LC has shown that it decrypts with it.
pub(super) struct FastKey {
    pub(super) key: aws_lc_rs::rsa::Pkcs1PrivateDecryptingKey,
    /// [`premaster::FAST_UNTESTED`], `FAST_PROVEN` or `FAST_BROKEN`, shared by the
    /// clones of the key (the prefetch pool's among them).
    pub(super) state: std::sync::atomic::AtomicU8,
}

/// The key in AWS-LC, or `None` when it refuses it (under 2048 bits, unusual shapes).
fn fast_key(key: &RsaPrivateKey) -> Option<std::sync::Arc<FastKey>> {
    use rsa::pkcs8::EncodePrivateKey;
    let der = key.to_pkcs8_der().ok()?;
    let private = aws_lc_rs::rsa::PrivateDecryptingKey::from_pkcs8(der.as_bytes()).ok()?;
    let key = aws_lc_rs::rsa::Pkcs1PrivateDecryptingKey::new(private).ok()?;
    Some(std::sync::Arc::new(FastKey {
        key,
        state: std::sync::atomic::AtomicU8::new(premaster::FAST_UNTESTED),
    }))
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
    let results = container::keys_in(bytes, password);
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

#[cfg(test)]
mod tests {
    use super::testutil::{cert_modulus, load_one, read, round_trip, testdata, TestRng};
    use super::*;
    use rsa::rand_core::RngCore;
    use rsa::traits::PrivateKeyParts;

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
}
