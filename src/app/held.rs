//! What the application decoders hold back until a decision: the client's TLS 0-RTT
//! data until the server takes or rejects it, and QUIC stream events that came before
//! the server's ALPN chose the decoder (0-RTT streams arrive before the
//! EncryptedExtensions that say `h3`). Bounded: past [`MAX_HELD`] bytes, data is held
//! as the gap it will be.

use std::borrow::Cow;

use crate::report::model::Side;

/// Bytes held per connection (servers allow 16 KB or so of early data); past it, the
/// rest is not read.
pub const MAX_HELD: usize = 1 << 20;
/// Stream events held per connection; past it, data is held as gaps (which coalesce
/// only as far as the same stream goes on).
const MAX_HELD_EVENTS: usize = 4096;

/// One QUIC stream event, as the session emits it (borrowed) or as held (owned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEvent<'a> {
    Data {
        stream_id: u64,
        side: Side,
        ts: i64,
        bytes: Cow<'a, [u8]>,
    },
    Gap {
        stream_id: u64,
        side: Side,
        len: u64,
    },
    End {
        stream_id: u64,
        side: Side,
        reset: Option<u64>,
    },
    Abort {
        stream_id: u64,
        side: Side,
        code: u64,
    },
}

/// A stream event held: its bytes owned.
pub type HeldStream = StreamEvent<'static>;

impl StreamEvent<'_> {
    fn into_owned(self) -> HeldStream {
        match self {
            StreamEvent::Data {
                stream_id,
                side,
                ts,
                bytes,
            } => StreamEvent::Data {
                stream_id,
                side,
                ts,
                bytes: Cow::Owned(bytes.into_owned()),
            },
            StreamEvent::Gap {
                stream_id,
                side,
                len,
            } => StreamEvent::Gap {
                stream_id,
                side,
                len,
            },
            StreamEvent::End {
                stream_id,
                side,
                reset,
            } => StreamEvent::End {
                stream_id,
                side,
                reset,
            },
            StreamEvent::Abort {
                stream_id,
                side,
                code,
            } => StreamEvent::Abort {
                stream_id,
                side,
                code,
            },
        }
    }
}

/// The held data of one connection.
#[derive(Debug, Default)]
pub struct Held {
    pub early: Vec<u8>,
    pub early_ts: i64,
    streams: Vec<HeldStream>,
    stream_bytes: usize,
}

impl Held {
    /// Holds 0-RTT bytes (as many as fit).
    pub fn early_data(&mut self, ts: i64, bytes: &[u8]) {
        if self.early.is_empty() {
            self.early_ts = ts;
        }
        let room = MAX_HELD.saturating_sub(self.early.len() + self.stream_bytes);
        self.early
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    /// Holds a stream event; data past the caps becomes a gap of its length (its bytes
    /// are only copied when kept).
    pub fn stream(&mut self, event: StreamEvent<'_>) {
        let event = match event {
            StreamEvent::Data {
                stream_id,
                side,
                bytes,
                ..
            } if self.stream_bytes + self.early.len() + bytes.len() > MAX_HELD
                || self.streams.len() >= MAX_HELD_EVENTS =>
            {
                StreamEvent::Gap {
                    stream_id,
                    side,
                    len: bytes.len() as u64,
                }
            }
            other => other.into_owned(),
        };
        // A gap after a gap of the same stream half grows it.
        if let (
            StreamEvent::Gap {
                stream_id,
                side,
                len,
            },
            Some(StreamEvent::Gap {
                stream_id: last_id,
                side: last_side,
                len: last_len,
            }),
        ) = (&event, self.streams.last_mut())
        {
            if stream_id == last_id && side == last_side {
                *last_len += len;
                return;
            }
        }
        if self.streams.len() >= MAX_HELD_EVENTS && !matches!(event, StreamEvent::End { .. }) {
            return; // the caps are full: what would be lost is lost (an end still counts)
        }
        if let StreamEvent::Data { bytes, .. } = &event {
            self.stream_bytes += bytes.len();
        }
        self.streams.push(event);
    }

    /// The held stream events, in order, to replay.
    pub fn take_streams(&mut self) -> Vec<HeldStream> {
        self.stream_bytes = 0;
        std::mem::take(&mut self.streams)
    }

    /// Bytes held (for the memory budget).
    pub fn held_bytes(&self) -> usize {
        self.early.capacity()
            + self.stream_bytes
            + self.streams.capacity() * std::mem::size_of::<HeldStream>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(stream_id: u64, n: usize) -> HeldStream {
        HeldStream::Data {
            stream_id,
            side: Side::Client,
            ts: 0,
            bytes: vec![7; n].into(),
        }
    }

    #[test]
    fn events_are_held_in_order() {
        let mut h = Held::default();
        h.stream(data(0, 3));
        h.stream(HeldStream::End {
            stream_id: 0,
            side: Side::Client,
            reset: None,
        });
        let got = h.take_streams();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], data(0, 3));
    }

    /// A flood holds at most its caps: bytes past them are gaps, gaps coalesce.
    #[test]
    fn a_flood_is_held_as_gaps() {
        let mut h = Held::default();
        for _ in 0..(MAX_HELD / 1000 + 10) {
            h.stream(data(2, 1000));
        }
        let streams = h.take_streams();
        let held: usize = streams
            .iter()
            .map(|e| match e {
                HeldStream::Data { bytes, .. } => bytes.len(),
                _ => 0,
            })
            .sum();
        let gap: u64 = streams
            .iter()
            .map(|e| match e {
                HeldStream::Gap { len, .. } => *len,
                _ => 0,
            })
            .sum();
        assert!(held <= MAX_HELD);
        assert_eq!(held as u64 + gap, (MAX_HELD / 1000 + 10) as u64 * 1000);
        let mut h = Held::default();
        for i in 0..(2 * MAX_HELD_EVENTS as u64) {
            h.stream(data(i * 4, 1));
        }
        assert!(h.take_streams().len() <= MAX_HELD_EVENTS);
    }
}
