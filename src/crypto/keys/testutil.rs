//! Test-only helpers shared by the key tests: the test data folder, loading
//! helpers, the modulus from the test certificate, and a deterministic RNG
//! with RSA encryption for round trips.
//!
//! In a file of its own because the tests of `mod.rs`, `container.rs`, `formats.rs`,
//! `pbe.rs`, `pkcs12.rs` and `premaster.rs` all use them.

use std::path::{Path, PathBuf};

use rsa::rand_core::{CryptoRng, RngCore};
use rsa::Pkcs1v15Encrypt;

use super::{decrypt_pre_master, load_key_bytes, KeyError, ServerKey};

pub(crate) fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/crypto/testdata")
        .join(name)
}

pub(crate) fn read(name: &str) -> Vec<u8> {
    std::fs::read(testdata(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub(crate) fn load(name: &str, password: Option<&str>) -> Result<Vec<ServerKey>, KeyError> {
    load_key_bytes(&read(name), name, password)
}

pub(crate) fn load_one(name: &str, password: Option<&str>) -> ServerKey {
    let mut keys = load(name, password).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(keys.len(), 1, "{name}");
    keys.remove(0)
}

/// The modulus of the 1024-bit test key, from its certificate (x509-parser).
pub(crate) fn cert_modulus() -> Vec<u8> {
    use x509_parser::public_key::PublicKey;
    let pem_bytes = read("rsa1024-cert.pem");
    let (_, pem) = x509_parser::pem::parse_x509_pem(&pem_bytes).unwrap();
    let cert = pem.parse_x509().unwrap();
    match cert.public_key().parsed().unwrap() {
        PublicKey::RSA(rsa) => rsa.modulus.to_vec(),
        _ => panic!("not RSA"),
    }
}

/// Deterministic RNG for the tests' encryptions (not for real use).
pub(crate) struct TestRng(pub(crate) u64);

impl RngCore for TestRng {
    fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }
    fn next_u64(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl CryptoRng for TestRng {}

pub(crate) fn secret(rng: &mut TestRng, len: usize) -> Vec<u8> {
    let mut s = vec![0u8; len];
    rng.fill_bytes(&mut s);
    if len >= 2 {
        s[0] = 3;
        s[1] = 3;
    }
    s
}

pub(crate) fn encrypt(key: &ServerKey, rng: &mut TestRng, msg: &[u8]) -> Vec<u8> {
    key.key
        .to_public_key()
        .encrypt(rng, Pkcs1v15Encrypt, msg)
        .unwrap()
}

pub(crate) fn round_trip(key: &ServerKey, seed: u64) {
    let mut rng = TestRng(seed);
    for _ in 0..5 {
        let pms = secret(&mut rng, 48);
        let ct = encrypt(key, &mut rng, &pms);
        assert_eq!(decrypt_pre_master(key, &ct), Ok(pms), "{}", key.source);
    }
}
