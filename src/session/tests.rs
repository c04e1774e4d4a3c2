//! The state machine on synthetic record sequences: each test builds the records a
//! peer would send (or a broken one, or an attacker), feeds them to a [`Session`] as a
//! transport would, and checks the report.

use std::net::{IpAddr, Ipv4Addr};

use super::{Session, SessionSettings};
use crate::crypto::secrets::Secrets;
use crate::flow::Direction::{self, Forward as C, Reverse as S};
use crate::net::Endpoint;
use crate::report::model::ConnectionReport;
use crate::tcp::{AssemblerStats, ConnectionSummary, StreamChunk};
use crate::tls::registry::{AlertDescription, AlertLevel};

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
    session: Session,
    secrets: Secrets,
    ts: i64,
}

impl Run {
    fn new() -> Self {
        let ep = |port| Endpoint {
            ip: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
            port,
        };
        Run {
            session: Session::new(0, [ep(50_000), ep(443)], &SessionSettings::default()),
            secrets: Secrets::default(),
            ts: 1_700_000_000_000_000_000,
        }
    }

    fn send(&mut self, dir: Direction, bytes: &[u8]) -> &mut Self {
        self.ts += 1_000;
        self.session
            .on_chunk(dir, StreamChunk::Data(bytes), self.ts, &mut self.secrets);
        self
    }

    fn report(self) -> ConnectionReport {
        let stats = AssemblerStats::default();
        let summary = ConnectionSummary {
            id: 0,
            endpoints: [self.session.endpoints[0], self.session.endpoints[1]],
            syn_sender: Some(C),
            first_seen_ns: 0,
            last_seen_ns: self.ts,
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
    assert_eq!(c.state, "failed: unknown_ca");
    let a = &c.alerts[0];
    assert!(!a.encrypted);
    assert_eq!(
        (a.level, a.code),
        (Some(AlertLevel::FATAL), Some(AlertDescription::UNKNOWN_CA))
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
    assert!(!c.state.starts_with("failed"), "{}", c.state);
}

#[test]
fn well_formed_alerts_in_the_clear_are_decoded() {
    let mut r = Run::new();
    r.send(C, &record(HANDSHAKE, &client_hello(false)))
        .send(S, &record(ALERT, &[2, 40]));
    let c = r.report();
    assert_eq!(c.state, "failed: handshake_failure");
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
    assert_eq!(c.state, "failed: decrypt_error");
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
    assert_eq!(c.state, "records_only");
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
    assert_eq!(c.state, "client_hello_only");
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
