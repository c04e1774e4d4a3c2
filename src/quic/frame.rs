//! The frames of a decrypted QUIC packet payload (RFC 9000 §12.4, §19; DATAGRAM from
//! RFC 9221).
//!
//! Every frame starts with its type (a variable-length integer); what follows depends on
//! it, and lengths inside are checked against the payload. A type this decoder does not
//! know cannot be skipped (frames carry no common length), so it ends the payload with
//! [`FrameError::UnknownType`], as it ends the connection for a peer (RFC 9000 §12.4).
//!
//! Runs of PADDING are one [`Frame::Padding`]; ACK ranges are checked and counted, not
//! kept (a passive decoder has no use for them yet).

use super::varint::{VarIntReader, MAX as VARINT_MAX};
use crate::tls::codec::{DecodeError, Reader};

/// Why a payload's frames stop.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("unknown frame type 0x{0:x}")]
    UnknownType(u64),
    /// CRYPTO or STREAM data ending past 2^62 - 1 (RFC 9000 §19.6, §19.8).
    #[error("{frame} data ends past 2^62 - 1 (offset {offset}, {len} bytes)")]
    OffsetTooLarge {
        frame: &'static str,
        offset: u64,
        len: usize,
    },
    /// An ACK range reaching below packet number 0 (RFC 9000 §19.3.1).
    #[error("ACK range below packet number 0")]
    AckRangeUnderflow,
    /// NEW_CONNECTION_ID with a length outside 1..=20 (RFC 9000 §19.15).
    #[error("NEW_CONNECTION_ID with a {0}-byte connection ID")]
    ConnectionIdLength(u8),
}

/// Which streams a MAX_STREAMS or STREAMS_BLOCKED frame is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Directionality {
    Bidirectional,
    Unidirectional,
}

/// The ECN counts of an ACK_ECN frame (RFC 9000 §19.3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EcnCounts {
    pub ect0: u64,
    pub ect1: u64,
    pub ce: u64,
}

/// An ACK or ACK_ECN frame (RFC 9000 §19.3), its ranges summed up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ack {
    pub largest: u64,
    /// In units of 2^ack_delay_exponent microseconds (a transport parameter).
    pub delay: u64,
    /// The smallest packet number acknowledged.
    pub smallest: u64,
    /// How many ranges after the first.
    pub ranges: u64,
    pub ecn: Option<EcnCounts>,
}

/// Who closed a connection, and how (RFC 9000 §19.19).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseKind {
    /// Type 0x1c: a transport error, and the type of the frame that caused it (0 if
    /// none or unknown).
    Transport { frame_type: u64 },
    /// Type 0x1d: the application's error.
    Application,
}

/// One frame. Data borrow from the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame<'a> {
    /// One or more consecutive PADDING frames (type 0x00), `len` bytes.
    Padding {
        len: usize,
    },
    Ping,
    Ack(Ack),
    ResetStream {
        stream_id: u64,
        error_code: u64,
        final_size: u64,
    },
    StopSending {
        stream_id: u64,
        error_code: u64,
    },
    /// Handshake data at `offset` of this encryption level's CRYPTO stream.
    Crypto {
        offset: u64,
        data: &'a [u8],
    },
    NewToken {
        token: &'a [u8],
    },
    Stream {
        stream_id: u64,
        offset: u64,
        fin: bool,
        data: &'a [u8],
    },
    MaxData(u64),
    MaxStreamData {
        stream_id: u64,
        max: u64,
    },
    MaxStreams {
        dir: Directionality,
        max: u64,
    },
    DataBlocked(u64),
    StreamDataBlocked {
        stream_id: u64,
        limit: u64,
    },
    StreamsBlocked {
        dir: Directionality,
        limit: u64,
    },
    NewConnectionId {
        sequence: u64,
        retire_prior_to: u64,
        connection_id: &'a [u8],
        reset_token: [u8; 16],
    },
    RetireConnectionId {
        sequence: u64,
    },
    PathChallenge([u8; 8]),
    PathResponse([u8; 8]),
    ConnectionClose {
        kind: CloseKind,
        error_code: u64,
        reason: &'a [u8],
    },
    HandshakeDone,
    /// An unreliable datagram (RFC 9221).
    Datagram {
        data: &'a [u8],
    },
}

/// What kind of frame a [`Frame`] is, for counting (ACK and ACK_ECN are one kind, as are
/// the STREAM types, the two MAX_STREAMS and so on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    Padding,
    Ping,
    Ack,
    ResetStream,
    StopSending,
    Crypto,
    NewToken,
    Stream,
    MaxData,
    MaxStreamData,
    MaxStreams,
    DataBlocked,
    StreamDataBlocked,
    StreamsBlocked,
    NewConnectionId,
    RetireConnectionId,
    PathChallenge,
    PathResponse,
    ConnectionClose,
    HandshakeDone,
    Datagram,
}

impl FrameKind {
    /// How many kinds there are (the size of a table indexed by `kind as usize`).
    pub const COUNT: usize = FrameKind::Datagram as usize + 1;

    /// Every kind, in the order of `kind as usize`.
    pub const ALL: [FrameKind; FrameKind::COUNT] = [
        FrameKind::Padding,
        FrameKind::Ping,
        FrameKind::Ack,
        FrameKind::ResetStream,
        FrameKind::StopSending,
        FrameKind::Crypto,
        FrameKind::NewToken,
        FrameKind::Stream,
        FrameKind::MaxData,
        FrameKind::MaxStreamData,
        FrameKind::MaxStreams,
        FrameKind::DataBlocked,
        FrameKind::StreamDataBlocked,
        FrameKind::StreamsBlocked,
        FrameKind::NewConnectionId,
        FrameKind::RetireConnectionId,
        FrameKind::PathChallenge,
        FrameKind::PathResponse,
        FrameKind::ConnectionClose,
        FrameKind::HandshakeDone,
        FrameKind::Datagram,
    ];
}

impl Frame<'_> {
    pub fn kind(&self) -> FrameKind {
        match self {
            Frame::Padding { .. } => FrameKind::Padding,
            Frame::Ping => FrameKind::Ping,
            Frame::Ack(_) => FrameKind::Ack,
            Frame::ResetStream { .. } => FrameKind::ResetStream,
            Frame::StopSending { .. } => FrameKind::StopSending,
            Frame::Crypto { .. } => FrameKind::Crypto,
            Frame::NewToken { .. } => FrameKind::NewToken,
            Frame::Stream { .. } => FrameKind::Stream,
            Frame::MaxData(_) => FrameKind::MaxData,
            Frame::MaxStreamData { .. } => FrameKind::MaxStreamData,
            Frame::MaxStreams { .. } => FrameKind::MaxStreams,
            Frame::DataBlocked(_) => FrameKind::DataBlocked,
            Frame::StreamDataBlocked { .. } => FrameKind::StreamDataBlocked,
            Frame::StreamsBlocked { .. } => FrameKind::StreamsBlocked,
            Frame::NewConnectionId { .. } => FrameKind::NewConnectionId,
            Frame::RetireConnectionId { .. } => FrameKind::RetireConnectionId,
            Frame::PathChallenge(_) => FrameKind::PathChallenge,
            Frame::PathResponse(_) => FrameKind::PathResponse,
            Frame::ConnectionClose { .. } => FrameKind::ConnectionClose,
            Frame::HandshakeDone => FrameKind::HandshakeDone,
            Frame::Datagram { .. } => FrameKind::Datagram,
        }
    }
}

/// The frames of one payload, in order; after an error, nothing more.
#[derive(Debug, Clone)]
pub struct Frames<'a> {
    r: Reader<'a>,
    failed: bool,
}

/// Decodes the frames of a decrypted payload.
pub fn frames(payload: &[u8]) -> Frames<'_> {
    Frames {
        r: Reader::new(payload, "QUIC frame"),
        failed: false,
    }
}

impl<'a> Iterator for Frames<'a> {
    type Item = Result<Frame<'a>, FrameError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.r.is_empty() {
            return None;
        }
        let frame = read_frame(&mut self.r);
        self.failed = frame.is_err();
        Some(frame)
    }
}

fn end_checked(frame: &'static str, offset: u64, data: &[u8]) -> Result<(), FrameError> {
    match offset.checked_add(data.len() as u64) {
        Some(end) if end <= VARINT_MAX => Ok(()),
        _ => Err(FrameError::OffsetTooLarge {
            frame,
            offset,
            len: data.len(),
        }),
    }
}

fn read_frame<'a>(r: &mut Reader<'a>) -> Result<Frame<'a>, FrameError> {
    let frame_type = r.field("frame type").varint()?;
    let dir = |t: u64| {
        if t & 1 == 0 {
            Directionality::Bidirectional
        } else {
            Directionality::Unidirectional
        }
    };
    Ok(match frame_type {
        0x00 => {
            // A run of PADDING is one frame: payloads padded to 1200 bytes would
            // otherwise be a thousand.
            let mut len = 1;
            while r.peek() == Some(0) {
                r.u8()?;
                len += 1;
            }
            Frame::Padding { len }
        }
        0x01 => Frame::Ping,
        0x02 | 0x03 => Frame::Ack(read_ack(r, frame_type == 0x03)?),
        0x04 => Frame::ResetStream {
            stream_id: r.field("stream ID").varint()?,
            error_code: r.field("error code").varint()?,
            final_size: r.field("final size").varint()?,
        },
        0x05 => Frame::StopSending {
            stream_id: r.field("stream ID").varint()?,
            error_code: r.field("error code").varint()?,
        },
        0x06 => {
            let offset = r.field("CRYPTO offset").varint()?;
            let data = r.varint_bytes("CRYPTO data")?;
            end_checked("CRYPTO", offset, data)?;
            Frame::Crypto { offset, data }
        }
        0x07 => Frame::NewToken {
            token: r.varint_bytes("token")?,
        },
        0x08..=0x0f => {
            // The type's low bits: OFF (0x04), LEN (0x02), FIN (0x01) (RFC 9000 §19.8).
            let stream_id = r.field("stream ID").varint()?;
            let offset = if frame_type & 0x04 != 0 {
                r.field("STREAM offset").varint()?
            } else {
                0
            };
            let data = if frame_type & 0x02 != 0 {
                r.varint_bytes("STREAM data")?
            } else {
                r.rest()
            };
            end_checked("STREAM", offset, data)?;
            Frame::Stream {
                stream_id,
                offset,
                fin: frame_type & 0x01 != 0,
                data,
            }
        }
        0x10 => Frame::MaxData(r.field("maximum data").varint()?),
        0x11 => Frame::MaxStreamData {
            stream_id: r.field("stream ID").varint()?,
            max: r.field("maximum stream data").varint()?,
        },
        0x12 | 0x13 => Frame::MaxStreams {
            dir: dir(frame_type),
            max: r.field("maximum streams").varint()?,
        },
        0x14 => Frame::DataBlocked(r.field("maximum data").varint()?),
        0x15 => Frame::StreamDataBlocked {
            stream_id: r.field("stream ID").varint()?,
            limit: r.field("maximum stream data").varint()?,
        },
        0x16 | 0x17 => Frame::StreamsBlocked {
            dir: dir(frame_type),
            limit: r.field("maximum streams").varint()?,
        },
        0x18 => {
            let sequence = r.field("sequence number").varint()?;
            let retire_prior_to = r.field("retire prior to").varint()?;
            let len = r.field("connection ID length").u8()?;
            if !(1..=20).contains(&len) {
                return Err(FrameError::ConnectionIdLength(len));
            }
            Frame::NewConnectionId {
                sequence,
                retire_prior_to,
                connection_id: r.field("connection ID").take(len.into())?,
                reset_token: r.field("stateless reset token").array()?,
            }
        }
        0x19 => Frame::RetireConnectionId {
            sequence: r.field("sequence number").varint()?,
        },
        0x1a => Frame::PathChallenge(r.field("data").array()?),
        0x1b => Frame::PathResponse(r.field("data").array()?),
        0x1c | 0x1d => {
            let error_code = r.field("error code").varint()?;
            let kind = if frame_type == 0x1c {
                CloseKind::Transport {
                    frame_type: r.field("frame type").varint()?,
                }
            } else {
                CloseKind::Application
            };
            Frame::ConnectionClose {
                kind,
                error_code,
                reason: r.varint_bytes("reason phrase")?,
            }
        }
        0x1e => Frame::HandshakeDone,
        // RFC 9221 §4: 0x30 runs to the end of the packet, 0x31 has a length.
        0x30 => Frame::Datagram { data: r.rest() },
        0x31 => Frame::Datagram {
            data: r.varint_bytes("datagram data")?,
        },
        other => return Err(FrameError::UnknownType(other)),
    })
}

/// An ACK frame's fields after its type; the ranges are walked down from the largest
/// acknowledged, each checked to stay at or above packet number 0 (RFC 9000 §19.3.1).
fn read_ack(r: &mut Reader<'_>, ecn: bool) -> Result<Ack, FrameError> {
    let largest = r.field("largest acknowledged").varint()?;
    let delay = r.field("ACK delay").varint()?;
    let ranges = r.field("ACK range count").varint()?;
    let first = r.field("first ACK range").varint()?;
    let mut smallest = largest
        .checked_sub(first)
        .ok_or(FrameError::AckRangeUnderflow)?;
    // Each range takes at least two bytes, so the loop ends with the payload whatever
    // count it claims.
    for _ in 0..ranges {
        let gap = r.field("gap").varint()?;
        let len = r.field("ACK range length").varint()?;
        // The next range's largest is smallest - gap - 2, its smallest that minus len.
        smallest = smallest
            .checked_sub(gap)
            .and_then(|s| s.checked_sub(2))
            .and_then(|s| s.checked_sub(len))
            .ok_or(FrameError::AckRangeUnderflow)?;
    }
    let ecn = if ecn {
        Some(EcnCounts {
            ect0: r.field("ECT0 count").varint()?,
            ect1: r.field("ECT1 count").varint()?,
            ce: r.field("ECN-CE count").varint()?,
        })
    } else {
        None
    };
    Ok(Ack {
        largest,
        delay,
        smallest,
        ranges,
        ecn,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testvectors::*;
    use super::*;

    #[test]
    fn frame_kinds_index_their_table() {
        for (i, k) in FrameKind::ALL.iter().enumerate() {
            assert_eq!(*k as usize, i);
        }
    }

    fn all(payload: &[u8]) -> Vec<Result<Frame<'_>, FrameError>> {
        frames(payload).collect()
    }

    /// RFC 9001 A.2: the client Initial's payload is one CRYPTO frame (the ClientHello
    /// at offset 0) and PADDING.
    #[test]
    fn client_initial_payload() {
        let crypto = h(V1_CLIENT_CRYPTO_FRAME);
        let mut payload = crypto.clone();
        payload.resize(1162, 0);
        let f = all(&payload);
        assert_eq!(
            f,
            [
                Ok(Frame::Crypto {
                    offset: 0,
                    data: &crypto[4..]
                }),
                Ok(Frame::Padding {
                    len: 1162 - crypto.len()
                })
            ]
        );
        // The ClientHello: handshake type 1, 0xed bytes.
        assert_eq!(&crypto[4..8], [0x01, 0x00, 0x00, 0xed]);
    }

    /// RFC 9001 A.3: the server Initial's ACK of packet 0 and its CRYPTO frame.
    #[test]
    fn server_initial_payload() {
        let payload = h(V1_SERVER_PAYLOAD);
        let f = all(&payload);
        assert_eq!(f.len(), 2);
        assert_eq!(
            f[0],
            Ok(Frame::Ack(Ack {
                largest: 0,
                delay: 0,
                smallest: 0,
                ranges: 0,
                ecn: None
            }))
        );
        let Ok(Frame::Crypto { offset: 0, data }) = f[1] else {
            panic!("{:?}", f[1])
        };
        assert_eq!(data.len(), 0x5a);
        // A ServerHello.
        assert_eq!(data[0], 0x02);
    }

    #[test]
    fn every_frame_type() {
        let mut p = vec![];
        p.extend_from_slice(&[0x00, 0x00, 0x01]); // PADDING ×2, PING
        p.extend_from_slice(&[0x03, 10, 0, 1, 2, 1, 1, 5, 6, 7]); // ACK_ECN
        p.extend_from_slice(&[0x04, 1, 2, 3, 0x05, 4, 5]);
        p.extend_from_slice(&[0x07, 2, 0xaa, 0xbb]);
        p.extend_from_slice(&[0x0e, 4, 0x40, 0x10, 1, 0xcc]); // STREAM OFF|LEN
        p.extend_from_slice(&[0x10, 1, 0x11, 2, 3, 0x12, 4, 0x13, 5]);
        p.extend_from_slice(&[0x14, 6, 0x15, 7, 8, 0x16, 9, 0x17, 10]);
        p.extend_from_slice(&[0x18, 1, 0, 2, 0xde, 0xad]);
        p.extend_from_slice(&[0x11; 16]);
        p.extend_from_slice(&[0x19, 1, 0x1a, 1, 2, 3, 4, 5, 6, 7, 8]);
        p.extend_from_slice(&[0x1b, 8, 7, 6, 5, 4, 3, 2, 1]);
        p.extend_from_slice(&[0x1c, 0x0a, 0x06, 2, b'n', b'o', 0x1d, 0x01, 0]);
        p.extend_from_slice(&[0x1e, 0x31, 1, 0x99]);
        p.extend_from_slice(&[0x09, 0, 0xf0, 0xf1]); // STREAM FIN, to the end
        let f: Vec<_> = all(&p).into_iter().map(Result::unwrap).collect();
        assert_eq!(
            f,
            [
                Frame::Padding { len: 2 },
                Frame::Ping,
                Frame::Ack(Ack {
                    largest: 10,
                    delay: 0,
                    smallest: 10 - 2 - 1 - 2 - 1,
                    ranges: 1,
                    ecn: Some(EcnCounts {
                        ect0: 5,
                        ect1: 6,
                        ce: 7
                    })
                }),
                Frame::ResetStream {
                    stream_id: 1,
                    error_code: 2,
                    final_size: 3
                },
                Frame::StopSending {
                    stream_id: 4,
                    error_code: 5
                },
                Frame::NewToken {
                    token: &[0xaa, 0xbb]
                },
                Frame::Stream {
                    stream_id: 4,
                    offset: 16,
                    fin: false,
                    data: &[0xcc]
                },
                Frame::MaxData(1),
                Frame::MaxStreamData {
                    stream_id: 2,
                    max: 3
                },
                Frame::MaxStreams {
                    dir: Directionality::Bidirectional,
                    max: 4
                },
                Frame::MaxStreams {
                    dir: Directionality::Unidirectional,
                    max: 5
                },
                Frame::DataBlocked(6),
                Frame::StreamDataBlocked {
                    stream_id: 7,
                    limit: 8
                },
                Frame::StreamsBlocked {
                    dir: Directionality::Bidirectional,
                    limit: 9
                },
                Frame::StreamsBlocked {
                    dir: Directionality::Unidirectional,
                    limit: 10
                },
                Frame::NewConnectionId {
                    sequence: 1,
                    retire_prior_to: 0,
                    connection_id: &[0xde, 0xad],
                    reset_token: [0x11; 16]
                },
                Frame::RetireConnectionId { sequence: 1 },
                Frame::PathChallenge([1, 2, 3, 4, 5, 6, 7, 8]),
                Frame::PathResponse([8, 7, 6, 5, 4, 3, 2, 1]),
                Frame::ConnectionClose {
                    kind: CloseKind::Transport { frame_type: 6 },
                    error_code: 10,
                    reason: b"no"
                },
                Frame::ConnectionClose {
                    kind: CloseKind::Application,
                    error_code: 1,
                    reason: b""
                },
                Frame::HandshakeDone,
                Frame::Datagram { data: &[0x99] },
                Frame::Stream {
                    stream_id: 0,
                    offset: 0,
                    fin: true,
                    data: &[0xf0, 0xf1]
                },
            ]
        );
        assert_eq!(all(&[0x30, 1, 2]), [Ok(Frame::Datagram { data: &[1, 2] })]);
        // All eight STREAM types.
        for t in 0x08..=0x0f_u8 {
            let mut p = vec![t, 3];
            if t & 4 != 0 {
                p.push(9);
            }
            if t & 2 != 0 {
                p.push(1);
            }
            p.push(0x77);
            let f = all(&p);
            assert_eq!(
                f,
                [Ok(Frame::Stream {
                    stream_id: 3,
                    offset: if t & 4 != 0 { 9 } else { 0 },
                    fin: t & 1 != 0,
                    data: &[0x77]
                })],
                "type {t:#x}"
            );
        }
    }

    #[test]
    fn errors() {
        assert_eq!(
            all(&[0x01, 0x21, 0x01]),
            [Ok(Frame::Ping), Err(FrameError::UnknownType(0x21))]
        );
        assert_eq!(
            all(&[0x06, 0, 5, 1, 2])[0].clone().unwrap_err().to_string(),
            "QUIC frame: CRYPTO data declares 5 bytes, 2 remain"
        );
        // An ACK whose first range reaches below 0, or whose gaps do.
        assert_eq!(
            all(&[0x02, 1, 0, 0, 2]),
            [Err(FrameError::AckRangeUnderflow)]
        );
        assert_eq!(
            all(&[0x02, 5, 0, 1, 0, 4, 0]),
            [Err(FrameError::AckRangeUnderflow)]
        );
        // A range count far beyond the payload fails on the payload's end.
        assert!(all(&[0x02, 5, 0, 0x80, 0xff, 0xff, 0xff, 0])
            .last()
            .unwrap()
            .is_err());
        assert_eq!(
            all(&[0x18, 1, 0, 21]),
            [Err(FrameError::ConnectionIdLength(21))]
        );
        assert_eq!(
            all(&[0x18, 1, 0, 0]),
            [Err(FrameError::ConnectionIdLength(0))]
        );
        let mut p = vec![0x06];
        p.extend_from_slice(&[0xff; 8]);
        p.extend_from_slice(&[1, 0]);
        assert!(matches!(
            all(&p)[0],
            Err(FrameError::OffsetTooLarge {
                frame: "CRYPTO",
                ..
            })
        ));
    }

    /// Every prefix of real payloads decodes or fails; nothing panics.
    #[test]
    fn every_prefix() {
        let mut client = h(V1_CLIENT_CRYPTO_FRAME);
        client.resize(300, 0);
        let server = h(V1_SERVER_PAYLOAD);
        for p in [&client, &server] {
            for n in 0..p.len() {
                assert!(frames(&p[..n]).count() <= n);
            }
        }
        for b in 0..=255u8 {
            let _ = all(&[b, 0xff, 0xff]);
        }
    }
}
