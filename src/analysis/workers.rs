//! Session workers: the session stage on several threads, with the output of one.
//!
//! ```text
//!                      ┌─► worker 0: Stage (its connections) ─ ended, by position ─┐
//!  transport ─► fan-out┤        ▲ shared secrets, in capture order (turns)          ├─► merge ─► Output
//!   (batches)  (Arc)   └─► worker 1: Stage (its connections) ─ ended, by position ─┘  (caller's thread)
//! ```
//! The fan-out decides once whose each event is, and every worker gets every batch
//! with that list and takes the events of its connections: those whose endpoints hash
//! to it (a symmetric hash: both directions of a flow go to one worker), and all QUIC
//! on worker 0, because a QUIC connection can move to a new flow that only its
//! connection IDs tie to the old one. Each worker sends each connection it ends with
//! the position of the event that ended it; the merge hands them to [`Output`] in that
//! order, so the reorder window sees what a single stage would have given it. What
//! connections share (resumption caches, RSA trials, the `keylog` output) is read as
//! of each event's position, or waits for its turn in capture order ([`crate::turns`]).
//! What is not the same as one stage: past the memory budget (one for all), a worker
//! that holds more than its share ends its own least recently active connections, so
//! under `--max-memory` pressure the connections ended early can differ.

use std::collections::{HashSet, VecDeque};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::sync::Arc;
use std::time::Duration;

use crate::crypto::secrets::Secrets;
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

/// Decides once, on the fan-out thread, whose each event is.
struct Router {
    workers: usize,
    /// The open flows that carry QUIC (all worker 0's); bounded by the UDP flow table,
    /// whose every flow ends with a `Closed` event.
    quic: HashSet<u64>,
}

/// The worker of a flow between these endpoints: a symmetric hash (the same for both
/// directions: a sum of the two endpoints' own hashes), cheap because it is worked out
/// for every event. Not `--shard`'s hash, which must stay the same on
/// every machine and is slower; a shard still spreads over its workers.
fn worker_of(endpoints: &[crate::net::Endpoint; 2], workers: usize) -> usize {
    let h = mix(endpoint_key(&endpoints[0]).wrapping_add(endpoint_key(&endpoints[1])));
    (h % workers as u64) as usize
}

fn endpoint_key(e: &crate::net::Endpoint) -> u64 {
    let ip = match e.ip {
        std::net::IpAddr::V4(ip) => u128::from(ip.to_ipv6_mapped()),
        std::net::IpAddr::V6(ip) => u128::from(ip),
    };
    mix((ip as u64) ^ mix((ip >> 64) as u64 ^ u64::from(e.port)))
}

/// splitmix64's finaliser.
fn mix(mut h: u64) -> u64 {
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

impl Router {
    /// The owner of each event of `batch` (a worker, or [`EVERY_WORKER`]).
    fn owners(&mut self, batch: &Batch) -> Vec<u16> {
        batch.events.iter().map(|e| self.owner(e)).collect()
    }

    fn owner(&mut self, event: &Event) -> u16 {
        let worker = match event {
            Event::Data {
                id,
                endpoints,
                unit,
                ..
            } => {
                if *unit == DataUnit::QuicDatagram {
                    self.quic.insert(*id);
                    0
                } else {
                    worker_of(endpoints, self.workers)
                }
            }
            Event::Gap { endpoints, .. } => worker_of(endpoints, self.workers),
            Event::Closed(summary) => {
                if self.quic.remove(&summary.id) {
                    0
                } else {
                    worker_of(&summary.endpoints, self.workers)
                }
            }
            Event::File(_) | Event::KeyLog { .. } => return EVERY_WORKER,
        };
        worker as u16
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
            let mut router = Router {
                workers,
                quic: HashSet::new(),
            };
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

    fn e(ip: &str, port: u16) -> Endpoint {
        Endpoint {
            ip: ip.parse().unwrap(),
            port,
        }
    }

    #[test]
    fn both_directions_go_to_one_worker_and_flows_spread() {
        let server = e("10.0.0.2", 443);
        let mut per = [0usize; 3];
        for port in 1024..4024u16 {
            let client = e("10.0.0.1", port);
            let w = worker_of(&[client, server], 3);
            assert_eq!(w, worker_of(&[server, client], 3));
            per[w] += 1;
        }
        assert!(per.iter().all(|&n| n > 900), "{per:?}");
        let v6 = [e("2001:db8::1", 50000), e("2001:db8::2", 443)];
        assert_eq!(worker_of(&v6, 4), worker_of(&[v6[1], v6[0]], 4));
    }
}
