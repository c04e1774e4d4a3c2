//! Key material shared by all connections of a run: the server's RSA keys, key logs,
//! and the master secrets recovered so far (for session resumption and `keylog`).

use std::collections::HashMap;

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
    /// Collect the key log lines below (the `keylog` command); off, a run of millions of
    /// handshakes keeps none of them.
    pub collect_keylog: bool,
    /// Key log lines for the handshakes whose secrets are known, in the order they
    /// became known, once per (label, client random).
    recovered: Vec<String>,
    recovered_seen: std::collections::HashSet<(u8, Vec<u8>)>,
}

impl Secrets {
    pub fn new(keys: Vec<ServerKey>, keylog: KeyLog) -> Self {
        let key_used = vec![false; keys.len()];
        Secrets {
            keys,
            key_used,
            keylog,
            collect_keylog: true,
            ..Default::default()
        }
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

    /// Records a handshake's master secret for the `keylog` output.
    pub fn recovered(&mut self, client_random: &[u8], master: &[u8]) {
        if self.collect_keylog && self.recovered_seen.insert((0, client_random.to_vec())) {
            self.recovered.push(format!(
                "CLIENT_RANDOM {} {}",
                hex::encode(client_random),
                hex::encode(master)
            ));
        }
    }

    /// Records that a TLS 1.3 handshake in the capture has secrets in the key log: they
    /// go to the `keylog` output (a key log filtered to the capture).
    pub fn recovered_tls13(&mut self, client_random: &[u8]) {
        let Some(t) = self
            .keylog
            .tls13
            .get(client_random)
            .filter(|_| self.collect_keylog)
        else {
            return;
        };
        if self.recovered_seen.insert((1, client_random.to_vec())) {
            self.recovered.extend(t.lines(client_random));
        }
    }

    /// NSS key log lines: `CLIENT_RANDOM <random> <master>` for TLS ≤ 1.2, the TLS 1.3
    /// traffic secrets as given.
    pub fn keylog_lines(&self) -> Vec<String> {
        self.recovered.clone()
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
}
