//! Network layer: IPv4 (with fragment reassembly) and IPv6, down to TCP segments.
//!
//! [`NetDecoder::decode`] takes the IP packet a link layer carried and hands every TCP
//! segment in it to the caller. Segments cut short by the capture's snapshot length say
//! how many payload bytes are missing, so the reassembler can record a gap instead of
//! misreading the stream.

mod defrag;
mod segment;

pub use defrag::{DefragStats, Fragment, Ipv4Defragmenter};
pub use segment::{Endpoint, TcpFlags, TcpSegment};

use std::net::IpAddr;

use etherparse::{IpNumber, LaxIpSlice, TcpHeaderSlice};

use crate::capture::NetworkPayload;

/// Counters of what the network layer saw and skipped.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct NetStats {
    pub ipv4_packets: u64,
    pub ipv6_packets: u64,
    pub tcp_segments: u64,
    pub non_tcp_packets: u64,
    pub malformed_packets: u64,
    pub ipv4_fragments: u64,
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

    /// Decodes one IP packet; `visit` sees the TCP segment it carries, if any.
    pub fn decode(&mut self, packet: NetworkPayload<'_>, visit: &mut impl FnMut(&TcpSegment<'_>)) {
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
        if payload.ip_number != IpNumber::TCP {
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
        if payload.fragmented {
            match &ip {
                LaxIpSlice::Ipv4(v4) => {
                    self.stats.ipv4_fragments += 1;
                    let h = v4.header();
                    let key = (h.source(), h.destination(), h.identification());
                    let offset = h.fragments_offset().value() as usize * 8;
                    let fragment =
                        self.defrag
                            .add(key, offset, h.more_fragments(), payload.payload);
                    let d = self.defrag.stats;
                    self.stats.evicted_datagrams = d.evicted;
                    self.stats.too_fragmented_datagrams = d.too_fragmented;
                    self.stats.incomplete_datagrams =
                        d.evicted + d.too_fragmented + self.defrag.pending() as u64;
                    match fragment {
                        Fragment::Complete(datagram) => {
                            self.stats.reassembled_datagrams += 1;
                            self.tcp(src, dst, &datagram, 0, visit);
                        }
                        Fragment::Invalid => self.stats.malformed_packets += 1,
                        Fragment::Pending | Fragment::TooFragmented => {}
                    }
                }
                // IPv6 fragments are rare for TCP (PMTU discovery avoids them).
                LaxIpSlice::Ipv6(_) => self.stats.malformed_packets += 1,
            }
            return;
        }
        self.tcp(src, dst, payload.payload, cut, visit);
    }

    fn tcp(
        &mut self,
        src: IpAddr,
        dst: IpAddr,
        bytes: &[u8],
        cut_after_ip: usize,
        visit: &mut impl FnMut(&TcpSegment<'_>),
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
        visit(&segment);
    }

    /// Fragments still waiting for their missing parts (for the report).
    pub fn pending_fragments(&self) -> usize {
        self.defrag.pending()
    }
}
