//! `follow`: one connection's decrypted application data, as raw bytes, text or a hex
//! dump, written as it is decrypted. With both directions, consecutive data of one
//! side goes out as one chunk under a `==> client → server (N bytes)` marker; a chunk
//! is written once the other side speaks, or once it reaches [`CHUNK_BYTES`], so that
//! memory stays bounded however long the connection is. What is missing from a side's
//! stream (lost in the capture, or records not decrypted) is marked in its place in the
//! text and hex views (`[1,200 bytes missing: lost in the capture]`), consecutive
//! missing spans of one kind as one mark; raw output only counts them (`missing`).

use std::collections::HashMap;
use std::io::{self, Write};

use super::model::Side;

/// Which side(s) to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Client,
    Server,
    Both,
}

/// Output shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Raw,
    Ascii,
    Hex,
}

/// Why a span of a side's stream is not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// The capture does not have these bytes (a TCP gap, a QUIC stream hole).
    Lost,
    /// Records of this many bytes on the wire were there but did not decrypt.
    Undecrypted,
}

/// What is kept per followed connection.
#[derive(Debug, Default)]
struct ConnState {
    /// Bytes shown so far per side (the hex dump's offsets).
    offsets: [usize; 2],
    /// Some of its data was shown.
    shown: bool,
    /// Missing bytes before its first data, per side and kind: marked when data comes,
    /// dropped if none does (a connection not decrypted at all is an error, not marks).
    before_data: [[u64; 2]; 2],
}

/// The most data held back to be written as one marked chunk.
pub const CHUNK_BYTES: usize = 64 << 10;

/// Writes the data of the chosen side(s) as it comes.
pub struct FollowWriter<W: Write> {
    out: W,
    which: Which,
    format: Format,
    /// Data of one side not written yet (only with markers: ascii/hex, both sides).
    pending: Option<(Side, Vec<u8>)>,
    /// Each followed connection's state, until it ends.
    conns: HashMap<u64, ConnState>,
    /// Several connections are followed: each marker names its connection.
    several: bool,
    /// The connection whose data comes now.
    conn: u64,
    /// A missing span not marked yet (consecutive ones of a kind and side add up).
    pending_missing: Option<(Side, Missing, u64)>,
    /// Bytes of decrypted data shown.
    pub shown: u64,
    /// Bytes missing from the shown sides: `[lost, undecrypted]`.
    pub missing: [u64; 2],
}

impl<W: Write> FollowWriter<W> {
    pub fn new(out: W, which: Which, format: Format) -> Self {
        FollowWriter {
            out,
            which,
            format,
            pending: None,
            conns: HashMap::new(),
            several: false,
            conn: 0,
            pending_missing: None,
            shown: 0,
            missing: [0; 2],
        }
    }

    /// Follows several connections: their data interleaves in capture order, each
    /// chunk marked with its connection.
    pub fn several(mut self) -> Self {
        self.several = true;
        self
    }

    /// The data and marks that follow are connection `id`'s.
    pub fn connection(&mut self, id: u64) -> io::Result<()> {
        if id != self.conn {
            self.flush_pending()?;
            self.flush_missing()?;
            self.conn = id;
        }
        Ok(())
    }

    /// Connection `id` has ended: its offsets are forgotten.
    pub fn end_connection(&mut self, id: u64) -> io::Result<()> {
        if id == self.conn {
            self.flush_pending()?;
            self.flush_missing()?;
        }
        self.conns.remove(&id);
        Ok(())
    }

    /// The start of a marker line: `==> client → server`, `==> conn 3: client → server`.
    fn marker(&self, side: Side) -> String {
        if self.several {
            format!("==> conn {}: {}", self.conn, arrow(side))
        } else {
            format!("==> {}", arrow(side))
        }
    }

    fn wanted(&self, side: Side) -> bool {
        match self.which {
            Which::Both => true,
            Which::Client => side == Side::Client,
            Which::Server => side == Side::Server,
        }
    }

    fn marked(&self) -> bool {
        (self.which == Which::Both || self.several) && self.format != Format::Raw
    }

    /// Data one side sent, in capture order.
    pub fn data(&mut self, side: Side, bytes: &[u8]) -> io::Result<()> {
        if !self.wanted(side) || bytes.is_empty() {
            return Ok(());
        }
        self.shown += bytes.len() as u64;
        let state = self.conns.entry(self.conn).or_default();
        if !state.shown {
            state.shown = true;
            let before = std::mem::take(&mut state.before_data);
            for (s, side) in [Side::Client, Side::Server].into_iter().enumerate() {
                for (w, why) in [Missing::Lost, Missing::Undecrypted]
                    .into_iter()
                    .enumerate()
                {
                    if before[s][w] > 0 {
                        self.pending_missing = Some((side, why, before[s][w]));
                        self.flush_missing()?;
                    }
                }
            }
        }
        self.flush_missing()?;
        if !self.marked() {
            return self.write_chunk(side, bytes);
        }
        if self.pending.as_ref().is_some_and(|(s, _)| *s != side) {
            self.flush_pending()?;
        }
        let (_, buf) = self.pending.get_or_insert_with(|| (side, Vec::new()));
        buf.extend_from_slice(bytes);
        if buf.len() >= CHUNK_BYTES {
            self.flush_pending()?;
        }
        Ok(())
    }

    /// `len` bytes of a side's stream that are not shown, and why.
    pub fn missing(&mut self, side: Side, len: u64, why: Missing) -> io::Result<()> {
        if !self.wanted(side) || len == 0 {
            return Ok(());
        }
        self.missing[why as usize] += len;
        let state = self.conns.entry(self.conn).or_default();
        if !state.shown {
            state.before_data[side as usize][why as usize] += len;
            return Ok(());
        }
        match &mut self.pending_missing {
            Some((s, w, n)) if *s == side && *w == why => {
                *n += len;
                Ok(())
            }
            _ => {
                self.flush_missing()?;
                self.flush_pending()?;
                self.pending_missing = Some((side, why, len));
                Ok(())
            }
        }
    }

    fn flush_missing(&mut self) -> io::Result<()> {
        let Some((side, why, n)) = self.pending_missing.take() else {
            return Ok(());
        };
        if self.format == Format::Raw {
            return Ok(()); // raw bytes stay raw: the caller reports `missing`
        }
        let what = match why {
            Missing::Lost => "missing: lost in the capture",
            Missing::Undecrypted => "of records not decrypted",
        };
        let n = grouped(n);
        if self.marked() {
            writeln!(self.out, "{}: [{n} bytes {what}]", self.marker(side))
        } else {
            writeln!(self.out, "[{n} bytes {what}]")
        }
    }

    fn flush_pending(&mut self) -> io::Result<()> {
        if let Some((side, data)) = self.pending.take() {
            self.write_chunk(side, &data)?;
        }
        Ok(())
    }

    fn write_chunk(&mut self, side: Side, data: &[u8]) -> io::Result<()> {
        if self.marked() {
            writeln!(self.out, "{} ({} bytes)", self.marker(side), data.len())?;
        }
        match self.format {
            Format::Raw => self.out.write_all(data)?,
            Format::Ascii => {
                let text: Vec<u8> = data
                    .iter()
                    .map(|&b| match b {
                        b'\n' | b'\r' | b'\t' | 0x20..=0x7e => b,
                        _ => b'.',
                    })
                    .collect();
                self.out.write_all(&text)?;
                if self.marked() && !data.ends_with(b"\n") {
                    self.out.write_all(b"\n")?;
                }
            }
            Format::Hex => {
                let o = &mut self.conns.entry(self.conn).or_default().offsets[side as usize];
                for line in data.chunks(16) {
                    let hex: Vec<String> = line.iter().map(|b| format!("{b:02x}")).collect();
                    let text: String = line
                        .iter()
                        .map(|&b| {
                            if (0x20..0x7f).contains(&b) {
                                b as char
                            } else {
                                '.'
                            }
                        })
                        .collect();
                    writeln!(self.out, "{:08x}  {:<47}  {text}", *o, hex.join(" "))?;
                    *o += line.len();
                }
            }
        }
        Ok(())
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    /// Writes what is held back and flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        self.flush_pending()?;
        self.flush_missing()?;
        self.out.flush()
    }
}

fn arrow(side: Side) -> &'static str {
    match side {
        Side::Client => "client → server",
        Side::Server => "server → client",
    }
}

/// `1200` as `1,200`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Renders chunks (in capture order) at once, as `follow` writes them.
pub fn render(chunks: &[(Side, Vec<u8>)], which: Which, format: Format) -> Vec<u8> {
    let mut w = FollowWriter::new(Vec::new(), which, format);
    for (side, data) in chunks {
        let _ = w.data(*side, data);
    }
    let _ = w.finish();
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_keeps_bytes_and_filters_sides() {
        let chunks = vec![
            (Side::Client, b"GET /\r\n".to_vec()),
            (Side::Server, vec![0, 1]),
        ];
        assert_eq!(render(&chunks, Which::Client, Format::Raw), b"GET /\r\n");
        assert_eq!(
            render(&chunks, Which::Both, Format::Raw),
            b"GET /\r\n\x00\x01"
        );
        let text = String::from_utf8(render(&chunks, Which::Both, Format::Ascii)).unwrap();
        assert!(text.contains("==> server → client (2 bytes)\n.."));
        let hex = String::from_utf8(render(&chunks, Which::Server, Format::Hex)).unwrap();
        assert!(hex.starts_with("00000000  00 01"));
    }

    #[test]
    fn missing_spans_are_marked_in_place_and_counted() {
        let mut w = FollowWriter::new(Vec::new(), Which::Both, Format::Ascii);
        w.data(Side::Client, b"GET").unwrap();
        w.missing(Side::Client, 1000, Missing::Lost).unwrap();
        w.missing(Side::Client, 200, Missing::Lost).unwrap();
        w.missing(Side::Server, 30, Missing::Undecrypted).unwrap();
        w.data(Side::Server, b"ok").unwrap();
        w.finish().unwrap();
        assert_eq!(
            String::from_utf8(w.out).unwrap(),
            "==> client → server (3 bytes)\nGET\n\
             ==> client → server: [1,200 bytes missing: lost in the capture]\n\
             ==> server → client: [30 bytes of records not decrypted]\n\
             ==> server → client (2 bytes)\nok\n"
        );
        let mut raw = FollowWriter::new(Vec::new(), Which::Client, Format::Raw);
        raw.data(Side::Client, b"a").unwrap();
        raw.missing(Side::Client, 5, Missing::Lost).unwrap();
        raw.missing(Side::Server, 7, Missing::Lost).unwrap(); // not shown: not counted
        raw.data(Side::Client, b"b").unwrap();
        raw.finish().unwrap();
        assert_eq!((raw.out.as_slice(), raw.missing), (&b"ab"[..], [5, 0]));
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(999), "999");
    }

    #[test]
    fn consecutive_data_of_one_side_is_one_chunk_up_to_a_bound() {
        let chunks = vec![
            (Side::Client, b"ab".to_vec()),
            (Side::Client, b"cd".to_vec()),
            (Side::Server, b"ok".to_vec()),
        ];
        let text = String::from_utf8(render(&chunks, Which::Both, Format::Ascii)).unwrap();
        assert_eq!(
            text,
            "==> client → server (4 bytes)\nabcd\n==> server → client (2 bytes)\nok\n"
        );
        let big = vec![
            (Side::Client, vec![b'x'; CHUNK_BYTES]),
            (Side::Client, vec![b'y']),
        ];
        let text = String::from_utf8(render(&big, Which::Both, Format::Ascii)).unwrap();
        assert_eq!(text.matches("==> client").count(), 2);
    }
}
