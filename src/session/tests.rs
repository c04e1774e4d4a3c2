//! The state machine on synthetic record sequences: each test builds the records a
//! peer would send (or a broken one, or an attacker), feeds them to a [`Session`] as a
//! transport would, and checks the report.

use std::net::{IpAddr, Ipv4Addr};

use super::{Session, SessionSettings, StreamFeed};
use crate::crypto::secrets::Secrets;
use crate::flow::Direction::{self, Forward as C, Reverse as S};
use crate::flow::{Chunk, DirectionStats, FlowSummary};
use crate::net::Endpoint;
use crate::report::model::ConnectionReport;

const HANDSHAKE: u8 = 22;
const ALERT: u8 = 21;
const CCS: u8 = 20;
const APP: u8 = 23;

fn record(content_type: u8, payload: &[u8]) -> Vec<u8> {
    let mut r = vec![content_type, 3, 3];
    r.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    r.extend_from_slice(payload);
    r
}

fn message(msg_type: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![msg_type];
    m.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    m.extend_from_slice(body);
    m
}

/// A ClientHello offering one suite; `tls13` adds supported_versions with TLS 1.3.
fn client_hello(tls13: bool) -> Vec<u8> {
    let mut b = vec![3, 3];
    b.extend_from_slice(&[0x11; 32]);
    b.push(0);
    b.extend_from_slice(&[0, 4, 0x13, 0x01, 0x00, 0x9c]);
    b.extend_from_slice(&[1, 0]);
    let mut ext = Vec::new();
    if tls13 {
        ext.extend_from_slice(&[0, 43, 0, 3, 2, 3, 4]);
    }
    b.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    b.extend_from_slice(&ext);
    message(1, &b)
}

/// A ServerHello choosing `suite`; TLS 1.3 when `tls13`.
fn server_hello(suite: u16, tls13: bool) -> Vec<u8> {
    let mut b = vec![3, 3];
    b.extend_from_slice(&[0x22; 32]);
    b.push(0);
    b.extend_from_slice(&suite.to_be_bytes());
    b.push(0);
    let ext: &[u8] = if tls13 { &[0, 43, 0, 2, 3, 4] } else { &[] };
    b.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    b.extend_from_slice(ext);
    message(2, &b)
}

struct Run {
    feed: StreamFeed,
    session: Session,
    secrets: Secrets,
    ts: i64,
}

fn endpoints() -> [Endpoint; 2] {
    let ep = |port| Endpoint {
        ip: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        port,
    };
    [ep(50_000), ep(443)]
}

impl Run {
    fn new() -> Self {
        Run {
            feed: StreamFeed::default(),
            session: Session::new(0, endpoints(), &SessionSettings::default()),
            secrets: Secrets::default(),
            ts: 1_700_000_000_000_000_000,
        }
    }

    fn send(&mut self, dir: Direction, bytes: &[u8]) -> &mut Self {
        self.ts += 1_000;
        self.feed.feed(
            &mut self.session,
            dir,
            Chunk::Data(bytes),
            self.ts,
            &mut self.secrets,
        );
        self
    }

    fn report(self) -> ConnectionReport {
        let stats = DirectionStats::default();
        let summary = FlowSummary {
            id: 0,
            endpoints: [self.session.endpoints[0], self.session.endpoints[1]],
            opener: Some(C),
            first_seen_ns: 0,
            last_seen_ns: self.ts,
            first_frame: 1,
            last_frame: 1,
            stats: [stats.clone(), stats],
            gaps: [Vec::new(), Vec::new()],
            snaplen_cut: false,
            open_at_end: false,
            evicted: false,
        };
        self.session.finish(&summary).expect("a TLS connection")
    }
}

/// A TLS 1.2 handshake up to both ChangeCipherSpecs (no keys: the rest is ciphertext).
fn tls12_after_ccs() -> Run {
    let mut r = Run::new();
    r.send(C, &record(HANDSHAKE, &client_hello(false)))
        .send(S, &record(HANDSHAKE, &server_hello(0x009c, false)))
        .send(S, &record(HANDSHAKE, &message(14, &[])))
        .send(C, &record(HANDSHAKE, &message(16, &[0, 2, 0xab, 0xcd])))
        .send(C, &record(CCS, &[1]))
        .send(C, &record(HANDSHAKE, &[0x5a; 40]));
    r
}

#[test]
fn a_two_byte_alert_after_change_cipher_spec_is_in_the_clear() {
    // A client rejecting the server's certificate after its own CCS, in the clear.
    let mut r = tls12_after_ccs();
    r.send(C, &record(ALERT, &[2, 48]));
    let c = r.report();
    assert_eq!(c.state.to_string(), "failed: unknown_ca");
    let a = &c.alerts[0];
    assert!(!a.encrypted);
    assert_eq!(
        (a.level.map(|l| l.0), a.code.map(|c| c.0)),
        (Some(2), Some(48))
    );
}

#[test]
fn a_protected_alert_is_never_read_as_alerts_in_the_clear() {
    // The capture missed the ChangeCipherSpec: the 26-byte protected alert arrives in
    // a direction read in the clear, and must not become 13 alerts of levels 196, 173…
    let mut r = Run::new();
    r.send(C, &record(HANDSHAKE, &client_hello(false)))
        .send(S, &record(HANDSHAKE, &server_hello(0x009c, false)));
    let protected: Vec<u8> = (0..26u8)
        .map(|i| 0xc4u8.wrapping_add(i.wrapping_mul(37)))
        .collect();
    r.send(S, &record(ALERT, &protected));
    let c = r.report();
    assert_eq!(c.alerts.len(), 1, "{:?}", c.alerts);
    assert!(c.alerts[0].encrypted);
    assert!(
        !matches!(c.state, crate::report::model::ConnectionState::Failed(_)),
        "{}",
        c.state
    );
}

#[test]
fn well_formed_alerts_in_the_clear_are_decoded() {
    let mut r = Run::new();
    r.send(C, &record(HANDSHAKE, &client_hello(false)))
        .send(S, &record(ALERT, &[2, 40]));
    let c = r.report();
    assert_eq!(c.state.to_string(), "failed: handshake_failure");
    assert!(!c.alerts[0].encrypted);
}

#[test]
fn a_tls13_alert_record_is_in_the_clear() {
    // RFC 8446 §5.2: protected records are all application_data on the outside; an
    // alert record after the ServerHello was sent in the clear.
    let mut r = Run::new();
    r.send(C, &record(HANDSHAKE, &client_hello(true)))
        .send(S, &record(HANDSHAKE, &server_hello(0x1301, true)))
        .send(S, &record(APP, &[0x33; 60]))
        .send(C, &record(ALERT, &[2, 51]));
    let c = r.report();
    assert_eq!(c.state.to_string(), "failed: decrypt_error");
    let clear: Vec<_> = c.alerts.iter().filter(|a| !a.encrypted).collect();
    assert_eq!(clear.len(), 1);
}

#[test]
fn the_records_after_change_cipher_spec_are_ciphertext() {
    let mut r = tls12_after_ccs();
    r.send(C, &record(ALERT, &[0x77; 26]));
    let c = r.report();
    assert!(c.alerts.iter().all(|a| a.encrypted));
    let kinds: Vec<&str> = c.messages.iter().map(|m| m.body.type_name()).collect();
    assert_eq!(
        kinds,
        [
            "ClientHello",
            "ServerHello",
            "ServerHelloDone",
            "ClientKeyExchange",
            "ChangeCipherSpec",
            "Finished",
            "Alert"
        ]
    );
}

#[test]
fn a_connection_without_hellos_says_why_it_cannot_be_decrypted() {
    // Picked up after the handshake: records, no hello.
    let mut r = Run::new();
    r.send(C, &record(APP, &[1; 40]))
        .send(S, &record(APP, &[2; 40]));
    let c = r.report();
    assert_eq!(c.state.to_string(), "records_only");
    assert_eq!(c.decryption.status, "incomplete");
    assert!(
        c.decryption.reason.contains("no handshake"),
        "{}",
        c.decryption.reason
    );
    // A ClientHello the server never answered.
    let mut r = Run::new();
    r.send(C, &record(HANDSHAKE, &client_hello(false)));
    let c = r.report();
    assert_eq!(c.state.to_string(), "client_hello_only");
    assert_eq!(c.decryption.status, "incomplete");
    assert!(c.decryption.reason.contains("no ServerHello"));
}

#[test]
fn a_flood_of_records_keeps_bounded_lists() {
    let mut r = Run::new();
    r.send(C, &record(HANDSHAKE, &client_hello(false)));
    // 40,000 empty HelloRequests, 2,000 alerts.
    let requests = record(HANDSHAKE, &[0u8; 16_000]);
    for _ in 0..10 {
        r.send(S, &requests);
    }
    let alerts = record(ALERT, &[1, 0]);
    for _ in 0..2_000 {
        r.send(S, &alerts);
    }
    let c = r.report();
    assert!(c.messages.len() <= 10_000);
    assert!(c.messages_omitted >= 32_000, "{}", c.messages_omitted);
    assert_eq!(c.alerts.len(), super::log::MAX_ALERTS);
    assert_eq!(c.alerts_omitted, 2_000 - super::log::MAX_ALERTS as u64);
}

#[test]
fn an_open_connection_is_small() {
    // Held by value in the run's tables: the fixed part stays small (key schedules,
    // parsed hellos and lists live behind boxes, made when needed).
    let size = std::mem::size_of::<Session>();
    assert!(size <= 512, "Session is {size} bytes");
}

// ---------------------------------------------------------------------------
// Decrypted sessions: TLS_PSK_WITH_NULL_SHA256, whose records are the plaintext and an
// HMAC-SHA256, so the test can be both peers without a cipher; the events are recorded.

mod decrypted {
    use std::cell::RefCell;
    use std::rc::Rc;

    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    use super::*;
    use crate::crypto::prf::{self, PrfKind};
    use crate::flow::Gap;
    use crate::session::{Event, KeyEvent, SessionSink};
    use crate::tls::cipher_suite::lookup;

    const SUITE: u16 = 0x00B0; // TLS_PSK_WITH_NULL_SHA256
    const PSK: [u8; 16] = [7; 16];
    const CR: [u8; 32] = [0x11; 32];

    /// What the recording sink saw, as short words.
    type Seen = Rc<RefCell<Vec<String>>>;

    struct Recorder(Seen);

    impl SessionSink for Recorder {
        fn event(&mut self, e: &Event<'_>) {
            let word = match e {
                Event::Handshake { message, .. } => message.type_name().to_string(),
                Event::ChangeCipherSpec { .. } => "CCS".into(),
                Event::Keys { change, .. } => format!("keys:{change:?}"),
                Event::Plaintext { bytes, early, .. } => {
                    format!(
                        "plain{}:{}",
                        if *early { "(early)" } else { "" },
                        bytes.len()
                    )
                }
                Event::ApplicationData { .. } => return,
                Event::Alert { alert, .. } => format!(
                    "alert:{}",
                    alert.description().unwrap_or_else(|| "encrypted".into())
                ),
                Event::Gap { gap, .. } => format!("gap:{}", gap.len),
                Event::ProtectedHandshake { .. } => "protected-handshake".into(),
                other => format!("{other:?}")
                    .split(' ')
                    .next()
                    .unwrap_or("?")
                    .to_string(),
            };
            self.0.borrow_mut().push(word);
        }
    }

    /// One side's write state: MAC key and sequence number.
    struct Writer {
        mac: Vec<u8>,
        seq: u64,
    }

    impl Writer {
        fn seal(&mut self, content_type: u8, payload: &[u8]) -> Vec<u8> {
            let mut m = Hmac::<Sha256>::new_from_slice(&self.mac).unwrap();
            m.update(&self.seq.to_be_bytes());
            m.update(&[content_type, 3, 3]);
            m.update(&(payload.len() as u16).to_be_bytes());
            m.update(payload);
            self.seq += 1;
            let mut body = payload.to_vec();
            body.extend_from_slice(&m.finalize().into_bytes());
            record(content_type, &body)
        }
    }

    struct Handshake {
        master: Vec<u8>,
        transcript: Vec<u8>,
        client: Writer,
        server: Writer,
    }

    fn psk_hello(session_id: &[u8], server_random: [u8; 32], suite: u16) -> (Vec<u8>, Vec<u8>) {
        let mut ch = vec![3, 3];
        ch.extend_from_slice(&CR);
        ch.push(session_id.len() as u8);
        ch.extend_from_slice(session_id);
        ch.extend_from_slice(&[0, 2]);
        ch.extend_from_slice(&suite.to_be_bytes());
        ch.extend_from_slice(&[1, 0, 0, 0]);
        let mut sh = vec![3, 3];
        sh.extend_from_slice(&server_random);
        sh.push(session_id.len() as u8);
        sh.extend_from_slice(session_id);
        sh.extend_from_slice(&suite.to_be_bytes());
        sh.extend_from_slice(&[0, 0, 0]);
        (message(1, &ch), message(2, &sh))
    }

    fn keys(master: &[u8], sr: &[u8; 32]) -> (Writer, Writer) {
        let k = prf::session_keys(
            PrfKind::Sha256,
            0x0303,
            lookup(crate::tls::cipher_suite::CipherSuiteId(SUITE)).unwrap(),
            master,
            &CR,
            sr,
        );
        (
            Writer {
                mac: k.client_mac,
                seq: 0,
            },
            Writer {
                mac: k.server_mac,
                seq: 0,
            },
        )
    }

    fn finished(master: &[u8], from_client: bool, transcript: &[u8]) -> Vec<u8> {
        message(
            20,
            &prf::finished_verify_data(PrfKind::Sha256, master, from_client, transcript),
        )
    }

    /// A full PSK handshake up to both Finished; the session id lets a later
    /// connection resume it.
    fn full_handshake(r: &mut Run, sr: [u8; 32]) -> Handshake {
        let (ch, sh) = psk_hello(&[0x5e; 32], sr, SUITE);
        let done = message(14, &[]);
        let cke = message(16, &[0, 2, b'i', b'd']);
        let mut pms = vec![0, 16];
        pms.extend_from_slice(&[0; 16]);
        pms.extend_from_slice(&[0, 16]);
        pms.extend_from_slice(&PSK);
        let master = prf::master_secret(PrfKind::Sha256, &pms, &CR, &sr).to_vec();
        let (mut client, mut server) = keys(&master, &sr);
        let mut transcript = [ch.clone(), sh.clone(), done.clone(), cke.clone()].concat();
        r.send(C, &record(HANDSHAKE, &ch))
            .send(S, &record(HANDSHAKE, &[sh, done].concat()))
            .send(C, &record(HANDSHAKE, &cke))
            .send(C, &record(CCS, &[1]));
        let cf = finished(&master, true, &transcript);
        transcript.extend_from_slice(&cf);
        r.send(C, &client.seal(HANDSHAKE, &cf));
        let sf = finished(&master, false, &transcript);
        transcript.extend_from_slice(&sf);
        r.send(S, &record(CCS, &[1]))
            .send(S, &server.seal(HANDSHAKE, &sf));
        Handshake {
            master,
            transcript,
            client,
            server,
        }
    }

    fn recorded(secrets: Secrets) -> (Run, Seen) {
        let seen: Seen = Rc::default();
        let mut r = Run::new();
        r.secrets = secrets;
        r.session = Session::new(0, endpoints(), &SessionSettings::default())
            .with_observer(Box::new(Recorder(seen.clone())));
        (r, seen)
    }

    fn psk_secrets() -> Secrets {
        let mut s = Secrets::default();
        s.psk = Some(PSK.to_vec());
        s
    }

    #[test]
    fn change_cipher_spec_switches_keys_and_both_finished_verify() {
        let (mut r, seen) = recorded(psk_secrets());
        let mut h = full_handshake(&mut r, [0x22; 32]);
        r.send(C, &h.client.seal(APP, b"GET / HTTP/1.1\r\n\r\n"))
            .send(S, &h.server.seal(APP, b"HTTP/1.1 200 OK\r\n\r\n"))
            .send(C, &h.client.seal(ALERT, &[1, 0]));
        let c = r.report();
        assert_eq!(
            seen.borrow().join(" "),
            "ClientHello ServerHello ServerHelloDone ClientKeyExchange CCS keys:Installed \
             Finished CCS keys:Installed Finished plain:18 plain:19 alert:close_notify"
        );
        assert!(c.decryption.client_finished_verified && c.decryption.server_finished_verified);
        assert_eq!(c.decryption.status, "decrypted");
        assert_eq!(c.state.to_string(), "established");
        let _ = h.transcript.len();
    }

    #[test]
    fn a_renegotiation_goes_on_under_the_old_keys_then_switches() {
        let (mut r, seen) = recorded(psk_secrets());
        let mut h = full_handshake(&mut r, [0x22; 32]);
        // The client starts over, under the keys in force; the server answers.
        let sr2 = [0x33; 32];
        let (ch, sh) = psk_hello(&[], sr2, SUITE);
        r.send(C, &h.client.seal(HANDSHAKE, &ch));
        let done = message(14, &[]);
        r.send(
            S,
            &h.server
                .seal(HANDSHAKE, &[sh.clone(), done.clone()].concat()),
        );
        let cke = message(16, &[0, 2, b'i', b'd']);
        r.send(C, &h.client.seal(HANDSHAKE, &cke));
        let mut pms = vec![0, 16];
        pms.extend_from_slice(&[0; 16]);
        pms.extend_from_slice(&[0, 16]);
        pms.extend_from_slice(&PSK);
        let master2 = prf::master_secret(PrfKind::Sha256, &pms, &CR, &sr2).to_vec();
        let (mut c2, mut s2) = keys(&master2, &sr2);
        let mut t = [ch, sh, done, cke].concat();
        r.send(C, &h.client.seal(CCS, &[1]));
        let cf = finished(&master2, true, &t);
        t.extend_from_slice(&cf);
        r.send(C, &c2.seal(HANDSHAKE, &cf));
        let sf = finished(&master2, false, &t);
        r.send(S, &h.server.seal(CCS, &[1]))
            .send(S, &s2.seal(HANDSHAKE, &sf));
        r.send(C, &c2.seal(APP, b"after"));
        let c = r.report();
        let seen = seen.borrow().join(" ");
        assert!(
            seen.ends_with(
                "ClientHello ServerHello ServerHelloDone ClientKeyExchange CCS keys:Installed \
                 Finished CCS keys:Installed Finished plain:5"
            ),
            "{seen}"
        );
        assert_eq!(
            c.decryption.record_failures.client + c.decryption.record_failures.server,
            0
        );
        assert!(c.decryption.client_finished_verified && c.decryption.server_finished_verified);
        let _ = h.master.len();
    }

    #[test]
    fn a_resumed_session_opens_with_the_first_ones_master_secret() {
        let mut secrets = psk_secrets();
        let (mut r, _) = recorded(std::mem::take(&mut secrets));
        let _ = full_handshake(&mut r, [0x22; 32]);
        let secrets = std::mem::take(&mut r.secrets);
        let master = {
            let mut pms = vec![0, 16];
            pms.extend_from_slice(&[0; 16]);
            pms.extend_from_slice(&[0, 16]);
            pms.extend_from_slice(&PSK);
            prf::master_secret(PrfKind::Sha256, &pms, &CR, &[0x22; 32]).to_vec()
        };
        drop(r.report());
        // A second connection offers the session id; the server takes it: an
        // abbreviated handshake, the server's Finished first.
        let (mut r, seen) = recorded(secrets);
        let sr = [0x44; 32];
        let (ch, sh) = psk_hello(&[0x5e; 32], sr, SUITE);
        let (mut c, mut s) = keys(&master, &sr);
        let mut t = [ch.clone(), sh.clone()].concat();
        r.send(C, &record(HANDSHAKE, &ch))
            .send(S, &record(HANDSHAKE, &sh));
        let sf = finished(&master, false, &t);
        t.extend_from_slice(&sf);
        r.send(S, &record(CCS, &[1]))
            .send(S, &s.seal(HANDSHAKE, &sf));
        let cf = finished(&master, true, &t);
        r.send(C, &record(CCS, &[1]))
            .send(C, &c.seal(HANDSHAKE, &cf));
        r.send(C, &c.seal(APP, b"again"));
        let report = r.report();
        assert!(report.resumed);
        assert_eq!(
            report.decryption.key_source.as_ref().map(|k| k.describe()),
            Some("resumed_session_id".to_string())
        );
        assert!(seen
            .borrow()
            .ends_with(&["Finished".into(), "plain:5".into()]));
    }

    #[test]
    fn a_gap_in_the_handshake_is_an_event_and_the_connection_is_incomplete() {
        let (mut r, seen) = recorded(Secrets::default());
        let (ch, sh) = psk_hello(&[], [0x22; 32], SUITE);
        r.send(C, &record(HANDSHAKE, &ch));
        // Half of the ServerHello record, then the capture loses the rest.
        let rec = record(HANDSHAKE, &sh);
        r.send(S, &rec[..20]);
        r.feed.feed(
            &mut r.session,
            S,
            Chunk::Gap(Gap {
                offset: 20,
                len: rec.len() as u64 - 20,
            }),
            r.ts,
            &mut r.secrets,
        );
        r.send(S, &record(HANDSHAKE, &message(14, &[])));
        let c = r.report();
        assert_eq!(
            seen.borrow().join(" "),
            format!("ClientHello gap:{} ServerHelloDone", rec.len() - 20)
        );
        assert!(c.server_random.is_none(), "the ServerHello was lost");
        assert!(
            c.warnings.iter().any(|w| w.contains("did not parse")),
            "{:?}",
            c.warnings
        );
    }

    #[test]
    fn early_data_without_its_secret_is_counted_not_guessed() {
        // A key log with this client's TLS 1.3 secrets but not the early one.
        let mut secrets = Secrets::default();
        let line = format!(
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET {} {}\n",
            hex::encode(CR),
            "ab".repeat(32)
        );
        secrets.add_keylog(line.as_bytes(), "k.log");
        let (mut r, seen) = recorded(secrets);
        let mut ch = vec![3, 3];
        ch.extend_from_slice(&CR);
        ch.extend_from_slice(&[0, 0, 2, 0x13, 0x01, 1, 0]);
        let ext = [0, 43, 0, 3, 2, 3, 4, 0, 42, 0, 0];
        ch.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        ch.extend_from_slice(&ext);
        r.send(C, &record(HANDSHAKE, &message(1, &ch)))
            .send(C, &record(CCS, &[1]))
            .send(C, &record(APP, &[0x61; 40]))
            .send(C, &record(APP, &[0x62; 30]));
        let c = r.report();
        let early = c
            .decryption
            .early_data
            .as_ref()
            .expect("early data offered");
        assert_eq!((early.records, early.bytes), (2, 70));
        assert_eq!(early.decrypted_bytes, None);
        assert!(c.app_data.is_none());
        assert_eq!(seen.borrow().join(" "), "ClientHello CCS EarlyDataDecided");
    }

    #[test]
    fn handshake_messages_fed_by_encryption_level_are_read_like_records() {
        // QUIC carries the handshake in CRYPTO frames: no TLS records at all.
        let (mut r, seen) = recorded(Secrets::default());
        let hello = client_hello(true);
        let (a, b) = hello.split_at(10);
        let mut secrets = Secrets::default();
        r.session
            .on_handshake_data(C, crate::session::Level::Initial, a, 1, &mut secrets);
        r.session
            .on_handshake_data(C, crate::session::Level::Initial, b, 2, &mut secrets);
        assert_eq!(seen.borrow().join(" "), "ClientHello");
        let c = r.report();
        assert_eq!(c.state.to_string(), "client_hello_only");
        let _ = KeyEvent::Installed;
    }
}

/// Heartbleed as Zeek reports it: a request claiming more payload than it carries, and
/// a response carrying more than the request did; well-formed heartbeats are quiet.
#[test]
fn heartbleed_is_said_and_plain_heartbeats_are_not() {
    const HEARTBEAT: u8 = 24;
    let handshake = |r: &mut Run| {
        r.send(C, &record(HANDSHAKE, &client_hello(false)))
            .send(S, &record(HANDSHAKE, &server_hello(0x009c, false)));
    };
    let mut probe = Run::new();
    handshake(&mut probe);
    let mut leak = vec![2, 0x10, 0x00];
    leak.extend(std::iter::repeat_n(0xaa, 0x1000 + 16));
    probe
        .send(C, &record(HEARTBEAT, &[1, 0x10, 0x00]))
        .send(S, &record(HEARTBEAT, &leak));
    let r = probe.report();
    assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
    assert!(r.warnings[0].contains("claims a 4096-byte payload in a 3-byte message"));
    assert!(r.warnings[1].contains("heartbeat of 4096 bytes answers one of 0"));

    let mut plain = Run::new();
    handshake(&mut plain);
    let beat = |kind: u8| {
        let mut m = vec![kind, 0, 4];
        m.extend_from_slice(b"ping");
        m.extend_from_slice(&[0; 16]);
        record(HEARTBEAT, &m)
    };
    plain.send(C, &beat(1)).send(S, &beat(2));
    let r = plain.report();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}
