//! What was said inside the decrypted connections: application protocol decoders,
//! each fed one connection's plaintext in order (a session sink), each giving the
//! report its transactions.
//!
//! ```text
//!                     ┌► http1.rs: HTTP/1.x ─────────────────┐
//!  Session ─ events ──┤   (ALPN `h2`, else the first bytes)  ├─► report `app`
//!                     └► http2.rs: HTTP/2 ─► hpack.rs ───────┘
//! ```
//! HTTP/3 (`http3/`, with `qpack/`) reads a QUIC connection's streams, chosen by ALPN.

pub mod body_hash;
mod held;
pub mod hpack;
pub mod http1;
pub mod http2;
pub mod http3;
mod huffman;
pub mod qpack;

use self::body_hash::AppDataHash;
use self::held::Held;
pub use self::held::StreamEvent;
use self::http1::{looks_like_http1, Bodies, BodySink, Http1};
use self::http2::{Http2, PREFACE};
use self::http3::Http3;
use crate::report::app::AppReport;
use crate::report::model::Side;
use crate::session::{Event, SessionSink};
use crate::tls::extensions::ExtensionData;
use crate::tls::handshake::HandshakeMessage;

/// Bytes of a side's first plaintext looked at to tell the protocol: the HTTP/2 preface
/// (24 bytes) fits, and so do an HTTP method token and its space (TLS 1.0's 1/n-1 record
/// splitting sends one byte first).
const SNIFF_BYTES: usize = PREFACE.len();

/// A decoder of one connection's plaintext (HTTP/1, HTTP/2), each side in order.
pub trait Decoder {
    /// Decrypted bytes `side` sent, part of the record `app_data` is hashing: body bytes
    /// found in them are hashed beside it.
    fn data_beside(&mut self, side: Side, ts: i64, bytes: &[u8], app_data: &mut AppDataHash<'_>);

    /// Decrypted bytes `side` sent, in order.
    fn data(&mut self, side: Side, ts: i64, bytes: &[u8]) {
        self.data_beside(side, ts, bytes, &mut AppDataHash::none());
    }
}

/// What a connection's plaintext turned out to carry.
#[derive(Debug, Default)]
enum Carried {
    /// Not known yet: the first bytes of each side so far.
    #[default]
    Unknown,
    Sniffing(Box<[Vec<u8>; 2]>),
    Http1(Box<Http1>),
    Http2(Box<Http2>),
    /// HTTP/3 over a QUIC connection's streams (ALPN `h3`).
    Http3(Box<Http3>),
    /// Something no decoder here reads.
    Other,
}

/// The application decoder of one connection, chosen by its first decrypted bytes, as
/// a sink of the session's events. TLS 1.3 early data is read as the client's once the
/// server took it (a rejected 0-RTT request was never received).
#[derive(Debug, Default)]
pub struct AppDecoders {
    carried: Carried,
    /// The client's 0-RTT data while the server's answer is not known, and QUIC
    /// stream events before the server's ALPN is (boxed: most connections hold none).
    held: Option<Box<Held>>,
    /// The server's answer to the 0-RTT data is known.
    early_decided: bool,
    /// The server's ALPN choice was seen: stream events are no longer held for it.
    alpn_seen: bool,
    /// Where the bodies go (`export`), handed to the decoder once one is chosen.
    bodies: Option<Bodies>,
    /// Reads nothing (`--no-http`).
    off: bool,
}

impl AppDecoders {
    /// Decoders that read nothing: the report has no `app`.
    pub fn off() -> Self {
        AppDecoders {
            off: true,
            ..Default::default()
        }
    }

    /// Decoders that hand every body they decode to `sink` (for `export`).
    pub fn with_bodies(sink: Box<dyn BodySink>) -> Self {
        AppDecoders {
            bodies: Some(Bodies::new(sink)),
            ..Default::default()
        }
    }

    /// The connection ended: messages still open end with it.
    pub fn close(&mut self) {
        match &mut self.carried {
            Carried::Http1(h) => h.close(),
            Carried::Http2(h) => h.close(),
            Carried::Http3(h) => h.close(),
            _ => {}
        }
    }

    /// The server chose `alpn`: `h2` and `h3` decide the decoder without sniffing.
    pub fn protocol(&mut self, alpn: &[u8]) {
        self.alpn_seen = true;
        if !matches!(self.carried, Carried::Unknown) {
            return;
        }
        match alpn {
            b"h2" => {
                let h = match self.bodies.take() {
                    Some(b) => Http2::with_bodies(b),
                    None => Http2::default(),
                };
                self.carried = Carried::Http2(Box::new(h));
            }
            // `h3`, and the drafts' `h3-29` and so on.
            p if p.starts_with(b"h3") => {
                let h = match self.bodies.take() {
                    Some(b) => Http3::with_bodies(b),
                    None => Http3::default(),
                };
                self.carried = Carried::Http3(Box::new(h));
                self.replay_streams();
            }
            _ => {}
        }
        if let Some(h) = &mut self.held {
            h.take_streams(); // not HTTP/3: no decoder reads streams
        }
    }

    /// Hands the stream events held before the decoder was chosen to it.
    fn replay_streams(&mut self) {
        let Some(held) = self.held.as_mut() else {
            return;
        };
        for e in held.take_streams() {
            self.stream(e, &mut AppDataHash::none());
        }
    }

    /// One QUIC stream event: held while the decoder is not chosen (0-RTT streams come
    /// before the server's ALPN), else to HTTP/3 (`digest`: the stream's digest is
    /// hashing this piece).
    pub fn stream(&mut self, event: StreamEvent<'_>, digest: &mut AppDataHash<'_>) {
        if !self.alpn_seen && matches!(self.carried, Carried::Unknown) {
            self.held.get_or_insert_with(Box::default).stream(event);
            return;
        }
        let Carried::Http3(h) = &mut self.carried else {
            return;
        };
        match event {
            StreamEvent::Data {
                stream_id,
                side,
                ts,
                bytes,
            } => h.stream_data_beside(stream_id, side, ts, &bytes, digest),
            StreamEvent::Gap {
                stream_id,
                side,
                len,
            } => h.stream_gap(stream_id, side, len),
            StreamEvent::End {
                stream_id,
                side,
                reset,
            } => h.stream_end(stream_id, side, reset),
            StreamEvent::Abort {
                stream_id,
                side,
                code,
            } => h.stream_abort(stream_id, side, code),
        }
    }

    /// `len` bytes of `side` were lost.
    pub fn gap(&mut self, side: Side, len: u64) {
        match &mut self.carried {
            Carried::Http1(h) => h.gap(side, len),
            Carried::Http2(h) => h.gap(side, len),
            _ => {}
        }
    }

    /// The report's `app` object, once the connection has ended (`closed`: by FIN or
    /// RST, rather than with the capture).
    pub fn finish(&mut self, show_secrets: bool, closed: bool) -> Option<AppReport> {
        match &mut self.carried {
            Carried::Http1(h) => {
                h.end_connection(closed);
                Some(AppReport::http1(h, show_secrets))
            }
            Carried::Http2(h) => {
                h.end_connection(closed);
                Some(AppReport::http2(h, show_secrets))
            }
            Carried::Http3(h) => {
                h.close();
                Some(AppReport::http3(h, show_secrets))
            }
            _ => None,
        }
    }

    /// Bytes held (for the memory budget).
    pub fn held_bytes(&self) -> usize {
        let decoder = match &self.carried {
            Carried::Http1(h) => std::mem::size_of::<Http1>() + h.held_bytes(),
            Carried::Http2(h) => std::mem::size_of::<Http2>() + h.held_bytes(),
            Carried::Http3(h) => std::mem::size_of::<Http3>() + h.held_bytes(),
            Carried::Sniffing(_) => 2 * SNIFF_BYTES + 64,
            _ => 0,
        };
        decoder + self.held.as_ref().map_or(0, |h| 8 + h.held_bytes())
    }
}

impl SessionSink for AppDecoders {
    fn event(&mut self, event: &Event<'_>) {
        self.event_beside(event, &mut AppDataHash::none());
    }
}

impl AppDecoders {
    /// An event; a plaintext one is also hashed into `app_data`, in step with the bodies
    /// found in it.
    pub fn event_beside(&mut self, event: &Event<'_>, app_data: &mut AppDataHash<'_>) {
        if self.off {
            return;
        }
        match *event {
            Event::Plaintext {
                ts,
                bytes,
                early: true,
                ..
            } if !self.early_decided => {
                self.held
                    .get_or_insert_with(Box::default)
                    .early_data(ts, bytes);
            }
            Event::EarlyDataDecided { accepted, .. } => {
                self.early_decided = true;
                let Some(held) = self.held.as_mut() else {
                    return;
                };
                let (early, ts) = (std::mem::take(&mut held.early), held.early_ts);
                if accepted && !early.is_empty() {
                    self.plaintext(Side::Client, ts, &early);
                }
            }
            Event::Plaintext {
                side, ts, bytes, ..
            } => self.plaintext_beside(side, ts, bytes, app_data),
            Event::Gap { side, gap, .. } => self.gap(side, gap.len),
            // The server's ALPN choice (ServerHello up to TLS 1.2, EncryptedExtensions in
            // 1.3) comes before any application data: it decides without sniffing.
            Event::Handshake { message, .. } => {
                if let Some(p) = server_alpn(message) {
                    self.protocol(p);
                } else if let HandshakeMessage::EncryptedExtensions { .. } = message {
                    self.protocol(b""); // no ALPN: nothing to hold streams for
                }
            }
            Event::StreamData {
                side,
                ts,
                stream_id,
                bytes,
                ..
            } => {
                let bytes = bytes.into();
                let e = StreamEvent::Data {
                    stream_id,
                    side,
                    ts,
                    bytes,
                };
                self.stream(e, app_data)
            }
            Event::StreamGap {
                side,
                stream_id,
                len,
                ..
            } => self.stream(
                StreamEvent::Gap {
                    stream_id,
                    side,
                    len,
                },
                app_data,
            ),
            Event::StreamEnd {
                side,
                stream_id,
                reset,
                ..
            } => self.stream(
                StreamEvent::End {
                    stream_id,
                    side,
                    reset,
                },
                app_data,
            ),
            Event::StreamAbort {
                side,
                stream_id,
                code,
                ..
            } => self.stream(
                StreamEvent::Abort {
                    stream_id,
                    side,
                    code,
                },
                app_data,
            ),
            _ => {}
        }
    }
}

impl AppDecoders {
    /// Decrypted bytes of one side, in order.
    pub fn plaintext(&mut self, side: Side, ts: i64, bytes: &[u8]) {
        self.plaintext_beside(side, ts, bytes, &mut AppDataHash::none());
    }

    /// [`AppDecoders::plaintext`] for a record that `app_data` is hashing.
    fn plaintext_beside(
        &mut self,
        side: Side,
        ts: i64,
        bytes: &[u8],
        app_data: &mut AppDataHash<'_>,
    ) {
        if let Carried::Unknown = self.carried {
            self.carried = Carried::Sniffing(Box::default());
        }
        if let Carried::Sniffing(seen) = &mut self.carried {
            let i = (side == Side::Server) as usize;
            seen[i].extend_from_slice(&bytes[..bytes.len().min(SNIFF_BYTES)]);
            let mine = &seen[i];
            let Some(kind) = sniff(side, mine) else {
                return; // a method's or the preface's first bytes, maybe: wait for more
            };
            // What was held back goes first (either side's), then these bytes.
            let fresh = bytes.len().min(SNIFF_BYTES);
            let seen = std::mem::take(seen);
            self.carried = match (kind, self.bodies.take()) {
                // HTTP/1 with its bodies handed on (export), when asked for.
                (Carried::Http1(_), Some(b)) => Carried::Http1(Box::new(Http1::with_bodies(b))),
                (Carried::Http2(_), Some(b)) => Carried::Http2(Box::new(Http2::with_bodies(b))),
                (kind, b) => {
                    self.bodies = b;
                    kind
                }
            };
            for (j, held) in seen.iter().enumerate() {
                let held = if j == i {
                    &held[..held.len() - fresh]
                } else {
                    held
                };
                let s = if j == 0 { Side::Client } else { Side::Server };
                self.decode(s, ts, held, &mut AppDataHash::none());
            }
        }
        self.decode(side, ts, bytes, app_data);
    }

    fn decode(&mut self, side: Side, ts: i64, bytes: &[u8], app_data: &mut AppDataHash<'_>) {
        match &mut self.carried {
            Carried::Http1(h) => h.data_beside(side, ts, bytes, app_data),
            Carried::Http2(h) => h.data_beside(side, ts, bytes, app_data),
            _ => {}
        }
    }
}

/// What a side's first bytes say the connection carries, `None` while they could still
/// be the start of either.
fn sniff(side: Side, mine: &[u8]) -> Option<Carried> {
    if side == Side::Client && !mine.is_empty() {
        let n = mine.len().min(PREFACE.len());
        if mine[..n] == PREFACE[..n] {
            return (n == PREFACE.len()).then(|| Carried::Http2(Box::default()));
        }
    }
    // A server's HTTP/2 preface is a SETTINGS frame on stream 0 (RFC 9113 §3.4).
    if side == Side::Server && mine.first() == Some(&0) {
        if mine.len() < 9 {
            return None;
        }
        return Some(if mine[3] == 4 && mine[5..9] == [0; 4] {
            Carried::Http2(Box::default())
        } else {
            Carried::Other
        });
    }
    let decided = mine.len() >= SNIFF_BYTES || mine.iter().any(|b| !b.is_ascii_uppercase());
    if !decided {
        return None;
    }
    Some(if looks_like_http1(side, mine) {
        Carried::Http1(Box::default())
    } else {
        Carried::Other
    })
}

/// The protocol a server's hello (ServerHello, or TLS 1.3's EncryptedExtensions)
/// chose by ALPN.
pub fn server_alpn(message: &HandshakeMessage) -> Option<&[u8]> {
    let extensions = match message {
        HandshakeMessage::ServerHello(sh) => &sh.extensions[..],
        HandshakeMessage::EncryptedExtensions { extensions, .. } => &extensions[..],
        _ => return None,
    };
    extensions.iter().find_map(|e| match &e.data {
        ExtensionData::Alpn { protocols, .. } => protocols.first().map(|p| &p[..]),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::Direction;
    use crate::tls::extensions::Extension;

    fn feed(parts: &[(Side, &[u8])]) -> Option<AppReport> {
        let mut d = AppDecoders::default();
        for (side, bytes) in parts {
            d.event(&Event::Plaintext {
                dir: Direction::Forward,
                side: *side,
                ts: 0,
                bytes,
                early: false,
            });
        }
        d.finish(false, false)
    }

    /// Without ALPN, the first bytes tell: the client preface (even cut in pieces, and
    /// though `PRI ` looks like a method), a server SETTINGS frame first, HTTP/1 heads.
    #[test]
    fn sniffing_picks_the_decoder() {
        let r = feed(&[
            (Side::Client, b"PRI * HTTP/2.0\r"),
            (Side::Client, b"\n\r\nSM\r\n\r\n"),
        ]);
        assert_eq!(r.map(|r| r.protocol), Some("h2"));
        let settings = [0, 0, 0, 4, 0, 0, 0, 0, 0];
        let r = feed(&[
            (Side::Server, &settings[..5]),
            (Side::Server, &settings[5..]),
        ]);
        assert_eq!(r.map(|r| (r.protocol, r.problems.len())), Some(("h2", 0)));
        let r = feed(&[(Side::Client, b"GET / HTTP/1.1\r\n\r\n")]);
        assert_eq!(r.map(|r| r.protocol), Some("http/1.1"));
        assert_eq!(feed(&[(Side::Server, &[0, 0, 0, 1, 0, 0, 0, 0, 1])]), None);
    }

    /// TLS 1.3's EncryptedExtensions choosing `h2` decides before any data: a client that
    /// then sends no preface is HTTP/2 gone wrong, not HTTP/1.
    #[test]
    fn alpn_h2_decides() {
        let mut d = AppDecoders::default();
        let ee = HandshakeMessage::EncryptedExtensions {
            extensions: vec![Extension {
                id: 16.into(),
                length: 5,
                data: ExtensionData::Alpn {
                    protocols: vec![b"h2".to_vec()],
                    protocols_omitted: 0,
                },
            }],
            extensions_omitted: 0,
        };
        d.event(&Event::Handshake {
            dir: Direction::Reverse,
            ts: 0,
            message: &ee,
        });
        d.event(&Event::Plaintext {
            dir: Direction::Forward,
            side: Side::Client,
            ts: 1,
            bytes: b"GET / HTTP/1.1\r\n\r\n",
            early: false,
        });
        let r = d.finish(false, false).unwrap();
        assert_eq!(r.protocol, "h2");
        assert!(r.problems[0].contains("preface"), "{:?}", r.problems);
    }

    /// QUIC 0-RTT streams come before the EncryptedExtensions that name `h3`: they are
    /// held, then read once it does (an ngtcp2 client's resumed requests were lost).
    #[test]
    fn streams_before_the_alpn_are_held_for_http3() {
        let frame = |ty: u8, payload: &[u8]| [&[ty, payload.len() as u8][..], payload].concat();
        // GET https://a/x with QPACK's static table; :status 200.
        let request = [&[0, 0, 0xd1, 0xd7, 0x51, 2][..], b"/x", &[0x50, 1], b"a"].concat();
        let control = [&[0u8][..], &frame(4, &[0x01, 0x40, 0x64])].concat();
        let mut d = AppDecoders::default();
        let data = |stream_id, side, bytes: &[u8]| StreamEvent::Data {
            stream_id,
            side,
            ts: 0,
            bytes: bytes.to_vec().into(),
        };
        let end = |stream_id, side| StreamEvent::End {
            stream_id,
            side,
            reset: None,
        };
        let none = &mut AppDataHash::none();
        d.stream(data(2, Side::Client, &control), none);
        d.stream(data(0, Side::Client, &frame(1, &request)), none);
        d.stream(end(0, Side::Client), none);
        assert!(d.held.as_ref().is_some_and(|h| h.held_bytes() > 0));
        d.protocol(b"h3");
        d.stream(data(3, Side::Server, &control), none);
        d.stream(data(0, Side::Server, &frame(1, &[0, 0, 0xd9])), none);
        d.stream(end(0, Side::Server), none);
        let Carried::Http3(h) = &d.carried else {
            panic!("HTTP/3 chosen by the ALPN");
        };
        assert!(h.problems.is_empty(), "{:?}", h.problems);
        let t = &h.transactions[0];
        assert_eq!(t.request.as_ref().unwrap().target.as_deref(), Some("/x"));
        assert_eq!(t.response.as_ref().unwrap().status, Some(200));
    }
}
