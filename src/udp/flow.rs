//! The UDP flow table: which datagrams belong together, what they carry, and when a
//! flow ends. UDP has no handshake or close: a flow ends after an idle time (capture
//! time, like Zeek's `udp_inactivity_timeout`), when the table is full, or with the
//! capture.

use crate::flow::FlowMap;
use std::collections::HashMap;

use super::classify::{classify, Carried, SNIFF_DATAGRAMS};
use crate::flow::{ConnectionId, Direction, DirectionStats, FlowSummary};
use crate::net::{Endpoint, UdpDatagram};

/// Events in the order the pipeline needs them.
#[derive(Debug)]
pub enum UdpEvent<'a> {
    /// One datagram of a flow that carries `carried`.
    Datagram {
        id: ConnectionId,
        endpoints: [Endpoint; 2],
        direction: Direction,
        carried: Carried,
        payload: &'a [u8],
        timestamp_ns: i64,
        /// The datagram's frame number in its file.
        frame: u64,
    },
    /// The flow ended; no more events carry its id.
    Closed(FlowSummary),
}

/// Caps that keep the table bounded whatever the capture holds.
#[derive(Debug, Clone, Copy)]
pub struct UdpLimits {
    /// A flow silent for longer than this (capture time) has ended.
    pub idle_timeout_ns: i64,
    /// Flows tracked at once; past it, the least recently active sixteenth is closed.
    pub max_open: usize,
}

impl Default for UdpLimits {
    fn default() -> Self {
        UdpLimits {
            idle_timeout_ns: 60_000_000_000,
            max_open: 50_000,
        }
    }
}

/// What the table saw and cut.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UdpStats {
    /// Flows seen (a flow that idles out and comes back counts twice).
    pub flows: u64,
    /// Flows that carried QUIC (from a long header).
    pub quic_flows: u64,
    /// Flows that carried DTLS.
    pub dtls_flows: u64,
    /// Flows of short-header packets to or from a QUIC server's address: maybe a
    /// connection that migrated there (the session stage tells by connection ID).
    pub quic_path_candidates: u64,
    /// Flows that carried nothing tlsscope reads (counted when they end).
    pub other_flows: u64,
    /// Flows closed early by `max_open`.
    pub evicted: u64,
    /// Flows ended by the idle timeout.
    pub idled_out: u64,
}

/// What a flow carries, as far as its datagrams told so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Not yet known after this many datagrams.
    Unknown(u32),
    Known(Carried, ConnectionId),
    Other,
}

#[derive(Debug)]
struct Flow {
    /// `endpoints[0]` sent the first datagram (of a known protocol, once it is known).
    endpoints: [Endpoint; 2],
    kind: Kind,
    stats: [DirectionStats; 2],
    first_seen_ns: i64,
    last_seen_ns: i64,
    first_frame: u64,
    last_frame: u64,
    snaplen_cut: bool,
    /// A QUIC flow (from a long header): both its endpoints are counted in
    /// [`UdpFlowTable::quic_endpoints`] while the flow is open.
    quic_server: bool,
}

impl Flow {
    fn summary(self, id: ConnectionId, open_at_end: bool, evicted: bool) -> FlowSummary {
        FlowSummary {
            id,
            endpoints: self.endpoints,
            // Who sent first (of the protocol) is the best a UDP flow says about who opened it.
            opener: Some(Direction::Forward),
            first_seen_ns: self.first_seen_ns,
            last_seen_ns: self.last_seen_ns,
            first_frame: self.first_frame,
            last_frame: self.last_frame,
            stats: self.stats,
            gaps: [Vec::new(), Vec::new()],
            snaplen_cut: self.snaplen_cut,
            open_at_end,
            evicted,
        }
    }
}

type Key = (Endpoint, Endpoint);

fn key(a: Endpoint, b: Endpoint) -> Key {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// A QUIC short header as far as its first byte and size tell (RFC 9000 §17.3.1: form
/// bit 0, fixed bit 1; a packet number, and a sample's worth of payload after it).
fn looks_like_short_header(payload: &[u8]) -> bool {
    payload.len() >= 1 + 1 + 20 && payload[0] & 0xc0 == 0x40
}

/// All open UDP flows of a capture.
pub struct UdpFlowTable {
    open: FlowMap<Key, Flow>,
    /// The endpoints of the open QUIC flows, with how many flows each: a flow of short
    /// headers to or from one may be a connection's new path (RFC 9000 §9): the client
    /// moving (from a server endpoint's view), or moving to the server's preferred
    /// address (§9.6: from the client's socket to an address not seen yet).
    quic_endpoints: HashMap<Endpoint, u32>,
    limits: UdpLimits,
    /// Capture time of the last sweep for idle flows.
    last_sweep_ns: Option<i64>,
    pub stats: UdpStats,
}

impl UdpFlowTable {
    pub fn new(limits: UdpLimits) -> Self {
        UdpFlowTable {
            open: FlowMap::default(),
            quic_endpoints: HashMap::new(),
            limits: UdpLimits {
                max_open: limits.max_open.max(1),
                idle_timeout_ns: limits.idle_timeout_ns.max(0),
            },
            last_sweep_ns: None,
            stats: UdpStats::default(),
        }
    }

    /// Flows currently tracked.
    pub fn open_flows(&self) -> usize {
        self.open.len()
    }

    /// Adds one datagram captured at `ts`, numbered `frame` in its file. A flow that turns out to carry a known
    /// protocol takes its id from `next_id` then (the id space is shared with TCP).
    pub fn process(
        &mut self,
        d: &UdpDatagram<'_>,
        ts: i64,
        frame: u64,
        next_id: &mut impl FnMut() -> ConnectionId,
        out: &mut impl FnMut(UdpEvent<'_>),
    ) {
        self.sweep(ts, out);
        let k = key(d.src, d.dst);
        let idle = self.limits.idle_timeout_ns;
        if let Some(f) = self.open.get(&k) {
            if ts.saturating_sub(f.last_seen_ns) > idle {
                if let Some(f) = self.open.remove(&k) {
                    self.stats.idled_out += 1;
                    self.close(f, false, false, out);
                }
            }
        }
        if !self.open.contains_key(&k) {
            if self.open.len() >= self.limits.max_open {
                self.evict(out);
            }
            self.stats.flows += 1;
            self.open.insert(
                k,
                Flow {
                    endpoints: [d.src, d.dst],
                    kind: Kind::Unknown(0),
                    stats: Default::default(),
                    first_seen_ns: ts,
                    last_seen_ns: ts,
                    first_frame: frame,
                    last_frame: frame,
                    snaplen_cut: false,
                    quic_server: false,
                },
            );
        }
        let Some(f) = self.open.get_mut(&k) else {
            return;
        };
        f.last_seen_ns = f.last_seen_ns.max(ts);
        f.first_seen_ns = f.first_seen_ns.min(ts);
        f.last_frame = frame;
        f.snaplen_cut |= d.missing > 0;
        if let Kind::Unknown(tried) = f.kind {
            let carried = classify(d.payload);
            let new_path = carried.is_none()
                && looks_like_short_header(d.payload)
                && (self.quic_endpoints.contains_key(&d.dst)
                    || self.quic_endpoints.contains_key(&d.src));
            f.kind = match carried {
                Some(carried) => {
                    if f.endpoints[0] != d.src {
                        // Forward is the first sender of the protocol, not of the flow.
                        f.endpoints.swap(0, 1);
                        f.stats.swap(0, 1);
                    }
                    if carried == Carried::Quic {
                        self.stats.quic_flows += 1;
                        f.quic_server = true;
                        *self.quic_endpoints.entry(d.dst).or_default() += 1;
                        *self.quic_endpoints.entry(d.src).or_default() += 1;
                    }
                    self.stats.dtls_flows += u64::from(carried == Carried::Dtls);
                    Kind::Known(carried, next_id())
                }
                None if new_path => {
                    if f.endpoints[0] != d.src {
                        f.endpoints.swap(0, 1);
                        f.stats.swap(0, 1);
                    }
                    self.stats.quic_path_candidates += 1;
                    Kind::Known(Carried::Quic, next_id())
                }
                None if tried + 1 >= SNIFF_DATAGRAMS => Kind::Other,
                None => Kind::Unknown(tried + 1),
            };
        }
        let direction = if d.src == f.endpoints[0] {
            Direction::Forward
        } else {
            Direction::Reverse
        };
        let s = &mut f.stats[direction.index()];
        s.bytes += d.payload.len() as u64;
        if let Kind::Known(carried, id) = f.kind {
            out(UdpEvent::Datagram {
                id,
                endpoints: f.endpoints,
                direction,
                carried,
                payload: d.payload,
                timestamp_ns: ts,
                frame,
            });
        }
    }

    /// Ends the flows idle for longer than the timeout, once per timeout of capture time
    /// (a sweep costs a pass over the table).
    fn sweep(&mut self, ts: i64, out: &mut impl FnMut(UdpEvent<'_>)) {
        let idle = self.limits.idle_timeout_ns;
        let last = *self.last_sweep_ns.get_or_insert(ts);
        if ts.saturating_sub(last) <= idle {
            return;
        }
        self.last_sweep_ns = Some(ts);
        let mut gone: Vec<(i64, Key)> = self
            .open
            .iter()
            .filter(|(_, f)| ts.saturating_sub(f.last_seen_ns) > idle)
            .map(|(k, f)| (f.first_seen_ns, *k))
            .collect();
        // In the order they started, so that the output does not depend on the hash.
        gone.sort_unstable();
        for (_, k) in gone {
            if let Some(f) = self.open.remove(&k) {
                self.stats.idled_out += 1;
                self.close(f, false, false, out);
            }
        }
    }

    /// Closes the least recently active sixteenth of the open flows (at least one).
    fn evict(&mut self, out: &mut impl FnMut(UdpEvent<'_>)) {
        let mut by_age: Vec<(i64, Key)> = self
            .open
            .iter()
            .map(|(k, f)| (f.last_seen_ns, *k))
            .collect();
        by_age.sort_unstable();
        let n = (self.open.len() / 16).max(1);
        for (_, k) in by_age.into_iter().take(n) {
            if let Some(f) = self.open.remove(&k) {
                self.stats.evicted += 1;
                self.close(f, true, true, out);
            }
        }
    }

    fn close(
        &mut self,
        f: Flow,
        open_at_end: bool,
        evicted: bool,
        out: &mut impl FnMut(UdpEvent<'_>),
    ) {
        if f.quic_server {
            for e in f.endpoints {
                if let Some(n) = self.quic_endpoints.get_mut(&e) {
                    *n -= 1;
                    if *n == 0 {
                        self.quic_endpoints.remove(&e);
                    }
                }
            }
        }
        match f.kind {
            Kind::Known(_, id) => out(UdpEvent::Closed(f.summary(id, open_at_end, evicted))),
            Kind::Unknown(_) | Kind::Other => self.stats.other_flows += 1,
        }
    }

    /// Closes the flows with these ids now (a later stage gave up on them); later
    /// datagrams of theirs start new flows.
    pub fn close_ids(&mut self, ids: &[ConnectionId], out: &mut impl FnMut(UdpEvent<'_>)) {
        let mut keys: Vec<(ConnectionId, Key)> = self
            .open
            .iter()
            .filter_map(|(k, f)| match f.kind {
                Kind::Known(_, id) if ids.contains(&id) => Some((id, *k)),
                _ => None,
            })
            .collect();
        keys.sort_unstable();
        for (_, k) in keys {
            if let Some(f) = self.open.remove(&k) {
                self.close(f, true, true, out);
            }
        }
    }

    /// The capture ended: every flow still open ends, in the order they started.
    pub fn finish(&mut self, out: &mut impl FnMut(UdpEvent<'_>)) {
        let mut all: Vec<(i64, Key)> = self
            .open
            .iter()
            .map(|(k, f)| (f.first_seen_ns, *k))
            .collect();
        all.sort_unstable();
        for (_, k) in all {
            if let Some(f) = self.open.remove(&k) {
                self.close(f, true, false, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quic::testvectors::{h, V1_CLIENT_PACKET};

    fn ep(port: u16) -> Endpoint {
        Endpoint {
            ip: "10.0.0.1".parse().unwrap(),
            port,
        }
    }

    #[derive(Debug, PartialEq)]
    enum Seen {
        Datagram(ConnectionId, Direction, usize),
        Closed(ConnectionId, bool, bool),
    }

    struct Run {
        table: UdpFlowTable,
        next: ConnectionId,
        seen: Vec<Seen>,
    }

    impl Run {
        fn new(limits: UdpLimits) -> Self {
            Run {
                table: UdpFlowTable::new(limits),
                next: 0,
                seen: Vec::new(),
            }
        }
        fn send(&mut self, from: u16, to: u16, payload: &[u8], ts_s: i64) {
            let d = UdpDatagram {
                src: ep(from),
                dst: ep(to),
                payload,
                missing: 0,
            };
            let next = &mut self.next;
            let seen = &mut self.seen;
            self.table.process(
                &d,
                ts_s * 1_000_000_000,
                0,
                &mut || {
                    *next += 1;
                    *next - 1
                },
                &mut |ev| seen.push(record(ev)),
            );
        }
        fn finish(&mut self) {
            let seen = &mut self.seen;
            self.table.finish(&mut |ev| seen.push(record(ev)));
        }
    }

    fn record(ev: UdpEvent<'_>) -> Seen {
        match ev {
            UdpEvent::Datagram {
                id,
                direction,
                payload,
                ..
            } => Seen::Datagram(id, direction, payload.len()),
            UdpEvent::Closed(s) => Seen::Closed(s.id, s.open_at_end, s.evicted),
        }
    }

    #[test]
    fn quic_flow_gets_an_id_and_both_directions() {
        let initial = h(V1_CLIENT_PACKET);
        let mut r = Run::new(UdpLimits::default());
        r.send(5000, 443, &initial, 0);
        r.send(443, 5000, &[0x40, 1, 2, 3], 0);
        r.finish();
        assert_eq!(
            r.seen,
            [
                Seen::Datagram(0, Direction::Forward, initial.len()),
                Seen::Datagram(0, Direction::Reverse, 4),
                Seen::Closed(0, true, false),
            ]
        );
        assert_eq!(r.table.stats.quic_flows, 1);
        assert_eq!(r.table.stats.other_flows, 0);
    }

    /// The server's answer seen first (the client's first datagram lost): forward is
    /// still the first sender of QUIC, and the stray datagram before it is not passed on.
    #[test]
    fn forward_is_the_first_quic_sender() {
        let initial = h(V1_CLIENT_PACKET);
        let mut r = Run::new(UdpLimits::default());
        r.send(443, 5000, b"noise", 0);
        r.send(5000, 443, &initial, 1);
        r.finish();
        assert_eq!(
            r.seen[0],
            Seen::Datagram(0, Direction::Forward, initial.len())
        );
    }

    /// Short headers to a QUIC server's address from a new port may be a migrated
    /// connection: passed on (the session stage joins them by connection ID); the same
    /// bytes between other endpoints, or once the server's flows are gone, are not.
    #[test]
    fn short_headers_to_a_quic_server_are_a_path_candidate() {
        let initial = h(V1_CLIENT_PACKET);
        let short = [0x41; 40];
        let mut r = Run::new(UdpLimits::default());
        r.send(5000, 443, &initial, 0);
        r.send(5001, 443, &short, 1);
        r.send(5002, 444, &short, 1);
        assert_eq!(
            r.seen[1],
            Seen::Datagram(1, Direction::Forward, short.len())
        );
        assert_eq!(r.seen.len(), 2);
        assert_eq!(r.table.stats.quic_path_candidates, 1);
        assert_eq!(r.table.stats.quic_flows, 1);
        r.finish();
        assert!(r.table.quic_endpoints.is_empty(), "counted while open only");
    }

    /// Short headers from a QUIC client's socket to an address not seen yet may be the
    /// move to the server's preferred address (RFC 9000 §9.6): passed on too; the same
    /// from an unknown socket to an unknown address are not.
    #[test]
    fn a_move_to_the_preferred_address_is_a_candidate() {
        let initial = h(V1_CLIENT_PACKET);
        let short = [0x41; 40];
        let mut r = Run::new(UdpLimits::default());
        r.send(5000, 443, &initial, 0);
        r.send(5000, 4866, &short, 1);
        r.send(6000, 7000, &short, 1);
        assert_eq!(r.table.stats.quic_path_candidates, 1);
        assert_eq!(r.seen.len(), 2, "{:?}", r.seen);
        r.finish();
        assert!(r.table.quic_endpoints.is_empty());
    }

    #[test]
    fn other_flows_are_counted_not_listed() {
        let mut r = Run::new(UdpLimits::default());
        for i in 0..20 {
            r.send(5353, 53, &[i; 30], 0);
        }
        r.send(7000, 7001, b"x", 0);
        r.finish();
        assert!(r.seen.is_empty());
        assert_eq!(r.table.stats.flows, 2);
        assert_eq!(r.table.stats.other_flows, 2);
        assert_eq!(r.next, 0, "no id spent on them");
    }

    #[test]
    fn idle_flows_end_and_come_back_as_new_ones() {
        let initial = h(V1_CLIENT_PACKET);
        let mut r = Run::new(UdpLimits::default());
        r.send(5000, 443, &initial, 0);
        r.send(5000, 443, &initial, 61);
        // Another flow, much later: the sweep ends the second one.
        r.send(6000, 443, b"dns?", 200);
        assert_eq!(
            r.seen,
            [
                Seen::Datagram(0, Direction::Forward, initial.len()),
                Seen::Closed(0, false, false),
                Seen::Datagram(1, Direction::Forward, initial.len()),
                Seen::Closed(1, false, false),
            ]
        );
        assert_eq!(r.table.stats.idled_out, 2);
        assert_eq!(r.table.open_flows(), 1);
    }

    #[test]
    fn the_flow_cap_closes_the_least_recently_active() {
        let initial = h(V1_CLIENT_PACKET);
        let mut r = Run::new(UdpLimits {
            max_open: 4,
            ..Default::default()
        });
        for port in 0..6 {
            r.send(5000 + port, 443, &initial, i64::from(port));
        }
        assert!(r.table.open_flows() <= 4);
        assert_eq!(r.table.stats.evicted, 2);
        assert!(r.seen.contains(&Seen::Closed(0, true, true)));
        assert!(r.seen.contains(&Seen::Closed(1, true, true)));
    }

    #[test]
    fn close_ids_ends_those_flows() {
        let initial = h(V1_CLIENT_PACKET);
        let mut r = Run::new(UdpLimits::default());
        r.send(5000, 443, &initial, 0);
        r.send(5001, 443, &initial, 0);
        let seen = &mut r.seen;
        r.table.close_ids(&[1], &mut |ev| seen.push(record(ev)));
        assert_eq!(r.seen.last(), Some(&Seen::Closed(1, true, true)));
        assert_eq!(r.table.open_flows(), 1);
    }
}
