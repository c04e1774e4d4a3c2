//! RSA decryption of pre-master secrets ahead of need, on worker threads.
//!
//! RSA private-key operations dominate captures full of handshakes (about 1 ms each for
//! RSA-2048), and the session stage can only do one at a time. The transport stage sees
//! each ClientKeyExchange before the session stage gets to it, so it hands the
//! ciphertext over here with the modulus of the server's certificate; workers decrypt it
//! with the key of that modulus (if one is loaded and the ciphertext's length fits it),
//! and the session stage takes the result when it reaches that handshake (waiting if it
//! is not ready).
//!
//! ```text
//!  transport stage ──submit(z encrypted, modulus)──► queue ──► workers: decrypt_pre_master(key, ·)
//!  session stage   ──take(z encrypted)─────────────► results (or None: decrypt inline)
//! ```
//! That is the one operation the session stage does for such a handshake (unless a key
//! log gave its secret already), so the pool does at most one per connection and never
//! works where the session stage would not: connections without a certificate, whose
//! keys are tried blind within the run's allowance, are left to the session stage.
//! The results are what `decrypt_pre_master` returns for the same key and ciphertext, so
//! prefetching changes the speed, never the output.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use super::{decrypt_pre_master, strip_leading_zeros, PreMasterError, ServerKey};

/// The results for one ciphertext: (key index, what `decrypt_pre_master` returned), for
/// the keys tried.
pub type PreMasterResults = Vec<(usize, Result<Vec<u8>, PreMasterError>)>;

/// Results not taken (a handshake the session stage decided differently about) are
/// dropped past this many, and no more work is queued while the queue is this long.
const MAX_OUTSTANDING: usize = 4096;

enum Slot {
    Pending,
    Done(PreMasterResults),
}

#[derive(Default)]
struct State {
    /// Ciphertexts and the keys to try on them.
    queue: VecDeque<(Vec<u8>, Vec<usize>)>,
    slots: HashMap<Vec<u8>, Slot>,
    stop: bool,
}

struct Shared {
    keys: Vec<ServerKey>,
    /// Key indices by modulus (big-endian, without leading zeros).
    by_modulus: HashMap<Vec<u8>, Vec<usize>>,
    state: Mutex<State>,
    /// Signalled when work is queued (workers wait) and when a result lands (takers wait).
    changed: Condvar,
}

/// A pool of threads decrypting pre-master secrets with the run's keys.
pub struct PreMasterPrefetch {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

impl PreMasterPrefetch {
    /// Starts `threads` workers over `keys`.
    pub fn new(keys: Vec<ServerKey>, threads: usize) -> Self {
        let mut by_modulus: HashMap<Vec<u8>, Vec<usize>> = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            by_modulus
                .entry(strip_leading_zeros(&k.modulus).to_vec())
                .or_default()
                .push(i);
        }
        let shared = Arc::new(Shared {
            keys,
            by_modulus,
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        });
        let workers = (0..threads.max(1))
            .map(|_| {
                let shared = shared.clone();
                std::thread::spawn(move || work(&shared))
            })
            .collect();
        PreMasterPrefetch { shared, workers }
    }

    /// Queues a ciphertext for the keys whose modulus is the server certificate's
    /// `modulus` and whose size fits it; a no-op if there are none, if it is known already
    /// or if too much is outstanding.
    pub fn submit(&self, ciphertext: &[u8], modulus: &[u8]) {
        let Some(keys) = self.shared.by_modulus.get(strip_leading_zeros(modulus)) else {
            return;
        };
        let keys: Vec<usize> = keys
            .iter()
            .copied()
            .filter(|&i| self.shared.keys[i].fits_ciphertext(ciphertext))
            .collect();
        if keys.is_empty() {
            return;
        }
        let mut st = lock(&self.shared.state);
        if st.slots.len() >= MAX_OUTSTANDING || st.slots.contains_key(ciphertext) {
            return;
        }
        st.slots.insert(ciphertext.to_vec(), Slot::Pending);
        st.queue.push_back((ciphertext.to_vec(), keys));
        drop(st);
        self.shared.changed.notify_all();
    }

    /// The results for a submitted ciphertext, waiting for them if they are being
    /// computed; `None` if it was never submitted (the caller decrypts it itself).
    pub fn take(&self, ciphertext: &[u8]) -> Option<PreMasterResults> {
        let mut st = lock(&self.shared.state);
        loop {
            match st.slots.get(ciphertext)? {
                Slot::Done(_) => {
                    return match st.slots.remove(ciphertext) {
                        Some(Slot::Done(r)) => Some(r),
                        _ => None,
                    };
                }
                Slot::Pending => {
                    st = self
                        .shared
                        .changed
                        .wait(st)
                        .unwrap_or_else(|e| e.into_inner());
                }
            }
        }
    }
}

impl Drop for PreMasterPrefetch {
    fn drop(&mut self) {
        lock(&self.shared.state).stop = true;
        self.shared.changed.notify_all();
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

fn lock(m: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    // A panicking worker must not take the run down with it: the state stays usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn work(shared: &Shared) {
    loop {
        let (ciphertext, keys) = {
            let mut st = lock(&shared.state);
            loop {
                if st.stop {
                    return;
                }
                if let Some(c) = st.queue.pop_front() {
                    break c;
                }
                st = shared.changed.wait(st).unwrap_or_else(|e| e.into_inner());
            }
        };
        let results: PreMasterResults = keys
            .into_iter()
            .map(|i| (i, decrypt_pre_master(&shared.keys[i], &ciphertext)))
            .collect();
        lock(&shared.state)
            .slots
            .insert(ciphertext, Slot::Done(results));
        shared.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{encrypt, load_one, secret, TestRng};
    use super::*;

    #[test]
    fn prefetched_results_equal_inline_ones() {
        let key = load_one("rsa1024-pkcs1.pem", None);
        let other = load_one("rsa2048-pkcs1.pem", None);
        let mut rng = TestRng(5);
        let pms = secret(&mut rng, 48);
        let ct = encrypt(&key, &mut rng, &pms);
        let pool = PreMasterPrefetch::new(vec![other.clone(), key.clone()], 2);
        let mut modulus = vec![0];
        modulus.extend(&key.modulus);
        pool.submit(&ct, &modulus);
        pool.submit(&[1u8; 128], &key.modulus);
        assert_eq!(pool.take(&ct), Some(vec![(1, Ok(pms))]), "its key only");
        assert_eq!(pool.take(&ct), None, "taken once");
        assert_eq!(
            pool.take(&[1u8; 128]),
            Some(vec![(1, decrypt_pre_master(&key, &[1u8; 128]))])
        );
        assert_eq!(pool.take(&[2u8; 128]), None, "never submitted");
    }

    /// No work without a loaded key of the certificate's modulus, nor for a ciphertext
    /// whose length cannot be that key's.
    #[test]
    fn only_the_certificate_key_and_only_if_it_fits() {
        let key = load_one("rsa1024-pkcs1.pem", None);
        let other = load_one("rsa2048-pkcs1.pem", None);
        let pool = PreMasterPrefetch::new(vec![key.clone()], 1);
        pool.submit(&[1u8; 128], &other.modulus);
        pool.submit(&[1u8; 256], &key.modulus);
        pool.submit(&[1u8; 124], &key.modulus);
        assert_eq!(pool.take(&[1u8; 128]), None);
        assert_eq!(pool.take(&[1u8; 256]), None);
        assert_eq!(pool.take(&[1u8; 124]), None);
        assert!(lock(&pool.shared.state).slots.is_empty());
    }
}

#[cfg(test)]
mod scaling {
    use super::super::testutil::{encrypt, load_one, secret, TestRng};
    use super::*;

    /// `cargo test --release --lib prefetch::scaling -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn parallel_decryption_scales() {
        let key = load_one("rsa2048-pkcs1.pem", None);
        let mut rng = TestRng(9);
        let cts: Vec<Vec<u8>> = (0..64)
            .map(|_| {
                let pms = secret(&mut rng, 48);
                encrypt(&key, &mut rng, &pms)
            })
            .collect();
        for _ in 0..20 {
            decrypt_pre_master(&key, &cts[0]).unwrap();
        }
        for threads in [1, 2] {
            let start = std::time::Instant::now();
            std::thread::scope(|s| {
                for _ in 0..threads {
                    s.spawn(|| {
                        for i in 0..200 {
                            decrypt_pre_master(&key, &cts[i % 64]).unwrap();
                        }
                    });
                }
            });
            let per = start.elapsed().as_secs_f64() * 1000.0 / (200 * threads) as f64;
            eprintln!("{threads} threads: {per:.3} ms per decryption (wall / total)");
        }
    }
}
