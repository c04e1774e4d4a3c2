//! TLS: record layer, handshake codec, cipher-suite registry and fingerprints.

pub mod certificate;
pub mod cipher_suite;
pub mod codec;
pub mod extensions;
pub mod fingerprint;
pub mod handshake;
pub mod hello;
pub mod names;
pub mod record;
pub mod scan;
