//! Streaming pcap / pcapng reader on top of `pcap-parser`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use pcap_parser::pcapng::Block;
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{create_reader, PcapBlockOwned, PcapError};

use super::gzip::{self, GzipDamage, GzipSource};
use super::link::LinkType;

/// Initial size of the reader's ring buffer; it grows only for a packet larger than it.
const BUFFER_SIZE: usize = 1 << 20;
/// No packet or block in a sane capture is bigger than this; past it the file is corrupt.
const MAX_BUFFER_SIZE: usize = 64 << 20;

/// The container format of a capture file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CaptureFormat {
    Pcap,
    Pcapng,
    /// Packets captured live from an interface (`-i`).
    Live,
}

/// Why a capture could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: is a directory, not a capture file")]
    Directory { path: String },
    #[error("{path}: empty file")]
    Empty { path: String },
    #[error("{path}: not a pcap or pcapng capture")]
    NotACapture { path: String },
    #[error("{path}: capture ends inside its file header")]
    TruncatedHeader { path: String },
    /// A gzip file whose compressed stream is cut before the capture's file header.
    #[error("{path}: capture ends inside its file header ({why})")]
    GzipTruncatedHeader { path: String, why: String },
    /// A gzip file so damaged that no capture file header comes out of it.
    #[error("{path}: not a pcap or pcapng capture ({why})")]
    GzipNotACapture { path: String, why: String },
    /// Live capture (`-i`) could not start: no such interface, no privileges, a bad
    /// filter, or a build without the `live` feature.
    #[error("-i {interface}: {why}")]
    Live { interface: String, why: String },
}

/// One captured frame.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    /// 0-based index in the file, counting every packet record (pcapng: every packet
    /// block, those skipped too): tshark's `frame.number` - 1.
    pub index: u64,
    /// Nanoseconds since the Unix epoch.
    pub timestamp_ns: i64,
    pub link_type: LinkType,
    /// The captured bytes (possibly fewer than `original_len` when the snapshot length cut it).
    pub data: &'a [u8],
    pub original_len: u32,
}

impl<'a> Packet<'a> {
    /// A packet of `data`, whose original length is `original_len` (taken as at least
    /// the captured length).
    pub fn new(
        index: u64,
        timestamp_ns: i64,
        link_type: LinkType,
        data: &'a [u8],
        original_len: u32,
    ) -> Self {
        Packet {
            index,
            timestamp_ns,
            link_type,
            data,
            original_len: original_len.max(data.len() as u32),
        }
    }
}

/// What the reader finds in the file, in file order.
#[derive(Debug)]
pub enum CaptureEvent<'a> {
    Packet(Packet<'a>),
    /// A pcapng Decryption Secrets Block holding an NSS key log.
    TlsKeyLog(&'a [u8]),
}

/// How reading ended: cleanly, or with the damage that stopped it, and what was odd on
/// the way.
#[derive(Debug, Default, Clone)]
pub struct ReadSummary {
    pub packets: u64,
    pub bytes: u64,
    /// The file ends in the middle of a packet or block, or its compressed stream is cut
    /// short.
    pub truncated: bool,
    /// A block (or the compressed stream) could not be read; the rest of the file was
    /// not read.
    pub corrupt: Option<String>,
    /// Packets of pcapng blocks that name an interface the file does not describe: with
    /// no link type they are skipped (counted in `packets`, never handed on).
    pub unknown_interface_packets: u64,
    /// Packets whose original length is smaller than their captured length (their
    /// captured bytes are used).
    pub short_origlen_packets: u64,
    /// Reading stopped before the end (`for_each_until`'s flag was set).
    pub interrupted: bool,
    /// pcapng Packet Blocks (the obsolete type 2): counted, so that the frame numbers
    /// after them stay tshark's, but not read.
    pub obsolete_packets: u64,
    /// gzip: bytes after the compressed stream that were ignored.
    pub trailing_bytes: u64,
    /// All of the above in words, without the file name (for `capture.warnings`).
    pub warnings: Vec<String>,
    /// Packets per unknown interface id, for the first few ids.
    unknown_interfaces: BTreeMap<u32, u64>,
}

/// Distinct unknown interface ids named in the warning (the rest are summed).
const UNKNOWN_INTERFACES_LISTED: usize = 8;

impl ReadSummary {
    /// A packet was read: its index in the file.
    pub(super) fn count(&mut self, captured: usize, origlen: u32) -> u64 {
        self.packets += 1;
        self.bytes += captured as u64;
        if (origlen as usize) < captured {
            self.short_origlen_packets += 1;
        }
        self.packets - 1
    }

    fn unknown_interface(&mut self, id: u32) {
        self.unknown_interface_packets += 1;
        let listed = self.unknown_interfaces.len();
        if let Some(n) = self.unknown_interfaces.get_mut(&id) {
            *n += 1;
        } else if listed < UNKNOWN_INTERFACES_LISTED {
            self.unknown_interfaces.insert(id, 1);
        }
    }

    /// Folds in what happened to the compressed stream, and puts everything in words.
    fn finish(&mut self, gzip: Option<GzipDamage>) {
        let mut gzip_cut = None;
        let mut bad_checksum = false;
        if let Some(g) = gzip {
            self.trailing_bytes = g.trailing;
            bad_checksum = g.bad_checksum;
            if let Some(c) = g.corrupt {
                // What the reader made of the end (a packet cut off where the
                // decompressed data stopped, a block garbled before the check caught
                // it) follows from this damage.
                self.corrupt = Some(c);
                self.truncated = false;
            } else if let Some(c) = g.cut {
                self.truncated = true;
                gzip_cut = Some(c);
            }
        }
        if let Some(c) = gzip_cut {
            self.warnings.push(format!(
                "gzip stream cut short ({c}): every whole packet before the cut was analysed (truncated)"
            ));
        } else if self.truncated {
            self.warnings
                .push("file ends in the middle of a packet (truncated)".into());
        }
        if let Some(c) = &self.corrupt {
            self.warnings.push(if bad_checksum {
                format!("{c}: the data was analysed but some of it is damaged")
            } else {
                format!("{c}; the rest of the file was not read")
            });
        }
        if self.trailing_bytes > 0 {
            self.warnings.push(format!(
                "{} bytes of trailing data after the gzip stream were ignored",
                self.trailing_bytes
            ));
        }
        if self.unknown_interface_packets > 0 {
            let mut list: Vec<String> = self
                .unknown_interfaces
                .iter()
                .map(|(id, n)| format!("interface {id}: {}", plural(*n, "packet")))
                .collect();
            let listed: u64 = self.unknown_interfaces.values().sum();
            if listed < self.unknown_interface_packets {
                list.push(format!(
                    "other interfaces: {}",
                    plural(self.unknown_interface_packets - listed, "packet")
                ));
            }
            self.warnings.push(format!(
                "{} named an interface the file does not describe ({}): skipped",
                plural(self.unknown_interface_packets, "packet"),
                list.join(", ")
            ));
        }
        if self.obsolete_packets > 0 {
            self.warnings.push(format!(
                "{} in obsolete pcapng Packet Blocks (type 2) skipped: rewrite the file with editcap to read them",
                plural(self.obsolete_packets, "packet")
            ));
        }
        if self.short_origlen_packets > 0 {
            self.warnings.push(format!(
                "{} an original length smaller than the captured length (origlen < caplen): the captured bytes were used",
                match self.short_origlen_packets {
                    1 => "1 packet has".to_string(),
                    n => format!("{n} packets have"),
                }
            ));
        }
    }
}

fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[derive(Clone, Copy)]
struct Interface {
    link_type: LinkType,
    /// Units per second of the interface's timestamps.
    resolution: u64,
    offset: i64,
}

/// A streaming reader over one capture file.
pub struct CaptureReader {
    inner: Box<dyn PcapReaderIterator + Send>,
    /// What went wrong in the compressed stream, for a gzip file.
    gzip: Option<Arc<Mutex<GzipDamage>>>,
    /// Bytes read from the file so far, and its size (for a progress bar).
    read: Arc<AtomicU64>,
    size: u64,
    format: CaptureFormat,
    interfaces: Vec<Interface>,
    legacy: Interface,
}

impl CaptureReader {
    /// Opens a capture file (pcap or pcapng, plain or gzip-compressed).
    pub fn open(path: &Path) -> Result<Self, CaptureError> {
        // `-` is standard input, as for tcpdump -r and tshark -r.
        if path.as_os_str() == "-" {
            let stdin = Box::new(std::io::stdin());
            return Self::stream(stdin, "standard input");
        }
        let name = path.display().to_string();
        let io = |source| CaptureError::Io {
            path: name.clone(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.is_dir() {
            return Err(CaptureError::Directory { path: name });
        }
        if !meta.is_file() {
            // A FIFO, /dev/stdin, a character device: no size to know, read as it comes.
            let file = File::open(path).map_err(io)?;
            return Self::stream(Box::new(file), &name);
        }
        if meta.len() == 0 {
            return Err(CaptureError::Empty { path: name });
        }
        let read = Arc::new(AtomicU64::new(0));
        let file = Counting {
            inner: File::open(path).map_err(io)?,
            read: read.clone(),
        };
        let mut reader = Self::from_reader(Box::new(file), &name)?;
        reader.read = read;
        reader.size = meta.len();
        Ok(reader)
    }

    /// A capture from a pipe or terminal: nothing at all in it is an empty file.
    fn stream(source: Box<dyn Read + Send>, name: &str) -> Result<Self, CaptureError> {
        let read = Arc::new(AtomicU64::new(0));
        let counting = Counting {
            inner: source,
            read: read.clone(),
        };
        let mut reader = Self::from_reader(Box::new(counting), name)?;
        if read.load(Ordering::Relaxed) == 0 {
            return Err(CaptureError::Empty { path: name.into() });
        }
        reader.read = read;
        Ok(reader)
    }

    /// How far reading has got: bytes of the file read so far (shared, updated as it
    /// goes), and the file's size.
    pub fn progress(&self) -> (Arc<AtomicU64>, u64) {
        (self.read.clone(), self.size)
    }

    /// Reads a capture from any byte stream (gzip-compressed or not: its first bytes
    /// tell); `name` is used in error messages.
    pub fn from_reader(mut source: Box<dyn Read + Send>, name: &str) -> Result<Self, CaptureError> {
        let mut head = [0u8; 2];
        let got = read_up_to(&mut source, &mut head).map_err(|source| CaptureError::Io {
            path: name.into(),
            source,
        })?;
        let source = Prefixed {
            head,
            len: got,
            pos: 0,
            inner: source,
        };
        let (source, gzip): (Box<dyn Read + Send>, _) = if head[..got] == gzip::MAGIC {
            let damage = Arc::new(Mutex::new(GzipDamage::default()));
            (
                Box::new(GzipSource::new(source, damage.clone())),
                Some(damage),
            )
        } else {
            (Box::new(source), None)
        };
        let header_error = |e: PcapError<&[u8]>| {
            let path = name.to_string();
            let damage = gzip.as_ref().map(|d| lock(d).clone()).unwrap_or_default();
            let short = matches!(e, PcapError::Eof | PcapError::Incomplete(_));
            match (damage.describe(), damage.corrupt.is_some()) {
                // Not even the file header came out of the damaged stream.
                (Some(why), false) if short => CaptureError::GzipTruncatedHeader { path, why },
                (Some(why), _) => CaptureError::GzipNotACapture { path, why },
                (None, _) => match e {
                    PcapError::Eof => CaptureError::Empty { path },
                    PcapError::Incomplete(_) => CaptureError::TruncatedHeader { path },
                    _ => CaptureError::NotACapture { path },
                },
            }
        };
        let inner = create_reader(BUFFER_SIZE, source).map_err(header_error)?;
        let default = Interface {
            link_type: LinkType(1),
            resolution: 1_000_000,
            offset: 0,
        };
        Ok(CaptureReader {
            inner,
            gzip,
            read: Arc::new(AtomicU64::new(0)),
            size: 0,
            format: CaptureFormat::Pcap,
            interfaces: Vec::new(),
            legacy: default,
        })
    }

    pub fn format(&self) -> CaptureFormat {
        self.format
    }

    /// Reads the whole file, handing every event to `visit`. Damage does not stop the
    /// caller's analysis: it is returned in the summary.
    pub fn for_each(&mut self, visit: impl FnMut(CaptureEvent<'_>)) -> ReadSummary {
        self.for_each_until(&AtomicBool::new(false), visit)
    }

    /// [`Self::for_each`], ending early once `stop` is set (Ctrl-C): the blocks already
    /// read into the buffer are handed on, nothing more is read; the summary counts them.
    pub fn for_each_until(
        &mut self,
        stop: &AtomicBool,
        mut visit: impl FnMut(CaptureEvent<'_>),
    ) -> ReadSummary {
        let mut summary = ReadSummary::default();
        let CaptureReader {
            inner,
            gzip,
            format,
            interfaces,
            legacy,
            ..
        } = self;
        loop {
            match inner.next() {
                Ok((offset, block)) => {
                    match block {
                        PcapBlockOwned::LegacyHeader(h) => {
                            *format = CaptureFormat::Pcap;
                            *legacy = Interface {
                                link_type: LinkType(h.network.0 as u32),
                                resolution: if h.is_nanosecond_precision() {
                                    1_000_000_000
                                } else {
                                    1_000_000
                                },
                                offset: 0,
                            };
                        }
                        PcapBlockOwned::Legacy(b) => {
                            let iface = *legacy;
                            let frac = b.ts_usec as i64 * (1_000_000_000 / iface.resolution as i64);
                            let data = &b.data[..b.data.len().min(b.caplen as usize)];
                            let index = summary.count(data.len(), b.origlen);
                            let ts = b.ts_sec as i64 * 1_000_000_000 + frac;
                            visit(CaptureEvent::Packet(Packet::new(
                                index,
                                ts,
                                iface.link_type,
                                data,
                                b.origlen,
                            )));
                        }
                        PcapBlockOwned::NG(block) => {
                            *format = CaptureFormat::Pcapng;
                            ng_block(interfaces, block, &mut summary, &mut visit);
                        }
                    }
                    inner.consume(offset);
                }
                Err(PcapError::Eof) => break,
                // What was read before the flag was set is analysed; nothing more is read.
                Err(PcapError::Incomplete(_) | PcapError::BufferTooSmall)
                    if stop.load(Ordering::Relaxed) =>
                {
                    summary.interrupted = true;
                    break;
                }
                Err(PcapError::Incomplete(_)) => {
                    if inner.refill().is_err() {
                        summary.corrupt = Some("read error".into());
                        break;
                    }
                }
                Err(PcapError::BufferTooSmall) => {
                    let size = inner.data().len().max(BUFFER_SIZE) * 2;
                    if size > MAX_BUFFER_SIZE || !inner.grow(size) {
                        summary.corrupt =
                            Some(format!("block larger than {} MiB", MAX_BUFFER_SIZE >> 20));
                        break;
                    }
                    if inner.refill().is_err() {
                        summary.corrupt = Some("read error".into());
                        break;
                    }
                }
                Err(PcapError::UnexpectedEof) => {
                    summary.truncated = true;
                    break;
                }
                Err(e) => {
                    summary.corrupt = Some(describe(&e));
                    break;
                }
            }
        }
        summary.finish(gzip.as_ref().map(|g| lock(g).clone()));
        summary
    }
}

fn ng_block(
    interfaces: &mut Vec<Interface>,
    block: Block<'_>,
    summary: &mut ReadSummary,
    visit: &mut impl FnMut(CaptureEvent<'_>),
) {
    match block {
        Block::SectionHeader(_) => interfaces.clear(),
        Block::InterfaceDescription(idb) => interfaces.push(Interface {
            link_type: LinkType(idb.linktype.0 as u32),
            resolution: idb.ts_resolution().unwrap_or(1_000_000).max(1),
            offset: idb.ts_offset(),
        }),
        Block::EnhancedPacket(epb) => {
            let data = &epb.data[..epb.data.len().min(epb.caplen as usize)];
            let index = summary.count(data.len(), epb.origlen);
            // Without its interface a packet has no link type: guessing one would
            // misread it.
            let Some(iface) = interfaces.get(epb.if_id as usize).copied() else {
                summary.unknown_interface(epb.if_id);
                return;
            };
            let ticks = ((epb.ts_high as u64) << 32) | epb.ts_low as u64;
            // Crafted files can hold any values here: saturate rather than overflow.
            let secs = i64::try_from(ticks / iface.resolution)
                .unwrap_or(i64::MAX)
                .saturating_add(iface.offset);
            let frac =
                (ticks % iface.resolution) as u128 * 1_000_000_000 / iface.resolution as u128;
            let ts = secs
                .saturating_mul(1_000_000_000)
                .saturating_add(frac as i64);
            visit(CaptureEvent::Packet(Packet::new(
                index,
                ts,
                iface.link_type,
                data,
                epb.origlen,
            )));
        }
        Block::SimplePacket(spb) => {
            let data = &spb.data[..spb.data.len().min(spb.origlen as usize)];
            // The captured length of a simple packet block is never above its origlen.
            let index = summary.count(data.len(), spb.origlen);
            // A simple packet block belongs to the section's first interface.
            let Some(iface) = interfaces.first().copied() else {
                summary.unknown_interface(0);
                return;
            };
            visit(CaptureEvent::Packet(Packet::new(
                index,
                0,
                iface.link_type,
                data,
                spb.origlen,
            )));
        }
        // The obsolete Packet Block is a frame to tshark: counted, so that the numbers
        // of the packets after it stay the same.
        Block::Unknown(b) if b.block_type == 2 => {
            summary.count(0, 0);
            summary.obsolete_packets += 1;
        }
        Block::DecryptionSecrets(dsb)
            if dsb.secrets_type == pcap_parser::pcapng::SecretsType::TlsKeyLog =>
        {
            let len = (dsb.secrets_len as usize).min(dsb.data.len());
            visit(CaptureEvent::TlsKeyLog(&dsb.data[..len]));
        }
        _ => {}
    }
}

fn describe(e: &PcapError<&[u8]>) -> String {
    match e {
        PcapError::NomError(_, kind) => format!("corrupt block ({kind:?})"),
        PcapError::OwnedNomError(_, kind) => format!("corrupt block ({kind:?})"),
        PcapError::HeaderNotRecognized => "unrecognised block".into(),
        PcapError::ReadError => "read error".into(),
        other => format!("{other:?}"),
    }
}

fn lock(d: &Mutex<GzipDamage>) -> std::sync::MutexGuard<'_, GzipDamage> {
    d.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reads until `buf` is full or the stream ends; the number of bytes read.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A stream whose first bytes were read ahead (to recognise gzip), given back first.
/// A read returns the head and what follows it together, so that the first read
/// still sees the whole file header.
struct Prefixed<R> {
    head: [u8; 2],
    len: usize,
    pos: usize,
    inner: R,
}

impl<R: Read> Read for Prefixed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let from_head = (self.len - self.pos).min(buf.len());
        buf[..from_head].copy_from_slice(&self.head[self.pos..self.pos + from_head]);
        self.pos += from_head;
        if from_head == buf.len() {
            return Ok(from_head);
        }
        match self.inner.read(&mut buf[from_head..]) {
            Ok(n) => Ok(from_head + n),
            // The head is given now; the next read meets the error again.
            Err(_) if from_head > 0 => Ok(from_head),
            Err(e) => Err(e),
        }
    }
}

/// Counts the bytes read from the file.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write;

    fn sample(name: &str) -> Vec<u8> {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("samples")
                .join(name),
        )
        .unwrap()
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// Every packet's bytes, and the summary.
    fn read(bytes: Vec<u8>) -> Result<(Vec<Vec<u8>>, ReadSummary), CaptureError> {
        let mut r = CaptureReader::from_reader(Box::new(std::io::Cursor::new(bytes)), "test")?;
        let mut packets = Vec::new();
        let summary = r.for_each(|ev| {
            if let CaptureEvent::Packet(p) = ev {
                packets.push(p.data.to_vec());
            }
        });
        Ok((packets, summary))
    }

    /// A small sample and one larger than the reader's buffer.
    const SAMPLES: [&str; 2] = ["tls12-rsa-aes128gcm.pcap", "tls12-rsa-bulk-1500mtu.pcap"];

    #[test]
    fn gzip_reads_like_the_plain_file() {
        for name in SAMPLES {
            let plain = sample(name);
            let (want, s) = read(plain.clone()).unwrap();
            assert!(!s.truncated && s.corrupt.is_none() && s.warnings.is_empty());
            let (got, s) = read(gzip(&plain)).unwrap();
            assert_eq!(got, want, "{name}");
            assert!(!s.truncated && s.corrupt.is_none(), "{name}: {s:?}");
            assert!(s.warnings.is_empty(), "{name}: {:?}", s.warnings);
        }
        assert!(sample(SAMPLES[1]).len() > BUFFER_SIZE);
    }

    #[test]
    fn gzip_cut_short_gives_every_whole_packet_before_the_cut() {
        for name in SAMPLES {
            let plain = sample(name);
            let (all, _) = read(plain.clone()).unwrap();
            let z = gzip(&plain);
            let (got, s) = read(z[..z.len() / 2].to_vec()).unwrap();
            assert!(s.truncated, "{name}: {s:?}");
            assert!(s.corrupt.is_none(), "{name}: {s:?}");
            assert!(!got.is_empty() && got.len() < all.len(), "{name}");
            assert_eq!(got[..], all[..got.len()], "{name}");
            assert_eq!(s.warnings.len(), 1, "{name}: {:?}", s.warnings);
            assert!(
                s.warnings[0].contains("gzip stream cut short"),
                "{:?}",
                s.warnings
            );
            // Only the trailer missing: every packet is there, and the file is still cut.
            let (got, s) = read(z[..z.len() - 8].to_vec()).unwrap();
            assert_eq!(got, all, "{name}");
            assert!(s.truncated && s.corrupt.is_none(), "{name}: {s:?}");
        }
    }

    #[test]
    fn gzip_cut_anywhere_gives_a_prefix_of_the_packets() {
        let plain = sample(SAMPLES[0]);
        let (all, _) = read(plain.clone()).unwrap();
        let z = gzip(&plain);
        for cut in (10..z.len()).step_by(97) {
            match read(z[..cut].to_vec()) {
                Ok((got, s)) => {
                    assert_eq!(got[..], all[..got.len()], "cut {cut}");
                    assert!(s.truncated && s.corrupt.is_none(), "cut {cut}: {s:?}");
                }
                Err(e) => assert!(
                    e.to_string()
                        .contains("capture ends inside its file header (gzip stream cut short"),
                    "cut {cut}: {e}"
                ),
            }
        }
    }

    #[test]
    fn gzip_with_any_byte_flipped_never_panics() {
        let plain = sample(SAMPLES[0]);
        let (all, _) = read(plain.clone()).unwrap();
        let z = gzip(&plain);
        for at in (0..z.len()).step_by(61) {
            let mut bad = z.clone();
            bad[at] ^= 0x5a;
            if let Ok((got, s)) = read(bad) {
                // Damage is always reported (a flip the CRC misses is near impossible).
                assert!(
                    s.corrupt.is_some() || s.truncated || got.len() != all.len(),
                    "flip at {at}: {s:?}"
                );
            }
        }
    }

    #[test]
    fn gzip_bad_crc_is_corrupt_after_every_packet() {
        for name in SAMPLES {
            let plain = sample(name);
            let (all, _) = read(plain.clone()).unwrap();
            let mut z = gzip(&plain);
            let n = z.len();
            z[n - 8] ^= 0x01;
            let (got, s) = read(z).unwrap();
            assert_eq!(got, all, "{name}");
            assert!(!s.truncated, "{name}: {s:?}");
            assert_eq!(
                s.corrupt.as_deref(),
                Some("gzip: CRC-32 or length check failed")
            );
            assert!(s.warnings[0].contains("damaged"), "{:?}", s.warnings);
        }
    }

    #[test]
    fn gzip_corrupt_deflate_data_keeps_the_packets_before_it() {
        // Stored deflate blocks (at most 64 KiB each): break the second one's NLEN.
        let plain = sample(SAMPLES[1]);
        let (all, _) = read(plain.clone()).unwrap();
        let mut e = GzEncoder::new(Vec::new(), Compression::none());
        e.write_all(&plain).unwrap();
        let mut z = e.finish().unwrap();
        let len = u16::from_le_bytes([z[11], z[12]]) as usize;
        z[10 + 5 + len + 3] ^= 0xff;
        let (got, s) = read(z).unwrap();
        // Every packet whole in the first block.
        let (want, _) = read(plain[..len].to_vec()).unwrap();
        assert!(!want.is_empty() && want.len() < all.len());
        assert_eq!(got, want);
        assert!(!s.truncated, "{s:?}");
        assert_eq!(s.corrupt.as_deref(), Some("gzip: corrupt deflate stream"));
    }

    #[test]
    fn gzip_trailing_junk_is_ignored_and_said() {
        for name in SAMPLES {
            let plain = sample(name);
            let (all, _) = read(plain.clone()).unwrap();
            let mut z = gzip(&plain);
            z.extend_from_slice(b"junk after the stream\n");
            let (got, s) = read(z).unwrap();
            assert_eq!(got, all, "{name}");
            assert!(!s.truncated && s.corrupt.is_none(), "{name}: {s:?}");
            assert_eq!(s.trailing_bytes, 22);
            assert_eq!(
                s.warnings,
                ["22 bytes of trailing data after the gzip stream were ignored"]
            );
        }
    }

    #[test]
    fn gzip_without_a_file_header_is_refused() {
        let z = gzip(&sample(SAMPLES[0]));
        let err = |bytes: &[u8]| read(bytes.to_vec()).err().map(|e| e.to_string());
        // Cut inside the gzip header, and inside the deflate data before 24 bytes came out.
        for cut in [5, 12] {
            let e = err(&z[..cut]).unwrap();
            assert!(e.contains("capture ends inside its file header"), "{e}");
            assert!(e.contains("gzip stream cut short"), "{e}");
        }
        let mut bad = z.clone();
        bad[2] = 7;
        let e = err(&bad).unwrap();
        assert!(
            e.contains("not a pcap or pcapng capture (gzip: invalid gzip header)"),
            "{e}"
        );
        // A whole gzip stream of something else, and of an empty file.
        let e = err(&gzip(b"not a capture at all, only words")).unwrap();
        assert!(e.ends_with("not a pcap or pcapng capture"), "{e}");
        assert!(err(&gzip(b"")).unwrap().ends_with("empty file"));
        assert!(err(&gzip(&sample(SAMPLES[0])[..10]))
            .unwrap()
            .ends_with("capture ends inside its file header"));
    }

    /// A pcapng block: type, body, lengths (the body padded to 32 bits).
    fn block(kind: u32, body: &[u8]) -> Vec<u8> {
        let padded = body.len().div_ceil(4) * 4;
        let len = (12 + padded) as u32;
        let mut b = Vec::new();
        b.extend(kind.to_le_bytes());
        b.extend(len.to_le_bytes());
        b.extend(body);
        b.resize(8 + padded, 0);
        b.extend(len.to_le_bytes());
        b
    }

    fn epb(if_id: u32, data: &[u8], origlen: u32) -> Vec<u8> {
        let mut body = Vec::new();
        for v in [if_id, 0, 1_000_000, data.len() as u32, origlen] {
            body.extend(v.to_le_bytes());
        }
        body.extend(data);
        block(6, &body)
    }

    fn pcapng(packets: &[Vec<u8>]) -> Vec<u8> {
        let mut shb = Vec::new();
        shb.extend(0x1A2B_3C4Du32.to_le_bytes());
        shb.extend(1u16.to_le_bytes());
        shb.extend(0u16.to_le_bytes());
        shb.extend((-1i64).to_le_bytes());
        let mut f = block(0x0A0D_0D0A, &shb);
        // One interface (Ethernet).
        let mut idb = Vec::new();
        idb.extend(1u16.to_le_bytes());
        idb.extend(0u16.to_le_bytes());
        idb.extend(0u32.to_le_bytes());
        f.extend(block(1, &idb));
        for p in packets {
            f.extend(p);
        }
        f
    }

    #[test]
    fn packets_of_an_interface_that_does_not_exist_are_skipped_and_counted() {
        let frame = [0xaa; 60];
        let file = pcapng(&[
            epb(0, &frame, 60),
            epb(3, &frame, 60),
            epb(3, &frame, 60),
            epb(7, &frame, 60),
            epb(0, &frame, 60),
        ]);
        let mut r = CaptureReader::from_reader(Box::new(std::io::Cursor::new(file)), "t").unwrap();
        let mut seen = Vec::new();
        let s = r.for_each(|ev| {
            if let CaptureEvent::Packet(p) = ev {
                seen.push(p.index);
            }
        });
        assert_eq!(seen, [0, 4], "indices still count the skipped packets");
        assert_eq!(s.packets, 5);
        assert_eq!(s.unknown_interface_packets, 3);
        assert_eq!(
            s.warnings,
            ["3 packets named an interface the file does not describe (interface 3: 2 packets, interface 7: 1 packet): skipped"]
        );
    }

    #[test]
    fn obsolete_packet_blocks_keep_the_frame_numbers() {
        let frame = [0xaa; 60];
        let opb = block(2, &[0; 20]);
        let mut r = CaptureReader::from_reader(
            Box::new(std::io::Cursor::new(pcapng(&[
                epb(0, &frame, 60),
                opb,
                epb(0, &frame, 60),
            ]))),
            "t",
        )
        .unwrap();
        let mut seen = Vec::new();
        let s = r.for_each(|ev| {
            if let CaptureEvent::Packet(p) = ev {
                seen.push(p.index);
            }
        });
        assert_eq!(seen, [0, 2]);
        assert_eq!((s.packets, s.obsolete_packets), (3, 1));
        assert!(s.warnings[0].contains("obsolete"), "{:?}", s.warnings);
    }

    #[test]
    fn unknown_interfaces_are_listed_up_to_a_few() {
        let frame = [0xaa; 20];
        let packets: Vec<_> = (1..=20).map(|id| epb(id, &frame, 20)).collect();
        let (got, s) = read(pcapng(&packets)).unwrap();
        assert!(got.is_empty());
        assert_eq!(s.unknown_interface_packets, 20);
        assert!(
            s.warnings[0]
                .ends_with("interface 8: 1 packet, other interfaces: 12 packets): skipped"),
            "{:?}",
            s.warnings
        );
    }

    #[test]
    fn origlen_below_caplen_is_counted_and_the_captured_bytes_used() {
        let (got, s) = read(pcapng(&[epb(0, &[1; 60], 40), epb(0, &[2; 60], 60)])).unwrap();
        assert_eq!(got, [vec![1; 60], vec![2; 60]]);
        assert_eq!(s.short_origlen_packets, 1);
        assert_eq!(
            s.warnings,
            ["1 packet has an original length smaller than the captured length (origlen < caplen): the captured bytes were used"]
        );
        // pcap: the first record's origlen (bytes 36..40) made smaller than its caplen.
        let mut pcap = sample(SAMPLES[0]);
        let caplen = u32::from_le_bytes(pcap[32..36].try_into().unwrap());
        pcap[36..40].copy_from_slice(&(caplen - 1).to_le_bytes());
        let (got, s) = read(pcap).unwrap();
        assert_eq!(got[0].len(), caplen as usize);
        assert_eq!(s.short_origlen_packets, 1);
        assert!(
            s.warnings[0].contains("origlen < caplen"),
            "{:?}",
            s.warnings
        );
    }
}
