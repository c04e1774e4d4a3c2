//! Password-based decryption: encrypted PKCS#8 (`EncryptedPrivateKeyInfo`)
//! under PKCS#5 PBES2 (PBKDF2 or scrypt, AES or 3DES) or the PKCS#12 PBEs
//! (3DES, RC2-40), with bounds on the key-derivation cost and messages that
//! name unsupported algorithms.
//!
//! Used by both encrypted PKCS#8 keys and the PKCS#12 walker, and sizeable on
//! its own, hence a separate file.

use pkcs8::pkcs5;

use super::der::{oid_arc, oid_text, sequence, Tlv, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE};
use super::Fail;

/// The passwords to try: the one given, then the empty one (an unencrypted-looking
/// PKCS#12 file or key "encrypted" with an empty password).
pub(super) fn password_candidates(password: Option<&str>) -> Vec<&str> {
    match password {
        Some(p) if !p.is_empty() => vec![p, ""],
        _ => vec![""],
    }
}

/// Decrypts an EncryptedPrivateKeyInfo into PrivateKeyInfo DER, trying each password.
pub(super) fn decrypt_pkcs8(der: &[u8], password: Option<&str>) -> Result<Vec<u8>, Fail> {
    let (_, items) = sequence(der).ok_or(Fail::NotAKey)?;
    let [alg, data] = items.as_slice() else {
        return Err(Fail::NotAKey);
    };
    let ciphertext = data.octets().ok_or(Fail::NotAKey)?;
    for pw in password_candidates(password) {
        match pbe_decrypt(alg, &ciphertext, pw) {
            // A wrong password passes the CBC padding check once in a few hundred tries:
            // the plaintext must also be a PrivateKeyInfo.
            Ok(plain) if pkcs8::PrivateKeyInfo::try_from(plain.as_slice()).is_ok() => {
                return Ok(plain)
            }
            Ok(_) | Err(PbeFail::Wrong) => {}
            Err(PbeFail::Unsupported(why)) => return Err(Fail::Unsupported(why)),
        }
    }
    Err(Fail::password(password))
}

// OID content octets.
const OID_PKCS5: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05];
const OID_PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
const OID_PKCS12_PBE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01];

pub(super) enum PbeFail {
    /// Wrong password (or corrupt data).
    Wrong,
    Unsupported(String),
}

/// Highest PBKDF2 / PKCS#12 KDF iteration count followed (common values: 2048 to 600000).
const MAX_KDF_ITERATIONS: u64 = 4_000_000;
/// Largest scrypt working memory (128·r·N bytes) and work (N·r·p) accepted.
const MAX_SCRYPT_MEMORY: u64 = 256 << 20;
const MAX_SCRYPT_WORK: u64 = 1 << 26;

/// Decrypts `ciphertext` with the algorithm `alg` (an AlgorithmIdentifier) and `password`.
pub(super) fn pbe_decrypt(
    alg: &Tlv<'_>,
    ciphertext: &[u8],
    password: &str,
) -> Result<Vec<u8>, PbeFail> {
    let items = alg
        .children()
        .filter(|c| alg.tag == TAG_SEQUENCE && !c.is_empty())
        .ok_or_else(|| PbeFail::Unsupported("malformed encryption algorithm".into()))?;
    let oid = &items[0];
    if oid.is_oid(OID_PBES2) {
        return pbes2_decrypt(alg, ciphertext, password);
    }
    if let Some(arc) = oid_arc(oid, OID_PKCS12_PBE) {
        return pkcs12_pbe_decrypt(arc, items.get(1), ciphertext, password);
    }
    if oid_arc(oid, OID_PKCS5).is_some() {
        return Err(PbeFail::Unsupported(format!(
            "PBES1 encryption ({}) is not supported: re-encrypt the key with \
             `openssl pkcs8 -topk8 -v2 aes-256-cbc`",
            oid_text(oid.content)
        )));
    }
    Err(PbeFail::Unsupported(format!(
        "unknown key encryption algorithm {}",
        oid_text(oid.content)
    )))
}

fn pbes2_decrypt(alg: &Tlv<'_>, ciphertext: &[u8], password: &str) -> Result<Vec<u8>, PbeFail> {
    let scheme = pkcs5::EncryptionScheme::try_from(alg.raw)
        .map_err(|_| PbeFail::Unsupported(format!("PBES2 with {}", pbes2_describe(alg))))?;
    let Some(params) = scheme.pbes2() else {
        return Err(PbeFail::Unsupported("malformed PBES2 parameters".into()));
    };
    match &params.kdf {
        pkcs5::pbes2::Kdf::Pbkdf2(p) => {
            let n = u64::from(p.iteration_count);
            if n == 0 || n > MAX_KDF_ITERATIONS {
                return Err(PbeFail::Unsupported(format!(
                    "PBKDF2 iteration count {n} is outside 1 to {MAX_KDF_ITERATIONS}"
                )));
            }
        }
        pkcs5::pbes2::Kdf::Scrypt(s) => {
            let (n, r, p) = (
                s.cost_parameter,
                u64::from(s.block_size),
                u64::from(s.parallelization),
            );
            let ok = n >= 2
                && n.is_power_of_two()
                && r >= 1
                && p >= 1
                && n.checked_mul(r)
                    .and_then(|nr| nr.checked_mul(128))
                    .is_some_and(|m| m <= MAX_SCRYPT_MEMORY)
                && n.saturating_mul(r).saturating_mul(p) <= MAX_SCRYPT_WORK;
            if !ok {
                return Err(PbeFail::Unsupported(format!(
                    "scrypt parameters N={n} r={r} p={p} are out of the supported range"
                )));
            }
        }
        _ => {
            return Err(PbeFail::Unsupported(
                "PBES2 with an unknown key-derivation function".into(),
            ))
        }
    }
    scheme
        .decrypt(password.as_bytes(), ciphertext)
        .map_err(|e| match e {
            // pkcs5 0.7 reports a bad CBC padding (wrong password) as `EncryptFailed`.
            pkcs5::Error::DecryptFailed | pkcs5::Error::EncryptFailed => PbeFail::Wrong,
            other => PbeFail::Unsupported(format!("PBES2: {other}")),
        })
}

/// "KDF / cipher" of a PBES2 AlgorithmIdentifier, for messages.
fn pbes2_describe(alg: &Tlv<'_>) -> String {
    let first_oid = |t: Option<&Tlv<'_>>| -> String {
        t.and_then(|t| t.children())
            .and_then(|c| c.first().copied())
            .filter(|o| o.tag == TAG_OID)
            .map(|o| oid_text(o.content))
            .unwrap_or_else(|| "?".into())
    };
    let params = alg
        .children()
        .and_then(|c| c.get(1).copied())
        .and_then(|p| p.children())
        .unwrap_or_default();
    let kdf = first_oid(params.first());
    let cipher = first_oid(params.get(1));
    // The PRF, when PBKDF2 names one.
    let prf = params
        .first()
        .and_then(|k| k.children())
        .and_then(|c| c.get(1).copied())
        .and_then(|p| p.children())
        .and_then(|c| c.into_iter().find(|t| t.tag == TAG_SEQUENCE))
        .map(|t| first_oid(Some(&t)));
    match prf {
        Some(prf) => format!("{kdf}/{prf} and {cipher} is not supported"),
        None => format!("{kdf} and {cipher} is not supported"),
    }
}

fn pkcs12_pbe_decrypt(
    arc: u8,
    params: Option<&Tlv<'_>>,
    ciphertext: &[u8],
    password: &str,
) -> Result<Vec<u8>, PbeFail> {
    let malformed = || PbeFail::Unsupported("malformed PKCS#12 PBE parameters".into());
    let items = params.and_then(Tlv::children).ok_or_else(malformed)?;
    let [salt, iterations, ..] = items.as_slice() else {
        return Err(malformed());
    };
    if salt.tag != TAG_OCTET_STRING {
        return Err(malformed());
    }
    let iterations = iterations.small_uint().ok_or_else(malformed)?;
    if iterations == 0 || iterations > MAX_KDF_ITERATIONS {
        return Err(PbeFail::Unsupported(format!(
            "PKCS#12 KDF iteration count {iterations} is outside 1 to {MAX_KDF_ITERATIONS}"
        )));
    }
    let params = p12::Pkcs12PbeParams {
        salt: salt.content.to_vec(),
        iterations,
    };
    let alg = match arc {
        3 => p12::AlgorithmIdentifier::PbeWithSHAAnd3KeyTripleDESCBC(params),
        6 => p12::AlgorithmIdentifier::PbewithSHAAnd40BitRC2CBC(params),
        _ => {
            let name = match arc {
                1 => "pbeWithSHAAnd128BitRC4",
                2 => "pbeWithSHAAnd40BitRC4",
                4 => "pbeWithSHAAnd2-KeyTripleDES-CBC",
                5 => "pbeWithSHAAnd128BitRC2-CBC",
                _ => "an unknown PKCS#12 PBE",
            };
            return Err(PbeFail::Unsupported(format!(
                "{name} encryption is not supported"
            )));
        }
    };
    // PKCS#12 passwords are BMPStrings with a terminating NUL; an empty password is
    // written either as that lone NUL or as nothing at all.
    let mut bmp: Vec<u8> = password
        .encode_utf16()
        .flat_map(|u| u.to_be_bytes())
        .collect();
    bmp.extend([0, 0]);
    if let Some(plain) = alg.decrypt_pbe(ciphertext, &bmp) {
        return Ok(plain);
    }
    if password.is_empty() {
        if let Some(plain) = alg.decrypt_pbe(ciphertext, &[]) {
            return Ok(plain);
        }
    }
    Err(PbeFail::Wrong)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{load, load_one};
    use super::super::KeyError;

    #[test]
    fn passwords() {
        for name in [
            "rsa1024-pkcs8-enc.pem",
            "rsa1024-pkcs8-enc.der",
            "rsa1024-pkcs8-enc-3des-sha1.pem",
            "rsa1024-pkcs8-enc-pbe-sha1-3des.pem",
            "rsa1024.p12",
            "rsa1024-legacy.p12",
        ] {
            assert!(
                matches!(load(name, None), Err(KeyError::NeedsPassword { .. })),
                "{name}: {:?}",
                load(name, None)
            );
            assert!(
                matches!(load(name, Some("wrong")), Err(KeyError::BadPassword { .. })),
                "{name}: {:?}",
                load(name, Some("wrong"))
            );
            assert!(matches!(
                load(name, Some("")),
                Err(KeyError::BadPassword { .. })
            ));
        }
        // An empty-password PKCS#12 loads with or without a password given.
        load_one("rsa1024-nopass.p12", None);
        load_one("rsa1024-nopass.p12", Some(""));
        load_one("rsa1024-nopass.p12", Some("tlsscope"));
        // A password given for an unencrypted key is ignored.
        load_one("rsa1024-pkcs8.pem", Some("tlsscope"));
    }

    #[test]
    fn unsupported_encryption_is_named() {
        let err = load("rsa1024-pkcs8-enc-camellia.pem", Some("tlsscope")).unwrap_err();
        let KeyError::Unsupported { why, .. } = &err else {
            panic!("{err:?}");
        };
        assert!(why.contains("Camellia-128-CBC"), "{why}");
        let err = load("rsa1024-pkcs8-enc-pbes1.pem", Some("tlsscope")).unwrap_err();
        let KeyError::Unsupported { why, .. } = &err else {
            panic!("{err:?}");
        };
        assert!(why.contains("PBES1"), "{why}");
        // The algorithm is named even without a password.
        assert!(matches!(
            load("rsa1024-pkcs8-enc-pbes1.pem", None),
            Err(KeyError::Unsupported { .. })
        ));
    }
}
