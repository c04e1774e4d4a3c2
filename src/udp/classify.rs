//! What a UDP flow carries, told by content (any port), from its first datagrams.

use crate::quic::header::sniff;

/// A protocol of a UDP flow that tlsscope reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carried {
    Quic,
}

/// A flow none of whose first this many datagrams looks like a protocol tlsscope reads
/// is given up on: a bound on the work spent on DNS, RTP, and the rest.
pub const SNIFF_DATAGRAMS: u32 = 8;

/// What one datagram says about its flow, if anything. QUIC: a long header of a known
/// version (a flow joined after its handshake shows only short headers, which have too
/// little structure to be told from noise).
pub fn classify(payload: &[u8]) -> Option<Carried> {
    sniff(payload).map(|_| Carried::Quic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quic::testvectors::{h, V1_CLIENT_PACKET};

    #[test]
    fn quic_initial_is_quic_and_dns_is_not() {
        assert_eq!(classify(&h(V1_CLIENT_PACKET)), Some(Carried::Quic));
        // A DNS query for example.com.
        let dns = h("abcd01000001000000000000076578616d706c6503636f6d0000010001");
        assert_eq!(classify(&dns), None);
        assert_eq!(classify(&[]), None);
        assert_eq!(classify(&[0xc0]), None);
    }
}
