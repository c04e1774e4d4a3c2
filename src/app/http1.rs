//! HTTP/1.1 (RFC 9112) inside one connection's decrypted bytes: each side's messages
//! cut out of its byte stream (the head by `httparse`, the body by its framing), and
//! responses paired with requests in order.
//!
//! ```text
//!  client bytes ─► head ─► body: Content-Length | chunked (+ trailers) | none ─► request ─┐
//!  server bytes ─► head ─► body: HEAD/1xx/204/304: none | CONNECT 2xx, 101: tunnel |     ├─► transactions
//!                          Content-Length | chunked | until the close ─────────► response ┘  (in order)
//! ```
//! Memory: a head is held until it is whole, at most [`MAX_HEAD`] bytes; bodies are
//! hashed as they pass, never held; the transaction list and each header list are capped
//! and the rest counted.

use super::body_hash::{AppDataHash, BodyDigest, BodyHash};
use super::Decoder;
use crate::report::model::Side;

/// A message head (request or status line and headers) longer than this is not HTTP
/// this decoder reads (servers refuse far less): the direction stops being parsed.
pub const MAX_HEAD: usize = 64 << 10;
/// Headers kept per message; the rest are counted.
pub const MAX_HEADERS: usize = 100;
/// Transactions kept per connection; the rest are counted.
pub const MAX_TRANSACTIONS: usize = 1000;
/// Header bytes kept per connection (names and values): past it, messages are kept
/// without their headers, which are counted.
pub const MAX_KEPT_HEADER_BYTES: usize = 1 << 20;

/// One request or response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    /// Capture time of the head's first byte being complete (ns).
    pub ts: i64,
    /// Requests: method and target; responses: status code and reason.
    pub method: Option<String>,
    pub target: Option<String>,
    pub status: Option<u16>,
    pub reason: Option<String>,
    /// HTTP/2 requests: the `:scheme` and `:authority` pseudo-headers.
    pub scheme: Option<String>,
    pub authority: Option<String>,
    /// 0 (HTTP/1.0) or 1 (HTTP/1.1).
    pub minor_version: u8,
    pub headers: Vec<(String, Vec<u8>)>,
    /// Headers not kept: the connection's header bytes passed [`MAX_KEPT_HEADER_BYTES`].
    pub headers_omitted: u64,
    /// Body bytes as they travelled (chunk framing included), and after chunked
    /// decoding, with the SHA-256 of the latter.
    pub body_wire_bytes: u64,
    pub body_bytes: u64,
    pub body_sha256: BodyDigest,
    /// The body's end was seen (its length, the last chunk, or the close).
    pub complete: bool,
}

impl Message {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

/// A request and the response to it (either may be missing: a capture that starts
/// late, a request never answered).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transaction {
    pub request: Option<Message>,
    pub response: Option<Message>,
    /// HTTP/2: the stream it travelled on, whether the server pushed it (PUSH_PROMISE),
    /// and the RST_STREAM that ended it.
    pub stream_id: Option<u64>,
    pub pushed: bool,
    pub reset: Option<Reset>,
}

/// An HTTP/2 RST_STREAM: who sent it and its error code (RFC 9113 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reset {
    pub by: Side,
    pub code: u32,
}

/// How a body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    Length(u64),
    Chunked(Chunked),
    /// Until the connection closes (a response without a length).
    UntilClose,
}

/// Where chunked decoding stands (RFC 9112 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunked {
    /// Reading a chunk-size line; `digits` so far, whether past the digits (extensions).
    Size {
        size: u64,
        digits: u8,
        ext: bool,
    },
    /// `left` bytes of chunk data, then its CRLF.
    Data {
        left: u64,
    },
    DataEnd {
        seen: u8,
    },
    /// After the last chunk: trailer lines until an empty one; `line` bytes on this one.
    Trailers {
        line: u64,
    },
}

/// One direction's parser.
#[derive(Debug)]
enum State {
    Head(Vec<u8>),
    Body(Body, Box<Message>, BodyHash),
    /// After a 101 or a CONNECT's 2xx: not HTTP any more.
    Tunnel,
    /// Lost: a gap, or bytes that are not HTTP; nothing more is parsed this way.
    Lost,
}

/// Where bodies go as they are decoded (`export`): each body's bytes after chunked
/// decoding (before content decoding), between `start` and `end`.
pub trait BodySink {
    /// `msg`'s body starts, `at` its transaction and stream; `request` is the request a
    /// response answers, when known.
    fn start(&mut self, side: Side, at: BodyAt, msg: &Message, request: Option<&Message>);
    /// More of the body on `stream_id` (HTTP/2, HTTP/3: several bodies of a side may
    /// be open at once; HTTP/1's `None`: one at a time).
    fn data(&mut self, side: Side, stream_id: Option<u64>, bytes: &[u8]);
    /// The body is over: `msg` has its sizes, hash and whether it is `complete`.
    fn end(&mut self, side: Side, stream_id: Option<u64>, msg: &Message);
}

/// Where a body travels: its transaction (the index of the report's `transactions`,
/// `None` past their cap) and, for HTTP/2 and HTTP/3, its stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyAt {
    pub transaction: Option<usize>,
    pub stream_id: Option<u64>,
}

/// A [`BodySink`], and which sides have a body open in it (HTTP/1's; HTTP/3 keeps its
/// own per stream).
pub struct Bodies {
    pub(super) sink: Box<dyn BodySink>,
    open: [bool; 2],
}

impl Bodies {
    pub fn new(sink: Box<dyn BodySink>) -> Self {
        Bodies {
            sink,
            open: [false; 2],
        }
    }
}

impl std::fmt::Debug for Bodies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bodies").field("open", &self.open).finish()
    }
}

/// The HTTP/1.x messages of one connection.
#[derive(Debug)]
pub struct Http1 {
    dirs: [State; 2],
    /// Methods of the requests not answered yet (to frame their responses).
    pending: std::collections::VecDeque<(usize, String)>,
    pub transactions: Vec<Transaction>,
    pub transactions_omitted: u64,
    /// What went wrong, in words (the first few).
    pub problems: Vec<String>,
    pub problems_omitted: u64,
    /// Header bytes the kept messages hold.
    header_bytes: HeadBytes,
    /// Where the bodies go, if anywhere.
    bodies: Option<Bodies>,
}

impl Default for Http1 {
    fn default() -> Self {
        Http1 {
            dirs: [State::Head(Vec::new()), State::Head(Vec::new())],
            pending: Default::default(),
            transactions: Vec::new(),
            transactions_omitted: 0,
            problems: Vec::new(),
            problems_omitted: 0,
            header_bytes: HeadBytes::default(),
            bodies: None,
        }
    }
}

/// Problems kept per connection.
pub const MAX_PROBLEMS: usize = 16;

/// What a kept header costs beyond its name and value: its list entry.
const HEADER_OVERHEAD: usize = 48;
/// A head's text (target, reason, scheme, authority, method) kept past the connection's
/// budget of head bytes is cut to this many bytes.
pub const CUT_TEXT: usize = 256;

/// A connection's kept message heads, as charged by [`charge_head`].
#[derive(Debug, Default, Clone, Copy)]
pub struct HeadBytes {
    /// Within the budget of [`MAX_KEPT_HEADER_BYTES`]: text fields and headers with
    /// their list entries.
    pub charged: usize,
    /// Past it: the text fields, cut to [`CUT_TEXT`] (the transaction cap bounds them).
    pub cut: usize,
}

/// Charges a message's head to the connection's `budget` of kept head bytes (its text
/// fields, its headers with their list entries). Past [`MAX_KEPT_HEADER_BYTES`] the
/// headers go, but those named in `keep` (HTTP/1's framing), and each text field is cut
/// to [`CUT_TEXT`] bytes, counted apart.
pub fn charge_head(msg: &mut Message, budget: &mut HeadBytes, keep: &[&str]) {
    let text = |m: &Message| {
        [&m.method, &m.target, &m.reason, &m.scheme, &m.authority]
            .iter()
            .map(|f| f.as_ref().map_or(0, String::len))
            .sum::<usize>()
    };
    let headers = |m: &Message| {
        m.headers
            .iter()
            .map(|(n, v)| n.len() + v.len() + HEADER_OVERHEAD)
            .sum::<usize>()
    };
    let cost = text(msg) + headers(msg);
    if budget.charged + cost <= MAX_KEPT_HEADER_BYTES {
        budget.charged += cost;
        return;
    }
    let before = msg.headers.len();
    msg.headers
        .retain(|(n, _)| keep.iter().any(|k| n.eq_ignore_ascii_case(k)));
    msg.headers_omitted += (before - msg.headers.len()) as u64;
    for field in [
        &mut msg.method,
        &mut msg.target,
        &mut msg.reason,
        &mut msg.scheme,
        &mut msg.authority,
    ] {
        if let Some(s) = field.as_mut().filter(|s| s.len() > CUT_TEXT) {
            let mut end = CUT_TEXT;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            s.truncate(end);
            s.push('…');
            // Truncating keeps the allocation: give the rest back.
            s.shrink_to_fit();
        }
    }
    budget.charged += headers(msg);
    budget.cut += text(msg);
}

/// Adds a problem in words to a decoder's list, or counts it past [`MAX_PROBLEMS`]
/// (every HTTP decoder keeps its problems this way).
pub fn push_problem(problems: &mut Vec<String>, omitted: &mut u64, text: String) {
    if problems.len() < MAX_PROBLEMS {
        problems.push(text);
    } else {
        *omitted += 1;
    }
}

/// Whether `bytes` start like an HTTP/1.x request (a method token, a space) or a
/// status line: how a connection without ALPN is told to carry HTTP/1.
pub fn looks_like_http1(side: Side, bytes: &[u8]) -> bool {
    match side {
        Side::Server => bytes.starts_with(b"HTTP/1."),
        Side::Client => {
            let token = bytes
                .iter()
                .take(16)
                .take_while(|b| b.is_ascii_uppercase())
                .count();
            token >= 3 && bytes.get(token) == Some(&b' ')
        }
    }
}

impl Decoder for Http1 {
    fn data_beside(
        &mut self,
        side: Side,
        ts: i64,
        mut bytes: &[u8],
        app_data: &mut AppDataHash<'_>,
    ) {
        let i = side_index(side);
        while !bytes.is_empty() {
            let state = std::mem::replace(&mut self.dirs[i], State::Lost);
            let (next, used) = match state {
                State::Head(buf) => self.head(side, ts, buf, bytes),
                State::Body(body, msg, hash) => self.body(side, body, msg, hash, bytes, app_data),
                s @ (State::Tunnel | State::Lost) => (s, bytes.len()),
            };
            self.dirs[i] = next;
            bytes = &bytes[used..];
        }
    }
}

impl Http1 {
    /// A decoder that also hands each body to `bodies`.
    pub fn with_bodies(bodies: Bodies) -> Self {
        Http1 {
            bodies: Some(bodies),
            ..Default::default()
        }
    }

    fn problem(&mut self, text: String) {
        push_problem(&mut self.problems, &mut self.problems_omitted, text);
    }

    /// `len` bytes of `side` were lost: the message they were in is incomplete, and
    /// nothing after them can be framed.
    pub fn gap(&mut self, side: Side, len: u64) {
        let i = side_index(side);
        match std::mem::replace(&mut self.dirs[i], State::Lost) {
            State::Body(_, msg, hash) => {
                self.problem(format!(
                    "{} body incomplete: {len} bytes lost in a gap",
                    what(side)
                ));
                self.finish_message(side, *msg, hash, false);
            }
            State::Head(buf) if !buf.is_empty() => {
                self.problem(format!("{} head cut by a gap of {len} bytes", what(side)));
            }
            State::Tunnel => self.dirs[i] = State::Tunnel,
            _ => {}
        }
    }

    /// The capture ended: a body delimited by the close is complete, others are not.
    pub fn close(&mut self) {
        self.end_connection(false);
    }

    /// The capture ended, and `closed`: the connection had closed (FIN or RST) before.
    pub fn end_connection(&mut self, closed: bool) {
        for side in [Side::Client, Side::Server] {
            let i = side_index(side);
            if let State::Body(body, msg, hash) = std::mem::replace(&mut self.dirs[i], State::Lost)
            {
                let complete = body == Body::UntilClose;
                if !complete {
                    let when = match body {
                        _ if !closed => " at the end of the capture".to_string(),
                        Body::Length(left) => {
                            format!(": the connection closed {left} bytes before its end")
                        }
                        _ => ": the connection closed before its last chunk".to_string(),
                    };
                    self.problem(format!("{} body incomplete{when}", what(side)));
                }
                self.finish_message(side, *msg, hash, complete);
            }
        }
    }

    /// Adds `bytes` to a head; once whole, parses it and starts its body. Returns the
    /// next state and how many of `bytes` the head took.
    fn head(&mut self, side: Side, ts: i64, mut buf: Vec<u8>, bytes: &[u8]) -> (State, usize) {
        let mut skip = 0;
        if buf.is_empty() {
            // Empty lines before a message are allowed (RFC 9112 §2.2).
            while bytes[skip..].starts_with(b"\r\n") {
                skip += 2;
            }
            if skip == bytes.len() {
                return (State::Head(buf), skip);
            }
        }
        let rest = &bytes[skip..];
        // Most heads come whole in one piece: parsed where they are, not copied.
        let (parsed, before, take) = if buf.is_empty() {
            (parse_head(side, ts, rest), 0, rest.len())
        } else {
            let before = buf.len();
            let take = rest.len().min(MAX_HEAD + 4 - before);
            buf.extend_from_slice(&rest[..take]);
            (parse_head(side, ts, &buf), before, take)
        };
        match parsed {
            Ok(Some((n, msg))) => (self.start_body(side, msg), skip + (n - before)),
            Ok(None) if before + take <= MAX_HEAD => {
                if buf.is_empty() {
                    buf.extend_from_slice(rest);
                }
                (State::Head(buf), skip + take)
            }
            Ok(None) => {
                self.problem(format!("{} head longer than {MAX_HEAD} bytes", what(side)));
                (State::Lost, bytes.len())
            }
            Err(httparse::Error::TooManyHeaders) => {
                self.problem(format!(
                    "{} head with more than {MAX_HEADERS} headers",
                    what(side)
                ));
                (State::Lost, bytes.len())
            }
            Err(e) => {
                self.problem(format!("{} is not HTTP/1: {e}", what(side)));
                (State::Lost, bytes.len())
            }
        }
    }

    /// A head is whole: how its body is framed (RFC 9112 §6.3).
    fn start_body(&mut self, side: Side, mut msg: Message) -> State {
        // Framing needs two headers: they stay whatever the budget.
        charge_head(
            &mut msg,
            &mut self.header_bytes,
            &["content-length", "transfer-encoding"],
        );
        let chunked = msg
            .header("transfer-encoding")
            .is_some_and(last_coding_is_chunked);
        let length = msg
            .header("content-length")
            .and_then(|v| std::str::from_utf8(v).ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let body = match side {
            Side::Client => {
                let method = msg.method.clone().unwrap_or_default();
                let index = self.push_request(msg.clone());
                self.pending.push_back((index, method));
                if chunked {
                    Some(Body::Chunked(Chunked::Size {
                        size: 0,
                        digits: 0,
                        ext: false,
                    }))
                } else {
                    length.filter(|&n| n > 0).map(Body::Length)
                }
            }
            Side::Server => {
                let status = msg.status.unwrap_or(0);
                // The oldest unanswered request's method (an interim 1xx leaves it waiting).
                let method = self.pending.front().map(|(_, m)| m.clone());
                let head = method.as_deref() == Some("HEAD");
                let connect = method.as_deref() == Some("CONNECT") && (200..300).contains(&status);
                if status == 101 || connect {
                    self.finish_message(side, msg, BodyHash::new(), true);
                    // The client waits for this answer before it speaks the new
                    // protocol (RFC 9110 §7.8, §9.3.6): its bytes from here are not HTTP.
                    self.dirs[side_index(Side::Client)] = State::Tunnel;
                    return State::Tunnel;
                }
                if head || (100..200).contains(&status) || status == 204 || status == 304 {
                    None
                } else if chunked {
                    Some(Body::Chunked(Chunked::Size {
                        size: 0,
                        digits: 0,
                        ext: false,
                    }))
                } else {
                    match length {
                        Some(0) => None,
                        Some(n) => Some(Body::Length(n)),
                        None => Some(Body::UntilClose),
                    }
                }
            }
        };
        match body {
            None => {
                self.finish_message(side, msg, BodyHash::new(), true);
                State::Head(Vec::new())
            }
            Some(b) => {
                if let Some(bodies) = &mut self.bodies {
                    // A request was listed at its head; a response answers the oldest.
                    let index = match side {
                        Side::Client => self.pending.back(),
                        Side::Server => self.pending.front(),
                    }
                    .map(|(i, _)| *i)
                    .filter(|&i| i < self.transactions.len());
                    let request = match side {
                        Side::Client => None,
                        Side::Server => index
                            .and_then(|i| self.transactions.get(i))
                            .and_then(|t| t.request.as_ref()),
                    };
                    let at = BodyAt {
                        transaction: index,
                        stream_id: None,
                    };
                    bodies.sink.start(side, at, &msg, request);
                    bodies.open[side_index(side)] = true;
                }
                State::Body(b, Box::new(msg), BodyHash::new())
            }
        }
    }

    /// Body bytes; returns the next state and how many of `bytes` it took.
    fn body(
        &mut self,
        side: Side,
        body: Body,
        mut msg: Box<Message>,
        mut hash: BodyHash,
        bytes: &[u8],
        app_data: &mut AppDataHash<'_>,
    ) -> (State, usize) {
        let sink = &mut self.bodies;
        let mut take = |b: &[u8]| {
            hash.update_beside(b, app_data);
            if let Some(bodies) = sink {
                bodies.sink.data(side, None, b);
            }
        };
        match body {
            Body::UntilClose => {
                msg.body_wire_bytes += bytes.len() as u64;
                msg.body_bytes += bytes.len() as u64;
                take(bytes);
                (State::Body(body, msg, hash), bytes.len())
            }
            Body::Length(left) => {
                let n = (left.min(bytes.len() as u64)) as usize;
                msg.body_wire_bytes += n as u64;
                msg.body_bytes += n as u64;
                take(&bytes[..n]);
                if left == n as u64 {
                    self.finish_message(side, *msg, hash, true);
                    (State::Head(Vec::new()), n)
                } else {
                    (State::Body(Body::Length(left - n as u64), msg, hash), n)
                }
            }
            Body::Chunked(c) => {
                let (next, used, done) = chunked(c, &mut msg, &mut take, bytes);
                msg.body_wire_bytes += used as u64;
                match next {
                    Err(why) => {
                        self.problem(format!("{} chunked body: {why}", what(side)));
                        self.finish_message(side, *msg, hash, false);
                        (State::Lost, bytes.len())
                    }
                    Ok(_) if done => {
                        self.finish_message(side, *msg, hash, true);
                        (State::Head(Vec::new()), used)
                    }
                    Ok(c) => (State::Body(Body::Chunked(c), msg, hash), used),
                }
            }
        }
    }

    fn push_request(&mut self, msg: Message) -> usize {
        if self.transactions.len() < MAX_TRANSACTIONS {
            self.transactions.push(Transaction {
                request: Some(msg),
                ..Default::default()
            });
            self.transactions.len() - 1
        } else {
            self.transactions_omitted += 1;
            usize::MAX
        }
    }

    /// A message is over: a request's body is filled in, a response is paired with the
    /// oldest unanswered request (an interim 1xx answers none).
    fn finish_message(&mut self, side: Side, mut msg: Message, hash: BodyHash, complete: bool) {
        msg.body_sha256 = hash.finish();
        msg.complete = complete;
        if let Some(bodies) = &mut self.bodies {
            if std::mem::take(&mut bodies.open[side_index(side)]) {
                bodies.sink.end(side, None, &msg);
            }
        }
        match side {
            Side::Client => {
                // The request was listed at its head; its body is known now.
                if let Some(t) = self
                    .pending
                    .back()
                    .and_then(|(i, _)| self.transactions.get_mut(*i))
                {
                    t.request = Some(msg);
                }
            }
            Side::Server => {
                if msg
                    .status
                    .is_some_and(|s| (100..200).contains(&s) && s != 101)
                {
                    return;
                }
                match self.pending.pop_front() {
                    Some((i, _)) => {
                        if let Some(t) = self.transactions.get_mut(i) {
                            t.response = Some(msg);
                        }
                    }
                    None if self.transactions.len() < MAX_TRANSACTIONS => {
                        self.transactions.push(Transaction {
                            response: Some(msg),
                            ..Default::default()
                        });
                    }
                    None => self.transactions_omitted += 1,
                }
            }
        }
    }

    /// Bytes held (for the memory budget).
    pub fn held_bytes(&self) -> usize {
        let dirs: usize = self
            .dirs
            .iter()
            .map(|d| match d {
                State::Head(b) => b.capacity(),
                State::Body(..) => std::mem::size_of::<Message>() + 256,
                _ => 0,
            })
            .sum();
        dirs + transactions_held(&self.transactions, self.header_bytes)
            + self.problems.iter().map(String::len).sum::<usize>()
    }
}

/// Bytes a transaction list holds (for the memory budget), from what [`charge_head`]
/// charged its heads: counted as they were kept, not walked each time
/// the run asks (it asks per packet).
pub fn transactions_held(list: &[Transaction], heads: HeadBytes) -> usize {
    std::mem::size_of_val(list) + heads.charged + heads.cut
}

fn side_index(side: Side) -> usize {
    match side {
        Side::Client => 0,
        Side::Server => 1,
    }
}

fn what(side: Side) -> &'static str {
    match side {
        Side::Client => "request",
        Side::Server => "response",
    }
}

/// Parses a whole head at the start of `buf`: its length and the message, `None` if
/// more bytes are needed.
fn parse_head(
    side: Side,
    ts: i64,
    buf: &[u8],
) -> Result<Option<(usize, Message)>, httparse::Error> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let (n, mut msg, list) = match side {
        Side::Client => {
            let mut r = httparse::Request::new(&mut headers);
            let httparse::Status::Complete(n) = r.parse(buf)? else {
                return Ok(None);
            };
            let m = Message {
                ts,
                method: r.method.map(str::to_string),
                target: r.path.map(str::to_string),
                minor_version: r.version.unwrap_or(1),
                ..Default::default()
            };
            (n, m, copy_headers(r.headers))
        }
        Side::Server => {
            let mut r = httparse::Response::new(&mut headers);
            let httparse::Status::Complete(n) = r.parse(buf)? else {
                return Ok(None);
            };
            let m = Message {
                ts,
                status: r.code,
                reason: r.reason.map(str::to_string),
                minor_version: r.version.unwrap_or(1),
                ..Default::default()
            };
            (n, m, copy_headers(r.headers))
        }
    };
    msg.headers = list;
    Ok(Some((n, msg)))
}

/// The headers as owned values (httparse stops at [`MAX_HEADERS`]: more is an error).
fn copy_headers(h: &[httparse::Header<'_>]) -> Vec<(String, Vec<u8>)> {
    h.iter()
        .map(|h| (h.name.to_string(), h.value.to_vec()))
        .collect()
}

/// Whether a Transfer-Encoding's last coding is `chunked` (RFC 9112 §6.1).
fn last_coding_is_chunked(value: &[u8]) -> bool {
    value
        .rsplit(|&b| b == b',')
        .next()
        .is_some_and(|c| c.trim_ascii().eq_ignore_ascii_case(b"chunked"))
}

/// Runs chunked decoding over `bytes`: the new state (or why it is not chunked
/// framing), the bytes taken, and whether the body ended.
fn chunked(
    mut c: Chunked,
    msg: &mut Message,
    body: &mut dyn FnMut(&[u8]),
    bytes: &[u8],
) -> (Result<Chunked, String>, usize, bool) {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        c = match c {
            Chunked::Size { size, digits, ext } => match b {
                b'\n' if digits == 0 => {
                    return (Err("chunk size line without digits".into()), i, false)
                }
                b'\n' if size == 0 => Chunked::Trailers { line: 0 },
                b'\n' => Chunked::Data { left: size },
                b'\r' => Chunked::Size {
                    size,
                    digits,
                    ext: true,
                },
                _ if ext => Chunked::Size { size, digits, ext },
                b';' | b' ' | b'\t' => Chunked::Size {
                    size,
                    digits,
                    ext: true,
                },
                _ => match (b as char).to_digit(16) {
                    Some(d) if digits < 15 => Chunked::Size {
                        size: size * 16 + u64::from(d),
                        digits: digits + 1,
                        ext,
                    },
                    Some(_) => return (Err("chunk size over 15 hex digits".into()), i, false),
                    None => return (Err(format!("byte 0x{b:02x} in a chunk size")), i, false),
                },
            },
            Chunked::Data { left } => {
                let n = (left.min((bytes.len() - i) as u64)) as usize;
                body(&bytes[i..i + n]);
                msg.body_bytes += n as u64;
                i += n;
                c = if left == n as u64 {
                    Chunked::DataEnd { seen: 0 }
                } else {
                    Chunked::Data {
                        left: left - n as u64,
                    }
                };
                continue;
            }
            Chunked::DataEnd { seen } => match (seen, b) {
                (0, b'\r') => Chunked::DataEnd { seen: 1 },
                (_, b'\n') => Chunked::Size {
                    size: 0,
                    digits: 0,
                    ext: false,
                },
                _ => return (Err("chunk data not followed by CRLF".into()), i, false),
            },
            Chunked::Trailers { line } => match b {
                b'\n' if line == 0 => return (Ok(c), i + 1, true),
                b'\n' => Chunked::Trailers { line: 0 },
                b'\r' => Chunked::Trailers { line },
                _ if line > MAX_HEAD as u64 => {
                    return (Err("trailer line too long".into()), i, false)
                }
                _ => Chunked::Trailers { line: line + 1 },
            },
        };
        i += 1;
    }
    (Ok(c), i, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn run(parts: &[(Side, &[u8])]) -> Http1 {
        let mut h = Http1::default();
        for (i, (side, bytes)) in parts.iter().enumerate() {
            h.data(*side, i as i64, bytes);
        }
        h.close();
        h
    }

    fn sha(b: &[u8]) -> [u8; 32] {
        Sha256::digest(b).into()
    }

    #[test]
    fn keep_alive_content_length_and_head() {
        let h = run(&[
            (
                Side::Client,
                b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\n",
            ),
            (
                Side::Server,
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel",
            ),
            (
                Side::Server,
                b"loHTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n",
            ),
        ]);
        assert!(h.problems.is_empty(), "{:?}", h.problems);
        assert_eq!(h.transactions.len(), 2);
        let t = &h.transactions[0];
        assert_eq!(t.request.as_ref().unwrap().target.as_deref(), Some("/a"));
        let r = t.response.as_ref().unwrap();
        assert_eq!((r.status, r.body_bytes, r.complete), (Some(200), 5, true));
        assert_eq!(r.body_sha256.value(), sha(b"hello"));
        // HEAD: the response's Content-Length frames no body.
        let r = h.transactions[1].response.as_ref().unwrap();
        assert_eq!((r.body_bytes, r.complete), (0, true));
    }

    #[test]
    fn chunked_with_trailers_and_a_post_body() {
        let h = run(&[
            (Side::Client, b"POST /p HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"),
            (
                Side::Server,
                b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n4;x=y\r\nWiki\r\n5\r\npedia\r\n0\r\nX-T: 1\r\n\r\n",
            ),
        ]);
        assert!(h.problems.is_empty(), "{:?}", h.problems);
        assert_eq!(h.transactions.len(), 1);
        let req = h.transactions[0].request.as_ref().unwrap();
        assert_eq!((req.body_bytes, req.body_sha256.value()), (3, sha(b"abc")));
        let r = h.transactions[0].response.as_ref().unwrap();
        assert_eq!(r.status, Some(200));
        assert_eq!(
            (r.body_bytes, r.body_sha256.value(), r.complete),
            (9, sha(b"Wikipedia"), true)
        );
        assert!(r.body_wire_bytes > 9);
    }

    #[test]
    fn close_delimited_gap_and_upgrade() {
        let h = run(&[
            (Side::Client, b"GET / HTTP/1.0\r\n\r\n"),
            (Side::Server, b"HTTP/1.0 200 OK\r\n\r\nall of it"),
        ]);
        let r = h.transactions[0].response.as_ref().unwrap();
        assert_eq!((r.body_bytes, r.complete), (9, true));

        let mut h = Http1::default();
        h.data(Side::Client, 0, b"GET / HTTP/1.1\r\n\r\n");
        h.data(
            Side::Server,
            1,
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
        );
        h.gap(Side::Server, 4);
        h.close();
        let r = h.transactions[0].response.as_ref().unwrap();
        assert!(!r.complete);
        assert!(h.problems[0].contains("4 bytes lost"), "{:?}", h.problems);

        let h = run(&[
            (
                Side::Client,
                b"GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n\x81\x05hello",
            ),
            (
                Side::Server,
                b"HTTP/1.1 101 Switching Protocols\r\n\r\n\x81\x02hi",
            ),
        ]);
        assert_eq!(h.transactions.len(), 1);
        assert_eq!(
            h.transactions[0].response.as_ref().unwrap().status,
            Some(101)
        );
    }

    #[test]
    fn not_http_is_a_problem_not_a_panic() {
        let h = run(&[(Side::Client, b"\x16\x03\x01 garbage\r\n\r\n")]);
        assert_eq!(h.transactions.len(), 0);
        assert_eq!(h.problems.len(), 1);
        assert!(looks_like_http1(Side::Client, b"GET / HTTP/1.1"));
        assert!(!looks_like_http1(Side::Client, b"get / HTTP/1.1"));
        assert!(looks_like_http1(Side::Server, b"HTTP/1.1 200 OK"));
    }

    /// A connection of many requests with big heads: the transaction list and the
    /// header bytes kept stop at their caps, the rest counted.
    #[test]
    fn caps_bound_what_is_kept() {
        let mut h = Http1::default();
        let head = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(4000));
        for _ in 0..(MAX_TRANSACTIONS + 50) {
            h.data(Side::Client, 0, head.as_bytes());
        }
        assert_eq!(h.transactions.len(), MAX_TRANSACTIONS);
        assert_eq!(h.transactions_omitted, 50);
        assert!(
            h.header_bytes.charged <= MAX_KEPT_HEADER_BYTES,
            "{}",
            h.header_bytes.charged
        );
        let last = h.transactions.last().unwrap().request.as_ref().unwrap();
        assert_eq!((last.headers.len(), last.headers_omitted), (0, 1));
        assert!(h.held_bytes() < 2 * MAX_KEPT_HEADER_BYTES + 1024 * MAX_TRANSACTIONS);
    }

    /// Heads whose targets are huge: past the connection's head budget the targets are
    /// cut, so what is kept stays bounded whatever the requests hold, and counted.
    #[test]
    fn long_targets_are_cut_past_the_head_budget() {
        let mut h = Http1::default();
        let head = format!("GET /{} HTTP/1.1\r\n\r\n", "t".repeat(60_000));
        for _ in 0..(MAX_TRANSACTIONS + 50) {
            h.data(Side::Client, 0, head.as_bytes());
        }
        let targets: Vec<usize> = h
            .transactions
            .iter()
            .map(|t| t.request.as_ref().unwrap().target.as_ref().unwrap().len())
            .collect();
        assert_eq!(targets[0], 60_001, "within the budget: whole");
        assert!(targets[MAX_TRANSACTIONS - 1] <= CUT_TEXT + '…'.len_utf8());
        let kept: usize = targets.iter().sum();
        assert!(h.held_bytes() >= kept, "{} < {kept}", h.held_bytes());
        assert!(h.held_bytes() < 2 * MAX_KEPT_HEADER_BYTES + 1024 * MAX_TRANSACTIONS);
    }

    proptest::proptest! {
        /// Any bytes either way, cut anywhere: no panic, the caps hold.
        #[test]
        fn any_bytes(parts in proptest::collection::vec((proptest::bool::ANY, proptest::collection::vec(proptest::num::u8::ANY, 0..200)), 0..20)) {
            let mut h = Http1::default();
            for (client, b) in &parts {
                h.data(if *client { Side::Client } else { Side::Server }, 0, b);
            }
            h.close();
            proptest::prop_assert!(h.transactions.len() <= MAX_TRANSACTIONS);
            proptest::prop_assert!(h.problems.len() <= MAX_PROBLEMS);
        }
    }
}
