//! Every connection that is not decrypted says why, as `decryption.verdict`: on the
//! samples without keys, with the wrong keys, with a key log that lacks the session,
//! and on captures cut from a sample (picked up mid-stream, a handshake segment lost,
//! a ClientHello unanswered).

mod common;

use common::{json, key_args, samples};

/// The verdicts of a run's connections, in order.
fn verdicts(args: &[&str]) -> Vec<String> {
    let mut all = vec!["summary", "--format", "json", "-q"];
    all.extend(args);
    json(&all)["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["decryption"]["verdict"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn keys_that_cannot_open_a_connection_are_named_as_such() {
    let wrong_key = ["-k", "samples/keys/server-rsa1024.key"];
    let wrong_log = ["--keylog", "samples/tls12-rsa-clientcert.keylog"];
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("samples/tls12-rsa-aes128gcm.pcap", &[], &["no_rsa_key"]),
        (
            "samples/tls12-rsa-aes128gcm.pcap",
            &wrong_key,
            &["no_key_for_certificate"],
        ),
        (
            "samples/tls12-ecdhe-rsa-aes128gcm.pcap",
            &[],
            &["forward_secret"],
        ),
        (
            "samples/tls12-ecdhe-rsa-aes128gcm.pcap",
            &wrong_key,
            &["forward_secret"],
        ),
        (
            "samples/tls12-ecdhe-rsa-aes128gcm.pcap",
            &wrong_log,
            &["keylog_no_line"],
        ),
        ("samples/tls13-aes128gcm.pcap", &[], &["forward_secret"]),
        (
            "samples/tls13-aes128gcm.pcap",
            &wrong_log,
            &["keylog_no_line"],
        ),
        ("samples/tls12-psk-aes128gcm.pcap", &[], &["psk_needed"]),
        (
            "samples/tls12-rsa-resume-sessionid.pcap",
            &[],
            &["no_rsa_key", "resumed_without_full_handshake"],
        ),
        (
            "samples/pcap-snaplen96.pcap",
            &[],
            &["handshake_segment_lost"],
        ),
        (
            "samples/tcp-lost-segment.pcap",
            &["-k", "samples/keys/server-rsa2048.key"],
            &["decrypted_with_gaps"],
        ),
    ];
    for (sample, args, want) in cases {
        let mut all = vec![*sample];
        all.extend(*args);
        assert_eq!(verdicts(&all), *want, "{sample} {args:?}");
    }
    // The reason names the keys given and the client random the key log lacks.
    let mut args = vec![
        "summary",
        "--format",
        "json",
        "samples/tls12-rsa-aes128gcm.pcap",
    ];
    args.extend(wrong_key);
    let doc = json(&args);
    let reason = doc["connections"][0]["decryption"]["reason"]
        .as_str()
        .unwrap();
    assert!(
        reason.contains("keys given: samples/keys/server-rsa1024.key"),
        "{reason}"
    );
    let mut args = vec![
        "summary",
        "--format",
        "json",
        "samples/tls13-aes128gcm.pcap",
    ];
    args.extend(wrong_log);
    let doc = json(&args);
    let c = &doc["connections"][0];
    let reason = c["decryption"]["reason"].as_str().unwrap();
    assert!(
        reason.ends_with(c["client_random"].as_str().unwrap()),
        "{reason}"
    );
}

#[test]
fn every_sample_connection_with_its_keys_is_decrypted_or_says_why() {
    // The samples' own keys open every connection but these.
    let expected_undecrypted: &[(&str, &[&str])] = &[
        ("samples/pcap-snaplen96.pcap", &["handshake_segment_lost"]),
        ("samples/tcp-lost-segment.pcap", &["decrypted_with_gaps"]),
    ];
    for sample in samples() {
        let keys = key_args(&sample);
        if keys.is_empty() {
            continue; // no truth file: no keys of its own
        }
        let mut args = vec![sample.as_str()];
        args.extend(keys.iter().map(String::as_str));
        let got = verdicts(&args);
        let want = expected_undecrypted
            .iter()
            .find(|(s, _)| *s == sample)
            .map(|(_, v)| v.iter().map(|s| s.to_string()).collect())
            .unwrap_or_else(|| vec!["decrypted".to_string(); got.len()]);
        assert_eq!(got, want, "{sample}");
    }
}

/// Whether frame N (from 1) is left out of a cut capture.
type FrameDropped = fn(usize) -> bool;

#[test]
fn captures_that_lack_part_of_the_handshake() {
    // tls12-rsa-aes128gcm: frame 4 ClientHello; 6 ServerHello…ServerHelloDone; 8
    // ClientKeyExchange, ChangeCipherSpec, Finished; 9 the server's; 10, 11 data.
    let sample = "samples/tls12-rsa-aes128gcm.pcap";
    let dir = tempfile::tempdir().unwrap();
    let key = ["-k", "samples/keys/server-rsa2048.key"];
    let cases: [(&str, FrameDropped, &str); 5] = [
        ("mid-stream.pcap", |f| f <= 9, "handshake_not_captured"),
        (
            "lost-key-exchange.pcap",
            |f| f == 8,
            "handshake_segment_lost",
        ),
        (
            "lost-server-hello.pcap",
            |f| f == 6,
            "handshake_segment_lost",
        ),
        ("hello-only.pcap", |f| f > 5, "no_server_hello"),
        // The handshake stops after the server's flight (a client refusing the
        // certificate, say): no key would open more than what went in the clear.
        ("no-key-exchange.pcap", |f| f >= 8, "nothing_encrypted"),
    ];
    for (name, drop, want) in cases {
        let path = common::cut(sample, dir.path(), name, drop);
        let mut args = vec![path.as_str()];
        args.extend(key);
        assert_eq!(verdicts(&args), [want], "{name}");
    }
}

#[test]
fn the_filter_and_inspect_know_the_verdict() {
    let args = [
        "summary",
        "--format",
        "json",
        "--filter",
        "verdict == resumed_without_full_handshake",
        "samples/tls12-rsa-resume-sessionid.pcap",
    ];
    let doc = json(&args);
    let ids: Vec<u64> = doc["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [1]);
    let out = common::tlsscope(&["inspect", "-q", "samples/tls13-aes128gcm.pcap"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("forward_secret: forward-secret key exchange: an RSA key cannot help"),
        "{text}"
    );
}

#[test]
fn warnings_about_keys_name_their_connections() {
    let doc = json(&[
        "summary",
        "--format",
        "json",
        "-k",
        "samples/keys/server-rsa1024.key",
        "samples/tls12-rsa-parallel4.pcap",
    ]);
    let warnings: Vec<&str> = doc["capture"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings.contains(
            &"4 connections (ids 0, 1, 2, 3): no key given is this server certificate's key \
              (verdict no_key_for_certificate)"
        ),
        "{warnings:#?}"
    );
}
