//! `--shard i/N`: this run keeps the flows whose symmetric hash falls in bucket `i`
//! of `N`, so N runs over the same files split the work without coordinating. The
//! hash is FNV-1a over the two endpoints in a fixed order: the same on every machine,
//! in every run, for both directions of a flow.

use std::net::IpAddr;

use crate::net::Endpoint;

/// Bucket `index` of `count` (`index < count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// `i/N`, with 0 ≤ i < N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let err = || format!("--shard takes i/N with 0 <= i < N (e.g. 0/4), not {text:?}");
        let (i, n) = text.split_once('/').ok_or_else(err)?;
        let (index, count) = (
            i.trim().parse::<u32>().map_err(|_| err())?,
            n.trim().parse::<u32>().map_err(|_| err())?,
        );
        if count == 0 || index >= count {
            return Err(err());
        }
        Ok(Shard { index, count })
    }

    /// Whether the flow between `a` and `b` (either order) over `protocol` (6 TCP,
    /// 17 UDP) is this shard's.
    pub fn keeps(self, a: Endpoint, b: Endpoint, protocol: u8) -> bool {
        flow_hash(a, b, protocol) % u64::from(self.count) == u64::from(self.index)
    }
}

/// The symmetric flow hash: FNV-1a 64 over protocol, then the lower endpoint, then the
/// higher (address bytes, port big-endian).
pub fn flow_hash(a: Endpoint, b: Endpoint, protocol: u8) -> u64 {
    // On the hot path of the session workers: no allocation.
    let key = |e: Endpoint| {
        let mut v = [0u8; 18];
        v[..16].copy_from_slice(&match e.ip {
            IpAddr::V4(ip) => ip.to_ipv6_mapped().octets(),
            IpAddr::V6(ip) => ip.octets(),
        });
        v[16..].copy_from_slice(&e.port.to_be_bytes());
        v
    };
    let (lo, hi) = {
        let (ka, kb) = (key(a), key(b));
        if ka <= kb {
            (ka, kb)
        } else {
            (kb, ka)
        }
    };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in std::iter::once(protocol).chain(lo).chain(hi) {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(ip: &str, port: u16) -> Endpoint {
        Endpoint {
            ip: ip.parse().unwrap(),
            port,
        }
    }

    #[test]
    fn both_directions_land_in_one_bucket_and_buckets_split_flows() {
        let (a, b) = (e("10.0.0.1", 50000), e("10.0.0.2", 443));
        assert_eq!(flow_hash(a, b, 6), flow_hash(b, a, 6));
        assert_ne!(flow_hash(a, b, 6), flow_hash(a, b, 17));
        let shards: Vec<Shard> = (0..4).map(|i| Shard { index: i, count: 4 }).collect();
        let mut per = [0; 4];
        for port in 0..4000u16 {
            let kept: Vec<usize> = (0..4)
                .filter(|&i| shards[i].keeps(e("10.0.0.1", port), b, 6))
                .collect();
            assert_eq!(kept.len(), 1, "every flow in exactly one shard");
            per[kept[0]] += 1;
        }
        assert!(per.iter().all(|&n| n > 800), "{per:?}");
    }

    #[test]
    fn the_argument_is_checked() {
        assert_eq!(Shard::parse("1/3"), Ok(Shard { index: 1, count: 3 }));
        for bad in ["3/3", "1", "a/2", "0/0", "-1/2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }
}
