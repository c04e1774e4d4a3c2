//! QUIC packet headers as they travel, before header protection is removed
//! (RFC 8999 §5, RFC 9000 §17).
//!
//! ```text
//!  long   1|1|T T|x x x x  version(32)  dcid_len(8) dcid  scid_len(8) scid  …
//!           Initial:    token_len(i) token  length(i)  pn(8..32)  payload
//!           0-RTT, Handshake:               length(i)  pn(8..32)  payload
//!           Retry:      token (the rest)  integrity_tag(128)
//!         version 0 (Version Negotiation): supported_version(32) … (the rest)
//!  short  0|1|S|x x x x x  dcid (its length known from the connection)  pn  payload
//! ```
//!
//! The `x` bits and the packet number are under header protection (RFC 9001 §5.4):
//! what can be read here is the kind, the version, the connection IDs, the token and
//! where the packet ends; [`crate::quic::packet`] removes the protection. Of a version
//! this decoder does not know only the invariants are read (RFC 8999): version and
//! connection IDs.

use super::varint::VarIntReader;
use super::version::{LongType, Version};
use crate::tls::codec::{capped, DecodeError, Problem, Reader, MAX_LIST_ITEMS};

/// The longest connection ID of QUIC version 1 and 2 (RFC 9000 §17.2); other versions
/// may use up to 255 bytes (RFC 8999 §5.1).
pub const MAX_CID_LEN: usize = 20;

/// The length of a Retry packet's integrity tag (RFC 9001 §5.8).
pub const RETRY_TAG_LEN: usize = 16;

/// Why a packet header did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// Version 1 and 2 packets carrying a longer connection ID must be dropped
    /// (RFC 9000 §17.2).
    #[error("{version}: connection ID of {len} bytes, at most 20 allowed")]
    CidTooLong { version: Version, len: usize },
    /// The Length field (packet number and payload) cannot hold even the shortest packet
    /// number.
    #[error("Length field of {0}: no room for a packet number")]
    LengthTooSmall(u64),
}

/// The part of a packet under header protection, with what is needed to remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Protected<'a> {
    /// The whole packet as it travelled: header, packet number, payload and tag (for a
    /// long header up to its Length, for a short header to the end of the datagram).
    pub bytes: &'a [u8],
    /// Where the packet number starts in `bytes`.
    pub pn_offset: usize,
}

/// Initial, 0-RTT or Handshake: the long-header packets that carry protected frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LongPacket<'a> {
    /// Initial, ZeroRtt or Handshake (never Retry).
    pub kind: LongType,
    pub version: Version,
    pub dcid: &'a [u8],
    pub scid: &'a [u8],
    /// Initial only (empty otherwise): the token from a Retry or NEW_TOKEN.
    pub token: &'a [u8],
    pub protected: Protected<'a>,
}

/// A short-header (1-RTT) packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShortPacket<'a> {
    pub dcid: &'a [u8],
    /// The latency spin bit (RFC 9000 §17.4): outside header protection.
    pub spin: bool,
    /// The fixed bit: 1, unless the peers agreed to grease it (RFC 9287).
    pub fixed_bit: bool,
    pub protected: Protected<'a>,
}

/// A Retry (RFC 9000 §17.2.5): the server's token, unencrypted, and its integrity tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry<'a> {
    pub version: Version,
    pub dcid: &'a [u8],
    pub scid: &'a [u8],
    pub token: &'a [u8],
    pub integrity_tag: [u8; RETRY_TAG_LEN],
    /// The packet as it travelled, which the tag covers (after the original DCID).
    pub bytes: &'a [u8],
}

/// A Version Negotiation packet (RFC 8999 §6): the versions the server supports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionNegotiation<'a> {
    pub dcid: &'a [u8],
    pub scid: &'a [u8],
    /// The first [`MAX_LIST_ITEMS`] versions listed.
    pub versions: Vec<Version>,
    /// How many more were listed.
    pub versions_omitted: usize,
}

/// A long-header packet of a version this decoder does not know: the invariants only
/// (RFC 8999 §5.1). It may extend to the end of the datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownVersion<'a> {
    pub version: Version,
    pub first_byte: u8,
    pub dcid: &'a [u8],
    pub scid: &'a [u8],
    /// What follows the source connection ID.
    pub rest: &'a [u8],
}

/// One QUIC packet, as far as it can be read without keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet<'a> {
    Long(LongPacket<'a>),
    Short(ShortPacket<'a>),
    Retry(Retry<'a>),
    VersionNegotiation(VersionNegotiation<'a>),
    UnknownVersion(UnknownVersion<'a>),
}

impl<'a> Packet<'a> {
    /// The destination connection ID.
    pub fn dcid(&self) -> &'a [u8] {
        match self {
            Packet::Long(p) => p.dcid,
            Packet::Short(p) => p.dcid,
            Packet::Retry(p) => p.dcid,
            Packet::VersionNegotiation(p) => p.dcid,
            Packet::UnknownVersion(p) => p.dcid,
        }
    }

    /// The version of a long-header packet (`None` for short headers).
    pub fn version(&self) -> Option<Version> {
        match self {
            Packet::Long(p) => Some(p.version),
            Packet::Short(_) => None,
            Packet::Retry(p) => Some(p.version),
            Packet::VersionNegotiation(_) => Some(Version::NEGOTIATION),
            Packet::UnknownVersion(p) => Some(p.version),
        }
    }
}

/// Whether a first byte starts a long header (RFC 8999 §5.1).
pub fn is_long_header(first_byte: u8) -> bool {
    first_byte & 0x80 != 0
}

/// The version of a datagram that starts like a QUIC long-header packet of a version
/// this decoder knows, for telling QUIC from other UDP on any port: form and fixed bits
/// set, a known version, connection IDs within the limits. (A flow's later short-header
/// packets have too little structure to be found this way.)
pub fn sniff(datagram: &[u8]) -> Option<Version> {
    let (&first, rest) = datagram.split_first()?;
    if first & 0xc0 != 0xc0 {
        return None;
    }
    let version = Version(u32::from_be_bytes(rest.get(..4)?.try_into().ok()?));
    let dcid_len = usize::from(*rest.get(4)?);
    let scid_len = usize::from(*rest.get(5 + dcid_len)?);
    (version.is_known() && dcid_len <= MAX_CID_LEN && scid_len <= MAX_CID_LEN).then_some(version)
}

/// Parses the packet at the start of `datagram`; returns it and how many bytes it
/// takes. Only Initial, 0-RTT and Handshake packets end before the datagram does (their
/// Length field says where); every other kind takes the rest.
///
/// `short_dcid_len` is the length of the connection IDs the receiver of a short-header
/// packet chose, which the packet does not carry.
pub fn parse_packet(
    datagram: &[u8],
    short_dcid_len: usize,
) -> Result<(Packet<'_>, usize), HeaderError> {
    let mut r = Reader::new(datagram, "QUIC packet");
    let first = r.field("first byte").u8()?;
    if !is_long_header(first) {
        let dcid = r.field("destination connection ID").take(short_dcid_len)?;
        let pn_offset = r.position();
        let packet = ShortPacket {
            dcid,
            spin: first & 0x20 != 0,
            fixed_bit: first & 0x40 != 0,
            protected: Protected {
                bytes: datagram,
                pn_offset,
            },
        };
        return Ok((Packet::Short(packet), datagram.len()));
    }

    let version = Version(r.field("version").u32()?);
    let dcid = r.field("destination connection ID").vec8()?;
    let scid = r.field("source connection ID").vec8()?;

    if version == Version::NEGOTIATION {
        let list = r.rest();
        if !list.len().is_multiple_of(4) {
            return Err(DecodeError::at(
                "Version Negotiation",
                "supported versions",
                Problem::Other("not a whole number of 4-byte versions"),
            )
            .into());
        }
        let (versions, versions_omitted) = capped(
            list.chunks_exact(4)
                .map(|c| Version(u32::from_be_bytes([c[0], c[1], c[2], c[3]]))),
            MAX_LIST_ITEMS,
        );
        let vn = VersionNegotiation {
            dcid,
            scid,
            versions,
            versions_omitted,
        };
        return Ok((Packet::VersionNegotiation(vn), datagram.len()));
    }

    let Some(kind) = version.long_type(first >> 4) else {
        let unknown = UnknownVersion {
            version,
            first_byte: first,
            dcid,
            scid,
            rest: r.rest(),
        };
        return Ok((Packet::UnknownVersion(unknown), datagram.len()));
    };
    for cid in [dcid, scid] {
        if cid.len() > MAX_CID_LEN {
            return Err(HeaderError::CidTooLong {
                version,
                len: cid.len(),
            });
        }
    }

    if kind == LongType::Retry {
        let rest = r.rest();
        if rest.len() < RETRY_TAG_LEN {
            return Err(DecodeError::at(
                "Retry",
                "integrity tag",
                Problem::Short {
                    need: RETRY_TAG_LEN,
                    remain: rest.len(),
                    prefix: false,
                },
            )
            .into());
        }
        let (token, tag) = rest.split_at(rest.len() - RETRY_TAG_LEN);
        let retry = Retry {
            version,
            dcid,
            scid,
            token,
            integrity_tag: tag.try_into().expect("split at the tag length"),
            bytes: datagram,
        };
        return Ok((Packet::Retry(retry), datagram.len()));
    }

    let token = if kind == LongType::Initial {
        r.varint_bytes("token")?
    } else {
        &[]
    };
    let length = r.field("Length").varint()?;
    if length == 0 {
        return Err(HeaderError::LengthTooSmall(length));
    }
    let pn_offset = r.position();
    let remain = r.remaining();
    let end = match usize::try_from(length) {
        Ok(n) if n <= remain => pn_offset + n,
        _ => {
            return Err(DecodeError::at(
                "QUIC packet",
                "Length",
                Problem::Overrun {
                    declared: usize::try_from(length).unwrap_or(usize::MAX),
                    remain,
                },
            )
            .into())
        }
    };
    let packet = LongPacket {
        kind,
        version,
        dcid,
        scid,
        token,
        protected: Protected {
            bytes: &datagram[..end],
            pn_offset,
        },
    };
    Ok((Packet::Long(packet), end))
}

#[cfg(test)]
mod tests {
    use super::super::testvectors::*;
    use super::*;

    const DCID: [u8; 8] = [0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08];

    fn long<'a>(p: &Packet<'a>) -> LongPacket<'a> {
        match p {
            Packet::Long(l) => *l,
            other => panic!("not a long packet: {other:?}"),
        }
    }

    /// RFC 9001 A.2 / RFC 9369 A.2: the client Initials, v1 and v2.
    #[test]
    fn client_initials() {
        for (hexed, version) in [
            (V1_CLIENT_PACKET, Version::V1),
            (V2_CLIENT_PACKET, Version::V2),
        ] {
            let bytes = h(hexed);
            let (p, used) = parse_packet(&bytes, 0).unwrap();
            assert_eq!(used, 1200);
            let l = long(&p);
            assert_eq!(l.kind, LongType::Initial);
            assert_eq!(l.version, version);
            assert_eq!(l.dcid, DCID);
            assert_eq!(l.scid, b"");
            assert_eq!(l.token, b"");
            // 1 + 4 + 1 + 8 + 1 + 1 (token length) + 2 (Length 0x449e).
            assert_eq!(l.protected.pn_offset, 18);
            assert_eq!(l.protected.bytes.len(), 18 + 1182);
        }
    }

    /// RFC 9001 A.3 / RFC 9369 A.3: the server Initials.
    #[test]
    fn server_initials() {
        for (hexed, version) in [
            (V1_SERVER_PACKET, Version::V1),
            (V2_SERVER_PACKET, Version::V2),
        ] {
            let bytes = h(hexed);
            let (p, used) = parse_packet(&bytes, 0).unwrap();
            assert_eq!(used, bytes.len());
            let l = long(&p);
            assert_eq!((l.kind, l.version), (LongType::Initial, version));
            assert_eq!(l.dcid, b"");
            assert_eq!(l.scid, h("f067a5502a4262b5"));
            assert_eq!(l.protected.pn_offset, 18);
        }
    }

    /// RFC 9001 A.4 / RFC 9369 A.4: the Retry packets.
    #[test]
    fn retries() {
        for (hexed, version, tag) in [
            (
                V1_RETRY_PACKET,
                Version::V1,
                "04a265ba2eff4d829058fb3f0f2496ba",
            ),
            (
                V2_RETRY_PACKET,
                Version::V2,
                "c8646ce8bfe33952d955543665dcc7b6",
            ),
            (
                D29_RETRY_PACKET,
                Version(0xff00_001d),
                "d16926d81f6f9ca2953a8aa4575e1e49",
            ),
        ] {
            let bytes = h(hexed);
            let (p, used) = parse_packet(&bytes, 0).unwrap();
            assert_eq!(used, bytes.len());
            let Packet::Retry(r) = p else {
                panic!("not a Retry: {p:?}")
            };
            assert_eq!(r.version, version);
            assert_eq!(r.dcid, b"");
            assert_eq!(r.scid, h("f067a5502a4262b5"));
            assert_eq!(r.token, b"token");
            assert_eq!(r.integrity_tag.to_vec(), h(tag));
        }
    }

    /// RFC 9001 A.5: a short header with an empty connection ID.
    #[test]
    fn short_header() {
        let bytes = h(V1_CHACHA_PACKET);
        let (p, used) = parse_packet(&bytes, 0).unwrap();
        assert_eq!(used, 21);
        let Packet::Short(s) = p else {
            panic!("not short: {p:?}")
        };
        assert_eq!(s.dcid, b"");
        assert!(s.fixed_bit);
        assert_eq!(s.protected.pn_offset, 1);
        // The DCID length comes from the caller.
        let (p, _) = parse_packet(&bytes, 4).unwrap();
        assert_eq!(p.dcid(), &bytes[1..5]);
        assert!(parse_packet(&bytes[..3], 4).is_err());
    }

    #[test]
    fn version_negotiation() {
        let mut vn = vec![0x80 | 0x2a, 0, 0, 0, 0, 1, 0xaa, 2, 0xbb, 0xcc];
        vn.extend_from_slice(&[0, 0, 0, 1, 0x6b, 0x33, 0x43, 0xcf, 0x1a, 0x2a, 0x3a, 0x4a]);
        let (p, used) = parse_packet(&vn, 0).unwrap();
        assert_eq!(used, vn.len());
        let Packet::VersionNegotiation(v) = p else {
            panic!("not VN: {p:?}")
        };
        assert_eq!(v.dcid, [0xaa]);
        assert_eq!(v.scid, [0xbb, 0xcc]);
        assert_eq!(v.versions, [Version::V1, Version::V2, Version(0x1a2a_3a4a)]);
        assert_eq!(v.versions_omitted, 0);
        vn.push(0);
        assert!(parse_packet(&vn, 0).is_err());
    }

    #[test]
    fn unknown_version_reads_the_invariants() {
        // RFC 8999 allows connection IDs of up to 255 bytes in other versions.
        let mut p = vec![0xc0, 0x1a, 0x2a, 0x3a, 0x4a, 30];
        p.extend_from_slice(&[7; 30]);
        p.extend_from_slice(&[0, 0xde, 0xad]);
        let (packet, used) = parse_packet(&p, 0).unwrap();
        assert_eq!(used, p.len());
        let Packet::UnknownVersion(u) = packet else {
            panic!("{packet:?}")
        };
        assert_eq!(u.version, Version(0x1a2a_3a4a));
        assert_eq!(u.dcid, [7; 30]);
        assert_eq!(u.rest, [0xde, 0xad]);
        // The same in version 1 is refused.
        p[1..5].copy_from_slice(&[0, 0, 0, 1]);
        assert_eq!(
            parse_packet(&p, 0),
            Err(HeaderError::CidTooLong {
                version: Version::V1,
                len: 30
            })
        );
    }

    #[test]
    fn length_is_checked() {
        // A Handshake packet whose Length runs past the datagram.
        let p = [0xe0, 0, 0, 0, 1, 0, 0, 0x40, 0x10, 1, 2, 3];
        assert_eq!(
            parse_packet(&p, 0).unwrap_err().to_string(),
            "QUIC packet: Length declares 16 bytes, 3 remain"
        );
        let p = [0xe0, 0, 0, 0, 1, 0, 0, 0x00];
        assert_eq!(parse_packet(&p, 0), Err(HeaderError::LengthTooSmall(0)));
        let p = [0xe0, 0, 0, 0, 1, 0, 0, 0x02, 1, 2, 9];
        let (packet, used) = parse_packet(&p, 0).unwrap();
        assert_eq!(used, 10);
        assert_eq!(long(&packet).kind, LongType::Handshake);
        assert_eq!(long(&packet).protected.bytes, &p[..10]);
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(&h(V1_CLIENT_PACKET)), Some(Version::V1));
        assert_eq!(sniff(&h(V2_SERVER_PACKET)), Some(Version::V2));
        assert_eq!(sniff(&h(D29_RETRY_PACKET)), Some(Version(0xff00_001d)));
        // Short headers, unknown versions, version negotiation, truncation: no.
        assert_eq!(sniff(&h(V1_CHACHA_PACKET)), None);
        assert_eq!(sniff(&[0xc0, 0x1a, 0x2a, 0x3a, 0x4a, 0, 0]), None);
        assert_eq!(sniff(&[0xc0, 0, 0, 0, 0, 0, 0]), None);
        assert_eq!(sniff(&[0xc0, 0, 0, 0, 1, 8, 1]), None);
        assert_eq!(sniff(&[0xc0, 0, 0, 0, 1, 21]), None);
        assert_eq!(sniff(&[]), None);
        // A TLS record is not QUIC.
        assert_eq!(sniff(&[0x16, 0x03, 0x01, 0x00, 0x10]), None);
    }

    /// Every prefix of a real packet parses or fails; nothing panics.
    #[test]
    fn every_prefix_of_the_client_initial() {
        let bytes = h(V1_CLIENT_PACKET);
        for n in 0..bytes.len() {
            let _ = parse_packet(&bytes[..n], 8);
        }
        // Up to the Length field the error is a truncation; after it, an overrun.
        assert!(parse_packet(&bytes[..17], 0).is_err());
        assert!(parse_packet(&bytes[..1199], 0).is_err());
    }
}
