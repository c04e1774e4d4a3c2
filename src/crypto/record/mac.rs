//! Record MACs: the TLS HMAC (MD5, SHA-1, SHA-256, SHA-384) and the SSL 3.0
//! MAC (RFC 6101 §5.2.3.1), keyed once per direction.
//!
//! Shared by every non-AEAD cipher (NULL, RC4, CBC with either MAC order), so
//! it sits apart from them.

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha1::Sha1;
use sha2::{Sha256, Sha384};

use super::{new_key, RecordAad};
use crate::tls::cipher_suite::MacAlgorithm;

/// A keyed record MAC, prepared once: HMAC states are keyed, SSL 3.0 hash
/// states have absorbed `mac_key + pad`.
pub(super) enum RecordMac {
    None,
    HmacMd5(Hmac<Md5>),
    HmacSha1(Hmac<Sha1>),
    HmacSha256(Hmac<Sha256>),
    HmacSha384(Hmac<Sha384>),
    Ssl3Md5 { inner: Md5, outer: Md5 },
    Ssl3Sha1 { inner: Sha1, outer: Sha1 },
}

impl RecordMac {
    pub(super) fn new(alg: MacAlgorithm, ssl3: bool, key: &[u8]) -> Result<Self, String> {
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

    pub(super) fn len(&self) -> usize {
        match self {
            RecordMac::None => 0,
            RecordMac::HmacMd5(_) | RecordMac::Ssl3Md5 { .. } => 16,
            RecordMac::HmacSha1(_) | RecordMac::Ssl3Sha1 { .. } => 20,
            RecordMac::HmacSha256(_) => 32,
            RecordMac::HmacSha384(_) => 48,
        }
    }

    /// Checks `expected` against the MAC of `aad` + `data`.
    pub(super) fn verify(&self, aad: &RecordAad, data: &[u8], expected: &[u8]) -> bool {
        match self {
            RecordMac::None => expected.is_empty(),
            RecordMac::HmacMd5(k) => hmac_verify(k, &aad.mac_input(data.len()), data, expected),
            RecordMac::HmacSha1(k) => hmac_verify(k, &aad.mac_input(data.len()), data, expected),
            RecordMac::HmacSha256(k) => hmac_verify(k, &aad.mac_input(data.len()), data, expected),
            RecordMac::HmacSha384(k) => hmac_verify(k, &aad.mac_input(data.len()), data, expected),
            RecordMac::Ssl3Md5 { inner, outer } => ssl3_verify(
                inner,
                outer,
                &aad.ssl3_mac_input(data.len()),
                data,
                expected,
            ),
            RecordMac::Ssl3Sha1 { inner, outer } => ssl3_verify(
                inner,
                outer,
                &aad.ssl3_mac_input(data.len()),
                data,
                expected,
            ),
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

#[cfg(test)]
mod tests {
    use super::super::testutil::{Sealer, APPLICATION_DATA};
    use super::super::RecordAad;

    #[test]
    fn ssl3_mac_ignores_record_version() {
        // The SSL 3.0 MAC has no version field.
        let mut tx = Sealer::new(0x002f, 0x0300, false);
        let fragment = tx.seal(APPLICATION_DATA, b"hello");
        assert_eq!(
            tx.decryptor()
                .decrypt(RecordAad::tls(0, APPLICATION_DATA, 0x0301), &fragment)
                .unwrap(),
            b"hello"
        );
    }
}
