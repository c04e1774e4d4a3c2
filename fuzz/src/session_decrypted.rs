//! The `session_decrypted` target: records that authenticate.
//!
//! `record_decrypt` feeds random ciphertexts, so every MAC / tag check fails and the
//! code after it (handshake reassembly of decrypted records, Finished checks, key
//! changes, KeyUpdate, alerts, the application data digest, the report) never runs on
//! fuzzed data. Here the fuzzer chooses *plaintext* records and this file encrypts
//! them properly, with keys a [`Session`] can derive from an in-memory key log, and
//! drives the real session with them, as `net_tcp` does after TCP reassembly.
//!
//! The encryption is written here, from the RustCrypto crates tlsscope itself depends
//! on (AES block cipher with CBC spelled out, AES-GCM, ChaCha20-Poly1305, HMAC-SHA256),
//! not taken from tlsscope: a decryptor bug shows up as records that stop opening
//! rather than being mirrored. Key schedules (TLS 1.2 PRF key block, TLS 1.3
//! HKDF-Expand-Label, Finished `verify_data`) are tlsscope's public functions: the
//! point is to get past them, not to test them.
//!
//! Everything is deterministic: fixed secrets and randoms, explicit nonces and CBC IVs
//! derived from the sequence number.
//!
//! Input: `config(1)` then operations.
//!
//! config: bits 0-2 = cipher ([`CHOICES`]): TLS 1.2 ECDHE-RSA AES-128-GCM, AES-128-CBC-
//! SHA256 MAC-then-encrypt, the same Encrypt-then-MAC, ChaCha20-Poly1305; TLS 1.3
//! AES-128-GCM, ChaCha20-Poly1305, AES-128-GCM as draft 23 (no AAD), ChaCha20 as draft
//! 18 (old labels, old ServerHello). bits 3-4 = what the key log knows: TLS 1.2 the
//! master secret / the pre-master secret with extended master secret / the pre-master
//! secret without / nothing; TLS 1.3 all traffic secrets / only the application ones /
//! all and the early secret, the ClientHello offering 0-RTT / nothing. bit 5 = script:
//! a whole canned handshake (both Finished correct) before the operations. bit 6 = a
//! plaintext sink (`follow`) and the `inspect` view of the report (the JSON and the
//! summary table are always made). bit 7 = small report budgets.
//!
//! The ClientHello (with the key log's client random) always goes first. Then each
//! operation is `op(1) ...`, op bit 7 = direction (0 client, 1 server), bits 0-2:
//!
//! * 0 record: `type(1) len(2) data`: a record of that content type, protected under
//!   the direction's current keys once it has keys (TLS ≤ 1.2 after its
//!   ChangeCipherSpec; TLS 1.3 after the ServerHello, or 0-RTT from the start), else in
//!   the clear. bits 3-4: 0 = no padding, else `pad(1)` follows the data: padding of
//!   `pad × 1 / 4 / 64` zeros (TLS 1.3) or `pad` extra CBC blocks (up to 255 bytes),
//!   if the record is protected; bit 5: TLS 1.3 outer type = `type` instead of 23,
//!   TLS 1.2 record version 0x0301; bit 6: delivered in two pieces.
//! * 1 clear record: `type(1) len(2) data`, always in the clear.
//! * 2 raw bytes: `len(2) data` onto the stream as they are.
//! * 3 canned handshake message: `index(1)` into the list of `Conn::canned` (ServerHello,
//!   Certificate, ..., HelloRetryRequest, a second ClientHello), protected or not as for 0.
//! * 4 Finished with the correct verify_data over the transcript so far (bit 3: one bit
//!   flipped); TLS 1.3: the direction then moves to its next keys.
//! * 5 keys: bits 3-4: 0 = the direction's next keys (TLS 1.3 handshake → application
//!   → each next generation); 1 = KeyUpdate (bit 5: update_requested) then next keys;
//!   2 = ChangeCipherSpec (TLS ≤ 1.2: the direction's keys start); 3 = EndOfEarlyData
//!   then next keys.
//! * 6 gap: `len(2)`: the capture lost that many bytes of the direction.
//! * 7 tampered record: `pos(2)` then as 0; the protected (or clear) bytes get byte
//!   `pos % len` flipped, or (bit 6) are cut to `pos % len` bytes.
//!
//! The transcript kept here (for the Finished op) is every handshake message sent, in
//! sending order: right when the fuzzer sends whole messages.

use aes::cipher::{BlockEncrypt, KeyInit};
use aes::Aes128;
use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::AeadInPlace;
use aes_gcm::Aes128Gcm;
use chacha20poly1305::ChaCha20Poly1305;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::OnceLock;

use tlsscope::crypto::keylog::KeyLog;
use tlsscope::crypto::prf::{self, PrfKind};
use tlsscope::crypto::secrets::Secrets;
use tlsscope::crypto::tls13::{self, SuiteHash, Tls13Variant};
use tlsscope::net::Endpoint;
use tlsscope::report::follow::{FollowWriter, Format, Which};
use tlsscope::report::model::{CaptureReport, Report};
use tlsscope::session::{MemoryBudget, Retention, Session, SessionSettings, StreamFeed};
use tlsscope::tcp::{Chunk, Direction, FlowSummary, Gap};
use tlsscope::tls::cipher_suite::{lookup, CipherSuite, CipherSuiteId};

use super::FollowSinkForFuzz;

/// (suite, negotiated version, Encrypt-then-MAC).
pub const CHOICES: [(u16, u16, bool); 8] = [
    (0xC02F, 0x0303, false), // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    (0xC027, 0x0303, false), // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, MAC-then-encrypt
    (0xC027, 0x0303, true),  // the same, Encrypt-then-MAC
    (0xCCA8, 0x0303, false), // TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
    (0x1301, 0x0304, false), // TLS_AES_128_GCM_SHA256
    (0x1303, 0x0304, false), // TLS_CHACHA20_POLY1305_SHA256
    (0x1301, 0x7f17, false), // draft 23: no additional data
    (0x1303, 0x7f12, false), // draft 18: "TLS 1.3, " labels, ServerHello without session id
];

/// Bytes of records this harness makes per input, at most (padding and canned messages
/// multiply the input), transcript bytes hashed for Finished messages included.
const MAX_OUTPUT: usize = 4 << 20;

const CLIENT: usize = 0;
const SERVER: usize = 1;

const MASTER: [u8; 48] = [0x4d; 48];
const SERVER_RANDOM: [u8; 32] = [0x52; 32];
const SESSION_ID: [u8; 32] = [0x5e; 32];
/// SHA-256("HelloRetryRequest"), the ServerHello random of a HelloRetryRequest.
const HRR_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

fn pre_master() -> Vec<u8> {
    let mut p = vec![0x03, 0x03];
    p.extend((2..48).map(|i| i as u8 ^ 0x50));
    p
}

/// The client random of a key log variant (`kl`, config bits 3-4).
fn client_random(tls13: bool, kl: u8) -> [u8; 32] {
    [(if tls13 { 0xB0 } else { 0xA0 }) + kl; 32]
}

/// The TLS 1.3 secrets (all SHA-256 sized): early, client / server handshake,
/// client / server application 0.
fn tls13_secret(which: u8) -> Vec<u8> {
    (0..32u8).map(|i| which ^ i.wrapping_mul(29)).collect()
}
const EARLY: u8 = 0x10;
const CLIENT_HS: u8 = 0x11;
const SERVER_HS: u8 = 0x12;
const CLIENT_AP: u8 = 0x13;
const SERVER_AP: u8 = 0x14;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The key log every run gets: one client random per (protocol, variant).
fn keylog() -> &'static KeyLog {
    static KEYLOG: OnceLock<KeyLog> = OnceLock::new();
    KEYLOG.get_or_init(|| {
        let mut text = String::new();
        let mut line = |label: &str, cr: [u8; 32], secret: &[u8]| {
            text.push_str(&format!("{label} {} {}\n", hex(&cr), hex(secret)));
        };
        line("CLIENT_RANDOM", client_random(false, 0), &MASTER);
        line("PMS_CLIENT_RANDOM", client_random(false, 1), &pre_master());
        line("PMS_CLIENT_RANDOM", client_random(false, 2), &pre_master());
        for kl in [0, 2] {
            let cr = client_random(true, kl);
            if kl == 2 {
                line("CLIENT_EARLY_TRAFFIC_SECRET", cr, &tls13_secret(EARLY));
            }
            line(
                "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                cr,
                &tls13_secret(CLIENT_HS),
            );
            line(
                "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                cr,
                &tls13_secret(SERVER_HS),
            );
            line("CLIENT_TRAFFIC_SECRET_0", cr, &tls13_secret(CLIENT_AP));
            line("SERVER_TRAFFIC_SECRET_0", cr, &tls13_secret(SERVER_AP));
            line("EXPORTER_SECRET", cr, &tls13_secret(0x15));
        }
        let cr = client_random(true, 1);
        line("CLIENT_TRAFFIC_SECRET_0", cr, &tls13_secret(CLIENT_AP));
        line("SERVER_TRAFFIC_SECRET_0", cr, &tls13_secret(SERVER_AP));
        let mut k = KeyLog::default();
        k.add(text.as_bytes(), "fuzz.keylog");
        k
    })
}

/// The DER of the samples' server certificate (the PEM decoded here: no base64 crate).
fn certificate() -> &'static [u8] {
    static DER: OnceLock<Vec<u8>> = OnceLock::new();
    DER.get_or_init(|| {
        let pem = include_str!("../../samples/keys/server-rsa2048.crt");
        let mut bits = 0u32;
        let mut n = 0;
        let mut out = Vec::new();
        for c in pem
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .flat_map(str::bytes)
        {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => continue,
            };
            bits = bits << 6 | v as u32;
            n += 6;
            if n >= 8 {
                n -= 8;
                out.push((bits >> n) as u8);
            }
        }
        out
    })
}

// ---------------------------------------------------------------------------
// Encoding helpers

fn vec8(b: &[u8]) -> Vec<u8> {
    [&[b.len() as u8][..], b].concat()
}
fn vec16(b: &[u8]) -> Vec<u8> {
    [&(b.len() as u16).to_be_bytes()[..], b].concat()
}
fn vec24(b: &[u8]) -> Vec<u8> {
    [&(b.len() as u32).to_be_bytes()[1..], b].concat()
}
fn ext(id: u16, body: &[u8]) -> Vec<u8> {
    [&id.to_be_bytes()[..], &vec16(body)].concat()
}
/// A handshake message: type, 3-byte length, body.
fn hs(msg_type: u8, body: &[u8]) -> Vec<u8> {
    [&[msg_type][..], &vec24(body)].concat()
}
fn u16s(v: &[u16]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_be_bytes()).collect()
}
fn record_header(content_type: u8, version: u16, len: usize) -> [u8; 5] {
    let l = (len as u16).to_be_bytes();
    let v = version.to_be_bytes();
    [content_type, v[0], v[1], l[0], l[1]]
}

// ---------------------------------------------------------------------------
// Record protection (the sending side)

enum Bulk {
    Gcm(Box<Aes128Gcm>),
    ChaCha(Box<ChaCha20Poly1305>),
    Cbc {
        aes: Box<Aes128>,
        mac_key: Vec<u8>,
        etm: bool,
    },
}

/// One direction's sending keys.
struct Sealer {
    bulk: Bulk,
    /// TLS 1.2 GCM: the 4-byte salt; ChaCha20 and TLS 1.3: the 12-byte IV.
    iv: Vec<u8>,
    seq: u64,
    tls13: bool,
    /// TLS 1.3: the record header is the additional data (not before draft 25).
    header_aad: bool,
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().to_vec()
}

impl Sealer {
    fn tls12(suite: &CipherSuite, etm: bool, mac_key: &[u8], key: &[u8], iv: &[u8]) -> Self {
        let bulk = match suite.id.0 {
            0xC02F => Bulk::Gcm(Box::new(Aes128Gcm::new_from_slice(key).expect("16 bytes"))),
            0xCCA8 => Bulk::ChaCha(Box::new(
                ChaCha20Poly1305::new_from_slice(key).expect("32 bytes"),
            )),
            _ => Bulk::Cbc {
                aes: Box::new(Aes128::new_from_slice(key).expect("16 bytes")),
                mac_key: mac_key.to_vec(),
                etm,
            },
        };
        Sealer {
            bulk,
            iv: iv.to_vec(),
            seq: 0,
            tls13: false,
            header_aad: true,
        }
    }

    fn tls13(suite: &CipherSuite, variant: Tls13Variant, secret: &[u8]) -> Self {
        let hash = SuiteHash::for_suite(suite);
        let (key, iv) = tls13::traffic_key_iv(hash, variant, secret, suite.key_len as usize);
        let bulk = if suite.id.0 == 0x1303 {
            Bulk::ChaCha(Box::new(
                ChaCha20Poly1305::new_from_slice(&key).expect("32 bytes"),
            ))
        } else {
            Bulk::Gcm(Box::new(Aes128Gcm::new_from_slice(&key).expect("16 bytes")))
        };
        Sealer {
            bulk,
            iv,
            seq: 0,
            tls13: true,
            header_aad: variant.record_header_is_aad(),
        }
    }

    /// The 12-byte IV XOR the sequence number (TLS 1.3, ChaCha20-Poly1305).
    fn xor_nonce(&self, seq: u64) -> [u8; 12] {
        let mut n = [0u8; 12];
        n.copy_from_slice(&self.iv[..12]);
        for (b, s) in n[4..].iter_mut().zip(seq.to_be_bytes()) {
            *b ^= s;
        }
        n
    }

    fn aead(&self, nonce: &[u8; 12], aad: &[u8], buf: &mut Vec<u8>) {
        let nonce = GenericArray::from_slice(nonce);
        let tag = match &self.bulk {
            Bulk::Gcm(a) => a.encrypt_in_place_detached(nonce, aad, buf),
            Bulk::ChaCha(a) => a.encrypt_in_place_detached(nonce, aad, buf),
            Bulk::Cbc { .. } => unreachable!("not an AEAD"),
        }
        .expect("record-sized input");
        buf.extend_from_slice(&tag);
    }

    /// A whole protected record (header and fragment). TLS 1.3: `content_type` is the
    /// inner type, `outer` the header's; `pad` zeros of padding (TLS 1.3) or extra CBC
    /// padding blocks.
    fn seal(
        &mut self,
        outer: u8,
        content_type: u8,
        version: u16,
        plain: &[u8],
        pad: usize,
    ) -> Vec<u8> {
        let seq = self.seq;
        self.seq = self.seq.wrapping_add(1);
        if self.tls13 {
            let mut buf = Vec::with_capacity(plain.len() + 1 + pad + 16);
            buf.extend_from_slice(plain);
            buf.push(content_type);
            buf.resize(buf.len() + pad, 0);
            let header = record_header(outer, version, buf.len() + 16);
            let aad: &[u8] = if self.header_aad { &header } else { &[] };
            let nonce = self.xor_nonce(seq);
            self.aead(&nonce, aad, &mut buf);
            return [&header[..], &buf].concat();
        }
        // TLS 1.2: the MAC / AAD header is seq, type, version, length.
        let mac_header = |len: usize| -> Vec<u8> {
            let mut h = seq.to_be_bytes().to_vec();
            h.push(content_type);
            h.extend_from_slice(&version.to_be_bytes());
            h.extend_from_slice(&(len as u16).to_be_bytes());
            h
        };
        let fragment = match &self.bulk {
            Bulk::Gcm(_) => {
                let explicit = seq.to_be_bytes();
                let mut nonce = [0u8; 12];
                nonce[..4].copy_from_slice(&self.iv[..4]);
                nonce[4..].copy_from_slice(&explicit);
                let mut buf = plain.to_vec();
                self.aead(&nonce, &mac_header(plain.len()), &mut buf);
                [&explicit[..], &buf].concat()
            }
            Bulk::ChaCha(_) => {
                let nonce = self.xor_nonce(seq);
                let mut buf = plain.to_vec();
                self.aead(&nonce, &mac_header(plain.len()), &mut buf);
                buf
            }
            Bulk::Cbc { aes, mac_key, etm } => {
                let mut inner = plain.to_vec();
                if !etm {
                    inner.extend(hmac_sha256(mac_key, &[&mac_header(plain.len()), plain]));
                }
                // Shortest padding, plus `pad` blocks while the length byte allows.
                let mut pad_len = 15 - inner.len() % 16;
                for _ in 0..pad {
                    if pad_len + 16 > 255 {
                        break;
                    }
                    pad_len += 16;
                }
                inner.extend(std::iter::repeat_n(pad_len as u8, pad_len + 1));
                let iv: Vec<u8> = (0..16u8)
                    .map(|i| (seq as u8).wrapping_mul(31) ^ i ^ 0xa5)
                    .collect();
                let mut prev = [0u8; 16];
                prev.copy_from_slice(&iv);
                let mut out = iv;
                for block in inner.chunks(16) {
                    let mut b = [0u8; 16];
                    for (o, (x, p)) in b.iter_mut().zip(block.iter().zip(prev)) {
                        *o = x ^ p;
                    }
                    let mut ga = GenericArray::from(b);
                    aes.encrypt_block(&mut ga);
                    prev.copy_from_slice(&ga);
                    out.extend_from_slice(&ga);
                }
                if *etm {
                    let tag = hmac_sha256(mac_key, &[&mac_header(out.len()), &out]);
                    out.extend(tag);
                }
                out
            }
        };
        [
            &record_header(outer, version, fragment.len())[..],
            &fragment,
        ]
        .concat()
    }
}

// ---------------------------------------------------------------------------
// Input

struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn u8(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes([self.u8()?, self.u8()?]))
    }
    /// `len(2)` then up to that many bytes (what is left if fewer).
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = self.u16()? as usize;
        let (b, rest) = self.0.split_at(len.min(self.0.len()));
        self.0 = rest;
        Some(b)
    }
}

// ---------------------------------------------------------------------------
// The connection

struct Conn {
    suite: &'static CipherSuite,
    /// The negotiated version (0x0303, 0x0304 or a draft).
    version: u16,
    etm: bool,
    tls13: bool,
    variant: Tls13Variant,
    hash: SuiteHash,
    kl: u8,
    client_random: [u8; 32],
    master: Vec<u8>,
    transcript: Vec<u8>,
    keys: [Option<Sealer>; 2],
    /// TLS 1.3: 0 = early, 1 = handshake, 2 = application 0, 3 … after KeyUpdates.
    generation: [usize; 2],
    secret: [Vec<u8>; 2],
    hello_retry: bool,
    second_client_hello: bool,
    /// TLS 1.3: the client's Finished went: the transcript is complete.
    transcript_done: bool,
    feed: StreamFeed,
    session: Session,
    secrets: Secrets,
    fed: [u64; 2],
    ts: i64,
    output: usize,
}

impl Conn {
    fn prf_kind(&self) -> PrfKind {
        PrfKind::for_suite(self.version, self.suite)
    }

    /// Hands bytes of one direction to the session (in two pieces with `split`).
    fn deliver(&mut self, dir: usize, bytes: &[u8], split: bool) {
        self.output += bytes.len();
        let pieces = if split {
            let (a, b) = bytes.split_at(bytes.len() / 2);
            vec![a, b]
        } else {
            vec![bytes]
        };
        for p in pieces {
            if p.is_empty() {
                continue;
            }
            self.ts += 1_000_000;
            self.fed[dir] += p.len() as u64;
            self.feed.feed(
                &mut self.session,
                Direction::from_index(dir),
                Chunk::Data(p),
                self.ts,
                &mut self.secrets,
            );
        }
    }

    fn gap(&mut self, dir: usize, len: u64) {
        let gap = Gap {
            offset: self.fed[dir],
            len,
        };
        self.fed[dir] = self.fed[dir].saturating_add(len);
        self.ts += 1_000_000;
        self.feed.feed(
            &mut self.session,
            Direction::from_index(dir),
            Chunk::Gap(gap),
            self.ts,
            &mut self.secrets,
        );
    }

    /// A record of `content_type` from `dir`: protected when the direction has keys.
    /// Returns the bytes (header included) without sending them.
    fn record(
        &mut self,
        dir: usize,
        content_type: u8,
        data: &[u8],
        pad: usize,
        alt: bool,
    ) -> Vec<u8> {
        let version = if alt && !self.tls13 { 0x0301 } else { 0x0303 };
        match &mut self.keys[dir] {
            Some(s) => {
                let outer = if s.tls13 && !alt { 23 } else { content_type };
                s.seal(outer, content_type, version, data, pad)
            }
            None => [&record_header(content_type, version, data.len())[..], data].concat(),
        }
    }

    /// A handshake message from `dir`, in the transcript when `transcript` (else a
    /// HelloRequest or a TLS 1.3 post-handshake message), sent in one record.
    fn message(&mut self, dir: usize, raw: &[u8], transcript: bool) {
        if transcript && !self.transcript_done {
            self.transcript.extend_from_slice(raw);
        }
        let rec = self.record(dir, 22, raw, 0, false);
        self.deliver(dir, &rec, false);
    }

    /// TLS 1.3: moves `dir` to keys of `generation`.
    fn set_generation(&mut self, dir: usize, generation: usize) {
        let generation = if dir == SERVER {
            generation.max(1)
        } else {
            generation
        };
        let rfc = Tls13Variant {
            draft: None,
            dtls: false,
        };
        let (secret, variant) = match (dir, generation) {
            // The session keys early data under the RFC labels, whatever the ServerHello.
            (CLIENT, 0) => (tls13_secret(EARLY), rfc),
            (CLIENT, 1) => (tls13_secret(CLIENT_HS), self.variant),
            (_, 1) => (tls13_secret(SERVER_HS), self.variant),
            (CLIENT, 2) => (tls13_secret(CLIENT_AP), self.variant),
            (_, 2) => (tls13_secret(SERVER_AP), self.variant),
            _ => (
                tls13::next_traffic_secret(self.hash, self.variant, &self.secret[dir]),
                self.variant,
            ),
        };
        self.keys[dir] = Some(Sealer::tls13(self.suite, variant, &secret));
        self.secret[dir] = secret;
        self.generation[dir] = generation;
    }

    fn next_keys(&mut self, dir: usize) {
        if self.tls13 {
            let g = if self.keys[dir].is_some() {
                self.generation[dir] + 1
            } else {
                self.generation[dir].max(1)
            };
            self.set_generation(dir, g);
        }
    }

    /// TLS ≤ 1.2: the ChangeCipherSpec from `dir`; its keys start (TLS 1.3: a
    /// compatibility no-op).
    fn change_cipher_spec(&mut self, dir: usize) {
        let rec = [20, 3, 3, 0, 1, 1];
        self.deliver(dir, &rec, false);
        if self.tls13 {
            return;
        }
        let k = prf::session_keys(
            self.prf_kind(),
            self.version,
            self.suite,
            &self.master,
            &self.client_random,
            &SERVER_RANDOM,
        );
        self.keys[dir] = Some(if dir == CLIENT {
            Sealer::tls12(
                self.suite,
                self.etm,
                &k.client_mac,
                &k.client_key,
                &k.client_iv,
            )
        } else {
            Sealer::tls12(
                self.suite,
                self.etm,
                &k.server_mac,
                &k.server_key,
                &k.server_iv,
            )
        });
    }

    fn finished(&mut self, dir: usize, corrupt: bool) {
        // Hashing the transcript costs (here and in the session) its length: count it,
        // or a run of one-byte Finished operations would hash megabytes each.
        self.output += self.transcript.len();
        let mut verify_data = if self.tls13 {
            let base = tls13_secret(if dir == CLIENT { CLIENT_HS } else { SERVER_HS });
            let th = self.hash.digest(&self.transcript);
            tls13::finished_verify_data(self.hash, self.variant, &base, &th)
        } else {
            prf::finished_verify_data(
                self.prf_kind(),
                &self.master,
                dir == CLIENT,
                &self.transcript,
            )
        };
        if corrupt {
            verify_data[0] ^= 1;
        }
        self.message(dir, &hs(20, &verify_data), true);
        if self.tls13 {
            if dir == CLIENT {
                self.transcript_done = true;
            }
            let g = self.generation[dir].max(1) + 1;
            self.set_generation(dir, g);
        }
    }

    fn client_hello(&self) -> Vec<u8> {
        let mut exts = Vec::new();
        exts.extend(ext(
            0,
            &vec16(&[&[0u8][..], &vec16(b"fuzz.example")].concat()),
        ));
        exts.extend(ext(10, &vec16(&u16s(&[0x001d, 0x0017]))));
        exts.extend(ext(13, &vec16(&u16s(&[0x0804, 0x0401, 0x0403]))));
        exts.extend(ext(16, &vec16(&vec8(b"h2"))));
        let suites: Vec<u16> = if self.tls13 {
            exts.extend(ext(43, &vec8(&u16s(&[0x0304, 0x7f17, 0x7f12]))));
            exts.extend(ext(
                51,
                &vec16(&[&u16s(&[0x001d])[..], &vec16(&[0x4b; 32])].concat()),
            ));
            exts.extend(ext(45, &vec8(&[1])));
            if self.kl == 2 {
                exts.extend(ext(42, &[]));
                let identity = [&vec16(&[0x71; 40])[..], &[0, 0, 0, 9]].concat();
                let binders = vec16(&vec8(&[0x62; 32]));
                exts.extend(ext(41, &[&vec16(&identity)[..], &binders].concat()));
            }
            vec![self.suite.id.0, 0x1301, 0x1302, 0x1303]
        } else {
            exts.extend(ext(11, &vec8(&[0])));
            exts.extend(ext(35, &[]));
            exts.extend(ext(0xff01, &[0]));
            if self.kl == 1 {
                exts.extend(ext(23, &[]));
            }
            if self.etm {
                exts.extend(ext(22, &[]));
            }
            vec![self.suite.id.0, 0xC02F, 0xC027, 0xCCA8, 0x009C, 0x00FF]
        };
        let mut body = vec![3, 3];
        body.extend_from_slice(&self.client_random);
        body.extend(vec8(&SESSION_ID));
        body.extend(vec16(&u16s(&suites)));
        body.extend(vec8(&[0]));
        body.extend(vec16(&exts));
        hs(1, &body)
    }

    fn server_hello(&self, retry: bool) -> Vec<u8> {
        let suite = self.suite.id.0.to_be_bytes();
        let random = if retry { HRR_RANDOM } else { SERVER_RANDOM };
        if !self.tls13 {
            let mut exts = ext(0xff01, &[0]);
            exts.extend(ext(11, &vec8(&[0])));
            if self.kl == 1 {
                exts.extend(ext(23, &[]));
            }
            if self.etm {
                exts.extend(ext(22, &[]));
            }
            let body = [
                &[3u8, 3][..],
                &random,
                &vec8(&SESSION_ID),
                &suite,
                &[0],
                &vec16(&exts),
            ];
            return hs(2, &body.concat());
        }
        let key_share = if retry {
            ext(51, &u16s(&[0x001d]))
        } else {
            ext(51, &[&u16s(&[0x001d])[..], &vec16(&[0x53; 32])].concat())
        };
        if self.version == 0x7f12 {
            // Draft 18: the version in the legacy field, no session id, no compression.
            let body = [&u16s(&[0x7f12])[..], &random, &suite, &vec16(&key_share)];
            return hs(2, &body.concat());
        }
        let exts = [ext(43, &u16s(&[self.version])), key_share].concat();
        let body = [
            &[3u8, 3][..],
            &random,
            &vec8(&SESSION_ID),
            &suite,
            &[0],
            &vec16(&exts),
        ];
        hs(2, &body.concat())
    }

    /// Handshake message `index` of the canned list, and whether it is in the transcript.
    fn canned(&self, index: u8) -> (Vec<u8>, bool) {
        let cert = certificate();
        let sigalgs = ext(13, &vec16(&u16s(&[0x0804, 0x0401])));
        if self.tls13 {
            match index % 10 {
                0 => (self.server_hello(false), true),
                1 => (hs(8, &vec16(&ext(16, &vec16(&vec8(b"h2"))))), true),
                2 => (hs(8, &vec16(&ext(42, &[]))), true),
                3 => {
                    let entry = [vec24(cert), vec16(&[])].concat();
                    (hs(11, &[vec8(&[]), vec24(&entry)].concat()), true)
                }
                4 => (
                    hs(15, &[&u16s(&[0x0804])[..], &vec16(&[0x33; 256])].concat()),
                    true,
                ),
                5 => {
                    let early = ext(42, &16384u32.to_be_bytes());
                    let body = [
                        &7200u32.to_be_bytes()[..],
                        &0x0102_0304u32.to_be_bytes(),
                        &vec8(&[0; 8]),
                        &vec16(&[0x74; 64]),
                        &vec16(&early),
                    ];
                    (hs(4, &body.concat()), false)
                }
                6 => (self.server_hello(true), true),
                7 => (self.client_hello(), true),
                8 => (hs(13, &[vec8(&[]), vec16(&sigalgs)].concat()), true),
                _ => (hs(11, &[vec8(&[]), vec24(&[])].concat()), true), // empty client Certificate
            }
        } else {
            match index % 10 {
                0 => (self.server_hello(false), true),
                1 => (hs(11, &vec24(&vec24(cert))), true),
                2 => {
                    let params = [&[3u8][..], &u16s(&[0x001d]), &vec8(&[0x53; 32])].concat();
                    let sig = [&u16s(&[0x0401])[..], &vec16(&[0x33; 256])].concat();
                    (hs(12, &[params, sig].concat()), true)
                }
                3 => (hs(14, &[]), true),
                4 => (hs(16, &vec8(&[0x43; 32])), true),
                5 => {
                    let body = [&7200u32.to_be_bytes()[..], &vec16(&[0x74; 48])].concat();
                    (hs(4, &body), true)
                }
                6 => (hs(0, &[]), false), // HelloRequest
                7 => (self.client_hello(), true),
                8 => {
                    let body = [vec8(&[1, 64]), vec16(&u16s(&[0x0401, 0x0804])), vec16(&[])];
                    (hs(13, &body.concat()), true)
                }
                _ => (
                    hs(15, &[&u16s(&[0x0401])[..], &vec16(&[0x33; 256])].concat()),
                    true,
                ),
            }
        }
    }

    fn send_canned(&mut self, dir: usize, index: u8) {
        let (raw, in_transcript) = self.canned(index);
        match (raw[0], self.tls13) {
            (1, _) => {
                // A ClientHello: the second after a HelloRetryRequest continues the
                // transcript, any other starts a new one (renegotiation).
                if self.tls13 && self.hello_retry && !self.second_client_hello {
                    self.second_client_hello = true;
                } else {
                    self.transcript.clear();
                    self.transcript_done = false;
                }
            }
            (2, true) if raw[4..].get(2..34) == Some(&HRR_RANDOM[..]) => {
                // The transcript restarts from the hash of ClientHello1.
                let t = tls13::message_hash(self.hash, &self.transcript);
                self.transcript = t;
                self.hello_retry = true;
            }
            _ => {}
        }
        self.message(dir, &raw, in_transcript);
        if self.tls13 && raw[0] == 2 && raw[4..].get(2..34) != Some(&HRR_RANDOM[..]) {
            // After the ServerHello both sides are encrypted: the server under its
            // handshake keys, the client too unless it is still sending early data.
            if self.keys[SERVER].is_none() {
                self.set_generation(SERVER, 1);
            }
            if self.keys[CLIENT].is_none() {
                self.set_generation(CLIENT, 1);
            }
        }
        if !self.tls13 && raw[0] == 16 && self.kl != 0 && self.kl != 3 {
            // The session derives the master secret from the logged pre-master secret.
            let kind = self.prf_kind();
            self.master = if self.kl == 1 {
                let hash = prf::session_hash(kind, &self.transcript);
                prf::extended_master_secret(kind, &pre_master(), &hash).to_vec()
            } else {
                prf::master_secret(kind, &pre_master(), &self.client_random, &SERVER_RANDOM)
                    .to_vec()
            };
        }
    }

    /// The canned full handshake (config bit 5).
    fn script(&mut self) {
        if self.tls13 {
            if self.kl == 2 {
                let rec = self.record(CLIENT, 23, b"GET /early HTTP/1.1\r\n\r\n", 0, false);
                self.deliver(CLIENT, &rec, false);
            }
            self.send_canned(SERVER, 0);
            self.send_canned(SERVER, if self.kl == 2 { 2 } else { 1 });
            self.send_canned(SERVER, 3);
            self.send_canned(SERVER, 4);
            self.finished(SERVER, false);
            if self.kl == 2 {
                self.message(CLIENT, &hs(5, &[]), true); // EndOfEarlyData
                self.next_keys(CLIENT);
            }
            self.finished(CLIENT, false);
            self.send_canned(SERVER, 5);
        } else {
            for i in 0..4 {
                self.send_canned(SERVER, i);
            }
            self.send_canned(CLIENT, 4);
            self.change_cipher_spec(CLIENT);
            self.finished(CLIENT, false);
            self.send_canned(SERVER, 5);
            self.change_cipher_spec(SERVER);
            self.finished(SERVER, false);
        }
    }

    /// One operation; None at the end of the input.
    fn op(&mut self, input: &mut Input<'_>) -> Option<()> {
        let op = input.u8()?;
        let dir = (op >> 7) as usize;
        match op & 7 {
            kind @ (0 | 7) => {
                let pos = if kind == 7 { Some(input.u16()?) } else { None };
                let content_type = input.u8()?;
                let data = input.bytes()?;
                // Read whatever the state, so that the format does not depend on it.
                let pad = match op >> 3 & 3 {
                    0 => 0,
                    m => {
                        let p = input.u8()? as usize;
                        if self.tls13 {
                            p * [1, 4, 64][m as usize - 1]
                        } else {
                            p
                        }
                    }
                };
                if content_type == 22 && !self.transcript_done {
                    self.transcript.extend_from_slice(data);
                }
                let mut rec = self.record(dir, content_type, data, pad, op & 0x20 != 0);
                if let Some(pos) = pos {
                    let at = pos as usize % rec.len();
                    if op & 0x40 != 0 {
                        rec.truncate(at);
                    } else {
                        rec[at] ^= 0x80;
                    }
                }
                self.deliver(dir, &rec, kind == 0 && op & 0x40 != 0);
            }
            1 => {
                let content_type = input.u8()?;
                let data = input.bytes()?;
                let rec = [&record_header(content_type, 0x0303, data.len())[..], data].concat();
                self.deliver(dir, &rec, op & 0x40 != 0);
            }
            2 => {
                let data = input.bytes()?;
                self.deliver(dir, data, false);
            }
            3 => {
                let index = input.u8()?;
                self.send_canned(dir, index);
            }
            4 => self.finished(dir, op & 8 != 0),
            5 => match op >> 3 & 3 {
                0 => self.next_keys(dir),
                1 => {
                    self.message(dir, &hs(24, &[op >> 5 & 1]), false);
                    self.next_keys(dir);
                }
                2 => self.change_cipher_spec(dir),
                _ => {
                    self.message(dir, &hs(5, &[]), true);
                    self.next_keys(dir);
                }
            },
            _ => {
                let len = input.u16()?;
                self.gap(dir, len as u64);
            }
        }
        Some(())
    }
}

/// See the module documentation for the input format.
pub fn session_decrypted(data: &[u8]) {
    std::hint::black_box(session_decrypted_report(data));
}

/// The run of [`session_decrypted`], and the report it made (JSON), if the session
/// saw TLS: the regression test checks with it that the records authenticate.
pub fn session_decrypted_report(data: &[u8]) -> Option<String> {
    let mut input = Input(data);
    let config = input.u8()?;
    let (suite_id, version, etm) = CHOICES[(config & 7) as usize];
    let suite = lookup(CipherSuiteId(suite_id))?;
    let tls13 = suite.is_tls13();
    let kl = config >> 3 & 3;
    let small = config & 0x80 != 0;
    let settings = SessionSettings {
        retention: Retention {
            messages: true,
            max_messages: if small { 8 } else { 64 },
            secrets: true,
        },
        budget: MemoryBudget::new(if small { 4096 } else { 1 << 20 }),
        decrypt: true,
        decode_app: true,
    };
    let endpoints = [
        Endpoint {
            ip: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
            port: 50_000,
        },
        Endpoint {
            ip: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
            port: 443,
        },
    ];
    let mut session = Session::new(0, endpoints, &settings);
    if config & 0x40 != 0 {
        session = session.with_app_decoder(Box::new(FollowSinkForFuzz(FollowWriter::new(
            std::io::sink(),
            Which::Both,
            Format::Hex,
        ))));
    }
    let mut secrets = Secrets::new(Vec::new(), keylog().clone());
    secrets.validator = Some(super::validator());
    secrets.set_keylog_sink(Box::new(|line| {
        std::hint::black_box(line);
    }));
    let variant = Tls13Variant::from_version(version).unwrap_or(Tls13Variant {
        draft: None,
        dtls: false,
    });
    let mut c = Conn {
        suite,
        version,
        etm,
        tls13,
        variant,
        hash: SuiteHash::for_suite(suite),
        kl,
        client_random: client_random(tls13, kl),
        master: MASTER.to_vec(),
        transcript: Vec::new(),
        keys: [None, None],
        generation: [0, 0],
        secret: [Vec::new(), Vec::new()],
        hello_retry: false,
        second_client_hello: false,
        transcript_done: false,
        feed: StreamFeed::default(),
        session,
        secrets,
        fed: [0, 0],
        ts: 1_700_000_000_000_000_000,
        output: 0,
    };

    let hello = c.client_hello();
    c.message(CLIENT, &hello, true);
    if tls13 && kl == 2 {
        // 0-RTT: the client's next records are under its early traffic secret.
        c.set_generation(CLIENT, 0);
    }
    if config & 0x20 != 0 {
        c.script();
    }
    while c.output < MAX_OUTPUT && c.op(&mut input).is_some() {}

    let summary = FlowSummary {
        id: 0,
        endpoints,
        opener: Some(Direction::Forward),
        first_seen_ns: 1_700_000_000_000_000_000,
        last_seen_ns: c.ts,
        first_frame: 1,
        last_frame: 1,
        stats: Default::default(),
        gaps: Default::default(),
        snaplen_cut: false,
        open_at_end: false,
        evicted: false,
    };
    let _ = c.session.buffered();
    let report = c.session.finish(&summary)?;
    // The inspect view costs a third of a run: only with the follow sink (net_tcp
    // renders every report anyway).
    let mut table = tlsscope::report::table::SummaryTable::new(
        std::io::sink(),
        tlsscope::report::table::TableStyle {
            width: Some(80),
            color: true,
        },
    );
    let mut inspect =
        (config & 0x40 != 0).then(|| tlsscope::report::table::InspectView::new(std::io::sink()));
    let _ = table.connection(&report);
    if let Some(v) = &mut inspect {
        let _ = v.connection(&report);
    }
    let report = Report {
        capture: CaptureReport {
            tcp_connections: 1,
            tls_connections: 1,
            ..Default::default()
        },
        connections: vec![report],
    };
    let _ = table.end(&report.capture);
    if let Some(v) = inspect {
        let _ = v.end(&report.capture);
    }
    Some(tlsscope::report::to_json(&report))
}
