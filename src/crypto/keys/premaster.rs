//! The RSA key exchange: RSAES-PKCS1-v1_5 decryption of the
//! ClientKeyExchange into the 48-byte pre-master secret.
//!
//! The one use of a loaded key, apart from loading it; re-exported from
//! `mod.rs` (`crate::crypto::keys::decrypt_pre_master`).

use rsa::traits::PublicKeyParts;
use rsa::Pkcs1v15Encrypt;
use std::sync::atomic::Ordering;

use super::{FastKey, ServerKey};

/// Leading zero bytes a sender may have stripped from a ciphertext.
///
/// An RSAES-PKCS1-v1_5 ciphertext is the integer c < n written in exactly k bytes, k the
/// modulus length (RFC 8017 §7.2.1, I2OSP). Some stacks write c without its leading zero
/// bytes. c is uniform below n, and n ≥ 256^(k−1), so c has j or more leading zero bytes
/// with probability 256^(k−j)/n ≤ 256^(1−j): at most 1/256 for two, 2^-16 for three and
/// 2^-24 for four (for the usual keys, whose top byte is 0x80 or more, about 256^-j: one in
/// 256 for one byte, 2^-32 for four). So a ciphertext of k−3..=k bytes (after dropping
/// leading zeros beyond k) can be this key's, and anything shorter almost never is: a
/// 256-byte ciphertext is never tried against a 4096-bit key (14 ms wasted), nor a
/// 128-byte one against a 2048-bit key.
pub const STRIPPED_ZEROS: usize = 3;

impl ServerKey {
    /// Whether `ciphertext` can be an RSAES-PKCS1-v1_5 encryption under this key by its
    /// length alone (see [`STRIPPED_ZEROS`]). A key it does not fit is never tried.
    pub fn fits_ciphertext(&self, ciphertext: &[u8]) -> bool {
        self.sized_ciphertext(ciphertext).is_some()
    }

    /// The ciphertext without its leading zero bytes beyond the modulus length, when its
    /// length then fits this key.
    fn sized_ciphertext<'c>(&self, mut ciphertext: &'c [u8]) -> Option<&'c [u8]> {
        let k = self.key.size();
        while ciphertext.len() > k && ciphertext[0] == 0 {
            ciphertext = &ciphertext[1..];
        }
        (ciphertext.len() <= k && ciphertext.len() + STRIPPED_ZEROS >= k).then_some(ciphertext)
    }
}

#[cfg(test)]
thread_local! {
    /// Private-key operations done on this thread (tests count what a decision costs).
    static OPERATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Private-key operations `decrypt_pre_master` has done on the calling thread.
#[cfg(test)]
pub(crate) fn operations_on_this_thread() -> u64 {
    OPERATIONS.with(|n| n.get())
}

/// Why an RSA-encrypted pre-master secret could not be recovered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreMasterError {
    #[error("RSA decryption failed (wrong key or corrupt ClientKeyExchange)")]
    Decrypt,
    #[error("decrypted pre-master secret is {0} bytes, not 48")]
    BadLength(usize),
}

/// RSAES-PKCS1-v1_5 decryption of the ClientKeyExchange ciphertext (RFC 5246 §7.4.7.1).
/// Returns the 48-byte pre-master secret. A ciphertext up to 3 bytes shorter than the
/// modulus is taken as left-padded with zeros (some stacks strip leading zeros); one longer
/// than the modulus only by leading zeros is accepted too. Any other length is refused
/// without a private-key operation ([`ServerKey::fits_ciphertext`]).
///
/// AWS-LC does the work for the keys it accepts (2048 bits and more), the rsa crate for
/// the others and whenever AWS-LC fails. The rsa crate runs without blinding (offline
/// analysis has no timing side channel to defend), CRT with the values precomputed at load. A wrong key fails the padding check (with overwhelming
/// probability): `Err(Decrypt)`, never a garbage secret.
pub fn decrypt_pre_master(key: &ServerKey, encrypted: &[u8]) -> Result<Vec<u8>, PreMasterError> {
    let k = key.key.size();
    let Some(ciphertext) = key.sized_ciphertext(encrypted) else {
        // Not this key's ciphertext: no private-key operation is spent on it.
        return Err(PreMasterError::Decrypt);
    };
    #[cfg(test)]
    OPERATIONS.with(|n| n.set(n.get() + 1));
    // AWS-LC (about 2.8× faster) first; the rsa crate for the keys AWS-LC refused, and
    // again when AWS-LC fails on a key it has not shown it decrypts with, so that its
    // stricter checks never cost a session. Once it has (a success, or the self-test on
    // its first failure), its failures are the ciphertext's: trying again with the rsa
    // crate would cost five times as much for the same answer, on every wrong key and
    // every corrupt or hostile ClientKeyExchange. (AWS-LC's random generator, which RSA
    // blinding needs, is built without its CPU-jitter source, which cost 50 ms of CPU
    // on first use: see .cargo/config.toml.)
    let fast = key
        .fast
        .as_ref()
        .filter(|f| f.state.load(Ordering::Relaxed) != FAST_BROKEN);
    let secret = match fast.map(|f| (f, fast_decrypt(f, ciphertext, k))) {
        Some((f, Some(s))) => {
            f.state.store(FAST_PROVEN, Ordering::Relaxed);
            s
        }
        Some((f, None)) if fast_proven(key, f) => return Err(PreMasterError::Decrypt),
        // `RsaPrivateKey::decrypt` passes no RNG: no blinding.
        _ => {
            #[cfg(test)]
            RSA_CRATE.with(|n| n.set(n.get() + 1));
            key.key
                .decrypt(Pkcs1v15Encrypt, ciphertext)
                .map_err(|_| PreMasterError::Decrypt)?
        }
    };
    if secret.len() != 48 {
        return Err(PreMasterError::BadLength(secret.len()));
    }
    Ok(secret)
}

/// What AWS-LC has shown about a key: nothing yet, that it decrypts with it, or that it
/// cannot (its self-test failed: the rsa crate does the key's work from then on).
pub(super) const FAST_UNTESTED: u8 = 0;
const FAST_PROVEN: u8 = 1;
const FAST_BROKEN: u8 = 2;

/// AWS-LC's decryption of a ciphertext of at most `k` bytes (left-padded to `k`).
fn fast_decrypt(fast: &FastKey, ciphertext: &[u8], k: usize) -> Option<Vec<u8>> {
    let mut padded = vec![0u8; k];
    padded[k - ciphertext.len()..].copy_from_slice(ciphertext);
    let mut out = vec![0u8; fast.key.min_output_size()];
    let len = fast.key.decrypt(&padded, &mut out).ok()?.len();
    out.truncate(len);
    Some(out)
}

/// Whether AWS-LC decrypts with this key, testing it the first time: a 48-byte secret
/// padded as RSAES-PKCS1-v1_5 and encrypted with the key's public part (the rsa crate's
/// modulus and exponent; a cheap operation) must come back from AWS-LC.
fn fast_proven(key: &ServerKey, fast: &FastKey) -> bool {
    match fast.state.load(Ordering::Relaxed) {
        FAST_PROVEN => return true,
        FAST_BROKEN => return false,
        _ => {}
    }
    let k = key.key.size();
    let secret: Vec<u8> = (0..48u8).map(|i| i.wrapping_mul(37) ^ 0x5c).collect();
    let mut em = vec![0x5a; k];
    em[0] = 0;
    em[1] = 2;
    em[k - 49] = 0;
    em[k - 48..].copy_from_slice(&secret);
    let c = rsa::BigUint::from_bytes_be(&em)
        .modpow(key.key.e(), key.key.n())
        .to_bytes_be();
    let ok = fast_decrypt(fast, &c, k).as_deref() == Some(&secret[..]);
    let state = if ok { FAST_PROVEN } else { FAST_BROKEN };
    fast.state.store(state, Ordering::Relaxed);
    ok
}

#[cfg(test)]
thread_local! {
    /// Decryptions the rsa crate did on this thread.
    static RSA_CRATE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
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

    /// A ciphertext whose length cannot be the key's costs no private-key operation; the
    /// lengths that can (k−3..=k, and longer by leading zeros only) each cost one.
    #[test]
    fn impossible_lengths_are_never_tried() {
        let key = load_one("rsa2048-pkcs1.pem", None);
        let k = key.modulus.len();
        let ops = operations_on_this_thread;
        for len in [0, 1, 64, 128, k - STRIPPED_ZEROS - 1, k + 1, 512] {
            let ct = vec![0x01; len];
            let before = ops();
            assert!(!key.fits_ciphertext(&ct), "{len}");
            assert_eq!(decrypt_pre_master(&key, &ct), Err(PreMasterError::Decrypt));
            assert_eq!(ops(), before, "{len} bytes against a {k}-byte modulus");
        }
        for len in k - STRIPPED_ZEROS..=k {
            let ct = vec![0x01; len];
            let before = ops();
            assert!(key.fits_ciphertext(&ct), "{len}");
            assert!(decrypt_pre_master(&key, &ct).is_err());
            assert_eq!(ops(), before + 1, "{len} bytes");
        }
        // Longer than the modulus by leading zeros only: tried.
        let mut padded = vec![0, 0];
        padded.extend(vec![0x01; k]);
        assert!(key.fits_ciphertext(&padded));
        // A 1024-bit key is never tried on a 2048-bit key's ciphertext, nor the reverse.
        let small = load_one("rsa1024-pkcs1.pem", None);
        assert!(!small.fits_ciphertext(&[0x01; 256]));
        assert!(!key.fits_ciphertext(&[0x01; 128]));
    }

    /// Once AWS-LC has shown it decrypts with a key, its failures are final: a wrong or
    /// corrupt ciphertext costs one AWS-LC operation, not the rsa crate's as well. A key
    /// AWS-LC gets wrong goes to the rsa crate.
    #[test]
    fn aws_lc_failures_are_final_once_it_is_proven() {
        let rsa_crate = || RSA_CRATE.with(|n| n.get());
        let key = load_one("rsa2048-pkcs1.pem", None);
        let fast = key.fast.clone().expect("AWS-LC takes 2048-bit keys");
        assert!(fast_proven(&key, &fast));
        let before = rsa_crate();
        for i in 0..10u8 {
            assert_eq!(
                decrypt_pre_master(&key, &[i + 1; 256]),
                Err(PreMasterError::Decrypt)
            );
        }
        assert_eq!(rsa_crate(), before, "no second try with the rsa crate");
        round_trip(&key, 11);
        assert_eq!(rsa_crate(), before);
        let load_other = || {
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/samples/keys/client-rsa2048.key"
            );
            let bytes = std::fs::read(path).unwrap();
            super::super::load_key_bytes(&bytes, "client", None)
                .unwrap()
                .remove(0)
        };
        let other = load_other();
        // A wrong key of the same size, through AWS-LC: an error, never a secret.
        let mut rng = TestRng(13);
        for _ in 0..40 {
            let pms = secret(&mut rng, 48);
            let ct = encrypt(&key, &mut rng, &pms);
            let r = decrypt_pre_master(&other, &ct);
            assert!(
                matches!(
                    r,
                    Err(PreMasterError::Decrypt) | Err(PreMasterError::BadLength(_))
                ),
                "{r:?}"
            );
        }
        // The AWS-LC key of another modulus fails the self-test: the rsa crate decrypts.
        let mut mixed = ServerKey::new(key.key.clone(), "mixed");
        mixed.fast = load_other().fast;
        assert!(!fast_proven(&mixed, mixed.fast.as_ref().unwrap()));
        let before = rsa_crate();
        round_trip(&mixed, 12);
        assert_eq!(rsa_crate(), before + 5);
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
