//! HTTP/3 (RFC 9114) over one QUIC connection's streams: each stream's frames cut out of
//! its bytes, field sections decoded by the sending side's QPACK state, and each request
//! stream's request and response made a transaction, in the order the streams opened.
//!
//! ```text
//!  client bidi stream 0,4,8… ─► HEADERS (QPACK) ─► request ─┐
//!                           ◄─ HEADERS, DATA ─► response ───┴─► transaction (FIN: complete)
//!  unidirectional streams: type 0x00 control (SETTINGS, GOAWAY), 0x01 push,
//!                          0x02 QPACK encoder ─► that side's dynamic table, 0x03 QPACK decoder
//! ```
//! Memory: a frame's payload is held only for field sections (at most
//! [`MAX_FIELD_SECTION`]) and control frames; bodies are hashed as they pass; followed
//! streams, sections waiting for QPACK inserts, transactions and problems are capped
//! and the rest counted.

use std::collections::HashMap;

use super::body_hash::{AppDataHash, BodyHash};
use super::hpack::HeaderList;
use super::http1::{
    push_problem, transactions_held, Bodies, BodyAt, HeadBytes, Message, Reset, Transaction,
    MAX_TRANSACTIONS,
};
use super::http2::message_from_fields;
use super::qpack::{self, Section};
use crate::quic::varint::encoded_len;
use crate::report::model::Side;

/// Stream halves followed at once; more are counted, their bytes skipped.
pub const MAX_STREAMS: usize = 2000;
/// One HEADERS or PUSH_PROMISE payload.
pub const MAX_FIELD_SECTION: usize = 256 << 10;
/// Control frames (SETTINGS, GOAWAY, …) read at most this far.
const MAX_CONTROL_FRAME: usize = 4 << 10;
/// Field sections waiting for their QPACK inserts, and their bytes.
const MAX_BLOCKED: usize = 100;
const MAX_BLOCKED_BYTES: usize = 1 << 20;
/// Settings kept per side.
pub const MAX_SETTINGS: usize = 32;

/// Frame types (RFC 9114 §7.2), as the index of their counter; `UNKNOWN` for the rest.
pub const DATA: u64 = 0x00;
pub const HEADERS: u64 = 0x01;
pub const CANCEL_PUSH: u64 = 0x03;
pub const SETTINGS: u64 = 0x04;
pub const PUSH_PROMISE: u64 = 0x05;
pub const GOAWAY: u64 = 0x07;
pub const MAX_PUSH_ID: u64 = 0x0d;
/// The counters: the frame types above in order, then the rest.
pub const FRAME_KINDS: [u64; 7] = [
    DATA,
    HEADERS,
    CANCEL_PUSH,
    SETTINGS,
    PUSH_PROMISE,
    GOAWAY,
    MAX_PUSH_ID,
];
const SETTINGS_QPACK_MAX_TABLE_CAPACITY: u64 = 0x01;
/// A frame read past without keeping its payload (no frame type is this large).
const SKIPPED: u64 = u64::MAX;

/// Unidirectional stream types (§6.2, RFC 9204 §4.2).
const CONTROL: u64 = 0x00;
const PUSH: u64 = 0x01;
const QPACK_ENCODER: u64 = 0x02;
const QPACK_DECODER: u64 = 0x03;

/// What one half of a stream carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Unidirectional, its type not read yet.
    Untyped,
    /// Frames: a request stream's, the control stream's, or a push stream's (after its
    /// push id).
    Frames(Role),
    PushId,
    Encoder,
    /// Skipped: the QPACK decoder stream (acknowledgements), reserved types, a stream
    /// past a problem.
    Ignored,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Request,
    Control,
    Push,
}

/// One half of one stream.
#[derive(Debug)]
struct Half {
    kind: Kind,
    /// The bytes of a varint or frame header in progress (at most 16).
    head: Vec<u8>,
    /// The frame being read: its type, the bytes left, and its payload when kept.
    frame: Option<(u64, u64, Vec<u8>)>,
    body: BodyHash,
    /// Its body was handed to the body sink's `start`.
    body_open: bool,
}

impl Half {
    fn new(kind: Kind) -> Self {
        Half {
            kind,
            head: Vec::new(),
            frame: None,
            body: BodyHash::new(),
            body_open: false,
        }
    }
}

/// A field section waiting for QPACK inserts.
#[derive(Debug)]
struct Blocked {
    side: Side,
    stream_id: u64,
    ts: i64,
    required: u64,
    section: Vec<u8>,
}

/// The HTTP/3 transactions of one connection.
#[derive(Debug, Default)]
pub struct Http3 {
    halves: HashMap<(u64, usize), Half>,
    pub streams_omitted: u64,
    /// QPACK state by sending side.
    qpack: [qpack::Decoder; 2],
    qpack_lost: [bool; 2],
    blocked: Vec<Blocked>,
    blocked_bytes: usize,
    /// Request stream id → transaction.
    tx_of: HashMap<u64, usize>,
    pub transactions: Vec<Transaction>,
    pub transactions_omitted: u64,
    header_bytes: HeadBytes,
    /// Frame payload bytes the halves hold (field sections and control frames being read).
    frame_bytes: usize,
    /// Frames seen per side, by [`FRAME_KINDS`] and one more for the rest.
    pub frames: [[u64; 8]; 2],
    pub settings: [Vec<(u64, u64)>; 2],
    pub goaway: [Option<u64>; 2],
    pub problems: Vec<String>,
    pub problems_omitted: u64,
    /// Where the bodies go, if anywhere (`export`).
    bodies: Option<Bodies>,
}

fn index(side: Side) -> usize {
    (side == Side::Server) as usize
}

fn other(side: Side) -> Side {
    match side {
        Side::Client => Side::Server,
        Side::Server => Side::Client,
    }
}

/// A QUIC variable-length integer at the front of `b`, and its length.
fn varint(b: &[u8]) -> Option<(u64, usize)> {
    let len = encoded_len(*b.first()?);
    let bytes = b.get(..len)?;
    let v = bytes[1..]
        .iter()
        .fold(u64::from(bytes[0] & 0x3f), |v, &x| (v << 8) | u64::from(x));
    Some((v, len))
}

fn who(side: Side) -> &'static str {
    match side {
        Side::Client => "client",
        Side::Server => "server",
    }
}

impl Http3 {
    /// A decoder that also hands each body to `bodies`.
    pub fn with_bodies(bodies: Bodies) -> Self {
        Http3 {
            bodies: Some(bodies),
            ..Default::default()
        }
    }

    fn problem(&mut self, text: String) {
        push_problem(&mut self.problems, &mut self.problems_omitted, text);
    }

    /// Bytes `side` sent on `stream_id`, in order.
    pub fn stream_data(&mut self, stream_id: u64, side: Side, ts: i64, bytes: &[u8]) {
        self.stream_data_beside(stream_id, side, ts, bytes, &mut AppDataHash::none());
    }

    /// [`Http3::stream_data`] for a piece the stream's digest (`digest`) is hashing:
    /// bodies are hashed beside it.
    pub fn stream_data_beside(
        &mut self,
        stream_id: u64,
        side: Side,
        ts: i64,
        mut bytes: &[u8],
        digest: &mut AppDataHash<'_>,
    ) {
        let key = (stream_id, index(side));
        if !self.halves.contains_key(&key) {
            if self.halves.len() >= MAX_STREAMS {
                self.streams_omitted += 1;
                return;
            }
            let kind = match (stream_id & 2 != 0, stream_id & 1) {
                (true, _) => Kind::Untyped,
                (false, 0) => Kind::Frames(Role::Request),
                (false, _) => Kind::Ignored, // server-initiated bidi: not in HTTP/3
            };
            self.halves.insert(key, Half::new(kind));
        }
        while !bytes.is_empty() {
            let Some(mut half) = self.halves.remove(&key) else {
                return;
            };
            let used = self.step(stream_id, side, ts, &mut half, bytes, digest);
            self.halves.insert(key, half);
            bytes = &bytes[used.max(1).min(bytes.len())..];
        }
    }

    /// Reads from `bytes` into `half`; returns how many it took.
    fn step(
        &mut self,
        stream_id: u64,
        side: Side,
        ts: i64,
        half: &mut Half,
        bytes: &[u8],
        digest: &mut AppDataHash<'_>,
    ) -> usize {
        match half.kind {
            Kind::Ignored => bytes.len(),
            Kind::Encoder => {
                if !self.qpack_lost[index(side)] {
                    if let Err(e) = self.qpack[index(side)].encoder_stream(bytes) {
                        self.qpack_lost[index(side)] = true;
                        self.problem(format!("{}'s QPACK encoder stream: {e}", who(side)));
                    }
                    self.unblock(side);
                }
                bytes.len()
            }
            Kind::Untyped | Kind::PushId => {
                let Some(((value, _), used)) = read_head(&mut half.head, bytes, 1) else {
                    return bytes.len();
                };
                half.kind = match (half.kind, value) {
                    (Kind::PushId, _) => Kind::Frames(Role::Push),
                    (_, CONTROL) => Kind::Frames(Role::Control),
                    (_, PUSH) => Kind::PushId,
                    (_, QPACK_ENCODER) => Kind::Encoder,
                    (_, QPACK_DECODER) => Kind::Ignored,
                    _ => Kind::Ignored,
                };
                used
            }
            Kind::Frames(role) => match half.frame.take() {
                None => {
                    let Some(((ty, len), used)) = read_head(&mut half.head, bytes, 2) else {
                        return bytes.len();
                    };
                    self.count(side, ty);
                    let keep = match ty {
                        HEADERS | PUSH_PROMISE => MAX_FIELD_SECTION,
                        DATA => 0,
                        _ => MAX_CONTROL_FRAME,
                    };
                    let mut ty = ty;
                    if ty != DATA && len > keep as u64 {
                        self.problem(format!(
                            "{} frame 0x{ty:x} of {len} bytes on stream {stream_id}: longer than \
                             {keep} bytes, not read",
                            who(side)
                        ));
                        ty = SKIPPED;
                    }
                    half.frame = Some((ty, len, Vec::new()));
                    if len == 0 {
                        self.frame_end(stream_id, side, ts, role, half);
                    }
                    used
                }
                Some((ty, left, mut payload)) => {
                    let n = left.min(bytes.len() as u64) as usize;
                    let piece = &bytes[..n];
                    if ty == DATA {
                        if role == Role::Request {
                            half.body.update_beside(piece, digest);
                            self.body_bytes(stream_id, side, n as u64);
                            self.body_to_sink(stream_id, side, half, piece);
                        }
                    } else if ty != SKIPPED {
                        payload.extend_from_slice(piece);
                        self.frame_bytes += n;
                    }
                    half.frame = Some((ty, left - n as u64, payload));
                    if left == n as u64 {
                        self.frame_end(stream_id, side, ts, role, half);
                    }
                    n
                }
            },
        }
    }

    fn count(&mut self, side: Side, ty: u64) {
        let i = FRAME_KINDS
            .iter()
            .position(|&k| k == ty)
            .unwrap_or(FRAME_KINDS.len());
        self.frames[index(side)][i] += 1;
    }

    /// A whole frame has been read (its payload kept if it was small enough).
    fn frame_end(&mut self, stream_id: u64, side: Side, ts: i64, role: Role, half: &mut Half) {
        let Some((ty, _, payload)) = half.frame.take() else {
            return;
        };
        self.frame_bytes = self.frame_bytes.saturating_sub(payload.len());
        match (ty, role) {
            (HEADERS, Role::Request) => self.field_section(side, stream_id, ts, payload),
            (SETTINGS, Role::Control) => self.settings_frame(side, &payload),
            (GOAWAY, Role::Control) => self.goaway[index(side)] = varint(&payload).map(|v| v.0),
            _ => {}
        }
    }

    fn settings_frame(&mut self, side: Side, mut payload: &[u8]) {
        while let Some((id, a)) = varint(payload) {
            let Some((value, b)) = varint(&payload[a..]) else {
                break;
            };
            payload = &payload[a + b..];
            if id == SETTINGS_QPACK_MAX_TABLE_CAPACITY {
                // The table a side allows is the one its peer's encoder fills.
                self.qpack[index(other(side))].allow(value);
            }
            if self.settings[index(side)].len() < MAX_SETTINGS {
                self.settings[index(side)].push((id, value));
            }
        }
    }

    /// A HEADERS frame's field section from `side` on a request stream.
    fn field_section(&mut self, side: Side, stream_id: u64, ts: i64, section: Vec<u8>) {
        if self.qpack_lost[index(side)] {
            return;
        }
        let mut list = HeaderList::default();
        match self.qpack[index(side)].field_section(&section, &mut list) {
            Ok(Section::Decoded) => self.headers(side, stream_id, ts, list),
            Ok(Section::Blocked { required }) => {
                let room = self.blocked.len() < MAX_BLOCKED
                    && self.blocked_bytes + section.len() <= MAX_BLOCKED_BYTES;
                if room {
                    self.blocked_bytes += section.len();
                    self.blocked.push(Blocked {
                        side,
                        stream_id,
                        ts,
                        required,
                        section,
                    });
                } else {
                    self.problem(format!(
                        "{}'s field section on stream {stream_id}: more than {MAX_BLOCKED} \
                         sections wait for QPACK inserts",
                        who(side)
                    ));
                }
            }
            Err(e) => self.problem(format!(
                "{}'s field section on stream {stream_id}: {e}",
                who(side)
            )),
        }
    }

    /// The sections of `side` whose inserts have now arrived.
    fn unblock(&mut self, side: Side) {
        let inserted = self.qpack[index(side)].inserted();
        let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.blocked)
            .into_iter()
            .partition(|b| b.side == side && b.required <= inserted);
        self.blocked = waiting;
        for b in ready {
            self.blocked_bytes -= b.section.len();
            self.field_section(b.side, b.stream_id, b.ts, b.section);
        }
    }

    /// A decoded field list: a request, a response (an interim 1xx is skipped), or a
    /// trailer section (counted in neither).
    fn headers(&mut self, side: Side, stream_id: u64, ts: i64, list: HeaderList) {
        let msg = message_from_fields(ts, list, &mut self.header_bytes);
        match side {
            Side::Client => {
                if self.tx_of.contains_key(&stream_id) {
                    return; // trailers
                }
                if self.transactions.len() >= MAX_TRANSACTIONS {
                    self.transactions_omitted += 1;
                    return;
                }
                self.transactions.push(Transaction {
                    request: Some(msg),
                    stream_id: Some(stream_id),
                    ..Default::default()
                });
                self.tx_of.insert(stream_id, self.transactions.len() - 1);
            }
            Side::Server => {
                if msg.status.is_some_and(|s| (100..200).contains(&s)) {
                    return;
                }
                let t = match self.tx_of.get(&stream_id) {
                    Some(&i) => &mut self.transactions[i],
                    None if self.transactions.len() < MAX_TRANSACTIONS => {
                        // The request is not in the capture.
                        self.transactions.push(Transaction {
                            stream_id: Some(stream_id),
                            ..Default::default()
                        });
                        self.tx_of.insert(stream_id, self.transactions.len() - 1);
                        self.transactions.last_mut().expect("just pushed")
                    }
                    None => {
                        self.transactions_omitted += 1;
                        return;
                    }
                };
                if t.response.is_none() {
                    t.response = Some(msg);
                }
            }
        }
    }

    /// The message `side` sends on a request stream.
    fn message(&mut self, stream_id: u64, side: Side) -> Option<&mut Message> {
        let t = self.transactions.get_mut(*self.tx_of.get(&stream_id)?)?;
        match side {
            Side::Client => t.request.as_mut(),
            Side::Server => t.response.as_mut(),
        }
    }

    fn body_bytes(&mut self, stream_id: u64, side: Side, n: u64) {
        if let Some(m) = self.message(stream_id, side) {
            m.body_wire_bytes += n;
            m.body_bytes += n;
        }
    }

    /// Body bytes to the sink, opening the body there first.
    fn body_to_sink(&mut self, stream_id: u64, side: Side, half: &mut Half, piece: &[u8]) {
        let Some(bodies) = &mut self.bodies else {
            return;
        };
        if !half.body_open {
            let Some(&i) = self.tx_of.get(&stream_id) else {
                return;
            };
            let t = &self.transactions[i];
            let Some(msg) = sent_by(t, side) else {
                return; // DATA before its HEADERS: not a message here
            };
            let request = (side == Side::Server)
                .then_some(t.request.as_ref())
                .flatten();
            let at = BodyAt {
                transaction: Some(i),
                stream_id: Some(stream_id),
            };
            bodies.sink.start(side, at, msg, request);
            half.body_open = true;
        }
        bodies.sink.data(side, Some(stream_id), piece);
    }

    /// A half's body is over: the sink gets the message as it ended.
    fn body_end(&mut self, stream_id: u64, side: Side, open: bool) {
        if !open {
            return;
        }
        let Some(&i) = self.tx_of.get(&stream_id) else {
            return;
        };
        let msg = sent_by(&self.transactions[i], side);
        if let (Some(bodies), Some(msg)) = (&mut self.bodies, msg) {
            bodies.sink.end(side, Some(stream_id), msg);
        }
    }

    /// `side` aborted `stream_id` (STOP_SENDING or RESET_STREAM): the first side to
    /// abort a request cancelled it (RFC 9114 §4.1.1), whatever its peer answers.
    pub fn stream_abort(&mut self, stream_id: u64, side: Side, code: u64) {
        if let Some(&i) = self.tx_of.get(&stream_id) {
            self.transactions[i].reset.get_or_insert(Reset {
                by: side,
                code: u32::try_from(code).unwrap_or(u32::MAX),
            });
        }
    }

    /// `side`'s half of `stream_id` ended: by FIN (`reset` none) or RESET_STREAM.
    pub fn stream_end(&mut self, stream_id: u64, side: Side, reset: Option<u64>) {
        if let Some(code) = reset {
            self.stream_abort(stream_id, side, code);
        }
        let Some(half) = self.halves.remove(&(stream_id, index(side))) else {
            return;
        };
        self.frame_bytes = self.frame_bytes.saturating_sub(frame_len(&half));
        if let Kind::Frames(Role::Control) = half.kind {
            self.problem(format!("{}'s control stream closed", who(side)));
        }
        let complete = reset.is_none() && half.frame.is_none();
        let sha = half.body.finish();
        if let Some(m) = self.message(stream_id, side) {
            m.body_sha256 = sha;
            m.complete = complete;
        }
        self.body_end(stream_id, side, half.body_open);
    }

    /// `len` bytes of `side`'s half of `stream_id` never arrived: that half's framing
    /// is lost (an encoder stream's loss loses the side's table).
    pub fn stream_gap(&mut self, stream_id: u64, side: Side, len: u64) {
        let Some(half) = self.halves.get_mut(&(stream_id, index(side))) else {
            return;
        };
        let was = std::mem::replace(&mut half.kind, Kind::Ignored);
        self.frame_bytes = self.frame_bytes.saturating_sub(frame_len(half));
        half.frame = None;
        // A body cut here ends here, incomplete.
        let cut =
            std::mem::replace(&mut half.body_open, false).then(|| std::mem::take(&mut half.body));
        if let Some(body) = cut {
            if let Some(m) = self.message(stream_id, side) {
                m.body_sha256 = body.finish();
                m.complete = false;
            }
            self.body_end(stream_id, side, true);
        }
        match was {
            Kind::Encoder => {
                self.qpack_lost[index(side)] = true;
                self.problem(format!(
                    "{}'s QPACK encoder stream lost {len} bytes: its later field sections \
                     cannot be decoded",
                    who(side)
                ));
            }
            Kind::Ignored => {}
            _ => self.problem(format!(
                "{} stream {stream_id}: {len} bytes lost in the capture",
                who(side)
            )),
        }
    }

    /// The connection ended: sections still blocked are named, bodies still open end
    /// (incomplete: no FIN came).
    pub fn close(&mut self) {
        let open: Vec<(u64, usize)> = self
            .halves
            .iter()
            .filter(|(_, h)| h.body_open)
            .map(|(k, _)| *k)
            .collect();
        for (stream_id, i) in open {
            let side = if i == 0 { Side::Client } else { Side::Server };
            if let Some(half) = self.halves.remove(&(stream_id, i)) {
                self.frame_bytes = self.frame_bytes.saturating_sub(frame_len(&half));
                let sha = half.body.finish();
                if let Some(m) = self.message(stream_id, side) {
                    m.body_sha256 = sha;
                }
                self.body_end(stream_id, side, true);
            }
        }
        for b in std::mem::take(&mut self.blocked) {
            self.problem(format!(
                "{}'s field section on stream {}: its QPACK inserts ({} needed) never came",
                who(b.side),
                b.stream_id,
                b.required
            ));
        }
        self.blocked_bytes = 0;
    }

    /// Bytes held (for the memory budget): counted as they are kept, not walked (the
    /// run asks per datagram).
    pub fn held_bytes(&self) -> usize {
        self.halves.len() * (std::mem::size_of::<Half>() + 64)
            + self.frame_bytes
            + self
                .qpack
                .iter()
                .map(qpack::Decoder::held_bytes)
                .sum::<usize>()
            + self.blocked_bytes
            + transactions_held(&self.transactions, self.header_bytes)
            + self.problems.iter().map(String::len).sum::<usize>()
    }
}

/// Payload bytes a half holds for the frame it is reading.
fn frame_len(half: &Half) -> usize {
    half.frame.as_ref().map_or(0, |f| f.2.len())
}

/// The message `side` sent in `t`.
fn sent_by(t: &Transaction, side: Side) -> Option<&Message> {
    match side {
        Side::Client => t.request.as_ref(),
        Side::Server => t.response.as_ref(),
    }
}

/// Reads `n` varints from `held` (bytes kept from earlier pieces) then `bytes`: the
/// values and how many of `bytes` they took, or `None` (the pieces kept) when `bytes`
/// ends first.
fn read_head(held: &mut Vec<u8>, bytes: &[u8], n: usize) -> Option<((u64, u64), usize)> {
    let before = held.len();
    let take = bytes.len().min(16 - before);
    held.extend_from_slice(&bytes[..take]);
    let (first, a) = varint(held)?;
    let (second, b) = if n == 2 { varint(&held[a..])? } else { (0, 0) };
    let used = a + b - before;
    held.clear();
    Some(((first, second), used))
}

#[cfg(test)]
mod tests;
