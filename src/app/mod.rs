//! What was said inside the decrypted connections: application protocol decoders,
//! each fed one connection's plaintext in order (a session sink), each giving the
//! report its transactions.
//!
//! ```text
//!  Session ─ Plaintext / Gap events ─► AppSink (http1.rs: HTTP/1.x) ─► report `app`
//! ```
//! HTTP/2 and HTTP/3 (over QUIC streams) come next, beside HTTP/1.

pub mod http1;

use self::http1::{looks_like_http1, BodySink, Http1};
use crate::report::app::AppReport;
use crate::report::model::Side;
use crate::session::{Event, SessionSink};

/// Bytes of a side's first plaintext looked at to tell the protocol (an HTTP method
/// token and its space fit; TLS 1.0's 1/n-1 record splitting sends one byte first).
const SNIFF_BYTES: usize = 16;

/// What a connection's plaintext turned out to carry.
#[derive(Debug, Default)]
enum Carried {
    /// Not known yet: the first bytes of each side so far.
    #[default]
    Unknown,
    Sniffing(Box<[Vec<u8>; 2]>),
    Http1(Box<Http1>),
    /// Something no decoder here reads.
    Other,
}

/// The application decoder of one connection, chosen by its first decrypted bytes, as
/// a sink of the session's events. TLS 1.3 early data is read as the client's once the
/// server took it (a rejected 0-RTT request was never received).
#[derive(Debug, Default)]
pub struct AppDecoders {
    carried: Carried,
    /// The client's 0-RTT data while the server's answer is not known, and whether it
    /// is known.
    early: Vec<u8>,
    early_ts: i64,
    early_decided: bool,
    /// The HTTP/1 decoder to use if the connection turns out to carry HTTP/1 (one that
    /// hands its bodies on), instead of a plain one.
    http1: Option<Box<Http1>>,
}

/// 0-RTT data held until the server takes or rejects it (servers allow 16 KB or so);
/// past it, the rest is not read.
const MAX_EARLY: usize = 1 << 20;

impl AppDecoders {
    /// Decoders that hand every body they decode to `sink` (for `export`).
    pub fn with_bodies(sink: Box<dyn BodySink>) -> Self {
        AppDecoders {
            http1: Some(Box::new(Http1::with_bodies(sink))),
            ..Default::default()
        }
    }

    /// The connection ended: messages still open end with it.
    pub fn close(&mut self) {
        if let Carried::Http1(h) = &mut self.carried {
            h.close();
        }
    }

    /// `len` bytes of `side` were lost.
    pub fn gap(&mut self, side: Side, len: u64) {
        if let Carried::Http1(h) = &mut self.carried {
            h.gap(side, len);
        }
    }

    /// The report's `app` object, once the connection has ended.
    pub fn finish(&mut self, show_secrets: bool) -> Option<AppReport> {
        match &mut self.carried {
            Carried::Http1(h) => {
                h.close();
                Some(AppReport::http1(h, show_secrets))
            }
            _ => None,
        }
    }

    /// Bytes held (for the memory budget).
    pub fn held_bytes(&self) -> usize {
        let decoder = match &self.carried {
            Carried::Http1(h) => std::mem::size_of::<Http1>() + h.held_bytes(),
            Carried::Sniffing(_) => 2 * SNIFF_BYTES + 64,
            _ => 0,
        };
        decoder + self.early.capacity()
    }
}

impl SessionSink for AppDecoders {
    fn event(&mut self, event: &Event<'_>) {
        match *event {
            Event::Plaintext {
                ts,
                bytes,
                early: true,
                ..
            } if !self.early_decided => {
                if self.early.is_empty() {
                    self.early_ts = ts;
                }
                let room = MAX_EARLY - self.early.len();
                self.early
                    .extend_from_slice(&bytes[..bytes.len().min(room)]);
            }
            Event::EarlyDataDecided { accepted, .. } => {
                self.early_decided = true;
                let early = std::mem::take(&mut self.early);
                if accepted && !early.is_empty() {
                    self.plaintext(Side::Client, self.early_ts, &early);
                }
            }
            Event::Plaintext {
                side, ts, bytes, ..
            } => self.plaintext(side, ts, bytes),
            Event::Gap { side, gap, .. } => self.gap(side, gap.len),
            _ => {}
        }
    }
}

impl AppDecoders {
    /// Decrypted bytes of one side, in order.
    pub fn plaintext(&mut self, side: Side, ts: i64, bytes: &[u8]) {
        if let Carried::Unknown = self.carried {
            self.carried = Carried::Sniffing(Box::default());
        }
        if let Carried::Sniffing(seen) = &mut self.carried {
            let i = (side == Side::Server) as usize;
            seen[i].extend_from_slice(&bytes[..bytes.len().min(SNIFF_BYTES)]);
            let mine = &seen[i];
            let decided = mine.len() >= SNIFF_BYTES || mine.iter().any(|b| !b.is_ascii_uppercase());
            if !decided {
                return; // a method's first letters, maybe: wait for more
            }
            if !looks_like_http1(side, mine) {
                self.carried = Carried::Other;
                return;
            }
            // What was held back goes first (either side's), then these bytes.
            let mut h = self.http1.take().unwrap_or_default();
            let fresh = bytes.len().min(SNIFF_BYTES);
            for (j, held) in seen.iter().enumerate() {
                let held = if j == i {
                    &held[..held.len() - fresh]
                } else {
                    held
                };
                let s = if j == 0 { Side::Client } else { Side::Server };
                h.data(s, ts, held);
            }
            self.carried = Carried::Http1(h);
        }
        if let Carried::Http1(h) = &mut self.carried {
            h.data(side, ts, bytes);
        }
    }
}
