//! Which container a key file is, and which decoder reads it: the one place that tells
//! PEM from DER, PKCS#12 from PKCS#8 from PKCS#1, encrypted from not.
//!
//! ```text
//!  bytes ─┬─ "-----BEGIN " ─► PEM (formats.rs splits the blocks), per block by label
//!         │                   and headers: EC / DSA → not RSA; OpenSSH, Proc-Type
//!         │                   ENCRYPTED → refused with a hint; else its DER, below
//!         └─ otherwise ─────► DER / BER, by its top-level structure:
//!                               PFX (version 3, authSafe, …) ─► pkcs12.rs: the PKCS#8
//!                                                               keys inside ─┐
//!                               EncryptedPrivateKeyInfo ──────► formats.rs ◄─┘
//!                               PrivateKeyInfo ───────────────► formats.rs
//!                               RSAPrivateKey (9+ INTEGERs) ──► formats.rs
//!                               SEC1 ECPrivateKey, DSA ───────► not RSA
//! ```
//!
//! The dependency goes one way: this file calls the decoders, and `formats.rs`
//! (PEM text, PKCS#1, PKCS#8) and `pkcs12.rs` (the PFX walk) never call each other
//! or back here.

use super::der::{sequence, Tlv, TAG_INTEGER, TAG_OCTET_STRING, TAG_SEQUENCE};
use super::formats::{parse_pem, rsa_from_encrypted_pkcs8, rsa_from_pkcs1, rsa_from_pkcs8};
use super::pkcs12::pkcs12_keys;
use super::{Fail, Loaded};

/// Every key item in `bytes` (one per PEM key block, or the one DER blob), each the
/// keys it held or why it held none.
pub(super) fn keys_in(bytes: &[u8], password: Option<&str>) -> Vec<Loaded> {
    if contains(bytes, b"-----BEGIN ") {
        from_pem(bytes, password)
    } else {
        vec![from_der(bytes, password)]
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The key blocks of a PEM file; certificates and other blocks are skipped.
fn from_pem(bytes: &[u8], password: Option<&str>) -> Vec<Loaded> {
    let mut results = Vec::new();
    for block in parse_pem(bytes) {
        let label = block.label.as_str();
        if !label.ends_with("PRIVATE KEY") {
            continue; // CERTIFICATE, PUBLIC KEY, EC PARAMETERS, X509 CRL…
        }
        let encrypted = block
            .headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("Proc-Type") && v.contains("ENCRYPTED"));
        let result = match label {
            "EC PRIVATE KEY" | "DSA PRIVATE KEY" => Err(Fail::NotRsa),
            "OPENSSH PRIVATE KEY" => Err(Fail::Unsupported(
                "OpenSSH key format is not supported: convert the key with \
                 `ssh-keygen -p -m PEM -f KEY` (rewrites KEY as PKCS#1)"
                    .into(),
            )),
            _ if encrypted => {
                let cipher = block
                    .headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("DEK-Info"))
                    .map(|(_, v)| v.split(',').next().unwrap_or("").trim().to_string())
                    .filter(|c| !c.is_empty())
                    .unwrap_or_else(|| "unknown cipher".into());
                Err(Fail::Unsupported(format!(
                    "legacy PEM encryption (Proc-Type: 4,ENCRYPTED, {cipher}) is not supported: \
                     convert the key to encrypted PKCS#8 with \
                     `openssl pkcs8 -topk8 -in KEY -out KEY.p8`"
                )))
            }
            // PKCS#1, PKCS#8 or encrypted PKCS#8: the structure tells which, whatever the
            // label says ("ANY PRIVATE KEY", or a mislabelled block).
            _ => match &block.der {
                None => Err(Fail::Unsupported(format!(
                    "the {label} PEM block is not valid base64"
                ))),
                Some(der) => match from_der(der, password) {
                    Err(Fail::NotAKey) => Err(Fail::Unsupported(format!(
                        "the {label} PEM block holds no key it could be read as"
                    ))),
                    other => other,
                },
            },
        };
        results.push(result);
    }
    results
}

/// A DER (or BER, for PKCS#12) blob, recognised by its structure.
fn from_der(bytes: &[u8], password: Option<&str>) -> Loaded {
    let Some((top, items)) = sequence(bytes) else {
        return Err(Fail::NotAKey);
    };
    let tags: Vec<u8> = items.iter().map(|t| t.tag).collect();
    let version = items.first().and_then(Tlv::small_uint);
    match tags.as_slice() {
        // PFX: version 3, authSafe ContentInfo, macData.
        [TAG_INTEGER, TAG_SEQUENCE, ..] if version == Some(3) => {
            pkcs12_keys(&items[1], password).and_then(|keys| rsa_keys_of_pkcs12(&keys))
        }
        // EncryptedPrivateKeyInfo: algorithm, encrypted data.
        [TAG_SEQUENCE, TAG_OCTET_STRING] => {
            rsa_from_encrypted_pkcs8(top.raw, password).map(|k| vec![k])
        }
        // PrivateKeyInfo / OneAsymmetricKey: version, algorithm, key, [attributes], [public key].
        [TAG_INTEGER, TAG_SEQUENCE, TAG_OCTET_STRING, ..] => {
            rsa_from_pkcs8(top.raw).map(|k| vec![k])
        }
        // SEC1 ECPrivateKey: version 1, private key, [parameters], [public key].
        [TAG_INTEGER, TAG_OCTET_STRING, ..] if version == Some(1) => Err(Fail::NotRsa),
        // RSAPrivateKey: version, n, e, d, p, q, dp, dq, qinv, [other primes].
        t if t.len() >= 9 && t[..9].iter().all(|&x| x == TAG_INTEGER) => {
            rsa_from_pkcs1(top.raw).map(|k| vec![k])
        }
        // OpenSSL's DSA private key: version, p, q, g, y, x.
        t if t.len() == 6 && t.iter().all(|&x| x == TAG_INTEGER) => Err(Fail::NotRsa),
        _ => Err(Fail::NotAKey),
    }
}

/// The RSA keys among a PKCS#12 file's PrivateKeyInfos. Keys in a PKCS#12 file are not
/// always RSA: keep what is, report the rest only when nothing is.
fn rsa_keys_of_pkcs12(infos: &[Vec<u8>]) -> Loaded {
    let mut keys = Vec::new();
    let mut worst = Fail::NotAKey;
    for der in infos {
        match rsa_from_pkcs8(der) {
            Ok(k) => keys.push(k),
            Err(f) if f.rank() > worst.rank() => worst = f,
            Err(_) => {}
        }
    }
    if keys.is_empty() {
        Err(worst)
    } else {
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{load, read};
    use super::super::{load_key_bytes, KeyError};
    use super::*;

    #[test]
    fn non_rsa_keys() {
        let err = load("ec-p256.p12", Some("tlsscope")).unwrap_err();
        assert!(matches!(err, KeyError::NotRsa { .. }), "{err}");
        for name in ["ec-p256.pem", "ec-p256-pkcs8.pem", "ed25519.pem"] {
            let err = load(name, None).unwrap_err();
            assert!(matches!(err, KeyError::NotRsa { .. }), "{name}: {err}");
            assert_eq!(err.to_string(), format!("{name}: not an RSA key"));
        }
        // The same in DER.
        for name in ["ec-p256.pem", "ec-p256-pkcs8.pem", "ed25519.pem"] {
            let blocks = parse_pem(&read(name));
            let der = blocks.iter().find_map(|b| b.der.clone()).unwrap();
            let err = load_key_bytes(&der, name, None).unwrap_err();
            assert!(matches!(err, KeyError::NotRsa { .. }), "{name} DER: {err}");
        }
    }

    #[test]
    fn legacy_pem_encryption_is_refused_clearly() {
        for pw in [None, Some("tlsscope")] {
            let err = load("rsa1024-legacy-enc.pem", pw).unwrap_err();
            let KeyError::Unsupported { why, .. } = &err else {
                panic!("{err:?}");
            };
            assert!(
                why.contains("Proc-Type") && why.contains("AES-128-CBC"),
                "{why}"
            );
            assert!(why.contains("openssl pkcs8 -topk8"), "{why}");
            let text = err.to_string();
            assert!(text.starts_with("rsa1024-legacy-enc.pem: "), "{text}");
            assert!(!text.contains('\n'));
        }
    }

    #[test]
    fn certificates_and_junk_are_not_keys() {
        let err = load("rsa1024-cert.pem", None).unwrap_err();
        assert!(matches!(err, KeyError::NotAKey { .. }));
        assert_eq!(
            err.to_string(),
            "rsa1024-cert.pem: not a private key (PEM, DER, PKCS#8 or PKCS#12)"
        );
        let cert_der = parse_pem(&read("rsa1024-cert.pem"))[0].der.clone().unwrap();
        assert!(matches!(
            load_key_bytes(&cert_der, "c.der", None),
            Err(KeyError::NotAKey { .. })
        ));
        for junk in [
            &b""[..],
            b"hello\n",
            b"# README\nPut the keys here.\n",
            b"-----BEGIN RSA PRIVATE KEY-----\n",
            b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            &[0x30, 0x00],
            &[0x30, 0x80, 0x00, 0x00],
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
        ] {
            assert!(
                matches!(
                    load_key_bytes(junk, "j", None),
                    Err(KeyError::NotAKey { .. })
                ),
                "{junk:?}"
            );
        }
        // A PEM key block with a broken body is reported, not silently dropped.
        let broken = b"-----BEGIN PRIVATE KEY-----\nMIIB!!!\n-----END PRIVATE KEY-----\n";
        assert!(matches!(
            load_key_bytes(broken, "b", None),
            Err(KeyError::Unsupported { .. })
        ));
    }

    /// The same key in every container is recognised as what it is, one item each.
    #[test]
    fn each_container_is_told_apart() {
        let pkcs1 = parse_pem(&read("rsa1024-pkcs1.pem"))[0]
            .der
            .clone()
            .unwrap();
        let pkcs8 = parse_pem(&read("rsa1024-pkcs8.pem"))[0]
            .der
            .clone()
            .unwrap();
        for (what, bytes, password) in [
            ("PEM PKCS#1", read("rsa1024-pkcs1.pem"), None),
            ("PEM PKCS#8", read("rsa1024-pkcs8.pem"), None),
            ("DER PKCS#1", pkcs1, None),
            ("DER PKCS#8", pkcs8, None),
            ("PKCS#12", read("rsa1024.p12"), Some("tlsscope")),
        ] {
            let items = keys_in(&bytes, password);
            assert_eq!(items.len(), 1, "{what}");
            let keys = items.into_iter().next().unwrap().expect(what);
            assert_eq!(keys.len(), 1, "{what}");
        }
        // PKCS#12 without its password: the walk says so, nothing else is tried.
        let items = keys_in(&read("rsa1024.p12"), None);
        assert!(matches!(items[..], [Err(Fail::NeedsPassword)]));
    }
}
