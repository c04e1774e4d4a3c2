//! PKCS#12 (`.p12` / `.pfx`): the walk from the PFX's authSafe through
//! (encrypted) content infos and safe contents to the key bags, DER or BER.
//!
//! A structure of its own with its own failure bookkeeping (wrong password,
//! unsupported parts, certificates only), hence a separate file. It ends at the
//! PKCS#8 `PrivateKeyInfo`s it finds: `container.rs`, which recognised the PFX,
//! has `formats.rs` read them.

use super::der::{oid_arc, sequence, Tlv, MAX_DEPTH, TAG_CONTEXT_0, TAG_OCTET_STRING};
use super::pbe::{decrypt_pkcs8, password_candidates, pbe_decrypt, PbeFail};
use super::Fail;

// OID content octets.
const OID_PKCS12_BAG: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01];
const OID_PKCS7: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];
const PKCS7_DATA: u8 = 1;
const PKCS7_SIGNED_DATA: u8 = 2;
const PKCS7_ENCRYPTED_DATA: u8 = 6;
const BAG_KEY: u8 = 1;
const BAG_SHROUDED_KEY: u8 = 2;
const BAG_SAFE_CONTENTS: u8 = 6;

#[derive(Default)]
struct Pkcs12Walk<'p> {
    password: Option<&'p str>,
    /// PrivateKeyInfo DER of every key found.
    keys: Vec<Vec<u8>>,
    /// Something failed to decrypt with every password tried.
    wrong_password: bool,
    unsupported: Option<String>,
}

/// The PrivateKeyInfo DER of every key in a PFX whose authSafe is `auth_safe`
/// (shrouded key bags decrypted); at least one, else why there is none.
pub(super) fn pkcs12_keys(
    auth_safe: &Tlv<'_>,
    password: Option<&str>,
) -> Result<Vec<Vec<u8>>, Fail> {
    let mut walk = Pkcs12Walk {
        password,
        ..Default::default()
    };
    let items = auth_safe.children().ok_or(Fail::NotAKey)?;
    let kind = items.first().and_then(|o| oid_arc(o, OID_PKCS7));
    match kind {
        Some(PKCS7_DATA) => {}
        Some(PKCS7_SIGNED_DATA) => {
            return Err(Fail::Unsupported(
                "PKCS#12 in public-key integrity mode (signedData) is not supported".into(),
            ))
        }
        _ => return Err(Fail::NotAKey),
    }
    let data = explicit_octets(items.get(1)).ok_or(Fail::NotAKey)?;
    let (_, contents) = sequence(&data).ok_or(Fail::NotAKey)?;
    for info in contents {
        walk.content_info(&info);
    }
    if walk.keys.is_empty() {
        return Err(if walk.wrong_password {
            Fail::password(password)
        } else if let Some(why) = walk.unsupported {
            Fail::Unsupported(why)
        } else {
            Fail::NotAKey // certificates only
        });
    }
    Ok(walk.keys)
}

/// The OCTET STRING inside a `[0] EXPLICIT` wrapper.
fn explicit_octets(wrapper: Option<&Tlv<'_>>) -> Option<Vec<u8>> {
    let wrapper = wrapper.filter(|w| w.tag == TAG_CONTEXT_0)?;
    let inner = wrapper.children()?;
    inner
        .first()
        .filter(|t| t.tag & 0x1f == TAG_OCTET_STRING)?
        .octets()
}

impl Pkcs12Walk<'_> {
    fn content_info(&mut self, info: &Tlv<'_>) {
        let Some(items) = info.children() else {
            return;
        };
        match items.first().and_then(|o| oid_arc(o, OID_PKCS7)) {
            Some(PKCS7_DATA) => {
                if let Some(data) = explicit_octets(items.get(1)) {
                    self.safe_contents(&data, 0);
                }
            }
            Some(PKCS7_ENCRYPTED_DATA) => self.encrypted_data(items.get(1)),
            Some(_) => {
                self.unsupported.get_or_insert_with(|| {
                    "PKCS#12 content other than data and encryptedData is not supported".into()
                });
            }
            None => {}
        }
    }

    /// EncryptedData ::= SEQUENCE { version, EncryptedContentInfo ::= SEQUENCE {
    /// contentType, contentEncryptionAlgorithm, [0] IMPLICIT encryptedContent } }
    fn encrypted_data(&mut self, wrapper: Option<&Tlv<'_>>) {
        let parts = (|| {
            let wrapper = wrapper.filter(|w| w.tag == TAG_CONTEXT_0)?;
            let enc = *wrapper.children()?.first()?;
            let eci = *enc.children()?.get(1)?;
            let eci_items = eci.children()?;
            let alg = *eci_items.get(1)?;
            let content = eci_items.get(2).filter(|t| t.tag & 0x1f == 0)?.octets()?;
            Some((alg, content))
        })();
        let Some((alg, ciphertext)) = parts else {
            return;
        };
        for pw in password_candidates(self.password) {
            match pbe_decrypt(&alg, &ciphertext, pw) {
                Ok(plain) if sequence(&plain).is_some() => {
                    self.safe_contents(&plain, 0);
                    return;
                }
                Ok(_) | Err(PbeFail::Wrong) => {}
                Err(PbeFail::Unsupported(why)) => {
                    self.unsupported.get_or_insert(why);
                    return;
                }
            }
        }
        self.wrong_password = true;
    }

    /// SafeContents ::= SEQUENCE OF SafeBag ::= SEQUENCE { bagId, [0] EXPLICIT bagValue, .. }
    fn safe_contents(&mut self, der: &[u8], depth: usize) {
        let Some((_, bags)) = sequence(der) else {
            return;
        };
        for bag in bags {
            let Some(items) = bag.children() else {
                continue;
            };
            let (Some(id), Some(value)) = (
                items.first().and_then(|o| oid_arc(o, OID_PKCS12_BAG)),
                items
                    .get(1)
                    .filter(|w| w.tag == TAG_CONTEXT_0)
                    .and_then(|w| w.children())
                    .and_then(|c| c.first().copied()),
            ) else {
                continue;
            };
            match id {
                BAG_KEY => self.keys.push(value.raw.to_vec()),
                BAG_SHROUDED_KEY => match decrypt_pkcs8(value.raw, self.password) {
                    Ok(plain) => self.keys.push(plain),
                    Err(Fail::NeedsPassword | Fail::BadPassword) => self.wrong_password = true,
                    Err(Fail::Unsupported(why)) => {
                        self.unsupported.get_or_insert(why);
                    }
                    Err(_) => {}
                },
                BAG_SAFE_CONTENTS if depth < MAX_DEPTH => self.safe_contents(value.raw, depth + 1),
                _ => {} // certificates, CRLs, secrets
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::der::sequence;
    use super::super::load_key_bytes;
    use super::super::testutil::{load_one, read};
    use super::*;

    /// PKCS#12 in BER: indefinite lengths and a constructed OCTET STRING (as NSS writes).
    #[test]
    fn pkcs12_in_ber() {
        fn indefinite(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
            let mut out = vec![tag, 0x80];
            for p in parts {
                out.extend(*p);
            }
            out.extend([0, 0]);
            out
        }
        fn definite(tag: u8, content: &[u8]) -> Vec<u8> {
            assert!(content.len() < 0x10000);
            let mut out = vec![tag, 0x82, (content.len() >> 8) as u8, content.len() as u8];
            out.extend(content);
            out
        }
        let der = read("rsa1024.p12");
        let (_, pfx) = sequence(&der).unwrap();
        let auth_safe = pfx[1].children().unwrap();
        let data = explicit_octets(Some(&auth_safe[1])).unwrap();
        let (a, b) = data.split_at(data.len() / 3);
        let octets = indefinite(0x24, &[&definite(0x04, a), &definite(0x04, b)]);
        let wrapped = indefinite(0xa0, &[&octets]);
        let auth_safe = indefinite(0x30, &[auth_safe[0].raw, &wrapped]);
        let ber = indefinite(0x30, &[pfx[0].raw, &auth_safe, pfx[2].raw]);
        let keys = load_key_bytes(&ber, "ber.p12", Some("tlsscope")).unwrap();
        assert_eq!(keys[0].modulus, load_one("rsa1024-pkcs1.pem", None).modulus);
        // Truncations of the BER form fail cleanly.
        for len in 0..ber.len() {
            let _ = load_key_bytes(&ber[..len], "ber.p12", Some("tlsscope"));
        }
    }
}
