//! The streams of an HTTP/2 connection: what its decoded header blocks and DATA frames
//! say about each, made the requests and responses of its transactions (the frames are
//! cut out in `http2.rs`).

use sha2::{Digest, Sha256};

use super::{Block, Head, Http2, Stream};
use crate::app::body_hash::{AppDataHash, BodyHash};
use crate::app::hpack::HeaderList;
use crate::app::http1::BodyAt;
use crate::app::http1::{
    charge_head, HeadBytes, Message, Reset, Transaction, MAX_HEADERS, MAX_TRANSACTIONS,
};
use crate::report::model::Side;

use super::{index, MAX_DRAINING_STREAMS, MAX_OPEN_STREAMS};

impl Http2 {
    /// A whole header block: decoded by the side's HPACK context (always, to keep it in
    /// step), then made a request, a response, or a stream's trailers.
    pub(super) fn header_block(&mut self, side: Side, ts: i64, block: Block) {
        let i = index(side);
        let mut list = HeaderList::default();
        if let Err(e) = self.dirs[i].hpack.decode(&block.bytes, &mut list) {
            return self.lose(side, format!("{e} (stream {})", block.stream));
        }
        if let Some(promised) = block.promised {
            // PUSH_PROMISE: the request the server answers on the promised stream.
            let msg = self.message(ts, list);
            self.open(promised, Some(msg), true, [true, false]);
            return;
        }
        let s = block.stream;
        if s == 0 {
            return self.problem(format!("{}: header block on stream 0", side.as_str()));
        }
        let known = self.streams.contains_key(&s);
        match side {
            Side::Client if !known && s > self.last_client_stream => {
                self.last_client_stream = s;
                let msg = self.message(ts, list);
                self.open(s, Some(msg), false, [block.end_stream, false]);
            }
            Side::Server => {
                let status = status_of(&list);
                let interim = status.is_some_and(|s| (100..200).contains(&s));
                // A stream already over (reset, closed) or not followed stays so; one
                // never seen opened (its request unseen) gets a response-only transaction.
                let over = s % 2 == 1 && s <= self.last_client_stream;
                if !known && (over || interim || !self.open(s, None, false, [true, false])) {
                    return;
                }
                let answered = self.streams.get(&s).is_some_and(|st| st.answered);
                if !answered && !interim {
                    let msg = self.message(ts, list);
                    if let Some(st) = self.streams.get_mut(&s) {
                        st.answered = true;
                        if let Some(t) = st.tx.and_then(|t| self.transactions.get_mut(t)) {
                            t.response = Some(msg);
                        }
                    }
                }
            }
            // The client's trailers: nothing kept but their END_STREAM.
            Side::Client => {}
        }
        if block.end_stream {
            self.end(side, s);
        }
    }

    /// Opens a stream with its transaction; `false` past the open-stream cap.
    fn open(&mut self, id: u32, request: Option<Message>, pushed: bool, ended: [bool; 2]) -> bool {
        if self.streams.len() >= MAX_OPEN_STREAMS {
            self.streams_omitted += 1;
            return false;
        }
        let complete = ended[0];
        let tx = if self.transactions.len() < MAX_TRANSACTIONS {
            let request = request.map(|mut m| {
                m.complete = complete;
                if complete {
                    m.body_sha256 = <[u8; 32]>::from(Sha256::digest(b"")).into();
                }
                m
            });
            self.transactions.push(Transaction {
                request,
                stream_id: Some(u64::from(id)),
                pushed,
                ..Default::default()
            });
            Some(self.transactions.len() - 1)
        } else {
            self.transactions_omitted += 1;
            None
        };
        let stream = Stream {
            tx,
            ended,
            answered: false,
            hash: [BodyHash::new(), BodyHash::new()],
            body_open: [false; 2],
        };
        self.streams.insert(id, stream);
        true
    }

    fn message(&mut self, ts: i64, list: HeaderList) -> Message {
        message_from_fields(ts, list, &mut self.header_bytes)
    }

    /// The message `side` sends on a stream's transaction.
    fn side_message(&mut self, side: Side, tx: Option<usize>) -> Option<&mut Message> {
        let t = self.transactions.get_mut(tx?)?;
        match side {
            Side::Client => t.request.as_mut(),
            Side::Server => t.response.as_mut(),
        }
    }

    /// A DATA frame starts: its payload length counts as the body's wire bytes.
    pub(super) fn data_frame_start(&mut self, side: Side, head: Head) {
        let tx = self.streams.get(&head.stream).and_then(|s| s.tx);
        if let Some(m) = self.side_message(side, tx) {
            m.body_wire_bytes += u64::from(head.len);
        }
    }

    /// Body bytes of a stream (DATA without its padding).
    pub(super) fn body(
        &mut self,
        side: Side,
        stream: u32,
        bytes: &[u8],
        app_data: &mut AppDataHash<'_>,
    ) {
        let Some(st) = self.streams.get_mut(&stream) else {
            return;
        };
        let tx = st.tx;
        let hash = &mut st.hash[index(side)];
        if tx.is_none() {
            return;
        }
        hash.update_beside(bytes, app_data);
        let open = std::mem::replace(&mut st.body_open[index(side)], true);
        if let Some(m) = self.side_message(side, tx) {
            m.body_bytes += bytes.len() as u64;
        }
        let Some(bodies) = &mut self.bodies else {
            return;
        };
        let Some(t) = tx.and_then(|t| self.transactions.get(t)) else {
            return;
        };
        let stream_id = Some(u64::from(stream));
        if !open {
            let msg = match side {
                Side::Client => t.request.as_ref(),
                Side::Server => t.response.as_ref(),
            };
            let Some(msg) = msg else {
                return; // DATA before its HEADERS: no message to name it by
            };
            let request = (side == Side::Server)
                .then_some(t.request.as_ref())
                .flatten();
            let at = BodyAt {
                transaction: tx,
                stream_id,
            };
            bodies.sink.start(side, at, msg, request);
        }
        bodies.sink.data(side, stream_id, bytes);
    }

    /// A body handed to the sink is over (its message has its hash and completeness).
    fn body_end(&mut self, side: Side, id: u32, tx: Option<usize>, open: bool) {
        let Some(bodies) = self.bodies.as_mut().filter(|_| open) else {
            return;
        };
        let t = tx.and_then(|t| self.transactions.get(t));
        let msg = t.and_then(|t| match side {
            Side::Client => t.request.as_ref(),
            Side::Server => t.response.as_ref(),
        });
        if let Some(msg) = msg {
            bodies.sink.end(side, Some(u64::from(id)), msg);
        }
    }

    /// END_STREAM from `side`: its message is complete; the stream closes once both are.
    pub(super) fn end(&mut self, side: Side, id: u32) {
        let i = index(side);
        let Some(st) = self.streams.get_mut(&id) else {
            return;
        };
        if st.ended[i] {
            return;
        }
        st.ended[i] = true;
        let digest = std::mem::take(&mut st.hash[i]).finish();
        let (tx, both, open) = (st.tx, st.ended == [true, true], st.body_open[i]);
        if let Some(m) = self.side_message(side, tx) {
            m.complete = true;
            m.body_sha256 = digest;
        }
        self.body_end(side, id, tx, open);
        if both {
            self.close_stream(id);
        }
    }

    /// Forgets a stream both of whose halves are over.
    fn close_stream(&mut self, id: u32) {
        if self.streams.remove(&id).is_some() && !self.draining.is_empty() {
            self.draining.retain(|&d| d != id);
        }
    }

    /// RST_STREAM from `by`: its half is over, incomplete if it had not ended. The
    /// other half goes on until its END_STREAM or RST_STREAM: its frames sent before the
    /// reset reached it are on the wire too (RFC 9113 §5.4.2), and are what it said.
    pub(super) fn reset(&mut self, by: Side, id: u32, code: u32) {
        let i = index(by);
        match self.streams.get_mut(&id) {
            Some(st) => {
                let tx = st.tx;
                if let Some(t) = tx.and_then(|t| self.transactions.get_mut(t)) {
                    t.reset.get_or_insert(Reset { by, code });
                }
                if !st.ended[i] {
                    st.ended[i] = true;
                    let hash = std::mem::take(&mut st.hash[i]).finish();
                    let open = st.body_open[i];
                    if let Some(m) = self.side_message(by, tx) {
                        m.body_sha256 = hash;
                    }
                    self.body_end(by, id, tx, open);
                }
                let other_ended = self.streams.get(&id).is_some_and(|s| s.ended[1 - i]);
                if other_ended || self.draining.contains(&id) {
                    // Both halves are over now (the other reset too, or had ended).
                    if let Some(st) = self.streams.remove(&id) {
                        self.draining.retain(|&d| d != id);
                        self.cut_short(id, st);
                    }
                    return;
                }
                if self.draining.len() >= MAX_DRAINING_STREAMS {
                    if let Some(old) = self.draining.pop_front() {
                        if let Some(st) = self.streams.remove(&old) {
                            self.cut_short(old, st);
                        }
                    }
                }
                self.draining.push_back(id);
            }
            // A reset after both ends (a client giving up late): still said.
            None => {
                if let Some(t) = self
                    .transactions
                    .iter_mut()
                    .rev()
                    .find(|t| t.stream_id == Some(u64::from(id)))
                {
                    t.reset.get_or_insert(Reset { by, code });
                }
            }
        }
    }

    /// A stream over before both its ends (a reset, the end of the capture): the bodies
    /// not ended get the hash of what came, and stay incomplete.
    pub(super) fn cut_short(&mut self, id: u32, st: Stream) {
        let [h0, h1] = st.hash;
        for (i, side, hash) in [(0, Side::Client, h0), (1, Side::Server, h1)] {
            if !st.ended[i] {
                if let Some(m) = self.side_message(side, st.tx) {
                    m.body_sha256 = hash.finish();
                }
                self.body_end(side, id, st.tx, st.body_open[i]);
            }
        }
    }
}

/// A response list's `:status`.
fn status_of(list: &HeaderList) -> Option<u16> {
    list.fields
        .iter()
        .find(|(n, _)| n == b":status")
        .and_then(|(_, v)| std::str::from_utf8(v).ok()?.parse().ok())
}

/// A message from a decoded field list (HTTP/2's and HTTP/3's): pseudo-headers as its
/// fields, the rest as headers (at most [`MAX_HEADERS`]), its head charged to the
/// connection's `header_bytes` budget.
pub(in crate::app) fn message_from_fields(
    ts: i64,
    list: HeaderList,
    header_bytes: &mut HeadBytes,
) -> Message {
    let mut m = Message {
        ts,
        headers_omitted: list.omitted,
        ..Default::default()
    };
    let text = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
    for (name, value) in list.fields {
        match name.as_slice() {
            b":method" => m.method = Some(text(&value)),
            b":path" => m.target = Some(text(&value)),
            b":scheme" => m.scheme = Some(text(&value)),
            b":authority" => m.authority = Some(text(&value)),
            b":status" => {
                m.status = std::str::from_utf8(&value)
                    .ok()
                    .and_then(|s| s.parse().ok())
            }
            _ if m.headers.len() >= MAX_HEADERS => m.headers_omitted += 1,
            _ => m.headers.push((text(&name), value)),
        }
    }
    charge_head(&mut m, header_bytes, &[]);
    m
}
