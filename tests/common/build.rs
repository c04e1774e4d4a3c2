//! Hand-built captures: TLS records and hellos, TCP segments, a pcap of one connection.
#![allow(dead_code)]

pub fn v8(body: &[u8]) -> Vec<u8> {
    [vec![body.len() as u8], body.to_vec()].concat()
}

pub fn v16(body: &[u8]) -> Vec<u8> {
    [(body.len() as u16).to_be_bytes().to_vec(), body.to_vec()].concat()
}

pub fn ext(id: u16, body: &[u8]) -> Vec<u8> {
    [id.to_be_bytes().to_vec(), v16(body)].concat()
}

pub fn alpn(names: &[&[u8]]) -> Vec<u8> {
    ext(
        16,
        &v16(&names.iter().flat_map(|n| v8(n)).collect::<Vec<_>>()),
    )
}

/// A handshake record holding one message.
pub fn handshake_record(msg_type: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![msg_type];
    m.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    m.extend_from_slice(body);
    [vec![22, 3, 1], v16(&m)].concat()
}

pub fn client_hello(session_id_len: u8, extensions: &[u8]) -> Vec<u8> {
    let mut b = vec![3, 3];
    b.extend_from_slice(&[0x11; 32]);
    b.push(session_id_len);
    b.extend_from_slice(&[0x22; 32]);
    b.extend_from_slice(&v16(&[0xc0, 0x2f, 0x00, 0x9c]));
    b.extend_from_slice(&v8(&[0]));
    b.extend_from_slice(&v16(extensions));
    handshake_record(1, &b)
}

pub fn server_hello(extensions: &[u8]) -> Vec<u8> {
    let mut b = vec![3, 3];
    b.extend_from_slice(&[0x33; 32]);
    b.extend_from_slice(&v8(&[]));
    b.extend_from_slice(&[0xc0, 0x2f, 0]);
    b.extend_from_slice(&v16(extensions));
    handshake_record(2, &b)
}

/// IPv4 + TCP, no options (checksums are not checked by tlsscope).
pub fn segment(from_client: bool, seq: u32, ack: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let (src, dst, sport, dport) = if from_client {
        ([10, 0, 0, 1], [10, 0, 0, 2], 40000u16, 443u16)
    } else {
        ([10, 0, 0, 2], [10, 0, 0, 1], 443, 40000)
    };
    let total = (20 + 20 + payload.len()) as u16;
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0, 1, 0x40, 0, 64, 6, 0, 0]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(&sport.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&ack.to_be_bytes());
    p.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    p.extend_from_slice(payload);
    p
}

/// A pcap (raw IPv4, link type 228) of one connection: handshake, the client's bytes,
/// the server's bytes.
pub fn capture(client: &[u8], server: &[u8]) -> Vec<u8> {
    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;
    const PSH: u8 = 0x08;
    let (c0, s0) = (1000u32, 5000u32);
    let packets = [
        segment(true, c0, 0, SYN, &[]),
        segment(false, s0, c0 + 1, SYN | ACK, &[]),
        segment(true, c0 + 1, s0 + 1, ACK, &[]),
        segment(true, c0 + 1, s0 + 1, PSH | ACK, client),
        segment(
            false,
            s0 + 1,
            c0 + 1 + client.len() as u32,
            PSH | ACK,
            server,
        ),
    ];
    let mut f = Vec::new();
    for v in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 65535, 228] {
        f.extend(v.to_le_bytes());
    }
    for (i, p) in packets.iter().enumerate() {
        for v in [1_700_000_000 + i as u32, 0, p.len() as u32, p.len() as u32] {
            f.extend(v.to_le_bytes());
        }
        f.extend(p);
    }
    f
}

pub fn sni(name: &[u8]) -> Vec<u8> {
    ext(0, &v16(&[vec![0], v16(name)].concat()))
}
