//! Drives the pipeline over capture files, on two threads and a pool:
//!
//! ```text
//!  transport stage (thread): capture → link layer → IP → TCP reassembly ─ batches ─┐
//!     (closes the connections the session stage ended early) ◄── evictions ──┐    │
//!  session stage (caller's thread): per connection StreamFeed → Session ─────┴◄───┘
//!       → events → ReportBuilder → ConnectionReport → `emit` (the views)
//!  pre-master pool (threads): RSA decryptions the transport stage saw coming
//! ```
//! The stages only pass owned batches through a bounded channel, so memory stays flat
//! and the output is the same as a single-threaded run's, event for event. What open
//! connections hold in the session stage is counted against one budget
//! (`--max-memory`); past it the least recently active are ended early in both stages.

pub mod filter;
mod key_notes;
mod paths;
mod progress;
pub mod select;
mod transport;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::Arc;

use crate::capture::{CaptureReader, LinkType, Source};
use crate::crypto::keys::PreMasterPrefetch;
use crate::crypto::secrets::Secrets;
use crate::flow::Direction;
use crate::net::Endpoint;
use crate::report::model::{CaptureReport, ConnectionReport, KeyReport, LinkTypeReport, Report};
use crate::session::{AppDecoder, Feed, Input, MemoryBudget, Retention, Session, SessionSettings};
use crate::tcp::{Chunk, FlowLimits};

pub use crate::capture::CaptureError;

use self::paths::{Alias, Ended, QuicPaths};
use self::progress::Progress;
use self::transport::{Batch, DataUnit, Event, Evictions, Transport, TransportReport};

/// Settings of one analysis run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Bytes each TCP direction may hold out of order before the hole is declared lost.
    pub out_of_order_cap: usize,
    /// Out-of-order bytes all connections together may hold.
    pub buffered_cap: usize,
    /// TCP connections tracked at once; UDP flows too, in their own table.
    pub max_connections: usize,
    /// Which connections keep their record-layer messages (`inspect`).
    pub messages: Messages,
    /// Messages kept per connection; the rest are counted.
    pub max_messages: usize,
    /// Bytes that connections not yet written may hold together: their TLS state
    /// (hellos, transcripts, keys, record and handshake buffers, and the TCP table's
    /// share) and their report detail (messages, alerts, warnings, certificates,
    /// measured as their JSON). Past three quarters of it detail is counted instead of
    /// kept; past all of it the least recently active connections are ended early.
    pub memory_budget: usize,
    /// Threads for RSA decryption ahead of need (0: none, all inline).
    pub rsa_threads: usize,
    /// Show a progress bar on stderr for long runs.
    pub progress: bool,
    /// Put each connection's secrets in its report.
    pub show_secrets: bool,
    /// Decode HTTP inside decrypted connections (the report's `app`).
    pub decode_app: bool,
    /// Set by the caller when the output is no longer wanted (a closed pipe): the run
    /// ends as soon as it can, without analysing the rest.
    pub stop: Arc<AtomicBool>,
    /// Capture live from this interface instead of reading the files (`-i`).
    pub live: Option<LiveInput>,
    /// Set on Ctrl-C (SIGINT, SIGTERM): reading stops at the next packet, and the
    /// connections still open end as at the end of the capture, reported as usual.
    pub interrupt: Arc<AtomicBool>,
    /// `--shard i/N`: only the flows of this shard are followed.
    pub shard: Option<crate::flow::shard::Shard>,
    /// Validates each server chain at capture time (`None`: no validation).
    pub validator: Option<Arc<crate::pki::Validator>>,
}

/// A live capture: the interface, and a capture filter in libpcap's syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveInput {
    pub interface: String,
    pub filter: Option<String>,
    /// Say on stderr when the capture has started (not with `--quiet`).
    pub announce: bool,
}

/// Which connections keep their record-layer messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Messages {
    None,
    All,
    Only(u64),
}

impl Default for Options {
    fn default() -> Self {
        let limits = FlowLimits::default();
        let retention = Retention::default();
        Options {
            out_of_order_cap: limits.out_of_order_cap,
            buffered_cap: limits.buffered_cap,
            max_connections: limits.max_open,
            messages: Messages::All,
            max_messages: retention.max_messages,
            memory_budget: DEFAULT_MEMORY_BUDGET,
            rsa_threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            progress: false,
            show_secrets: false,
            decode_app: true,
            stop: Arc::new(AtomicBool::new(false)),
            interrupt: Arc::new(AtomicBool::new(false)),
            shard: None,
            validator: None,
            live: None,
        }
    }
}

/// What connections not yet written may hold by default: some 35,000 open connections
/// that have sent a ClientHello, fewer mid-handshake, thousands of inspect tables.
pub const DEFAULT_MEMORY_BUDGET: usize = 40 << 20;

/// What an open TCP connection takes in the transport stage's table (measured), counted
/// in the session stage's budget with its session.
const TCP_CONNECTION_BYTES: usize = 400;

/// The result of a run: the report (its `connections` are empty: they went to `emit`;
/// the key log lines it recovered went to [`Secrets::set_keylog_sink`]).
pub struct Analysis {
    pub report: Report,
}

/// The decrypted application data of some connections, for `follow` and `export`: `decoder` makes
/// the decoder of each connection in `conns` when it opens.
pub struct Tap {
    pub conns: select::ConnSet,
    pub decoder: Box<dyn FnMut(u64) -> Box<dyn AppDecoder>>,
}

/// Batches in flight between the stages (each up to a few hundred KB).
const CHANNEL_BATCHES: usize = 4;

/// Finished connections held back so that the output is in id order; past this many,
/// the oldest go out ahead of a connection that stays open (memory stays bounded).
const REORDER_WINDOW: usize = 1024;

/// Analyses the captures in order (or the live capture `options.live`), as one run: connection ids continue across files,
/// and sessions of one file may resume in another. An unreadable file stops the run
/// before anything is read. Each connection's report goes to `emit` as soon as it is
/// final (in id order, unless more than [`REORDER_WINDOW`] finished connections, or
/// half the detail budget, wait behind one that is still open) and none is kept:
/// memory does not grow with the number of connections. The returned report has an
/// empty `connections`.
pub fn analyze_streaming(
    paths: &[PathBuf],
    options: &Options,
    mut secrets: Secrets,
    tap: Option<Tap>,
    emit: &mut dyn FnMut(ConnectionReport),
) -> Result<Analysis, CaptureError> {
    let readers = match &options.live {
        Some(live) => {
            let source = Source::live(&live.interface, live.filter.as_deref())?;
            if live.announce {
                // As tshark says it: from here on packets are seen.
                eprintln!(
                    "tlsscope: capturing on {}{}; Ctrl-C ends the capture",
                    crate::report::text::terminal_safe(&live.interface),
                    live.filter
                        .as_deref()
                        .map(|f| format!(" ({})", crate::report::text::terminal_safe(f)))
                        .unwrap_or_default()
                );
            }
            vec![(live.interface.clone(), source)]
        }
        None => paths
            .iter()
            .map(|p| {
                Ok((
                    p.display().to_string(),
                    Source::File(CaptureReader::open(p)?),
                ))
            })
            .collect::<Result<Vec<_>, CaptureError>>()?,
    };
    // Prefetching decrypts a ClientKeyExchange with its server certificate's key only,
    // the one operation the session stage would do: worth it for any number of keys.
    let prefetch = (options.rsa_threads > 0 && secrets.has_keys()).then(|| {
        Arc::new(PreMasterPrefetch::new(
            secrets.keys.clone(),
            options.rsa_threads,
        ))
    });
    secrets.prefetch = prefetch.clone();
    secrets.validator = options.validator.clone();
    let evictions = Arc::new(Evictions::default());
    let transport = Transport {
        limits: FlowLimits {
            out_of_order_cap: options.out_of_order_cap,
            buffered_cap: options.buffered_cap,
            max_open: options.max_connections,
        },
        prefetch,
        progress: Progress::new(options.progress),
        stop: options.stop.clone(),
        interrupt: options.interrupt.clone(),
        evictions: evictions.clone(),
        shard: options.shard,
    };
    let (tx, rx) = sync_channel::<Batch>(CHANNEL_BATCHES);

    let file_names = readers.iter().map(|(n, _)| Arc::from(n.as_str())).collect();
    let reader = std::thread::spawn(move || transport.run(readers, tx));
    let mut run = Run::new(options, secrets, tap, emit, evictions, file_names);
    for batch in rx {
        if !options.stop.load(Ordering::Relaxed) {
            run.batch(&batch);
        }
    }
    let report = match reader.join() {
        Ok(r) => r,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    Ok(run.finish(report))
}

/// The session stage.
struct Run<'o, 'e> {
    options: &'o Options,
    sessions: HashMap<u64, Open>,
    secrets: Secrets,
    settings: SessionSettings,
    tap: Option<Tap>,
    emit: &'e mut dyn FnMut(ConnectionReport),
    /// Finished connections (None: not TLS) waiting for the lower ids to finish.
    finished: BTreeMap<u64, Option<ConnectionReport>>,
    /// Detail bytes the waiting reports hold.
    waiting_bytes: usize,
    next_out: u64,
    tls_connections: u64,
    /// The connections the keys given did not open, for the capture's warnings.
    key_notes: key_notes::KeyNotes,
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

impl<'o, 'e> Run<'o, 'e> {
    fn new(
        options: &'o Options,
        secrets: Secrets,
        tap: Option<Tap>,
        emit: &'e mut dyn FnMut(ConnectionReport),
        evict_requests: Arc<Evictions>,
        file_names: Vec<Arc<str>>,
    ) -> Self {
        let secrets_prefetch = secrets.prefetch.is_some();
        let settings = SessionSettings {
            retention: Retention {
                messages: options.messages == Messages::All,
                max_messages: options.max_messages,
            },
            budget: MemoryBudget::new(options.memory_budget),
            show_secrets: options.show_secrets,
            decode_app: options.decode_app,
            decrypt: secrets.may_decrypt(),
        };
        Run {
            options,
            sessions: HashMap::new(),
            secrets,
            settings,
            tap,
            emit,
            finished: BTreeMap::new(),
            waiting_bytes: 0,
            next_out: 0,
            tls_connections: 0,
            key_notes: Default::default(),
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

    /// A connection ended: its report goes out once every lower id has (or when too
    /// many, or too much, wait).
    fn finished(&mut self, id: u64, mut report: Option<ConnectionReport>) {
        if let Some(r) = &mut report {
            r.frames.file = self.file;
            if self.file_names.len() > 1 {
                r.frames.file_name = self.file_names.get(self.file).cloned();
            }
        }
        self.tls_connections += u64::from(report.is_some());
        self.waiting_bytes += report.as_ref().map_or(0, |r| r.charge.bytes());
        self.finished.insert(id, report);
        let crowded = |run: &Self| {
            run.finished.len() > REORDER_WINDOW || run.waiting_bytes > run.settings.budget.cap() / 2
        };
        loop {
            let ready = match self.finished.first_key_value() {
                Some((&first, _)) => first <= self.next_out || crowded(self),
                None => false,
            };
            if !ready {
                break;
            }
            let Some((id, report)) = self.finished.pop_first() else {
                break;
            };
            self.next_out = self.next_out.max(id + 1);
            if let Some(r) = report {
                self.waiting_bytes -= r.charge.bytes();
                self.key_notes.note(&r);
                (self.emit)(r);
            }
        }
    }

    fn batch(&mut self, batch: &Batch) {
        for ev in &batch.events {
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
                    let report = self.sessions.remove(&id).and_then(|o| {
                        budget.release(o.held);
                        let Connection { feed, session } = *o.c;
                        paths.forget(id, feed.connection_ids());
                        feed.finish(session, summary, secrets)
                    });
                    self.finished(id, report);
                }
                Event::KeyLog { range, source } => {
                    self.secrets.keylog.add(batch.bytes(range), source);
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
        open.held = held;
        while budget.over() && !self.sessions.is_empty() {
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
                self.evictions += 1;
                self.evicted.insert(id);
                let Connection { feed, session } = *o.c;
                self.quic_paths.forget(id, feed.connection_ids());
                let report = feed.evict(session, &why);
                self.finished(id, report);
            }
        }
    }

    fn finish(mut self, t: TransportReport) -> Analysis {
        while let Some((_, report)) = self.finished.pop_first() {
            if let Some(r) = report {
                self.waiting_bytes -= r.charge.bytes();
                self.key_notes.note(&r);
                (self.emit)(r);
            }
        }
        let mut c = CaptureReport {
            files: t.files,
            warnings: t.warnings,
            skipped_packets: t.skipped_packets,
            interrupted: t.interrupted,
            ..Default::default()
        };
        if let Some(first) = c.files.first() {
            c.file = first.file.clone();
            c.format = first.format;
        }
        c.packets = c.files.iter().map(|f| f.packets).sum();
        c.bytes = c.files.iter().map(|f| f.bytes).sum();
        c.truncated = c.files.iter().any(|f| f.truncated);
        for (&id, &(packets, supported)) in &t.link_types {
            let lt = LinkType(id);
            if !supported {
                c.warnings.push(format!(
                    "unsupported link type {} ({id}): {packets} packets skipped",
                    lt.name()
                ));
            }
            c.link_types.push(LinkTypeReport {
                id,
                name: lt.name(),
                packets,
                supported,
            });
        }
        c.network = t.network;
        if c.network.snaplen_truncated_segments > 0 {
            c.warnings.push(format!(
                "{} TCP segments were cut short by the snapshot length",
                c.network.snaplen_truncated_segments
            ));
        }
        c.warnings.extend(c.network.defrag_warning());
        c.tcp_connections = t.tcp_connections;
        c.udp_flows = t.udp.flows;
        c.quic_connections = t.udp.quic_flows;
        c.dtls_connections = t.udp.dtls_flows;
        c.quic_paths_joined = self.quic_paths.paths_joined;
        // Short-header flows that joined no connection carried nothing we could read.
        c.udp_flows_other = t.udp.other_flows
            + t.udp
                .quic_path_candidates
                .saturating_sub(self.quic_paths.paths_joined);
        if t.udp.evicted > 0 {
            c.warnings.push(format!(
                "{} UDP flows were closed early: more than {} were open at once (--max-connections)",
                t.udp.evicted, self.options.max_connections
            ));
        }
        if t.flows.evicted > 0 {
            c.warnings.push(format!(
                "{} TCP connections were closed early: more than {} were open at once (--max-connections)",
                t.flows.evicted, self.options.max_connections
            ));
        }
        if t.flows.buffered_cap_hits > 0 {
            c.warnings.push(format!(
                "out-of-order data of all connections passed {} bytes {} times: those holes were declared lost (--max-buffered)",
                self.options.buffered_cap, t.flows.buffered_cap_hits
            ));
        }
        c.tls_connections = self.tls_connections;
        c.warnings.extend(self.secrets.keylog.warnings());
        c.warnings.extend(self.secrets.rsa_warnings());
        c.warnings.extend(self.key_notes.warnings());
        let unused: Vec<String> = self
            .secrets
            .unused_keys()
            .iter()
            .map(|k| k.source.clone())
            .collect();
        for k in &self.secrets.keys {
            c.keys.push(KeyReport {
                source: k.source.clone(),
                bits: k.bits,
                used: !unused.contains(&k.source),
            });
        }
        for u in unused {
            c.warnings.push(format!(
                "key {u} matches no server certificate in the capture"
            ));
        }
        if self.evictions > 0 {
            c.warnings.push(format!(
                "{} connections were ended early: connections not yet written held more than {} bytes (--max-memory)",
                self.evictions, self.options.memory_budget
            ));
        }
        let refused = self.settings.budget.refused();
        if refused > 0 {
            c.warnings.push(format!(
                "{refused} messages, alerts, warnings or certificate chains were counted, not kept: connections not yet written held their share of {} bytes (--max-memory)",
                self.settings.budget.cap()
            ));
        }
        Analysis {
            report: Report {
                capture: c,
                connections: Vec::new(),
            },
        }
    }
}
