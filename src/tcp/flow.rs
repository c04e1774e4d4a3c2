//! The connection table: which segments belong together, who opened the connection, and
//! when it ends.

use crate::flow::FlowMap;

use super::assembler::{Chunk, TcpReassembler};
pub use crate::flow::{ConnectionId, Direction, FlowSummary};
use crate::net::{Endpoint, TcpSegment};

/// Events in the order the pipeline needs them.
#[derive(Debug)]
pub enum TcpEvent<'a> {
    /// Bytes (or a gap) of one direction, in stream order.
    Stream {
        id: ConnectionId,
        endpoints: [Endpoint; 2],
        direction: Direction,
        chunk: Chunk<'a>,
        timestamp_ns: i64,
        /// The frame that delivered the bytes (the one that completed them, when it
        /// filled a hole).
        frame: u64,
    },
    /// The connection ended; no more events carry its id.
    Closed(FlowSummary),
}

struct Connection {
    id: ConnectionId,
    endpoints: [Endpoint; 2],
    dirs: [TcpReassembler; 2],
    isn: [Option<u32>; 2],
    opener: Option<Direction>,
    fin: [bool; 2],
    /// The acknowledgement number that acknowledges each side's FIN, once it was sent,
    /// and whether the other side sent it.
    fin_ack: [Option<u32>; 2],
    fin_acked: [bool; 2],
    first_seen_ns: i64,
    last_seen_ns: i64,
    first_frame: u64,
    last_frame: u64,
    snaplen_cut: bool,
}

impl Connection {
    fn pending(&self) -> usize {
        self.dirs[0].pending_bytes() + self.dirs[1].pending_bytes()
    }

    fn summary(self: Box<Self>, open_at_end: bool, evicted: bool) -> FlowSummary {
        let [mut a, mut b] = self.dirs;
        let gaps = [a.take_gaps(), b.take_gaps()];
        FlowSummary {
            id: self.id,
            endpoints: self.endpoints,
            opener: self.opener,
            first_seen_ns: self.first_seen_ns,
            last_seen_ns: self.last_seen_ns,
            first_frame: self.first_frame,
            last_frame: self.last_frame,
            stats: [a.stats, b.stats],
            gaps,
            snaplen_cut: self.snaplen_cut,
            // Both FINs seen is a close, even when the last ACK never came.
            open_at_end: open_at_end && self.fin != [true, true],
            evicted,
        }
    }
}

/// All open TCP connections of a capture.
pub struct FlowTable {
    /// Keyed by (lower endpoint, higher endpoint) so both directions find the entry.
    /// Boxed: a table slot stays small however large a connection's state is, and the
    /// table is sized by its capacity, not by the connections in it.
    open: FlowMap<(Endpoint, Endpoint), Box<Connection>>,
    next_id: ConnectionId,
    limits: FlowLimits,
    /// Out-of-order bytes held by all connections.
    buffered: usize,
    pub stats: FlowStats,
}

/// Caps that keep memory bounded whatever the capture holds.
#[derive(Debug, Clone, Copy)]
pub struct FlowLimits {
    /// Bytes each direction may hold waiting for a hole to fill.
    pub out_of_order_cap: usize,
    /// Out-of-order bytes all connections together may hold; past it, the direction
    /// being fed gives up on its holes.
    pub buffered_cap: usize,
    /// Connections tracked at once; past it, the least recently active are closed.
    pub max_open: usize,
}

impl Default for FlowLimits {
    fn default() -> Self {
        FlowLimits {
            out_of_order_cap: 4 << 20,
            buffered_cap: 256 << 20,
            max_open: 50_000,
        }
    }
}

/// What the caps cut.
#[derive(Debug, Clone, Copy, Default)]
pub struct FlowStats {
    /// Connections closed early by `max_open`.
    pub evicted: u64,
    /// Times the global `buffered_cap` made a direction give up on its holes.
    pub buffered_cap_hits: u64,
    /// Connections closed because a later stage ran out of its memory budget.
    pub closed_for_memory: u64,
}

impl FlowTable {
    /// `out_of_order_cap`: bytes each direction may hold waiting for a hole to fill;
    /// the other limits at their defaults.
    pub fn new(out_of_order_cap: usize) -> Self {
        FlowTable::with_limits(FlowLimits {
            out_of_order_cap,
            ..FlowLimits::default()
        })
    }

    pub fn with_limits(limits: FlowLimits) -> Self {
        FlowTable {
            open: FlowMap::default(),
            next_id: 0,
            limits: FlowLimits {
                max_open: limits.max_open.max(1),
                ..limits
            },
            buffered: 0,
            stats: FlowStats::default(),
        }
    }

    /// Number of connections currently tracked.
    pub fn open_connections(&self) -> usize {
        self.open.len()
    }

    /// Continues numbering after the connections of an earlier capture.
    pub fn set_next_id(&mut self, id: ConnectionId) {
        self.next_id = id;
    }

    /// Takes the next id for a flow of another transport (the id space is the run's).
    pub fn allocate_id(&mut self) -> ConnectionId {
        self.next_id += 1;
        self.next_id - 1
    }

    pub fn next_id(&self) -> ConnectionId {
        self.next_id
    }

    /// Feeds one segment, of the packet at `timestamp_ns` numbered `frame` in its file.
    pub fn process(
        &mut self,
        seg: &TcpSegment<'_>,
        timestamp_ns: i64,
        frame: u64,
        out: &mut impl FnMut(TcpEvent<'_>),
    ) {
        let key = if seg.src <= seg.dst {
            (seg.src, seg.dst)
        } else {
            (seg.dst, seg.src)
        };
        let opening = seg.flags.syn && seg.ack.is_none();
        if let Some(conn) = self.open.get(&key) {
            // A new SYN on a 4-tuple whose connection ended or that starts over with a
            // different ISN is a new connection.
            let dir = if seg.src == conn.endpoints[0] { 0 } else { 1 };
            let reused = opening
                && (conn.fin.iter().any(|&f| f) || conn.isn[dir].is_some_and(|isn| isn != seg.seq));
            if reused {
                let old = self.open.remove(&key).expect("present");
                self.buffered -= old.pending();
                Self::close(old, false, false, out);
            }
        }
        if !self.open.contains_key(&key) {
            if seg.payload.is_empty() && seg.missing == 0 && !seg.flags.syn {
                // A bare ACK/FIN/RST of a connection we never saw carry anything.
                return;
            }
            if self.open.len() >= self.limits.max_open {
                self.evict(out);
            }
            let id = self.next_id;
            self.next_id += 1;
            self.open.insert(
                key,
                Box::new(Connection {
                    id,
                    endpoints: [seg.src, seg.dst],
                    dirs: [
                        TcpReassembler::new(self.limits.out_of_order_cap),
                        TcpReassembler::new(self.limits.out_of_order_cap),
                    ],
                    isn: [None, None],
                    opener: None,
                    fin: [false; 2],
                    fin_ack: [None; 2],
                    fin_acked: [false; 2],
                    first_seen_ns: timestamp_ns,
                    last_seen_ns: timestamp_ns,
                    first_frame: frame,
                    last_frame: frame,
                    snaplen_cut: false,
                }),
            );
        }
        let conn = self.open.get_mut(&key).expect("inserted");
        conn.last_seen_ns = conn.last_seen_ns.max(timestamp_ns);
        conn.last_frame = frame;
        let d = if seg.src == conn.endpoints[0] {
            Direction::Forward
        } else {
            Direction::Reverse
        };
        let i = d.index();
        if seg.flags.syn {
            conn.isn[i].get_or_insert(seg.seq);
            conn.dirs[i].syn(seg.seq);
            if conn.opener.is_none() {
                conn.opener = Some(if seg.ack.is_none() { d } else { d.other() });
            }
        }
        if seg.missing > 0 {
            conn.snaplen_cut = true;
        }
        let id = conn.id;
        let endpoints = conn.endpoints;
        let data_seq = if seg.flags.syn {
            seg.seq.wrapping_add(1)
        } else {
            seg.seq
        };
        let before = conn.pending();
        let mut emit = |chunk: Chunk<'_>| {
            out(TcpEvent::Stream {
                id,
                endpoints,
                direction: d,
                chunk,
                timestamp_ns,
                frame,
            })
        };
        conn.dirs[i].insert(data_seq, seg.payload, seg.missing, &mut emit);
        if self.buffered + conn.pending() > self.limits.buffered_cap + before {
            self.stats.buffered_cap_hits += 1;
            conn.dirs[i].give_up_holes(&mut emit);
        }
        self.buffered = self.buffered + conn.pending() - before;
        if seg.flags.fin {
            conn.fin[i] = true;
            let len = seg.payload.len() as u32 + seg.missing + u32::from(seg.flags.syn);
            conn.fin_ack[i] = Some(seg.seq.wrapping_add(len).wrapping_add(1));
        }
        let o = d.other().index();
        if seg.ack.is_some() && seg.ack == conn.fin_ack[o] {
            conn.fin_acked[o] = true;
        }
        // The connection ends with the ACK of the second FIN (its last packet, as tshark
        // counts the stream), or with a reset.
        if seg.flags.rst || conn.fin_acked == [true, true] {
            let conn = self.open.remove(&key).expect("present");
            self.buffered -= conn.pending();
            Self::close(conn, false, false, out);
        }
    }

    /// Closes the least recently active sixteenth of the open connections (at least
    /// one): a capture with more connections open at once than `max_open`.
    fn evict(&mut self, out: &mut impl FnMut(TcpEvent<'_>)) {
        let mut by_age: Vec<(i64, ConnectionId, (Endpoint, Endpoint))> = self
            .open
            .iter()
            .map(|(k, c)| (c.last_seen_ns, c.id, *k))
            .collect();
        by_age.sort_unstable();
        let n = (self.open.len() / 16).max(1);
        for (_, _, key) in by_age.into_iter().take(n) {
            if let Some(conn) = self.open.remove(&key) {
                self.buffered -= conn.pending();
                self.stats.evicted += 1;
                Self::close(conn, false, true, out);
            }
        }
    }

    fn close(
        mut conn: Box<Connection>,
        open_at_end: bool,
        evicted: bool,
        out: &mut impl FnMut(TcpEvent<'_>),
    ) {
        let id = conn.id;
        let endpoints = conn.endpoints;
        let ts = conn.last_seen_ns;
        let frame = conn.last_frame;
        for i in 0..2 {
            let direction = Direction::from_index(i);
            conn.dirs[i].finish(&mut |chunk| {
                out(TcpEvent::Stream {
                    id,
                    endpoints,
                    direction,
                    chunk,
                    timestamp_ns: ts,
                    frame,
                })
            });
        }
        out(TcpEvent::Closed(conn.summary(open_at_end, evicted)));
    }

    /// Closes the connections with these ids now (a later stage gave up on them); later
    /// packets of theirs start new connections.
    pub fn close_ids(&mut self, ids: &[ConnectionId], out: &mut impl FnMut(TcpEvent<'_>)) {
        let ids: std::collections::HashSet<ConnectionId> = ids.iter().copied().collect();
        let keys: Vec<(Endpoint, Endpoint)> = self
            .open
            .iter()
            .filter(|(_, c)| ids.contains(&c.id))
            .map(|(k, _)| *k)
            .collect();
        for key in keys {
            if let Some(conn) = self.open.remove(&key) {
                self.buffered -= conn.pending();
                self.stats.closed_for_memory += 1;
                Self::close(conn, false, true, out);
            }
        }
    }

    /// End of capture: every connection still open ends here, in id order.
    pub fn finish(&mut self, out: &mut impl FnMut(TcpEvent<'_>)) {
        let mut conns: Vec<Box<Connection>> = self.open.drain().map(|(_, c)| c).collect();
        conns.sort_by_key(|c| c.id);
        self.buffered = 0;
        for conn in conns {
            Self::close(conn, true, false, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::TcpFlags;

    fn seg(port: u16, seq: u32, payload: &[u8]) -> TcpSegment<'_> {
        let ep = |p| Endpoint {
            ip: std::net::IpAddr::from([10, 0, 0, 1]),
            port: p,
        };
        TcpSegment {
            src: ep(port),
            dst: ep(443),
            seq,
            ack: None,
            flags: TcpFlags::default(),
            payload,
            missing: 0,
        }
    }

    #[test]
    fn connection_cap_closes_the_least_recently_active() {
        let mut t = FlowTable::with_limits(FlowLimits {
            max_open: 4,
            ..FlowLimits::default()
        });
        let mut closed = Vec::new();
        for port in 1000..1010u16 {
            t.process(&seg(port, 1, b"x"), port as i64, 1, &mut |ev| {
                if let TcpEvent::Closed(s) = ev {
                    closed.push((s.id, s.evicted));
                }
            });
        }
        assert!(t.open_connections() <= 4);
        assert_eq!(t.stats.evicted, 6);
        assert_eq!(&closed[..2], &[(0, true), (1, true)], "oldest first");
    }

    #[test]
    fn global_buffer_cap_declares_holes_lost() {
        let mut t = FlowTable::with_limits(FlowLimits {
            buffered_cap: 1000,
            ..FlowLimits::default()
        });
        let mut gaps = 0;
        for port in 2000..2005u16 {
            t.process(&seg(port, 1, b"a"), 0, 1, &mut |_| {});
            // A hole of 100 bytes, then 400 bytes waiting behind it.
            t.process(&seg(port, 102, &[0; 400]), 0, 2, &mut |ev| {
                if let TcpEvent::Stream {
                    chunk: Chunk::Gap(_),
                    ..
                } = ev
                {
                    gaps += 1;
                }
            });
        }
        assert!(t.buffered <= 1000, "{}", t.buffered);
        assert!(t.stats.buffered_cap_hits >= 1);
        assert!(gaps >= 1);
    }
}
