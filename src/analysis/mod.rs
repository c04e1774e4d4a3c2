//! Drives the pipeline over capture files, on threads and a pool:
//!
//! ```text
//!  transport stage (thread): capture → link layer → IP → TCP reassembly ─ batches ─┐
//!     (closes the connections the session stage ended early) ◄── evictions ──┐    │
//!  session stage (`Stage`: one, or one per worker): per connection            │    │
//!       StreamFeed → Session → events → ReportBuilder → ConnectionReport ─────┴◄───┘
//!  output (caller's thread, `Output`): reports in id order → `emit` (the views)
//!  pre-master pool (threads): RSA decryptions the transport stage saw coming
//! ```
//! The stages only pass owned batches through bounded channels, so memory stays flat
//! and the output is the same as a single-threaded run's, event for event, whatever
//! the number of workers (`workers`). What open connections hold in the session stage
//! is counted against one budget (`--max-memory`, shared out among the workers); past
//! it the least recently active are ended early in both stages.

pub mod filter;
mod key_notes;
mod order;
mod paths;
mod progress;
pub mod select;
mod stage;
mod transport;
mod workers;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::Arc;

use crate::capture::{CaptureReader, Source};
use crate::crypto::keys::PreMasterPrefetch;
use crate::crypto::secrets::Secrets;
use crate::report::model::{ConnectionReport, Report};
use crate::session::{AppDecoder, MemoryBudget, Retention};
use crate::tcp::FlowLimits;

pub use crate::capture::CaptureError;

use self::order::Output;
use self::progress::Progress;
use self::stage::Stage;
use self::transport::{Batch, Evictions, Transport};

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
    /// Session workers: each connection goes to the least loaded one at its first event
    /// (1: the session stage runs on the caller's thread).
    pub workers: usize,
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
            rsa_threads: cores(),
            workers: cores(),
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

/// The machine's cores (threads it can run at once).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
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

/// Batches in flight between the stages (each up to a few hundred KB); with session
/// workers, this many wait for each worker.
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
            secrets.keys.to_vec(),
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

    let file_names: Vec<Arc<str>> = readers.iter().map(|(n, _)| Arc::from(n.as_str())).collect();
    let reader = std::thread::Builder::new()
        .name("transport".into())
        .spawn(move || transport.run(readers, tx))
        .expect("start the transport thread");
    // `follow` and `export` make their decoders on the caller's thread: one stage.
    let workers = if tap.is_some() {
        1
    } else {
        options.workers.max(1)
    };
    let (output, totals, secrets) = if workers == 1 {
        let budget = MemoryBudget::new(options.memory_budget);
        let out = Output::new(options, emit);
        let mut stage = Stage::new(
            options, secrets, budget, tap, evictions, file_names, out, None,
        );
        let mut base = 0;
        for batch in rx {
            if !options.stop.load(Ordering::Relaxed) {
                stage.batch(&batch, base, None);
            }
            base += batch.events.len() as u64;
        }
        let totals = stage.totals();
        (stage.out, totals, stage.secrets)
    } else {
        workers::run(options, workers, secrets, evictions, file_names, rx, emit)
    };
    let report = match reader.join() {
        Ok(r) => r,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    Ok(output.finish(report, totals, &secrets))
}
