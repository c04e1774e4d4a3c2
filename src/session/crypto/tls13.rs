//! TLS 1.3 handshakes (RFC 8446): which traffic secret protects each direction when,
//! the transcript, and the check of both Finished messages.
//!
//! A passive reader cannot run the key schedule (it lacks the (EC)DHE secret), so the
//! traffic secrets come from a key log, by client random; only a handshake keyed by an
//! external PSK alone (psk_ke) can be followed from `--psk`. What is left is to know when
//! each side switches:
//!
//! ```text
//!  client: ClientHello ─[early secret: 0-RTT data … EndOfEarlyData]─ [client handshake
//!          secret: Certificate, CertificateVerify, Finished] ─ [application secret_0,
//!          then _1, _2 … after each KeyUpdate]
//!  server: ServerHello ─[server handshake secret: EncryptedExtensions … Finished]─
//!          [application secret_0, _1 …]
//! ```
//! The transcript runs from the ClientHello to the client's Finished; after a
//! HelloRetryRequest the first ClientHello is replaced by its hash (§4.4.1).

use super::transcript::TranscriptHash;
use super::{FinishedCheck, KeyChange, KeySource, Obstacle, SessionCrypto};
use crate::crypto::keylog::Tls13Secrets;
use crate::crypto::record::{RecordKeys, Tls13Decryptor};
use crate::crypto::secrets::Secrets;
use crate::crypto::tls13::{self, SuiteHash, Tls13Variant};
use crate::flow::Direction;
use crate::session::Level;
use crate::tls::cipher_suite::{self, CipherSuite};
use crate::tls::handshake::HandshakeMessage;
use crate::tls::hello::{ClientHello, ServerHello};
use crate::tls::registry::{ExtensionType, HandshakeType, ProtocolVersion};

/// What a TLS 1.3 connection's handshake has got to.
#[derive(Debug, Default)]
pub(super) struct Tls13State {
    variant: Option<Tls13Variant>,
    suite: Option<&'static CipherSuite>,
    secrets: Option<Tls13Secrets>,
    /// A HelloRetryRequest came; the second ClientHello continues this handshake.
    retry: bool,
    second_client_hello: bool,
    /// The client's records are early data until its handshake keys take over.
    pub(super) client_early: bool,
    /// The server's EncryptedExtensions accepted the early data.
    early_accepted: bool,
    /// The client's Finished was seen: later messages are not in the transcript.
    done: bool,
    /// An external PSK without (EC)DHE (psk_ke) and `--psk`: the secrets are derived
    /// here, the application ones at the server's Finished.
    psk: Option<Box<tls13::PskSchedule>>,
}

impl Tls13State {
    pub(super) fn awaits_second_client_hello(&self) -> bool {
        self.retry && !self.second_client_hello
    }

    /// Records of a direction are early data only while a key log can tell.
    fn tracks_early_data(&self) -> bool {
        self.client_early && self.secrets.is_some()
    }

    pub(super) fn secret_lines(&self, client_random: &[u8]) -> Option<Vec<String>> {
        self.secrets.as_ref().map(|s| s.lines(client_random))
    }

    pub(super) fn has_secrets(&self) -> bool {
        self.secrets.is_some()
    }

    fn hash(&self) -> Option<SuiteHash> {
        self.suite.map(SuiteHash::for_suite)
    }

    /// Keys for `secret` under the negotiated suite.
    fn keys(&self, secret: Option<&Vec<u8>>) -> Option<Result<RecordKeys, String>> {
        let (suite, variant, secret) = (self.suite?, self.variant?, secret?);
        Some(
            Tls13Decryptor::new(suite, variant, secret)
                .map(RecordKeys::Tls13)
                .map_err(|e| e.to_string()),
        )
    }
}

impl SessionCrypto {
    /// The TLS 1.3 traffic secret that protects what `dir` sends at `level` (QUIC packet
    /// keys derive from it, RFC 9001 §5.1), when a key log gave it, with the suite once
    /// the ServerHello named it (0-RTT packets may come before).
    pub fn tls13_traffic_secret(
        &self,
        dir: Direction,
        level: Level,
    ) -> Option<(Option<&'static CipherSuite>, &[u8])> {
        let state = self.tls13.as_ref()?;
        let logged = state.secrets.as_ref()?;
        let from_client = self.client? == dir;
        let secret = match (level, from_client) {
            (Level::EarlyData, true) => logged.client_early.as_ref(),
            (Level::Handshake, true) => logged.client_handshake.as_ref(),
            (Level::Handshake, false) => logged.server_handshake.as_ref(),
            (Level::Application, true) => logged.client_traffic_0.as_ref(),
            (Level::Application, false) => logged.server_traffic_0.as_ref(),
            _ => None,
        }?;
        Some((state.suite, secret))
    }
}

impl SessionCrypto {
    /// A ClientHello offering 0-RTT data: its early records are protected with the
    /// client early traffic secret, under the suite of the resumed session, which only
    /// the ServerHello names; every offered TLS 1.3 suite with the secret's hash length
    /// is tried on the first early record.
    pub(super) fn tls13_client_hello(
        &mut self,
        dir: Direction,
        ch: &ClientHello,
        secrets: &mut Secrets,
    ) {
        if !ch.has_extension(ExtensionType::EARLY_DATA)
            || !ch.supported_versions().contains(&ProtocolVersion::TLS1_3)
        {
            return;
        }
        let mut state = Tls13State {
            client_early: true,
            ..Default::default()
        };
        let logged = secrets.keylog.tls13(&self.client_random);
        if logged.as_ref().is_some_and(|t| t.client_early.is_some()) {
            let alternatives = early_alternatives(&self.client_random, ch, secrets);
            if !alternatives.is_empty() {
                self.changes
                    .push((dir, KeyChange::Alternatives(alternatives)));
            }
        }
        state.secrets = logged;
        self.tls13 = Some(Box::new(state));
    }

    /// A ServerHello selecting TLS 1.3 (or a draft), or a HelloRetryRequest.
    pub(super) fn tls13_server_hello(
        &mut self,
        sh: &ServerHello,
        raw: &[u8],
        secrets: &mut Secrets,
    ) {
        // The version as negotiated: DTLS 1.3's labels are not TLS 1.3's.
        let Some(variant) = Tls13Variant::from_version(sh.version().0) else {
            return; // SSL 2 or an unknown version: nothing to derive
        };
        let state = self.tls13.get_or_insert_with(Box::default);
        state.variant = Some(variant);
        state.suite = self.suite;
        if sh.hello_retry_request {
            // The transcript so far is ClientHello1 and this HelloRetryRequest.
            if let (Some(hash), Some(so_far)) = (state.hash(), self.transcript.buffered()) {
                let client_hello1 = &so_far[..so_far.len().saturating_sub(raw.len())];
                let mut t = tls13::message_hash(hash, client_hello1);
                t.extend_from_slice(raw);
                self.transcript.replace(t);
            }
            state.retry = true;
            state.client_early = false; // no early data after a retry
            return;
        }
        if let Some(hash) = state.hash() {
            self.transcript
                .start_hashing(TranscriptHash::for_tls13(hash));
        }
        let Some(client) = self.client else { return };
        let logged = match secrets.keylog.tls13(&self.client_random) {
            Some(logged) => {
                secrets.recovered_tls13(&self.client_random);
                self.source = logged
                    .source
                    .as_ref()
                    .map(|s| KeySource::KeyLog(s.to_string()));
                Some(logged)
            }
            None => {
                let derived = psk_only_secrets(state, sh, secrets.psk.as_deref(), &self.transcript);
                if derived.is_some() {
                    self.source = Some(KeySource::Psk);
                }
                derived
            }
        };
        let Some(logged) = logged else {
            // As without any key given: forward secret, not a missing RSA key.
            self.obstacle = Some(Obstacle::needs_keylog(
                crate::report::model::DecryptionStatus::NotRsa,
                secrets,
                &self.client_random,
            ));
            return;
        };
        state.secrets = Some(logged.clone());
        let server = client.other();
        let mut changes = Vec::new();
        let mut problem = None;
        let mut add = |dir, change: fn(RecordKeys) -> KeyChange, keys| match keys {
            Some(Ok(k)) => changes.push((dir, change(k))),
            Some(Err(e)) => problem = Some(e),
            None => {}
        };
        // The server's next record is under its handshake secret.
        if logged.server_handshake.is_some() {
            add(
                server,
                KeyChange::Install,
                state.keys(logged.server_handshake.as_ref()),
            );
        }
        add(
            server,
            KeyChange::Next,
            state.keys(logged.server_traffic_0.as_ref()),
        );
        // The client's, after its early data if any.
        let client_hs = state.keys(logged.client_handshake.as_ref());
        if state.client_early {
            add(client, KeyChange::Next, client_hs);
        } else if client_hs.is_some() {
            add(client, KeyChange::Install, client_hs);
            add(
                client,
                KeyChange::Next,
                state.keys(logged.client_traffic_0.as_ref()),
            );
        } else {
            add(
                client,
                KeyChange::Next,
                state.keys(logged.client_traffic_0.as_ref()),
            );
        }
        self.changes.extend(changes);
        if let Some(e) = problem {
            self.obstacle = Some(Obstacle::unsupported(e));
        }
    }

    /// A TLS 1.3 handshake message after the ServerHello (decrypted), or the second
    /// ClientHello after a retry; `hashed` is its transcript form (`raw` but for DTLS
    /// 1.3's ClientHello, whose cookie field the parsers' form leaves out).
    pub(super) fn tls13_message(
        &mut self,
        dir: Direction,
        msg_type: HandshakeType,
        msg: Option<&HandshakeMessage>,
        raw: &[u8],
        hashed: &[u8],
        secrets: &mut Secrets,
    ) -> Option<FinishedCheck> {
        let client = self.client?;
        let state = self.tls13.as_mut()?;
        let body = raw.get(4..).unwrap_or(&[]);
        match msg_type {
            HandshakeType::CLIENT_HELLO => {
                state.second_client_hello = true;
                self.transcript.add(hashed);
                // RFC 8446 §4.2.10 forbids early_data in the ClientHello after a retry,
                // but GnuTLS sends it and its server accepts: the early data that follows
                // is under this ClientHello's early secret, the key log's second.
                if let Some(HandshakeMessage::ClientHello(ch)) = msg {
                    if ch.has_extension(ExtensionType::EARLY_DATA) && state.secrets.is_some() {
                        let alternatives = early_alternatives(&self.client_random, ch, secrets);
                        if !alternatives.is_empty() {
                            state.client_early = true;
                            self.changes
                                .push((dir, KeyChange::Alternatives(alternatives)));
                        }
                    }
                }
                None
            }
            HandshakeType::SERVER_HELLO => {
                // The ServerHello after a HelloRetryRequest.
                self.transcript.add(hashed);
                if let Some(HandshakeMessage::ServerHello(sh)) = msg {
                    self.version = sh.version().0;
                    self.server_random = sh.random.to_vec();
                    self.suite = cipher_suite::lookup(sh.suite_id());
                    self.tls13_server_hello(sh, raw, secrets);
                }
                None
            }
            // Post-handshake messages are not part of the transcript.
            HandshakeType::NEW_SESSION_TICKET => None,
            HandshakeType::KEY_UPDATE => {
                self.changes.push((dir, KeyChange::Update));
                None
            }
            _ if state.done => None,
            HandshakeType::END_OF_EARLY_DATA => {
                self.transcript.add(hashed);
                state.client_early = false;
                let logged = state.secrets.clone().unwrap_or_default();
                if let Some(Ok(k)) = state.keys(logged.client_handshake.as_ref()) {
                    self.changes.push((dir, KeyChange::Install(k)));
                }
                if let Some(Ok(k)) = state.keys(logged.client_traffic_0.as_ref()) {
                    self.changes.push((dir, KeyChange::Next(k)));
                }
                None
            }
            HandshakeType::FINISHED => {
                let from_client = dir == client;
                let mut logged = state.secrets.clone().unwrap_or_default();
                let base = if from_client {
                    logged.client_handshake.as_ref()
                } else {
                    logged.server_handshake.as_ref()
                };
                let check = match (state.hash(), state.variant, base) {
                    (Some(hash), Some(variant), Some(base)) => {
                        let th = self
                            .transcript
                            .digest(TranscriptHash::for_tls13(hash))
                            .unwrap_or_default();
                        if tls13::finished_verify_data(hash, variant, base, &th) == body {
                            FinishedCheck::Verified
                        } else {
                            FinishedCheck::Failed
                        }
                    }
                    _ => FinishedCheck::Unknown,
                };
                self.transcript.add(hashed);
                if !from_client {
                    // psk_ke: the application secrets follow from the transcript so far.
                    let application =
                        state
                            .psk
                            .as_deref()
                            .zip(state.hash())
                            .and_then(|(schedule, hash)| {
                                let th = self.transcript.digest(TranscriptHash::for_tls13(hash))?;
                                Some(schedule.application(&th))
                            });
                    if let Some((c, s)) = application {
                        let all = state.secrets.get_or_insert_with(Default::default);
                        all.client_traffic_0 = Some(c);
                        all.server_traffic_0 = Some(s);
                        logged = all.clone();
                    }
                }
                let next = if from_client {
                    state.done = true;
                    logged.client_traffic_0.as_ref()
                } else {
                    logged.server_traffic_0.as_ref()
                };
                if let Some(Ok(k)) = state.keys(next) {
                    self.changes.push((dir, KeyChange::Install(k)));
                }
                Some(check)
            }
            HandshakeType::ENCRYPTED_EXTENSIONS => {
                if let Some(HandshakeMessage::EncryptedExtensions { extensions, .. }) = msg {
                    state.early_accepted =
                        extensions.iter().any(|e| e.id == ExtensionType::EARLY_DATA);
                }
                self.transcript.add(hashed);
                None
            }
            _ => {
                self.transcript.add(hashed);
                None
            }
        }
    }

    /// A direction's records started opening under the keys expected next: the
    /// client's early data is over, and its application keys come after.
    pub fn tls13_switched(&mut self, dir: Direction) {
        let Some(state) = self.tls13.as_mut() else {
            return;
        };
        if Some(dir) == self.client && state.client_early {
            state.client_early = false;
            if state.early_accepted {
                // The client's EndOfEarlyData went by under the early secret we lack; it
                // has no content, so the transcript can still have it.
                self.transcript
                    .add(&[HandshakeType::END_OF_EARLY_DATA.0, 0, 0, 0]);
            }
            let logged = state.secrets.clone().unwrap_or_default();
            if let Some(Ok(k)) = state.keys(logged.client_traffic_0.as_ref()) {
                self.changes.push((dir, KeyChange::Next(k)));
            }
        }
    }

    /// The client's records are still 0-RTT early data.
    pub fn in_early_data(&self, dir: Direction) -> bool {
        Some(dir) == self.client && self.tls13.as_ref().is_some_and(|t| t.tracks_early_data())
    }
}

/// The keys a client's early data may be under: each early secret logged for
/// `client_random` under each TLS 1.3 suite `ch` offers with that secret's hash length.
/// The first record that opens says which (the suite is not chosen yet, and a key log
/// may hold more than one early secret for one client random).
fn early_alternatives(
    client_random: &[u8],
    ch: &ClientHello,
    secrets: &Secrets,
) -> Vec<RecordKeys> {
    let rfc = Tls13Variant {
        draft: None,
        dtls: false,
    };
    let suites: Vec<_> = ch
        .suite_ids()
        .into_iter()
        .filter_map(cipher_suite::lookup)
        .filter(|s| s.is_tls13())
        .collect();
    secrets
        .keylog
        .early_secrets(client_random)
        .iter()
        .flat_map(|early| {
            suites
                .iter()
                .filter(|s| SuiteHash::for_suite(s).output_len() == early.len())
                .filter_map(move |s| Tls13Decryptor::new(s, rfc, early).ok())
        })
        .map(RecordKeys::Tls13)
        .collect()
}

/// An external PSK without (EC)DHE (psk_ke: the ServerHello selects a PSK and sends no
/// key share) and `--psk` given: the handshake traffic secrets from the PSK and the
/// transcript through the ServerHello, and the schedule kept for the application ones.
fn psk_only_secrets(
    state: &mut Tls13State,
    sh: &ServerHello,
    psk: Option<&[u8]>,
    transcript: &super::transcript::Transcript,
) -> Option<Tls13Secrets> {
    let psk = psk?;
    if !sh.has_extension(ExtensionType::PRE_SHARED_KEY)
        || sh.has_extension(ExtensionType::KEY_SHARE)
    {
        return None;
    }
    let (hash, variant) = (state.hash()?, state.variant?);
    let th = transcript.digest(TranscriptHash::for_tls13(hash))?;
    let schedule = tls13::PskSchedule::new(hash, variant, psk);
    let (client, server) = schedule.handshake(&th);
    state.psk = Some(Box::new(schedule));
    Some(Tls13Secrets {
        client_handshake: Some(client),
        server_handshake: Some(server),
        ..Default::default()
    })
}
