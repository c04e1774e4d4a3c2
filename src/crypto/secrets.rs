//! Key material shared by all connections of a run: the server's RSA keys, key logs,
//! and the master secrets recovered so far (for session resumption and `keylog`).

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, RandomState};

use super::keylog::KeyLog;
use super::keys::ServerKey;

/// Everything that can open a connection, and what was opened.
#[derive(Default)]
pub struct Secrets {
    pub keys: Vec<ServerKey>,
    key_used: Vec<bool>,
    pub keylog: KeyLog,
    by_session_id: ResumptionCache,
    by_ticket: ResumptionCache,
    /// `--psk`: the pre-shared key of plain PSK and RSA-PSK suites.
    pub psk: Option<Vec<u8>>,
    /// RSA decryptions started ahead of need on other threads, when the run uses them.
    pub prefetch: Option<std::sync::Arc<super::keys::PreMasterPrefetch>>,
    /// Where the key log lines of the handshakes whose secrets are known go (the
    /// `keylog` command), as soon as they are known; without one, none is made.
    keylog_sink: Option<KeylogSink>,
    /// The (label kind, client random) pairs sent to the sink lately.
    recovered_seen: RecentlySeen,
}

/// Takes the `keylog` command's output, one line (without its newline) at a time.
pub type KeylogSink = Box<dyn FnMut(&str) + Send>;

impl Secrets {
    pub fn new(keys: Vec<ServerKey>, keylog: KeyLog) -> Self {
        let key_used = vec![false; keys.len()];
        Secrets {
            keys,
            key_used,
            keylog,
            ..Default::default()
        }
    }

    /// Some key material was given: an RSA key, a key log line or a PSK.
    pub fn may_decrypt(&self) -> bool {
        self.has_keys() || !self.keylog.is_empty() || self.psk.is_some()
    }

    pub fn has_keys(&self) -> bool {
        !self.keys.is_empty()
    }

    /// z from `ciphertext` with key `index`: the prefetched result when there is one
    /// (`prefetched`, taken once per handshake by the caller), else decrypted here.
    pub fn decrypt_pre_master(
        &self,
        index: usize,
        ciphertext: &[u8],
        prefetched: Option<&super::keys::PreMasterResults>,
    ) -> Result<Vec<u8>, super::keys::PreMasterError> {
        match prefetched.and_then(|r| r.get(index)) {
            Some(r) => r.clone(),
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

    /// Notes that a key's modulus matched a certificate in the capture.
    pub fn mark_used(&mut self, index: usize) {
        if let Some(u) = self.key_used.get_mut(index) {
            *u = true;
        }
    }

    /// Keys that matched no certificate and opened no connection.
    pub fn unused_keys(&self) -> Vec<&ServerKey> {
        self.keys
            .iter()
            .zip(&self.key_used)
            .filter(|(_, used)| !**used)
            .map(|(k, _)| k)
            .collect()
    }

    pub fn remember_session(&mut self, session_id: &[u8], master: &[u8]) {
        if !session_id.is_empty() {
            self.by_session_id.insert(session_id, master);
        }
    }

    pub fn remember_ticket(&mut self, ticket: &[u8], master: &[u8]) {
        if !ticket.is_empty() {
            self.by_ticket.insert(ticket, master);
        }
    }

    pub fn session(&self, session_id: &[u8]) -> Option<&Vec<u8>> {
        self.by_session_id.get(session_id)
    }

    pub fn ticket(&self, ticket: &[u8]) -> Option<&Vec<u8>> {
        self.by_ticket.get(ticket)
    }

    /// Sends the key log lines of the handshakes whose secrets become known to `sink`,
    /// in that order, once per (label, client random) among the last
    /// [`RECOVERED_REMEMBERED`] (a repeat past them is harmless to Wireshark).
    pub fn set_keylog_sink(&mut self, sink: KeylogSink) {
        self.keylog_sink = Some(sink);
    }

    /// Records a handshake's master secret for the `keylog` output.
    pub fn recovered(&mut self, client_random: &[u8], master: &[u8]) {
        let Some(sink) = self.keylog_sink.as_mut() else {
            return;
        };
        if self.recovered_seen.first_time(0, client_random) {
            sink(&format!(
                "CLIENT_RANDOM {} {}",
                hex::encode(client_random),
                hex::encode(master)
            ));
        }
    }

    /// Records that a TLS 1.3 handshake in the capture has secrets in the key log: they
    /// go to the `keylog` output (a key log filtered to the capture).
    pub fn recovered_tls13(&mut self, client_random: &[u8]) {
        let Some(sink) = self.keylog_sink.as_mut() else {
            return;
        };
        let Some(t) = self.keylog.tls13(client_random) else {
            return;
        };
        if self.recovered_seen.first_time(1, client_random) {
            for line in t.lines(client_random) {
                sink(&line);
            }
        }
    }
}

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
#[derive(Default)]
struct ResumptionCache {
    map: HashMap<Vec<u8>, Vec<u8>>,
    order: std::collections::VecDeque<Vec<u8>>,
}

/// Sessions (and, apart, tickets) remembered for resumption.
const RESUMABLE_SESSIONS: usize = 20_000;

impl ResumptionCache {
    fn insert(&mut self, key: &[u8], master: &[u8]) {
        if self.map.insert(key.to_vec(), master.to_vec()).is_none() {
            self.order.push_back(key.to_vec());
        }
        while self.order.len() > RESUMABLE_SESSIONS {
            if let Some(old) = self.order.pop_front() {
                self.map.remove(&old);
            }
        }
    }

    fn get(&self, key: &[u8]) -> Option<&Vec<u8>> {
        self.map.get(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resumption_cache_forgets_the_oldest() {
        let mut c = ResumptionCache::default();
        for i in 0..RESUMABLE_SESSIONS as u32 + 10 {
            c.insert(&i.to_be_bytes(), &[1]);
        }
        assert_eq!(c.map.len(), RESUMABLE_SESSIONS);
        assert!(c.get(&0u32.to_be_bytes()).is_none());
        assert!(c
            .get(&(RESUMABLE_SESSIONS as u32 + 9).to_be_bytes())
            .is_some());
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
        assert_eq!(s.recovered_seen.set.len(), RECOVERED_REMEMBERED);
        assert_eq!(s.recovered_seen.order.len(), RECOVERED_REMEMBERED);
        // The oldest were forgotten: they would be written again; the latest not.
        s.recovered(&0u32.to_be_bytes(), &[1]);
        s.recovered(&(n - 1).to_be_bytes(), &[1]);
        assert_eq!(lines.lock().unwrap().len(), n as usize + 1);
    }
}
