//! QUIC version numbers: which ones this decoder knows, and what a version changes in
//! the packets (the long-header type bits) and keys (the key schedule).
//!
//! | version | value | long-header types (Initial, 0-RTT, Handshake, Retry) | keys |
//! |---|---|---|---|
//! | 1 (RFC 9000) | `0x00000001` | 0, 1, 2, 3 | [`KeySchedule::V1`] |
//! | 2 (RFC 9369) | `0x6b3343cf` | 1, 2, 3, 0 | [`KeySchedule::V2`] |
//! | draft-29 … 32 | `0xff00001d` … `0xff000020` | as version 1 | [`KeySchedule::Draft29`] |
//! | draft-33, 34 | `0xff000021`, `0xff000022` | as version 1 | [`KeySchedule::V1`] |
//!
//! Version 0 marks a Version Negotiation packet; the reserved `0x?a?a?a?a` values are
//! greasing (RFC 9000 §15) and, like every other number, unknown here: of those only
//! the invariants (RFC 8999) are read.

use std::fmt;

pub use crate::crypto::quic::KeySchedule;

/// A QUIC version number as it travels in a long header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version(pub u32);

/// The kind of a long-header packet, whatever bits its version encodes it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LongType {
    Initial,
    ZeroRtt,
    Handshake,
    Retry,
}

impl Version {
    /// Version Negotiation (RFC 8999 §6).
    pub const NEGOTIATION: Version = Version(0);
    pub const V1: Version = Version(0x0000_0001);
    pub const V2: Version = Version(0x6b33_43cf);

    /// The draft number of an IETF draft version (`0xff0000NN`).
    pub fn draft(self) -> Option<u8> {
        match self.0 {
            0xff00_0000..=0xff00_00ff => Some(self.0 as u8),
            _ => None,
        }
    }

    /// Whether this decoder reads packets of this version beyond the invariants:
    /// version 1, version 2, drafts 29 to 34.
    pub fn is_known(self) -> bool {
        self.key_schedule().is_some()
    }

    /// A greasing version (RFC 9000 §15: `0x?a?a?a?a`), sent to exercise negotiation.
    pub fn is_reserved(self) -> bool {
        self.0 & 0x0f0f_0f0f == 0x0a0a_0a0a
    }

    /// The Initial salt and labels of this version's keys.
    pub fn key_schedule(self) -> Option<KeySchedule> {
        match self {
            Version::V1 => Some(KeySchedule::V1),
            Version::V2 => Some(KeySchedule::V2),
            _ => match self.draft() {
                Some(29..=32) => Some(KeySchedule::Draft29),
                Some(33..=34) => Some(KeySchedule::V1),
                _ => None,
            },
        }
    }

    /// The packet kind of the long-header type bits (the first byte's bits 4–5), for a
    /// known version; version 2 permutes them so that middleboxes cannot ossify on
    /// version 1's (RFC 9369 §3.2).
    pub fn long_type(self, bits: u8) -> Option<LongType> {
        use LongType::*;
        if !self.is_known() {
            return None;
        }
        let v2 = self == Version::V2;
        Some(match (bits & 0b11, v2) {
            (0b00, false) | (0b01, true) => Initial,
            (0b01, false) | (0b10, true) => ZeroRtt,
            (0b10, false) | (0b11, true) => Handshake,
            _ => Retry,
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Version::V1 => f.write_str("QUIC v1"),
            Version::V2 => f.write_str("QUIC v2"),
            Version::NEGOTIATION => f.write_str("version negotiation"),
            v => match v.draft() {
                Some(n) => write!(f, "QUIC draft-{n}"),
                None => write!(f, "QUIC version 0x{:08x}", v.0),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_versions() {
        assert!(Version::V1.is_known());
        assert!(Version::V2.is_known());
        assert!(!Version(0xff00_001c).is_known());
        for d in 0xff00_001d..=0xff00_0022 {
            assert!(Version(d).is_known(), "{d:x}");
        }
        assert!(!Version(0xff00_0023).is_known());
        assert!(!Version::NEGOTIATION.is_known());
        assert!(Version(0x1a2a_3a4a).is_reserved());
        assert!(!Version(0x1a2a_3a4a).is_known());
        assert_eq!(
            Version(0xff00_001d).key_schedule(),
            Some(KeySchedule::Draft29)
        );
        assert_eq!(
            Version(0xff00_0020).key_schedule(),
            Some(KeySchedule::Draft29)
        );
        assert_eq!(Version(0xff00_0021).key_schedule(), Some(KeySchedule::V1));
        assert_eq!(Version(0xff00_001d).to_string(), "QUIC draft-29");
        assert_eq!(Version(0x1a2a_3a4a).to_string(), "QUIC version 0x1a2a3a4a");
    }

    /// RFC 9369 §3.2: version 2's type bits.
    #[test]
    fn long_types_per_version() {
        use LongType::*;
        let v1: Vec<_> = (0..4).map(|b| Version::V1.long_type(b).unwrap()).collect();
        assert_eq!(v1, [Initial, ZeroRtt, Handshake, Retry]);
        let v2: Vec<_> = (0..4).map(|b| Version::V2.long_type(b).unwrap()).collect();
        assert_eq!(v2, [Retry, Initial, ZeroRtt, Handshake]);
        assert_eq!(Version(0xff00_001d).long_type(0), Some(Initial));
        assert_eq!(Version(7).long_type(0), None);
    }
}
