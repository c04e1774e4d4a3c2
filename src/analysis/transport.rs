//! The transport stage, on its own thread: capture files → link layer → IP → TCP
//! reassembly and UDP flows, handing the session stage batches of owned events.
//!
//! ```text
//!  files ─► CaptureReader ─► strip_link_layer ─► NetDecoder ─┬► FlowTable (TCP) ──┬► Batch ─► channel
//!                                                            └► UdpFlowTable ─────┘
//!                                       KeyExchangeScanner ─► PreMasterPrefetch (other cores)
//! ```
//! Batches hold their stream bytes in one buffer, so that moving data between threads
//! costs one copy and no allocation per segment.

use crate::flow::FlowMap;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::mpsc::SyncSender;
use std::sync::Arc;

use crate::capture::{strip_link_layer, CaptureEvent, LinkError, Source};
use crate::crypto::keys::PreMasterPrefetch;
use crate::flow::shard::Shard;
use crate::net::{Endpoint, NetDecoder, NetStats, Transported};
use crate::report::model::FileReport;
use crate::tcp::{
    Chunk, ConnectionId, Direction, FlowLimits, FlowStats, FlowSummary, FlowTable, Gap, TcpEvent,
};
use crate::tls::scan::KeyExchangeScanner;
use crate::udp::{Carried, UdpEvent, UdpFlowTable, UdpLimits, UdpStats};

use super::progress::Progress;

/// Stream bytes per batch before it is sent on.
const BATCH_BYTES: usize = 256 << 10;
const BATCH_EVENTS: usize = 1024;

/// What the session stage is told, in capture order.
pub(super) enum Event {
    /// Bytes of a flow (in `range`): in-order stream bytes of TCP, or one datagram of a
    /// UDP flow that carries QUIC.
    Data {
        id: ConnectionId,
        endpoints: [Endpoint; 2],
        direction: Direction,
        range: Range<usize>,
        unit: DataUnit,
        timestamp_ns: i64,
        /// The frame that delivered the bytes, in the file being read.
        frame: u64,
    },
    Gap {
        id: ConnectionId,
        endpoints: [Endpoint; 2],
        direction: Direction,
        gap: Gap,
        timestamp_ns: i64,
        frame: u64,
    },
    /// The next file starts (its index among the inputs): the connections closed from
    /// here on were read from it.
    File(usize),
    /// Boxed: it is large, and every event of a batch is as large as the largest kind.
    Closed(Box<FlowSummary>),
    /// A pcapng Decryption Secrets Block (its bytes in `range`), and where it came from.
    KeyLog {
        range: Range<usize>,
        source: Arc<str>,
    },
}

/// What the bytes of an [`Event::Data`] are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DataUnit {
    /// The next bytes of a reassembled stream (TCP).
    Stream,
    /// One whole QUIC datagram.
    QuicDatagram,
    /// One whole DTLS datagram.
    DtlsDatagram,
}

/// A run of events and the bytes they point into.
#[derive(Default)]
pub(super) struct Batch {
    pub data: Vec<u8>,
    pub events: Vec<Event>,
    /// Where its buffers go back when it is dropped (by the last stage to read it).
    spares: Option<Arc<Spares>>,
}

impl Batch {
    pub fn bytes(&self, range: &Range<usize>) -> &[u8] {
        &self.data[range.clone()]
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        if let Some(spares) = &self.spares {
            spares.give_back(
                std::mem::take(&mut self.data),
                std::mem::take(&mut self.events),
            );
        }
    }
}

/// Spare batch buffers, given back by the stage that drops a batch last and taken by
/// the transport stage for its next one. Why: a batch's buffers are a few hundred KB
/// each, which the allocator maps fresh and the kernel zeroes page by page; on a
/// capture of bulk data that zeroing cost the transport thread a quarter of its time.
#[derive(Default)]
pub(super) struct Spares(std::sync::Mutex<Vec<(Vec<u8>, Vec<Event>)>>);

/// Spare buffers kept at most: what is in flight beyond them is allocated and freed
/// as before, so the memory held stays a few batches.
const SPARE_BATCHES: usize = 4;

impl Spares {
    fn give_back(&self, mut data: Vec<u8>, mut events: Vec<Event>) {
        if data.capacity() < BATCH_BYTES {
            return;
        }
        data.clear();
        events.clear();
        let mut spares = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if spares.len() < SPARE_BATCHES {
            spares.push((data, events));
        }
    }

    /// An empty batch, its buffers spare ones when there are.
    fn batch(self: &Arc<Self>) -> Batch {
        let spare = self.0.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let (data, events) = spare.unwrap_or_else(|| {
            (
                Vec::with_capacity(BATCH_BYTES + (64 << 10)),
                Vec::with_capacity(BATCH_EVENTS),
            )
        });
        Batch {
            data,
            events,
            spares: Some(self.clone()),
        }
    }
}

/// What the transport stage learnt about the files, for the capture report.
#[derive(Default)]
pub(super) struct TransportReport {
    pub files: Vec<FileReport>,
    pub warnings: Vec<String>,
    /// Link type → (packets, supported).
    pub link_types: BTreeMap<u32, (u64, bool)>,
    pub network: NetStats,
    pub skipped_packets: u64,
    pub tcp_connections: u64,
    /// What the memory caps cut.
    pub flows: FlowStats,
    /// UDP flows: seen, QUIC, other, cut.
    pub udp: UdpStats,
    /// Reading stopped early (Ctrl-C).
    pub interrupted: bool,
}

/// Settings of the transport stage.
pub(super) struct Transport {
    pub limits: FlowLimits,
    pub prefetch: Option<Arc<PreMasterPrefetch>>,
    pub progress: Progress,
    /// Set when nobody wants the output any more (a closed pipe): the files are still
    /// read to their end, but nothing more is analysed.
    pub stop: Arc<std::sync::atomic::AtomicBool>,
    /// Set on Ctrl-C: reading stops at the next block, and the connections still open
    /// end as at the end of the capture.
    pub interrupt: Arc<std::sync::atomic::AtomicBool>,
    /// Connections the session stage ended early (its memory budget): closed here too,
    /// so that their TCP state is given back.
    pub evictions: Arc<Evictions>,
    /// Only this shard's flows are followed (the others' packets are skipped here,
    /// before any state is made for them).
    pub shard: Option<Shard>,
}

/// Connection ids the session stage asks the transport stage to close.
#[derive(Debug, Default)]
pub struct Evictions {
    pending: std::sync::atomic::AtomicBool,
    ids: std::sync::Mutex<Vec<ConnectionId>>,
}

impl Evictions {
    pub fn request(&self, ids: &[ConnectionId]) {
        let mut v = self.ids.lock().unwrap_or_else(|p| p.into_inner());
        v.extend_from_slice(ids);
        self.pending
            .store(true, std::sync::atomic::Ordering::Release);
    }

    /// The ids asked for since the last call (cheap when there are none).
    fn take(&self) -> Vec<ConnectionId> {
        // A plain load first: this runs for every packet, and a swap would write the
        // flag's cache line each time.
        if !self.pending.load(std::sync::atomic::Ordering::Relaxed)
            || !self
                .pending
                .swap(false, std::sync::atomic::Ordering::Acquire)
        {
            return Vec::new();
        }
        std::mem::take(&mut *self.ids.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

struct Sink<'a> {
    tx: &'a SyncSender<Batch>,
    batch: Batch,
    spares: Arc<Spares>,
    prefetch: Option<&'a PreMasterPrefetch>,
    /// Boxed, and dropped (`None`) once done: the table costs a pointer per connection.
    scanners: FlowMap<ConnectionId, Option<Box<KeyExchangeScanner>>>,
    tcp_connections: u64,
}

impl Sink<'_> {
    fn push(&mut self, event: Event) {
        self.batch.events.push(event);
        if self.batch.data.len() >= BATCH_BYTES || self.batch.events.len() >= BATCH_EVENTS {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.batch.events.is_empty() {
            let batch = std::mem::replace(&mut self.batch, self.spares.batch());
            // The session stage hung up only if it is gone: nothing left to do then.
            let _ = self.tx.send(batch);
        }
    }

    fn tcp(&mut self, ev: TcpEvent<'_>) {
        match ev {
            TcpEvent::Stream {
                id,
                endpoints,
                direction,
                chunk,
                timestamp_ns,
                frame,
            } => {
                self.scan(id, direction, &chunk);
                match chunk {
                    Chunk::Data(data) => {
                        let range = self.stash(data);
                        self.push(Event::Data {
                            id,
                            endpoints,
                            direction,
                            range,
                            unit: DataUnit::Stream,
                            timestamp_ns,
                            frame,
                        });
                    }
                    Chunk::Gap(gap) => self.push(Event::Gap {
                        id,
                        endpoints,
                        direction,
                        gap,
                        timestamp_ns,
                        frame,
                    }),
                }
            }
            TcpEvent::Closed(summary) => {
                self.tcp_connections += 1;
                self.scanners.remove(&summary.id);
                self.push(Event::Closed(Box::new(summary)));
            }
        }
    }

    /// Copies bytes into the batch being filled; the event names them by this range.
    fn stash(&mut self, bytes: &[u8]) -> std::ops::Range<usize> {
        let start = self.batch.data.len();
        self.batch.data.extend_from_slice(bytes);
        start..self.batch.data.len()
    }

    fn udp(&mut self, ev: UdpEvent<'_>) {
        match ev {
            UdpEvent::Datagram {
                id,
                endpoints,
                direction,
                carried,
                payload,
                timestamp_ns,
                frame,
            } => {
                let range = self.stash(payload);
                self.push(Event::Data {
                    id,
                    endpoints,
                    direction,
                    range,
                    unit: match carried {
                        Carried::Quic => DataUnit::QuicDatagram,
                        Carried::Dtls => DataUnit::DtlsDatagram,
                    },
                    timestamp_ns,
                    frame,
                });
            }
            UdpEvent::Closed(summary) => self.push(Event::Closed(Box::new(summary))),
        }
    }

    /// Starts the RSA decryption of a ClientKeyExchange as soon as it goes by.
    fn scan(&mut self, id: ConnectionId, direction: Direction, chunk: &Chunk<'_>) {
        let Some(prefetch) = self.prefetch else {
            return;
        };
        let slot = self
            .scanners
            .entry(id)
            .or_insert_with(|| Some(Box::default()));
        let Some(scanner) = slot else {
            return;
        };
        if scanner.is_done() {
            *slot = None;
            return;
        }
        let z = match chunk {
            Chunk::Data(data) => scanner.feed(direction.index(), data),
            Chunk::Gap(_) => {
                scanner.gap(direction.index());
                None
            }
        };
        if let Some(z) = z {
            prefetch.submit(&z.ciphertext, &z.modulus);
        }
    }
}

impl Transport {
    /// Reads every file in order, sending batches on `tx`.
    pub fn run(self, readers: Vec<(String, Source)>, tx: SyncSender<Batch>) -> TransportReport {
        let mut report = TransportReport::default();
        let mut net = NetDecoder::new();
        let spares = Arc::new(Spares::default());
        let mut sink = Sink {
            tx: &tx,
            batch: spares.batch(),
            spares,
            prefetch: self.prefetch.as_deref(),
            scanners: FlowMap::default(),
            tcp_connections: 0,
        };
        let mut next_id = 0;
        let total: u64 = readers.iter().map(|(_, r)| r.progress().1).sum();
        let files = readers.len();
        self.progress.start(total);
        let mut done_before = 0;
        for (file, (name, mut reader)) in readers.into_iter().enumerate() {
            sink.push(Event::File(file));
            let (read, size) = reader.progress();
            let mut flows = FlowTable::with_limits(self.limits);
            flows.set_next_id(next_id);
            let mut udp = UdpFlowTable::new(UdpLimits {
                max_open: self.limits.max_open,
                ..UdpLimits::default()
            });
            let dsb_source: Arc<str> = Arc::from(format!("{name} (secrets block)"));
            let mut packets_since_tick = 0u32;
            let summary = reader.for_each_until(&self.interrupt, |ev| match ev {
                _ if self.stop.load(std::sync::atomic::Ordering::Relaxed) => {}
                CaptureEvent::Packet(p) => {
                    let frame = p.index + 1;
                    let evicted = self.evictions.take();
                    if !evicted.is_empty() {
                        flows.close_ids(&evicted, &mut |ev| sink.tcp(ev));
                        udp.close_ids(&evicted, &mut |ev| sink.udp(ev));
                    }
                    let entry = report
                        .link_types
                        .entry(p.link_type.0)
                        .or_insert((0, p.link_type.is_supported()));
                    entry.0 += 1;
                    match strip_link_layer(p.link_type, p.data) {
                        Ok(payload) => net.decode_all(payload, &mut |t| match t {
                            _ if !self.shard.is_none_or(|s| in_shard(s, &t)) => {}
                            Transported::Tcp(seg) => {
                                flows.process(seg, p.timestamp_ns, frame, &mut |ev| sink.tcp(ev))
                            }
                            Transported::Udp(d) => udp.process(
                                d,
                                p.timestamp_ns,
                                frame,
                                &mut || flows.allocate_id(),
                                &mut |ev| sink.udp(ev),
                            ),
                        }),
                        Err(LinkError::UnsupportedLinkType) | Err(LinkError::Truncated) => {
                            report.skipped_packets += 1
                        }
                        Err(LinkError::NotIp) => {}
                    }
                    packets_since_tick += 1;
                    if packets_since_tick == 4096 {
                        packets_since_tick = 0;
                        self.progress
                            .set(done_before + read.load(std::sync::atomic::Ordering::Relaxed));
                    }
                }
                CaptureEvent::TlsKeyLog(text) => {
                    let start = sink.batch.data.len();
                    sink.batch.data.extend_from_slice(text);
                    let range = start..sink.batch.data.len();
                    sink.push(Event::KeyLog {
                        range,
                        source: dsb_source.clone(),
                    });
                }
            });
            flows.finish(&mut |ev| sink.tcp(ev));
            udp.finish(&mut |ev| sink.udp(ev));
            next_id = flows.next_id();
            let u = udp.stats;
            report.udp.flows += u.flows;
            report.udp.quic_flows += u.quic_flows;
            report.udp.dtls_flows += u.dtls_flows;
            report.udp.quic_path_candidates += u.quic_path_candidates;
            report.udp.other_flows += u.other_flows;
            report.udp.evicted += u.evicted;
            report.udp.idled_out += u.idled_out;
            report.flows.evicted += flows.stats.evicted;
            report.flows.closed_for_memory += flows.stats.closed_for_memory;
            report.flows.buffered_cap_hits += flows.stats.buffered_cap_hits;
            done_before += size;
            self.progress.set(done_before);
            for w in &summary.warnings {
                report.warnings.push(format!("{name}: {w}"));
            }
            report.skipped_packets += summary.unknown_interface_packets + summary.obsolete_packets;
            // (A live capture ends with Ctrl-C: that is no cut in it, and not said.)
            if summary.interrupted {
                report.interrupted = true;
                report.warnings.push(format!(
                    "{name}: interrupted after {} packets: the connections open then are reported as the capture left them{}",
                    summary.packets,
                    if file + 1 < files { "; the files after it were not read" } else { "" }
                ));
            }
            report.files.push(FileReport {
                file: name,
                format: Some(reader.format()),
                packets: summary.packets,
                bytes: summary.bytes,
                truncated: summary.truncated,
                corrupt: summary.corrupt,
            });
            if summary.interrupted {
                break;
            }
        }
        sink.flush();
        self.progress.finish();
        report.tcp_connections = sink.tcp_connections;
        report.network = net.stats.clone();
        report
    }
}

/// Whether a decoded packet belongs to the run's shard.
fn in_shard(shard: Shard, t: &Transported<'_, '_>) -> bool {
    match t {
        Transported::Tcp(seg) => shard.keeps(seg.src, seg.dst, 6),
        Transported::Udp(d) => shard.keeps(d.src, d.dst, 17),
    }
}
