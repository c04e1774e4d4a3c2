//! The session stage: each connection's adapter and session, fed the transport stage's
//! events in capture order. One stage runs it all, or each session worker runs one
//! over the connections its [`Route`] gives it.

use crate::flow::FlowMap;
use std::collections::HashSet;
use std::sync::Arc;

use crate::crypto::secrets::Secrets;
use crate::flow::Direction;
use crate::net::Endpoint;
use crate::report::model::ConnectionReport;
use crate::session::{Feed, Input, MemoryBudget, Retention, Session, SessionSettings};
use crate::tcp::Chunk;

use super::paths::{Alias, Ended, QuicPaths};
use super::transport::{Batch, DataUnit, Event, Evictions};
use super::workers::Route;
use super::{Messages, Options, Tap, TCP_CONNECTION_BYTES};

/// The session stage, or one worker of it: the sessions of its connections. Each
/// connection that ends goes to `out` with the position of the event that ended it.
pub(super) struct Stage<'o, O> {
    options: &'o Options,
    sessions: FlowMap<u64, Open>,
    pub secrets: Secrets,
    settings: SessionSettings,
    tap: Option<Tap>,
    pub out: O,
    /// Which events are this worker's, when the stage has several.
    route: Option<Route>,
    /// The position of the event being handled.
    position: u64,
    /// What this stage's open connections hold, of the budget.
    held_total: usize,
    /// With several workers sharing the budget: past it, only a worker holding more
    /// than this ends connections early (the one that holds the memory pays for it).
    fair_share: Option<usize>,
    /// Connections whose session was ended early: their later chunks are ignored.
    evicted: HashSet<u64>,
    evictions: u64,
    /// Where the transport stage learns which connections were ended early.
    evict_requests: Arc<Evictions>,
    /// What an open connection takes in the transport stage (its TCP state, and its
    /// ClientKeyExchange scanner when RSA decryptions are prefetched).
    transport_share: usize,
    /// QUIC connection IDs, and the flows joined to connections by them (migration).
    quic_paths: QuicPaths,
    /// The inputs' names, and the index of the one being read.
    file_names: Vec<Arc<str>>,
    file: usize,
}

/// An open connection: the adapter that cuts its bytes into records, its session, and
/// what it was last counted for.
struct Open {
    /// One box for both: a table slot stays a pointer and a count.
    c: Box<Connection>,
    held: usize,
}

struct Connection {
    feed: Feed,
    session: Session,
}

/// Where a stage's ended connections go.
pub(super) trait Finished {
    /// Connection `id` ended (None: it was not TLS) at event `position`.
    fn finished(&mut self, position: u64, id: u64, report: Option<ConnectionReport>);
}

/// What a stage counted, for the capture report.
#[derive(Default)]
pub(super) struct StageTotals {
    pub evictions: u64,
    pub refused: u64,
    pub quic_paths_joined: u64,
}

impl StageTotals {
    pub fn add(&mut self, other: &StageTotals) {
        self.evictions += other.evictions;
        self.refused += other.refused;
        self.quic_paths_joined += other.quic_paths_joined;
    }
}

impl<'o, O: Finished> Stage<'o, O> {
    /// `budget`: what the open connections may hold (`--max-memory`: this stage's alone,
    /// or shared by all the workers).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        options: &'o Options,
        secrets: Secrets,
        budget: Arc<MemoryBudget>,
        tap: Option<Tap>,
        evict_requests: Arc<Evictions>,
        file_names: Vec<Arc<str>>,
        out: O,
        route: Option<Route>,
    ) -> Self {
        let secrets_prefetch = secrets.prefetch.is_some();
        let fair_share = route.as_ref().map(|r| budget.cap() / r.workers());
        let settings = SessionSettings {
            retention: Retention {
                messages: options.messages == Messages::All,
                max_messages: options.max_messages,
                secrets: options.show_secrets,
            },
            budget,
            decode_app: options.decode_app,
            decrypt: secrets.may_decrypt(),
        };
        Stage {
            options,
            held_total: 0,
            fair_share,
            sessions: FlowMap::default(),
            secrets,
            settings,
            tap,
            out,
            route,
            position: 0,
            evicted: HashSet::new(),
            evictions: 0,
            transport_share: TCP_CONNECTION_BYTES
                + if secrets_prefetch {
                    std::mem::size_of::<crate::tls::scan::KeyExchangeScanner>() + 64
                } else {
                    0
                },
            evict_requests,
            quic_paths: QuicPaths::default(),
            file_names,
            file: 0,
        }
    }

    /// A connection ended: it goes out with the file it was read from.
    fn finished(&mut self, id: u64, mut report: Option<ConnectionReport>) {
        if let Some(r) = &mut report {
            r.frames.file = self.file;
            if self.file_names.len() > 1 {
                r.frames.file_name = self.file_names.get(self.file).cloned();
            }
        }
        self.out.finished(self.position, id, report);
    }

    /// What the stage counted; its handle on the run's secrets.
    pub fn totals(&self) -> StageTotals {
        StageTotals {
            evictions: self.evictions,
            refused: self.settings.budget.refused(),
            quic_paths_joined: self.quic_paths.paths_joined,
        }
    }

    /// Handles the events of `batch` that are this stage's (a worker's: `owners` says
    /// whose each event is); `base` is the position of its first event in the run.
    pub fn batch(&mut self, batch: &Batch, base: u64, owners: Option<&[u16]>) {
        for (i, ev) in batch.events.iter().enumerate() {
            let position = base + i as u64;
            if let (Some(route), Some(owners)) = (&self.route, owners) {
                if !route.owns(owners[i]) {
                    continue;
                }
                route.reached(position);
            }
            self.position = position;
            self.secrets.at_position(position);
            match ev {
                Event::Data {
                    id,
                    endpoints,
                    direction,
                    range,
                    unit,
                    timestamp_ns,
                    frame,
                } => {
                    let bytes = batch.bytes(range);
                    let input = match unit {
                        DataUnit::Stream => Input::Chunk(Chunk::Data(bytes)),
                        DataUnit::QuicDatagram => Input::Quic(bytes),
                        DataUnit::DtlsDatagram => Input::Dtls(bytes),
                    };
                    self.stream(*id, *endpoints, *direction, input, (*timestamp_ns, *frame))
                }
                Event::Gap {
                    id,
                    endpoints,
                    direction,
                    gap,
                    timestamp_ns,
                    frame,
                } => self.stream(
                    *id,
                    *endpoints,
                    *direction,
                    Input::Chunk(Chunk::Gap(*gap)),
                    (*timestamp_ns, *frame),
                ),
                Event::File(file) => self.file = *file,
                Event::Closed(summary) => {
                    // A migrated QUIC connection ends with the last of its paths.
                    let (id, changed) = match self.quic_paths.ended(summary) {
                        Ended::Wait => continue,
                        Ended::Path(connection, end) => {
                            self.finished(summary.id, None);
                            match end {
                                Some(end) => (connection, Some(end)),
                                None => continue,
                            }
                        }
                        Ended::Own(end) => (summary.id, end),
                    };
                    let summary = changed.as_deref().unwrap_or(summary);
                    if self.evicted.remove(&id) {
                        continue; // reported when it was evicted
                    }
                    let budget = &self.settings.budget;
                    let secrets = &mut self.secrets;
                    let paths = &mut self.quic_paths;
                    let held_total = &mut self.held_total;
                    let report = self.sessions.remove(&id).and_then(|o| {
                        budget.release(o.held);
                        *held_total -= o.held;
                        let Connection { feed, session } = *o.c;
                        paths.forget(id, feed.connection_ids());
                        feed.finish(session, summary, secrets)
                    });
                    self.finished(id, report);
                }
                Event::KeyLog { range, source } => {
                    self.secrets.add_keylog(batch.bytes(range), source);
                    // Connections that start from here on can be opened.
                    self.settings.decrypt = true;
                }
            }
        }
    }

    fn stream(
        &mut self,
        id: u64,
        endpoints: [Endpoint; 2],
        direction: Direction,
        input: Input<'_>,
        (ts, frame): (i64, u64),
    ) {
        let (id, direction) = match self.quic_path(id, endpoints, direction, &input) {
            // A path of a connection that was ended early: nothing to add to.
            Some((joined, _)) if !self.sessions.contains_key(&joined) => return,
            Some(joined) => joined,
            None => (id, direction),
        };
        if !self.evicted.is_empty() && self.evicted.contains(&id) {
            return;
        }
        let open = match self.sessions.entry(id) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let mut settings = self.settings.clone();
                if self.options.messages == Messages::Only(id) {
                    settings.retention.messages = true;
                }
                let feed = Feed::for_input(&input);
                let mut session =
                    Session::new(id, endpoints, &settings).with_transport(feed.transport());
                if let Some(f) = self.tap.as_mut().filter(|f| f.conns.contains(id)) {
                    session = session.with_app_decoder((f.decoder)(id));
                }
                v.insert(Open {
                    c: Box::new(Connection { feed, session }),
                    held: 0,
                })
            }
        };
        self.secrets.set_endpoints(endpoints);
        let c = &mut *open.c;
        c.session.at_frame(frame);
        c.feed
            .feed(&mut c.session, direction, input, ts, &mut self.secrets);
        let fresh = c.feed.take_fresh_cids();
        if !fresh.is_empty() {
            self.quic_paths.learn(id, fresh);
        }
        // The TCP table's share of an open connection is counted here too.
        let held = c.session.held_bytes() + c.feed.held_bytes() + self.transport_share;
        if held == open.held {
            return; // nothing changed: most chunks of most connections
        }
        let budget = self.settings.budget.clone();
        if held > open.held {
            budget.add(held - open.held);
        } else {
            budget.release(open.held - held);
        }
        self.held_total = self.held_total + held - open.held;
        open.held = held;
        while budget.over()
            && !self.sessions.is_empty()
            && self.fair_share.is_none_or(|f| self.held_total > f)
        {
            self.evict();
        }
    }

    /// A QUIC datagram of a flow joined to another connection (a migrated path), or of
    /// a new flow whose first short header names an open connection's ID: the
    /// connection and the direction it goes in there.
    fn quic_path(
        &mut self,
        id: u64,
        endpoints: [Endpoint; 2],
        direction: Direction,
        input: &Input<'_>,
    ) -> Option<(u64, Direction)> {
        let Input::Quic(datagram) = input else {
            return None;
        };
        if let Some(alias) = self.quic_paths.alias(id) {
            return Some((alias.connection, alias.direction(direction)));
        }
        if self.sessions.contains_key(&id) {
            return None;
        }
        let (connection, there) = self.quic_paths.lookup(datagram)?;
        let open = self.sessions.get_mut(&connection)?;
        let alias = Alias {
            connection,
            swapped: there != direction,
        };
        self.quic_paths.join(id, alias);
        // Which endpoint of the new path is the client's.
        let client = open.c.session.client_direction_so_far();
        let sender = endpoints[direction.index()];
        let receiver = endpoints[direction.other().index()];
        let (c, s) = if Some(there) == client {
            (sender, receiver)
        } else {
            (receiver, sender)
        };
        open.c.feed.note_path(c, s);
        Some((connection, there))
    }

    /// The open connections' TLS state passed its budget: ends the least recently
    /// active sixteenth of them (at least one) early, with the report of what they
    /// showed so far.
    fn evict(&mut self) {
        let mut by_age: Vec<(i64, u64)> = self
            .sessions
            .iter()
            .map(|(&id, o)| (o.c.session.last_active_ns(), id))
            .collect();
        by_age.sort_unstable();
        let n = (by_age.len() / 16).max(1);
        let why = format!(
            "connections not yet written held more than {} bytes (--max-memory)",
            self.options.memory_budget
        );
        let ids: Vec<u64> = by_age.into_iter().take(n).map(|(_, id)| id).collect();
        self.evict_requests.request(&ids);
        for id in ids {
            if let Some(o) = self.sessions.remove(&id) {
                self.settings.budget.release(o.held);
                self.held_total -= o.held;
                self.evictions += 1;
                self.evicted.insert(id);
                let Connection { feed, session } = *o.c;
                self.quic_paths.forget(id, feed.connection_ids());
                let report = feed.evict(session, &why);
                self.finished(id, report);
            }
        }
    }
}
