//! Link layers: from a captured frame to the IP packet it carries.
//!
//! ```text
//!  Ethernet  | dst(6) src(6) [8100/88a8/9100 tag(4)]* type(2) | IP ...
//!  SLL  (113)| pkttype(2) hatype(2) halen(2) addr(8) proto(2) | IP ...
//!  SLL2 (276)| proto(2) rsvd(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8) | IP ...
//!  NULL (0)  | family(4, host order) | IP ...      LOOP (108): family in network order
//!  RAW (101, 12, 14), IPV4 (228), IPV6 (229)   | IP ...
//! ```

use serde::Serialize;

/// A pcap/pcapng link-layer type number (LINKTYPE_*).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct LinkType(pub u32);

impl LinkType {
    /// The name used by libpcap (`LINKTYPE_ETHERNET` → "ETHERNET").
    pub fn name(self) -> String {
        match self.0 {
            0 => "NULL".into(),
            1 => "ETHERNET".into(),
            12 | 14 | 101 => "RAW".into(),
            108 => "LOOP".into(),
            113 => "LINUX_SLL".into(),
            228 => "IPV4".into(),
            229 => "IPV6".into(),
            276 => "LINUX_SLL2".into(),
            n => format!("LINKTYPE_{n}"),
        }
    }

    pub fn is_supported(self) -> bool {
        matches!(self.0, 0 | 1 | 12 | 14 | 101 | 108 | 113 | 228 | 229 | 276)
    }
}

/// The network-layer packet found inside a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkPayload<'a> {
    Ipv4(&'a [u8]),
    Ipv6(&'a [u8]),
}

/// Why a frame yields no IP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    /// The link type is not one we decode.
    UnsupportedLinkType,
    /// The frame is too short for its link header.
    Truncated,
    /// A well-formed frame that carries something other than IP (ARP, LLC …).
    NotIp,
}

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;

/// Removes the link-layer header of `data` according to `link`.
pub fn strip_link_layer(link: LinkType, data: &[u8]) -> Result<NetworkPayload<'_>, LinkError> {
    match link.0 {
        1 => ethernet(data),
        113 => {
            let proto = be16(data, 14)?;
            by_ethertype(proto, data.get(16..).ok_or(LinkError::Truncated)?)
        }
        276 => {
            let proto = be16(data, 0)?;
            by_ethertype(proto, data.get(20..).ok_or(LinkError::Truncated)?)
        }
        0 | 108 => {
            let family = data.get(..4).ok_or(LinkError::Truncated)?;
            let family = if link.0 == 108 {
                u32::from_be_bytes([family[0], family[1], family[2], family[3]])
            } else {
                // Host byte order of the capturing machine: accept either.
                let le = u32::from_le_bytes([family[0], family[1], family[2], family[3]]);
                if le < 0x100 {
                    le
                } else {
                    le.swap_bytes()
                }
            };
            let rest = &data[4..];
            match family {
                2 => Ok(NetworkPayload::Ipv4(rest)),
                // AF_INET6: 10 on Linux, 24 on NetBSD/OpenBSD, 28 on FreeBSD, 30 on macOS.
                10 | 24 | 28 | 30 => Ok(NetworkPayload::Ipv6(rest)),
                _ => Err(LinkError::NotIp),
            }
        }
        12 | 14 | 101 => raw_ip(data),
        228 => Ok(NetworkPayload::Ipv4(data)),
        229 => Ok(NetworkPayload::Ipv6(data)),
        _ => Err(LinkError::UnsupportedLinkType),
    }
}

fn ethernet(data: &[u8]) -> Result<NetworkPayload<'_>, LinkError> {
    let mut offset = 12;
    loop {
        let ethertype = be16(data, offset)?;
        match ethertype {
            // 802.1Q, 802.1ad (QinQ) and the old pre-standard QinQ tag.
            0x8100 | 0x88a8 | 0x9100 => offset += 4,
            _ => return by_ethertype(ethertype, &data[offset + 2..]),
        }
    }
}

fn raw_ip(data: &[u8]) -> Result<NetworkPayload<'_>, LinkError> {
    match data.first().map(|b| b >> 4) {
        Some(4) => Ok(NetworkPayload::Ipv4(data)),
        Some(6) => Ok(NetworkPayload::Ipv6(data)),
        Some(_) => Err(LinkError::NotIp),
        None => Err(LinkError::Truncated),
    }
}

fn by_ethertype(ethertype: u16, rest: &[u8]) -> Result<NetworkPayload<'_>, LinkError> {
    match ethertype {
        ETHERTYPE_IPV4 => Ok(NetworkPayload::Ipv4(rest)),
        ETHERTYPE_IPV6 => Ok(NetworkPayload::Ipv6(rest)),
        _ => Err(LinkError::NotIp),
    }
}

fn be16(data: &[u8], at: usize) -> Result<u16, LinkError> {
    data.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or(LinkError::Truncated)
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP4: [u8; 2] = [0x45, 0x00];

    #[test]
    fn ethernet_with_two_vlan_tags() {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x88, 0xa8, 0, 10, 0x81, 0x00, 0, 20, 0x08, 0x00]);
        f.extend_from_slice(&IP4);
        assert_eq!(
            strip_link_layer(LinkType(1), &f),
            Ok(NetworkPayload::Ipv4(&IP4))
        );
    }

    #[test]
    fn sll_and_sll2() {
        let mut sll = vec![0u8; 14];
        sll.extend_from_slice(&[0x86, 0xdd, 0x60]);
        assert_eq!(
            strip_link_layer(LinkType(113), &sll),
            Ok(NetworkPayload::Ipv6(&[0x60]))
        );
        let mut sll2 = vec![0x08, 0x00];
        sll2.extend_from_slice(&[0u8; 18]);
        sll2.extend_from_slice(&IP4);
        assert_eq!(
            strip_link_layer(LinkType(276), &sll2),
            Ok(NetworkPayload::Ipv4(&IP4))
        );
    }

    #[test]
    fn null_loopback_either_byte_order() {
        let le = [2, 0, 0, 0, 0x45];
        let be = [0, 0, 0, 30, 0x60];
        assert_eq!(
            strip_link_layer(LinkType(0), &le),
            Ok(NetworkPayload::Ipv4(&[0x45]))
        );
        assert_eq!(
            strip_link_layer(LinkType(0), &be),
            Ok(NetworkPayload::Ipv6(&[0x60]))
        );
    }

    #[test]
    fn raw_and_unknown() {
        assert_eq!(
            strip_link_layer(LinkType(101), &[0x60]),
            Ok(NetworkPayload::Ipv6(&[0x60]))
        );
        assert_eq!(
            strip_link_layer(LinkType(147), &[0x45]),
            Err(LinkError::UnsupportedLinkType)
        );
        assert_eq!(
            strip_link_layer(LinkType(1), &[0; 5]),
            Err(LinkError::Truncated)
        );
    }
}
