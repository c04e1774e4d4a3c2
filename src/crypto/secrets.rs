//! Key material shared by all connections of a run: the server's RSA keys, key logs,
//! and the master secrets recovered so far (for session resumption and `keylog`).

use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::keylog::{self, KeyLog};
use super::keys::{PreMasterError, PreMasterResults, ServerKey};
use super::remembered::Remembered;
use crate::flow::Direction;
use crate::net::Endpoint;

/// Where a connection's master secret came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// z decrypted with this RSA key file.
    RsaKey(String),
    /// The master secret (TLS ≤ 1.2) or traffic secrets (TLS 1.3) from this key log.
    KeyLog(String),
    /// z from this key log (`PMS_CLIENT_RANDOM` or `RSA`).
    KeyLogPreMaster(String),
    /// `--psk` (plain PSK suites).
    Psk,
    /// RSA-PSK: z from this RSA key file, with `--psk`.
    RsaKeyAndPsk(String),
    SessionId,
    Ticket,
}

impl KeySource {
    pub fn describe(&self) -> String {
        match self {
            KeySource::RsaKey(path) => format!("rsa_key:{path}"),
            KeySource::KeyLog(src) => format!("keylog:{src}"),
            KeySource::KeyLogPreMaster(src) => format!("keylog_pre_master:{src}"),
            KeySource::Psk => "psk".into(),
            KeySource::RsaKeyAndPsk(path) => format!("rsa_key+psk:{path}"),
            KeySource::SessionId => "resumed_session_id".into(),
            KeySource::Ticket => "resumed_ticket".into(),
        }
    }
}

/// Everything that can open a connection, and what was opened: one handle per session
/// worker. What never changes in a run (keys, PSK, the services) is shared as it is;
/// the key log is each worker's own copy once a capture adds to it (a pcapng
/// Decryption Secrets Block, which every worker reads at its place in the capture);
/// what the connections change together is behind one lock. With several workers,
/// each thing written there carries the capture position it was written at, and is
/// read as of the reader's position ([`super::remembered`]), so most accesses need not wait; an
/// access whose answer depends on everything before it (a resumption not found yet,
/// the blind RSA allowance, the `keylog` output's order) waits for its turn in capture
/// order ([`crate::turns`]).
#[derive(Default)]
pub struct Secrets {
    pub keys: Arc<Vec<ServerKey>>,
    pub keylog: Arc<KeyLog>,
    /// `--psk`: the pre-shared key of plain PSK and RSA-PSK suites.
    pub psk: Option<Vec<u8>>,
    /// RSA decryptions started ahead of need on other threads, when the run uses them.
    pub prefetch: Option<Arc<super::keys::PreMasterPrefetch>>,
    /// Validates the server chains the sessions see, when the run does (a run-wide
    /// service beside the keys, like `prefetch`: a trust store and its memory).
    pub validator: Option<Arc<crate::pki::Validator>>,
    /// The endpoints of the connection being fed (`endpoints[d]` sends direction `d`).
    endpoints: Option<[Endpoint; 2]>,
    shared: Arc<Mutex<Shared>>,
    /// The position in the capture of the event being handled.
    position: u64,
    /// A `keylog` output was set: the lines go out in capture order.
    writes_keylog: bool,
    /// This handle's worker, when the run has several.
    turn: Option<Turn>,
}

/// What the run's connections change together.
#[derive(Default)]
struct Shared {
    key_used: Vec<bool>,
    by_session_id: ResumptionCache,
    by_ticket: ResumptionCache,
    /// Where the key log lines of the handshakes whose secrets are known go (the
    /// `keylog` command), as soon as they are known; without one, none is made.
    keylog_sink: Option<KeylogSink>,
    /// The (label kind, client random) pairs sent to the sink lately.
    recovered_seen: RecentlySeen,
    /// What the RSA keys were tried on, and what they opened.
    rsa: RsaTrials,
}

/// A worker's place in the run.
struct Turn {
    turns: Arc<crate::turns::Turns>,
    worker: usize,
}

/// Takes the `keylog` command's output, one line (without its newline) at a time.
pub type KeylogSink = Box<dyn FnMut(&str) + Send>;

impl Secrets {
    pub fn new(keys: Vec<ServerKey>, keylog: KeyLog) -> Self {
        let shared = Shared {
            key_used: vec![false; keys.len()],
            ..Default::default()
        };
        Secrets {
            keys: Arc::new(keys),
            keylog: Arc::new(keylog),
            shared: Arc::new(Mutex::new(shared)),
            ..Default::default()
        }
    }

    /// A handle for session worker `worker` of a run whose workers take `turns`.
    pub fn for_worker(&self, turns: Arc<crate::turns::Turns>, worker: usize) -> Secrets {
        Secrets {
            keys: self.keys.clone(),
            keylog: self.keylog.clone(),
            psk: self.psk.clone(),
            prefetch: self.prefetch.clone(),
            validator: self.validator.clone(),
            endpoints: None,
            shared: self.shared.clone(),
            position: 0,
            writes_keylog: self.writes_keylog,
            turn: Some(Turn { turns, worker }),
        }
    }

    /// The position of the event being handled: what it writes is written there, and
    /// what it reads is read as of there.
    pub fn at_position(&mut self, position: u64) {
        self.position = position;
    }

    /// No reader is before this position any more: every worker is at or past it.
    fn floor(&self) -> u64 {
        match &self.turn {
            Some(t) => t.turns.floor(),
            None => self.position,
        }
    }

    /// Key log lines found in the capture itself (a Decryption Secrets Block).
    pub fn add_keylog(&mut self, text: &[u8], source: &str) {
        Arc::make_mut(&mut self.keylog).add(text, source);
    }

    /// The state the connections share, once it is this event's turn: every event
    /// before it has been handled, by every worker.
    fn shared_in_turn(&self) -> MutexGuard<'_, Shared> {
        if let Some(t) = &self.turn {
            t.turns.wait_turn(t.worker, self.position);
        }
        self.shared_now()
    }

    /// The state the connections share, as it is now (for what is written and read by
    /// position, or adds up the same in any order).
    fn shared_now(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// In turn when `ordered`, else now.
    fn shared_if(&self, ordered: bool) -> MutexGuard<'_, Shared> {
        if ordered {
            self.shared_in_turn()
        } else {
            self.shared_now()
        }
    }

    /// Some key material was given: an RSA key, a key log line or a PSK.
    pub fn may_decrypt(&self) -> bool {
        self.has_keys() || !self.keylog.is_empty() || self.psk.is_some()
    }

    pub fn has_keys(&self) -> bool {
        !self.keys.is_empty()
    }

    /// z from `ciphertext` with key `index`: the pool's result when it made one
    /// (`prefetched`, taken from it once per ClientKeyExchange), else decrypted here.
    fn decrypt_pre_master(
        &self,
        index: usize,
        ciphertext: &[u8],
        prefetched: Option<&PreMasterResults>,
    ) -> Result<Vec<u8>, PreMasterError> {
        match prefetched.and_then(|r| r.iter().find(|(i, _)| *i == index)) {
            Some((_, r)) => r.clone(),
            None => super::keys::decrypt_pre_master(&self.keys[index], ciphertext),
        }
    }

    /// Indices of the keys to try for a server: those matching its certificate's
    /// modulus when the certificate was seen (as Wireshark does), else all of them.
    pub fn candidate_keys(&self, certificate_modulus: Option<&[u8]>) -> Vec<usize> {
        match certificate_modulus {
            Some(m) => (0..self.keys.len())
                .filter(|&i| self.keys[i].matches_modulus(m))
                .collect(),
            None => (0..self.keys.len()).collect(),
        }
    }

    /// The connection whose bytes are being fed: its server's address is what
    /// [`Secrets::rsa_pre_master`] remembers keys by.
    pub fn set_endpoints(&mut self, endpoints: [Endpoint; 2]) {
        self.endpoints = Some(endpoints);
    }

    /// The server of the connection being fed, given the direction its client sends.
    pub fn server_endpoint(&self, client: Option<Direction>) -> Option<Endpoint> {
        Some(self.endpoints?[client?.other().index()])
    }

    /// The RSA key files given, for a reason that says which were tried: the first
    /// four, and a count of the rest.
    pub fn key_names(&self) -> String {
        const SHOWN: usize = 4;
        let mut names: Vec<&str> = self
            .keys
            .iter()
            .take(SHOWN)
            .map(|k| k.source.as_str())
            .collect();
        let more = format!("{} more", self.keys.len().saturating_sub(SHOWN));
        if self.keys.len() > SHOWN {
            names.push(&more);
        }
        names.join(", ")
    }

    /// The RSA-encrypted pre-master secret of a ClientKeyExchange, and the index of the
    /// key that opened it. The rules (README, "With the server's RSA key"):
    ///
    /// * With the server's certificate (`certificate_modulus`), only the keys of its
    ///   modulus are tried: one private-key operation per ClientKeyExchange, the cost of
    ///   real traffic.
    /// * Without one, every key is a candidate, the one that last opened this `server`
    ///   (IP address and port; the last [`SERVERS_REMEMBERED`]) first. The others are
    ///   tried *blind*: each trial spends one of the run's allowance, [`BLIND_ALLOWANCE`]
    ///   plus [`BLIND_ALLOWANCE_PER_SUCCESS`] per blind success; once it is spent, no
    ///   more blind trials are made in the run (counted for [`Secrets::rsa_warnings`]).
    /// * A key is never tried on a ciphertext whose length cannot be its own
    ///   ([`ServerKey::fits_ciphertext`]).
    /// * A connection (`account`, which it keeps across its handshakes) may spend
    ///   [`CONNECTION_FAILED_OPERATIONS`] operations that fail; past them its keys are
    ///   no longer tried.
    pub fn rsa_pre_master(
        &mut self,
        ciphertext: &[u8],
        certificate_modulus: Option<&[u8]>,
        server: Option<Endpoint>,
        account: &mut RsaAccount,
    ) -> Result<(Vec<u8>, usize), RsaFailure> {
        if self.keys.is_empty() {
            return Err(RsaFailure::NoKeys);
        }
        // Taken whatever happens next, so that no result waits in the pool for nobody.
        let prefetched = self.prefetch.as_ref().and_then(|p| p.take(ciphertext));
        // With the server's certificate the keys tried follow from it alone; without,
        // from what earlier connections opened and spent: those wait for their turn.
        let ordered = certificate_modulus.is_none();
        let remembered = match certificate_modulus {
            Some(_) => None,
            None => server.and_then(|s| {
                self.shared_in_turn()
                    .rsa
                    .servers
                    .get(&s, self.position)
                    .copied()
            }),
        };
        let candidates = match certificate_modulus {
            Some(m) => {
                let c = self.candidate_keys(Some(m));
                if c.is_empty() {
                    return Err(RsaFailure::NoCertificateKey);
                }
                c
            }
            None => remembered
                .into_iter()
                .chain((0..self.keys.len()).filter(|&i| Some(i) != remembered))
                .collect(),
        };
        let candidates: Vec<usize> = candidates
            .into_iter()
            .filter(|&i| self.keys[i].fits_ciphertext(ciphertext))
            .collect();
        if candidates.is_empty() {
            return Err(RsaFailure::WrongSize {
                len: ciphertext.len(),
                certificate: certificate_modulus.is_some(),
            });
        }
        for i in candidates {
            if account.stopped || account.failed >= CONNECTION_FAILED_OPERATIONS {
                let first = !account.stopped;
                account.stopped = true;
                return Err(RsaFailure::ConnectionStopped { first });
            }
            let blind = certificate_modulus.is_none() && Some(i) != remembered;
            {
                let mut shared = self.shared_if(ordered);
                if blind {
                    if shared.rsa.blind_left() == 0 {
                        shared.rsa.blind_refused += 1;
                        return Err(RsaFailure::BlindSpent);
                    }
                    shared.rsa.blind_attempts += 1;
                }
                shared.rsa.operations += 1;
            }
            // Outside the lock: other workers' connections go on meanwhile.
            match self.decrypt_pre_master(i, ciphertext, prefetched.as_ref()) {
                Ok(pms) => {
                    let floor = self.floor();
                    let mut shared = self.shared_if(ordered);
                    shared.rsa.blind_successes += u64::from(blind);
                    if let Some(s) = server {
                        shared.rsa.servers.insert(&s, self.position, i, floor);
                    }
                    shared.mark_used(i);
                    return Ok((pms, i));
                }
                Err(_) => account.failed += 1,
            }
        }
        Err(RsaFailure::Mismatch)
    }

    /// RSA private-key operations the session stage has used (done here or prefetched).
    pub fn rsa_operations(&self) -> u64 {
        self.shared_now().rsa.operations
    }

    /// What the run's capture report says about the RSA trials: the blind allowance, when
    /// it ran out.
    pub fn rsa_warnings(&self) -> Vec<String> {
        let shared = self.shared_now();
        let t = &shared.rsa;
        if t.blind_refused == 0 {
            return Vec::new();
        }
        vec![format!(
            "RSA keys were no longer tried on connections without a server certificate after {} blind attempts ({} succeeded; the allowance is {BLIND_ALLOWANCE} plus {BLIND_ALLOWANCE_PER_SUCCESS} per success): {} ClientKeyExchanges were left untried",
            t.blind_attempts, t.blind_successes, t.blind_refused
        )]
    }

    /// What the capture report says about what was remembered for resumption and RSA:
    /// values dropped because one session id, ticket or server took more than
    /// [`super::remembered::TIMELINE_MAX`] while a worker lagged (a hostile capture).
    pub fn remembered_warnings(&self) -> Vec<String> {
        let shared = self.shared_now();
        let dropped =
            shared.by_session_id.dropped + shared.by_ticket.dropped + shared.rsa.servers.dropped;
        if dropped == 0 {
            return Vec::new();
        }
        vec![format!(
            "{dropped} session, ticket or server keys remembered were dropped: one id took more than {} values within the workers' reach",
            super::remembered::TIMELINE_MAX
        )]
    }

    /// Notes that a key belongs to a server in the capture: its modulus matched a
    /// certificate, or it opened a connection.
    pub fn mark_used(&mut self, index: usize) {
        self.shared_now().mark_used(index);
    }

    /// Keys that matched no certificate and opened no connection.
    pub fn unused_keys(&self) -> Vec<&ServerKey> {
        let shared = self.shared_now();
        self.keys
            .iter()
            .zip(&shared.key_used)
            .filter(|(_, used)| !**used)
            .map(|(k, _)| k)
            .collect()
    }

    /// A session another connection may resume by its id; its key log line goes to the
    /// `keylog` output, for a pass over another shard or file.
    pub fn remember_session(&mut self, session_id: &[u8], master: &[u8]) {
        self.remember(
            |s| &mut s.by_session_id,
            LINE_SESSION_ID,
            session_id,
            master,
            || keylog::session_id_line(session_id, master),
        );
    }

    /// A ticket another connection may resume with, as [`Secrets::remember_session`].
    pub fn remember_ticket(&mut self, ticket: &[u8], master: &[u8]) {
        self.remember(
            |s| &mut s.by_ticket,
            LINE_TICKET,
            ticket,
            master,
            || keylog::ticket_line(ticket, master),
        );
    }

    /// `master` under `key` in `cache`, from this event on, and its `keylog` line.
    fn remember(
        &mut self,
        cache: fn(&mut Shared) -> &mut ResumptionCache,
        kind: u8,
        key: &[u8],
        master: &[u8],
        line: impl FnOnce() -> String,
    ) {
        if key.is_empty() {
            return;
        }
        let floor = self.floor();
        let mut shared = self.shared_if(self.writes_keylog);
        cache(&mut shared).insert(key, self.position, master.to_vec(), floor);
        shared.write_line(kind, key, line);
    }

    /// The master secret of a session id: seen in this run, or in a key log.
    pub fn session(&self, session_id: &[u8]) -> Option<Vec<u8>> {
        if session_id.is_empty() {
            return None;
        }
        self.resumable(|s| &s.by_session_id, session_id)
            .or_else(|| self.keylog.session_master(session_id).map(|l| l.secret))
    }

    /// The master secret of a ticket: seen in this run, or in a key log.
    pub fn ticket(&self, ticket: &[u8]) -> Option<Vec<u8>> {
        if ticket.is_empty() {
            return None;
        }
        self.resumable(|s| &s.by_ticket, ticket)
            .or_else(|| self.keylog.ticket_master(ticket).map(|l| l.secret))
    }

    /// Sends the key log lines of the handshakes whose secrets become known to `sink`,
    /// in that order, once per (label, client random) among the last
    /// [`RECOVERED_REMEMBERED`] (a repeat past them is harmless to Wireshark).
    pub fn set_keylog_sink(&mut self, sink: KeylogSink) {
        self.shared_now().keylog_sink = Some(sink);
        self.writes_keylog = true;
    }

    /// A master secret remembered under `key` as of this event: found now, or, when
    /// not yet, once every earlier event has been handled (another worker may be about
    /// to remember it).
    fn resumable(&self, cache: fn(&Shared) -> &ResumptionCache, key: &[u8]) -> Option<Vec<u8>> {
        let found = cache(&self.shared_now()).get(key, self.position).cloned();
        if found.is_some() || self.turn.is_none() {
            return found;
        }
        cache(&self.shared_in_turn())
            .get(key, self.position)
            .cloned()
    }

    /// Records a handshake's master secret for the `keylog` output.
    pub fn recovered(&mut self, client_random: &[u8], master: &[u8]) {
        if !self.writes_keylog {
            return;
        }
        self.shared_in_turn()
            .write_line(LINE_CLIENT_RANDOM, client_random, || {
                format!(
                    "CLIENT_RANDOM {} {}",
                    hex::encode(client_random),
                    hex::encode(master)
                )
            });
    }

    /// Records that a TLS 1.3 handshake in the capture has secrets in the key log: they
    /// go to the `keylog` output (a key log filtered to the capture).
    pub fn recovered_tls13(&mut self, client_random: &[u8]) {
        if !self.writes_keylog {
            return;
        }
        let mut shared = self.shared_in_turn();
        let Shared {
            keylog_sink,
            recovered_seen,
            ..
        } = &mut *shared;
        let Some(sink) = keylog_sink.as_mut() else {
            return;
        };
        let Some(t) = self.keylog.tls13(client_random) else {
            return;
        };
        if recovered_seen.first_time(LINE_TLS13, client_random) {
            for line in t.lines(client_random) {
                sink(&line);
            }
        }
    }
}

impl Shared {
    fn mark_used(&mut self, index: usize) {
        if let Some(u) = self.key_used.get_mut(index) {
            *u = true;
        }
    }

    /// Sends one key log line to the `keylog` output, once per (`kind`, `id`) among the
    /// last remembered; `line` is made only when it goes out.
    fn write_line(&mut self, kind: u8, id: &[u8], line: impl FnOnce() -> String) {
        if let Some(sink) = self.keylog_sink.as_mut() {
            if self.recovered_seen.first_time(kind, id) {
                sink(&line());
            }
        }
    }
}

/// The kinds of line `keylog` writes, each once per id (`RecentlySeen`).
const LINE_CLIENT_RANDOM: u8 = 0;
const LINE_TLS13: u8 = 1;
const LINE_SESSION_ID: u8 = 2;
const LINE_TICKET: u8 = 3;

/// Failed RSA private-key operations a connection may spend: renegotiations repeat the
/// ClientKeyExchange, and a hostile connection can carry thousands of them.
pub const CONNECTION_FAILED_OPERATIONS: u32 = 8;
/// Blind trials (keys tried on connections without a server certificate) a run may make
/// before one succeeds...
pub const BLIND_ALLOWANCE: u64 = 64;
/// ...and how many more each blind success allows.
pub const BLIND_ALLOWANCE_PER_SUCCESS: u64 = 16;
/// Servers (IP address and port) remembered with the key that last opened them.
pub const SERVERS_REMEMBERED: usize = 4096;

/// One connection's RSA spending, kept by the connection across its handshakes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RsaAccount {
    failed: u32,
    stopped: bool,
}

/// Why the RSA keys gave no pre-master secret; displayed as the connection's reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RsaFailure {
    #[error("no RSA private key was given")]
    NoKeys,
    #[error("no loaded key matches the server's certificate")]
    NoCertificateKey,
    /// No candidate key has a modulus of the ciphertext's size: none was tried.
    #[error("{}", wrong_size(*.len, *.certificate))]
    WrongSize { len: usize, certificate: bool },
    /// Every candidate key was tried, and failed.
    #[error("RSA decryption of the pre-master secret failed with every candidate key")]
    Mismatch,
    /// The connection spent its [`CONNECTION_FAILED_OPERATIONS`]; `first`: this is the
    /// first ClientKeyExchange refused (the one to warn about).
    #[error("RSA decryption attempts for this connection stopped after {CONNECTION_FAILED_OPERATIONS} failed ones")]
    ConnectionStopped { first: bool },
    /// No certificate, and the run's blind trials are spent.
    #[error("no server certificate in the capture, and the run's blind RSA attempts are spent (see capture.warnings)")]
    BlindSpent,
}

fn wrong_size(len: usize, certificate: bool) -> String {
    if certificate {
        format!("the encrypted pre-master secret ({len} bytes) is not the size of the server key's modulus")
    } else {
        format!("no server certificate in the capture, and no loaded key has a modulus the size of the encrypted pre-master secret ({len} bytes)")
    }
}

/// The run's account of RSA trials.
#[derive(Default)]
struct RsaTrials {
    servers: ServerKeys,
    blind_attempts: u64,
    blind_successes: u64,
    /// ClientKeyExchanges left (partly) untried because the blind allowance was spent.
    blind_refused: u64,
    operations: u64,
}

impl RsaTrials {
    fn blind_left(&self) -> u64 {
        (BLIND_ALLOWANCE + BLIND_ALLOWANCE_PER_SUCCESS.saturating_mul(self.blind_successes))
            .saturating_sub(self.blind_attempts)
    }
}

/// The key that last opened each server, for the last [`SERVERS_REMEMBERED`] servers.
type ServerKeys = Remembered<Endpoint, usize, SERVERS_REMEMBERED>;

/// (label kind, client random) pairs already written to the `keylog` output.
pub const RECOVERED_REMEMBERED: usize = 65_536;

/// The last [`RECOVERED_REMEMBERED`] pairs seen, by a keyed 64-bit hash (collisions are
/// negligible and cannot be forced from the capture).
#[derive(Default)]
struct RecentlySeen {
    set: HashSet<u64>,
    order: VecDeque<u64>,
    hasher: RandomState,
}

impl RecentlySeen {
    /// Whether `(kind, random)` was not among the last pairs seen; remembers it.
    fn first_time(&mut self, kind: u8, random: &[u8]) -> bool {
        let h = self.hasher.hash_one((kind, random));
        if !self.set.insert(h) {
            return false;
        }
        self.order.push_back(h);
        if self.order.len() > RECOVERED_REMEMBERED {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        true
    }
}

/// Master secrets of resumable sessions, by session id or ticket. Bounded like a
/// server's own cache: past [`RESUMABLE_SESSIONS`] entries the oldest are forgotten, so
/// a capture of millions of handshakes does not keep them all.
type ResumptionCache = Remembered<Vec<u8>, Vec<u8>, RESUMABLE_SESSIONS>;

/// Sessions (and, apart, tickets) remembered for resumption.
const RESUMABLE_SESSIONS: usize = 20_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resumption_cache_forgets_the_oldest() {
        let mut c = ResumptionCache::default();
        for i in 0..RESUMABLE_SESSIONS as u32 + 10 {
            c.insert(&i.to_be_bytes()[..], u64::from(i), vec![1], u64::from(i));
        }
        assert_eq!(c.map.len(), RESUMABLE_SESSIONS);
        assert!(c.get(&0u32.to_be_bytes()[..], u64::MAX).is_none());
        assert!(c
            .get(&(RESUMABLE_SESSIONS as u32 + 9).to_be_bytes()[..], u64::MAX)
            .is_some());
    }

    mod rsa {
        use super::super::*;
        use crate::crypto::keys::operations_on_this_thread;
        use crate::crypto::keys::testutil::{encrypt, load_one, secret, TestRng};
        use std::net::{IpAddr, Ipv4Addr};

        fn server(last: u8) -> Endpoint {
            Endpoint {
                ip: IpAddr::V4(Ipv4Addr::new(10, 0, 0, last)),
                port: 443,
            }
        }

        /// Two 1024-bit keys (0 and 1) and a 2048-bit one (2).
        fn secrets() -> Secrets {
            Secrets::new(
                vec![
                    load_one("rsa1024-pkcs1.pem", None),
                    load_one("rsa1024-p-lt-q.pem", None),
                    load_one("rsa2048-pkcs1.pem", None),
                ],
                KeyLog::default(),
            )
        }

        /// A ClientKeyExchange ciphertext for key `i` and the pre-master secret in it.
        fn ciphertext(s: &Secrets, i: usize, seed: u64) -> (Vec<u8>, Vec<u8>) {
            let mut rng = TestRng(seed);
            let pms = secret(&mut rng, 48);
            (encrypt(&s.keys[i], &mut rng, &pms), pms)
        }

        fn try_blind(
            s: &mut Secrets,
            ct: &[u8],
            server: Option<Endpoint>,
        ) -> Result<(Vec<u8>, usize), RsaFailure> {
            s.rsa_pre_master(ct, None, server, &mut RsaAccount::default())
        }

        /// Without a certificate, a key whose modulus cannot have made the ciphertext
        /// (a 2048-bit key on a 128-byte one, 1024-bit keys on a 256-byte one) is never
        /// tried.
        #[test]
        fn a_key_whose_size_cannot_match_is_never_tried() {
            let mut s = secrets();
            let (ct, pms) = ciphertext(&s, 2, 1);
            let before = operations_on_this_thread();
            assert_eq!(try_blind(&mut s, &ct, None), Ok((pms, 2)));
            assert_eq!(s.rsa_operations(), 1, "only the 2048-bit key");
            assert_eq!(operations_on_this_thread(), before + 1);
            // Garbage of a size no key has: nothing tried at all.
            let before = operations_on_this_thread();
            for len in [64, 200, 252, 512] {
                assert_eq!(
                    try_blind(&mut s, &vec![1; len], None),
                    Err(RsaFailure::WrongSize {
                        len,
                        certificate: false
                    })
                );
            }
            assert_eq!(s.rsa_operations(), 1);
            assert_eq!(operations_on_this_thread(), before);
            // With the certificate: its key, if the size fits.
            let m = s.keys[2].modulus.clone();
            assert_eq!(
                s.rsa_pre_master(&[1; 128], Some(&m), None, &mut RsaAccount::default()),
                Err(RsaFailure::WrongSize {
                    len: 128,
                    certificate: true
                })
            );
            assert_eq!(s.rsa_operations(), 1);
            // A 128-byte garbage one: the two 1024-bit keys only.
            assert_eq!(
                try_blind(&mut s, &[1; 128], None),
                Err(RsaFailure::Mismatch)
            );
            assert_eq!(s.rsa_operations(), 3);
        }

        /// A connection spends at most CONNECTION_FAILED_OPERATIONS failed operations,
        /// whatever it repeats; it says so once; successes are not limited.
        #[test]
        fn a_connection_stops_after_its_failed_operations() {
            let mut s = secrets();
            let m = s.keys[0].modulus.clone();
            let mut account = RsaAccount::default();
            for n in 0..CONNECTION_FAILED_OPERATIONS {
                let ct = vec![n as u8 + 1; 128];
                assert_eq!(
                    s.rsa_pre_master(&ct, Some(&m), None, &mut account),
                    Err(RsaFailure::Mismatch)
                );
            }
            let (good, _) = ciphertext(&s, 0, 2);
            let mut refused = Vec::new();
            for _ in 0..1000 {
                refused.push(s.rsa_pre_master(&good, Some(&m), None, &mut account));
            }
            assert_eq!(
                refused[0],
                Err(RsaFailure::ConnectionStopped { first: true })
            );
            assert!(refused[1..]
                .iter()
                .all(|r| *r == Err(RsaFailure::ConnectionStopped { first: false })));
            assert_eq!(s.rsa_operations(), u64::from(CONNECTION_FAILED_OPERATIONS));
            assert_eq!(
                RsaFailure::ConnectionStopped { first: true }.to_string(),
                "RSA decryption attempts for this connection stopped after 8 failed ones"
            );
            // Blind, the keys of one ClientKeyExchange count one by one.
            let mut account = RsaAccount::default();
            for _ in 0..4 {
                assert_eq!(
                    s.rsa_pre_master(&[1; 128], None, None, &mut account),
                    Err(RsaFailure::Mismatch)
                );
            }
            assert_eq!(
                s.rsa_pre_master(&[1; 128], None, None, &mut account),
                Err(RsaFailure::ConnectionStopped { first: true })
            );
            // Another connection, and successes (renegotiations) as many as they come.
            let mut account = RsaAccount::default();
            for _ in 0..20 {
                assert!(s
                    .rsa_pre_master(&good, Some(&m), None, &mut account)
                    .is_ok());
            }
        }

        /// Blind trials stop after BLIND_ALLOWANCE without a success, for the whole run,
        /// said once in the capture's warnings; each blind success allows
        /// BLIND_ALLOWANCE_PER_SUCCESS more; certificates are not affected.
        #[test]
        fn the_run_allowance_of_blind_trials() {
            let mut s = secrets();
            assert!(s.rsa_warnings().is_empty());
            // Each garbage 128-byte ciphertext costs two blind trials (the 1024-bit keys).
            for _ in 0..BLIND_ALLOWANCE / 2 {
                assert_eq!(
                    try_blind(&mut s, &[1; 128], None),
                    Err(RsaFailure::Mismatch)
                );
            }
            for _ in 0..100 {
                assert_eq!(
                    try_blind(&mut s, &[1; 128], Some(server(1))),
                    Err(RsaFailure::BlindSpent)
                );
            }
            assert_eq!(s.rsa_operations(), BLIND_ALLOWANCE);
            // A genuine one is not tried blind either now…
            let (good, pms) = ciphertext(&s, 1, 3);
            assert_eq!(try_blind(&mut s, &good, None), Err(RsaFailure::BlindSpent));
            // …but with its certificate it is.
            let m = s.keys[1].modulus.clone();
            assert_eq!(
                s.rsa_pre_master(&good, Some(&m), None, &mut RsaAccount::default()),
                Ok((pms, 1))
            );
            assert_eq!(s.rsa_operations(), BLIND_ALLOWANCE + 1);
            let w = s.rsa_warnings();
            assert_eq!(w.len(), 1, "{w:?}");
            assert!(
                w[0].contains("after 64 blind attempts (0 succeeded")
                    && w[0].contains("101 ClientKeyExchanges were left untried"),
                "{}",
                w[0]
            );

            // Successes extend the allowance.
            let mut s = secrets();
            let (good, _) = ciphertext(&s, 1, 4);
            assert_eq!(try_blind(&mut s, &good, None).map(|r| r.1), Ok(1));
            let mut trials = 2;
            while try_blind(&mut s, &[1; 128], None) != Err(RsaFailure::BlindSpent) {
                trials += 2;
            }
            assert_eq!(trials, BLIND_ALLOWANCE + BLIND_ALLOWANCE_PER_SUCCESS);
        }

        /// The key that opened a server is tried first on its connections without a
        /// certificate, outside the blind allowance; the memory is bounded.
        #[test]
        fn the_key_that_opened_a_server_is_tried_first() {
            let mut s = secrets();
            let (first, _) = ciphertext(&s, 1, 5);
            assert_eq!(
                try_blind(&mut s, &first, Some(server(1))).map(|r| r.1),
                Ok(1)
            );
            assert_eq!(s.rsa_operations(), 2, "key 0, then key 1");
            let (again, pms) = ciphertext(&s, 1, 6);
            assert_eq!(try_blind(&mut s, &again, Some(server(1))), Ok((pms, 1)));
            assert_eq!(s.rsa_operations(), 3, "key 1 straight away");
            // Another server starts from the first key again.
            let (other, _) = ciphertext(&s, 1, 7);
            assert!(try_blind(&mut s, &other, Some(server(2))).is_ok());
            assert_eq!(s.rsa_operations(), 5);
            // With a certificate, the key it opened is remembered too.
            let (ct0, _) = ciphertext(&s, 0, 8);
            let m = s.keys[0].modulus.clone();
            let mut account = RsaAccount::default();
            assert!(s
                .rsa_pre_master(&ct0, Some(&m), Some(server(3)), &mut account)
                .is_ok());
            // Once the blind allowance is spent, a remembered server still opens.
            while try_blind(&mut s, &[1; 128], None) != Err(RsaFailure::BlindSpent) {}
            let ops = s.rsa_operations();
            let (later, pms) = ciphertext(&s, 1, 9);
            assert_eq!(try_blind(&mut s, &later, Some(server(1))), Ok((pms, 1)));
            assert_eq!(s.rsa_operations(), ops + 1);
            let (later0, _) = ciphertext(&s, 0, 10);
            assert!(try_blind(&mut s, &later0, Some(server(3))).is_ok());
            // Bounded: the oldest servers are forgotten.
            let mut keys = ServerKeys::default();
            for i in 0..SERVERS_REMEMBERED as u32 + 10 {
                let ip = IpAddr::V4(Ipv4Addr::from(i));
                keys.insert(&Endpoint { ip, port: 443 }, u64::from(i), 1, 0);
            }
            assert_eq!(keys.map.len(), SERVERS_REMEMBERED);
            assert_eq!(keys.order.len(), SERVERS_REMEMBERED);
            let ep = |i: u32| Endpoint {
                ip: IpAddr::V4(Ipv4Addr::from(i)),
                port: 443,
            };
            assert_eq!(keys.get(&ep(0), u64::MAX).copied(), None);
            assert_eq!(
                keys.get(&ep(SERVERS_REMEMBERED as u32 + 9), u64::MAX)
                    .copied(),
                Some(1)
            );
        }
    }

    /// The lines a run sends to its sink.
    fn collect(secrets: &mut Secrets) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = lines.clone();
        secrets.set_keylog_sink(Box::new(move |l| sink.lock().unwrap().push(l.to_string())));
        lines
    }

    #[test]
    fn recovered_lines_stream_once_each() {
        let r = [0xaa; 32];
        let mut keylog = KeyLog::default();
        keylog.add(
            format!(
                "SERVER_TRAFFIC_SECRET_0 {} {}\nCLIENT_TRAFFIC_SECRET_0 {0} {1}\n",
                hex::encode(r),
                hex::encode([1; 32])
            )
            .as_bytes(),
            "k.log",
        );
        let mut s = Secrets::new(Vec::new(), keylog);
        // No sink: nothing is made or kept.
        s.recovered(&r, &[2; 48]);
        let lines = collect(&mut s);
        s.recovered(&r, &[2; 48]);
        assert_eq!(lines.lock().unwrap().len(), 1);
        s.recovered(&r, &[3; 48]);
        s.recovered_tls13(&[0xbb; 32]); // not in the key log
        s.recovered_tls13(&r);
        s.recovered_tls13(&r);
        s.recovered(&[0xbb; 32], &[4; 48]);
        let got = lines.lock().unwrap().clone();
        let cr = hex::encode(r);
        assert_eq!(
            got,
            [
                format!("CLIENT_RANDOM {cr} {}", hex::encode([2; 48])),
                format!("CLIENT_TRAFFIC_SECRET_0 {cr} {}", hex::encode([1; 32])),
                format!("SERVER_TRAFFIC_SECRET_0 {cr} {}", hex::encode([1; 32])),
                format!(
                    "CLIENT_RANDOM {} {}",
                    hex::encode([0xbb; 32]),
                    hex::encode([4; 48])
                ),
            ]
        );
    }

    #[test]
    fn recovered_dedup_memory_is_bounded() {
        let mut s = Secrets::default();
        let lines = collect(&mut s);
        let n = RECOVERED_REMEMBERED as u32 + 10;
        for i in 0..n {
            s.recovered(&i.to_be_bytes(), &[1]);
        }
        let shared = s.shared_now();
        assert_eq!(shared.recovered_seen.set.len(), RECOVERED_REMEMBERED);
        assert_eq!(shared.recovered_seen.order.len(), RECOVERED_REMEMBERED);
        drop(shared);
        // The oldest were forgotten: they would be written again; the latest not.
        s.recovered(&0u32.to_be_bytes(), &[1]);
        s.recovered(&(n - 1).to_be_bytes(), &[1]);
        assert_eq!(lines.lock().unwrap().len(), n as usize + 1);
    }
}
