//! The QUIC packets of one UDP datagram (RFC 9000 §12.2).
//!
//! A sender may coalesce several packets in a datagram: Initial, 0-RTT and Handshake
//! packets end where their Length field says, and a short-header packet (which has none)
//! can only come last. What follows the last packet is reported, not guessed at:
//!
//! ```text
//!  | Initial (Length) | Handshake (Length) | 1-RTT (to the end) |
//!  | Initial (Length) | 00 00 00 … (zeros: padding after the packet)  → Trailing, zeros
//!  | Initial (Length) | another DCID …                                → Trailing
//! ```
//!
//! Coalesced packets share the destination connection ID of the first (RFC 9000 §12.2
//! lets receivers drop those that do not); bytes after the first packet that do not
//! start with it are taken for garbage, which also keeps zero padding from passing for
//! a short-header packet. Towards an endpoint with a zero-length connection ID every
//! byte string starts with it, so zeros after the first packet are padding too: no
//! packet is all zeros (a long header has its top bit set, and a short header's
//! payload ends in a 16-byte AEAD tag).

use super::header::{is_long_header, parse_packet, HeaderError, Packet};

/// Datagrams up to this size are taken as sent (an Ethernet MTU's payload); a larger
/// one may be a sender's GSO buffer, captured before the kernel cut it into segments.
const MAX_WIRE_DATAGRAM: usize = 1500;
/// The smallest segment size looked for (a short header, a packet number and a tag).
const MIN_SEGMENT: usize = 64;
/// The shortest connection ID that marks segment starts reliably enough.
const MIN_MARKING_CID: usize = 4;

/// The segment size of a UDP GSO buffer (Linux `UDP_SEGMENT`), when `datagram` is one:
/// a capture on the sending host shows the buffer the kernel later cut into datagrams
/// of `size` bytes (the last one shorter). Each segment then starts with a packet
/// towards the same destination connection ID: a short header (its fixed bit may be
/// greased), or a long one (a server's first flight: Initial and Handshake packets,
/// then 1-RTT), and holds whole packets:
///
/// ```text
///  | Initial | Handshake |  Handshake | 1-RTT ·········|  1-RTT ··············|  1-RTT ···|
///  0                     size                          2·size                 3·size
/// ```
/// What is looked for is the smallest size at which every segment starts so and reads
/// as packets to its end (a long header's Length may not run past it). `None` for an
/// ordinary datagram, or when the connection ID is too short to tell.
pub fn gso_segment_size(datagram: &[u8], short_dcid_len: usize) -> Option<usize> {
    if datagram.len() <= MAX_WIRE_DATAGRAM {
        return None;
    }
    // The fixed bit is not looked at: peers may grease it (RFC 9287).
    let dcid = if is_long_header(datagram[0]) {
        let len = usize::from(*datagram.get(5)?);
        datagram.get(6..6 + len)?
    } else {
        datagram.get(1..1 + short_dcid_len)?
    };
    if dcid.len() < MIN_MARKING_CID {
        return None;
    }
    let starts_segment = |at: usize| {
        let rest = &datagram[at..];
        if is_long_header(rest[0]) {
            rest.get(5).map(|&n| usize::from(n)) == Some(dcid.len())
                && rest.get(6..6 + dcid.len()) == Some(dcid)
        } else {
            dcid.len() == short_dcid_len
                && rest.len() > short_dcid_len
                && rest.get(1..1 + dcid.len()) == Some(dcid)
        }
    };
    let whole_packets = |segment: &[u8]| {
        packets(segment, short_dcid_len)
            .all(|p| matches!(p, Ok(_) | Err(DatagramError::Trailing { zeros: true, .. })))
    };
    (MIN_SEGMENT..=MAX_WIRE_DATAGRAM).find(|&size| {
        (size..datagram.len()).step_by(size).all(starts_segment)
            && datagram.chunks(size).all(whole_packets)
    })
}

/// Why the packets of a datagram stop before its end.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatagramError {
    /// The packet at `offset` did not parse; nothing after it can be found.
    #[error("packet at byte {offset}: {error}")]
    Header { offset: usize, error: HeaderError },
    /// `len` bytes after the last packet that are not a packet of this connection:
    /// all zeros (`zeros`, padding some stacks add after the last packet), or anything
    /// else.
    #[error("{len} bytes after the last packet at byte {offset}{}", if *.zeros { " (zeros)" } else { "" })]
    Trailing {
        offset: usize,
        len: usize,
        zeros: bool,
    },
}

/// The packets of one datagram, in order; after an error, nothing more.
#[derive(Debug, Clone)]
pub struct Packets<'a> {
    datagram: &'a [u8],
    offset: usize,
    short_dcid_len: usize,
    /// The first packet's destination connection ID, once read.
    dcid: Option<&'a [u8]>,
    done: bool,
}

/// Splits `datagram` into its packets. `short_dcid_len`: the length of the connection
/// IDs of short-header packets towards this receiver (0 if unknown and none expected).
pub fn packets(datagram: &[u8], short_dcid_len: usize) -> Packets<'_> {
    Packets {
        datagram,
        offset: 0,
        short_dcid_len,
        dcid: None,
        done: datagram.is_empty(),
    }
}

impl<'a> Packets<'a> {
    /// The rest cannot be a packet of this datagram: say what it is and stop.
    fn trailing(&mut self) -> DatagramError {
        self.done = true;
        let rest = &self.datagram[self.offset..];
        DatagramError::Trailing {
            offset: self.offset,
            len: rest.len(),
            zeros: rest.iter().all(|&b| b == 0),
        }
    }
}

impl<'a> Iterator for Packets<'a> {
    type Item = Result<Packet<'a>, DatagramError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let rest = &self.datagram[self.offset..];
        let dcid_len = match self.dcid {
            // A coalesced short-header packet carries the first packet's DCID.
            Some(dcid) => {
                let starts_with_dcid = if is_long_header(rest[0]) {
                    rest.get(5).map(|&n| n as usize) == Some(dcid.len())
                        && rest.get(6..6 + dcid.len()) == Some(dcid)
                } else {
                    rest.get(1..1 + dcid.len()) == Some(dcid)
                };
                if !starts_with_dcid || rest.iter().all(|&b| b == 0) {
                    return Some(Err(self.trailing()));
                }
                dcid.len()
            }
            None => self.short_dcid_len,
        };
        match parse_packet(rest, dcid_len) {
            Ok((packet, used)) => {
                self.dcid.get_or_insert(packet.dcid());
                self.offset += used;
                self.done = self.offset == self.datagram.len();
                Some(Ok(packet))
            }
            Err(error) => {
                self.done = true;
                Some(Err(DatagramError::Header {
                    offset: self.offset,
                    error,
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testvectors::*;
    use super::super::version::LongType;
    use super::*;

    fn kinds(datagram: &[u8]) -> Vec<Result<&'static str, DatagramError>> {
        packets(datagram, 0)
            .map(|p| {
                p.map(|p| match p {
                    Packet::Long(l) => match l.kind {
                        LongType::Initial => "Initial",
                        LongType::ZeroRtt => "0-RTT",
                        LongType::Handshake => "Handshake",
                        LongType::Retry => unreachable!(),
                    },
                    Packet::Short(_) => "1-RTT",
                    Packet::Retry(_) => "Retry",
                    Packet::VersionNegotiation(_) => "VN",
                    Packet::UnknownVersion(_) => "unknown",
                })
            })
            .collect()
    }

    /// A Handshake packet towards `dcid` with `n` payload bytes.
    fn handshake(dcid: &[u8], n: u8) -> Vec<u8> {
        let mut p = vec![0xe0, 0, 0, 0, 1, dcid.len() as u8];
        p.extend_from_slice(dcid);
        p.extend_from_slice(&[0, n]);
        p.extend(std::iter::repeat_n(0x55, n as usize));
        p
    }

    #[test]
    fn one_packet() {
        assert_eq!(kinds(&h(V1_CLIENT_PACKET)), [Ok("Initial")]);
        assert_eq!(kinds(&[]), []);
    }

    #[test]
    fn coalesced_initial_handshake_short() {
        // The server's Initial (empty DCID), a Handshake and a 1-RTT packet.
        let mut d = h(V1_SERVER_PACKET);
        d.extend(handshake(b"", 30));
        d.extend_from_slice(&[
            0x41, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
        ]);
        assert_eq!(kinds(&d), [Ok("Initial"), Ok("Handshake"), Ok("1-RTT")]);
    }

    #[test]
    fn trailing_zeros_and_garbage() {
        let mut d = handshake(&[9, 9, 9, 9], 20);
        let first = d.len();
        d.extend_from_slice(&[0; 40]);
        assert_eq!(
            kinds(&d),
            [
                Ok("Handshake"),
                Err(DatagramError::Trailing {
                    offset: first,
                    len: 40,
                    zeros: true
                })
            ]
        );
        // A packet for another connection ID is not part of this datagram's.
        let mut d = handshake(&[9, 9, 9, 9], 20);
        d.extend(handshake(&[1, 2, 3, 4], 20));
        assert_eq!(
            kinds(&d)[1],
            Err(DatagramError::Trailing {
                offset: 32,
                len: 32,
                zeros: false
            })
        );
        // Zeros after a packet towards a zero-length connection ID are padding too,
        // not a short-header packet (aioquic pads a server's Initial datagram so).
        let mut d = handshake(b"", 20);
        let first = d.len();
        d.extend_from_slice(&[0; 40]);
        assert_eq!(
            kinds(&d)[1],
            Err(DatagramError::Trailing {
                offset: first,
                len: 40,
                zeros: true
            })
        );
        // The same DCID coalesces.
        let mut d = handshake(&[9, 9, 9, 9], 20);
        d.extend(handshake(&[9, 9, 9, 9], 20));
        assert_eq!(kinds(&d), [Ok("Handshake"), Ok("Handshake")]);
    }

    #[test]
    fn a_bad_packet_ends_the_datagram() {
        let mut d = handshake(b"", 20);
        d.extend_from_slice(&[0xe0, 0, 0, 0, 1, 0, 0, 0x40]);
        let k = kinds(&d);
        assert_eq!(k.len(), 2);
        assert!(matches!(
            k[1],
            Err(DatagramError::Header { offset: 28, .. })
        ));
    }

    /// Any bytes: the iterator ends, and never panics.
    #[test]
    fn hostile_datagrams() {
        let client = h(V1_CLIENT_PACKET);
        let mut two = h(V1_SERVER_PACKET);
        two.extend(handshake(b"", 10));
        for d in [&client, &two] {
            for n in 0..d.len() {
                // Every packet takes at least one byte.
                assert!(packets(&d[..n], 8).count() <= n + 1);
                let mut flipped = d.clone();
                flipped[n] ^= 0xff;
                assert!(packets(&flipped, 8).count() <= d.len() + 1);
            }
        }
    }

    /// The connection ID of the GSO tests' packets.
    const GSO_DCID: [u8; 8] = [0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8];

    /// A 1-RTT packet towards [`GSO_DCID`], `n` bytes long.
    fn short_packet(n: usize) -> Vec<u8> {
        let mut s = vec![0x41];
        s.extend_from_slice(&GSO_DCID);
        s.resize(n, 0x77);
        s
    }

    /// A GSO buffer of three 1,200-byte segments and a shorter last one is cut where
    /// its segments start; an ordinary datagram, or one whose ID is too short, is not.
    #[test]
    fn gso_buffers_are_cut_into_their_segments() {
        let segment = short_packet;
        let buffer = [segment(1200), segment(1200), segment(1200), segment(300)].concat();
        assert_eq!(gso_segment_size(&buffer, 8), Some(1200));
        assert_eq!(
            gso_segment_size(&buffer[..1200], 8),
            None,
            "one wire datagram"
        );
        assert_eq!(
            gso_segment_size(&buffer, 2),
            None,
            "too short an ID to tell"
        );
        let mut one_packet = segment(4000);
        one_packet[2000] = 0x41;
        assert_eq!(gso_segment_size(&one_packet, 8), None);
        // A segment cut just after its ID's first bytes does not pass for one.
        let ragged = [segment(1200), segment(1200), segment(5)].concat();
        assert_eq!(gso_segment_size(&ragged, 8), None);
    }

    /// A Handshake packet towards `dcid`, `len` bytes long in all (a 2-byte Length).
    fn long_packet(dcid: &[u8], len: usize) -> Vec<u8> {
        let n = len - 9 - dcid.len();
        let mut p = vec![0xe0, 0, 0, 0, 1, dcid.len() as u8];
        p.extend_from_slice(dcid);
        p.extend_from_slice(&[0, 0x40 | (n >> 8) as u8, n as u8]);
        p.resize(len, 0x55);
        p
    }

    /// A server's first flight in one GSO buffer: segments that start with long
    /// headers, some with a 1-RTT packet after them, are cut too; a loopback datagram
    /// whose long packets only seem to start segments is not.
    #[test]
    fn gso_buffers_starting_with_long_headers_are_cut() {
        let dcid = GSO_DCID;
        let short = short_packet;
        let buffer = [
            long_packet(&dcid, 400),
            long_packet(&dcid, 200),
            short(200),
            long_packet(&dcid, 400),
            short(400),
            short(150),
        ]
        .concat();
        assert_eq!(gso_segment_size(&buffer, 8), Some(400));
        let mut kinds_seen = Vec::new();
        for segment in buffer.chunks(400) {
            kinds_seen.extend(kinds(segment));
        }
        assert_eq!(kinds_seen.len(), 6);
        assert!(kinds_seen.iter().all(Result::is_ok), "{kinds_seen:?}");
        // Initial-sized then a long 0-RTT packet, one datagram: the bytes at 2,400
        // look like a packet start, but the packet at 1,200 runs past it.
        let mut one = [long_packet(&dcid, 1200), long_packet(&dcid, 1800)].concat();
        one[2400..2400 + 14].copy_from_slice(&long_packet(&dcid, 20)[..14]);
        assert_eq!(gso_segment_size(&one, 8), None);
        assert_eq!(gso_segment_size(&long_packet(&dcid[..2], 1600), 2), None);
    }
}
