//! TLS 1.3 record protection (RFC 8446 §5.2): one direction under one traffic secret.
//!
//! ```text
//!  TLSCiphertext: opaque_type=23 | legacy_version=0x0303 | length | AEAD(encrypted_record)
//!  nonce = iv XOR seq (left-padded)        additional data = the 5-byte record header
//!  TLSInnerPlaintext: content | content_type(1) | zeros (padding)
//! ```
//!
//! The decryptor holds keys only: the caller passes the sequence number and the header
//! bytes ([`ProtectedHeader`]), so the same AEAD opens DTLS 1.3 records and QUIC
//! packets, whose numbers and headers are not TLS's.

use std::fmt;

use super::aead::AeadState;
use super::{RecordError, Unsupported};
use crate::crypto::tls13::{self, SuiteHash, Tls13Variant};
use crate::tls::cipher_suite::CipherSuite;

/// TLS 1.3: the longest `encrypted_record` (RFC 8446 §5.2).
const MAX_CIPHERTEXT: usize = (1 << 14) + 256;

/// What one protected record or packet authenticates besides its payload, as the
/// caller read it.
///
/// | protocol | `seq` (XORed into the IV) | `header` (the additional data) |
/// |---|---|---|
/// | TLS 1.3 | records before it under these keys | the 5-byte record header as it travelled |
/// | DTLS 1.3 | the full sequence number, reconstructed | the unified header, record number in clear |
/// | QUIC | the full packet number | the header up to and including the packet number |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtectedHeader<'a> {
    /// The record or packet number, XORed into the IV (left-padded) for the nonce.
    pub seq: u64,
    /// The bytes authenticated as additional data, as they travelled.
    pub header: &'a [u8],
}

/// One direction's keys for one traffic secret.
///
/// Nothing changes from one record to the next (opening takes `&self`): the sequence
/// number is the caller's ([`super::KeyChain`] keeps it for TLS over a stream).
pub struct Tls13Decryptor {
    suite: &'static CipherSuite,
    hash: SuiteHash,
    variant: Tls13Variant,
    /// Kept to derive the next generation on KeyUpdate.
    secret: Vec<u8>,
    aead: AeadState,
}

impl fmt::Debug for Tls13Decryptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret and keys stay out of debug output.
        f.debug_struct("Tls13Decryptor")
            .field("suite", &self.suite.name)
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
        let hash = tls13::traffic_secret_hash(suite, secret).map_err(unsupported)?;
        let (key, iv) = tls13::traffic_key_iv(hash, variant, secret, suite.key_len as usize);
        let aead =
            AeadState::new_tls13(suite.cipher, suite.mode, &key, &iv).map_err(unsupported)?;
        Ok(Tls13Decryptor {
            suite,
            hash,
            variant,
            secret: secret.to_vec(),
            aead,
        })
    }

    /// The keys after a KeyUpdate from this direction (the next application
    /// traffic secret; its records are numbered from 0 again).
    pub fn next_generation(&self) -> Result<Self, Unsupported> {
        let next = tls13::next_traffic_secret(self.hash, self.variant, &self.secret);
        Tls13Decryptor::new(self.suite, self.variant, &next)
    }

    /// Decrypts one TLS 1.3 record (`fragment`: its `encrypted_record`) and splits off
    /// the real content type and the padding.
    ///
    /// Drafts before 25 authenticated no header: for those, `header.header` is not
    /// used (only `header.seq`).
    pub fn open(
        &self,
        header: ProtectedHeader<'_>,
        fragment: &[u8],
    ) -> Result<Opened, RecordError> {
        if fragment.len() > MAX_CIPHERTEXT {
            return Err(RecordError::TooLong);
        }
        let aad: &[u8] = if self.variant.record_header_is_aad() {
            header.header
        } else {
            &[]
        };
        let mut data = self.aead.open_tls13(header.seq, aad, fragment)?;
        // The real content type is the last non-zero byte; zeros after it are padding.
        let end = data
            .iter()
            .rposition(|&b| b != 0)
            .ok_or(RecordError::NoContentType)?;
        let content_type = data[end];
        data.truncate(end);
        Ok(Opened { content_type, data })
    }

    /// The AEAD alone, for a payload with no TLS inner plaintext (a QUIC packet,
    /// RFC 9001 §5.3): nonce = IV XOR `header.seq`, additional data = `header.header`
    /// whatever the variant, no length limit; returns the plaintext as it is.
    pub fn open_payload(
        &self,
        header: ProtectedHeader<'_>,
        sealed: &[u8],
    ) -> Result<Vec<u8>, RecordError> {
        self.aead.open_tls13(header.seq, header.header, sealed)
    }

    pub fn suite(&self) -> &'static CipherSuite {
        self.suite
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{
        h, tls13_seal, RFC8448_SERVER_HANDSHAKE_SECRET, RFC8448_SERVER_RECORD,
    };
    use super::*;
    use crate::tls::cipher_suite::{lookup, CipherSuiteId};

    fn rfc8448_server_handshake_keys() -> Tls13Decryptor {
        Tls13Decryptor::new(
            lookup(CipherSuiteId(0x1301)).unwrap(),
            Tls13Variant {
                draft: None,
                dtls: false,
            },
            &h(RFC8448_SERVER_HANDSHAKE_SECRET),
        )
        .unwrap()
    }

    /// RFC 8448 §3: the server's first protected record (EncryptedExtensions …
    /// Finished) under its handshake traffic secret: record 0, its header as it
    /// travelled.
    #[test]
    fn rfc8448_server_handshake_record() {
        let d = rfc8448_server_handshake_keys();
        let record = h(RFC8448_SERVER_RECORD);
        let (header, fragment) = record.split_at(5);
        let opened = d
            .open(ProtectedHeader { seq: 0, header }, fragment)
            .unwrap();
        assert_eq!(opened.content_type, 22);
        // EncryptedExtensions first, Finished (with RFC 8448's verify_data) last.
        assert_eq!(opened.data.len(), 657);
        assert_eq!(&opened.data[..4], &[0x08, 0x00, 0x00, 0x24]);
        assert_eq!(
            opened.data[opened.data.len() - 36..],
            h("140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718")
        );
        // Opening changes nothing: the same record opens again.
        assert_eq!(
            d.open(ProtectedHeader { seq: 0, header }, fragment),
            Ok(opened)
        );
    }

    /// The same record told another number, or another header, does not open.
    #[test]
    fn rfc8448_record_number_and_header_are_authenticated() {
        let d = rfc8448_server_handshake_keys();
        let record = h(RFC8448_SERVER_RECORD);
        let (header, fragment) = record.split_at(5);
        let bad = |seq, header: &[u8]| d.open(ProtectedHeader { seq, header }, fragment);
        assert_eq!(bad(1, header), Err(RecordError::BadTag));
        assert_eq!(bad(1 << 40, header), Err(RecordError::BadTag));
        let mut other = header.to_vec();
        other[2] = 0x01; // legacy_version 0x0301
        assert_eq!(bad(0, &other), Err(RecordError::BadTag));
        assert_eq!(bad(0, &[]), Err(RecordError::BadTag));
    }

    /// TLS 1.3 records sealed here (RustCrypto) open in any order when told their
    /// numbers, for every suite.
    #[test]
    fn records_open_out_of_order_with_explicit_numbers() {
        for id in [0x1301, 0x1302, 0x1303, 0x1304, 0x1305] {
            let s = lookup(CipherSuiteId(id)).unwrap();
            let secret = vec![0x42; SuiteHash::for_suite(s).output_len()];
            let d = Tls13Decryptor::new(
                s,
                Tls13Variant {
                    draft: None,
                    dtls: false,
                },
                &secret,
            )
            .unwrap();
            let records: Vec<([u8; 5], Vec<u8>)> = (0..5u8)
                .map(|n| {
                    let inner = [&[n; 30][..], &[23], &[0; 3]].concat();
                    let len = (inner.len() + 16 - 8 * usize::from(id == 0x1305)) as u16;
                    let header = [23, 3, 3, (len >> 8) as u8, len as u8];
                    let sealed = tls13_seal(
                        id,
                        Tls13Variant {
                            draft: None,
                            dtls: false,
                        },
                        &secret,
                        n.into(),
                        &header,
                        &inner,
                    );
                    assert_eq!(sealed.len(), len as usize);
                    (header, sealed)
                })
                .collect();
            for n in [4, 0, 3, 1, 2] {
                let (header, sealed) = &records[n];
                let seq = n as u64;
                let opened = d.open(ProtectedHeader { seq, header }, sealed).unwrap();
                assert_eq!(opened.content_type, 23, "0x{id:04x}");
                assert_eq!(opened.data, [n as u8; 30], "0x{id:04x} record {n}");
            }
        }
    }

    /// A QUIC-shaped input (RFC 9001 §5.3): a long packet number as the nonce's
    /// sequence, the header bytes up to the packet number as additional data, and a
    /// payload with no inner content type.
    #[test]
    fn quic_shaped_payload_round_trips() {
        let secret = [0x17; 32];
        let d = Tls13Decryptor::new(
            lookup(CipherSuiteId(0x1301)).unwrap(),
            Tls13Variant {
                draft: None,
                dtls: false,
            },
            &secret,
        )
        .unwrap();
        // Short header: flags, an 8-byte connection ID, a 2-byte packet number.
        let header = h("43 8394c8f03e515708 b1d3");
        let pn = 0x0001_b1d3;
        let payload = h("01 00 00 00"); // PING, PADDING…: trailing zeros are data here
        let sealed = tls13_seal(
            0x1301,
            Tls13Variant {
                draft: None,
                dtls: false,
            },
            &secret,
            pn,
            &header,
            &payload,
        );
        let open = |seq, header: &[u8]| d.open_payload(ProtectedHeader { seq, header }, &sealed);
        assert_eq!(open(pn, &header).unwrap(), payload);
        assert_eq!(open(pn + 1, &header), Err(RecordError::BadTag));
        assert_eq!(open(pn, &header[..10]), Err(RecordError::BadTag));
    }

    #[test]
    fn wrong_key_fails() {
        let secret = [7u8; 32];
        let d = Tls13Decryptor::new(
            lookup(CipherSuiteId(0x1303)).unwrap(),
            Tls13Variant {
                draft: None,
                dtls: false,
            },
            &secret,
        )
        .unwrap();
        let header = [23, 3, 3, 0, 40];
        assert_eq!(
            d.open(
                ProtectedHeader {
                    seq: 0,
                    header: &header
                },
                &[0u8; 40]
            ),
            Err(RecordError::BadTag)
        );
        assert!(d.next_generation().is_ok());
    }

    #[test]
    fn early_drafts_authenticate_no_header() {
        let secret = [9u8; 32];
        let s = lookup(CipherSuiteId(0x1301)).unwrap();
        let d = Tls13Decryptor::new(
            s,
            Tls13Variant {
                draft: Some(23),
                dtls: false,
            },
            &secret,
        )
        .unwrap();
        // Draft 23: the record header is not additional data (empty AAD).
        let sealed = tls13_seal(
            0x1301,
            Tls13Variant {
                draft: Some(23),
                dtls: false,
            },
            &secret,
            3,
            &[],
            b"hi\x16",
        );
        let any = [0xff; 5];
        let opened = d
            .open(
                ProtectedHeader {
                    seq: 3,
                    header: &any,
                },
                &sealed,
            )
            .unwrap();
        assert_eq!((opened.content_type, &opened.data[..]), (22, &b"hi"[..]));
    }

    #[test]
    fn too_long_is_refused_before_decrypting() {
        let d = rfc8448_server_handshake_keys();
        let big = vec![0; MAX_CIPHERTEXT + 1];
        let header = [23, 3, 3, 0x41, 0x01];
        assert_eq!(
            d.open(
                ProtectedHeader {
                    seq: 0,
                    header: &header
                },
                &big
            ),
            Err(RecordError::TooLong)
        );
        // The AEAD alone has no TLS length limit.
        assert_eq!(
            d.open_payload(
                ProtectedHeader {
                    seq: 0,
                    header: &header
                },
                &big
            ),
            Err(RecordError::BadTag)
        );
    }

    #[test]
    fn secret_length_must_match_the_hash() {
        assert!(Tls13Decryptor::new(
            lookup(CipherSuiteId(0x1302)).unwrap(),
            Tls13Variant {
                draft: None,
                dtls: false
            },
            &[0; 32]
        )
        .is_err());
    }
}
