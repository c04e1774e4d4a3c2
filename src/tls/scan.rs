//! A light look at the first records of a connection, ahead of the full decoder: does
//! the ServerHello choose RSA key exchange, what RSA modulus does the server's
//! certificate carry, and what is the encrypted pre-master secret *z* in the
//! ClientKeyExchange? The transport stage uses it to start the RSA decryption with that
//! certificate's key on another core before the session stage needs it.
//!
//! It gives up rather than guess: on a gap, a record that does not look like TLS, a
//! ChangeCipherSpec (what follows is encrypted), or after a few records. A
//! ClientKeyExchange without a certificate before it is not handed on: its keys would be
//! tried blind, which the session stage does within the run's allowance.

use super::cipher_suite::{self, KeyExchange};
use super::hello::ServerHello;
use super::registry::{ContentType, HandshakeType, ProtocolVersion};

/// Records looked at per direction before giving up.
const MAX_RECORDS: u32 = 8;
/// ServerHello and ClientKeyExchange messages longer than this are not read.
const MAX_COLLECT: usize = 4096;
/// Bytes of the server's Certificate message kept: the leaf certificate's subject public
/// key comes before its extensions, in the first kilobyte or two of the message.
const CERTIFICATE_PREFIX: usize = 4096;

/// A ClientKeyExchange the pool can decrypt ahead of need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefetchable {
    /// *z*, as the ClientKeyExchange carries it.
    pub ciphertext: Vec<u8>,
    /// The RSA modulus of the server's leaf certificate (big-endian, no leading zeros).
    pub modulus: Vec<u8>,
}

#[derive(Debug, Default)]
struct DirScan {
    /// Record header bytes seen so far.
    header: Vec<u8>,
    /// Bytes of the current record still to come.
    remaining: usize,
    records: u32,
    dead: bool,
    /// Handshake message header bytes seen so far (a header may span records).
    msg_header: Vec<u8>,
    /// Inside the body of a handshake message of this type.
    msg_type: Option<HandshakeType>,
    /// Bytes of the current message's body still to come.
    msg_remaining: usize,
    /// The current message's body (its first `collect_limit` bytes), when it is one the
    /// scanner reads.
    collect: Option<Vec<u8>>,
    collect_limit: usize,
}

/// Per-connection scanner state; directions are indices 0 and 1.
#[derive(Debug, Default)]
pub struct KeyExchangeScanner {
    dirs: [DirScan; 2],
    /// The ServerHello's suite uses RSA key exchange (TLS, not SSL 3.0).
    rsa: Option<bool>,
    /// The direction the ServerHello came from.
    server: Option<usize>,
    /// From the server's last Certificate message.
    modulus: Option<Vec<u8>>,
    found: bool,
}

impl KeyExchangeScanner {
    /// Nothing more to learn from this connection.
    pub fn is_done(&self) -> bool {
        self.found || self.rsa == Some(false) || self.dirs.iter().all(|d| d.dead)
    }

    /// The stream of direction `dir` lost bytes.
    pub fn gap(&mut self, dir: usize) {
        self.dirs[dir].dead = true;
    }

    /// Feeds stream bytes of one direction; returns *z* (the ClientKeyExchange's
    /// encrypted pre-master secret) and the server certificate's modulus once *z* is seen
    /// after an RSA ServerHello and a Certificate with an RSA key.
    pub fn feed(&mut self, dir: usize, mut data: &[u8]) -> Option<Prefetchable> {
        while !data.is_empty() && !self.dirs[dir].dead && !self.found {
            let d = &mut self.dirs[dir];
            if d.remaining == 0 {
                let need = 5 - d.header.len();
                let take = need.min(data.len());
                d.header.extend_from_slice(&data[..take]);
                data = &data[take..];
                if d.header.len() < 5 {
                    return None;
                }
                let (ty, major) = (d.header[0], d.header[1]);
                let len = u16::from_be_bytes([d.header[3], d.header[4]]) as usize;
                d.header.clear();
                d.records += 1;
                if ContentType(ty) != ContentType::HANDSHAKE
                    || major != 3
                    || len == 0
                    || d.records > MAX_RECORDS
                {
                    // ChangeCipherSpec, alerts, data, or not TLS: stop looking.
                    d.dead = true;
                    return None;
                }
                d.remaining = len;
                continue;
            }
            let take = d.remaining.min(data.len());
            d.remaining -= take;
            let (fragment, rest) = data.split_at(take);
            data = rest;
            if let Some(found) = self.handshake_bytes(dir, fragment) {
                return Some(found);
            }
        }
        None
    }

    /// Handshake-layer bytes of one direction (messages may span records).
    fn handshake_bytes(&mut self, dir: usize, mut data: &[u8]) -> Option<Prefetchable> {
        while !data.is_empty() && !self.found {
            if self.dirs[dir].msg_type.is_none() {
                let d = &mut self.dirs[dir];
                let take = (4 - d.msg_header.len()).min(data.len());
                d.msg_header.extend_from_slice(&data[..take]);
                data = &data[take..];
                if d.msg_header.len() < 4 {
                    return None;
                }
                let h = std::mem::take(&mut d.msg_header);
                let len = u32::from_be_bytes([0, h[1], h[2], h[3]]) as usize;
                let ty = HandshakeType(h[0]);
                let limit = self.collect_limit(dir, ty, len);
                let d = &mut self.dirs[dir];
                d.msg_type = Some(ty);
                d.msg_remaining = len;
                d.collect = limit.map(|_| Vec::new());
                d.collect_limit = limit.unwrap_or(0);
            }
            let d = &mut self.dirs[dir];
            let take = d.msg_remaining.min(data.len());
            if let Some(c) = &mut d.collect {
                let room = d.collect_limit - c.len();
                c.extend_from_slice(&data[..take.min(room)]);
            }
            d.msg_remaining -= take;
            data = &data[take..];
            if d.msg_remaining == 0 {
                let ty = d.msg_type.take();
                if let (Some(ty), Some(body)) = (ty, d.collect.take()) {
                    if let Some(found) = self.message(dir, ty, &body) {
                        return Some(found);
                    }
                }
            }
        }
        None
    }

    /// How much of a message of type `ty` and length `len` from `dir` to keep, if any.
    fn collect_limit(&self, dir: usize, ty: HandshakeType, len: usize) -> Option<usize> {
        let from_server = self.server == Some(dir);
        let from_client = self.server.is_some() && !from_server;
        match ty {
            HandshakeType::SERVER_HELLO if self.server.is_none() && len <= MAX_COLLECT => Some(len),
            HandshakeType::CERTIFICATE if from_server && self.rsa == Some(true) => {
                Some(len.min(CERTIFICATE_PREFIX))
            }
            HandshakeType::CLIENT_KEY_EXCHANGE
                if from_client && self.rsa == Some(true) && len <= MAX_COLLECT =>
            {
                Some(len)
            }
            _ => None,
        }
    }

    /// A message read whole (a Certificate: its first bytes).
    fn message(&mut self, dir: usize, ty: HandshakeType, body: &[u8]) -> Option<Prefetchable> {
        match ty {
            HandshakeType::SERVER_HELLO => {
                let rsa = ServerHello::parse(body).is_ok_and(|sh| {
                    // SSL 3.0 sends z without its length: not worth the special case here.
                    sh.version() > ProtocolVersion::SSL3
                        && sh.version() <= ProtocolVersion::TLS1_2
                        && cipher_suite::lookup(sh.suite_id()).is_some_and(|s| {
                            matches!(s.key_exchange, KeyExchange::Rsa | KeyExchange::RsaExport)
                        })
                });
                self.rsa = Some(rsa);
                self.server = Some(dir);
                None
            }
            // The last one counts, as in the session stage.
            HandshakeType::CERTIFICATE => {
                self.modulus = leaf_rsa_modulus(body);
                None
            }
            HandshakeType::CLIENT_KEY_EXCHANGE => {
                self.found = true;
                let n = u16::from_be_bytes([*body.first()?, *body.get(1)?]) as usize;
                if n + 2 != body.len() || n < 64 {
                    return None;
                }
                Some(Prefetchable {
                    ciphertext: body[2..].to_vec(),
                    modulus: self.modulus.clone()?,
                })
            }
            _ => None,
        }
    }
}

/// DER tags walked through.
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OID: u8 = 0x06;
const SEQUENCE: u8 = 0x30;
const EXPLICIT_0: u8 = 0xa0;
/// rsaEncryption (1.2.840.113549.1.1.1) and RSASSA-PSS (1.2.840.113549.1.1.10), the key
/// types whose modulus the session stage takes from a certificate.
const RSA_OIDS: [&[u8]; 2] = [
    &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
    &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a],
];

/// The RSA modulus of the first certificate of a TLS ≤ 1.2 Certificate message body, from
/// as much of it as was kept: only the elements up to the subject public key need to be
/// whole (RFC 5280 §4.1: version, serial, signature, issuer, validity, subject, key).
fn leaf_rsa_modulus(body: &[u8]) -> Option<Vec<u8>> {
    // certificate_list length (3 bytes), the first certificate's length (3 bytes).
    let certificate = body.get(6..)?;
    let certificate = open(certificate, SEQUENCE)?;
    let mut tbs = open(certificate, SEQUENCE)?;
    if tbs.first() == Some(&EXPLICIT_0) {
        tbs = element(tbs, EXPLICIT_0)?.1;
    }
    for tag in [INTEGER, SEQUENCE, SEQUENCE, SEQUENCE, SEQUENCE] {
        tbs = element(tbs, tag)?.1;
    }
    let (spki, _) = element(tbs, SEQUENCE)?;
    let (algorithm, spki) = element(spki, SEQUENCE)?;
    let (oid, _) = element(algorithm, OID)?;
    if !RSA_OIDS.contains(&oid) {
        return None;
    }
    let (bits, _) = element(spki, BIT_STRING)?;
    let (&0, key) = bits.split_first()? else {
        return None;
    };
    let (key, _) = element(key, SEQUENCE)?;
    let (modulus, _) = element(key, INTEGER)?;
    let first = modulus.iter().position(|&b| b != 0)?;
    Some(modulus[first..].to_vec())
}

/// The tag and length at the start of `input`: (header length, content length).
fn header(input: &[u8], tag: u8) -> Option<(usize, usize)> {
    if *input.first()? != tag {
        return None;
    }
    let first = *input.get(1)?;
    if first < 0x80 {
        return Some((2, first as usize));
    }
    let n = (first & 0x7f) as usize;
    if n == 0 || n > 3 {
        return None; // indefinite (not DER), or longer than any handshake message
    }
    let len = input
        .get(2..2 + n)?
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | b as usize);
    Some((2 + n, len))
}

/// A whole element with tag `tag`: its content and what follows it.
fn element(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (h, len) = header(input, tag)?;
    let content = input.get(h..h.checked_add(len)?)?;
    Some((content, &input[h + len..]))
}

/// The start of the content of a constructed element that may be cut short.
fn open(input: &[u8], tag: u8) -> Option<&[u8]> {
    let (h, len) = header(input, tag)?;
    let content = input.get(h..)?;
    Some(&content[..len.min(content.len())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use HandshakeType as H;

    fn record(ty: u8, body: &[u8]) -> Vec<u8> {
        let mut r = vec![ty, 3, 3];
        r.extend_from_slice(&(body.len() as u16).to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    fn message(ty: HandshakeType, body: &[u8]) -> Vec<u8> {
        let mut m = vec![ty.0];
        m.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        m.extend_from_slice(body);
        m
    }

    fn server_hello(suite: u16) -> Vec<u8> {
        let mut b = vec![3, 3];
        b.extend_from_slice(&[7; 32]);
        b.push(0);
        b.extend_from_slice(&suite.to_be_bytes());
        b.push(0);
        message(H::SERVER_HELLO, &b)
    }

    fn client_key_exchange(z: &[u8]) -> Vec<u8> {
        let mut b = (z.len() as u16).to_be_bytes().to_vec();
        b.extend_from_slice(z);
        message(H::CLIENT_KEY_EXCHANGE, &b)
    }

    /// The 1024-bit test certificate (DER).
    fn certificate_der() -> Vec<u8> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/crypto/testdata/rsa1024-cert.pem"
        );
        let pem = std::fs::read(path).unwrap();
        x509_parser::pem::parse_x509_pem(&pem).unwrap().1.contents
    }

    /// A Certificate message body: the list of `certs`.
    fn certificate_body(certs: &[&[u8]]) -> Vec<u8> {
        let mut list = Vec::new();
        for c in certs {
            list.extend_from_slice(&(c.len() as u32).to_be_bytes()[1..]);
            list.extend_from_slice(c);
        }
        let mut b = (list.len() as u32).to_be_bytes()[1..].to_vec();
        b.extend(list);
        b
    }

    /// The modulus the session stage reads from the certificate (x509-parser).
    fn session_modulus(der: &[u8]) -> Vec<u8> {
        crate::tls::certificate::summarize(der)
            .unwrap()
            .public_key
            .rsa_modulus
            .unwrap()
    }

    #[test]
    fn finds_z_and_modulus_fed_byte_by_byte() {
        let der = certificate_der();
        let modulus = session_modulus(&der);
        let mut s = KeyExchangeScanner::default();
        // ServerHello, Certificate and ServerHelloDone in one record, as OpenSSL sends them.
        let mut flight = server_hello(0x009c);
        flight.extend(message(H::CERTIFICATE, &certificate_body(&[&der, &der])));
        flight.extend(message(H::SERVER_HELLO_DONE, &[]));
        for b in record(22, &flight).chunks(1) {
            assert_eq!(s.feed(1, b), None);
        }
        let client = record(22, &client_key_exchange(&[9; 256]));
        let mut got = None;
        for b in client.chunks(7) {
            got = got.or(s.feed(0, b));
        }
        assert_eq!(
            got,
            Some(Prefetchable {
                ciphertext: vec![9; 256],
                modulus
            })
        );
        assert!(s.is_done());
    }

    /// Messages split across records, and records across messages.
    #[test]
    fn messages_spanning_records() {
        let der = certificate_der();
        let mut flight = server_hello(0x002f);
        flight.extend(message(H::CERTIFICATE, &certificate_body(&[&der])));
        flight.extend(message(H::SERVER_HELLO_DONE, &[]));
        let mut s = KeyExchangeScanner::default();
        for part in flight.chunks(100) {
            assert_eq!(s.feed(1, &record(22, part)), None);
        }
        let cke = client_key_exchange(&[5; 128]);
        let (a, b) = cke.split_at(3);
        assert_eq!(s.feed(0, &record(22, a)), None);
        let got = s.feed(0, &record(22, b)).unwrap();
        assert_eq!(got.modulus, session_modulus(&der));
        assert_eq!(got.ciphertext, vec![5; 128]);
    }

    /// Without a Certificate (lost, or never sent), nothing is prefetched: those keys
    /// are tried blind, by the session stage, within the run's allowance.
    #[test]
    fn nothing_without_a_certificate() {
        let mut s = KeyExchangeScanner::default();
        let mut flight = server_hello(0x009c);
        flight.extend(message(H::SERVER_HELLO_DONE, &[]));
        s.feed(1, &record(22, &flight));
        assert_eq!(
            s.feed(0, &record(22, &client_key_exchange(&[9; 256]))),
            None
        );
        assert!(s.is_done());
        // A Certificate that does not parse is no certificate either.
        let mut s = KeyExchangeScanner::default();
        let mut flight = server_hello(0x009c);
        flight.extend(message(
            H::CERTIFICATE,
            &certificate_body(&[&[0x30, 3, 1, 2, 3]]),
        ));
        s.feed(1, &record(22, &flight));
        assert_eq!(
            s.feed(0, &record(22, &client_key_exchange(&[9; 256]))),
            None
        );
    }

    #[test]
    fn ignores_other_key_exchanges_and_encrypted_records() {
        let mut s = KeyExchangeScanner::default();
        s.feed(1, &record(22, &server_hello(0xc02f)));
        assert!(s.is_done(), "ECDHE: nothing to prefetch");
        let mut s = KeyExchangeScanner::default();
        let mut flight = server_hello(0x009c);
        flight.extend(message(
            H::CERTIFICATE,
            &certificate_body(&[&certificate_der()]),
        ));
        s.feed(1, &record(22, &flight));
        assert_eq!(s.feed(0, &record(20, &[1])), None);
        assert_eq!(
            s.feed(0, &record(22, &client_key_exchange(&[9; 256]))),
            None
        );
    }

    /// The modulus comes from the first bytes of the certificate: a long one (or a
    /// message cut at [`CERTIFICATE_PREFIX`]) still gives it, and any prefix that stops
    /// inside the subject public key gives nothing, never a wrong modulus.
    #[test]
    fn modulus_from_a_prefix() {
        let der = certificate_der();
        let want = session_modulus(&der);
        let body = certificate_body(&[&der]);
        let mut shortest = None;
        for cut in 0..=body.len() {
            match leaf_rsa_modulus(&body[..cut]) {
                Some(m) => {
                    assert_eq!(m, want, "cut at {cut}");
                    shortest.get_or_insert(cut);
                }
                None => assert!(shortest.is_none(), "cut at {cut}: lost again"),
            }
        }
        let shortest = shortest.unwrap();
        assert!(
            shortest < der.len(),
            "found before the extensions and signature"
        );
        // Garbage never panics.
        let mut x = 1u32;
        for len in 0..400 {
            let junk: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect();
            let _ = leaf_rsa_modulus(&junk);
            let mut flipped = body.clone();
            if len < flipped.len() {
                flipped[len] ^= 0x55;
                let _ = leaf_rsa_modulus(&flipped);
            }
        }
    }
}
