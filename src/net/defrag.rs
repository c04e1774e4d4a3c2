//! IPv4 fragment reassembly (RFC 791), bounded in memory and in work per fragment.
//!
//! At most [`MAX_PENDING`] datagrams wait for fragments at once, holding at most
//! [`MAX_HELD`] bytes together; past either the oldest is dropped. Each keeps the byte
//! ranges it has as a sorted list of disjoint ranges, merged as fragments arrive (so
//! duplicates cost nothing), and a datagram whose fragments leave more than
//! [`MAX_RANGES`] separate pieces is dropped. Every datagram that never becomes whole
//! is counted in [`DefragStats`].

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

/// (source, destination, identification): the datagram a fragment belongs to. IPv4
/// addresses as IPv4-mapped IPv6 ones, and IPv4's 16-bit identification widened, so
/// that one table (and one set of bounds) serves both versions.
pub type FragmentKey = ([u8; 16], [u8; 16], u32);

/// The largest IPv4 datagram.
const MAX_DATAGRAM: usize = 65_535;
/// Datagrams waiting for fragments at once; past it the oldest is dropped.
pub const MAX_PENDING: usize = 1024;
/// Bytes all waiting datagrams may hold together; past it the oldest are dropped.
pub const MAX_HELD: usize = 8 << 20;
/// Separate pieces (runs of bytes with holes between them) a datagram may have.
pub const MAX_RANGES: usize = 64;

/// What became of a fragment.
#[derive(Debug, PartialEq, Eq)]
pub enum Fragment {
    /// It completed its datagram: the datagram's payload.
    Complete(Vec<u8>),
    /// Its datagram still misses fragments.
    Pending,
    /// It reaches past the largest IPv4 datagram: ignored.
    Invalid,
    /// Its datagram had too many separate pieces and was dropped.
    TooFragmented,
}

/// Datagrams that never became whole, by why (those still waiting are
/// [`Ipv4Defragmenter::pending`]).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DefragStats {
    /// Dropped, oldest first, to stay within [`MAX_PENDING`] datagrams or [`MAX_HELD`] bytes.
    pub evicted: u64,
    /// Dropped with more than [`MAX_RANGES`] separate pieces.
    pub too_fragmented: u64,
}

struct Partial {
    data: Vec<u8>,
    /// Byte ranges received: sorted, disjoint and not touching (merged on insert).
    ranges: Vec<(usize, usize)>,
    /// The datagram's length, once its last fragment came.
    total: Option<usize>,
    /// When its first fragment came (the key of `by_age`).
    born: u64,
}

impl Partial {
    fn is_complete(&self) -> bool {
        match (self.total, self.ranges.first()) {
            (Some(total), Some(&(0, end))) => end >= total,
            (Some(0), None) => true,
            _ => false,
        }
    }
}

/// Adds `start..end` to sorted, disjoint, non-touching `ranges`, merging what it
/// overlaps or touches; `false` (nothing changed) when that would make more than
/// [`MAX_RANGES`] ranges.
fn insert_range(ranges: &mut Vec<(usize, usize)>, start: usize, end: usize) -> bool {
    // The first range that ends at or after `start` (it may touch or overlap).
    let first = ranges.partition_point(|&(_, e)| e < start);
    let mut last = first;
    let (mut s, mut e) = (start, end);
    while last < ranges.len() && ranges[last].0 <= end {
        s = s.min(ranges[last].0);
        e = e.max(ranges[last].1);
        last += 1;
    }
    if first == last {
        if ranges.len() >= MAX_RANGES {
            return false;
        }
        ranges.insert(first, (s, e));
    } else {
        ranges[first] = (s, e);
        ranges.drain(first + 1..last);
    }
    true
}

/// Collects fragments until a datagram is whole.
#[derive(Default)]
pub struct Ipv4Defragmenter {
    partial: HashMap<FragmentKey, Partial>,
    /// The waiting datagrams, oldest first.
    by_age: BTreeMap<u64, FragmentKey>,
    /// Bytes allocated by the waiting datagrams.
    held: usize,
    clock: u64,
    pub stats: DefragStats,
}

impl Ipv4Defragmenter {
    /// Adds one fragment (`offset` in bytes).
    pub fn add(
        &mut self,
        key: FragmentKey,
        offset: usize,
        more_fragments: bool,
        data: &[u8],
    ) -> Fragment {
        let end = offset + data.len();
        if end > MAX_DATAGRAM {
            return Fragment::Invalid;
        }
        if !self.partial.contains_key(&key) {
            while self.partial.len() >= MAX_PENDING {
                self.evict_oldest(None);
            }
        }
        let p = match self.partial.entry(key) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                self.clock += 1;
                self.by_age.insert(self.clock, key);
                v.insert(Partial {
                    data: Vec::new(),
                    ranges: Vec::new(),
                    total: None,
                    born: self.clock,
                })
            }
        };
        if !more_fragments {
            p.total = Some(end);
        }
        if end > offset && !insert_range(&mut p.ranges, offset, end) {
            self.remove(&key);
            self.stats.too_fragmented += 1;
            return Fragment::TooFragmented;
        }
        if p.data.len() < end {
            let before = p.data.capacity();
            if before < end {
                // Room for the whole datagram when its length is known, else grow
                // geometrically (fragments mostly come in order).
                let want = match p.total {
                    Some(t) if t >= end => t,
                    _ => end.max(before * 2).min(MAX_DATAGRAM),
                };
                p.data.reserve_exact(want - p.data.len());
            }
            p.data.resize(end, 0);
            self.held += p.data.capacity() - before;
        }
        p.data[offset..end].copy_from_slice(data);
        if p.is_complete() {
            let total = p.total.unwrap_or(0);
            let Some(mut p) = self.remove(&key) else {
                return Fragment::Pending;
            };
            p.data.truncate(total);
            return Fragment::Complete(p.data);
        }
        while self.held > MAX_HELD && self.partial.len() > 1 {
            self.evict_oldest(Some(key));
        }
        Fragment::Pending
    }

    /// Drops the oldest waiting datagram other than `keep`.
    fn evict_oldest(&mut self, keep: Option<FragmentKey>) {
        let victim = self.by_age.values().find(|&&k| Some(k) != keep).copied();
        if let Some(k) = victim {
            self.remove(&k);
            self.stats.evicted += 1;
        }
    }

    fn remove(&mut self, key: &FragmentKey) -> Option<Partial> {
        let p = self.partial.remove(key)?;
        self.by_age.remove(&p.born);
        self.held -= p.data.capacity();
        Some(p)
    }

    /// Datagrams waiting for fragments now.
    pub fn pending(&self) -> usize {
        self.partial.len()
    }

    /// Bytes the waiting datagrams hold.
    pub fn held_bytes(&self) -> usize {
        self.held
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: FragmentKey = ([1; 16], [5; 16], 7);

    fn key(n: u32) -> FragmentKey {
        ([10; 16], [5; 16], n)
    }

    #[test]
    fn out_of_order_fragments_make_one_datagram() {
        let mut d = Ipv4Defragmenter::default();
        assert_eq!(d.add(KEY, 16, false, b"world"), Fragment::Pending);
        assert_eq!(
            d.add(KEY, 0, true, b"hello, wonderful"),
            Fragment::Complete(b"hello, wonderfulworld".to_vec())
        );
        assert_eq!(d.pending(), 0);
        assert_eq!(d.held_bytes(), 0);
    }

    #[test]
    fn a_hole_keeps_it_pending() {
        let mut d = Ipv4Defragmenter::default();
        assert_eq!(d.add(KEY, 0, true, &[0; 8]), Fragment::Pending);
        assert_eq!(d.add(KEY, 16, false, &[0; 8]), Fragment::Pending);
        assert_eq!(d.pending(), 1);
    }

    #[test]
    fn overlaps_and_duplicates_merge() {
        let mut d = Ipv4Defragmenter::default();
        let data: Vec<u8> = (0..=255).collect();
        for _ in 0..10_000 {
            assert_eq!(d.add(KEY, 8, true, &data[8..40]), Fragment::Pending);
        }
        assert_eq!(d.add(KEY, 32, true, &data[32..64]), Fragment::Pending);
        assert_eq!(d.partial[&KEY].ranges, [(8, 64)]);
        assert_eq!(d.add(KEY, 200, false, &data[200..]), Fragment::Pending);
        assert_eq!(d.add(KEY, 64, true, &data[64..200]), Fragment::Pending);
        assert_eq!(d.partial[&KEY].ranges, [(8, 256)]);
        assert_eq!(
            d.add(KEY, 0, true, &data[..16]),
            Fragment::Complete(data.clone())
        );
    }

    #[test]
    fn insert_range_keeps_ranges_sorted_disjoint_and_apart() {
        let mut r = Vec::new();
        for (s, e) in [(40, 48), (0, 8), (16, 24), (8, 16), (30, 35), (24, 30)] {
            assert!(insert_range(&mut r, s, e));
        }
        assert_eq!(r, [(0, 35), (40, 48)]);
        assert!(insert_range(&mut r, 20, 60));
        assert_eq!(r, [(0, 60)]);
    }

    #[test]
    fn too_many_pieces_drop_the_datagram() {
        let mut d = Ipv4Defragmenter::default();
        // Every other 8-byte block: each one a separate piece.
        for i in 0..MAX_RANGES {
            assert_eq!(d.add(KEY, i * 16, true, &[1; 8]), Fragment::Pending);
        }
        assert_eq!(d.partial[&KEY].ranges.len(), MAX_RANGES);
        assert_eq!(
            d.add(KEY, MAX_RANGES * 16, true, &[1; 8]),
            Fragment::TooFragmented
        );
        assert_eq!(d.stats.too_fragmented, 1);
        assert_eq!((d.pending(), d.held_bytes()), (0, 0));
    }

    #[test]
    fn fragments_past_the_largest_datagram_are_invalid() {
        let mut d = Ipv4Defragmenter::default();
        assert_eq!(d.add(KEY, 65_528, true, &[0; 16]), Fragment::Invalid);
        assert_eq!(d.pending(), 0);
    }

    #[test]
    fn every_datagram_past_the_pending_cap_is_counted() {
        let mut d = Ipv4Defragmenter::default();
        let n = 200_000;
        for i in 0..n {
            assert_eq!(d.add(key(i), 0, true, &[0; 8]), Fragment::Pending);
        }
        assert_eq!(d.pending(), MAX_PENDING);
        assert_eq!(d.stats.evicted, (n as usize - MAX_PENDING) as u64);
        // The newest are the ones kept: the last datagram still completes.
        assert!(matches!(
            d.add(key(n - 1), 8, false, &[0; 8]),
            Fragment::Complete(_)
        ));
        assert_eq!(d.stats.evicted + d.pending() as u64 + 1, n as u64);
    }

    #[test]
    fn held_bytes_stay_under_the_cap() {
        let mut d = Ipv4Defragmenter::default();
        // Each datagram's first fragment at the far end: 64 KiB held for 8 bytes.
        for i in 0..1000 {
            assert_eq!(d.add(key(i), 65_520, true, &[0; 8]), Fragment::Pending);
            assert!(d.held_bytes() <= MAX_HELD, "{}", d.held_bytes());
        }
        assert!(d.pending() < 200, "{}", d.pending());
        assert_eq!(d.stats.evicted + d.pending() as u64, 1000);
        // The datagram being added is never the one dropped.
        assert!(d.partial.contains_key(&key(999)));
    }
}
