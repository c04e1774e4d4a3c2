//! The end of a connection: its [`ConnectionReport`], from the facts the session kept
//! and the lists the [`ReportBuilder`] made of its events.

use std::sync::Arc;

use super::events::{Event, SessionSink};
use super::log::{EventLog, MemoryBudget, Retention};
use super::{FinishedCheck, Session};
use crate::flow::FlowSummary;
use crate::flow::{Direction, Transport as FlowTransport};
use crate::report::model::{
    AppData, AppDataRun, ConnectionReport, ConnectionState as State, DecryptionReport,
    DecryptionStatus as Status, EarlyDataReport, EndpointReport, FrameSpan, GapReport, MessageBody,
    MessageEntry, PerSide, RegistryValue, Side, TcpReport,
};
use crate::report::text::{bytes_as_text, protocol_text, protocols_hex, protocols_text};
use crate::report::verdict::Verdict;
use crate::tls::cipher_suite;
use crate::tls::extensions::ExtensionData;
use crate::tls::fingerprint::{self, HelloFields, Transport};
use crate::tls::registry::{ExtensionType, NamedGroup, ProtocolVersion};

/// Builds a connection's lists (messages, alerts, warnings) from its events, bounded by
/// the retention settings and the run's memory budget.
#[derive(Debug)]
pub struct ReportBuilder {
    log: EventLog,
    /// The frame the input being fed came in: the messages it completes carry it.
    pub(super) frame: u64,
}

impl ReportBuilder {
    pub fn new(retention: Retention, budget: &Arc<MemoryBudget>) -> Self {
        ReportBuilder {
            log: EventLog::new(retention, budget),
            frame: 0,
        }
    }

    /// Charges `bytes` of other detail (certificate chains) to the budget, if it has room.
    pub fn charge(&mut self, bytes: usize) -> bool {
        self.log.charge(bytes)
    }

    fn message(&mut self, direction: Direction, ts: i64, body: MessageBody) {
        self.log.push_message(MessageEntry {
            direction,
            side: Side::Client, // fixed up in `finish` once the roles are known
            timestamp_ns: ts,
            frame: self.frame,
            body,
        });
    }

    /// Application data, consecutive records of one direction merged into one run.
    fn data(&mut self, dir: Direction, ts: i64, wire: u64, plain: Option<usize>, early: bool) {
        if !self.log.keeps_messages() {
            return;
        }
        if let Some(run) = self.log.open_run(dir, early) {
            if run.decrypted_bytes.is_some() == plain.is_some() {
                run.records += 1;
                run.bytes += wire;
                if let (Some(d), Some(p)) = (&mut run.decrypted_bytes, plain) {
                    *d += p as u64;
                }
                return;
            }
        }
        let run = AppDataRun {
            records: 1,
            bytes: wire,
            decrypted_bytes: plain.map(|p| p as u64),
        };
        let body = if early {
            MessageBody::EarlyData(run)
        } else {
            MessageBody::ApplicationData(run)
        };
        self.message(dir, ts, body);
    }
}

impl SessionSink for ReportBuilder {
    fn event(&mut self, event: &Event<'_>) {
        match *event {
            Event::Handshake { dir, ts, message } => {
                if let crate::tls::handshake::HandshakeMessage::EncryptedExtensions { .. } = message
                {
                    if let Some(p) = crate::app::server_alpn(message) {
                        self.log.encrypted_alpn(p);
                    }
                }
                if self.log.keeps_messages() {
                    self.message(dir, ts, MessageBody::Handshake(Box::new(message.clone())))
                }
            }
            Event::Malformed {
                dir,
                ts,
                msg_type,
                length,
                error,
            } => self.message(
                dir,
                ts,
                MessageBody::Malformed {
                    msg_type,
                    name: msg_type.title_label().into_owned(),
                    length,
                    error: error.to_string(),
                },
            ),
            Event::ChangeCipherSpec { dir, ts } => {
                self.message(dir, ts, MessageBody::ChangeCipherSpec {})
            }
            Event::Alert {
                dir,
                ts,
                alert,
                length,
            } => {
                let body = if alert.encrypted {
                    MessageBody::EncryptedAlert { length }
                } else {
                    MessageBody::Alert(alert)
                };
                self.message(dir, ts, body);
                self.log.push_alert(alert);
            }
            Event::ProtectedHandshake {
                dir,
                ts,
                length,
                finished,
            } => {
                let body = if finished {
                    MessageBody::EncryptedFinished {
                        length,
                        note: "Finished, encrypted: needs the session keys",
                    }
                } else {
                    MessageBody::EncryptedHandshake { length }
                };
                self.message(dir, ts, body);
            }
            Event::Heartbeat {
                dir,
                ts,
                length,
                message,
            } => self.message(dir, ts, MessageBody::Heartbeat { length, message }),
            Event::EndOfEarlyData { dir, ts, length } => {
                if self.log.keeps_messages() {
                    self.log.take_back_early_record(dir, length as u64);
                    self.message(dir, ts, MessageBody::EncryptedHandshake { length });
                }
            }
            Event::ApplicationData {
                dir,
                ts,
                wire,
                plain,
                early,
                ..
            } => self.data(dir, ts, wire, plain, early),
            Event::Warning { text } => self.log.warn(text.to_string()),
            Event::Plaintext { .. }
            | Event::EarlyDataDecided { .. }
            | Event::Keys { .. }
            | Event::Gap { .. }
            | Event::StreamData { .. }
            | Event::StreamGap { .. }
            | Event::StreamEnd { .. }
            | Event::StreamAbort { .. } => {}
        }
    }
}

impl Session {
    /// The connection ended: build its report, or `None` if it carried no TLS.
    pub fn finish(mut self, tcp: &FlowSummary) -> Option<ConnectionReport> {
        if !self.saw_tls {
            return None;
        }
        let client_dir = self.client_direction(tcp);
        let side = |d: Direction| {
            if d == client_dir {
                Side::Client
            } else {
                Side::Server
            }
        };
        if let Some(lists) = self.sinks.report.log.lists_mut() {
            for m in &mut lists.messages {
                m.side = side(m.direction);
            }
            for a in &mut lists.alerts {
                a.side = side(a.direction);
            }
        }
        if self.early_offered() {
            // No word from the server: the early data counts as sent.
            self.decide_early_data(true);
        }
        let c = client_dir.index();
        let s = client_dir.other().index();
        let client_hello = self.client_hello();
        let ch = client_hello.as_ref();
        let sh = self.server_hello.as_ref();
        let suite = sh.map(|s| s.suite_id());
        let suite_info = suite.and_then(cipher_suite::lookup);
        let tls13 = self.is_tls13();

        let resumed = match sh {
            Some(sh) if tls13 => sh.has_extension(ExtensionType::PRE_SHARED_KEY),
            Some(_) => self.dirs[s].change_cipher_spec && !self.server_full_handshake,
            None => false,
        };
        let both = |id: ExtensionType| {
            ch.is_some_and(|c| c.has_extension(id)) && sh.is_some_and(|s| s.has_extension(id))
        };

        let (ja3, ja3_hash, ja4) = match ch {
            Some(ch) => {
                let fields = HelloFields::of(ch);
                let facts = fields.facts();
                let j = fingerprint::ja3(&facts);
                (
                    Some(j.full),
                    Some(j.hash),
                    Some(fingerprint::ja4(
                        &facts,
                        match self.transport {
                            FlowTransport::Tcp => Transport::Tcp,
                            FlowTransport::Quic => Transport::Quic,
                            FlowTransport::Dtls => Transport::Dtls,
                        },
                    )),
                )
            }
            None => (None, None, None),
        };
        let (ja3s, ja3s_hash) = sh
            .map(|sh| fingerprint::ja3s_of(sh))
            .map(|j| (j.full, j.hash))
            .unzip();

        let mut gaps = Vec::new();
        for (d, list) in tcp.gaps.iter().enumerate() {
            for g in list {
                gaps.push(GapReport {
                    side: side(Direction::from_index(d)),
                    offset: g.offset,
                    len: g.len,
                });
            }
        }
        let fatal = self.sinks.report.log.fatal();
        let established = if tls13 {
            // Without keys: the client's Finished went by (a record no alert fills), or
            // the client's records are not in the capture and the server sent more than
            // its handshake flight. A client that only sent an alert-sized record
            // refused the handshake (a certificate it did not trust, say).
            let client = &self.dirs[c];
            client.app_record_over_alert
                || (client.app_records == 0 && self.dirs[s].app_records > 3)
        } else {
            self.dirs[c].change_cipher_spec && self.dirs[s].change_cipher_spec
        };
        let incomplete = !gaps.is_empty() || tcp.snaplen_cut || tcp.evicted;
        let state = if let Some(a) = fatal {
            State::Failed(a.code)
        } else if incomplete {
            State::Incomplete
        } else if established {
            State::Established
        } else if sh.is_some() {
            State::Handshake
        } else if ch.is_some() {
            State::ClientHelloOnly
        } else {
            State::RecordsOnly
        };
        if let Some(c) = &mut self.crypto {
            for w in std::mem::take(&mut c.warnings) {
                self.sinks.report.log.warn(w);
            }
        }
        for (d, dir) in self.dirs.iter().enumerate() {
            if dir.unparsed > 0 {
                self.sinks.report.log.warn(format!(
                    "{}: {} bytes did not parse as TLS records",
                    side(Direction::from_index(d)).as_str(),
                    dir.unparsed
                ));
            }
        }
        let decryption = self.decryption_report(c, s, suite_info, tls13, incomplete);
        let app_data = (self.dirs[c].decrypted_records() + self.dirs[s].decrypted_records() > 0)
            .then(|| AppData {
                client: self.sinks.digests.of(client_dir),
                server: self.sinks.digests.of(client_dir.other()),
            });
        let version = sh.map(|sh| {
            if sh.hello_retry_request {
                ProtocolVersion::TLS1_3.label().into_owned()
            } else {
                sh.version().label().into_owned()
            }
        });
        if let Some(app) = &mut self.sinks.app {
            app.close();
        }
        let closed = !tcp.open_at_end && !tcp.evicted;
        let show_secrets = self.sinks.report.log.keeps_secrets();
        let app = self.sinks.decoders.finish(show_secrets, closed);
        let (lists, charge) = self.sinks.report.log.take();
        let chains = self.chains.take().map(|c| *c).unwrap_or_default();
        // ALPN as sent (bytes): the server's choice (its ServerHello's, or in TLS 1.3
        // its EncryptedExtensions'), else the client's offer.
        let ee_alpn = lists.encrypted_alpn.clone().map(|p| vec![p]);
        let alpn = sh
            .map(|s| s.alpn())
            .filter(|a| !a.is_empty())
            .or(ee_alpn.as_deref())
            .unwrap_or_else(|| ch.map(|c| c.alpn()).unwrap_or_default());
        let alpn_negotiated = sh
            .and_then(|s| s.alpn().first())
            .map(|p| &p[..])
            .or(lists.encrypted_alpn.as_deref());
        Some(ConnectionReport {
            id: self.id,
            client: EndpointReport::from(self.endpoints[c]),
            server: EndpointReport::from(self.endpoints[s]),
            first_seen_ns: tcp.first_seen_ns,
            last_seen_ns: tcp.last_seen_ns,
            frames: FrameSpan {
                first: tcp.first_frame,
                last: tcp.last_frame,
                ..FrameSpan::default()
            },
            version,
            cipher_suite: suite.map(RegistryValue::of),
            key_exchange_group: self.negotiated_group().map(RegistryValue::of),
            sni: ch.and_then(|c| c.sni_bytes()).map(bytes_as_text),
            alpn: protocols_text(alpn),
            alpn_hex: protocols_hex(alpn),
            alpn_negotiated: alpn_negotiated.map(protocol_text),
            alpn_negotiated_hex: alpn_negotiated
                .filter(|p| std::str::from_utf8(p).is_err())
                .map(hex::encode),
            client_random: ch.map(|c| hex::encode(c.random)),
            server_random: sh.map(|s| hex::encode(s.random)),
            session_id: sh.map(|s| hex::encode(&s.session_id)),
            resumed,
            renegotiations: self.renegotiations.into(),
            extended_master_secret: both(ExtensionType::EXTENDED_MASTER_SECRET),
            encrypt_then_mac: both(ExtensionType::ENCRYPT_THEN_MAC)
                && suite_info.is_some_and(|s| !s.is_aead() && s.block_len > 0),
            session_ticket: ch
                .and_then(|c| c.extension(ExtensionType::SESSION_TICKET))
                .map(|e| !matches!(e.data, ExtensionData::Flag {})),
            ja3,
            ja3_hash,
            ja4,
            ja3s,
            ja3s_hash,
            certificates: chains.server,
            client_certificates: chains.client,
            certificate_validation: chains.validation,
            messages: lists.messages,
            messages_omitted: lists.messages_omitted,
            alerts: lists.alerts,
            alerts_omitted: lists.alerts_omitted,
            transport: self.transport,
            community_id: crate::flow::community_id(
                self.endpoints[c],
                self.endpoints[s],
                self.transport,
            ),
            quic: None,
            dtls: None,
            tcp: (self.transport == FlowTransport::Tcp).then(|| TcpReport {
                client_bytes: tcp.stats[c].bytes,
                server_bytes: tcp.stats[s].bytes,
                gaps,
                gap_count: tcp.stats[0].gap_count + tcp.stats[1].gap_count,
                lost_bytes: tcp.stats[0].gap_bytes + tcp.stats[1].gap_bytes,
                retransmitted_bytes: tcp.stats[0].retransmitted_bytes
                    + tcp.stats[1].retransmitted_bytes,
                out_of_order_segments: tcp.stats[0].out_of_order_segments
                    + tcp.stats[1].out_of_order_segments,
                snaplen_truncated: tcp.snaplen_cut,
                buffer_cap_exceeded: tcp.stats[0].cap_exceeded || tcp.stats[1].cap_exceeded,
                closed: !tcp.open_at_end,
                evicted: tcp.evicted,
            }),
            records: [self.dirs[c].records, self.dirs[s].records],
            app_records: [self.dirs[c].app_records, self.dirs[s].app_records],
            app_bytes: [self.dirs[c].app_bytes, self.dirs[s].app_bytes],
            state,
            warnings: lists.warnings,
            warnings_omitted: lists.warnings_omitted,
            decryption,
            app_data,
            app,
            charge,
        })
    }
}

impl Session {
    /// The client's direction: who sent the ClientHello, else who opened the flow, else
    /// the sender from the ephemeral (higher) port.
    pub fn client_direction(&self, flow: &FlowSummary) -> Direction {
        self.client_hello_dir.unwrap_or_else(|| {
            flow.opener.unwrap_or({
                if self.endpoints[0].port >= self.endpoints[1].port {
                    Direction::Forward
                } else {
                    Direction::Reverse
                }
            })
        })
    }

    /// The group the key exchange used: TLS 1.3's ServerHello key share (a
    /// HelloRetryRequest only asks for one), else the ServerKeyExchange's curve.
    fn negotiated_group(&self) -> Option<NamedGroup> {
        match self.server_hello.as_deref() {
            Some(sh) if self.is_tls13() => sh.key_share_group().filter(|_| !sh.hello_retry_request),
            _ => self.key_exchange_group,
        }
    }

    /// The server resumed a session (TLS ≤ 1.2, abbreviated handshake) whose master
    /// secret is unknown.
    fn resumed_without_secret(&self) -> bool {
        match &self.crypto {
            Some(c) => c.resumed_without_secret(),
            None => self.server_hello.is_some() && !self.is_tls13() && !self.server_full_handshake,
        }
    }

    /// Where decryption stands, and why.
    fn decryption_report(
        &self,
        c: usize,
        s: usize,
        suite: Option<&'static cipher_suite::CipherSuite>,
        tls13: bool,
        incomplete: bool,
    ) -> DecryptionReport {
        let (cd, sd) = (&self.dirs[c], &self.dirs[s]);
        let hellos = (self.client_hello.is_some(), self.server_hello.is_some());
        let records = cd.records + sd.records;
        let mut r = DecryptionReport::without_keys(suite, tls13, incomplete, hellos, records);
        r.client_finished_verified = cd.finished == Some(FinishedCheck::Verified);
        r.server_finished_verified = sd.finished == Some(FinishedCheck::Verified);
        r.records_decrypted = PerSide {
            client: cd.decrypted_records(),
            server: sd.decrypted_records(),
        };
        r.record_failures = PerSide {
            client: cd.failed_records(),
            server: sd.failed_records(),
        };
        let crypto = self.crypto.as_deref();
        r.key_source = crypto.and_then(|c| c.source.clone());
        if self.sinks.report.log.keeps_secrets() {
            r.secrets = crypto.map(|c| c.secret_lines()).unwrap_or_default();
        }
        if let Some(e) = self.early.as_ref().filter(|e| e.offered) {
            r.early_data = Some(EarlyDataReport {
                records: e.records,
                bytes: e.bytes,
                decrypted_bytes: e.key_known.then_some(e.decrypted_bytes),
                accepted: e.accepted,
            });
        }
        let decrypted = cd.decrypted_records() + sd.decrypted_records();
        let failures = cd.failed_records() + sd.failed_records();
        let finished_failed = cd.finished == Some(FinishedCheck::Failed)
            || sd.finished == Some(FinishedCheck::Failed);
        let obstacle = crypto.and_then(|c| c.obstacle.as_ref());
        let (status, verdict, reason) = if decrypted > 0 && !finished_failed {
            let mut why = format!("{decrypted} records decrypted");
            if failures > 0 {
                why.push_str(&format!(", {failures} failed their MAC/tag/padding check"));
            }
            if incomplete {
                why.push_str("; gaps in the capture cut some records");
                (Status::Incomplete, Verdict::DecryptedWithGaps, why)
            } else {
                (Status::Decrypted, Verdict::Decrypted, why)
            }
        } else if crypto.is_some_and(|c| c.secret_known()) && (finished_failed || failures > 0) {
            (
                Status::KeyMismatch,
                Verdict::KeyMismatch,
                "the master secret does not verify: wrong key or corrupt records".to_string(),
            )
        } else if hellos.0
            && hellos.1
            && !incomplete
            && !self.dirs.iter().any(|d| d.encrypted)
            && obstacle.is_none_or(|o| {
                matches!(
                    o.verdict,
                    Verdict::ForwardSecret
                        | Verdict::KeylogNoLine
                        | Verdict::NoRsaKey
                        | Verdict::PskNeeded
                )
            })
        {
            // A failed handshake (a certificate refused, say) that never reached the
            // keys: no key or key log would show more than the records in the clear.
            // What the keys given did (an RSA padding failing, say) is still said.
            (
                Status::NotEncrypted,
                Verdict::NothingEncrypted,
                "neither side encrypted a record: the handshake stopped before its \
                 ChangeCipherSpec"
                    .to_string(),
            )
        } else if let Some(o) = obstacle {
            (o.status, o.verdict, o.reason.clone())
        } else if self.resumed_without_secret() && r.status == Status::NoKey {
            (
                Status::NoKey,
                Verdict::ResumedWithoutFullHandshake,
                "resumed session whose full handshake is not in the capture".to_string(),
            )
        } else if incomplete && crypto.is_some() && hellos.0 && hellos.1 {
            // Keys were given and nothing stood in their way: the handshake lost what
            // they needed (the ClientKeyExchange, or the key log's client random).
            (
                Status::Incomplete,
                Verdict::HandshakeSegmentLost,
                "a segment lost inside the handshake: the keys could not be settled".to_string(),
            )
        } else {
            (r.status, r.verdict, r.reason.clone())
        };
        let (status, verdict, reason) =
            if verdict == Verdict::ForwardSecret && self.tls13_psk_only() {
                // No (EC)DHE: not forward secret; the keys follow from the PSK alone.
                (
                    Status::NoKey,
                    Verdict::PskNeeded,
                    "TLS 1.3 PSK without (EC)DHE (psk_ke): the pre-shared key (--psk), or a key \
                 log, is needed"
                        .to_string(),
                )
            } else {
                (status, verdict, reason)
            };
        r.status = status;
        r.verdict = verdict;
        r.reason = reason;
        r
    }

    /// TLS 1.3 keyed by a PSK alone: the ServerHello selects a PSK and sends no key
    /// share (psk_ke, RFC 8446 §4.2.9).
    fn tls13_psk_only(&self) -> bool {
        self.is_tls13()
            && self.server_hello.as_ref().is_some_and(|sh| {
                sh.has_extension(ExtensionType::PRE_SHARED_KEY)
                    && !sh.has_extension(ExtensionType::KEY_SHARE)
            })
    }
}
