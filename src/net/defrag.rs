//! IPv4 fragment reassembly (RFC 791), bounded in memory.

use std::collections::HashMap;

/// (source, destination, identification): the datagram a fragment belongs to.
pub type FragmentKey = ([u8; 4], [u8; 4], u16);

/// The largest IPv4 datagram.
const MAX_DATAGRAM: usize = 65_535;
/// Datagrams waiting for fragments at once; past it the oldest is dropped.
const MAX_PENDING: usize = 1024;

#[derive(Default)]
struct Partial {
    data: Vec<u8>,
    /// Byte ranges received, unsorted; datagrams have few fragments.
    ranges: Vec<(usize, usize)>,
    total: Option<usize>,
    born: u64,
}

/// Collects fragments until a datagram is whole.
#[derive(Default)]
pub struct Ipv4Defragmenter {
    partial: HashMap<FragmentKey, Partial>,
    clock: u64,
}

impl Ipv4Defragmenter {
    /// Adds one fragment (`offset` in bytes); returns the datagram's payload once complete.
    pub fn add(
        &mut self,
        key: FragmentKey,
        offset: usize,
        more_fragments: bool,
        data: &[u8],
    ) -> Option<Vec<u8>> {
        let end = offset + data.len();
        if end > MAX_DATAGRAM {
            return None;
        }
        if self.partial.len() >= MAX_PENDING && !self.partial.contains_key(&key) {
            let oldest = self
                .partial
                .iter()
                .min_by_key(|(_, p)| p.born)
                .map(|(k, _)| *k);
            if let Some(k) = oldest {
                self.partial.remove(&k);
            }
        }
        self.clock += 1;
        let born = self.clock;
        let p = self.partial.entry(key).or_insert_with(|| Partial {
            born,
            ..Partial::default()
        });
        if p.data.len() < end {
            p.data.resize(end, 0);
        }
        p.data[offset..end].copy_from_slice(data);
        p.ranges.push((offset, end));
        if !more_fragments {
            p.total = Some(end);
        }
        let total = p.total?;
        p.ranges.sort_unstable();
        let mut covered = 0;
        for &(s, e) in &p.ranges {
            if s > covered {
                return None;
            }
            covered = covered.max(e);
        }
        if covered < total {
            return None;
        }
        let mut p = self.partial.remove(&key)?;
        p.data.truncate(total);
        Some(p.data)
    }

    pub fn pending(&self) -> usize {
        self.partial.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_order_fragments_make_one_datagram() {
        let mut d = Ipv4Defragmenter::default();
        let key = ([1, 2, 3, 4], [5, 6, 7, 8], 7);
        assert_eq!(d.add(key, 16, false, b"world"), None);
        assert_eq!(
            d.add(key, 0, true, b"hello, wonderful"),
            Some(b"hello, wonderfulworld".to_vec())
        );
        assert_eq!(d.pending(), 0);
    }

    #[test]
    fn a_hole_keeps_it_pending() {
        let mut d = Ipv4Defragmenter::default();
        let key = ([1, 2, 3, 4], [5, 6, 7, 8], 7);
        assert_eq!(d.add(key, 0, true, &[0; 8]), None);
        assert_eq!(d.add(key, 16, false, &[0; 8]), None);
        assert_eq!(d.pending(), 1);
    }
}
