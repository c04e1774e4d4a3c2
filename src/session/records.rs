//! One record at a time: in the clear or protected, decrypted when the keys are known,
//! and turned into events.
//!
//! ```text
//!  record ─ protected? ─ no ──────────────────────────► clear: handshake │ CCS │ alert │ data
//!              └ yes ─ keys open it? ─ yes ─ (0-RTT?) ─► decrypted: the same, and plaintext
//!                            └ no ────────────────────► protected: counted and sized, never guessed at
//! ```

use super::events::{Event, KeyEvent};
use super::{Hellos, KeyChange, Session};
use crate::crypto::record::{RecordKeys, Unlocked};
use crate::crypto::secrets::Secrets;
use crate::flow::Direction;
use crate::report::model::{AlertEntry, Side};
use crate::tls::handshake::{HandshakeFrame, HandshakeMessage};
use crate::tls::heartbeat::{self, HeartbeatMessage};
use crate::tls::hello::ClientHello;
use crate::tls::record::{self, Record};
use crate::tls::registry::{ContentType, HandshakeType};

/// The longest a TLS 1.3 protected alert is likely to be: its 2 bytes, the inner
/// content type and a 16-byte tag, with a few bytes of padding. The shortest
/// Finished is 32 + 4 + 1 bytes and an 8-byte tag.
const MAX_PROTECTED_ALERT: usize = 24;

impl Session {
    /// One record of one direction, as it travelled.
    pub fn on_record(
        &mut self,
        direction: Direction,
        rec: Record<'_>,
        ts: i64,
        secrets: &mut Secrets,
    ) {
        self.saw_tls = true;
        let i = direction.index();
        self.dirs[i].records += 1;
        if rec.content_type == ContentType::APPLICATION_DATA {
            let d = &mut self.dirs[i];
            d.app_records += 1;
            d.app_bytes += rec.fragment.len() as u64;
            d.app_record_over_alert |= rec.fragment.len() > MAX_PROTECTED_ALERT;
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
            self.on_clear(direction, rec.content_type, rec.fragment, ts, secrets, None);
            return;
        }
        let early = self.in_early_data(direction);
        let unlocked = match &mut self.dirs[i].dec {
            Some(d) => d
                .keys
                .decrypt(rec.content_type.0, rec.version.0, rec.fragment),
            None => Unlocked::NoKeys,
        };
        let wire = rec.fragment.len();
        match unlocked {
            Unlocked::Opened { opened, switched } => {
                let d = self.dirs[i].dec_mut();
                d.decrypted_records += 1;
                let skipped = d.keys.take_skipped();
                if skipped > 0 {
                    // The chain numbered this record `seq() - 1`, after `skipped` others.
                    let seq = d.keys.seq().wrapping_sub(1);
                    let first = seq.wrapping_sub(skipped);
                    let lost = match skipped {
                        1 => format!("record {first} was"),
                        _ => format!("records {first}–{} were", seq.wrapping_sub(1)),
                    };
                    self.warn(
                        direction,
                        format!("{lost} lost in the capture's gap: record {seq} opened after it"),
                    );
                }
                if switched {
                    if early {
                        self.end_unopened_early_data(direction, ts);
                    }
                    if let Some(c) = &mut self.crypto {
                        c.tls13_switched(direction);
                    }
                    self.apply_key_changes(ts);
                }
                let early = early && !switched;
                let data = ContentType(opened.content_type) == ContentType::APPLICATION_DATA;
                if early {
                    // Only application data is early data: the EndOfEarlyData message
                    // travels under the same key.
                    let e = self.early_mut();
                    e.key_known = true;
                    e.last_unopened = 0;
                    if data {
                        e.records += 1;
                        e.bytes += wire as u64;
                    }
                }
                if early && data {
                    self.on_early_data(direction, wire, &opened.data, ts);
                } else {
                    self.on_clear(
                        direction,
                        ContentType(opened.content_type),
                        &opened.data,
                        ts,
                        secrets,
                        Some(wire),
                    );
                }
            }
            Unlocked::NoKeys if early => {
                let e = self.early_mut();
                e.records += 1;
                e.bytes += wire as u64;
                e.last_unopened = wire as u64;
                self.sinks.emit(&Event::ApplicationData {
                    dir: direction,
                    side: self.side_of(direction),
                    ts,
                    wire: wire as u64,
                    plain: None,
                    early: true,
                });
            }
            Unlocked::NoKeys => self.on_protected(direction, rec, ts),
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
                self.on_protected(direction, rec, ts);
            }
        }
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

    /// Applies the key changes the handshake crypto decided on.
    pub(super) fn apply_key_changes(&mut self, ts: i64) {
        let changes = match &mut self.crypto {
            Some(c) => std::mem::take(&mut c.changes),
            None => return,
        };
        for (dir, change) in changes {
            let chain = &mut self.dirs[dir.index()].dec_mut().keys;
            let event = match change {
                KeyChange::Install(k) => {
                    chain.install(k);
                    KeyEvent::Installed
                }
                KeyChange::Alternatives(v) => {
                    chain.install_alternatives(v);
                    KeyEvent::Alternatives
                }
                KeyChange::Next(k) => {
                    chain.expect_next(k);
                    KeyEvent::Expected
                }
                KeyChange::Update => {
                    if let Err(e) = chain.key_update() {
                        self.warn(dir, format!("KeyUpdate: {e}"));
                    }
                    KeyEvent::Updated
                }
            };
            self.sinks.emit(&Event::Keys {
                dir,
                ts,
                change: event,
            });
        }
    }

    /// The client's records switched from the early key to its handshake key while the
    /// early key was unknown: if the server accepted the early data, the last record
    /// under the early key was the EndOfEarlyData message (RFC 8446 §4.5), not data.
    fn end_unopened_early_data(&mut self, direction: Direction, ts: i64) {
        let Some(e) = self.early.as_mut() else {
            return;
        };
        let length = std::mem::take(&mut e.last_unopened);
        if length == 0 || e.accepted != Some(true) {
            return;
        }
        e.records -= 1;
        e.bytes -= length;
        self.sinks.emit(&Event::EndOfEarlyData {
            dir: direction,
            ts,
            length: length as usize,
        });
    }

    /// Decrypted 0-RTT application data from the client.
    fn on_early_data(&mut self, direction: Direction, wire: usize, data: &[u8], ts: i64) {
        let e = self.early_mut();
        e.decrypted_records += 1;
        e.decrypted_bytes += data.len() as u64;
        let accepted = e.accepted;
        if accepted != Some(false) {
            let side = self.side_of(direction);
            self.sinks.emit(&Event::Plaintext {
                dir: direction,
                side,
                ts,
                bytes: data,
                early: accepted.is_none(),
            });
        }
        self.sinks.emit(&Event::ApplicationData {
            dir: direction,
            side: self.side_of(direction),
            ts,
            wire: wire as u64,
            plain: Some(data.len()),
            early: true,
        });
    }

    /// The server said whether it accepted the early data (or the capture ended).
    pub(super) fn decide_early_data(&mut self, accepted: bool) {
        let Some(e) = self.early.as_mut() else {
            return;
        };
        if e.accepted.is_some() {
            return;
        }
        e.accepted = Some(accepted);
        if let Some(client) = self.client_hello_dir {
            self.sinks
                .emit(&Event::EarlyDataDecided { client, accepted });
        }
    }

    /// A record we could not decrypt: counted and sized, never guessed at.
    pub(super) fn on_protected(&mut self, direction: Direction, rec: Record<'_>, ts: i64) {
        let i = direction.index();
        let length = rec.fragment.len();
        let dir = direction;
        match rec.content_type {
            ContentType::HANDSHAKE => {
                self.dirs[i].encrypted_handshakes += 1;
                let n = self.dirs[i].encrypted_handshakes;
                let finished = n == 1 && !self.is_tls13();
                // TLS ≤ 1.2: the client's next encrypted handshake record after its
                // Finished opens a renegotiation (its ClientHello, under the old keys);
                // it is one once the server answers with a handshake record (its
                // ServerHello), not with an alert refusing it.
                if !self.is_tls13() {
                    match self.side_of(dir) {
                        Side::Client if n == 2 => self.hellos = Hellos::RenegotiationAsked,
                        Side::Server if self.hellos == Hellos::RenegotiationAsked => {
                            self.hellos = Hellos::Answered;
                            self.renegotiations = self.renegotiations.saturating_add(1);
                        }
                        _ => {}
                    }
                }
                self.sinks.emit(&Event::ProtectedHandshake {
                    dir,
                    ts,
                    length,
                    finished,
                });
            }
            ContentType::ALERT => self.protected_alert(dir, ts, length),
            ContentType::APPLICATION_DATA => self.sinks.emit(&Event::ApplicationData {
                dir,
                side: self.side_of(dir),
                ts,
                wire: length as u64,
                plain: None,
                early: false,
            }),
            ContentType::HEARTBEAT => self.heartbeat(dir, ts, length, None),
            other => self.unknown_content_type(dir, other),
        }
    }

    fn protected_alert(&mut self, dir: Direction, ts: i64, length: usize) {
        self.sinks.emit(&Event::Alert {
            dir,
            ts,
            alert: AlertEntry::encrypted(dir, ts),
            length,
        });
    }

    /// A record in the clear, or decrypted (`wire`: its length as it travelled).
    pub(super) fn on_clear(
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
        let dir = direction;
        self.check_fragment_length(dir, fragment.len());
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
            ContentType::CHANGE_CIPHER_SPEC => self.on_change_cipher_spec(dir, ts),
            ContentType::ALERT => {
                if !decrypted && !plausible_clear_alerts(fragment) {
                    // Not alerts in the clear: protected ones, under keys whose change the
                    // capture did not show.
                    self.protected_alert(dir, ts, fragment.len());
                    return;
                }
                for pair in fragment.chunks(2) {
                    if pair.len() < 2 {
                        self.warn(direction, "alert record of odd length".into());
                        break;
                    }
                    let alert = AlertEntry {
                        decrypted,
                        ..AlertEntry::clear(direction, ts, pair[0], pair[1])
                    };
                    self.sinks.emit(&Event::Alert {
                        dir,
                        ts,
                        alert,
                        length: 2,
                    });
                }
            }
            ContentType::APPLICATION_DATA => {
                let plain = decrypted.then_some(fragment);
                if let Some(p) = plain {
                    let side = self.side_of(direction);
                    if side == Side::Client {
                        // Data after the early data: the server took the early data.
                        self.decide_early_data(true);
                    }
                    self.sinks.emit(&Event::Plaintext {
                        dir,
                        side,
                        ts,
                        bytes: p,
                        early: false,
                    });
                }
                self.sinks.emit(&Event::ApplicationData {
                    dir,
                    side: self.side_of(dir),
                    ts,
                    wire: wire.unwrap_or(fragment.len()) as u64,
                    plain: plain.map(|p| p.len()),
                    early: false,
                });
            }
            ContentType::HEARTBEAT => {
                let length = wire.unwrap_or(fragment.len());
                self.heartbeat(dir, ts, length, Some(fragment));
            }
            other => self.unknown_content_type(dir, other),
        }
    }

    /// A heartbeat record (`plaintext` when in the clear or decrypted). Heartbleed is
    /// said as Zeek says it: a request claiming more payload than it carries, and an
    /// answer larger than the request it answers (the peer's memory, even when both
    /// are encrypted and only their lengths are known).
    fn heartbeat(&mut self, dir: Direction, ts: i64, length: usize, plaintext: Option<&[u8]>) {
        let message = plaintext.and_then(HeartbeatMessage::parse);
        // What this heartbeat carries: its payload when readable (no more than the
        // message holds, whatever it claims), else its record's length.
        let size = message.map_or(length, |m| usize::from(m.payload_length).min(m.length - 3));
        // Encrypted, only record lengths compare: the padding (16 bytes or more, the
        // sender's choice) may differ between a request and its echo.
        let slack = if message.is_some() {
            0
        } else {
            2 * heartbeat::MIN_PADDING
        };
        let asked = match self.heartbeat_sent.take() {
            Some((from, size)) if from != dir => Some(size),
            _ => None,
        };
        if let Some(m) = message.filter(|m| m.kind == heartbeat::REQUEST && m.overclaims()) {
            self.warn(
                dir,
                format!(
                    "heartbeat request claims a {}-byte payload in a {}-byte message: a \
                     Heartbleed probe (CVE-2014-0160)",
                    m.payload_length, m.length
                ),
            );
        } else if let Some(asked) = asked
            .filter(|&a| size > usize::from(a) + slack)
            .filter(|_| message.is_none_or(|m| m.kind == heartbeat::RESPONSE))
        {
            self.warn(
                dir,
                format!(
                    "heartbeat of {size} bytes answers one of {asked}: more came back than \
                     was sent, as Heartbleed's memory disclosure (CVE-2014-0160) does"
                ),
            );
        }
        self.heartbeat_sent = Some((dir, u16::try_from(size).unwrap_or(u16::MAX)));
        self.sinks.emit(&Event::Heartbeat {
            dir,
            ts,
            length,
            message,
        });
    }

    fn on_change_cipher_spec(&mut self, direction: Direction, ts: i64) {
        // TLS 1.3's compatibility CCS can come before the ServerHello (after a
        // ClientHello with early data); a TLS ≤ 1.2 one never does.
        let tls13 = self.is_tls13() || (self.server_hello.is_none() && self.offers_tls13());
        let keys = if tls13 {
            None
        } else {
            self.crypto.as_mut().and_then(|c| c.take_keys(direction))
        };
        let d = &mut self.dirs[direction.index()];
        d.change_cipher_spec = true;
        self.sinks
            .emit(&Event::ChangeCipherSpec { dir: direction, ts });
        // In TLS 1.3 the CCS is a compatibility no-op; keys changed already.
        if tls13 {
            return;
        }
        let d = &mut self.dirs[direction.index()];
        d.encrypted = true;
        d.encrypted_handshakes = 0;
        let change = match keys {
            Some(k) => {
                d.dec_mut().keys.install(RecordKeys::Tls12(k));
                KeyEvent::Installed
            }
            None => {
                if let Some(dec) = &mut d.dec {
                    dec.keys.clear();
                }
                KeyEvent::Unknown
            }
        };
        self.sinks.emit(&Event::Keys {
            dir: direction,
            ts,
            change,
        });
    }

    /// RFC 6066 §4: once the ServerHello has agreed a max_fragment_length, neither side
    /// may send a record whose plaintext is longer (the peer answers record_overflow).
    /// The record that carries the ServerHello is checked no more: the limit starts after
    /// it. Said once per direction.
    fn check_fragment_length(&mut self, dir: Direction, length: usize) {
        let max = usize::from(self.max_fragment_length);
        if max == 0 || self.dirs[dir.index()].over_fragment_length {
            return;
        }
        if length > max {
            self.dirs[dir.index()].over_fragment_length = true;
            self.warn(
                dir,
                format!(
                    "a record of {length} plaintext bytes, over the {max}-byte \
                     max_fragment_length agreed (RFC 6066: record_overflow)"
                ),
            );
        }
    }

    fn unknown_content_type(&mut self, dir: Direction, content_type: ContentType) {
        self.warn(
            dir,
            format!("record of unknown content type {}", content_type.0),
        );
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
