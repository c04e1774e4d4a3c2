//! Test fixtures shared by the adapters' tests: endpoints and the summary of a flow
//! between a client on port 50000 and a server.

use crate::flow::{Direction, FlowSummary};
use crate::net::Endpoint;

pub fn ep(port: u16) -> Endpoint {
    Endpoint {
        ip: "192.0.2.1".parse().unwrap(),
        port,
    }
}

/// An open flow from port 50000 to `server_port`, opened by the client, no gaps.
pub fn summary(server_port: u16) -> FlowSummary {
    FlowSummary {
        id: 0,
        endpoints: [ep(50000), ep(server_port)],
        opener: Some(Direction::Forward),
        first_seen_ns: 0,
        last_seen_ns: 0,
        first_frame: 1,
        last_frame: 1,
        stats: Default::default(),
        gaps: [Vec::new(), Vec::new()],
        snaplen_cut: false,
        open_at_end: true,
        evicted: false,
    }
}
