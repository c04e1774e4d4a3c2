//! The generator of tlsscope's DTLS 1.3 sample (samples/udp/make-dtls13.sh builds and
//! runs it): a dimpl 0.9.0 client and server in one process, each on its own UDP socket
//! on loopback, so tcpdump captures a real DTLS 1.3 session. dimpl does not log keys:
//! dimpl-keylog.patch makes its client append its traffic secrets to $SSLKEYLOGFILE.
//! What each side wrote goes to PREFIX.client.bin / PREFIX.server.bin, ports and
//! hashes to PREFIX.gen.json.
//!
//!   dtls13-gen PORT CERT.der KEY.pk8.der PREFIX [SUITE [cookie]]
//!
//! SUITE (0x1301 …) is the only suite both sides allow; `cookie` makes the server ask
//! for one (a HelloRetryRequest).
use std::net::UdpSocket;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dimpl::{Config, Dtls, DtlsCertificate, Output};

/// What the client writes before and after its KeyUpdate, one record a write.
fn client_writes() -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let mut first = vec![b"GET /dtls13-sample HTTP/1.0\r\n\r\n".to_vec()];
    for chunk in 0..8 {
        let s: String = (0..5)
            .map(|i| format!("{:04} tlsscope dtls13 sample line\n", chunk * 5 + i))
            .collect();
        first.push(s.into_bytes());
    }
    let second = vec![
        b"GET /dtls13-sample/after-key-update HTTP/1.0\r\n\r\n".to_vec(),
        b"last line from the client\n".to_vec(),
    ];
    (first, second)
}

/// The server's two answers.
fn server_writes() -> (Vec<u8>, Vec<u8>) {
    (
        b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\ntlsscope DTLS 1.3 sample answer\n".to_vec(),
        b"HTTP/1.0 200 OK\r\n\r\nsecond answer, after the key update\n".to_vec(),
    )
}

struct End {
    dtls: Dtls,
    sock: UdpSocket,
    connected: bool,
    got: Vec<u8>,
    closed: bool,
    wake: Option<Instant>,
}

impl End {
    fn pump(&mut self) {
        let mut buf = vec![0u8; 4096];
        loop {
            match self.dtls.poll_output(&mut buf) {
                Output::Packet(p) => {
                    self.sock.send(p).unwrap();
                }
                Output::BufferTooSmall { needed } => buf.resize(needed, 0),
                Output::Timeout(t) => {
                    self.wake = Some(t);
                    break;
                }
                Output::Connected => self.connected = true,
                Output::ApplicationData(d) => self.got.extend_from_slice(d),
                Output::CloseNotify => self.closed = true,
                _ => {}
            }
        }
    }
    fn recv(&mut self) {
        let mut buf = [0u8; 65536];
        while let Ok(n) = self.sock.recv(&mut buf) {
            if let Err(e) = self.dtls.handle_packet(&buf[..n]) {
                panic!("handle_packet: {e:?}");
            }
        }
    }
    fn tick(&mut self) {
        let now = Instant::now();
        if self.wake.is_some_and(|w| w <= now) {
            self.dtls.handle_timeout(now).unwrap();
        }
        self.recv();
        self.pump();
    }
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let port: u16 = a[1].parse().unwrap();
    let cert = std::fs::read(&a[2]).unwrap();
    let key = std::fs::read(&a[3]).unwrap();
    let prefix = &a[4];
    let cookie = a.get(6).is_some_and(|s| s == "cookie");
    let suite = a.get(5).map(|s| {
        let n = u16::from_str_radix(s.trim_start_matches("0x"), 16).unwrap();
        dimpl::crypto::Dtls13CipherSuite::from_u16(n)
    });
    let dc = || DtlsCertificate { certificate: cert.clone(), private_key: key.clone() };
    let config = |limit: u64| {
        let mut b = Config::builder()
            .use_server_cookie(cookie)
            .aead_encryption_limit(limit);
        if let Some(s) = suite {
            b = b.dtls13_cipher_suites(&[s]);
        }
        Arc::new(b.build().unwrap())
    };
    let ssock = UdpSocket::bind(("127.0.0.1", port)).unwrap();
    let csock = UdpSocket::bind("127.0.0.1:0").unwrap();
    csock.connect(("127.0.0.1", port)).unwrap();
    ssock.connect(csock.local_addr().unwrap()).unwrap();
    for s in [&ssock, &csock] {
        s.set_read_timeout(Some(Duration::from_millis(2))).unwrap();
    }
    let now = Instant::now();
    let mut client = Dtls::new_13(config(6), dc(), now);
    client.set_active(true);
    let server = Dtls::new_13(config(1 << 20), dc(), now);
    let mut c = End { dtls: client, sock: csock, connected: false, got: vec![], closed: false, wake: None };
    let mut s = End { dtls: server, sock: ssock, connected: false, got: vec![], closed: false, wake: None };
    c.dtls.handle_timeout(now).unwrap();
    s.dtls.handle_timeout(now).unwrap();
    // A scripted exchange, ticking both ends between steps:
    //  1. the handshake;
    //  2. the client's first writes, one record each: past its AEAD limit of 6 records
    //     it sends a KeyUpdate (update_requested), and the server answers with its own;
    //  3. the server's first answer; 4. the client's second writes and 5. the server's
    //     second answer, both under the updated keys; 6. the client's close_notify.
    let run_for = |c: &mut End, s: &mut End, ms: u64| {
        let until = Instant::now() + Duration::from_millis(ms);
        while Instant::now() < until {
            c.tick();
            s.tick();
        }
    };
    let start = Instant::now();
    while !(c.connected && s.connected) {
        assert!(start.elapsed() < Duration::from_secs(10), "handshake timed out");
        c.tick();
        s.tick();
    }
    run_for(&mut c, &mut s, 100);
    let (cw1, cw2) = client_writes();
    let (sw1, sw2) = server_writes();
    for w in &cw1 {
        c.dtls.send_application_data(w).unwrap();
        c.pump();
        run_for(&mut c, &mut s, 30);
    }
    run_for(&mut c, &mut s, 300);
    s.dtls.send_application_data(&sw1).unwrap();
    s.pump();
    run_for(&mut c, &mut s, 300);
    for w in &cw2 {
        c.dtls.send_application_data(w).unwrap();
        c.pump();
        run_for(&mut c, &mut s, 30);
    }
    run_for(&mut c, &mut s, 300);
    s.dtls.send_application_data(&sw2).unwrap();
    s.pump();
    run_for(&mut c, &mut s, 300);
    c.dtls.close().unwrap();
    c.pump();
    run_for(&mut c, &mut s, 300);
    let cw: Vec<Vec<u8>> = cw1.into_iter().chain(cw2).collect();
    let sw = [sw1, sw2];
    let cwall: Vec<u8> = cw.concat();
    let swall: Vec<u8> = sw.concat();
    assert_eq!(s.got, cwall, "server got what the client sent");
    assert_eq!(c.got, swall, "client got what the server sent");
    use sha2::Digest;
    let h = |b: &[u8]| hex::encode(sha2::Sha256::digest(b));
    let out = format!(
        "{{\"client_port\": {}, \"client_bytes\": {}, \"client_sha256\": \"{}\", \"server_bytes\": {}, \"server_sha256\": \"{}\", \"server_close_notify_seen\": {}}}\n",
        c.sock.local_addr().unwrap().port(),
        cwall.len(),
        h(&cwall),
        swall.len(),
        h(&swall),
        s.closed
    );
    std::fs::write(format!("{prefix}.gen.json"), out).unwrap();
    std::fs::write(format!("{prefix}.client.bin"), &cwall).unwrap();
    std::fs::write(format!("{prefix}.server.bin"), &swall).unwrap();
    eprintln!("dtls13-gen: done");
}
