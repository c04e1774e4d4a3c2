//! NSS key log files (SSLKEYLOGFILE): `LABEL <client random or key id> <secret>` per line,
//! hex, as browsers, OpenSSL, GnuTLS and NSS write them, and as pcapng Decryption
//! Secrets Blocks carry them.
//!
//! | label | first field | secret |
//! |---|---|---|
//! | `CLIENT_RANDOM` | client random (32) | TLS ≤ 1.2 master secret (48) |
//! | `PMS_CLIENT_RANDOM` | client random (32) | pre-master secret |
//! | `RSA` | first 8 bytes of the encrypted pre-master | pre-master secret (48) |
//! | `CLIENT_EARLY_TRAFFIC_SECRET` … `EARLY_EXPORTER_SECRET` | client random (32) | TLS 1.3 secret (32 or 48) |
//! | `RSA Session-ID:<id> Master-Key:<secret>` | session id (1–32), Wireshark's form | TLS ≤ 1.2 master secret (48) |
//! | `TICKET_SHA256` | SHA-256 of a session ticket (32), tlsscope's own | TLS ≤ 1.2 master secret (48) |
//! | `CLIENT_TRAFFIC_SECRET_N`, `SERVER_TRAFFIC_SECRET_N` | client random (32) | OpenSSL 3's secret after a KeyUpdate: read and skipped (derived from `_0`) |
//!
//! The last two are what a second pass needs to open sessions resumed from a handshake
//! that another shard or file decrypted: `keylog` writes them beside `CLIENT_RANDOM`.
//!
//! Key logs are read as a stream, one line of at most [`MAX_LINE`] bytes at a time, and
//! memory holds the secrets, not the lines:
//!
//! - a regular file is only indexed: 16 bytes per line (a keyed 64-bit hash of the id,
//!   the label, the line's offset); a lookup reads the few candidate lines back, parses
//!   them again and checks the whole id. At most [`MAX_INDEXED`] lines in all.
//! - what cannot be read again (a pipe such as `--keylog <(cmd)`, the secrets blocks of a
//!   capture) is kept as fixed-size entries, at most [`MAX_IN_MEMORY`] of them.
//!
//! Past either cap, lines are counted and named in a warning. Whatever the store, the
//! last line read for a (label, id) wins: files in the order given, then secrets blocks as
//! they come.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::hash::{BuildHasher, RandomState};
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// One secret from a key log, and which key log (file, or capture's secrets block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub secret: Vec<u8>,
    pub source: Arc<str>,
}

/// The TLS 1.3 secrets a key log can hold for one client random.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tls13Secrets {
    pub client_early: Option<Vec<u8>>,
    pub client_handshake: Option<Vec<u8>>,
    pub server_handshake: Option<Vec<u8>>,
    pub client_traffic_0: Option<Vec<u8>>,
    pub server_traffic_0: Option<Vec<u8>>,
    pub exporter: Option<Vec<u8>>,
    pub early_exporter: Option<Vec<u8>>,
    /// The key log the last of these lines came from.
    pub source: Option<Arc<str>>,
}

/// The TLS 1.3 labels, in the order a key log writes them.
const TLS13_LABELS: [&str; 7] = [
    "CLIENT_EARLY_TRAFFIC_SECRET",
    "EARLY_EXPORTER_SECRET",
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
    "EXPORTER_SECRET",
];

impl Tls13Secrets {
    /// The secret of one label, if logged.
    fn get(&self, label: &str) -> Option<&Vec<u8>> {
        match label {
            "CLIENT_EARLY_TRAFFIC_SECRET" => self.client_early.as_ref(),
            "EARLY_EXPORTER_SECRET" => self.early_exporter.as_ref(),
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET" => self.client_handshake.as_ref(),
            "SERVER_HANDSHAKE_TRAFFIC_SECRET" => self.server_handshake.as_ref(),
            "CLIENT_TRAFFIC_SECRET_0" => self.client_traffic_0.as_ref(),
            "SERVER_TRAFFIC_SECRET_0" => self.server_traffic_0.as_ref(),
            "EXPORTER_SECRET" => self.exporter.as_ref(),
            _ => None,
        }
    }

    fn slot(&mut self, label: &str) -> Option<&mut Option<Vec<u8>>> {
        Some(match label {
            "CLIENT_EARLY_TRAFFIC_SECRET" => &mut self.client_early,
            "EARLY_EXPORTER_SECRET" => &mut self.early_exporter,
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET" => &mut self.client_handshake,
            "SERVER_HANDSHAKE_TRAFFIC_SECRET" => &mut self.server_handshake,
            "CLIENT_TRAFFIC_SECRET_0" => &mut self.client_traffic_0,
            "SERVER_TRAFFIC_SECRET_0" => &mut self.server_traffic_0,
            "EXPORTER_SECRET" => &mut self.exporter,
            _ => return None,
        })
    }

    /// Key log lines for these secrets (a filtered key log for `client_random`).
    pub fn lines(&self, client_random: &[u8]) -> Vec<String> {
        TLS13_LABELS
            .iter()
            .filter_map(|label| {
                let secret = self.get(label)?;
                Some(format!(
                    "{label} {} {}",
                    hex::encode(client_random),
                    hex::encode(secret)
                ))
            })
            .collect()
    }
}

/// A key log line longer than this (without its newline) is malformed: it is skipped
/// without being held (the longest valid line, a 1024-byte `PMS_CLIENT_RANDOM`, has
/// 2,131 characters).
pub const MAX_LINE: usize = 4096;
/// Secrets held in memory (from pipes and secrets blocks); later lines for new ids
/// are counted and ignored.
pub const MAX_IN_MEMORY: usize = 200_000;
/// Lines of key log files indexed (16 bytes each: 64 MiB), over all files.
pub const MAX_INDEXED: usize = 4 << 20;
/// Bytes of in-memory pre-master secrets longer than an entry's 48 bytes.
const MAX_LONG_SECRET_BYTES: usize = 4 << 20;
/// Malformed lines listed by number; the others are counted.
const MAX_LISTED_PROBLEMS: usize = 100;
/// Early secrets tried for one connection ([`KeyLog::early_secrets`]).
pub const MAX_EARLY_SECRETS: usize = 4;
/// Candidate lines read back for one lookup (hash collisions are rare and unforgeable:
/// the hash is keyed; this bounds the work if a file changed under us).
const MAX_CANDIDATE_READS: usize = 64;
/// The shortest valid line with its newline (`PMS_CLIENT_RANDOM`, a 1-byte secret):
/// sizes a file's index up front.
const MIN_VALID_LINE: u64 = 86;

/// Label kinds: `CLIENT_RANDOM`, `PMS_CLIENT_RANDOM`, `RSA`, then the TLS 1.3 labels
/// from `TLS13_FIRST` in [`TLS13_LABELS`] order, then the resumption lines (looked up
/// by the SHA-256 of the session id or ticket: one id length for all).
const CLIENT_RANDOM: u8 = 0;
const PMS_CLIENT_RANDOM: u8 = 1;
const RSA: u8 = 2;
const TLS13_FIRST: u8 = 3;
const SESSION_ID: u8 = TLS13_FIRST + TLS13_LABELS.len() as u8;
const TICKET: u8 = SESSION_ID + 1;

fn is_tls13(kind: u8) -> bool {
    (TLS13_FIRST..SESSION_ID).contains(&kind)
}

/// The key log line of a resumable session: Wireshark's form, which tshark reads too.
pub fn session_id_line(session_id: &[u8], master: &[u8]) -> String {
    format!(
        "RSA Session-ID:{} Master-Key:{}",
        hex::encode(session_id),
        hex::encode(master)
    )
}

/// The key log line of a session ticket (tlsscope's own label: tickets run to
/// kilobytes, so the line names the ticket by its SHA-256).
pub fn ticket_line(ticket: &[u8], master: &[u8]) -> String {
    format!(
        "TICKET_SHA256 {} {}",
        hex::encode(Sha256::digest(ticket)),
        hex::encode(master)
    )
}

/// The length of the id a kind is looked up by.
fn id_len(kind: u8) -> usize {
    if kind == RSA {
        8
    } else {
        32
    }
}

/// A valid line: its label kind, id, and secret (still hex, checked).
struct Line<'a> {
    kind: u8,
    id: [u8; 32],
    id_len: usize,
    secret: &'a str,
}

impl Line<'_> {
    fn id(&self) -> &[u8] {
        &self.id[..self.id_len]
    }
}

/// The byte length of a hex field, if it is hex.
fn hex_len(s: &str) -> Option<usize> {
    (s.len().is_multiple_of(2) && s.bytes().all(|b| b.is_ascii_hexdigit())).then_some(s.len() / 2)
}

/// Parses one line (without its newline): `Ok(None)` for a blank line, a comment or a
/// line of a label read and not needed.
fn parse_line(line: &str) -> Result<Option<Line<'_>>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let mut fields = line.split_whitespace();
    let (Some(label), Some(id), Some(secret), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(format!(
            "expected LABEL <hex> <hex>, found {} fields",
            line.split_whitespace().count()
        ));
    };
    // Wireshark's session-id line: `RSA Session-ID:<hex> Master-Key:<hex>`.
    let session = (label == "RSA")
        .then(|| {
            Some((
                id.strip_prefix("Session-ID:")?,
                secret.strip_prefix("Master-Key:")?,
            ))
        })
        .flatten();
    if let Some((session_id, master)) = session {
        let ok = hex_len(session_id).is_some_and(|n| (1..=32).contains(&n))
            && hex_len(master) == Some(48);
        if !ok {
            return Err("RSA Session-ID needs a 1- to 32-byte session id and 48 bytes".into());
        }
        let raw = hex::decode(session_id).map_err(|_| "RSA Session-ID: not hex".to_string())?;
        return Ok(Some(Line {
            kind: SESSION_ID,
            id: Sha256::digest(raw).into(),
            id_len: 32,
            secret: master,
        }));
    }
    let not_hex = |what: &str| format!("{label}: {what} is not hex");
    let id_bytes = hex_len(id).ok_or_else(|| not_hex("first field"))?;
    let secret_bytes = hex_len(secret).ok_or_else(|| not_hex("secret"))?;
    let want = |ok: bool, shape: &str| {
        if ok {
            Ok(())
        } else {
            Err(format!("{label} needs {shape}"))
        }
    };
    let kind = match label {
        "CLIENT_RANDOM" => {
            want(id_bytes == 32 && secret_bytes == 48, "32 + 48 bytes")?;
            CLIENT_RANDOM
        }
        "PMS_CLIENT_RANDOM" => {
            want(
                id_bytes == 32 && secret_bytes > 0 && secret_bytes <= 1024,
                "a 32-byte client random and a pre-master secret",
            )?;
            PMS_CLIENT_RANDOM
        }
        "RSA" => {
            want(id_bytes == 8 && secret_bytes == 48, "8 + 48 bytes")?;
            RSA
        }
        "TICKET_SHA256" => {
            want(id_bytes == 32 && secret_bytes == 48, "32 + 48 bytes")?;
            TICKET
        }
        // OpenSSL 3 logs each KeyUpdate's new secret under these. Nothing needs them:
        // every later secret follows from `_TRAFFIC_SECRET_0` (RFC 8446 §7.2), and the
        // lines do not say which update they follow.
        "CLIENT_TRAFFIC_SECRET_N" | "SERVER_TRAFFIC_SECRET_N" => return Ok(None),
        other => match TLS13_LABELS.iter().position(|&l| l == other) {
            Some(i) => {
                want(
                    id_bytes == 32 && matches!(secret_bytes, 32 | 48),
                    "a 32-byte client random and a 32- or 48-byte secret",
                )?;
                TLS13_FIRST + i as u8
            }
            None => return Err(format!("unknown label {other}")),
        },
    };
    let mut parsed = Line {
        kind,
        id: [0; 32],
        id_len: id_bytes,
        secret,
    };
    hex::decode_to_slice(id, &mut parsed.id[..id_bytes]).map_err(|_| not_hex("first field"))?;
    Ok(Some(parsed))
}

/// A line read by [`read_line`], or its first [`MAX_LINE`] bytes when it is longer
/// (`Err`: the line is malformed, `Ok(None)`: a comment or blank line).
fn parse_raw(raw: &[u8], overlong: bool) -> Result<Option<Line<'_>>, String> {
    if overlong {
        let comment = String::from_utf8_lossy(raw).trim_start().starts_with('#');
        return if comment {
            Ok(None)
        } else {
            Err(format!("line longer than {MAX_LINE} bytes"))
        };
    }
    match std::str::from_utf8(raw) {
        Ok(text) => parse_line(text),
        // Not UTF-8: the verdict and message of a lossy decoding (which cannot make a
        // valid line: U+FFFD is neither hex nor a space).
        Err(_) => match parse_line(&String::from_utf8_lossy(raw)) {
            Ok(None) => Ok(None),
            Ok(Some(_)) => Err("not UTF-8".into()),
            Err(why) => Err(why),
        },
    }
}

/// Reads one line into `buf` (without its newline), keeping at most [`MAX_LINE`] + 1
/// bytes of it: `Ok(None)` at the end of the input, else the bytes the line took in
/// the input, and whether it was longer than [`MAX_LINE`].
fn read_line(r: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<Option<(u64, bool)>> {
    buf.clear();
    let n = r
        .by_ref()
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', buf)? as u64;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        return Ok(Some((n, false)));
    }
    if buf.len() <= MAX_LINE {
        return Ok(Some((n, false))); // the last line, without a newline
    }
    let rest = r.skip_until(b'\n')? as u64;
    Ok(Some((n + rest, true)))
}

/// Reads `buf.len()` bytes at `offset`, fewer at the end of the file.
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let at = offset + filled as u64;
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(file, &mut buf[filled..], at);
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(file, &mut buf[filled..], at);
        #[cfg(not(any(unix, windows)))]
        let n = {
            use std::io::Seek;
            let mut f = file;
            f.seek(io::SeekFrom::Start(at))
                .and_then(|_| f.read(&mut buf[filled..]))
        };
        match n {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// One line of an indexed file: sorted by (tag, kind, offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct IndexEntry {
    /// The keyed hash of the id.
    tag: u64,
    /// kind << [`OFFSET_BITS`] | offset of the line in its file.
    kind_offset: u64,
}

/// Offsets take the low 60 bits; the kind (at most 11, with room for `kind + 1` as a
/// search bound) the high 4.
const OFFSET_BITS: u32 = 60;

impl IndexEntry {
    fn offset(&self) -> u64 {
        self.kind_offset & ((1 << OFFSET_BITS) - 1)
    }
}

/// A key log file read through once, looked up by reading its lines back.
#[derive(Debug, Clone)]
struct IndexedFile {
    file: Arc<File>,
    source: u16,
    /// The [`KeyLog::clock`] when it was read: what is in memory with a lower `seq` is
    /// older than its lines, a higher one newer.
    clock: u64,
    entries: Vec<IndexEntry>,
}

/// An in-memory secret's key: its kind and id (an `RSA` id is padded with zeros).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct MemKey {
    kind: u8,
    id: [u8; 32],
}

#[derive(Debug, Clone, Copy)]
struct MemValue {
    /// When it was added ([`KeyLog::clock`]).
    seq: u64,
    /// The secret, or for one longer than 48 bytes its offset in `long_secrets` (4
    /// bytes, little-endian).
    secret: [u8; 48],
    len: u16,
    source: u16,
}

/// A line found for a lookup: (clock, offset) orders lines from all stores.
struct Found {
    order: (u64, u64),
    secret: Vec<u8>,
    source: u16,
}

/// Lines read back that no longer parse as indexed (the file changed during the run).
#[derive(Debug, Default)]
struct Counter(AtomicU64);

impl Clone for Counter {
    fn clone(&self) -> Self {
        Counter(AtomicU64::new(self.get()))
    }
}

impl Counter {
    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn bump(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Secrets from key logs.
#[derive(Debug, Clone)]
pub struct KeyLog {
    /// Key log names (`sources[i]` for source index `i`), once each.
    sources: Vec<Arc<str>>,
    source_ids: HashMap<Arc<str>, u16>,
    files: Vec<IndexedFile>,
    indexed: usize,
    memory: HashMap<MemKey, MemValue>,
    long_secrets: Vec<u8>,
    /// Ticks once per file read and per line kept in memory: orders the stores.
    clock: u64,
    tls13_lines: u64,
    /// The first malformed lines, as `source:line: why`.
    problems: Vec<String>,
    malformed: u64,
    ignored_in_memory: u64,
    ignored_indexed: u64,
    failed_reads: Counter,
    /// Keys the id hash of the index: ids from the input cannot be made to collide.
    hasher: RandomState,
    /// All ones; tests clear bits to make ids collide.
    tag_mask: u64,
    memory_cap: usize,
    index_cap: usize,
}

impl Default for KeyLog {
    fn default() -> Self {
        KeyLog {
            sources: Vec::new(),
            source_ids: HashMap::new(),
            files: Vec::new(),
            indexed: 0,
            memory: HashMap::new(),
            long_secrets: Vec::new(),
            clock: 0,
            tls13_lines: 0,
            problems: Vec::new(),
            malformed: 0,
            ignored_in_memory: 0,
            ignored_indexed: 0,
            failed_reads: Counter::default(),
            hasher: RandomState::new(),
            tag_mask: !0,
            memory_cap: MAX_IN_MEMORY,
            index_cap: MAX_INDEXED,
        }
    }
}

impl KeyLog {
    /// Reads a key log file: a regular file is indexed and read back on lookup; anything
    /// else (a pipe, a device) is read once into memory. Comments (`#`), blank lines and
    /// CRLF are fine; a malformed line is noted with its number and skipped. The source
    /// is the path as given.
    pub fn load_file(&mut self, path: &Path) -> io::Result<()> {
        let file = File::open(path)?;
        let meta = file.metadata()?;
        let source = path.display().to_string();
        if meta.is_file() {
            self.index_file(file, meta.len(), &source)
        } else {
            self.add_reader(file, &source)
        }
    }

    /// Adds the lines of one key log held in memory (a pcapng Decryption Secrets Block).
    pub fn add(&mut self, text: &[u8], source: &str) {
        // Reading from a slice cannot fail.
        let _ = self.add_reader(text, source);
    }

    /// Adds the lines of a key log that cannot be read again (a pipe), kept in memory.
    pub fn add_reader(&mut self, input: impl Read, source: &str) -> io::Result<()> {
        let src = self.source_id(source);
        let mut reader = BufReader::with_capacity(64 << 10, input);
        let mut buf = Vec::with_capacity(MAX_LINE + 1);
        let mut number = 0u64;
        while let Some((_, overlong)) = read_line(&mut reader, &mut buf)? {
            number += 1;
            match parse_raw(&buf, overlong) {
                Ok(None) => {}
                Ok(Some(line)) => self.remember(&line, src),
                Err(why) => self.malformed(source, number, why),
            }
        }
        Ok(())
    }

    fn index_file(&mut self, file: File, len: u64, source: &str) -> io::Result<()> {
        let Some(src) = self.source_id(source) else {
            return Ok(()); // 65,536 key logs: not worth a message
        };
        let room = self.index_cap.saturating_sub(self.indexed);
        // At most one entry per MIN_VALID_LINE bytes: reserved once (pages not written
        // to cost nothing), trimmed at the end.
        let expected = usize::try_from(len / MIN_VALID_LINE + 1).unwrap_or(usize::MAX);
        let mut entries = Vec::with_capacity(expected.min(room));
        let clock = self.tick();
        let mut reader = BufReader::with_capacity(64 << 10, &file);
        let mut buf = Vec::with_capacity(MAX_LINE + 1);
        let (mut offset, mut number) = (0u64, 0u64);
        while let Some((taken, overlong)) = read_line(&mut reader, &mut buf)? {
            let at = offset;
            offset += taken;
            number += 1;
            match parse_raw(&buf, overlong) {
                Ok(None) => {}
                Ok(Some(line)) => {
                    if entries.len() >= room || at >> OFFSET_BITS != 0 {
                        self.ignored_indexed += 1;
                        continue;
                    }
                    if is_tls13(line.kind) {
                        self.tls13_lines += 1;
                    }
                    entries.push(IndexEntry {
                        tag: self.tag(line.id()),
                        kind_offset: u64::from(line.kind) << OFFSET_BITS | at,
                    });
                }
                Err(why) => self.malformed(source, number, why),
            }
        }
        drop(reader);
        if entries.is_empty() {
            return Ok(());
        }
        entries.sort_unstable();
        entries.shrink_to_fit();
        self.indexed += entries.len();
        self.files.push(IndexedFile {
            file: Arc::new(file),
            source: src,
            clock,
            entries,
        });
        Ok(())
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    fn tag(&self, id: &[u8]) -> u64 {
        self.hasher.hash_one(id) & self.tag_mask
    }

    /// The index of a source name; None past 65,536 names.
    fn source_id(&mut self, name: &str) -> Option<u16> {
        if let Some(&i) = self.source_ids.get(name) {
            return Some(i);
        }
        let i = u16::try_from(self.sources.len()).ok()?;
        let name: Arc<str> = Arc::from(name);
        self.sources.push(name.clone());
        self.source_ids.insert(name, i);
        Some(i)
    }

    fn malformed(&mut self, source: &str, number: u64, why: String) {
        self.malformed += 1;
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            self.problems.push(format!("{source}:{number}: {why}"));
        }
    }

    /// Keeps a line's secret in memory (replacing an older one for its label and id).
    fn remember(&mut self, line: &Line<'_>, source: Option<u16>) {
        let key = MemKey {
            kind: line.kind,
            id: line.id,
        };
        let Some(source) = source else {
            self.ignored_in_memory += 1;
            return;
        };
        if self.memory.len() >= self.memory_cap && !self.memory.contains_key(&key) {
            self.ignored_in_memory += 1;
            return;
        }
        let len = line.secret.len() / 2;
        let mut secret = [0; 48];
        if len <= secret.len() {
            let _ = hex::decode_to_slice(line.secret, &mut secret[..len]);
        } else {
            let at = self.long_secrets.len();
            if at + len > MAX_LONG_SECRET_BYTES {
                self.ignored_in_memory += 1;
                return;
            }
            self.long_secrets.resize(at + len, 0);
            let _ = hex::decode_to_slice(line.secret, &mut self.long_secrets[at..]);
            secret[..4].copy_from_slice(&(at as u32).to_le_bytes());
        }
        if is_tls13(line.kind) {
            self.tls13_lines += 1;
        }
        let seq = self.tick();
        self.memory.insert(
            key,
            MemValue {
                seq,
                secret,
                len: len as u16,
                source,
            },
        );
    }

    /// The last line of `kind` for `id`, from every store.
    fn lookup(&self, kind: u8, id: &[u8]) -> Option<Found> {
        if id.len() != id_len(kind) {
            return None;
        }
        let mut key = MemKey { kind, id: [0; 32] };
        key.id[..id.len()].copy_from_slice(id);
        let in_memory = self.memory.get(&key).map(|v| Found {
            order: (v.seq, 0),
            secret: match usize::from(v.len) {
                len @ 0..=48 => v.secret[..len].to_vec(),
                len => {
                    let at =
                        u32::from_le_bytes([v.secret[0], v.secret[1], v.secret[2], v.secret[3]]);
                    self.long_secrets[at as usize..][..len].to_vec()
                }
            },
            source: v.source,
        });
        let tag = self.tag(id);
        for f in self.files.iter().rev() {
            if in_memory.as_ref().is_some_and(|m| m.order.0 > f.clock) {
                break; // newer than this file and every earlier one
            }
            if let Some(found) = self.find_in_file(f, kind, id, tag) {
                return Some(found);
            }
        }
        in_memory
    }

    /// The last line of `kind` for `id` (whose tag is `tag`) in an indexed file, read
    /// back and checked.
    fn find_in_file(&self, f: &IndexedFile, kind: u8, id: &[u8], tag: u64) -> Option<Found> {
        let mut first = None;
        self.scan_file(f, kind, id, tag, &mut |found| {
            first = Some(found);
            false
        });
        first
    }

    /// The lines of `kind` for `id` in an indexed file, the last first, to `each` until
    /// it returns false.
    fn scan_file(
        &self,
        f: &IndexedFile,
        kind: u8,
        id: &[u8],
        tag: u64,
        each: &mut dyn FnMut(Found) -> bool,
    ) {
        // The lines of this kind and tag, the last first.
        let bound = |kind: u8| IndexEntry {
            tag,
            kind_offset: u64::from(kind) << OFFSET_BITS,
        };
        let (first, end) = (bound(kind), bound(kind + 1));
        let from = f.entries.partition_point(|e| *e < first);
        let to = f.entries.partition_point(|e| *e < end);
        let mut buf = [0; MAX_LINE + 1];
        for e in f.entries[from..to].iter().rev().take(MAX_CANDIDATE_READS) {
            let Ok(n) = read_at(&f.file, &mut buf, e.offset()) else {
                self.failed_reads.bump();
                continue;
            };
            let raw = &buf[..n];
            let line = match raw.iter().position(|&b| b == b'\n') {
                Some(end) => &raw[..end],
                None if n <= MAX_LINE => raw,
                None => {
                    self.failed_reads.bump();
                    continue;
                }
            };
            match parse_raw(line, false) {
                Ok(Some(l)) if l.kind == kind && l.id() == id => {
                    let found = Found {
                        order: (f.clock, e.offset()),
                        secret: hex::decode(l.secret).unwrap_or_default(),
                        source: f.source,
                    };
                    if !each(found) {
                        return;
                    }
                }
                Ok(Some(l)) if l.kind == kind => {} // another id with the same hash
                _ => self.failed_reads.bump(),
            }
        }
    }

    /// Every distinct CLIENT_EARLY_TRAFFIC_SECRET logged for a client random, the last
    /// first, at most [`MAX_EARLY_SECRETS`]. One is the rule; GnuTLS logs a second one
    /// after a HelloRetryRequest (for a ClientHello that sends no early data), so the
    /// last line is not always the key of the early data sent.
    pub fn early_secrets(&self, client_random: &[u8]) -> Vec<Vec<u8>> {
        let kind = TLS13_FIRST;
        let mut all: Vec<Vec<u8>> = Vec::new();
        let mut keep = |secret: Vec<u8>| {
            if !secret.is_empty() && !all.contains(&secret) && all.len() < MAX_EARLY_SECRETS {
                all.push(secret);
            }
            all.len() < MAX_EARLY_SECRETS
        };
        if id_len(kind) != client_random.len() {
            return Vec::new();
        }
        if let Some(last) = self.lookup(kind, client_random) {
            keep(last.secret);
        }
        let tag = self.tag(client_random);
        for f in self.files.iter().rev() {
            self.scan_file(f, kind, client_random, tag, &mut |found| keep(found.secret));
        }
        all
    }

    fn logged(&self, kind: u8, id: &[u8]) -> Option<Logged> {
        let found = self.lookup(kind, id)?;
        Some(Logged {
            secret: found.secret,
            source: self.sources[usize::from(found.source)].clone(),
        })
    }

    /// `CLIENT_RANDOM`: the TLS ≤ 1.2 master secret for a client random.
    pub fn master_secret(&self, client_random: &[u8]) -> Option<Logged> {
        self.logged(CLIENT_RANDOM, client_random)
    }

    /// `PMS_CLIENT_RANDOM`: the pre-master secret for a client random.
    pub fn pre_master(&self, client_random: &[u8]) -> Option<Logged> {
        self.logged(PMS_CLIENT_RANDOM, client_random)
    }

    /// `RSA`: the pre-master secret by the first 8 bytes of its RSA encryption.
    pub fn rsa_pre_master(&self, encrypted_prefix: &[u8]) -> Option<Logged> {
        self.logged(RSA, encrypted_prefix)
    }

    /// `RSA Session-ID:`: the master secret of a resumable session.
    pub fn session_master(&self, session_id: &[u8]) -> Option<Logged> {
        self.logged(SESSION_ID, &Sha256::digest(session_id))
    }

    /// `TICKET_SHA256`: the master secret of a session ticket.
    pub fn ticket_master(&self, ticket: &[u8]) -> Option<Logged> {
        self.logged(TICKET, &Sha256::digest(ticket))
    }

    /// The TLS 1.3 secrets for a client random, if any is logged; `source` names the
    /// key log of the last of their lines.
    pub fn tls13(&self, client_random: &[u8]) -> Option<Tls13Secrets> {
        if self.tls13_lines == 0 {
            return None;
        }
        let mut secrets = Tls13Secrets::default();
        let mut last: Option<((u64, u64), u16)> = None;
        for (i, label) in TLS13_LABELS.iter().enumerate() {
            let Some(found) = self.lookup(TLS13_FIRST + i as u8, client_random) else {
                continue;
            };
            if last.is_none_or(|(order, _)| found.order > order) {
                last = Some((found.order, found.source));
            }
            if let Some(slot) = secrets.slot(label) {
                *slot = Some(found.secret);
            }
        }
        let (_, source) = last?;
        secrets.source = Some(self.sources[usize::from(source)].clone());
        Some(secrets)
    }

    /// Whether any TLS 1.3 line was read.
    pub fn has_tls13(&self) -> bool {
        self.tls13_lines > 0
    }

    /// Whether no line was read at all.
    pub fn is_empty(&self) -> bool {
        self.indexed == 0 && self.memory.is_empty()
    }

    /// What went wrong, one line each for the capture's warnings: the first malformed
    /// lines as `key log source:line: why`, then how many more, lines ignored past the
    /// caps, lines that could not be read back.
    pub fn warnings(&self) -> Vec<String> {
        let mut w: Vec<String> = self
            .problems
            .iter()
            .map(|p| format!("key log {p}"))
            .collect();
        let unlisted = self.malformed - self.problems.len() as u64;
        if unlisted > 0 {
            w.push(format!(
                "key log: {unlisted} more malformed lines not listed"
            ));
        }
        if self.ignored_in_memory > 0 {
            w.push(format!(
                "key log: {} lines ignored: at most {} secrets from pipes and secrets blocks are held in memory",
                self.ignored_in_memory, self.memory_cap
            ));
        }
        if self.ignored_indexed > 0 {
            w.push(format!(
                "key log: {} lines ignored: at most {} lines of key log files are indexed",
                self.ignored_indexed, self.index_cap
            ));
        }
        let failed = self.failed_reads.get();
        if failed > 0 {
            w.push(format!(
                "key log: {failed} lines could not be read back from their file (changed during the run?)"
            ));
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// The same text as a secrets block (memory), a pipe-like reader, and an indexed
    /// file (kept alive by the returned directory).
    fn three_ways(text: &str) -> (Vec<KeyLog>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.log");
        std::fs::write(&path, text).unwrap();
        let mut block = KeyLog::default();
        block.add(text.as_bytes(), "k.log");
        let mut pipe = KeyLog::default();
        pipe.add_reader(std::io::Cursor::new(text.as_bytes().to_vec()), "k.log")
            .unwrap();
        let mut file = KeyLog::default();
        file.index_file(File::open(&path).unwrap(), text.len() as u64, "k.log")
            .unwrap();
        assert_eq!(file.files.len(), 1);
        assert!(pipe.files.is_empty() && block.files.is_empty());
        (vec![block, pipe, file], dir)
    }

    fn index(text: &str, source: &str, k: &mut KeyLog, dir: &Path) {
        let path = dir.join(source);
        std::fs::write(&path, text).unwrap();
        k.index_file(File::open(&path).unwrap(), text.len() as u64, source)
            .unwrap();
    }

    fn cr_line(label: &str, id: &[u8], secret: &[u8]) -> String {
        format!("{label} {} {}\n", hex::encode(id), hex::encode(secret))
    }

    #[test]
    fn session_id_and_ticket_lines_are_read_from_every_store() {
        let ms = [7u8; 48];
        let ticket = vec![9u8; 300];
        let text = session_id_line(&[1, 2, 3], &ms)
            + "\n"
            + &ticket_line(&ticket, &ms)
            + "\nRSA Session-ID:zz Master-Key:00\nRSA Session-ID:01 Master-Key:0102\n";
        assert!(text.starts_with("RSA Session-ID:010203 Master-Key:0707"));
        for k in three_ways(&text).0 {
            assert_eq!(k.session_master(&[1, 2, 3]).unwrap().secret, ms);
            assert!(
                k.session_master(&[1, 2, 3, 0]).is_none(),
                "ids are not padded"
            );
            assert_eq!(k.ticket_master(&ticket).unwrap().secret, ms);
            assert!(k.ticket_master(&ticket[1..]).is_none());
            assert!(!k.has_tls13());
            assert_eq!(k.problems.len(), 2, "{:?}", k.problems);
        }
    }

    /// GnuTLS after a HelloRetryRequest logs a second early secret for the same client
    /// random: from a file both are candidates, the last first; a secrets block or a
    /// pipe keeps the last only.
    #[test]
    fn every_early_secret_of_a_client_random_is_a_candidate() {
        let cr = [5u8; 32];
        let text = cr_line("CLIENT_EARLY_TRAFFIC_SECRET", &cr, &[1; 32])
            + &cr_line("CLIENT_EARLY_TRAFFIC_SECRET", &cr, &[2; 32])
            + &cr_line("CLIENT_EARLY_TRAFFIC_SECRET", &cr, &[2; 32])
            + &cr_line("CLIENT_EARLY_TRAFFIC_SECRET", &[6; 32], &[3; 32]);
        let (logs, _dir) = three_ways(&text);
        let [block, pipe, file] = &logs[..] else {
            unreachable!()
        };
        assert_eq!(file.early_secrets(&cr), [vec![2; 32], vec![1; 32]]);
        assert_eq!(block.early_secrets(&cr), [vec![2; 32]]);
        assert_eq!(pipe.early_secrets(&cr), [vec![2; 32]]);
        assert_eq!(file.early_secrets(&[7; 32]), Vec::<Vec<u8>>::new());
        assert_eq!(file.early_secrets(&[5; 8]), Vec::<Vec<u8>>::new());
    }

    #[test]
    fn parses_lines_and_reports_bad_ones() {
        let cr = "aa".repeat(32);
        let ms = "bb".repeat(48);
        let text = format!(
            "# comment\r\n\r\nCLIENT_RANDOM {cr} {ms}\r\nCLIENT_RANDOM zz {ms}\n\
             SERVER_TRAFFIC_SECRET_0 {cr} {cr}\nRSA 0102030405060708 {ms}\n\
             PMS_CLIENT_RANDOM {cr} {cr}\nFOO {cr} {cr}\nCLIENT_RANDOM {cr}\n\
             CLIENT_HANDSHAKE_TRAFFIC_SECRET {cr} {}\nRSA 01020304050607 {ms}\n\
             PMS_CLIENT_RANDOM {cr} {}\nCLIENT_TRAFFIC_SECRET_N {cr} {cr}\n\
             SERVER_TRAFFIC_SECRET_N {cr} {cr}",
            "cc".repeat(48),
            "dd".repeat(1024),
        );
        for k in three_ways(&text).0 {
            let m = k.master_secret(&[0xaa; 32]).unwrap();
            assert_eq!(m.secret, vec![0xbb; 48]);
            assert_eq!(&*m.source, "k.log");
            assert_eq!(
                k.warnings(),
                vec![
                    "key log k.log:4: CLIENT_RANDOM: first field is not hex".to_string(),
                    "key log k.log:8: unknown label FOO".to_string(),
                    "key log k.log:9: expected LABEL <hex> <hex>, found 2 fields".to_string(),
                    "key log k.log:11: RSA needs 8 + 48 bytes".to_string(),
                ]
            );
            let t = k.tls13(&[0xaa; 32]).unwrap();
            assert_eq!(t.server_traffic_0, Some(vec![0xaa; 32]));
            assert_eq!(t.client_handshake, Some(vec![0xcc; 48]));
            assert_eq!(t.client_early, None);
            assert_eq!(t.source.as_deref(), Some("k.log"));
            assert!(k.has_tls13() && !k.is_empty());
            assert!(k.tls13(&[0xab; 32]).is_none());
            assert_eq!(
                k.rsa_pre_master(&[1, 2, 3, 4, 5, 6, 7, 8]).unwrap().secret,
                vec![0xbb; 48]
            );
            assert!(k.rsa_pre_master(&[1, 2, 3, 4, 5, 6, 7]).is_none());
            // The last line has no newline, and a 1024-byte secret.
            assert_eq!(k.pre_master(&[0xaa; 32]).unwrap().secret, vec![0xdd; 1024]);
            assert!(k.master_secret(&[0xaa; 31]).is_none());
            assert!(k.master_secret(&[0xab; 32]).is_none());
            let lines = t.lines(&[0xaa; 32]);
            assert_eq!(lines.len(), 2);
            assert!(lines[0].starts_with("CLIENT_HANDSHAKE_TRAFFIC_SECRET aaaa"));
        }
        let empty = KeyLog::default();
        assert!(empty.is_empty() && !empty.has_tls13());
    }

    #[test]
    fn the_last_line_wins_in_a_file_across_files_and_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let r = [7; 32];
        let mut k = KeyLog::default();
        let a = cr_line("CLIENT_RANDOM", &r, &[1; 48])
            + &cr_line("CLIENT_RANDOM", &r, &[2; 48])
            + &cr_line("CLIENT_HANDSHAKE_TRAFFIC_SECRET", &r, &[3; 32])
            + &cr_line("SERVER_HANDSHAKE_TRAFFIC_SECRET", &r, &[4; 32]);
        index(&a, "a.log", &mut k, dir.path());
        assert_eq!(k.master_secret(&r).unwrap().secret, vec![2; 48]);
        // A pipe between two files.
        let p = cr_line("CLIENT_RANDOM", &r, &[5; 48])
            + &cr_line("SERVER_HANDSHAKE_TRAFFIC_SECRET", &r, &[6; 32]);
        k.add_reader(p.as_bytes(), "pipe").unwrap();
        let m = k.master_secret(&r).unwrap();
        assert_eq!((m.secret, &*m.source), (vec![5; 48], "pipe"));
        let t = k.tls13(&r).unwrap();
        assert_eq!(t.client_handshake, Some(vec![3; 32]));
        assert_eq!(t.server_handshake, Some(vec![6; 32]));
        assert_eq!(t.source.as_deref(), Some("pipe"));
        index(
            &cr_line("CLIENT_RANDOM", &r, &[8; 48]),
            "b.log",
            &mut k,
            dir.path(),
        );
        let m = k.master_secret(&r).unwrap();
        assert_eq!((m.secret, &*m.source), (vec![8; 48], "b.log"));
        // b.log has no TLS 1.3 line: the pipe's is still the last.
        assert_eq!(k.tls13(&r).unwrap().source.as_deref(), Some("pipe"));
        // A secrets block during the run.
        k.add(
            cr_line("CLIENT_TRAFFIC_SECRET_0", &r, &[9; 48]).as_bytes(),
            "c.pcapng (secrets block)",
        );
        let t = k.tls13(&r).unwrap();
        assert_eq!(t.client_traffic_0, Some(vec![9; 48]));
        assert_eq!(t.server_handshake, Some(vec![6; 32]));
        assert_eq!(t.source.as_deref(), Some("c.pcapng (secrets block)"));
        assert_eq!(k.master_secret(&r).unwrap().secret, vec![8; 48]);
        k.add(
            cr_line("CLIENT_RANDOM", &r, &[10; 48]).as_bytes(),
            "c.pcapng (secrets block)",
        );
        assert_eq!(k.master_secret(&r).unwrap().secret, vec![10; 48]);
        // One name per source, however many blocks.
        assert_eq!(k.sources.len(), 4);
        assert!(k.warnings().is_empty());
    }

    #[test]
    fn ids_sharing_a_hash_or_a_prefix_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        for mask in [!0, 0] {
            let mut k = KeyLog {
                tag_mask: mask,
                ..Default::default()
            };
            let mut a = [0x11; 32];
            let mut b = a;
            a[31] = 1;
            b[31] = 2;
            let text = cr_line("CLIENT_RANDOM", &a, &[1; 48])
                + &cr_line("CLIENT_RANDOM", &b, &[2; 48])
                + &cr_line("PMS_CLIENT_RANDOM", &a, &[3; 20])
                + &cr_line("RSA", &a[..8], &[4; 48])
                + &cr_line("EXPORTER_SECRET", &b, &[5; 32]);
            index(&text, "same.log", &mut k, dir.path());
            assert_eq!(k.master_secret(&a).unwrap().secret, vec![1; 48]);
            assert_eq!(k.master_secret(&b).unwrap().secret, vec![2; 48]);
            assert_eq!(k.pre_master(&a).unwrap().secret, vec![3; 20]);
            assert!(k.pre_master(&b).is_none());
            assert_eq!(k.rsa_pre_master(&a[..8]).unwrap().secret, vec![4; 48]);
            assert!(k.tls13(&a).is_none());
            assert_eq!(k.tls13(&b).unwrap().exporter, Some(vec![5; 32]));
            assert!(k.master_secret(&[0x11; 32]).is_none());
            assert!(k.warnings().is_empty(), "{:?}", k.warnings());
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_read_once_into_memory() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("no mkfifo: skipped");
            return;
        }
        let r = [3; 32];
        let text = cr_line("CLIENT_RANDOM", &r, &[1; 48]) + "bad line\n";
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::write(fifo, text).unwrap())
        };
        let mut k = KeyLog::default();
        k.load_file(&fifo).unwrap();
        writer.join().unwrap();
        assert!(k.files.is_empty());
        assert_eq!(k.memory.len(), 1);
        let m = k.master_secret(&r).unwrap();
        assert_eq!(m.secret, vec![1; 48]);
        assert_eq!(&*m.source, fifo.display().to_string());
        assert_eq!(
            k.warnings(),
            [format!(
                "key log {}:2: expected LABEL <hex> <hex>, found 2 fields",
                fifo.display()
            )]
        );
        // A regular file is indexed instead.
        let path = dir.path().join("k.log");
        std::fs::write(&path, cr_line("CLIENT_RANDOM", &r, &[2; 48])).unwrap();
        k.load_file(&path).unwrap();
        assert_eq!(k.files.len(), 1);
        assert_eq!(k.master_secret(&r).unwrap().secret, vec![2; 48]);
        assert!(k.load_file(&dir.path().join("missing")).is_err());
        assert!(k.load_file(dir.path()).is_err()); // a directory
    }

    #[test]
    fn caps_ignore_new_ids_and_say_how_many() {
        let dir = tempfile::tempdir().unwrap();
        let mut k = KeyLog {
            memory_cap: 3,
            index_cap: 2,
            ..Default::default()
        };
        let mut text = String::new();
        for i in 0..5u8 {
            text += &cr_line("CLIENT_RANDOM", &[i; 32], &[i; 48]);
        }
        // Replacing a held secret is not past the cap.
        text += &cr_line("CLIENT_RANDOM", &[0; 32], &[9; 48]);
        k.add(text.as_bytes(), "block");
        assert_eq!(k.memory.len(), 3);
        assert_eq!(k.master_secret(&[0; 32]).unwrap().secret, vec![9; 48]);
        assert!(k.master_secret(&[2; 32]).is_some());
        assert!(k.master_secret(&[3; 32]).is_none());
        index(&text, "f.log", &mut k, dir.path());
        assert_eq!(k.indexed, 2);
        assert_eq!(
            k.warnings(),
            [
                "key log: 2 lines ignored: at most 3 secrets from pipes and secrets blocks are held in memory",
                "key log: 4 lines ignored: at most 2 lines of key log files are indexed",
            ]
        );
        assert_eq!(KeyLog::default().memory_cap, MAX_IN_MEMORY);
    }

    #[test]
    fn overlong_lines_are_skipped_not_held() {
        let r = [5; 32];
        let padded = format!(
            "CLIENT_RANDOM {}{} {}\n",
            hex::encode(r),
            " ".repeat(MAX_LINE),
            hex::encode([6; 48])
        );
        let text = format!(
            "#{}\n{}\n{padded}{}\n{}\n{}",
            "c".repeat(1 << 20),
            "x".repeat(MAX_LINE),
            "y".repeat(3 * MAX_LINE),
            // Cut inside a multi-byte character at the limit.
            "é".repeat(MAX_LINE),
            cr_line("CLIENT_RANDOM", &r, &[1; 48]),
        );
        for k in three_ways(&text).0 {
            assert_eq!(k.master_secret(&r).unwrap().secret, vec![1; 48]);
            let why = format!("line longer than {MAX_LINE} bytes");
            assert_eq!(
                k.warnings(),
                [
                    // A line of exactly MAX_LINE bytes is judged as any other.
                    "key log k.log:2: expected LABEL <hex> <hex>, found 1 fields".to_string(),
                    format!("key log k.log:3: {why}"),
                    format!("key log k.log:4: {why}"),
                    format!("key log k.log:5: {why}"),
                ]
            );
        }
    }

    #[test]
    fn malformed_lines_are_all_counted() {
        let mut text = String::new();
        for i in 0..250 {
            text += &format!("CLIENT_RANDOM {i}\n");
        }
        text += "\u{a0}CLIENT_RANDOM\u{a0}\u{ff}\n";
        text += "CLIENT_RANDOM \u{ff}\u{fe}\n";
        text.push_str("RSA 0102030405060708 ");
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(&[0xff; 96]);
        let mut k = KeyLog::default();
        k.add(&bytes, "m.log");
        let w = k.warnings();
        assert_eq!(w.len(), 101);
        assert_eq!(
            w[0],
            "key log m.log:1: expected LABEL <hex> <hex>, found 2 fields"
        );
        assert!(w[99].starts_with("key log m.log:100: "));
        assert_eq!(w[100], "key log: 153 more malformed lines not listed");
        assert_eq!(k.malformed, 253);
    }

    #[test]
    fn a_file_changed_under_the_index_fails_quietly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.log");
        let r = [4; 32];
        std::fs::write(&path, cr_line("CLIENT_RANDOM", &r, &[1; 48])).unwrap();
        let mut k = KeyLog::default();
        k.load_file(&path).unwrap();
        assert!(k.master_secret(&r).is_some());
        let mut f = std::fs::File::create(&path).unwrap();
        f.write_all(b"CLIENT_RANDOM 00\n").unwrap();
        drop(f);
        assert!(k.master_secret(&r).is_none());
        assert!(k.tls13(&r).is_none());
        assert_eq!(
            k.warnings(),
            ["key log: 1 lines could not be read back from their file (changed during the run?)"]
        );
    }

    #[test]
    fn index_entries_are_small() {
        assert_eq!(std::mem::size_of::<IndexEntry>(), 16);
        let e = IndexEntry {
            tag: 1,
            kind_offset: u64::from(TLS13_FIRST + 6) << OFFSET_BITS | 12345,
        };
        assert_eq!(e.offset(), 12345);
        assert_eq!(e.kind_offset >> OFFSET_BITS, u64::from(TLS13_FIRST + 6));
    }

    #[test]
    fn repeated_lines_cost_one_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut k = KeyLog::default();
        let r = [9; 32];
        let mut text = String::new();
        for i in 0..200u8 {
            text += &cr_line("CLIENT_RANDOM", &r, &[i; 48]);
            text += &cr_line("EARLY_EXPORTER_SECRET", &r, &[i; 32]);
        }
        index(&text, "rep.log", &mut k, dir.path());
        assert_eq!(k.indexed, 400);
        assert_eq!(k.master_secret(&r).unwrap().secret, vec![199; 48]);
        assert_eq!(k.tls13(&r).unwrap().early_exporter, Some(vec![199; 32]));
        // Rewritten under the index: at most MAX_CANDIDATE_READS lines are tried.
        std::fs::write(dir.path().join("rep.log"), "x\n".repeat(text.len() / 2)).unwrap();
        assert!(k.master_secret(&r).is_none());
        assert_eq!(k.failed_reads.get(), MAX_CANDIDATE_READS as u64);
    }
}
