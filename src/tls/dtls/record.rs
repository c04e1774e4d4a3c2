//! The DTLS record layer (RFC 6347 §4.1, RFC 9146, RFC 9147 §4): the records of one
//! datagram.
//!
//! ```text
//!  DTLSPlaintext / DTLSCiphertext (DTLS 1.0, 1.2; DTLS 1.3 plaintext):
//!    type(1) version(2) epoch(2) sequence_number(6) length(2) fragment[length]
//!  tls12_cid (RFC 9146, content type 25):
//!    25 version(2) epoch(2) sequence_number(6) cid[cid_len] length(2) fragment[length]
//!  DTLS 1.3 unified header (RFC 9147 §4), encrypted records only:
//!    0 0 1 C S L E E  [cid]  seq(1 or 2)  [length(2)]  encrypted_record
//!           │ │ │ └┴─ low two bits of the epoch
//!           │ │ └──── a length field is present (else the record fills the datagram)
//!           │ └────── a 16-bit sequence number (else 8 bits)
//!           └──────── a connection id is present (its length is the connection's)
//! ```
//!
//! Unlike TLS over TCP, a record never spans datagrams and one datagram may hold several,
//! so a datagram is cut here whole: no state, no resynchronisation. A record that does not
//! frame ends the datagram (what follows cannot be framed) and is reported with the bytes
//! it left.

use crate::tls::codec::{DecodeError, DecodeResult, Problem, Reader};
use crate::tls::record::MAX_RECORD_LEN;
use crate::tls::registry::{ContentType, ProtocolVersion};

/// type(1) version(2) epoch(2) sequence_number(6) length(2).
pub const HEADER_LEN: usize = 13;

/// The largest sequence number of a record header (48 bits).
pub const MAX_SEQUENCE: u64 = (1 << 48) - 1;

/// A record with the full DTLS header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DtlsRecord<'a> {
    pub content_type: ContentType,
    pub version: ProtocolVersion,
    pub epoch: u16,
    /// The 48-bit sequence number within the epoch.
    pub sequence: u64,
    /// The connection id of a `tls12_cid` record (RFC 9146); empty otherwise.
    pub cid: &'a [u8],
    pub fragment: &'a [u8],
}

impl DtlsRecord<'_> {
    /// The 64-bit `seq_num` the MAC and the AEAD nonce use: epoch in the top 16 bits,
    /// the 48-bit sequence number below (RFC 6347 §4.1.2.1).
    pub fn explicit_sequence(&self) -> u64 {
        (u64::from(self.epoch) << 48) | self.sequence
    }
}

/// A DTLS 1.3 record with the unified header: always encrypted, its sequence number and
/// epoch truncated (the receiver reconstructs them, RFC 9147 §4.2.2), the sequence number
/// itself encrypted (§4.2.3) until the record key removes that protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnifiedRecord<'a> {
    /// The header's first byte (`001CSLEE`).
    pub flags: u8,
    pub cid: &'a [u8],
    /// The protected low bits of the sequence number, 1 or 2 bytes as sent.
    pub protected_sequence: &'a [u8],
    /// The whole header as sent: the AEAD's additional data (after the sequence number
    /// is unprotected).
    pub header: &'a [u8],
    pub encrypted_record: &'a [u8],
}

impl UnifiedRecord<'_> {
    /// The low two bits of the epoch.
    pub fn epoch_bits(&self) -> u8 {
        self.flags & 0b11
    }
}

/// One record of a datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatagramRecord<'a> {
    Full(DtlsRecord<'a>),
    Unified(UnifiedRecord<'a>),
}

/// The records of a datagram, in order; a record that does not frame is the last item
/// (an error naming the field, at `offset` with the bytes that were left).
pub struct DatagramRecords<'a> {
    datagram: &'a [u8],
    offset: usize,
    cid_len: usize,
    done: bool,
}

/// A record that did not frame, where it began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unframed {
    pub offset: usize,
    pub remaining: usize,
    pub error: DecodeError,
}

/// Cuts a datagram into records. `cid_len` is the length of the connection id the
/// receiver negotiated (RFC 9146 / RFC 9147 `connection_id`), 0 without one: neither
/// header says it.
pub fn records(datagram: &[u8], cid_len: usize) -> DatagramRecords<'_> {
    DatagramRecords {
        datagram,
        offset: 0,
        cid_len,
        done: false,
    }
}

impl<'a> Iterator for DatagramRecords<'a> {
    type Item = Result<DatagramRecord<'a>, Unframed>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.offset >= self.datagram.len() {
            return None;
        }
        let rest = &self.datagram[self.offset..];
        match parse_one(rest, self.cid_len) {
            Ok((record, used)) => {
                self.offset += used;
                Some(Ok(record))
            }
            Err(error) => {
                self.done = true;
                Some(Err(Unframed {
                    offset: self.offset,
                    remaining: rest.len(),
                    error,
                }))
            }
        }
    }
}

/// One record at the start of `buf`, and how many bytes it took.
fn parse_one(buf: &[u8], cid_len: usize) -> DecodeResult<(DatagramRecord<'_>, usize)> {
    match buf[0] {
        b if b & 0b1110_0000 == 0b0010_0000 => parse_unified(buf, cid_len),
        _ => parse_full(buf, cid_len),
    }
}

fn parse_full(buf: &[u8], cid_len: usize) -> DecodeResult<(DatagramRecord<'_>, usize)> {
    let mut r = Reader::new(buf, "DTLS record");
    let content_type = ContentType(r.field("type").u8()?);
    let version = ProtocolVersion(r.field("version").u16()?);
    let epoch = r.field("epoch").u16()?;
    let seq = r.field("sequence_number").array::<6>()?;
    let sequence = seq.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b));
    let cid = if content_type == ContentType::TLS12_CID {
        r.field("cid").take(cid_len)?
    } else {
        &[]
    };
    let fragment = r.field("fragment").vec16()?;
    if fragment.len() > MAX_RECORD_LEN {
        return Err(r.field("length").error(Problem::TooLong {
            declared: fragment.len(),
            max: MAX_RECORD_LEN,
        }));
    }
    let record = DtlsRecord {
        content_type,
        version,
        epoch,
        sequence,
        cid,
        fragment,
    };
    Ok((DatagramRecord::Full(record), r.position()))
}

fn parse_unified(buf: &[u8], cid_len: usize) -> DecodeResult<(DatagramRecord<'_>, usize)> {
    let mut r = Reader::new(buf, "DTLS 1.3 record");
    let flags = r.field("flags").u8()?;
    let cid = if flags & 0b1_0000 != 0 {
        r.field("connection_id").take(cid_len)?
    } else {
        &[]
    };
    let seq_len = if flags & 0b1000 != 0 { 2 } else { 1 };
    let protected_sequence = r.field("sequence_number").take(seq_len)?;
    let encrypted_record = if flags & 0b100 != 0 {
        r.field("encrypted_record").vec16()?
    } else {
        r.rest()
    };
    let header_len = r.position() - encrypted_record.len();
    // An AEAD record holds at least its tag; the sequence-number mask is computed from
    // the first 16 bytes of the ciphertext (RFC 9147 §4.2.3).
    if encrypted_record.len() < 16 {
        return Err(r.field("encrypted_record").error(Problem::TooShort {
            declared: encrypted_record.len(),
            min: 16,
        }));
    }
    let record = UnifiedRecord {
        flags,
        cid,
        protected_sequence,
        header: &buf[..header_len],
        encrypted_record,
    };
    Ok((DatagramRecord::Unified(record), r.position()))
}

/// Whether a UDP payload looks like DTLS: its first record has a full header of a known
/// content type (20–26) and DTLS version (with OpenSSL's pre-RFC 0x0100), and frames
/// within the datagram. Used to find
/// DTLS on any port, so it asks for the full header that every DTLS flow starts with
/// (the unified header alone is too weak a signal).
pub fn sniff(datagram: &[u8]) -> bool {
    if datagram.len() < HEADER_LEN {
        return false;
    }
    let known_type =
        (ContentType::CHANGE_CIPHER_SPEC.0..=ContentType::ACK.0).contains(&datagram[0]);
    let version = ProtocolVersion(u16::from_be_bytes([datagram[1], datagram[2]]));
    let dtls = matches!(
        version,
        ProtocolVersion::DTLS1_0
            | ProtocolVersion::DTLS1_2
            | ProtocolVersion::DTLS1_3
            | ProtocolVersion::DTLS1_0_OPENSSL_PRE
    );
    // The tls12_cid header needs the connection id's length, unknown here.
    let len = u16::from_be_bytes([datagram[11], datagram[12]]) as usize;
    let frames = datagram[0] == ContentType::TLS12_CID.0
        || (len > 0 && len <= MAX_RECORD_LEN && HEADER_LEN + len <= datagram.len());
    known_type && dtls && frames
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(ct: u8, epoch: u16, seq: u64, body: &[u8]) -> Vec<u8> {
        let mut v = vec![ct, 0xfe, 0xfd];
        v.extend_from_slice(&epoch.to_be_bytes());
        v.extend_from_slice(&seq.to_be_bytes()[2..]);
        v.extend_from_slice(&(body.len() as u16).to_be_bytes());
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn a_datagram_of_several_records() {
        let mut d = full(22, 0, 3, b"hello");
        d.extend(full(20, 0, 4, &[1]));
        d.extend(full(22, 1, 0, &[0xaa; 40]));
        let got: Vec<_> = records(&d, 0).collect::<Result<_, _>>().unwrap();
        assert_eq!(got.len(), 3);
        let DatagramRecord::Full(last) = got[2] else {
            panic!("full header")
        };
        assert_eq!((last.epoch, last.sequence), (1, 0));
        assert_eq!(last.explicit_sequence(), 1 << 48);
        assert_eq!(last.fragment, &[0xaa; 40]);
        let DatagramRecord::Full(first) = got[0] else {
            panic!("full header")
        };
        assert_eq!(first.content_type, ContentType::HANDSHAKE);
        assert_eq!(first.version, ProtocolVersion::DTLS1_2);
        assert_eq!(first.sequence, 3);
    }

    #[test]
    fn a_record_cut_short_ends_the_datagram_and_says_where() {
        let mut d = full(22, 0, 0, b"abc");
        let second = full(22, 0, 1, b"abcdef");
        d.extend_from_slice(&second[..second.len() - 2]);
        let got: Vec<_> = records(&d, 0).collect();
        assert!(got[0].is_ok());
        let err = got[1].as_ref().unwrap_err();
        assert_eq!(err.offset, 16);
        assert_eq!(err.remaining, second.len() - 2);
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn the_48_bit_sequence_number() {
        let d = full(23, 0xffff, MAX_SEQUENCE, &[0; 20]);
        let Some(Ok(DatagramRecord::Full(r))) = records(&d, 0).next() else {
            panic!("one record")
        };
        assert_eq!(r.sequence, MAX_SEQUENCE);
        assert_eq!(r.explicit_sequence(), u64::MAX);
    }

    #[test]
    fn tls12_cid_records_carry_the_connection_id() {
        let mut d = vec![25, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 7];
        d.extend_from_slice(&[0xc1, 0xc2, 0xc3, 0xc4]);
        d.extend_from_slice(&[0, 20]);
        d.extend_from_slice(&[0x55; 20]);
        let Some(Ok(DatagramRecord::Full(r))) = records(&d, 4).next() else {
            panic!("one record")
        };
        assert_eq!(r.cid, &[0xc1, 0xc2, 0xc3, 0xc4]);
        assert_eq!(r.fragment.len(), 20);
        assert_eq!(r.sequence, 7);
    }

    // RFC 9147 §4: 001CSLEE.
    #[test]
    fn unified_headers() {
        // C=0 S=1 L=1 epoch bits 3, then a 16-bit sequence number and a length.
        let mut d = vec![0b0010_1111, 0x12, 0x34, 0, 20];
        d.extend_from_slice(&[0x77; 20]);
        // C=1 (2-byte cid) S=0 L=0: fills the rest of the datagram.
        d.extend_from_slice(&[0b0011_0010, 0xab, 0xcd, 0x05]);
        d.extend_from_slice(&[0x88; 17]);
        let got: Vec<_> = records(&d, 2).collect::<Result<_, _>>().unwrap();
        assert_eq!(got.len(), 2);
        let DatagramRecord::Unified(a) = got[0] else {
            panic!("unified")
        };
        assert_eq!(a.epoch_bits(), 3);
        assert_eq!(a.protected_sequence, &[0x12, 0x34]);
        assert_eq!(a.header, &[0b0010_1111, 0x12, 0x34, 0, 20]);
        assert_eq!(a.encrypted_record, &[0x77; 20]);
        let DatagramRecord::Unified(b) = got[1] else {
            panic!("unified")
        };
        assert_eq!(b.cid, &[0xab, 0xcd]);
        assert_eq!(b.protected_sequence, &[0x05]);
        assert_eq!(b.header, &[0b0011_0010, 0xab, 0xcd, 0x05]);
        assert_eq!(b.encrypted_record.len(), 17);
        assert_eq!(b.epoch_bits(), 2);
    }

    #[test]
    fn a_unified_record_shorter_than_a_tag_is_an_error() {
        let d = [0b0010_0000, 1, 2, 3];
        assert!(records(&d, 0).next().unwrap().is_err());
    }

    #[test]
    fn sniffing() {
        assert!(sniff(&full(22, 0, 0, &[1; 60])));
        assert!(
            !sniff(&full(22, 0, 0, &[1; 60])[..40]),
            "length past the datagram"
        );
        let mut tls = full(22, 0, 0, &[1; 60]);
        tls[1..3].copy_from_slice(&[3, 3]);
        assert!(!sniff(&tls));
        assert!(!sniff(&full(0x17 + 10, 0, 0, &[1; 60])));
        assert!(!sniff(&[0x16, 0xfe]));
    }

    #[test]
    fn no_prefix_or_byte_flip_panics() {
        let mut d = full(22, 0, 0, &[9; 30]);
        d.extend(full(21, 1, 2, &[2, 40]));
        d.extend_from_slice(&[0b0011_1111, 1, 2, 3, 0, 16]);
        d.extend_from_slice(&[0; 16]);
        for cut in 0..=d.len() {
            for cid in [0, 1, 8, 300] {
                let _ = records(&d[..cut], cid).count();
                let _ = sniff(&d[..cut]);
            }
        }
        for i in 0..d.len() {
            for bit in 0..8 {
                let mut m = d.clone();
                m[i] ^= 1 << bit;
                let _ = records(&m, 2).count();
            }
        }
    }
}
