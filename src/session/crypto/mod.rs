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
//!
//! The master secret can also come from a key log (`CLIENT_RANDOM`, or the pre-master
//! secret by `PMS_CLIENT_RANDOM` / `RSA`), from `--psk` (PSK and RSA-PSK suites), or
//! from an earlier session the connection resumes. TLS 1.3 is in `tls13.rs`: there the
//! key log gives the traffic secrets themselves.

mod tls13;
mod transcript;

use crate::crypto::prf::{self, PrfKind};
use crate::crypto::record::{RecordDecryptor, RecordKeys};
pub use crate::crypto::secrets::KeySource;
use crate::crypto::secrets::{RsaAccount, RsaFailure, Secrets};
use crate::flow::Direction;
use crate::report::model::DecryptionStatus;
use crate::report::verdict::Verdict;
use crate::tls::cipher_suite::{self, CipherSuite, KeyExchange};
use crate::tls::codec::Reader;
use crate::tls::handshake::{CertificateEntry, HandshakeMessage};
use crate::tls::hello::ServerHello;
use crate::tls::registry::{ExtensionType, HandshakeType};

use self::tls13::Tls13State;
use self::transcript::{Transcript, TranscriptHash};

/// A change to one direction's record keys, for the session to apply.
#[derive(Debug)]
pub enum KeyChange {
    /// These keys are in force from the next record.
    Install(RecordKeys),
    /// One of these is in force (TLS 1.3 early data: one per offered suite).
    Alternatives(Vec<RecordKeys>),
    /// The sender switches to these next.
    Next(RecordKeys),
    /// TLS 1.3 KeyUpdate: the next generation of the keys in force.
    Update,
}

/// Why a connection could not be opened (the last reason wins): the status, the
/// verdict, and the particulars in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Obstacle {
    pub status: DecryptionStatus,
    pub verdict: Verdict,
    pub reason: String,
}

impl Obstacle {
    pub fn new(status: DecryptionStatus, verdict: Verdict, reason: impl Into<String>) -> Self {
        Obstacle {
            status,
            verdict,
            reason: reason.into(),
        }
    }

    /// The cipher suite (or what the handshake asks of it) is not supported.
    pub fn unsupported(reason: impl Into<String>) -> Self {
        Self::new(
            DecryptionStatus::UnsupportedCipher,
            Verdict::UnsupportedCipher,
            reason,
        )
    }

    /// No key log line for a forward-secret session: `keylog_no_line` when a key log
    /// was given, else `forward_secret`.
    pub fn needs_keylog(status: DecryptionStatus, secrets: &Secrets, client_random: &[u8]) -> Self {
        if secrets.keylog.is_empty() {
            Self::new(
                status,
                Verdict::ForwardSecret,
                "forward-secret key exchange: a key log with this session's secrets is needed \
                 (--keylog); an RSA key cannot help",
            )
        } else {
            Self::new(
                status,
                Verdict::KeylogNoLine,
                format!(
                    "the key log has no line for client random {}",
                    hex::encode(client_random)
                ),
            )
        }
    }
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
    transcript: Transcript,
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
    /// The RSA private-key operations this connection spent (kept across handshakes).
    rsa_account: RsaAccount,
    master: Option<Vec<u8>>,
    pub source: Option<KeySource>,
    /// Keys waiting for each direction's ChangeCipherSpec.
    pending: [Option<Box<RecordDecryptor>>; 2],
    pending_tickets: Vec<Vec<u8>>,
    /// TLS 1.3 (or a HelloRetryRequest towards it) was negotiated.
    tls13: Option<Box<Tls13State>>,
    /// TLS 1.3 key changes the session has yet to apply.
    pub changes: Vec<(Direction, KeyChange)>,
    pub obstacle: Option<Obstacle>,
    pub warnings: Vec<String>,
    pub handshakes: u32,
}

impl SessionCrypto {
    /// A handshake message of this connection was lost in the capture: the transcript
    /// is incomplete, so a Finished that does not match proves nothing.
    pub fn transcript_lost(&mut self) {
        self.transcript.lose();
    }

    /// About the memory this state holds.
    pub fn held_bytes(&self) -> usize {
        std::mem::size_of::<SessionCrypto>()
            + self.transcript.held()
            + self.pending.iter().flatten().count() * 1024
            + self.tls13.as_ref().map_or(0, |_| 512)
            + self.pending_tickets.iter().map(Vec::len).sum::<usize>()
            + self.server_modulus.as_ref().map_or(0, Vec::len)
    }

    /// The transcript so far is `bytes`, in place of what was added (before the
    /// ServerHello named the hash; later, nothing changes).
    pub fn replace_transcript(&mut self, bytes: Vec<u8>) {
        self.transcript.replace(bytes);
    }

    fn prf_kind(&self) -> Option<PrfKind> {
        self.suite.map(|s| PrfKind::for_suite(self.version, s))
    }

    /// A handshake message (clear or decrypted) from `dir`: `raw` is what the transcript
    /// hash covers (header and body; for an SSLv2-compatible ClientHello, the record
    /// payload), `msg` its decoding when it decoded. Returns the check of a Finished.
    pub fn on_message(
        &mut self,
        dir: Direction,
        msg_type: HandshakeType,
        msg: Option<&HandshakeMessage>,
        raw: &[u8],
        secrets: &mut Secrets,
    ) -> Option<FinishedCheck> {
        self.on_message_hashed(dir, msg_type, msg, raw, raw, secrets)
    }

    /// [`Self::on_message`] for a message whose transcript form is not `raw`: `hashed`
    /// is what the handshake hash covers (DTLS: the message with its 12-byte DTLS
    /// header, as one unfragmented fragment, RFC 6347 §4.2.6).
    pub fn on_message_hashed(
        &mut self,
        dir: Direction,
        msg_type: HandshakeType,
        msg: Option<&HandshakeMessage>,
        raw: &[u8],
        hashed: &[u8],
        secrets: &mut Secrets,
    ) -> Option<FinishedCheck> {
        let body = raw.get(4..).unwrap_or(&[]);
        if let Some(t) = &self.tls13 {
            let second_hello =
                msg_type == HandshakeType::CLIENT_HELLO && t.awaits_second_client_hello();
            if msg_type != HandshakeType::CLIENT_HELLO || second_hello {
                return self.tls13_message(dir, msg_type, msg, raw, hashed, secrets);
            }
        }
        let mut check = None;
        match (msg_type, msg) {
            (HandshakeType::HELLO_REQUEST, _) => return None, // not in the transcript (RFC 5246 §7.4.1.1)
            (HandshakeType::CLIENT_HELLO, _) => {
                self.start_handshake(dir);
                if let Some(HandshakeMessage::ClientHello(ch)) = msg {
                    self.client_version = ch.legacy_version.0;
                    self.client_random = ch.random.to_vec();
                    self.offered_session_id = ch.session_id.clone();
                    self.offered_ticket = ch.session_ticket.clone();
                    self.client_ems = ch.has_extension(ExtensionType::EXTENDED_MASTER_SECRET);
                    self.client_etm = ch.has_extension(ExtensionType::ENCRYPT_THEN_MAC);
                    self.tls13_client_hello(dir, ch, secrets);
                }
            }
            (HandshakeType::SERVER_HELLO, Some(HandshakeMessage::ServerHello(sh))) => {
                self.transcript.add(hashed);
                self.read_server_hello(sh, raw, secrets);
                return None;
            }
            (HandshakeType::CERTIFICATE, _) if Some(dir) != self.client => {
                self.full_handshake();
                self.server_modulus = match msg {
                    Some(HandshakeMessage::Certificate { certificates, .. }) => {
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
            (HandshakeType::SERVER_KEY_EXCHANGE | HandshakeType::SERVER_HELLO_DONE, _) => {
                self.full_handshake()
            }
            (HandshakeType::CLIENT_KEY_EXCHANGE, _) => {
                self.transcript.add(hashed);
                if self.master.is_none() {
                    self.master_from_key_exchange(body, secrets);
                }
                return None;
            }
            (HandshakeType::FINISHED, _) => {
                let c = self.check_finished(dir, body);
                if let (FinishedCheck::Verified, Some(KeySource::Ticket), Some(m)) =
                    (c, &self.source, &self.master)
                {
                    secrets.recovered(&self.client_random, m);
                    secrets.remember_session(&self.session_id, m);
                }
                check = Some(c);
            }
            (
                HandshakeType::NEW_SESSION_TICKET,
                Some(HandshakeMessage::NewSessionTicket { ticket, .. }),
            ) => {
                match &self.master {
                    Some(m) => secrets.remember_ticket(ticket, m),
                    // A handful: a server sends one or two per handshake.
                    None if self.pending_tickets.len() < 4 => {
                        self.pending_tickets.push(ticket.clone())
                    }
                    None => {}
                }
            }
            _ => {}
        }
        self.transcript.add(hashed);
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
            rsa_account: self.rsa_account,
            changes: std::mem::take(&mut self.changes),
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

    fn read_server_hello(&mut self, sh: &ServerHello, raw: &[u8], secrets: &mut Secrets) {
        // DTLS protects and derives as its TLS counterpart does.
        self.version = sh.version().tls_equivalent().0;
        self.server_random = sh.random.to_vec();
        self.session_id = sh.session_id.clone();
        self.suite = cipher_suite::lookup(sh.suite_id());
        self.ems = self.client_ems && sh.has_extension(ExtensionType::EXTENDED_MASTER_SECRET);
        self.etm = self.client_etm && sh.has_extension(ExtensionType::ENCRYPT_THEN_MAC);
        if self.version > 0x0303 || self.version < 0x0300 || sh.hello_retry_request {
            self.tls13_server_hello(sh, raw, secrets);
            return;
        }
        // The hash is known: from here on the transcript is a running hash.
        if let Some(kind) = self.prf_kind() {
            self.transcript.start_hashing(TranscriptHash::for_prf(kind));
        }
        // The master secret may be known already: from a key log, or a resumed session.
        let resumed_id = (!self.session_id.is_empty()
            && self.session_id == self.offered_session_id)
            .then(|| secrets.session(&self.session_id))
            .flatten();
        if let Some(m) = secrets.keylog.master_secret(&self.client_random) {
            self.master = Some(m.secret.clone());
            self.source = Some(KeySource::KeyLog(m.source.to_string()));
        } else if let Some(m) = resumed_id {
            self.master = Some(m);
            self.source = Some(KeySource::SessionId);
        } else if let Some(m) = secrets.ticket(&self.offered_ticket) {
            // A ticket resumption echoes the client's session id. Tentative: a Certificate
            // or ServerHelloDone next means the server chose a full handshake after all.
            self.master = Some(m);
            self.source = Some(KeySource::Ticket);
        }
        if self.master.is_some() {
            self.derive(secrets);
        }
    }

    /// The master secret from the ClientKeyExchange: z from a key log, the server's RSA
    /// key, or `--psk`.
    fn master_from_key_exchange(&mut self, body: &[u8], secrets: &mut Secrets) {
        let Some(suite) = self.suite else { return };
        match self.pre_master(suite, body, secrets) {
            Ok((pms, source)) => {
                let Some(kind) = self.prf_kind() else { return };
                let master = if self.ems {
                    let Some(hash) = self.transcript.digest(TranscriptHash::for_prf(kind)) else {
                        self.obstacle = Some(if self.transcript.is_missing() {
                            Obstacle::new(
                                DecryptionStatus::Incomplete,
                                Verdict::HandshakeSegmentLost,
                                "a handshake message was lost in the capture: the extended \
                                 master secret hashes every one of them",
                            )
                        } else {
                            Obstacle::unsupported(
                                "the handshake is too long to hash for the extended master secret",
                            )
                        });
                        return;
                    };
                    prf::extended_master_secret(kind, &pms, &hash)
                } else {
                    prf::master_secret(kind, &pms, &self.client_random, &self.server_random)
                };
                self.master = Some(master.to_vec());
                self.source = Some(source);
                self.derive(secrets);
            }
            Err(o) => self.obstacle = Some(o),
        }
    }

    /// z, and where it came from.
    fn pre_master(
        &mut self,
        suite: &CipherSuite,
        body: &[u8],
        secrets: &mut Secrets,
    ) -> Result<(Vec<u8>, KeySource), Obstacle> {
        if let Some(p) = secrets.keylog.pre_master(&self.client_random) {
            return Ok((
                p.secret.clone(),
                KeySource::KeyLogPreMaster(p.source.to_string()),
            ));
        }
        let mut r = Reader::new(body, "ClientKeyExchange");
        match suite.key_exchange {
            KeyExchange::Rsa | KeyExchange::RsaExport => {
                // SSL 3.0 sends the bare ciphertext; TLS prefixes it with two length bytes.
                let ciphertext = match r.vec16() {
                    Ok(ct) if self.version != 0x0300 && r.is_empty() => ct,
                    _ => body,
                };
                self.rsa_pre_master(ciphertext, secrets)
            }
            KeyExchange::Psk => {
                let psk = secrets.psk.as_ref().ok_or_else(|| {
                    Obstacle::new(
                        DecryptionStatus::NoKey,
                        Verdict::PskNeeded,
                        "PSK key exchange: the pre-shared key is needed (--psk)",
                    )
                })?;
                Ok((psk_pre_master(&vec![0; psk.len()], psk), KeySource::Psk))
            }
            KeyExchange::RsaPsk => {
                let ciphertext = r
                    .vec16()
                    .and_then(|_identity| r.vec16())
                    .map_err(|e| Obstacle::unsupported(e.to_string()))?;
                let psk = secrets.psk.clone().ok_or_else(|| {
                    Obstacle::new(
                        DecryptionStatus::NoKey,
                        Verdict::PskNeeded,
                        "RSA-PSK key exchange: the pre-shared key is needed (--psk)",
                    )
                })?;
                let (rsa_part, source) = self.rsa_pre_master(ciphertext, secrets)?;
                let source = match source {
                    KeySource::RsaKey(path) => KeySource::RsaKeyAndPsk(path),
                    other => other,
                };
                Ok((psk_pre_master(&rsa_part, &psk), source))
            }
            _ => Err(Obstacle::needs_keylog(
                DecryptionStatus::NotRsa,
                secrets,
                &self.client_random,
            )),
        }
    }

    /// The RSA-encrypted z: from a key log's `RSA` line, else the server's key.
    fn rsa_pre_master(
        &mut self,
        ciphertext: &[u8],
        secrets: &mut Secrets,
    ) -> Result<(Vec<u8>, KeySource), Obstacle> {
        if let Some(p) = ciphertext
            .get(..8)
            .and_then(|id| secrets.keylog.rsa_pre_master(id))
        {
            return Ok((
                p.secret.clone(),
                KeySource::KeyLogPreMaster(p.source.to_string()),
            ));
        }
        let server = secrets.server_endpoint(self.client);
        let modulus = self.server_modulus.as_deref();
        match secrets.rsa_pre_master(ciphertext, modulus, server, &mut self.rsa_account) {
            Ok((pms, i)) => {
                let offered = u16::from_be_bytes([pms[0], pms[1]]);
                if offered != self.client_version && self.warnings.len() < 4 {
                    self.warnings.push(format!(
                        "pre-master secret carries version 0x{offered:04x}, the ClientHello offered 0x{:04x}",
                        self.client_version
                    ));
                }
                Ok((pms, KeySource::RsaKey(secrets.keys[i].source.clone())))
            }
            Err(f) => {
                if matches!(f, RsaFailure::ConnectionStopped { first: true }) {
                    self.warnings.push(f.to_string());
                }
                let reason = f.to_string();
                Err(match f {
                    RsaFailure::WrongSize {
                        certificate: true, ..
                    }
                    | RsaFailure::Mismatch
                    | RsaFailure::ConnectionStopped { .. } => {
                        Obstacle::new(DecryptionStatus::KeyMismatch, Verdict::KeyMismatch, reason)
                    }
                    RsaFailure::NoKeys => {
                        Obstacle::new(DecryptionStatus::NoKey, Verdict::NoRsaKey, reason)
                    }
                    RsaFailure::NoCertificateKey
                    | RsaFailure::WrongSize { .. }
                    | RsaFailure::BlindSpent => Obstacle::new(
                        DecryptionStatus::NoKey,
                        Verdict::NoKeyForCertificate,
                        format!("{reason} (keys given: {})", secrets.key_names()),
                    ),
                })
            }
        }
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
                self.pending[client.index()] = Some(Box::new(c));
                self.pending[client.other().index()] = Some(Box::new(s));
            }
            (Err(e), _) | (_, Err(e)) => {
                self.obstacle = Some(Obstacle::unsupported(e.to_string()));
            }
        }
    }

    /// The keys a ChangeCipherSpec from `dir` switches to (None: unknown).
    pub fn take_keys(&mut self, dir: Direction) -> Option<RecordDecryptor> {
        self.pending[dir.index()].take().map(|k| *k)
    }

    fn check_finished(&mut self, dir: Direction, verify_data: &[u8]) -> FinishedCheck {
        let (Some(master), Some(kind)) = (&self.master, self.prf_kind()) else {
            return FinishedCheck::Unknown;
        };
        let from_client = Some(dir) == self.client;
        let Some(want) = self
            .transcript
            .finished_verify_data(kind, master, from_client)
        else {
            return FinishedCheck::Unknown;
        };
        if want == verify_data {
            FinishedCheck::Verified
        } else {
            FinishedCheck::Failed
        }
    }

    /// The server chose to resume (abbreviated handshake) but we had no master secret.
    pub fn resumed_without_secret(&self) -> bool {
        self.tls13.is_none()
            && self.master.is_none()
            && !self.server_sent_full_handshake
            && !self.server_random.is_empty()
    }

    /// The connection's secrets as NSS key log lines (for `--show-secrets`): the master
    /// secret of its last handshake, or the TLS 1.3 secrets it was opened with.
    pub fn secret_lines(&self) -> Vec<String> {
        if let Some(lines) = self
            .tls13
            .as_ref()
            .and_then(|t| t.secret_lines(&self.client_random))
        {
            return lines;
        }
        match &self.master {
            Some(m) => vec![format!(
                "CLIENT_RANDOM {} {}",
                hex::encode(&self.client_random),
                hex::encode(m)
            )],
            None => Vec::new(),
        }
    }

    /// Some secret for the connection is known (master secret or TLS 1.3 secrets).
    pub fn secret_known(&self) -> bool {
        self.master.is_some() || self.tls13.as_ref().is_some_and(|t| t.has_secrets())
    }
}

/// The PSK pre-master secret (RFC 4279 §2): `other_secret` and the PSK, each with a
/// two-byte length (`other_secret` is N zeros for plain PSK, z for RSA-PSK).
fn psk_pre_master(other: &[u8], psk: &[u8]) -> Vec<u8> {
    let mut pms = Vec::with_capacity(4 + other.len() + psk.len());
    pms.extend_from_slice(&(other.len() as u16).to_be_bytes());
    pms.extend_from_slice(other);
    pms.extend_from_slice(&(psk.len() as u16).to_be_bytes());
    pms.extend_from_slice(psk);
    pms
}

/// The RSA modulus of the server's leaf (first) certificate.
fn leaf_modulus(certificates: &[CertificateEntry]) -> Option<Vec<u8>> {
    match certificates.first()? {
        CertificateEntry::Parsed(c) => c.public_key.rsa_modulus.clone(),
        CertificateEntry::Unparsed { .. } => None,
    }
}
