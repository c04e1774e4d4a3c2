//! Crypto: server RSA keys, the TLS/SSL PRFs and key expansion, and record decryption.

pub mod keylog;
pub mod keys;
pub mod prf;
pub mod record;
pub mod secrets;
pub mod tls13;
