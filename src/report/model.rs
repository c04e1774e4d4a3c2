//! The report: what `--json` prints (the contract tooling depends on), and what the
//! tables are drawn from.

use super::verdict::Verdict;
use std::borrow::Cow;

use serde::ser::SerializeMap;
use serde::Serialize;

use crate::crypto::secrets::KeySource;
use crate::flow::Direction;
use crate::net::{Endpoint, NetStats};
use crate::tls::cipher_suite::{CipherSuite, KeyExchange};
use crate::tls::handshake::{CertificateEntry, HandshakeMessage};
use crate::tls::heartbeat::{self, HeartbeatMessage};
use crate::tls::registry::{AlertDescription, AlertLevel, HandshakeType, Registered};

/// The whole document: `{"capture": {...}, "connections": [...]}`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub capture: CaptureReport,
    pub connections: Vec<ConnectionReport>,
}

/// One input file.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FileReport {
    pub file: String,
    pub format: Option<crate::capture::CaptureFormat>,
    pub packets: u64,
    pub bytes: u64,
    pub truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrupt: Option<String>,
}

/// What was read, and the damage met on the way.
#[derive(Debug, Serialize, Default, schemars::JsonSchema)]
pub struct CaptureReport {
    /// The report's shape version (see `schema/report.schema.json`).
    pub schema_version: super::schema::SchemaVersion,
    /// The first file's name and format (see `files` when several were given).
    pub file: String,
    pub format: Option<crate::capture::CaptureFormat>,
    pub files: Vec<FileReport>,
    pub link_types: Vec<LinkTypeReport>,
    pub packets: u64,
    pub bytes: u64,
    /// A file ended in the middle of a packet.
    pub truncated: bool,
    pub tcp_connections: u64,
    pub tls_connections: u64,
    /// UDP flows seen; of them, those that carried QUIC (each a connection) and those
    /// that carried nothing tlsscope reads (counted, not listed).
    pub udp_flows: u64,
    pub quic_connections: u64,
    /// UDP flows that carried DTLS (each a connection); left out when none did.
    #[serde(skip_serializing_if = "is_zero")]
    pub dtls_connections: u64,
    /// UDP flows that were a QUIC connection's new path (migration), joined to it by
    /// connection ID: not counted as connections of their own.
    pub quic_paths_joined: u64,
    pub udp_flows_other: u64,
    pub network: NetStats,
    pub skipped_packets: u64,
    /// The RSA keys loaded, and whether each matched a server certificate in the capture.
    pub keys: Vec<KeyReport>,
    /// Reading stopped early (Ctrl-C, SIGTERM): what was read is reported; left out
    /// when the run read everything.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct KeyReport {
    pub source: String,
    pub bits: usize,
    pub used: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LinkTypeReport {
    pub id: u32,
    pub name: String,
    pub packets: u64,
    pub supported: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct EndpointReport {
    pub ip: String,
    pub port: u16,
}

impl From<Endpoint> for EndpointReport {
    fn from(e: Endpoint) -> Self {
        EndpointReport {
            ip: e.ip.to_string(),
            port: e.port,
        }
    }
}

/// A value of an IANA registry (a cipher suite, a group): its number and its name.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RegistryValue {
    pub id: u16,
    pub name: String,
}

impl RegistryValue {
    pub fn of<T: Registered + Into<u16>>(value: T) -> Self {
        RegistryValue {
            id: value.into(),
            name: value.label().into_owned(),
        }
    }
}

/// Which side of the TLS connection sent something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Client,
    Server,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GapReport {
    #[serde(rename = "direction")]
    pub side: Side,
    /// Offset of the first missing byte in that direction's stream.
    pub offset: u64,
    pub len: u64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TcpReport {
    pub client_bytes: u64,
    pub server_bytes: u64,
    pub gaps: Vec<GapReport>,
    /// All holes declared lost, both directions (`gaps` lists the first 1,000 of each).
    pub gap_count: u64,
    pub lost_bytes: u64,
    pub retransmitted_bytes: u64,
    pub out_of_order_segments: u64,
    pub snaplen_truncated: bool,
    pub buffer_cap_exceeded: bool,
    /// Closed early: more connections were open at once than `--max-connections`.
    pub evicted: bool,
    /// FIN from both sides or RST seen (else the capture ended first).
    pub closed: bool,
}

/// An alert, in the clear (level and description) or still encrypted.
#[derive(Debug, Clone, Copy)]
pub struct AlertEntry {
    pub direction: Direction,
    pub side: Side,
    pub timestamp_ns: i64,
    /// Still encrypted: not read.
    pub encrypted: bool,
    /// Sent encrypted and read once decrypted (else sent in the clear, or unread).
    pub decrypted: bool,
    pub level: Option<AlertLevel>,
    pub code: Option<AlertDescription>,
}

impl AlertEntry {
    pub fn clear(direction: Direction, ts: i64, level: u8, code: u8) -> Self {
        AlertEntry {
            direction,
            side: Side::Client,
            timestamp_ns: ts,
            encrypted: false,
            decrypted: false,
            level: Some(AlertLevel(level)),
            code: Some(AlertDescription(code)),
        }
    }

    pub fn encrypted(direction: Direction, ts: i64) -> Self {
        AlertEntry {
            direction,
            side: Side::Client,
            timestamp_ns: ts,
            encrypted: true,
            decrypted: false,
            level: None,
            code: None,
        }
    }

    pub fn level_name(&self) -> Option<Cow<'static, str>> {
        self.level.map(|l| l.label())
    }

    pub fn description(&self) -> Option<Cow<'static, str>> {
        self.code.map(|c| c.label())
    }

    /// A fatal alert in the clear.
    pub fn is_fatal(&self) -> bool {
        self.level == Some(AlertLevel::FATAL)
    }
}

/// An alert as the contract shows it (the schema's `AlertEntry`).
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "AlertEntry")]
pub(super) struct AlertJson {
    direction: Side,
    #[schemars(with = "String")]
    time: super::time::Rfc3339,
    /// Still encrypted: level and description unknown.
    encrypted: bool,
    /// Sent encrypted, read once decrypted (absent: sent in the clear, or unread).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    decrypted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level_name: Option<Cow<'static, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Cow<'static, str>>,
}

impl Serialize for AlertEntry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        AlertJson {
            direction: self.side,
            time: super::time::Rfc3339::new(self.timestamp_ns),
            encrypted: self.encrypted,
            decrypted: self.decrypted,
            level: self.level.map(|l| l.0),
            level_name: self.level_name(),
            code: self.code.map(|c| c.0),
            description: self.description(),
        }
        .serialize(s)
    }
}

/// Consecutive application data records of one direction, counted and sized.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AppDataRun {
    pub records: u64,
    /// Bytes on the wire (ciphertext).
    pub bytes: u64,
    /// Plaintext bytes, when the records were decrypted.
    pub decrypted_bytes: Option<u64>,
}

/// What one entry of a connection's message list holds.
#[derive(Debug, Clone)]
pub enum MessageBody {
    Handshake(Box<HandshakeMessage>),
    ApplicationData(AppDataRun),
    /// TLS 1.3 0-RTT data from the client.
    EarlyData(AppDataRun),
    Alert(AlertEntry),
    ChangeCipherSpec {},
    EncryptedFinished {
        length: usize,
        note: &'static str,
    },
    EncryptedHandshake {
        length: usize,
    },
    EncryptedAlert {
        length: usize,
    },
    Heartbeat {
        length: usize,
        /// Its header, when the record was in the clear or decrypted.
        message: Option<HeartbeatMessage>,
    },
    Malformed {
        msg_type: HandshakeType,
        name: String,
        length: usize,
        error: String,
    },
}

impl MessageBody {
    /// The body's fields, into the entry's map. Past the handshake messages, the keys
    /// come in the order the contract has always shown them: sorted.
    fn entries<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        match self {
            MessageBody::Handshake(h) => super::wire::message_entries(m, h),
            MessageBody::ApplicationData(run) => run_entries(m, "ApplicationData", run),
            MessageBody::EarlyData(run) => run_entries(m, "EarlyData", run),
            MessageBody::Alert(a) => {
                m.serialize_entry("code", &a.code.map(|c| c.0))?;
                m.serialize_entry("description", &a.description())?;
                m.serialize_entry("level", &a.level_name())?;
                m.serialize_entry("type", "Alert")
            }
            MessageBody::ChangeCipherSpec {} => m.serialize_entry("type", "ChangeCipherSpec"),
            MessageBody::EncryptedFinished { length, note } => {
                encrypted_entries(m, "Finished", *length, Some(note))
            }
            MessageBody::EncryptedHandshake { length } => {
                encrypted_entries(m, "EncryptedHandshake", *length, None)
            }
            MessageBody::EncryptedAlert { length } => encrypted_entries(m, "Alert", *length, None),
            MessageBody::Heartbeat { length, message } => {
                m.serialize_entry("length", length)?;
                if let Some(h) = message {
                    let kind = match h.kind {
                        heartbeat::REQUEST => "request",
                        heartbeat::RESPONSE => "response",
                        _ => "unknown",
                    };
                    m.serialize_entry("heartbeat_type", kind)?;
                    m.serialize_entry("payload_length", &h.payload_length)?;
                }
                m.serialize_entry("type", "Heartbeat")
            }
            MessageBody::Malformed {
                msg_type,
                name,
                length,
                error,
            } => {
                m.serialize_entry("error", error)?;
                m.serialize_entry("length", length)?;
                m.serialize_entry("msg_type", &msg_type.0)?;
                m.serialize_entry("name", name)?;
                m.serialize_entry("type", "Malformed")
            }
        }
    }
}

fn encrypted_entries<M: SerializeMap>(
    m: &mut M,
    kind: &str,
    length: usize,
    note: Option<&str>,
) -> Result<(), M::Error> {
    m.serialize_entry("encrypted", &true)?;
    m.serialize_entry("length", &length)?;
    if let Some(note) = note {
        m.serialize_entry("note", note)?;
    }
    m.serialize_entry("type", kind)
}

fn run_entries<M: SerializeMap>(m: &mut M, kind: &str, run: &AppDataRun) -> Result<(), M::Error> {
    m.serialize_entry("bytes", &run.bytes)?;
    if let Some(d) = run.decrypted_bytes {
        m.serialize_entry("decrypted_bytes", &d)?;
    }
    m.serialize_entry("records", &run.records)?;
    m.serialize_entry("type", kind)
}

/// One record-layer event of a connection, in capture order.
#[derive(Debug, Clone)]
pub struct MessageEntry {
    pub direction: Direction,
    pub side: Side,
    pub timestamp_ns: i64,
    /// The frame (tshark's `frame.number` in the connection's file) whose data completed
    /// the message: its record's last byte arrived in it. A run of application data
    /// records names the frame of its first record.
    pub frame: u64,
    pub body: MessageBody,
}

/// `{"direction", "time", "frame", "type", …the body's fields}`.
impl Serialize for MessageEntry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("direction", &self.side)?;
        m.serialize_entry("time", &super::time::Rfc3339::new(self.timestamp_ns))?;
        m.serialize_entry("frame", &self.frame)?;
        self.body.entries(&mut m)?;
        m.end()
    }
}

/// Where a connection is in the capture: the file it was read from (its index in
/// `capture.files`) and the frame numbers of its first and last packet there, as
/// tshark's `frame.number` counts them (1-based, every packet of the file).
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct FrameSpan {
    pub file: usize,
    pub first: u64,
    pub last: u64,
    /// The file's name, for the tables, when the run read several.
    #[serde(skip)]
    pub file_name: Option<std::sync::Arc<str>>,
}

fn ser_time<S: serde::Serializer>(ns: &i64, s: S) -> Result<S::Ok, S::Error> {
    super::time::Rfc3339::new(*ns).serialize(s)
}

impl MessageBody {
    /// The entry's type, as the JSON's `type` field names it.
    pub fn type_name(&self) -> &'static str {
        match self {
            MessageBody::Handshake(h) => h.type_name(),
            MessageBody::ApplicationData(_) => "ApplicationData",
            MessageBody::EarlyData(_) => "EarlyData",
            MessageBody::Alert(_) | MessageBody::EncryptedAlert { .. } => "Alert",
            MessageBody::ChangeCipherSpec {} => "ChangeCipherSpec",
            MessageBody::EncryptedFinished { .. } => "Finished",
            MessageBody::EncryptedHandshake { .. } => "EncryptedHandshake",
            MessageBody::Heartbeat { .. } => "Heartbeat",
            MessageBody::Malformed { .. } => "Malformed",
        }
    }
}

/// Where decryption stands for a connection.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DecryptionReport {
    pub status: DecryptionStatus,
    /// Why, as a code finer than `status` (README: Verdicts).
    pub verdict: Verdict,
    pub reason: String,
    pub client_finished_verified: bool,
    pub server_finished_verified: bool,
    /// What opened the connection: `rsa_key:<file>`, `keylog:<file>` (master secret or
    /// TLS 1.3 secrets), `keylog_pre_master:<file>`, `psk`, `rsa_key+psk:<file>`,
    /// `resumed_session_id`, `resumed_ticket`.
    #[serde(serialize_with = "ser_key_source")]
    #[schemars(with = "Option<String>")]
    pub key_source: Option<KeySource>,
    /// Records decrypted and authenticated, per side.
    pub records_decrypted: PerSide,
    /// Records whose MAC, tag or padding check failed, per side.
    pub record_failures: PerSide,
    /// TLS 1.3 0-RTT data, when the client offered it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub early_data: Option<EarlyDataReport>,
    /// Only with `--show-secrets`: the connection's secrets as key log lines.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<String>,
}

fn ser_key_source<S: serde::Serializer>(k: &Option<KeySource>, s: S) -> Result<S::Ok, S::Error> {
    match k {
        Some(k) => s.serialize_str(&k.describe()),
        None => s.serialize_none(),
    }
}

/// Where decryption stands, as the JSON's `decryption.status` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecryptionStatus {
    Decrypted,
    NoKey,
    NotRsa,
    KeyMismatch,
    UnsupportedCipher,
    /// The capture lacks what decryption needs (a gap, or a handshake it does not hold).
    Incomplete,
    /// The handshake ended before either side encrypted a record: nothing to decrypt.
    NotEncrypted,
    /// No TLS record parsed.
    NotTls,
}

impl DecryptionStatus {
    /// Every status, in the order the README lists them.
    pub const ALL: [DecryptionStatus; 8] = [
        DecryptionStatus::Decrypted,
        DecryptionStatus::NoKey,
        DecryptionStatus::NotRsa,
        DecryptionStatus::KeyMismatch,
        DecryptionStatus::UnsupportedCipher,
        DecryptionStatus::Incomplete,
        DecryptionStatus::NotEncrypted,
        DecryptionStatus::NotTls,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DecryptionStatus::Decrypted => "decrypted",
            DecryptionStatus::NoKey => "no_key",
            DecryptionStatus::NotRsa => "not_rsa",
            DecryptionStatus::KeyMismatch => "key_mismatch",
            DecryptionStatus::UnsupportedCipher => "unsupported_cipher",
            DecryptionStatus::Incomplete => "incomplete",
            DecryptionStatus::NotEncrypted => "not_encrypted",
            DecryptionStatus::NotTls => "not_tls",
        }
    }
}

impl std::fmt::Display for DecryptionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far a connection got, as `state` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionState {
    Established,
    Handshake,
    ClientHelloOnly,
    RecordsOnly,
    /// The capture lost part of it (gaps, snaplen cuts, ended early).
    Incomplete,
    /// A fatal alert in the clear (its description).
    Failed(Option<crate::tls::registry::AlertDescription>),
}

impl std::fmt::Display for ConnectionState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectionState::Established => f.write_str("established"),
            ConnectionState::Handshake => f.write_str("handshake"),
            ConnectionState::ClientHelloOnly => f.write_str("client_hello_only"),
            ConnectionState::RecordsOnly => f.write_str("records_only"),
            ConnectionState::Incomplete => f.write_str("incomplete"),
            ConnectionState::Failed(Some(code)) => {
                write!(f, "failed: {}", code.label())
            }
            ConnectionState::Failed(None) => f.write_str("failed: alert"),
        }
    }
}

impl Serialize for ConnectionState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl PartialEq<&str> for DecryptionStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The client's 0-RTT early data.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EarlyDataReport {
    pub records: u64,
    /// Bytes on the wire (record fragments).
    pub bytes: u64,
    /// Plaintext bytes, when the early traffic secret was known.
    pub decrypted_bytes: Option<u64>,
    /// Whether the server accepted it (its EncryptedExtensions), when known.
    pub accepted: Option<bool>,
}

/// A count for each side.
#[derive(Debug, Clone, Copy, Default, Serialize, schemars::JsonSchema)]
pub struct PerSide {
    pub client: u64,
    pub server: u64,
}

impl DecryptionReport {
    /// The status of a connection when no key material opened it: `hellos` says which
    /// of the ClientHello and ServerHello the capture holds, `records` how many TLS
    /// records parsed.
    pub fn without_keys(
        suite: Option<&CipherSuite>,
        tls13: bool,
        incomplete: bool,
        hellos: (bool, bool),
        records: u64,
    ) -> Self {
        use DecryptionStatus as S;
        let (status, verdict, reason) = match suite {
            None if incomplete => (
                S::Incomplete,
                Verdict::HandshakeSegmentLost,
                "the handshake was cut before the ServerHello".to_string(),
            ),
            None if records == 0 => (
                S::NotTls,
                Verdict::NotTls,
                "no TLS record parsed".to_string(),
            ),
            None if !hellos.0 && !hellos.1 => (
                S::Incomplete,
                Verdict::HandshakeNotCaptured,
                "no handshake in the capture: it began before the capture did".to_string(),
            ),
            None => (
                S::Incomplete,
                Verdict::NoServerHello,
                "no ServerHello in the capture: the cipher suite is unknown".to_string(),
            ),
            Some(_) if tls13 => (
                S::NotRsa,
                Verdict::ForwardSecret,
                "TLS 1.3 has no RSA key exchange: a key log is needed".to_string(),
            ),
            Some(s) if matches!(s.key_exchange, KeyExchange::Psk) => (
                S::NoKey,
                Verdict::PskNeeded,
                "PSK key exchange: the pre-shared key is needed (--psk)".to_string(),
            ),
            // RFC 4279 §4: the pre-master secret travels RSA-encrypted, not forward-secret.
            Some(s) if matches!(s.key_exchange, KeyExchange::RsaPsk) => (
                S::NoKey,
                Verdict::PskNeeded,
                "RSA_PSK key exchange: the server's RSA key and the pre-shared key are needed \
                 (-k and --psk), or a key log"
                    .to_string(),
            ),
            Some(s) if !matches!(s.key_exchange, KeyExchange::Rsa | KeyExchange::RsaExport) => (
                S::NotRsa,
                Verdict::ForwardSecret,
                format!(
                    "key exchange is {}, not RSA: a key log is needed",
                    key_exchange_name(s.key_exchange)
                ),
            ),
            Some(_) => (
                S::NoKey,
                Verdict::NoRsaKey,
                "no RSA private key was given".to_string(),
            ),
        };
        DecryptionReport {
            status,
            verdict,
            reason,
            client_finished_verified: false,
            server_finished_verified: false,
            key_source: None,
            records_decrypted: PerSide::default(),
            record_failures: PerSide::default(),
            early_data: None,
            secrets: Vec::new(),
        }
    }
}

/// A key exchange as the cipher suite names spell it (`TLS_ECDHE_RSA_…`).
fn key_exchange_name(k: KeyExchange) -> &'static str {
    match k {
        KeyExchange::Null => "NULL",
        KeyExchange::Rsa => "RSA",
        KeyExchange::RsaExport => "RSA_EXPORT",
        KeyExchange::Dh => "DH",
        KeyExchange::Dhe => "DHE",
        KeyExchange::Ecdh => "ECDH",
        KeyExchange::Ecdhe => "ECDHE",
        KeyExchange::Psk => "PSK",
        KeyExchange::DhePsk => "DHE_PSK",
        KeyExchange::EcdhePsk => "ECDHE_PSK",
        KeyExchange::RsaPsk => "RSA_PSK",
        KeyExchange::Srp => "SRP",
        KeyExchange::Krb5 => "KRB5",
        KeyExchange::Tls13 => "TLS 1.3 (EC)DHE",
    }
}

/// Per-direction digest of decrypted application data (filled by decryption).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AppDataDigest {
    pub records: u64,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AppData {
    pub client: AppDataDigest,
    pub server: AppDataDigest,
}

/// Everything about one TLS connection.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConnectionReport {
    pub id: u64,
    pub client: EndpointReport,
    pub server: EndpointReport,
    /// Capture times of the first and last packet (nanoseconds since the Unix epoch;
    /// RFC 3339 in the JSON).
    #[serde(rename = "first_seen", serialize_with = "ser_time")]
    #[schemars(with = "String")]
    pub first_seen_ns: i64,
    #[serde(rename = "last_seen", serialize_with = "ser_time")]
    #[schemars(with = "String")]
    pub last_seen_ns: i64,
    pub frames: FrameSpan,
    pub version: Option<String>,
    pub cipher_suite: Option<RegistryValue>,
    /// The key exchange's named group, Zeek's `curve`: TLS 1.3's from the server's key
    /// share, TLS ≤ 1.2's from the ServerKeyExchange (ECDHE). `null` without one: RSA
    /// and DHE key exchange, PSK-only resumption, or not seen.
    pub key_exchange_group: Option<RegistryValue>,
    pub sni: Option<String>,
    /// Negotiated ALPN protocol when the server chose one, else what the client offered;
    /// as text, losslessly escaped (`\xff`) when not UTF-8.
    pub alpn: Vec<String>,
    /// `alpn` in hex, only when one of its values is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpn_hex: Option<Vec<String>>,
    pub alpn_negotiated: Option<String>,
    /// `alpn_negotiated` in hex, only when it is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpn_negotiated_hex: Option<String>,
    /// The client random *x*.
    pub client_random: Option<String>,
    /// The server random *y*.
    pub server_random: Option<String>,
    pub session_id: Option<String>,
    pub resumed: bool,
    /// Handshakes after the first (TLS ≤ 1.2 renegotiation) that the server answered,
    /// seen in the clear, decrypted, or as the client's encrypted handshake record after
    /// its Finished and the server's answer; a refused one is none.
    pub renegotiations: u32,
    pub extended_master_secret: bool,
    pub encrypt_then_mac: bool,
    /// The client offered a session ticket (Some(true): a non-empty one, to resume).
    pub session_ticket: Option<bool>,
    pub ja3: Option<String>,
    pub ja3_hash: Option<String>,
    pub ja4: Option<String>,
    pub ja3s: Option<String>,
    pub ja3s_hash: Option<String>,
    #[serde(serialize_with = "super::wire::ser_chain")]
    #[schemars(with = "Vec<super::wire::EntryJson<'static>>")]
    pub certificates: Vec<CertificateEntry>,
    #[serde(serialize_with = "super::wire::ser_chain")]
    #[schemars(with = "Vec<super::wire::EntryJson<'static>>")]
    pub client_certificates: Vec<CertificateEntry>,
    /// The server chain checked at capture time against the trust store, for the SNI
    /// (`null`: no chain seen, or its certificates stayed encrypted).
    pub certificate_validation: Option<crate::pki::CertificateValidation>,
    pub messages: Vec<MessageEntry>,
    /// Messages not kept: past `--max-messages`, or the report detail budget was spent.
    #[serde(skip_serializing_if = "is_zero")]
    pub messages_omitted: u64,
    #[schemars(with = "Vec<AlertJson>")]
    pub alerts: Vec<AlertEntry>,
    #[serde(skip_serializing_if = "is_zero")]
    pub alerts_omitted: u64,
    /// `tcp`, `quic` or `dtls`.
    pub transport: crate::flow::Transport,
    /// Community ID v1 of the flow (seed 0): the same hash Zeek, Suricata and
    /// Wireshark give it.
    pub community_id: Option<String>,
    /// QUIC connections only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quic: Option<super::quic::QuicReport>,
    /// DTLS connections only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dtls: Option<super::dtls::DtlsReport>,
    /// TCP connections only (`null` for QUIC).
    pub tcp: Option<TcpReport>,
    /// TLS records seen, [client, server].
    pub records: [u64; 2],
    /// Application data records and their bytes on the wire, [client, server].
    pub app_records: [u64; 2],
    pub app_bytes: [u64; 2],
    /// established | handshake | client_hello_only | records_only | incomplete | failed: <alert>
    #[schemars(with = "String")]
    pub state: ConnectionState,
    pub warnings: Vec<String>,
    #[serde(skip_serializing_if = "is_zero")]
    pub warnings_omitted: u64,
    pub decryption: DecryptionReport,
    pub app_data: Option<AppData>,
    /// What the application protocol inside said (HTTP/1 so far), when decrypted data
    /// showed one; `null` otherwise.
    pub app: Option<super::app::AppReport>,
    /// The share of the report detail budget this report holds (given back when it is
    /// dropped).
    #[serde(skip)]
    pub charge: crate::session::Charge,
}

impl ConnectionReport {
    /// The bytes each way, [client → server, server → client], as `summary` shows them:
    /// TCP payload, or UDP payload for QUIC and DTLS.
    pub fn transport_bytes(&self) -> [u64; 2] {
        match (&self.tcp, &self.quic) {
            (Some(t), _) => [t.client_bytes, t.server_bytes],
            (None, Some(q)) => [q.bytes.client, q.bytes.server],
            (None, None) => self
                .dtls
                .as_ref()
                .map_or([0, 0], |d| [d.bytes.client, d.bytes.server]),
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
