//! Network layer: IPv4 (with fragment reassembly) and IPv6, down to TCP segments and
//! UDP datagrams.
//!
//! [`NetDecoder::decode_all`] takes the IP packet a link layer carried and hands the TCP
//! segment or UDP datagram in it to the caller ([`NetDecoder::decode`]: TCP only).
//! Segments cut short by the capture's snapshot length say how many payload bytes are
//! missing, so the reassembler can record a gap instead of misreading the stream.

mod defrag;
mod segment;

pub use defrag::{DefragStats, Fragment, Ipv4Defragmenter};
pub use segment::{Endpoint, TcpFlags, TcpSegment, Transported, UdpDatagram};

use std::net::IpAddr;

use etherparse::{IpNumber, LaxIpSlice, TcpHeaderSlice, UdpHeaderSlice};

use crate::capture::NetworkPayload;

/// Counters of what the network layer saw and skipped.
#[derive(Debug, Default, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct NetStats {
    pub ipv4_packets: u64,
    pub ipv6_packets: u64,
    pub tcp_segments: u64,
    pub udp_datagrams: u64,
    /// Packets of other protocols (neither TCP nor UDP: ICMP, …).
    pub non_tcp_packets: u64,
    pub malformed_packets: u64,
    pub ipv4_fragments: u64,
    /// IPv6 packets with a fragment header (reassembled in the same table, same bounds).
    pub ipv6_fragments: u64,
    pub reassembled_datagrams: u64,
    /// Packets whose TCP payload the snapshot length cut short.
    pub snaplen_truncated_segments: u64,
    /// Fragmented IPv4 datagrams that never became whole: dropped (the two counters
    /// below) or still missing fragments when the capture ended.
    pub incomplete_datagrams: u64,
    /// Incomplete datagrams dropped, oldest first, to bound memory: more than 1,024
    /// waiting at once, or 8 MiB held by those waiting.
    pub evicted_datagrams: u64,
    /// Datagrams dropped because their fragments left more than 64 separate pieces.
    pub too_fragmented_datagrams: u64,
}

impl NetStats {
    /// The warning for datagrams that never became whole, if any.
    pub fn defrag_warning(&self) -> Option<String> {
        if self.incomplete_datagrams == 0 {
            return None;
        }
        let waiting = self
            .incomplete_datagrams
            .saturating_sub(self.evicted_datagrams + self.too_fragmented_datagrams);
        let mut why = Vec::new();
        if waiting > 0 {
            why.push(format!("{waiting} still missed fragments at the end"));
        }
        if self.evicted_datagrams > 0 {
            why.push(format!(
                "{} dropped to bound memory (more than {} waiting at once or {} MiB held)",
                self.evicted_datagrams,
                defrag::MAX_PENDING,
                defrag::MAX_HELD >> 20
            ));
        }
        if self.too_fragmented_datagrams > 0 {
            why.push(format!(
                "{} dropped with more than {} separate pieces",
                self.too_fragmented_datagrams,
                defrag::MAX_RANGES
            ));
        }
        Some(format!(
            "{} never became whole: {}",
            match self.incomplete_datagrams {
                1 => "1 fragmented IPv4 datagram".to_string(),
                n => format!("{n} fragmented IPv4 datagrams"),
            },
            why.join(", ")
        ))
    }
}

/// An IPv6 fragment header's (offset in bytes, more fragments, identification), when it
/// fragments (an atomic fragment, offset 0 without M, does not: RFC 6946).
fn v6_fragment(header: &[u8]) -> Option<(usize, bool, u32)> {
    let field = u16::from_be_bytes([*header.get(2)?, *header.get(3)?]);
    let id = u32::from_be_bytes(header.get(4..8)?.try_into().ok()?);
    let offset = usize::from(field >> 3) * 8;
    let more = field & 1 != 0;
    (offset != 0 || more).then_some((offset, more, id))
}

/// Decodes IP packets into TCP segments, reassembling IPv4 fragments on the way.
#[derive(Default)]
pub struct NetDecoder {
    pub stats: NetStats,
    defrag: Ipv4Defragmenter,
}

impl NetDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes one IP packet; `visit` sees the TCP segment it carries, if any (UDP is
    /// counted and skipped).
    pub fn decode(&mut self, packet: NetworkPayload<'_>, visit: &mut impl FnMut(&TcpSegment<'_>)) {
        self.decode_all(packet, &mut |t| {
            if let Transported::Tcp(seg) = t {
                visit(seg)
            }
        })
    }

    /// Decodes one IP packet; `visit` sees the TCP segment or UDP datagram it carries.
    pub fn decode_all(
        &mut self,
        packet: NetworkPayload<'_>,
        visit: &mut impl FnMut(Transported<'_, '_>),
    ) {
        let bytes = match packet {
            NetworkPayload::Ipv4(b) => {
                self.stats.ipv4_packets += 1;
                b
            }
            NetworkPayload::Ipv6(b) => {
                self.stats.ipv6_packets += 1;
                b
            }
        };
        let Ok((ip, _ext_error)) = LaxIpSlice::from_slice(bytes) else {
            self.stats.malformed_packets += 1;
            return;
        };
        let src = ip.source_addr();
        let dst = ip.destination_addr();
        let payload = ip.payload();
        let proto = payload.ip_number;
        if proto != IpNumber::TCP && proto != IpNumber::UDP {
            self.stats.non_tcp_packets += 1;
            return;
        }
        // Bytes of the IP payload that the capture's snapshot length cut off.
        let claimed = match &ip {
            LaxIpSlice::Ipv4(v4) => {
                let h = v4.header();
                (h.total_len() as usize).saturating_sub(h.slice().len())
            }
            LaxIpSlice::Ipv6(v6) => (v6.header().payload_length() as usize)
                .saturating_sub(v6.extensions().slice().len()),
        };
        let cut = if payload.incomplete {
            claimed.saturating_sub(payload.payload.len())
        } else {
            0
        };
        // IPv6: the fragment header read here, by RFC 8200 §4.5's layout (etherparse
        // 0.19 reads its offset and M flag from other bits).
        let v6_fragment = match &ip {
            LaxIpSlice::Ipv6(v6) => v6.extensions().clone().into_iter().find_map(|e| match e {
                etherparse::Ipv6ExtensionSlice::Fragment(f) => Some(v6_fragment(f.slice())),
                _ => None,
            }),
            LaxIpSlice::Ipv4(_) => None,
        }
        .flatten();
        if payload.fragmented || v6_fragment.is_some() {
            match &ip {
                LaxIpSlice::Ipv4(v4) => {
                    self.stats.ipv4_fragments += 1;
                    let h = v4.header();
                    let mapped = |a: [u8; 4]| std::net::Ipv4Addr::from(a).to_ipv6_mapped().octets();
                    let key = (
                        mapped(h.source()),
                        mapped(h.destination()),
                        u32::from(h.identification()),
                    );
                    let offset = h.fragments_offset().value() as usize * 8;
                    let fragment =
                        self.defrag
                            .add(key, offset, h.more_fragments(), payload.payload);
                    self.defragmented(fragment, proto, src, dst, visit);
                }
                LaxIpSlice::Ipv6(v6) => {
                    self.stats.ipv6_fragments += 1;
                    let Some((offset, more, id)) = v6_fragment else {
                        // etherparse saw fragmenting bits where RFC 8200 sees none: an
                        // atomic fragment, the whole datagram.
                        self.transport(proto, src, dst, payload.payload, cut, visit);
                        return;
                    };
                    let h = v6.header();
                    let key = (h.source(), h.destination(), id);
                    let fragment = self.defrag.add(key, offset, more, payload.payload);
                    self.defragmented(fragment, proto, src, dst, visit);
                }
            }
            return;
        }
        self.transport(proto, src, dst, payload.payload, cut, visit);
    }

    /// Counts what the reassembly did with a fragment, and decodes the datagram it
    /// completed.
    fn defragmented(
        &mut self,
        fragment: Fragment,
        proto: IpNumber,
        src: IpAddr,
        dst: IpAddr,
        visit: &mut impl FnMut(Transported<'_, '_>),
    ) {
        let d = self.defrag.stats;
        self.stats.evicted_datagrams = d.evicted;
        self.stats.too_fragmented_datagrams = d.too_fragmented;
        self.stats.incomplete_datagrams =
            d.evicted + d.too_fragmented + self.defrag.pending() as u64;
        match fragment {
            Fragment::Complete(datagram) => {
                self.stats.reassembled_datagrams += 1;
                self.transport(proto, src, dst, &datagram, 0, visit);
            }
            Fragment::Invalid => self.stats.malformed_packets += 1,
            Fragment::Pending | Fragment::TooFragmented => {}
        }
    }

    fn transport(
        &mut self,
        proto: IpNumber,
        src: IpAddr,
        dst: IpAddr,
        bytes: &[u8],
        cut_after_ip: usize,
        visit: &mut impl FnMut(Transported<'_, '_>),
    ) {
        if proto == IpNumber::UDP {
            self.udp(src, dst, bytes, cut_after_ip, visit)
        } else {
            self.tcp(src, dst, bytes, cut_after_ip, visit)
        }
    }

    fn udp(
        &mut self,
        src: IpAddr,
        dst: IpAddr,
        bytes: &[u8],
        cut_after_ip: usize,
        visit: &mut impl FnMut(Transported<'_, '_>),
    ) {
        let Ok(udp) = UdpHeaderSlice::from_slice(bytes) else {
            self.stats.malformed_packets += 1;
            return;
        };
        // The UDP length bounds the payload (IP padding after it is not data); a length
        // below the header's is malformed, one past the bytes present was cut.
        let declared = usize::from(udp.length());
        if declared < 8 && cut_after_ip == 0 {
            self.stats.malformed_packets += 1;
            return;
        }
        let end = declared.max(8).min(bytes.len());
        let missing = (declared.saturating_sub(bytes.len())).max(cut_after_ip);
        self.stats.udp_datagrams += 1;
        let datagram = UdpDatagram {
            src: Endpoint {
                ip: src,
                port: udp.source_port(),
            },
            dst: Endpoint {
                ip: dst,
                port: udp.destination_port(),
            },
            payload: &bytes[8..end],
            missing: missing.min(u16::MAX as usize) as u16,
        };
        visit(Transported::Udp(&datagram));
    }

    fn tcp(
        &mut self,
        src: IpAddr,
        dst: IpAddr,
        bytes: &[u8],
        cut_after_ip: usize,
        visit: &mut impl FnMut(Transported<'_, '_>),
    ) {
        let Ok(tcp) = TcpHeaderSlice::from_slice(bytes) else {
            // A header cut by the snapshot length, or garbage: no sequence number to trust.
            self.stats.malformed_packets += 1;
            return;
        };
        let header_len = tcp.slice().len();
        let data = &bytes[header_len..];
        if cut_after_ip > 0 {
            self.stats.snaplen_truncated_segments += 1;
        }
        self.stats.tcp_segments += 1;
        let segment = TcpSegment {
            src: Endpoint {
                ip: src,
                port: tcp.source_port(),
            },
            dst: Endpoint {
                ip: dst,
                port: tcp.destination_port(),
            },
            seq: tcp.sequence_number(),
            ack: tcp.ack().then(|| tcp.acknowledgment_number()),
            flags: TcpFlags {
                syn: tcp.syn(),
                fin: tcp.fin(),
                rst: tcp.rst(),
            },
            payload: data,
            missing: cut_after_ip as u32,
        };
        visit(Transported::Tcp(&segment));
    }

    /// Fragments still waiting for their missing parts (for the report).
    pub fn pending_fragments(&self) -> usize {
        self.defrag.pending()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A datagram seen: source, destination, payload, bytes missing.
    type Seen = (Endpoint, Endpoint, Vec<u8>, u16);

    fn decode(packet: NetworkPayload<'_>) -> (NetStats, Vec<Seen>) {
        let mut net = NetDecoder::new();
        let mut seen = Vec::new();
        net.decode_all(packet, &mut |t| {
            if let Transported::Udp(d) = t {
                seen.push((d.src, d.dst, d.payload.to_vec(), d.missing));
            }
        });
        (net.stats, seen)
    }

    fn udp(payload: &[u8]) -> Vec<u8> {
        let mut v = vec![0x12, 0x34, 0x01, 0xbb];
        v.extend_from_slice(&(8 + payload.len() as u16).to_be_bytes());
        v.extend_from_slice(&[0, 0]);
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn ipv4_udp_payload_ends_at_the_udp_length() {
        let mut body = udp(b"hello");
        body.extend_from_slice(&[0, 0, 0]); // padding after the datagram, inside IP
        let mut ip = vec![
            0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        let total = (20 + body.len()) as u16;
        ip[2..4].copy_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(&body);
        let (stats, seen) = decode(NetworkPayload::Ipv4(&ip));
        assert_eq!(stats.udp_datagrams, 1);
        assert_eq!(stats.non_tcp_packets, 0);
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].0.port, 0x1234);
        assert_eq!(seen[0].1.port, 443);
        assert_eq!(seen[0].2, b"hello");
        assert_eq!(seen[0].3, 0);
    }

    /// A hop-by-hop options header before the UDP header is walked over.
    #[test]
    fn ipv6_udp_after_an_extension_header() {
        let body = udp(b"quic?");
        let mut hop = vec![17, 0, 1, 4, 0, 0, 0, 0]; // next: UDP, 8 bytes, PadN
        hop.extend_from_slice(&body);
        let mut ip = vec![0x60, 0, 0, 0];
        ip.extend_from_slice(&(hop.len() as u16).to_be_bytes());
        ip.extend_from_slice(&[0, 64]); // next header: hop-by-hop
        ip.extend_from_slice(&[0; 15]);
        ip.push(1);
        ip.extend_from_slice(&[0; 15]);
        ip.push(2);
        ip.extend_from_slice(&hop);
        let (stats, seen) = decode(NetworkPayload::Ipv6(&ip));
        assert_eq!(stats.ipv6_packets, 1);
        assert_eq!(stats.udp_datagrams, 1, "{stats:?}");
        assert_eq!(seen[0].2, b"quic?");
        assert!(seen[0].0.ip.is_ipv6());
    }

    fn ipv6_fragment(id: u32, offset: u16, more: bool, data: &[u8]) -> Vec<u8> {
        let mut frag = vec![17, 0];
        frag.extend_from_slice(&((offset << 3) | u16::from(more)).to_be_bytes());
        frag.extend_from_slice(&id.to_be_bytes());
        frag.extend_from_slice(data);
        let mut ip = vec![0x60, 0, 0, 0];
        ip.extend_from_slice(&(frag.len() as u16).to_be_bytes());
        ip.extend_from_slice(&[44, 64]); // next header: fragment
        ip.extend_from_slice(&[0x20; 16]);
        ip.extend_from_slice(&[0x30; 16]);
        ip.extend_from_slice(&frag);
        ip
    }

    /// A UDP datagram in two IPv6 fragments, the last first: one datagram, whole.
    #[test]
    fn ipv6_fragments_are_reassembled() {
        let body = udp(&[9; 26]);
        let (a, b) = body.split_at(24);
        let mut net = NetDecoder::new();
        let mut seen = Vec::new();
        for p in [
            ipv6_fragment(77, 3, false, b),
            ipv6_fragment(77, 0, true, a),
        ] {
            net.decode_all(NetworkPayload::Ipv6(&p), &mut |t| {
                if let Transported::Udp(d) = t {
                    seen.push(d.payload.to_vec());
                }
            });
        }
        assert_eq!(seen, [vec![9; 26]], "{:?}", net.stats);
        assert_eq!(net.stats.ipv6_fragments, 2);
        assert_eq!(net.stats.reassembled_datagrams, 1);
        assert_eq!(net.stats.incomplete_datagrams, 0);
    }

    /// The snapshot length cut the datagram: the bytes present, and how many are missing.
    #[test]
    fn cut_udp_says_what_is_missing() {
        let body = udp(&[7; 100]);
        let mut ip = vec![
            0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        let total = (20 + body.len()) as u16;
        ip[2..4].copy_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(&body[..40]);
        let (_, seen) = decode(NetworkPayload::Ipv4(&ip));
        assert_eq!(seen[0].2.len(), 32);
        assert_eq!(seen[0].3, 68);
    }

    #[test]
    fn short_or_lying_udp_headers_are_malformed() {
        for body in [vec![1, 2, 3], vec![0, 1, 0, 2, 0, 4, 0, 0]] {
            let mut ip = vec![
                0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
            ];
            let total = (20 + body.len()) as u16;
            ip[2..4].copy_from_slice(&total.to_be_bytes());
            ip.extend_from_slice(&body);
            let (stats, seen) = decode(NetworkPayload::Ipv4(&ip));
            assert!(seen.is_empty());
            assert_eq!(stats.malformed_packets, 1);
        }
    }
}
