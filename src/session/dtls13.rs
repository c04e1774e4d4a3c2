//! DTLS 1.3's record layer (RFC 9147 §4) for [`super::dtls::DtlsFeed`], once the
//! ServerHello chose DTLS 1.3: each direction's epochs, the keys of each from the TLS 1.3
//! traffic secrets the session found in the key log, and records with the unified
//! header opened.
//!
//! ```text
//!  epoch 0: DTLSPlaintext (full header), ClientHello / ServerHello ─► DtlsFeed as before
//!  epoch 2: [sender]_handshake_traffic_secret ┐ unified header 001CSLEE:
//!  epoch 3: [sender]_application_traffic_secret_0 ├ EE = epoch's low bits ─► candidate epochs
//!  epoch 4, 5 …: "traffic upd" after each KeyUpdate ┘ sequence number: unmasked (sn_key),
//!                                                     rebuilt closest to the next expected
//!  opened ─► handshake (DTLS fragments) │ ACK (26, counted) │ alert, application data
//! ```
//! Epoch 1 (0-RTT) has no keys here: its records are counted as not opened. A later
//! epoch is tried only when a record carries its low bits and the one before opened, so
//! at most [`APP_EPOCHS_KEPT`] application epochs are kept per direction, and the next
//! one's keys (made once, not per record that fails under them).

use crate::crypto::dtls13::{reconstruct_sequence, EpochKeys};
use crate::crypto::record::Opened;
use crate::crypto::secrets::Secrets;
use crate::flow::Direction;
use crate::report::dtls::Dtls13Counts;
use crate::session::{Level, Session};
use crate::tls::dtls::ack::Ack;
use crate::tls::dtls::record::UnifiedRecord;
use crate::tls::record::Record;
use crate::tls::registry::{ContentType, ProtocolVersion};

/// Application epochs kept per direction: the newest, and the one before for records
/// reordered behind a KeyUpdate.
pub const APP_EPOCHS_KEPT: usize = 2;

/// The first application epoch (RFC 9147 §6.1).
const FIRST_APP_EPOCH: u64 = 3;

/// The handshake epoch.
const HANDSHAKE_EPOCH: u64 = 2;

/// Keys of one epoch, and where its sequence numbers have got to.
#[derive(Debug)]
struct Epoch {
    number: u64,
    keys: EpochKeys,
    /// One past the highest sequence number opened (the next expected).
    next_seq: u64,
}

/// Keys of the handshake epoch, or why there are none.
#[derive(Debug, Default)]
enum Slot {
    /// The secret is not known yet (the session has not got that far, or no key log).
    #[default]
    Waiting,
    Ready(Box<Epoch>),
    /// The secret could not make keys: not tried again.
    Unusable,
}

/// One direction.
#[derive(Debug, Default)]
struct Dir {
    handshake: Slot,
    /// Oldest first; at most [`APP_EPOCHS_KEPT`].
    app: Vec<Epoch>,
    /// The first application secret did not make keys.
    app_unusable: bool,
    /// The keys of the epoch after the newest, made once (the next KeyUpdate's), and
    /// whether they could not be.
    ahead: Option<Epoch>,
    ahead_unusable: bool,
    counts: Dtls13Counts,
}

/// What became of one record.
pub enum Unified {
    Opened(Opened),
    /// No keys for any epoch with the record's low bits.
    NoKeys,
    /// Keys were there and none opened it.
    Failed,
}

/// DTLS 1.3 state of both directions.
#[derive(Debug, Default)]
pub struct Dtls13Layer {
    dirs: [Dir; 2],
}

impl Dtls13Layer {
    /// Opens one unified-header record of `dir`.
    pub fn open(
        &mut self,
        session: &mut Session,
        dir: Direction,
        rec: &UnifiedRecord<'_>,
    ) -> Unified {
        let d = &mut self.dirs[dir.index()];
        d.counts.records += 1;
        d.load_keys(session, dir);
        let bits = u64::from(rec.epoch_bits());
        // Newest application epoch first, then the one before, then the handshake's.
        let mut tried = false;
        for e in d.app.iter_mut().rev().filter(|e| e.number & 3 == bits) {
            tried = true;
            if let Some(u) = open_with(e, rec) {
                d.counts.opened += 1;
                return u;
            }
        }
        if bits == HANDSHAKE_EPOCH {
            if let Slot::Ready(e) = &mut d.handshake {
                tried = true;
                if let Some(u) = open_with(e, rec) {
                    d.counts.opened += 1;
                    return u;
                }
            }
        }
        // The epoch after the newest: the sender's KeyUpdate took effect.
        d.derive_ahead(session, dir);
        if let Some(e) = d.ahead.as_mut().filter(|e| e.number & 3 == bits) {
            tried = true;
            if let Some(u) = open_with(e, rec) {
                d.counts.opened += 1;
                d.counts.key_updates += 1;
                d.counts.highest_epoch = d.counts.highest_epoch.max(e.number);
                if d.app.len() == APP_EPOCHS_KEPT {
                    d.app.remove(0);
                }
                d.app.extend(d.ahead.take());
                return u;
            }
        }
        if tried {
            d.counts.failed += 1;
            Unified::Failed
        } else {
            d.counts.no_keys += 1;
            Unified::NoKeys
        }
    }

    /// An opened record was an ACK: counted, its record numbers decoded.
    pub fn ack(&mut self, dir: Direction, content: &[u8]) {
        let c = &mut self.dirs[dir.index()].counts;
        match Ack::parse(content, 0) {
            Ok(a) => {
                c.acks += 1;
                c.acked_records += a.count as u64;
            }
            Err(_) => c.malformed_acks += 1,
        }
    }

    /// The counts of `dir`.
    pub fn counts(&self, dir: Direction) -> Dtls13Counts {
        self.dirs[dir.index()].counts
    }

    /// Bytes held (for the memory budget): keys are a few hundred bytes each.
    pub fn held_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self
                .dirs
                .iter()
                .map(|d| (2 + d.app.len()) * 512)
                .sum::<usize>()
    }
}

impl Dir {
    /// Makes the keys of the epoch after the newest application epoch, once per epoch.
    fn derive_ahead(&mut self, session: &mut Session, dir: Direction) {
        if self.ahead.is_some() || self.ahead_unusable {
            return;
        }
        let Some(newest) = self.app.last() else {
            return;
        };
        let number = newest.number.saturating_add(1);
        match newest.keys.next_generation() {
            Ok(keys) => {
                self.ahead = Some(Epoch {
                    number,
                    keys,
                    next_seq: 0,
                })
            }
            Err(e) => {
                session.warn(dir, format!("DTLS 1.3 epoch {number}: {e}"));
                self.ahead_unusable = true;
            }
        }
    }

    /// Makes the keys of the handshake and first application epochs once the session
    /// has their secrets (after the ServerHello, from the key log).
    fn load_keys(&mut self, session: &mut Session, dir: Direction) {
        if matches!(self.handshake, Slot::Waiting) {
            if let Some(made) = secret_keys(session, dir, Level::Handshake) {
                self.handshake = match made {
                    Ok(keys) => Slot::Ready(Box::new(Epoch {
                        number: HANDSHAKE_EPOCH,
                        keys,
                        next_seq: 0,
                    })),
                    Err(e) => {
                        session.warn(dir, format!("DTLS 1.3 handshake keys: {e}"));
                        Slot::Unusable
                    }
                };
            }
        }
        if self.app.is_empty() && !self.app_unusable {
            match secret_keys(session, dir, Level::Application) {
                Some(Ok(keys)) => {
                    self.counts.highest_epoch = self.counts.highest_epoch.max(FIRST_APP_EPOCH);
                    self.app.push(Epoch {
                        number: FIRST_APP_EPOCH,
                        keys,
                        next_seq: 0,
                    });
                }
                Some(Err(e)) => {
                    session.warn(dir, format!("DTLS 1.3 application keys: {e}"));
                    self.app_unusable = true;
                }
                None => {}
            }
        }
    }
}

/// The keys for what `dir` sends at `level`, when the session knows the secret and the
/// suite.
fn secret_keys(
    session: &Session,
    dir: Direction,
    level: Level,
) -> Option<Result<EpochKeys, String>> {
    let (suite, secret) = session.crypto.as_ref()?.tls13_traffic_secret(dir, level)?;
    Some(EpochKeys::new(suite?, secret).map_err(|e| e.to_string()))
}

/// Opens `rec` under `epoch`'s keys: the sequence number unmasked and rebuilt, the
/// header authenticated with it in the clear. `None` when it does not open.
fn open_with(epoch: &mut Epoch, rec: &UnifiedRecord<'_>) -> Option<Unified> {
    let mask = epoch.keys.sequence_mask(rec.encrypted_record)?;
    let protected = rec.protected_sequence;
    let mut header = rec.header.to_vec();
    // The sequence number sits right before the length (if any), after flags and cid.
    let at = 1usize.checked_add(rec.cid.len())?;
    let mut truncated = 0u64;
    for (i, b) in protected.iter().enumerate() {
        let clear = b ^ mask.get(i)?;
        *header.get_mut(at.checked_add(i)?)? = clear;
        truncated = (truncated << 8) | u64::from(clear);
    }
    let bits = u32::try_from(protected.len()).ok()?.checked_mul(8)?;
    let seq = reconstruct_sequence(epoch.next_seq, truncated, bits);
    let opened = epoch.keys.open(seq, &header, rec.encrypted_record).ok()?;
    epoch.next_seq = epoch.next_seq.max(seq.saturating_add(1));
    Some(Unified::Opened(opened))
}

impl Session {
    /// The adapter learnt that the transcript so far is not what it handed on: DTLS 1.3
    /// hashes the ClientHello in TLS 1.3's form, which only the ServerHello tells.
    pub(super) fn restart_transcript(&mut self, so_far: Vec<u8>) {
        if let Some(c) = self.crypto.as_mut() {
            c.replace_transcript(so_far);
        }
    }

    /// A DTLS 1.3 record opened: counted; handshake content goes back to the adapter
    /// (DTLS frames it its own way), an ACK is the adapter's, the rest the session's.
    pub(super) fn on_dtls13_opened(
        &mut self,
        dir: Direction,
        content_type: ContentType,
        data: Vec<u8>,
        wire: usize,
        ts: i64,
        secrets: &mut Secrets,
    ) -> Option<Vec<u8>> {
        self.saw_tls = true;
        let i = dir.index();
        self.dirs[i].records += 1;
        self.dirs[i].dec_mut().decrypted_records += 1;
        match content_type {
            ContentType::HANDSHAKE => return Some(data),
            ContentType::ACK => {}
            ct => {
                if ct == ContentType::APPLICATION_DATA {
                    self.dirs[i].app_records += 1;
                    self.dirs[i].app_bytes += wire as u64;
                    self.dirs[i].app_record_over_alert = true;
                }
                self.on_clear(dir, ct, &data, ts, secrets, Some(wire));
            }
        }
        None
    }

    /// A DTLS 1.3 record not opened (`failed`: keys were there and did not open it):
    /// counted and sized, as a protected record of unknown content.
    pub(super) fn on_dtls13_sealed(
        &mut self,
        dir: Direction,
        sealed: &[u8],
        ts: i64,
        failed: bool,
    ) {
        self.saw_tls = true;
        let i = dir.index();
        self.dirs[i].records += 1;
        self.dirs[i].app_records += 1;
        self.dirs[i].app_bytes += sealed.len() as u64;
        // Unified headers vary in length: the alert-sized test is TLS 1.3's alone.
        self.dirs[i].app_record_over_alert = true;
        if failed {
            let d = self.dirs[i].dec_mut();
            d.failed_records += 1;
            if d.failed_records == 1 {
                self.warn(
                    dir,
                    "a DTLS 1.3 record did not open under its epoch's keys".into(),
                );
            }
        }
        let rec = Record {
            content_type: ContentType::APPLICATION_DATA,
            version: ProtocolVersion::DTLS1_2,
            fragment: sealed,
        };
        self.on_protected(dir, rec, ts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keylog::KeyLog;
    use crate::report::model::ConnectionReport;
    use crate::session::test_flow::{ep, summary};
    use crate::session::{Feed, Input, SessionSettings};

    const RANDOM: [u8; 32] = [0x5a; 32];

    /// A DTLS 1.2-framed record of epoch 0 holding one whole handshake message.
    fn plaintext(ty: u8, seq: u16, body: &[u8]) -> Vec<u8> {
        let len = (body.len() as u32).to_be_bytes();
        let mut f = vec![ty, len[1], len[2], len[3]];
        f.extend_from_slice(&seq.to_be_bytes());
        f.extend_from_slice(&[0, 0, 0, len[1], len[2], len[3]]);
        f.extend_from_slice(body);
        let mut r = vec![22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, seq as u8];
        r.extend_from_slice(&(f.len() as u16).to_be_bytes());
        r.extend_from_slice(&f);
        r
    }

    /// A ClientHello offering DTLS 1.3 and TLS_AES_128_GCM_SHA256, and the ServerHello
    /// that chooses them.
    fn hellos() -> [(Direction, Vec<u8>); 2] {
        let mut ch = vec![0xfe, 0xfd];
        ch.extend_from_slice(&RANDOM);
        ch.extend_from_slice(&[0, 0, 0, 2, 0x13, 0x01, 1, 0]);
        ch.extend_from_slice(&[0, 7, 0, 43, 0, 3, 2, 0xfe, 0xfc]);
        let mut sh = vec![0xfe, 0xfd];
        sh.extend_from_slice(&[0x3c; 32]);
        sh.extend_from_slice(&[0, 0x13, 0x01, 0]);
        sh.extend_from_slice(&[0, 6, 0, 43, 0, 2, 0xfe, 0xfc]);
        [
            (Direction::Forward, plaintext(1, 0, &ch)),
            (Direction::Reverse, plaintext(2, 0, &sh)),
        ]
    }

    /// Runs datagrams with or without a key log holding the connection's secrets.
    fn run(datagrams: &[(Direction, Vec<u8>)], keys: bool) -> ConnectionReport {
        let mut keylog = KeyLog::default();
        if keys {
            let r = hex::encode(RANDOM);
            let lines: String = [
                "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0",
                "SERVER_TRAFFIC_SECRET_0",
            ]
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{l} {r} {}\n", hex::encode([i as u8 + 1; 32])))
            .collect();
            keylog.add(lines.as_bytes(), "test.keylog");
        }
        let mut secrets = Secrets::new(Vec::new(), keylog);
        let mut feed = Feed::for_input(&Input::Dtls(&[]));
        let mut session = Session::new(0, [ep(50000), ep(4433)], &SessionSettings::default())
            .with_transport(feed.transport());
        for (dir, d) in datagrams {
            feed.feed(&mut session, *dir, Input::Dtls(d), 1, &mut secrets);
        }
        feed.finish(session, &summary(4433), &mut secrets).unwrap()
    }

    #[test]
    fn the_server_hello_chooses_dtls13() {
        let mut all = hellos().to_vec();
        // Unified headers (C=0 S=1 L=0), epochs 2 and 3, that open under no key.
        all.push((
            Direction::Reverse,
            [&[0b0010_1010, 0, 0][..], &[0x11; 40]].concat(),
        ));
        all.push((
            Direction::Forward,
            [&[0b0010_1011, 0, 0][..], &[0x22; 40]].concat(),
        ));
        let r = run(&all, false);
        assert_eq!(r.version.as_deref(), Some("DTLS 1.3"));
        let d = r.dtls.unwrap();
        let c = d.dtls13.unwrap();
        assert_eq!((c.server.records, c.server.no_keys), (1, 1));
        assert_eq!(d.dtls13_records.client, 1);
        let keyed = run(&all, true).dtls.unwrap().dtls13.unwrap();
        // The keys were there: the records failed to open under them.
        assert_eq!((keyed.server.failed, keyed.client.failed), (1, 1));
        assert_eq!(keyed.server.highest_epoch, 3);
    }

    proptest::proptest! {
        /// Any unified-header datagrams after the hellos, with keys: counted, never a
        /// panic.
        #[test]
        fn any_unified_records(
            datagrams in proptest::collection::vec(
                (proptest::bool::ANY, proptest::num::u8::ANY,
                 proptest::collection::vec(proptest::num::u8::ANY, 0..80)),
                0..10,
            ),
        ) {
            let mut all = hellos().to_vec();
            for (fwd, flags, rest) in datagrams {
                let dir = if fwd { Direction::Forward } else { Direction::Reverse };
                all.push((dir, [&[0b0010_0000 | (flags & 0x1f)][..], &rest].concat()));
            }
            let d = run(&all, true).dtls.unwrap();
            if let Some(c) = d.dtls13 {
                for s in [c.client, c.server] {
                    proptest::prop_assert_eq!(s.records, s.opened + s.failed + s.no_keys);
                }
            }
        }
    }
}
