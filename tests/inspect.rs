//! `inspect` tells each message in words: the fields of ServerKeyExchange,
//! CertificateRequest, CertificateVerify, NewSessionTicket, EncryptedExtensions and the
//! hello extensions with their values; Finished verified per side; JA3/JA3S with their
//! hashes; renegotiations counted (in `summary` too).

mod common;

use common::{corpus, json, key_args, tlsscope};

/// `inspect` of one sample with its own keys; stdout.
fn inspect(sample: &str) -> String {
    let keys = key_args(sample);
    let mut args = vec!["inspect", "-q", sample];
    args.extend(keys.iter().map(String::as_str));
    let out = tlsscope(&args);
    assert!(
        out.status.success(),
        "{sample}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn assert_has(text: &str, sample: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "{sample}: no {w:?} in\n{text}");
    }
}

#[test]
fn handshake_messages_show_their_fields_in_words() {
    let cases: &[(&str, &[&str])] = &[
        (
            "samples/tls12-rsa-clientcert.pcap",
            &[
                "certificate types: rsa_sign, dss_sign, ecdsa_sign",
                "signature schemes: ecdsa_secp256r1_sha256",
                "CA names: none (any CA)",
                "signed with rsa_pss_rsae_sha256 (256-byte signature)",
                "RSA: encrypted pre-master secret z (256 bytes) = ",
                "lifetime 7200 s (2 h)",
                "ticket (1008 bytes) = ",
                "renegotiation_info: empty (a first handshake)",
                "Finished          ┆ client verified, server verified",
            ],
        ),
        (
            "samples/tls12-dhe-rsa-aes256gcm.pcap",
            &[
                "DHE, 2048-bit prime",
                "public key (256 bytes) = ",
                "DHE public value, 256 bytes",
            ],
        ),
        (
            "samples/tls12-ecdhe-rsa-aes128gcm.pcap",
            &[
                "ECDHE, group x25519",
                "public key (32 bytes) = ",
                "signed with ",
            ],
        ),
        (
            "samples/tls13-early-data.pcap",
            &[
                "- supported_versions: TLS 1.3",
                "- psk_key_exchange_modes: psk_dhe_ke",
                "- key_share: x25519 (32 bytes)",
                "- padding: 187 bytes",
                "- early_data: up to 16384 bytes of early data",
                "age_add 0x",
                "- pre_shared_key: identity of ",
            ],
        ),
        (
            "samples/h2-tls13-curl-parallel.pcap",
            &[
                "- application_layer_protocol_negotiation: h2, http/1.1",
                "- server_name: ",
            ],
        ),
        (
            "samples/tls13-hrr.pcap",
            &["HelloRetryRequest", "retry with "],
        ),
    ];
    for (sample, wanted) in cases {
        assert_has(&inspect(sample), sample, wanted);
    }
}

#[test]
fn no_message_is_shown_as_key_value_pairs_or_json() {
    for sample in common::samples() {
        let text = inspect(&sample);
        for bad in ["_length=", "named_group=", "lifetime_hint=", "=[", "{\""] {
            assert!(!text.contains(bad), "{sample}: {bad:?} in\n{text}");
        }
    }
}

#[test]
fn fingerprints_carry_hash_and_string() {
    let text = inspect("samples/tls12-rsa-clientcert.pcap");
    for name in ["JA3 ", "JA3S"] {
        let line = text
            .lines()
            .find(|l| l.contains(&format!("│ {name}")))
            .unwrap();
        let value = line
            .split('┆')
            .nth(1)
            .unwrap()
            .trim()
            .trim_end_matches('│')
            .trim();
        let (hash, full) = value.split_once(' ').unwrap();
        assert_eq!(hash.len(), 32, "{line}");
        assert!(full.starts_with("(771,") && full.ends_with(')'), "{line}");
    }
    let doc = json(&[
        "summary",
        "--format",
        "json",
        "samples/tls12-rsa-clientcert.pcap",
    ]);
    let c = &doc["connections"][0];
    assert_eq!(c["ja3s_hash"].as_str().unwrap().len(), 32);
}

#[test]
fn renegotiations_are_counted_with_and_without_keys() {
    let sample = "samples/tls12-rsa-renegotiation.pcap";
    for keys in [vec![], vec!["-k", "samples/keys/server-rsa2048.key"]] {
        let mut args = vec!["summary", "--format", "json", sample];
        args.extend(keys.iter().copied());
        assert_eq!(
            json(&args)["connections"][0]["renegotiations"],
            1,
            "{keys:?}"
        );
    }
    let out = tlsscope(&["summary", "--wide", sample]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("established (1 renegotiation)"));
    // Renegotiations the server refused (no_renegotiation alerts) are none, whether
    // the refused ClientHellos can be read or not.
    let refused = "samples/tls12-renegotiation-refused.pcap";
    for keys in [
        vec![],
        vec!["--keylog", "samples/tls12-renegotiation-refused.keylog"],
    ] {
        let mut args = vec!["summary", "--format", "json", refused];
        args.extend(keys.iter().copied());
        let c = &json(&args)["connections"][0];
        assert_eq!(c["renegotiations"], 0, "{keys:?}");
        let refusals = c["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["description"] == "no_renegotiation")
            .count();
        assert_eq!(refusals, if keys.is_empty() { 0 } else { 17 }, "{keys:?}");
    }
    // Neither a HelloRetryRequest nor DTLS's cookie exchange is a renegotiation.
    for other in [
        "samples/tls13-hrr.pcap",
        "samples/udp/dtls12-ecdhe-rsa-aes256gcm.pcap",
    ] {
        let doc = json(&["summary", "--format", "json", other]);
        assert_eq!(doc["connections"][0]["renegotiations"], 0, "{other}");
    }
}

#[test]
#[cfg_attr(not(corpus), ignore = "needs the public corpus: set TLSSCOPE_CORPUS")]
fn renegotiations_in_the_corpus() {
    let Some(dir) = corpus() else { return };
    // Wireshark's tls-renegotiation.pcap: 3 full and 2 abbreviated handshakes on one
    // connection (its README); rsasnakeoil2.pcap renegotiates once, then resumes.
    for (capture, want) in [
        ("tls-renegotiation.pcap", vec![4]),
        ("rsasnakeoil2.pcap", vec![1, 0]),
    ] {
        let path = dir.join("captures").join(capture);
        let doc = json(&["summary", "--format", "json", path.to_str().unwrap()]);
        let got: Vec<u64> = doc["connections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["renegotiations"].as_u64().unwrap())
            .collect();
        assert_eq!(got, want, "{capture}");
    }
}

/// RFC 8879: a chain sent in a CompressedCertificate (rustls, brotli and zlib) is
/// decompressed, shown, kept and validated like a Certificate's.
#[test]
fn compressed_certificates_are_read() {
    for alg in ["brotli", "zlib"] {
        let name = format!("samples/tls13-rustls-certcomp-{alg}");
        let doc = json(&[
            "inspect",
            "--json",
            "--keylog",
            &format!("{name}.keylog"),
            &format!("{name}.pcap"),
        ]);
        let c = &doc["connections"][0];
        let m = c["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["type"] == "CompressedCertificate")
            .unwrap_or_else(|| panic!("{alg}: {}", c["messages"]));
        assert_eq!(m["algorithm"]["name"], alg, "{m}");
        assert!(m["decompression_error"].is_null(), "{m}");
        assert!(
            m["uncompressed_length"].as_u64().unwrap()
                > m["compressed_length"].as_u64().unwrap() / 2
        );
        assert_eq!(c["certificates"].as_array().unwrap().len(), 1, "{alg}");
        assert!(
            c["certificates"][0]["subject"]
                .as_str()
                .unwrap()
                .contains("localhost"),
            "{}",
            c["certificates"][0]
        );
        assert_eq!(
            c["certificate_validation"]["status"], "unknown_issuer",
            "{alg}"
        );
        let ext = c["messages"][0]["extensions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == "compress_certificate")
            .unwrap();
        assert_eq!(ext["algorithms"][0]["name"], alg, "{ext}");
    }
}

/// RFC 6066: a record over the agreed max_fragment_length is said (mbedTLS sends its
/// 865-byte Certificate record after agreeing 512), once per side.
#[test]
fn records_over_the_max_fragment_length_are_warned() {
    let doc = json(&[
        "inspect",
        "--json",
        "-k",
        "samples/keys/server-rsa2048.key",
        "samples/tls12-mbedtls-mfl512.pcap",
    ]);
    let c = &doc["connections"][0];
    let over: Vec<&str> = c["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(serde_json::Value::as_str)
        .filter(|w| w.contains("max_fragment_length"))
        .collect();
    assert_eq!(
        over,
        ["server: a record of 865 plaintext bytes, over the 512-byte max_fragment_length agreed (RFC 6066: record_overflow)"]
    );
    assert_eq!(c["decryption"]["client_finished_verified"], true);
}
