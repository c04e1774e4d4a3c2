//! QUIC connections across network paths (RFC 9000 §9): a client that moves to a new
//! address or port keeps its connection, whose packets on the new path carry one of
//! the connection IDs the peer issued. The transport stage hands such a flow on as a
//! flow of its own (it cannot read the IDs issued in encrypted NEW_CONNECTION_ID
//! frames); here its first datagram's Destination Connection ID finds the connection,
//! and the flow's datagrams go to it from then on.
//!
//! ```text
//!  QuicFeed ─ fresh CIDs (issuer) ─► index: CID → (connection, issuer's direction)
//!  new flow, short header ─ DCID ─► index ─► alias: flow → (connection, directions swapped?)
//!  a connection ends once its own flow and every joined path have ended
//! ```
//! Each entry is charged to its connection's memory (the feed counts its IDs), and the
//! per-connection caps on IDs bound the index.

use std::collections::HashMap;

use crate::flow::{Direction, FlowSummary};

/// The longest connection ID (RFC 9000 §17.2).
const MAX_CID_LEN: usize = 20;

/// A flow joined to another connection.
#[derive(Debug, Clone, Copy)]
pub struct Alias {
    pub connection: u64,
    /// The flow's directions are the connection's the other way round.
    pub swapped: bool,
}

impl Alias {
    /// A direction of the joined flow, in the connection's terms.
    pub fn direction(&self, d: Direction) -> Direction {
        if self.swapped {
            d.other()
        } else {
            d
        }
    }
}

/// A connection with joined paths.
#[derive(Debug, Default)]
struct Joined {
    open_paths: u32,
    /// Its own flow's end, when that came before the last path's.
    own_end: Option<Box<FlowSummary>>,
    /// The latest activity of the paths that ended, and their last frame.
    last_seen_ns: i64,
    last_frame: u64,
}

/// What the run knows of QUIC connection IDs and paths.
#[derive(Debug, Default)]
pub struct QuicPaths {
    index: HashMap<Vec<u8>, (u64, Direction)>,
    /// IDs of each length in the index: a short header does not say how long its DCID is.
    lengths: [u32; MAX_CID_LEN + 1],
    aliases: HashMap<u64, Alias>,
    joined: HashMap<u64, Joined>,
    /// Flows joined to a connection so far.
    pub paths_joined: u64,
}

impl QuicPaths {
    /// Connection IDs `connection` issued (by the side in the direction given).
    pub fn learn(&mut self, connection: u64, cids: Vec<(Vec<u8>, Direction)>) {
        for (cid, issuer) in cids {
            if cid.is_empty() || cid.len() > MAX_CID_LEN {
                continue;
            }
            let len = cid.len();
            if self.index.insert(cid, (connection, issuer)).is_none() {
                self.lengths[len] += 1;
            }
        }
    }

    /// `connection` ended: its IDs lead nowhere now.
    pub fn forget(&mut self, connection: u64, cids: Vec<Vec<u8>>) {
        for cid in cids {
            if self.index.get(&cid).is_some_and(|(c, _)| *c == connection) {
                self.index.remove(&cid);
                self.lengths[cid.len()] -= 1;
            }
        }
    }

    /// The connection a short-header datagram's DCID belongs to, and the direction the
    /// datagram travels in that connection's terms (towards the ID's issuer).
    pub fn lookup(&self, datagram: &[u8]) -> Option<(u64, Direction)> {
        if datagram.first()? & 0xc0 != 0x40 {
            return None;
        }
        (1..=MAX_CID_LEN)
            .filter(|&len| self.lengths[len] > 0)
            .find_map(|len| self.index.get(datagram.get(1..1 + len)?))
            .map(|&(connection, issuer)| (connection, issuer.other()))
    }

    pub fn alias(&self, flow: u64) -> Option<Alias> {
        self.aliases.get(&flow).copied()
    }

    /// From now on `flow`'s datagrams go to `alias.connection`.
    pub fn join(&mut self, flow: u64, alias: Alias) {
        self.aliases.insert(flow, alias);
        self.joined.entry(alias.connection).or_default().open_paths += 1;
        self.paths_joined += 1;
    }

    /// A flow ended. `Ended::Path`: it was a joined path (of this connection, which may
    /// now end with the summary given); `Ended::Wait`: the connection's own flow, with
    /// paths still open; `Ended::Own`: an ordinary end.
    pub fn ended(&mut self, summary: &FlowSummary) -> Ended {
        if let Some(alias) = self.aliases.remove(&summary.id) {
            let Some(j) = self.joined.get_mut(&alias.connection) else {
                return Ended::Path(alias.connection, None);
            };
            j.open_paths = j.open_paths.saturating_sub(1);
            j.last_seen_ns = j.last_seen_ns.max(summary.last_seen_ns);
            j.last_frame = j.last_frame.max(summary.last_frame);
            if j.open_paths > 0 || j.own_end.is_none() {
                return Ended::Path(alias.connection, None);
            }
            let j = self
                .joined
                .remove(&alias.connection)
                .expect("looked up above");
            let mut own = *j.own_end.expect("checked above");
            own.last_seen_ns = own.last_seen_ns.max(j.last_seen_ns);
            own.last_frame = own.last_frame.max(j.last_frame);
            // Still active at the capture's end if the last path was.
            own.open_at_end |= summary.open_at_end;
            return Ended::Path(alias.connection, Some(Box::new(own)));
        }
        match self.joined.get_mut(&summary.id) {
            Some(j) if j.open_paths > 0 => {
                j.own_end = Some(Box::new(summary.clone()));
                Ended::Wait
            }
            Some(_) => {
                let j = self.joined.remove(&summary.id).expect("looked up above");
                let mut own = summary.clone();
                own.last_seen_ns = own.last_seen_ns.max(j.last_seen_ns);
                own.last_frame = own.last_frame.max(j.last_frame);
                Ended::Own(Some(Box::new(own)))
            }
            None => Ended::Own(None),
        }
    }
}

/// What a flow's end means for the connections (see [`QuicPaths::ended`]).
#[derive(Debug)]
pub enum Ended {
    /// A joined path of this connection ended; with a summary, the connection ends too.
    Path(u64, Option<Box<FlowSummary>>),
    /// The connection's own flow ended while paths are open: it ends with the last.
    Wait,
    /// The connection ends (with this summary, when paths changed it).
    Own(Option<Box<FlowSummary>>),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short(dcid: &[u8]) -> Vec<u8> {
        let mut d = vec![0x41];
        d.extend_from_slice(dcid);
        d.extend_from_slice(&[0; 24]);
        d
    }

    #[test]
    fn a_new_path_finds_its_connection_by_dcid() {
        let mut p = QuicPaths::default();
        // Connection 3's server (Reverse) issued these.
        p.learn(
            3,
            vec![
                (vec![1; 8], Direction::Reverse),
                (vec![2; 4], Direction::Reverse),
            ],
        );
        assert_eq!(p.lookup(&short(&[1; 8])), Some((3, Direction::Forward)));
        assert_eq!(
            p.lookup(&short(&[2, 2, 2, 2, 9])),
            Some((3, Direction::Forward))
        );
        assert_eq!(p.lookup(&short(&[7; 8])), None);
        // A long header is not a short one.
        assert_eq!(p.lookup(&[0xc0, 1, 1, 1, 1, 1, 1, 1, 1]), None);
        p.forget(3, vec![vec![1; 8], vec![2; 4]]);
        assert_eq!(p.lookup(&short(&[1; 8])), None);
        assert_eq!(p.lengths.iter().sum::<u32>(), 0);
    }

    fn flow(id: u64, last: i64) -> FlowSummary {
        FlowSummary {
            id,
            endpoints: [crate::net::Endpoint {
                ip: "192.0.2.1".parse().unwrap(),
                port: 1,
            }; 2],
            opener: Some(Direction::Forward),
            first_seen_ns: 0,
            last_seen_ns: last,
            first_frame: 1,
            last_frame: 1,
            stats: Default::default(),
            gaps: [Vec::new(), Vec::new()],
            snaplen_cut: false,
            open_at_end: false,
            evicted: false,
        }
    }

    #[test]
    fn the_connection_ends_with_its_last_path() {
        let mut p = QuicPaths::default();
        p.join(
            9,
            Alias {
                connection: 3,
                swapped: false,
            },
        );
        assert!(matches!(p.ended(&flow(3, 10)), Ended::Wait));
        match p.ended(&flow(9, 50)) {
            Ended::Path(3, Some(s)) => {
                assert_eq!(s.id, 3);
                assert_eq!(s.last_seen_ns, 50);
            }
            other => panic!("{other:?}"),
        }
        // Paths that end first leave the connection to end with its own flow.
        p.join(
            11,
            Alias {
                connection: 4,
                swapped: true,
            },
        );
        assert!(matches!(p.ended(&flow(11, 70)), Ended::Path(4, None)));
        match p.ended(&flow(4, 20)) {
            Ended::Own(Some(s)) => assert_eq!(s.last_seen_ns, 70),
            other => panic!("{other:?}"),
        }
        assert!(matches!(p.ended(&flow(5, 1)), Ended::Own(None)));
    }
}
