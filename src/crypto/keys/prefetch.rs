//! RSA decryption of pre-master secrets ahead of need, on worker threads.
//!
//! RSA private-key operations dominate captures full of handshakes (about 1 ms each for
//! RSA-2048), and the session stage can only do one at a time. The transport stage sees
//! each ClientKeyExchange before the session stage gets to it, so it hands the
//! ciphertext over here; workers decrypt it with every loaded key, and the session stage
//! takes the results when it reaches that handshake (waiting if they are not ready).
//!
//! ```text
//!  transport stage ──submit(z encrypted)──► queue ──► workers: decrypt_pre_master(key_i, ·)
//!  session stage   ──take(z encrypted)────► results (or None: decrypt inline)
//! ```
//! The results are what `decrypt_pre_master` returns for the same key and ciphertext, so
//! prefetching changes the speed, never the output.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use super::{decrypt_pre_master, PreMasterError, ServerKey};

/// One result per loaded key, in key order.
pub type PreMasterResults = Vec<Result<Vec<u8>, PreMasterError>>;

/// Results not taken (a handshake the session stage decided differently about) are
/// dropped past this many, and no more work is queued while the queue is this long.
const MAX_OUTSTANDING: usize = 4096;

enum Slot {
    Pending,
    Done(PreMasterResults),
}

#[derive(Default)]
struct State {
    queue: VecDeque<Vec<u8>>,
    slots: HashMap<Vec<u8>, Slot>,
    stop: bool,
}

struct Shared {
    keys: Vec<ServerKey>,
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
        let shared = Arc::new(Shared {
            keys,
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

    /// Queues a ciphertext (a no-op if it is known already or too much is outstanding).
    pub fn submit(&self, ciphertext: &[u8]) {
        let mut st = lock(&self.shared.state);
        if st.slots.len() >= MAX_OUTSTANDING || st.slots.contains_key(ciphertext) {
            return;
        }
        st.slots.insert(ciphertext.to_vec(), Slot::Pending);
        st.queue.push_back(ciphertext.to_vec());
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
        let ciphertext = {
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
        let results: PreMasterResults = shared
            .keys
            .iter()
            .map(|k| decrypt_pre_master(k, &ciphertext))
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
        let mut rng = TestRng(5);
        let pms = secret(&mut rng, 48);
        let ct = encrypt(&key, &mut rng, &pms);
        let pool = PreMasterPrefetch::new(vec![key.clone()], 2);
        pool.submit(&ct);
        pool.submit(&[0u8; 128]);
        assert_eq!(pool.take(&ct), Some(vec![Ok(pms)]));
        assert_eq!(pool.take(&ct), None, "taken once");
        assert_eq!(
            pool.take(&[0u8; 128]),
            Some(vec![decrypt_pre_master(&key, &[0u8; 128])])
        );
        assert_eq!(pool.take(&[1u8; 128]), None, "never submitted");
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
