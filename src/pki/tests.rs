//! The trust store and the validator's own rules; the chains against `openssl verify`
//! are in `tests/validation.rs`.

use super::facts::{anchor_subject, Facts};
use super::*;

const ROOT_PEM: &[u8] = include_bytes!("../../samples/pki/root.pem");
const LEAF_RSA1024_PEM: &[u8] = include_bytes!("../../samples/pki/leaf-rsa1024.pem");
const LEAF_SHA1_PEM: &[u8] = include_bytes!("../../samples/pki/leaf-sha1.pem");

fn der(pem: &[u8]) -> Vec<u8> {
    use rustls_pki_types::pem::PemObject;
    rustls_pki_types::CertificateDer::from_pem_slice(pem)
        .unwrap()
        .to_vec()
}

#[test]
fn codes_are_distinct_and_all_listed() {
    let mut names: Vec<&str> = ValidationStatus::ALL.iter().map(|s| s.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), ValidationStatus::ALL.len());
}

#[test]
fn mozilla_roots_are_bundled_and_counted_once() {
    let mut store = TrustStore::new(true);
    let n = store.len();
    assert!(n > 100, "{n} roots");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("root.pem");
    std::fs::write(&path, ROOT_PEM).unwrap();
    assert_eq!(store.add_file(&path), Ok(1));
    assert_eq!(store.add_file(&path), Ok(0));
    assert_eq!(store.len(), n + 1);
    assert!(TrustStore::new(false).is_empty());
}

#[test]
fn a_ca_file_without_certificates_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "not a certificate\n").unwrap();
    let mut store = TrustStore::new(false);
    let err = store.add_file(&path).unwrap_err();
    assert!(
        err.contains("notes.txt") && err.contains("no certificate"),
        "{err}"
    );
    let err = store.add_file(&dir.path().join("missing.pem")).unwrap_err();
    assert!(err.contains("missing.pem"), "{err}");
    let err = store.add_dir(dir.path()).unwrap_err();
    assert!(err.contains("no certificate"), "{err}");
}

#[test]
fn a_ca_dir_trusts_each_file_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("root.pem"), ROOT_PEM).unwrap();
    // A hash-named copy, as c_rehash leaves beside the file.
    std::fs::write(dir.path().join("0a1b2c3d.0"), ROOT_PEM).unwrap();
    std::fs::write(dir.path().join("README"), "notes").unwrap();
    let mut store = TrustStore::new(false);
    assert_eq!(store.add_dir(dir.path()), Ok(1));
    assert_eq!(
        store.add_dir(dir.path()),
        Ok(0),
        "already trusted is not an error"
    );
}

#[test]
fn weak_keys_and_hashes_are_named() {
    let weak = Facts::parse(&der(LEAF_RSA1024_PEM)).unwrap();
    assert_eq!(weak.weak_key().as_deref(), Some("1024-bit RSA key"));
    assert_eq!(weak.weak_hash(), None);
    let sha1 = Facts::parse(&der(LEAF_SHA1_PEM)).unwrap();
    assert_eq!(sha1.weak_key(), None);
    assert_eq!(sha1.weak_hash(), Some("sha1WithRSAEncryption"));
    // A root's own signature is nobody's concern.
    let root = Facts::parse(&der(ROOT_PEM)).unwrap();
    assert!(root.self_issued());
    assert_eq!(root.weak_hash(), None);
}

#[test]
fn an_anchor_subject_of_any_length_prints() {
    let root = der(ROOT_PEM);
    let cert = rustls_pki_types::CertificateDer::from(&root[..]);
    let anchor = webpki::anchor_from_trusted_cert(&cert).unwrap();
    assert_eq!(
        anchor_subject(anchor.subject.as_ref()),
        "CN=tlsscope test root, O=tlsscope"
    );
    // Every Mozilla root (names of one- and two-byte lengths) prints as a name.
    for anchor in webpki_roots::TLS_SERVER_ROOTS {
        let name = anchor_subject(anchor.subject.as_ref());
        assert!(name.contains('='), "{name}");
    }
}

#[test]
fn an_empty_or_garbage_chain_is_unparsable_not_a_panic() {
    let v = Validator::new(TrustStore::new(false));
    for chain in [vec![], vec![&b""[..]], vec![&b"\x30\x03\x02\x01\x00"[..]]] {
        let got = v.validate(&chain, Some("example.com"), 0);
        assert_eq!(got.status, ValidationStatus::Unparsable, "{chain:?}");
    }
}

#[test]
fn a_server_name_that_is_no_name_is_a_mismatch() {
    let mut store = TrustStore::new(false);
    assert!(store.add_der(&der(ROOT_PEM)));
    let v = Validator::new(store);
    let root = der(ROOT_PEM);
    let got = v.validate(&[&root], Some("bad name\u{0}"), 1_796_083_200_000_000_000);
    assert!(
        got.problems
            .iter()
            .any(|p| p.code == ValidationStatus::NameMismatch),
        "{got:?}"
    );
}

#[test]
fn the_memory_of_answers_stays_within_its_caps() {
    let mut store = TrustStore::new(false);
    assert!(store.add_der(&der(ROOT_PEM)));
    let v = Validator::new(store);
    let leaf = der(LEAF_SHA1_PEM);
    let n = validate::CACHE_ENTRIES + 1000;
    for i in 0..n {
        // Another signature each time: another chain, that still parses (and fails).
        let mut chain = leaf.clone();
        let end = chain.len();
        chain[end - 2..].copy_from_slice(&(i as u16).to_be_bytes());
        let got = v.validate(&[&chain], Some("tlsscope.test"), 1_796_083_200_000_000_000);
        assert_ne!(got.status, ValidationStatus::Ok);
    }
    let (answers, bytes) = v.remembered();
    assert!(answers <= validate::CACHE_ENTRIES, "{answers}");
    assert!(bytes <= validate::CACHE_BYTES, "{bytes}");
    use std::sync::atomic::Ordering::Relaxed;
    assert_eq!(v.checked.load(Relaxed), n as u64);
    assert_eq!(v.cleared.load(Relaxed), 1);
}
