//! TCP: connections keyed by their 4-tuple, each direction reassembled by a
//! [`TcpReassembler`]. [`FlowTable`] turns segments into [`TcpEvent`]s carrying the
//! transport-neutral types of `flow/`: [`Chunk`]s (stream bytes in order, gaps where
//! the capture lost bytes) and, when a connection ends, its [`FlowSummary`].
//!
//! ```text
//!  TcpSegment ─► FlowTable (4-tuple → Connection) ─► TcpReassembler per direction
//!                   │  SYN, FIN, RST, reuse, caps          │ in order ─► Chunk::Data
//!                   └─► TcpEvent::Closed(FlowSummary)      │ holes ────► Chunk::Gap
//! ```

mod assembler;
mod flow;

pub use assembler::{Chunk, DirectionStats, Gap, TcpReassembler};
pub use flow::{ConnectionId, Direction, FlowLimits, FlowStats, FlowSummary, FlowTable, TcpEvent};
