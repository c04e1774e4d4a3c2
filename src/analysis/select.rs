//! Which connections a command is about: `--conn 3`, `--conn 3,5-9`, `--conn all`.

use std::fmt;
use std::str::FromStr;

/// A set of connection ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnSet {
    All,
    /// Inclusive ranges, sorted, apart (a single id is a range of one). Build it with
    /// [`ConnSet::from_ranges`], which keeps it so.
    Ranges(Vec<(u64, u64)>),
}

/// Items a list may have: a command line is short.
const MAX_ITEMS: usize = 1024;

impl ConnSet {
    pub fn contains(&self, id: u64) -> bool {
        match self {
            ConnSet::All => true,
            ConnSet::Ranges(r) => {
                // The first range that does not end before `id`.
                let at = r.partition_point(|&(_, b)| b < id);
                r.get(at).is_some_and(|&(a, _)| a <= id)
            }
        }
    }

    /// The set of these inclusive ranges, in any order, overlapping or not.
    pub fn from_ranges(mut ranges: Vec<(u64, u64)>) -> ConnSet {
        ranges.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
        for (a, b) in ranges {
            match merged.last_mut() {
                Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        ConnSet::Ranges(merged)
    }

    /// The set of these ids (`--filter`'s matches: many, mostly in runs).
    pub fn from_ids(ids: impl IntoIterator<Item = u64>) -> ConnSet {
        ConnSet::from_ranges(ids.into_iter().map(|id| (id, id)).collect())
    }

    /// The one id, when the set is exactly one connection.
    pub fn single(&self) -> Option<u64> {
        match self {
            ConnSet::Ranges(r) if r.len() == 1 && r[0].0 == r[0].1 => Some(r[0].0),
            _ => None,
        }
    }
}

impl FromStr for ConnSet {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("all") {
            return Ok(ConnSet::All);
        }
        let mut ranges = Vec::new();
        for item in s.split(',') {
            let item = item.trim();
            let id = |t: &str| {
                t.trim()
                    .parse::<u64>()
                    .map_err(|_| format!("`{item}` is not a connection id or a range like 5-9"))
            };
            let range = match item.split_once('-') {
                Some((a, b)) => (id(a)?, id(b)?),
                None => (id(item)?, id(item)?),
            };
            if range.0 > range.1 {
                return Err(format!("the range `{item}` runs backwards"));
            }
            if ranges.len() == MAX_ITEMS {
                return Err(format!("more than {MAX_ITEMS} items: use ranges"));
            }
            ranges.push(range);
        }
        Ok(ConnSet::from_ranges(ranges))
    }
}

impl fmt::Display for ConnSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnSet::All => f.write_str("all"),
            ConnSet::Ranges(r) => {
                for (i, &(a, b)) in r.iter().enumerate() {
                    let sep = if i > 0 { "," } else { "" };
                    if a == b {
                        write!(f, "{sep}{a}")?;
                    } else {
                        write!(f, "{sep}{a}-{b}")?;
                    }
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_ranges_and_all() {
        let s: ConnSet = "3, 5-9,12".parse().unwrap();
        assert!(s.contains(3) && s.contains(5) && s.contains(9) && s.contains(12));
        assert!(!s.contains(4) && !s.contains(10));
        assert_eq!(s.to_string(), "3,5-9,12");
        assert_eq!(s.single(), None);
        assert_eq!("7".parse::<ConnSet>().unwrap().single(), Some(7));
        assert!("ALL".parse::<ConnSet>().unwrap().contains(u64::MAX));
        // Kept sorted and merged, so that `contains` can search.
        let s: ConnSet = "9, 3-5, 4-7, 0".parse().unwrap();
        assert_eq!(s.to_string(), "0,3-7,9");
        assert!(!s.contains(1) && !s.contains(8) && s.contains(6) && s.contains(9));
    }

    #[test]
    fn sets_of_ids() {
        let s = ConnSet::from_ids([7, 1, 2, 3, 9, 8, u64::MAX]);
        assert_eq!(s.to_string(), format!("1-3,7-9,{}", u64::MAX));
        assert_eq!(ConnSet::from_ids([4]).single(), Some(4));
        assert_eq!(ConnSet::from_ids([]).single(), None);
        assert!(!ConnSet::from_ids([]).contains(0));
    }

    #[test]
    fn bad_lists_say_which_item() {
        let e = "3,x".parse::<ConnSet>().unwrap_err();
        assert!(e.contains("`x`"), "{e}");
        assert!("9-5".parse::<ConnSet>().unwrap_err().contains("backwards"));
        assert!("".parse::<ConnSet>().is_err());
        assert!("1-".parse::<ConnSet>().is_err());
    }
}
