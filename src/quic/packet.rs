//! Opening a protected QUIC packet (RFC 9001 §5.3–5.4, RFC 9000 §17.1): remove header
//! protection, reconstruct the packet number, decrypt the payload.
//!
//! ```text
//!  bytes:  header … | pn (1–4, masked) | payload …                       | tag (16)
//!                     ^pn_offset        ^pn_offset+4: sample (16 bytes)
//!  mask = HP(sample)      first byte ^= mask[0] & (long: 0x0f, short: 0x1f)
//!                         pn bytes   ^= mask[1..=pn_len], pn_len = (first & 3) + 1
//!  plaintext = AEAD-open(nonce = iv ^ full pn, aad = unmasked header through pn)
//! ```
//!
//! The sample sits at a fixed 4 bytes past the start of the packet number, whatever its
//! real length, so that it can be taken before the length is known.

use super::header::Protected;
use crate::crypto::quic::{PacketKeys, SAMPLE_LEN};
use crate::crypto::record::RecordError;

/// Why a packet did not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// Fewer than the 4 + 16 bytes after the packet number's start that header
    /// protection samples (RFC 9001 §5.4.2).
    #[error("packet of {len} bytes too short for a header protection sample")]
    TooShortForSample { len: usize },
    /// The payload did not decrypt (wrong keys, wrong packet number, or damage).
    #[error(transparent)]
    Payload(#[from] RecordError),
}

/// A packet with its protection removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The full packet number (RFC 9000 §17.1).
    pub packet_number: u64,
    /// The first byte with header protection removed.
    pub first_byte: u8,
    /// The header through the packet number, unmasked (what the AEAD authenticated).
    pub header: Vec<u8>,
    /// The reserved bits (long 0x0c, short 0x18): zero, or a PROTOCOL_VIOLATION by the
    /// sender once the packet decrypted (RFC 9000 §17.2).
    pub reserved_bits: u8,
    /// Short header: the key phase bit (RFC 9001 §6).
    pub key_phase: Option<bool>,
    /// The frames.
    pub payload: Vec<u8>,
}

/// The parts of the first byte header protection masks.
fn protected_bits(long: bool) -> u8 {
    if long {
        0x0f
    } else {
        0x1f
    }
}

/// Removes header protection from `packet` and decrypts it with `keys`. `largest_pn`
/// is the largest packet number so far in the packet's number space (`None` before the
/// first), for reconstructing the full number from the truncated one.
pub fn open(
    keys: &PacketKeys,
    packet: Protected<'_>,
    largest_pn: Option<u64>,
) -> Result<Opened, OpenError> {
    unmask(keys, packet, largest_pn)?.decrypt(keys)
}

/// A packet with its header protection removed and its payload still sealed: what a
/// reader needs to choose the payload keys (the key phase bit, RFC 9001 §6) before
/// trying them. Header protection keys stay the same across key phases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmasked<'a> {
    pub packet_number: u64,
    pub first_byte: u8,
    /// The header through the packet number, unmasked.
    pub header: Vec<u8>,
    /// Short header: the key phase bit.
    pub key_phase: Option<bool>,
    long: bool,
    sealed: &'a [u8],
}

/// Removes header protection from `packet` with `keys`' header key (see [`open`]).
pub fn unmask<'a>(
    keys: &PacketKeys,
    packet: Protected<'a>,
    largest_pn: Option<u64>,
) -> Result<Unmasked<'a>, OpenError> {
    let bytes = packet.bytes;
    let pn_offset = packet.pn_offset;
    let sample_at = pn_offset + 4;
    let Some(sample) = bytes
        .get(sample_at..sample_at + SAMPLE_LEN)
        .map(|s| <&[u8; SAMPLE_LEN]>::try_from(s).expect("sliced to the sample length"))
    else {
        return Err(OpenError::TooShortForSample { len: bytes.len() });
    };
    let mask = keys.header_mask(sample);

    let long = bytes[0] & 0x80 != 0;
    let first_byte = bytes[0] ^ (mask[0] & protected_bits(long));
    let pn_len = usize::from(first_byte & 0x03) + 1;
    // The sample check above leaves at least 20 bytes from the packet number on.
    let mut header = bytes[..pn_offset + pn_len].to_vec();
    header[0] = first_byte;
    let mut truncated = 0u64;
    for (b, m) in header[pn_offset..].iter_mut().zip(&mask[1..]) {
        *b ^= m;
        truncated = (truncated << 8) | u64::from(*b);
    }
    Ok(Unmasked {
        packet_number: decode_packet_number(largest_pn, truncated, pn_len as u32 * 8),
        first_byte,
        header,
        key_phase: (!long).then_some(first_byte & 0x04 != 0),
        long,
        sealed: &bytes[pn_offset + pn_len..],
    })
}

impl Unmasked<'_> {
    /// Decrypts the payload with `keys` (of this packet's space and key phase).
    pub fn decrypt(&self, keys: &PacketKeys) -> Result<Opened, OpenError> {
        let payload = keys.open(self.packet_number, &self.header, self.sealed)?;
        Ok(Opened {
            packet_number: self.packet_number,
            first_byte: self.first_byte,
            header: self.header.clone(),
            reserved_bits: self.first_byte & if self.long { 0x0c } else { 0x18 },
            key_phase: self.key_phase,
            payload,
        })
    }
}

/// The full packet number nearest the next one expected (RFC 9000 A.3): `truncated`
/// is the `pn_nbits`-bit field, `largest_pn` the largest number so far in its space.
pub fn decode_packet_number(largest_pn: Option<u64>, truncated: u64, pn_nbits: u32) -> u64 {
    let expected = largest_pn.map_or(0, |l| l + 1);
    let win = 1u64 << pn_nbits;
    let hwin = win / 2;
    let mask = win - 1;
    // The candidate closest to `expected` with these low bits; the checks keep the
    // result inside 0 ..= 2^62 - 1 (RFC 9000 §12.3), without overflow or underflow.
    let candidate = (expected & !mask) | truncated;
    if candidate + hwin <= expected && candidate < (1 << 62) - win {
        candidate + win
    } else if candidate > expected + hwin && candidate >= win {
        candidate - win
    } else {
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::super::header::{parse_packet, Packet};
    use super::super::testvectors::*;
    use super::*;
    use crate::crypto::quic::{KeySchedule, Side};
    use crate::tls::cipher_suite::{lookup, CipherSuiteId};

    fn protected<'a>(p: &Packet<'a>) -> Protected<'a> {
        match p {
            Packet::Long(l) => l.protected,
            Packet::Short(s) => s.protected,
            other => panic!("not protected: {other:?}"),
        }
    }

    /// RFC 9000 A.3.
    #[test]
    fn rfc9000_a3_packet_number() {
        assert_eq!(
            decode_packet_number(Some(0xa82f30ea), 0x9b32, 16),
            0xa82f9b32
        );
        // The window's edges, and no underflow near zero or overflow near 2^62.
        assert_eq!(decode_packet_number(None, 0, 8), 0);
        assert_eq!(decode_packet_number(Some(0xff), 0x01, 8), 0x101);
        assert_eq!(decode_packet_number(Some(0x100), 0xff, 8), 0xff);
        assert_eq!(decode_packet_number(Some(1), 0xff, 8), 0xff);
        let top = (1u64 << 62) - 1;
        assert_eq!(decode_packet_number(Some(top - 1), 0xff, 8), top);
    }

    /// The client or server Initial of `packet`, opened with the Initial keys.
    fn open_initial(
        schedule: KeySchedule,
        side: Side,
        packet: &str,
        largest: Option<u64>,
    ) -> Opened {
        let bytes = h(packet);
        let (p, _) = parse_packet(&bytes, 0).unwrap();
        let keys = PacketKeys::initial(schedule, &h(DCID), side);
        open(&keys, protected(&p), largest).unwrap()
    }

    /// RFC 9001 A.2 / RFC 9369 A.2: the client Initials open; the payload is the CRYPTO
    /// frame with the ClientHello, then PADDING to 1162 bytes.
    #[test]
    fn client_initials_open() {
        for (schedule, packet, header) in [
            (KeySchedule::V1, V1_CLIENT_PACKET, V1_CLIENT_HEADER),
            (KeySchedule::V2, V2_CLIENT_PACKET, V2_CLIENT_HEADER),
        ] {
            let o = open_initial(schedule, Side::Client, packet, None);
            assert_eq!(o.packet_number, 2);
            assert_eq!(o.header, h(header));
            assert_eq!(o.reserved_bits, 0);
            assert_eq!(o.key_phase, None);
            let crypto = h(V1_CLIENT_CRYPTO_FRAME);
            assert_eq!(o.payload.len(), 1162);
            assert_eq!(o.payload[..crypto.len()], crypto[..]);
            assert!(o.payload[crypto.len()..].iter().all(|&b| b == 0));
        }
        assert_eq!(V1_CLIENT_CRYPTO_FRAME, V2_CLIENT_CRYPTO_FRAME);
    }

    /// RFC 9001 A.3 / RFC 9369 A.3: the server Initials open to the ACK and CRYPTO
    /// frames given.
    #[test]
    fn server_initials_open() {
        for (schedule, packet, header, payload) in [
            (
                KeySchedule::V1,
                V1_SERVER_PACKET,
                V1_SERVER_HEADER,
                V1_SERVER_PAYLOAD,
            ),
            (
                KeySchedule::V2,
                V2_SERVER_PACKET,
                V2_SERVER_HEADER,
                V2_SERVER_PAYLOAD,
            ),
        ] {
            let o = open_initial(schedule, Side::Server, packet, None);
            assert_eq!(o.packet_number, 1);
            assert_eq!(o.header, h(header));
            assert_eq!(o.payload, h(payload));
        }
    }

    /// RFC 9001 A.5 / RFC 9369 A.5: the ChaCha20-Poly1305 short-header PING, packet
    /// number 654360564 from a 3-byte field.
    #[test]
    fn chacha20_short_header_opens() {
        let suite = lookup(CipherSuiteId(0x1303)).unwrap();
        let secret = h("9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b");
        for (schedule, packet) in [
            (KeySchedule::V1, V1_CHACHA_PACKET),
            (KeySchedule::V2, V2_CHACHA_PACKET),
        ] {
            let keys = PacketKeys::new(schedule, suite, &secret).unwrap();
            let bytes = h(packet);
            let (p, _) = parse_packet(&bytes, 0).unwrap();
            let o = open(&keys, protected(&p), Some(654_360_563)).unwrap();
            assert_eq!(o.packet_number, 654_360_564);
            assert_eq!(o.header, h("4200bff4"));
            assert_eq!(o.key_phase, Some(false));
            assert_eq!(o.payload, [0x01]);
            // Told a largest number far away, it reconstructs another and fails.
            assert!(open(&keys, protected(&p), Some(0)).is_err());
        }
    }

    #[test]
    fn wrong_keys_and_damage_fail() {
        let bytes = h(V1_CLIENT_PACKET);
        let (p, _) = parse_packet(&bytes, 0).unwrap();
        let server = PacketKeys::initial(KeySchedule::V1, &h(DCID), Side::Server);
        assert!(matches!(
            open(&server, protected(&p), None),
            Err(OpenError::Payload(RecordError::BadTag))
        ));
        let v2 = PacketKeys::initial(KeySchedule::V2, &h(DCID), Side::Client);
        assert!(open(&v2, protected(&p), None).is_err());
        let client = PacketKeys::initial(KeySchedule::V1, &h(DCID), Side::Client);
        let mut damaged = bytes.clone();
        damaged[600] ^= 1;
        let (p, _) = parse_packet(&damaged, 0).unwrap();
        assert!(open(&client, protected(&p), None).is_err());
    }

    /// Every prefix of the client Initial parses or fails, and so does opening what
    /// parsed: no panic, however short.
    #[test]
    fn every_prefix_opens_or_fails() {
        let bytes = h(V1_CLIENT_PACKET);
        let keys = PacketKeys::initial(KeySchedule::V1, &h(DCID), Side::Client);
        for n in 0..=bytes.len() {
            // The Length field is checked against the bytes: only the whole packet parses
            // as a long header. Rewrite its Length to fit, to open the prefix too.
            let mut cut = bytes[..n].to_vec();
            if n > 18 {
                let len = (n - 18) as u16 | 0x4000;
                cut[16..18].copy_from_slice(&len.to_be_bytes());
            }
            if let Ok((p, _)) = parse_packet(&cut, 0) {
                let r = open(&keys, protected(&p), None);
                assert_eq!(r.is_ok(), n == bytes.len(), "{n}");
            }
            // As a short header (the first byte's form bit flipped) too.
            if let Some(first) = cut.first_mut() {
                *first &= 0x7f;
                if let Ok((p, _)) = parse_packet(&cut, 8) {
                    let _ = open(&keys, protected(&p), None);
                }
            }
        }
    }
}
