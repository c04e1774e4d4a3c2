//! The TLS 1.2 AEAD ciphers: AES, ARIA and Camellia GCM, AES CCM and CCM_8
//! (4-byte implicit salt + 8-byte explicit nonce, RFC 5288 / RFC 6655 /
//! RFC 6209 / RFC 6367), and ChaCha20-Poly1305 (12-byte IV XOR sequence
//! number, RFC 7905), with the record header as additional data.
//!
//! AEAD records carry no separate MAC or padding: their nonce and tag
//! handling is all they share, so they live apart from the other ciphers.

use aes::{Aes128, Aes256};
use aes_gcm::aead::consts::{U12, U16, U8};
use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::AeadInPlace;
use aes_gcm::AesGcm;
use aria::{Aria128, Aria256};
use camellia::{Camellia128, Camellia256};
use ccm::Ccm;

use super::{check_iv, new_key, RecordAad, RecordError};
use crate::tls::cipher_suite::{BulkCipher, CipherMode};

/// One direction's AEAD state.
pub(super) struct AeadState {
    aead: Aead,
    /// GCM / CCM: 4-byte salt then room for the explicit nonce;
    /// ChaCha20-Poly1305: the 12-byte IV.
    fixed_iv: [u8; 12],
    explicit_nonce: bool,
    tag_len: usize,
}

impl AeadState {
    /// Keys the AEAD; `iv` is the 4-byte salt (GCM / CCM) or the 12-byte IV
    /// (ChaCha20-Poly1305).
    pub(super) fn new(
        cipher: BulkCipher,
        mode: CipherMode,
        key: &[u8],
        iv: &[u8],
    ) -> Result<Self, String> {
        Self::keyed(cipher, mode, key, iv, mode != CipherMode::Poly1305)
    }

    /// Keys a TLS 1.3 AEAD: every suite uses the 12-byte IV XOR the sequence
    /// number as its nonce (RFC 8446 §5.3).
    pub(super) fn new_tls13(
        cipher: BulkCipher,
        mode: CipherMode,
        key: &[u8],
        iv: &[u8],
    ) -> Result<Self, String> {
        Self::keyed(cipher, mode, key, iv, false)
    }

    fn keyed(
        cipher: BulkCipher,
        mode: CipherMode,
        key: &[u8],
        iv: &[u8],
        explicit_nonce: bool,
    ) -> Result<Self, String> {
        let aead = Aead::new(cipher, mode, key)?;
        let mut fixed_iv = [0u8; 12];
        if explicit_nonce {
            check_iv(iv, 4)?;
            fixed_iv[..4].copy_from_slice(iv);
        } else {
            check_iv(iv, 12)?;
            fixed_iv.copy_from_slice(iv);
        }
        Ok(AeadState {
            tag_len: aead.tag_len(),
            aead,
            fixed_iv,
            explicit_nonce,
        })
    }

    /// The TLS 1.3 construction (RFC 8446 §5.3), also QUIC's (RFC 9001 §5.3):
    /// nonce = IV XOR `seq` (left-padded), additional data `aad` as given; returns
    /// the plaintext (for TLS 1.3 the inner plaintext, padding and type still on).
    pub(super) fn open_tls13(
        &self,
        seq: u64,
        aad: &[u8],
        fragment: &[u8],
    ) -> Result<Vec<u8>, RecordError> {
        if fragment.len() < self.tag_len {
            return Err(RecordError::TooShort);
        }
        let mut nonce = self.fixed_iv;
        nonce[4..]
            .iter_mut()
            .zip(seq.to_be_bytes())
            .for_each(|(n, s)| *n ^= s);
        self.aead.open(&nonce, aad, fragment, self.tag_len)
    }

    /// TLS 1.2: builds the record's nonce (explicit, or IV XOR `aad.seq`) and the
    /// additional data from `aad`, then decrypts and checks the fragment.
    pub(super) fn open(&self, aad: &RecordAad, fragment: &[u8]) -> Result<Vec<u8>, RecordError> {
        let tag_len = self.tag_len;
        let mut nonce = self.fixed_iv;
        let body = if self.explicit_nonce {
            if fragment.len() < 8 + tag_len {
                return Err(RecordError::TooShort);
            }
            nonce[4..].copy_from_slice(&fragment[..8]);
            &fragment[8..]
        } else {
            if fragment.len() < tag_len {
                return Err(RecordError::TooShort);
            }
            nonce[4..]
                .iter_mut()
                .zip(aad.seq.to_be_bytes())
                .for_each(|(n, s)| *n ^= s);
            fragment
        };
        let additional_data = aad.mac_input(body.len() - tag_len);
        self.aead.open(&nonce, &additional_data, body, tag_len)
    }
}

/// An AEAD cipher with its key schedule: AES-GCM and ChaCha20-Poly1305 in AWS-LC
/// (several times RustCrypto's speed on long captures), the rest in RustCrypto.
#[allow(clippy::large_enum_variant)]
enum Aead {
    AwsLc(aws_lc_rs::aead::LessSafeKey),
    Aria128Gcm(AesGcm<Aria128, U12>),
    Aria256Gcm(AesGcm<Aria256, U12>),
    Camellia128Gcm(AesGcm<Camellia128, U12>),
    Camellia256Gcm(AesGcm<Camellia256, U12>),
    Aes128Ccm(Ccm<Aes128, U16, U12>),
    Aes256Ccm(Ccm<Aes256, U16, U12>),
    Aes128Ccm8(Ccm<Aes128, U8, U12>),
    Aes256Ccm8(Ccm<Aes256, U8, U12>),
}

impl Aead {
    fn new(cipher: BulkCipher, mode: CipherMode, key: &[u8]) -> Result<Self, String> {
        use BulkCipher as B;
        use CipherMode as M;
        Ok(match (cipher, mode) {
            (B::Aes128, M::Gcm) => aws_lc(&aws_lc_rs::aead::AES_128_GCM, key)?,
            (B::Aes256, M::Gcm) => aws_lc(&aws_lc_rs::aead::AES_256_GCM, key)?,
            (B::ChaCha20, M::Poly1305) => aws_lc(&aws_lc_rs::aead::CHACHA20_POLY1305, key)?,
            (B::Aria128, M::Gcm) => Aead::Aria128Gcm(new_key(key)?),
            (B::Aria256, M::Gcm) => Aead::Aria256Gcm(new_key(key)?),
            (B::Camellia128, M::Gcm) => Aead::Camellia128Gcm(new_key(key)?),
            (B::Camellia256, M::Gcm) => Aead::Camellia256Gcm(new_key(key)?),
            (B::Aes128, M::Ccm) => Aead::Aes128Ccm(new_key(key)?),
            (B::Aes256, M::Ccm) => Aead::Aes256Ccm(new_key(key)?),
            (B::Aes128, M::Ccm8) => Aead::Aes128Ccm8(new_key(key)?),
            (B::Aes256, M::Ccm8) => Aead::Aes256Ccm8(new_key(key)?),
            (c, m) => return Err(format!("{c:?} in {m:?} mode")),
        })
    }

    fn tag_len(&self) -> usize {
        match self {
            Aead::Aes128Ccm8(_) | Aead::Aes256Ccm8(_) => 8,
            _ => 16,
        }
    }

    /// Decrypts `sealed` (ciphertext then a `tag_len`-byte tag) and checks the tag;
    /// returns the plaintext.
    fn open(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        sealed: &[u8],
        tag_len: usize,
    ) -> Result<Vec<u8>, RecordError> {
        let (ciphertext, tag) = sealed.split_at(sealed.len() - tag_len);
        let mut out = match self {
            Aead::AwsLc(_) => sealed.to_vec(),
            _ => ciphertext.to_vec(),
        };
        let buf = &mut out[..];
        match self {
            Aead::AwsLc(k) => {
                let nonce = aws_lc_rs::aead::Nonce::assume_unique_for_key(*nonce);
                let plain = k
                    .open_in_place(nonce, aws_lc_rs::aead::Aad::from(aad), buf)
                    .map_err(|_| RecordError::BadTag)?
                    .len();
                out.truncate(plain);
                return Ok(out);
            }
            Aead::Aria128Gcm(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Aria256Gcm(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Camellia128Gcm(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Camellia256Gcm(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Aes128Ccm(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Aes256Ccm(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Aes128Ccm8(a) => aead_open(a, nonce, aad, buf, tag),
            Aead::Aes256Ccm8(a) => aead_open(a, nonce, aad, buf, tag),
        }?;
        Ok(out)
    }
}

/// An AWS-LC AEAD key, naming the problem on a length error.
fn aws_lc(alg: &'static aws_lc_rs::aead::Algorithm, key: &[u8]) -> Result<Aead, String> {
    aws_lc_rs::aead::UnboundKey::new(alg, key)
        .map(|k| Aead::AwsLc(aws_lc_rs::aead::LessSafeKey::new(k)))
        .map_err(|_| format!("{}-byte key rejected", key.len()))
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
    use super::super::testutil::{h, roundtrip, suite, APPLICATION_DATA, HANDSHAKE};
    use super::super::{RecordAad, RecordDecryptor};

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
                d.decrypt(RecordAad::tls(i as u64, *ct, 0x0303), &h(fragment))
                    .unwrap(),
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
            d.decrypt(RecordAad::tls(0, HANDSHAKE, 0x0303), &finished)
                .unwrap(),
            h("1400000c486665650fcf775ca269a619")
        );
        let request =
            h("00000000000000016580c66947f97fa80a16f9d4342960648704de1268b894a710165fcb603734");
        assert_eq!(
            d.decrypt(RecordAad::tls(1, APPLICATION_DATA, 0x0303), &request)
                .unwrap(),
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
            d.decrypt(RecordAad::tls(0, HANDSHAKE, 0x0303), &finished)
                .unwrap(),
            h("1400000c4d3aec4a64a3731d7cdf6089")
        );
        let request = h(
            "5764dd7e195832563e2ba206e773b683481e6c561c3db4ec33e8f1d7deedf5d5
             5b592283a026ff7939cf5d6848207bd652f1cb",
        );
        assert_eq!(
            d.decrypt(RecordAad::tls(1, APPLICATION_DATA, 0x0303), &request)
                .unwrap(),
            b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
        );
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
}
