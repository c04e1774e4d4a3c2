//! TCP: connections keyed by their 4-tuple, each direction reassembled by a
//! [`TcpReassembler`]. [`FlowTable`] turns segments into [`TcpEvent`]s: stream bytes in
//! order, gaps where the capture lost bytes, and the end of each connection.

mod assembler;
mod flow;

pub use assembler::{AssemblerStats, Gap, StreamChunk, TcpReassembler};
pub use flow::{
    ConnectionId, ConnectionSummary, Direction, FlowLimits, FlowStats, FlowTable, TcpEvent,
};
