//! A bounds-checked cursor over wire bytes, the codec layer under every message parser.
//! Every read that would run past the end fails with [`DecodeError`]; nothing panics and
//! no claimed length is trusted beyond the bytes present.
//!
//! Errors name the structure, the field when the caller named it ([`Reader::field`]),
//! and the numbers: `ClientHello: legacy_session_id declares 200 bytes, 50 remain`.

use std::fmt;

/// How many items a list in a parsed message keeps (extensions, cipher suites, groups,
/// signature algorithms, ALPN protocols, key shares, PSK identities …); the rest are
/// only counted. Hostile input can declare tens of thousands of entries; a real hello
/// has a few dozen, so nothing real comes near the cap.
pub const MAX_LIST_ITEMS: usize = 1024;

/// How many certificates of a chain and subject alternative names of a certificate are
/// kept (real chains have 2–5 certificates; big SAN lists a few hundred at most).
pub const MAX_CHAIN_ITEMS: usize = 64;

/// What went wrong, with the numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// A fixed-size field (or a length prefix, `prefix`) needs `need` bytes, `remain`
    /// are left.
    Short {
        need: usize,
        remain: usize,
        prefix: bool,
    },
    /// A length prefix declares `declared` bytes, `remain` are left.
    Overrun { declared: usize, remain: usize },
    /// A length prefix declares more than the protocol allows.
    TooLong { declared: usize, max: usize },
    /// A length below the protocol's minimum.
    TooShort { declared: usize, min: usize },
    /// A list of 2-byte values whose length is odd.
    OddLength { len: usize },
    /// Bytes left over after the last field.
    Trailing { bytes: usize },
    /// Anything else, in words.
    Other(&'static str),
}

/// Why a structure did not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct DecodeError {
    /// The structure (`ClientHello`, `extensions` …).
    pub what: &'static str,
    /// The field being read, when the parser named it.
    pub field: Option<&'static str>,
    pub problem: Problem,
}

impl DecodeError {
    /// An error described in words.
    pub fn new(what: &'static str, why: &'static str) -> Self {
        DecodeError {
            what,
            field: None,
            problem: Problem::Other(why),
        }
    }

    /// An error about `field` of `what`.
    pub fn at(what: &'static str, field: &'static str, problem: Problem) -> Self {
        DecodeError {
            what,
            field: Some(field),
            problem,
        }
    }
}

fn bytes(n: usize) -> String {
    if n == 1 {
        "1 byte".to_owned()
    } else {
        format!("{n} bytes")
    }
}

fn remain(n: usize) -> String {
    if n == 1 {
        "1 remains".to_owned()
    } else {
        format!("{n} remain")
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.what)?;
        let field = self.field;
        match self.problem {
            Problem::Short {
                need,
                remain: left,
                prefix,
            } => match field {
                Some(name) => write!(
                    f,
                    "{name}{} needs {}, {}",
                    if prefix { " length" } else { "" },
                    bytes(need),
                    remain(left)
                ),
                None => write!(f, "truncated: {} needed, {}", bytes(need), remain(left)),
            },
            Problem::Overrun {
                declared,
                remain: left,
            } => write!(
                f,
                "{} declares {}, {}",
                field.unwrap_or("a vector"),
                bytes(declared),
                remain(left)
            ),
            Problem::TooLong { declared, max } => write!(
                f,
                "{} declares {}, at most {} allowed",
                field.unwrap_or("a vector"),
                bytes(declared),
                max
            ),
            Problem::TooShort { declared, min } => write!(
                f,
                "{} declares {}, at least {} needed",
                field.unwrap_or("a vector"),
                bytes(declared),
                min
            ),
            Problem::OddLength { len } => match field {
                Some(name) => write!(f, "{name} has an odd length ({})", bytes(len)),
                None => write!(f, "odd length ({}) for a list of 2-byte values", bytes(len)),
            },
            Problem::Trailing { bytes: n } => match field {
                Some(name) => write!(f, "{} after {name}", bytes(n)),
                None => write!(f, "{} of trailing data", bytes(n)),
            },
            Problem::Other(why) => match field {
                Some(name) => write!(f, "{name}: {why}"),
                None => f.write_str(why),
            },
        }
    }
}

pub type DecodeResult<T> = Result<T, DecodeError>;

/// Reads big-endian integers and length-prefixed vectors from a byte slice.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    what: &'static str,
    /// The field the next read is for (named by [`Reader::field`], used once).
    field: Option<&'static str>,
}

impl<'a> Reader<'a> {
    /// `what` names the structure in error messages.
    pub fn new(buf: &'a [u8], what: &'static str) -> Self {
        Reader {
            buf,
            pos: 0,
            what,
            field: None,
        }
    }

    /// Names the field the next read is for, so that its error says which:
    /// `r.field("legacy_session_id").vec8()?`.
    pub fn field(&mut self, name: &'static str) -> &mut Self {
        self.field = Some(name);
        self
    }

    /// An error about the current field (the one named for this read, if any).
    pub fn error(&mut self, problem: Problem) -> DecodeError {
        DecodeError {
            what: self.what,
            field: self.field.take(),
            problem,
        }
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// How many bytes were read so far (an offset into the buffer the reader began on).
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The next byte, not consumed: for encodings whose first byte says how long the
    /// field is (QUIC's variable-length integers).
    pub fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    pub fn rest(&mut self) -> &'a [u8] {
        self.field = None;
        let r = &self.buf[self.pos..];
        self.pos = self.buf.len();
        r
    }

    /// Fails unless every byte was read; `after` names the last field.
    pub fn finish(&mut self, after: &'static str) -> DecodeResult<()> {
        match self.remaining() {
            0 => Ok(()),
            n => Err(DecodeError::at(
                self.what,
                after,
                Problem::Trailing { bytes: n },
            )),
        }
    }

    fn take_raw(&mut self, n: usize, prefix: bool) -> DecodeResult<&'a [u8]> {
        if self.remaining() < n {
            let remain = self.remaining();
            return Err(self.error(Problem::Short {
                need: n,
                remain,
                prefix,
            }));
        }
        let r = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(r)
    }

    pub fn take(&mut self, n: usize) -> DecodeResult<&'a [u8]> {
        let r = self.take_raw(n, false)?;
        self.field = None;
        Ok(r)
    }

    /// A fixed-size field of `N` bytes (`opaque Random[32]`).
    pub fn array<const N: usize>(&mut self) -> DecodeResult<[u8; N]> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    pub fn u8(&mut self) -> DecodeResult<u8> {
        Ok(self.take(1)?[0])
    }

    pub fn u16(&mut self) -> DecodeResult<u16> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub fn u24(&mut self) -> DecodeResult<u32> {
        let b = self.take(3)?;
        Ok(u32::from_be_bytes([0, b[0], b[1], b[2]]))
    }

    pub fn u32(&mut self) -> DecodeResult<u32> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A vector whose length prefix is `width` bytes.
    fn vec_n(&mut self, width: usize) -> DecodeResult<&'a [u8]> {
        let len = self.take_raw(width, true)?;
        let n = len.iter().fold(0usize, |n, &b| (n << 8) | b as usize);
        if self.remaining() < n {
            let remain = self.remaining();
            return Err(self.error(Problem::Overrun {
                declared: n,
                remain,
            }));
        }
        self.take(n)
    }

    /// A vector with a 1-byte length prefix.
    pub fn vec8(&mut self) -> DecodeResult<&'a [u8]> {
        self.vec_n(1)
    }

    /// A vector with a 1-byte length prefix of at most `max` bytes (`opaque x<0..max>`).
    pub fn vec8_max(&mut self, max: usize) -> DecodeResult<&'a [u8]> {
        let field = self.field;
        let v = self.vec_n(1)?;
        if v.len() > max {
            self.field = field;
            return Err(self.error(Problem::TooLong {
                declared: v.len(),
                max,
            }));
        }
        Ok(v)
    }

    /// A vector with a 2-byte length prefix.
    pub fn vec16(&mut self) -> DecodeResult<&'a [u8]> {
        self.vec_n(2)
    }

    /// A vector with a 3-byte length prefix.
    pub fn vec24(&mut self) -> DecodeResult<&'a [u8]> {
        self.vec_n(3)
    }

    /// A sub-reader over a 2-byte-length-prefixed vector.
    pub fn sub16(&mut self, what: &'static str) -> DecodeResult<Reader<'a>> {
        Ok(Reader::new(self.field(what).vec16()?, what))
    }

    /// Reads a list of u16 values from a vector of `bytes`.
    pub fn u16_list(bytes: &[u8], what: &'static str) -> DecodeResult<Vec<u16>> {
        Ok(Self::u16_list_capped(bytes, what, usize::MAX)?.0)
    }

    /// The first `cap` u16 values of a vector of `bytes`, and how many more there were.
    pub fn u16_list_capped(
        bytes: &[u8],
        what: &'static str,
        cap: usize,
    ) -> DecodeResult<(Vec<u16>, usize)> {
        if !bytes.len().is_multiple_of(2) {
            return Err(DecodeError {
                what,
                field: None,
                problem: Problem::OddLength { len: bytes.len() },
            });
        }
        Ok(capped(
            bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]])),
            cap,
        ))
    }

    /// A vector of u16 values with a `width`-byte length prefix: the first `cap`, and
    /// how many more there were.
    fn u16s(&mut self, width: usize, cap: usize) -> DecodeResult<(Vec<u16>, usize)> {
        let field = self.field;
        let bytes = self.vec_n(width)?;
        Self::u16_list_capped(bytes, self.what, cap).map_err(|e| DecodeError { field, ..e })
    }

    /// A vector (1-byte length) of u16 values, the first `cap` of them kept.
    pub fn u16s8(&mut self, cap: usize) -> DecodeResult<(Vec<u16>, usize)> {
        self.u16s(1, cap)
    }

    /// A vector (2-byte length) of u16 values, the first `cap` of them kept.
    pub fn u16s16(&mut self, cap: usize) -> DecodeResult<(Vec<u16>, usize)> {
        self.u16s(2, cap)
    }
}

/// The first `cap` items, and how many more there were.
pub fn capped<T>(items: impl IntoIterator<Item = T>, cap: usize) -> (Vec<T>, usize) {
    let mut kept = Vec::new();
    let mut omitted = 0;
    for item in items {
        if kept.len() < cap {
            kept.push(item);
        } else {
            omitted += 1;
        }
    }
    (kept, omitted)
}

/// `s` cut to at most `max` bytes (at a character boundary), with `…` when cut.
pub fn cut_text(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_refuses_to_overrun() {
        let mut r = Reader::new(&[0, 2, 0xaa, 0xbb, 1], "t");
        assert_eq!(r.vec16().unwrap(), &[0xaa, 0xbb]);
        assert_eq!(r.u8().unwrap(), 1);
        assert!(r.u8().is_err());
        let mut r = Reader::new(&[0, 9, 1], "t");
        assert_eq!(
            r.vec16(),
            Err(DecodeError {
                what: "t",
                field: None,
                problem: Problem::Overrun {
                    declared: 9,
                    remain: 1
                }
            })
        );
    }

    #[test]
    fn errors_name_the_field_and_the_numbers() {
        let mut body = vec![3, 3];
        body.extend_from_slice(&[0; 32]);
        body.push(200);
        body.extend_from_slice(&[0; 50]);
        let mut r = Reader::new(&body, "ClientHello");
        r.field("legacy_version").u16().unwrap();
        r.field("random").take(32).unwrap();
        let e = r.field("legacy_session_id").vec8().unwrap_err();
        assert_eq!(
            e.to_string(),
            "ClientHello: legacy_session_id declares 200 bytes, 50 remain"
        );

        // The name is used once: an unnamed read after it is described generically.
        let mut r = Reader::new(&[0, 5], "t");
        r.field("a").u8().unwrap();
        assert_eq!(
            r.u16().unwrap_err().to_string(),
            "t: truncated: 2 bytes needed, 1 remains"
        );

        let mut r = Reader::new(&[1], "ServerHello");
        assert_eq!(
            r.field("cipher_suite").u16().unwrap_err().to_string(),
            "ServerHello: cipher_suite needs 2 bytes, 1 remains"
        );
        let mut r = Reader::new(&[0], "ClientHello");
        assert_eq!(
            r.field("cipher_suites").vec16().unwrap_err().to_string(),
            "ClientHello: cipher_suites length needs 2 bytes, 1 remains"
        );
        let mut r = Reader::new(&[33; 40], "ClientHello");
        assert_eq!(
            r.field("legacy_session_id")
                .vec8_max(32)
                .unwrap_err()
                .to_string(),
            "ClientHello: legacy_session_id declares 33 bytes, at most 32 allowed"
        );
        let mut r = Reader::new(&[1, 2, 3], "ClientHello");
        r.u8().unwrap();
        assert_eq!(
            r.finish("extensions").unwrap_err().to_string(),
            "ClientHello: 2 bytes after extensions"
        );
        assert_eq!(
            Reader::u16_list(&[1, 2, 3], "supported_groups")
                .unwrap_err()
                .to_string(),
            "supported_groups: odd length (3 bytes) for a list of 2-byte values"
        );
        let mut r = Reader::new(&[0, 3, 1, 2, 3], "ClientHello");
        assert_eq!(
            r.field("cipher_suites").u16s16(10).unwrap_err().to_string(),
            "ClientHello: cipher_suites has an odd length (3 bytes)"
        );
    }

    #[test]
    fn caps_and_cuts() {
        assert_eq!(capped(1..=5, 3), (vec![1, 2, 3], 2));
        assert_eq!(capped(1..=2, 3), (vec![1, 2], 0));
        assert_eq!(
            Reader::u16_list_capped(&[0, 1, 0, 2, 0, 3], "t", 2).unwrap(),
            (vec![1, 2], 1)
        );
        assert_eq!(cut_text("abc".into(), 3), "abc");
        assert_eq!(cut_text("abcd".into(), 3), "abc…");
        // Never inside a character: "é" is two bytes.
        assert_eq!(cut_text("aé".into(), 2), "a…");
    }
}
