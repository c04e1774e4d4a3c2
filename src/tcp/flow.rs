//! The connection table: which segments belong together, who opened the connection, and
//! when it ends.

use std::collections::HashMap;

use super::assembler::{AssemblerStats, Gap, StreamChunk, TcpReassembler};
use crate::net::{Endpoint, TcpSegment};

/// Stable connection number: the order in which connections were first seen.
pub type ConnectionId = u64;

/// A direction relative to the connection's first packet: `Forward` is from
/// `endpoints[0]` (the sender of the first packet seen) to `endpoints[1]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Forward = 0,
    Reverse = 1,
}

impl Direction {
    pub fn index(self) -> usize {
        self as usize
    }
    pub fn other(self) -> Direction {
        match self {
            Direction::Forward => Direction::Reverse,
            Direction::Reverse => Direction::Forward,
        }
    }
    pub fn from_index(i: usize) -> Direction {
        if i == 0 {
            Direction::Forward
        } else {
            Direction::Reverse
        }
    }
}

/// What a connection looked like at TCP level when it ended.
#[derive(Debug, Clone)]
pub struct ConnectionSummary {
    pub id: ConnectionId,
    pub endpoints: [Endpoint; 2],
    /// The side that sent the first SYN (without ACK), if the capture saw it.
    pub syn_sender: Option<Direction>,
    pub first_seen_ns: i64,
    pub last_seen_ns: i64,
    pub stats: [AssemblerStats; 2],
    pub gaps: [Vec<Gap>; 2],
    /// Some segment's payload was cut by the capture's snapshot length.
    pub snaplen_cut: bool,
    /// The capture ended (or the table was flushed) before the connection closed.
    pub open_at_end: bool,
}

/// Events in the order the pipeline needs them.
#[derive(Debug)]
pub enum TcpEvent<'a> {
    /// Bytes (or a gap) of one direction, in stream order.
    Stream {
        id: ConnectionId,
        endpoints: [Endpoint; 2],
        direction: Direction,
        chunk: StreamChunk<'a>,
        timestamp_ns: i64,
    },
    /// The connection ended; no more events carry its id.
    Closed(ConnectionSummary),
}

struct Connection {
    id: ConnectionId,
    endpoints: [Endpoint; 2],
    dirs: [TcpReassembler; 2],
    isn: [Option<u32>; 2],
    syn_sender: Option<Direction>,
    fin: [bool; 2],
    first_seen_ns: i64,
    last_seen_ns: i64,
    snaplen_cut: bool,
}

impl Connection {
    fn summary(self, open_at_end: bool) -> ConnectionSummary {
        let [a, b] = self.dirs;
        ConnectionSummary {
            id: self.id,
            endpoints: self.endpoints,
            syn_sender: self.syn_sender,
            first_seen_ns: self.first_seen_ns,
            last_seen_ns: self.last_seen_ns,
            stats: [a.stats, b.stats],
            gaps: [a.gaps, b.gaps],
            snaplen_cut: self.snaplen_cut,
            open_at_end,
        }
    }
}

/// All open TCP connections of a capture.
pub struct FlowTable {
    /// Keyed by (lower endpoint, higher endpoint) so both directions find the entry.
    open: HashMap<(Endpoint, Endpoint), Connection>,
    next_id: ConnectionId,
    out_of_order_cap: usize,
}

impl FlowTable {
    /// `out_of_order_cap`: bytes each direction may hold waiting for a hole to fill.
    pub fn new(out_of_order_cap: usize) -> Self {
        FlowTable {
            open: HashMap::new(),
            next_id: 0,
            out_of_order_cap,
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

    pub fn next_id(&self) -> ConnectionId {
        self.next_id
    }

    /// Feeds one segment.
    pub fn process(
        &mut self,
        seg: &TcpSegment<'_>,
        timestamp_ns: i64,
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
                Self::close(old, false, out);
            }
        }
        if !self.open.contains_key(&key) {
            if seg.payload.is_empty() && seg.missing == 0 && !seg.flags.syn {
                // A bare ACK/FIN/RST of a connection we never saw carry anything.
                return;
            }
            let id = self.next_id;
            self.next_id += 1;
            self.open.insert(
                key,
                Connection {
                    id,
                    endpoints: [seg.src, seg.dst],
                    dirs: [
                        TcpReassembler::new(self.out_of_order_cap),
                        TcpReassembler::new(self.out_of_order_cap),
                    ],
                    isn: [None, None],
                    syn_sender: None,
                    fin: [false; 2],
                    first_seen_ns: timestamp_ns,
                    last_seen_ns: timestamp_ns,
                    snaplen_cut: false,
                },
            );
        }
        let conn = self.open.get_mut(&key).expect("inserted");
        conn.last_seen_ns = conn.last_seen_ns.max(timestamp_ns);
        let d = if seg.src == conn.endpoints[0] {
            Direction::Forward
        } else {
            Direction::Reverse
        };
        let i = d.index();
        if seg.flags.syn {
            conn.isn[i].get_or_insert(seg.seq);
            conn.dirs[i].syn(seg.seq);
            if conn.syn_sender.is_none() {
                conn.syn_sender = Some(if seg.ack.is_none() { d } else { d.other() });
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
        conn.dirs[i].insert(data_seq, seg.payload, seg.missing, &mut |chunk| {
            out(TcpEvent::Stream {
                id,
                endpoints,
                direction: d,
                chunk,
                timestamp_ns,
            })
        });
        if seg.flags.fin {
            conn.fin[i] = true;
        }
        if seg.flags.rst || conn.fin == [true, true] {
            let conn = self.open.remove(&key).expect("present");
            Self::close(conn, false, out);
        }
    }

    fn close(mut conn: Connection, open_at_end: bool, out: &mut impl FnMut(TcpEvent<'_>)) {
        let id = conn.id;
        let endpoints = conn.endpoints;
        let ts = conn.last_seen_ns;
        for i in 0..2 {
            let direction = Direction::from_index(i);
            conn.dirs[i].finish(&mut |chunk| {
                out(TcpEvent::Stream {
                    id,
                    endpoints,
                    direction,
                    chunk,
                    timestamp_ns: ts,
                })
            });
        }
        out(TcpEvent::Closed(conn.summary(open_at_end)));
    }

    /// End of capture: every connection still open ends here, in id order.
    pub fn finish(&mut self, out: &mut impl FnMut(TcpEvent<'_>)) {
        let mut conns: Vec<Connection> = self.open.drain().map(|(_, c)| c).collect();
        conns.sort_by_key(|c| c.id);
        for conn in conns {
            Self::close(conn, true, out);
        }
    }
}
