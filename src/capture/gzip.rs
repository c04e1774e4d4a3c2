//! gzip-compressed captures, read so that damage to the compressed stream ends the
//! decompressed one cleanly instead of failing the read.
//!
//! pcap-parser turns any I/O error into "read error" and drops what it had buffered,
//! and flate2's decoders drop the bytes they had decompressed (up to 32 KiB) in the
//! call that meets the damage. So [`GzipSource`] does the gzip framing itself (RFC
//! 1952: header, deflate data through miniz_oxide's core decompressor into a window it
//! owns, CRC-32 and length trailer): every byte decompressed before the damage comes
//! out, then the stream ends. What happened is recorded in a [`GzipDamage`] that the
//! reader consults when it sums up the file: a stream cut short (the file was
//! truncated), corrupt data (bad deflate data, a bad header, a failed CRC), or bytes
//! after the last member that are not a gzip member (trailing data, ignored).

use std::io::{self, BufRead, BufReader, Read};
use std::sync::{Arc, Mutex};

use flate2::Crc;
use miniz_oxide::inflate::core::inflate_flags::TINFL_FLAG_HAS_MORE_INPUT;
use miniz_oxide::inflate::core::{decompress, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

pub(super) const MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Compressed bytes read from the file at a time.
const INPUT_BUFFER: usize = 64 << 10;
/// The deflate window (32 KiB, a power of two: the decompressor wraps around in it).
const WINDOW: usize = 32 << 10;

/// What went wrong in a gzip stream (all `None`/0: nothing).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct GzipDamage {
    /// The compressed stream ends before its end: where.
    pub cut: Option<String>,
    /// The compressed stream is corrupt (`gzip: why`). Nothing after it is read.
    pub corrupt: Option<String>,
    /// `corrupt` is a failed CRC-32 or length check: the data was all decompressed,
    /// but some of it is wrong.
    pub bad_checksum: bool,
    /// Bytes after the last complete member that do not start another one (ignored).
    pub trailing: u64,
}

impl GzipDamage {
    /// The damage, in words, for an error message.
    pub fn describe(&self) -> Option<String> {
        match (&self.cut, &self.corrupt) {
            (_, Some(c)) => Some(c.clone()),
            (Some(c), None) => Some(format!("gzip stream cut short: {c}")),
            (None, None) => None,
        }
    }
}

/// Why a member could not be read to its end.
enum Damage {
    Cut(&'static str),
    Corrupt(&'static str),
    BadChecksum,
    Io(io::Error),
}

/// A member's header, from its first byte (RFC 1952 §2.3).
fn read_header<R: BufRead>(r: &mut R) -> Result<(), Damage> {
    const FHCRC: u8 = 0x02;
    const FEXTRA: u8 = 0x04;
    const FNAME: u8 = 0x08;
    const FCOMMENT: u8 = 0x10;
    let mut crc = Crc::new();
    let mut take = |r: &mut R, buf: &mut [u8]| -> Result<u32, Damage> {
        r.read_exact(buf).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => Damage::Cut("the file ends inside a gzip header"),
            _ => Damage::Io(e),
        })?;
        // The CRC-32 of the header bytes before these.
        let before = crc.sum();
        crc.update(buf);
        Ok(before)
    };
    let mut fixed = [0u8; 10];
    take(r, &mut fixed)?;
    let flags = fixed[3];
    if fixed[..2] != MAGIC || fixed[2] != 8 || flags & 0xe0 != 0 {
        return Err(Damage::Corrupt("invalid gzip header"));
    }
    if flags & FEXTRA != 0 {
        let mut len = [0u8; 2];
        take(r, &mut len)?;
        let mut byte = [0u8];
        for _ in 0..u16::from_le_bytes(len) {
            take(r, &mut byte)?;
        }
    }
    for field in [FNAME, FCOMMENT] {
        if flags & field != 0 {
            // Zero-terminated, of any length: skipped byte by byte, never stored.
            let mut byte = [1u8];
            while byte[0] != 0 {
                take(r, &mut byte)?;
            }
        }
    }
    if flags & FHCRC != 0 {
        let mut got = [0u8; 2];
        let want = take(r, &mut got)? as u16;
        if u16::from_le_bytes(got) != want {
            return Err(Damage::Corrupt("gzip header CRC mismatch"));
        }
    }
    Ok(())
}

enum State<R> {
    /// At the start of a member.
    Header(BufReader<R>),
    /// Inside a member's deflate data.
    Body(BufReader<R>),
    /// After a member's deflate data.
    Trailer(BufReader<R>),
    /// After a complete member: another one, trailing data, or the end.
    Between(BufReader<R>),
    Done,
}

/// Decompresses a gzip stream (one member or several concatenated, as `gzip -d` reads
/// them). Never returns an error: damage ends the stream and is recorded in the shared
/// [`GzipDamage`]. Each read fills as much of the buffer as the stream can, so that the
/// reader's first read holds the whole capture file header.
pub(super) struct GzipSource<R> {
    state: State<R>,
    inflate: Box<DecompressorOxide>,
    /// The deflate window: what the decompressor wrote last is `window[ready]`, not
    /// handed out yet; it writes next at `at`.
    window: Vec<u8>,
    at: usize,
    ready: std::ops::Range<usize>,
    /// The deflate data ended (`Done`), or was found damaged: after `ready` is out.
    ended: Option<Result<(), Damage>>,
    /// CRC-32 and length of the current member's decompressed data.
    crc: Crc,
    damage: Arc<Mutex<GzipDamage>>,
}

impl<R: Read> GzipSource<R> {
    pub fn new(inner: R, damage: Arc<Mutex<GzipDamage>>) -> Self {
        GzipSource {
            state: State::Header(BufReader::with_capacity(INPUT_BUFFER, inner)),
            inflate: Box::default(),
            window: vec![0; WINDOW],
            at: 0,
            ready: 0..0,
            ended: None,
            crc: Crc::new(),
            damage,
        }
    }

    fn record(&self, damage: Damage) {
        // A poisoned lock only means another thread panicked: the data is still fine.
        let mut d = self.damage.lock().unwrap_or_else(|e| e.into_inner());
        match damage {
            Damage::Cut(why) => d.cut = Some(why.into()),
            Damage::Corrupt(why) => d.corrupt = Some(format!("gzip: {why}")),
            Damage::BadChecksum => {
                d.corrupt = Some("gzip: CRC-32 or length check failed".into());
                d.bad_checksum = true;
            }
            Damage::Io(e) => d.corrupt = Some(format!("read error ({e})")),
        }
    }

    /// Decompresses into `buf` from the member's deflate data: the bytes, and whether
    /// the deflate data is over (its end reached and every byte handed out). Bytes
    /// decompressed before damage are all handed out before the damage is returned.
    fn inflate(&mut self, r: &mut BufReader<R>, buf: &mut [u8]) -> Result<(usize, bool), Damage> {
        if !self.ready.is_empty() {
            let n = self.ready.len().min(buf.len());
            let from = self.ready.start;
            buf[..n].copy_from_slice(&self.window[from..from + n]);
            self.ready.start += n;
            return Ok((n, false));
        }
        if let Some(ended) = self.ended.take() {
            return ended.map(|()| (0, true));
        }
        let input = match r.fill_buf() {
            Ok(input) => input,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok((0, false)),
            Err(e) => return Err(Damage::Io(e)),
        };
        let more = if input.is_empty() {
            0
        } else {
            TINFL_FLAG_HAS_MORE_INPUT
        };
        let (status, used, out) =
            decompress(&mut self.inflate, input, &mut self.window, self.at, more);
        let out = out.min(WINDOW - self.at);
        r.consume(used);
        self.ready = self.at..self.at + out;
        self.crc.update(&self.window[self.ready.clone()]);
        self.at = (self.at + out) % WINDOW;
        self.ended = match status {
            TINFLStatus::Done => Some(Ok(())),
            // Out of input, with the decompressor wanting more: the file was cut.
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput if more == 0 => {
                Some(Err(Damage::Cut("the deflate data ends before its end")))
            }
            // A decoder that takes nothing and gives nothing would spin for ever.
            TINFLStatus::NeedsMoreInput | TINFLStatus::HasMoreOutput if used > 0 || out > 0 => None,
            _ => Some(Err(Damage::Corrupt("corrupt deflate stream"))),
        };
        Ok((0, false))
    }

    /// The member's trailer: its CRC-32 and length (mod 2^32), checked.
    fn trailer(&mut self, r: &mut BufReader<R>) -> Result<(), Damage> {
        let mut t = [0u8; 8];
        r.read_exact(&mut t).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => Damage::Cut("the file ends inside a gzip trailer"),
            _ => Damage::Io(e),
        })?;
        let crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
        let len = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
        if crc != self.crc.sum() || len != self.crc.amount() {
            return Err(Damage::BadChecksum);
        }
        Ok(())
    }

    /// One step of the stream: the next state and the bytes put into `buf` (possibly
    /// none); or the damage met.
    fn step(&mut self, state: State<R>, buf: &mut [u8]) -> Result<(State<R>, usize), Damage> {
        match state {
            State::Header(mut r) => {
                read_header(&mut r)?;
                self.inflate.init();
                self.at = 0;
                self.ready = 0..0;
                self.ended = None;
                self.crc.reset();
                Ok((State::Body(r), 0))
            }
            State::Body(mut r) => match self.inflate(&mut r, buf)? {
                (n, false) => Ok((State::Body(r), n)),
                (_, true) => Ok((State::Trailer(r), 0)),
            },
            State::Trailer(mut r) => {
                self.trailer(&mut r)?;
                Ok((State::Between(r), 0))
            }
            State::Between(mut r) => match r.fill_buf() {
                Ok([]) => Ok((State::Done, 0)),
                // Another member (`cat a.gz b.gz`); a lone 0x1f at the end of the
                // buffer is taken as one too, and its header decides.
                Ok(b) if b[0] == MAGIC[0] && b.get(1).is_none_or(|&x| x == MAGIC[1]) => {
                    Ok((State::Header(r), 0))
                }
                Ok(_) => {
                    let trailing = drain(&mut r);
                    let mut d = self.damage.lock().unwrap_or_else(|e| e.into_inner());
                    d.trailing += trailing;
                    Ok((State::Done, 0))
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok((State::Between(r), 0)),
                Err(e) => Err(Damage::Io(e)),
            },
            State::Done => Ok((State::Done, 0)),
        }
    }
}

impl<R: Read> Read for GzipSource<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            let state = std::mem::replace(&mut self.state, State::Done);
            if matches!(state, State::Done) {
                break;
            }
            match self.step(state, &mut buf[n..]) {
                Ok((next, k)) => {
                    self.state = next;
                    n += k;
                }
                // The state stays Done: nothing after the damage is read.
                Err(damage) => self.record(damage),
            }
        }
        Ok(n)
    }
}

/// Reads `r` to its end, counting the bytes (memory stays at one buffer).
fn drain<R: Read>(r: &mut BufReader<R>) -> u64 {
    let mut total = 0u64;
    loop {
        let n = match r.fill_buf() {
            Ok([]) => return total,
            Ok(b) => b.len(),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return total,
        };
        r.consume(n);
        total += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn pseudo_random(n: usize) -> Vec<u8> {
        let mut x = 0x2545_f491_u32;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8
            })
            .collect()
    }

    fn decode(bytes: &[u8]) -> (Vec<u8>, GzipDamage) {
        let damage = Arc::new(Mutex::new(GzipDamage::default()));
        let mut s = GzipSource::new(bytes, damage.clone());
        let mut out = Vec::new();
        // read_to_end stops at the first Ok(0): there is never an error to see.
        s.read_to_end(&mut out).unwrap();
        let d = damage.lock().unwrap().clone();
        (out, d)
    }

    /// Decodes with reads of `chunk` bytes.
    fn decode_in(bytes: &[u8], chunk: usize) -> (Vec<u8>, GzipDamage) {
        let damage = Arc::new(Mutex::new(GzipDamage::default()));
        let mut s = GzipSource::new(bytes, damage.clone());
        let mut out = Vec::new();
        let mut buf = vec![0; chunk];
        loop {
            match s.read(&mut buf).unwrap() {
                0 => break,
                n => out.extend_from_slice(&buf[..n]),
            }
        }
        let d = damage.lock().unwrap().clone();
        (out, d)
    }

    #[test]
    fn whole_stream_and_concatenated_members() {
        let data = pseudo_random(300_000);
        let (out, d) = decode(&gzip(&data));
        assert_eq!(out, data);
        assert_eq!(d, GzipDamage::default());
        let mut two = gzip(&data[..1000]);
        two.extend(gzip(&data[1000..]));
        let (out, d) = decode(&two);
        assert_eq!(out, data);
        assert_eq!(d, GzipDamage::default());
    }

    #[test]
    fn a_cut_stream_gives_what_came_before_the_cut() {
        let data = pseudo_random(300_000);
        let z = gzip(&data);
        for cut in [z.len() / 2, z.len() - 4, z.len() - 1] {
            let (out, d) = decode(&z[..cut]);
            assert!(data.starts_with(&out), "cut {cut}");
            assert!(out.len() > cut / 2, "cut {cut}: {} bytes", out.len());
            assert!(d.cut.is_some() && d.corrupt.is_none(), "cut {cut}: {d:?}");
        }
        // Cut inside the gzip header: nothing comes out, and that is a cut too.
        let (out, d) = decode(&z[..5]);
        assert!(out.is_empty());
        assert!(d.cut.is_some(), "{d:?}");
    }

    #[test]
    fn a_bad_crc_is_corrupt_after_all_the_data() {
        let data = pseudo_random(100_000);
        let mut z = gzip(&data);
        let n = z.len();
        z[n - 6] ^= 0xff;
        let (out, d) = decode(&z);
        assert_eq!(out, data);
        assert_eq!(
            d.corrupt.as_deref(),
            Some("gzip: CRC-32 or length check failed")
        );
        assert!(d.bad_checksum);
        assert!(d.cut.is_none());
    }

    #[test]
    fn corrupt_deflate_data_keeps_what_came_before() {
        // Stored (uncompressed) deflate blocks: break the NLEN of the second block.
        let data = pseudo_random(200_000);
        let mut e = GzEncoder::new(Vec::new(), Compression::none());
        e.write_all(&data).unwrap();
        let mut z = e.finish().unwrap();
        let first = 10;
        assert_eq!(z[first] & 0b110, 0, "a stored block");
        let len = u16::from_le_bytes([z[first + 1], z[first + 2]]) as usize;
        let second = first + 5 + len;
        z[second + 3] ^= 0xff;
        // Every byte of the first block comes out, whatever the reads' sizes.
        for chunk in [1, 100, 1 << 20] {
            let (out, d) = decode_in(&z, chunk);
            assert_eq!(out, data[..len], "reads of {chunk}");
            assert_eq!(d.corrupt.as_deref(), Some("gzip: corrupt deflate stream"));
        }
    }

    #[test]
    fn small_reads_give_the_same_bytes() {
        let data = pseudo_random(100_000);
        let mut text = Vec::new();
        for i in 0..20_000 {
            text.extend(format!("line {i} of a compressible text\n").bytes());
        }
        for d in [data, text] {
            let z = gzip(&d);
            for chunk in [1, 7, 4096, 40_000] {
                let (out, damage) = decode_in(&z, chunk);
                assert_eq!(out, d, "reads of {chunk}");
                assert_eq!(damage, GzipDamage::default());
            }
        }
    }

    #[test]
    fn optional_header_fields_are_skipped_and_the_header_crc_checked() {
        let data = pseudo_random(10_000);
        let z = flate2::GzBuilder::new()
            .filename("capture.pcap")
            .comment("a comment")
            .extra(vec![1, 2, 3, 4])
            .write(Vec::new(), Compression::default());
        let mut z = z;
        z.write_all(&data).unwrap();
        let (out, d) = decode(&z.finish().unwrap());
        assert_eq!(out, data);
        assert_eq!(d, GzipDamage::default());
        // FHCRC: the low 16 bits of the CRC-32 of the header before it.
        let plain = gzip(&data);
        let mut header = plain[..10].to_vec();
        header[3] |= 0x02;
        let mut crc = Crc::new();
        crc.update(&header);
        let mut z = header.clone();
        z.extend((crc.sum() as u16).to_le_bytes());
        z.extend(&plain[10..]);
        let (out, d) = decode(&z);
        assert_eq!(out, data);
        assert_eq!(d, GzipDamage::default());
        z[10] ^= 1;
        let (out, d) = decode(&z);
        assert!(out.is_empty());
        assert_eq!(d.corrupt.as_deref(), Some("gzip: gzip header CRC mismatch"));
    }

    #[test]
    fn trailing_junk_is_counted_and_ignored() {
        let data = pseudo_random(100_000);
        let mut z = gzip(&data);
        z.extend_from_slice(&[0; 1000]);
        let (out, d) = decode(&z);
        assert_eq!(out, data);
        assert_eq!(d.trailing, 1000);
        assert!(d.cut.is_none() && d.corrupt.is_none(), "{d:?}");
    }

    #[test]
    fn a_bad_later_member_keeps_the_earlier_ones() {
        let data = pseudo_random(50_000);
        let mut z = gzip(&data);
        let mut second = gzip(b"more");
        second[3] = 0xff; // reserved flags
        z.extend(second);
        let (out, d) = decode(&z);
        assert_eq!(out, data);
        assert_eq!(d.corrupt.as_deref(), Some("gzip: invalid gzip header"));
    }

    #[test]
    fn a_bad_header_is_corrupt() {
        let mut z = gzip(b"hello");
        z[2] = 7; // compression method
        let (out, d) = decode(&z);
        assert!(out.is_empty());
        assert_eq!(d.corrupt.as_deref(), Some("gzip: invalid gzip header"));
    }
}
