//! Drives the pipeline over capture files:
//! capture → link layer → IP → TCP reassembly → per-connection [`Session`] → report.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::capture::{strip_link_layer, CaptureEvent, CaptureReader, LinkError, LinkType};
use crate::crypto::secrets::Secrets;
use crate::net::NetDecoder;
use crate::report::model::{
    CaptureReport, ConnectionReport, FileReport, KeyReport, LinkTypeReport, Report,
};
use crate::session::Session;
use crate::tcp::{FlowTable, TcpEvent};

pub use crate::capture::CaptureError;

/// Settings of one analysis run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Bytes each TCP direction may hold out of order before the hole is declared lost.
    pub out_of_order_cap: usize,
    /// Keep the decrypted application data of this connection (for `follow`).
    pub follow: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            out_of_order_cap: 4 << 20,
            follow: None,
        }
    }
}

/// The result of a run: the report, and the secrets it recovered.
pub struct Analysis {
    pub report: Report,
    /// `CLIENT_RANDOM` lines of every handshake whose master secret became known.
    pub keylog_lines: Vec<String>,
}

/// Analyses the captures in order, as one run: connection ids continue across files,
/// and sessions of one file may resume in another. An unreadable file stops the run.
pub fn analyze(
    paths: &[PathBuf],
    options: &Options,
    secrets: Secrets,
) -> Result<Analysis, CaptureError> {
    let mut run = Run::new(options, secrets);
    for path in paths {
        let mut reader = CaptureReader::open(path)?;
        run.file(path, &mut reader);
    }
    Ok(run.finish())
}

struct Run<'o> {
    options: &'o Options,
    net: NetDecoder,
    sessions: HashMap<u64, Session>,
    connections: Vec<ConnectionReport>,
    capture: CaptureReport,
    link_types: BTreeMap<u32, (u64, bool)>,
    next_id: u64,
    tcp_connections: u64,
    secrets: Secrets,
}

impl<'o> Run<'o> {
    fn new(options: &'o Options, secrets: Secrets) -> Self {
        Run {
            options,
            net: NetDecoder::new(),
            sessions: HashMap::new(),
            connections: Vec::new(),
            capture: CaptureReport::default(),
            link_types: BTreeMap::new(),
            next_id: 0,
            tcp_connections: 0,
            secrets,
        }
    }

    fn file(&mut self, path: &std::path::Path, reader: &mut CaptureReader) {
        let mut flows = FlowTable::new(self.options.out_of_order_cap);
        flows.set_next_id(self.next_id);
        let Run {
            net,
            sessions,
            connections,
            link_types,
            capture,
            tcp_connections,
            secrets,
            options,
            ..
        } = self;
        let follow = options.follow;
        let name = path.display().to_string();
        let dsb_name = format!("{name} (secrets block)");

        let summary = reader.for_each(|ev| match ev {
            CaptureEvent::Packet(p) => {
                let entry = link_types
                    .entry(p.link_type.0)
                    .or_insert((0, p.link_type.is_supported()));
                entry.0 += 1;
                match strip_link_layer(p.link_type, p.data) {
                    Ok(payload) => net.decode(payload, &mut |seg| {
                        flows.process(seg, p.timestamp_ns, &mut |ev| {
                            handle(ev, sessions, connections, tcp_connections, secrets, follow)
                        })
                    }),
                    Err(LinkError::UnsupportedLinkType) | Err(LinkError::Truncated) => {
                        capture.skipped_packets += 1
                    }
                    Err(LinkError::NotIp) => {}
                }
            }
            CaptureEvent::TlsKeyLog(text) => secrets.keylog.add(text, &dsb_name),
        });
        flows.finish(&mut |ev| handle(ev, sessions, connections, tcp_connections, secrets, follow));
        self.next_id = flows.next_id();
        if summary.truncated {
            self.capture.warnings.push(format!(
                "{name}: file ends in the middle of a packet (truncated)"
            ));
        }
        if let Some(c) = &summary.corrupt {
            self.capture
                .warnings
                .push(format!("{name}: {c}; the rest of the file was not read"));
        }
        self.capture.files.push(FileReport {
            file: name,
            format: Some(reader.format()),
            packets: summary.packets,
            bytes: summary.bytes,
            truncated: summary.truncated,
            corrupt: summary.corrupt,
        });
    }

    fn finish(mut self) -> Analysis {
        let mut c = self.capture;
        if let Some(first) = c.files.first() {
            c.file = first.file.clone();
            c.format = first.format;
        }
        c.packets = c.files.iter().map(|f| f.packets).sum();
        c.bytes = c.files.iter().map(|f| f.bytes).sum();
        c.truncated = c.files.iter().any(|f| f.truncated);
        for (&id, &(packets, supported)) in &self.link_types {
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
        c.network = self.net.stats.clone();
        if c.network.snaplen_truncated_segments > 0 {
            c.warnings.push(format!(
                "{} TCP segments were cut short by the snapshot length",
                c.network.snaplen_truncated_segments
            ));
        }
        let pending = self.net.pending_fragments();
        if pending > 0 {
            c.warnings
                .push(format!("{pending} IPv4 datagrams missed fragments"));
        }
        c.tcp_connections = self.tcp_connections;
        self.connections.sort_by_key(|r| r.id);
        c.tls_connections = self.connections.len() as u64;
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
                connections: self.connections,
            },
            keylog_lines: self.secrets.keylog_lines(),
        }
    }
}

fn handle(
    ev: TcpEvent<'_>,
    sessions: &mut HashMap<u64, Session>,
    done: &mut Vec<ConnectionReport>,
    tcp_connections: &mut u64,
    secrets: &mut Secrets,
    follow: Option<u64>,
) {
    match ev {
        TcpEvent::Stream {
            id,
            endpoints,
            direction,
            chunk,
            timestamp_ns,
        } => {
            let s = sessions
                .entry(id)
                .or_insert_with(|| Session::new(id, endpoints, follow == Some(id)));
            if !s.is_abandoned() {
                s.on_chunk(direction, chunk, timestamp_ns, secrets);
            }
        }
        TcpEvent::Closed(summary) => {
            *tcp_connections += 1;
            if let Some(s) = sessions.remove(&summary.id) {
                if let Some(r) = s.finish(&summary) {
                    done.push(r);
                }
            }
        }
    }
}
