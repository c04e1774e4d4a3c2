//! Fuzz harnesses for tlsscope: one function per fuzz target, each taking the raw
//! fuzz input. The targets in `fuzz_targets/` only call these, and the main crate's
//! `tests/fuzz_regressions.rs` includes this file (`#[path]`) to replay the saved
//! crash inputs through exactly the same code. Only tlsscope's public API, std and
//! crates that tlsscope depends on too (flate2; aes, aes-gcm, chacha20poly1305, hmac
//! and sha2 for the record encryption of `session_decrypted`) are used, so the file
//! compiles in both places.
//!
//! Every function must return normally for any input: errors are fine, panics
//! (including arithmetic overflow under debug assertions) are bugs.

use std::collections::HashMap;
use std::sync::OnceLock;

use tlsscope::app::Decoder;
use tlsscope::capture::{
    strip_link_layer, CaptureEvent, CaptureReader, LinkError, LinkType, NetworkPayload,
};
use tlsscope::crypto::keylog::KeyLog;
use tlsscope::crypto::keys::{decrypt_pre_master, load_key_bytes, ServerKey};
use tlsscope::crypto::prf::{self, PrfKind};
use tlsscope::crypto::record::{ProtectedHeader, RecordAad, RecordDecryptor, Tls13Decryptor};
use tlsscope::crypto::secrets::Secrets;
use tlsscope::crypto::tls13::{SuiteHash, Tls13Variant};
use tlsscope::net::NetDecoder;
use tlsscope::report::follow::{FollowWriter, Format, Which};
use tlsscope::report::model::Side;
use tlsscope::report::model::{CaptureReport, Report};
use tlsscope::session::{
    AppDecoder, MemoryBudget, Retention, Session, SessionSettings, StreamFeed,
};
use tlsscope::tcp::{Chunk, FlowLimits, FlowTable, TcpEvent};
use tlsscope::tls::certificate::summarize;
use tlsscope::tls::cipher_suite::{lookup, CipherSuiteId};
use tlsscope::tls::extensions::{parse_extensions, raw_extension, HelloKind};
use tlsscope::tls::fingerprint::{self, Transport};
use tlsscope::tls::handshake::{
    HandshakeMessage, HandshakeReassembler, KeyExchangeHint, ParseContext,
};
use tlsscope::tls::hello::{ClientHello, ServerHello};
use tlsscope::tls::record::{self, RecordDeframer, RecordEvent, SSLV2_CLIENT_HELLO};
use tlsscope::tls::registry::{ContentType, ExtensionType, ProtocolVersion};
use tlsscope::tls::scan::KeyExchangeScanner;

mod sample_keylogs;
mod session_decrypted;

pub use session_decrypted::{session_decrypted, session_decrypted_report, CHOICES};

// ---------------------------------------------------------------------------
// capture_reader

/// The whole input is a capture file (pcap or pcapng, possibly gzip): read every
/// event through [`CaptureReader::from_reader`] and strip each packet's link layer.
pub fn capture_reader(data: &[u8]) {
    // A gzip input is decompressed by the reader itself, as for a file.
    let source: Box<dyn std::io::Read + Send> = Box::new(std::io::Cursor::new(data.to_vec()));
    let Ok(mut reader) = CaptureReader::from_reader(source, "fuzz") else {
        return;
    };
    let mut keylog = KeyLog::default();
    let summary = reader.for_each(|ev| match ev {
        CaptureEvent::Packet(p) => {
            let _ = p.link_type.name();
            let _ = p.link_type.is_supported();
            if let Ok(NetworkPayload::Ipv4(b) | NetworkPayload::Ipv6(b)) =
                strip_link_layer(p.link_type, p.data)
            {
                std::hint::black_box(b);
            }
            let _ = tlsscope::report::time::rfc3339(p.timestamp_ns);
        }
        CaptureEvent::TlsKeyLog(text) => keylog.add(text, "fuzz (secrets block)"),
    });
    std::hint::black_box((summary, reader.format()));
}

// ---------------------------------------------------------------------------
// net_tcp

/// Link types the first input byte chooses from (the last one is unsupported).
const LINK_TYPES: [u32; 11] = [1, 0, 108, 101, 12, 14, 113, 276, 228, 229, 147];

/// The RSA key and key logs of the samples, loaded once.
fn sample_secrets() -> &'static (Vec<ServerKey>, KeyLog) {
    static SECRETS: OnceLock<(Vec<ServerKey>, KeyLog)> = OnceLock::new();
    SECRETS.get_or_init(|| {
        let keys = load_key_bytes(
            include_bytes!("../../samples/keys/server-rsa2048.key"),
            "server-rsa2048.key",
            None,
        )
        .unwrap_or_default();
        let mut keylog = KeyLog::default();
        for (name, text) in sample_keylogs::SAMPLE_KEYLOGS {
            keylog.add(text, name);
        }
        (keys, keylog)
    })
}

/// Input: `link(1) flags(1) timestamp(8, BE i64)` then frames `len(2, BE) bytes[len]`
/// (a short last frame takes what is left). `link` picks from [`LINK_TYPES`];
/// flags: bit 0 = with the samples' RSA key, key logs and PSK; bit 1 = follow
/// connection 0; bits 2-3 = out-of-order cap per direction (4 MiB, 0, 1500, 64 KiB);
/// bits 4-5 = connections open at once (50000, 1, 2, 16); bit 6 = out-of-order
/// bytes of all connections capped at 4 KiB (else 256 MiB); bit 7 = report detail capped
/// at 4 KiB (else 1 MiB).
///
/// The frames go through the pipeline as `analysis::analyze` drives it:
/// strip_link_layer → NetDecoder → FlowTable (with those FlowLimits) →
/// KeyExchangeScanner (as the transport stage) and Session, then each finished
/// connection's report, the JSON and the text tables.
pub fn net_tcp(data: &[u8]) {
    if data.len() < 10 {
        return;
    }
    let link = LinkType(LINK_TYPES[data[0] as usize % LINK_TYPES.len()]);
    let flags = data[1];
    let base_ts = i64::from_be_bytes(data[2..10].try_into().unwrap());
    let limits = FlowLimits {
        out_of_order_cap: [4 << 20, 0, 1500, 64 << 10][(flags >> 2 & 3) as usize],
        max_open: [50_000, 1, 2, 16][(flags >> 4 & 3) as usize],
        buffered_cap: if flags & 0x40 != 0 { 4096 } else { 256 << 20 },
    };
    let follow = flags & 2 != 0;
    let mut secrets = if flags & 1 != 0 {
        let (keys, keylog) = sample_secrets();
        let mut s = Secrets::new(keys.clone(), keylog.clone());
        s.psk = Some((1..=16).collect());
        s
    } else {
        Secrets::default()
    };
    secrets.set_keylog_sink(Box::new(|line| {
        std::hint::black_box(line);
    }));
    secrets.validator = Some(validator());

    // Small caps, so that the fuzzer reaches what happens past them.
    let settings = SessionSettings {
        retention: Retention {
            messages: true,
            max_messages: 64,
            secrets: true,
        },
        budget: MemoryBudget::new(if flags & 0x80 != 0 { 4096 } else { 1 << 20 }),
        decrypt: true,
        decode_app: true,
    };
    let mut net = NetDecoder::new();
    let mut flows = FlowTable::with_limits(limits);
    let mut sessions: HashMap<u64, (StreamFeed, Session)> = HashMap::new();
    let mut scanners: HashMap<u64, KeyExchangeScanner> = HashMap::new();
    let mut done = Vec::new();
    let mut tcp_connections = 0u64;
    let mut handle = |ev: TcpEvent<'_>, secrets: &mut Secrets| match ev {
        TcpEvent::Stream {
            id,
            endpoints,
            direction,
            chunk,
            timestamp_ns,
            ..
        } => {
            let scanner = scanners.entry(id).or_default();
            if !scanner.is_done() {
                match &chunk {
                    Chunk::Data(data) => {
                        std::hint::black_box(scanner.feed(direction.index(), data));
                    }
                    Chunk::Gap(_) => scanner.gap(direction.index()),
                }
            }
            let (feed, s) = sessions.entry(id).or_insert_with(|| {
                let s = Session::new(id, endpoints, &settings);
                let s = if follow && id == 0 {
                    s.with_app_decoder(Box::new(FollowSinkForFuzz(FollowWriter::new(
                        std::io::sink(),
                        Which::Both,
                        Format::Hex,
                    ))))
                } else {
                    s
                };
                (StreamFeed::default(), s)
            });
            feed.feed(s, direction, chunk, timestamp_ns, secrets);
        }
        TcpEvent::Closed(summary) => {
            tcp_connections += 1;
            scanners.remove(&summary.id);
            if let Some((feed, s)) = sessions.remove(&summary.id) {
                let _ = (s.buffered(), s.held_bytes(), feed.held_bytes());
                if let Some(r) = s.finish(&summary) {
                    done.push(r);
                }
            }
        }
    };

    let mut rest = &data[10..];
    let mut index = 0i64;
    while !rest.is_empty() {
        let (frame, tail) = if rest.len() >= 2 {
            let len = u16::from_be_bytes([rest[0], rest[1]]) as usize;
            let body = &rest[2..];
            body.split_at(len.min(body.len()))
        } else {
            (rest, &rest[rest.len()..])
        };
        rest = tail;
        let ts = base_ts.saturating_add(index.saturating_mul(1_000_000));
        index += 1;
        match strip_link_layer(link, frame) {
            Ok(payload) => net.decode(payload, &mut |seg| {
                flows.process(seg, ts, index as u64, &mut |ev| handle(ev, &mut secrets))
            }),
            Err(LinkError::UnsupportedLinkType | LinkError::Truncated | LinkError::NotIp) => {}
        }
    }
    flows.finish(&mut |ev| handle(ev, &mut secrets));
    let _ = (
        net.pending_fragments(),
        flows.open_connections(),
        flows.stats,
    );
    let _ = secrets.unused_keys().len();

    done.sort_by_key(|r| r.id);
    let mut summary = tlsscope::report::table::SummaryTable::new(
        std::io::sink(),
        tlsscope::report::table::TableStyle {
            width: Some(80),
            color: true,
        },
    );
    let mut inspect = tlsscope::report::table::InspectView::new(std::io::sink());
    for c in &done {
        let _ = summary.connection(c);
        let _ = inspect.connection(c);
    }
    let report = Report {
        capture: CaptureReport {
            network: net.stats.clone(),
            tcp_connections,
            tls_connections: done.len() as u64,
            ..Default::default()
        },
        connections: done,
    };
    let _ = summary.end(&report.capture);
    let _ = inspect.end(&report.capture);
    std::hint::black_box(tlsscope::report::to_json(&report));
}

/// `follow`'s writer as a session's application decoder, writing nowhere.
struct FollowSinkForFuzz(FollowWriter<std::io::Sink>);

impl AppDecoder for FollowSinkForFuzz {
    fn data(&mut self, side: Side, _ts: i64, bytes: &[u8]) {
        let _ = self.0.data(side, bytes);
    }

    fn gap(&mut self, _side: Side, _len: u64) {}

    fn close(&mut self) {
        let _ = self.0.finish();
    }
}

// ---------------------------------------------------------------------------
// quic_datagrams

/// The key log of samples/udp/quic-v1-hq.pcap, whose datagrams seed this target: with
/// it, the seeds' Handshake and 1-RTT packets open and their frames are read.
fn quic_keylog() -> &'static KeyLog {
    static KEYLOG: OnceLock<KeyLog> = OnceLock::new();
    KEYLOG.get_or_init(|| {
        let mut k = KeyLog::default();
        k.add(
            include_bytes!("../../samples/udp/quic-v1-hq.keylog"),
            "quic-v1-hq.keylog",
        );
        k
    })
}

/// Input: `flags(1)` then datagrams `len(2, BE) bytes[len]`, the top bit of `len` the
/// direction (a short last datagram takes what is left). flags bit 0 = with the
/// quic-v1-hq key log; bit 1 = every datagram also read as a decrypted payload: its
/// frames, STREAM and RESET_STREAM into a stream table.
///
/// The datagrams go through the QUIC adapter (`Feed` for `Input::Quic`) into a
/// `Session`, as the analysis drives them; then the report, its JSON and the inspect
/// view.
pub fn quic_datagrams(data: &[u8]) {
    use tlsscope::flow::Direction;
    use tlsscope::net::Endpoint;
    use tlsscope::quic::frame::{frames, Frame};
    use tlsscope::quic::streams::Streams;
    use tlsscope::session::{Feed, Input};

    let Some((&flags, mut rest)) = data.split_first() else {
        return;
    };
    let mut secrets = if flags & 1 != 0 {
        Secrets::new(Vec::new(), quic_keylog().clone())
    } else {
        Secrets::default()
    };
    secrets.validator = Some(validator());
    let ep = |port| Endpoint {
        ip: "192.0.2.1".parse().unwrap(),
        port,
    };
    let endpoints = [ep(50000), ep(443)];
    let mut feed = Feed::for_input(&Input::Quic(&[]));
    let mut session =
        Session::new(0, endpoints, &SessionSettings::default()).with_transport(feed.transport());
    let mut streams = Streams::default();
    let mut ts = 0;
    while rest.len() >= 2 {
        let word = u16::from_be_bytes([rest[0], rest[1]]);
        let dir = if word & 0x8000 != 0 {
            Direction::Reverse
        } else {
            Direction::Forward
        };
        let len = usize::from(word & 0x7fff).min(rest.len() - 2);
        let datagram = &rest[2..2 + len];
        rest = &rest[2 + len..];
        ts += 1_000_000;
        feed.feed(&mut session, dir, Input::Quic(datagram), ts, &mut secrets);
        std::hint::black_box(feed.take_fresh_cids());
        if flags & 2 != 0 {
            for f in frames(datagram) {
                match f {
                    Ok(Frame::Stream {
                        stream_id,
                        offset,
                        fin,
                        data,
                    }) => {
                        let ended = streams.data(dir, stream_id, offset, fin, data, &mut |c| {
                            std::hint::black_box(c);
                        });
                        std::hint::black_box(ended);
                    }
                    Ok(Frame::ResetStream {
                        stream_id,
                        error_code,
                        ..
                    }) => {
                        let ended = streams.reset(dir, stream_id, error_code, &mut |c| {
                            std::hint::black_box(c);
                        });
                        std::hint::black_box(ended);
                    }
                    Ok(f) => {
                        std::hint::black_box(f);
                    }
                    Err(_) => break,
                }
            }
            assert!(
                streams.held_bytes() < 64 << 20,
                "the stream table's caps hold"
            );
        }
    }
    streams.finish(&mut |c| {
        std::hint::black_box(c);
    });
    std::hint::black_box(streams.summaries());
    std::hint::black_box(feed.connection_ids());
    end_datagram_connection(feed, session, endpoints, ts, &mut secrets);
}

// ---------------------------------------------------------------------------
// dtls_datagrams

/// The key logs of the DTLS samples whose datagrams seed this target: the GnuTLS and
/// OpenSSL ones (TLS 1.2 master secrets) and dimpl's DTLS 1.3 sessions (traffic
/// secrets), so that the seeds' protected records open and reach what follows.
fn dtls_keylog() -> &'static KeyLog {
    static KEYLOG: OnceLock<KeyLog> = OnceLock::new();
    KEYLOG.get_or_init(|| {
        let mut k = KeyLog::default();
        for (text, name) in [
            (
                &include_bytes!("../../samples/udp/dtls13-dimpl-aes128gcm.keylog")[..],
                "dtls13-dimpl-aes128gcm.keylog",
            ),
            (
                include_bytes!("../../samples/udp/dtls13-dimpl-chacha20.keylog"),
                "dtls13-dimpl-chacha20.keylog",
            ),
            (
                include_bytes!("../../samples/udp/dtls13-dimpl-hrr.keylog"),
                "dtls13-dimpl-hrr.keylog",
            ),
            (
                include_bytes!("../../samples/udp/dtls12-gnutls-dhe-rsa-aes128ccm.keylog"),
                "dtls12-gnutls-dhe-rsa-aes128ccm.keylog",
            ),
            (
                include_bytes!("../../samples/udp/dtls12-rsa-aes128sha.keylog"),
                "dtls12-rsa-aes128sha.keylog",
            ),
        ] {
            k.add(text, name);
        }
        k
    })
}

/// Input: `flags(1)` then datagrams `len(2, BE) bytes[len]`, the top bit of `len` the
/// direction (a short last datagram takes what is left), as for `quic_datagrams`.
/// flags bit 0 = with the DTLS samples' key logs.
///
/// The datagrams go through the DTLS adapter (`Feed` for `Input::Dtls`) into a
/// `Session`, as the analysis drives them: records, handshake fragments and their
/// reassembly, the cookie exchange, epochs, and DTLS 1.3's unified-header records, epoch
/// keys, record number masks, ACKs and KeyUpdates; then the report, its JSON and the
/// summary and inspect views.
pub fn dtls_datagrams(data: &[u8]) {
    use tlsscope::flow::Direction;
    use tlsscope::net::Endpoint;
    use tlsscope::session::{Feed, Input};

    let Some((&flags, mut rest)) = data.split_first() else {
        return;
    };
    let mut secrets = if flags & 1 != 0 {
        Secrets::new(Vec::new(), dtls_keylog().clone())
    } else {
        Secrets::default()
    };
    secrets.validator = Some(validator());
    let ep = |port| Endpoint {
        ip: "192.0.2.1".parse().unwrap(),
        port,
    };
    let endpoints = [ep(50000), ep(4433)];
    let mut feed = Feed::for_input(&Input::Dtls(&[]));
    let mut session =
        Session::new(0, endpoints, &SessionSettings::default()).with_transport(feed.transport());
    let mut ts = 0;
    while rest.len() >= 2 {
        let word = u16::from_be_bytes([rest[0], rest[1]]);
        let dir = if word & 0x8000 != 0 {
            Direction::Reverse
        } else {
            Direction::Forward
        };
        let len = usize::from(word & 0x7fff).min(rest.len() - 2);
        let datagram = &rest[2..2 + len];
        rest = &rest[2 + len..];
        ts += 1_000_000;
        feed.feed(&mut session, dir, Input::Dtls(datagram), ts, &mut secrets);
        assert!(feed.held_bytes() < 4 << 20, "the DTLS adapter's caps hold");
    }
    end_datagram_connection(feed, session, endpoints, ts, &mut secrets);
}

// ---------------------------------------------------------------------------
// tls_records

/// Negotiated versions the handshake parser is told about (None = not known yet).
const VERSIONS: [Option<ProtocolVersion>; 8] = [
    None,
    Some(ProtocolVersion(0x0300)),
    Some(ProtocolVersion(0x0301)),
    Some(ProtocolVersion(0x0303)),
    Some(ProtocolVersion(0x0304)),
    Some(ProtocolVersion(0x7f12)), // draft 18
    Some(ProtocolVersion(0x7f14)), // draft 20
    Some(ProtocolVersion(0x7f17)), // draft 23
];
const KEY_EXCHANGES: [KeyExchangeHint; 5] = [
    KeyExchangeHint::Unknown,
    KeyExchangeHint::Rsa,
    KeyExchangeHint::Dhe,
    KeyExchangeHint::Ecdhe,
    KeyExchangeHint::Psk,
];

/// Input: `flags(1) chunk(1)` then one direction's byte stream.
/// flags: bits 0-2 = version of the ParseContext, bits 3-5 = key exchange hint,
/// bit 6 = resync first (a capture picked up mid-stream), bit 7 = a gap after the
/// first chunk. `chunk`: the stream is pushed in pieces of `chunk` bytes (0 = whole).
///
/// Records go through RecordDeframer, handshake records through
/// HandshakeReassembler, and every message is parsed with the chosen ParseContext
/// and with the default one. The pieces also go to a KeyExchangeScanner (odd pieces
/// as the other direction). The stream bytes are also handed straight to the
/// ClientHello / ServerHello / extension / certificate parsers.
pub fn tls_records(data: &[u8]) {
    if data.len() < 2 {
        return;
    }
    let flags = data[0];
    let chunk = data[1] as usize;
    let stream = &data[2..];
    let ctx = ParseContext {
        version: VERSIONS[(flags & 7) as usize],
        key_exchange: KEY_EXCHANGES[(flags >> 3 & 7) as usize % KEY_EXCHANGES.len()],
        psk_identity_first: flags & 0x80 != 0,
    };
    let contexts = [ctx, ParseContext::default()];

    let _ = record::sniff(stream);
    let mut deframer = RecordDeframer::new();
    let mut handshake = HandshakeReassembler::default();
    if flags & 0x40 != 0 {
        deframer.resync();
    }
    let mut on_record = |ev: RecordEvent<'_>| {
        let RecordEvent::Record(r) = ev else { return };
        match r.content_type {
            ContentType::HANDSHAKE => {
                let res = handshake.push(r.fragment, &mut |frame| {
                    for ctx in &contexts {
                        if let Ok(msg) = HandshakeMessage::parse(&frame, ctx) {
                            use_message(&msg);
                        }
                    }
                });
                if res.is_err() {
                    handshake.reset();
                }
                let _ = handshake.buffered();
            }
            SSLV2_CLIENT_HELLO => {
                if let Ok(ch) = ClientHello::parse_sslv2(r.fragment) {
                    use_client_hello(&ch);
                }
            }
            _ => {}
        }
    };
    let pieces: Vec<&[u8]> = if chunk == 0 {
        vec![stream]
    } else {
        stream.chunks(chunk).collect()
    };
    let mut scanner = KeyExchangeScanner::default();
    for (i, piece) in pieces.iter().enumerate() {
        deframer.push(piece, &mut on_record);
        if !scanner.is_done() {
            std::hint::black_box(scanner.feed(i % 2, piece));
        }
        if i == 0 && flags & 0x80 != 0 {
            deframer.gap();
            scanner.gap(0);
        }
    }
    if chunk == 0 && !scanner.is_done() {
        std::hint::black_box(scanner.feed(1, stream));
    }
    let _ = (
        deframer.buffered(),
        deframer.records,
        deframer.skipped_bytes,
    );

    // The same bytes as a message body.
    if let Ok(ch) = ClientHello::parse(stream) {
        use_client_hello(&ch);
    }
    if let Ok(ch) = ClientHello::parse_sslv2(stream) {
        use_client_hello(&ch);
    }
    if let Ok(sh) = ServerHello::parse(stream) {
        use_server_hello(&sh);
    }
    for kind in [
        HelloKind::Client,
        HelloKind::Server,
        HelloKind::Retry,
        HelloKind::Encrypted,
    ] {
        let _ = parse_extensions(stream, kind);
    }
    let _ = raw_extension(stream, ExtensionType::SERVER_NAME);
    if let Ok(c) = summarize(stream) {
        std::hint::black_box(c);
    }
}

fn use_message(msg: &HandshakeMessage) {
    match msg {
        HandshakeMessage::ClientHello(ch) => use_client_hello(ch),
        HandshakeMessage::ServerHello(sh) => use_server_hello(sh),
        _ => {}
    }
    // The report serialises every message.
    std::hint::black_box(format!("{msg:?}"));
}

fn use_client_hello(ch: &ClientHello) {
    let _ = ch.sni_bytes();
    let fields = fingerprint::HelloFields::of(ch);
    let facts = fields.facts();
    std::hint::black_box(fingerprint::ja3(&facts));
    for t in [Transport::Tcp, Transport::Quic, Transport::Dtls] {
        std::hint::black_box(fingerprint::ja4(&facts, t));
        std::hint::black_box(fingerprint::ja4_raw(&facts, t));
        std::hint::black_box(fingerprint::ja4_original(&facts, t));
        std::hint::black_box(fingerprint::ja4_raw_original(&facts, t));
    }
}

fn use_server_hello(sh: &ServerHello) {
    let _ = sh.version();
    let _ = sh.alpn();
    std::hint::black_box(fingerprint::ja3s(
        sh.legacy_version.0,
        sh.suite_id().0,
        &sh.extension_ids().iter().map(|e| e.0).collect::<Vec<_>>(),
    ));
}

// ---------------------------------------------------------------------------
// key_parsers

const PASSWORDS: [Option<&str>; 4] = [None, Some("tlsscope"), Some(""), Some("wrong")];

/// Input: `password(1)` then a key file. The bytes go to `load_key_bytes` with the
/// chosen password (none, the samples' `tlsscope`, empty, wrong) and to
/// `KeyLog::add`; every key loaded decrypts a fixed pre-master ciphertext.
pub fn key_parsers(data: &[u8]) {
    let Some((&sel, file)) = data.split_first() else {
        return;
    };
    let password = PASSWORDS[sel as usize % PASSWORDS.len()];
    match load_key_bytes(file, "fuzz", password) {
        Ok(keys) => {
            for k in &keys {
                let _ = k.matches_modulus(&k.modulus);
                let ct = vec![0x42u8; k.modulus.len()];
                let _ = decrypt_pre_master(k, &ct);
            }
            let secrets = Secrets::new(keys, KeyLog::default());
            let _ = secrets.candidate_keys(None);
        }
        Err(e) => {
            let _ = (e.to_string(), e.path().len());
        }
    }
    let mut keylog = KeyLog::default();
    keylog.add(file, "fuzz");
    let _ = (keylog.is_empty(), keylog.has_tls13(), keylog.warnings());
    // The ids the input's lines name (the first 64), looked up under every label.
    let ids: Vec<Vec<u8>> = String::from_utf8_lossy(file)
        .lines()
        .filter_map(|l| unhex(l.split_whitespace().nth(1)?))
        .take(64)
        .collect();
    for id in &ids {
        let _ = (keylog.master_secret(id), keylog.pre_master(id));
        let _ = keylog.rsa_pre_master(id);
        if let Some(t) = keylog.tls13(id) {
            let _ = t.lines(id);
        }
    }
    let mut secrets = Secrets::new(Vec::new(), keylog);
    secrets.set_keylog_sink(Box::new(|line| {
        std::hint::black_box(line);
    }));
    for id in ids {
        secrets.recovered_tls13(&id);
    }
}

/// Hex to bytes (the fuzz crate has no hex dependency).
fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

// ---------------------------------------------------------------------------
// record_decrypt

/// TLS ≤ 1.2 suites (NULL, RC4, CBC with each block cipher, GCM, CCM, CCM_8,
/// ChaCha20-Poly1305), then the five TLS 1.3 suites.
const SUITES: [u16; 30] = [
    0x0001, 0x0002, 0x003B, // NULL (MD5, SHA, SHA256)
    0x0004, 0x0005, // RC4
    0x0009, 0x000A, 0x002F, 0x0035, 0x003C, 0x003D, 0x0041, 0x0084, 0xC024, 0xC03C,
    0xC03D, // CBC: DES, 3DES, AES, Camellia, ARIA; SHA, SHA256, SHA384
    0x009C, 0x009D, 0xC050, 0xC07B, // GCM: AES, ARIA, Camellia
    0xC09C, 0xC0A1, 0x00A8, // CCM, CCM_8, PSK GCM
    0xCCA8, // ChaCha20-Poly1305
    0x1301, 0x1302, 0x1303, 0x1304, 0x1305, // TLS 1.3
    0x0003, // RC4-40 export: Unsupported
];
const CONTENT_TYPES: [u8; 4] = [23, 22, 21, 20];
const DRAFTS: [Option<u8>; 4] = [None, Some(18), Some(23), Some(28)];

/// Input: `suite(1) flags(1)` then ciphertext.
/// flags: bits 0-1 = version (SSL 3.0 … TLS 1.2; for TLS 1.3 suites the draft:
/// RFC, 18, 23, 28), bit 2 = encrypt-then-MAC, bits 3-4 = content type,
/// bit 5 = several records (each `len(2, BE) fragment[len]`), bit 6 = TLS 1.3:
/// records spend their sequence number only when they open (keys on trial), and a
/// KeyUpdate after the first record. TLS 1.3 also runs the bare AEAD (QUIC's call)
/// on the last fragment, with the fragment as its header.
///
/// Keys are fixed: TLS ≤ 1.2 suites get the client write keys of
/// `prf::session_keys` from a fixed master secret and randoms, TLS 1.3 suites a
/// fixed traffic secret.
pub fn record_decrypt(data: &[u8]) {
    if data.len() < 2 {
        return;
    }
    let Some(suite) = lookup(CipherSuiteId(SUITES[data[0] as usize % SUITES.len()])) else {
        return;
    };
    let flags = data[1];
    let content_type = CONTENT_TYPES[(flags >> 3 & 3) as usize];
    let body = &data[2..];
    let fragments: Vec<&[u8]> = if flags & 0x20 != 0 {
        let mut v = Vec::new();
        let mut rest = body;
        while !rest.is_empty() {
            if rest.len() < 2 {
                v.push(rest);
                break;
            }
            let len = u16::from_be_bytes([rest[0], rest[1]]) as usize;
            let (f, tail) = rest[2..].split_at(len.min(rest.len() - 2));
            v.push(f);
            rest = tail;
        }
        v
    } else {
        vec![body]
    };

    if suite.is_tls13() {
        let variant = Tls13Variant {
            draft: DRAFTS[(flags & 3) as usize],
            dtls: false,
        };
        let secret = vec![0x0c; SuiteHash::for_suite(suite).output_len()];
        let Ok(mut d) = Tls13Decryptor::new(suite, variant, &secret) else {
            return;
        };
        // Numbered as a TLS receiver would: with the trial flag a record spends its
        // number only when it opens (keys being tried), else always.
        let mut seq = 0u64;
        for (i, f) in fragments.iter().enumerate() {
            let mut header = [content_type, 0x03, 0x03, 0, 0];
            header[3..].copy_from_slice(&(f.len() as u16).to_be_bytes());
            let r = d.open(
                ProtectedHeader {
                    seq,
                    header: &header,
                },
                f,
            );
            if r.is_ok() || flags & 0x40 == 0 {
                seq = seq.wrapping_add(1);
            }
            std::hint::black_box(r.map(|o| (o.content_type, o.data.len())).ok());
            if i == 0 && flags & 0x40 != 0 {
                match d.next_generation() {
                    Ok(next) => d = next,
                    Err(_) => return,
                }
                seq = 0;
            }
        }
        // The AEAD alone, as QUIC would call it, on the last fragment.
        if let Some(f) = fragments.last() {
            let r = d.open_payload(ProtectedHeader { seq, header: f }, f);
            std::hint::black_box(r.map(|p| p.len()).ok());
        }
        let _ = d.suite().id;
        return;
    }

    let version = 0x0300 + (flags & 3) as u16;
    let master = [0x0bu8; 48];
    let client_random = [0x01u8; 32];
    let server_random = [0x02u8; 32];
    let kind = PrfKind::for_suite(version, suite);
    let keys = prf::session_keys(
        kind,
        version,
        suite,
        &master,
        &client_random,
        &server_random,
    );
    let Ok(mut d) = RecordDecryptor::new(
        suite,
        version,
        &keys.client_mac,
        &keys.client_key,
        &keys.client_iv,
        flags & 4 != 0,
    ) else {
        return;
    };
    for (seq, f) in (0u64..).zip(fragments) {
        let r = d.decrypt(RecordAad::tls(seq, content_type, version), f);
        std::hint::black_box(r.map(|p| p.len()).ok());
    }
    let _ = (d.suite().id, format!("{d:?}"));
}

// ---------------------------------------------------------------------------
// http2_frames

/// Input: `flags(1)` then pieces `len(2, BE) bytes[len]`, the top bit of `len` the side
/// (set: the server's; a short last piece takes what is left). flags bit 0 = the client's
/// connection preface first (so its frames are read, not refused); bit 1 = a gap of
/// `len` bytes instead of a piece when bit 14 of `len` is set too; bit 2 = every piece
/// also decoded alone as an HPACK block, on a decoder allowed a 64 KB table.
///
/// The pieces go into an HTTP/2 decoder (`app::http2::Http2`) as one connection's
/// decrypted bytes, in order; then `close`, its memory count and the report's `app`
/// object, with and without secrets.
pub fn http2_frames(data: &[u8]) {
    use tlsscope::app::hpack::{Decoder, HeaderList};
    use tlsscope::app::http2::{Http2, PREFACE};
    use tlsscope::report::app::AppReport;

    let Some((&flags, mut rest)) = data.split_first() else {
        return;
    };
    let mut h = Http2::default();
    let mut hpack = Decoder::default();
    hpack.allow(1 << 16);
    if flags & 1 != 0 {
        h.data(Side::Client, 0, PREFACE);
    }
    let mut ts = 0;
    while rest.len() >= 2 {
        let head = u16::from_be_bytes([rest[0], rest[1]]);
        let side = if head & 0x8000 != 0 {
            Side::Server
        } else {
            Side::Client
        };
        let gap = flags & 2 != 0 && head & 0x4000 != 0;
        let len = usize::from(head & if gap { 0x3fff } else { 0x7fff });
        rest = &rest[2..];
        if gap {
            h.gap(side, len as u64);
            continue;
        }
        let (piece, tail) = rest.split_at(len.min(rest.len()));
        rest = tail;
        ts += 1;
        h.data(side, ts, piece);
        if flags & 4 != 0 {
            let mut list = HeaderList::default();
            let _ = hpack.decode(piece, &mut list);
        }
    }
    h.close();
    std::hint::black_box(h.held_bytes());
    std::hint::black_box(AppReport::http2(&h, false));
    std::hint::black_box(AppReport::http2(&h, true));
}

// ---------------------------------------------------------------------------
// http1_messages

/// Input: pieces `len(2, BE) bytes[len]`, the top bit of `len` the side (set: the
/// server's); bit 14 set: a gap of the low 14 bits' bytes instead of a piece. The pieces
/// go into an HTTP/1 decoder with a body sink (as `export` runs it) as one connection's
/// decrypted bytes, in order; then `close`, its memory count and the report's `app`.
pub fn http1_messages(data: &[u8]) {
    use tlsscope::app::http1::{Bodies, BodyAt, BodySink, Http1, Message};
    use tlsscope::report::app::AppReport;

    /// Checks the sink sees bodies start, fill and end in order, per side.
    struct Order([bool; 2]);
    impl BodySink for Order {
        fn start(&mut self, side: Side, _: BodyAt, _: &Message, _: Option<&Message>) {
            let i = (side == Side::Server) as usize;
            assert!(!self.0[i], "a body started inside another");
            self.0[i] = true;
        }
        fn data(&mut self, side: Side, _: Option<u64>, bytes: &[u8]) {
            assert!(self.0[(side == Side::Server) as usize] || bytes.is_empty());
        }
        fn end(&mut self, side: Side, _: Option<u64>, _: &Message) {
            self.0[(side == Side::Server) as usize] = false;
        }
    }
    let mut h = Http1::with_bodies(Bodies::new(Box::new(Order([false; 2]))));
    let mut rest = data;
    let mut ts = 0;
    while rest.len() >= 2 {
        let head = u16::from_be_bytes([rest[0], rest[1]]);
        let side = if head & 0x8000 != 0 {
            Side::Server
        } else {
            Side::Client
        };
        rest = &rest[2..];
        if head & 0x4000 != 0 {
            h.gap(side, u64::from(head & 0x3fff));
            continue;
        }
        let (piece, tail) = rest.split_at(usize::from(head & 0x3fff).min(rest.len()));
        rest = tail;
        ts += 1;
        h.data(side, ts, piece);
    }
    h.close();
    std::hint::black_box(h.held_bytes());
    std::hint::black_box(AppReport::http1(&h, true));
}

// ---------------------------------------------------------------------------
// http3_streams

/// Input: `flags(1)` then pieces `stream(1) len(2, BE) bytes[len]`: `stream`'s low 7
/// bits pick the stream id (×1: ids 0..127, so request, control, push, QPACK and
/// reserved streams all occur), its top bit the side; `len`'s top bit makes it a gap
/// of the low 15 bits' bytes, its next bit (with flags bit 0) the stream's end (bit 13:
/// by reset). flags bit 1: every piece also goes to a bare QPACK decoder, alternately as
/// encoder-stream bytes and as a field section. Then `close`, the memory count and the
/// report's `app`.
pub fn http3_streams(data: &[u8]) {
    use tlsscope::app::hpack::HeaderList;
    use tlsscope::app::http3::Http3;
    use tlsscope::app::qpack::Decoder;
    use tlsscope::report::app::AppReport;

    let Some((&flags, mut rest)) = data.split_first() else {
        return;
    };
    let mut h = Http3::default();
    let mut qpack = Decoder::default();
    qpack.allow(4096);
    let mut ts = 0;
    while rest.len() >= 3 {
        let stream = u64::from(rest[0] & 0x7f);
        let side = if rest[0] & 0x80 != 0 {
            Side::Server
        } else {
            Side::Client
        };
        let head = u16::from_be_bytes([rest[1], rest[2]]);
        rest = &rest[3..];
        if head & 0x8000 != 0 {
            h.stream_gap(stream, side, u64::from(head & 0x7fff));
            continue;
        }
        if flags & 1 != 0 && head & 0x4000 != 0 {
            let reset = (head & 0x2000 != 0).then_some(u64::from(head & 0x1fff));
            h.stream_end(stream, side, reset);
            continue;
        }
        let (piece, tail) = rest.split_at(usize::from(head & 0x3fff).min(rest.len()));
        rest = tail;
        ts += 1;
        h.stream_data(stream, side, ts, piece);
        if flags & 2 != 0 {
            if ts % 2 == 0 {
                let _ = qpack.encoder_stream(piece);
            } else {
                let mut list = HeaderList::default();
                let _ = qpack.field_section(piece, &mut list);
            }
            assert!(qpack.held_bytes() < 1 << 20);
        }
    }
    h.close();
    assert!(h.held_bytes() < 64 << 20);
    std::hint::black_box(AppReport::http3(&h, false));
}

/// The end of a datagram connection the harnesses drove (QUIC, DTLS): its report, as
/// the analysis makes it, through the JSON and both table views.
fn end_datagram_connection(
    feed: tlsscope::session::Feed,
    session: Session,
    endpoints: [tlsscope::net::Endpoint; 2],
    ts: i64,
    secrets: &mut Secrets,
) {
    use tlsscope::flow::{Direction, FlowSummary};

    let summary = FlowSummary {
        id: 0,
        endpoints,
        opener: Some(Direction::Forward),
        first_seen_ns: 0,
        last_seen_ns: ts,
        first_frame: 1,
        last_frame: 1,
        stats: Default::default(),
        gaps: [Vec::new(), Vec::new()],
        snaplen_cut: false,
        open_at_end: true,
        evicted: false,
    };
    let Some(conn) = feed.finish(session, &summary, secrets) else {
        return;
    };
    let report = Report {
        capture: CaptureReport::default(),
        connections: vec![conn],
    };
    let mut summary = tlsscope::report::table::SummaryTable::new(
        std::io::sink(),
        tlsscope::report::table::TableStyle {
            width: Some(80),
            color: true,
        },
    );
    let mut inspect = tlsscope::report::table::InspectView::new(std::io::sink());
    for c in &report.connections {
        let _ = summary.connection(c);
        let _ = inspect.connection(c);
    }
    std::hint::black_box(tlsscope::report::to_json(&report));
}

/// One validator for every input: Mozilla's roots and the test root of
/// `samples/pki`, so that hostile chains reach path building.
pub fn validator() -> std::sync::Arc<tlsscope::pki::Validator> {
    static VALIDATOR: std::sync::OnceLock<std::sync::Arc<tlsscope::pki::Validator>> =
        std::sync::OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let mut store = tlsscope::pki::TrustStore::new(true);
            store.add_der(include_bytes!("../../samples/pki/root.der"));
            std::sync::Arc::new(tlsscope::pki::Validator::new(store))
        })
        .clone()
}
