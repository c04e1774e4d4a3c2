//! The parts of the TLS 1.3 key schedule (RFC 8446 §7) a passive decoder needs once a
//! key log hands it the traffic secrets: the write key and IV of a traffic secret, the
//! Finished check, and the next generation after a KeyUpdate.
//!
//! ```text
//!  [sender]_handshake_traffic_secret ──┬─ HKDF-Expand-Label(·, "key", "", key_len) ─► key
//!  [sender]_application_traffic_secret_N├─ HKDF-Expand-Label(·, "iv",  "", 12)      ─► iv
//!                                       └─ HKDF-Expand-Label(·, "finished", "", Hash.len)
//!                                               ─► finished_key
//!  verify_data = HMAC(finished_key, Hash(ClientHello … last message before Finished))
//!  application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.len)
//! ```
//!
//! Drafts: the label prefix was `"TLS 1.3, "` before draft 20 and is `"tls13 "` since.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256, Sha384};

use crate::tls::cipher_suite::{CipherSuite, PrfHash};
use crate::tls::registry::ProtocolVersion;

/// The hash of a TLS 1.3 cipher suite (HKDF and transcript).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuiteHash {
    Sha256,
    Sha384,
}

impl SuiteHash {
    pub fn for_suite(suite: &CipherSuite) -> SuiteHash {
        match suite.prf {
            PrfHash::Sha384 => SuiteHash::Sha384,
            PrfHash::Sha256 | PrfHash::Legacy => SuiteHash::Sha256,
        }
    }

    pub fn output_len(self) -> usize {
        match self {
            SuiteHash::Sha256 => 32,
            SuiteHash::Sha384 => 48,
        }
    }

    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            SuiteHash::Sha256 => Sha256::digest(data).to_vec(),
            SuiteHash::Sha384 => Sha384::digest(data).to_vec(),
        }
    }

    fn hmac(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
            let mut m = <M as hmac::digest::KeyInit>::new_from_slice(key)
                .expect("HMAC accepts keys of any length");
            for p in parts {
                m.update(p);
            }
            m.finalize().into_bytes().to_vec()
        }
        match self {
            SuiteHash::Sha256 => run::<Hmac<Sha256>>(key, parts),
            SuiteHash::Sha384 => run::<Hmac<Sha384>>(key, parts),
        }
    }
}

/// Which TLS 1.3: the RFC, or a draft (its number) for the label prefix and AAD rules;
/// or DTLS 1.3, whose key schedule is TLS 1.3's under its own label prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tls13Variant {
    /// `None` for RFC 8446, `Some(n)` for draft-ietf-tls-tls13-n.
    pub draft: Option<u8>,
    /// DTLS 1.3 (RFC 9147 §5.9): labels start `"dtls13"` in place of `"tls13 "`.
    pub dtls: bool,
}

impl Tls13Variant {
    /// From the negotiated version: `0x0304`, `0x7fNN` for draft NN, or DTLS 1.3's
    /// `0xfefc`.
    pub fn from_version(version: u16) -> Option<Tls13Variant> {
        let version = ProtocolVersion(version);
        if version == ProtocolVersion::DTLS1_3 {
            return Some(Tls13Variant {
                draft: None,
                dtls: true,
            });
        }
        version.is_tls13().then(|| Tls13Variant {
            draft: version.tls13_draft(),
            dtls: false,
        })
    }

    fn label_prefix(self) -> &'static [u8] {
        match self.draft {
            _ if self.dtls => b"dtls13",
            Some(d) if d < 20 => b"TLS 1.3, ",
            _ => b"tls13 ",
        }
    }

    /// Drafts before 25 authenticated no additional data; since, the record header.
    pub fn record_header_is_aad(self) -> bool {
        !matches!(self.draft, Some(d) if d < 25)
    }
}

/// HKDF-Extract (RFC 5869 §2.2): the pseudorandom key of `ikm` under `salt`. TLS 1.3
/// proper never needs it here (key logs give the secrets already extracted); QUIC's
/// Initial secrets start from it (RFC 9001 §5.2).
pub fn hkdf_extract(hash: SuiteHash, salt: &[u8], ikm: &[u8]) -> Vec<u8> {
    hash.hmac(salt, &[ikm])
}

/// HKDF-Expand (RFC 5869) of `prk` with `info` to `len` bytes.
fn hkdf_expand(hash: SuiteHash, prk: &[u8], info: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    let mut t: Vec<u8> = Vec::new();
    let mut counter = 1u8;
    while out.len() < len {
        t = hash.hmac(prk, &[&t, info, &[counter]]);
        let take = (len - out.len()).min(t.len());
        out.extend_from_slice(&t[..take]);
        counter = counter.wrapping_add(1);
    }
    out
}

/// The hash of a TLS 1.3 `suite` whose traffic `secret` this is, or why the pair can't
/// make keys (not a TLS 1.3 suite; a secret of the wrong length for the suite's hash).
/// Key log secrets reach every TLS 1.3 key schedule (records, QUIC packets) through it.
pub fn traffic_secret_hash(suite: &CipherSuite, secret: &[u8]) -> Result<SuiteHash, String> {
    if !suite.is_tls13() {
        return Err("not a TLS 1.3 suite".into());
    }
    let hash = SuiteHash::for_suite(suite);
    if secret.len() != hash.output_len() {
        return Err(format!(
            "{}-byte traffic secret, the suite's hash needs {}",
            secret.len(),
            hash.output_len()
        ));
    }
    Ok(hash)
}

/// HKDF-Expand-Label(secret, label, context, len) (RFC 8446 §7.1).
pub fn hkdf_expand_label(
    hash: SuiteHash,
    variant: Tls13Variant,
    secret: &[u8],
    label: &[u8],
    context: &[u8],
    len: usize,
) -> Vec<u8> {
    let prefix = variant.label_prefix();
    let mut info = Vec::with_capacity(4 + prefix.len() + label.len() + context.len());
    info.extend_from_slice(&(len as u16).to_be_bytes());
    info.push((prefix.len() + label.len()) as u8);
    info.extend_from_slice(prefix);
    info.extend_from_slice(label);
    info.push(context.len() as u8);
    info.extend_from_slice(context);
    hkdf_expand(hash, secret, &info, len)
}

/// The write key and 12-byte IV of a traffic secret (RFC 8446 §7.3).
pub fn traffic_key_iv(
    hash: SuiteHash,
    variant: Tls13Variant,
    secret: &[u8],
    key_len: usize,
) -> (Vec<u8>, Vec<u8>) {
    (
        hkdf_expand_label(hash, variant, secret, b"key", b"", key_len),
        hkdf_expand_label(hash, variant, secret, b"iv", b"", 12),
    )
}

/// The Finished `verify_data` a sender whose handshake traffic secret is `base_key`
/// must send after a transcript hashing to `transcript_hash` (RFC 8446 §4.4.4).
pub fn finished_verify_data(
    hash: SuiteHash,
    variant: Tls13Variant,
    base_key: &[u8],
    transcript_hash: &[u8],
) -> Vec<u8> {
    let finished_key =
        hkdf_expand_label(hash, variant, base_key, b"finished", b"", hash.output_len());
    hash.hmac(&finished_key, &[transcript_hash])
}

/// The application traffic secret after a KeyUpdate (RFC 8446 §7.2).
pub fn next_traffic_secret(hash: SuiteHash, variant: Tls13Variant, secret: &[u8]) -> Vec<u8> {
    hkdf_expand_label(
        hash,
        variant,
        secret,
        b"traffic upd",
        b"",
        hash.output_len(),
    )
}

/// Derive-Secret(secret, label, messages) (RFC 8446 §7.1), given the messages' hash.
fn derive_secret(
    hash: SuiteHash,
    variant: Tls13Variant,
    secret: &[u8],
    label: &[u8],
    transcript_hash: &[u8],
) -> Vec<u8> {
    hkdf_expand_label(
        hash,
        variant,
        secret,
        label,
        transcript_hash,
        hash.output_len(),
    )
}

/// The key schedule of a handshake keyed by an external PSK alone (psk_ke: no
/// (EC)DHE, RFC 8446 §7.1), which a reader holding the PSK can run in full: the
/// (EC)DHE input is a string of zeros, so every secret follows from the PSK and the
/// transcript.
#[derive(Debug, Clone)]
pub struct PskSchedule {
    hash: SuiteHash,
    variant: Tls13Variant,
    handshake_secret: Vec<u8>,
    master_secret: Vec<u8>,
}

impl PskSchedule {
    pub fn new(hash: SuiteHash, variant: Tls13Variant, psk: &[u8]) -> Self {
        let zeros = vec![0u8; hash.output_len()];
        let empty = hash.digest(b"");
        // Each stage: Extract(Derive-Secret(previous, "derived", ""), zeros), the first
        // from the PSK itself.
        let next = |previous: &[u8]| {
            let derived = derive_secret(hash, variant, previous, b"derived", &empty);
            hkdf_extract(hash, &derived, &zeros)
        };
        let early = hkdf_extract(hash, &zeros, psk);
        let handshake_secret = next(&early);
        let master_secret = next(&handshake_secret);
        PskSchedule {
            hash,
            variant,
            handshake_secret,
            master_secret,
        }
    }

    /// The client's and the server's handshake traffic secrets, given the hash of the
    /// transcript through the ServerHello.
    pub fn handshake(&self, transcript_hash: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let d = |label: &[u8]| {
            derive_secret(
                self.hash,
                self.variant,
                &self.handshake_secret,
                label,
                transcript_hash,
            )
        };
        (d(b"c hs traffic"), d(b"s hs traffic"))
    }

    /// The client's and the server's first application traffic secrets, given the
    /// hash of the transcript through the server's Finished.
    pub fn application(&self, transcript_hash: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let d = |label: &[u8]| {
            derive_secret(
                self.hash,
                self.variant,
                &self.master_secret,
                label,
                transcript_hash,
            )
        };
        (d(b"c ap traffic"), d(b"s ap traffic"))
    }
}

/// The synthetic `message_hash` message that replaces ClientHello1 in the transcript
/// after a HelloRetryRequest (RFC 8446 §4.4.1).
pub fn message_hash(hash: SuiteHash, client_hello1: &[u8]) -> Vec<u8> {
    let digest = hash.digest(client_hello1);
    let mut m = vec![254, 0, 0, digest.len() as u8];
    m.extend_from_slice(&digest);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC: Tls13Variant = Tls13Variant {
        draft: None,
        dtls: false,
    };

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.replace([' ', '\n'], "")).unwrap()
    }

    /// RFC 5869 test case 1 (the Extract half).
    #[test]
    fn hkdf_extract_rfc5869_case1() {
        let prk = hkdf_extract(
            SuiteHash::Sha256,
            &h("000102030405060708090a0b0c"),
            &[0x0b; 22],
        );
        assert_eq!(
            prk,
            h("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
        );
    }

    /// RFC 5869 test case 1 (the Expand half).
    #[test]
    fn hkdf_expand_rfc5869_case1() {
        let prk = h("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
        let okm = hkdf_expand(SuiteHash::Sha256, &prk, &h("f0f1f2f3f4f5f6f7f8f9"), 42);
        assert_eq!(
            okm,
            h("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
        );
    }

    /// RFC 8448 §3 (simple 1-RTT handshake): traffic keys from the handshake and
    /// application traffic secrets.
    #[test]
    fn rfc8448_traffic_keys() {
        let server_hs = h("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
        let (key, iv) = traffic_key_iv(SuiteHash::Sha256, RFC, &server_hs, 16);
        assert_eq!(key, h("3fce516009c21727d0f2e4e86ee403bc"));
        assert_eq!(iv, h("5d313eb2671276ee13000b30"));

        let client_hs = h("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21");
        let (key, iv) = traffic_key_iv(SuiteHash::Sha256, RFC, &client_hs, 16);
        assert_eq!(key, h("dbfaa693d1762c5b666af5d950258d01"));
        assert_eq!(iv, h("5bd3c71b836e0b76bb73265f"));

        let server_app = h("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643");
        let (key, iv) = traffic_key_iv(SuiteHash::Sha256, RFC, &server_app, 16);
        assert_eq!(key, h("9f02283b6c9c07efc26bb9f2ac92e356"));
        assert_eq!(iv, h("cf782b88dd83549aadf1e984"));
    }

    /// RFC 8448 §3: the server's finished key comes from its handshake secret.
    #[test]
    fn rfc8448_finished_key() {
        let server_hs = h("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
        let fk = hkdf_expand_label(SuiteHash::Sha256, RFC, &server_hs, b"finished", b"", 32);
        assert_eq!(
            fk,
            h("008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8")
        );
    }

    #[test]
    fn draft_prefix_and_aad() {
        let d18 = Tls13Variant {
            draft: Some(18),
            dtls: false,
        };
        let d23 = Tls13Variant {
            draft: Some(23),
            dtls: false,
        };
        assert_eq!(d18.label_prefix(), b"TLS 1.3, ");
        assert_eq!(d23.label_prefix(), b"tls13 ");
        assert!(!d23.record_header_is_aad());
        assert!(RFC.record_header_is_aad());
        assert_eq!(
            Tls13Variant::from_version(0x7f14),
            Some(Tls13Variant {
                draft: Some(20),
                dtls: false
            })
        );
        assert_eq!(Tls13Variant::from_version(0x0303), None);
        let dtls13 = Tls13Variant::from_version(0xfefc).unwrap();
        assert_eq!(dtls13.label_prefix(), b"dtls13");
        assert!(dtls13.record_header_is_aad());
    }

    #[test]
    fn message_hash_shape() {
        let m = message_hash(SuiteHash::Sha384, b"hello");
        assert_eq!(&m[..4], &[254, 0, 0, 48]);
        assert_eq!(m.len(), 52);
    }
}
