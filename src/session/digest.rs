//! The SHA-256 of what each side sent, decrypted: the report's `app_data`, which the
//! tests compare with what the TLS libraries were given. Each record's bytes are hashed
//! as the application decoders read it, in step with the bodies they find in it
//! ([`AppDataHash`]).

use super::events::{Event, SessionSink};
use crate::app::body_hash::AppDataHash;
use crate::crypto::sha256::Sha256;
use crate::flow::Direction;
use crate::report::model::AppDataDigest;

/// One side's digest (made at its first byte: most connections decrypt nothing).
#[derive(Default, Clone)]
struct SideDigest {
    hash: Sha256,
    bytes: u64,
    records: u64,
}

/// Both directions' digests, and the client's 0-RTT data hashed apart until the
/// server's answer says whether it starts the client's stream.
#[derive(Default)]
pub struct Digests {
    dirs: [Option<Box<SideDigest>>; 2],
    early: Option<Box<SideDigest>>,
}

impl Digests {
    /// The digest of what `dir` sent.
    pub fn of(&self, dir: Direction) -> AppDataDigest {
        let d = self.dirs[dir.index()]
            .as_deref()
            .cloned()
            .unwrap_or_default();
        AppDataDigest {
            records: d.records,
            bytes: d.bytes,
            sha256: hex::encode(d.hash.finalize()),
        }
    }

    /// A record of plaintext `dir` sent (`early`: 0-RTT), counted now and hashed as the
    /// returned [`AppDataHash`] is run and dropped.
    pub fn plaintext<'a>(
        &'a mut self,
        dir: Direction,
        bytes: &'a [u8],
        early: bool,
    ) -> AppDataHash<'a> {
        let d = if early {
            self.early.get_or_insert_with(Box::default)
        } else {
            self.dirs[dir.index()].get_or_insert_with(Box::default)
        };
        d.bytes += bytes.len() as u64;
        d.records += 1;
        AppDataHash::new(&mut d.hash, bytes)
    }

    /// Bytes held beyond the fixed size.
    pub fn held_bytes(&self) -> usize {
        let one = std::mem::size_of::<SideDigest>() + 16;
        self.dirs.iter().flatten().count() * one + self.early.as_ref().map_or(0, |_| one)
    }
}

/// Plaintext comes through [`Digests::plaintext`], beside the application decoders.
impl SessionSink for Digests {
    fn event(&mut self, event: &Event<'_>) {
        if let Event::EarlyDataDecided { client, accepted } = *event {
            // The early data is the start of the client's application data: its digest
            // becomes the client's, as if hashed there (one run of records).
            match self.early.take() {
                Some(mut e) if accepted && e.bytes > 0 => {
                    e.records = 1;
                    self.dirs[client.index()] = Some(e);
                }
                _ => {}
            }
        }
    }
}
