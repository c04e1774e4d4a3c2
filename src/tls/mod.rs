//! TLS: record layer, handshake codec, the IANA registries and fingerprints.

pub mod cert_compression;
pub mod certificate;
pub mod cipher_suite;
pub mod codec;
pub mod dtls;
pub mod extensions;
pub mod fingerprint;
pub mod handshake;
pub mod heartbeat;
pub mod hello;
pub mod record;
pub mod registry;
pub mod scan;
