//! A minimal DER / BER reader (tag, length, content; the indefinite-length
//! form that PKCS#12 files from some tools use) and OID helpers.
//!
//! The key formats, the password-based encryption parameters and the PKCS#12
//! structure are all walked with it, so it sits below them in a file of its
//! own.

use super::strip_leading_zeros;

/// One BER element: `raw` is the whole encoding, `content` what is inside (for the
/// indefinite-length form, without the end-of-contents octets).
#[derive(Clone, Copy)]
pub(super) struct Tlv<'a> {
    pub(super) tag: u8,
    pub(super) content: &'a [u8],
    pub(super) raw: &'a [u8],
}

pub(super) const TAG_INTEGER: u8 = 0x02;
pub(super) const TAG_OCTET_STRING: u8 = 0x04;
pub(super) const TAG_OID: u8 = 0x06;
pub(super) const TAG_SEQUENCE: u8 = 0x30;
pub(super) const TAG_CONTEXT_0: u8 = 0xa0;
/// Deepest nesting of indefinite-length elements, and of PKCS#12 bags, followed.
pub(super) const MAX_DEPTH: usize = 16;

impl<'a> Tlv<'a> {
    /// Reads the element at the start of `input`; `None` if it is malformed or truncated.
    pub(super) fn read(input: &'a [u8]) -> Option<(Tlv<'a>, &'a [u8])> {
        Self::read_at(input, 0)
    }

    fn read_at(input: &'a [u8], depth: usize) -> Option<(Tlv<'a>, &'a [u8])> {
        let tag = *input.first()?;
        if tag & 0x1f == 0x1f {
            return None; // high tag numbers: never used by key formats
        }
        let first = *input.get(1)?;
        let (content, raw) = if first < 0x80 {
            let raw = input.get(..2 + first as usize)?;
            (&raw[2..], raw)
        } else if first == 0x80 {
            // Indefinite length (BER): children up to the end-of-contents octets.
            if tag & 0x20 == 0 || depth >= MAX_DEPTH {
                return None;
            }
            let mut pos = 2;
            loop {
                let rest = input.get(pos..)?;
                if rest.starts_with(&[0, 0]) {
                    break;
                }
                let (child, _) = Self::read_at(rest, depth + 1)?;
                pos += child.raw.len();
            }
            (&input[2..pos], &input[..pos + 2])
        } else {
            let n = (first & 0x7f) as usize;
            if n > 4 {
                return None;
            }
            let len = input
                .get(2..2 + n)?
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | b as usize);
            let raw = input.get(..(2 + n).checked_add(len)?)?;
            (&raw[2 + n..], raw)
        };
        Some((Tlv { tag, content, raw }, &input[raw.len()..]))
    }

    /// The elements inside a constructed element; `None` if any is malformed.
    pub(super) fn children(&self) -> Option<Vec<Tlv<'a>>> {
        if self.tag & 0x20 == 0 {
            return None;
        }
        let mut out = Vec::new();
        let mut rest = self.content;
        while !rest.is_empty() {
            let (child, next) = Tlv::read(rest)?;
            out.push(child);
            rest = next;
        }
        Some(out)
    }

    /// The bytes of an OCTET STRING (or of an implicitly tagged one), joining the pieces
    /// of the constructed BER form.
    pub(super) fn octets(&self) -> Option<Vec<u8>> {
        self.octets_at(0)
    }

    fn octets_at(&self, depth: usize) -> Option<Vec<u8>> {
        if self.tag & 0x20 == 0 {
            return Some(self.content.to_vec());
        }
        if depth >= MAX_DEPTH {
            return None;
        }
        let mut out = Vec::new();
        for child in self.children()? {
            out.extend(child.octets_at(depth + 1)?);
        }
        Some(out)
    }

    pub(super) fn is_oid(&self, oid: &[u8]) -> bool {
        self.tag == TAG_OID && self.content == oid
    }

    /// A non-negative INTEGER that fits in a u64.
    pub(super) fn small_uint(&self) -> Option<u64> {
        if self.tag != TAG_INTEGER || self.content.is_empty() || self.content[0] & 0x80 != 0 {
            return None;
        }
        let digits = strip_leading_zeros(self.content);
        if digits.len() > 8 {
            return None;
        }
        Some(digits.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64))
    }
}

/// A whole input that is one SEQUENCE (trailing bytes tolerated), with its children.
pub(super) fn sequence(bytes: &[u8]) -> Option<(Tlv<'_>, Vec<Tlv<'_>>)> {
    let (tlv, _) = Tlv::read(bytes)?;
    if tlv.tag != TAG_SEQUENCE {
        return None;
    }
    Some((tlv, tlv.children()?))
}

/// The name of a well-known OID, else its dotted form (hex when the octets are no OID).
pub(super) fn oid_text(content: &[u8]) -> String {
    match pkcs8::ObjectIdentifier::from_bytes(content) {
        Ok(oid) => {
            let dotted = oid.to_string();
            match OID_NAMES.iter().find(|(d, _)| *d == dotted) {
                Some((_, name)) => name.to_string(),
                None => dotted,
            }
        }
        Err(_) => hex::encode(content),
    }
}

const OID_NAMES: &[(&str, &str)] = &[
    ("1.2.840.113549.1.5.1", "pbeWithMD2AndDES-CBC"),
    ("1.2.840.113549.1.5.3", "pbeWithMD5AndDES-CBC"),
    ("1.2.840.113549.1.5.4", "pbeWithMD2AndRC2-CBC"),
    ("1.2.840.113549.1.5.6", "pbeWithMD5AndRC2-CBC"),
    ("1.2.840.113549.1.5.10", "pbeWithSHA1AndDES-CBC"),
    ("1.2.840.113549.1.5.11", "pbeWithSHA1AndRC2-CBC"),
    ("1.2.840.113549.3.2", "RC2-CBC"),
    ("1.2.840.113549.3.7", "DES-EDE3-CBC"),
    ("1.3.14.3.2.7", "DES-CBC"),
    ("2.16.840.1.101.3.4.1.2", "AES-128-CBC"),
    ("2.16.840.1.101.3.4.1.22", "AES-192-CBC"),
    ("2.16.840.1.101.3.4.1.42", "AES-256-CBC"),
    ("2.16.840.1.101.3.4.1.6", "AES-128-GCM"),
    ("2.16.840.1.101.3.4.1.46", "AES-256-GCM"),
    ("1.2.392.200011.61.1.1.1.2", "Camellia-128-CBC"),
    ("1.2.392.200011.61.1.1.1.4", "Camellia-256-CBC"),
    ("1.2.840.113549.1.5.12", "PBKDF2"),
    ("1.3.6.1.4.1.11591.4.11", "scrypt"),
    ("1.2.840.113549.2.7", "hmacWithSHA1"),
    ("1.2.840.113549.2.9", "hmacWithSHA256"),
    ("1.2.840.113549.2.11", "hmacWithSHA512"),
    ("1.2.643.7.1.1.4.2", "HMAC-Streebog-512"),
];

/// The last arc of `oid` when it is `prefix` plus one small arc.
pub(super) fn oid_arc(oid: &Tlv<'_>, prefix: &[u8]) -> Option<u8> {
    match oid.content.strip_prefix(prefix)? {
        [arc] if oid.tag == TAG_OID && *arc < 0x80 => Some(*arc),
        _ => None,
    }
}
