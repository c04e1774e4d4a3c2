//! TLS 1.3 record protection (RFC 8446 §5.2): one direction under one traffic secret.
//!
//! ```text
//!  TLSCiphertext: opaque_type=23 | legacy_version=0x0303 | length | AEAD(encrypted_record)
//!  nonce = iv XOR seq (left-padded)        additional data = the 5-byte record header
//!  TLSInnerPlaintext: content | content_type(1) | zeros (padding)
//! ```

use std::fmt;

use super::aead::AeadState;
use super::{RecordError, Unsupported};
use crate::crypto::tls13::{self, SuiteHash, Tls13Variant};
use crate::tls::cipher_suite::CipherSuite;

/// One direction's keys for one traffic secret, with its record sequence number.
pub struct Tls13Decryptor {
    suite: &'static CipherSuite,
    hash: SuiteHash,
    variant: Tls13Variant,
    /// Kept to derive the next generation on KeyUpdate.
    secret: Vec<u8>,
    aead: AeadState,
    seq: u64,
}

impl fmt::Debug for Tls13Decryptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret and keys stay out of debug output.
        f.debug_struct("Tls13Decryptor")
            .field("suite", &self.suite.name)
            .field("seq", &self.seq)
            .finish_non_exhaustive()
    }
}

/// A record's plaintext and its real content type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub content_type: u8,
    pub data: Vec<u8>,
}

impl Tls13Decryptor {
    /// Keys from a traffic secret for `suite` (a TLS 1.3 suite).
    pub fn new(
        suite: &'static CipherSuite,
        variant: Tls13Variant,
        secret: &[u8],
    ) -> Result<Self, Unsupported> {
        let unsupported = |why: String| Unsupported(format!("{} ({why})", suite.name));
        if !suite.is_tls13() {
            return Err(unsupported("not a TLS 1.3 suite".into()));
        }
        let hash = SuiteHash::for_suite(suite);
        if secret.len() != hash.output_len() {
            return Err(unsupported(format!(
                "{}-byte traffic secret, the suite's hash needs {}",
                secret.len(),
                hash.output_len()
            )));
        }
        let (key, iv) = tls13::traffic_key_iv(hash, variant, secret, suite.key_len as usize);
        let aead =
            AeadState::new_tls13(suite.cipher, suite.mode, &key, &iv).map_err(unsupported)?;
        Ok(Tls13Decryptor {
            suite,
            hash,
            variant,
            secret: secret.to_vec(),
            aead,
            seq: 0,
        })
    }

    /// The keys after a KeyUpdate from this direction (the next application
    /// traffic secret, sequence number back to 0).
    pub fn next_generation(&self) -> Result<Self, Unsupported> {
        let next = tls13::next_traffic_secret(self.hash, self.variant, &self.secret);
        Tls13Decryptor::new(self.suite, self.variant, &next)
    }

    /// Decrypts one record (`content_type` and `version` as in its header); the
    /// sequence number advances whatever the outcome (the sender used it).
    pub fn decrypt(
        &mut self,
        content_type: u8,
        version: u16,
        fragment: &[u8],
    ) -> Result<Opened, RecordError> {
        let r = self.open(content_type, version, fragment);
        self.seq = self.seq.wrapping_add(1);
        r
    }

    /// Like [`decrypt`](Self::decrypt), but the sequence number only advances on
    /// success: for trying keys that may not be the ones in force yet.
    pub fn try_decrypt(
        &mut self,
        content_type: u8,
        version: u16,
        fragment: &[u8],
    ) -> Result<Opened, RecordError> {
        let r = self.open(content_type, version, fragment)?;
        self.seq = self.seq.wrapping_add(1);
        Ok(r)
    }

    fn open(&self, content_type: u8, version: u16, fragment: &[u8]) -> Result<Opened, RecordError> {
        if fragment.len() > (1 << 14) + 256 {
            return Err(RecordError::TooLong);
        }
        let mut header = [0u8; 5];
        header[0] = content_type;
        header[1..3].copy_from_slice(&version.to_be_bytes());
        header[3..].copy_from_slice(&(fragment.len() as u16).to_be_bytes());
        let aad: &[u8] = if self.variant.record_header_is_aad() {
            &header
        } else {
            &[]
        };
        let mut data = self.aead.open_tls13(self.seq, aad, fragment)?;
        // The real content type is the last non-zero byte; zeros after it are padding.
        let end = data
            .iter()
            .rposition(|&b| b != 0)
            .ok_or(RecordError::NoContentType)?;
        let content_type = data[end];
        data.truncate(end);
        Ok(Opened { content_type, data })
    }

    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Spends a sequence number on a record these keys did not open.
    pub fn skip(&mut self) {
        self.seq = self.seq.wrapping_add(1);
    }

    pub fn suite(&self) -> &'static CipherSuite {
        self.suite
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::cipher_suite::{lookup, CipherSuiteId};

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.replace([' ', '\n'], "")).unwrap()
    }

    /// RFC 8448 §3: the server's first protected record (EncryptedExtensions …
    /// Finished) under its handshake traffic secret.
    #[test]
    fn rfc8448_server_handshake_record() {
        let secret = h("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
        let mut d = Tls13Decryptor::new(
            lookup(CipherSuiteId(0x1301)).unwrap(),
            Tls13Variant { draft: None },
            &secret,
        )
        .unwrap();
        let record = h(RFC8448_SERVER_RECORD);
        let opened = d.decrypt(23, 0x0303, &record[5..]).unwrap();
        assert_eq!(opened.content_type, 22);
        // EncryptedExtensions first, Finished (with RFC 8448's verify_data) last.
        assert_eq!(opened.data.len(), 657);
        assert_eq!(&opened.data[..4], &[0x08, 0x00, 0x00, 0x24]);
        assert_eq!(
            opened.data[opened.data.len() - 36..],
            h("140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718")
        );
        assert_eq!(d.seq(), 1);
    }

    #[test]
    fn wrong_key_fails_and_try_keeps_seq() {
        let secret = [7u8; 32];
        let mut d = Tls13Decryptor::new(
            lookup(CipherSuiteId(0x1303)).unwrap(),
            Tls13Variant { draft: None },
            &secret,
        )
        .unwrap();
        assert_eq!(
            d.try_decrypt(23, 0x0303, &[0u8; 40]),
            Err(RecordError::BadTag)
        );
        assert_eq!(d.seq(), 0);
        assert!(d.decrypt(23, 0x0303, &[0u8; 40]).is_err());
        assert_eq!(d.seq(), 1);
        assert!(d.next_generation().is_ok());
    }

    #[test]
    fn secret_length_must_match_the_hash() {
        assert!(Tls13Decryptor::new(
            lookup(CipherSuiteId(0x1302)).unwrap(),
            Tls13Variant { draft: None },
            &[0; 32]
        )
        .is_err());
    }

    /// RFC 8448 §3, "server handshake [...] complete record" (679 bytes).
    const RFC8448_SERVER_RECORD: &str = concat!(
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
}
