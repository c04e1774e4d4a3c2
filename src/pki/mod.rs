//! Certificate validation at capture time, as Zeek's `validation_status` does it: the
//! server's chain is built and verified by `rustls-webpki` against a trust store
//! (Mozilla's roots, the user's CA files, the system's store) at the time the
//! Certificate message was captured, not today; the client's server name (SNI) is checked
//! against the leaf's names (RFC 6125 wildcards, webpki's rules); and what a client
//! should refuse today is flagged beside it (weak keys and hashes, chain order).
//!
//! [`TrustStore`] loads the anchors, [`Validator`] checks chains (and remembers recent
//! answers: a busy server sends the same chain to every client).

mod facts;
mod store;
mod validate;

#[cfg(test)]
mod tests;

use serde::{Serialize, Serializer};

pub use store::TrustStore;
pub use validate::{Validator, MAX_INTERMEDIATES};

/// What a validation found: `ok`, or why a client would refuse the chain (the status),
/// or what it should worry about (a problem that leaves the status `ok`: chain order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ValidationStatus {
    Ok,
    /// The leaf does not parse as a certificate (or webpki rejects its encoding).
    Unparsable,
    /// A signature in the chain does not verify with its issuer's key.
    BadSignature,
    /// The chain leads to no trusted root: an intermediate is missing, or its CA is
    /// not in the trust store.
    UnknownIssuer,
    /// The chain ends in a self-signed certificate that is not trusted.
    SelfSigned,
    /// A certificate had expired at the capture's time.
    Expired,
    /// A certificate was not yet valid at the capture's time.
    NotYetValid,
    /// A key under today's minimum (RSA and DSA under 2048 bits, EC under 224).
    WeakKey,
    /// A signature made with MD2, MD4, MD5 or SHA-1.
    WeakHash,
    /// The server name the client asked for is not among the leaf's names.
    NameMismatch,
    /// The certificates are not in issuing order (TLS 1.2 requires it; clients cope).
    ChainOrder,
    /// Anything else webpki refuses (a CA as the leaf, no serverAuth usage, name
    /// constraints…), with webpki's word for it.
    Invalid,
}

impl ValidationStatus {
    /// Every code, in the order the README lists them.
    pub const ALL: [ValidationStatus; 12] = [
        ValidationStatus::Ok,
        ValidationStatus::Expired,
        ValidationStatus::NotYetValid,
        ValidationStatus::UnknownIssuer,
        ValidationStatus::SelfSigned,
        ValidationStatus::BadSignature,
        ValidationStatus::NameMismatch,
        ValidationStatus::WeakKey,
        ValidationStatus::WeakHash,
        ValidationStatus::ChainOrder,
        ValidationStatus::Unparsable,
        ValidationStatus::Invalid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ValidationStatus::Ok => "ok",
            ValidationStatus::Unparsable => "unparsable",
            ValidationStatus::BadSignature => "bad_signature",
            ValidationStatus::UnknownIssuer => "unknown_issuer",
            ValidationStatus::SelfSigned => "self_signed",
            ValidationStatus::Expired => "expired",
            ValidationStatus::NotYetValid => "not_yet_valid",
            ValidationStatus::WeakKey => "weak_key",
            ValidationStatus::WeakHash => "weak_hash",
            ValidationStatus::NameMismatch => "name_mismatch",
            ValidationStatus::ChainOrder => "chain_order",
            ValidationStatus::Invalid => "invalid",
        }
    }

    /// The code in a few words (the README's table, `inspect`).
    pub fn words(self) -> &'static str {
        match self {
            ValidationStatus::Ok => "valid",
            ValidationStatus::Unparsable => "certificate does not parse",
            ValidationStatus::BadSignature => "a signature does not verify",
            ValidationStatus::UnknownIssuer => {
                "issuer unknown (missing intermediate or untrusted CA)"
            }
            ValidationStatus::SelfSigned => "self-signed and not trusted",
            ValidationStatus::Expired => "expired at capture time",
            ValidationStatus::NotYetValid => "not yet valid at capture time",
            ValidationStatus::WeakKey => "weak key",
            ValidationStatus::WeakHash => "weak signature hash",
            ValidationStatus::NameMismatch => "not valid for the server name",
            ValidationStatus::ChainOrder => "chain out of order",
            ValidationStatus::Invalid => "refused",
        }
    }

    /// A problem that does not make a client refuse the chain.
    pub fn is_note(self) -> bool {
        matches!(self, ValidationStatus::Ok | ValidationStatus::ChainOrder)
    }
}

impl Serialize for ValidationStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One thing wrong with a chain, in words naming the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Problem {
    pub code: ValidationStatus,
    pub reason: String,
}

/// The validation of one server chain (the report's `certificate_validation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CertificateValidation {
    /// `ok`, or the reason code a client would have refused the chain for.
    pub status: ValidationStatus,
    /// The status in words, naming the certificate concerned.
    pub reason: String,
    /// The capture time the chain was checked at (the Certificate message's).
    #[serde(serialize_with = "ser_time")]
    #[schemars(with = "String")]
    pub checked_at: i64,
    /// The name checked against the leaf: the client's SNI (`null`: none was sent, and
    /// no name was checked).
    pub server_name: Option<String>,
    /// The verified path, leaf first, ending in the trust anchor: subject names (empty
    /// when no path to a trusted root was found).
    pub chain: Vec<String>,
    /// Everything found, the status's own problem first.
    pub problems: Vec<Problem>,
}

fn ser_time<S: Serializer>(ns: &i64, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&crate::report::time::Rfc3339::new(*ns), s)
}
