//! The DTLS codec on the public corpus's DTLS captures (`TLSSCOPE_CORPUS`), before UDP
//! flows feed it: every plaintext handshake message, in order, once, as tshark 4.0 lists
//! them (`tshark -Y dtls.handshake -T fields -e udp.srcport -e dtls.handshake.type -e
//! dtls.handshake.message_seq`), and the cookie exchange.

mod common;

use std::collections::BTreeMap;

use common::corpus;
use tlsscope::capture::{strip_link_layer, CaptureEvent, CaptureReader, NetworkPayload};
use tlsscope::tls::dtls::handshake::{fragments, HelloVerifyRequest};
use tlsscope::tls::dtls::reassembly::{Message, MessageAssembler};
use tlsscope::tls::dtls::record::{records, sniff, DatagramRecord};
use tlsscope::tls::hello::ClientHello;
use tlsscope::tls::registry::{ContentType, HandshakeType};

/// (source port, message type, message_seq) of every plaintext handshake message.
fn messages(path: &std::path::Path) -> Vec<(u16, HandshakeType, u16, Vec<u8>)> {
    let mut reader = CaptureReader::open(path).expect("capture opens");
    let mut by_port: BTreeMap<u16, MessageAssembler> = BTreeMap::new();
    let mut out = Vec::new();
    reader.for_each(|event| {
        let CaptureEvent::Packet(p) = event else {
            return;
        };
        let Ok(NetworkPayload::Ipv4(ip)) = strip_link_layer(p.link_type, p.data) else {
            return;
        };
        let Ok(sliced) = etherparse::SlicedPacket::from_ip(ip) else {
            return;
        };
        let Some(etherparse::TransportSlice::Udp(udp)) = sliced.transport else {
            return;
        };
        let payload = udp.payload();
        if !sniff(payload) {
            return;
        }
        let port = udp.source_port();
        let assembler = by_port
            .entry(port)
            .or_insert_with(|| MessageAssembler::new(1 << 20));
        for record in records(payload, 0) {
            let Ok(DatagramRecord::Full(r)) = record else {
                continue;
            };
            if r.content_type != ContentType::HANDSHAKE || r.epoch != 0 {
                continue;
            }
            for f in fragments(r.fragment) {
                let f = f.expect("fragment decodes");
                assembler.push(&f, &mut |m: Message| {
                    out.push((port, m.msg_type, m.message_seq, m.body))
                });
            }
        }
    });
    out
}

/// (source port, message type, message_seq) as tshark lists them.
type Listed = (u16, u8, u16);

fn types(msgs: &[(u16, HandshakeType, u16, Vec<u8>)]) -> Vec<Listed> {
    msgs.iter().map(|(p, t, s, _)| (*p, t.0, *s)).collect()
}

/// The second ClientHello echoes the HelloVerifyRequest's cookie (RFC 6347 §4.2.1).
fn check_cookie_exchange(msgs: &[(u16, HandshakeType, u16, Vec<u8>)], cookie_len: usize) {
    let hellos: Vec<ClientHello> = msgs
        .iter()
        .filter(|m| m.1 == HandshakeType::CLIENT_HELLO)
        .map(|m| ClientHello::parse_dtls(&m.3).expect("DTLS ClientHello decodes"))
        .collect();
    let hvr = msgs
        .iter()
        .find(|m| m.1 == HandshakeType::HELLO_VERIFY_REQUEST)
        .map(|m| HelloVerifyRequest::parse(&m.3).expect("HelloVerifyRequest decodes"))
        .expect("a HelloVerifyRequest");
    assert_eq!(hellos.len(), 2);
    assert!(hellos[0].cookie.is_empty());
    assert_eq!(hvr.cookie.len(), cookie_len);
    assert_eq!(hellos[1].cookie, hvr.cookie);
    // RFC 6347 §4.2.1 asks for the same random in both hellos, but OpenSSL's pre-RFC
    // DTLS drew a new one: the session must take *x* from the hello the server answered.
}

#[test]
fn dtls_handshakes_as_tshark_lists_them() {
    let Some(dir) = corpus() else { return };
    // (capture, messages, the HelloVerifyRequest's cookie length as tshark reads it)
    let cases: [(&str, &[Listed], usize); 3] = [
        (
            "snakeoil-dtls.pcap",
            &[
                (33192, 1, 0),
                (4433, 3, 0),
                (33192, 1, 1),
                (4433, 2, 1),
                (4433, 11, 2),
                (4433, 14, 3),
                (33192, 16, 2),
            ],
            // OpenSSL's pre-RFC DTLS (version 0x0100): an empty cookie.
            0,
        ),
        (
            // The client sent its first ClientHello twice: delivered once.
            "udt-dtls.pcapng.gz",
            &[
                (60924, 1, 0),
                (9000, 3, 0),
                (60924, 1, 1),
                (9000, 2, 1),
                (9000, 11, 2),
                (9000, 14, 3),
                (60924, 16, 2),
            ],
            20,
        ),
        (
            "dtls12-aes128ccm8.pcap",
            &[
                (54273, 1, 0),
                (4433, 3, 0),
                (54273, 1, 1),
                (4433, 2, 1),
                (4433, 14, 2),
                (54273, 16, 2),
            ],
            16,
        ),
    ];
    for (file, want, cookie_len) in cases {
        let msgs = messages(&dir.join("captures").join(file));
        assert_eq!(types(&msgs), want, "{file}");
        check_cookie_exchange(&msgs, cookie_len);
    }
}
