//! A connection's adapter, by transport: what cuts its transport's input into what the
//! [`Session`] takes, and what adds the transport's own part to the report.
//!
//! ```text
//!  Input::Chunk (TCP bytes, gaps) ─► StreamFeed ─► records ──────────┐
//!  Input::Quic (UDP payload)      ─► QuicFeed ─► CRYPTO by level ────┤
//!  Input::Dtls (UDP payload)      ─► DtlsFeed ─► records, messages ──┴─► Session
//! ```
//! The analysis only ever holds a `Feed`: a new transport is a new variant here, not a
//! branch in the shared paths.

use super::dtls::DtlsFeed;
use super::quic::QuicFeed;
use super::stream::StreamFeed;
use super::Session;
use crate::crypto::secrets::Secrets;
use crate::flow::{Chunk, Direction, FlowSummary, Transport};
use crate::net::Endpoint;
use crate::report::model::ConnectionReport;

/// What a transport hands on for one direction.
#[derive(Debug)]
pub enum Input<'a> {
    /// Stream bytes or a gap, in order (TCP).
    Chunk(Chunk<'a>),
    /// One QUIC datagram (a UDP payload).
    Quic(&'a [u8]),
    /// One DTLS datagram (a UDP payload).
    Dtls(&'a [u8]),
}

/// The adapter of one connection.
#[derive(Debug)]
pub enum Feed {
    Stream(StreamFeed),
    /// Boxed: its per-level state is larger than a stream's, and few connections have it.
    Quic(Box<QuicFeed>),
    /// Boxed: two handshake assemblers, and few connections have them.
    Dtls(Box<DtlsFeed>),
}

impl Feed {
    /// The adapter for a connection whose first input is `input`.
    pub fn for_input(input: &Input<'_>) -> Feed {
        match input {
            Input::Chunk(_) => Feed::Stream(StreamFeed::default()),
            Input::Quic(_) => Feed::Quic(Box::default()),
            Input::Dtls(_) => Feed::Dtls(Box::default()),
        }
    }

    pub fn transport(&self) -> Transport {
        match self {
            Feed::Stream(_) => Transport::Tcp,
            Feed::Quic(_) => Transport::Quic,
            Feed::Dtls(_) => Transport::Dtls,
        }
    }

    /// Feeds one input of one direction to `session`. An input of another transport
    /// than the connection's (an id reused across transports, which the tables never do)
    /// is ignored.
    pub fn feed(
        &mut self,
        session: &mut Session,
        dir: Direction,
        input: Input<'_>,
        ts: i64,
        secrets: &mut Secrets,
    ) {
        match (self, input) {
            (Feed::Stream(f), Input::Chunk(c)) => f.feed(session, dir, c, ts, secrets),
            (Feed::Quic(f), Input::Quic(d)) => f.feed(session, dir, d, ts, secrets),
            (Feed::Dtls(f), Input::Dtls(d)) => f.feed(session, dir, d, ts, secrets),
            _ => {}
        }
    }

    /// Bytes the adapter holds (for the memory budget).
    pub fn held_bytes(&self) -> usize {
        match self {
            Feed::Stream(f) => f.held_bytes(),
            Feed::Quic(f) => f.held_bytes(),
            Feed::Dtls(f) => f.held_bytes(),
        }
    }

    /// QUIC: the connection IDs learned since the last call, with the direction of the
    /// side that issued each (for the run's index that joins migrated paths).
    pub fn take_fresh_cids(&mut self) -> Vec<(Vec<u8>, Direction)> {
        match self {
            Feed::Quic(f) => f.take_fresh_cids(),
            Feed::Stream(_) | Feed::Dtls(_) => Vec::new(),
        }
    }

    /// QUIC: every connection ID kept (to take out of the run's index at the end).
    pub fn connection_ids(&self) -> Vec<Vec<u8>> {
        match self {
            Feed::Quic(f) => f.connection_ids(),
            Feed::Stream(_) | Feed::Dtls(_) => Vec::new(),
        }
    }

    /// QUIC: a migrated path's datagrams come to this connection from now on.
    pub fn note_path(&mut self, client: Endpoint, server: Endpoint) {
        if let Feed::Quic(f) = self {
            f.note_path(client, server);
        }
    }

    /// Bytes fed per direction.
    pub fn fed(&self, dir: Direction) -> u64 {
        match self {
            Feed::Stream(f) => f.fed(dir),
            Feed::Quic(f) => f.fed(dir),
            Feed::Dtls(f) => f.fed(dir),
        }
    }

    /// The connection ended (`flow`): the session's report with the transport's part.
    pub fn finish(
        self,
        mut session: Session,
        flow: &FlowSummary,
        secrets: &mut Secrets,
    ) -> Option<ConnectionReport> {
        match self {
            Feed::Stream(_) => session.finish(flow),
            Feed::Quic(mut f) => {
                f.finish(&mut session, secrets);
                let client = session.client_direction(flow);
                let mut report = session.finish(flow)?;
                let mut q = f.report(client);
                q.evicted = flow.evicted;
                q.idle_closed = !flow.open_at_end && !flow.evicted;
                report.quic = Some(q);
                f.amend(&mut report);
                Some(report)
            }
            Feed::Dtls(mut f) => {
                f.finish();
                let client = session.client_direction(flow);
                let mut report = session.finish(flow)?;
                let mut d = f.report(client);
                d.evicted = flow.evicted;
                d.idle_closed = !flow.open_at_end && !flow.evicted;
                report.dtls = Some(d);
                Some(report)
            }
        }
    }

    /// The run's memory ran out: the report of what was seen so far.
    pub fn evict(self, session: Session, why: &str) -> Option<ConnectionReport> {
        let fed = [self.fed(Direction::Forward), self.fed(Direction::Reverse)];
        match self {
            Feed::Stream(_) => session.evict(why, fed),
            Feed::Quic(f) => {
                let client = f.client().unwrap_or(Direction::Forward);
                let mut report = session.evict(why, fed)?;
                let mut q = f.report(client);
                q.evicted = true;
                report.quic = Some(q);
                f.amend(&mut report);
                Some(report)
            }
            Feed::Dtls(f) => {
                let client = f.client().unwrap_or(Direction::Forward);
                let mut report = session.evict(why, fed)?;
                let mut d = f.report(client);
                d.evicted = true;
                report.dtls = Some(d);
                Some(report)
            }
        }
    }
}
