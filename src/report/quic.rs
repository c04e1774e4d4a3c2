//! The `quic` object of a QUIC connection's report (see the JSON contract in README):
//! values here, their names and hex only where they are serialized.

use serde::{Serialize, Serializer};

use crate::quic::version::Version;

/// One number, or list, per side of the connection.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Sides<T> {
    pub client: T,
    pub server: T,
}

/// What one side sent in one packet number space.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
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
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Spaces {
    pub initial: Sides<SpaceCounts>,
    pub handshake: Sides<SpaceCounts>,
    pub application: Sides<SpaceCounts>,
}

/// One side's CRYPTO streams, all levels together.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct CryptoCounts {
    /// Handshake bytes delivered in order to TLS.
    pub bytes: u64,
    pub retransmitted_bytes: u64,
    /// Data too far past the next byte expected (the window), refused.
    pub refused_bytes: u64,
    /// Holes never filled (or given up on past the per-stream cap).
    pub lost_bytes: u64,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct QuicReport {
    /// The version of the first long header.
    #[serde(serialize_with = "ser_version")]
    pub version: Option<Version>,
    /// The destination connection ID of the client's first Initial (its Initial keys').
    #[serde(serialize_with = "ser_cid")]
    pub original_dcid: Option<Vec<u8>>,
    /// The source connection IDs each side's long headers carried, in order of first use.
    #[serde(serialize_with = "ser_cids")]
    pub scids: Sides<Vec<Vec<u8>>>,
    /// Connection IDs past the list's cap, counted.
    #[serde(skip_serializing_if = "is_zero")]
    pub scids_omitted: u64,
    /// UDP datagrams and their payload bytes.
    pub datagrams: Sides<u64>,
    pub bytes: Sides<u64>,
    pub spaces: Spaces,
    pub crypto: Sides<CryptoCounts>,
    pub retry_packets: u64,
    pub version_negotiation_packets: u64,
    /// Datagrams with bytes that parsed as no packet (zero padding after the last is fine).
    pub malformed_datagrams: Sides<u64>,
    /// Ended early to stay under a cap (`--max-connections` UDP flows, or `--max-memory`):
    /// the counts are what was seen before.
    pub evicted: bool,
    /// The flow fell silent for the idle timeout (60 s of capture time) before the
    /// capture ended; `false`: still active at the end (or evicted).
    pub idle_closed: bool,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn ser_version<S: Serializer>(v: &Option<Version>, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct V {
        id: u32,
        name: String,
    }
    v.map(|v| V {
        id: v.0,
        name: v.to_string(),
    })
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
