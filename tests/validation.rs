//! Certificate validation against `openssl verify`: every chain of `samples/pki/`
//! (made by its `make-chains.sh`, which wrote what openssl said of each into
//! `cases.json`) gets the status openssl's answer means, at the same time, for the same
//! host name. With openssl installed, its answers are asked again.

mod common;

use std::process::Command;

use common::root;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use serde_json::Value;
use tlsscope::pki::{TrustStore, ValidationStatus, Validator};

fn cases() -> Value {
    let text = std::fs::read_to_string(root().join("samples/pki/cases.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The certificates of a chain's PEM file as DER, in order.
fn chain(name: &str) -> Vec<Vec<u8>> {
    let path = root()
        .join("samples/pki/chains")
        .join(format!("{name}.pem"));
    CertificateDer::pem_file_iter(path)
        .unwrap()
        .filter_map(Result::ok)
        .map(|c| c.to_vec())
        .collect()
}

fn validator() -> Validator {
    let mut store = TrustStore::new(false);
    store
        .add_file(&root().join("samples/pki/root.pem"))
        .unwrap();
    Validator::new(store)
}

/// openssl's answer (`OK`, `error 10 at 0 depth lookup: …`), as our code.
fn openssl_code(said: &str) -> &'static str {
    if said == "OK" {
        return "ok";
    }
    if said.starts_with("Could not read") {
        return "unparsable";
    }
    let number = said
        .strip_prefix("error ")
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse::<u32>().ok());
    verify_code(number.unwrap_or_else(|| panic!("openssl said {said:?}: no code for it")))
}

/// An X509_V_ERR number as our code: they map one to one.
fn verify_code(number: u32) -> &'static str {
    match number {
        0 => "ok",
        7 => "bad_signature",
        9 => "not_yet_valid",
        10 => "expired",
        18 | 19 => "self_signed",
        20 | 21 => "unknown_issuer",
        26 => "invalid",
        62 | 64 => "name_mismatch",
        66 | 67 => "weak_key",
        68 => "weak_hash",
        n => panic!("X509_V_ERR {n}: no code for it"),
    }
}

/// The captured sample: each connection's status is what openssl s_client concluded
/// when it made the connection, the TLS 1.3 ones once decrypted (and none without the
/// key log: their certificates stayed encrypted).
#[test]
fn the_captured_chains_get_what_the_client_concluded() {
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("samples/cert-validation.truth.json")).unwrap(),
    )
    .unwrap();
    let run = |keylog: bool| {
        let mut args = vec!["summary", "--json", "--ca-file", "samples/pki/root.pem"];
        if keylog {
            args.extend(["--keylog", "samples/cert-validation.keylog"]);
        }
        args.push("samples/cert-validation.pcap");
        common::json(&args)
    };
    let (with, without) = (run(true), run(false));
    for t in truth["connections"].as_array().unwrap() {
        let port = t["server_port"].as_u64().unwrap();
        let find = |report: &Value| {
            report["connections"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["server"]["port"] == port)
                .unwrap()
                .clone()
        };
        let c = find(&with);
        let said = t["openssl_verify"].as_str().unwrap();
        let number: u32 = said.split_whitespace().next().unwrap().parse().unwrap();
        let want = t["validation"].as_str().unwrap();
        assert_eq!(verify_code(number), want, "{port}: truth file");
        assert_eq!(c["certificate_validation"]["status"], want, "{port}: {c}");
        let plain = find(&without);
        if t["version"] == "TLS 1.3" {
            assert!(plain["certificate_validation"].is_null(), "{port}");
        } else {
            assert_eq!(plain["certificate_validation"]["status"], want, "{port}");
        }
        if t["served_chain"].as_array().unwrap().len() == 3 {
            let problems = c["certificate_validation"]["problems"].to_string();
            assert!(problems.contains("chain_order"), "{port}: {problems}");
        }
    }
}

/// A CA file that gives nothing to trust stops the run before it reads anything.
#[test]
fn a_ca_file_that_is_no_certificate_is_bad_usage() {
    let out = common::tlsscope(&[
        "summary",
        "--ca-file",
        "samples/cert-validation.keylog",
        "samples/cert-validation.pcap",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("--ca-file") && err.contains("cert-validation.keylog"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn every_chain_gets_the_status_openssl_gives_it() {
    let cases = cases();
    let at_ns = cases["attime"].as_i64().unwrap() * 1_000_000_000;
    let v = validator();
    let mut seen = std::collections::HashSet::new();
    let mut failures = Vec::new();
    for case in cases["cases"].as_array().unwrap() {
        let name = case["case"].as_str().unwrap();
        let ders = chain(name);
        let ders = if ders.is_empty() {
            vec![vec![0x30, 0x00]]
        } else {
            ders
        };
        let refs: Vec<&[u8]> = ders.iter().map(Vec::as_slice).collect();
        let got = v.validate(&refs, case["host"].as_str(), at_ns);
        let want = case["expected"].as_str().unwrap();
        assert_eq!(
            openssl_code(case["openssl"].as_str().unwrap()),
            want,
            "{name}: cases.json's expected status is not what openssl said"
        );
        if got.status.as_str() != want {
            failures.push(format!(
                "{name}: {} ({}), want {want}",
                got.status.as_str(),
                got.reason
            ));
        }
        seen.insert(got.status);
        if name == "chain-order" {
            assert!(
                got.problems
                    .iter()
                    .any(|p| p.code == ValidationStatus::ChainOrder),
                "{name}: {:?}",
                got.problems
            );
            seen.insert(ValidationStatus::ChainOrder);
        }
        if got.status == ValidationStatus::Ok {
            assert_eq!(
                got.chain.last().unwrap(),
                "CN=tlsscope test root, O=tlsscope"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for status in ValidationStatus::ALL {
        assert!(
            seen.contains(&status),
            "no chain has status {}",
            status.as_str()
        );
    }
}

#[test]
fn the_same_chain_checked_again_gives_the_same_answer_at_another_time() {
    let cases = cases();
    let at_ns = cases["attime"].as_i64().unwrap() * 1_000_000_000;
    let v = validator();
    let ders = chain("ok");
    let refs: Vec<&[u8]> = ders.iter().map(Vec::as_slice).collect();
    let first = v.validate(&refs, Some("tlsscope.test"), at_ns);
    let again = v.validate(&refs, Some("tlsscope.test"), at_ns + 86_400_000_000_000);
    assert_eq!(first.status, ValidationStatus::Ok);
    assert_eq!(again.status, ValidationStatus::Ok);
    assert_eq!(again.checked_at, at_ns + 86_400_000_000_000);
    // Past the leaf's end (2028-01-01) the remembered answer no longer holds.
    let later = v.validate(&refs, Some("tlsscope.test"), 1_840_000_000 * 1_000_000_000);
    assert_eq!(later.status, ValidationStatus::Expired, "{}", later.reason);
    assert_eq!(
        v.reused.load(std::sync::atomic::Ordering::Relaxed),
        1,
        "the second check reuses the first"
    );
}

/// What `make-chains.sh` recorded is what openssl says today (when it is installed).
#[test]
fn openssl_still_says_what_cases_json_records() {
    if Command::new("openssl").arg("version").output().is_err() {
        eprintln!("note: openssl not found: skipping");
        return;
    }
    let cases = cases();
    let dir = root().join("samples/pki");
    let attime = cases["attime"].as_i64().unwrap().to_string();
    for case in cases["cases"].as_array().unwrap() {
        let name = case["case"].as_str().unwrap();
        if name == "unparsable" {
            continue;
        }
        let ders = chain(name);
        let tmp = tempfile::tempdir().unwrap();
        let pem = |der: &Vec<u8>| {
            let out = Command::new("openssl")
                .args(["x509", "-inform", "DER"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .and_then(|mut c| {
                    use std::io::Write;
                    c.stdin.take().unwrap().write_all(der)?;
                    c.wait_with_output()
                })
                .unwrap();
            String::from_utf8(out.stdout).unwrap()
        };
        let leaf = tmp.path().join("leaf.pem");
        std::fs::write(&leaf, pem(&ders[0])).unwrap();
        let host = case["host"].as_str().unwrap();
        let check = if host.parse::<std::net::IpAddr>().is_ok() {
            "-verify_ip"
        } else {
            "-verify_hostname"
        };
        let mut cmd = Command::new("openssl");
        cmd.current_dir(&dir).args([
            "verify",
            "-CAfile",
            "root.pem",
            "-attime",
            &attime,
            check,
            host,
            "-auth_level",
            "2",
            "-purpose",
            "sslserver",
        ]);
        if ders.len() > 1 {
            let untrusted = tmp.path().join("untrusted.pem");
            std::fs::write(&untrusted, ders[1..].iter().map(pem).collect::<String>()).unwrap();
            cmd.arg("-untrusted").arg(&untrusted);
        }
        let out = cmd.arg(&leaf).output().unwrap();
        let said = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        let want = case["openssl"].as_str().unwrap();
        let line = if want == "OK" { ": OK" } else { want };
        assert!(
            said.contains(line),
            "{name}: openssl now says {said:?}, cases.json {want:?}"
        );
    }
}

/// `--no-validate`: no chain is checked, and the CA options are refused beside it.
#[test]
fn no_validate_leaves_every_validation_null() {
    let doc = common::json(&[
        "summary",
        "--json",
        "--no-validate",
        "samples/cert-validation.pcap",
    ]);
    for c in doc["connections"].as_array().unwrap() {
        assert!(c["certificate_validation"].is_null(), "{c}");
    }
    let out = common::tlsscope(&[
        "summary",
        "--no-validate",
        "--ca-file",
        "samples/pki/root.pem",
        "samples/cert-validation.pcap",
    ]);
    assert_eq!(out.status.code(), Some(2));
}
