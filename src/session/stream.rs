//! TLS over a byte stream: each direction's bytes, as a transport delivers them (TCP
//! today; a STARTTLS stream once its clear-text part is over), cut into records for a
//! [`Session`].
//!
//! ```text
//!  Chunk::Data ─► sniff (first bytes: a record header?) ─► RecordDeframer ─► Session::on_record
//!  Chunk::Gap  ─► the deframer drops its partial record, hunts for the next header ─► Session::on_gap
//! ```
//! A direction that shows no record within [`SNIFF_BUDGET`] bytes is given up on: it is
//! not TLS (or TLS the capture joined too late to find).

use super::Session;
use crate::crypto::secrets::Secrets;
use crate::flow::{Chunk, Direction};
use crate::tls::record::{self, RecordDeframer, RecordEvent};

/// A direction that shows no TLS record within this many bytes is given up on.
pub const SNIFF_BUDGET: u64 = 64 * 1024;

#[derive(Debug, Default)]
struct StreamDir {
    deframer: RecordDeframer,
    fed: u64,
    abandoned: bool,
}

/// The record deframers of a connection's two directions.
#[derive(Debug)]
pub struct StreamFeed {
    dirs: [StreamDir; 2],
}

impl Default for StreamFeed {
    fn default() -> Self {
        let dir = || StreamDir {
            deframer: RecordDeframer::new(),
            ..Default::default()
        };
        StreamFeed {
            dirs: [dir(), dir()],
        }
    }
}

impl StreamFeed {
    /// Feeds one chunk of one direction to `session`.
    pub fn feed(
        &mut self,
        session: &mut Session,
        dir: Direction,
        chunk: Chunk<'_>,
        ts: i64,
        secrets: &mut Secrets,
    ) {
        let d = &mut self.dirs[dir.index()];
        if d.abandoned {
            return;
        }
        session.touch(ts);
        match chunk {
            Chunk::Gap(gap) => {
                let dropped = d.deframer.gap();
                session.on_unparsed(dir, dropped);
                session.on_gap(dir, gap);
            }
            Chunk::Data(data) => {
                if d.fed == 0 {
                    match record::sniff(data) {
                        // Picked up mid-stream, or not TLS: hunt for a record boundary.
                        record::Sniff::NotTls => d.deframer.resync(),
                        // A stream that starts with a record header is TLS, even if the
                        // capture later loses the rest of the record.
                        record::Sniff::Tls => session.mark_tls(),
                        record::Sniff::NeedMore => {}
                    }
                }
                d.fed += data.len() as u64;
                d.deframer.push(data, &mut |ev| match ev {
                    RecordEvent::Record(r) => session.on_record(dir, r, ts, secrets),
                    RecordEvent::Skipped(n) => session.on_unparsed(dir, n),
                });
                if d.deframer.records == 0 && d.fed > SNIFF_BUDGET {
                    d.abandoned = true;
                    d.deframer = RecordDeframer::new();
                }
            }
        }
    }

    /// Both directions were given up on (and the session saw no TLS).
    pub fn is_abandoned(&self) -> bool {
        self.dirs.iter().all(|d| d.abandoned)
    }

    /// Bytes the deframers hold.
    pub fn held_bytes(&self) -> usize {
        self.dirs.iter().map(|d| d.deframer.capacity()).sum()
    }

    /// Bytes fed per direction (for a report made before the transport's own).
    pub fn fed(&self, dir: Direction) -> u64 {
        self.dirs[dir.index()].fed
    }
}
