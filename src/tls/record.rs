//! The TLS record layer: cuts one direction's byte stream into records.
//!
//! ```text
//!  TLSPlaintext: type(1) version(2) length(2) fragment[length]
//!  SSLv2 ClientHello: 1LLLLLLL LLLLLLLL msg_type=1 version(2) ...  (only as the first record)
//! ```
//!
//! A record may span many TCP segments and a segment may hold many records: the deframer
//! keeps only the bytes of one unfinished record. After a gap it hunts for the next
//! plausible record header (two in a row, or one that ends exactly at the data's end).

use super::registry::{ContentType, ProtocolVersion};

/// Not a content type of the registry: marks the SSLv2-compatible ClientHello record
/// (whose header has none).
pub const SSLV2_CLIENT_HELLO: ContentType = ContentType(0x80);

/// The largest record: 2^14 plaintext plus 2048 of expansion (RFC 5246 §6.2.3).
pub const MAX_RECORD_LEN: usize = (1 << 14) + 2048;
const HEADER_LEN: usize = 5;

/// One record as it travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    pub content_type: ContentType,
    pub version: ProtocolVersion,
    pub fragment: &'a [u8],
}

/// What the deframer reports besides records.
#[derive(Debug, PartialEq, Eq)]
pub enum RecordEvent<'a> {
    Record(Record<'a>),
    /// Bytes that were not a record: the stream lost sync (after a gap, or not TLS).
    Skipped(u64),
}

/// Whether the first bytes of a direction look like TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniff {
    Tls,
    NotTls,
    NeedMore,
}

/// Checks a 5-byte record header for plausibility.
pub fn plausible_header(h: &[u8]) -> bool {
    h.len() >= HEADER_LEN
        && (ContentType::CHANGE_CIPHER_SPEC.0..=ContentType::HEARTBEAT.0).contains(&h[0])
        && h[1] == 3
        && h[2] <= 4
        && {
            let len = u16::from_be_bytes([h[3], h[4]]) as usize;
            len > 0 && len <= MAX_RECORD_LEN
        }
}

/// An SSLv2-compatible ClientHello header (RFC 5246 Appendix E.2).
fn sslv2_client_hello(h: &[u8]) -> Option<usize> {
    if h.len() >= 5 && h[0] & 0x80 != 0 && h[2] == 1 && (h[3] == 3 || (h[3] == 0 && h[4] == 2)) {
        Some((((h[0] & 0x7f) as usize) << 8) | h[1] as usize)
    } else {
        None
    }
}

/// Looks at the first bytes of a direction.
pub fn sniff(start: &[u8]) -> Sniff {
    if start.len() < HEADER_LEN {
        return Sniff::NeedMore;
    }
    if plausible_header(start) || sslv2_client_hello(start).is_some() {
        Sniff::Tls
    } else {
        Sniff::NotTls
    }
}

/// Splits one direction's stream into records.
#[derive(Debug, Default)]
pub struct RecordDeframer {
    buf: Vec<u8>,
    /// True until the first record: only then may an SSLv2 ClientHello appear.
    at_start: bool,
    /// Lost sync (after a gap): hunt for a header before parsing.
    hunting: bool,
    pub records: u64,
    pub skipped_bytes: u64,
}

impl RecordDeframer {
    pub fn new() -> Self {
        RecordDeframer {
            at_start: true,
            ..Default::default()
        }
    }

    /// Bytes held for an unfinished record.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Memory the deframer's buffer takes.
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// The stream lost bytes: what is buffered can't be completed. Returns the bytes
    /// dropped.
    pub fn gap(&mut self) -> u64 {
        let dropped = self.buf.len() as u64;
        self.skipped_bytes += dropped;
        self.buf.clear();
        self.hunting = true;
        dropped
    }

    /// Starts hunting for a record boundary (a capture picked up mid-stream).
    pub fn resync(&mut self) {
        self.hunting = true;
    }

    /// Feeds stream bytes; complete records go to `out` in order.
    pub fn push(&mut self, data: &[u8], out: &mut impl FnMut(RecordEvent<'_>)) {
        if self.buf.is_empty() {
            // Fast path: parse records straight out of `data`, buffer only the tail.
            let used = self.parse(data, out);
            self.buf.extend_from_slice(&data[used..]);
        } else {
            self.buf.extend_from_slice(data);
            let buf = std::mem::take(&mut self.buf);
            let used = self.parse(&buf, out);
            self.buf = buf;
            self.buf.drain(..used);
        }
        if self.hunting && self.buf.len() > 4 * MAX_RECORD_LEN {
            // Nothing record-like in a long stretch: let it go.
            let drop = self.buf.len() - HEADER_LEN;
            self.skipped_bytes += drop as u64;
            out(RecordEvent::Skipped(drop as u64));
            self.buf.drain(..drop);
        }
    }

    fn skip(&mut self, bytes: usize, out: &mut impl FnMut(RecordEvent<'_>)) {
        if bytes > 0 {
            self.skipped_bytes += bytes as u64;
            out(RecordEvent::Skipped(bytes as u64));
        }
    }

    /// Parses as many whole records as `data` holds; returns the bytes consumed.
    fn parse(&mut self, data: &[u8], out: &mut impl FnMut(RecordEvent<'_>)) -> usize {
        let mut pos = 0;
        loop {
            let rest = &data[pos..];
            if self.hunting {
                match find_boundary(rest) {
                    Boundary::At(skip) => {
                        self.skip(skip, out);
                        pos += skip;
                        self.hunting = false;
                        continue;
                    }
                    Boundary::Candidate => return pos,
                    // Every offset checked so far is ruled out: drop those bytes now, so
                    // that the next push does not scan them again (a stream fed in tiny
                    // segments would otherwise cost time quadratic in its length).
                    Boundary::NoneBefore(skip) => {
                        self.skip(skip, out);
                        return pos + skip;
                    }
                }
            }
            if rest.len() < HEADER_LEN {
                return pos;
            }
            if self.at_start {
                if let Some(len) = sslv2_client_hello(rest) {
                    if rest.len() < 2 + len {
                        return pos;
                    }
                    self.at_start = false;
                    self.records += 1;
                    out(RecordEvent::Record(Record {
                        content_type: SSLV2_CLIENT_HELLO,
                        version: ProtocolVersion::SSL2,
                        fragment: &rest[2..2 + len],
                    }));
                    pos += 2 + len;
                    continue;
                }
            }
            if !plausible_header(rest) {
                self.hunting = true;
                continue;
            }
            let len = u16::from_be_bytes([rest[3], rest[4]]) as usize;
            if rest.len() < HEADER_LEN + len {
                return pos;
            }
            self.at_start = false;
            self.records += 1;
            out(RecordEvent::Record(Record {
                content_type: ContentType(rest[0]),
                version: ProtocolVersion(u16::from_be_bytes([rest[1], rest[2]])),
                fragment: &rest[HEADER_LEN..HEADER_LEN + len],
            }));
            pos += HEADER_LEN + len;
        }
    }
}

/// What a hunt for a record boundary found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Boundary {
    /// A record plausibly starts this many bytes in.
    At(usize),
    /// A header at offset 0 whose record runs past the data: more bytes will decide.
    Candidate,
    /// No record starts in the first this many bytes (the rest is too short to tell).
    NoneBefore(usize),
}

/// Finds the first offset where a record plausibly starts: a header whose record is
/// followed by another plausible header, or that ends exactly at the end of `data`.
fn find_boundary(data: &[u8]) -> Boundary {
    let mut i = 0;
    while i + HEADER_LEN <= data.len() {
        if plausible_header(&data[i..]) {
            let len = u16::from_be_bytes([data[i + 3], data[i + 4]]) as usize;
            let next = i + HEADER_LEN + len;
            if next == data.len() {
                return Boundary::At(i);
            }
            if next + HEADER_LEN <= data.len() {
                if plausible_header(&data[next..]) && data[next + 1] == data[i + 1] {
                    return Boundary::At(i);
                }
            } else {
                // Can't confirm yet: keep this candidate and wait for more bytes.
                return if i == 0 {
                    Boundary::Candidate
                } else {
                    Boundary::At(i)
                };
            }
        }
        i += 1;
    }
    Boundary::NoneBefore(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(chunks: &[&[u8]]) -> Vec<(ContentType, Vec<u8>)> {
        let mut d = RecordDeframer::new();
        let mut out = Vec::new();
        for c in chunks {
            d.push(c, &mut |e| {
                if let RecordEvent::Record(r) = e {
                    out.push((r.content_type, r.fragment.to_vec()))
                }
            });
        }
        out
    }

    #[test]
    fn records_across_and_within_chunks() {
        let stream = [
            &[22, 3, 3, 0, 2, 1][..],
            &[2, 23, 3, 3, 0, 1, 9, 21, 3],
            &[3, 0, 2, 1, 0],
        ];
        assert_eq!(
            collect(&stream),
            vec![
                (ContentType::HANDSHAKE, vec![1, 2]),
                (ContentType::APPLICATION_DATA, vec![9]),
                (ContentType::ALERT, vec![1, 0])
            ]
        );
    }

    #[test]
    fn sslv2_client_hello_first() {
        let v2 = [0x80, 3, 1, 3, 1];
        assert_eq!(collect(&[&v2]), vec![(SSLV2_CLIENT_HELLO, vec![1, 3, 1])]);
    }

    #[test]
    fn resync_after_gap() {
        let mut d = RecordDeframer::new();
        let mut out = Vec::new();
        let mut sink = |e: RecordEvent<'_>| out.push(format!("{e:?}"));
        d.push(&[23, 3, 3, 0, 10, 1, 2], &mut sink);
        d.gap();
        d.push(&[7, 7, 23, 3, 3, 0, 1, 5, 23, 3, 3, 0, 1, 6], &mut sink);
        assert_eq!(out.len(), 3);
        assert!(out[0].contains("Skipped(2)"));
        assert_eq!(d.skipped_bytes, 7 + 2);
    }

    // Found by fuzzing (tls_records, 17 KB in one-byte pushes: 1.5 s): a hunt that found
    // nothing kept its bytes and scanned them again on every push.
    #[test]
    fn a_hunt_through_junk_holds_no_more_than_a_header() {
        let mut d = RecordDeframer::new();
        d.gap();
        let mut skipped = 0;
        for i in 0..100_000u32 {
            d.push(&[(i % 7) as u8 + 40], &mut |e| {
                if let RecordEvent::Skipped(n) = e {
                    skipped += n
                }
            });
            assert!(d.buffered() < HEADER_LEN, "holds {} bytes", d.buffered());
        }
        assert_eq!(skipped, 100_000 - d.buffered() as u64);
        let mut records = 0;
        d.push(&[23, 3, 3, 0, 1, 9], &mut |e| {
            if let RecordEvent::Record(_) = e {
                records += 1
            }
        });
        assert_eq!(records, 1, "the record after the junk is found");
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"GET / HTTP/1.1"), Sniff::NotTls);
        assert_eq!(sniff(&[22, 3, 1, 0, 200]), Sniff::Tls);
        assert_eq!(sniff(&[22, 3]), Sniff::NeedMore);
    }
}
