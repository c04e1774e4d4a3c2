//! What a UDP flow carries, told by content (any port), from its first datagrams.

use crate::quic::header::sniff;
use crate::tls::dtls::record;

/// A protocol of a UDP flow that tlsscope reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carried {
    Quic,
    Dtls,
}

/// A flow none of whose first this many datagrams looks like a protocol tlsscope reads
/// is given up on: a bound on the work spent on DNS, RTP, and the rest.
pub const SNIFF_DATAGRAMS: u32 = 8;

/// What one datagram says about its flow, if anything. QUIC: a long header of a known
/// version (a flow joined after its handshake shows only short headers, which have too
/// little structure to be told from noise). DTLS: a full record header of a known
/// content type (20–26) and DTLS version that frames in the datagram; its first byte is
/// never a QUIC long header's (those have the top bit set).
pub fn classify(payload: &[u8]) -> Option<Carried> {
    if record::sniff(payload) {
        return Some(Carried::Dtls);
    }
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

    #[test]
    fn a_dtls_record_is_dtls() {
        // A DTLS 1.2 alert record: type 21, 0xfefd, epoch 0, sequence 0, length 2.
        let alert = h("15fefd0000000000000000000202280a");
        assert_eq!(classify(&alert[..15]), Some(Carried::Dtls));
        // The same with a TLS version, or a length past the datagram: not DTLS.
        assert_eq!(classify(&h("150303000000000000000000020228")), None);
        assert_eq!(classify(&alert[..14]), None);
    }
}
