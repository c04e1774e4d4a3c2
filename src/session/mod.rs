//! The per-connection state machine: TLS records (or handshake messages) of both
//! directions in, [`Event`]s out, and at the end a [`ConnectionReport`].
//!
//! ```text
//!  adapters, one per transport                 Session                          sinks
//!  ─────────────────────────                   ───────                          ─────
//!  StreamFeed (TCP: bytes → records) ─┐   record ─┬─ handshake ─► reassembly ─► message ─┐
//!  DtlsFeed (DTLS: records, messages)─┼─► on_record  ├─ change_cipher_spec (keys switch)  ├─► Event ─► ReportBuilder
//!  QuicFeed (QUIC: CRYPTO by level) ─ on_handshake_data ┤─ alert (clear or protected)     │           Digests
//!  gaps from any transport ── on_gap                 └─ application_data (decrypted?) ───┘           AppSink (follow, HTTP)
//!                                      handshake crypto (crypto/): transcript, secrets, keys
//! ```
//! DTLS's records come by `on_dtls_record` (each opened by the number its header
//! carries; handshake content goes back to the adapter to be reassembled), its whole
//! messages by `on_frame_hashed` (TLS form to parse, DTLS form to hash).
//! Directions are the transport's (`Forward` = the first sender); which side is the
//! client is decided by who sent the ClientHello (else who opened the flow, else the
//! ephemeral port). The session keeps what the protocol needs (hellos, keys, counters);
//! the lists a report is made of are built by the [`ReportBuilder`] sink from events.

mod crypto;
mod digest;
mod dtls;
mod dtls13;
mod events;
mod feed;
mod log;
mod messages;
mod quic;
mod records;
mod report;
mod stream;

pub use crypto::{FinishedCheck, KeyChange, KeySource, Obstacle, SessionCrypto};
pub use dtls::DtlsFeed;
pub use events::{AppDecoder, Event, KeyEvent, SessionSink};
pub use feed::{Feed, Input};
pub use log::{json_len, Charge, EventLog, MemoryBudget, Retention};
pub use quic::QuicFeed;
pub use report::ReportBuilder;
pub use stream::{StreamFeed, SNIFF_BUDGET};

use std::sync::Arc;

use crate::app::AppDecoders;
use crate::crypto::record::KeyChain;
use crate::crypto::secrets::Secrets;
use crate::flow::{Direction, DirectionStats, FlowSummary, Gap, Transport};
use crate::net::Endpoint;
use crate::report::model::{ConnectionReport, Side};
use crate::tls::handshake::{CertificateEntry, HandshakeReassembler};
use crate::tls::hello::{ClientHello, ServerHello};
use crate::tls::registry::{NamedGroup, ProtocolVersion};

use self::digest::Digests;
use self::events::AppSink;
use crate::crypto::sha256::SharedPass;

/// Where a connection's hellos stand (TLS ≤ 1.2 renegotiation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hellos {
    /// No ServerHello (other than a HelloRetryRequest) answered the ClientHello yet: the
    /// next ClientHello is a retry (HRR, DTLS's HelloVerifyRequest), not a renegotiation.
    Unanswered,
    Answered,
    /// A ClientHello came after an answered one: a renegotiation, once answered.
    RenegotiationAsked,
}

/// One direction's record-layer state.
#[derive(Debug, Default)]
struct DirState {
    handshake: HandshakeReassembler,
    /// ChangeCipherSpec seen (TLS ≤ 1.2) or TLS 1.3 keys in force: records are ciphertext.
    encrypted: bool,
    /// Encrypted handshake messages seen since the last ChangeCipherSpec.
    encrypted_handshakes: u32,
    /// Records seen, and bytes that did not parse as records (lost sync, gaps).
    records: u64,
    unparsed: u64,
    /// Gaps the transport reported in this direction, and their bytes.
    gaps: u64,
    gap_bytes: u64,
    app_records: u64,
    app_bytes: u64,
    /// An application_data record longer than a protected alert: TLS 1.3 keeps its
    /// Finished (at least 32 + 4 + 1 bytes and a tag) and its data in such records.
    app_record_over_alert: bool,
    change_cipher_spec: bool,
    /// A record over the negotiated max_fragment_length was seen (warned once).
    over_fragment_length: bool,
    /// Keys and counts: made when keys first arrive (most connections of most runs never
    /// decrypt anything).
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
}

/// Everything tlsscope learns about one connection's TLS.
pub struct Session {
    id: u64,
    endpoints: [Endpoint; 2],
    dirs: [DirState; 2],
    client_hello_dir: Option<Direction>,
    /// The first ClientHello as it travelled (its body, or the SSLv2-format record),
    /// parsed again when needed: an open connection costs its bytes, not a parse tree.
    client_hello: Option<Box<[u8]>>,
    /// `client_hello` is an SSLv2-format record (kept out of it: beside the box, the flag
    /// would pad a word).
    client_hello_sslv2: bool,
    server_hello: Option<Box<ServerHello>>,
    /// The server's and the client's certificate chains, when seen (and kept: they
    /// are charged to the memory budget).
    chains: Option<Box<Chains>>,
    /// Server sent Certificate / ServerKeyExchange / ServerHelloDone (a full handshake).
    server_full_handshake: bool,
    /// The named group of the first handshake's ServerKeyExchange (TLS ≤ 1.2 ECDHE);
    /// TLS 1.3's comes from the ServerHello's key share.
    key_exchange_group: Option<NamedGroup>,
    /// The plaintext bytes a record may carry once the ServerHello agreed a
    /// max_fragment_length (RFC 6066 §4), 0 when it did not: read once from the
    /// ServerHello, since every record is checked against it.
    max_fragment_length: u16,
    /// Where the hellos stand: a ClientHello after an answered one asks for a
    /// renegotiation, which is one once the server answers it too (a refusal, a
    /// no_renegotiation alert, is none).
    hellos: Hellos,
    /// Handshakes after the first on this connection (TLS ≤ 1.2 renegotiation) that the
    /// server took up; a count that stops at its maximum (the session stays within 512
    /// bytes).
    renegotiations: u16,
    /// The last heartbeat's direction and what it carried (its payload, or its record's
    /// length when encrypted), until the other side answers it.
    heartbeat_sent: Option<(Direction, u16)>,
    saw_tls: bool,
    /// Capture times of the first and last data fed (for a report made early).
    first_ns: i64,
    last_ns: i64,
    /// Frame numbers of the first and last input fed (for a report made early).
    first_frame: u64,
    last_frame: u64,
    /// The handshake crypto; `None` when the run has no key material at all (nothing
    /// could open the connection, so no transcript is kept).
    crypto: Option<Box<SessionCrypto>>,
    early: Option<Box<EarlyData>>,
    /// Handshake messages fed by encryption level (QUIC's CRYPTO frames), when any.
    levels: Option<Box<[[HandshakeReassembler; 4]; 2]>>,
    sinks: Sinks,
    /// `--show-secrets`: the report carries the connection's secrets.

    /// What carried the connection (its report says so; JA4 marks it).
    transport: Transport,
}

/// Where a session's events go: always the report's lists and the digests; an
/// application decoder and an observer when the connection has them.
struct Sinks {
    report: ReportBuilder,
    digests: Digests,
    /// What the application protocol said.
    decoders: AppDecoders,
    app: Option<Box<AppSink>>,
    observer: Option<Box<dyn SessionSink>>,
}

impl Sinks {
    fn emit(&mut self, event: &Event<'_>) {
        self.dispatch(event, None);
    }

    /// A QUIC stream's in-order piece, with the stream's digest over it.
    fn emit_stream_data(&mut self, event: &Event<'_>, digest: SharedPass<'_>) {
        self.dispatch(event, Some(digest));
    }

    /// Every sink sees the event. The digest over the event's bytes (a record's
    /// `app_data` digest, or the QUIC stream's `digest`) runs as the decoders read
    /// them, in step with the bodies they find in them.
    fn dispatch(&mut self, event: &Event<'_>, digest: Option<SharedPass<'_>>) {
        self.report.event(event);
        self.digests.event(event);
        let mut pass = match (event, digest) {
            (_, Some(d)) => d,
            (
                &Event::Plaintext {
                    dir, bytes, early, ..
                },
                None,
            ) => self.digests.plaintext(dir, bytes, early),
            _ => SharedPass::none(),
        };
        self.decoders.event_beside(event, &mut pass);
        drop(pass);
        if let Some(app) = &mut self.app {
            app.event(event);
        }
        if let Some(o) = &mut self.observer {
            o.event(event);
        }
    }
}

/// Certificate chains, as the Certificate messages gave them.
#[derive(Debug, Default)]
struct Chains {
    server: Vec<CertificateEntry>,
    client: Vec<CertificateEntry>,
    /// The server chain's validation, when the run validates.
    validation: Option<crate::pki::CertificateValidation>,
}

/// The client's TLS 1.3 0-RTT data (boxed in the session: few connections send any).
#[derive(Debug, Default)]
struct EarlyData {
    offered: bool,
    records: u64,
    bytes: u64,
    decrypted_records: u64,
    decrypted_bytes: u64,
    accepted: Option<bool>,
    /// A record opened under the early key (the key log had it).
    key_known: bool,
    /// The wire length of the last early record, when it could not be opened: if the
    /// server accepted, the client's EndOfEarlyData (RFC 8446 §4.5) rather than data.
    last_unopened: u64,
}

/// The encryption level a handshake message travelled at (QUIC: RFC 9001 §4.1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Initial = 0,
    EarlyData = 1,
    Handshake = 2,
    Application = 3,
}

/// How the sessions of a run are set up.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    pub retention: Retention,
    /// What all connections together may hold (shared with the run).
    pub budget: Arc<MemoryBudget>,
    /// Some key material may open connections (keys, key logs, a PSK, or a capture
    /// that can carry secrets blocks): keep the handshake crypto. Without any, a session
    /// keeps no transcript and derives nothing.
    pub decrypt: bool,
    /// Decode the application protocol (HTTP) inside decrypted data, for the report's
    /// `app` (`--no-http` turns it off).
    pub decode_app: bool,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            retention: Retention::default(),
            budget: MemoryBudget::unlimited(),
            decrypt: true,
            decode_app: true,
        }
    }
}

impl Session {
    pub fn new(id: u64, endpoints: [Endpoint; 2], settings: &SessionSettings) -> Self {
        Session {
            id,
            endpoints,
            dirs: [DirState::default(), DirState::default()],
            client_hello_dir: None,
            client_hello: None,
            client_hello_sslv2: false,
            server_hello: None,
            heartbeat_sent: None,
            chains: None,
            server_full_handshake: false,
            key_exchange_group: None,
            max_fragment_length: 0,
            hellos: Hellos::Unanswered,
            renegotiations: 0,
            saw_tls: false,
            first_ns: i64::MAX,
            last_ns: i64::MIN,
            first_frame: 0,
            last_frame: 0,
            crypto: settings.decrypt.then(Box::default),
            early: None,
            levels: None,
            sinks: Sinks {
                report: ReportBuilder::new(settings.retention, &settings.budget),
                digests: Digests::default(),
                decoders: if settings.decode_app {
                    AppDecoders::default()
                } else {
                    AppDecoders::off()
                },
                app: None,
                observer: None,
            },
            transport: Transport::Tcp,
        }
    }

    /// The connection travelled over `transport` (TCP unless said).
    pub fn with_transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// Hands the connection's decrypted application data to `decoder` too.
    pub fn with_app_decoder(mut self, decoder: Box<dyn AppDecoder>) -> Self {
        self.sinks.app = Some(Box::new(AppSink::new(decoder)));
        self
    }

    /// Hands every event to `sink` too (tools built on the library, tests).
    pub fn with_observer(mut self, sink: Box<dyn SessionSink>) -> Self {
        self.sinks.observer = Some(sink);
        self
    }

    /// The transport delivered something at `ts`.
    pub fn touch(&mut self, ts: i64) {
        self.first_ns = self.first_ns.min(ts);
        self.last_ns = self.last_ns.max(ts);
    }

    /// What is fed next came in frame `frame` of its file: the messages it completes
    /// carry that number.
    pub fn at_frame(&mut self, frame: u64) {
        if self.first_frame == 0 {
            self.first_frame = frame;
        }
        self.last_frame = frame;
        self.sinks.report.frame = frame;
    }

    /// The bytes are TLS (a record header opened the stream), whatever follows.
    pub fn mark_tls(&mut self) {
        self.saw_tls = true;
    }

    /// Whether the connection carried any TLS.
    pub fn saw_tls(&self) -> bool {
        self.saw_tls
    }

    /// `bytes` of a direction did not parse as records (the adapter lost sync).
    pub fn on_unparsed(&mut self, dir: Direction, bytes: u64) {
        self.dirs[dir.index()].unparsed += bytes;
    }

    /// The transport lost bytes of a direction: a partial handshake message under them
    /// can't be completed.
    pub fn on_gap(&mut self, dir: Direction, gap: Gap) {
        let d = &mut self.dirs[dir.index()];
        d.handshake.reset();
        d.gaps += 1;
        d.gap_bytes += gap.len;
        if let Some(dec) = &mut d.dec {
            dec.keys.after_loss(gap.len);
        }
        let side = self.side_of(dir);
        self.sinks.emit(&Event::Gap { dir, side, gap });
    }

    /// Handshake bytes that travelled outside TLS records, by encryption level (QUIC's
    /// CRYPTO frames, already decrypted by packet protection): each level is its own
    /// stream of handshake messages.
    ///
    /// Returns the connection ID the server's EncryptedExtensions offered with its
    /// preferred address (QUIC), when these bytes completed them.
    pub fn on_handshake_data(
        &mut self,
        dir: Direction,
        level: Level,
        data: &[u8],
        ts: i64,
        secrets: &mut Secrets,
    ) -> Option<Vec<u8>> {
        self.touch(ts);
        self.saw_tls = true;
        let levels = self.levels.get_or_insert_with(Box::default);
        let reassembler = &mut levels[dir.index()][level as usize];
        let mut frames: Vec<Vec<u8>> = Vec::new();
        let pushed = reassembler.push(data, &mut |f| frames.push(f.raw.to_vec()));
        if let Err(e) = pushed {
            self.warn(dir, e.to_string());
        }
        let mut preferred = None;
        for raw in frames {
            if preferred.is_none() {
                preferred = crate::quic::transport_parameters::preferred_address_cid(&raw);
            }
            self.on_frame(dir, &raw, ts, secrets);
        }
        preferred
    }

    /// The client's records are 0-RTT early data now.
    fn in_early_data(&self, direction: Direction) -> bool {
        self.crypto
            .as_ref()
            .is_some_and(|c| c.in_early_data(direction))
    }

    /// The connection's (first) ClientHello.
    fn client_hello(&self) -> Option<ClientHello> {
        let body = self.client_hello.as_deref()?;
        if self.client_hello_sslv2 {
            ClientHello::parse_sslv2(body).ok()
        } else {
            ClientHello::parse(body).ok()
        }
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
            .is_some_and(|s| s.version().tls_equivalent().is_tls13())
    }

    fn early_offered(&self) -> bool {
        self.early.as_ref().is_some_and(|e| e.offered)
    }

    fn early_mut(&mut self) -> &mut EarlyData {
        self.early.get_or_insert_with(Box::default)
    }

    fn warn(&mut self, direction: Direction, text: String) {
        let who = self.side_of(direction).as_str();
        self.sinks.emit(&Event::Warning {
            text: &format!("{who}: {text}"),
        });
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
        self.dirs.iter().map(|d| d.handshake.buffered()).sum()
    }

    /// About the memory this session holds (its report detail apart: that is charged to
    /// the memory budget entry by entry): what the run counts for it.
    pub fn held_bytes(&self) -> usize {
        let dirs: usize = self
            .dirs
            .iter()
            .map(|d| {
                d.handshake.capacity()
                    + d.dec.as_ref().map_or(0, |x| {
                        std::mem::size_of::<Decrypting>() + x.keys.held_bytes()
                    })
            })
            .sum();
        std::mem::size_of::<Session>()
            + dirs
            + self.client_hello.as_ref().map_or(0, |h| h.len() + 16)
            + self.server_hello.as_ref().map_or(0, |h| {
                std::mem::size_of::<ServerHello>() + h.extensions.len() * 64
            })
            + self.crypto.as_ref().map_or(0, |c| c.held_bytes())
            + self
                .early
                .as_ref()
                .map_or(0, |_| std::mem::size_of::<EarlyData>())
            + self.levels.as_ref().map_or(0, |l| {
                l.iter()
                    .flatten()
                    .map(|r| r.capacity() + std::mem::size_of::<HandshakeReassembler>())
                    .sum()
            })
            + self.sinks.digests.held_bytes()
            + self.sinks.decoders.held_bytes()
            + self.sinks.app.as_ref().map_or(0, |a| a.held_bytes())
    }

    /// QUIC Retry: the client begins again with a new Initial and a new ClientHello
    /// (aioquic, for one, makes a new random), whose bytes start the Initial CRYPTO
    /// stream again. The hello the server answers is the connection's: the one kept so
    /// far is forgotten, and so is what the Initial level held.
    pub fn restart_initial(&mut self) {
        self.client_hello = None;
        if let Some(levels) = &mut self.levels {
            for dir in levels.iter_mut() {
                dir[Level::Initial as usize] = HandshakeReassembler::default();
            }
        }
    }

    /// The client's direction if a ClientHello said so yet.
    pub fn client_direction_so_far(&self) -> Option<Direction> {
        self.client_hello_dir
    }

    /// Capture time of the last data fed.
    pub fn last_active_ns(&self) -> i64 {
        self.last_ns
    }

    /// Ends the session before its connection did (the run's memory ran out): its
    /// report from what was seen so far (`fed`: the bytes each direction delivered),
    /// marked evicted.
    pub fn evict(self, why: &str, fed: [u64; 2]) -> Option<ConnectionReport> {
        let stats = |i: usize| DirectionStats {
            bytes: fed[i],
            gap_count: self.dirs[i].gaps,
            gap_bytes: self.dirs[i].gap_bytes,
            ..Default::default()
        };
        let summary = FlowSummary {
            id: self.id,
            endpoints: self.endpoints,
            opener: None,
            first_seen_ns: self.first_ns.min(self.last_ns),
            last_seen_ns: self.last_ns,
            first_frame: self.first_frame,
            last_frame: self.last_frame,
            stats: [stats(0), stats(1)],
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

impl DirState {
    fn dec_mut(&mut self) -> &mut Decrypting {
        self.dec.get_or_insert_with(Box::default)
    }

    fn decrypted_records(&self) -> u64 {
        self.dec.as_ref().map_or(0, |d| d.decrypted_records)
    }

    fn failed_records(&self) -> u64 {
        self.dec.as_ref().map_or(0, |d| d.failed_records)
    }
}

#[cfg(test)]
mod test_flow;
#[cfg(test)]
mod tests;
