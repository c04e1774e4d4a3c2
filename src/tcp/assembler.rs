//! One direction of a TCP connection, reassembled into the byte stream the sender wrote.
//!
//! Sequence numbers are mapped to 64-bit stream offsets relative to the first data byte,
//! so wraparound at 2^32 is invisible above this type:
//!
//! ```text
//!   stream offset:   0 .......... next ........ k1 .... k1+n1 ...... k2 ...
//!                    [ delivered ][   hole    ][ pending  ]  [hole] [pending]
//! ```
//!
//! In-order bytes are handed straight to the caller (no copy); segments beyond `next`
//! wait in `pending`, bounded by a byte cap. A hole is only declared lost when the
//! direction ends (FIN, RST, end of capture) or when the cap is reached: then the
//! reassembler reports a [`Gap`] and carries on with what follows it.

use std::collections::BTreeMap;

pub use crate::flow::{Chunk, DirectionStats, Gap};

/// What holding one out-of-order segment costs besides its bytes: its map entry and
/// buffer header (measured: about 95 bytes). Counted against the out-of-order cap, so
/// that millions of one-byte segments cannot hide behind a cap on payload bytes.
pub const SEGMENT_OVERHEAD: usize = 96;

/// The memory a held buffer is charged for.
fn held_cost(data: &Vec<u8>) -> usize {
    SEGMENT_OVERHEAD + data.capacity()
}

/// Gaps listed one by one per direction; past this they are only counted.
pub const MAX_LISTED_GAPS: usize = 1000;

/// Reassembles one direction of one TCP connection.
#[derive(Debug)]
pub struct TcpReassembler {
    /// Sequence number of stream offset 0.
    base: Option<u32>,
    next: u64,
    cap: usize,
    pub stats: DirectionStats,
    /// Out-of-order data and the gaps listed: made at the first of either (most
    /// directions of most captures have neither, and an open connection should cost
    /// little).
    holes: Option<Box<Holes>>,
}

#[derive(Debug, Default)]
struct Holes {
    pending: BTreeMap<u64, Vec<u8>>,
    /// Memory held out of order: bytes and per-segment overhead.
    pending_bytes: usize,
    gaps: Vec<Gap>,
}

impl TcpReassembler {
    /// `cap` bounds the bytes held out of order.
    pub fn new(cap: usize) -> Self {
        TcpReassembler {
            base: None,
            next: 0,
            cap,
            stats: DirectionStats::default(),
            holes: None,
        }
    }

    /// A SYN fixes the initial sequence number: data starts at `isn + 1`.
    pub fn syn(&mut self, isn: u32) {
        if self.base.is_none() {
            self.base = Some(isn.wrapping_add(1));
        }
    }

    pub fn has_started(&self) -> bool {
        self.base.is_some()
    }

    /// Offset of the next byte expected.
    pub fn next_offset(&self) -> u64 {
        self.next
    }

    pub fn pending_bytes(&self) -> usize {
        self.holes.as_ref().map_or(0, |h| h.pending_bytes)
    }

    fn holes(&mut self) -> &mut Holes {
        self.holes.get_or_insert_with(Box::default)
    }

    fn has_pending(&self) -> bool {
        self.holes.as_ref().is_some_and(|h| !h.pending.is_empty())
    }

    fn first_pending(&self) -> Option<u64> {
        self.holes
            .as_ref()
            .and_then(|h| h.pending.first_key_value())
            .map(|(&k, _)| k)
    }

    /// The gaps listed (the first [`MAX_LISTED_GAPS`]).
    pub fn take_gaps(&mut self) -> Vec<Gap> {
        self.holes
            .as_mut()
            .map(|h| std::mem::take(&mut h.gaps))
            .unwrap_or_default()
    }

    /// Maps a sequence number to a stream offset near `next` (negative: before the start).
    fn offset_of(&mut self, seq: u32) -> i64 {
        let base = *self.base.get_or_insert(seq);
        let rel = seq.wrapping_sub(base);
        let delta = rel.wrapping_sub(self.next as u32) as i32;
        self.next as i64 + delta as i64
    }

    /// Adds a segment's payload; `missing` more bytes followed it on the wire but were cut
    /// by the snapshot length. In-order data (and any pending data it unblocks) goes to
    /// `out` before this returns.
    pub fn insert(
        &mut self,
        seq: u32,
        payload: &[u8],
        missing: u32,
        out: &mut impl FnMut(Chunk<'_>),
    ) {
        if payload.is_empty() && missing == 0 {
            return;
        }
        let start = self.offset_of(seq);
        let mut data = payload;
        let mut offset = start;
        if offset < 0 {
            // Bytes before the first one we anchored on: nothing to deliver them to.
            let skip = (-offset) as usize;
            if skip >= data.len() {
                return;
            }
            data = &data[skip..];
            offset = 0;
        }
        let offset = offset as u64;
        let end = offset + data.len() as u64;
        // Bytes the snapshot length cut off follow the payload in sequence space.
        let missing = if data.len() == payload.len() {
            missing as u64
        } else {
            0
        };
        if end + missing <= self.next {
            self.stats.retransmitted_bytes += data.len() as u64;
            return;
        }
        if offset <= self.next {
            let skip = ((self.next - offset) as usize).min(data.len());
            self.stats.retransmitted_bytes += skip as u64;
            self.deliver(&data[skip..], out);
            if end + missing > self.next && missing > 0 {
                self.skip_gap(end + missing - self.next, out);
            }
            self.drain(out);
            return;
        }
        // Beyond `next`: keep a copy until the hole before it fills or is declared lost.
        self.stats.out_of_order_segments += 1;
        if !data.is_empty() {
            self.hold(offset, data);
        }
        if self.pending_bytes() > self.cap {
            self.stats.cap_exceeded = true;
            self.skip_to_pending(out);
        }
    }

    /// Keeps `data` (at stream `offset`, beyond `next`) until the hole before it fills.
    /// A segment that starts where a held one ends joins it, so a stream of small
    /// segments behind a hole costs one buffer, not one entry each.
    fn hold(&mut self, offset: u64, data: &[u8]) {
        let h = self.holes();
        if let Some((&start, held)) = h.pending.range_mut(..offset).next_back() {
            if start + held.len() as u64 == offset {
                let before = held.capacity();
                held.extend_from_slice(data);
                h.pending_bytes += held.capacity() - before;
                return;
            }
        }
        let keep = match h.pending.get(&offset) {
            Some(existing) => existing.len() < data.len(),
            None => true,
        };
        if keep {
            if let Some(old) = h.pending.insert(offset, data.to_vec()) {
                h.pending_bytes -= held_cost(&old);
            }
            h.pending_bytes += SEGMENT_OVERHEAD + data.len();
        }
    }

    /// Gives up waiting for the holes (a global memory cap was hit): what is held goes
    /// out after gaps.
    pub fn give_up_holes(&mut self, out: &mut impl FnMut(Chunk<'_>)) {
        if self.pending_bytes() > 0 {
            self.stats.cap_exceeded = true;
            self.skip_to_pending(out);
        }
    }

    fn deliver(&mut self, data: &[u8], out: &mut impl FnMut(Chunk<'_>)) {
        if data.is_empty() {
            return;
        }
        self.next += data.len() as u64;
        self.stats.bytes += data.len() as u64;
        out(Chunk::Data(data));
    }

    fn skip_gap(&mut self, len: u64, out: &mut impl FnMut(Chunk<'_>)) {
        let gap = Gap {
            offset: self.next,
            len,
        };
        self.next += len;
        self.stats.gap_count += 1;
        self.stats.gap_bytes += len;
        let h = self.holes();
        if h.gaps.len() < MAX_LISTED_GAPS {
            h.gaps.push(gap);
        }
        out(Chunk::Gap(gap));
    }

    /// Delivers pending segments that now touch `next`.
    fn drain(&mut self, out: &mut impl FnMut(Chunk<'_>)) {
        while let Some(offset) = self.first_pending() {
            if offset > self.next {
                break;
            }
            let h = self.holes();
            let data = h.pending.remove(&offset).unwrap_or_default();
            h.pending_bytes -= held_cost(&data);
            let end = offset + data.len() as u64;
            if end <= self.next {
                self.stats.retransmitted_bytes += data.len() as u64;
                continue;
            }
            let skip = (self.next - offset) as usize;
            self.stats.retransmitted_bytes += skip as u64;
            self.deliver(&data[skip..], out);
        }
    }

    /// Declares the hole before the first pending segment lost and delivers what follows.
    fn skip_to_pending(&mut self, out: &mut impl FnMut(Chunk<'_>)) {
        if let Some(offset) = self.first_pending() {
            if offset > self.next {
                self.skip_gap(offset - self.next, out);
            }
            self.drain(out);
        }
    }

    /// The direction has ended (FIN, RST or end of capture): every remaining hole is lost.
    pub fn finish(&mut self, out: &mut impl FnMut(Chunk<'_>)) {
        while self.has_pending() {
            self.skip_to_pending(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(segments: &[(u32, &[u8])]) -> (Vec<u8>, Vec<Gap>, TcpReassembler) {
        let mut r = TcpReassembler::new(1 << 20);
        r.syn(999);
        let mut bytes = Vec::new();
        let mut gaps = Vec::new();
        let mut sink = |c: Chunk<'_>| match c {
            Chunk::Data(d) => bytes.extend_from_slice(d),
            Chunk::Gap(g) => gaps.push(g),
        };
        for (seq, data) in segments {
            r.insert(*seq, data, 0, &mut sink);
        }
        r.finish(&mut sink);
        (bytes, gaps, r)
    }

    #[test]
    fn in_order_and_out_of_order() {
        let (b, g, r) = run(&[(1000, b"abc"), (1006, b"ghi"), (1003, b"def")]);
        assert_eq!(b, b"abcdefghi");
        assert!(g.is_empty());
        assert_eq!(r.stats.out_of_order_segments, 1);
    }

    #[test]
    fn overlapping_retransmission_with_other_boundaries() {
        let (b, _, r) = run(&[(1000, b"abcd"), (1002, b"cdefg"), (1000, b"abcdefghij")]);
        assert_eq!(b, b"abcdefghij");
        assert_eq!(r.stats.retransmitted_bytes, 2 + 7);
    }

    #[test]
    fn lost_segment_is_a_gap() {
        let (b, g, _) = run(&[(1000, b"abc"), (1006, b"ghi")]);
        assert_eq!(b, b"abcghi");
        assert_eq!(g, vec![Gap { offset: 3, len: 3 }]);
    }

    #[test]
    fn wraparound() {
        let mut r = TcpReassembler::new(1 << 20);
        r.syn(u32::MAX - 2);
        let mut bytes = Vec::new();
        let mut sink = |c: Chunk<'_>| {
            if let Chunk::Data(d) = c {
                bytes.extend_from_slice(d)
            }
        };
        r.insert(3, b"fgh", 0, &mut sink);
        r.insert(u32::MAX - 1, b"abcde", 0, &mut sink);
        r.finish(&mut sink);
        assert_eq!(bytes, b"abcdefgh");
    }

    #[test]
    fn cap_turns_the_hole_into_a_gap() {
        let mut r = TcpReassembler::new(4);
        r.syn(0);
        let mut gaps = Vec::new();
        let mut sink = |c: Chunk<'_>| {
            if let Chunk::Gap(g) = c {
                gaps.push(g)
            }
        };
        r.insert(11, b"abc", 0, &mut sink);
        r.insert(14, b"def", 0, &mut sink);
        assert!(r.stats.cap_exceeded);
        assert_eq!(gaps, vec![Gap { offset: 0, len: 10 }]);
        assert_eq!(r.pending_bytes(), 0);
    }

    #[test]
    fn small_segments_behind_a_hole_join_one_buffer() {
        let mut r = TcpReassembler::new(1 << 20);
        r.syn(0);
        for i in 0..100_000u32 {
            r.insert(11 + i, b"x", 0, &mut |_| {});
        }
        assert_eq!(
            r.holes.as_ref().unwrap().pending.len(),
            1,
            "one buffer, not 100,000 entries"
        );
        assert!(r.pending_bytes() >= 100_000);
        let mut got = 0;
        r.finish(&mut |c| {
            if let Chunk::Data(d) = c {
                got += d.len()
            }
        });
        assert_eq!(got, 100_000);
        assert_eq!(r.pending_bytes(), 0);
    }

    #[test]
    fn scattered_segments_are_charged_their_overhead() {
        let cap = 1 << 20;
        let mut r = TcpReassembler::new(cap);
        r.syn(0);
        let mut held_max = 0;
        for i in 0..50_000u32 {
            // One byte every other byte: nothing joins, every segment is an entry.
            r.insert(11 + 2 * i, b"x", 0, &mut |_| {});
            held_max = held_max.max(r.pending_bytes());
        }
        assert!(
            r.stats.cap_exceeded,
            "the cap counts entries, not just bytes"
        );
        assert!(held_max <= cap + SEGMENT_OVERHEAD + 1);
        assert!(r.holes.as_ref().unwrap().pending.len() <= cap / SEGMENT_OVERHEAD);
    }

    #[test]
    fn snaplen_cut_becomes_a_gap() {
        let mut r = TcpReassembler::new(1 << 20);
        r.syn(0);
        let mut out = Vec::new();
        let mut sink = |c: Chunk<'_>| {
            out.push(match c {
                Chunk::Data(d) => format!("d{}", d.len()),
                Chunk::Gap(g) => format!("g{}@{}", g.len, g.offset),
            })
        };
        r.insert(1, b"ab", 5, &mut sink);
        r.insert(8, b"xy", 0, &mut sink);
        assert_eq!(out, vec!["d2", "g5@2", "d2"]);
    }
}
