//! One exported body as it is written: the file, and the Content-Encoding decoder in
//! front of it, with the decompression-bomb limit between them.
//!
//! ```text
//!   body bytes ─► gzip | deflate | br decoder ─► Limited (max decoded bytes) ─► BufWriter ─► file
//!              └────────────── identity, or not decoding ──────────────────┘
//! ```
//! A decoder that meets bad data or the limit stops; what it decoded so far stays in
//! the file, and the reason is kept for the index.

use std::fs::File;
use std::io::{self, BufWriter, Write};

/// How the body's bytes were encoded (its Content-Encoding), as far as it is decoded here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    /// HTTP's "deflate" is the zlib format (RFC 9110 §8.4.1.2).
    Deflate,
    Brotli,
}

impl Coding {
    /// The coding a Content-Encoding value names, if this module decodes it (one
    /// coding; a list of several is not decoded).
    pub fn from_header(value: Option<&[u8]>) -> Option<Coding> {
        let Some(value) = value else {
            return Some(Coding::Identity);
        };
        let v = value.trim_ascii();
        let is = |name: &str| v.eq_ignore_ascii_case(name.as_bytes());
        if v.is_empty() || is("identity") {
            Some(Coding::Identity)
        } else if is("gzip") || is("x-gzip") {
            Some(Coding::Gzip)
        } else if is("deflate") {
            Some(Coding::Deflate)
        } else if is("br") {
            Some(Coding::Brotli)
        } else {
            None
        }
    }
}

/// The file's writer, counting what it takes and refusing more than `max` bytes when
/// it holds decoded content.
pub struct Limited {
    out: BufWriter<File>,
    pub written: u64,
    max: u64,
    pub hit: bool,
}

impl Write for Limited {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = self.max.saturating_sub(self.written);
        if room == 0 && !buf.is_empty() {
            self.hit = true;
            return Err(io::Error::other("decoded size limit reached"));
        }
        let n = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.out.write(&buf[..n])?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// The writer chain of one body.
enum Chain {
    Plain(Limited),
    Gzip(flate2::write::MultiGzDecoder<Limited>),
    Deflate(flate2::write::ZlibDecoder<Limited>),
    Brotli(Box<brotli_decompressor::DecompressorWriter<Limited>>),
}

/// Brotli's input buffer (its window, up to 16 MiB, is the decoder's own).
const BROTLI_BUFFER: usize = 4096;

/// One body being written.
pub struct ObjectWriter {
    chain: Chain,
    /// Writing stopped (the limit, bad encoded data, the disk): the reason.
    problem: Option<String>,
}

/// What became of a body's file.
pub struct Written {
    /// Bytes in the file.
    pub bytes: u64,
    pub problem: Option<String>,
}

impl ObjectWriter {
    /// Writes into `file`, decoding `coding` (at most `max_decoded` bytes of output
    /// when decoding).
    pub fn new(file: File, coding: Coding, max_decoded: u64) -> Self {
        let max = match coding {
            Coding::Identity => u64::MAX,
            _ => max_decoded,
        };
        let out = Limited {
            out: BufWriter::new(file),
            written: 0,
            max,
            hit: false,
        };
        let chain = match coding {
            Coding::Identity => Chain::Plain(out),
            Coding::Gzip => Chain::Gzip(flate2::write::MultiGzDecoder::new(out)),
            Coding::Deflate => Chain::Deflate(flate2::write::ZlibDecoder::new(out)),
            Coding::Brotli => Chain::Brotli(Box::new(
                brotli_decompressor::DecompressorWriter::new(out, BROTLI_BUFFER),
            )),
        };
        ObjectWriter {
            chain,
            problem: None,
        }
    }

    /// More of the body, as it travelled (after chunked decoding).
    pub fn write(&mut self, bytes: &[u8]) {
        if self.problem.is_some() {
            return;
        }
        let done = match &mut self.chain {
            Chain::Plain(w) => w.write_all(bytes),
            Chain::Gzip(w) => w.write_all(bytes),
            Chain::Deflate(w) => w.write_all(bytes),
            Chain::Brotli(w) => w.write_all(bytes),
        };
        if let Err(e) = done {
            self.fail(e);
        }
    }

    /// The body ended: the decoder's last bytes go out and the file is flushed.
    pub fn finish(mut self) -> Written {
        if self.problem.is_none() {
            let done = match &mut self.chain {
                Chain::Plain(_) => Ok(()),
                Chain::Gzip(w) => w.try_finish(),
                Chain::Deflate(w) => w.try_finish(),
                Chain::Brotli(w) => w.close(),
            };
            if let Err(e) = done {
                self.fail(e);
            }
        }
        let out = self.limited();
        let flushed = out.flush();
        let bytes = out.written;
        if let Err(e) = flushed {
            self.problem.get_or_insert(format!("writing: {e}"));
        }
        Written {
            bytes,
            problem: self.problem,
        }
    }

    /// The file's end of the chain.
    fn limited(&mut self) -> &mut Limited {
        match &mut self.chain {
            Chain::Plain(w) => w,
            Chain::Gzip(w) => w.get_mut(),
            Chain::Deflate(w) => w.get_mut(),
            Chain::Brotli(w) => w.get_mut(),
        }
    }

    /// Writing failed: what was written stays, nothing more is.
    fn fail(&mut self, e: io::Error) {
        let plain = matches!(self.chain, Chain::Plain(_));
        let out = self.limited();
        self.problem = Some(if plain {
            format!("writing: {e}")
        } else if out.hit {
            format!(
                "decoding stopped at {} bytes (--max-decoded): the body expands further",
                out.max
            )
        } else {
            format!("decoding: {e}")
        });
    }
}
