//! HTTP/2 (RFC 9113) inside one connection's decrypted bytes: each side's frames cut
//! out of its byte stream, header blocks (HEADERS, PUSH_PROMISE and their CONTINUATIONs)
//! decoded by that side's HPACK context, and each stream's request and response made a
//! transaction, in the order the streams opened.
//!
//! ```text
//!  client bytes ─► preface ─► frames ─┬─ HEADERS/CONTINUATION ─► HPACK (client) ─► request ─┐
//!                                     └─ DATA ─► body bytes, SHA-256                          ├─► stream ─► transaction
//!  server bytes ─────────────► frames ─┬─ HEADERS/PUSH_PROMISE/CONTINUATION ─► HPACK (server) ┤   (END_STREAM, RST_STREAM)
//!                                      └─ DATA, SETTINGS, PING, GOAWAY, WINDOW_UPDATE ───────┘
//! ```
//! Memory: a frame's payload is held only for header blocks (at most
//! [`MAX_HEADER_BLOCK`]) and the few bytes of control frames; bodies are hashed as they
//! pass; open streams, transactions, header bytes and problems are capped and the rest
//! counted, like HTTP/1's.

use std::collections::HashMap;

use super::body_hash::{AppDataHash, BodyHash};
use super::hpack;
use super::http1::{push_problem, Bodies, HeadBytes, Transaction};
use super::Decoder;
use crate::report::model::Side;

/// What a client sends first (RFC 9113 §3.4).
pub const PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/// Streams followed at once; more are counted, their frames skipped.
pub const MAX_OPEN_STREAMS: usize = 1000;
/// Streams one side reset while the other's half was still open, kept to follow what
/// that side had in flight (oldest cut first): a rapid-reset flood holds no more.
pub const MAX_DRAINING_STREAMS: usize = 32;
/// One header block with its CONTINUATIONs (a 20 KB cookie fits many times): past it,
/// the block cannot be decoded, so neither can that side's later ones.
pub const MAX_HEADER_BLOCK: usize = 256 << 10;
/// RFC 9113 §4.2: frames are at most 16 KB until the receiver allows more, never over
/// 2^24 - 1 (the length field).
const DEFAULT_MAX_FRAME: u32 = 1 << 14;
const LARGEST_FRAME: u32 = (1 << 24) - 1;
/// Bytes of a SETTINGS payload read (more than anyone sends: 6 bytes a setting).
const MAX_SETTINGS_PAYLOAD: usize = 1 << 10;
/// Settings kept per side for the report.
pub const MAX_SETTINGS: usize = 32;

/// Frame types (RFC 9113 §6), as the index of their counter; `UNKNOWN` for the rest.
pub const DATA: u8 = 0;
pub const HEADERS: u8 = 1;
pub const PRIORITY: u8 = 2;
pub const RST_STREAM: u8 = 3;
pub const SETTINGS: u8 = 4;
pub const PUSH_PROMISE: u8 = 5;
pub const PING: u8 = 6;
pub const GOAWAY: u8 = 7;
pub const WINDOW_UPDATE: u8 = 8;
pub const CONTINUATION: u8 = 9;
pub const UNKNOWN: u8 = 10;

const END_STREAM: u8 = 0x1;
const ACK: u8 = 0x1;
const END_HEADERS: u8 = 0x4;
const PADDED: u8 = 0x8;
const PRIORITY_FLAG: u8 = 0x20;

/// SETTINGS identifiers this decoder acts on (RFC 9113 §6.5.2).
const SETTINGS_HEADER_TABLE_SIZE: u16 = 1;
const SETTINGS_MAX_FRAME_SIZE: u16 = 5;

/// A frame's 9-byte header.
#[derive(Debug, Clone, Copy)]
struct Head {
    len: u32,
    kind: u8,
    flags: u8,
    stream: u32,
}

/// Where one side's byte stream stands.
#[derive(Debug)]
enum Read {
    /// The client's preface: how many of its bytes were seen.
    Preface(usize),
    /// A frame header: its bytes so far.
    Header([u8; 9], usize),
    /// A frame whose payload is kept (up to `keep` bytes) until it is whole.
    Payload {
        head: Head,
        left: u32,
        keep: usize,
        buf: Vec<u8>,
    },
    /// A DATA frame's payload: the pad length byte if any, `data` body bytes, then
    /// `pad` bytes of padding.
    Data {
        head: Head,
        need_pad_len: bool,
        data: u32,
        pad: u32,
    },
    /// Lost (a gap, a frame over the limits, a header block that did not decode):
    /// nothing more of this side is read.
    Lost,
}

/// A header block waiting for its CONTINUATIONs.
#[derive(Debug)]
struct Block {
    stream: u32,
    end_stream: bool,
    /// PUSH_PROMISE: the promised stream.
    promised: Option<u32>,
    bytes: Vec<u8>,
}

/// One side's parser and its HPACK context.
#[derive(Debug)]
struct Dir {
    read: Read,
    hpack: hpack::Decoder,
    /// The largest frame the other side allowed this one (SETTINGS_MAX_FRAME_SIZE).
    max_frame: u32,
    block: Option<Block>,
    /// Nothing more of this side is read.
    lost: bool,
}

/// One open stream: its transaction and, per side, whether it ended and its body's hash.
#[derive(Debug)]
struct Stream {
    /// Index in the transactions, `None` past their cap.
    tx: Option<usize>,
    ended: [bool; 2],
    /// The server's final (non-1xx) response head was seen.
    answered: bool,
    hash: [BodyHash; 2],
    /// Each side's body was handed to the body sink's `start`.
    body_open: [bool; 2],
}

/// A GOAWAY: the last stream the sender will process and its error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoAway {
    pub last_stream_id: u32,
    pub code: u32,
}

/// The HTTP/2 exchanges of one connection.
#[derive(Debug)]
pub struct Http2 {
    dirs: [Dir; 2],
    streams: HashMap<u32, Stream>,
    /// Streams in `streams` that one side reset, oldest first (at most
    /// [`MAX_DRAINING_STREAMS`]): the other side's frames already sent still count.
    draining: std::collections::VecDeque<u32>,
    /// The highest stream the client opened: one at or below it that is not in `streams`
    /// was closed, reset or not followed, and is not opened again.
    last_client_stream: u32,
    pub streams_omitted: u64,
    pub transactions: Vec<Transaction>,
    pub transactions_omitted: u64,
    /// Frames each side sent, by type ([`DATA`]..[`UNKNOWN`]).
    pub frames: [[u64; 11]; 2],
    /// Settings each side sent (identifier, value), in order, the first few.
    pub settings: [Vec<(u16, u32)>; 2],
    pub settings_omitted: [u64; 2],
    /// The last GOAWAY each side sent.
    pub goaway: [Option<GoAway>; 2],
    pub problems: Vec<String>,
    pub problems_omitted: u64,
    header_bytes: HeadBytes,
    /// Where the bodies go, if anywhere (`export`).
    bodies: Option<Bodies>,
}

impl Decoder for Http2 {
    fn data_beside(
        &mut self,
        side: Side,
        ts: i64,
        mut bytes: &[u8],
        app_data: &mut AppDataHash<'_>,
    ) {
        let i = index(side);
        while !bytes.is_empty() && !self.dirs[i].lost {
            let read = std::mem::replace(&mut self.dirs[i].read, Read::Lost);
            let (next, used) = self.step(side, ts, read, bytes, app_data);
            // A step that lost the side (`lose`) leaves it lost, whatever it returned.
            if !self.dirs[i].lost {
                self.dirs[i].read = next;
            }
            bytes = &bytes[used.min(bytes.len())..];
        }
    }
}

impl Http2 {
    /// A decoder that also hands each body to `bodies`.
    pub fn with_bodies(bodies: Bodies) -> Self {
        Http2 {
            bodies: Some(bodies),
            ..Default::default()
        }
    }
}

impl Default for Http2 {
    fn default() -> Self {
        let dir = |read| Dir {
            read,
            hpack: hpack::Decoder::default(),
            max_frame: DEFAULT_MAX_FRAME,
            block: None,
            lost: false,
        };
        Http2 {
            dirs: [dir(Read::Preface(0)), dir(Read::Header([0; 9], 0))],
            streams: HashMap::new(),
            draining: Default::default(),
            last_client_stream: 0,
            streams_omitted: 0,
            transactions: Vec::new(),
            transactions_omitted: 0,
            frames: [[0; 11]; 2],
            settings: Default::default(),
            settings_omitted: [0; 2],
            goaway: [None; 2],
            problems: Vec::new(),
            problems_omitted: 0,
            header_bytes: HeadBytes::default(),
            bodies: None,
        }
    }
}

fn index(side: Side) -> usize {
    match side {
        Side::Client => 0,
        Side::Server => 1,
    }
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_be_bytes(b))
}

impl Http2 {
    fn problem(&mut self, text: String) {
        push_problem(&mut self.problems, &mut self.problems_omitted, text);
    }

    /// Stops reading `side`, saying why.
    fn lose(&mut self, side: Side, why: String) {
        self.problem(format!(
            "{}: {why}; the rest of its side is not read",
            side.as_str()
        ));
        let d = &mut self.dirs[index(side)];
        d.read = Read::Lost;
        d.block = None;
        d.lost = true;
    }

    /// One piece of the side's stream: the next state and how many bytes it took.
    fn step(
        &mut self,
        side: Side,
        ts: i64,
        read: Read,
        bytes: &[u8],
        app_data: &mut AppDataHash<'_>,
    ) -> (Read, usize) {
        match read {
            Read::Preface(seen) => {
                let want = &PREFACE[seen..];
                let n = want.len().min(bytes.len());
                if bytes[..n] != want[..n] {
                    self.lose(side, "no HTTP/2 connection preface".into());
                    return (Read::Lost, bytes.len());
                }
                if seen + n == PREFACE.len() {
                    (Read::Header([0; 9], 0), n)
                } else {
                    (Read::Preface(seen + n), n)
                }
            }
            Read::Header(mut buf, have) => {
                let n = (9 - have).min(bytes.len());
                buf[have..have + n].copy_from_slice(&bytes[..n]);
                if have + n < 9 {
                    return (Read::Header(buf, have + n), n);
                }
                let head = Head {
                    len: u32::from_be_bytes([0, buf[0], buf[1], buf[2]]),
                    kind: buf[3],
                    flags: buf[4],
                    stream: u32::from_be_bytes([buf[5], buf[6], buf[7], buf[8]]) & 0x7fff_ffff,
                };
                (self.start_frame(side, ts, head), n)
            }
            Read::Payload {
                head,
                left,
                keep,
                mut buf,
            } => {
                let n = (left as usize).min(bytes.len());
                let room = keep.saturating_sub(buf.len()).min(n);
                buf.extend_from_slice(&bytes[..room]);
                let left = left - n as u32;
                if left > 0 {
                    return (
                        Read::Payload {
                            head,
                            left,
                            keep,
                            buf,
                        },
                        n,
                    );
                }
                self.frame(side, ts, head, buf);
                (Read::Header([0; 9], 0), n)
            }
            Read::Data {
                head,
                need_pad_len,
                data,
                pad,
            } => {
                if need_pad_len {
                    let p = u32::from(bytes[0]);
                    let rest = head.len - 1;
                    if p > rest {
                        self.lose(
                            side,
                            format!("DATA padding of {p} bytes in a {}-byte frame", head.len),
                        );
                        return (Read::Lost, bytes.len());
                    }
                    let next = Read::Data {
                        head,
                        need_pad_len: false,
                        data: rest - p,
                        pad: p,
                    };
                    return (self.data_end(side, head, next), 1);
                }
                if data > 0 {
                    let n = (data as usize).min(bytes.len());
                    self.body(side, head.stream, &bytes[..n], app_data);
                    let next = Read::Data {
                        head,
                        need_pad_len,
                        data: data - n as u32,
                        pad,
                    };
                    return (self.data_end(side, head, next), n);
                }
                let n = (pad as usize).min(bytes.len());
                let next = Read::Data {
                    head,
                    need_pad_len,
                    data,
                    pad: pad - n as u32,
                };
                (self.data_end(side, head, next), n)
            }
            Read::Lost => (Read::Lost, bytes.len()),
        }
    }

    /// A DATA frame whose payload is all read ends here (its END_STREAM taking effect).
    fn data_end(&mut self, side: Side, head: Head, next: Read) -> Read {
        match next {
            Read::Data {
                need_pad_len: false,
                data: 0,
                pad: 0,
                ..
            } => {
                if head.flags & END_STREAM != 0 {
                    self.end(side, head.stream);
                }
                Read::Header([0; 9], 0)
            }
            other => other,
        }
    }

    /// A frame header is whole: checks its length and starts reading its payload.
    fn start_frame(&mut self, side: Side, ts: i64, head: Head) -> Read {
        let i = index(side);
        let kind = head.kind.min(UNKNOWN);
        self.frames[i][usize::from(kind)] += 1;
        let max = self.dirs[i].max_frame;
        if head.len > max {
            self.lose(
                side,
                format!(
                    "frame of {} bytes over the {max}-byte maximum frame size",
                    head.len
                ),
            );
            return Read::Lost;
        }
        // A header block must go on in CONTINUATIONs of its stream, nothing else.
        let continuing = self.dirs[i].block.as_ref().map(|b| b.stream);
        match (continuing, kind) {
            (Some(s), CONTINUATION) if s == head.stream => {}
            (Some(s), _) => {
                self.lose(side, format!("header block of stream {s} not continued"));
                return Read::Lost;
            }
            (None, CONTINUATION) => {
                self.lose(
                    side,
                    format!(
                        "CONTINUATION on stream {} without a header block",
                        head.stream
                    ),
                );
                return Read::Lost;
            }
            _ => {}
        }
        let keep = match kind {
            DATA => {
                self.data_frame_start(side, head);
                let next = Read::Data {
                    head,
                    need_pad_len: head.flags & PADDED != 0,
                    data: if head.flags & PADDED != 0 {
                        0
                    } else {
                        head.len
                    },
                    pad: 0,
                };
                if head.flags & PADDED != 0 && head.len == 0 {
                    self.lose(side, "padded DATA frame without its pad length".into());
                    return Read::Lost;
                }
                return self.data_end(side, head, next);
            }
            HEADERS | PUSH_PROMISE | CONTINUATION => {
                if head.len as usize > MAX_HEADER_BLOCK {
                    self.lose(
                        side,
                        format!(
                            "header block frame of {} bytes over {MAX_HEADER_BLOCK}",
                            head.len
                        ),
                    );
                    return Read::Lost;
                }
                head.len as usize
            }
            SETTINGS => MAX_SETTINGS_PAYLOAD,
            PRIORITY => 5,
            RST_STREAM | WINDOW_UPDATE => 4,
            PING | GOAWAY => 8,
            _ => 0,
        };
        if head.len == 0 {
            self.frame(side, ts, head, Vec::new());
            return Read::Header([0; 9], 0);
        }
        Read::Payload {
            head,
            left: head.len,
            keep: keep.min(head.len as usize),
            buf: Vec::new(),
        }
    }

    /// A whole frame (its kept payload) other than DATA.
    fn frame(&mut self, side: Side, ts: i64, head: Head, payload: Vec<u8>) {
        let i = index(side);
        match head.kind {
            HEADERS | PUSH_PROMISE => {
                let mut p = &payload[..];
                if head.flags & PADDED != 0 {
                    let pad = usize::from(p.first().copied().unwrap_or(0));
                    if p.is_empty() || pad >= p.len() {
                        return self.lose(
                            side,
                            format!("padding over the frame on stream {}", head.stream),
                        );
                    }
                    p = &p[1..p.len() - pad];
                }
                let mut promised = None;
                if head.kind == PUSH_PROMISE {
                    let Some(id) = u32_at(p, 0) else {
                        return self.lose(side, "PUSH_PROMISE too short".into());
                    };
                    promised = Some(id & 0x7fff_ffff);
                    p = &p[4..];
                } else if head.flags & PRIORITY_FLAG != 0 {
                    if p.len() < 5 {
                        return self.lose(side, "HEADERS priority fields cut short".into());
                    }
                    p = &p[5..];
                }
                let block = Block {
                    stream: head.stream,
                    end_stream: head.kind == HEADERS && head.flags & END_STREAM != 0,
                    promised,
                    bytes: p.to_vec(),
                };
                if head.flags & END_HEADERS != 0 {
                    self.header_block(side, ts, block);
                } else {
                    self.dirs[i].block = Some(block);
                }
            }
            CONTINUATION => {
                let Some(mut block) = self.dirs[i].block.take() else {
                    return;
                };
                if block.bytes.len() + payload.len() > MAX_HEADER_BLOCK {
                    return self.lose(
                        side,
                        format!(
                            "header block of stream {} over {MAX_HEADER_BLOCK} bytes",
                            block.stream
                        ),
                    );
                }
                block.bytes.extend_from_slice(&payload);
                if head.flags & END_HEADERS != 0 {
                    self.header_block(side, ts, block);
                } else {
                    self.dirs[i].block = Some(block);
                }
            }
            SETTINGS if head.flags & ACK == 0 => self.settings_frame(side, &payload),
            RST_STREAM => {
                if let Some(code) = u32_at(&payload, 0) {
                    self.reset(side, head.stream, code);
                }
            }
            GOAWAY => {
                if let (Some(last), Some(code)) = (u32_at(&payload, 0), u32_at(&payload, 4)) {
                    self.goaway[i] = Some(GoAway {
                        last_stream_id: last & 0x7fff_ffff,
                        code,
                    });
                }
            }
            // PRIORITY, PING, WINDOW_UPDATE, SETTINGS ACK, unknown types: counted only.
            _ => {}
        }
    }

    fn settings_frame(&mut self, side: Side, payload: &[u8]) {
        let i = index(side);
        for entry in payload.chunks_exact(6) {
            let id = u16::from_be_bytes([entry[0], entry[1]]);
            let value = u32::from_be_bytes([entry[2], entry[3], entry[4], entry[5]]);
            // A side's settings bound what the *other* side sends.
            let other = &mut self.dirs[1 - i];
            match id {
                SETTINGS_HEADER_TABLE_SIZE => other.hpack.allow(value),
                SETTINGS_MAX_FRAME_SIZE => {
                    other.max_frame = other.max_frame.max(value.min(LARGEST_FRAME));
                }
                _ => {}
            }
            if self.settings[i].len() < MAX_SETTINGS {
                self.settings[i].push((id, value));
            } else {
                self.settings_omitted[i] += 1;
            }
        }
    }

    /// `len` bytes of `side` were lost: its framing is gone.
    pub fn gap(&mut self, side: Side, len: u64) {
        if !self.dirs[index(side)].lost {
            self.lose(side, format!("framing lost at a gap of {len} bytes"));
        }
    }

    /// The capture ended: streams still open keep their incomplete messages.
    pub fn close(&mut self) {
        self.end_connection(false);
    }

    /// The capture ended, and `closed`: the connection had closed (FIN or RST) before.
    pub fn end_connection(&mut self, closed: bool) {
        // A reset stream whose other half never ended is no open stream: that side
        // stopped, as asked.
        for id in std::mem::take(&mut self.draining) {
            if let Some(st) = self.streams.remove(&id) {
                self.cut_short(id, st);
            }
        }
        let open: Vec<u32> = self.streams.keys().copied().collect();
        if !open.is_empty() {
            let when = match closed {
                true => "when the connection closed",
                false => "at the end of the capture",
            };
            self.problem(format!("streams still open {when}: {}", open.len()));
        }
        for id in open {
            if let Some(st) = self.streams.remove(&id) {
                self.cut_short(id, st);
            }
        }
    }

    /// Bytes held (for the memory budget).
    pub fn held_bytes(&self) -> usize {
        let dirs: usize = self
            .dirs
            .iter()
            .map(|d| {
                let read = match &d.read {
                    Read::Payload { buf, .. } => buf.capacity(),
                    _ => 0,
                };
                read + d.hpack.held_bytes() + d.block.as_ref().map_or(0, |b| b.bytes.capacity())
            })
            .sum();
        dirs + self.streams.capacity() * (std::mem::size_of::<Stream>() + 8)
            + super::http1::transactions_held(&self.transactions, self.header_bytes)
            + self.problems.iter().map(String::len).sum::<usize>()
    }
}

mod streams;
pub(super) use self::streams::message_from_fields;
#[cfg(test)]
mod tests;
