//! Turns in capture order, for session workers that share state.
//!
//! Each session worker handles the events of its own connections, in capture order,
//! but some state belongs to the run, not to a connection: the sessions others may
//! resume, the RSA trial allowance, the `keylog` output. One worker touches it in the
//! order of the capture; several must too, or the output would depend on timing. So
//! an access made while handling the event at position `p` first waits until every
//! other worker has finished all its events before `p`:
//!
//! ```text
//!  positions    0   1   2   3   4   5   6   7
//!  worker 0     a       a           a*          a* touches shared state at 5:
//!  worker 1         b       b   b       b       it waits until worker 1 has done 4
//! ```
//!
//! Accesses therefore happen in capture order, one at a time, as with one worker: the
//! worker at the lowest position never waits, so the wait always ends.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

/// Where each worker has got to, and a way to sleep until the others get further.
#[derive(Debug)]
pub struct Turns {
    /// `done_before[w]`: worker `w` has finished all its events before this position.
    done_before: Vec<AtomicU64>,
    /// Workers asleep in [`Turns::wait_turn`] (a worker that advances wakes them).
    sleepers: AtomicUsize,
    lock: Mutex<()>,
    wake: Condvar,
    /// How many accesses had to wait (for the README's profile).
    waits: AtomicU64,
}

impl Turns {
    pub fn new(workers: usize) -> Self {
        Turns {
            done_before: (0..workers).map(|_| AtomicU64::new(0)).collect(),
            sleepers: AtomicUsize::new(0),
            lock: Mutex::new(()),
            wake: Condvar::new(),
            waits: AtomicU64::new(0),
        }
    }

    /// Worker `worker` has finished all its events before `position`.
    pub fn reached(&self, worker: usize, position: u64) {
        self.done_before[worker].store(position, Ordering::SeqCst);
        if self.sleepers.load(Ordering::SeqCst) > 0 {
            // Taking the lock orders this wake after a sleeper's last look.
            drop(self.lock.lock().unwrap_or_else(PoisonError::into_inner));
            self.wake.notify_all();
        }
    }

    /// Worker `worker` has no more events (ended, or unwinding): nobody waits for it.
    pub fn finished(&self, worker: usize) {
        self.reached(worker, u64::MAX);
    }

    fn others_past(&self, worker: usize, position: u64) -> bool {
        self.done_before
            .iter()
            .enumerate()
            .all(|(w, d)| w == worker || d.load(Ordering::SeqCst) >= position)
    }

    /// Returns once every other worker has finished its events before `position` (the
    /// event `worker` is handling).
    pub fn wait_turn(&self, worker: usize, position: u64) {
        if self.others_past(worker, position) {
            return;
        }
        self.waits.fetch_add(1, Ordering::Relaxed);
        let mut guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        self.sleepers.fetch_add(1, Ordering::SeqCst);
        while !self.others_past(worker, position) {
            // The timeout only guards against a wake lost to a bug: progress is made by
            // the others, and they wake us.
            guard = self
                .wake
                .wait_timeout(guard, Duration::from_millis(50))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        self.sleepers.fetch_sub(1, Ordering::SeqCst);
    }

    /// Where worker `worker` has got to: all its events before this are done.
    pub fn done_before(&self, worker: usize) -> u64 {
        self.done_before[worker].load(Ordering::SeqCst)
    }

    /// The position every worker is at or past.
    pub fn floor(&self) -> u64 {
        self.done_before
            .iter()
            .map(|d| d.load(Ordering::SeqCst))
            .min()
            .unwrap_or(0)
    }

    /// Accesses that had to wait for another worker.
    pub fn waits(&self) -> u64 {
        self.waits.load(Ordering::Relaxed)
    }
}

/// Marks a worker finished when dropped, also when it unwinds, so no other worker
/// waits for it forever.
pub struct FinishOnDrop<'a> {
    pub turns: &'a Turns,
    pub worker: usize,
}

impl Drop for FinishOnDrop<'_> {
    fn drop(&mut self) {
        self.turns.finished(self.worker);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn the_lowest_position_goes_first() {
        let turns = Arc::new(Turns::new(2));
        let order = Arc::new(Mutex::new(Vec::new()));
        // Worker 0 owns the even positions, worker 1 the odd; each touches the shared
        // list at every one of its events, so the list must come out 0, 1, 2, …
        std::thread::scope(|s| {
            for w in 0..2u64 {
                let (turns, order) = (turns.clone(), order.clone());
                s.spawn(move || {
                    let _done = FinishOnDrop {
                        turns: &turns,
                        worker: w as usize,
                    };
                    for p in (w..200).step_by(2) {
                        turns.reached(w as usize, p);
                        turns.wait_turn(w as usize, p);
                        order.lock().unwrap().push(p);
                    }
                });
            }
        });
        let order = order.lock().unwrap();
        assert_eq!(*order, (0..200).collect::<Vec<u64>>());
    }

    #[test]
    fn a_finished_worker_is_never_waited_for() {
        let turns = Turns::new(3);
        turns.finished(1);
        turns.reached(2, 10);
        turns.wait_turn(0, 10);
        assert_eq!(turns.waits(), 0);
    }
}
