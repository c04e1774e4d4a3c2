//! What a session tells the rest of the pipeline, as it happens: the record-layer events
//! of its connection, in capture order. The session keeps only the state the protocol
//! needs; everything the report, the digests, `follow` and application decoders want is
//! in these events, which sinks consume.
//!
//! ```text
//!                      ┌─► ReportBuilder (messages, alerts, warnings: bounded)
//!  Session ─ Event ────┼─► Digests (SHA-256 of each side's decrypted data, run beside
//!                      │   the decoders: HTTP bodies are hashed in step with it)
//!                      └─► AppSink ─► AppDecoder (follow; HTTP later), chosen per connection
//! ```

use crate::flow::{Direction, Gap};
use crate::report::model::{AlertEntry, Side};
use crate::tls::handshake::HandshakeMessage;
use crate::tls::heartbeat::HeartbeatMessage;
use crate::tls::registry::HandshakeType;

/// One thing that happened on a connection.
#[derive(Debug)]
pub enum Event<'a> {
    /// A handshake message, in the clear or decrypted.
    Handshake {
        dir: Direction,
        ts: i64,
        message: &'a HandshakeMessage,
    },
    /// A handshake message that did not decode.
    Malformed {
        dir: Direction,
        ts: i64,
        msg_type: HandshakeType,
        length: usize,
        error: &'a str,
    },
    ChangeCipherSpec {
        dir: Direction,
        ts: i64,
    },
    /// An alert: in the clear, or protected (then only its length is known).
    Alert {
        dir: Direction,
        ts: i64,
        alert: AlertEntry,
        /// The protected record's length (for a protected alert).
        length: usize,
    },
    /// A protected handshake record that could not be decrypted; `finished`: the first
    /// one after a TLS ≤ 1.2 ChangeCipherSpec, which is the Finished.
    ProtectedHandshake {
        dir: Direction,
        ts: i64,
        length: usize,
        finished: bool,
    },
    /// A heartbeat record: `message` once its plaintext is known.
    Heartbeat {
        dir: Direction,
        ts: i64,
        length: usize,
        message: Option<HeartbeatMessage>,
    },
    /// The last record of `dir` reported as unopened early data turned out to be the
    /// client's EndOfEarlyData: its [`Event::ApplicationData`] is taken back.
    EndOfEarlyData {
        dir: Direction,
        ts: i64,
        length: usize,
    },
    /// An application data record (`early`: TLS 1.3 0-RTT data): its length on the
    /// wire, and its plaintext's when it was decrypted.
    ApplicationData {
        dir: Direction,
        side: Side,
        ts: i64,
        wire: u64,
        plain: Option<usize>,
        early: bool,
    },
    /// Decrypted application data of one side. `early`: 0-RTT data, which only counts
    /// as the client's data once [`Event::EarlyDataDecided`] says the server took it.
    Plaintext {
        dir: Direction,
        side: Side,
        ts: i64,
        bytes: &'a [u8],
        early: bool,
    },
    /// Data of one QUIC stream, in order (the stream's own offsets): what a sender wrote
    /// on `stream_id`, decrypted.
    StreamData {
        dir: Direction,
        side: Side,
        ts: i64,
        stream_id: u64,
        bytes: &'a [u8],
    },
    /// Bytes of one QUIC stream that never arrived (or were given up on at a cap).
    StreamGap {
        dir: Direction,
        side: Side,
        stream_id: u64,
        len: u64,
    },
    /// One half of a QUIC stream ended: everything up to its FIN arrived, or its
    /// sender reset it (`reset`: the application error code).
    StreamEnd {
        dir: Direction,
        side: Side,
        stream_id: u64,
        reset: Option<u64>,
    },
    /// `side` aborted its use of a QUIC stream with an application error code: it
    /// asked its peer to stop sending (STOP_SENDING, `stop`), or reset its own half
    /// (RESET_STREAM, which may come after that half's FIN and then ends nothing).
    StreamAbort {
        side: Side,
        stream_id: u64,
        code: u64,
        stop: bool,
    },
    /// The server accepted the early data (or the capture ended without its answer),
    /// or rejected it.
    EarlyDataDecided {
        client: Direction,
        accepted: bool,
    },
    /// A direction's record keys changed.
    Keys {
        dir: Direction,
        ts: i64,
        change: KeyEvent,
    },
    /// The transport lost bytes of a direction.
    Gap {
        dir: Direction,
        side: Side,
        gap: Gap,
    },
    /// Something went wrong, in words (already prefixed with the side).
    Warning {
        text: &'a str,
    },
}

/// How a direction's keys changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyEvent {
    /// New keys are in force from the next record (a ChangeCipherSpec, TLS 1.3 keys).
    Installed,
    /// One of several keys will be (TLS 1.3 early data under one of the offered suites).
    Alternatives,
    /// Keys the sender will switch to next.
    Expected,
    /// A TLS 1.3 KeyUpdate: the next generation of the keys in force.
    Updated,
    /// The keys now in force are unknown (a ChangeCipherSpec to keys not derived).
    Unknown,
}

/// Takes a session's events.
pub trait SessionSink {
    fn event(&mut self, event: &Event<'_>);
}

/// Reads the application protocol inside one connection (`follow`'s output, HTTP
/// later): each side's decrypted data in order, the holes in it, and the end. Chosen
/// per connection, when it is known what it carries.
pub trait AppDecoder {
    fn data(&mut self, side: Side, ts: i64, bytes: &[u8]);
    /// Data of one stream of a multiplexed transport (QUIC): by default, like `data`.
    fn stream_data(&mut self, stream_id: u64, side: Side, ts: i64, bytes: &[u8]) {
        let _ = stream_id;
        self.data(side, ts, bytes);
    }
    /// `len` bytes of this side's stream were lost (records the capture missed).
    fn gap(&mut self, side: Side, len: u64);
    /// One half of a QUIC stream ended (its FIN, or a reset with `reset`'s code).
    fn stream_end(&mut self, stream_id: u64, side: Side, reset: Option<u64>) {
        let _ = (stream_id, side, reset);
    }
    /// The server chose `alpn` (before any application data).
    fn protocol(&mut self, alpn: &[u8]) {
        let _ = alpn;
    }
    /// Bytes of one QUIC stream that never arrived: by default, like `gap`.
    fn stream_gap(&mut self, stream_id: u64, side: Side, len: u64) {
        let _ = stream_id;
        self.gap(side, len);
    }
    /// A record of `len` bytes on the wire that could not be decrypted (no keys, or
    /// they did not open it): its data is missing from this side's stream.
    fn undecrypted(&mut self, side: Side, len: u64) {
        let _ = (side, len);
    }
    fn close(&mut self);
}

/// Early data held for an application decoder while its acceptance is unknown (servers
/// allow far less than this).
const MAX_PENDING_EARLY_DATA: usize = 16 << 20;

/// An [`AppDecoder`] as a sink: hands it the plaintext events, holding 0-RTT data until
/// the server's answer says whether it is part of the client's stream.
pub struct AppSink {
    decoder: Box<dyn AppDecoder>,
    pending: Vec<u8>,
    pending_ts: i64,
    early_decided: bool,
}

impl AppSink {
    pub fn new(decoder: Box<dyn AppDecoder>) -> Self {
        AppSink {
            decoder,
            pending: Vec::new(),
            pending_ts: 0,
            early_decided: false,
        }
    }

    pub fn close(&mut self) {
        self.decoder.close();
    }

    /// Bytes held (early data waiting for the server's answer).
    pub fn held_bytes(&self) -> usize {
        self.pending.capacity()
    }
}

impl SessionSink for AppSink {
    fn event(&mut self, event: &Event<'_>) {
        match *event {
            Event::Plaintext {
                side,
                ts,
                bytes,
                early,
                ..
            } => {
                if early && !self.early_decided {
                    if self.pending.is_empty() {
                        self.pending_ts = ts;
                    }
                    if self.pending.len() + bytes.len() <= MAX_PENDING_EARLY_DATA {
                        self.pending.extend_from_slice(bytes);
                    }
                } else {
                    self.decoder.data(side, ts, bytes);
                }
            }
            Event::EarlyDataDecided { accepted, .. } => {
                self.early_decided = true;
                let pending = std::mem::take(&mut self.pending);
                if accepted && !pending.is_empty() {
                    self.decoder.data(Side::Client, self.pending_ts, &pending);
                }
            }
            Event::StreamData {
                side,
                ts,
                stream_id,
                bytes,
                ..
            } => self.decoder.stream_data(stream_id, side, ts, bytes),
            Event::Gap { side, gap, .. } => self.decoder.gap(side, gap.len),
            Event::StreamGap {
                side,
                stream_id,
                len,
                ..
            } => self.decoder.stream_gap(stream_id, side, len),
            Event::StreamEnd {
                side,
                stream_id,
                reset,
                ..
            } => self.decoder.stream_end(stream_id, side, reset),
            Event::Handshake { message, .. } => {
                if let Some(p) = crate::app::server_alpn(message) {
                    self.decoder.protocol(p);
                }
            }
            // Rejected 0-RTT data is no part of the client's stream, so not missing.
            Event::ApplicationData {
                side,
                wire,
                plain: None,
                early: false,
                ..
            } => self.decoder.undecrypted(side, wire),
            _ => {}
        }
    }
}
