//! The NULL cipher (MAC only) and RC4-128, whose keystream carries across
//! records.
//!
//! Both leave the record as content + MAC once the keystream (if any) is
//! removed; kept apart from the block and AEAD constructions, which need
//! padding, IVs or nonces.

use aes::cipher::StreamCipher;
use aes_gcm::aead::consts::U16;
use rc4::Rc4;

use super::mac::RecordMac;
use super::{new_key, RecordAad, RecordError};
use crate::tls::cipher_suite::BulkCipher;

/// The keyed stream cipher for `cipher` (RC4-128 is the only one supported).
pub(super) fn new_rc4(cipher: BulkCipher, key: &[u8]) -> Result<Box<Rc4<U16>>, String> {
    match cipher {
        BulkCipher::Rc4_128 => Ok(Box::new(new_key(key)?)),
        other => Err(format!("{other:?} stream cipher")),
    }
}

/// NULL cipher: the fragment is content + MAC.
pub(super) fn open_null(
    mac: &RecordMac,
    aad: &RecordAad,
    fragment: &[u8],
) -> Result<Vec<u8>, RecordError> {
    strip_mac(mac, aad, fragment.to_vec())
}

/// RC4: the keystream advances over the whole fragment, whatever the MAC
/// check then says.
pub(super) fn open_rc4(
    rc4: &mut Rc4<U16>,
    mac: &RecordMac,
    aad: &RecordAad,
    fragment: &[u8],
) -> Result<Vec<u8>, RecordError> {
    let mut out = fragment.to_vec();
    rc4.apply_keystream(&mut out);
    strip_mac(mac, aad, out)
}

/// Splits `data` into content and MAC, checks the MAC and returns the content
/// (NULL and stream ciphers).
fn strip_mac(mac: &RecordMac, aad: &RecordAad, mut data: Vec<u8>) -> Result<Vec<u8>, RecordError> {
    let n = data
        .len()
        .checked_sub(mac.len())
        .ok_or(RecordError::TooShort)?;
    if !mac.verify(aad, &data[..n], &data[n..]) {
        return Err(RecordError::BadMac);
    }
    data.truncate(n);
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{roundtrip, Sealer, APPLICATION_DATA};
    use super::*;

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
    fn rc4_keystream_carries_across_records() {
        let mut tx = Sealer::new(0x0005, 0x0301, false);
        let r1 = tx.seal(APPLICATION_DATA, b"first record");
        let r2 = tx.seal(APPLICATION_DATA, b"second record");
        let first = RecordAad::tls(0, APPLICATION_DATA, 0x0301);
        let second = RecordAad::tls(1, APPLICATION_DATA, 0x0301);
        let mut rx = tx.decryptor();
        assert_eq!(rx.decrypt(first, &r1).unwrap(), b"first record");
        assert_eq!(rx.decrypt(second, &r2).unwrap(), b"second record");
        // Starting at record 2 uses the wrong keystream, even told its number:
        // the keystream is the one state the decryptor carries.
        let mut rx = tx.decryptor();
        assert_eq!(rx.decrypt(second, &r2), Err(RecordError::BadMac));
        // A damaged record 1 still advances the keystream by its length.
        let mut rx = tx.decryptor();
        let mut bad = r1.clone();
        bad[2] ^= 4;
        assert_eq!(rx.decrypt(first, &bad), Err(RecordError::BadMac));
        assert_eq!(rx.decrypt(second, &r2).unwrap(), b"second record");
    }

    #[test]
    fn null_cipher_records_open_in_any_order_when_numbered() {
        let mut tx = Sealer::new(0x0002, 0x0303, false);
        let records: Vec<Vec<u8>> = (0..4).map(|n| tx.seal(APPLICATION_DATA, &[n; 9])).collect();
        let mut rx = tx.decryptor();
        for n in (0..4u8).rev() {
            let aad = RecordAad::tls(n.into(), APPLICATION_DATA, 0x0303);
            assert_eq!(rx.decrypt(aad, &records[n as usize]).unwrap(), [n; 9]);
        }
        // The number is authenticated: record 2 told it is record 1 fails.
        let aad = RecordAad::tls(1, APPLICATION_DATA, 0x0303);
        assert_eq!(rx.decrypt(aad, &records[2]), Err(RecordError::BadMac));
    }
}
