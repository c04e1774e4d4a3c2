//! QPACK (RFC 9204): the field compression of HTTP/3. One [`Decoder`] per sending side:
//! that side's encoder stream fills the dynamic table, and its HEADERS frames' field
//! sections refer to the table's entries (or the static table's).
//!
//! ```text
//!  encoder stream ─► instructions (capacity, inserts, duplicates) ─► dynamic table
//!  field section ─► prefix (Required Insert Count, Base) ─► field lines ─► HeaderList
//!                    └─ entries not inserted yet: Blocked (decode again later)
//! ```
//! The streams travel independently, so a capture can show a field section before the
//! inserts it needs: [`Section::Blocked`] says how many inserts it waits for.
//!
//! Memory: the table holds at most [`MAX_TABLE_CAPACITY`] bytes (entry sizes counted
//! as RFC 9204 §3.2.1 does); an encoder instruction waiting for its end at most that
//! plus a little; a decoded list is capped by [`HeaderList`].

mod table;

use std::collections::VecDeque;

use super::hpack::{integer, string_with_prefix, HeaderList, HpackError};

/// The largest dynamic table followed (servers and browsers use 4–64 KB).
pub const MAX_TABLE_CAPACITY: u64 = 64 << 10;
/// §3.2.1: an entry's size is its name's and value's lengths plus 32.
const ENTRY_OVERHEAD: usize = 32;
/// Encoder-stream bytes held while one instruction is incomplete.
const MAX_PARTIAL: usize = MAX_TABLE_CAPACITY as usize + 64;

/// Why QPACK input did not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QpackError {
    #[error("QPACK: static index {0} out of range")]
    StaticIndex(u64),
    #[error("QPACK: dynamic entry {0} is not in the table (inserted {1}, {2} held)")]
    DynamicIndex(u64, u64, usize),
    #[error("QPACK: integer too large")]
    Integer,
    #[error("QPACK: input ends inside a field or instruction")]
    Truncated,
    #[error("QPACK: bad Huffman string")]
    Huffman,
    #[error("QPACK: table capacity {0} over the maximum {1}")]
    Capacity(u64, u64),
    #[error("QPACK: entry of {0} bytes larger than the table's capacity {1}")]
    EntryTooLarge(usize, usize),
    #[error("QPACK: bad Required Insert Count {0}")]
    InsertCount(u64),
    #[error("QPACK: encoder instruction longer than {0} bytes")]
    InstructionTooLong(usize),
}

impl From<HpackError> for QpackError {
    fn from(e: HpackError) -> Self {
        match e {
            HpackError::Integer => QpackError::Integer,
            HpackError::HuffmanEos | HpackError::HuffmanPadding => QpackError::Huffman,
            _ => QpackError::Truncated,
        }
    }
}

/// What decoding a field section came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Decoded,
    /// It needs entries not inserted yet: `required` inserts in all.
    Blocked {
        required: u64,
    },
}

/// One sending side's decoding state.
#[derive(Debug, Default)]
pub struct Decoder {
    /// Dynamic entries, oldest first.
    entries: VecDeque<(Vec<u8>, Vec<u8>)>,
    /// Inserts so far: the absolute index of the next entry.
    inserted: u64,
    size: usize,
    capacity: usize,
    /// The decoding peer's SETTINGS_QPACK_MAX_TABLE_CAPACITY (as far as followed); `None`
    /// until its SETTINGS are seen.
    max_capacity: Option<u64>,
    /// The bytes of an encoder instruction not whole yet.
    partial: Vec<u8>,
}

impl Decoder {
    /// The receiving side's SETTINGS_QPACK_MAX_TABLE_CAPACITY.
    pub fn allow(&mut self, max_capacity: u64) {
        self.max_capacity = Some(max_capacity.min(MAX_TABLE_CAPACITY));
    }

    /// Entries inserted so far.
    pub fn inserted(&self) -> u64 {
        self.inserted
    }

    pub fn held_bytes(&self) -> usize {
        self.size + self.entries.len() * 48 + self.partial.capacity()
    }

    /// The table's entries, oldest first, and its size (for tests and the report).
    pub fn table(&self) -> (impl Iterator<Item = (&[u8], &[u8])>, usize) {
        let it = self.entries.iter().map(|(n, v)| (&n[..], &v[..]));
        (it, self.size)
    }

    /// Bytes of this side's encoder stream, in order (§4.3).
    pub fn encoder_stream(&mut self, bytes: &[u8]) -> Result<(), QpackError> {
        let mut input = std::mem::take(&mut self.partial);
        input.extend_from_slice(bytes);
        let mut rest = &input[..];
        loop {
            if rest.is_empty() {
                return Ok(());
            }
            let mut attempt = rest;
            match self.instruction(&mut attempt) {
                Ok(()) => rest = attempt,
                Err(QpackError::Truncated) => {
                    if rest.len() > MAX_PARTIAL {
                        return Err(QpackError::InstructionTooLong(MAX_PARTIAL));
                    }
                    self.partial = rest.to_vec();
                    return Ok(());
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// One encoder instruction from the front of `input`.
    fn instruction(&mut self, input: &mut &[u8]) -> Result<(), QpackError> {
        let first = *input.first().ok_or(QpackError::Truncated)?;
        if first & 0x80 != 0 {
            // Insert with name reference: 1 T index(6), value(7, H 0x80).
            let is_static = first & 0x40 != 0;
            let index = integer(input, 6)?;
            let name = if is_static {
                table::get(index)
                    .ok_or(QpackError::StaticIndex(index))?
                    .0
                    .as_bytes()
                    .to_vec()
            } else {
                let absolute = self.relative_to_insert(index)?;
                self.entry(absolute)?.0.to_vec()
            };
            let mut value = Vec::new();
            string_with_prefix(input, 7, &mut value)?;
            self.insert(name, value)
        } else if first & 0x40 != 0 {
            // Insert with literal name: 01 H name(5), value(7, H 0x80).
            let mut name = Vec::new();
            string_with_prefix(input, 5, &mut name)?;
            let mut value = Vec::new();
            string_with_prefix(input, 7, &mut value)?;
            self.insert(name, value)
        } else if first & 0x20 != 0 {
            // Set Dynamic Table Capacity: 001 capacity(5).
            let capacity = integer(input, 5)?;
            let max = self.max_capacity.unwrap_or(MAX_TABLE_CAPACITY);
            if capacity > max {
                return Err(QpackError::Capacity(capacity, max));
            }
            self.capacity = capacity as usize;
            self.evict_to(self.capacity);
            Ok(())
        } else {
            // Duplicate: 000 index(5).
            let index = integer(input, 5)?;
            let absolute = self.relative_to_insert(index)?;
            let (n, v) = self.entry(absolute)?;
            let (n, v) = (n.to_vec(), v.to_vec());
            self.insert(n, v)
        }
    }

    /// An encoder-stream relative index: 0 is the newest entry.
    fn relative_to_insert(&self, index: u64) -> Result<u64, QpackError> {
        self.inserted
            .checked_sub(index.saturating_add(1))
            .ok_or(QpackError::DynamicIndex(
                index,
                self.inserted,
                self.entries.len(),
            ))
    }

    /// The entry at absolute index `absolute`, if still held.
    fn entry(&self, absolute: u64) -> Result<(&[u8], &[u8]), QpackError> {
        let oldest = self.inserted - self.entries.len() as u64;
        absolute
            .checked_sub(oldest)
            .and_then(|i| self.entries.get(usize::try_from(i).ok()?))
            .map(|(n, v)| (&n[..], &v[..]))
            .ok_or(QpackError::DynamicIndex(
                absolute,
                self.inserted,
                self.entries.len(),
            ))
    }

    fn insert(&mut self, name: Vec<u8>, value: Vec<u8>) -> Result<(), QpackError> {
        let size = name.len() + value.len() + ENTRY_OVERHEAD;
        if size > self.capacity {
            return Err(QpackError::EntryTooLarge(size, self.capacity));
        }
        self.evict_to(self.capacity - size);
        self.size += size;
        self.entries.push_back((name, value));
        self.inserted += 1;
        Ok(())
    }

    fn evict_to(&mut self, room: usize) {
        while self.size > room {
            let Some((n, v)) = self.entries.pop_front() else {
                break;
            };
            self.size -= n.len() + v.len() + ENTRY_OVERHEAD;
        }
    }

    /// Decodes one field section (a HEADERS frame's payload) onto `list`.
    pub fn field_section(
        &self,
        mut block: &[u8],
        list: &mut HeaderList,
    ) -> Result<Section, QpackError> {
        let input = &mut block;
        let required = self.required_insert_count(integer(input, 8)?)?;
        let negative = input.first().ok_or(QpackError::Truncated)? & 0x80 != 0;
        let delta = integer(input, 7)?;
        let base = if negative {
            required.checked_sub(delta.saturating_add(1))
        } else {
            required.checked_add(delta)
        }
        .ok_or(QpackError::InsertCount(required))?;
        if required > self.inserted {
            return Ok(Section::Blocked { required });
        }
        let mut name = Vec::new();
        let mut value = Vec::new();
        while let Some(&first) = input.first() {
            name.clear();
            value.clear();
            if first & 0x80 != 0 {
                // Indexed field line: 1 T index(6).
                let is_static = first & 0x40 != 0;
                let index = integer(input, 6)?;
                let (n, v) = self.lookup(is_static, base, Ref::Relative(index))?;
                list.push(n, v);
                continue;
            }
            if first & 0x40 != 0 {
                // Literal with name reference: 01 N T index(4), value(7).
                let is_static = first & 0x10 != 0;
                let index = integer(input, 4)?;
                name.extend_from_slice(self.lookup(is_static, base, Ref::Relative(index))?.0);
            } else if first & 0x20 != 0 {
                // Literal with literal name: 001 N H name(3), value(7).
                string_with_prefix(input, 3, &mut name)?;
            } else if first & 0x10 != 0 {
                // Indexed with post-base index: 0001 index(4).
                let index = integer(input, 4)?;
                let (n, v) = self.lookup(false, base, Ref::PostBase(index))?;
                list.push(n, v);
                continue;
            } else {
                // Literal with post-base name reference: 0000 N index(3), value(7).
                let index = integer(input, 3)?;
                name.extend_from_slice(self.lookup(false, base, Ref::PostBase(index))?.0);
            }
            string_with_prefix(input, 7, &mut value)?;
            list.push(&name, &value);
        }
        Ok(Section::Decoded)
    }

    /// §4.5.1.1: the Required Insert Count from its encoded form.
    fn required_insert_count(&self, encoded: u64) -> Result<u64, QpackError> {
        if encoded == 0 {
            return Ok(0);
        }
        let max_entries = self.max_capacity.unwrap_or(0) / ENTRY_OVERHEAD as u64;
        let full_range = 2 * max_entries;
        if encoded > full_range {
            return Err(QpackError::InsertCount(encoded));
        }
        let max_value = self.inserted + max_entries;
        let max_wrapped = (max_value / full_range) * full_range;
        let mut required = max_wrapped + encoded - 1;
        if required > max_value {
            if required <= full_range {
                return Err(QpackError::InsertCount(encoded));
            }
            required -= full_range;
        }
        if required == 0 {
            return Err(QpackError::InsertCount(encoded));
        }
        Ok(required)
    }

    /// A field line's reference: the static entry `index`, or a dynamic one relative
    /// to the section's base.
    fn lookup(&self, is_static: bool, base: u64, r: Ref) -> Result<(&[u8], &[u8]), QpackError> {
        let absolute = match (is_static, r) {
            (true, Ref::Relative(index)) => {
                return table::get(index)
                    .map(|(n, v)| (n.as_bytes(), v.as_bytes()))
                    .ok_or(QpackError::StaticIndex(index))
            }
            // Post-base references are dynamic by their encoding.
            (_, Ref::PostBase(i)) => base.checked_add(i),
            (false, Ref::Relative(i)) => base.checked_sub(i.saturating_add(1)),
        }
        .ok_or(QpackError::DynamicIndex(
            base,
            self.inserted,
            self.entries.len(),
        ))?;
        if absolute >= self.inserted {
            return Err(QpackError::DynamicIndex(
                absolute,
                self.inserted,
                self.entries.len(),
            ));
        }
        self.entry(absolute)
    }
}

/// How a field line names an entry (§3.2.5, §3.2.6).
#[derive(Debug, Clone, Copy)]
enum Ref {
    Relative(u64),
    PostBase(u64),
}

#[cfg(test)]
mod tests;
