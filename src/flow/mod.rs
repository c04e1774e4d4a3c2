//! What every transport shares above its own framing: the two directions of a flow,
//! the flow's number in the run, and the gaps where the capture lost bytes. TCP (`tcp/`)
//! produces them today; datagram transports will too.

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Gap {
    /// Stream offset of the first missing byte (0 = first data byte of the direction).
    pub offset: u64,
    pub len: u64,
}
