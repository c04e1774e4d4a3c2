//! Test-only helpers shared by the record tests: hex input, suite lookup, and
//! a test-only sender ([`Sealer`]).
//!
//! The sender is built from the crates' encryption side (`cbc::Encryptor`,
//! the AEADs' `encrypt_in_place_detached`, RC4) and MACs spelled out here, so
//! that a round trip checks the decryptor against an independent
//! construction. It lives in its own file because the tests of every cipher
//! family (`stream.rs`, `cbc.rs`, `aead.rs`, `mod.rs`) use it.

use aes::cipher::{KeyInit, StreamCipher};
use aes::{Aes128, Aes256};
use aes_gcm::aead::consts::{U12, U16, U8};
use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::AeadInPlace;
use aes_gcm::AesGcm;
use aria::{Aria128, Aria256};
use camellia::{Camellia128, Camellia256};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockCipher as BlockCipherTrait, BlockEncryptMut, KeyIvInit};
use ccm::Ccm;
use chacha20poly1305::ChaCha20Poly1305;
use des::{Des, TdesEde3};
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use rc4::Rc4;
use sha1::Sha1;
use sha2::{Sha256, Sha384};

use super::{RecordAad, RecordDecryptor};
use crate::crypto::tls13::{traffic_key_iv, SuiteHash, Tls13Variant};
use crate::tls::cipher_suite::{
    lookup, BulkCipher, CipherMode, CipherSuite, CipherSuiteId, MacAlgorithm,
};

pub(super) fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '\n'], "")).expect("hex")
}

pub(super) fn suite(id: u16) -> &'static CipherSuite {
    lookup(CipherSuiteId(id)).unwrap_or_else(|| panic!("suite 0x{id:04x}"))
}

pub(super) const HANDSHAKE: u8 = 22;
pub(super) const APPLICATION_DATA: u8 = 23;
pub(super) const ALERT: u8 = 21;

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
pub(super) struct Sealer {
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
    pub(super) fn new(id: u16, version: u16, etm: bool) -> Self {
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
        let rc4 = (suite.mode == CipherMode::Stream).then(|| Rc4::new_from_slice(&key).unwrap());
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

    pub(super) fn decryptor(&self) -> RecordDecryptor {
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

    /// Seals the next record (numbered by the sealer, the header version the
    /// negotiated one).
    pub(super) fn seal(&mut self, ct: u8, plain: &[u8]) -> Vec<u8> {
        self.seal_padded(ct, plain, None)
    }

    /// `padding`: the CBC padding bytes including the final length byte
    /// (default: the shortest valid TLS padding).
    pub(super) fn seal_padded(&mut self, ct: u8, plain: &[u8], padding: Option<&[u8]>) -> Vec<u8> {
        let seq = self.seq;
        self.seq += 1;
        self.seal_as(seq, ct, self.version, plain, padding)
    }

    /// Seals a record whose MAC / AEAD header starts with the 8 bytes `seq` (a TLS
    /// sequence number, or DTLS epoch ‖ sequence number) and carries `ver` (the
    /// record header's version, e.g. DTLS 1.2's 0xfefd), under the protection of the
    /// sealer's version. The sealer's own count is left alone.
    pub(super) fn seal_as(
        &mut self,
        seq: u64,
        ct: u8,
        ver: u16,
        plain: &[u8],
        padding: Option<&[u8]>,
    ) -> Vec<u8> {
        let s = self.suite;
        let ssl3 = self.version == 0x0300;
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
                let implicit = self.version <= 0x0301;
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

pub(super) fn sample(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + len) as u8).collect()
}

const LENGTHS: [usize; 9] = [0, 1, 15, 16, 17, 31, 100, 1000, 16384];

/// Seals records of several lengths and opens them in order, numbered 0, 1, 2…
pub(super) fn roundtrip(id: u16, version: u16, etm: bool) {
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
        let got = rx.decrypt(RecordAad::tls(i as u64, ct, version), &fragment);
        assert_eq!(
            got.as_deref(),
            Ok(&plain[..]),
            "{} version 0x{version:04x} etm {etm} record {i} ({len} bytes)",
            tx.suite.name
        );
    }
}

/// A TLS 1.3 sender's AEAD (RFC 8446 §5.2, in RustCrypto where the decryptor uses
/// AWS-LC): keys from `secret`, nonce = IV XOR `seq`, additional data `header`.
/// `plain` is sealed as given (for a TLS record, the inner plaintext: content, type,
/// padding).
pub(crate) fn tls13_seal(
    id: u16,
    variant: Tls13Variant,
    secret: &[u8],
    seq: u64,
    header: &[u8],
    plain: &[u8],
) -> Vec<u8> {
    let s = suite(id);
    let (key, iv) = traffic_key_iv(SuiteHash::for_suite(s), variant, secret, s.key_len as usize);
    let mut nonce = iv;
    for (n, b) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
        *n ^= b;
    }
    aead_seal(s, &key, &nonce, header, plain)
}

/// RFC 8448 §3: the server's handshake traffic secret (TLS_AES_128_GCM_SHA256).
pub(super) const RFC8448_SERVER_HANDSHAKE_SECRET: &str =
    "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38";

/// RFC 8448 §3, "server handshake [...] complete record" (679 bytes).
pub(super) const RFC8448_SERVER_RECORD: &str = concat!(
    "17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35e",
    "df7869fcf40aa40aa2b8ea73f848a7ca07612ef9f945cb960b4068905123ea78",
    "b111b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13b",
    "d9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183ef3ab20e37d57a6b9",
    "d7477609aee6e122a4cf51427325250c7d0e509289444c9b3a648f1d71035d2e",
    "d65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd61092",
    "8d809810e4b7ed1a8fd991f06aa6248204797e36a6a73b70a2559c09ead68694",
    "5ba246ab66e5edd8044b4c6de3fcf2a89441ac66272fd8fb330ef8190579b368",
    "4596c960bd596eea520a56a8d650f563aad27409960dca63d3e688611ea5e22f",
    "4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad6d26",
    "f59ecaba9acbbb317b66d902f4f292a36ac1b639c637ce343117b65962224531",
    "7b49eeda0c6258f100d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e",
    "1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da",
    "8c87c843f5e56eb4c5e8280a2b48052cf93b16499a66db7cca71e4599426f7d4",
    "61e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df881edbe",
    "5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb",
    "992f2b992f67f8afe67f76913fa388cb5630c8ca01e0c65d11c66a1e2ac4c859",
    "77b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038",
    "ebba42f3b38edc0399f3a9f23faa63978c317fc9fa66a73f60f0504de93b5b84",
    "5e275592c12335ee340bbc4fddd502784016e4b3be7ef04dda49f4b440a30cb5",
    "d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e",
    "750edc53370d2b",
);
