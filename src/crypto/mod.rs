//! Crypto: server RSA keys, the TLS/SSL PRFs and key expansion, record decryption, and
//! QUIC packet protection keys.

pub mod dtls13;
pub mod keylog;
pub mod keys;
pub mod prf;
pub mod quic;
pub mod record;
mod remembered;
pub mod secrets;
pub mod sha256;
pub mod tls13;
