//! A light look at the first records of a connection, ahead of the full decoder: does
//! the ServerHello choose RSA key exchange, and what is the encrypted pre-master secret
//! *z* in the ClientKeyExchange? The transport stage uses it to start the RSA decryption
//! on another core before the session stage needs it.
//!
//! It gives up rather than guess: on a gap, a record that does not look like TLS, a
//! ChangeCipherSpec (what follows is encrypted), or after a few records.

use super::cipher_suite::{self, KeyExchange};
use super::handshake::{CLIENT_KEY_EXCHANGE, SERVER_HELLO};
use super::hello::ServerHello;

/// Records looked at per direction before giving up.
const MAX_RECORDS: u32 = 8;
/// Handshake records longer than this are not collected (certificate chains).
const MAX_COLLECT: usize = 4096;

#[derive(Debug, Default)]
struct DirScan {
    /// The record header being read, and how much of it is in.
    header: [u8; 5],
    header_len: u8,
    /// Bytes of the current record still to come.
    remaining: usize,
    /// The current record's fragment, when it is a short handshake record.
    collect: Option<Vec<u8>>,
    records: u32,
    dead: bool,
}

/// Per-connection scanner state; directions are indices 0 and 1.
#[derive(Debug, Default)]
pub struct KeyExchangeScanner {
    dirs: [DirScan; 2],
    /// The ServerHello's suite uses RSA key exchange (TLS, not SSL 3.0).
    rsa: Option<bool>,
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
    /// encrypted pre-master secret) once it is seen after an RSA ServerHello.
    pub fn feed(&mut self, dir: usize, mut data: &[u8]) -> Option<Vec<u8>> {
        while !data.is_empty() && !self.dirs[dir].dead && !self.found {
            let d = &mut self.dirs[dir];
            if d.remaining == 0 {
                let have = d.header_len as usize;
                let take = (5 - have).min(data.len());
                d.header[have..have + take].copy_from_slice(&data[..take]);
                d.header_len += take as u8;
                data = &data[take..];
                if d.header_len < 5 {
                    return None;
                }
                let (ty, major) = (d.header[0], d.header[1]);
                let len = u16::from_be_bytes([d.header[3], d.header[4]]) as usize;
                d.header_len = 0;
                d.records += 1;
                if ty != 22 || major != 3 || len == 0 || d.records > MAX_RECORDS {
                    // ChangeCipherSpec, alerts, data, or not TLS: stop looking.
                    d.dead = true;
                    return None;
                }
                d.remaining = len;
                d.collect = (len <= MAX_COLLECT).then(|| Vec::with_capacity(len));
                continue;
            }
            let take = d.remaining.min(data.len());
            if let Some(c) = &mut d.collect {
                c.extend_from_slice(&data[..take]);
            }
            d.remaining -= take;
            data = &data[take..];
            if d.remaining == 0 {
                if let Some(fragment) = d.collect.take() {
                    if let Some(z) = self.handshake_record(&fragment) {
                        self.found = true;
                        return Some(z);
                    }
                }
            }
        }
        None
    }

    /// The messages of one whole handshake record.
    fn handshake_record(&mut self, mut fragment: &[u8]) -> Option<Vec<u8>> {
        while fragment.len() >= 4 {
            let len = u32::from_be_bytes([0, fragment[1], fragment[2], fragment[3]]) as usize;
            let body = fragment.get(4..4 + len)?;
            match fragment[0] {
                SERVER_HELLO => {
                    let sh = ServerHello::parse(body).ok()?;
                    let rsa = cipher_suite::lookup(sh.suite_id()).is_some_and(|s| {
                        matches!(s.key_exchange, KeyExchange::Rsa | KeyExchange::RsaExport)
                    });
                    // SSL 3.0 sends z without its length: not worth the special case here.
                    self.rsa = Some(rsa && sh.version() > 0x0300 && sh.version() <= 0x0303);
                }
                CLIENT_KEY_EXCHANGE if self.rsa == Some(true) => {
                    let n = u16::from_be_bytes([*body.first()?, *body.get(1)?]) as usize;
                    return (n + 2 == body.len() && n >= 64).then(|| body[2..].to_vec());
                }
                _ => {}
            }
            fragment = &fragment[4 + len..];
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ty: u8, body: &[u8]) -> Vec<u8> {
        let mut r = vec![ty, 3, 3];
        r.extend_from_slice(&(body.len() as u16).to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    fn message(ty: u8, body: &[u8]) -> Vec<u8> {
        let mut m = vec![ty, 0];
        m.extend_from_slice(&(body.len() as u16).to_be_bytes());
        m.extend_from_slice(body);
        m
    }

    fn server_hello(suite: u16) -> Vec<u8> {
        let mut b = vec![3, 3];
        b.extend_from_slice(&[7; 32]);
        b.push(0);
        b.extend_from_slice(&suite.to_be_bytes());
        b.push(0);
        message(SERVER_HELLO, &b)
    }

    fn client_key_exchange(z: &[u8]) -> Vec<u8> {
        let mut b = (z.len() as u16).to_be_bytes().to_vec();
        b.extend_from_slice(z);
        message(CLIENT_KEY_EXCHANGE, &b)
    }

    #[test]
    fn finds_z_after_an_rsa_server_hello_fed_byte_by_byte() {
        let mut s = KeyExchangeScanner::default();
        let server = record(22, &server_hello(0x009c));
        for b in server.chunks(1) {
            assert_eq!(s.feed(1, b), None);
        }
        let client = record(22, &client_key_exchange(&[9; 256]));
        let mut got = None;
        for b in client.chunks(7) {
            got = got.or(s.feed(0, b));
        }
        assert_eq!(got, Some(vec![9; 256]));
        assert!(s.is_done());
    }

    #[test]
    fn ignores_other_key_exchanges_and_encrypted_records() {
        let mut s = KeyExchangeScanner::default();
        s.feed(1, &record(22, &server_hello(0xc02f)));
        assert!(s.is_done(), "ECDHE: nothing to prefetch");
        let mut s = KeyExchangeScanner::default();
        s.feed(1, &record(22, &server_hello(0x009c)));
        assert_eq!(s.feed(0, &record(20, &[1])), None);
        assert_eq!(
            s.feed(0, &record(22, &client_key_exchange(&[9; 256]))),
            None
        );
    }
}
