//! Fitting a table to a width, as `ls -l` and `ps` do rather than by wrapping: the
//! columns that matter most stay, each on one line; long values are cut with `…`
//! (in the middle for an address, where both ends say something); the columns that do
//! not fit are left out, least important first. `--wide` shows everything.
//!
//! ```text
//!  width 80 ─► keep columns by priority while their least widths fit
//!           ─► give each its natural width, then narrow the one with the most slack
//!              until the row fits ─► cut each cell to its column
//! ```

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Where a cut value loses its characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// `TLS_ECDHE_RSA_WITH_AES_1…`
    End,
    /// `[2001:db8::…:1]:443`: both ends carry meaning.
    Middle,
}

/// A column of a fitted table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub header: &'static str,
    /// 0 is kept first; higher numbers go first when the width runs out.
    pub priority: u8,
    /// The width under which the column is left out rather than cut further (a value
    /// shorter than this is never cut).
    pub min: usize,
    /// The width it takes before less important columns have theirs (it may grow
    /// past it when room is left).
    pub max: usize,
    pub cut: Cut,
}

/// Terminal cells a value takes (East Asian wide characters take two).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// The columns kept (their indices, in table order) and the width of each, so that
/// rows of `cells` fit in `total` terminal cells. Columns are placed most important
/// first, each as wide as its widest value up to its `max`; one that no longer fits
/// whole takes what is left if that is at least its `min`, else it is left out. Room
/// left at the end widens the columns that were held to their `max`.
pub fn fit(columns: &[Column], cells: &[Vec<String>], total: usize) -> Vec<(usize, usize)> {
    let natural: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .filter_map(|row| row.get(i))
                .map(|s| width(s))
                .chain([width(c.header)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let least = |i: usize| natural[i].min(columns[i].min.max(width(columns[i].header)));
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| (columns[i].priority, i));
    // The frame's last border, then 3 cells per column (a border and two spaces).
    let mut room = total.saturating_sub(1);
    let mut kept: Vec<(usize, usize)> = Vec::new();
    for &i in &order {
        let want = natural[i].min(columns[i].max.max(least(i)));
        if want + 3 <= room {
            kept.push((i, want));
            room -= want + 3;
        } else if least(i) + 3 <= room {
            kept.push((i, room - 3));
            room = 0;
        }
    }
    if kept.is_empty() {
        if let Some(&i) = order.first() {
            kept.push((i, least(i)));
        }
    }
    for (i, w) in kept.iter_mut() {
        let more = (natural[*i] - *w).min(room);
        *w += more;
        room -= more;
    }
    kept.sort_by_key(|&(i, _)| i);
    kept
}

/// `s` cut to `max` terminal cells, `…` marking where it lost characters.
pub fn cut(s: &str, max: usize, how: Cut) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let room = max - 1; // the `…`
    let take = |chars: &mut dyn Iterator<Item = char>, budget: usize| {
        let mut out = String::new();
        let mut used = 0;
        for c in chars {
            let w = c.width().unwrap_or(0);
            if used + w > budget {
                break;
            }
            used += w;
            out.push(c);
        }
        out
    };
    match how {
        Cut::End => Cow::Owned(format!("{}…", take(&mut s.chars(), room))),
        Cut::Middle => {
            let tail_room = room / 2;
            let head = take(&mut s.chars(), room - tail_room);
            let tail: String = take(&mut s.chars().rev(), tail_room)
                .chars()
                .rev()
                .collect();
            Cow::Owned(format!("{head}…{tail}"))
        }
    }
}

/// `text` in lines of at most `max` terminal cells, broken at spaces (a word longer
/// than a line is cut into pieces).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word;
        loop {
            let room = if line.is_empty() {
                max
            } else {
                max.saturating_sub(width(&line) + 1)
            };
            if width(word) <= room {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                break;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word wider than a whole line: as much as fits, then the rest.
            let mut used = 0;
            let split = word
                .char_indices()
                .find(|&(_, c)| {
                    used += c.width().unwrap_or(0);
                    used > max
                })
                .map_or(word.len(), |(at, _)| at);
            lines.push(word[..split].to_string());
            word = &word[split..];
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn col(header: &'static str, priority: u8, min: usize, max: usize) -> Column {
        Column {
            header,
            priority,
            min,
            max,
            cut: Cut::End,
        }
    }

    const COLS: [Column; 3] = [
        col("id", 0, 2, 10),
        col("name", 1, 6, 12),
        col("extra", 2, 8, 40),
    ];

    fn rows() -> Vec<Vec<String>> {
        vec![vec![
            "1".into(),
            "a-rather-long-name".into(),
            "more text here".into(),
        ]]
    }

    #[test]
    fn everything_fits_when_there_is_room() {
        // 2 + 18 + 14 + frame 10 = 44
        assert_eq!(fit(&COLS, &rows(), 44), vec![(0, 2), (1, 18), (2, 14)]);
    }

    #[test]
    fn important_columns_first_then_the_rest_of_the_room() {
        // id 2 + name held to 12 + extra 14 + frame 10 = 38; the 6 left widen name.
        assert_eq!(fit(&COLS, &rows(), 40), vec![(0, 2), (1, 14), (2, 14)]);
        // Room for extra cut to 9 (at least 8), none left to widen name.
        assert_eq!(fit(&COLS, &rows(), 33), vec![(0, 2), (1, 12), (2, 9)]);
        // extra no longer fits at 8: left out, and name gets the room.
        assert_eq!(fit(&COLS, &rows(), 31), vec![(0, 2), (1, 18)]);
        assert_eq!(fit(&COLS, &rows(), 26), vec![(0, 2), (1, 17)]);
        assert_eq!(fit(&COLS, &rows(), 20), vec![(0, 2), (1, 11)]);
        assert_eq!(fit(&COLS, &rows(), 3), vec![(0, 2)]);
    }

    #[test]
    fn wraps_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("abcdefghij k", 4), ["abcd", "efgh", "ij k"]);
        assert_eq!(wrap("", 4), [""]);
        for line in wrap(
            "samples/x.pcap, samples/y.pcap (pcap, pcap): 63 packets",
            20,
        ) {
            assert!(width(&line) <= 20, "{line}");
        }
    }

    #[test]
    fn cuts_mark_what_is_gone() {
        assert_eq!(cut("abcdef", 6, Cut::End), "abcdef");
        assert_eq!(cut("abcdefgh", 6, Cut::End), "abcde…");
        assert_eq!(cut("[2001:db8::1]:443", 11, Cut::Middle), "[2001…]:443");
        assert_eq!(cut("日本語のホスト", 7, Cut::End), "日本語…");
        assert!(width(&cut("日本語のホスト", 6, Cut::End)) <= 6);
        assert_eq!(cut("abc", 0, Cut::End), "");
    }
}
