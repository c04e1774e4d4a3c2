//! DTLS 1.0 / 1.2 over UDP datagrams (RFC 4347, RFC 6347), for a [`Session`]: each
//! datagram's records, protected ones opened by the number their header carries, the
//! handshake fragments put back together per direction, and whole messages handed to
//! the session in TLS form.
//!
//! ```text
//!  datagram ─► record::records ─► DtlsRecord (epoch, 48-bit sequence)
//!   (one UDP     │ epoch 0: clear    │ epoch = this side's: KeyChain::decrypt_at(epoch ‖ seq)
//!    payload)    │                   │ other epochs: counted (keys not in force)
//!                ▼                   ▼
//!   handshake ─► fragments ─► MessageAssembler (de-duplicates retransmitted flights,
//!                                reorders) ─► Message ─► Session::on_frame_hashed:
//!                                  TLS form (4-byte header, ClientHello without its cookie)
//!                                  for the parsers, DTLS form for the transcript
//!   change_cipher_spec (once per epoch) / alert / application_data ─► the session's own
//! ```
//! The transcript (RFC 6347 §4.2.6) covers each message with its 12-byte DTLS header as
//! one unfragmented fragment; the first ClientHello and the HelloVerifyRequest drop out
//! because the ClientHello that echoes the cookie starts the handshake afresh (and
//! brings the client random the keys use: OpenSSL's pre-RFC DTLS draws a new one).
//! OpenSSL's pre-RFC version (0x0100) hashes the bodies alone and keeps the first
//! ClientHello and the HelloVerifyRequest, as that OpenSSL did; it also MACs records
//! differently and numbers its ChangeCipherSpec as a handshake message.
//!
//! DTLS 1.3 (RFC 9147): the ClientHello and ServerHello travel as above; once the
//! ServerHello chooses DTLS 1.3 (supported_versions 0xfefc) the records with the unified
//! header go to its own record layer (`dtls13.rs`), and the transcript takes each
//! message in TLS 1.3's form, without message_seq and the fragment fields (RFC 9147
//! §5.2), from the ClientHello on. Unified headers before such a ServerHello are counted.

use std::borrow::Cow;

use super::dtls13::{Dtls13Layer, Unified};
use super::Session;
use crate::crypto::record::{RecordAad, Unlocked};
use crate::crypto::secrets::Secrets;
use crate::flow::Direction;
use crate::report::dtls::{DtlsReport, ReassemblyCounts, Sides};
use crate::tls::dtls::handshake::{fragments, HelloVerifyRequest};
use crate::tls::dtls::reassembly::{Message, MessageAssembler};
use crate::tls::dtls::record::{records, DatagramRecord, DtlsRecord, UnifiedRecord};
use crate::tls::hello::{ClientHello, ServerHello};
use crate::tls::record::Record;
use crate::tls::registry::{ContentType, HandshakeType, ProtocolVersion};

/// Bytes each direction's assembler may hold for messages not yet whole (a certificate
/// chain is tens of KB; a flight is resent whole, so a dropped fragment comes again).
pub const HANDSHAKE_HELD_CAP: usize = 128 << 10;

/// One direction's state and counts.
#[derive(Debug)]
struct DtlsDir {
    datagrams: u64,
    bytes: u64,
    records: u64,
    malformed: u64,
    dtls13: u64,
    assembler: MessageAssembler,
    /// The epoch this side sends under now: its ChangeCipherSpecs seen.
    epoch: u16,
    retransmitted_ccs: u64,
    other_epoch: u64,
}

impl Default for DtlsDir {
    fn default() -> Self {
        DtlsDir {
            datagrams: 0,
            bytes: 0,
            records: 0,
            malformed: 0,
            dtls13: 0,
            assembler: MessageAssembler::new(HANDSHAKE_HELD_CAP),
            epoch: 0,
            retransmitted_ccs: 0,
            other_epoch: 0,
        }
    }
}

/// The DTLS state of one connection's two directions.
#[derive(Debug, Default)]
pub struct DtlsFeed {
    dirs: [DtlsDir; 2],
    /// The direction of the first ClientHello: the client's.
    client: Option<Direction>,
    hello_verify_requests: u64,
    hello_retry_requests: u64,
    /// The first HelloVerifyRequest's cookie (at most 255 bytes).
    cookie: Option<Vec<u8>>,
    /// A record carried OpenSSL's pre-RFC version number.
    pre_rfc: bool,
    /// Pre-RFC only: the first ClientHello's and the HelloVerifyRequest's bodies, which
    /// that OpenSSL kept in its transcript (at most [`PRE_RFC_PREFIX_CAP`] bytes).
    pre_rfc_prefix: Option<Vec<u8>>,
    /// The last ClientHello that offers DTLS 1.3, in TLS 1.3's transcript form (its
    /// body whole, cookie field included), until a ServerHello says which version: one
    /// whole message, so at most [`HANDSHAKE_HELD_CAP`] bytes.
    client_hello13: Option<Vec<u8>>,
    /// The ServerHello chose DTLS 1.3: its record layer.
    dtls13: Option<Box<Dtls13Layer>>,
}

/// The bytes of the pre-RFC transcript prefix kept; past it the prefix is dropped (and
/// that connection's Finished cannot verify).
pub const PRE_RFC_PREFIX_CAP: usize = 16 << 10;

/// What a record held for the adapter to go on with.
enum Content<'a> {
    /// Handshake fragments, in the clear or decrypted.
    Handshake(Cow<'a, [u8]>),
    /// Anything else: the session took it.
    Taken,
}

impl DtlsFeed {
    /// Feeds one UDP datagram of one direction to `session`.
    pub fn feed(
        &mut self,
        session: &mut Session,
        dir: Direction,
        datagram: &[u8],
        ts: i64,
        secrets: &mut Secrets,
    ) {
        session.touch(ts);
        let d = &mut self.dirs[dir.index()];
        d.datagrams += 1;
        d.bytes += datagram.len() as u64;
        // No connection id is negotiated in what tlsscope reads (RFC 9146 is counted
        // as records of an unknown type).
        for r in records(datagram, 0) {
            match r {
                Ok(DatagramRecord::Full(rec)) => self.record(session, dir, &rec, ts, secrets),
                Ok(DatagramRecord::Unified(u)) => {
                    self.dirs[dir.index()].dtls13 += 1;
                    self.unified(session, dir, &u, ts, secrets);
                }
                Err(e) => {
                    self.dirs[dir.index()].malformed += 1;
                    session.on_unparsed(dir, e.remaining as u64);
                }
            }
        }
    }

    fn record(
        &mut self,
        session: &mut Session,
        dir: Direction,
        rec: &DtlsRecord<'_>,
        ts: i64,
        secrets: &mut Secrets,
    ) {
        session.mark_tls();
        self.pre_rfc |= rec.version == ProtocolVersion::DTLS1_0_OPENSSL_PRE;
        let d = &mut self.dirs[dir.index()];
        d.records += 1;
        let mut behind = Vec::new();
        let mut answered = false;
        if rec.content_type == ContentType::CHANGE_CIPHER_SPEC {
            // A ChangeCipherSpec leaves the epoch it travels in; a retransmitted flight
            // repeats it, which must not switch keys again.
            if rec.epoch != d.epoch {
                d.retransmitted_ccs += 1;
                return;
            }
            d.epoch = d.epoch.wrapping_add(1);
            if let [1, hi, lo] = *rec.fragment {
                // OpenSSL's pre-RFC DTLS: the ChangeCipherSpec carries a message_seq,
                // which no handshake message will use.
                let seq = u16::from_be_bytes([hi, lo]);
                d.assembler.skip(seq, &mut |m| behind.push(m));
            }
            answered = true;
        }
        // Only the epoch this side's keys were installed for can be opened.
        let in_force = rec.epoch == d.epoch;
        if rec.epoch != 0 && !in_force {
            d.other_epoch += 1;
        }
        let aad = in_force.then(|| self.record_aad(rec));
        if answered {
            self.peer_flight_answered(session, dir.other(), ts, secrets);
        }
        match session.on_dtls_record(dir, rec, aad, ts, secrets) {
            Content::Handshake(data) => self.handshake(session, dir, &data, ts, secrets),
            Content::Taken => {}
        }
        for m in behind {
            self.message(session, dir, &m, ts, secrets);
        }
    }

    /// `dir`'s peer sent its ChangeCipherSpec, so it had `dir`'s last flight: what of
    /// it is still missing was lost in the capture. The messages behind the hole are
    /// read, and the transcript, lacking the lost ones, can check no Finished.
    fn peer_flight_answered(
        &mut self,
        session: &mut Session,
        dir: Direction,
        ts: i64,
        secrets: &mut Secrets,
    ) {
        let mut behind = Vec::new();
        let assembler = &mut self.dirs[dir.index()].assembler;
        let Some((first, n)) = assembler.give_up_holes(&mut |m| behind.push(m)) else {
            return;
        };
        let what = match n {
            1 => format!("handshake message {first} was"),
            n => format!("{n} handshake messages from {first} on were"),
        };
        session.warn(
            dir,
            format!("{what} lost in the capture: the Finished cannot be checked"),
        );
        if let Some(c) = session.crypto.as_deref_mut() {
            c.transcript_lost();
        }
        for m in behind {
            self.message(session, dir, &m, ts, secrets);
        }
    }

    /// A DTLS 1.3 record (unified header): opened by its epoch's keys once the
    /// ServerHello chose DTLS 1.3; before that only counted.
    fn unified(
        &mut self,
        session: &mut Session,
        dir: Direction,
        rec: &UnifiedRecord<'_>,
        ts: i64,
        secrets: &mut Secrets,
    ) {
        let Some(layer) = self.dtls13.as_mut() else {
            return;
        };
        session.mark_tls();
        let wire = rec.encrypted_record;
        match layer.open(session, dir, rec) {
            Unified::Opened(opened) => {
                let ct = ContentType(opened.content_type);
                if ct == ContentType::ACK {
                    layer.ack(dir, &opened.data);
                }
                let handshake =
                    session.on_dtls13_opened(dir, ct, opened.data, wire.len(), ts, secrets);
                if let Some(data) = handshake {
                    self.handshake(session, dir, &data, ts, secrets);
                }
            }
            Unified::NoKeys => session.on_dtls13_sealed(dir, wire, ts, false),
            Unified::Failed => session.on_dtls13_sealed(dir, wire, ts, true),
        }
    }

    /// What a protected record's MAC or AEAD additional data starts with: epoch ‖
    /// sequence number and the header's version (RFC 6347 §4.1.2.1). OpenSSL's pre-RFC
    /// DTLS MACs the 48-bit sequence number alone, under TLS 1.0's version number
    /// (Wireshark's "old openssl's non-rfc-compliant mac"; the corpus's
    /// snakeoil-dtls.pcap opens only so).
    fn record_aad(&self, rec: &DtlsRecord<'_>) -> RecordAad {
        let ct = rec.content_type.0;
        if self.pre_rfc {
            RecordAad::dtls(0, rec.sequence, ct, ProtocolVersion::TLS1_0.0)
        } else {
            RecordAad::dtls(rec.epoch, rec.sequence, ct, rec.version.0)
        }
    }

    /// The fragments of one handshake record: whole messages go to the session.
    fn handshake(
        &mut self,
        session: &mut Session,
        dir: Direction,
        data: &[u8],
        ts: i64,
        secrets: &mut Secrets,
    ) {
        let mut whole: Vec<Message> = Vec::new();
        let assembler = &mut self.dirs[dir.index()].assembler;
        for f in fragments(data) {
            match f {
                Ok(f) => assembler.push(&f, &mut |m| whole.push(m)),
                Err(e) => {
                    session.warn(dir, format!("DTLS handshake fragment: {e}"));
                    break;
                }
            }
        }
        for m in whole {
            self.message(session, dir, &m, ts, secrets);
        }
    }

    fn message(
        &mut self,
        session: &mut Session,
        dir: Direction,
        m: &Message,
        ts: i64,
        secrets: &mut Secrets,
    ) {
        if matches!(
            m.msg_type,
            HandshakeType::CLIENT_KEY_EXCHANGE | HandshakeType::FINISHED
        ) {
            // Sent in answer to the peer's whole flight (its ServerHelloDone, its
            // Finished): what of that flight is missing was lost in the capture, and
            // must be known before this message settles keys or checks the transcript.
            self.peer_flight_answered(session, dir.other(), ts, secrets);
        }
        let mut body = Cow::Borrowed(&m.body[..]);
        match m.msg_type {
            HandshakeType::CLIENT_HELLO => {
                self.client.get_or_insert(dir);
                if self.hello_verify_requests > 0 && session.server_hello.is_none() {
                    // The hello the server answers (after a HelloVerifyRequest) is the
                    // connection's, in place of the one that asked for the cookie.
                    session.client_hello = None;
                }
                if let Some(tls) = without_cookie(&m.body) {
                    let offers13 = ClientHello::parse(&tls).is_ok_and(|ch| {
                        ch.supported_versions().contains(&ProtocolVersion::DTLS1_3)
                    });
                    if offers13 && session.server_hello.is_none() {
                        self.client_hello13 = Some(tls13_form(m));
                    }
                    body = Cow::Owned(tls);
                }
            }
            HandshakeType::SERVER_HELLO => {
                let sh = ServerHello::parse(&m.body).ok();
                // DTLS 1.3's cookie exchange (RFC 9147 §5.1).
                if sh.as_ref().is_some_and(|sh| sh.hello_retry_request) {
                    self.hello_retry_requests += 1;
                }
                // A HelloRetryRequest names the version too (RFC 8446 §4.1.4): the
                // transcript's form changes there, before the retry's message_hash.
                let chosen = sh.is_some_and(|sh| sh.version() == ProtocolVersion::DTLS1_3);
                if chosen && self.dtls13.is_none() {
                    self.dtls13 = Some(Box::default());
                    // The transcript so far was kept in DTLS 1.2's form: it restarts
                    // from the ClientHello in TLS 1.3's.
                    if let Some(ch) = self.client_hello13.take() {
                        session.restart_transcript(ch);
                    }
                }
            }
            HandshakeType::HELLO_VERIFY_REQUEST => {
                self.hello_verify_requests += 1;
                match HelloVerifyRequest::parse(&m.body) {
                    Ok(h) => {
                        self.cookie.get_or_insert(h.cookie);
                    }
                    Err(e) => session.warn(dir, e.to_string()),
                }
            }
            _ => {}
        }
        let len = (body.len() as u32).to_be_bytes();
        let mut raw = Vec::with_capacity(4 + body.len());
        raw.extend_from_slice(&[m.msg_type.0, len[1], len[2], len[3]]);
        raw.extend_from_slice(&body);
        let hashed = if self.dtls13.is_some() {
            tls13_form(m)
        } else if self.pre_rfc {
            self.pre_rfc_hashed(session, m)
        } else {
            [&m.dtls_header()[..], &m.body].concat()
        };
        session.on_frame_hashed(dir, &raw, &hashed, ts, secrets);
    }

    /// What OpenSSL's pre-RFC DTLS hashes for a message: its body alone, and it does not
    /// restart the transcript after a HelloVerifyRequest (its d1_srvr.c leaves
    /// DTLS1_BAD_VER out of that reset): the first ClientHello and the
    /// HelloVerifyRequest go in front of the ClientHello that starts the session's
    /// transcript afresh.
    fn pre_rfc_hashed(&mut self, session: &Session, m: &Message) -> Vec<u8> {
        let before_server_hello = session.server_hello.is_none();
        match m.msg_type {
            HandshakeType::CLIENT_HELLO
                if before_server_hello && self.hello_verify_requests > 0 =>
            {
                match self.pre_rfc_prefix.take() {
                    Some(mut prefix) => {
                        prefix.extend_from_slice(&m.body);
                        prefix
                    }
                    None => m.body.clone(),
                }
            }
            HandshakeType::CLIENT_HELLO if before_server_hello => {
                self.pre_rfc_prefix = (m.body.len() <= PRE_RFC_PREFIX_CAP).then(|| m.body.clone());
                m.body.clone()
            }
            HandshakeType::HELLO_VERIFY_REQUEST => {
                if let Some(p) = &mut self.pre_rfc_prefix {
                    if p.len() + m.body.len() <= PRE_RFC_PREFIX_CAP {
                        p.extend_from_slice(&m.body);
                    } else {
                        self.pre_rfc_prefix = None;
                    }
                }
                m.body.clone()
            }
            _ => m.body.clone(),
        }
    }

    /// The connection ended: messages never made whole are counted.
    pub fn finish(&mut self) {
        for d in &mut self.dirs {
            d.assembler.finish();
        }
    }

    /// Bytes this feed holds (for the memory budget).
    pub fn held_bytes(&self) -> usize {
        std::mem::size_of::<DtlsFeed>()
            + self
                .dirs
                .iter()
                .map(|d| d.assembler.held_bytes())
                .sum::<usize>()
            + self.cookie.as_ref().map_or(0, Vec::len)
            + self.pre_rfc_prefix.as_ref().map_or(0, Vec::len)
            + self.client_hello13.as_ref().map_or(0, Vec::len)
            + self.dtls13.as_ref().map_or(0, |l| l.held_bytes())
    }

    /// UDP payload bytes fed per direction.
    pub fn fed(&self, dir: Direction) -> u64 {
        self.dirs[dir.index()].bytes
    }

    /// The direction of the first ClientHello (the client's), if one was seen.
    pub fn client(&self) -> Option<Direction> {
        self.client
    }

    /// The `dtls` object of the report; `client` is the direction the report calls the
    /// client's.
    pub fn report(&self, client: Direction) -> DtlsReport {
        let (c, s) = (
            &self.dirs[client.index()],
            &self.dirs[client.other().index()],
        );
        let sides = |f: &dyn Fn(&DtlsDir) -> u64| Sides {
            client: f(c),
            server: f(s),
        };
        let reassembly = |d: &DtlsDir| {
            let a = d.assembler.stats;
            ReassemblyCounts {
                messages: a.messages,
                retransmitted_fragments: a.retransmitted_fragments,
                fragments_ahead: a.fragments_ahead,
                conflicting_fragments: a.conflicting_fragments,
                fragments_over_cap: a.fragments_over_cap,
                incomplete_messages: a.incomplete_messages,
                lost_messages: a.lost_messages,
            }
        };
        DtlsReport {
            datagrams: sides(&|d| d.datagrams),
            bytes: sides(&|d| d.bytes),
            records: sides(&|d| d.records),
            hello_verify_requests: self.hello_verify_requests,
            hello_retry_requests: self.hello_retry_requests,
            cookie: self.cookie.clone(),
            handshake: Sides {
                client: reassembly(c),
                server: reassembly(s),
            },
            retransmitted_change_cipher_specs: sides(&|d| d.retransmitted_ccs),
            records_other_epoch: sides(&|d| d.other_epoch),
            dtls13_records: sides(&|d| d.dtls13),
            dtls13: self.dtls13.as_ref().map(|l| Sides {
                client: l.counts(client),
                server: l.counts(client.other()),
            }),
            malformed_datagrams: sides(&|d| d.malformed),
            // The flow's end is the transport's to say (`Feed`).
            evicted: false,
            idle_closed: false,
        }
    }
}

/// A message as DTLS 1.3's transcript takes it: TLS's 4-byte header and the body as
/// sent (RFC 9147 §5.2).
fn tls13_form(m: &Message) -> Vec<u8> {
    let len = (m.body.len() as u32).to_be_bytes();
    [&[m.msg_type.0, len[1], len[2], len[3]][..], &m.body].concat()
}

/// A DTLS ClientHello body in TLS form (the cookie after the session id taken out,
/// RFC 6347 §4.2.1); `None` if it does not get that far.
fn without_cookie(body: &[u8]) -> Option<Vec<u8>> {
    // client_version(2) random(32) session_id<0..32>
    let cookie_at = 35 + usize::from(*body.get(34)?);
    let cookie_len = usize::from(*body.get(cookie_at)?);
    let rest = body.get(cookie_at + 1 + cookie_len..)?;
    Some([&body[..cookie_at], rest].concat())
}

impl Session {
    /// One DTLS record of `dir`: counted, and opened with `aad` when that is given (its
    /// epoch is the one the keys for `dir` were installed for) and the keys are known. Handshake
    /// content goes back to the adapter (DTLS frames it its own way); the rest is the
    /// session's, as over TCP.
    fn on_dtls_record<'a>(
        &mut self,
        dir: Direction,
        rec: &DtlsRecord<'a>,
        aad: Option<RecordAad>,
        ts: i64,
        secrets: &mut Secrets,
    ) -> Content<'a> {
        self.saw_tls = true;
        let i = dir.index();
        self.dirs[i].records += 1;
        if rec.content_type == ContentType::APPLICATION_DATA {
            self.dirs[i].app_records += 1;
            self.dirs[i].app_bytes += rec.fragment.len() as u64;
        }
        let tls = Record {
            content_type: rec.content_type,
            version: rec.version,
            fragment: rec.fragment,
        };
        let clear = rec.epoch == 0 || rec.content_type == ContentType::CHANGE_CIPHER_SPEC;
        if clear {
            if rec.content_type == ContentType::HANDSHAKE {
                return Content::Handshake(Cow::Borrowed(rec.fragment));
            }
            self.on_clear(dir, rec.content_type, rec.fragment, ts, secrets, None);
            return Content::Taken;
        }
        let unlocked = match (&mut self.dirs[i].dec, aad) {
            (Some(d), Some(aad)) => d.keys.decrypt_at(aad, rec.fragment),
            _ => Unlocked::NoKeys,
        };
        let wire = rec.fragment.len();
        match unlocked {
            Unlocked::Opened { opened, .. } => {
                self.dirs[i].dec_mut().decrypted_records += 1;
                let ct = ContentType(opened.content_type);
                if ct == ContentType::HANDSHAKE {
                    return Content::Handshake(Cow::Owned(opened.data));
                }
                self.on_clear(dir, ct, &opened.data, ts, secrets, Some(wire));
            }
            Unlocked::NoKeys => self.on_protected(dir, tls, ts),
            Unlocked::Failed(e) => {
                let d = self.dirs[i].dec_mut();
                d.failed_records += 1;
                if d.failed_records == 1 {
                    let (epoch, seq) = (rec.epoch, rec.sequence);
                    self.warn(dir, format!("record {seq} of epoch {epoch}: {e}"));
                }
                self.on_protected(dir, tls, ts);
            }
        }
        Content::Taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::Transport;
    use crate::report::model::ConnectionReport;
    use crate::session::test_flow::{ep, summary};
    use crate::session::{Feed, Input, SessionSettings};

    /// Feeds datagrams through the adapter the analysis uses, and reports.
    fn run(datagrams: &[(Direction, Vec<u8>)]) -> Option<ConnectionReport> {
        let mut secrets = Secrets::default();
        let mut feed = Feed::for_input(&Input::Dtls(&[]));
        let mut session = Session::new(0, [ep(50000), ep(4433)], &SessionSettings::default())
            .with_transport(feed.transport());
        for (dir, d) in datagrams {
            feed.feed(&mut session, *dir, Input::Dtls(d), 1, &mut secrets);
        }
        feed.finish(session, &summary(4433), &mut secrets)
    }

    /// A DTLS 1.2 record: header (epoch 0 unless said) and fragment.
    fn record(ct: u8, epoch: u16, seq: u64, fragment: &[u8]) -> Vec<u8> {
        let mut r = vec![ct, 0xfe, 0xfd];
        r.extend_from_slice(&epoch.to_be_bytes());
        r.extend_from_slice(&seq.to_be_bytes()[2..]);
        r.extend_from_slice(&(fragment.len() as u16).to_be_bytes());
        r.extend_from_slice(fragment);
        r
    }

    /// A handshake fragment: the whole message when `off` is 0 and `part` is all of it.
    fn fragment(ty: u8, len: usize, seq: u16, off: usize, part: &[u8]) -> Vec<u8> {
        let mut f = vec![ty];
        f.extend_from_slice(&(len as u32).to_be_bytes()[1..]);
        f.extend_from_slice(&seq.to_be_bytes());
        f.extend_from_slice(&(off as u32).to_be_bytes()[1..]);
        f.extend_from_slice(&(part.len() as u32).to_be_bytes()[1..]);
        f.extend_from_slice(part);
        f
    }

    /// A DTLS 1.2 ClientHello body with `cookie` and an SNI of `example.org`.
    fn client_hello(random: u8, cookie: &[u8]) -> Vec<u8> {
        let mut b = vec![0xfe, 0xfd];
        b.extend_from_slice(&[random; 32]);
        b.push(0);
        b.push(cookie.len() as u8);
        b.extend_from_slice(cookie);
        b.extend_from_slice(&[0, 2, 0xc0, 0x2b, 1, 0]);
        let name = b"example.org";
        let mut sni = vec![0, 0];
        let list_len = (name.len() + 3) as u16;
        sni.extend_from_slice(&(list_len + 2).to_be_bytes());
        sni.extend_from_slice(&list_len.to_be_bytes());
        sni.push(0);
        sni.extend_from_slice(&(name.len() as u16).to_be_bytes());
        sni.extend_from_slice(name);
        b.extend_from_slice(&(sni.len() as u16).to_be_bytes());
        b.extend_from_slice(&sni);
        b
    }

    fn hello_verify_request(cookie: &[u8]) -> Vec<u8> {
        let mut b = vec![0xfe, 0xff, cookie.len() as u8];
        b.extend_from_slice(cookie);
        b
    }

    #[test]
    fn without_cookie_gives_the_tls_form() {
        let dtls = client_hello(7, b"\xc0\x0c");
        let tls = without_cookie(&dtls).unwrap();
        assert_eq!(tls.len(), dtls.len() - 3);
        let ch = crate::tls::hello::ClientHello::parse(&tls).unwrap();
        assert_eq!(ch.random, [7; 32]);
        assert!(without_cookie(&dtls[..35]).is_none());
    }

    /// The cookie exchange: a ClientHello, retransmitted; a HelloVerifyRequest; the
    /// ClientHello with the cookie, cut in two fragments across datagrams and out of
    /// order. The report is DTLS's, with the answered hello's random and the cookie.
    #[test]
    fn cookie_exchange_and_fragmented_hello() {
        let first = client_hello(1, b"");
        let second = client_hello(2, b"\xc0\x0c\x1e\x55");
        let ch1 = record(22, 0, 0, &fragment(1, first.len(), 0, 0, &first));
        let retransmitted = record(22, 0, 1, &fragment(1, first.len(), 0, 0, &first));
        let hvr = hello_verify_request(b"\xc0\x0c\x1e\x55");
        let hvr = record(22, 0, 0, &fragment(3, hvr.len(), 0, 0, &hvr));
        let (a, b) = second.split_at(20);
        let part2 = record(22, 0, 3, &fragment(1, second.len(), 1, 20, b));
        let part1 = record(22, 0, 2, &fragment(1, second.len(), 1, 0, a));
        let alert = record(21, 0, 1, &[2, 40]);
        let r = run(&[
            (Direction::Forward, ch1),
            (Direction::Forward, retransmitted),
            (Direction::Reverse, hvr),
            (Direction::Forward, part2),
            (Direction::Forward, part1),
            (Direction::Reverse, alert),
        ])
        .expect("a DTLS connection is reported");
        assert_eq!(r.transport, Transport::Dtls);
        assert!(r.tcp.is_none() && r.quic.is_none());
        assert_eq!(r.sni.as_deref(), Some("example.org"));
        assert_eq!(r.client_random, Some(hex::encode([2; 32])));
        assert!(r.ja4.as_deref().unwrap().starts_with('d'), "{:?}", r.ja4);
        assert_eq!(r.alerts.len(), 1);
        let d = r.dtls.unwrap();
        assert_eq!(d.hello_verify_requests, 1);
        assert_eq!(d.cookie, Some(b"\xc0\x0c\x1e\x55".to_vec()));
        assert_eq!(d.handshake.client.messages, 2);
        assert_eq!(d.handshake.client.retransmitted_fragments, 1);
        assert_eq!(d.handshake.server.messages, 1);
        assert_eq!(d.datagrams.client, 4);
        assert_eq!(d.records.server, 2);
    }

    /// A retransmitted ChangeCipherSpec (a flight sent again) does not switch keys a
    /// second time; protected records of an epoch never announced are counted.
    #[test]
    fn epochs_follow_the_change_cipher_specs() {
        let ch = client_hello(1, b"");
        let r = run(&[
            (
                Direction::Forward,
                record(22, 0, 0, &fragment(1, ch.len(), 0, 0, &ch)),
            ),
            (Direction::Forward, record(20, 0, 1, &[1])),
            (Direction::Forward, record(20, 0, 2, &[1])),
            (Direction::Forward, record(23, 1, 0, &[0xab; 40])),
            (Direction::Reverse, record(23, 1, 0, &[0xcd; 40])),
        ])
        .unwrap();
        let d = r.dtls.unwrap();
        assert_eq!(d.retransmitted_change_cipher_specs.client, 1);
        assert_eq!(d.records_other_epoch.server, 1);
        assert_eq!(d.records_other_epoch.client, 0);
        assert_eq!(r.app_records, [1, 1]);
        assert_eq!(r.decryption.records_decrypted.client, 0);
    }

    proptest::proptest! {
        /// Arbitrary datagrams either way, after a real ClientHello: counted, never a
        /// panic, and what the feed holds stays under its caps.
        #[test]
        fn any_datagrams(
            datagrams in proptest::collection::vec(
                (proptest::bool::ANY, proptest::collection::vec(proptest::num::u8::ANY, 0..600)),
                0..12,
            ),
        ) {
            let ch = client_hello(1, b"");
            let mut all = vec![(Direction::Forward, record(22, 0, 0, &fragment(1, ch.len(), 0, 0, &ch)))];
            for (fwd, mut d) in datagrams {
                let dir = if fwd { Direction::Forward } else { Direction::Reverse };
                // Half of them framed as records, to reach the fragment parser.
                if fwd {
                    d = record(22, 0, 1, &d);
                }
                all.push((dir, d));
            }
            let r = run(&all).unwrap();
            let d = r.dtls.unwrap();
            proptest::prop_assert_eq!(d.datagrams.client + d.datagrams.server, all.len() as u64);
        }
    }

    /// Fragments of a message that never completes stay under the held-bytes cap.
    #[test]
    fn held_bytes_stay_under_the_cap() {
        let mut secrets = Secrets::default();
        let mut session = Session::new(0, [ep(1), ep(2)], &SessionSettings::default());
        let mut feed = DtlsFeed::default();
        let part = vec![0u8; 1000];
        for seq in 0..31u16 {
            for off in (0..8000).step_by(2000) {
                let f = fragment(11, 1 << 20, seq, off, &part);
                let d = record(22, 0, u64::from(seq) * 8 + off as u64, &f);
                feed.feed(&mut session, Direction::Reverse, &d, 0, &mut secrets);
            }
        }
        assert!(feed.held_bytes() <= std::mem::size_of::<DtlsFeed>() + HANDSHAKE_HELD_CAP);
        assert!(feed.dirs[1].assembler.stats.fragments_over_cap > 0);
    }
}
