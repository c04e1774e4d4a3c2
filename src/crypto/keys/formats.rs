//! Key file formats: PEM text (blocks, headers, base64), and the DER key structures
//! — PKCS#1 `RSAPrivateKey`, PKCS#8 `PrivateKeyInfo`, encrypted PKCS#8 — down to the
//! RSA key itself.
//!
//! Decoders only: which of them a file needs is decided in `container.rs`, which
//! also hands this file the PKCS#8 keys found inside PKCS#12 files. Nothing here
//! calls back there or into `pkcs12.rs`.

use rsa::{BigUint, RsaPrivateKey};

use super::pbe::decrypt_pkcs8;
use super::Fail;

/// One `-----BEGIN label-----` … `-----END …-----` block.
pub(super) struct PemBlock {
    pub(super) label: String,
    /// Header lines (`Name: value`) between the BEGIN line and the base64 body.
    pub(super) headers: Vec<(String, String)>,
    /// The decoded body, `None` when it is not valid base64.
    pub(super) der: Option<Vec<u8>>,
}

/// Splits a PEM file into its blocks (text outside the blocks is ignored, as are
/// unterminated blocks). Lenient on line lengths, CRLF and indentation.
pub(super) fn parse_pem(bytes: &[u8]) -> Vec<PemBlock> {
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

// OID content octets.
const OID_RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_RSAES_OAEP: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x07];
const OID_RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];

/// Smallest and largest moduli accepted (a 48-byte PKCS#1 v1.5 block needs 472 bits).
const MIN_BITS: usize = 512;
const MAX_BITS: usize = 16384;

/// PKCS#1 `RSAPrivateKey` (RFC 8017 §A.1.2), multi-prime included.
pub(super) fn rsa_from_pkcs1(der: &[u8]) -> Result<RsaPrivateKey, Fail> {
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

/// PKCS#8 `PrivateKeyInfo` holding an rsaEncryption key.
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

/// PKCS#8 `EncryptedPrivateKeyInfo`: decrypted with `password` (`pbe.rs`), then read
/// as a `PrivateKeyInfo`.
pub(super) fn rsa_from_encrypted_pkcs8(
    der: &[u8],
    password: Option<&str>,
) -> Result<RsaPrivateKey, Fail> {
    let plain = decrypt_pkcs8(der, password)?;
    rsa_from_pkcs8(&plain)
}

#[cfg(test)]
mod tests {
    use super::super::load_key_bytes;
    use super::super::testutil::{load_one, read};
    use super::*;

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
