//! The SHA-256 of what each side sent, decrypted: the report's `app_data`, which the
//! tests compare with what the TLS libraries were given.

use sha2::{Digest, Sha256};

use super::events::{Event, SessionSink};
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

    /// Bytes held beyond the fixed size.
    pub fn held_bytes(&self) -> usize {
        let one = std::mem::size_of::<SideDigest>() + 16;
        self.dirs.iter().flatten().count() * one + self.early.as_ref().map_or(0, |_| one)
    }
}

impl SessionSink for Digests {
    fn event(&mut self, event: &Event<'_>) {
        match *event {
            Event::Plaintext {
                dir, bytes, early, ..
            } => {
                let d = if early {
                    self.early.get_or_insert_with(Box::default)
                } else {
                    self.dirs[dir.index()].get_or_insert_with(Box::default)
                };
                d.hash.update(bytes);
                d.bytes += bytes.len() as u64;
                d.records += 1;
            }
            Event::EarlyDataDecided { client, accepted } => {
                // The early data is the start of the client's application data: its
                // digest becomes the client's, as if hashed there (one run of records).
                match self.early.take() {
                    Some(mut e) if accepted && e.bytes > 0 => {
                        e.records = 1;
                        self.dirs[client.index()] = Some(e);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}
