//! A bounds-checked cursor over wire bytes, the codec layer under every message parser.
//! Every read that would run past the end fails with [`DecodeError`]; nothing panics and
//! no claimed length is trusted beyond the bytes present.

/// Why a structure did not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {why}")]
pub struct DecodeError {
    pub what: &'static str,
    pub why: &'static str,
}

impl DecodeError {
    pub fn new(what: &'static str, why: &'static str) -> Self {
        DecodeError { what, why }
    }
}

pub type DecodeResult<T> = Result<T, DecodeError>;

/// Reads big-endian integers and length-prefixed vectors from a byte slice.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// `what` names the structure in error messages.
    pub fn new(buf: &'a [u8], what: &'static str) -> Self {
        Reader { buf, pos: 0, what }
    }

    fn short(&self) -> DecodeError {
        DecodeError::new(self.what, "truncated")
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    pub fn rest(&mut self) -> &'a [u8] {
        let r = &self.buf[self.pos..];
        self.pos = self.buf.len();
        r
    }

    pub fn take(&mut self, n: usize) -> DecodeResult<&'a [u8]> {
        if self.remaining() < n {
            return Err(self.short());
        }
        let r = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(r)
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

    /// A vector with a 1-byte length prefix.
    pub fn vec8(&mut self) -> DecodeResult<&'a [u8]> {
        let n = self.u8()? as usize;
        self.take(n)
    }

    /// A vector with a 2-byte length prefix.
    pub fn vec16(&mut self) -> DecodeResult<&'a [u8]> {
        let n = self.u16()? as usize;
        self.take(n)
    }

    /// A vector with a 3-byte length prefix.
    pub fn vec24(&mut self) -> DecodeResult<&'a [u8]> {
        let n = self.u24()? as usize;
        self.take(n)
    }

    /// A sub-reader over a 2-byte-length-prefixed vector.
    pub fn sub16(&mut self, what: &'static str) -> DecodeResult<Reader<'a>> {
        Ok(Reader::new(self.vec16()?, what))
    }

    /// Reads a list of u16 values from a vector of `bytes`.
    pub fn u16_list(bytes: &[u8], what: &'static str) -> DecodeResult<Vec<u16>> {
        if !bytes.len().is_multiple_of(2) {
            return Err(DecodeError::new(what, "odd length"));
        }
        Ok(bytes
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect())
    }
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
        assert_eq!(r.vec16(), Err(DecodeError::new("t", "truncated")));
    }
}
