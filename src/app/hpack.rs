//! HPACK (RFC 7541): the header compression of HTTP/2. One [`Decoder`] per direction
//! (each side's encoder has its own dynamic table), fed every header block of that side
//! in order, even those whose headers are not kept: skipping one would leave the table
//! out of step.
//!
//! Memory: the dynamic table is at most what the peer's SETTINGS_HEADER_TABLE_SIZE
//! allowed and never over [`MAX_TABLE_SIZE`]; a decoded list keeps at most
//! [`MAX_LIST_BYTES`] of names and values, the rest counted.

use std::collections::VecDeque;

use super::huffman::{self, HuffmanError};

/// The table size both sides start with (RFC 9113 §6.5.2, SETTINGS_HEADER_TABLE_SIZE).
pub const DEFAULT_TABLE_SIZE: usize = 4096;
/// The largest dynamic table followed, whatever the peer allowed (browsers and servers
/// use 4 KB to 64 KB): an encoder going past it can no longer be followed.
pub const MAX_TABLE_SIZE: usize = 64 << 10;
/// Names and values kept of one decoded header list (like HTTP/1's head limit).
pub const MAX_LIST_BYTES: usize = super::http1::MAX_HEAD;

/// RFC 7541 §4.1: an entry's size is its name's and value's lengths plus 32.
const ENTRY_OVERHEAD: usize = 32;

/// Why a header block did not decode. Once one fails, that side's table is lost.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HpackError {
    #[error("HPACK: index {0} out of range")]
    Index(u64),
    #[error("HPACK: index 0")]
    ZeroIndex,
    #[error("HPACK: integer too large")]
    Integer,
    #[error("HPACK: header block ends inside a field")]
    Truncated,
    #[error("HPACK: Huffman string with the EOS symbol")]
    HuffmanEos,
    #[error("HPACK: Huffman string with bad padding")]
    HuffmanPadding,
    #[error("HPACK: table size update to {0} over the limit {1}")]
    TableSize(u64, usize),
    #[error("HPACK: table size update after a field")]
    LateTableSize,
}

impl From<HuffmanError> for HpackError {
    fn from(e: HuffmanError) -> Self {
        match e {
            HuffmanError::Eos => HpackError::HuffmanEos,
            HuffmanError::Padding => HpackError::HuffmanPadding,
        }
    }
}

/// A decoded header list: the fields kept, in order, and those past the cap.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct HeaderList {
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
    /// Names' and values' bytes kept.
    pub bytes: usize,
    /// Fields not kept: the list passed [`MAX_LIST_BYTES`].
    pub omitted: u64,
}

impl HeaderList {
    pub(super) fn push(&mut self, name: &[u8], value: &[u8]) {
        let n = name.len().saturating_add(value.len());
        if self.bytes.saturating_add(n) > MAX_LIST_BYTES {
            self.omitted += 1;
        } else {
            self.bytes += n;
            self.fields.push((name.to_vec(), value.to_vec()));
        }
    }
}

/// One direction's decoding context.
#[derive(Debug)]
pub struct Decoder {
    /// The dynamic table, newest first (index 62 is the front).
    entries: VecDeque<(Vec<u8>, Vec<u8>)>,
    /// RFC 7541 §4.1 size of the entries.
    size: usize,
    /// The table's maximum size now (changed by size updates in the blocks).
    max: usize,
    /// What a size update may set: the largest the decoding peer allowed, capped.
    limit: usize,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::with_max(DEFAULT_TABLE_SIZE)
    }
}

impl Decoder {
    /// A decoder whose table starts at `max` bytes, and may be set up to it.
    pub fn with_max(max: usize) -> Self {
        let max = max.min(MAX_TABLE_SIZE);
        Decoder {
            entries: VecDeque::new(),
            size: 0,
            max,
            limit: max,
        }
    }

    /// The decoding peer announced SETTINGS_HEADER_TABLE_SIZE `value`: size updates up
    /// to it are allowed. Only raised (an observer cannot tell when a lowered one took
    /// effect: the encoder's own size update says so).
    pub fn allow(&mut self, value: u32) {
        let v = usize::try_from(value)
            .unwrap_or(usize::MAX)
            .min(MAX_TABLE_SIZE);
        self.limit = self.limit.max(v);
    }

    /// The dynamic table, newest first, and its RFC 7541 size.
    pub fn table(&self) -> (impl Iterator<Item = (&[u8], &[u8])>, usize) {
        (
            self.entries
                .iter()
                .map(|(n, v)| (n.as_slice(), v.as_slice())),
            self.size,
        )
    }

    /// Bytes held (for the memory budget).
    pub fn held_bytes(&self) -> usize {
        self.size + self.entries.capacity() * std::mem::size_of::<(Vec<u8>, Vec<u8>)>()
    }

    /// Decodes one whole header block onto `list`, updating the table.
    pub fn decode(&mut self, mut block: &[u8], list: &mut HeaderList) -> Result<(), HpackError> {
        let mut fields = 0usize;
        let mut value = Vec::new();
        let mut name = Vec::new();
        while let Some(&first) = block.first() {
            if first & 0x80 != 0 {
                // §6.1 indexed field.
                let index = integer(&mut block, 7)?;
                let (n, v) = self.lookup(index)?;
                list.push(n, v);
            } else if first & 0xe0 == 0x20 {
                // §6.3 dynamic table size update: only before the block's first field.
                let size = integer(&mut block, 5)?;
                if fields > 0 {
                    return Err(HpackError::LateTableSize);
                }
                if size > self.limit as u64 {
                    return Err(HpackError::TableSize(size, self.limit));
                }
                self.max = size as usize;
                self.evict(0);
                continue;
            } else {
                // §6.2 literals: with incremental indexing (01), without (0000), never
                // indexed (0001).
                let indexing = first & 0xc0 == 0x40;
                let prefix = if indexing { 6 } else { 4 };
                let index = integer(&mut block, prefix)?;
                name.clear();
                if index == 0 {
                    string(&mut block, &mut name)?;
                } else {
                    name.extend_from_slice(self.lookup(index)?.0);
                }
                value.clear();
                string(&mut block, &mut value)?;
                list.push(&name, &value);
                if indexing {
                    self.insert(&name, &value);
                }
            }
            fields += 1;
        }
        Ok(())
    }

    /// A field of the static table (1–61) or the dynamic one (62 on).
    fn lookup(&self, index: u64) -> Result<(&[u8], &[u8]), HpackError> {
        if index == 0 {
            return Err(HpackError::ZeroIndex);
        }
        let i = usize::try_from(index - 1).map_err(|_| HpackError::Index(index))?;
        if let Some((n, v)) = STATIC.get(i) {
            return Ok((n.as_bytes(), v.as_bytes()));
        }
        self.entries
            .get(i - STATIC.len())
            .map(|(n, v)| (n.as_slice(), v.as_slice()))
            .ok_or(HpackError::Index(index))
    }

    /// §4.4: adds an entry, evicting the oldest to make room; one larger than the
    /// table empties it and is not added.
    fn insert(&mut self, name: &[u8], value: &[u8]) {
        let size = name.len() + value.len() + ENTRY_OVERHEAD;
        if size > self.max {
            self.entries.clear();
            self.size = 0;
            return;
        }
        self.evict(size);
        self.entries.push_front((name.to_vec(), value.to_vec()));
        self.size += size;
    }

    /// Evicts the oldest entries until `room` more bytes fit under the maximum.
    fn evict(&mut self, room: usize) {
        while self.size + room > self.max {
            match self.entries.pop_back() {
                Some((n, v)) => self.size -= n.len() + v.len() + ENTRY_OVERHEAD,
                None => break,
            }
        }
    }
}

/// §5.1: an integer with an `n`-bit prefix, from the front of `block` (QPACK's too).
pub(super) fn integer(block: &mut &[u8], n: u32) -> Result<u64, HpackError> {
    let (&first, mut rest) = block.split_first().ok_or(HpackError::Truncated)?;
    let max = (1u64 << n) - 1;
    let mut value = u64::from(first) & max;
    if value == max {
        let mut shift = 0u32;
        loop {
            let (&b, r) = rest.split_first().ok_or(HpackError::Truncated)?;
            rest = r;
            // 2^32 is more than any length or index here can be.
            if shift > 28 {
                return Err(HpackError::Integer);
            }
            value += u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    *block = rest;
    Ok(value)
}

/// §5.2: a string literal (Huffman-coded or not) onto `out`.
fn string(block: &mut &[u8], out: &mut Vec<u8>) -> Result<(), HpackError> {
    string_with_prefix(block, 7, out)
}

/// A string literal whose length has an `n`-bit prefix and whose Huffman flag is the
/// bit above it (QPACK puts it lower than HPACK's 0x80, RFC 9204 §4.1.2).
pub(super) fn string_with_prefix(
    block: &mut &[u8],
    n: u32,
    out: &mut Vec<u8>,
) -> Result<(), HpackError> {
    let huffman = block.first().ok_or(HpackError::Truncated)? & (1 << n) != 0;
    let len = integer(block, n)?;
    let len = usize::try_from(len).map_err(|_| HpackError::Truncated)?;
    if len > block.len() {
        return Err(HpackError::Truncated);
    }
    let (bytes, rest) = block.split_at(len);
    *block = rest;
    if huffman {
        huffman::decode(bytes, out)?;
    } else {
        out.extend_from_slice(bytes);
    }
    Ok(())
}

/// RFC 7541 Appendix A: the static table, index 1 first.
const STATIC: [(&str, &str); 61] = [
    (":authority", ""),
    (":method", "GET"),
    (":method", "POST"),
    (":path", "/"),
    (":path", "/index.html"),
    (":scheme", "http"),
    (":scheme", "https"),
    (":status", "200"),
    (":status", "204"),
    (":status", "206"),
    (":status", "304"),
    (":status", "400"),
    (":status", "404"),
    (":status", "500"),
    ("accept-charset", ""),
    ("accept-encoding", "gzip, deflate"),
    ("accept-language", ""),
    ("accept-ranges", ""),
    ("accept", ""),
    ("access-control-allow-origin", ""),
    ("age", ""),
    ("allow", ""),
    ("authorization", ""),
    ("cache-control", ""),
    ("content-disposition", ""),
    ("content-encoding", ""),
    ("content-language", ""),
    ("content-length", ""),
    ("content-location", ""),
    ("content-range", ""),
    ("content-type", ""),
    ("cookie", ""),
    ("date", ""),
    ("etag", ""),
    ("expect", ""),
    ("expires", ""),
    ("from", ""),
    ("host", ""),
    ("if-match", ""),
    ("if-modified-since", ""),
    ("if-none-match", ""),
    ("if-range", ""),
    ("if-unmodified-since", ""),
    ("last-modified", ""),
    ("link", ""),
    ("location", ""),
    ("max-forwards", ""),
    ("proxy-authenticate", ""),
    ("proxy-authorization", ""),
    ("range", ""),
    ("referer", ""),
    ("refresh", ""),
    ("retry-after", ""),
    ("server", ""),
    ("set-cookie", ""),
    ("strict-transport-security", ""),
    ("transfer-encoding", ""),
    ("user-agent", ""),
    ("vary", ""),
    ("via", ""),
    ("www-authenticate", ""),
];

#[cfg(test)]
mod tests;
