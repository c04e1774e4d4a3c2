//! `follow`: one connection's decrypted application data, as raw bytes, text or a hex
//! dump, written as it is decrypted. With both directions, consecutive data of one
//! side goes out as one chunk under a `==> client → server (N bytes)` marker; a chunk
//! is written once the other side speaks, or once it reaches [`CHUNK_BYTES`], so that
//! memory stays bounded however long the connection is.

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

/// The most data held back to be written as one marked chunk.
pub const CHUNK_BYTES: usize = 64 << 10;

/// Writes the data of the chosen side(s) as it comes.
pub struct FollowWriter<W: Write> {
    out: W,
    which: Which,
    format: Format,
    /// Data of one side not written yet (only with markers: ascii/hex, both sides).
    pending: Option<(Side, Vec<u8>)>,
    /// Bytes shown so far per side (the hex dump's offsets).
    offsets: [usize; 2],
    /// Bytes of decrypted data shown.
    pub shown: u64,
}

impl<W: Write> FollowWriter<W> {
    pub fn new(out: W, which: Which, format: Format) -> Self {
        FollowWriter {
            out,
            which,
            format,
            pending: None,
            offsets: [0; 2],
            shown: 0,
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
        self.which == Which::Both && self.format != Format::Raw
    }

    /// Data one side sent, in capture order.
    pub fn data(&mut self, side: Side, bytes: &[u8]) -> io::Result<()> {
        if !self.wanted(side) || bytes.is_empty() {
            return Ok(());
        }
        self.shown += bytes.len() as u64;
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

    fn flush_pending(&mut self) -> io::Result<()> {
        if let Some((side, data)) = self.pending.take() {
            self.write_chunk(side, &data)?;
        }
        Ok(())
    }

    fn write_chunk(&mut self, side: Side, data: &[u8]) -> io::Result<()> {
        let arrow = match side {
            Side::Client => "client → server",
            Side::Server => "server → client",
        };
        if self.marked() {
            writeln!(self.out, "==> {arrow} ({} bytes)", data.len())?;
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
                let o = &mut self.offsets[side as usize];
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
        self.out.flush()
    }
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
