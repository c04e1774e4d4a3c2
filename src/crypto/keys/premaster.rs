//! The RSA key exchange: RSAES-PKCS1-v1_5 decryption of the
//! ClientKeyExchange into the 48-byte pre-master secret.
//!
//! The one use of a loaded key, apart from loading it; re-exported from
//! `mod.rs` (`crate::crypto::keys::decrypt_pre_master`).

use rsa::traits::PublicKeyParts;
use rsa::Pkcs1v15Encrypt;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::ServerKey;

/// Decryptions done by this process, and how many go the start-up-cheap way first.
static DECRYPTIONS: AtomicUsize = AtomicUsize::new(0);
const SLOW_PATH_FIRST: usize = 16;

/// Why an RSA-encrypted pre-master secret could not be recovered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreMasterError {
    #[error("RSA decryption failed (wrong key or corrupt ClientKeyExchange)")]
    Decrypt,
    #[error("decrypted pre-master secret is {0} bytes, not 48")]
    BadLength(usize),
}

/// RSAES-PKCS1-v1_5 decryption of the ClientKeyExchange ciphertext (RFC 5246 §7.4.7.1).
/// Returns the 48-byte pre-master secret. A ciphertext shorter than the modulus is taken
/// as left-padded with zeros (some stacks strip leading zeros); one longer than the modulus
/// only by leading zeros is accepted too.
///
/// AWS-LC does the work for the keys it accepts (2048 bits and more), the rsa crate for
/// the others and whenever AWS-LC fails. The rsa crate runs without blinding (offline
/// analysis has no timing side channel to defend), CRT with the values precomputed at load. A wrong key fails the padding check (with overwhelming
/// probability): `Err(Decrypt)`, never a garbage secret.
pub fn decrypt_pre_master(key: &ServerKey, encrypted: &[u8]) -> Result<Vec<u8>, PreMasterError> {
    let k = key.key.size();
    let mut ciphertext = encrypted;
    while ciphertext.len() > k && ciphertext[0] == 0 {
        ciphertext = &ciphertext[1..];
    }
    if ciphertext.len() > k {
        return Err(PreMasterError::Decrypt);
    }
    // AWS-LC (about 2.8× faster) once a capture has shown it holds many handshakes: its
    // random generator, which RSA blinding needs, seeds itself from CPU jitter for about
    // 50 ms on first use, more than a few decryptions cost. The rsa crate for the first
    // ones, for the keys AWS-LC refused, and again whenever AWS-LC fails, so that its
    // stricter checks never cost a session.
    let warm = DECRYPTIONS.fetch_add(1, Ordering::Relaxed) >= SLOW_PATH_FIRST;
    let fast = key.fast.as_ref().filter(|_| warm).and_then(|fast| {
        let mut padded = vec![0u8; k];
        padded[k - ciphertext.len()..].copy_from_slice(ciphertext);
        let mut out = vec![0u8; fast.min_output_size()];
        let len = fast.decrypt(&padded, &mut out).ok()?.len();
        out.truncate(len);
        Some(out)
    });
    let secret = match fast {
        Some(s) => s,
        // `RsaPrivateKey::decrypt` passes no RNG: no blinding.
        None => key
            .key
            .decrypt(Pkcs1v15Encrypt, ciphertext)
            .map_err(|_| PreMasterError::Decrypt)?,
    };
    if secret.len() != 48 {
        return Err(PreMasterError::BadLength(secret.len()));
    }
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{encrypt, load_one, read, round_trip, secret, TestRng};
    use super::*;
    use rsa::traits::PrivateKeyParts;
    use rsa::{BigUint, RsaPrivateKey};
    use std::time::Instant;

    #[test]
    fn primes_in_either_order() {
        let key = load_one("rsa1024-p-lt-q.pem", None);
        let primes = key.key.primes();
        assert!(primes[0] < primes[1], "the test key must have p < q");
        round_trip(&key, 2);
        // The same key with p and q swapped back decrypts the same way.
        let swapped = RsaPrivateKey::from_components(
            key.key.n().clone(),
            key.key.e().clone(),
            key.key.d().clone(),
            vec![primes[1].clone(), primes[0].clone()],
        )
        .unwrap();
        let swapped = ServerKey::new(swapped, "swapped");
        let mut rng = TestRng(3);
        for _ in 0..5 {
            let pms = secret(&mut rng, 48);
            let ct = encrypt(&key, &mut rng, &pms);
            assert_eq!(decrypt_pre_master(&swapped, &ct), Ok(pms.clone()));
            assert_eq!(decrypt_pre_master(&key, &ct), Ok(pms));
        }
    }

    #[test]
    fn three_prime_key() {
        let key = load_one("rsa1024-3prime.pem", None);
        assert_eq!(key.key.primes().len(), 3);
        round_trip(&key, 4);
    }

    #[test]
    fn decrypts_what_openssl_encrypted() {
        let pms = read("pms.bin");
        assert_eq!(pms.len(), 48);
        for name in [
            "rsa1024-pkcs1",
            "rsa2048-pkcs1",
            "rsa1024-p-lt-q",
            "rsa1024-3prime",
        ] {
            let key = load_one(&format!("{name}.pem"), None);
            let ct = read(&format!("{name}.pms.enc"));
            assert_eq!(decrypt_pre_master(&key, &ct), Ok(pms.clone()), "{name}");
        }
    }

    #[test]
    fn round_trip_2048() {
        let key = load_one("rsa2048-pkcs1.pem", None);
        assert_eq!(key.bits, 2048);
        assert_eq!(key.modulus.len(), 256);
        round_trip(&key, 5);
    }

    #[test]
    fn wrong_key_never_gives_a_secret() {
        let right = load_one("rsa1024-pkcs1.pem", None);
        let wrong = [
            load_one("rsa1024-p-lt-q.pem", None),
            load_one("rsa1024-3prime.pem", None),
            load_one("rsa2048-pkcs1.pem", None),
        ];
        let mut rng = TestRng(6);
        for _ in 0..40 {
            let pms = secret(&mut rng, 48);
            let ct = encrypt(&right, &mut rng, &pms);
            for w in &wrong {
                let r = decrypt_pre_master(w, &ct);
                assert!(
                    matches!(
                        r,
                        Err(PreMasterError::Decrypt) | Err(PreMasterError::BadLength(_))
                    ),
                    "{}: {r:?}",
                    w.source
                );
            }
        }
    }

    #[test]
    fn ciphertext_lengths_and_bad_lengths() {
        let key = load_one("rsa1024-pkcs1.pem", None);
        let mut rng = TestRng(7);
        // Leading zeros stripped by the sender: find a ciphertext starting with 0x00.
        let (pms, ct) = loop {
            let pms = secret(&mut rng, 48);
            let ct = encrypt(&key, &mut rng, &pms);
            if ct[0] == 0 {
                break (pms, ct);
            }
        };
        assert_eq!(decrypt_pre_master(&key, &ct[1..]), Ok(pms.clone()));
        let mut longer = vec![0, 0];
        longer.extend(&ct);
        assert_eq!(decrypt_pre_master(&key, &longer), Ok(pms));
        // Too long, or not below the modulus.
        let mut too_long = vec![1];
        too_long.extend(&ct);
        assert_eq!(
            decrypt_pre_master(&key, &too_long),
            Err(PreMasterError::Decrypt)
        );
        assert_eq!(
            decrypt_pre_master(&key, &[0xff; 128]),
            Err(PreMasterError::Decrypt)
        );
        assert_eq!(
            decrypt_pre_master(&key, &key.modulus),
            Err(PreMasterError::Decrypt)
        );
        assert_eq!(decrypt_pre_master(&key, &[]), Err(PreMasterError::Decrypt));
        assert_eq!(decrypt_pre_master(&key, &[0]), Err(PreMasterError::Decrypt));
        // Valid padding, wrong length.
        for len in [0, 1, 47, 49, 64] {
            let msg = secret(&mut rng, len);
            let ct = encrypt(&key, &mut rng, &msg);
            assert_eq!(
                decrypt_pre_master(&key, &ct),
                Err(PreMasterError::BadLength(len))
            );
        }
        assert_eq!(
            PreMasterError::BadLength(47).to_string(),
            "decrypted pre-master secret is 47 bytes, not 48"
        );
    }

    /// Release-mode timing: `cargo test --release --lib crypto::keys -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn bench_decrypt_pre_master() {
        for name in ["rsa1024-pkcs1.pem", "rsa2048-pkcs1.pem"] {
            let key = load_one(name, None);
            let mut rng = TestRng(10);
            let cts: Vec<Vec<u8>> = (0..16)
                .map(|_| {
                    let pms = secret(&mut rng, 48);
                    encrypt(&key, &mut rng, &pms)
                })
                .collect();
            let n = if key.bits > 1024 { 400 } else { 2000 };
            let start = Instant::now();
            for i in 0..n {
                decrypt_pre_master(&key, &cts[i % cts.len()]).unwrap();
            }
            let ms = start.elapsed().as_secs_f64() * 1000.0 / n as f64;
            let mut slow = ServerKey::new(key.key.clone(), "rsa crate only");
            slow.fast = None;
            let start = Instant::now();
            for i in 0..n {
                decrypt_pre_master(&slow, &cts[i % cts.len()]).unwrap();
            }
            let rsa_crate = start.elapsed().as_secs_f64() * 1000.0 / n as f64;
            eprintln!(
                "RSA-{}: AWS-LC {}, rsa crate {rsa_crate:.3} ms",
                key.bits,
                if key.fast.is_some() {
                    "used"
                } else {
                    "refused the key"
                }
            );
            let start = Instant::now();
            for i in 0..n {
                key.key
                    .decrypt_blinded(&mut rng, Pkcs1v15Encrypt, &cts[i % cts.len()])
                    .unwrap();
            }
            let blinded = start.elapsed().as_secs_f64() * 1000.0 / n as f64;
            let (dp, dq) = (key.key.dp().unwrap(), key.key.dq().unwrap());
            let (p, q) = (&key.key.primes()[0], &key.key.primes()[1]);
            let cs: Vec<BigUint> = cts.iter().map(|c| BigUint::from_bytes_be(c)).collect();
            let start = Instant::now();
            for i in 0..n {
                let c = &cs[i % cs.len()];
                std::hint::black_box((c.modpow(dp, p), c.modpow(dq, q)));
            }
            let raw = start.elapsed().as_secs_f64() * 1000.0 / n as f64;
            eprintln!("raw two modpows: {raw:.3} ms");
            eprintln!(
                "RSA-{}: {ms:.3} ms per decrypt_pre_master ({blinded:.3} ms blinded)",
                key.bits
            );
        }
    }
}
