//! QUIC's variable-length integers (RFC 9000 §16), read over the crate's bounds-checked
//! [`Reader`]: the two high bits of the first byte give the length (1, 2, 4 or 8 bytes),
//! the other bits and the following bytes the value, big-endian.
//!
//! ```text
//!  00xxxxxx                        6 bits   0 ..= 63
//!  01xxxxxx x8                    14 bits   ..= 16383
//!  10xxxxxx x8 x8 x8              30 bits   ..= 2^30-1
//!  11xxxxxx x8 x8 x8 x8 x8 x8 x8  62 bits   ..= 2^62-1
//! ```
//!
//! Non-minimal encodings (`0x4025` for 37) are values like any other: RFC 9000 only asks
//! for the shortest form for frame types (§12.4), which the frame decoder leaves alone
//! (a passive decoder reads what peers accepted).

use crate::tls::codec::{DecodeResult, Problem, Reader};

/// The largest value a variable-length integer can hold.
pub const MAX: u64 = (1 << 62) - 1;

/// How many bytes a variable-length integer starting with `first` takes.
pub fn encoded_len(first: u8) -> usize {
    1 << (first >> 6)
}

/// Reads QUIC variable-length integers and the byte strings they prefix.
pub trait VarIntReader<'a> {
    /// One variable-length integer.
    fn varint(&mut self) -> DecodeResult<u64>;

    /// A byte string whose length is a variable-length integer before it (tokens,
    /// CRYPTO and STREAM data, reason phrases); `field` names it in errors.
    fn varint_bytes(&mut self, field: &'static str) -> DecodeResult<&'a [u8]>;
}

impl<'a> VarIntReader<'a> for Reader<'a> {
    fn varint(&mut self) -> DecodeResult<u64> {
        // An empty buffer asks for one byte, so its error says "1 byte needed".
        let len = self.peek().map_or(1, encoded_len);
        let b = self.take(len)?;
        Ok(b[1..]
            .iter()
            .fold(u64::from(b[0] & 0x3f), |v, &x| (v << 8) | u64::from(x)))
    }

    fn varint_bytes(&mut self, field: &'static str) -> DecodeResult<&'a [u8]> {
        let declared = self.field(field).varint()?;
        let remain = self.remaining();
        match usize::try_from(declared) {
            Ok(n) if n <= remain => self.take(n),
            _ => Err(self.field(field).error(Problem::Overrun {
                declared: usize::try_from(declared).unwrap_or(usize::MAX),
                remain,
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> DecodeResult<u64> {
        Reader::new(bytes, "varint").varint()
    }

    /// RFC 9000 A.1: the four examples, and 37 in two bytes too.
    #[test]
    fn rfc9000_a1_examples() {
        assert_eq!(
            read(&hex::decode("c2197c5eff14e88c").unwrap()),
            Ok(151_288_809_941_952_652)
        );
        assert_eq!(read(&[0x9d, 0x7f, 0x3e, 0x7d]), Ok(494_878_333));
        assert_eq!(read(&[0x7b, 0xbd]), Ok(15_293));
        assert_eq!(read(&[0x25]), Ok(37));
        assert_eq!(read(&[0x40, 0x25]), Ok(37));
    }

    #[test]
    fn bounds_and_lengths() {
        assert_eq!(read(&[0xff; 8]), Ok(MAX));
        assert_eq!(encoded_len(0x00), 1);
        assert_eq!(encoded_len(0x40), 2);
        assert_eq!(encoded_len(0x80), 4);
        assert_eq!(encoded_len(0xc0), 8);
        // The reader stops after the integer.
        let mut r = Reader::new(&[0x40, 0x25, 0x07], "t");
        assert_eq!(r.varint(), Ok(37));
        assert_eq!(r.position(), 2);
    }

    #[test]
    fn truncation_is_an_error() {
        assert_eq!(
            read(&[]).unwrap_err().to_string(),
            "varint: truncated: 1 byte needed, 0 remain"
        );
        assert_eq!(
            read(&[0xc2, 0x19, 0x7c]).unwrap_err().to_string(),
            "varint: truncated: 8 bytes needed, 3 remain"
        );
        let mut r = Reader::new(&[0x80, 0], "CRYPTO");
        assert_eq!(
            r.field("offset").varint().unwrap_err().to_string(),
            "CRYPTO: offset needs 4 bytes, 2 remain"
        );
    }

    #[test]
    fn prefixed_bytes() {
        let mut r = Reader::new(&[0x03, 1, 2, 3, 4], "t");
        assert_eq!(r.varint_bytes("token"), Ok(&[1u8, 2, 3][..]));
        assert_eq!(r.remaining(), 1);
        let mut r = Reader::new(&[0x44, 0x00, 1, 2], "NEW_TOKEN");
        assert_eq!(
            r.varint_bytes("token").unwrap_err().to_string(),
            "NEW_TOKEN: token declares 1024 bytes, 2 remain"
        );
        // A length beyond any buffer is an overrun, not an overflow.
        let mut r = Reader::new(&[0xff; 8], "t");
        assert!(r.varint_bytes("data").is_err());
    }
}
