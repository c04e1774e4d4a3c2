//! Streaming pcap / pcapng reader on top of `pcap-parser`.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use flate2::read::MultiGzDecoder;
use pcap_parser::pcapng::Block;
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{create_reader, PcapBlockOwned, PcapError};

use super::link::LinkType;

/// Initial size of the reader's ring buffer; it grows only for a packet larger than it.
const BUFFER_SIZE: usize = 1 << 20;
/// No packet or block in a sane capture is bigger than this; past it the file is corrupt.
const MAX_BUFFER_SIZE: usize = 64 << 20;

/// The container format of a capture file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CaptureFormat {
    Pcap,
    Pcapng,
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
}

/// One captured frame.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    /// 0-based index in the file (counting packets only), like tshark's frame number - 1.
    pub index: u64,
    /// Nanoseconds since the Unix epoch.
    pub timestamp_ns: i64,
    pub link_type: LinkType,
    /// The captured bytes (possibly fewer than `original_len` when the snapshot length cut it).
    pub data: &'a [u8],
    pub original_len: u32,
}

/// What the reader finds in the file, in file order.
#[derive(Debug)]
pub enum CaptureEvent<'a> {
    Packet(Packet<'a>),
    /// A pcapng Decryption Secrets Block holding an NSS key log.
    TlsKeyLog(&'a [u8]),
}

/// How reading ended: cleanly, or with the damage that stopped it.
#[derive(Debug, Default, Clone)]
pub struct ReadSummary {
    pub packets: u64,
    pub bytes: u64,
    /// The file ends in the middle of a packet or block.
    pub truncated: bool,
    /// A block could not be parsed; the rest of the file was not read.
    pub corrupt: Option<String>,
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
        let name = path.display().to_string();
        let io = |source| CaptureError::Io {
            path: name.clone(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.is_dir() {
            return Err(CaptureError::Directory { path: name });
        }
        if meta.len() == 0 {
            return Err(CaptureError::Empty { path: name });
        }
        let mut file = BufReader::new(File::open(path).map_err(io)?);
        let mut magic = [0u8; 2];
        let gz = file.read_exact(&mut magic).is_ok() && magic == [0x1f, 0x8b];
        drop(file);
        let read = Arc::new(AtomicU64::new(0));
        let file = BufReader::new(Counting {
            inner: File::open(path).map_err(io)?,
            read: read.clone(),
        });
        let source: Box<dyn Read + Send> = if gz {
            Box::new(MultiGzDecoder::new(file))
        } else {
            Box::new(file)
        };
        let mut reader = Self::from_reader(source, &name)?;
        reader.read = read;
        reader.size = meta.len();
        Ok(reader)
    }

    /// How far reading has got: bytes of the file read so far (shared, updated as it
    /// goes), and the file's size.
    pub fn progress(&self) -> (Arc<AtomicU64>, u64) {
        (self.read.clone(), self.size)
    }

    /// Reads a capture from any byte stream; `name` is used in error messages.
    pub fn from_reader(source: Box<dyn Read + Send>, name: &str) -> Result<Self, CaptureError> {
        let inner = match create_reader(BUFFER_SIZE, source) {
            Ok(r) => r,
            Err(PcapError::Eof) => return Err(CaptureError::Empty { path: name.into() }),
            Err(PcapError::Incomplete(_)) => {
                return Err(CaptureError::TruncatedHeader { path: name.into() })
            }
            Err(_) => return Err(CaptureError::NotACapture { path: name.into() }),
        };
        let default = Interface {
            link_type: LinkType(1),
            resolution: 1_000_000,
            offset: 0,
        };
        Ok(CaptureReader {
            inner,
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
    pub fn for_each(&mut self, mut visit: impl FnMut(CaptureEvent<'_>)) -> ReadSummary {
        let mut summary = ReadSummary::default();
        let CaptureReader {
            inner,
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
                            summary.packets += 1;
                            summary.bytes += data.len() as u64;
                            visit(CaptureEvent::Packet(Packet {
                                index: summary.packets - 1,
                                timestamp_ns: b.ts_sec as i64 * 1_000_000_000 + frac,
                                link_type: iface.link_type,
                                data,
                                original_len: b.origlen.max(data.len() as u32),
                            }));
                        }
                        PcapBlockOwned::NG(block) => {
                            *format = CaptureFormat::Pcapng;
                            ng_block(interfaces, *legacy, block, &mut summary, &mut visit);
                        }
                    }
                    inner.consume(offset);
                }
                Err(PcapError::Eof) => break,
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
        summary
    }
}

fn ng_block(
    interfaces: &mut Vec<Interface>,
    legacy: Interface,
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
            let iface = interfaces
                .get(epb.if_id as usize)
                .copied()
                .unwrap_or(legacy);
            let ticks = ((epb.ts_high as u64) << 32) | epb.ts_low as u64;
            // Crafted files can hold any values here: saturate rather than overflow.
            let secs = i64::try_from(ticks / iface.resolution)
                .unwrap_or(i64::MAX)
                .saturating_add(iface.offset);
            let frac =
                (ticks % iface.resolution) as u128 * 1_000_000_000 / iface.resolution as u128;
            let data = &epb.data[..epb.data.len().min(epb.caplen as usize)];
            summary.packets += 1;
            summary.bytes += data.len() as u64;
            visit(CaptureEvent::Packet(Packet {
                index: summary.packets - 1,
                timestamp_ns: secs
                    .saturating_mul(1_000_000_000)
                    .saturating_add(frac as i64),
                link_type: iface.link_type,
                data,
                original_len: epb.origlen.max(data.len() as u32),
            }));
        }
        Block::SimplePacket(spb) => {
            let iface = interfaces.first().copied().unwrap_or(legacy);
            let data = &spb.data[..spb.data.len().min(spb.origlen as usize)];
            summary.packets += 1;
            summary.bytes += data.len() as u64;
            visit(CaptureEvent::Packet(Packet {
                index: summary.packets - 1,
                timestamp_ns: 0,
                link_type: iface.link_type,
                data,
                original_len: spb.origlen.max(data.len() as u32),
            }));
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

/// Counts the bytes read from the file.
struct Counting {
    inner: File,
    read: Arc<AtomicU64>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
