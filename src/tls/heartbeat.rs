//! The Heartbeat extension's message (RFC 6520 §4):
//!
//! ```text
//!  type (1: request, 2: response) | payload_length (u16) | payload | padding (≥ 16)
//! ```
//!
//! A request whose `payload_length` claims more than the message holds is what
//! Heartbleed (CVE-2014-0160) sent: a vulnerable peer answered with that much of its
//! memory. RFC 6520 §4 says such a message is discarded; we say so.

/// The padding every heartbeat message carries at least.
pub const MIN_PADDING: usize = 16;

pub const REQUEST: u8 = 1;
pub const RESPONSE: u8 = 2;

/// A heartbeat message's header, read from its plaintext.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeartbeatMessage {
    pub kind: u8,
    pub payload_length: u16,
    /// The whole message's length (the record's plaintext).
    pub length: usize,
}

impl HeartbeatMessage {
    /// Reads the header of `plaintext`; `None` when it is shorter than one.
    pub fn parse(plaintext: &[u8]) -> Option<Self> {
        let [kind, hi, lo, ..] = *plaintext else {
            return None;
        };
        Some(HeartbeatMessage {
            kind,
            payload_length: u16::from_be_bytes([hi, lo]),
            length: plaintext.len(),
        })
    }

    /// The payload (and the minimum padding) do not fit in the message.
    pub fn overclaims(&self) -> bool {
        3 + usize::from(self.payload_length) + MIN_PADDING > self.length
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_well_formed_request_fits() {
        let mut m = vec![REQUEST, 0, 4];
        m.extend_from_slice(b"ping");
        m.extend_from_slice(&[0; 16]);
        let h = HeartbeatMessage::parse(&m).unwrap();
        assert_eq!((h.kind, h.payload_length, h.length), (REQUEST, 4, 23));
        assert!(!h.overclaims());
    }

    #[test]
    fn heartbleed_claims_more_than_it_sends() {
        // The classic probe: 3 bytes, claiming 16,384 bytes of payload.
        let h = HeartbeatMessage::parse(&[REQUEST, 0x40, 0x00]).unwrap();
        assert!(h.overclaims());
        assert_eq!(HeartbeatMessage::parse(&[REQUEST, 0]), None);
    }
}
