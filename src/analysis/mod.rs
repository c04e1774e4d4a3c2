//! Drives the pipeline over capture files, on two threads and a pool:
//!
//! ```text
//!  transport stage (thread): capture → link layer → IP → TCP reassembly ─ batches ─┐
//!  session stage (caller's thread): per-connection [`Session`] → report   ◄────────┘
//!  pre-master pool (threads): RSA decryptions the transport stage saw coming
//! ```
//! The stages only pass owned batches through a bounded channel, so memory stays flat
//! and the output is the same as a single-threaded run's, event for event.

mod progress;
mod transport;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;
use std::sync::Arc;

use crate::capture::{CaptureReader, LinkType};
use crate::crypto::keys::PreMasterPrefetch;
use crate::crypto::secrets::Secrets;
use crate::net::Endpoint;
use crate::report::model::{CaptureReport, ConnectionReport, KeyReport, LinkTypeReport, Report};
use crate::session::Session;
use crate::tcp::{Direction, FlowLimits, StreamChunk};

pub use crate::capture::CaptureError;

use self::progress::Progress;
use self::transport::{Batch, Event, Transport, TransportReport};

/// Settings of one analysis run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Bytes each TCP direction may hold out of order before the hole is declared lost.
    pub out_of_order_cap: usize,
    /// Out-of-order bytes all connections together may hold.
    pub buffered_cap: usize,
    /// TCP connections tracked at once.
    pub max_connections: usize,
    /// Keep the decrypted application data of this connection (for `follow`).
    pub follow: Option<u64>,
    /// Threads for RSA decryption ahead of need (0: none, all inline).
    pub rsa_threads: usize,
    /// Show a progress bar on stderr for long runs.
    pub progress: bool,
    /// Put each connection's secrets in its report.
    pub show_secrets: bool,
}

impl Default for Options {
    fn default() -> Self {
        let limits = FlowLimits::default();
        Options {
            out_of_order_cap: limits.out_of_order_cap,
            buffered_cap: limits.buffered_cap,
            max_connections: limits.max_open,
            follow: None,
            rsa_threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            progress: false,
            show_secrets: false,
        }
    }
}

/// The result of a run: the report, and the secrets it recovered.
pub struct Analysis {
    pub report: Report,
    /// Key log lines of every handshake whose secrets became known.
    pub keylog_lines: Vec<String>,
}

/// Batches in flight between the stages (each up to a few hundred KB).
const CHANNEL_BATCHES: usize = 8;

/// Finished connections held back so that the output is in id order; past this many,
/// the oldest go out ahead of a connection that stays open (memory stays bounded).
const REORDER_WINDOW: usize = 1024;

/// Analyses the captures in order, as one run: connection ids continue across files,
/// and sessions of one file may resume in another. An unreadable file stops the run
/// before anything is read. The report holds every connection, in id order.
pub fn analyze(
    paths: &[PathBuf],
    options: &Options,
    secrets: Secrets,
) -> Result<Analysis, CaptureError> {
    let mut connections = Vec::new();
    let mut analysis = analyze_streaming(paths, options, secrets, &mut |c| connections.push(c))?;
    connections.sort_by_key(|c| c.id);
    analysis.report.connections = connections;
    Ok(analysis)
}

/// Like [`analyze`], but hands each connection's report to `emit` as soon as it is
/// final (in id order, unless more than [`REORDER_WINDOW`] finished connections wait
/// behind one that is still open) and keeps none: memory does not grow with the
/// number of connections. The returned report has an empty `connections`.
pub fn analyze_streaming(
    paths: &[PathBuf],
    options: &Options,
    mut secrets: Secrets,
    emit: &mut dyn FnMut(ConnectionReport),
) -> Result<Analysis, CaptureError> {
    let readers = paths
        .iter()
        .map(|p| Ok((p.display().to_string(), CaptureReader::open(p)?)))
        .collect::<Result<Vec<_>, CaptureError>>()?;
    // Prefetching tries every key on every ClientKeyExchange: worth it for a few keys.
    let prefetch = (options.rsa_threads > 0 && (1..=4).contains(&secrets.keys.len())).then(|| {
        Arc::new(PreMasterPrefetch::new(
            secrets.keys.clone(),
            options.rsa_threads,
        ))
    });
    secrets.prefetch = prefetch.clone();
    let transport = Transport {
        limits: FlowLimits {
            out_of_order_cap: options.out_of_order_cap,
            buffered_cap: options.buffered_cap,
            max_open: options.max_connections,
        },
        prefetch,
        progress: Progress::new(options.progress),
    };
    let (tx, rx) = sync_channel::<Batch>(CHANNEL_BATCHES);
    let reader = std::thread::spawn(move || transport.run(readers, tx));
    let mut run = Run::new(options, secrets, emit);
    for batch in rx {
        run.batch(&batch);
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
    sessions: HashMap<u64, Session>,
    secrets: Secrets,
    emit: &'e mut dyn FnMut(ConnectionReport),
    /// Finished connections (None: not TLS) waiting for the lower ids to finish.
    finished: BTreeMap<u64, Option<ConnectionReport>>,
    next_out: u64,
    tls_connections: u64,
}

impl<'o, 'e> Run<'o, 'e> {
    fn new(
        options: &'o Options,
        secrets: Secrets,
        emit: &'e mut dyn FnMut(ConnectionReport),
    ) -> Self {
        Run {
            options,
            sessions: HashMap::new(),
            secrets,
            emit,
            finished: BTreeMap::new(),
            next_out: 0,
            tls_connections: 0,
        }
    }

    /// A connection ended: its report goes out once every lower id has.
    fn finished(&mut self, id: u64, report: Option<ConnectionReport>) {
        self.tls_connections += u64::from(report.is_some());
        self.finished.insert(id, report);
        loop {
            let ready = match self.finished.first_key_value() {
                Some((&first, _)) => first <= self.next_out || self.finished.len() > REORDER_WINDOW,
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
                    timestamp_ns,
                } => self.stream(
                    *id,
                    *endpoints,
                    *direction,
                    StreamChunk::Data(batch.bytes(range)),
                    *timestamp_ns,
                ),
                Event::Gap {
                    id,
                    endpoints,
                    direction,
                    gap,
                    timestamp_ns,
                } => self.stream(
                    *id,
                    *endpoints,
                    *direction,
                    StreamChunk::Gap(*gap),
                    *timestamp_ns,
                ),
                Event::Closed(summary) => {
                    let report = self
                        .sessions
                        .remove(&summary.id)
                        .and_then(|s| s.finish(summary));
                    self.finished(summary.id, report);
                }
                Event::KeyLog { range, source } => {
                    self.secrets.keylog.add(batch.bytes(range), source)
                }
            }
        }
    }

    fn stream(
        &mut self,
        id: u64,
        endpoints: [Endpoint; 2],
        direction: Direction,
        chunk: StreamChunk<'_>,
        ts: i64,
    ) {
        let options = self.options;
        let s = self.sessions.entry(id).or_insert_with(|| {
            Session::new(id, endpoints, options.follow == Some(id))
                .show_secrets(options.show_secrets)
        });
        if !s.is_abandoned() {
            s.on_chunk(direction, chunk, ts, &mut self.secrets);
        }
    }

    fn finish(mut self, t: TransportReport) -> Analysis {
        while let Some((_, report)) = self.finished.pop_first() {
            if let Some(r) = report {
                (self.emit)(r);
            }
        }
        let mut c = CaptureReport {
            files: t.files,
            warnings: t.warnings,
            skipped_packets: t.skipped_packets,
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
        for p in &self.secrets.keylog.problems {
            c.warnings.push(format!("key log {p}"));
        }
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
        Analysis {
            report: Report {
                capture: c,
                connections: Vec::new(),
            },
            keylog_lines: self.secrets.keylog_lines(),
        }
    }
}
