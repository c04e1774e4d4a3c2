//! Session workers: the session stage on several threads, with the output of one.
//!
//! ```text
//!                      ┌─► worker 0: Stage (its connections) ─ ended, by position ─┐
//!  transport ─► fan-out┤        ▲ shared secrets, in capture order (turns)          ├─► merge ─► Output
//!   (batches)  (Arc)   └─► worker 1: Stage (its connections) ─ ended, by position ─┘  (caller's thread)
//! ```
//! The fan-out decides once whose each event is, and every worker gets every batch
//! with that list and takes the events of its connections: each connection is given
//! at its first event to the least loaded worker and keeps it (so both directions go to
//! one worker), and all QUIC is worker 0's, because a QUIC connection can move to a new flow that only its
//! connection IDs tie to the old one. Each worker sends each connection it ends with
//! the position of the event that ended it; the merge hands them to [`Output`] in that
//! order, so the reorder window sees what a single stage would have given it. What
//! connections share (resumption caches, RSA trials, the `keylog` output) is read as
//! of each event's position, or waits for its turn in capture order ([`crate::turns`]).
//! What is not the same as one stage: past the memory budget (one for all), a worker
//! that holds more than its share ends its own least recently active connections, so
//! under `--max-memory` pressure the connections ended early can differ.

use std::collections::VecDeque;
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::sync::Arc;
use std::time::Duration;

use crate::crypto::secrets::Secrets;
use crate::flow::FlowMap;
use crate::report::model::ConnectionReport;
use crate::session::MemoryBudget;
use crate::turns::{FinishOnDrop, Turns};

use super::order::Output;
use super::stage::{Finished, Stage, StageTotals};
use super::transport::{Batch, DataUnit, Event, Evictions};
use super::Options;

/// Which events of the run are one worker's.
/// A worker's seat in the run: which it is, and the turns it takes.
pub(super) struct Route {
    worker: usize,
    workers: usize,
    turns: Arc<Turns>,
}

/// Every worker: the owner of a file or key log event, which changes what comes after
/// it for all.
const EVERY_WORKER: u16 = u16::MAX;

/// Decides once, on the fan-out thread, whose each event is: a connection is given,
/// at its first event, to the worker with the fewest open connections (the fewest
/// bytes so far between equals), and keeps it. Why not a hash of the flow: a capture
/// of a few long connections split by chance gave one worker 60 % of the bytes, and
/// the run waited for it.
struct Router {
    /// Each open connection's worker; bounded by the flow tables, whose every flow ends
    /// with a `Closed` event, which takes it out. Looked up for every event: the flow
    /// tables' fast hash, not SipHash.
    open: FlowMap<u64, u16>,
    /// Each worker's load: its open connections, and the bytes it was given.
    load: Vec<(usize, u64)>,
}

impl Router {
    fn new(workers: usize) -> Self {
        Router {
            open: FlowMap::default(),
            load: vec![(0, 0); workers],
        }
    }

    /// The worker of connection `id`, given now if it has none. QUIC is all worker 0's,
    /// because a QUIC connection can move to a new flow that only its connection IDs
    /// tie to the old one.
    fn worker(&mut self, id: u64, quic: bool) -> u16 {
        if let Some(&w) = self.open.get(&id) {
            return w;
        }
        let w = if quic {
            0
        } else {
            (0..self.load.len())
                .min_by_key(|&w| self.load[w])
                .unwrap_or(0)
        };
        self.load[w].0 += 1;
        self.open.insert(id, w as u16);
        w as u16
    }
}

impl Router {
    /// The owner of each event of `batch` (a worker, or [`EVERY_WORKER`]).
    fn owners(&mut self, batch: &Batch) -> Vec<u16> {
        batch.events.iter().map(|e| self.owner(e)).collect()
    }

    fn owner(&mut self, event: &Event) -> u16 {
        match event {
            Event::Data {
                id, unit, range, ..
            } => {
                let w = self.worker(*id, *unit == DataUnit::QuicDatagram);
                self.load[usize::from(w)].1 += range.len() as u64;
                w
            }
            Event::Gap { id, .. } => self.worker(*id, false),
            Event::Closed(summary) => {
                let w = self.worker(summary.id, false);
                self.open.remove(&summary.id);
                self.load[usize::from(w)].0 -= 1;
                w
            }
            Event::File(_) | Event::KeyLog { .. } => EVERY_WORKER,
        }
    }
}

impl Route {
    fn new(worker: usize, workers: usize, turns: Arc<Turns>) -> Self {
        Route {
            worker,
            workers,
            turns,
        }
    }

    /// Whether an event of `owner` is this worker's.
    pub fn owns(&self, owner: u16) -> bool {
        owner == EVERY_WORKER || usize::from(owner) == self.worker
    }

    /// The number of workers.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// This worker has handled all its events before `position`.
    pub fn reached(&self, position: u64) {
        self.turns.reached(self.worker, position);
    }
}

/// Batches a worker may be behind the one furthest ahead (they are shared, each a few
/// hundred KB): enough for the workers to be in different connections of a capture of
/// long connections one after another, where a smaller reach leaves them in turn.
const WORKER_BATCHES: usize = 16;

/// A batch and the owner of each of its events, shared by all the workers.
struct Routed {
    batch: Batch,
    owners: Vec<u16>,
}

/// A connection a worker ended: (position, id, report).
type Ended = (u64, u64, Option<ConnectionReport>);

/// Sends what ended to the merge at once, before the worker's turn moves past it.
struct Collect {
    tx: SyncSender<Ended>,
}

impl Finished for Collect {
    fn finished(&mut self, position: u64, id: u64, report: Option<ConnectionReport>) {
        // The merge outlives the workers; if it is gone the run is unwinding anyway.
        let _ = self.tx.send((position, id, report));
    }
}

/// Ended connections a worker may have on their way to the merge, and the merge may
/// hold per worker: the memory between the workers and the output stays this many
/// reports, however fast the workers are and slow the output.
const IN_FLIGHT: usize = 32;

/// How long the merge waits for one worker before it looks again at how far all got
/// (which no message announces).
const MERGE_POLL: Duration = Duration::from_millis(1);

/// Runs the session stage on `workers` threads over the batches of `rx`; the reports
/// go to `emit` on this thread. Returns the output (to finish), the stages' totals and
/// a handle on the run's secrets.
pub(super) fn run<'o, 'e>(
    options: &'o Options,
    workers: usize,
    secrets: Secrets,
    evictions: Arc<Evictions>,
    file_names: Vec<Arc<str>>,
    rx: Receiver<Batch>,
    emit: &'e mut dyn FnMut(ConnectionReport),
) -> (Output<'o, 'e>, StageTotals, Secrets) {
    let turns = Arc::new(Turns::new(workers));
    // One budget: a worker's share of it is what it may hold when the budget is passed.
    let budget = MemoryBudget::new(options.memory_budget);
    std::thread::scope(|s| {
        let mut to_workers = Vec::new();
        let mut from_workers = Vec::new();
        let mut handles = Vec::new();
        for worker in 0..workers {
            let (btx, brx) = sync_channel::<(Arc<Routed>, u64)>(WORKER_BATCHES);
            let (tx, erx) = sync_channel::<Ended>(IN_FLIGHT);
            to_workers.push(btx);
            from_workers.push(erx);
            let secrets = secrets.for_worker(turns.clone(), worker);
            let (turns, evictions, file_names, budget) = (
                turns.clone(),
                evictions.clone(),
                file_names.clone(),
                budget.clone(),
            );
            let named = std::thread::Builder::new().name(format!("session-{worker}"));
            handles.push(
                named
                    .spawn_scoped(s, move || {
                        let _done = FinishOnDrop {
                            turns: &turns,
                            worker,
                        };
                        let route = Route::new(worker, workers, turns.clone());
                        let out = Collect { tx };
                        let mut stage = Stage::new(
                            options,
                            secrets,
                            budget,
                            None,
                            evictions,
                            file_names,
                            out,
                            Some(route),
                        );
                        for (routed, base) in brx {
                            stage.batch(&routed.batch, base, Some(&routed.owners));
                            turns.reached(worker, base + routed.batch.events.len() as u64);
                        }
                        (stage.totals(), stage.secrets)
                    })
                    .expect("start a session worker"),
            );
        }
        let stop = &options.stop;
        let named = std::thread::Builder::new().name("fan-out".into());
        let fan_out = named.spawn_scoped(s, move || {
            let mut base = 0u64;
            let mut router = Router::new(workers);
            for batch in rx {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    continue;
                }
                let len = batch.events.len() as u64;
                let owners = router.owners(&batch);
                let batch = Arc::new(Routed { batch, owners });
                for tx in &to_workers {
                    if tx.send((batch.clone(), base)).is_err() {
                        return;
                    }
                }
                base += len;
            }
        });
        fan_out.expect("start the fan-out thread");
        let mut output = Output::new(options, emit);
        merge(&turns, &from_workers, &mut output);
        drop(from_workers);
        let mut totals = StageTotals::default();
        let mut first = None;
        for h in handles {
            match h.join() {
                Ok((t, secrets)) => {
                    totals.add(&t);
                    first.get_or_insert(secrets);
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        // Each stage counts the one budget's refusals: count them once.
        totals.refused = budget.refused();
        let secrets = first.unwrap_or(secrets);
        (output, totals, secrets)
    })
}

/// Hands the workers' ended connections to `output` in position order: one is handed
/// on once every other worker has finished its events before it, so nothing earlier
/// can still come. A worker sends what ended before its turn moves on, so looking at
/// the turns first, then at the messages, sees all that the turns promise. The merge
/// never waits on a worker whose connections it holds: the worker furthest behind is
/// never refused, so the run always moves on.
fn merge(turns: &Turns, from: &[Receiver<Ended>], output: &mut Output) {
    let workers = from.len();
    let mut held: Vec<VecDeque<Ended>> = (0..workers).map(|_| VecDeque::new()).collect();
    let mut closed = vec![false; workers];
    let mut reached = vec![0u64; workers];
    loop {
        for (w, r) in reached.iter_mut().enumerate() {
            *r = turns.done_before(w);
        }
        for w in 0..workers {
            while !closed[w] && held[w].len() < IN_FLIGHT {
                match from[w].try_recv() {
                    Ok(e) => held[w].push_back(e),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => closed[w] = true,
                }
            }
        }
        let mut handed = false;
        loop {
            let next = held
                .iter()
                .enumerate()
                .filter_map(|(w, q)| q.front().map(|e| (e.0, w)))
                .min();
            let Some((position, w)) = next else { break };
            let ready = (0..workers).all(|v| v == w || closed[v] || reached[v] >= position);
            if !ready {
                break;
            }
            if let Some((position, id, report)) = held[w].pop_front() {
                output.finished(position, id, report);
                handed = true;
            }
        }
        if closed.iter().all(|&c| c) && held.iter().all(|q| q.is_empty()) {
            return;
        }
        if !handed {
            // Wait for a worker with nothing held: what it sends next may come first.
            match (0..workers).find(|&w| !closed[w] && held[w].is_empty()) {
                Some(w) => match from[w].recv_timeout(MERGE_POLL) {
                    Ok(e) => held[w].push_back(e),
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => closed[w] = true,
                },
                None => std::thread::sleep(MERGE_POLL / 10),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Endpoint;
    use crate::tcp::Direction;

    fn data(id: u64, len: usize, unit: DataUnit) -> Event {
        let e = Endpoint {
            ip: "10.0.0.1".parse().unwrap(),
            port: 443,
        };
        Event::Data {
            id,
            endpoints: [e, e],
            direction: Direction::Forward,
            range: 0..len,
            unit,
            timestamp_ns: 0,
            frame: 0,
        }
    }

    #[test]
    fn connections_keep_their_worker_and_spread_by_load() {
        let mut r = Router::new(2);
        // Two open at once go to different workers and stay there.
        let a = r.owner(&data(1, 1000, DataUnit::Stream));
        let b = r.owner(&data(2, 10, DataUnit::Stream));
        assert_ne!(a, b);
        assert_eq!(r.owner(&data(1, 5, DataUnit::Stream)), a);
        assert_eq!(r.owner(&data(2, 5, DataUnit::Stream)), b);
        // QUIC is worker 0's whatever the load.
        assert_eq!(r.owner(&data(3, 1, DataUnit::QuicDatagram)), 0);
        assert_eq!(r.owner(&Event::File(1)), EVERY_WORKER);
    }
}
