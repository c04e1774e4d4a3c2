//! Which connections a command is about: `--conn 3`, `--conn 3,5-9`, `--conn all`.

use std::fmt;
use std::str::FromStr;

/// A set of connection ids, as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnSet {
    All,
    /// Inclusive ranges, in the order given (a single id is a range of one).
    Ranges(Vec<(u64, u64)>),
}

/// Items a list may have: a command line is short, and this keeps `contains` cheap.
const MAX_ITEMS: usize = 1024;

impl ConnSet {
    pub fn contains(&self, id: u64) -> bool {
        match self {
            ConnSet::All => true,
            ConnSet::Ranges(r) => r.iter().any(|&(a, b)| (a..=b).contains(&id)),
        }
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
        Ok(ConnSet::Ranges(ranges))
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
