//! The STREAM frames of one connection, put back in order per stream and sender
//! (RFC 9000 §2–3, §19.8): each stream id names up to two byte streams, one per
//! direction (a bidirectional stream carries both, a unidirectional one its
//! initiator's), each with its own offsets, end (FIN, or RESET_STREAM) and digest.
//!
//! ```text
//!  STREAM { id, offset, fin, data } ─► stream table (id → two halves; capped, the
//!                                       rest counted) ─► OffsetStream (in order) ─► out
//!  RESET_STREAM { id, code, size }  ─► that half ends: its holes are lost, its code kept
//! ```
//! Memory: a capped number of streams, each half holding at most [`STREAM_HELD_CAP`]
//! out of order, and the connection's halves together at most [`STREAMS_HELD_CAP`]:
//! past that the half being fed gives up its holes (counted as lost).

use std::collections::HashMap;

use crate::crypto::sha256::{Sha256, SharedPass};

use super::offset_stream::OffsetStream;
use crate::flow::{Chunk, Direction};

/// Streams followed per connection; data of later ones is counted, not reassembled.
pub const MAX_STREAMS: usize = 1024;
/// Bytes one half may hold out of order (a lost datagram holds up what follows it until
/// its retransmission: about a flow-control window).
pub const STREAM_HELD_CAP: usize = 2 << 20;
/// Bytes all halves of a connection may hold out of order together.
pub const STREAMS_HELD_CAP: usize = 8 << 20;
/// Data further than this past the next byte expected is refused (counted).
pub const STREAM_WINDOW: u64 = 64 << 20;

/// One direction's data on one stream.
#[derive(Debug)]
struct Half {
    assembler: OffsetStream,
    hash: Sha256,
    /// The final size, from a STREAM frame with FIN.
    fin_at: Option<u64>,
    /// RESET_STREAM: its application error code.
    reset: Option<u64>,
    lost_bytes: u64,
    /// The end (FIN reached, or a reset) was reported.
    ended: bool,
}

impl Half {
    fn new() -> Self {
        Half {
            assembler: OffsetStream::new(STREAM_HELD_CAP, STREAM_WINDOW),
            hash: Sha256::new(),
            fin_at: None,
            reset: None,
            ended: false,
            lost_bytes: 0,
        }
    }

    fn delivered(&self) -> u64 {
        self.assembler.next_offset()
    }
}

/// One stream id: the halves by direction, made when data (or a reset) first comes.
#[derive(Debug)]
struct Stream {
    id: u64,
    halves: [Option<Box<Half>>; 2],
}

/// One half of one stream, as reported: values, no names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HalfSummary {
    /// Bytes delivered in order (holes given up on count in `lost_bytes`, not here).
    pub bytes: u64,
    pub sha256: [u8; 32],
    /// The sender ended the stream with FIN and everything up to it arrived.
    pub fin: bool,
    /// The sender reset the stream (RESET_STREAM), with this error code.
    pub reset: Option<u64>,
    pub lost_bytes: u64,
    pub retransmitted_bytes: u64,
}

/// One stream, by direction of the data ([`Direction::index`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamSummary {
    pub id: u64,
    pub halves: [Option<HalfSummary>; 2],
}

/// A piece of one stream's data, in order, for the sinks.
pub struct StreamChunk<'a> {
    pub stream_id: u64,
    pub dir: Direction,
    pub chunk: Chunk<'a>,
    /// The stream's digest over this piece: it runs as the decoders read the piece (an
    /// HTTP/3 body in it is hashed in step), and whatever is left when it is dropped.
    pub digest: SharedPass<'a>,
}

/// The streams of one connection.
#[derive(Debug, Default)]
pub struct Streams {
    list: Vec<Stream>,
    index: HashMap<u64, usize>,
    /// Bytes all halves hold out of order.
    held: usize,
    /// The highest stream id seen per type (its low two bits): a stream opens every
    /// lower one of its type (RFC 9000 §3.2), which is how streams past the cap count.
    highest: [Option<u64>; 4],
    /// STREAM bytes on streams past [`MAX_STREAMS`].
    pub omitted_bytes: u64,
    /// Times the connection-wide cap made a half give up its holes.
    pub cap_exceeded: u64,
}

impl Streams {
    /// The half of `stream_id` that `dir` sends on, made if new and room is left.
    fn half(&mut self, dir: Direction, stream_id: u64) -> Option<&mut Half> {
        let i = match self.index.get(&stream_id) {
            Some(&i) => i,
            None if self.list.len() < MAX_STREAMS => {
                self.list.push(Stream {
                    id: stream_id,
                    halves: [None, None],
                });
                self.index.insert(stream_id, self.list.len() - 1);
                self.list.len() - 1
            }
            None => return None,
        };
        Some(
            self.list[i].halves[dir.index()]
                .get_or_insert_with(|| Box::new(Half::new()))
                .as_mut(),
        )
    }

    /// A STREAM frame from `dir`; what is now in order goes to `out`. Returns whether
    /// the half ended with it (everything up to its FIN delivered, reported once).
    pub fn data(
        &mut self,
        dir: Direction,
        stream_id: u64,
        offset: u64,
        fin: bool,
        data: &[u8],
        out: &mut impl FnMut(StreamChunk<'_>),
    ) -> bool {
        let mut held = self.held;
        let kind = &mut self.highest[(stream_id & 3) as usize];
        *kind = Some(kind.map_or(stream_id, |h| h.max(stream_id)));
        let Some(half) = self.half(dir, stream_id) else {
            self.omitted_bytes += data.len() as u64;
            return false;
        };
        let Half {
            assembler,
            hash,
            fin_at,
            reset,
            lost_bytes,
            ended,
        } = half;
        if reset.is_some() {
            return false; // data after a reset is not part of the stream
        }
        if fin {
            *fin_at = Some(offset.saturating_add(data.len() as u64));
        }
        let mut emit = |c: Chunk<'_>| {
            let digest = match c {
                Chunk::Data(d) => SharedPass::new(hash, d),
                Chunk::Gap(g) => {
                    *lost_bytes += g.len;
                    SharedPass::none()
                }
            };
            out(StreamChunk {
                stream_id,
                dir,
                chunk: c,
                digest,
            });
        };
        let before = assembler.held_bytes();
        assembler.insert(offset, data, &mut emit);
        let mut cap_hit = false;
        if held - before + assembler.held_bytes() > STREAMS_HELD_CAP {
            assembler.give_up_holes(&mut emit);
            cap_hit = true;
        }
        let mut now_ended = false;
        if fin_at.is_some_and(|end| end <= assembler.next_offset()) {
            assembler.finish(&mut emit);
            now_ended = !std::mem::replace(ended, true);
        }
        held = held - before + assembler.held_bytes();
        self.held = held;
        self.cap_exceeded += u64::from(cap_hit);
        now_ended
    }

    /// RESET_STREAM from `dir`: that half ends where it stands. Returns whether it
    /// ended with it (not before, by its FIN or another reset).
    pub fn reset(
        &mut self,
        dir: Direction,
        stream_id: u64,
        error_code: u64,
        out: &mut impl FnMut(StreamChunk<'_>),
    ) -> bool {
        let mut held = self.held;
        let Some(half) = self.half(dir, stream_id) else {
            return false;
        };
        if half.reset.is_some() {
            return false;
        }
        half.reset = Some(error_code);
        let now_ended = !std::mem::replace(&mut half.ended, true);
        let before = half.assembler.held_bytes();
        let lost = &mut half.lost_bytes;
        half.assembler.finish(&mut |c| {
            if let Chunk::Gap(g) = c {
                *lost += g.len;
            }
            out(StreamChunk {
                stream_id,
                dir,
                chunk: c,
                digest: SharedPass::none(),
            })
        });
        held -= before - half.assembler.held_bytes();
        self.held = held;
        now_ended
    }

    /// The connection ended: holes left are lost, what waited behind them goes out.
    pub fn finish(&mut self, out: &mut impl FnMut(StreamChunk<'_>)) {
        for s in &mut self.list {
            for (i, half) in s.halves.iter_mut().enumerate() {
                let Some(half) = half else { continue };
                let (hash, lost) = (&mut half.hash, &mut half.lost_bytes);
                let dir = Direction::from_index(i);
                let stream_id = s.id;
                half.assembler.finish(&mut |c| {
                    let digest = match c {
                        Chunk::Data(d) => SharedPass::new(hash, d),
                        Chunk::Gap(g) => {
                            *lost += g.len;
                            SharedPass::none()
                        }
                    };
                    out(StreamChunk {
                        stream_id,
                        dir,
                        chunk: c,
                        digest,
                    })
                });
            }
        }
        self.held = 0;
    }

    /// Streams opened (by their ids, RFC 9000 §3.2) but not followed: past the cap.
    pub fn omitted(&self) -> u64 {
        let opened: u64 = self.highest.iter().flatten().map(|h| h / 4 + 1).sum();
        opened.saturating_sub(self.list.len() as u64)
    }

    /// Every stream followed, in order of first data.
    pub fn summaries(&self) -> Vec<StreamSummary> {
        self.list
            .iter()
            .map(|s| StreamSummary {
                id: s.id,
                halves: [0, 1].map(|i| {
                    s.halves[i].as_ref().map(|h| HalfSummary {
                        bytes: h.assembler.stats().bytes,
                        sha256: h.hash.clone().finalize(),
                        fin: h.fin_at.is_some_and(|end| end <= h.delivered()),
                        reset: h.reset,
                        lost_bytes: h.lost_bytes,
                        retransmitted_bytes: h.assembler.stats().retransmitted_bytes,
                    })
                }),
            })
            .collect()
    }

    /// Bytes held (for the memory budget): the table and what waits out of order.
    pub fn held_bytes(&self) -> usize {
        let halves: usize = self
            .list
            .iter()
            .map(|s| s.halves.iter().flatten().count() * std::mem::size_of::<Half>())
            .sum();
        self.list.capacity() * std::mem::size_of::<Stream>()
            + self.index.capacity() * 24
            + halves
            + self.held
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: Direction = Direction::Forward;
    const R: Direction = Direction::Reverse;

    fn collect(out: &mut Vec<(u64, Direction, Vec<u8>)>) -> impl FnMut(StreamChunk<'_>) + '_ {
        |c| {
            if let Chunk::Data(d) = c.chunk {
                out.push((c.stream_id, c.dir, d.to_vec()));
            }
        }
    }

    #[test]
    fn two_streams_both_ways_out_of_order() {
        let mut s = Streams::default();
        let mut got = Vec::new();
        s.data(F, 0, 5, true, b"world", &mut collect(&mut got));
        s.data(F, 4, 0, true, b"other", &mut collect(&mut got));
        s.data(F, 0, 0, false, b"hello", &mut collect(&mut got));
        s.data(R, 0, 0, true, b"answer", &mut collect(&mut got));
        s.data(F, 0, 0, false, b"hel", &mut collect(&mut got)); // retransmitted
        let data: Vec<_> = got.iter().map(|(i, d, b)| (*i, *d, &b[..])).collect();
        assert_eq!(
            data,
            [
                (4, F, &b"other"[..]),
                (0, F, b"hello"),
                (0, F, b"world"),
                (0, R, b"answer")
            ]
        );
        let sum = s.summaries();
        assert_eq!(sum[0].id, 0);
        let fwd = sum[0].halves[0].as_ref().unwrap();
        assert_eq!(fwd.bytes, 10);
        assert!(fwd.fin);
        assert_eq!(fwd.retransmitted_bytes, 3);
        assert_eq!(
            fwd.sha256,
            <[u8; 32]>::from(<sha2::Sha256 as sha2::Digest>::digest(b"helloworld"))
        );
        assert_eq!(sum[1].id, 4);
        assert!(sum[1].halves[1].is_none());
        assert_eq!(s.held_bytes() - s.held, s.held_bytes()); // nothing held
    }

    #[test]
    fn reset_ends_a_half_and_holes_are_lost() {
        let mut s = Streams::default();
        let mut got = Vec::new();
        s.data(F, 2, 10, false, b"late", &mut collect(&mut got));
        assert!(s.held > 0);
        s.reset(F, 2, 7, &mut collect(&mut got));
        assert_eq!(s.held, 0);
        s.data(F, 2, 0, false, b"ignored", &mut collect(&mut got));
        let h = s.summaries()[0].halves[0].clone().unwrap();
        assert_eq!(h.reset, Some(7));
        assert_eq!(h.lost_bytes, 10);
        assert_eq!(h.bytes, 4);
        assert!(!h.fin);
    }

    #[test]
    fn caps_bound_streams_and_held_bytes() {
        let mut s = Streams::default();
        let mut sink = |_: StreamChunk<'_>| {};
        let chunk = vec![0u8; 60_000];
        for id in 0..(MAX_STREAMS as u64 + 10) {
            // Every stream's first byte is missing: everything waits.
            s.data(F, id * 4, 1, false, &chunk, &mut sink);
            assert!(s.held <= STREAMS_HELD_CAP + chunk.len() + 256, "{}", s.held);
        }
        assert_eq!(s.summaries().len(), MAX_STREAMS);
        assert_eq!(s.omitted_bytes, 10 * 60_000);
        assert_eq!(s.omitted(), 10);
        assert!(s.cap_exceeded > 0);
        s.finish(&mut sink);
        assert_eq!(s.held, 0);
    }
}
