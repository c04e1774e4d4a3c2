//! An AEAD keyed with a key and IV its caller derived: for protocols that take the
//! TLS 1.3 construction (nonce = IV XOR packet number, the header as additional data)
//! but derive the keys with their own labels, like QUIC ("quic key", "quic iv",
//! RFC 9001 §5.1), so that [`super::Tls13Decryptor`]'s derivation does not apply.

use std::fmt;

use super::aead::AeadState;
use super::tls13::ProtectedHeader;
use super::{RecordError, Unsupported};
use crate::tls::cipher_suite::CipherSuite;

/// One direction's payload protection under one key and IV.
pub struct PacketAead {
    suite: &'static CipherSuite,
    aead: AeadState,
}

impl fmt::Debug for PacketAead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The keys stay out of debug output.
        f.debug_struct("PacketAead")
            .field("suite", &self.suite.name)
            .finish_non_exhaustive()
    }
}

impl PacketAead {
    /// Keys `suite`'s AEAD (a TLS 1.3 suite) with `key` and the 12-byte `iv`.
    pub fn new(suite: &'static CipherSuite, key: &[u8], iv: &[u8]) -> Result<Self, Unsupported> {
        let unsupported = |why: String| Unsupported(format!("{} ({why})", suite.name));
        if !suite.is_tls13() {
            return Err(unsupported("not a TLS 1.3 suite".into()));
        }
        if key.len() != suite.key_len as usize {
            return Err(unsupported(format!(
                "{}-byte key, the suite needs {}",
                key.len(),
                suite.key_len
            )));
        }
        let aead = AeadState::new_tls13(suite.cipher, suite.mode, key, iv).map_err(unsupported)?;
        Ok(PacketAead { suite, aead })
    }

    /// Decrypts and checks `sealed` (ciphertext then tag): nonce = IV XOR
    /// `header.seq`, additional data = `header.header`; returns the plaintext.
    pub fn open(&self, header: ProtectedHeader<'_>, sealed: &[u8]) -> Result<Vec<u8>, RecordError> {
        self.aead.open_tls13(header.seq, header.header, sealed)
    }

    pub fn suite(&self) -> &'static CipherSuite {
        self.suite
    }
}
