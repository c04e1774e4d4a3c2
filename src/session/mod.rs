//! The per-connection state machine: TLS records of both directions in, a
//! [`ConnectionReport`] out.
//!
//! ```text
//!  stream chunk ─► RecordDeframer ─► record ─┬─ handshake ─► HandshakeReassembler ─► message
//!   (per direction)                          ├─ change_cipher_spec (direction now encrypted)
//!                                            ├─ alert (clear, or encrypted)
//!                                            └─ application_data (counted, sized)
//! ```
//! Direction here is the TCP one (first sender = `Forward`); which side is the client is
//! decided by who sent the ClientHello (else the SYN, else the ephemeral port).

mod crypto;
mod log;
mod report;

pub use crypto::{FinishedCheck, KeyChange, KeySource, Obstacle, SessionCrypto};
pub use log::{json_len, Charge, EventLog, MemoryBudget, Retention};

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::crypto::record::{KeyChain, RecordKeys, Unlocked};
use crate::crypto::secrets::Secrets;
use crate::flow::Direction;
use crate::net::Endpoint;
use crate::report::model::{
    AlertEntry, AppDataRun, ConnectionReport, MessageBody, MessageEntry, Side,
};
use crate::report::wire::Chain;
use crate::tcp::{AssemblerStats, ConnectionSummary, StreamChunk};
use crate::tls::cipher_suite::{self, KeyExchange};
use crate::tls::handshake::{
    CertificateEntry, HandshakeFrame, HandshakeMessage, HandshakeReassembler, KeyExchangeHint,
    ParseContext,
};
use crate::tls::hello::{ClientHello, ServerHello};
use crate::tls::record::{self, Record, RecordDeframer, RecordEvent};
use crate::tls::registry::{ContentType, ExtensionType, HandshakeType, ProtocolVersion};

/// A direction that shows no TLS record within this many bytes is given up on.
const SNIFF_BUDGET: u64 = 64 * 1024;

#[derive(Debug, Default)]
struct DirState {
    deframer: RecordDeframer,
    handshake: HandshakeReassembler,
    /// ChangeCipherSpec seen (TLS ≤ 1.2) or TLS 1.3 keys in force: records are ciphertext.
    encrypted: bool,
    /// Encrypted handshake messages seen since the last ChangeCipherSpec.
    encrypted_handshakes: u32,
    fed: u64,
    /// Gaps the transport reported in this direction, and their bytes.
    gaps: u64,
    gap_bytes: u64,
    abandoned: bool,
    app_records: u64,
    app_bytes: u64,
    change_cipher_spec: bool,
    /// Keys, counts and the digest of decrypted data: made when keys first arrive
    /// (most connections of most runs never decrypt anything).
    dec: Option<Box<Decrypting>>,
    finished: Option<FinishedCheck>,
}

/// One direction's decryption.
#[derive(Debug, Default)]
struct Decrypting {
    /// The keys for this direction's records.
    keys: KeyChain,
    decrypted_records: u64,
    failed_records: u64,
    /// The digest of the decrypted application data.
    plaintext: Sha256,
    plaintext_bytes: u64,
    plaintext_records: u64,
}

/// Everything tlsscope learns about one TCP connection's TLS.
pub struct Session {
    id: u64,
    endpoints: [Endpoint; 2],
    dirs: [DirState; 2],
    client_hello_dir: Option<Direction>,
    /// The first ClientHello as it travelled (its body, or the SSLv2-format record),
    /// parsed again when needed: an open connection costs its bytes, not a parse tree.
    client_hello: Option<StoredHello>,
    server_hello: Option<Box<ServerHello>>,
    /// The server's and the client's certificate chains, when seen (and kept: they
    /// are charged to the detail budget).
    chains: Option<Box<Chains>>,
    /// Messages, alerts and warnings, bounded.
    log: EventLog,
    /// Server sent Certificate / ServerKeyExchange / ServerHelloDone (a full handshake).
    server_full_handshake: bool,
    saw_tls: bool,
    first_record_ts: Option<i64>,
    /// Capture times of the first and last chunk fed (for a report made early).
    first_ns: i64,
    last_ns: i64,
    /// The handshake crypto; `None` when the run has no key material at all (nothing
    /// could open the connection, so no transcript is kept).
    crypto: Option<Box<SessionCrypto>>,
    /// Where decrypted application data goes besides the digest (`follow`).
    plaintext_sink: Option<Box<dyn PlaintextSink>>,
    early: Option<Box<EarlyData>>,
    /// `--show-secrets`: the report carries the connection's secrets.
    show_secrets: bool,
}

/// Certificate chains, as the Certificate messages gave them.
#[derive(Debug, Default)]
struct Chains {
    server: Vec<CertificateEntry>,
    client: Vec<CertificateEntry>,
}

/// A ClientHello kept as bytes.
#[derive(Debug)]
struct StoredHello {
    body: Box<[u8]>,
    sslv2: bool,
}

impl StoredHello {
    fn parse(&self) -> Option<ClientHello> {
        if self.sslv2 {
            ClientHello::parse_sslv2(&self.body).ok()
        } else {
            ClientHello::parse(&self.body).ok()
        }
    }
}

/// The client's TLS 1.3 0-RTT data (boxed in the session: few connections send any).
#[derive(Debug, Default)]
struct EarlyData {
    offered: bool,
    records: u64,
    bytes: u64,
    decrypted_records: u64,
    decrypted_bytes: u64,
    /// The digest of the decrypted early data while it is unknown whether the server
    /// accepted it: then it starts the client's application data, or it is dropped.
    /// Hashing as it comes holds no early data in memory.
    digest: Sha256,
    /// The decrypted early data itself, held only for a plaintext sink (`follow`).
    pending: Vec<u8>,
    accepted: Option<bool>,
}

/// Early data held for `follow` while its acceptance is unknown (servers allow less).
const MAX_PENDING_EARLY_DATA: usize = 16 << 20;

/// Receives a connection's decrypted application data, in capture order.
pub trait PlaintextSink {
    fn data(&mut self, side: Side, bytes: &[u8]);
}

/// How the sessions of a run are set up.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    pub retention: Retention,
    /// Report detail all connections together may hold.
    pub budget: Arc<MemoryBudget>,
    /// `--show-secrets`: the report carries the connection's secrets.
    pub show_secrets: bool,
    /// Some key material may open connections (keys, key logs, a PSK, or a capture
    /// that can carry secrets blocks): keep the handshake crypto. Without any, a session
    /// keeps no transcript and derives nothing.
    pub decrypt: bool,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            retention: Retention::default(),
            budget: MemoryBudget::unlimited(),
            show_secrets: false,
            decrypt: true,
        }
    }
}

impl Session {
    pub fn new(id: u64, endpoints: [Endpoint; 2], settings: &SessionSettings) -> Self {
        Session {
            id,
            endpoints,
            dirs: [DirState::new(), DirState::new()],
            client_hello_dir: None,
            client_hello: None,
            server_hello: None,
            chains: None,
            log: EventLog::new(settings.retention, &settings.budget),
            server_full_handshake: false,
            saw_tls: false,
            first_record_ts: None,
            first_ns: i64::MAX,
            last_ns: i64::MIN,
            crypto: settings.decrypt.then(Box::default),
            plaintext_sink: None,
            early: None,
            show_secrets: settings.show_secrets,
        }
    }

    /// Hands the decrypted application data to `sink` as well (`follow`).
    pub fn with_plaintext_sink(mut self, sink: Box<dyn PlaintextSink>) -> Self {
        self.plaintext_sink = Some(sink);
        self
    }

    /// True once both directions have been given up on as not TLS.
    pub fn is_abandoned(&self) -> bool {
        self.dirs.iter().all(|d| d.abandoned) && !self.saw_tls
    }

    /// Feeds one reassembled chunk of one direction.
    pub fn on_chunk(
        &mut self,
        direction: Direction,
        chunk: StreamChunk<'_>,
        ts: i64,
        secrets: &mut Secrets,
    ) {
        self.first_ns = self.first_ns.min(ts);
        self.last_ns = self.last_ns.max(ts);
        let i = direction.index();
        if self.dirs[i].abandoned {
            return;
        }
        match chunk {
            StreamChunk::Gap(gap) => {
                let d = &mut self.dirs[i];
                d.deframer.gap();
                d.handshake.reset();
                d.gaps += 1;
                d.gap_bytes += gap.len;
            }
            StreamChunk::Data(data) => {
                let dir = &mut self.dirs[i];
                if dir.fed == 0 {
                    match record::sniff(data) {
                        // Picked up mid-stream, or not TLS: hunt for a record boundary.
                        record::Sniff::NotTls => dir.deframer.resync(),
                        // A stream that starts with a record header is TLS, even if the
                        // capture later loses the rest of the record.
                        record::Sniff::Tls => self.saw_tls = true,
                        record::Sniff::NeedMore => {}
                    }
                }
                dir.fed += data.len() as u64;
                let mut deframer = std::mem::take(&mut dir.deframer);
                deframer.push(data, &mut |ev| match ev {
                    RecordEvent::Record(r) => self.on_record(direction, r, ts, secrets),
                    RecordEvent::Skipped(_) => {}
                });
                let dir = &mut self.dirs[i];
                dir.deframer = deframer;
                if dir.deframer.records == 0 && dir.fed > SNIFF_BUDGET {
                    dir.abandoned = true;
                    dir.deframer = RecordDeframer::new();
                }
            }
        }
    }

    fn ctx(&self) -> ParseContext {
        let version = self.server_hello.as_ref().map(|s| s.version());
        let key_exchange = self
            .server_hello
            .as_ref()
            .and_then(|s| cipher_suite::lookup(s.suite_id()))
            .map(|s| match s.key_exchange {
                KeyExchange::Rsa | KeyExchange::RsaExport => KeyExchangeHint::Rsa,
                KeyExchange::Dh | KeyExchange::Dhe | KeyExchange::DhePsk => KeyExchangeHint::Dhe,
                KeyExchange::Ecdh | KeyExchange::Ecdhe | KeyExchange::EcdhePsk => {
                    KeyExchangeHint::Ecdhe
                }
                KeyExchange::Psk | KeyExchange::RsaPsk => KeyExchangeHint::Psk,
                _ => KeyExchangeHint::Unknown,
            })
            .unwrap_or_default();
        ParseContext {
            version,
            key_exchange,
        }
    }

    /// The client's records are 0-RTT early data now.
    fn in_early_data(&self, direction: Direction) -> bool {
        self.crypto
            .as_ref()
            .is_some_and(|c| c.in_early_data(direction))
    }

    /// The connection's (first) ClientHello.
    fn client_hello(&self) -> Option<ClientHello> {
        self.client_hello.as_ref()?.parse()
    }

    /// The ClientHello offered TLS 1.3.
    fn offers_tls13(&self) -> bool {
        self.client_hello()
            .is_some_and(|c| c.supported_versions().contains(&ProtocolVersion::TLS1_3))
    }

    /// TLS 1.3 (or a draft) was negotiated; a HelloRetryRequest already says so.
    fn is_tls13(&self) -> bool {
        self.server_hello
            .as_ref()
            .is_some_and(|s| s.version().is_tls13())
    }

    /// Whether a record of `direction` is protected (to be decrypted), rather than sent
    /// in the clear.
    fn is_protected(&self, direction: Direction, rec: &Record<'_>) -> bool {
        if rec.content_type == ContentType::CHANGE_CIPHER_SPEC
            || !self.dirs[direction.index()].encrypted
        {
            return false;
        }
        // TLS 1.3 protects every record as application_data (RFC 8446 §5.2): a record of
        // another outer type was sent in the clear (a plaintext alert, say).
        let tls13 = self.is_tls13() || (self.server_hello.is_none() && self.early_offered());
        if tls13 && rec.content_type != ContentType::APPLICATION_DATA {
            return false;
        }
        // No cipher suite turns a 2-byte alert into 2 bytes: it can only be in the clear.
        !(rec.content_type == ContentType::ALERT && rec.fragment.len() == 2)
    }

    fn on_record(&mut self, direction: Direction, rec: Record<'_>, ts: i64, secrets: &mut Secrets) {
        self.saw_tls = true;
        self.first_record_ts.get_or_insert(ts);
        let i = direction.index();
        if rec.content_type == ContentType::APPLICATION_DATA {
            self.dirs[i].app_records += 1;
            self.dirs[i].app_bytes += rec.fragment.len() as u64;
        }
        if rec.content_type == record::SSLV2_CLIENT_HELLO {
            match ClientHello::parse_sslv2(rec.fragment) {
                Ok(ch) => {
                    // The handshake hash covers this record's payload (RFC 5246 E.2).
                    let msg = HandshakeMessage::ClientHello(Box::new(ch));
                    if let Some(c) = &mut self.crypto {
                        c.on_message(
                            direction,
                            HandshakeType::CLIENT_HELLO,
                            Some(&msg),
                            rec.fragment,
                            secrets,
                        );
                    }
                    self.keep_client_hello(rec.fragment, true);
                    self.on_message(direction, msg, ts, secrets)
                }
                Err(e) => self.warn(direction, format!("SSLv2 ClientHello: {e}")),
            }
            return;
        }
        if !self.is_protected(direction, &rec) {
            self.on_plaintext(direction, rec.content_type, rec.fragment, ts, secrets, None);
            return;
        }
        let early = self.in_early_data(direction);
        match self.dirs[i].decrypt(rec.content_type.0, rec.version.0, rec.fragment) {
            Unlocked::Opened { opened, switched } => {
                self.dirs[i].dec_mut().decrypted_records += 1;
                if switched {
                    if let Some(c) = &mut self.crypto {
                        c.tls13_switched(direction);
                    }
                    self.apply_key_changes();
                }
                let early = early && !switched;
                if early {
                    let e = self.early_mut();
                    e.records += 1;
                    e.bytes += rec.fragment.len() as u64;
                }
                if early && ContentType(opened.content_type) == ContentType::APPLICATION_DATA {
                    self.on_early_data(direction, rec.fragment.len(), &opened.data, ts);
                } else {
                    self.on_plaintext(
                        direction,
                        ContentType(opened.content_type),
                        &opened.data,
                        ts,
                        secrets,
                        Some(rec.fragment.len()),
                    );
                }
            }
            Unlocked::NoKeys if early => {
                let e = self.early_mut();
                e.records += 1;
                e.bytes += rec.fragment.len() as u64;
                self.early_run(direction, ts, rec.fragment.len() as u64, None);
            }
            Unlocked::NoKeys => self.on_ciphertext(direction, rec, ts),
            Unlocked::Failed(e) => {
                let d = self.dirs[i].dec_mut();
                d.failed_records += 1;
                if d.failed_records == 1 {
                    let seq = d.keys.seq();
                    let when = if self.is_tls13() {
                        "under its traffic keys"
                    } else {
                        "after ChangeCipherSpec"
                    };
                    self.warn(direction, format!("record {seq} {when}: {e}"));
                }
                self.on_ciphertext(direction, rec, ts);
            }
        }
    }

    /// Applies the key changes the handshake crypto decided on.
    fn apply_key_changes(&mut self) {
        let changes = match &mut self.crypto {
            Some(c) => std::mem::take(&mut c.changes),
            None => return,
        };
        for (dir, change) in changes {
            let chain = &mut self.dirs[dir.index()].dec_mut().keys;
            match change {
                KeyChange::Install(k) => chain.install(k),
                KeyChange::Alternatives(v) => chain.install_alternatives(v),
                KeyChange::Next(k) => chain.expect_next(k),
                KeyChange::Update => {
                    if let Err(e) = chain.key_update() {
                        self.warn(dir, format!("KeyUpdate: {e}"));
                    }
                }
            }
        }
    }

    fn early_offered(&self) -> bool {
        self.early.as_ref().is_some_and(|e| e.offered)
    }

    fn early_mut(&mut self) -> &mut EarlyData {
        self.early.get_or_insert_with(Box::default)
    }

    /// Decrypted 0-RTT application data from the client.
    fn on_early_data(&mut self, direction: Direction, wire: usize, data: &[u8], ts: i64) {
        let keep = self.plaintext_sink.is_some();
        let e = self.early_mut();
        e.decrypted_records += 1;
        e.decrypted_bytes += data.len() as u64;
        match e.accepted {
            Some(true) => self.add_plaintext(direction, data),
            Some(false) => {}
            None => {
                e.digest.update(data);
                if keep && e.pending.len() + data.len() <= MAX_PENDING_EARLY_DATA {
                    e.pending.extend_from_slice(data);
                }
            }
        }
        self.early_run(direction, ts, wire as u64, Some(data.len()));
    }

    /// The server said whether it accepted the early data (or the capture ended).
    fn decide_early_data(&mut self, accepted: bool) {
        let Some(e) = self.early.as_mut() else {
            return;
        };
        if e.accepted.is_some() {
            return;
        }
        e.accepted = Some(accepted);
        let digest = std::mem::take(&mut e.digest);
        let pending = std::mem::take(&mut e.pending);
        let bytes = e.decrypted_bytes;
        let (Some(c), true, true) = (self.client_hello_dir, accepted, bytes > 0) else {
            return;
        };
        // The early data is the start of the client's application data: its digest
        // becomes the client's, as if it had been hashed there (one run of records).
        let d = self.dirs[c.index()].dec_mut();
        d.plaintext = digest;
        d.plaintext_bytes += bytes;
        d.plaintext_records += 1;
        let side = self.side_of(c);
        if let Some(sink) = &mut self.plaintext_sink {
            sink.data(side, &pending);
        }
    }

    /// Decrypted application data of one direction: hashed, counted, handed to the sink.
    fn add_plaintext(&mut self, direction: Direction, p: &[u8]) {
        let d = self.dirs[direction.index()].dec_mut();
        d.plaintext.update(p);
        d.plaintext_bytes += p.len() as u64;
        d.plaintext_records += 1;
        let side = self.side_of(direction);
        if let Some(sink) = &mut self.plaintext_sink {
            sink.data(side, p);
        }
    }

    /// A record we could not decrypt: counted and sized, never guessed at.
    fn on_ciphertext(&mut self, direction: Direction, rec: Record<'_>, ts: i64) {
        let i = direction.index();
        let length = rec.fragment.len();
        match rec.content_type {
            ContentType::HANDSHAKE => {
                self.dirs[i].encrypted_handshakes += 1;
                let body = if self.dirs[i].encrypted_handshakes == 1 && !self.is_tls13() {
                    MessageBody::EncryptedFinished {
                        length,
                        note: "Finished, encrypted: needs the session keys",
                    }
                } else {
                    MessageBody::EncryptedHandshake { length }
                };
                self.push_message(direction, ts, body);
            }
            ContentType::ALERT => {
                self.push_message(direction, ts, MessageBody::EncryptedAlert { length });
                self.log.push_alert(AlertEntry::encrypted(direction, ts));
            }
            ContentType::APPLICATION_DATA => self.app_data_run(direction, ts, length as u64, None),
            _ => self.on_plaintext_other(direction, rec.content_type, length, ts),
        }
    }

    /// A record in the clear, or decrypted (`wire`: its length as it travelled).
    fn on_plaintext(
        &mut self,
        direction: Direction,
        content_type: ContentType,
        fragment: &[u8],
        ts: i64,
        secrets: &mut Secrets,
        wire: Option<usize>,
    ) {
        let decrypted = wire.is_some();
        let i = direction.index();
        match content_type {
            ContentType::HANDSHAKE => {
                let mut frames: Vec<Vec<u8>> = Vec::new();
                let mut hs = std::mem::take(&mut self.dirs[i].handshake);
                let pushed = hs.push(fragment, &mut |f: HandshakeFrame<'_>| {
                    frames.push(f.raw.to_vec())
                });
                self.dirs[i].handshake = hs;
                if let Err(e) = pushed {
                    self.warn(direction, e.to_string());
                }
                for raw in frames {
                    self.on_frame(direction, &raw, ts, secrets);
                }
            }
            ContentType::CHANGE_CIPHER_SPEC => {
                // TLS 1.3's compatibility CCS can come before the ServerHello (after a
                // ClientHello with early data); a TLS ≤ 1.2 one never does.
                let tls13 = self.is_tls13() || (self.server_hello.is_none() && self.offers_tls13());
                let keys = if tls13 {
                    None
                } else {
                    self.crypto.as_mut().and_then(|c| c.take_keys(direction))
                };
                let d = &mut self.dirs[i];
                d.change_cipher_spec = true;
                // In TLS 1.3 the CCS is a compatibility no-op; keys changed already.
                if !tls13 {
                    d.encrypted = true;
                    d.encrypted_handshakes = 0;
                    match keys {
                        Some(k) => d.dec_mut().keys.install(RecordKeys::Tls12(k)),
                        None => {
                            if let Some(dec) = &mut d.dec {
                                dec.keys.clear();
                            }
                        }
                    }
                }
                self.push_message(direction, ts, MessageBody::ChangeCipherSpec {});
            }
            ContentType::ALERT => {
                if !decrypted && !plausible_clear_alerts(fragment) {
                    // Not alerts in the clear: protected ones, under keys whose change the
                    // capture did not show.
                    let length = fragment.len();
                    self.push_message(direction, ts, MessageBody::EncryptedAlert { length });
                    self.log.push_alert(AlertEntry::encrypted(direction, ts));
                    return;
                }
                for pair in fragment.chunks(2) {
                    if pair.len() < 2 {
                        self.warn(direction, "alert record of odd length".into());
                        break;
                    }
                    let alert = AlertEntry::clear(direction, ts, pair[0], pair[1]);
                    self.push_message(direction, ts, MessageBody::Alert(alert));
                    self.log.push_alert(alert);
                }
            }
            ContentType::APPLICATION_DATA => {
                let plain = decrypted.then_some(fragment);
                if let Some(p) = plain {
                    if self.side_of(direction) == Side::Client {
                        // Data after the early data: the server took the early data.
                        self.decide_early_data(true);
                    }
                    self.add_plaintext(direction, p);
                }
                let wire = wire.unwrap_or(fragment.len()) as u64;
                self.app_data_run(direction, ts, wire, plain.map(|p| p.len()));
            }
            other => self.on_plaintext_other(direction, other, fragment.len(), ts),
        }
    }

    fn on_plaintext_other(
        &mut self,
        direction: Direction,
        content_type: ContentType,
        length: usize,
        ts: i64,
    ) {
        if content_type == ContentType::HEARTBEAT {
            self.push_message(direction, ts, MessageBody::Heartbeat { length });
        } else {
            self.warn(
                direction,
                format!("record of unknown content type {}", content_type.0),
            );
        }
    }

    /// Counts application data, merging consecutive records of one direction.
    fn app_data_run(&mut self, direction: Direction, ts: i64, wire: u64, plain: Option<usize>) {
        self.data_run(direction, ts, wire, plain, false)
    }

    /// Counts 0-RTT early data, merging consecutive records.
    fn early_run(&mut self, direction: Direction, ts: i64, wire: u64, plain: Option<usize>) {
        self.data_run(direction, ts, wire, plain, true)
    }

    fn data_run(
        &mut self,
        direction: Direction,
        ts: i64,
        wire: u64,
        plain: Option<usize>,
        early: bool,
    ) {
        if let Some(run) = self.log.open_run(direction, early) {
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
        self.push_message(direction, ts, body);
    }

    /// One whole handshake message (header included).
    fn on_frame(&mut self, direction: Direction, raw: &[u8], ts: i64, secrets: &mut Secrets) {
        let msg_type = HandshakeType(raw[0]);
        let frame = HandshakeFrame {
            msg_type,
            body: &raw[4..],
            raw,
        };
        let parsed = HandshakeMessage::parse(&frame, &self.ctx());
        let check = self
            .crypto
            .as_mut()
            .and_then(|c| c.on_message(direction, msg_type, parsed.as_ref().ok(), raw, secrets));
        if let Some(check) = check {
            self.dirs[direction.index()].finished = Some(check);
        }
        self.apply_key_changes();
        if let Ok(HandshakeMessage::ClientHello(_)) = &parsed {
            self.keep_client_hello(&raw[4..], false);
        }
        match parsed {
            Ok(m) => self.on_message(direction, m, ts, secrets),
            Err(e) => {
                let name = msg_type.title_label().into_owned();
                let text = e.to_string();
                let text = if text.starts_with(&name) {
                    text
                } else {
                    format!("{name}: {text}")
                };
                self.warn(direction, text);
                self.push_message(
                    direction,
                    ts,
                    MessageBody::Malformed {
                        msg_type,
                        name,
                        length: raw.len() - 4,
                        error: e.to_string(),
                    },
                );
            }
        }
    }

    /// Keeps the connection's first ClientHello (a renegotiation's is only a message).
    fn keep_client_hello(&mut self, body: &[u8], sslv2: bool) {
        if self.client_hello.is_none() {
            self.client_hello = Some(StoredHello {
                body: body.into(),
                sslv2,
            });
        }
    }

    fn on_message(
        &mut self,
        direction: Direction,
        msg: HandshakeMessage,
        ts: i64,
        secrets: &mut Secrets,
    ) {
        match &msg {
            HandshakeMessage::ClientHello(_) if self.client_hello_dir.is_none() => {
                self.client_hello_dir = Some(direction);
                if self.in_early_data(direction) {
                    // 0-RTT: the client's next records are encrypted already.
                    self.early_mut().offered = true;
                    self.dirs[direction.index()].encrypted = true;
                }
            }
            HandshakeMessage::EncryptedExtensions { extensions, .. } if self.early_offered() => {
                let accepted = extensions.iter().any(|e| e.id == ExtensionType::EARLY_DATA);
                self.decide_early_data(accepted);
            }
            HandshakeMessage::ServerHello(sh) => {
                let retry = sh.hello_retry_request;
                if self
                    .server_hello
                    .as_ref()
                    .is_none_or(|s| s.hello_retry_request)
                {
                    self.server_hello = Some(sh.clone());
                }
                if !retry && self.is_tls13() {
                    // Everything the server sends after its ServerHello is encrypted.
                    self.dirs[direction.index()].encrypted = true;
                    self.dirs[direction.other().index()].encrypted = true;
                }
            }
            HandshakeMessage::Certificate { certificates, .. } => {
                let server = self.side_of(direction) == Side::Server;
                if server {
                    self.server_full_handshake = true;
                    if self.is_tls13() {
                        // The chain came encrypted: a key that matches it is the
                        // server's, whatever opened the connection.
                        mark_matching_keys(certificates, secrets);
                    }
                }
                self.keep_chain(server, certificates, direction);
            }
            HandshakeMessage::ServerKeyExchange { .. } | HandshakeMessage::ServerHelloDone {} => {
                self.server_full_handshake = true;
            }
            _ => {}
        }
        self.push_message(direction, ts, MessageBody::Handshake(Box::new(msg)));
    }

    /// Keeps the first chain each side sent, if the detail budget has room for it.
    fn keep_chain(&mut self, server: bool, chain: &[CertificateEntry], direction: Direction) {
        let chains = self.chains.get_or_insert_with(Box::default);
        let kept = if server {
            &chains.server
        } else {
            &chains.client
        };
        if !kept.is_empty() || chain.is_empty() {
            return;
        }
        if !self.log.charge(json_len(&Chain(chain))) {
            self.warn(
                direction,
                "certificate chain not kept: the memory budget is spent (--max-memory)".into(),
            );
            return;
        }
        let chains = self.chains.get_or_insert_with(Box::default);
        let slot = if server {
            &mut chains.server
        } else {
            &mut chains.client
        };
        *slot = chain.to_vec();
    }

    fn push_message(&mut self, direction: Direction, ts: i64, body: MessageBody) {
        self.log.push_message(MessageEntry {
            direction,
            side: Side::Client, // fixed up in `finish` once the roles are known
            timestamp_ns: ts,
            body,
        });
    }

    fn warn(&mut self, direction: Direction, text: String) {
        let who = match self.side_of(direction) {
            Side::Client => "client",
            Side::Server => "server",
        };
        self.log.warn(format!("{who}: {text}"));
    }

    /// Which side sent in `direction`, as far as we know now.
    fn side_of(&self, direction: Direction) -> Side {
        match self.client_hello_dir {
            Some(d) if d == direction => Side::Client,
            Some(_) => Side::Server,
            None => Side::Client,
        }
    }

    /// Bytes held in buffers (for memory accounting).
    pub fn buffered(&self) -> usize {
        self.dirs
            .iter()
            .map(|d| d.deframer.buffered() + d.handshake.buffered())
            .sum()
    }

    /// About the memory this session holds (its report detail apart: that is charged to
    /// the detail budget): what the run's state budget counts.
    pub fn held_bytes(&self) -> usize {
        let dirs: usize = self
            .dirs
            .iter()
            .map(|d| {
                d.deframer.capacity()
                    + d.handshake.capacity()
                    + d.dec.as_ref().map_or(0, |x| {
                        std::mem::size_of::<Decrypting>() + x.keys.held_bytes()
                    })
            })
            .sum();
        std::mem::size_of::<Session>()
            + dirs
            + self.client_hello.as_ref().map_or(0, |h| h.body.len() + 16)
            + self.server_hello.as_ref().map_or(0, |h| {
                std::mem::size_of::<ServerHello>() + h.extensions.len() * 64
            })
            + self.crypto.as_ref().map_or(0, |c| c.held_bytes())
            + self.early.as_ref().map_or(0, |e| {
                std::mem::size_of::<EarlyData>() + e.pending.capacity()
            })
    }

    /// Capture time of the last chunk fed.
    pub fn last_active_ns(&self) -> i64 {
        self.last_ns
    }

    /// Ends the session before its connection did (the run's memory for open
    /// connections ran out): its report from what was seen so far, marked evicted.
    pub fn evict(self, why: &str) -> Option<ConnectionReport> {
        let stats = |d: &DirState| AssemblerStats {
            bytes: d.fed,
            gap_count: d.gaps,
            gap_bytes: d.gap_bytes,
            ..Default::default()
        };
        let summary = ConnectionSummary {
            id: self.id,
            endpoints: self.endpoints,
            syn_sender: None,
            first_seen_ns: self.first_ns.min(self.last_ns),
            last_seen_ns: self.last_ns,
            stats: [stats(&self.dirs[0]), stats(&self.dirs[1])],
            gaps: [Vec::new(), Vec::new()],
            snaplen_cut: false,
            open_at_end: true,
            evicted: true,
        };
        let mut report = self.finish(&summary)?;
        report.warnings.push(format!(
            "analysis stopped early: {why}; what the connection sent later was not analysed"
        ));
        Some(report)
    }
}

/// Notes every loaded key whose modulus is the chain's leaf key as used.
fn mark_matching_keys(chain: &[CertificateEntry], secrets: &mut Secrets) {
    let Some(CertificateEntry::Parsed(leaf)) = chain.first() else {
        return;
    };
    let Some(modulus) = &leaf.public_key.rsa_modulus else {
        return;
    };
    let matching: Vec<usize> = (0..secrets.keys.len())
        .filter(|&i| secrets.keys[i].matches_modulus(modulus))
        .collect();
    for i in matching {
        secrets.mark_used(i);
    }
}

/// Whether an alert record read in the clear really is alerts in the clear: whole
/// two-byte alerts whose levels are warning (1) or fatal (2). A protected alert read
/// without its keys fails this with overwhelming odds.
fn plausible_clear_alerts(fragment: &[u8]) -> bool {
    !fragment.is_empty()
        && fragment.len().is_multiple_of(2)
        && fragment.chunks(2).all(|a| matches!(a[0], 1 | 2))
}

impl DirState {
    fn dec_mut(&mut self) -> &mut Decrypting {
        self.dec.get_or_insert_with(Box::default)
    }

    fn decrypt(&mut self, content_type: u8, version: u16, fragment: &[u8]) -> Unlocked {
        match &mut self.dec {
            Some(d) => d.keys.decrypt(content_type, version, fragment),
            None => Unlocked::NoKeys,
        }
    }

    fn decrypted_records(&self) -> u64 {
        self.dec.as_ref().map_or(0, |d| d.decrypted_records)
    }

    fn failed_records(&self) -> u64 {
        self.dec.as_ref().map_or(0, |d| d.failed_records)
    }

    fn new() -> Self {
        DirState {
            deframer: RecordDeframer::new(),
            ..Default::default()
        }
    }
}
#[cfg(test)]
mod tests;
