//! UDP: flows keyed by their endpoints (the protocol is UDP: a 5-tuple), each told
//! apart by what it carries. [`UdpFlowTable`] turns datagrams into [`UdpEvent`]s: the
//! datagrams of flows that carry a protocol tlsscope reads (QUIC, DTLS), in
//! capture order, and a [`crate::flow::FlowSummary`] when such a flow ends. Flows that
//! carry anything else are only counted.
//!
//! ```text
//!  UdpDatagram ─► UdpFlowTable (endpoints → Flow) ─► classify (first datagrams)
//!                   │ idle timeout, caps             │ QUIC, DTLS ─► UdpEvent::Datagram (an id, in order)
//!                   └─► UdpEvent::Closed(FlowSummary)│ other ─► counted (UdpStats::other_flows)
//! ```

mod classify;
mod flow;

pub use classify::{classify, Carried, SNIFF_DATAGRAMS};
pub use flow::{UdpEvent, UdpFlowTable, UdpLimits, UdpStats};
