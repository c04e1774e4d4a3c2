//! What validation needs to know of one presented certificate beyond webpki's verdict:
//! its names (to say which certificate a problem is about, and to check the order),
//! its validity window, its key and its signature's hash.

use x509_parser::prelude::{FromDer, X509Certificate};

use crate::tls::certificate::{self, PublicKeySummary};

/// The smallest RSA and DSA modulus, and EC field, a client should accept today (bits;
/// OpenSSL's security level 2, the default of Debian's and Red Hat's OpenSSL).
pub const MIN_RSA_BITS: u32 = 2048;
pub const MIN_EC_BITS: u32 = 224;

#[derive(Debug, Clone)]
pub struct Facts {
    /// As the report prints subjects (`CN=…, O=…`).
    pub subject: String,
    pub issuer: String,
    subject_der: Vec<u8>,
    issuer_der: Vec<u8>,
    /// Validity, seconds since the Unix epoch.
    pub not_before: i64,
    pub not_after: i64,
    pub key: PublicKeySummary,
    /// OpenSSL's name of the signature algorithm (`sha256WithRSAEncryption`).
    pub signature_algorithm: String,
    signature_oid: String,
    /// The subject alternative names as the report shows them (the first 64).
    pub names: Vec<String>,
}

impl Facts {
    pub fn parse(der: &[u8]) -> Option<Facts> {
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        let tbs = &cert.tbs_certificate;
        let validity = tbs.validity();
        Some(Facts {
            subject: certificate::distinguished_name(tbs.subject().as_raw())
                .unwrap_or_else(|| tbs.subject().to_string()),
            issuer: certificate::distinguished_name(tbs.issuer().as_raw())
                .unwrap_or_else(|| tbs.issuer().to_string()),
            subject_der: tbs.subject().as_raw().to_vec(),
            issuer_der: tbs.issuer().as_raw().to_vec(),
            not_before: validity.not_before.timestamp(),
            not_after: validity.not_after.timestamp(),
            key: certificate::summarize_public_key(tbs.public_key()),
            signature_algorithm: certificate::signature_algorithm_name(
                &cert.signature_algorithm.algorithm,
            ),
            signature_oid: cert.signature_algorithm.algorithm.to_id_string(),
            names: certificate::subject_alt_names(&cert).0,
        })
    }

    /// Subject and issuer are the same name: a root, or a self-signed leaf.
    pub fn self_issued(&self) -> bool {
        self.subject_der == self.issuer_der
    }

    /// `issuer` names this certificate's issuer.
    pub fn issued_by(&self, issuer: &Facts) -> bool {
        self.issuer_der == issuer.subject_der
    }

    /// Why the key is too weak, if it is: `1024-bit RSA`.
    pub fn weak_key(&self) -> Option<String> {
        let bits = self.key.bits?;
        let minimum = match self.key.algorithm.as_str() {
            "RSA" | "RSA-PSS" | "DSA" => MIN_RSA_BITS,
            "EC" => MIN_EC_BITS,
            _ => return None,
        };
        (bits < minimum).then(|| format!("{bits}-bit {} key", self.key.algorithm))
    }

    /// The signature's algorithm, when its hash is one a client should refuse (MD2,
    /// MD4, MD5, SHA-1). A self-issued certificate's own signature is not checked by
    /// anyone (a root is trusted for its key), so it does not count.
    pub fn weak_hash(&self) -> Option<&str> {
        let weak = WEAK_HASH_SIGNATURES.contains(&self.signature_oid.as_str());
        (weak && !self.self_issued()).then_some(self.signature_algorithm.as_str())
    }
}

/// Signature algorithms over MD2, MD4, MD5 and SHA-1, by OID: RSA (PKCS #1 and OIW),
/// ECDSA, DSA (X9.57 and OIW).
const WEAK_HASH_SIGNATURES: [&str; 8] = [
    "1.2.840.113549.1.1.2",
    "1.2.840.113549.1.1.3",
    "1.2.840.113549.1.1.4",
    "1.2.840.113549.1.1.5",
    "1.3.14.3.2.29",
    "1.2.840.10045.4.1",
    "1.2.840.10040.4.3",
    "1.3.14.3.2.27",
];

/// The DER `Name` of a trust anchor's subject (webpki keeps the contents of the
/// SEQUENCE), as the report prints names.
pub fn anchor_subject(contents: &[u8]) -> String {
    let mut der = vec![0x30];
    let len = contents.len();
    if len < 0x80 {
        der.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        der.push(0x80 | (bytes.len() - skip) as u8);
        der.extend_from_slice(&bytes[skip..]);
    }
    der.extend_from_slice(contents);
    certificate::distinguished_name(&der).unwrap_or_else(|| "(unreadable name)".into())
}
