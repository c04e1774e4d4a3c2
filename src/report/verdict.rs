//! Why a connection was or was not decrypted: a stable code for scripts, finer than
//! `status`, with its sentence in words (`decryption.reason` adds the particulars:
//! which keys were tried, which client random the key log lacks).

use serde::{Serialize, Serializer};

/// The decryption verdict of one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Decrypted,
    /// Decrypted, but gaps in the capture cut some records.
    DecryptedWithGaps,
    /// RSA key exchange and no RSA private key was given.
    NoRsaKey,
    /// RSA key exchange; keys were given, none is this certificate's.
    NoKeyForCertificate,
    /// The key or secret given does not verify (Finished, record tags, RSA padding).
    KeyMismatch,
    /// ECDHE, DHE or TLS 1.3 and no key log: an RSA key cannot help.
    ForwardSecret,
    /// A key log was given, with no line for this connection's client random.
    KeylogNoLine,
    /// PSK key exchange and no `--psk`.
    PskNeeded,
    /// The capture starts after the handshake (picked up mid-stream).
    HandshakeNotCaptured,
    /// A segment lost inside the handshake (a TCP gap before the keys were settled).
    HandshakeSegmentLost,
    /// The ClientHello and nothing after it from the server.
    NoServerHello,
    /// A resumed session whose full handshake is not in the capture.
    ResumedWithoutFullHandshake,
    /// The cipher suite (or a part of the handshake it needs) is not supported.
    UnsupportedCipher,
    /// The handshake ended (an alert, a close) before either side encrypted a record.
    NothingEncrypted,
    /// No TLS record parsed.
    NotTls,
}

impl Verdict {
    /// Every verdict, in the order the README lists them.
    pub const ALL: [Verdict; 15] = [
        Verdict::Decrypted,
        Verdict::DecryptedWithGaps,
        Verdict::NoRsaKey,
        Verdict::NoKeyForCertificate,
        Verdict::KeyMismatch,
        Verdict::ForwardSecret,
        Verdict::KeylogNoLine,
        Verdict::PskNeeded,
        Verdict::HandshakeNotCaptured,
        Verdict::HandshakeSegmentLost,
        Verdict::NoServerHello,
        Verdict::ResumedWithoutFullHandshake,
        Verdict::UnsupportedCipher,
        Verdict::NothingEncrypted,
        Verdict::NotTls,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Decrypted => "decrypted",
            Verdict::DecryptedWithGaps => "decrypted_with_gaps",
            Verdict::NoRsaKey => "no_rsa_key",
            Verdict::NoKeyForCertificate => "no_key_for_certificate",
            Verdict::KeyMismatch => "key_mismatch",
            Verdict::ForwardSecret => "forward_secret",
            Verdict::KeylogNoLine => "keylog_no_line",
            Verdict::PskNeeded => "psk_needed",
            Verdict::HandshakeNotCaptured => "handshake_not_captured",
            Verdict::HandshakeSegmentLost => "handshake_segment_lost",
            Verdict::NoServerHello => "no_server_hello",
            Verdict::ResumedWithoutFullHandshake => "resumed_without_full_handshake",
            Verdict::UnsupportedCipher => "unsupported_cipher",
            Verdict::NothingEncrypted => "nothing_encrypted",
            Verdict::NotTls => "not_tls",
        }
    }

    /// The verdict in words.
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Decrypted => "decrypted",
            Verdict::DecryptedWithGaps => "decrypted, but gaps in the capture cut some records",
            Verdict::NoRsaKey => "RSA key exchange: the server's private key is needed (-k)",
            Verdict::NoKeyForCertificate => "no key given is this server certificate's key",
            Verdict::KeyMismatch => "the key or secret given does not verify for this session",
            Verdict::ForwardSecret => {
                "forward-secret key exchange: an RSA key cannot help, a key log is needed"
            }
            Verdict::KeylogNoLine => "the key log has no line for this client random",
            Verdict::PskNeeded => "PSK key exchange: the pre-shared key is needed (--psk)",
            Verdict::HandshakeNotCaptured => {
                "the handshake is not in the capture: it was picked up mid-stream"
            }
            Verdict::HandshakeSegmentLost => "a segment inside the handshake is lost",
            Verdict::NoServerHello => "the server never answered the ClientHello",
            Verdict::ResumedWithoutFullHandshake => {
                "resumed session whose full handshake is not in the capture"
            }
            Verdict::UnsupportedCipher => "the cipher suite is not supported",
            Verdict::NothingEncrypted => {
                "the handshake ended before anything was encrypted: nothing to decrypt"
            }
            Verdict::NotTls => "not TLS: no TLS record parsed",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Verdict {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_snake_case() {
        let mut codes: Vec<&str> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
        assert!(codes
            .iter()
            .all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')));
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), Verdict::ALL.len());
    }
}
