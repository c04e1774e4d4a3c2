//! The public corpus's DTLS captures (`TLSSCOPE_CORPUS`). The codec alone: every
//! plaintext handshake message, in order, once, as tshark 4.0 lists them (`tshark -Y
//! dtls.handshake -T fields -e udp.srcport -e dtls.handshake.type -e
//! dtls.handshake.message_seq`), and the cookie exchange. And the binary, with the keys:
//! each connection found as DTLS, both Finished verified, the plaintext each side sent
//! equal to what tshark decrypts, the master secrets equal to tshark's.

mod common;

use std::collections::BTreeMap;

use common::{corpus, json, tlsscope};
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
#[cfg_attr(not(corpus), ignore = "needs the public corpus: set TLSSCOPE_CORPUS")]
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

/// What tshark 4.0.17 decrypted, per side: (records, bytes, SHA-256 of the application
/// data in capture order). Got with
/// `tshark -r F -o 'uat:rsa_keys:"keys/K",""'` (or `-o dtls.psk:…`, or nothing for the
/// capture with a secrets block) `--disable-protocol udt -T fields -e udp.srcport -e
/// data.data`, the hex of each side's records joined and hashed (the UDT dissector
/// disabled so that udt-dtls.pcapng.gz's plaintext shows as data).
type Side = (u64, u64, &'static str);

struct Case {
    file: &'static str,
    keys: &'static [&'static str],
    version: &'static str,
    suite: &'static str,
    cookie: &'static str,
    client: Side,
    server: Side,
}

const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const PSK: &str = "ca19e028a8a372ad2d325f950fcaceed";
/// Both sides of the CCM_8 captures sent the same 46 bytes.
const CCM8_DATA: Side = (
    2,
    46,
    "bdfafbc3b6e1afb72f057e96817da51f7bca25bc9f831653bb53023d90ace12d",
);

fn cases() -> [Case; 4] {
    [
        Case {
            file: "snakeoil-dtls.pcap",
            keys: &["-k", "keys/snakeoil-rsa.key"],
            version: "DTLS 1.0 (OpenSSL pre 0.9.8f)",
            suite: "TLS_RSA_WITH_AES_256_CBC_SHA",
            cookie: "",
            client: (
                3,
                48,
                "a4e7614a17cb7bd91988d0797d788a9eed20b22b2e0970743e2520db8447eb31",
            ),
            server: (0, 0, EMPTY),
        },
        Case {
            file: "udt-dtls.pcapng.gz",
            keys: &["-k", "keys/udt-dtls.key"],
            version: "DTLS 1.0",
            suite: "TLS_RSA_WITH_AES_256_CBC_SHA",
            cookie: "3c78e51bbd9af25cac453fd2dadcb194d4ab249d",
            client: (
                22,
                12217,
                "db5423959e9d8142f8ec35523c07167cbb1b471340822bc86e78aad4411d6090",
            ),
            server: (
                5,
                228,
                "ff1391aa08f3713454036451617384135fd65c9f5548e7a323fec43fd297993f",
            ),
        },
        Case {
            file: "dtls12-aes128ccm8.pcap",
            keys: &["--psk", PSK],
            version: "DTLS 1.2",
            suite: "TLS_PSK_WITH_AES_128_CCM_8",
            cookie: "113a3f65af4602091fc0afee6e919ba2",
            client: CCM8_DATA,
            server: CCM8_DATA,
        },
        Case {
            // The same connection; its secrets come from the file's own secrets block.
            file: "dtls12-aes128ccm8-dsb.pcapng",
            keys: &[],
            version: "DTLS 1.2",
            suite: "TLS_PSK_WITH_AES_128_CCM_8",
            cookie: "113a3f65af4602091fc0afee6e919ba2",
            client: CCM8_DATA,
            server: CCM8_DATA,
        },
    ]
}

/// One side of `app_data` as a [`Side`] reads.
fn side(v: &serde_json::Value) -> (u64, u64, &str) {
    (
        v["records"].as_u64().unwrap(),
        v["bytes"].as_u64().unwrap(),
        v["sha256"].as_str().unwrap(),
    )
}

#[test]
#[cfg_attr(not(corpus), ignore = "needs the public corpus: set TLSSCOPE_CORPUS")]
fn dtls_decrypts_as_tshark_does() {
    let Some(dir) = corpus() else { return };
    for case in cases() {
        let file = dir.join("captures").join(case.file);
        let file = file.to_str().unwrap();
        let keys: Vec<String> = case
            .keys
            .iter()
            .map(|k| match k.strip_prefix("keys/") {
                Some(name) => dir.join("keys").join(name).to_string_lossy().into_owned(),
                None => k.to_string(),
            })
            .collect();
        let mut args = vec!["summary", "--json", file];
        args.extend(keys.iter().map(String::as_str));
        let doc = json(&args);
        let what = case.file;
        assert_eq!(doc["capture"]["dtls_connections"], 1, "{what}");
        let conns = doc["connections"].as_array().unwrap();
        assert_eq!(conns.len(), 1, "{what}");
        let c = &conns[0];
        assert_eq!(c["transport"], "dtls", "{what}");
        assert_eq!(c["version"], case.version, "{what}");
        assert_eq!(c["cipher_suite"]["name"], case.suite, "{what}");
        assert_eq!(c["state"], "established", "{what}");
        assert_eq!(c["dtls"]["hello_verify_requests"], 1, "{what}");
        assert_eq!(c["dtls"]["cookie"], case.cookie, "{what}");
        let d = &c["decryption"];
        assert_eq!(d["status"], "decrypted", "{what}: {d}");
        assert_eq!(d["client_finished_verified"], true, "{what}: {d}");
        assert_eq!(d["server_finished_verified"], true, "{what}: {d}");
        assert_eq!(d["record_failures"]["client"], 0, "{what}");
        assert_eq!(d["record_failures"]["server"], 0, "{what}");
        assert!(c["warnings"].as_array().unwrap().is_empty(), "{what}: {c}");
        assert_eq!(side(&c["app_data"]["client"]), case.client, "{what}");
        assert_eq!(side(&c["app_data"]["server"]), case.server, "{what}");
    }
}

/// The master secrets from the RSA keys are tshark's (`expected/*.sessionkeys`); the
/// client random is the one of the ClientHello the server answered.
#[test]
#[cfg_attr(not(corpus), ignore = "needs the public corpus: set TLSSCOPE_CORPUS")]
fn dtls_master_secrets_are_tsharks() {
    let Some(dir) = corpus() else { return };
    for (capture, key, expected) in [
        (
            "snakeoil-dtls.pcap",
            "snakeoil-rsa.key",
            "snakeoil-dtls.sessionkeys",
        ),
        ("udt-dtls.pcapng.gz", "udt-dtls.key", "udt-dtls.sessionkeys"),
    ] {
        let file = dir.join("captures").join(capture);
        let key = dir.join("keys").join(key);
        let out = tlsscope(&[
            "keylog",
            file.to_str().unwrap(),
            "-k",
            key.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{capture}");
        let got = String::from_utf8(out.stdout).unwrap();
        let want = std::fs::read_to_string(dir.join("expected").join(expected)).unwrap();
        let want: Vec<&str> = want
            .lines()
            .filter(|l| l.starts_with("CLIENT_RANDOM"))
            .collect();
        let got: Vec<&str> = got
            .lines()
            .filter(|l| l.starts_with("CLIENT_RANDOM"))
            .collect();
        assert_eq!(got, want, "{capture}");
    }
}

/// Without keys the connections are still DTLS, with their hellos and cookie exchange.
#[test]
#[cfg_attr(not(corpus), ignore = "needs the public corpus: set TLSSCOPE_CORPUS")]
fn dtls_without_keys_shows_the_handshake() {
    let Some(dir) = corpus() else { return };
    let file = dir.join("captures").join("udt-dtls.pcapng.gz");
    let doc = json(&["summary", "--json", file.to_str().unwrap()]);
    let c = &doc["connections"][0];
    assert_eq!(c["transport"], "dtls");
    assert_eq!(c["sni"], "ws-test");
    assert_eq!(
        c["client_random"],
        "c166ca67e562a724234400a60a86dbb19bc62e489d44ea1c12bef890118f7be3"
    );
    assert!(
        c["ja4"].as_str().unwrap().starts_with("dd1"),
        "{}",
        c["ja4"]
    );
    assert_eq!(
        c["dtls"]["handshake"]["client"]["retransmitted_fragments"],
        1
    );
    assert_eq!(c["decryption"]["status"], "no_key");
    let table = tlsscope(&["summary", file.to_str().unwrap()]);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("(DTLS)"), "{text}");
    assert!(text.contains("1 DTLS"), "{text}");
}
