//! TCP: connections keyed by their 4-tuple, each direction reassembled by a
//! [`TcpReassembler`]. [`FlowTable`] turns segments into [`TcpEvent`]s: stream bytes in
//! order, gaps where the capture lost bytes, and the end of each connection.

mod assembler;
mod flow;

pub use assembler::{Chunk, DirectionStats, Gap, TcpReassembler};
pub use flow::{ConnectionId, Direction, FlowLimits, FlowStats, FlowSummary, FlowTable, TcpEvent};
