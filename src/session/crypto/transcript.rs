//! The handshake transcript: what Finished (and the extended master secret) hash.
//!
//! ```text
//!  ClientHello ─ ServerHello ─┬─ … every later handshake message
//!  [ bytes, buffered       ]  │  the ServerHello names the hash: the buffer is hashed
//!                             └► [ running hash state: constant size ]
//! ```
//! Until the ServerHello names the hash, the messages are kept as bytes (a TLS 1.3
//! HelloRetryRequest replaces the first ClientHello by its hash, which needs them);
//! from then on only the running hash is kept, so a handshake of any length costs a
//! few hundred bytes. The value at any point is a copy of the state, finalised.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384};

use crate::crypto::prf::{self, PrfKind};
use crate::crypto::tls13::SuiteHash;

/// Bytes buffered before the hash is known; past it the transcript is lost (no
/// Finished can be checked). A ClientHello is at most one handshake message (1 MiB).
const MAX_BUFFERED: usize = (1 << 20) + (64 << 10);

/// The hash a transcript runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranscriptHash {
    /// SSL 3.0, TLS 1.0 and 1.1: MD5 and SHA-1 side by side.
    Md5Sha1,
    Sha256,
    Sha384,
}

impl TranscriptHash {
    pub fn for_prf(kind: PrfKind) -> Self {
        match kind {
            PrfKind::Ssl3 | PrfKind::Tls10 => TranscriptHash::Md5Sha1,
            PrfKind::Sha256 => TranscriptHash::Sha256,
            PrfKind::Sha384 => TranscriptHash::Sha384,
        }
    }

    pub fn for_tls13(hash: SuiteHash) -> Self {
        match hash {
            SuiteHash::Sha256 => TranscriptHash::Sha256,
            SuiteHash::Sha384 => TranscriptHash::Sha384,
        }
    }
}

#[derive(Clone)]
enum Running {
    Md5Sha1(Md5, Sha1),
    Sha256(Sha256),
    Sha384(Sha384),
}

impl Running {
    fn new(hash: TranscriptHash) -> Self {
        match hash {
            TranscriptHash::Md5Sha1 => Running::Md5Sha1(Md5::new(), Sha1::new()),
            TranscriptHash::Sha256 => Running::Sha256(Sha256::new()),
            TranscriptHash::Sha384 => Running::Sha384(Sha384::new()),
        }
    }

    fn hash(&self) -> TranscriptHash {
        match self {
            Running::Md5Sha1(..) => TranscriptHash::Md5Sha1,
            Running::Sha256(_) => TranscriptHash::Sha256,
            Running::Sha384(_) => TranscriptHash::Sha384,
        }
    }

    fn update(&mut self, data: &[u8]) {
        match self {
            Running::Md5Sha1(m, s) => {
                m.update(data);
                s.update(data);
            }
            Running::Sha256(h) => h.update(data),
            Running::Sha384(h) => h.update(data),
        }
    }

    fn digest(&self) -> Vec<u8> {
        match self.clone() {
            Running::Md5Sha1(m, s) => {
                let mut v = m.finalize().to_vec();
                v.extend_from_slice(&s.finalize());
                v
            }
            Running::Sha256(h) => h.finalize().to_vec(),
            Running::Sha384(h) => h.finalize().to_vec(),
        }
    }
}

#[derive(Clone, Default)]
enum State {
    Buffered(Vec<u8>),
    Hashing(Box<Running>),
    /// Longer than could be buffered before the hash was known.
    #[default]
    Lost,
    /// A handshake message was lost in the capture.
    Missing,
}

/// One handshake's transcript.
#[derive(Clone)]
pub struct Transcript {
    state: State,
}

impl Default for Transcript {
    fn default() -> Self {
        Transcript {
            state: State::Buffered(Vec::new()),
        }
    }
}

impl std::fmt::Debug for Transcript {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.state {
            State::Buffered(b) => write!(f, "Transcript(buffered, {} bytes)", b.len()),
            State::Hashing(r) => write!(f, "Transcript({:?})", r.hash()),
            State::Lost => write!(f, "Transcript(lost)"),
            State::Missing => write!(f, "Transcript(a message missing)"),
        }
    }
}

impl Transcript {
    /// A handshake message (header and body).
    pub fn add(&mut self, bytes: &[u8]) {
        match &mut self.state {
            State::Buffered(b) if b.len() + bytes.len() <= MAX_BUFFERED => {
                b.extend_from_slice(bytes)
            }
            State::Buffered(_) => self.state = State::Lost,
            State::Hashing(r) => r.update(bytes),
            State::Lost | State::Missing => {}
        }
    }

    /// A handshake message was lost in the capture: no Finished can be checked.
    pub fn lose(&mut self) {
        self.state = State::Missing;
    }

    /// A message was lost in the capture ([`Transcript::lose`]).
    pub fn is_missing(&self) -> bool {
        matches!(self.state, State::Missing)
    }

    /// The bytes so far, while they are still kept.
    pub fn buffered(&self) -> Option<&[u8]> {
        match &self.state {
            State::Buffered(b) => Some(b),
            _ => None,
        }
    }

    /// Replaces the buffered bytes (TLS 1.3 HelloRetryRequest, RFC 8446 §4.4.1).
    pub fn replace(&mut self, bytes: Vec<u8>) {
        if matches!(self.state, State::Buffered(_)) {
            self.state = State::Buffered(bytes);
        }
    }

    /// From now on, keep only the running `hash` of the messages.
    pub fn start_hashing(&mut self, hash: TranscriptHash) {
        if let State::Buffered(b) = &self.state {
            let mut r = Running::new(hash);
            r.update(b);
            self.state = State::Hashing(Box::new(r));
        }
    }

    /// The hash of the messages so far (MD5 then SHA-1 for `Md5Sha1`: what the TLS 1.0
    /// PRF takes); `None` when the transcript was lost or runs under another hash.
    pub fn digest(&self, hash: TranscriptHash) -> Option<Vec<u8>> {
        match &self.state {
            State::Buffered(b) => {
                let mut r = Running::new(hash);
                r.update(b);
                Some(r.digest())
            }
            State::Hashing(r) if r.hash() == hash => Some(r.digest()),
            _ => None,
        }
    }

    /// The verify_data a TLS ≤ 1.2 Finished must carry (RFC 5246 §7.4.9; SSL 3.0's
    /// own construction).
    pub fn finished_verify_data(
        &self,
        kind: PrfKind,
        master: &[u8],
        from_client: bool,
    ) -> Option<Vec<u8>> {
        match &self.state {
            State::Buffered(b) => Some(prf::finished_verify_data(kind, master, from_client, b)),
            State::Hashing(r) => match (kind, r.as_ref()) {
                (PrfKind::Ssl3, Running::Md5Sha1(m, s)) => Some(prf::ssl3_finished_from(
                    m.clone(),
                    s.clone(),
                    master,
                    from_client,
                )),
                (PrfKind::Ssl3, _) => None,
                _ => {
                    let digest = self.digest(TranscriptHash::for_prf(kind))?;
                    Some(prf::finished_from_hash(kind, master, from_client, &digest))
                }
            },
            State::Lost | State::Missing => None,
        }
    }

    /// Bytes this transcript holds beyond its fixed size.
    pub fn held(&self) -> usize {
        match &self.state {
            State::Buffered(b) => b.capacity(),
            State::Hashing(_) => std::mem::size_of::<Running>(),
            State::Lost | State::Missing => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSGS: [&[u8]; 3] = [
        b"\x01\x00\x00\x02ab",
        b"\x02\x00\x00\x01c",
        b"\x0b\x00\x00\x00",
    ];

    #[test]
    fn hashing_as_it_goes_gives_what_hashing_the_bytes_gives() {
        let master = [7u8; 48];
        for kind in [
            PrfKind::Ssl3,
            PrfKind::Tls10,
            PrfKind::Sha256,
            PrfKind::Sha384,
        ] {
            let mut whole = Vec::new();
            let mut t = Transcript::default();
            t.add(MSGS[0]);
            t.add(MSGS[1]);
            t.start_hashing(TranscriptHash::for_prf(kind));
            t.add(MSGS[2]);
            for m in MSGS {
                whole.extend_from_slice(m);
            }
            for from_client in [true, false] {
                assert_eq!(
                    t.finished_verify_data(kind, &master, from_client),
                    Some(prf::finished_verify_data(
                        kind,
                        &master,
                        from_client,
                        &whole
                    )),
                    "{kind:?}"
                );
            }
            assert_eq!(
                t.digest(TranscriptHash::for_prf(kind)),
                Some(prf::session_hash(kind, &whole))
            );
            assert!(t.buffered().is_none(), "no bytes kept once hashing");
        }
    }

    #[test]
    fn too_long_before_the_hash_is_known_is_lost() {
        let mut t = Transcript::default();
        let big = vec![0u8; MAX_BUFFERED / 2 + 1];
        t.add(&big);
        t.add(&big);
        assert_eq!(t.digest(TranscriptHash::Sha256), None);
        assert_eq!(t.held(), 0);
    }
}
