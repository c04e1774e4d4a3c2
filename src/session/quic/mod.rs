//! QUIC over UDP datagrams, for a [`Session`]: each datagram's packets, the Initial
//! packets opened with the keys every observer can derive (RFC 9001 §5.2), their CRYPTO
//! frames put back in order per direction and level, and the handshake bytes handed to
//! the session by level.
//!
//! ```text
//!  datagram ─► datagram::packets ─► Initial ──► packet::open (Initial keys from the
//!   (one UDP     (coalesced)                     client's first DCID) ─► frames
//!    payload)                  ─► Handshake, 0-RTT, 1-RTT ─► keys.rs (the key log's │
//!                                  TLS 1.3 secrets, key phases) ─► frames           │
//!                              ─► Retry: new Initial keys (its SCID)                 ▼
//!  CRYPTO ─► OffsetStream per (direction, level) ─► Session::on_handshake_data (gaps: on_gap)
//!  STREAM, RESET_STREAM ─► quic::streams ─► Event::StreamData / StreamGap ─► sinks
//!  CONNECTION_CLOSE, NEW_CONNECTION_ID, HANDSHAKE_DONE, DATAGRAM ─► the report
//! ```
//! Without a key log only the Initials open: the hellos, SNI, ALPN and JA4 are there,
//! everything later is counted as not decrypted.

mod keys;

use self::keys::{DirKeys, KeySpace, SecretFor};
use super::events::Event;
use super::{Level, Session};
use crate::crypto::quic::{retry_tag_is_valid, PacketKeys, Side as KeySide};
use crate::crypto::secrets::Secrets;
use crate::crypto::tls13::SuiteHash;
use crate::flow::{Chunk, Direction};
use crate::net::Endpoint;
use crate::quic::datagram::{gso_segment_size, packets, DatagramError};
use crate::quic::frame::{frames, CloseKind, Frame, FrameKind};
use crate::quic::header::{LongPacket, Packet, Protected};
use crate::quic::offset_stream::OffsetStream;
use crate::quic::packet::{open, OpenError, Opened};
use crate::quic::streams::{StreamChunk, Streams};
use crate::quic::version::{KeySchedule, LongType, Version};
use crate::report::model::{
    ConnectionReport, ConnectionState, DecryptionStatus, EndpointReport, Side,
};
use crate::report::quic::{
    CloseFrame, CloseReport, CryptoCounts, PathReport, QuicReport, Sides, SpaceCounts, Spaces,
    StreamReport,
};
use crate::report::verdict::Verdict;
use crate::tls::cipher_suite;
use crate::tls::registry::AlertDescription;

/// Bytes each CRYPTO stream may hold out of order (a ClientHello with post-quantum key
/// shares is a few KB; a certificate chain tens of KB).
pub const CRYPTO_HELD_CAP: usize = 64 << 10;
/// CRYPTO data further than this past the next byte expected is refused (counted).
pub const CRYPTO_WINDOW: u64 = 1 << 20;
/// Source connection IDs kept per side; the rest are counted.
pub const MAX_SCIDS: usize = 8;
/// Connection IDs from NEW_CONNECTION_ID kept per side; the rest are counted.
pub const MAX_NEW_CIDS: usize = 16;
/// Paths (beyond the first) kept per connection; the rest are counted.
pub const MAX_PATHS: usize = 8;
/// Bytes of a CONNECTION_CLOSE reason phrase kept.
pub const MAX_REASON: usize = 256;

/// A packet number space (RFC 9000 §12.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Space {
    Initial = 0,
    Handshake = 1,
    Application = 2,
}

/// One direction's state and counts.
#[derive(Debug, Default)]
struct QuicDir {
    datagrams: u64,
    bytes: u64,
    malformed: u64,
    /// GSO buffers cut into their segments.
    gso_buffers: u64,
    spaces: [SpaceCounts; 3],

    /// The largest packet number opened per space, for decoding the next.
    largest_pn: [Option<u64>; 3],
    /// CRYPTO streams by level ([`Level`] as index), made when their first frame comes.
    crypto: [Option<Box<OffsetStream>>; 4],
    crypto_bytes: u64,
    crypto_lost: u64,
    scids: Vec<Vec<u8>>,
    scids_omitted: u64,
    /// Handshake, 0-RTT and 1-RTT keys, from the key log's secrets.
    /// Made when a key log's secret first names keys for this direction.
    keys: Option<Box<DirKeys>>,
    /// What its packets said past the header, made when one is first read.
    detail: Option<Box<DirDetail>>,
}

/// What one direction's packets said, past what a packet that never opens shows (a
/// connection whose packets never open costs none of this).
#[derive(Debug, Default)]
struct DirDetail {
    /// The 0-RTT packets among the application space's, and their frames' bytes.
    zero_rtt: SpaceCounts,
    zero_rtt_plain: u64,
    /// Connection IDs this side issued for its peer to use (NEW_CONNECTION_ID).
    new_cids: Vec<Vec<u8>>,
    new_cids_omitted: u64,
    retired_cids: u64,
    /// The first CONNECTION_CLOSE this side sent.
    close: Option<Box<CloseFrame>>,
    handshake_done: bool,
    /// Frames opened, by kind.
    frame_counts: [u64; FrameKind::COUNT],
    datagram_frames: u64,
    datagram_bytes: u64,
}

impl QuicDir {
    fn detail(&mut self) -> &mut DirDetail {
        self.detail.get_or_insert_with(Box::default)
    }
}

/// The Initial keys of both directions, for one version and client DCID.
#[derive(Debug)]
struct InitialKeys {
    schedule: KeySchedule,
    /// By direction: the client's keys for the client's direction.
    keys: [PacketKeys; 2],
}

/// The QUIC state of one connection's two directions.
#[derive(Debug, Default)]
pub struct QuicFeed {
    dirs: [QuicDir; 2],
    version: Option<Version>,
    /// The direction of the first Initial: the client's.
    client: Option<Direction>,
    original_dcid: Option<Vec<u8>>,
    /// The DCID the Initial keys derive from: the original one, or a Retry's SCID.
    initial_dcid: Option<Vec<u8>>,
    initial: Option<Box<InitialKeys>>,
    retries: u64,
    /// Retry packets whose integrity tag did not verify.
    retry_tag_failures: u64,
    version_negotiations: u64,
    /// The versions the last Version Negotiation packet offered.
    offered_versions: Vec<Version>,
    /// The version of the last Handshake packet opened: the one the 1-RTT keys derive
    /// under (compatible version negotiation may move from the first, RFC 9368).
    negotiated: Option<Version>,
    /// Made at the first STREAM frame.
    streams: Option<Box<Streams>>,
    /// Connection IDs learned since the run last asked ([`QuicFeed::take_fresh_cids`]),
    /// with the direction of the side that issued each.
    fresh_cids: Vec<(Vec<u8>, Direction)>,
    /// Other paths the connection was joined on by connection ID (migration), as
    /// [client, server] endpoints.
    paths: Vec<[Endpoint; 2]>,
    paths_omitted: u64,
    /// The connection ID of the server's preferred address: the first offered only
    /// (one per connection, so a hostile stream of EncryptedExtensions adds no more),
    /// kept to be forgotten with the others.
    preferred_cid: Option<Vec<u8>>,
}

impl QuicFeed {
    /// Feeds one UDP datagram of one direction to `session`.
    pub fn feed(
        &mut self,
        session: &mut Session,
        dir: Direction,
        datagram: &[u8],
        ts: i64,
        secrets: &mut Secrets,
    ) {
        session.touch(ts);
        // Short headers carry the receiver's connection ID: the SCID it sends with.
        let short_dcid_len = self.dirs[dir.other().index()]
            .scids
            .first()
            .map_or(0, Vec::len);
        if let Some(size) = gso_segment_size(datagram, short_dcid_len) {
            // Captured on the sender before segmentation: the datagrams sent were its
            // segments (one packet each, as a receiver got them).
            self.dirs[dir.index()].gso_buffers += 1;
            for segment in datagram.chunks(size) {
                self.feed(session, dir, segment, ts, secrets);
            }
            return;
        }
        let d = &mut self.dirs[dir.index()];
        d.datagrams += 1;
        d.bytes += datagram.len() as u64;
        for p in packets(datagram, short_dcid_len) {
            match p {
                Ok(Packet::Long(l)) => self.long(session, dir, &l, ts, secrets),
                Ok(Packet::Short(s)) => {
                    let version = self.negotiated.or(self.version);
                    self.protected(
                        session,
                        dir,
                        KeySpace::OneRtt,
                        version,
                        s.protected,
                        ts,
                        secrets,
                    )
                }
                Ok(Packet::Retry(r)) => {
                    session.mark_tls();
                    self.retries += 1;
                    // A Retry whose tag does not fit the client's first DCID is not the
                    // server's answer to it (RFC 9001 §5.8): counted, and still followed.
                    let valid = match (r.version.key_schedule(), self.original_dcid.as_deref()) {
                        (Some(schedule), Some(odcid)) => {
                            retry_tag_is_valid(schedule, odcid, r.bytes)
                        }
                        _ => false,
                    };
                    self.retry_tag_failures += u64::from(!valid);
                    self.note_scid(dir, r.scid);
                    if self.client != Some(dir) {
                        // The client's next Initials, and the server's, use keys from
                        // the Retry's SCID (RFC 9001 §5.2).
                        self.initial_dcid = Some(r.scid.to_vec());
                        self.initial = None;
                        // The client's next Initial starts its CRYPTO stream over.
                        for d in &mut self.dirs {
                            d.crypto[Level::Initial as usize] = None;
                            d.largest_pn[Space::Initial as usize] = None;
                        }
                        session.restart_initial();
                    }
                }
                Ok(Packet::VersionNegotiation(vn)) => {
                    session.mark_tls();
                    self.version_negotiations += 1;
                    self.offered_versions = vn.versions;
                }
                Ok(Packet::UnknownVersion(_)) => self.dirs[dir.index()].malformed += 1,
                Err(DatagramError::Trailing { zeros: true, .. }) => {}
                Err(_) => self.dirs[dir.index()].malformed += 1,
            }
        }
    }

    fn long(
        &mut self,
        session: &mut Session,
        dir: Direction,
        p: &LongPacket<'_>,
        ts: i64,
        secrets: &mut Secrets,
    ) {
        // Every QUIC connection carries TLS, whether or not its Initials open.
        session.mark_tls();
        self.version.get_or_insert(p.version);
        if p.kind == LongType::Initial && self.client.is_none() {
            self.client = Some(dir);
            self.original_dcid = Some(p.dcid.to_vec());
            self.initial_dcid = Some(p.dcid.to_vec());
        }
        self.note_scid(dir, p.scid);
        match p.kind {
            LongType::Initial => {
                let largest = self.dirs[dir.index()].largest_pn[Space::Initial as usize];
                let opened = self
                    .initial_keys(p.version, dir)
                    .map(|k| open(k, p.protected, largest));
                self.opened(
                    session,
                    dir,
                    Space::Initial,
                    Level::Initial,
                    p.protected,
                    opened,
                    ts,
                    secrets,
                );
            }
            LongType::Handshake | LongType::ZeroRtt => {
                let space = if p.kind == LongType::Handshake {
                    KeySpace::Handshake
                } else {
                    KeySpace::ZeroRtt
                };
                let version = Some(p.version);
                self.protected(session, dir, space, version, p.protected, ts, secrets);
            }
            LongType::Retry => {} // parsed as a Retry packet, never here
        }
    }

    /// A Handshake, 0-RTT or 1-RTT packet: opened with the key log's keys if the
    /// handshake has named them.
    #[allow(clippy::too_many_arguments)]
    fn protected(
        &mut self,
        session: &mut Session,
        dir: Direction,
        key_space: KeySpace,
        version: Option<Version>,
        p: Protected<'_>,
        ts: i64,
        secrets: &mut Secrets,
    ) {
        let (space, level) = match key_space {
            KeySpace::Handshake => (Space::Handshake, Level::Handshake),
            KeySpace::ZeroRtt => (Space::Application, Level::EarlyData),
            KeySpace::OneRtt => (Space::Application, Level::Application),
        };
        if let Some(v) = version {
            self.make_keys(session, dir, key_space, v);
        }
        let largest = self.dirs[dir.index()].largest_pn[space as usize];
        let opened = self.dirs[dir.index()]
            .keys
            .as_mut()
            .and_then(|k| k.open(key_space, p, largest));
        if key_space == KeySpace::Handshake && opened.as_ref().is_some_and(Result::is_ok) {
            self.negotiated = version;
        }
        self.opened(session, dir, space, level, p, opened, ts, secrets);
    }

    /// Counts a packet and, if it opened, reads its frames.
    #[allow(clippy::too_many_arguments)]
    fn opened(
        &mut self,
        session: &mut Session,
        dir: Direction,
        space: Space,
        level: Level,
        p: Protected<'_>,
        opened: Option<Result<Opened, OpenError>>,
        ts: i64,
        secrets: &mut Secrets,
    ) {
        self.count(dir, space, p, opened.as_ref().map(Result::is_ok));
        if level == Level::EarlyData {
            let d = &mut self.dirs[dir.index()];
            let d = d.detail();
            count_in(&mut d.zero_rtt, p, opened.as_ref().map(Result::is_ok));
            d.zero_rtt_plain += opened
                .as_ref()
                .map_or(0, |o| o.as_ref().map_or(0, |o| o.payload.len() as u64));
        }
        if let Some(Ok(o)) = opened {
            let slot = &mut self.dirs[dir.index()].largest_pn[space as usize];
            *slot = Some(slot.map_or(o.packet_number, |l| l.max(o.packet_number)));
            self.frames(session, dir, level, &o.payload, ts, secrets);
        }
    }

    /// Makes `dir`'s keys for `space` once the handshake names their secret (a key
    /// log's, by client random) and suite.
    fn make_keys(
        &mut self,
        session: &mut Session,
        dir: Direction,
        space: KeySpace,
        version: Version,
    ) {
        if self.dirs[dir.index()]
            .keys
            .as_ref()
            .is_some_and(|k| !k.waiting(space))
        {
            return;
        }
        let Some(schedule) = version.key_schedule() else {
            return;
        };
        let level = match space {
            KeySpace::Handshake => Level::Handshake,
            KeySpace::ZeroRtt => Level::EarlyData,
            KeySpace::OneRtt => Level::Application,
        };
        let Some((suite, secret)) = session
            .crypto
            .as_ref()
            .and_then(|c| c.tls13_traffic_secret(dir, level))
        else {
            return;
        };
        let suites = match suite {
            Some(s) => vec![s],
            // 0-RTT before the ServerHello: any offered TLS 1.3 suite of the secret's hash.
            None if space == KeySpace::ZeroRtt => session
                .client_hello()
                .map(|ch| ch.suite_ids())
                .unwrap_or_default()
                .into_iter()
                .filter_map(cipher_suite::lookup)
                .filter(|s| s.is_tls13() && SuiteHash::for_suite(s).output_len() == secret.len())
                .collect(),
            None => return,
        };
        let secret = secret.to_vec();
        let keys = self.dirs[dir.index()].keys.get_or_insert_with(Box::default);
        let made = keys.install(
            schedule,
            space,
            SecretFor {
                secret: &secret,
                suites,
            },
        );
        if let Err(e) = made {
            session.warn(dir, format!("QUIC {space:?} keys: {e}"));
        }
    }

    /// Counts a packet; `opened`: `None` without keys, else whether it opened.
    fn count(&mut self, dir: Direction, space: Space, p: Protected<'_>, opened: Option<bool>) {
        count_in(
            &mut self.dirs[dir.index()].spaces[space as usize],
            p,
            opened,
        );
    }

    /// The Initial keys for a packet of `version` sent in `dir`, made on first use (and
    /// again after a Retry, or for another version's schedule).
    fn initial_keys(&mut self, version: Version, dir: Direction) -> Option<&PacketKeys> {
        let schedule = version.key_schedule()?;
        let client = self.client?;
        if self
            .initial
            .as_ref()
            .is_some_and(|k| k.schedule != schedule)
        {
            self.initial = None;
        }
        if self.initial.is_none() {
            let dcid = self.initial_dcid.as_deref()?;
            let by_side = |side| PacketKeys::initial(schedule, dcid, side);
            let (c, s) = (by_side(KeySide::Client), by_side(KeySide::Server));
            let keys = if client == Direction::Forward {
                [c, s]
            } else {
                [s, c]
            };
            self.initial = Some(Box::new(InitialKeys { schedule, keys }));
        }
        self.initial.as_ref().map(|k| &k.keys[dir.index()])
    }

    fn note_scid(&mut self, dir: Direction, scid: &[u8]) {
        let d = &mut self.dirs[dir.index()];
        if d.scids.iter().any(|s| s == scid) {
            return;
        }
        if d.scids.len() < MAX_SCIDS {
            d.scids.push(scid.to_vec());
            if !scid.is_empty() {
                self.fresh_cids.push((scid.to_vec(), dir));
            }
        } else {
            d.scids_omitted += 1;
        }
    }

    /// The frames of an opened packet: CRYPTO data goes to its level's stream, what is
    /// in order from there to the session.
    fn frames(
        &mut self,
        session: &mut Session,
        dir: Direction,
        level: Level,
        payload: &[u8],
        ts: i64,
        secrets: &mut Secrets,
    ) {
        let QuicDir {
            crypto,
            crypto_bytes,
            crypto_lost,
            detail,
            ..
        } = &mut self.dirs[dir.index()];
        let d = detail.get_or_insert_with(Box::default);
        let streams = &mut self.streams;
        for f in frames(payload) {
            if let Ok(f) = &f {
                d.frame_counts[f.kind() as usize] += 1;
            }
            match f {
                Ok(Frame::Crypto { offset, data }) => {
                    let stream = crypto[level as usize].get_or_insert_with(|| {
                        Box::new(OffsetStream::new(CRYPTO_HELD_CAP, CRYPTO_WINDOW))
                    });
                    let (bytes, lost) = (&mut *crypto_bytes, &mut *crypto_lost);
                    let mut preferred = None;
                    stream.insert(offset, data, &mut |c| {
                        let cid = deliver(session, dir, level, c, ts, secrets, bytes, lost);
                        preferred = preferred.take().or(cid);
                    });
                    if let (Some(cid), None) = (preferred, &self.preferred_cid) {
                        // The server's preferred address (RFC 9000 §9.6): the client may
                        // move there, with this ID; its packets name it.
                        self.fresh_cids.push((cid.clone(), dir));
                        self.preferred_cid = Some(cid);
                    }
                }
                Ok(Frame::Stream {
                    stream_id,
                    offset,
                    fin,
                    data,
                }) => {
                    let ended = table(streams).data(dir, stream_id, offset, fin, data, &mut |c| {
                        emit_stream(session, c, ts)
                    });
                    if ended {
                        emit_stream_end(session, dir, stream_id, None);
                    }
                }
                Ok(Frame::StopSending {
                    stream_id,
                    error_code,
                }) => emit_stream_abort(session, dir, stream_id, error_code, true),
                Ok(Frame::ResetStream {
                    stream_id,
                    error_code,
                    ..
                }) => {
                    emit_stream_abort(session, dir, stream_id, error_code, false);
                    let ended = table(streams).reset(dir, stream_id, error_code, &mut |c| {
                        emit_stream(session, c, ts)
                    });
                    if ended {
                        emit_stream_end(session, dir, stream_id, Some(error_code));
                    }
                }
                Ok(Frame::ConnectionClose {
                    kind,
                    error_code,
                    reason,
                }) => {
                    d.close.get_or_insert_with(|| {
                        let (application, frame_type) = match kind {
                            CloseKind::Application => (true, None),
                            CloseKind::Transport { frame_type } => (false, Some(frame_type)),
                        };
                        Box::new(CloseFrame {
                            application,
                            error_code,
                            frame_type,
                            reason: reason[..reason.len().min(MAX_REASON)].to_vec(),
                            reason_truncated: reason.len() > MAX_REASON,
                        })
                    });
                }
                Ok(Frame::NewConnectionId { connection_id, .. }) => {
                    if d.new_cids.iter().any(|c| c == connection_id) {
                    } else if d.new_cids.len() < MAX_NEW_CIDS {
                        d.new_cids.push(connection_id.to_vec());
                        self.fresh_cids.push((connection_id.to_vec(), dir));
                    } else {
                        d.new_cids_omitted += 1;
                    }
                }
                Ok(Frame::RetireConnectionId { .. }) => d.retired_cids += 1,
                Ok(Frame::HandshakeDone) => d.handshake_done = true,
                Ok(Frame::Datagram { data }) => {
                    d.datagram_frames += 1;
                    d.datagram_bytes += data.len() as u64;
                }
                Ok(_) => {}
                Err(e) => {
                    session.warn(dir, format!("QUIC {level:?} packet: {e}"));
                    break;
                }
            }
        }
    }

    /// The connection ended: holes left in the CRYPTO streams are lost, what waited
    /// behind them goes to the session.
    pub fn finish(&mut self, session: &mut Session, secrets: &mut Secrets) {
        let ts = session.last_active_ns();
        for (i, d) in self.dirs.iter_mut().enumerate() {
            let dir = Direction::from_index(i);
            for (l, s) in d.crypto.iter_mut().enumerate() {
                let Some(stream) = s else { continue };
                let level = [
                    Level::Initial,
                    Level::EarlyData,
                    Level::Handshake,
                    Level::Application,
                ][l];
                let (bytes, lost) = (&mut d.crypto_bytes, &mut d.crypto_lost);
                stream.finish(&mut |c| {
                    deliver(session, dir, level, c, ts, secrets, bytes, lost);
                });
            }
        }
        if let Some(streams) = &mut self.streams {
            streams.finish(&mut |c| emit_stream(session, c, ts));
        }
    }

    /// Bytes this feed holds (for the memory budget).
    pub fn held_bytes(&self) -> usize {
        let dirs: usize = self
            .dirs
            .iter()
            .map(|d| {
                d.scids
                    .iter()
                    .chain(d.detail.iter().flat_map(|x| &x.new_cids))
                    .map(|s| s.len() + 24)
                    .sum::<usize>()
                    + d.keys
                        .as_ref()
                        .map_or(0, |k| std::mem::size_of::<DirKeys>() + k.held_bytes())
                    + d.detail.as_ref().map_or(0, |x| {
                        std::mem::size_of::<DirDetail>()
                            + x.close.as_ref().map_or(0, |c| c.reason.len() + 64)
                    })
                    + d.crypto
                        .iter()
                        .flatten()
                        .map(|s| std::mem::size_of::<OffsetStream>() + s.held_bytes())
                        .sum::<usize>()
            })
            .sum();
        std::mem::size_of::<QuicFeed>()
            + dirs
            + self
                .streams
                .as_ref()
                .map_or(0, |s| std::mem::size_of::<Streams>() + s.held_bytes())
            + self.paths.capacity() * std::mem::size_of::<[Endpoint; 2]>()
            + self
                .initial
                .as_ref()
                .map_or(0, |_| std::mem::size_of::<InitialKeys>() + 512)
    }

    /// The connection IDs learned since the last call, each with the direction of the
    /// side that issued it (packets *to* that side carry it).
    pub fn take_fresh_cids(&mut self) -> Vec<(Vec<u8>, Direction)> {
        std::mem::take(&mut self.fresh_cids)
    }

    /// Every connection ID either side issued that is kept.
    pub fn connection_ids(&self) -> Vec<Vec<u8>> {
        self.dirs
            .iter()
            .flat_map(|d| {
                d.scids
                    .iter()
                    .chain(d.detail.iter().flat_map(|x| &x.new_cids))
            })
            .chain(&self.preferred_cid)
            .cloned()
            .collect()
    }

    /// Datagrams of another path (a client that migrated) come to this connection now.
    pub fn note_path(&mut self, client: Endpoint, server: Endpoint) {
        if self.paths.contains(&[client, server]) {
            return;
        }
        if self.paths.len() < MAX_PATHS {
            self.paths.push([client, server]);
        } else {
            self.paths_omitted += 1;
        }
    }

    /// UDP payload bytes fed per direction.
    pub fn fed(&self, dir: Direction) -> u64 {
        self.dirs[dir.index()].bytes
    }

    /// The direction of the first Initial (the client's), if one was seen.
    pub fn client(&self) -> Option<Direction> {
        self.client
    }

    /// The `quic` object of the report; `client` is the direction the report calls the
    /// client's.
    pub fn report(&self, client: Direction) -> QuicReport {
        let (c, s) = (
            &self.dirs[client.index()],
            &self.dirs[client.other().index()],
        );
        let sides = |f: &dyn Fn(&QuicDir) -> u64| Sides {
            client: f(c),
            server: f(s),
        };
        let space = |i: usize| Sides {
            client: c.spaces[i],
            server: s.spaces[i],
        };
        let empty = DirDetail::default();
        let (cx, sx) = (
            c.detail.as_deref().unwrap_or(&empty),
            s.detail.as_deref().unwrap_or(&empty),
        );
        let detail = |f: &dyn Fn(&DirDetail) -> u64| Sides {
            client: f(cx),
            server: f(sx),
        };
        let close = [(cx, Side::Client), (sx, Side::Server)]
            .into_iter()
            .find_map(|(d, by)| {
                d.close.as_ref().map(|f| CloseReport {
                    by,
                    frame: (**f).clone(),
                })
            });
        let crypto = |d: &QuicDir| {
            let mut k = CryptoCounts {
                bytes: d.crypto_bytes,
                lost_bytes: d.crypto_lost,
                ..Default::default()
            };
            for stream in d.crypto.iter().flatten() {
                k.retransmitted_bytes += stream.stats().retransmitted_bytes;
                k.refused_bytes += stream.refused().bytes;
            }
            k
        };
        QuicReport {
            version: self.version,
            original_dcid: self.original_dcid.clone(),
            scids: Sides {
                client: c.scids.clone(),
                server: s.scids.clone(),
            },
            scids_omitted: c.scids_omitted + s.scids_omitted,
            datagrams: sides(&|d| d.datagrams),
            bytes: sides(&|d| d.bytes),
            spaces: Spaces {
                initial: space(Space::Initial as usize),
                handshake: space(Space::Handshake as usize),
                application: space(Space::Application as usize),
            },
            crypto: Sides {
                client: crypto(c),
                server: crypto(s),
            },
            zero_rtt: cx.zero_rtt,
            zero_rtt_bytes: cx.zero_rtt_plain,
            key_updates: sides(&|d| d.keys.as_ref().map_or(0, |k| k.counts.key_updates)),
            new_connection_ids: Sides {
                client: cx.new_cids.clone(),
                server: sx.new_cids.clone(),
            },
            new_connection_ids_omitted: cx.new_cids_omitted + sx.new_cids_omitted,
            retired_connection_ids: detail(&|d| d.retired_cids),
            handshake_done: sx.handshake_done,
            datagram_frames: detail(&|d| d.datagram_frames),
            frames: Sides {
                client: cx.frame_counts,
                server: sx.frame_counts,
            },
            close,
            streams: self
                .streams
                .as_ref()
                .map(|s| s.summaries())
                .unwrap_or_default()
                .into_iter()
                .map(|st| StreamReport::new(st, client))
                .collect(),
            streams_omitted: self.streams.as_ref().map_or(0, |s| s.omitted()),
            stream_bytes_omitted: self.streams.as_ref().map_or(0, |s| s.omitted_bytes),
            paths: self
                .paths
                .iter()
                .map(|[c, s]| PathReport {
                    client: EndpointReport::from(*c),
                    server: EndpointReport::from(*s),
                })
                .collect(),
            paths_omitted: self.paths_omitted,
            retry_packets: self.retries,
            retry_tag_failures: self.retry_tag_failures,
            offered_versions: self.offered_versions.clone(),
            version_negotiation_packets: self.version_negotiations,
            malformed_datagrams: sides(&|d| d.malformed),
            gso_buffers: sides(&|d| d.gso_buffers),
            // The flow's end is the transport's to say (`Feed`).
            evicted: false,
            idle_closed: false,
        }
    }
}

impl QuicFeed {
    /// Puts the QUIC view into the session's report: `state` and `decryption` speak of
    /// TLS records, which QUIC has none of; here they speak of its packets.
    pub fn amend(&self, r: &mut ConnectionReport) {
        let Some(q) = &r.quic else { return };
        let sp = &q.spaces;
        let protected = |f: fn(&SpaceCounts) -> u64| {
            f(&sp.handshake.client)
                + f(&sp.handshake.server)
                + f(&sp.application.client)
                + f(&sp.application.server)
        };
        let (decrypted, failed) = (protected(|c| c.decrypted), protected(|c| c.failed));
        let handshake_crossed = sp.handshake.client.packets > 0
            && sp.application.client.packets > 0
            && sp.application.server.packets > 0;
        if r.state == ConnectionState::Handshake && (handshake_crossed || q.handshake_done) {
            r.state = ConnectionState::Established;
        }
        // A TLS alert travels as a CRYPTO_ERROR transport close (RFC 9001 §4.8).
        if let Some(c) = &q.close {
            if !c.frame.application && (0x100..0x200).contains(&c.frame.error_code) {
                let alert = AlertDescription((c.frame.error_code - 0x100) as u8);
                r.state = ConnectionState::Failed(Some(alert));
            }
        }
        let d = &mut r.decryption;
        if let Some(e) = &mut d.early_data {
            // QUIC's 0-RTT travels in packets, not records.
            e.records = q.zero_rtt.packets;
            e.bytes = q.zero_rtt.bytes;
            e.decrypted_bytes = (q.zero_rtt.decrypted > 0).then_some(q.zero_rtt_bytes);
        }
        if decrypted > 0 {
            let lost: u64 = q
                .streams
                .iter()
                .flat_map(|s| [&s.client, &s.server])
                .flatten()
                .map(|h| h.lost_bytes)
                .sum::<u64>()
                + q.crypto.client.lost_bytes
                + q.crypto.server.lost_bytes;
            let mut why = format!("{decrypted} QUIC packets decrypted past the Initials");
            if failed > 0 {
                why.push_str(&format!(", {failed} failed their tag check"));
            }
            if lost > 0 {
                why.push_str(&format!("; {lost} stream bytes never arrived"));
                d.status = DecryptionStatus::Incomplete;
                d.verdict = Verdict::DecryptedWithGaps;
            } else {
                d.status = DecryptionStatus::Decrypted;
                d.verdict = Verdict::Decrypted;
            }
            d.reason = why;
        } else if failed > 0 && d.key_source.is_some() {
            d.status = DecryptionStatus::KeyMismatch;
            d.verdict = Verdict::KeyMismatch;
            d.reason = format!("{failed} QUIC packets failed to open with the key log's secrets");
        } else if d.key_source.is_none() && d.status == DecryptionStatus::NotRsa {
            d.status = DecryptionStatus::NoKey;
            // An RSA key cannot help QUIC: it is TLS 1.3.
            d.verdict = Verdict::ForwardSecret;
            d.reason = "QUIC needs the TLS 1.3 traffic secrets from a key log (--keylog)".into();
        }
    }
}

/// Counts a packet in `c`; `opened`: `None` without keys, else whether it opened.
fn count_in(c: &mut SpaceCounts, p: Protected<'_>, opened: Option<bool>) {
    c.packets += 1;
    c.bytes += p.bytes.len() as u64;
    match opened {
        None => c.undecrypted += 1,
        Some(true) => c.decrypted += 1,
        Some(false) => c.failed += 1,
    }
}

/// The stream table, made at the first STREAM or RESET_STREAM frame.
fn table(streams: &mut Option<Box<Streams>>) -> &mut Streams {
    streams.get_or_insert_with(Box::default)
}

/// One in-order piece of a stream (or a hole in it) to the session's sinks.
fn emit_stream(session: &mut Session, c: StreamChunk<'_>, ts: i64) {
    let side = session.side_of(c.dir);
    let (dir, stream_id) = (c.dir, c.stream_id);
    match c.chunk {
        Chunk::Data(bytes) => session.sinks.emit_stream_data(
            &Event::StreamData {
                dir,
                side,
                ts,
                stream_id,
                bytes,
            },
            c.digest,
        ),
        Chunk::Gap(g) => session.sinks.emit(&Event::StreamGap {
            dir,
            side,
            stream_id,
            len: g.len,
        }),
    }
}

/// One half of a stream ended: its FIN was reached, or it was reset with `reset`.
fn emit_stream_end(session: &mut Session, dir: Direction, stream_id: u64, reset: Option<u64>) {
    let side = session.side_of(dir);
    session.sinks.emit(&Event::StreamEnd {
        dir,
        side,
        stream_id,
        reset,
    });
}

/// `dir` aborted `stream_id` (STOP_SENDING if `stop`, else RESET_STREAM).
fn emit_stream_abort(session: &mut Session, dir: Direction, stream_id: u64, code: u64, stop: bool) {
    let side = session.side_of(dir);
    session.sinks.emit(&Event::StreamAbort {
        side,
        stream_id,
        code,
        stop,
    });
}

/// One in-order piece of a CRYPTO stream to the session.
#[allow(clippy::too_many_arguments)]
fn deliver(
    session: &mut Session,
    dir: Direction,
    level: Level,
    chunk: Chunk<'_>,
    ts: i64,
    secrets: &mut Secrets,
    bytes: &mut u64,
    lost: &mut u64,
) -> Option<Vec<u8>> {
    match chunk {
        Chunk::Data(data) => {
            *bytes += data.len() as u64;
            session.on_handshake_data(dir, level, data, ts, secrets)
        }
        Chunk::Gap(gap) => {
            *lost += gap.len;
            session.on_gap(dir, gap);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::Transport;
    use crate::quic::testvectors::{h, V1_CLIENT_PACKET, V1_RETRY_PACKET, V1_SERVER_PACKET};
    use crate::session::test_flow::{ep, summary};
    use crate::session::{Feed, Input, SessionSettings};

    /// Feeds datagrams through the adapter the analysis uses, and reports.
    fn run(datagrams: &[(Direction, Vec<u8>)]) -> ConnectionReport {
        run_any(datagrams).expect("a QUIC connection is reported")
    }

    /// The report, if anything in the datagrams showed QUIC.
    fn run_any(datagrams: &[(Direction, Vec<u8>)]) -> Option<ConnectionReport> {
        let mut secrets = Secrets::default();
        let first = Input::Quic(&[]);
        let mut feed = Feed::for_input(&first);
        let mut session = Session::new(0, [ep(50000), ep(443)], &SessionSettings::default())
            .with_transport(feed.transport());
        for (dir, d) in datagrams {
            feed.feed(&mut session, *dir, Input::Quic(d), 1, &mut secrets);
        }
        feed.finish(session, &summary(443), &mut secrets)
    }

    use crate::report::model::ConnectionReport;

    /// RFC 9001 A.2 and A.3: the client's and the server's Initial open with the keys
    /// of the client's DCID; their ClientHello and ServerHello reach the session.
    #[test]
    fn rfc9001_initials_give_both_hellos() {
        let r = run(&[
            (Direction::Forward, h(V1_CLIENT_PACKET)),
            (Direction::Reverse, h(V1_SERVER_PACKET)),
        ]);
        assert_eq!(r.transport, Transport::Quic);
        assert!(r.tcp.is_none());
        assert_eq!(r.sni.as_deref(), Some("example.com"));
        assert_eq!(r.version.as_deref(), Some("TLS 1.3"));
        assert!(r.ja4.as_deref().unwrap().starts_with("q13d"), "{:?}", r.ja4);
        let q = r.quic.unwrap();
        assert_eq!(q.version, Some(Version::V1));
        assert_eq!(q.original_dcid, Some(h("8394c8f03e515708")));
        assert_eq!(q.spaces.initial.client.decrypted, 1);
        assert_eq!(q.spaces.initial.server.decrypted, 1);
        assert_eq!(q.scids.server, vec![h("f067a5502a4262b5")]);
        assert_eq!(q.datagrams.client, 1);
        assert!(
            !q.evicted && !q.idle_closed,
            "open at the end of the capture"
        );
    }

    proptest::proptest! {
        /// Arbitrary datagrams either way, after a real Initial or not: counted, never a
        /// panic, and what the feed holds stays under its caps.
        #[test]
        fn any_datagrams(
            real_first in proptest::bool::ANY,
            datagrams in proptest::collection::vec(
                (proptest::bool::ANY, proptest::collection::vec(proptest::num::u8::ANY, 0..1300)),
                0..12,
            ),
        ) {
            let mut all = Vec::new();
            if real_first {
                all.push((Direction::Forward, h(V1_CLIENT_PACKET)));
            }
            for (fwd, d) in datagrams {
                let dir = if fwd { Direction::Forward } else { Direction::Reverse };
                all.push((dir, d));
            }
            let Some(r) = run_any(&all) else {
                // Nothing looked like QUIC: only possible without the real Initial.
                proptest::prop_assert!(!real_first);
                return Ok(());
            };
            let q = r.quic.unwrap();
            proptest::prop_assert_eq!(q.datagrams.client + q.datagrams.server, all.len() as u64);
            proptest::prop_assert!(q.scids.client.len() <= MAX_SCIDS);
            proptest::prop_assert!(q.scids.server.len() <= MAX_SCIDS);
        }
    }

    /// RFC 9001 A.4: the server's Retry answers the client's Initial of A.2, and its
    /// tag checks out against that Initial's DCID; one bit off, it does not.
    #[test]
    fn retry_tags_are_checked() {
        let run_retry = |retry: Vec<u8>| {
            run(&[
                (Direction::Forward, h(V1_CLIENT_PACKET)),
                (Direction::Reverse, retry),
            ])
            .quic
            .unwrap()
        };
        let q = run_retry(h(V1_RETRY_PACKET));
        assert_eq!((q.retry_packets, q.retry_tag_failures), (1, 0));
        let mut bad = h(V1_RETRY_PACKET);
        let last = bad.len() - 1;
        bad[last] ^= 1;
        let q = run_retry(bad);
        assert_eq!((q.retry_packets, q.retry_tag_failures), (1, 1));
    }

    /// Damaged packets are counted as failed, garbage as malformed; nothing panics,
    /// and the connection is still reported as QUIC.
    #[test]
    fn damage_is_counted() {
        let mut bad = h(V1_CLIENT_PACKET);
        let last = bad.len() - 1;
        bad[last] ^= 1;
        let r = run(&[
            (Direction::Forward, bad),
            (Direction::Reverse, vec![0xc3, 0, 0, 0, 1, 0xff]),
            (Direction::Reverse, Vec::new()),
        ]);
        let q = r.quic.unwrap();
        assert_eq!(q.spaces.initial.client.failed, 1);
        assert_eq!(q.malformed_datagrams.server, 1);
        assert!(r.sni.is_none());
    }

    /// Out-of-order CRYPTO frames stay within the per-stream cap; what is held is
    /// counted for the budget.
    #[test]
    fn held_bytes_count_the_streams() {
        let mut secrets = Secrets::default();
        let mut session = Session::new(0, [ep(1), ep(2)], &SessionSettings::default());
        let mut feed = QuicFeed::default();
        let before = feed.held_bytes();
        feed.feed(
            &mut session,
            Direction::Forward,
            &h(V1_CLIENT_PACKET),
            0,
            &mut secrets,
        );
        assert!(feed.held_bytes() > before);
        assert!(feed.held_bytes() < 64 << 10);
    }
}
