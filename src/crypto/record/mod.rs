//! Record protection: SSL 3.0 and TLS 1.0–1.2 ([`RecordDecryptor`]), TLS 1.3
//! ([`Tls13Decryptor`]), and one direction's keys over time ([`KeyChain`]).
//!
//! Who keeps what:
//!
//! ```text
//!  caller (the session)
//!     │  decrypt(type, version, fragment)
//!     ▼
//!  KeyChain (chain.rs)                which keys are in force, what comes next;
//!     │                               per key set the sequence number; builds the
//!     │                               TLS header that the decryptor authenticates
//!     │  RecordAad { seq, type, version }           TLS ≤ 1.2
//!     │  ProtectedHeader { seq, header: 5 bytes }   TLS 1.3
//!     ▼
//!  RecordDecryptor / Tls13Decryptor   explicit inputs: keeps no counter, builds no
//!     │                               header; holds only the state the cipher
//!     │                               carries (RC4 keystream, SSL 3.0 / TLS 1.0 IV)
//!     ▼
//!  cipher: mac.rs, stream.rs, cbc.rs, aead.rs
//! ```
//!
//! The decryptors take the sequence number and the header fields they authenticate
//! as arguments, so that transports numbering records differently can reuse them:
//!
//! | caller | what it passes |
//! |---|---|
//! | TLS ≤ 1.2 ([`KeyChain`]) | [`RecordAad::tls`]: the implicit 64-bit sequence number, type, version |
//! | DTLS 1.0 / 1.2 | [`RecordAad::dtls`]: epoch ‖ 48-bit sequence number from the record header (RFC 6347 §4.1.2.1), type, version |
//! | TLS 1.3 ([`KeyChain`]) | [`ProtectedHeader`]: the implicit sequence number, the 5-byte record header as it travelled |
//! | DTLS 1.3 | [`ProtectedHeader`]: the reconstructed sequence number, the unified header with the record number in clear (RFC 9147 §4) |
//! | QUIC | [`ProtectedHeader`]: the packet number, the header up to and including it (RFC 9001 §5.3), to [`PacketAead::open`], keyed by [`crate::crypto::quic`] with QUIC's own labels (RFC 9001 §5.1) |
//!
//! [`RecordDecryptor`] covers:
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
//! suites (RC4-40, RC2-40, DES-40), IDEA, SEED, SM4, TLS 1.3 suites, DTLS
//! version numbers (a DTLS caller builds the decryptor with the TLS version
//! whose record protection applies), and AEAD suites under a version before
//! TLS 1.2.
//!
//! The decryptors are built for long captures: cipher key schedules and keyed
//! MAC states are prepared once in the constructors, and decrypting allocates
//! nothing but the returned plaintext. Comparisons need not be constant-time
//! here (a passive decoder is not an oracle); HMAC and AEAD checks use the
//! RustCrypto crates' own, the SSL 3.0 MAC a plain comparison.
//!
//! The code is split by responsibility: this file holds the TLS ≤ 1.2
//! decryptor, the per-record dispatch, the errors and [`RecordAad`]; `mac.rs`
//! the TLS HMAC and SSL 3.0 MAC; `stream.rs` the NULL and RC4 ciphers; `cbc.rs`
//! the CBC constructions (padding, IV chaining, Encrypt-then-MAC); `aead.rs`
//! GCM, CCM and ChaCha20-Poly1305; `tls13.rs` TLS 1.3 record protection;
//! `packet.rs` the same AEAD under keys derived elsewhere (QUIC);
//! `chain.rs` a direction's keys and sequence numbers over time
//! (ChangeCipherSpec, TLS 1.3 key changes).

mod aead;
mod cbc;
mod chain;
mod mac;
mod packet;
mod stream;
#[cfg(test)]
pub(crate) mod testutil;
mod tls13;

use std::fmt;

use aes::cipher::KeyInit;
use aes_gcm::aead::consts::U16;
use rc4::Rc4;

pub use self::chain::{KeyChain, RecordKeys, Unlocked};
pub use self::packet::PacketAead;
pub use self::tls13::{Opened, ProtectedHeader, Tls13Decryptor};

use self::aead::AeadState;
use self::cbc::CbcState;
use self::mac::RecordMac;
use crate::tls::cipher_suite::{CipherMode, CipherSuite};

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
    /// Longer than any protected record may be (2^14 + 256 bytes in TLS 1.3).
    #[error("record longer than the protocol allows")]
    TooLong,
    /// TLS 1.3: the decrypted record is all zeros, with no content type.
    #[error("decrypted TLS 1.3 record has no content type")]
    NoContentType,
}

/// The suite / version / key combination cannot be decrypted by this module.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cipher not supported for decryption: {0}")]
pub struct Unsupported(pub String);

/// What the MAC or AEAD additional data of one SSL 3.0 / TLS ≤ 1.2 / DTLS ≤ 1.2
/// record covers besides its content, as the caller knows it:
///
/// ```text
///  TLS  (RFC 5246 §6.2.3.1)    seq_num(8)                       type(1) version(2) length(2)
///  DTLS (RFC 6347 §4.1.2.1)    epoch(2) ‖ sequence_number(6)    type(1) version(2) length(2)
///  SSL 3.0 (RFC 6101 §5.2.3.1) seq_num(8)                       type(1)            length(2)
/// ```
///
/// The length is the content's, which only the cipher can tell (after removing
/// IV, padding, MAC or tag): the decryptor fills it in. `seq` is also what
/// ChaCha20-Poly1305 XORs into its nonce (RFC 7905 §2, for TLS and DTLS alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordAad {
    /// The 8 bytes in front: the TLS sequence number, or DTLS epoch ‖ sequence number.
    pub seq: u64,
    /// The record header's content type.
    pub content_type: u8,
    /// The record header's version, as it travelled (not in the SSL 3.0 MAC).
    pub version: u16,
}

impl RecordAad {
    /// A TLS record: `seq` is the number of records sent before it under the same keys.
    pub fn tls(seq: u64, content_type: u8, version: u16) -> Self {
        RecordAad {
            seq,
            content_type,
            version,
        }
    }

    /// A DTLS record: `epoch` and the 48-bit `sequence_number` of its header (bits
    /// above the 48th are ignored).
    pub fn dtls(epoch: u16, sequence_number: u64, content_type: u8, version: u16) -> Self {
        RecordAad {
            seq: (epoch as u64) << 48 | (sequence_number & 0xffff_ffff_ffff),
            content_type,
            version,
        }
    }

    /// TLS MAC / AEAD additional data: seq_num + type + version + length.
    fn mac_input(&self, len: usize) -> [u8; 13] {
        let mut h = [0u8; 13];
        h[..8].copy_from_slice(&self.seq.to_be_bytes());
        h[8] = self.content_type;
        h[9..11].copy_from_slice(&self.version.to_be_bytes());
        // Record fragments are at most 2^14 + 2048 bytes: the cast is exact.
        h[11..].copy_from_slice(&(len as u16).to_be_bytes());
        h
    }

    /// SSL 3.0 MAC header: seq_num + type + length (no version).
    fn ssl3_mac_input(&self, len: usize) -> [u8; 11] {
        let mut h = [0u8; 11];
        h[..8].copy_from_slice(&self.seq.to_be_bytes());
        h[8] = self.content_type;
        h[9..].copy_from_slice(&(len as u16).to_be_bytes());
        h
    }
}

/// One direction's record protection for SSL 3.0 and TLS 1.0–1.2 under one set of
/// keys.
///
/// It keeps no sequence number: each call says which record it is
/// ([`RecordAad`]). The only state carried from one record to the next is the
/// cipher's own, as the sender's was: the RC4 keystream position, and with SSL 3.0 /
/// TLS 1.0 CBC the IV (the previous record's last ciphertext block). Those two
/// need records in the order sent; every other cipher opens any record on its own.
pub struct RecordDecryptor {
    suite: &'static CipherSuite,
    version: u16,
    mac: RecordMac,
    cipher: CipherState,
    encrypt_then_mac: bool,
}

impl fmt::Debug for RecordDecryptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys and cipher state stay out of debug output.
        f.debug_struct("RecordDecryptor")
            .field("suite", &self.suite.name)
            .field("version", &format_args!("0x{:04x}", self.version))
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
        let cipher = match suite.mode {
            CipherMode::Null => CipherState::Null,
            CipherMode::Stream => {
                CipherState::Rc4(stream::new_rc4(suite.cipher, enc_key).map_err(unsupported)?)
            }
            CipherMode::Cbc => CipherState::Cbc(
                CbcState::new(suite.cipher, enc_key, version, iv).map_err(unsupported)?,
            ),
            CipherMode::Gcm | CipherMode::Ccm | CipherMode::Ccm8 | CipherMode::Poly1305 => {
                if version < TLS12_VERSION {
                    return Err(unsupported(format!(
                        "AEAD cipher with version 0x{version:04x}"
                    )));
                }
                CipherState::Aead(
                    AeadState::new(suite.cipher, suite.mode, enc_key, iv).map_err(unsupported)?,
                )
            }
        };
        Ok(RecordDecryptor {
            suite,
            version,
            mac,
            encrypt_then_mac: encrypt_then_mac && !ssl3 && suite.mode == CipherMode::Cbc,
            cipher,
        })
    }

    /// Decrypts and authenticates one record fragment, with `aad` saying which
    /// record it is and how its header read; returns the plaintext fragment.
    ///
    /// A real TLS receiver would abort the connection on any failure; a capture
    /// reader continues so that one bad record does not cost the rest. For the
    /// same reason the cipher state moves on as the sender's did: the RC4
    /// keystream advances over the whole fragment, and with SSL 3.0 / TLS 1.0
    /// CBC the next IV is this record's last ciphertext block even when its
    /// MAC or padding is bad.
    pub fn decrypt(&mut self, aad: RecordAad, fragment: &[u8]) -> Result<Vec<u8>, RecordError> {
        let ssl3 = self.version == SSL3_VERSION;
        let mac = &self.mac;
        match &mut self.cipher {
            CipherState::Null => stream::open_null(mac, &aad, fragment),
            CipherState::Rc4(rc4) => stream::open_rc4(rc4, mac, &aad, fragment),
            CipherState::Cbc(state) => state.open(mac, &aad, fragment, self.encrypt_then_mac, ssl3),
            CipherState::Aead(state) => state.open(&aad, fragment),
        }
    }

    /// Whether a record opens without the one before it: every cipher but RC4 and
    /// SSL 3.0 / TLS 1.0 CBC, whose state runs on from record to record. Only such
    /// records can be opened past records the capture lost.
    pub fn opens_records_alone(&self) -> bool {
        match &self.cipher {
            CipherState::Rc4(_) => false,
            CipherState::Cbc(state) => !state.chains_iv(),
            CipherState::Null | CipherState::Aead(_) => true,
        }
    }

    /// The cipher suite this decryptor was built for.
    pub fn suite(&self) -> &'static CipherSuite {
        self.suite
    }
}

/// Checks that `iv` is `want` bytes long, naming the problem otherwise.
fn check_iv(iv: &[u8], want: usize) -> Result<(), String> {
    if iv.len() == want {
        Ok(())
    } else {
        Err(format!("{}-byte IV, expected {want}", iv.len()))
    }
}

/// Builds a cipher from a key slice, naming the problem on a length error.
fn new_key<T: KeyInit>(key: &[u8]) -> Result<T, String> {
    T::new_from_slice(key).map_err(|_| format!("{}-byte key rejected", key.len()))
}

/// Per-direction cipher state.
// The variants differ a lot in size, but a decryptor holds exactly one for its
// whole life: boxing would only add an indirection to every record.
#[allow(clippy::large_enum_variant)]
enum CipherState {
    Null,
    Rc4(Box<Rc4<U16>>),
    Cbc(CbcState),
    Aead(AeadState),
}

#[cfg(test)]
mod tests {
    use super::testutil::{sample, suite, Sealer, APPLICATION_DATA, HANDSHAKE};
    use super::*;

    /// Flips one bit at `pos` of a fresh 100-byte record and returns what
    /// decrypting it gives.
    fn tampered(id: u16, version: u16, etm: bool, pos: impl Fn(usize) -> usize) -> RecordError {
        let mut tx = Sealer::new(id, version, etm);
        let mut rx = tx.decryptor();
        let mut fragment = tx.seal(APPLICATION_DATA, &sample(100));
        let i = pos(fragment.len());
        fragment[i] ^= 0x01;
        rx.decrypt(RecordAad::tls(0, APPLICATION_DATA, version), &fragment)
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
            let open = |aad| tx.decryptor().decrypt(aad, &fragment);
            assert_eq!(
                open(RecordAad::tls(0, HANDSHAKE, version)),
                Err(err.clone())
            );
            assert_eq!(
                open(RecordAad::tls(0, APPLICATION_DATA, 0x0302)),
                Err(err.clone())
            );
            assert_eq!(open(RecordAad::tls(1, APPLICATION_DATA, version)), Err(err));
            assert_eq!(
                open(RecordAad::tls(0, APPLICATION_DATA, version)).unwrap(),
                b"hello"
            );
        }
    }

    /// Every cipher without chained state opens record n on its own when told n,
    /// whatever came before: out of order, twice, after a failure.
    #[test]
    fn explicit_sequence_numbers_open_records_out_of_order() {
        for (id, version) in [
            (0x0002, 0x0303), // NULL_SHA
            (0x002f, 0x0302), // AES_128_CBC_SHA, TLS 1.1 (explicit IV)
            (0x003c, 0x0303), // AES_128_CBC_SHA256
            (0x009c, 0x0303), // AES_128_GCM (explicit nonce)
            (0xc0a0, 0x0303), // AES_128_CCM_8
            (0xcca8, 0x0303), // CHACHA20_POLY1305 (nonce from the sequence number)
        ] {
            let mut tx = Sealer::new(id, version, false);
            let records: Vec<Vec<u8>> = (0..6u8)
                .map(|n| tx.seal(APPLICATION_DATA, &sample(20 + n as usize)))
                .collect();
            let mut rx = tx.decryptor();
            let aad = |n: u64| RecordAad::tls(n, APPLICATION_DATA, version);
            assert!(rx.decrypt(aad(4), &records[5]).is_err(), "0x{id:04x}");
            for n in [5, 3, 0, 4, 1, 2, 3] {
                assert_eq!(
                    rx.decrypt(aad(n as u64), &records[n]).unwrap(),
                    sample(20 + n),
                    "0x{id:04x} record {n}"
                );
            }
        }
    }

    /// DTLS (RFC 6347 §4.1.2.1): the MAC and AEAD additional data start with
    /// epoch ‖ sequence_number where TLS has its 64-bit sequence number, and the
    /// header version is DTLS's. The decryptor takes what it is given.
    #[test]
    fn dtls_shaped_aad_round_trips() {
        const DTLS12: u16 = 0xfefd;
        let epoch = 1u16;
        let aad = RecordAad::dtls(epoch, 0x0000_0102_0304, APPLICATION_DATA, DTLS12);
        assert_eq!(aad.seq, 0x0001_0000_0102_0304);
        assert_eq!(
            RecordAad::dtls(0xabcd, u64::MAX, HANDSHAKE, DTLS12).seq,
            0xabcd_ffff_ffff_ffff
        );
        for (id, etm, err) in [
            (0x009c, false, RecordError::BadTag), // AES_128_GCM
            (0xcca8, false, RecordError::BadTag), // CHACHA20_POLY1305 (RFC 7905 §2)
            (0x002f, false, RecordError::BadMac), // AES_128_CBC_SHA
            (0x003c, true, RecordError::BadMac),  // AES_128_CBC_SHA256, Encrypt-then-MAC
        ] {
            // DTLS 1.2 protects records as TLS 1.2 does.
            let mut tx = Sealer::new(id, 0x0303, etm);
            let plain = sample(77);
            let fragment = tx.seal_as(
                0x0001_0000_0102_0304,
                APPLICATION_DATA,
                DTLS12,
                &plain,
                None,
            );
            let mut rx = tx.decryptor();
            assert_eq!(rx.decrypt(aad, &fragment).unwrap(), plain, "0x{id:04x}");
            // Another epoch, the sequence number alone, or the TLS version: not this record.
            for wrong in [
                RecordAad::dtls(2, 0x0102_0304, APPLICATION_DATA, DTLS12),
                RecordAad::tls(0x0102_0304, APPLICATION_DATA, DTLS12),
                RecordAad::dtls(epoch, 0x0102_0304, APPLICATION_DATA, 0x0303),
            ] {
                assert_eq!(rx.decrypt(wrong, &fragment), Err(err.clone()), "0x{id:04x}");
            }
        }
    }

    #[test]
    fn short_records() {
        let too_short = |id: u16, version: u16, etm: bool, fragment: &[u8]| {
            let mut d = Sealer::new(id, version, etm).decryptor();
            d.decrypt(RecordAad::tls(0, APPLICATION_DATA, version), fragment)
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

/// Decryption speed per cipher, for comparing with `openssl speed` (release mode):
/// `cargo test --release --lib crypto::record::speed -- --ignored --nocapture`.
#[cfg(test)]
mod speed {
    use super::testutil::{sample, Sealer, APPLICATION_DATA};
    use super::RecordAad;

    #[test]
    #[ignore]
    fn record_decryption_mb_per_s() {
        let suites = [
            (0x009c, "AES-128-GCM"),
            (0x009d, "AES-256-GCM"),
            (0xcca8, "ChaCha20-Poly1305"),
            (0xc09c, "AES-128-CCM"),
            (0x003c, "AES-128-CBC + HMAC-SHA256"),
            (0x002f, "AES-128-CBC + HMAC-SHA1"),
        ];
        let plain = sample(16 * 1024);
        for (id, name) in suites {
            let mut tx = Sealer::new(id, 0x0303, false);
            let mut rx = tx.decryptor();
            let records: Vec<Vec<u8>> = (0..2048)
                .map(|_| tx.seal(APPLICATION_DATA, &plain))
                .collect();
            let start = std::time::Instant::now();
            for (seq, r) in (0..).zip(&records) {
                rx.decrypt(RecordAad::tls(seq, APPLICATION_DATA, 0x0303), r)
                    .unwrap();
            }
            let mb = (records.len() * plain.len()) as f64 / 1e6;
            eprintln!("{name:28} {:8.0} MB/s", mb / start.elapsed().as_secs_f64());
        }
    }

    /// The session's path: the same kind of records through a [`KeyChain`], which
    /// numbers them and builds the header (TLS 1.2 and TLS 1.3 keys).
    #[test]
    #[ignore]
    fn key_chain_mb_per_s() {
        use super::testutil::tls13_seal;
        use super::{KeyChain, RecordKeys, Tls13Decryptor, Unlocked};
        use crate::crypto::tls13::Tls13Variant;
        let plain = sample(16 * 1024);
        let time = |name: &str, mut chain: KeyChain, records: &[Vec<u8>]| {
            let start = std::time::Instant::now();
            for r in records {
                let u = chain.decrypt(APPLICATION_DATA, 0x0303, r);
                assert!(matches!(u, Unlocked::Opened { .. }));
            }
            let mb = (records.len() * plain.len()) as f64 / 1e6;
            eprintln!("{name:28} {:8.0} MB/s", mb / start.elapsed().as_secs_f64());
        };
        for (id, name) in [
            (0x009c, "chain: TLS 1.2 AES-128-GCM"),
            (0x009d, "chain: TLS 1.2 AES-256-GCM"),
            (0x002f, "chain: TLS 1.2 AES-128-CBC"),
        ] {
            let mut tx = Sealer::new(id, 0x0303, false);
            let mut chain = KeyChain::default();
            chain.install(RecordKeys::Tls12(tx.decryptor()));
            let records: Vec<Vec<u8>> = (0..2048)
                .map(|_| tx.seal(APPLICATION_DATA, &plain))
                .collect();
            time(name, chain, &records);
        }
        let rfc = Tls13Variant {
            draft: None,
            dtls: false,
        };
        let secret = [0x33; 32];
        let suite =
            crate::tls::cipher_suite::lookup(crate::tls::cipher_suite::CipherSuiteId(0x1301))
                .unwrap();
        let mut chain = KeyChain::default();
        chain.install(RecordKeys::Tls13(
            Tls13Decryptor::new(suite, rfc, &secret).unwrap(),
        ));
        let inner = [&plain[..], &[APPLICATION_DATA]].concat();
        let len = (inner.len() + 16) as u16;
        let header = [23, 3, 3, (len >> 8) as u8, len as u8];
        let records: Vec<Vec<u8>> = (0..2048)
            .map(|seq| tls13_seal(0x1301, rfc, &secret, seq, &header, &inner))
            .collect();
        time("chain: TLS 1.3 AES-128-GCM", chain, &records);
    }
}
