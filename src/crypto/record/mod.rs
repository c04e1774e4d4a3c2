//! Record protection for SSL 3.0 and TLS 1.0–1.2, one direction at a time.
//!
//! A [`RecordDecryptor`] holds one direction's keys, cipher state and
//! sequence number, and turns each protected record fragment back into its
//! plaintext, checking the MAC or AEAD tag on the way:
//!
//! * NULL cipher (MAC only) and RC4-128 (the keystream carries across records);
//! * CBC with AES-128/256, Camellia-128/256, ARIA-128/256, 3DES-EDE and DES:
//!   MAC-then-encrypt with the TLS padding check (every padding byte equals the
//!   padding length) or the SSL 3.0 one (only the length is checked: shorter
//!   than a block, content arbitrary); the IV chained from the previous
//!   record's last ciphertext block in SSL 3.0 / TLS 1.0, carried as the first
//!   block of each record from TLS 1.1 on; and Encrypt-then-MAC (RFC 7366);
//! * the TLS 1.2 AEAD ciphers: AES-128/256, ARIA-128/256 and Camellia-128/256
//!   GCM and AES-128/256 CCM / CCM_8 (4-byte implicit salt + 8-byte explicit
//!   nonce, RFC 5288 / RFC 6655 / RFC 6209 / RFC 6367), ChaCha20-Poly1305
//!   (12-byte IV XOR sequence number, RFC 7905).
//!
//! Not supported ([`RecordDecryptor::new`] returns [`Unsupported`]): export
//! suites (RC4-40, RC2-40, DES-40), IDEA, SEED, SM4, TLS 1.3 suites, DTLS, and
//! AEAD suites under a version before TLS 1.2.
//!
//! The decryptor is built for long captures: cipher key schedules and keyed
//! MAC states are prepared once in [`RecordDecryptor::new`], and
//! [`RecordDecryptor::decrypt`] allocates nothing but the returned plaintext.
//! Comparisons need not be constant-time here (a passive decoder is not an
//! oracle); HMAC and AEAD checks use the RustCrypto crates' own, the SSL 3.0
//! MAC a plain comparison.

use std::fmt;

use aes::cipher::inout::InOutBuf;
use aes::cipher::{BlockDecrypt, KeyInit, StreamCipher};
use aes::{Aes128, Aes256};
use aes_gcm::aead::consts::{U12, U16, U8};
use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::AeadInPlace;
use aes_gcm::AesGcm;
use aria::{Aria128, Aria256};
use camellia::{Camellia128, Camellia256};
use ccm::Ccm;
use chacha20poly1305::ChaCha20Poly1305;
use des::{Des, TdesEde3};
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use rc4::Rc4;
use sha1::Sha1;
use sha2::{Sha256, Sha384};

use crate::tls::cipher_suite::{BulkCipher, CipherMode, CipherSuite, MacAlgorithm};

/// Why one record could not be decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("bad record MAC")]
    BadMac,
    #[error("bad padding")]
    BadPadding,
    #[error("AEAD tag check failed")]
    BadTag,
    /// The fragment cannot hold what the cipher needs (IV or explicit nonce,
    /// MAC or tag, at least one block), or a CBC fragment is not a whole
    /// number of blocks.
    #[error("record too short for its cipher")]
    TooShort,
}

/// The suite / version / key combination cannot be decrypted by this module.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cipher not supported for decryption: {0}")]
pub struct Unsupported(pub String);

/// One direction's record decryption state for SSL 3.0 and TLS 1.0–1.2.
pub struct RecordDecryptor {
    suite: &'static CipherSuite,
    version: u16,
    mac: RecordMac,
    cipher: CipherState,
    seq: u64,
    encrypt_then_mac: bool,
}

impl fmt::Debug for RecordDecryptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys and cipher state stay out of debug output.
        f.debug_struct("RecordDecryptor")
            .field("suite", &self.suite.name)
            .field("version", &format_args!("0x{:04x}", self.version))
            .field("seq", &self.seq)
            .field("encrypt_then_mac", &self.encrypt_then_mac)
            .finish_non_exhaustive()
    }
}

const SSL3_VERSION: u16 = 0x0300;
const TLS10_VERSION: u16 = 0x0301;
const TLS12_VERSION: u16 = 0x0303;

impl RecordDecryptor {
    /// Prepares one direction: `mac_key`, `enc_key` and `iv` are that side's
    /// write keys from [`crate::crypto::prf::session_keys`].
    ///
    /// `version` is the negotiated version (`0x0300`..=`0x0303`). `iv` is
    /// used for CBC in SSL 3.0 / TLS 1.0 (one block), GCM / CCM (the 4-byte
    /// salt) and ChaCha20-Poly1305 (12 bytes); it is ignored otherwise (TLS
    /// 1.1+ CBC records carry their IVs). `encrypt_then_mac` is the RFC 7366
    /// extension's outcome; it only changes CBC suites in TLS (the extension
    /// does not apply to stream and AEAD ciphers, and SSL 3.0 has no
    /// extensions), and is ignored otherwise.
    ///
    /// Returns [`Unsupported`] for the ciphers and versions listed in the
    /// module documentation, and when a key or IV has the wrong length for
    /// the suite.
    pub fn new(
        suite: &'static CipherSuite,
        version: u16,
        mac_key: &[u8],
        enc_key: &[u8],
        iv: &[u8],
        encrypt_then_mac: bool,
    ) -> Result<Self, Unsupported> {
        let unsupported = |why: String| Unsupported(format!("{} ({why})", suite.name));
        if !(SSL3_VERSION..=TLS12_VERSION).contains(&version) {
            return Err(unsupported(format!("version 0x{version:04x}")));
        }
        if suite.is_tls13() {
            return Err(unsupported("TLS 1.3 suite".into()));
        }
        if suite.export {
            return Err(unsupported("export-grade suite".into()));
        }
        let ssl3 = version == SSL3_VERSION;
        let mac = RecordMac::new(suite.mac, ssl3, mac_key).map_err(unsupported)?;
        if mac.len() != suite.mac_len as usize && !suite.is_aead() {
            return Err(unsupported(format!("MAC length {}", mac.len())));
        }
        if enc_key.len() != suite.key_len as usize {
            return Err(unsupported(format!(
                "{}-byte key, expected {}",
                enc_key.len(),
                suite.key_len
            )));
        }
        let check_iv = |want: usize| {
            if iv.len() == want {
                Ok(())
            } else {
                Err(unsupported(format!(
                    "{}-byte IV, expected {want}",
                    iv.len()
                )))
            }
        };
        let cipher = match suite.mode {
            CipherMode::Null => CipherState::Null,
            CipherMode::Stream => match suite.cipher {
                BulkCipher::Rc4_128 => {
                    CipherState::Rc4(Box::new(new_key(enc_key).map_err(unsupported)?))
                }
                other => return Err(unsupported(format!("{other:?} stream cipher"))),
            },
            CipherMode::Cbc => {
                let cipher = BlockCipher::new(suite.cipher, enc_key).map_err(unsupported)?;
                let block_len = cipher.block_len();
                let implicit_iv = version <= TLS10_VERSION;
                let mut saved_iv = [0u8; 16];
                if implicit_iv {
                    check_iv(block_len)?;
                    saved_iv[..block_len].copy_from_slice(iv);
                }
                CipherState::Cbc {
                    cipher,
                    block_len,
                    implicit_iv,
                    iv: saved_iv,
                }
            }
            CipherMode::Gcm | CipherMode::Ccm | CipherMode::Ccm8 | CipherMode::Poly1305 => {
                if version < TLS12_VERSION {
                    return Err(unsupported(format!(
                        "AEAD cipher with version 0x{version:04x}"
                    )));
                }
                let aead = Aead::new(suite.cipher, suite.mode, enc_key).map_err(unsupported)?;
                let explicit_nonce = suite.mode != CipherMode::Poly1305;
                let mut fixed_iv = [0u8; 12];
                if explicit_nonce {
                    check_iv(4)?;
                    fixed_iv[..4].copy_from_slice(iv);
                } else {
                    check_iv(12)?;
                    fixed_iv.copy_from_slice(iv);
                }
                CipherState::Aead {
                    tag_len: aead.tag_len(),
                    aead,
                    fixed_iv,
                    explicit_nonce,
                }
            }
        };
        Ok(RecordDecryptor {
            suite,
            version,
            mac,
            encrypt_then_mac: encrypt_then_mac && !ssl3 && suite.mode == CipherMode::Cbc,
            cipher,
            seq: 0,
        })
    }

    /// Decrypts and authenticates one record (header fields as they
    /// travelled: `content_type`, the record-header `version`, and the
    /// fragment); returns the plaintext fragment.
    ///
    /// The sequence number advances on every call, success or not. A real
    /// TLS receiver would abort the connection on any failure; a capture
    /// reader continues so that one bad record does not cost the rest. For
    /// the same reason the cipher state moves on as the sender's did: the RC4
    /// keystream advances over the whole fragment, and with SSL 3.0 / TLS 1.0
    /// CBC the next IV is this record's last ciphertext block even when its
    /// MAC or padding is bad.
    pub fn decrypt(
        &mut self,
        content_type: u8,
        version: u16,
        fragment: &[u8],
    ) -> Result<Vec<u8>, RecordError> {
        let seq = self.seq;
        self.seq = self.seq.wrapping_add(1);
        let header = Header {
            seq,
            content_type,
            version,
        };
        let ssl3 = self.version == SSL3_VERSION;
        let mac = &self.mac;
        match &mut self.cipher {
            CipherState::Null => strip_mac(mac, &header, fragment.to_vec()),
            CipherState::Rc4(rc4) => {
                let mut out = fragment.to_vec();
                rc4.apply_keystream(&mut out);
                strip_mac(mac, &header, out)
            }
            CipherState::Cbc {
                cipher,
                block_len,
                implicit_iv,
                iv,
            } => {
                let bs = *block_len;
                let mut record_iv = [0u8; 16];
                let body = if *implicit_iv {
                    record_iv[..bs].copy_from_slice(&iv[..bs]);
                    // Chain now: the next record's IV is this record's last
                    // ciphertext block whatever happens to this one.
                    let trailing_mac = if self.encrypt_then_mac { mac.len() } else { 0 };
                    let ct_end = fragment.len().saturating_sub(trailing_mac);
                    if ct_end >= bs {
                        iv[..bs].copy_from_slice(&fragment[ct_end - bs..ct_end]);
                    }
                    fragment
                } else {
                    if fragment.len() < bs {
                        return Err(RecordError::TooShort);
                    }
                    record_iv[..bs].copy_from_slice(&fragment[..bs]);
                    &fragment[bs..]
                };
                let iv = &record_iv[..bs];
                if self.encrypt_then_mac {
                    open_cbc_etm(cipher, mac, &header, iv, fragment, body)
                } else {
                    open_cbc_mte(cipher, mac, &header, iv, body, ssl3)
                }
            }
            CipherState::Aead {
                aead,
                fixed_iv,
                explicit_nonce,
                tag_len,
            } => {
                let mut nonce = *fixed_iv;
                let body = if *explicit_nonce {
                    if fragment.len() < 8 + *tag_len {
                        return Err(RecordError::TooShort);
                    }
                    nonce[4..].copy_from_slice(&fragment[..8]);
                    &fragment[8..]
                } else {
                    if fragment.len() < *tag_len {
                        return Err(RecordError::TooShort);
                    }
                    nonce[4..]
                        .iter_mut()
                        .zip(seq.to_be_bytes())
                        .for_each(|(n, s)| *n ^= s);
                    fragment
                };
                let (ciphertext, tag) = body.split_at(body.len() - *tag_len);
                let aad = header.tls(ciphertext.len());
                let mut out = ciphertext.to_vec();
                aead.open(&nonce, &aad, &mut out, tag)?;
                Ok(out)
            }
        }
    }

    /// The sequence number the next record will be decrypted with (the
    /// number of [`decrypt`](Self::decrypt) calls so far).
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The cipher suite this decryptor was built for.
    pub fn suite(&self) -> &'static CipherSuite {
        self.suite
    }
}

/// The record fields the MAC / AAD covers besides the data.
struct Header {
    seq: u64,
    content_type: u8,
    version: u16,
}

impl Header {
    /// TLS MAC / AEAD additional data: seq_num + type + version + length.
    fn tls(&self, len: usize) -> [u8; 13] {
        let mut h = [0u8; 13];
        h[..8].copy_from_slice(&self.seq.to_be_bytes());
        h[8] = self.content_type;
        h[9..11].copy_from_slice(&self.version.to_be_bytes());
        // Record fragments are at most 2^14 + 2048 bytes: the cast is exact.
        h[11..].copy_from_slice(&(len as u16).to_be_bytes());
        h
    }

    /// SSL 3.0 MAC header: seq_num + type + length (no version).
    fn ssl3(&self, len: usize) -> [u8; 11] {
        let mut h = [0u8; 11];
        h[..8].copy_from_slice(&self.seq.to_be_bytes());
        h[8] = self.content_type;
        h[9..].copy_from_slice(&(len as u16).to_be_bytes());
        h
    }
}

/// Splits `data` into content and MAC, checks the MAC and returns the content
/// (NULL and stream ciphers).
fn strip_mac(mac: &RecordMac, header: &Header, mut data: Vec<u8>) -> Result<Vec<u8>, RecordError> {
    let n = data
        .len()
        .checked_sub(mac.len())
        .ok_or(RecordError::TooShort)?;
    if !mac.verify(header, &data[..n], &data[n..]) {
        return Err(RecordError::BadMac);
    }
    data.truncate(n);
    Ok(data)
}

/// CBC, MAC-then-encrypt: `body` is the ciphertext of content + MAC + padding.
fn open_cbc_mte(
    cipher: &BlockCipher,
    mac: &RecordMac,
    header: &Header,
    iv: &[u8],
    body: &[u8],
    ssl3: bool,
) -> Result<Vec<u8>, RecordError> {
    let bs = iv.len();
    let mac_len = mac.len();
    if body.is_empty() || !body.len().is_multiple_of(bs) || body.len() < mac_len + 1 {
        return Err(RecordError::TooShort);
    }
    let mut out = vec![0u8; body.len()];
    cipher.cbc_decrypt(iv, body, &mut out);
    let content_len = if ssl3 {
        // RFC 6101 §5.2.3.2: padding content is arbitrary, its length is
        // less than the block length.
        let pad_len = out[out.len() - 1] as usize;
        if pad_len >= bs {
            return Err(RecordError::BadPadding);
        }
        out.len()
            .checked_sub(pad_len + 1 + mac_len)
            .ok_or(RecordError::BadPadding)?
    } else {
        tls_unpad(&out)?
            .checked_sub(mac_len)
            .ok_or(RecordError::BadPadding)?
    };
    let (content, rest) = out.split_at(content_len);
    if !mac.verify(header, content, &rest[..mac_len]) {
        return Err(RecordError::BadMac);
    }
    out.truncate(content_len);
    Ok(out)
}

/// CBC, Encrypt-then-MAC (RFC 7366): the MAC follows the ciphertext and
/// covers the header (with the IV + ciphertext length), the IV and the
/// ciphertext; it is checked before decrypting.
fn open_cbc_etm(
    cipher: &BlockCipher,
    mac: &RecordMac,
    header: &Header,
    iv: &[u8],
    fragment: &[u8],
    body: &[u8],
) -> Result<Vec<u8>, RecordError> {
    let bs = iv.len();
    let mac_len = mac.len();
    let ct_len = body
        .len()
        .checked_sub(mac_len)
        .ok_or(RecordError::TooShort)?;
    if ct_len == 0 || !ct_len.is_multiple_of(bs) {
        return Err(RecordError::TooShort);
    }
    let (ciphertext, tag) = body.split_at(ct_len);
    let authenticated = &fragment[..fragment.len() - mac_len];
    if !mac.verify(header, authenticated, tag) {
        return Err(RecordError::BadMac);
    }
    let mut out = vec![0u8; ct_len];
    cipher.cbc_decrypt(iv, ciphertext, &mut out);
    let content_len = tls_unpad(&out)?;
    out.truncate(content_len);
    Ok(out)
}

/// TLS CBC padding (RFC 5246 §6.2.3.2): the last byte is the padding length
/// and every padding byte equals it. Returns the length before the padding.
fn tls_unpad(plain: &[u8]) -> Result<usize, RecordError> {
    let last = plain.len() - 1;
    let pad_len = plain[last];
    let start = last
        .checked_sub(pad_len as usize)
        .ok_or(RecordError::BadPadding)?;
    if plain[start..last].iter().any(|&b| b != pad_len) {
        return Err(RecordError::BadPadding);
    }
    Ok(start)
}

/// Builds a cipher from a key slice, naming the problem on a length error.
fn new_key<T: KeyInit>(key: &[u8]) -> Result<T, String> {
    T::new_from_slice(key).map_err(|_| format!("{}-byte key rejected", key.len()))
}

// ---------------------------------------------------------------------------
// MACs

/// A keyed record MAC, prepared once: HMAC states are keyed, SSL 3.0 hash
/// states have absorbed `mac_key + pad`.
enum RecordMac {
    None,
    HmacMd5(Hmac<Md5>),
    HmacSha1(Hmac<Sha1>),
    HmacSha256(Hmac<Sha256>),
    HmacSha384(Hmac<Sha384>),
    Ssl3Md5 { inner: Md5, outer: Md5 },
    Ssl3Sha1 { inner: Sha1, outer: Sha1 },
}

impl RecordMac {
    fn new(alg: MacAlgorithm, ssl3: bool, key: &[u8]) -> Result<Self, String> {
        let expect = |want: usize| {
            if key.len() == want {
                Ok(())
            } else {
                Err(format!("{}-byte MAC key, expected {want}", key.len()))
            }
        };
        Ok(match (alg, ssl3) {
            (MacAlgorithm::Null | MacAlgorithm::Aead, _) => RecordMac::None,
            (MacAlgorithm::Md5, false) => {
                expect(16)?;
                RecordMac::HmacMd5(new_key(key)?)
            }
            (MacAlgorithm::Sha1, false) => {
                expect(20)?;
                RecordMac::HmacSha1(new_key(key)?)
            }
            (MacAlgorithm::Sha256, false) => {
                expect(32)?;
                RecordMac::HmacSha256(new_key(key)?)
            }
            (MacAlgorithm::Sha384, false) => {
                expect(48)?;
                RecordMac::HmacSha384(new_key(key)?)
            }
            (MacAlgorithm::Md5, true) => {
                expect(16)?;
                let (inner, outer) = ssl3_mac_states::<Md5>(key, 48);
                RecordMac::Ssl3Md5 { inner, outer }
            }
            (MacAlgorithm::Sha1, true) => {
                expect(20)?;
                let (inner, outer) = ssl3_mac_states::<Sha1>(key, 40);
                RecordMac::Ssl3Sha1 { inner, outer }
            }
            (MacAlgorithm::Sha256 | MacAlgorithm::Sha384, true) => {
                return Err(format!("{alg:?} MAC in SSL 3.0"))
            }
        })
    }

    fn len(&self) -> usize {
        match self {
            RecordMac::None => 0,
            RecordMac::HmacMd5(_) | RecordMac::Ssl3Md5 { .. } => 16,
            RecordMac::HmacSha1(_) | RecordMac::Ssl3Sha1 { .. } => 20,
            RecordMac::HmacSha256(_) => 32,
            RecordMac::HmacSha384(_) => 48,
        }
    }

    /// Checks `expected` against the MAC of `header` + `data`.
    fn verify(&self, header: &Header, data: &[u8], expected: &[u8]) -> bool {
        match self {
            RecordMac::None => expected.is_empty(),
            RecordMac::HmacMd5(k) => hmac_verify(k, &header.tls(data.len()), data, expected),
            RecordMac::HmacSha1(k) => hmac_verify(k, &header.tls(data.len()), data, expected),
            RecordMac::HmacSha256(k) => hmac_verify(k, &header.tls(data.len()), data, expected),
            RecordMac::HmacSha384(k) => hmac_verify(k, &header.tls(data.len()), data, expected),
            RecordMac::Ssl3Md5 { inner, outer } => {
                ssl3_verify(inner, outer, &header.ssl3(data.len()), data, expected)
            }
            RecordMac::Ssl3Sha1 { inner, outer } => {
                ssl3_verify(inner, outer, &header.ssl3(data.len()), data, expected)
            }
        }
    }
}

fn hmac_verify<M: Mac + Clone>(key: &M, header: &[u8], data: &[u8], expected: &[u8]) -> bool {
    let mut m = key.clone();
    m.update(header);
    m.update(data);
    m.verify_slice(expected).is_ok()
}

/// SSL 3.0 MAC states: `hash(mac_key + pad1)` and `hash(mac_key + pad2)`
/// before any record data (RFC 6101 §5.2.3.1).
fn ssl3_mac_states<D: Digest>(key: &[u8], pad_len: usize) -> (D, D) {
    let inner = D::new()
        .chain_update(key)
        .chain_update(&[0x36u8; 48][..pad_len]);
    let outer = D::new()
        .chain_update(key)
        .chain_update(&[0x5cu8; 48][..pad_len]);
    (inner, outer)
}

/// `hash(mac_key + pad2 + hash(mac_key + pad1 + seq_num + type + length + data))`.
fn ssl3_verify<D: Digest + Clone>(
    inner: &D,
    outer: &D,
    header: &[u8],
    data: &[u8],
    expected: &[u8],
) -> bool {
    let inner_hash = inner
        .clone()
        .chain_update(header)
        .chain_update(data)
        .finalize();
    let mac = outer.clone().chain_update(inner_hash).finalize();
    mac.as_slice() == expected
}

// ---------------------------------------------------------------------------
// Ciphers

/// Per-direction cipher state.
// The variants differ a lot in size, but a decryptor holds exactly one for its
// whole life: boxing would only add an indirection to every record.
#[allow(clippy::large_enum_variant)]
enum CipherState {
    Null,
    Rc4(Box<Rc4<U16>>),
    Cbc {
        cipher: BlockCipher,
        block_len: usize,
        /// SSL 3.0 / TLS 1.0: the IV is `iv`, the previous record's last
        /// ciphertext block; TLS 1.1+: each record starts with its IV.
        implicit_iv: bool,
        iv: [u8; 16],
    },
    Aead {
        aead: Aead,
        /// GCM / CCM: 4-byte salt then room for the explicit nonce;
        /// ChaCha20-Poly1305: the 12-byte IV.
        fixed_iv: [u8; 12],
        explicit_nonce: bool,
        tag_len: usize,
    },
}

/// A CBC block cipher with its key schedule.
#[allow(clippy::large_enum_variant)]
enum BlockCipher {
    Aes128(Aes128),
    Aes256(Aes256),
    Camellia128(Camellia128),
    Camellia256(Camellia256),
    Aria128(Aria128),
    Aria256(Aria256),
    TripleDes(TdesEde3),
    Des(Des),
}

impl BlockCipher {
    fn new(cipher: BulkCipher, key: &[u8]) -> Result<Self, String> {
        Ok(match cipher {
            BulkCipher::Aes128 => BlockCipher::Aes128(new_key(key)?),
            BulkCipher::Aes256 => BlockCipher::Aes256(new_key(key)?),
            BulkCipher::Camellia128 => BlockCipher::Camellia128(new_key(key)?),
            BulkCipher::Camellia256 => BlockCipher::Camellia256(new_key(key)?),
            BulkCipher::Aria128 => BlockCipher::Aria128(new_key(key)?),
            BulkCipher::Aria256 => BlockCipher::Aria256(new_key(key)?),
            BulkCipher::TripleDes => BlockCipher::TripleDes(new_key(key)?),
            BulkCipher::Des => BlockCipher::Des(new_key(key)?),
            other => return Err(format!("{other:?} in CBC mode")),
        })
    }

    fn block_len(&self) -> usize {
        match self {
            BlockCipher::TripleDes(_) | BlockCipher::Des(_) => 8,
            _ => 16,
        }
    }

    /// CBC-decrypts `input` (whole blocks) into `out` (same length).
    fn cbc_decrypt(&self, iv: &[u8], input: &[u8], out: &mut [u8]) {
        match self {
            BlockCipher::Aes128(c) => cbc_decrypt(c, iv, input, out),
            BlockCipher::Aes256(c) => cbc_decrypt(c, iv, input, out),
            BlockCipher::Camellia128(c) => cbc_decrypt(c, iv, input, out),
            BlockCipher::Camellia256(c) => cbc_decrypt(c, iv, input, out),
            BlockCipher::Aria128(c) => cbc_decrypt(c, iv, input, out),
            BlockCipher::Aria256(c) => cbc_decrypt(c, iv, input, out),
            BlockCipher::TripleDes(c) => cbc_decrypt(c, iv, input, out),
            BlockCipher::Des(c) => cbc_decrypt(c, iv, input, out),
        }
    }
}

/// CBC decryption with a kept key schedule: all blocks are decrypted in one
/// call (letting the cipher use its parallel backend), then each is XORed
/// with the previous ciphertext block (the IV for the first).
fn cbc_decrypt<C: BlockDecrypt>(cipher: &C, iv: &[u8], input: &[u8], out: &mut [u8]) {
    let bs = C::block_size();
    debug_assert_eq!(iv.len(), bs);
    debug_assert!(input.len().is_multiple_of(bs));
    {
        let buf = InOutBuf::new(input, out).expect("input and output of equal length");
        let (blocks, tail) = buf.into_chunks();
        debug_assert!(tail.is_empty());
        cipher.decrypt_blocks_inout(blocks);
    }
    for (i, block) in out.chunks_exact_mut(bs).enumerate() {
        let prev = if i == 0 {
            iv
        } else {
            &input[(i - 1) * bs..i * bs]
        };
        block.iter_mut().zip(prev).for_each(|(b, p)| *b ^= p);
    }
}

/// An AEAD cipher with its key schedule.
#[allow(clippy::large_enum_variant)]
enum Aead {
    Aes128Gcm(AesGcm<Aes128, U12>),
    Aes256Gcm(AesGcm<Aes256, U12>),
    Aria128Gcm(AesGcm<Aria128, U12>),
    Aria256Gcm(AesGcm<Aria256, U12>),
    Camellia128Gcm(AesGcm<Camellia128, U12>),
    Camellia256Gcm(AesGcm<Camellia256, U12>),
    Aes128Ccm(Ccm<Aes128, U16, U12>),
    Aes256Ccm(Ccm<Aes256, U16, U12>),
    Aes128Ccm8(Ccm<Aes128, U8, U12>),
    Aes256Ccm8(Ccm<Aes256, U8, U12>),
    ChaCha20Poly1305(ChaCha20Poly1305),
}

impl Aead {
    fn new(cipher: BulkCipher, mode: CipherMode, key: &[u8]) -> Result<Self, String> {
        use BulkCipher as B;
        use CipherMode as M;
        Ok(match (cipher, mode) {
            (B::Aes128, M::Gcm) => Aead::Aes128Gcm(new_key(key)?),
            (B::Aes256, M::Gcm) => Aead::Aes256Gcm(new_key(key)?),
            (B::Aria128, M::Gcm) => Aead::Aria128Gcm(new_key(key)?),
            (B::Aria256, M::Gcm) => Aead::Aria256Gcm(new_key(key)?),
            (B::Camellia128, M::Gcm) => Aead::Camellia128Gcm(new_key(key)?),
            (B::Camellia256, M::Gcm) => Aead::Camellia256Gcm(new_key(key)?),
            (B::Aes128, M::Ccm) => Aead::Aes128Ccm(new_key(key)?),
            (B::Aes256, M::Ccm) => Aead::Aes256Ccm(new_key(key)?),
            (B::Aes128, M::Ccm8) => Aead::Aes128Ccm8(new_key(key)?),
            (B::Aes256, M::Ccm8) => Aead::Aes256Ccm8(new_key(key)?),
            (B::ChaCha20, M::Poly1305) => Aead::ChaCha20Poly1305(new_key(key)?),
            (c, m) => return Err(format!("{c:?} in {m:?} mode")),
        })
    }

    fn tag_len(&self) -> usize {
        match self {
            Aead::Aes128Ccm8(_) | Aead::Aes256Ccm8(_) => 8,
            _ => 16,
        }
    }

    /// Decrypts `buf` in place and checks `tag`.
    fn open(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        buf: &mut [u8],
        tag: &[u8],
    ) -> Result<(), RecordError> {
        match self {
            Aead::Aes128Gcm(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Aes256Gcm(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Aria128Gcm(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Aria256Gcm(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Camellia128Gcm(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Camellia256Gcm(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Aes128Ccm(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Aes256Ccm(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Aes128Ccm8(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Aes256Ccm8(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::ChaCha20Poly1305(a) => aead_open(a, nonce, aad, buf, tag),
        }
    }
}

fn aead_open<A: AeadInPlace>(
    aead: &A,
    nonce: &[u8; 12],
    aad: &[u8],
    buf: &mut [u8],
    tag: &[u8],
) -> Result<(), RecordError> {
    aead.decrypt_in_place_detached(
        GenericArray::from_slice(nonce),
        aad,
        buf,
        GenericArray::from_slice(tag),
    )
    .map_err(|_| RecordError::BadTag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::prf::{self, PrfKind};
    use crate::tls::cipher_suite::lookup;
    use cbc::cipher::block_padding::NoPadding;
    use cbc::cipher::{BlockCipher as BlockCipherTrait, BlockEncryptMut, KeyIvInit};

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.replace([' ', '\n'], "")).expect("hex")
    }

    fn suite(id: u16) -> &'static CipherSuite {
        lookup(id).unwrap_or_else(|| panic!("suite 0x{id:04x}"))
    }

    const HANDSHAKE: u8 = 22;
    const APPLICATION_DATA: u8 = 23;
    const ALERT: u8 = 21;

    // --- Real records from Wireshark debug traces -------------------------

    /// rsasnakeoil2.pcap, SSL 3.0 TLS_RSA_WITH_AES_256_CBC_SHA, server side:
    /// the Finished then a HelloRequest, chained IV. The HelloRequest's
    /// padding bytes are arbitrary (32 b8 77 53 e7 a6 f9, length 7), as SSL
    /// 3.0 allows.
    #[test]
    fn real_ssl3_aes256_cbc_sha_server_records() {
        let mut d = RecordDecryptor::new(
            suite(0x0035),
            0x0300,
            &h("b2 42 d0 1c a6 4e fb e9 9b 13 dd 29 63 aa 17 1f 47 71 95 71"),
            &h("a1 07 fd 1b 22 71 b9 4b 7a 1e 0f 70 37 14 97 0a
                f0 db 98 3b 7b 74 e3 2d 51 66 2e 31 68 90 ac 6f"),
            &h("95 1c c4 bf d9 cb 26 ef 35 70 5e ad 21 22 3e f6"),
            false,
        )
        .unwrap();
        let finished = d
            .decrypt(
                HANDSHAKE,
                0x0300,
                &h("ce 7c 92 43 59 cc 3d 90 91 9c 58 f0 7a ce ae 0d
                    08 e0 76 b4 86 b1 15 5b 32 b8 77 53 e7 a6 f9 d0
                    95 5f aa 07 c3 96 7c c9 88 c2 7a 20 89 4f eb eb
                    b6 19 ef aa 27 73 9d a6 b4 9f eb 34 e2 4d 9f 6b"),
            )
            .unwrap();
        assert_eq!(
            finished,
            h("14 00 00 24 37 f8 b2 a5 37 30 09 48 ab 29 d6 09 16 76 a2 ff
               c6 b8 f6 11 4f d4 d0 c0 d1 55 e4 c6 a1 ee a0 80 6e d9 78 d6")
        );
        let hello_request = d
            .decrypt(
                HANDSHAKE,
                0x0300,
                &h("97 bf 26 c7 53 58 9c 85 33 d1 67 93 e2 39 87 78
                    29 6a 84 dc d7 26 11 7d 83 66 04 74 8b fa 66 26"),
            )
            .unwrap();
        assert_eq!(hello_request, h("00 00 00 00"));
        assert_eq!(d.seq(), 2);
    }

    /// rsasnakeoil2.pcap, SSL 3.0: the client's Finished, keys derived here
    /// from the pre-master secret with the SSL 3.0 PRF.
    #[test]
    fn real_ssl3_client_finished_from_pre_master() {
        let s = suite(0x0035);
        let pms = h("03 00 ff 84 56 6d a0 fb cc fd c6 c8 20 d5 f0 65
             18 87 b0 44 45 9c e3 92 f0 4d 32 cd 41 85 10 24
             cb 7a b3 01 36 3d 93 27 12 a4 7e 00 29 96 59 d8");
        let cr = h("00000000000000000000000000000000 a8b893bb90e92aa24d6dcc1ce72a8021");
        let sr = h("444c948ffe81ed93650288a3f8eb6386 0e2cf68dd00f2c2ad64fcd2d3c16d7d6");
        let kind = PrfKind::for_suite(0x0300, s);
        let master = prf::master_secret(kind, &pms, &cr, &sr);
        let keys = prf::session_keys(kind, 0x0300, s, &master, &cr, &sr);
        let mut d = RecordDecryptor::new(
            s,
            0x0300,
            &keys.client_mac,
            &keys.client_key,
            &keys.client_iv,
            false,
        )
        .unwrap();
        let finished = d
            .decrypt(
                HANDSHAKE,
                0x0300,
                &h("a9 d8 d7 35 bc 39 56 98 ad 87 61 2a c4 8f cc 03
                    cb 93 80 81 b0 4a c4 d2 09 71 3e 90 3c 8d e0 95
                    44 fe 56 d1 7e 88 e2 48 fd 76 70 76 e2 cd 06 d0
                    f3 9d 13 79 67 1e 37 f6 98 be 59 18 4c fc 75 56"),
            )
            .unwrap();
        assert_eq!(
            finished,
            h("14 00 00 24 77 ab b7 1b 95 47 3c 2b 18 40 6e 0c 2d 2b 33 1d
               52 db 46 ab 31 ed d8 09 64 47 99 ee 8e 3c f1 a4 a9 1c 03 f2")
        );
    }

    /// rsa-p-lt-q.pcap, TLS 1.2 TLS_RSA_WITH_AES_256_CBC_SHA, client side:
    /// Finished, an HTTP request and a close_notify alert, each with its own
    /// explicit IV; keys derived from the pre-master secret.
    #[test]
    fn real_tls12_aes256_cbc_sha_client_records() {
        let s = suite(0x0035);
        let pms = h("03 03 b1 7f 7b 93 4c 14 f0 3f c6 d9 8a b3 2d 43
             31 fd 36 88 f2 a0 50 76 ea 73 79 65 0c 31 f5 93
             a6 59 0c 7a 09 72 04 f2 e7 58 fe ec 22 93 36 15");
        let cr = h("314a7114bbb0f1800f987e83e09019758225b0dc8ae087fefc5e0a92998af0eb");
        let sr = h("d99df098ba904d14cf62c8cea7c36dbdac36a5ae47967e99b0f6e2689474cc9f");
        let kind = PrfKind::for_suite(0x0303, s);
        let master = prf::master_secret(kind, &pms, &cr, &sr);
        let keys = prf::session_keys(kind, 0x0303, s, &master, &cr, &sr);
        assert!(keys.client_iv.is_empty());
        let mut d = RecordDecryptor::new(
            s,
            0x0303,
            &keys.client_mac,
            &keys.client_key,
            &keys.client_iv,
            false,
        )
        .unwrap();
        let finished = d
            .decrypt(
                HANDSHAKE,
                0x0303,
                &h("4e d9 9f c4 c3 1b 4c 67 55 ce fd 38 af 48 4b e9
                    11 04 4b 03 5a c1 59 25 4f 96 d2 a7 8d f2 bd 48
                    a0 74 64 2e 60 31 9a 41 ff f5 7a 0d f3 aa a8 5b
                    8c aa 58 77 fa 80 aa 56 19 16 41 a8 44 ed cf d8"),
            )
            .unwrap();
        assert_eq!(
            finished,
            h("14 00 00 0c 9c 2d da 26 5b 59 a8 85 43 3e ff 84")
        );
        let request = d
            .decrypt(
                APPLICATION_DATA,
                0x0303,
                &h(
                    "149fa5b470e254601d0ffd6d157b16c27d8fde504581f53fa77d99410c8c218f
                    0b1c706b0456a2940e41b238261458283063a7e1a0cb360b17fa90c7d9499d7b
                    fbe118e00889b2d3ceb703b2211f510367bcc1fd70b133f1f37341a5fdc1748d
                    3012f840488e4bb3c33d9e574e501123",
                ),
            )
            .unwrap();
        assert_eq!(
            request,
            b"GET / HTTP/1.1\r\nHost: 10.9.0.2\r\nUser-Agent: curl/7.43.0\r\nAccept: */*\r\n\r\n"
        );
        let alert = d
            .decrypt(
                ALERT,
                0x0303,
                &h(
                    "d65d1193eb976ea172e078d668632572d9d40e4ff7e06affdb9c2445b780cd06
                    d5db77295a3ebe0f5a4d3848ce6cdb70",
                ),
            )
            .unwrap();
        assert_eq!(alert, [1, 0]);
    }

    /// dhe1.pcapng.gz, TLS 1.0 TLS_DHE_RSA_WITH_AES_256_CBC_SHA, client side:
    /// four records with the IV chained from one to the next (Finished, the
    /// empty record of the 0/n split, an HTTP request, close_notify).
    #[test]
    fn real_tls10_aes256_cbc_sha_chained_records() {
        let mut d = RecordDecryptor::new(
            suite(0x0039),
            0x0301,
            &h("da22e5b150f76c6be16de7aa63fbfbc9b0d2199d"),
            &h("2a67ad5915566af4077ab77b605a16b07f2d1f15957cf98ad15b1be669d0550d"),
            &h("40d5d36e41d73522818ee3530a8063ab"),
            false,
        )
        .unwrap();
        let records: [(u8, &str, &[u8]); 4] = [
            (
                HANDSHAKE,
                "8959b359348c1a12ffa16057f68f64ae07ad3cd0327247c7780376d93b143299
                 640eb86fd93981bff90238629c21ba63",
                &[
                    0x14, 0x00, 0x00, 0x0c, 0x5a, 0xd7, 0xc8, 0x4c, 0x7e, 0x12, 0x7a, 0x15, 0x2c,
                    0x14, 0x9e, 0xe5,
                ],
            ),
            (
                APPLICATION_DATA,
                "74b8a38f719e3f0646fbf21bb2bf5203dd8851ef416342ea87229b59da8bc8f6",
                b"",
            ),
            (
                APPLICATION_DATA,
                "2312d4965c6615b93d743fd18c3d021d98f45d860dac6955b4c2b8c0fa474042
                 a88500065754ab287f7c0975f1fff352",
                b"GET /test HTTP/1.0\n",
            ),
            (
                ALERT,
                "55f09442506e60de2f9b0dca0bc9bace17c135c6d81e80eddcdcf18eec7a0896",
                &[1, 0],
            ),
        ];
        for (i, (ct, fragment, plain)) in records.iter().enumerate() {
            assert_eq!(
                d.decrypt(*ct, 0x0301, &h(fragment)).unwrap(),
                *plain,
                "record {i}"
            );
        }
        assert_eq!(d.seq(), 4);
    }

    /// TLS 1.2 TLS_RSA_WITH_AES_128_CBC_SHA256 with Encrypt-then-MAC: an
    /// OpenSSL 3.0 s_client → s_server exchange over loopback, decrypted by
    /// tshark 4.0 with the server key (see prf.rs, extended master secret).
    #[test]
    fn real_tls12_encrypt_then_mac_records() {
        let mut d = RecordDecryptor::new(
            suite(0x003c),
            0x0303,
            &h("f07b344f8ae6c71cd8259524cb344ff13cec9e6fd28f5aca57a487478b708231"),
            &h("4fb059583aa71b090efa8e88810e6365"),
            &[],
            true,
        )
        .unwrap();
        let finished = h(
            "73b6b1a63da72809daecb646fe423f200fca449381fad23289f52819f857a880
             abc424cd442844f217c95b13a51b9c9c1a464ae2891fba4cb0bc1846ed290987
             3b835fd69ea6db173e58601de16c0c70",
        );
        // The same record read as MAC-then-encrypt does not authenticate.
        let mut mte = RecordDecryptor::new(
            suite(0x003c),
            0x0303,
            &h("f07b344f8ae6c71cd8259524cb344ff13cec9e6fd28f5aca57a487478b708231"),
            &h("4fb059583aa71b090efa8e88810e6365"),
            &[],
            false,
        )
        .unwrap();
        assert!(mte.decrypt(HANDSHAKE, 0x0303, &finished).is_err());
        assert_eq!(
            d.decrypt(HANDSHAKE, 0x0303, &finished).unwrap(),
            h("1400000cf209ecb94e75dae1b2bbf1c4")
        );
        let request = h(
            "3bf8f2e4506e986e305dd55aa45e1877a19d7015eebf4a27785b45b686ecd27d
             62c26aeb8577fa18e8ff9af73322f87873127e272301206280832954b386ab96
             b8bc6de2fd533083e992b8094122dcf0",
        );
        assert_eq!(
            d.decrypt(APPLICATION_DATA, 0x0303, &request).unwrap(),
            b"GET / HTTP/1.0\r\n\r\n"
        );
    }

    /// tls12-aes256gcm.pcap, TLS_PSK_WITH_AES_256_GCM_SHA384, client side.
    #[test]
    fn real_tls12_aes256_gcm_records() {
        let mut d = RecordDecryptor::new(
            suite(0x00a9),
            0x0303,
            &[],
            &h("3dee31df429abfdab0d0145be0f091da6dab0325be88ab18f1dfa1a064238a10"),
            &h("34ee22ec"),
            false,
        )
        .unwrap();
        let records: [(u8, &str, &[u8]); 3] = [
            (
                HANDSHAKE,
                "00000000000000009041be8e2926c803f5304d3500a3e2a548bb59c6c3ead997df9cc8c0b48b25ee",
                &[
                    0x14, 0x00, 0x00, 0x0c, 0xf5, 0xd3, 0xb2, 0xdd, 0xd1, 0xf1, 0x12, 0x00, 0xe0,
                    0x1b, 0x53, 0x33,
                ],
            ),
            (
                APPLICATION_DATA,
                "0000000000000001f38fbb39806702bbb433a5f6d48fd71de7897940b2898b2aaf4f56471e807e",
                b"GET / HTTP/1.1\n",
            ),
            (
                APPLICATION_DATA,
                "000000000000000278e4617a9c55739c7273563bab0ede97b7544cee873b4456e0bca7b4913b9684",
                b"Host: localhost\n",
            ),
        ];
        for (i, (ct, fragment, plain)) in records.iter().enumerate() {
            assert_eq!(
                d.decrypt(*ct, 0x0303, &h(fragment)).unwrap(),
                *plain,
                "record {i}"
            );
        }
    }

    /// tls12-aes128ccm.pcap, TLS_PSK_WITH_AES_128_CCM, client side.
    #[test]
    fn real_tls12_aes128_ccm_records() {
        let mut d = RecordDecryptor::new(
            suite(0xc0a4),
            0x0303,
            &[],
            &h("e7e7212c73fb69c03146b5c1592e8143"),
            &h("8810b600"),
            false,
        )
        .unwrap();
        let finished =
            h("00000000000000005aade998fb32710b0af47d9b3ee68e606d6ac5657963267cd111b73745108fca");
        assert_eq!(
            d.decrypt(HANDSHAKE, 0x0303, &finished).unwrap(),
            h("1400000c486665650fcf775ca269a619")
        );
        let request =
            h("00000000000000016580c66947f97fa80a16f9d4342960648704de1268b894a710165fcb603734");
        assert_eq!(
            d.decrypt(APPLICATION_DATA, 0x0303, &request).unwrap(),
            b"GET / HTTP/1.1\n"
        );
    }

    /// tls12-chacha20poly1305.pcap, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
    /// (RFC 7905 nonce: IV XOR sequence number, no explicit nonce), client side.
    #[test]
    fn real_tls12_chacha20_poly1305_records() {
        let mut d = RecordDecryptor::new(
            suite(0xcca8),
            0x0303,
            &[],
            &h("1ee6bb701a4ad0ce46e2269f1a616f186fd04b634a4b1fe631a89aa734099e2b"),
            &h("c1f585bac6dffefb7cd4ecca"),
            false,
        )
        .unwrap();
        let finished = h("8e6041083b89ff49d068ec2f735d9dd8da0e286b5f9b84b135be0e4cf538c409");
        assert_eq!(
            d.decrypt(HANDSHAKE, 0x0303, &finished).unwrap(),
            h("1400000c4d3aec4a64a3731d7cdf6089")
        );
        let request = h(
            "5764dd7e195832563e2ba206e773b683481e6c561c3db4ec33e8f1d7deedf5d5
             5b592283a026ff7939cf5d6848207bd652f1cb",
        );
        assert_eq!(
            d.decrypt(APPLICATION_DATA, 0x0303, &request).unwrap(),
            b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
        );
    }

    // --- A test-only sender -----------------------------------------------
    //
    // Built from the crates' encryption side (cbc::Encryptor, the AEADs'
    // encrypt_in_place_detached, RC4) and MACs spelled out here, so that a
    // round trip checks the decryptor against an independent construction.

    fn tls_mac(alg: MacAlgorithm, key: &[u8], seq: u64, ct: u8, ver: u16, data: &[u8]) -> Vec<u8> {
        let mut hdr = seq.to_be_bytes().to_vec();
        hdr.push(ct);
        hdr.extend_from_slice(&ver.to_be_bytes());
        hdr.extend_from_slice(&(data.len() as u16).to_be_bytes());
        fn hm<M: Mac + KeyInit>(key: &[u8], hdr: &[u8], data: &[u8]) -> Vec<u8> {
            let mut m = <M as KeyInit>::new_from_slice(key).unwrap();
            m.update(hdr);
            m.update(data);
            m.finalize().into_bytes().to_vec()
        }
        match alg {
            MacAlgorithm::Md5 => hm::<Hmac<Md5>>(key, &hdr, data),
            MacAlgorithm::Sha1 => hm::<Hmac<Sha1>>(key, &hdr, data),
            MacAlgorithm::Sha256 => hm::<Hmac<Sha256>>(key, &hdr, data),
            MacAlgorithm::Sha384 => hm::<Hmac<Sha384>>(key, &hdr, data),
            MacAlgorithm::Null | MacAlgorithm::Aead => Vec::new(),
        }
    }

    fn ssl3_mac(alg: MacAlgorithm, key: &[u8], seq: u64, ct: u8, data: &[u8]) -> Vec<u8> {
        fn f<D: Digest>(key: &[u8], pad: usize, seq: u64, ct: u8, data: &[u8]) -> Vec<u8> {
            let inner = D::new()
                .chain_update(key)
                .chain_update(vec![0x36; pad])
                .chain_update(seq.to_be_bytes())
                .chain_update([ct])
                .chain_update((data.len() as u16).to_be_bytes())
                .chain_update(data)
                .finalize();
            D::new()
                .chain_update(key)
                .chain_update(vec![0x5c; pad])
                .chain_update(inner)
                .finalize()
                .to_vec()
        }
        match alg {
            MacAlgorithm::Md5 => f::<Md5>(key, 48, seq, ct, data),
            MacAlgorithm::Sha1 => f::<Sha1>(key, 40, seq, ct, data),
            _ => unreachable!("SSL 3.0 MACs are MD5 or SHA-1"),
        }
    }

    fn cbc_encrypt(cipher: BulkCipher, key: &[u8], iv: &[u8], data: &[u8]) -> Vec<u8> {
        fn enc<C: BlockEncryptMut + BlockCipherTrait + KeyInit>(
            key: &[u8],
            iv: &[u8],
            data: &[u8],
        ) -> Vec<u8> {
            cbc::Encryptor::<C>::new_from_slices(key, iv)
                .unwrap()
                .encrypt_padded_vec_mut::<NoPadding>(data)
        }
        match cipher {
            BulkCipher::Aes128 => enc::<Aes128>(key, iv, data),
            BulkCipher::Aes256 => enc::<Aes256>(key, iv, data),
            BulkCipher::Camellia128 => enc::<Camellia128>(key, iv, data),
            BulkCipher::Camellia256 => enc::<Camellia256>(key, iv, data),
            BulkCipher::Aria128 => enc::<Aria128>(key, iv, data),
            BulkCipher::Aria256 => enc::<Aria256>(key, iv, data),
            BulkCipher::TripleDes => enc::<TdesEde3>(key, iv, data),
            BulkCipher::Des => enc::<Des>(key, iv, data),
            other => unreachable!("{other:?}"),
        }
    }

    fn aead_seal(s: &CipherSuite, key: &[u8], nonce: &[u8], aad: &[u8], plain: &[u8]) -> Vec<u8> {
        fn seal<A: AeadInPlace + KeyInit>(
            key: &[u8],
            nonce: &[u8],
            aad: &[u8],
            plain: &[u8],
        ) -> Vec<u8> {
            let a = A::new_from_slice(key).unwrap();
            let mut buf = plain.to_vec();
            let tag = a
                .encrypt_in_place_detached(GenericArray::from_slice(nonce), aad, &mut buf)
                .unwrap();
            buf.extend_from_slice(&tag);
            buf
        }
        use BulkCipher as B;
        use CipherMode as M;
        match (s.cipher, s.mode) {
            (B::Aes128, M::Gcm) => seal::<AesGcm<Aes128, U12>>(key, nonce, aad, plain),
            (B::Aes256, M::Gcm) => seal::<AesGcm<Aes256, U12>>(key, nonce, aad, plain),
            (B::Aria128, M::Gcm) => seal::<AesGcm<Aria128, U12>>(key, nonce, aad, plain),
            (B::Aria256, M::Gcm) => seal::<AesGcm<Aria256, U12>>(key, nonce, aad, plain),
            (B::Camellia128, M::Gcm) => seal::<AesGcm<Camellia128, U12>>(key, nonce, aad, plain),
            (B::Camellia256, M::Gcm) => seal::<AesGcm<Camellia256, U12>>(key, nonce, aad, plain),
            (B::Aes128, M::Ccm) => seal::<Ccm<Aes128, U16, U12>>(key, nonce, aad, plain),
            (B::Aes256, M::Ccm) => seal::<Ccm<Aes256, U16, U12>>(key, nonce, aad, plain),
            (B::Aes128, M::Ccm8) => seal::<Ccm<Aes128, U8, U12>>(key, nonce, aad, plain),
            (B::Aes256, M::Ccm8) => seal::<Ccm<Aes256, U8, U12>>(key, nonce, aad, plain),
            (B::ChaCha20, M::Poly1305) => seal::<ChaCha20Poly1305>(key, nonce, aad, plain),
            other => unreachable!("{other:?}"),
        }
    }

    /// One direction's sender with deterministic keys.
    struct Sealer {
        suite: &'static CipherSuite,
        version: u16,
        etm: bool,
        mac_key: Vec<u8>,
        key: Vec<u8>,
        iv0: Vec<u8>,
        /// Chained CBC IV (SSL 3.0 / TLS 1.0).
        iv: Vec<u8>,
        seq: u64,
        rc4: Option<Rc4<U16>>,
    }

    impl Sealer {
        fn new(id: u16, version: u16, etm: bool) -> Self {
            let suite = suite(id);
            let mac_key: Vec<u8> = (0..suite.mac_len)
                .map(|i| 0x11 ^ i.wrapping_mul(7))
                .collect();
            let key: Vec<u8> = (0..suite.key_len)
                .map(|i| 0xa0 ^ i.wrapping_mul(13))
                .collect();
            let iv_len = match suite.mode {
                CipherMode::Cbc if version <= 0x0301 => suite.block_len,
                CipherMode::Gcm | CipherMode::Ccm | CipherMode::Ccm8 | CipherMode::Poly1305 => {
                    suite.fixed_iv_len
                }
                _ => 0,
            };
            let iv0: Vec<u8> = (0..iv_len).map(|i| 0x5a ^ i.wrapping_mul(3)).collect();
            let rc4 =
                (suite.mode == CipherMode::Stream).then(|| Rc4::new_from_slice(&key).unwrap());
            Sealer {
                suite,
                version,
                etm,
                mac_key,
                key,
                iv: iv0.clone(),
                iv0,
                seq: 0,
                rc4,
            }
        }

        fn decryptor(&self) -> RecordDecryptor {
            RecordDecryptor::new(
                self.suite,
                self.version,
                &self.mac_key,
                &self.key,
                &self.iv0,
                self.etm,
            )
            .unwrap()
        }

        fn seal(&mut self, ct: u8, plain: &[u8]) -> Vec<u8> {
            self.seal_padded(ct, plain, None)
        }

        /// `padding`: the CBC padding bytes including the final length byte
        /// (default: the shortest valid TLS padding).
        fn seal_padded(&mut self, ct: u8, plain: &[u8], padding: Option<&[u8]>) -> Vec<u8> {
            let s = self.suite;
            let ver = self.version;
            let seq = self.seq;
            self.seq += 1;
            let ssl3 = ver == 0x0300;
            let mac = |data: &[u8]| {
                if ssl3 {
                    ssl3_mac(s.mac, &self.mac_key, seq, ct, data)
                } else {
                    tls_mac(s.mac, &self.mac_key, seq, ct, ver, data)
                }
            };
            match s.mode {
                CipherMode::Null => [plain, &mac(plain)].concat(),
                CipherMode::Stream => {
                    let mut out = [plain, &mac(plain)].concat();
                    self.rc4.as_mut().unwrap().apply_keystream(&mut out);
                    out
                }
                CipherMode::Cbc => {
                    let bs = s.block_len as usize;
                    let implicit = ver <= 0x0301;
                    let etm = self.etm && !ssl3;
                    let mut inner = plain.to_vec();
                    if !etm {
                        inner.extend_from_slice(&mac(plain));
                    }
                    match padding {
                        Some(p) => inner.extend_from_slice(p),
                        None => {
                            let pad_len = bs - 1 - inner.len() % bs;
                            inner.extend(std::iter::repeat_n(pad_len as u8, pad_len + 1));
                        }
                    }
                    let iv: Vec<u8> = if implicit {
                        self.iv.clone()
                    } else {
                        (0..bs as u8)
                            .map(|i| (seq as u8).wrapping_mul(31) ^ i)
                            .collect()
                    };
                    let ciphertext = cbc_encrypt(s.cipher, &self.key, &iv, &inner);
                    if implicit {
                        self.iv = ciphertext[ciphertext.len() - bs..].to_vec();
                    }
                    let mut fragment = if implicit { Vec::new() } else { iv };
                    fragment.extend_from_slice(&ciphertext);
                    if etm {
                        let tag = tls_mac(s.mac, &self.mac_key, seq, ct, ver, &fragment);
                        fragment.extend_from_slice(&tag);
                    }
                    fragment
                }
                CipherMode::Gcm | CipherMode::Ccm | CipherMode::Ccm8 | CipherMode::Poly1305 => {
                    let mut aad = seq.to_be_bytes().to_vec();
                    aad.push(ct);
                    aad.extend_from_slice(&ver.to_be_bytes());
                    aad.extend_from_slice(&(plain.len() as u16).to_be_bytes());
                    if s.mode == CipherMode::Poly1305 {
                        let mut nonce = self.iv0.clone();
                        for (n, b) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
                            *n ^= b;
                        }
                        aead_seal(s, &self.key, &nonce, &aad, plain)
                    } else {
                        // An explicit nonce that is not the sequence number,
                        // to show it is read from the record.
                        let explicit = (seq ^ 0x0123_4567_89ab_cdef).to_be_bytes();
                        let nonce = [&self.iv0[..], &explicit].concat();
                        [&explicit[..], &aead_seal(s, &self.key, &nonce, &aad, plain)].concat()
                    }
                }
            }
        }
    }

    fn sample(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + len) as u8).collect()
    }

    const LENGTHS: [usize; 9] = [0, 1, 15, 16, 17, 31, 100, 1000, 16384];

    fn roundtrip(id: u16, version: u16, etm: bool) {
        let mut tx = Sealer::new(id, version, etm);
        let mut rx = tx.decryptor();
        for (i, len) in LENGTHS.into_iter().enumerate() {
            let plain = sample(len);
            let ct = if i % 2 == 0 {
                APPLICATION_DATA
            } else {
                HANDSHAKE
            };
            let fragment = tx.seal(ct, &plain);
            let got = rx.decrypt(ct, version, &fragment);
            assert_eq!(
                got.as_deref(),
                Ok(&plain[..]),
                "{} version 0x{version:04x} etm {etm} record {i} ({len} bytes)",
                tx.suite.name
            );
        }
        assert_eq!(rx.seq(), LENGTHS.len() as u64);
    }

    #[test]
    fn roundtrip_null_ciphers() {
        for version in [0x0300, 0x0301, 0x0302, 0x0303] {
            roundtrip(0x0001, version, false); // NULL_MD5
            roundtrip(0x0002, version, false); // NULL_SHA
        }
        roundtrip(0x003b, 0x0303, false); // NULL_SHA256
        roundtrip(0x0000, 0x0303, false); // NULL_WITH_NULL_NULL: passes through
    }

    #[test]
    fn roundtrip_rc4() {
        for version in [0x0300, 0x0301, 0x0302, 0x0303] {
            roundtrip(0x0004, version, false); // RC4_128_MD5
            roundtrip(0x0005, version, false); // RC4_128_SHA
        }
    }

    #[test]
    fn roundtrip_cbc_sha1_suites_all_versions() {
        let suites = [
            0x002f, // AES_128_CBC_SHA
            0x0035, // AES_256_CBC_SHA
            0x0041, // CAMELLIA_128_CBC_SHA
            0x0084, // CAMELLIA_256_CBC_SHA
            0x000a, // 3DES_EDE_CBC_SHA
            0x0009, // DES_CBC_SHA
        ];
        for id in suites {
            for version in [0x0300, 0x0301, 0x0302, 0x0303] {
                roundtrip(id, version, false);
                if version > 0x0300 {
                    roundtrip(id, version, true);
                }
            }
        }
    }

    #[test]
    fn roundtrip_cbc_sha2_suites() {
        let suites = [
            0x003c, // AES_128_CBC_SHA256
            0x003d, // AES_256_CBC_SHA256
            0x00c0, // CAMELLIA_256_CBC_SHA256
            0xc03c, // ARIA_128_CBC_SHA256
            0xc03d, // ARIA_256_CBC_SHA384
        ];
        for id in suites {
            roundtrip(id, 0x0303, false);
            roundtrip(id, 0x0303, true);
        }
    }

    #[test]
    fn roundtrip_aead_suites() {
        let suites = [
            0x009c, // AES_128_GCM_SHA256
            0x009d, // AES_256_GCM_SHA384
            0xc050, // ARIA_128_GCM_SHA256
            0xc051, // ARIA_256_GCM_SHA384
            0xc07a, // CAMELLIA_128_GCM_SHA256
            0xc07b, // CAMELLIA_256_GCM_SHA384
            0xc09c, // AES_128_CCM
            0xc09d, // AES_256_CCM
            0xc0a0, // AES_128_CCM_8
            0xc0a1, // AES_256_CCM_8
            0xcca8, // ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
        ];
        for id in suites {
            roundtrip(id, 0x0303, false);
            // Encrypt-then-MAC does not apply to AEAD ciphers.
            roundtrip(id, 0x0303, true);
        }
    }

    /// Flips one bit at `pos` of a fresh 100-byte record and returns what
    /// decrypting it gives.
    fn tampered(id: u16, version: u16, etm: bool, pos: impl Fn(usize) -> usize) -> RecordError {
        let mut tx = Sealer::new(id, version, etm);
        let mut rx = tx.decryptor();
        let mut fragment = tx.seal(APPLICATION_DATA, &sample(100));
        let i = pos(fragment.len());
        fragment[i] ^= 0x01;
        rx.decrypt(APPLICATION_DATA, version, &fragment)
            .unwrap_err()
    }

    #[test]
    fn flipped_bit_fails_authentication() {
        let first = |_| 0;
        let middle = |n| n / 2;
        let last = |n| n - 1;
        for (id, version) in [
            (0x0001, 0x0301),
            (0x0002, 0x0300),
            (0x003b, 0x0303),
            (0x0005, 0x0301),
            (0x0004, 0x0300),
        ] {
            assert_eq!(tampered(id, version, false, first), RecordError::BadMac);
            assert_eq!(tampered(id, version, false, middle), RecordError::BadMac);
            assert_eq!(tampered(id, version, false, last), RecordError::BadMac);
        }
        // CBC, MAC-then-encrypt: a flip in the first blocks garbles content
        // (bad MAC); in the last block it hits the padding or the MAC.
        for (id, version) in [
            (0x002f, 0x0300),
            (0x002f, 0x0301),
            (0x0035, 0x0302),
            (0x0041, 0x0303),
            (0x000a, 0x0303),
        ] {
            assert_eq!(
                tampered(id, version, false, first),
                RecordError::BadMac,
                "0x{id:04x} 0x{version:04x}"
            );
            assert_eq!(tampered(id, version, false, |n| n / 3), RecordError::BadMac);
            assert!(matches!(
                tampered(id, version, false, last),
                RecordError::BadMac | RecordError::BadPadding
            ));
        }
        // Encrypt-then-MAC: the MAC is checked first, whatever is hit.
        for (id, version) in [(0x002f, 0x0301), (0x003c, 0x0303), (0xc03d, 0x0303)] {
            for pos in [first, middle, last] {
                assert_eq!(tampered(id, version, true, pos), RecordError::BadMac);
            }
            // The byte just before the MAC: the padding length.
            let mac_len = suite(id).mac_len as usize;
            assert_eq!(
                tampered(id, version, true, |n| n - mac_len - 1),
                RecordError::BadMac
            );
        }
        // AEAD: any flip (explicit nonce, ciphertext, tag) fails the tag.
        for id in [0x009c, 0x009d, 0xc050, 0xc07b, 0xc09c, 0xc0a1, 0xcca8] {
            for pos in [first, middle, last] {
                assert_eq!(
                    tampered(id, 0x0303, false, pos),
                    RecordError::BadTag,
                    "0x{id:04x}"
                );
            }
        }
    }

    #[test]
    fn header_fields_are_authenticated() {
        for (id, version, err) in [
            (0x002f, 0x0303, RecordError::BadMac),
            (0x009c, 0x0303, RecordError::BadTag),
            (0xcca8, 0x0303, RecordError::BadTag),
            (0x0005, 0x0301, RecordError::BadMac),
        ] {
            let mut tx = Sealer::new(id, version, false);
            let fragment = tx.seal(APPLICATION_DATA, b"hello");
            assert_eq!(
                tx.decryptor().decrypt(HANDSHAKE, version, &fragment),
                Err(err.clone())
            );
            assert_eq!(
                tx.decryptor().decrypt(APPLICATION_DATA, 0x0302, &fragment),
                Err(err)
            );
            assert_eq!(
                tx.decryptor()
                    .decrypt(APPLICATION_DATA, version, &fragment)
                    .unwrap(),
                b"hello"
            );
        }
    }

    #[test]
    fn ssl3_mac_ignores_record_version() {
        // The SSL 3.0 MAC has no version field.
        let mut tx = Sealer::new(0x002f, 0x0300, false);
        let fragment = tx.seal(APPLICATION_DATA, b"hello");
        assert_eq!(
            tx.decryptor()
                .decrypt(APPLICATION_DATA, 0x0301, &fragment)
                .unwrap(),
            b"hello"
        );
    }

    #[test]
    fn tls_padding_rules() {
        // AES-128-CBC-SHA, TLS 1.2: 1 byte + 20 MAC = 21; 11 bytes of padding
        // make 32.
        let mut tx = Sealer::new(0x002f, 0x0303, false);
        let mut rx = tx.decryptor();
        let ok = tx.seal_padded(APPLICATION_DATA, b"x", Some(&[10; 11]));
        assert_eq!(rx.decrypt(APPLICATION_DATA, 0x0303, &ok).unwrap(), b"x");
        // Longest padding: 251 bytes (21 + 251 = 272 = 17 blocks).
        let long = tx.seal_padded(APPLICATION_DATA, b"x", Some(&[250; 251]));
        assert_eq!(rx.decrypt(APPLICATION_DATA, 0x0303, &long).unwrap(), b"x");
        // One padding byte differs from the length.
        let mut bad = [10u8; 11];
        bad[3] = 9;
        let fragment = tx.seal_padded(APPLICATION_DATA, b"x", Some(&bad));
        assert_eq!(
            rx.decrypt(APPLICATION_DATA, 0x0303, &fragment),
            Err(RecordError::BadPadding)
        );
        // Padding length longer than the record.
        let fragment = tx.seal_padded(APPLICATION_DATA, b"", Some(&[200; 12]));
        assert_eq!(
            rx.decrypt(APPLICATION_DATA, 0x0303, &fragment),
            Err(RecordError::BadPadding)
        );
        // Padding that eats into the MAC.
        let fragment = tx.seal_padded(APPLICATION_DATA, b"", Some(&[30; 12]));
        assert_eq!(
            rx.decrypt(APPLICATION_DATA, 0x0303, &fragment),
            Err(RecordError::BadPadding)
        );
        // The decryptor kept going: the next good record decrypts.
        let fragment = tx.seal(APPLICATION_DATA, b"after");
        assert_eq!(
            rx.decrypt(APPLICATION_DATA, 0x0303, &fragment).unwrap(),
            b"after"
        );
    }

    #[test]
    fn ssl3_padding_rules() {
        let mut tx = Sealer::new(0x002f, 0x0300, false);
        let mut rx = tx.decryptor();
        // Arbitrary padding content is fine in SSL 3.0 …
        let fragment = tx.seal_padded(
            HANDSHAKE,
            b"x",
            Some(&[0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 10]),
        );
        assert_eq!(rx.decrypt(HANDSHAKE, 0x0300, &fragment).unwrap(), b"x");
        // … but the padding must be shorter than a block: 11 + 20 + 17 = 48.
        let fragment = tx.seal_padded(HANDSHAKE, &[7; 11], Some(&[16; 17]));
        assert_eq!(
            rx.decrypt(HANDSHAKE, 0x0300, &fragment),
            Err(RecordError::BadPadding)
        );
        // The same 17-byte padding is valid TLS.
        let mut tls = Sealer::new(0x002f, 0x0301, false);
        let mut tls_rx = tls.decryptor();
        let fragment = tls.seal_padded(HANDSHAKE, &[7; 11], Some(&[16; 17]));
        assert_eq!(
            tls_rx.decrypt(HANDSHAKE, 0x0301, &fragment).unwrap(),
            [7; 11]
        );
        // And inconsistent padding bytes are not valid TLS.
        let fragment = tls.seal_padded(
            HANDSHAKE,
            b"x",
            Some(&[0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 10]),
        );
        assert_eq!(
            tls_rx.decrypt(HANDSHAKE, 0x0301, &fragment),
            Err(RecordError::BadPadding)
        );
    }

    #[test]
    fn encrypt_then_mac_padding_checked_after_mac() {
        let mut tx = Sealer::new(0x003c, 0x0303, true);
        let mut rx = tx.decryptor();
        // Valid MAC over a ciphertext whose padding is inconsistent.
        let fragment = tx.seal_padded(
            APPLICATION_DATA,
            &[1, 2, 3],
            Some(&[9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 12]),
        );
        assert_eq!(
            rx.decrypt(APPLICATION_DATA, 0x0303, &fragment),
            Err(RecordError::BadPadding)
        );
        let fragment = tx.seal_padded(APPLICATION_DATA, &[1, 2, 3], Some(&[12; 13]));
        assert_eq!(
            rx.decrypt(APPLICATION_DATA, 0x0303, &fragment).unwrap(),
            [1, 2, 3]
        );
    }

    #[test]
    fn tls10_iv_chains_across_records_even_after_a_bad_mac() {
        for etm in [false, true] {
            let mut tx = Sealer::new(0x002f, 0x0301, etm);
            let r1 = tx.seal(APPLICATION_DATA, &sample(100));
            let r2 = tx.seal(APPLICATION_DATA, &sample(50));
            let r3 = tx.seal(APPLICATION_DATA, &sample(10));

            // In order: fine.
            let mut rx = tx.decryptor();
            assert_eq!(
                rx.decrypt(APPLICATION_DATA, 0x0301, &r1).unwrap(),
                sample(100)
            );
            assert_eq!(
                rx.decrypt(APPLICATION_DATA, 0x0301, &r2).unwrap(),
                sample(50)
            );
            assert_eq!(
                rx.decrypt(APPLICATION_DATA, 0x0301, &r3).unwrap(),
                sample(10)
            );

            // Record 1 damaged in its first block: it fails, but its last
            // ciphertext block still becomes record 2's IV.
            let mut rx = tx.decryptor();
            let mut bad = r1.clone();
            bad[0] ^= 0x80;
            assert_eq!(
                rx.decrypt(APPLICATION_DATA, 0x0301, &bad),
                Err(RecordError::BadMac)
            );
            assert_eq!(rx.seq(), 1);
            assert_eq!(
                rx.decrypt(APPLICATION_DATA, 0x0301, &r2).unwrap(),
                sample(50)
            );
            assert_eq!(
                rx.decrypt(APPLICATION_DATA, 0x0301, &r3).unwrap(),
                sample(10)
            );

            // Skipping record 1 leaves the wrong IV (and sequence number).
            let mut rx = tx.decryptor();
            assert!(rx.decrypt(APPLICATION_DATA, 0x0301, &r2).is_err());
        }
    }

    #[test]
    fn tls11_records_carry_their_own_iv() {
        // Each record decrypts on its own once the sequence number matches:
        // no state flows from one record to the next.
        let mut tx = Sealer::new(0x0035, 0x0302, false);
        let r1 = tx.seal(APPLICATION_DATA, &sample(40));
        let r2 = tx.seal(APPLICATION_DATA, &sample(41));
        let mut rx = tx.decryptor();
        assert_eq!(
            rx.decrypt(APPLICATION_DATA, 0x0302, &r1[..r1.len() - 1]),
            Err(RecordError::TooShort)
        );
        assert_eq!(
            rx.decrypt(APPLICATION_DATA, 0x0302, &r2).unwrap(),
            sample(41)
        );
    }

    #[test]
    fn rc4_keystream_carries_across_records() {
        let mut tx = Sealer::new(0x0005, 0x0301, false);
        let r1 = tx.seal(APPLICATION_DATA, b"first record");
        let r2 = tx.seal(APPLICATION_DATA, b"second record");
        let mut rx = tx.decryptor();
        assert_eq!(
            rx.decrypt(APPLICATION_DATA, 0x0301, &r1).unwrap(),
            b"first record"
        );
        assert_eq!(
            rx.decrypt(APPLICATION_DATA, 0x0301, &r2).unwrap(),
            b"second record"
        );
        // Starting at record 2 uses the wrong keystream.
        let mut rx = tx.decryptor();
        rx.seq = 1;
        assert_eq!(
            rx.decrypt(APPLICATION_DATA, 0x0301, &r2),
            Err(RecordError::BadMac)
        );
        // A damaged record 1 still advances the keystream by its length.
        let mut rx = tx.decryptor();
        let mut bad = r1.clone();
        bad[2] ^= 4;
        assert_eq!(
            rx.decrypt(APPLICATION_DATA, 0x0301, &bad),
            Err(RecordError::BadMac)
        );
        assert_eq!(
            rx.decrypt(APPLICATION_DATA, 0x0301, &r2).unwrap(),
            b"second record"
        );
    }

    #[test]
    fn sequence_number_advances_on_failure() {
        let mut tx = Sealer::new(0x0002, 0x0303, false);
        let mut rx = tx.decryptor();
        let r1 = tx.seal(HANDSHAKE, b"one");
        let r2 = tx.seal(HANDSHAKE, b"two");
        assert_eq!(
            rx.decrypt(HANDSHAKE, 0x0303, b"not a record at all"),
            Err(RecordError::TooShort)
        );
        assert_eq!(rx.seq(), 1);
        assert_eq!(rx.decrypt(HANDSHAKE, 0x0303, &r2).unwrap(), b"two");
        assert_eq!(rx.decrypt(HANDSHAKE, 0x0303, &r1), Err(RecordError::BadMac));
        assert_eq!(rx.seq(), 3);
    }

    #[test]
    fn short_records() {
        let too_short = |id: u16, version: u16, etm: bool, fragment: &[u8]| {
            let d = Sealer::new(id, version, etm).decryptor();
            let mut d = d;
            d.decrypt(APPLICATION_DATA, version, fragment)
        };
        use RecordError::TooShort;
        assert_eq!(too_short(0x0002, 0x0303, false, &[0; 19]), Err(TooShort));
        assert_eq!(too_short(0x0005, 0x0303, false, &[0; 19]), Err(TooShort));
        // TLS 1.2 CBC: shorter than the IV; IV only; IV + partial block; one
        // block that cannot hold a 20-byte MAC.
        assert_eq!(too_short(0x002f, 0x0303, false, &[0; 10]), Err(TooShort));
        assert_eq!(too_short(0x002f, 0x0303, false, &[0; 16]), Err(TooShort));
        assert_eq!(too_short(0x002f, 0x0303, false, &[0; 40]), Err(TooShort));
        assert_eq!(too_short(0x002f, 0x0303, false, &[0; 32]), Err(TooShort));
        assert_eq!(too_short(0x002f, 0x0301, false, &[0; 0]), Err(TooShort));
        assert_eq!(too_short(0x000a, 0x0301, false, &[0; 12]), Err(TooShort));
        // EtM: IV + MAC but no ciphertext block.
        assert_eq!(too_short(0x002f, 0x0303, true, &[0; 36]), Err(TooShort));
        assert_eq!(too_short(0x002f, 0x0301, true, &[0; 19]), Err(TooShort));
        // AEAD: explicit nonce + tag is the minimum (an empty record).
        assert_eq!(too_short(0x009c, 0x0303, false, &[0; 23]), Err(TooShort));
        assert_eq!(too_short(0xc0a0, 0x0303, false, &[0; 15]), Err(TooShort));
        assert_eq!(too_short(0xcca8, 0x0303, false, &[0; 15]), Err(TooShort));
        assert_eq!(
            too_short(0x009c, 0x0303, false, &[0; 24]),
            Err(RecordError::BadTag)
        );
    }

    #[test]
    fn unsupported_combinations() {
        let attempt = |id: u16, version: u16, mac: usize, key: usize, iv: usize| {
            RecordDecryptor::new(
                suite(id),
                version,
                &vec![1; mac],
                &vec![2; key],
                &vec![3; iv],
                false,
            )
            .map(|_| ())
        };
        // Export, IDEA, SEED, TLS 1.3 suites.
        for (id, mac, key) in [
            (0x0003, 16, 5),
            (0x0006, 16, 5),
            (0x0008, 20, 5),
            (0x0007, 20, 16),
            (0x0096, 20, 16),
        ] {
            let err = attempt(id, 0x0301, mac, key, 8).unwrap_err();
            assert!(err.0.contains(suite(id).name), "{err}");
        }
        assert!(attempt(0x1301, 0x0303, 0, 16, 12).is_err());
        // AEAD before TLS 1.2; SHA-256 MAC in SSL 3.0; unknown versions.
        assert!(attempt(0x009c, 0x0302, 0, 16, 4).is_err());
        assert!(attempt(0x003c, 0x0300, 32, 16, 16).is_err());
        assert!(attempt(0x002f, 0x0304, 20, 16, 0).is_err());
        assert!(attempt(0x002f, 0xfefd, 20, 16, 0).is_err());
        assert!(attempt(0x002f, 0x0200, 20, 16, 16).is_err());
        // Wrong key, MAC key or IV lengths.
        assert!(attempt(0x002f, 0x0303, 20, 32, 0).is_err());
        assert!(attempt(0x002f, 0x0303, 16, 16, 0).is_err());
        assert!(attempt(0x002f, 0x0301, 20, 16, 0).is_err());
        assert!(attempt(0x009c, 0x0303, 0, 16, 12).is_err());
        assert!(attempt(0xcca8, 0x0303, 0, 32, 4).is_err());
        // The supported ones with the right lengths.
        assert!(attempt(0x002f, 0x0301, 20, 16, 16).is_ok());
        assert!(attempt(0x002f, 0x0303, 20, 16, 0).is_ok());
        assert!(attempt(0x002f, 0x0303, 20, 16, 16).is_ok()); // IV ignored
        assert!(attempt(0x0009, 0x0300, 20, 8, 8).is_ok());
        assert!(attempt(0x009c, 0x0303, 0, 16, 4).is_ok());
        assert!(attempt(0xcca8, 0x0303, 0, 32, 12).is_ok());
        let msg = Unsupported("X".into()).to_string();
        assert_eq!(msg, "cipher not supported for decryption: X");
    }

    #[test]
    fn debug_output_hides_keys() {
        let d = Sealer::new(0x002f, 0x0303, false).decryptor();
        let s = format!("{d:?}");
        assert!(
            s.contains("TLS_RSA_WITH_AES_128_CBC_SHA") && s.contains("0x0303"),
            "{s}"
        );
    }
}
