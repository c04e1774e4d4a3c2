//! What a connection keeps for its report while it runs: its record-layer events
//! (`messages`, shown by `inspect`), its alerts and its warnings. Each list stops at a
//! cap and counts what did not fit, and every entry is charged to the [`MemoryBudget`]
//! shared by all connections of the run — which also counts their TLS state — so that
//! no capture can make tlsscope hold more than the budget, however many connections or
//! messages it carries.
//!
//! ```text
//!  Session ─ push ─► EventLog ── charge ──► MemoryBudget (all connections)
//!                      │ list full, or budget spent: counted, not kept
//!                      ▼
//!               ConnectionReport  (the charge moves with it, released when dropped)
//! ```
//!
//! An entry is charged what its JSON takes: the figure a user can check, and an upper
//! bound of what the typed entry occupies in memory.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use crate::report::model::{AlertEntry, AppDataRun, MessageBody, MessageEntry};

/// Alerts kept per connection (a real one sends one or two).
pub const MAX_ALERTS: usize = 64;
/// Warnings kept per connection.
pub const MAX_WARNINGS: usize = 32;
/// Bytes of detail one connection may hold, whatever the budget has left: a single
/// connection cannot take the budget from the others.
pub const MAX_DETAIL_PER_CONNECTION: usize = 4 << 20;

/// What a connection keeps beyond the facts of its report.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    /// Keep the record-layer events (`inspect`); `summary` does not show them.
    pub messages: bool,
    /// Messages kept per connection; the rest are counted.
    pub max_messages: usize,
    /// Put the connection's secrets in its report, as key log lines (`--show-secrets`).
    pub secrets: bool,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            messages: true,
            max_messages: 10_000,
            secrets: false,
        }
    }
}

/// The memory the session stage may hold for connections not yet written: their TLS
/// state (counted by the run as sessions change) and their report detail (charged
/// entry by entry). Detail is refused past three quarters of the cap, so that state
/// always has room; state past the cap makes the run end connections early.
#[derive(Debug)]
pub struct MemoryBudget {
    cap: usize,
    used: AtomicUsize,
    /// Entries not kept because the budget was spent.
    refused: AtomicU64,
}

impl MemoryBudget {
    pub fn new(cap: usize) -> Arc<Self> {
        Arc::new(MemoryBudget {
            cap,
            used: AtomicUsize::new(0),
            refused: AtomicU64::new(0),
        })
    }

    /// A budget nothing is ever refused by (tests, tools).
    pub fn unlimited() -> Arc<Self> {
        Self::new(usize::MAX)
    }

    /// The bytes report detail may reach.
    fn detail_cap(&self) -> usize {
        self.cap / 4 * 3
    }

    fn try_take(&self, n: usize) -> bool {
        let cap = self.detail_cap();
        let took = self
            .used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |u| {
                u.checked_add(n).filter(|&t| t <= cap)
            })
            .is_ok();
        if !took {
            self.refused.fetch_add(1, Ordering::Relaxed);
        }
        took
    }

    /// Counts `n` more bytes of state (never refused: the run ends connections when
    /// the budget is passed).
    pub fn add(&self, n: usize) {
        self.used.fetch_add(n, Ordering::Relaxed);
    }

    /// Gives back `n` bytes (of state, or of a charge).
    pub fn release(&self, n: usize) {
        self.used.fetch_sub(n, Ordering::Relaxed);
    }

    /// Bytes held now.
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    /// More is held than the cap allows.
    pub fn over(&self) -> bool {
        self.used() > self.cap
    }

    /// Entries refused so far because the budget was spent.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

/// Bytes charged to a budget, given back when the holder is dropped.
#[derive(Debug, Default)]
pub struct Charge {
    budget: Option<Arc<MemoryBudget>>,
    bytes: usize,
}

impl Charge {
    fn new(budget: &Arc<MemoryBudget>) -> Self {
        Charge {
            budget: Some(budget.clone()),
            bytes: 0,
        }
    }

    /// Whether `n` more bytes could be taken now (cheap: a look at the counters), to
    /// skip measuring an entry that could not be kept anyway.
    fn has_room(&self, n: usize) -> bool {
        let room = self.budget.as_ref().is_some_and(|b| {
            self.bytes + n <= MAX_DETAIL_PER_CONNECTION && b.used() + n <= b.detail_cap()
        });
        if !room {
            if let Some(b) = &self.budget {
                b.refused.fetch_add(1, Ordering::Relaxed);
            }
        }
        room
    }

    /// Takes `n` more bytes, if this holder and the budget allow.
    fn take(&mut self, n: usize) -> bool {
        let Some(b) = &self.budget else {
            return false;
        };
        if self.bytes + n > MAX_DETAIL_PER_CONNECTION || !b.try_take(n) {
            return false;
        }
        self.bytes += n;
        true
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

impl Clone for Charge {
    /// A copy of a report holds nothing of the budget: only the original gives back.
    fn clone(&self) -> Self {
        Charge::default()
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        if let Some(b) = &self.budget {
            b.release(self.bytes);
        }
    }
}

/// The lists a connection's report is made of, bounded. Allocated at the first entry:
/// most open connections have none yet, and an open connection should cost little.
#[derive(Debug)]
pub struct EventLog {
    retention: Retention,
    charge: Charge,
    lists: Option<Box<Lists>>,
    /// The last event went into `messages`: only then may a data run grow.
    tail_kept: bool,
}

/// The entries, and the counts of those that did not fit.
#[derive(Debug, Default)]
pub struct Lists {
    pub messages: Vec<MessageEntry>,
    pub messages_omitted: u64,
    pub alerts: Vec<AlertEntry>,
    pub alerts_omitted: u64,
    /// The first fatal alert in the clear (decides the state), kept whatever the caps.
    pub fatal: Option<AlertEntry>,
    pub warnings: Vec<String>,
    pub warnings_omitted: u64,
    /// The protocol the server chose in its EncryptedExtensions (TLS 1.3 and QUIC keep
    /// ALPN there, RFC 8446 §4.3.1), once decrypted.
    pub encrypted_alpn: Option<Vec<u8>>,
}

/// The least a message entry costs (`json_len` adds this to its JSON): when there is not
/// even this much room, the entry is not measured.
const MIN_ENTRY_COST: usize = 64;

/// What an alert costs in the budget (its JSON is about this long).
const ALERT_COST: usize = 160;

impl EventLog {
    pub fn new(retention: Retention, budget: &Arc<MemoryBudget>) -> Self {
        EventLog {
            retention,
            charge: Charge::new(budget),
            lists: None,
            tail_kept: false,
        }
    }

    fn lists(&mut self) -> &mut Lists {
        self.lists.get_or_insert_with(Box::default)
    }

    /// The server's ALPN choice from its EncryptedExtensions (the first one counts).
    pub fn encrypted_alpn(&mut self, protocol: &[u8]) {
        let lists = self.lists();
        if lists.encrypted_alpn.is_none() {
            lists.encrypted_alpn = Some(protocol.to_vec());
        }
    }

    /// Whether the report shows the connection's secrets.
    pub fn keeps_secrets(&self) -> bool {
        self.retention.secrets
    }

    /// Whether messages are kept at all (`inspect`).
    pub fn keeps_messages(&self) -> bool {
        self.retention.messages
    }

    pub fn push_message(&mut self, entry: MessageEntry) {
        if !self.retention.messages {
            return;
        }
        let max = self.retention.max_messages;
        let fits = self.lists.as_ref().map_or(0, |l| l.messages.len()) < max
            && self.charge.has_room(MIN_ENTRY_COST)
            && self.charge.take(json_len(&entry));
        self.tail_kept = fits;
        let lists = self.lists();
        if fits {
            lists.messages.push(entry);
        } else {
            lists.messages_omitted += 1;
        }
    }

    /// Takes one record of `length` back from the undecrypted 0-RTT run at the end of
    /// the list (it was the EndOfEarlyData), dropping the run if it held only that one.
    pub fn take_back_early_record(&mut self, direction: crate::flow::Direction, length: u64) {
        let Some(run) = self.open_run(direction, true) else {
            return;
        };
        if run.decrypted_bytes.is_some() || run.bytes < length {
            return;
        }
        run.records -= 1;
        run.bytes -= length;
        if run.records == 0 {
            if let Some(lists) = self.lists.as_mut() {
                lists.messages.pop();
            }
        }
    }

    /// The data run at the end of the list that the next record of `direction` may
    /// join (`early`: a 0-RTT run), if the last event was kept and is such a run.
    pub fn open_run(
        &mut self,
        direction: crate::flow::Direction,
        early: bool,
    ) -> Option<&mut AppDataRun> {
        if !self.tail_kept {
            return None;
        }
        match self.lists.as_mut()?.messages.last_mut()? {
            MessageEntry {
                direction: d,
                body: MessageBody::ApplicationData(run),
                ..
            } if !early && *d == direction => Some(run),
            MessageEntry {
                direction: d,
                body: MessageBody::EarlyData(run),
                ..
            } if early && *d == direction => Some(run),
            _ => None,
        }
    }

    pub fn push_alert(&mut self, alert: AlertEntry) {
        let fits = self.lists.as_ref().map_or(0, |l| l.alerts.len()) < MAX_ALERTS
            && self.charge.take(ALERT_COST);
        let lists = self.lists();
        if alert.is_fatal() && lists.fatal.is_none() {
            lists.fatal = Some(alert);
        }
        if fits {
            lists.alerts.push(alert);
        } else {
            lists.alerts_omitted += 1;
        }
    }

    pub fn warn(&mut self, text: String) {
        let fits = self.lists.as_ref().map_or(0, |l| l.warnings.len()) < MAX_WARNINGS
            && self.charge.take(text.len() + 32);
        let lists = self.lists();
        if fits {
            lists.warnings.push(text);
        } else {
            lists.warnings_omitted += 1;
        }
    }

    /// The first fatal alert in the clear.
    pub fn fatal(&self) -> Option<AlertEntry> {
        self.lists.as_ref().and_then(|l| l.fatal)
    }

    /// Charges `bytes` of other detail (certificates) the connection wants to keep.
    pub fn charge(&mut self, bytes: usize) -> bool {
        self.charge.take(bytes)
    }

    /// The lists and the charge, to travel with the report.
    pub fn take(&mut self) -> (Lists, Charge) {
        (
            self.lists.take().map(|l| *l).unwrap_or_default(),
            std::mem::take(&mut self.charge),
        )
    }

    /// The lists so far, to fix up before the report is made.
    pub fn lists_mut(&mut self) -> Option<&mut Lists> {
        self.lists.as_deref_mut()
    }
}

/// The length of `value`'s JSON, without building it.
pub fn json_len(value: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Count(0);
    let _ = serde_json::to_writer(&mut c, value);
    c.0 + 64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::Direction;
    use crate::report::model::Side;
    use crate::tls::registry::AlertDescription;

    fn entry(body: MessageBody) -> MessageEntry {
        MessageEntry {
            direction: Direction::Forward,
            side: Side::Client,
            timestamp_ns: 0,
            frame: 1,
            body,
        }
    }

    #[test]
    fn lists_stop_at_their_caps_and_count_the_rest() {
        let budget = MemoryBudget::unlimited();
        let mut log = EventLog::new(
            Retention {
                messages: true,
                max_messages: 3,
                secrets: false,
            },
            &budget,
        );
        for _ in 0..5 {
            log.push_message(entry(MessageBody::ChangeCipherSpec {}));
        }
        for i in 0..100 {
            log.push_alert(AlertEntry::clear(Direction::Forward, i, 1, 0));
        }
        log.push_alert(AlertEntry::clear(Direction::Forward, 0, 2, 48));
        assert_eq!(
            log.fatal().unwrap().code,
            Some(AlertDescription::UNKNOWN_CA),
            "the fatal alert is known"
        );
        let l = log.lists.as_ref().unwrap();
        assert_eq!((l.messages.len(), l.messages_omitted), (3, 2));
        assert_eq!((l.alerts.len(), l.alerts_omitted), (MAX_ALERTS, 37));
        assert!(budget.used() > 0);
        drop(log);
        assert_eq!(budget.used(), 0, "dropping the log gives its bytes back");
    }

    #[test]
    fn the_budget_is_shared_and_given_back_with_the_report() {
        let budget = MemoryBudget::new(1334);
        let mut a = EventLog::new(Retention::default(), &budget);
        let mut b = EventLog::new(Retention::default(), &budget);
        for _ in 0..20 {
            let beat = MessageBody::Heartbeat {
                length: 1,
                message: None,
            };
            a.push_message(entry(beat.clone()));
            b.push_message(entry(beat));
        }
        assert!(budget.used() <= 1000);
        let omitted = |l: &EventLog| l.lists.as_ref().unwrap().messages_omitted;
        assert!(omitted(&a) + omitted(&b) > 0);
        assert!(budget.refused() > 0);
        let (_, charge) = a.take();
        drop(a);
        assert!(budget.used() > charge.bytes(), "the charge travels on");
        drop(charge);
        drop(b);
        assert_eq!(budget.used(), 0);
    }

    #[test]
    fn a_run_only_grows_while_it_is_the_last_kept_event() {
        let budget = MemoryBudget::unlimited();
        let mut log = EventLog::new(
            Retention {
                messages: true,
                max_messages: 1,
                secrets: false,
            },
            &budget,
        );
        let run = AppDataRun {
            records: 1,
            bytes: 10,
            decrypted_bytes: None,
        };
        log.push_message(entry(MessageBody::ApplicationData(run.clone())));
        assert!(log.open_run(Direction::Forward, false).is_some());
        assert!(log.open_run(Direction::Reverse, false).is_none());
        log.push_message(entry(MessageBody::ChangeCipherSpec {}));
        assert!(log.open_run(Direction::Forward, false).is_none());
    }
}
