//! The DTLS 1.3 ACK message (RFC 9147 §7): a content type of its own (26) that lists the
//! record numbers a side received, so the other side knows which flight records need
//! sending again.
//!
//! ```text
//!  ACK: record_numbers<0..2^16-1>, each RecordNumber: epoch(8) sequence_number(8)
//! ```

use crate::tls::codec::{DecodeResult, Problem, Reader};

/// The bytes of one RecordNumber.
const RECORD_NUMBER_LEN: usize = 16;

/// One record number acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordNumber {
    pub epoch: u64,
    pub sequence: u64,
}

/// An ACK's record numbers, how many it lists (`count`) and the first `cap` of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    pub count: usize,
    pub first: Vec<RecordNumber>,
}

impl Ack {
    /// Decodes an ACK record's content; keeps at most `cap` record numbers, counts all.
    pub fn parse(content: &[u8], cap: usize) -> DecodeResult<Ack> {
        let mut r = Reader::new(content, "ACK");
        let list = r.field("record_numbers").vec16()?;
        r.finish("record_numbers")?;
        if list.len() % RECORD_NUMBER_LEN != 0 {
            return Err(r.field("record_numbers").error(Problem::Other(
                "not a whole number of 16-byte record numbers",
            )));
        }
        let mut first = Vec::new();
        let mut items = Reader::new(list, "ACK");
        while !items.is_empty() && first.len() < cap {
            let epoch = u64::from_be_bytes(items.field("epoch").array()?);
            let sequence = u64::from_be_bytes(items.field("sequence_number").array()?);
            first.push(RecordNumber { epoch, sequence });
        }
        Ok(Ack {
            count: list.len() / RECORD_NUMBER_LEN,
            first,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_numbers() {
        let mut c = vec![0, 32];
        c.extend_from_slice(&2u64.to_be_bytes());
        c.extend_from_slice(&0u64.to_be_bytes());
        c.extend_from_slice(&3u64.to_be_bytes());
        c.extend_from_slice(&7u64.to_be_bytes());
        let a = Ack::parse(&c, 8).unwrap();
        assert_eq!(a.count, 2);
        assert_eq!(
            a.first[1],
            RecordNumber {
                epoch: 3,
                sequence: 7
            }
        );
        let capped = Ack::parse(&c, 1).unwrap();
        assert_eq!((capped.count, capped.first.len()), (2, 1));
        assert!(Ack::parse(&[0, 0], 8).unwrap().first.is_empty());
    }

    #[test]
    fn malformed_acks_are_errors() {
        assert!(Ack::parse(&[0, 3, 1, 2, 3], 8).is_err());
        assert!(Ack::parse(&[0, 16, 1], 8).is_err());
        assert!(Ack::parse(&[0], 8).is_err());
        assert!(Ack::parse(&[0, 0, 9], 8).is_err(), "trailing byte");
        for cut in 0..40 {
            let _ = Ack::parse(&[0x00, 0x20, 0xff].repeat(cut), 4);
        }
    }
}
