//! DTLS 1.3 record protection (RFC 9147 §4.2.3, §5.9): the keys of one epoch of one
//! direction, from its traffic secret, and the record number the receiver rebuilds.
//!
//! ```text
//!  traffic secret ─┬─ HKDF-Expand-Label(·, "key" / "iv", "")  ─► AEAD (TLS 1.3's)
//!  (label prefix   ├─ HKDF-Expand-Label(·, "sn", "", key_len)  ─► sn_key
//!   "dtls13")      └─ HKDF-Expand-Label(·, "traffic upd", "")  ─► the next epoch's secret
//!
//!  mask = AES-ECB(sn_key, ciphertext[0..16])            (AES suites)
//!       = ChaCha20(sn_key, counter = ciphertext[0..4] little-endian,
//!                  nonce = ciphertext[4..16], zeros)    (ChaCha20-Poly1305)
//!  sequence number bits on the wire = clear bits XOR mask[0..1 or 2]
//! ```
//! The mask is QUIC's header protection mask (RFC 9001 §5.4) under another key, so the
//! same primitive computes it. The nonce takes the sequence number alone (the epoch
//! is in the keys), and the additional data is the unified header with the sequence
//! number in the clear.

use std::fmt;

use aws_lc_rs::aead::quic::{HeaderProtectionKey, AES_128, AES_256, CHACHA20};

use super::record::{Opened, ProtectedHeader, RecordError, Tls13Decryptor, Unsupported};
use super::tls13::{self, SuiteHash, Tls13Variant};
use crate::tls::cipher_suite::{BulkCipher, CipherSuite};

/// DTLS 1.3's key schedule: TLS 1.3's, with its own label prefix.
pub const DTLS13: Tls13Variant = Tls13Variant {
    draft: None,
    dtls: true,
};

/// The ciphertext bytes the mask is computed from.
pub const MASK_SAMPLE_LEN: usize = 16;

/// One direction's keys for one epoch.
pub struct EpochKeys {
    suite: &'static CipherSuite,
    hash: SuiteHash,
    /// Kept to derive the next epoch's keys on a KeyUpdate.
    secret: Vec<u8>,
    aead: Tls13Decryptor,
    sn: HeaderProtectionKey,
}

impl fmt::Debug for EpochKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret and keys stay out of debug output.
        f.debug_struct("EpochKeys")
            .field("suite", &self.suite.name)
            .finish_non_exhaustive()
    }
}

impl EpochKeys {
    /// Keys from a traffic secret for a TLS 1.3 `suite`.
    pub fn new(suite: &'static CipherSuite, secret: &[u8]) -> Result<Self, Unsupported> {
        let unsupported = |why: String| Unsupported(format!("{} in DTLS 1.3 ({why})", suite.name));
        let hash = tls13::traffic_secret_hash(suite, secret).map_err(unsupported)?;
        let aead = Tls13Decryptor::new(suite, DTLS13, secret)?;
        let algorithm = match suite.cipher {
            BulkCipher::Aes128 => &AES_128,
            BulkCipher::Aes256 => &AES_256,
            BulkCipher::ChaCha20 => &CHACHA20,
            other => return Err(unsupported(format!("no record number mask for {other:?}"))),
        };
        let key_len = suite.key_len as usize;
        let sn_key = tls13::hkdf_expand_label(hash, DTLS13, secret, b"sn", b"", key_len);
        let sn = HeaderProtectionKey::new(algorithm, &sn_key)
            .map_err(|_| unsupported("record number key rejected".into()))?;
        Ok(EpochKeys {
            suite,
            hash,
            secret: secret.to_vec(),
            aead,
            sn,
        })
    }

    /// The keys of the epoch after a KeyUpdate from this direction (RFC 9147 §8).
    pub fn next_generation(&self) -> Result<Self, Unsupported> {
        let next = tls13::next_traffic_secret(self.hash, DTLS13, &self.secret);
        EpochKeys::new(self.suite, &next)
    }

    /// The two mask bytes that hide the sequence number of a record whose encrypted
    /// part is `ciphertext`; `None` when it is shorter than the sample.
    pub fn sequence_mask(&self, ciphertext: &[u8]) -> Option<[u8; 2]> {
        let sample = ciphertext.get(..MASK_SAMPLE_LEN)?;
        let mask = self.sn.new_mask(sample).ok()?;
        Some([mask[0], mask[1]])
    }

    /// Opens a record numbered `seq` whose unified header, sequence number in the
    /// clear, is `header`.
    pub fn open(&self, seq: u64, header: &[u8], ciphertext: &[u8]) -> Result<Opened, RecordError> {
        self.aead.open(ProtectedHeader { seq, header }, ciphertext)
    }
}

/// The full sequence number whose low `bits` bits are `truncated`, closest to
/// `expected` (one past the highest deprotected so far; RFC 9147 §4.2.2). Never wraps
/// past 0 or 2^64.
pub fn reconstruct_sequence(expected: u64, truncated: u64, bits: u32) -> u64 {
    let window = 1u64 << bits;
    let mask = window - 1;
    let candidate = (expected & !mask) | (truncated & mask);
    let half = window / 2;
    if candidate.checked_add(half).is_some_and(|c| c <= expected)
        && candidate.checked_add(window).is_some()
    {
        candidate + window
    } else if candidate > expected.saturating_add(half) && candidate >= window {
        candidate - window
    } else {
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::cipher_suite::{lookup, CipherSuiteId};

    #[test]
    fn sequence_numbers_come_back_closest_to_the_expected() {
        assert_eq!(reconstruct_sequence(0, 0, 8), 0);
        assert_eq!(reconstruct_sequence(5, 3, 8), 3);
        assert_eq!(reconstruct_sequence(250, 2, 8), 258);
        assert_eq!(reconstruct_sequence(260, 250, 8), 250);
        assert_eq!(reconstruct_sequence(0x1_0005, 0xfffe, 16), 0xfffe);
        assert_eq!(reconstruct_sequence(0xffff, 0x0001, 16), 0x1_0001);
        assert_eq!(reconstruct_sequence(0, 0xff, 8), 0xff);
        assert_eq!(reconstruct_sequence(u64::MAX, 0xff, 8), u64::MAX);
        assert_eq!(reconstruct_sequence(u64::MAX, 0x00, 8), u64::MAX - 0xff);
    }

    /// A record sealed by an independent sender (the aes crate's block cipher for the
    /// mask, the test sealer for the AEAD) opens, its sequence number rebuilt.
    #[test]
    fn a_sealed_record_opens() {
        use aes::cipher::{BlockEncrypt, KeyInit};
        let suite = lookup(CipherSuiteId(0x1301)).unwrap();
        let secret = [9u8; 32];
        let seq = 0x1_0203u64;
        // 0 0 1 C=0 S=1 L=1 EE=3, sequence number's low 16 bits, length.
        let mut header = vec![0b0010_1111, 0x02, 0x03, 0, 0];
        let plain = [b"hello".as_slice(), &[23]].concat();
        let sealed_len = (plain.len() + 16) as u16;
        header[3..5].copy_from_slice(&sealed_len.to_be_bytes());
        let sealed = crate::crypto::record::testutil::tls13_seal(
            0x1301, DTLS13, &secret, seq, &header, &plain,
        );
        let sn_key = tls13::hkdf_expand_label(SuiteHash::Sha256, DTLS13, &secret, b"sn", b"", 16);
        let mut block = aes::Block::clone_from_slice(&sealed[..16]);
        aes::Aes128::new_from_slice(&sn_key)
            .unwrap()
            .encrypt_block(&mut block);
        let wire_seq = [0x02 ^ block[0], 0x03 ^ block[1]];

        let keys = EpochKeys::new(suite, &secret).unwrap();
        let mask = keys.sequence_mask(&sealed).unwrap();
        assert_eq!([wire_seq[0] ^ mask[0], wire_seq[1] ^ mask[1]], [0x02, 0x03]);
        let full = reconstruct_sequence(0x1_0000, 0x0203, 16);
        assert_eq!(full, seq);
        let opened = keys.open(full, &header, &sealed).unwrap();
        assert_eq!((opened.content_type, &opened.data[..]), (23, &b"hello"[..]));
        assert!(keys.open(full + 1, &header, &sealed).is_err());
        let mut other = header.clone();
        other[2] ^= 1;
        assert!(
            keys.open(full, &other, &sealed).is_err(),
            "the header is authenticated"
        );
    }

    /// The DTLS 1.3 labels differ from TLS 1.3's: the same secret gives other keys.
    #[test]
    fn keys_use_the_dtls13_label_prefix() {
        let suite = lookup(CipherSuiteId(0x1301)).unwrap();
        let secret = [7u8; 32];
        let k = EpochKeys::new(suite, &secret).unwrap();
        let tls = tls13::hkdf_expand_label(
            SuiteHash::Sha256,
            Tls13Variant {
                draft: None,
                dtls: false,
            },
            &secret,
            b"sn",
            b"",
            16,
        );
        let dtls = tls13::hkdf_expand_label(SuiteHash::Sha256, DTLS13, &secret, b"sn", b"", 16);
        assert_ne!(tls, dtls);
        assert!(k.sequence_mask(&[0; 15]).is_none());
        assert!(k.sequence_mask(&[0; 16]).is_some());
        let next = k.next_generation().unwrap();
        assert_ne!(next.sequence_mask(&[0; 16]), k.sequence_mask(&[0; 16]));
        let ccm8 = lookup(CipherSuiteId(0x1305)).unwrap();
        assert!(EpochKeys::new(ccm8, &secret).is_ok());
    }
}
