//! Key file formats: PEM (blocks, headers, base64), and DER recognised by its
//! structure — PKCS#1 `RSAPrivateKey`, PKCS#8 `PrivateKeyInfo`, encrypted
//! PKCS#8, PKCS#12 — down to the RSA key itself.
//!
//! Separate from `mod.rs`, which deals with files, folders and errors: this is
//! where bytes become keys.

use rsa::{BigUint, RsaPrivateKey};

use super::der::{sequence, Tlv, TAG_INTEGER, TAG_OCTET_STRING, TAG_SEQUENCE};
use super::pbe::decrypt_pkcs8;
use super::pkcs12::pkcs12;
use super::{Fail, Loaded};

struct PemBlock {
    label: String,
    /// Header lines (`Name: value`) between the BEGIN line and the base64 body.
    headers: Vec<(String, String)>,
    /// The decoded body, `None` when it is not valid base64.
    der: Option<Vec<u8>>,
}

/// Splits a PEM file into its blocks (text outside the blocks is ignored, as are
/// unterminated blocks). Lenient on line lengths, CRLF and indentation.
fn parse_pem(bytes: &[u8]) -> Vec<PemBlock> {
    let mut blocks = Vec::new();
    // The block being read, and its base64 body so far.
    let mut current: Option<(PemBlock, String)> = None;
    for raw in bytes.split(|&b| b == b'\n') {
        let Ok(line) = std::str::from_utf8(raw) else {
            current = None;
            continue;
        };
        let indented = line.starts_with([' ', '\t']);
        let line = line.trim();
        if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            let block = PemBlock {
                label: label.trim().to_string(),
                headers: Vec::new(),
                der: None,
            };
            current = Some((block, String::new()));
            continue;
        }
        let Some((block, body)) = current.as_mut() else {
            continue;
        };
        if line.starts_with("-----END ") {
            if let Some((mut block, body)) = current.take() {
                block.der = base64_decode(&body);
                blocks.push(block);
            }
        } else if body.is_empty() && line.contains(':') {
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            block
                .headers
                .push((name.trim().to_string(), value.trim().to_string()));
        } else if body.is_empty() && indented && !block.headers.is_empty() {
            // Continuation of a header line.
            if let Some(last) = block.headers.last_mut() {
                last.1.push_str(line);
            }
        } else {
            body.push_str(line);
        }
    }
    blocks
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut nbits, mut padding) = (0u32, 0u32, 0usize);
    for c in s.bytes() {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'=' {
            padding += 1;
            continue;
        }
        if padding > 0 {
            return None; // data after padding
        }
        acc = (acc << 6) | value(c)?;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((acc >> nbits) as u8);
            acc &= (1 << nbits) - 1;
        }
    }
    (padding <= 2).then_some(out)
}

pub(super) fn from_pem(bytes: &[u8], password: Option<&str>) -> Vec<Loaded> {
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

// OID content octets.
const OID_RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_RSAES_OAEP: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x07];
const OID_RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];

/// A DER (or BER, for PKCS#12) blob, recognised by its structure.
pub(super) fn from_der(bytes: &[u8], password: Option<&str>) -> Loaded {
    let Some((top, items)) = sequence(bytes) else {
        return Err(Fail::NotAKey);
    };
    let tags: Vec<u8> = items.iter().map(|t| t.tag).collect();
    let version = items.first().and_then(Tlv::small_uint);
    match tags.as_slice() {
        // PFX: version 3, authSafe ContentInfo, macData.
        [TAG_INTEGER, TAG_SEQUENCE, ..] if version == Some(3) => pkcs12(&items[1], password),
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

/// Smallest and largest moduli accepted (a 48-byte PKCS#1 v1.5 block needs 472 bits).
const MIN_BITS: usize = 512;
const MAX_BITS: usize = 16384;

fn rsa_from_pkcs1(der: &[u8]) -> Result<RsaPrivateKey, Fail> {
    let k = pkcs1::RsaPrivateKey::try_from(der)
        .map_err(|e| Fail::Unsupported(format!("malformed RSA private key ({e})")))?;
    let n = BigUint::from_bytes_be(k.modulus.as_bytes());
    let bits = n.bits();
    if !(MIN_BITS..=MAX_BITS).contains(&bits) {
        return Err(Fail::Unsupported(format!(
            "{bits}-bit RSA key: only {MIN_BITS} to {MAX_BITS} bits are supported"
        )));
    }
    let mut parts = vec![k.prime1, k.prime2];
    if let Some(others) = &k.other_prime_infos {
        if others.len() > 14 {
            return Err(Fail::Unsupported("RSA key with over 16 primes".into()));
        }
        parts.extend(others.iter().map(|o| o.prime));
    }
    // Bound the sizes before any arithmetic (a crafted file could hold huge integers), and
    // keep q within a few bits of p: the CRT step adds p to (m_p − m_q) until it is not
    // negative, about q/p times.
    let n_len = k.modulus.as_bytes().len();
    let too_big = |u: &pkcs1::UintRef<'_>| u.as_bytes().len() > n_len;
    if too_big(&k.public_exponent) || too_big(&k.private_exponent) || parts.iter().any(too_big) {
        return Err(Fail::Unsupported(
            "invalid RSA private key (a component is larger than the modulus)".into(),
        ));
    }
    let primes: Vec<BigUint> = parts
        .iter()
        .map(|p| BigUint::from_bytes_be(p.as_bytes()))
        .collect();
    if primes[1].bits() > primes[0].bits() + 8 {
        return Err(Fail::Unsupported(
            "RSA key with very unbalanced primes is not supported".into(),
        ));
    }
    let e = BigUint::from_bytes_be(k.public_exponent.as_bytes());
    let d = BigUint::from_bytes_be(k.private_exponent.as_bytes());
    let mut key = RsaPrivateKey::from_components(n, e, d, primes)
        .map_err(|e| Fail::Unsupported(format!("invalid RSA private key ({e})")))?;
    key.precompute()
        .map_err(|e| Fail::Unsupported(format!("invalid RSA private key ({e})")))?;
    Ok(key)
}

pub(super) fn rsa_from_pkcs8(der: &[u8]) -> Result<RsaPrivateKey, Fail> {
    let info = pkcs8::PrivateKeyInfo::try_from(der)
        .map_err(|e| Fail::Unsupported(format!("malformed PKCS#8 private key ({e})")))?;
    let oid = info.algorithm.oid.as_bytes();
    if oid == OID_RSA_ENCRYPTION {
        rsa_from_pkcs1(info.private_key)
    } else if oid == OID_RSASSA_PSS || oid == OID_RSAES_OAEP {
        Err(Fail::Unsupported(
            "RSA key restricted to RSASSA-PSS or RSAES-OAEP: TLS RSA key exchange \
             needs an rsaEncryption key"
                .into(),
        ))
    } else {
        Err(Fail::NotRsa)
    }
}

fn rsa_from_encrypted_pkcs8(der: &[u8], password: Option<&str>) -> Result<RsaPrivateKey, Fail> {
    let plain = decrypt_pkcs8(der, password)?;
    rsa_from_pkcs8(&plain)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{load, load_one, read};
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

    #[test]
    fn pem_is_read_leniently() {
        // CRLF, indentation, 76-column lines, a BOM-less preamble.
        let der = parse_pem(&read("rsa1024-pkcs8.pem"))[0]
            .der
            .clone()
            .unwrap();
        let b64 = {
            const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut s = String::new();
            for c in der.chunks(3) {
                let v = c.iter().fold(0u32, |a, &b| (a << 8) | b as u32) << (8 * (3 - c.len()));
                for i in 0..=c.len() {
                    s.push(A[(v >> (18 - 6 * i) & 63) as usize] as char);
                }
                for _ in c.len()..3 {
                    s.push('=');
                }
            }
            s
        };
        let mut text = String::from("Bag Attributes\r\n    friendlyName: x\r\n");
        text.push_str("  -----BEGIN PRIVATE KEY-----\r\n");
        for line in b64.as_bytes().chunks(76) {
            text.push_str("  ");
            text.push_str(std::str::from_utf8(line).unwrap());
            text.push_str("\r\n");
        }
        text.push_str("-----END PRIVATE KEY-----\r\n");
        let key = load_key_bytes(text.as_bytes(), "lenient.pem", None).unwrap();
        assert_eq!(key[0].modulus, load_one("rsa1024-pkcs1.pem", None).modulus);
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("").unwrap(), b"");
        assert_eq!(base64_decode("Zg==").unwrap(), b"f");
        assert_eq!(base64_decode("Zm8=").unwrap(), b"fo");
        assert_eq!(base64_decode("Zm9v").unwrap(), b"foo");
        assert_eq!(base64_decode("Zm9v\nYmFy").unwrap(), b"foobar");
        assert!(base64_decode("Zm9v!").is_none());
        assert!(base64_decode("Zg==Zg").is_none());
    }
}
