//! The `quic` object of a QUIC connection's report (see the JSON contract in README):
//! values here, their names and hex only where they are serialized.

use serde::{Serialize, Serializer};

use super::model::{EndpointReport, Side};
use super::text::bytes_as_text;
use crate::flow::Direction;
use crate::quic::frame::FrameKind;
use crate::quic::streams::{HalfSummary, StreamSummary};
use crate::quic::version::Version;

/// One number, or list, per side of the connection.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Sides<T> {
    pub client: T,
    pub server: T,
}

/// What one side sent in one packet number space.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct SpaceCounts {
    pub packets: u64,
    /// Bytes of those packets as they travelled (headers and tags included).
    pub bytes: u64,
    /// Opened: header protection removed, payload decrypted.
    pub decrypted: u64,
    /// Not tried: no keys for this space (Handshake and 1-RTT need the TLS secrets).
    pub undecrypted: u64,
    /// Tried and failed: damage, or keys that are not theirs.
    pub failed: u64,
}

/// The three packet number spaces (RFC 9000 §12.3); 0-RTT and 1-RTT share `application`.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Spaces {
    pub initial: Sides<SpaceCounts>,
    pub handshake: Sides<SpaceCounts>,
    pub application: Sides<SpaceCounts>,
}

/// One side's CRYPTO streams, all levels together.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct CryptoCounts {
    /// Handshake bytes delivered in order to TLS.
    pub bytes: u64,
    pub retransmitted_bytes: u64,
    /// Data too far past the next byte expected (the window), refused.
    pub refused_bytes: u64,
    /// Holes never filled (or given up on past the per-stream cap).
    pub lost_bytes: u64,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct QuicReport {
    /// The version of the first long header.
    #[serde(serialize_with = "ser_version")]
    #[schemars(with = "Option<VersionJson>")]
    pub version: Option<Version>,
    /// The destination connection ID of the client's first Initial (its Initial keys').
    #[serde(serialize_with = "ser_cid")]
    #[schemars(with = "Option<String>")]
    pub original_dcid: Option<Vec<u8>>,
    /// The source connection IDs each side's long headers carried, in order of first use.
    #[serde(serialize_with = "ser_cids")]
    #[schemars(with = "Sides<Vec<String>>")]
    pub scids: Sides<Vec<Vec<u8>>>,
    /// Connection IDs past the list's cap, counted.
    #[serde(skip_serializing_if = "is_zero")]
    pub scids_omitted: u64,
    /// UDP datagrams and their payload bytes.
    pub datagrams: Sides<u64>,
    pub bytes: Sides<u64>,
    pub spaces: Spaces,
    pub crypto: Sides<CryptoCounts>,
    /// The client's 0-RTT packets (counted in `spaces.application` too), and the bytes
    /// of the frames those that opened carried.
    pub zero_rtt: SpaceCounts,
    pub zero_rtt_bytes: u64,
    /// 1-RTT key updates each side made (key phase flips, RFC 9001 §6).
    pub key_updates: Sides<u64>,
    /// Connection IDs each side issued in NEW_CONNECTION_ID frames, in order.
    #[serde(serialize_with = "ser_cids")]
    #[schemars(with = "Sides<Vec<String>>")]
    pub new_connection_ids: Sides<Vec<Vec<u8>>>,
    #[serde(skip_serializing_if = "is_zero")]
    pub new_connection_ids_omitted: u64,
    /// RETIRE_CONNECTION_ID frames each side sent.
    pub retired_connection_ids: Sides<u64>,
    /// The server confirmed the handshake (HANDSHAKE_DONE).
    pub handshake_done: bool,
    /// Frames each side's opened packets carried, by kind (named where serialized;
    /// kinds never seen are left out).
    #[serde(serialize_with = "ser_frame_counts")]
    #[schemars(with = "Sides<std::collections::BTreeMap<String, u64>>")]
    pub frames: Sides<[u64; FrameKind::COUNT]>,
    /// DATAGRAM frames (RFC 9221) each side sent.
    pub datagram_frames: Sides<u64>,
    /// The first CONNECTION_CLOSE seen (the client's first if both sent one).
    pub close: Option<CloseReport>,
    /// The streams, in order of first data: what each side sent on each.
    pub streams: Vec<StreamReport>,
    /// Streams past the cap (counted when their first bytes came), and their bytes.
    #[serde(skip_serializing_if = "is_zero")]
    pub streams_omitted: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub stream_bytes_omitted: u64,
    /// Paths besides the first that the connection moved to (RFC 9000 §9), joined by
    /// connection ID: the client's new address and port.
    pub paths: Vec<PathReport>,
    #[serde(skip_serializing_if = "is_zero")]
    pub paths_omitted: u64,
    pub retry_packets: u64,
    /// Retry packets whose integrity tag does not fit the client's first DCID.
    #[serde(skip_serializing_if = "is_zero")]
    pub retry_tag_failures: u64,
    pub version_negotiation_packets: u64,
    /// The versions the server's (last) Version Negotiation packet listed.
    #[serde(serialize_with = "ser_versions", skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<String>")]
    pub offered_versions: Vec<Version>,
    /// Datagrams with bytes that parsed as no packet (zero padding after the last is fine).
    pub malformed_datagrams: Sides<u64>,
    /// UDP GSO buffers captured on the sender before the kernel cut them (their
    /// segments are counted as the datagrams they became).
    pub gso_buffers: Sides<u64>,
    /// Ended early to stay under a cap (`--max-connections` UDP flows, or `--max-memory`):
    /// the counts are what was seen before.
    pub evicted: bool,
    /// The flow fell silent for the idle timeout (60 s of capture time) before the
    /// capture ended; `false`: still active at the end (or evicted).
    pub idle_closed: bool,
}

/// One network path of a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PathReport {
    pub client: EndpointReport,
    pub server: EndpointReport,
}

/// A CONNECTION_CLOSE frame (RFC 9000 §19.19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CloseReport {
    pub by: Side,
    #[serde(flatten)]
    pub frame: CloseFrame,
}

/// What a CONNECTION_CLOSE said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CloseFrame {
    /// Type 0x1d (the application's error) rather than 0x1c (a transport error).
    #[serde(serialize_with = "ser_close_kind", rename = "kind")]
    #[schemars(with = "String")]
    pub application: bool,
    pub error_code: u64,
    /// A transport close: the type of the frame that caused it (0: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame_type: Option<u64>,
    /// The reason phrase (text, `\xNN` for bytes that are not UTF-8), cut at its cap.
    #[serde(serialize_with = "ser_text")]
    #[schemars(with = "String")]
    pub reason: Vec<u8>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub reason_truncated: bool,
}

fn ser_close_kind<S: Serializer>(application: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if *application {
        "application"
    } else {
        "transport"
    })
}

fn ser_text<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&bytes_as_text(b))
}

/// One stream: who opened it, and what each side sent on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StreamReport {
    pub id: u64,
    /// The side whose stream id it is (RFC 9000 §2.1: bit 0).
    pub initiator: Side,
    pub bidirectional: bool,
    pub client: Option<HalfReport>,
    pub server: Option<HalfReport>,
}

/// What one side sent on one stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct HalfReport {
    pub bytes: u64,
    #[serde(serialize_with = "ser_hash")]
    #[schemars(with = "String")]
    pub sha256: [u8; 32],
    pub fin: bool,
    /// RESET_STREAM's application error code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset: Option<u64>,
    pub lost_bytes: u64,
    pub retransmitted_bytes: u64,
}

fn ser_hash<S: Serializer>(h: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(h))
}

impl StreamReport {
    /// The report of a stream; `client`: the client's direction.
    pub fn new(st: StreamSummary, client: Direction) -> Self {
        let [a, b] = st.halves;
        let (c, s) = if client == Direction::Forward {
            (a, b)
        } else {
            (b, a)
        };
        let half = |h: Option<HalfSummary>| {
            h.map(|h| HalfReport {
                bytes: h.bytes,
                sha256: h.sha256,
                fin: h.fin,
                reset: h.reset,
                lost_bytes: h.lost_bytes,
                retransmitted_bytes: h.retransmitted_bytes,
            })
        };
        StreamReport {
            id: st.id,
            initiator: if st.id & 1 == 0 {
                Side::Client
            } else {
                Side::Server
            },
            bidirectional: st.id & 2 == 0,
            client: half(c),
            server: half(s),
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A QUIC version as the contract shows it: `{"id": 1, "name": "QUIC v1"}`.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "QuicVersion")]
struct VersionJson {
    id: u32,
    name: String,
}

fn ser_version<S: Serializer>(v: &Option<Version>, s: S) -> Result<S::Ok, S::Error> {
    use VersionJson as V;
    v.map(|v| V {
        id: v.0,
        name: v.to_string(),
    })
    .serialize(s)
}

/// A frame kind's name, as RFC 9000 §19 writes it.
pub fn frame_name(kind: FrameKind) -> &'static str {
    match kind {
        FrameKind::Padding => "PADDING",
        FrameKind::Ping => "PING",
        FrameKind::Ack => "ACK",
        FrameKind::ResetStream => "RESET_STREAM",
        FrameKind::StopSending => "STOP_SENDING",
        FrameKind::Crypto => "CRYPTO",
        FrameKind::NewToken => "NEW_TOKEN",
        FrameKind::Stream => "STREAM",
        FrameKind::MaxData => "MAX_DATA",
        FrameKind::MaxStreamData => "MAX_STREAM_DATA",
        FrameKind::MaxStreams => "MAX_STREAMS",
        FrameKind::DataBlocked => "DATA_BLOCKED",
        FrameKind::StreamDataBlocked => "STREAM_DATA_BLOCKED",
        FrameKind::StreamsBlocked => "STREAMS_BLOCKED",
        FrameKind::NewConnectionId => "NEW_CONNECTION_ID",
        FrameKind::RetireConnectionId => "RETIRE_CONNECTION_ID",
        FrameKind::PathChallenge => "PATH_CHALLENGE",
        FrameKind::PathResponse => "PATH_RESPONSE",
        FrameKind::ConnectionClose => "CONNECTION_CLOSE",
        FrameKind::HandshakeDone => "HANDSHAKE_DONE",
        FrameKind::Datagram => "DATAGRAM",
    }
}

fn ser_frame_counts<S: Serializer>(
    v: &Sides<[u64; FrameKind::COUNT]>,
    s: S,
) -> Result<S::Ok, S::Error> {
    let named = |counts: &[u64; FrameKind::COUNT]| {
        FrameKind::ALL
            .iter()
            .zip(counts)
            .filter(|(_, &n)| n > 0)
            .map(|(&k, &n)| (frame_name(k), n))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    Sides {
        client: named(&v.client),
        server: named(&v.server),
    }
    .serialize(s)
}

fn ser_versions<S: Serializer>(v: &[Version], s: S) -> Result<S::Ok, S::Error> {
    v.iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .serialize(s)
}

fn ser_cid<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    v.as_ref().map(hex::encode).serialize(s)
}

fn ser_cids<S: Serializer>(v: &Sides<Vec<Vec<u8>>>, s: S) -> Result<S::Ok, S::Error> {
    let hexes = |l: &Vec<Vec<u8>>| l.iter().map(hex::encode).collect::<Vec<_>>();
    Sides {
        client: hexes(&v.client),
        server: hexes(&v.server),
    }
    .serialize(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_names_and_hex() {
        let r = QuicReport {
            version: Some(Version::V1),
            original_dcid: Some(vec![0x83, 0x94]),
            scids: Sides {
                client: vec![vec![1, 2]],
                server: vec![],
            },
            ..Default::default()
        };
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["version"]["id"], 1);
        assert_eq!(j["version"]["name"], "QUIC v1");
        assert_eq!(j["original_dcid"], "8394");
        assert_eq!(j["scids"]["client"][0], "0102");
        assert!(j.get("scids_omitted").is_none());
        assert_eq!(j["spaces"]["initial"]["client"]["packets"], 0);
    }
}
