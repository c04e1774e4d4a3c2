//! The bounds on RSA work, end to end: connections without a server certificate whose
//! ClientKeyExchange opens with no key (a hostile capture, or lost packets).

mod common;

use common::json;

/// Ethernet + IPv4 + TCP, one packet.
fn packet(
    src: [u8; 4],
    dst: [u8; 4],
    ports: (u16, u16),
    seq: u32,
    flags: u8,
    payload: &[u8],
) -> Vec<u8> {
    let mut tcp = Vec::new();
    tcp.extend(ports.0.to_be_bytes());
    tcp.extend(ports.1.to_be_bytes());
    tcp.extend(seq.to_be_bytes());
    tcp.extend(0u32.to_be_bytes());
    tcp.extend([5 << 4, flags, 0xff, 0xff, 0, 0, 0, 0]);
    tcp.extend(payload);
    let mut ip = vec![0x45, 0];
    ip.extend(((20 + tcp.len()) as u16).to_be_bytes());
    ip.extend([0, 0, 0, 0, 64, 6, 0, 0]);
    ip.extend(src);
    ip.extend(dst);
    let mut frame = vec![0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 8, 0];
    frame.extend(ip);
    frame.extend(tcp);
    frame
}

fn record(body: &[u8]) -> Vec<u8> {
    let mut r = vec![22, 3, 3];
    r.extend((body.len() as u16).to_be_bytes());
    r.extend(body);
    r
}

fn message(ty: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![ty];
    m.extend(&(body.len() as u32).to_be_bytes()[1..]);
    m.extend(body);
    m
}

/// Deterministic bytes.
fn bytes(seed: &mut u64, n: usize) -> Vec<u8> {
    (0..n)
        .map(|_| {
            *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (*seed >> 56) as u8
        })
        .collect()
}

/// One connection: ClientHello, ServerHello choosing TLS_RSA_WITH_AES_128_GCM_SHA256,
/// no Certificate, ServerHelloDone, then `ckes` ClientKeyExchanges with random 256-byte
/// ciphertexts below any 2048-bit modulus.
fn connection(n: u32, ckes: usize, seed: &mut u64) -> Vec<Vec<u8>> {
    let client = [10, 1, (n >> 8) as u8, n as u8];
    let server = [10, 0, 0, 2];
    let port = 1024 + n as u16;
    let mut ch = vec![3, 3];
    ch.extend(bytes(seed, 32));
    ch.extend([0, 0, 2, 0, 0x9c, 1, 0]);
    let mut sh = vec![3, 3];
    sh.extend(bytes(seed, 32));
    sh.extend([0, 0, 0x9c, 0]);
    let mut flight = message(2, &sh);
    flight.extend(message(14, &[]));
    let mut keys = Vec::new();
    for _ in 0..ckes {
        let mut z = bytes(seed, 256);
        z[0] &= 0x7f;
        let mut body = vec![1, 0];
        body.extend(z);
        keys.extend(record(&message(16, &body)));
    }
    let (c, s) = (record(&message(1, &ch)), record(&flight));
    let mut out = vec![
        packet(client, server, (port, 443), 1000, 0x02, &[]),
        packet(server, client, (443, port), 5000, 0x12, &[]),
        packet(client, server, (port, 443), 1001, 0x18, &c),
        packet(server, client, (443, port), 5001, 0x18, &s),
    ];
    let mut seq = 1001 + c.len() as u32;
    for part in keys.chunks(1400) {
        out.push(packet(client, server, (port, 443), seq, 0x18, part));
        seq += part.len() as u32;
    }
    out
}

fn pcap(packets: &[Vec<u8>]) -> Vec<u8> {
    let mut f = Vec::new();
    for v in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 65535, 1] {
        f.extend(v.to_le_bytes());
    }
    for (i, p) in packets.iter().enumerate() {
        for v in [i as u32, 0, p.len() as u32, p.len() as u32] {
            f.extend(v.to_le_bytes());
        }
        f.extend(p);
    }
    f
}

/// A connection repeating its ClientKeyExchange is stopped after 8 failed decryptions
/// (one warning); then the run's 64 blind trials run out, said once in the capture's
/// warnings, and the other connections say why they were not tried.
#[test]
fn blind_rsa_work_is_bounded() {
    let mut seed = 7;
    let mut packets = connection(0, 50, &mut seed);
    for n in 1..=80 {
        packets.extend(connection(n, 1, &mut seed));
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("blind.pcap");
    std::fs::write(&p, pcap(&packets)).unwrap();
    let doc = json(&[
        "summary",
        "--json",
        "-k",
        "samples/keys/server-rsa2048.key",
        "-k",
        "samples/keys/server-rsa1024.key",
        p.to_str().unwrap(),
    ]);
    let conns = doc["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 81);
    let first = &conns[0];
    let stopped = "RSA decryption attempts for this connection stopped after 8 failed ones";
    assert_eq!(first["decryption"]["status"], "key_mismatch", "{first}");
    assert_eq!(first["decryption"]["reason"], stopped);
    let warned = first.to_string().matches(stopped).count();
    assert_eq!(warned, 2, "once as the reason, once as a warning: {first}");
    // 8 trials went to the first connection: 56 connections are tried, 24 are not.
    let reason = |c: &serde_json::Value| c["decryption"]["reason"].as_str().unwrap().to_string();
    let tried = conns[1..]
        .iter()
        .filter(|c| {
            reason(c) == "RSA decryption of the pre-master secret failed with every candidate key"
        })
        .count();
    assert_eq!(tried, 56);
    let spent: Vec<_> = conns[1..]
        .iter()
        .filter(|c| reason(c).contains("blind RSA attempts are spent"))
        .collect();
    assert_eq!(spent.len(), 24);
    assert_eq!(spent[0]["decryption"]["status"], "no_key");
    let warnings: Vec<String> = doc["capture"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .filter(|w| w.contains("blind"))
        .collect();
    assert_eq!(
        warnings,
        ["RSA keys were no longer tried on connections without a server certificate after 64 blind attempts (0 succeeded; the allowance is 64 plus 16 per success): 24 ClientKeyExchanges were left untried"]
    );
}
