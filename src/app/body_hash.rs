//! The SHA-256 of an HTTP body, hashed on another core once the body is large.
//!
//! Every decrypted byte is already hashed once for the connection's `app_data` digest,
//! on the session's thread; a body's own digest is a second SHA-256 pass over most of
//! the same bytes, and SHA-256 is the slowest stage of a bulk run. So a body that grows
//! past [`OFFLOAD_AFTER`] moves its hash state to a hasher thread and sends it copies of
//! its bytes; the session thread only copies (about ten times faster than hashing).
//! Small bodies, the common case, stay inline: handing one over costs more than hashing
//! it. An offloaded body's digest is a [`BodyDigest`] that is filled in when the hasher
//! gets to it, so the session never waits for it; the report reads it when the
//! connection is written, by which time it is there.
//!
//! ```text
//!  session thread                        hasher thread (one per process)
//!  BodyHash::update ── Start{id, state} ──► states[id] = state
//!                   ── Data{id, bytes} ───► states[id].update(bytes)
//!  BodyHash::finish ── Finish{id, promise} ► promise.keep(states.remove(id).finalize())
//!  BodyDigest::value ◄── waits, if ever, for the promise
//! ```
//! The queue is bounded ([`QUEUE_JOBS`] × [`CHUNK`] bytes at most), so a slow hasher
//! slows the run instead of growing memory. At most [`MAX_AWAY`] bodies are away at
//! once, each gathering up to a [`CHUNK`] and holding a state on the hasher; the rest
//! hash inline (counted by [`kept_inline`]): a capture of many large bodies open
//! together cannot make either grow. A body dropped unfinished takes its state with it.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};

use sha2::{Digest, Sha256};

/// Body bytes hashed inline before the hash moves to the hasher thread.
pub const OFFLOAD_AFTER: u64 = 64 * 1024;
/// Bytes gathered per message to the hasher: a TLS record holds at most 16 KiB, and
/// each message may wake the hasher up.
const CHUNK: usize = 64 * 1024;
/// Messages the queue holds before a sender waits (at most 1 MiB of body bytes).
const QUEUE_JOBS: usize = 16;
/// Bodies hashed away at once (each holds a gathering buffer of up to [`CHUNK`]):
/// 2 MiB in all. A bulk run has a few large bodies in flight; more only queue.
pub const MAX_AWAY: usize = 32;

/// Bodies away now, and those that stayed inline because [`MAX_AWAY`] were.
static AWAY: AtomicUsize = AtomicUsize::new(0);
static KEPT_INLINE: AtomicU64 = AtomicU64::new(0);

/// Bodies past [`OFFLOAD_AFTER`] hashed inline because [`MAX_AWAY`] were away.
pub fn kept_inline() -> u64 {
    KEPT_INLINE.load(Ordering::Relaxed)
}

/// One of the [`MAX_AWAY`] places, given back when dropped (however the body ends).
struct AwaySlot(&'static AtomicUsize);

impl AwaySlot {
    fn claim(counter: &'static AtomicUsize) -> Option<AwaySlot> {
        counter
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < MAX_AWAY).then_some(n + 1)
            })
            .ok()
            .map(|_| AwaySlot(counter))
    }
}

impl Drop for AwaySlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

enum Job {
    Start(u64, Box<Sha256>),
    Data(u64, Vec<u8>),
    Finish(u64, Promise),
    Drop(u64),
}

/// The hasher thread's queue; `None` when the machine has one core (or the thread could
/// not start): then every body hashes inline.
fn hasher() -> Option<&'static SyncSender<Job>> {
    static HASHER: OnceLock<Option<SyncSender<Job>>> = OnceLock::new();
    HASHER
        .get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            if cores < 2 {
                return None;
            }
            let (tx, rx) = sync_channel(QUEUE_JOBS);
            std::thread::Builder::new()
                .name("body-hash".into())
                .spawn(move || serve(rx))
                .ok()
                .map(|_| tx)
        })
        .as_ref()
}

/// The hasher thread: runs until the process ends (its queue's sender is static).
fn serve(jobs: Receiver<Job>) {
    let mut states: HashMap<u64, Box<Sha256>> = HashMap::new();
    for job in jobs {
        match job {
            Job::Start(id, state) => {
                states.insert(id, state);
            }
            Job::Data(id, bytes) => {
                if let Some(s) = states.get_mut(&id) {
                    s.update(&bytes);
                }
                give_back(bytes);
            }
            Job::Finish(id, promise) => {
                promise.keep(states.remove(&id).map_or([0; 32], |s| s.finalize().into()));
            }
            Job::Drop(id) => {
                states.remove(&id);
            }
        }
    }
}

/// Chunk buffers the hasher is done with, for the next chunks: a fresh 64 KiB
/// allocation per chunk costs page faults, and the copy into it is most of what
/// offloading costs the session thread.
static SPARE: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

fn chunk_buffer() -> Vec<u8> {
    let spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner).pop();
    spare.unwrap_or_else(|| Vec::with_capacity(CHUNK))
}

fn give_back(mut buffer: Vec<u8>) {
    let mut spare = SPARE.lock().unwrap_or_else(PoisonError::into_inner);
    // As many as the queue holds, and a few being filled.
    if spare.len() < QUEUE_JOBS + 4 && buffer.capacity() == CHUNK {
        buffer.clear();
        spare.push(buffer);
    }
}

/// Where a body's hash is.
enum Place {
    Here(Box<Sha256>),
    /// On the hasher thread, under this id; the bytes not sent yet (under [`CHUNK`]).
    Away(u64, Vec<u8>, AwaySlot),
    /// The hasher went away mid-body (it does not, short of a bug): no digest.
    Lost,
}

/// A body's SHA-256, as it is sent; [`BodyHash::finish`] gives the digest.
pub struct BodyHash {
    place: Place,
    bytes: u64,
}

impl Default for BodyHash {
    fn default() -> Self {
        BodyHash {
            place: Place::Here(Box::default()),
            bytes: 0,
        }
    }
}

impl fmt::Debug for BodyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = match self.place {
            Place::Here(_) => "here",
            Place::Away(..) => "away",
            Place::Lost => "lost",
        };
        write!(f, "BodyHash({} bytes, {place})", self.bytes)
    }
}

impl BodyHash {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.update_with(bytes, OFFLOAD_AFTER, hasher(), &AWAY);
    }

    /// The digest of everything given (the SHA-256 of nothing when nothing was), now or
    /// once the hasher gets to it; all zeros in the one case the hasher was lost.
    pub fn finish(self) -> BodyDigest {
        let mut this = std::mem::ManuallyDrop::new(self);
        match std::mem::replace(&mut this.place, Place::Lost) {
            Place::Here(h) => BodyDigest::Ready(h.finalize().into()),
            Place::Away(id, rest, _slot) => {
                let slot = Arc::new(Slot::default());
                let promise = Promise(slot.clone());
                // Unsent, the promise drops with its job and gives all zeros.
                if let Some(q) = hasher() {
                    if q.send(Job::Data(id, rest)).is_ok() {
                        let _ = q.send(Job::Finish(id, promise));
                    }
                }
                BodyDigest::Pending(slot)
            }
            Place::Lost => BodyDigest::Ready([0; 32]),
        }
    }

    fn update_with(
        &mut self,
        bytes: &[u8],
        offload_after: u64,
        queue: Option<&SyncSender<Job>>,
        away: &'static AtomicUsize,
    ) {
        let was = self.bytes;
        self.bytes += bytes.len() as u64;
        if let (Place::Here(_), Some(q)) = (&self.place, queue) {
            if self.bytes > offload_after {
                match AwaySlot::claim(away) {
                    Some(slot) => self.move_to(q, slot),
                    // Counted once, as the body passes the mark.
                    None if was <= offload_after => {
                        KEPT_INLINE.fetch_add(1, Ordering::Relaxed);
                    }
                    None => {}
                }
            }
        }
        match &mut self.place {
            Place::Here(h) => h.update(bytes),
            Place::Away(id, gathered, _) => {
                let mut rest = bytes;
                while !rest.is_empty() {
                    let n = rest.len().min(CHUNK - gathered.len());
                    gathered.extend_from_slice(&rest[..n]);
                    rest = &rest[n..];
                    if gathered.len() < CHUNK {
                        break;
                    }
                    let full = std::mem::replace(gathered, chunk_buffer());
                    if queue.is_none_or(|q| q.send(Job::Data(*id, full)).is_err()) {
                        self.place = Place::Lost;
                        break;
                    }
                }
            }
            Place::Lost => {}
        }
    }

    fn move_to(&mut self, queue: &SyncSender<Job>, slot: AwaySlot) {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        if let Place::Here(h) = std::mem::replace(&mut self.place, Place::Lost) {
            if queue.send(Job::Start(id, h)).is_ok() {
                self.place = Place::Away(id, chunk_buffer(), slot);
            }
        }
    }
}

impl Drop for BodyHash {
    fn drop(&mut self) {
        if let (Place::Away(id, ..), Some(q)) = (&self.place, hasher()) {
            let _ = q.send(Job::Drop(*id));
        }
    }
}

/// A body's SHA-256: known, or being computed by the hasher thread.
#[derive(Clone)]
pub enum BodyDigest {
    Ready([u8; 32]),
    Pending(Arc<Slot>),
}

impl BodyDigest {
    /// The digest, waiting for the hasher if it has not got to it yet.
    pub fn value(&self) -> [u8; 32] {
        match self {
            BodyDigest::Ready(d) => *d,
            BodyDigest::Pending(slot) => slot.wait(),
        }
    }
}

impl Default for BodyDigest {
    fn default() -> Self {
        BodyDigest::Ready([0; 32])
    }
}

impl From<[u8; 32]> for BodyDigest {
    fn from(d: [u8; 32]) -> Self {
        BodyDigest::Ready(d)
    }
}

impl PartialEq for BodyDigest {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value()
    }
}

impl Eq for BodyDigest {}

impl fmt::Debug for BodyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BodyDigest({})", hex::encode(self.value()))
    }
}

/// Where the hasher puts a digest, and its reader waits for it.
#[derive(Default)]
pub struct Slot {
    digest: Mutex<Option<[u8; 32]>>,
    set: Condvar,
}

impl Slot {
    fn put(&self, d: [u8; 32]) {
        let mut g = self.digest.lock().unwrap_or_else(PoisonError::into_inner);
        g.get_or_insert(d);
        self.set.notify_all();
    }

    fn wait(&self) -> [u8; 32] {
        let mut g = self.digest.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(d) = *g {
                return d;
            }
            g = self.set.wait(g).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// The hasher's side of a [`Slot`]. However its job ends (kept, or dropped unsent or by
/// a hasher gone wrong) the slot is filled, so no reader waits forever.
struct Promise(Arc<Slot>);

impl Promise {
    fn keep(self, d: [u8; 32]) {
        self.0.put(d);
    }
}

impl Drop for Promise {
    fn drop(&mut self) {
        self.0.put([0; 32]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha(b: &[u8]) -> [u8; 32] {
        Sha256::digest(b).into()
    }

    #[test]
    fn small_body_hashes_inline() {
        let mut h = BodyHash::new();
        h.update(b"hello ");
        h.update(b"world");
        assert!(matches!(h.place, Place::Here(_)));
        assert_eq!(h.finish().value(), sha(b"hello world"));
        assert_eq!(BodyHash::new().finish().value(), sha(b""));
    }

    #[test]
    fn large_bodies_hash_away_and_agree() {
        let body: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        // Several bodies in flight at once, fed in turns, in pieces of several sizes.
        let mut hashes: Vec<BodyHash> = (0..4).map(|_| BodyHash::new()).collect();
        let mut at = 0;
        for piece in [1, 100, 16_384, 70_000, 300_000].iter().cycle() {
            if at >= body.len() {
                break;
            }
            let end = (at + piece).min(body.len());
            for h in &mut hashes {
                h.update(&body[at..end]);
            }
            at = end;
        }
        // The one that is dropped unfinished takes its state with it.
        drop(hashes.pop());
        for h in hashes {
            if hasher().is_some() {
                assert!(matches!(h.place, Place::Away(..)));
            }
            let digest = h.finish();
            assert_eq!(digest.clone().value(), sha(&body));
            assert_eq!(digest.value(), sha(&body));
        }
    }

    #[test]
    fn without_a_hasher_everything_stays_inline() {
        static NONE_AWAY: AtomicUsize = AtomicUsize::new(0);
        let mut h = BodyHash::new();
        h.update_with(&[1; 10], 4, None, &NONE_AWAY);
        h.update_with(&[2; 10], 4, None, &NONE_AWAY);
        assert!(matches!(h.place, Place::Here(_)));
        let mut want = vec![1; 10];
        want.extend([2; 10]);
        assert_eq!(h.finish().value(), sha(&want));
    }

    /// However many large bodies are open together, at most MAX_AWAY are away (each
    /// holding a gathering buffer); the others hash inline, counted, and agree.
    #[test]
    fn bodies_away_at_once_are_capped() {
        static AWAY_HERE: AtomicUsize = AtomicUsize::new(0);
        let Some(q) = hasher() else { return };
        let body = vec![7u8; 100_000];
        let before = kept_inline();
        let mut hashes: Vec<BodyHash> = (0..MAX_AWAY + 5).map(|_| BodyHash::new()).collect();
        for h in &mut hashes {
            h.update_with(&body, OFFLOAD_AFTER, Some(q), &AWAY_HERE);
            h.update_with(&body, OFFLOAD_AFTER, Some(q), &AWAY_HERE);
        }
        let away = hashes
            .iter()
            .filter(|h| matches!(h.place, Place::Away(..)))
            .count();
        assert_eq!(away, MAX_AWAY);
        assert_eq!(AWAY_HERE.load(Ordering::Relaxed), MAX_AWAY);
        assert!(kept_inline() >= before + 5, "each inline body counted once");
        let want = sha(&[body.clone(), body].concat());
        for h in hashes {
            assert_eq!(h.finish().value(), want);
        }
        assert_eq!(
            AWAY_HERE.load(Ordering::Relaxed),
            0,
            "every slot given back"
        );
    }

    #[test]
    fn a_promise_dropped_unkept_gives_zeros() {
        let slot = Arc::new(Slot::default());
        drop(Promise(slot.clone()));
        assert_eq!(BodyDigest::Pending(slot).value(), [0; 32]);
    }
}
