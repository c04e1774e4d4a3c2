//! What the run's connections remember for each other (resumable sessions, the key that
//! opened a server), written by session workers at different places in the capture
//! and read as of a place: one [`Timeline`] of values per key, for a bounded number
//! of keys.

use std::borrow::Borrow;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// Values one key took at positions in the capture, written in any order (by workers
/// at different places), read as of a position: the last written at or before it.
#[derive(Debug)]
pub(super) struct Timeline<V> {
    /// By position; equal positions in the order written.
    pub(super) entries: Vec<(u64, V)>,
}

impl<V> Default for Timeline<V> {
    fn default() -> Self {
        Timeline {
            entries: Vec::new(),
        }
    }
}

/// Values a [`Timeline`] keeps past the floor: the workers' reach (a few batches)
/// holds far fewer for one key; the cap only stops a hostile capture.
pub(super) const TIMELINE_MAX: usize = 64;

impl<V> Timeline<V> {
    /// `floor`: no reader will read before it, so of the values before it only the last
    /// still matters. Returns how many values past the floor were dropped for the cap.
    pub(super) fn insert(&mut self, position: u64, value: V, floor: u64) -> usize {
        let at = self.entries.partition_point(|e| e.0 <= position);
        self.entries.insert(at, (position, value));
        self.prune(floor);
        let over = self.entries.len().saturating_sub(TIMELINE_MAX);
        self.entries.drain(..over);
        over
    }

    /// Forgets the values before `floor` but the last of them.
    fn prune(&mut self, floor: u64) {
        let below = self.entries.partition_point(|e| e.0 < floor);
        self.entries.drain(..below.saturating_sub(1));
    }

    /// The last value written at or before `position` (the event's own writes count).
    pub(super) fn as_of(&self, position: u64) -> Option<&V> {
        let n = self.entries.partition_point(|e| e.0 <= position);
        n.checked_sub(1).map(|i| &self.entries[i].1)
    }
}

/// A [`Timeline`] per key for the last `CAP` keys written (the oldest is forgotten).
/// A timeline is pruned when its key is written; the ones not written again are
/// pruned all together once the values held pass twice the keys', so what is held
/// stays about one value per key, plus those of the workers' reach.
pub(super) struct Remembered<K, V, const CAP: usize> {
    pub(super) map: HashMap<K, Timeline<V>>,
    pub(super) order: VecDeque<K>,
    /// Values held in all the timelines.
    values: usize,
    /// `values` past which every timeline is pruned.
    sweep_at: usize,
    /// Values dropped because one key took more than [`TIMELINE_MAX`] past the floor.
    pub(super) dropped: u64,
}

impl<K, V, const CAP: usize> Default for Remembered<K, V, CAP> {
    fn default() -> Self {
        Remembered {
            map: HashMap::new(),
            order: VecDeque::new(),
            values: 0,
            sweep_at: 2 * CAP,
            dropped: 0,
        }
    }
}

impl<K: Hash + Eq + Clone, V, const CAP: usize> Remembered<K, V, CAP> {
    /// `value` under `key` at `position`; no reader reads before `floor` any more.
    pub(super) fn insert<Q>(&mut self, key: &Q, position: u64, value: V, floor: u64)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        if !self.map.contains_key(key) {
            self.map.insert(key.to_owned(), Timeline::default());
            self.order.push_back(key.to_owned());
        }
        if let Some(t) = self.map.get_mut(key) {
            let before = t.entries.len();
            self.dropped += t.insert(position, value, floor) as u64;
            self.values = self.values + t.entries.len() - before;
        }
        while self.order.len() > CAP {
            if let Some(t) = self
                .order
                .pop_front()
                .and_then(|old| self.map.remove::<K>(&old))
            {
                self.values -= t.entries.len();
            }
        }
        if self.values > self.sweep_at {
            self.values = 0;
            for t in self.map.values_mut() {
                t.prune(floor);
                self.values += t.entries.len();
            }
            // Never more than one sweep per as many writes as there are values.
            self.sweep_at = (2 * self.values).max(2 * CAP);
        }
    }

    /// The value under `key` as of `position`.
    pub(super) fn get<Q>(&self, key: &Q, position: u64) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get(key)?.as_of(position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeline_is_read_as_of_a_position_whatever_the_order_written() {
        let mut t = Timeline::default();
        // Written out of order, as two workers might: 30 first, then 10 and 20.
        t.insert(30, "c", 0);
        t.insert(10, "a", 0);
        t.insert(20, "b", 0);
        assert_eq!(t.as_of(5), None);
        assert_eq!(t.as_of(10), Some(&"a"), "an event sees its own writes");
        assert_eq!(t.as_of(25), Some(&"b"));
        assert_eq!(t.as_of(99), Some(&"c"));
        // Every reader is now at 25 or later: "a" can never be read again, "b" can.
        t.insert(40, "d", 25);
        assert_eq!(t.entries.len(), 3);
        assert_eq!(t.as_of(25), Some(&"b"));
        // However many values one key takes ahead of the slowest reader, at most
        // TIMELINE_MAX are kept.
        for p in 100..1000 {
            t.insert(p, "e", 0);
        }
        assert_eq!(t.entries.len(), TIMELINE_MAX);
    }

    #[test]
    fn keys_not_written_again_are_pruned_too() {
        // A hostile capture: each of 1,000 keys takes 64 values while a slow worker
        // holds the floor back, then is never written again.
        let mut r: Remembered<u32, u8, 1000> = Remembered::default();
        for key in 0..1000u32 {
            let first = u64::from(key) * 64;
            for p in first..first + 64 {
                r.insert(&key, p, 1, first);
            }
        }
        let held: usize = r.map.values().map(|t| t.entries.len()).sum();
        assert_eq!(held, r.values);
        assert!(held <= 2 * 1000 + 64, "{held} values held");
        assert_eq!(r.get(&999, u64::MAX), Some(&1));
        assert_eq!(r.dropped, 0);
    }
}
