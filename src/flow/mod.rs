//! What every transport shares above its own framing: the two directions of a flow,
//! the flow's number in the run, the bytes (or gaps) it carries in order, and what it
//! looked like when it ended. TCP (`tcp/`) and UDP (`udp/`, whose QUIC datagrams the
//! session stage's `QuicFeed` reads) produce them; the session stage only ever sees
//! these types.
//!
//! ```text
//!  transport (tcp/, udp/ …) ── Chunk (Data | Gap) per Direction ──► adapters ─► Session
//!                           └─ FlowSummary when the flow ends ───────────────► report
//! ```

pub mod shard;

use crate::net::Endpoint;

/// The maps looked up once a packet or record (flows by their endpoints, sessions by
/// id): SipHash, the standard map's, was 5 % of a bulk run's CPU. aHash is keyed at
/// random per map too, so a capture cannot be built to collide its keys.
pub type FlowMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;

/// The transport a connection travelled over, as its report says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    #[default]
    Tcp,
    /// QUIC over UDP.
    Quic,
    /// DTLS over UDP.
    Dtls,
}

impl Transport {
    pub const ALL: [Transport; 3] = [Transport::Tcp, Transport::Quic, Transport::Dtls];

    /// The name the report gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Quic => "quic",
            Transport::Dtls => "dtls",
        }
    }
}

/// The flow's Community ID v1 (seed 0, base64: `1:…`), the hash Zeek, Suricata and
/// Wireshark give the same flow, either way round, to join their logs with ours.
pub fn community_id(a: Endpoint, b: Endpoint, transport: Transport) -> Option<String> {
    let proto = match transport {
        Transport::Tcp => 6,
        Transport::Quic | Transport::Dtls => 17,
    };
    community_id::calculate_community_id(0, a.ip, b.ip, Some(a.port), Some(b.port), proto, false)
        .ok()
}

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

/// A run of stream bytes that never appeared in the capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Gap {
    /// Stream offset of the first missing byte (0 = first data byte of the direction).
    pub offset: u64,
    pub len: u64,
}

/// What a transport hands on for one direction, in order.
#[derive(Debug, PartialEq, Eq)]
pub enum Chunk<'a> {
    Data(&'a [u8]),
    Gap(Gap),
}

/// One direction's counters, for the report.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct DirectionStats {
    pub bytes: u64,
    pub retransmitted_bytes: u64,
    pub out_of_order_segments: u64,
    /// The out-of-order cap was reached at least once.
    pub cap_exceeded: bool,
    /// Holes declared lost, and their bytes (all of them; `gaps` lists the first ones).
    pub gap_count: u64,
    pub gap_bytes: u64,
}

/// What a flow looked like at transport level when it ended.
#[derive(Debug, Clone)]
pub struct FlowSummary {
    pub id: ConnectionId,
    pub endpoints: [Endpoint; 2],
    /// The side that opened the flow (TCP: sent the first SYN), if the capture saw it.
    pub opener: Option<Direction>,
    pub first_seen_ns: i64,
    pub last_seen_ns: i64,
    /// Frame numbers of the flow's first and last packet in their capture file: 1-based,
    /// counting every packet of the file, as tshark's `frame.number` does.
    pub first_frame: u64,
    pub last_frame: u64,
    pub stats: [DirectionStats; 2],
    /// The gaps listed (the first ones of each direction; `stats` counts them all).
    pub gaps: [Vec<Gap>; 2],
    /// Some packet's payload was cut by the capture's snapshot length.
    pub snaplen_cut: bool,
    /// The capture ended (or the table was flushed) before the flow closed.
    pub open_at_end: bool,
    /// Closed early to stay under a memory or connection cap.
    pub evicted: bool,
}
