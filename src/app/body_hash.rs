//! The SHA-256 of an HTTP body, hashed in step with its connection's `app_data` digest.
//!
//! Every decrypted byte is hashed for the connection's `app_data` digest, and a body's
//! bytes are hashed again for the body's own digest: two SHA-256 passes over most of the
//! same bytes, the slowest stage of a bulk run. One SHA-256 leaves the CPU's SHA unit
//! waiting between rounds; two in step fill those waits ([`crate::crypto::sha256`]), so
//! a body found in a record is hashed together with that record's `app_data` update:
//!
//! ```text
//!  record:   [ head | body part ............ | next head ]
//!  app_data:  alone   in step with the body ─  alone (when the record is done)
//!  body:              in step ───────────────
//! ```
//! A body part that is not a slice of the record being decoded (a decoder's own buffer,
//! HTTP/3 over QUIC streams, early data) is hashed alone: same digest, one lane.

use std::fmt;

use crate::crypto::sha256::{Sha256, SharedPass};

/// A connection's `app_data` digest over one decrypted record (or a QUIC stream's digest
/// over one in-order piece), run as the decoders read it: it hashes up to each body part
/// they find in it, then that part in step with the body; the rest when it is dropped.
pub type AppDataHash<'a> = SharedPass<'a>;

/// A body's SHA-256, as it is sent; [`BodyHash::finish`] gives the digest.
#[derive(Default)]
pub struct BodyHash {
    hash: Box<Sha256>,
}

impl fmt::Debug for BodyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BodyHash({} bytes)", self.hash.len())
    }
}

impl BodyHash {
    pub fn new() -> Self {
        Self::default()
    }

    /// Body bytes, found in the record `app_data` is hashing (or anywhere, with
    /// [`AppDataHash::none`]).
    pub fn update_beside(&mut self, bytes: &[u8], app_data: &mut AppDataHash<'_>) {
        app_data.hash_beside(&mut self.hash, bytes);
    }

    /// The digest of everything given (the SHA-256 of nothing when nothing was).
    pub fn finish(self) -> BodyDigest {
        BodyDigest(self.hash.finalize())
    }
}

/// A body's SHA-256.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct BodyDigest([u8; 32]);

impl BodyDigest {
    pub fn value(&self) -> [u8; 32] {
        self.0
    }
}

impl From<[u8; 32]> for BodyDigest {
    fn from(d: [u8; 32]) -> Self {
        BodyDigest(d)
    }
}

impl fmt::Debug for BodyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BodyDigest({})", hex::encode(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    fn sha(b: &[u8]) -> [u8; 32] {
        sha2::Sha256::digest(b).into()
    }

    #[test]
    fn alone() {
        let mut h = BodyHash::new();
        h.update_beside(b"hello ", &mut AppDataHash::none());
        h.update_beside(b"world", &mut AppDataHash::none());
        assert_eq!(h.finish().value(), sha(b"hello world"));
        assert_eq!(BodyHash::new().finish().value(), sha(b""));
    }

    /// Body parts of a record, in order, out of order and from elsewhere: both digests
    /// are as if each were hashed alone.
    #[test]
    fn beside_the_record_digest() {
        let records: Vec<Vec<u8>> = (0..5u32)
            .map(|r| (0..3_000u32).map(|i| (i * 7 + r * 13) as u8).collect())
            .collect();
        let elsewhere = vec![9u8; 500];
        let mut stream = Sha256::new();
        let mut body = BodyHash::new();
        let mut want_body = Vec::new();
        for (r, rec) in records.iter().enumerate() {
            let mut app = AppDataHash::new(&mut stream, rec);
            let parts: &[(usize, usize)] = match r {
                0 => &[(100, 3_000)],
                1 => &[(0, 64), (64, 65), (200, 2_999)],
                // Before what the digest took: hashed alone.
                2 => &[(1_000, 2_000), (10, 20)],
                _ => &[],
            };
            for &(a, b) in parts {
                body.update_beside(&rec[a..b], &mut app);
                want_body.extend_from_slice(&rec[a..b]);
            }
            if r == 3 {
                body.update_beside(&elsewhere, &mut app);
                want_body.extend_from_slice(&elsewhere);
            }
        }
        body.update_beside(b"tail", &mut AppDataHash::none());
        want_body.extend_from_slice(b"tail");
        assert_eq!(stream.finalize(), sha(&records.concat()));
        assert_eq!(body.finish().value(), sha(&want_body));
    }
}
