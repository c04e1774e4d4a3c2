//! The cryptographic side of one connection's handshakes: the transcript, the master
//! secret (from the RSA key, a key log, or a resumed session), the keys it expands to,
//! and the check of both Finished messages.
//!
//! ```text
//!  ClientHello(x) ─ ServerHello(y) ─ Certificate ─ … ─ ClientKeyExchange(z encrypted)
//!        z = RSA⁻¹(ClientKeyExchange)         master = PRF(z, "master secret", x + y)
//!        keys = PRF(master, "key expansion", y + x)  → installed at each ChangeCipherSpec
//!        Finished = PRF(master, "client finished" | "server finished", Hash(transcript))
//! ```

use crate::crypto::keys::decrypt_pre_master;
use crate::crypto::prf::{self, PrfKind};
use crate::crypto::record::RecordDecryptor;
use crate::crypto::secrets::Secrets;
use crate::tcp::Direction;
use crate::tls::cipher_suite::{self, CipherSuite, KeyExchange};
use crate::tls::codec::Reader;
use crate::tls::extensions::{ENCRYPT_THEN_MAC, EXTENDED_MASTER_SECRET};
use crate::tls::handshake::{
    CertificateEntry, HandshakeMessage, CERTIFICATE, CLIENT_HELLO, CLIENT_KEY_EXCHANGE, FINISHED,
    HELLO_REQUEST, NEW_SESSION_TICKET, SERVER_HELLO, SERVER_HELLO_DONE, SERVER_KEY_EXCHANGE,
};
use crate::tls::hello::ServerHello;

/// Where a connection's master secret came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    RsaKey(String),
    KeyLog,
    SessionId,
    Ticket,
}

impl KeySource {
    pub fn describe(&self) -> String {
        match self {
            KeySource::RsaKey(path) => format!("rsa_key:{path}"),
            KeySource::KeyLog => "keylog".into(),
            KeySource::SessionId => "resumed_session_id".into(),
            KeySource::Ticket => "resumed_ticket".into(),
        }
    }
}

/// Why a connection could not be opened (the last reason wins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Obstacle {
    NoKey(String),
    NotRsa(String),
    KeyMismatch(String),
    Unsupported(String),
}

/// Outcome of checking a Finished message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinishedCheck {
    Verified,
    Failed,
    /// No master secret: nothing to check against.
    Unknown,
}

/// Per-connection handshake crypto state. Directions are TCP directions; `client` says
/// which one the ClientHello came from.
#[derive(Default)]
pub struct SessionCrypto {
    transcript: Vec<u8>,
    client: Option<Direction>,
    client_version: u16,
    client_random: Vec<u8>,
    offered_session_id: Vec<u8>,
    offered_ticket: Vec<u8>,
    client_ems: bool,
    client_etm: bool,
    version: u16,
    server_random: Vec<u8>,
    session_id: Vec<u8>,
    suite: Option<&'static CipherSuite>,
    ems: bool,
    etm: bool,
    server_sent_full_handshake: bool,
    server_modulus: Option<Vec<u8>>,
    master: Option<Vec<u8>>,
    pub source: Option<KeySource>,
    /// Keys waiting for each direction's ChangeCipherSpec.
    pending: [Option<RecordDecryptor>; 2],
    pending_tickets: Vec<Vec<u8>>,
    pub obstacle: Option<Obstacle>,
    pub warnings: Vec<String>,
    pub handshakes: u32,
}

impl SessionCrypto {
    fn prf_kind(&self) -> Option<PrfKind> {
        self.suite.map(|s| PrfKind::for_suite(self.version, s))
    }

    pub fn master_known(&self) -> bool {
        self.master.is_some()
    }

    /// A handshake message (clear or decrypted) from `dir`: `raw` is what the transcript
    /// hash covers (header and body; for an SSLv2-compatible ClientHello, the record
    /// payload), `msg` its decoding when it decoded. Returns the check of a Finished.
    pub fn on_message(
        &mut self,
        dir: Direction,
        msg_type: u8,
        msg: Option<&HandshakeMessage>,
        raw: &[u8],
        secrets: &mut Secrets,
    ) -> Option<FinishedCheck> {
        let body = raw.get(4..).unwrap_or(&[]);
        let mut check = None;
        match (msg_type, msg) {
            (HELLO_REQUEST, _) => return None, // not in the transcript (RFC 5246 §7.4.1.1)
            (CLIENT_HELLO, _) => {
                self.start_handshake(dir);
                if let Some(HandshakeMessage::ClientHello(ch)) = msg {
                    self.client_version = ch.legacy_version.id as u16;
                    self.client_random = ch.random.clone();
                    self.offered_session_id = ch.session_id.clone();
                    self.offered_ticket = ch.session_ticket.clone();
                    self.client_ems = ch.has_extension(EXTENDED_MASTER_SECRET);
                    self.client_etm = ch.has_extension(ENCRYPT_THEN_MAC);
                }
            }
            (SERVER_HELLO, Some(HandshakeMessage::ServerHello(sh))) => {
                self.transcript.extend_from_slice(raw);
                self.read_server_hello(sh, secrets);
                return None;
            }
            (CERTIFICATE, _) if Some(dir) != self.client => {
                self.full_handshake();
                self.server_modulus = match msg {
                    Some(HandshakeMessage::Certificate { certificates }) => {
                        leaf_modulus(certificates)
                    }
                    _ => None,
                };
                // A key is "used" when it belongs to a server in the capture, whatever
                // ends up opening the connection.
                if let Some(m) = &self.server_modulus {
                    for i in secrets.candidate_keys(Some(m)) {
                        secrets.mark_used(i);
                    }
                }
            }
            (SERVER_KEY_EXCHANGE | SERVER_HELLO_DONE, _) => self.full_handshake(),
            (CLIENT_KEY_EXCHANGE, _) => {
                self.transcript.extend_from_slice(raw);
                if self.master.is_none() {
                    self.rsa_master(body, secrets);
                }
                return None;
            }
            (FINISHED, _) => {
                let c = self.check_finished(dir, body);
                if let (FinishedCheck::Verified, Some(KeySource::Ticket), Some(m)) =
                    (c, &self.source, &self.master)
                {
                    secrets.recovered(&self.client_random, m);
                    secrets.remember_session(&self.session_id, m);
                }
                check = Some(c);
            }
            (NEW_SESSION_TICKET, Some(HandshakeMessage::NewSessionTicket { ticket, .. })) => {
                match &self.master {
                    Some(m) => secrets.remember_ticket(ticket, m),
                    None => self.pending_tickets.push(ticket.clone()),
                }
            }
            _ => {}
        }
        self.transcript.extend_from_slice(raw);
        check
    }

    /// A ClientHello starts a new handshake (the first, or a renegotiation): a fresh
    /// transcript; what the connection learnt so far stays.
    fn start_handshake(&mut self, client: Direction) {
        *self = SessionCrypto {
            source: self.source.take(),
            obstacle: self.obstacle.take(),
            warnings: std::mem::take(&mut self.warnings),
            handshakes: self.handshakes + 1,
            server_modulus: self.server_modulus.take(),
            client: Some(client),
            ..Default::default()
        };
    }

    /// The server went on with a full handshake: a master secret taken from a resumable
    /// session was a wrong guess (a key log entry stays right).
    fn full_handshake(&mut self) {
        self.server_sent_full_handshake = true;
        if matches!(
            self.source,
            Some(KeySource::Ticket) | Some(KeySource::SessionId)
        ) {
            self.master = None;
            self.source = None;
            self.pending = [None, None];
        }
    }

    fn read_server_hello(&mut self, sh: &ServerHello, secrets: &mut Secrets) {
        self.version = sh.version();
        self.server_random = sh.random.clone();
        self.session_id = sh.session_id.clone();
        self.suite = cipher_suite::lookup(sh.suite_id());
        self.ems = self.client_ems && sh.has_extension(EXTENDED_MASTER_SECRET);
        self.etm = self.client_etm && sh.has_extension(ENCRYPT_THEN_MAC);
        if self.version > 0x0303 || self.version < 0x0300 {
            return; // TLS 1.3 and drafts: a later stage
        }
        // The master secret may be known already: from a key log, or a resumed session.
        let resumed_id = (!self.session_id.is_empty()
            && self.session_id == self.offered_session_id)
            .then(|| secrets.session(&self.session_id))
            .flatten();
        if let Some(m) = secrets.keylog.master_secrets.get(&self.client_random) {
            self.master = Some(m.clone());
            self.source = Some(KeySource::KeyLog);
        } else if let Some(m) = resumed_id {
            self.master = Some(m.clone());
            self.source = Some(KeySource::SessionId);
        } else if let Some(m) = secrets.ticket(&self.offered_ticket) {
            // A ticket resumption echoes the client's session id. Tentative: a Certificate
            // or ServerHelloDone next means the server chose a full handshake after all.
            self.master = Some(m.clone());
            self.source = Some(KeySource::Ticket);
        }
        if self.master.is_some() {
            self.derive(secrets);
        }
    }

    /// z from the ClientKeyExchange with the server's key, then the master secret.
    fn rsa_master(&mut self, body: &[u8], secrets: &mut Secrets) {
        let Some(suite) = self.suite else { return };
        if !matches!(
            suite.key_exchange,
            KeyExchange::Rsa | KeyExchange::RsaExport
        ) {
            self.obstacle = Some(Obstacle::NotRsa(format!(
                "key exchange is {:?}, not RSA: a key log is needed",
                suite.key_exchange
            )));
            return;
        }
        if !secrets.has_keys() {
            self.obstacle = Some(Obstacle::NoKey("no RSA private key was given".into()));
            return;
        }
        // SSL 3.0 sends the bare ciphertext; TLS prefixes it with two length bytes.
        let ciphertext = if self.version == 0x0300 {
            body
        } else {
            let mut r = Reader::new(body, "ClientKeyExchange");
            match r.vec16() {
                Ok(ct) if r.is_empty() => ct,
                _ => body,
            }
        };
        let candidates = secrets.candidate_keys(self.server_modulus.as_deref());
        if candidates.is_empty() {
            self.obstacle = Some(Obstacle::NoKey(
                "no loaded key matches the server's certificate".into(),
            ));
            return;
        }
        for i in candidates {
            let Ok(pms) = decrypt_pre_master(&secrets.keys[i], ciphertext) else {
                continue;
            };
            let offered = u16::from_be_bytes([pms[0], pms[1]]);
            if offered != self.client_version {
                self.warnings.push(format!(
                    "pre-master secret carries version 0x{offered:04x}, the ClientHello offered 0x{:04x}",
                    self.client_version
                ));
            }
            let Some(kind) = self.prf_kind() else { return };
            let master = if self.ems {
                prf::extended_master_secret(kind, &pms, &prf::session_hash(kind, &self.transcript))
            } else {
                prf::master_secret(kind, &pms, &self.client_random, &self.server_random)
            };
            self.master = Some(master.to_vec());
            self.source = Some(KeySource::RsaKey(secrets.keys[i].source.clone()));
            self.derive(secrets);
            return;
        }
        self.obstacle = Some(Obstacle::KeyMismatch(
            "RSA decryption of the pre-master secret failed with every candidate key".into(),
        ));
    }

    /// Expands the master secret into both directions' keys.
    fn derive(&mut self, secrets: &mut Secrets) {
        let (Some(master), Some(suite), Some(kind), Some(client)) =
            (&self.master, self.suite, self.prf_kind(), self.client)
        else {
            return;
        };
        // A ticket resumption is only certain once a Finished verifies (check_finished).
        if self.source != Some(KeySource::Ticket) {
            secrets.recovered(&self.client_random, master);
            secrets.remember_session(&self.session_id, master);
        }
        for t in self.pending_tickets.drain(..) {
            secrets.remember_ticket(&t, master);
        }
        let keys = prf::session_keys(
            kind,
            self.version,
            suite,
            master,
            &self.client_random,
            &self.server_random,
        );
        let make = |mac: &[u8], key: &[u8], iv: &[u8]| {
            RecordDecryptor::new(suite, self.version, mac, key, iv, self.etm)
        };
        match (
            make(&keys.client_mac, &keys.client_key, &keys.client_iv),
            make(&keys.server_mac, &keys.server_key, &keys.server_iv),
        ) {
            (Ok(c), Ok(s)) => {
                self.pending[client.index()] = Some(c);
                self.pending[client.other().index()] = Some(s);
            }
            (Err(e), _) | (_, Err(e)) => {
                self.obstacle = Some(Obstacle::Unsupported(e.to_string()));
            }
        }
    }

    /// The keys a ChangeCipherSpec from `dir` switches to (None: unknown).
    pub fn take_keys(&mut self, dir: Direction) -> Option<RecordDecryptor> {
        self.pending[dir.index()].take()
    }

    fn check_finished(&mut self, dir: Direction, verify_data: &[u8]) -> FinishedCheck {
        let (Some(master), Some(kind)) = (&self.master, self.prf_kind()) else {
            return FinishedCheck::Unknown;
        };
        let from_client = Some(dir) == self.client;
        let want = prf::finished_verify_data(kind, master, from_client, &self.transcript);
        if want == verify_data {
            FinishedCheck::Verified
        } else {
            FinishedCheck::Failed
        }
    }

    /// The server chose to resume (abbreviated handshake) but we had no master secret.
    pub fn resumed_without_secret(&self) -> bool {
        self.master.is_none() && !self.server_sent_full_handshake && !self.server_random.is_empty()
    }
}

/// The RSA modulus of the server's leaf (first) certificate.
fn leaf_modulus(certificates: &[CertificateEntry]) -> Option<Vec<u8>> {
    match certificates.first()? {
        CertificateEntry::Parsed(c) => c.public_key.rsa_modulus.clone(),
        CertificateEntry::Unparsed { .. } => None,
    }
}
