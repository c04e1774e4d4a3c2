//! The session stage's output: each ended connection's report goes to `emit` in id
//! order (a bounded reorder window), and the capture report at the end.

use std::collections::BTreeMap;

use crate::capture::LinkType;
use crate::crypto::secrets::Secrets;
use crate::report::model::{CaptureReport, ConnectionReport, KeyReport, LinkTypeReport, Report};

use super::key_notes::KeyNotes;
use super::stage::{Finished, StageTotals};
use super::transport::TransportReport;
use super::{Analysis, Options, REORDER_WINDOW};

/// The reports of ended connections, on their way out in id order.
pub(super) struct Output<'o, 'e> {
    options: &'o Options,
    emit: &'e mut dyn FnMut(ConnectionReport),
    /// Finished connections (None: not TLS) waiting for the lower ids to finish.
    finished: BTreeMap<u64, Option<ConnectionReport>>,
    /// Detail bytes the waiting reports hold.
    waiting_bytes: usize,
    next_out: u64,
    tls_connections: u64,
    /// The connections the keys given did not open, for the capture's warnings.
    key_notes: KeyNotes,
}

impl<'o, 'e> Output<'o, 'e> {
    pub fn new(options: &'o Options, emit: &'e mut dyn FnMut(ConnectionReport)) -> Self {
        Output {
            options,
            emit,
            finished: BTreeMap::new(),
            waiting_bytes: 0,
            next_out: 0,
            tls_connections: 0,
            key_notes: KeyNotes::default(),
        }
    }

    /// The capture report, once the transport stage and every session stage are done:
    /// `totals` are the stages' counts, `secrets` a handle on the run's.
    pub fn finish(
        mut self,
        t: TransportReport,
        totals: StageTotals,
        secrets: &Secrets,
    ) -> Analysis {
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
        c.quic_paths_joined = totals.quic_paths_joined;
        // Short-header flows that joined no connection carried nothing we could read.
        c.udp_flows_other = t.udp.other_flows
            + t.udp
                .quic_path_candidates
                .saturating_sub(totals.quic_paths_joined);
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
        c.warnings.extend(secrets.keylog.warnings());
        c.warnings.extend(secrets.rsa_warnings());
        c.warnings.extend(secrets.remembered_warnings());
        c.warnings.extend(self.key_notes.warnings());
        let unused: Vec<String> = secrets
            .unused_keys()
            .iter()
            .map(|k| k.source.clone())
            .collect();
        for k in secrets.keys.iter() {
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
        if totals.evictions > 0 {
            c.warnings.push(format!(
                "{} connections were ended early: connections not yet written held more than {} bytes (--max-memory)",
                totals.evictions, self.options.memory_budget
            ));
        }
        let refused = totals.refused;
        if refused > 0 {
            c.warnings.push(format!(
                "{refused} messages, alerts, warnings or certificate chains were counted, not kept: connections not yet written held their share of {} bytes (--max-memory)",
                self.options.memory_budget
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

impl Finished for Output<'_, '_> {
    /// A connection ended: its report goes out once every lower id has (or when too
    /// many, or too much, wait).
    fn finished(&mut self, _position: u64, id: u64, report: Option<ConnectionReport>) {
        self.tls_connections += u64::from(report.is_some());
        self.waiting_bytes += report.as_ref().map_or(0, |r| r.charge.bytes());
        self.finished.insert(id, report);
        let crowded = |run: &Self| {
            run.finished.len() > REORDER_WINDOW || run.waiting_bytes > run.options.memory_budget / 2
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
}
