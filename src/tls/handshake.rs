//! Handshake messages: reassembly across records, and decoding of each message type.
//!
//! ```text
//!  Handshake: msg_type(1) length(3) body[length]     — may span records, or share one
//! ```

use std::sync::Arc;

use super::cert_compression::{CertificateCompression, Compressed};
use super::certificate::{distinguished_name, summarize_shared, CertificateSummary};
use super::codec::{capped, DecodeError, DecodeResult, Reader, MAX_CHAIN_ITEMS, MAX_LIST_ITEMS};
use super::extensions::{
    parse_extensions, raw_extension, Extension, ExtensionBlock, ExtensionData, HelloKind,
};
use super::hello::{ClientHello, ServerHello};
use super::registry::{
    CertificateStatusType, ClientCertificateType, ExtensionType, HandshakeType, NamedGroup,
    ProtocolVersion, SignatureScheme,
};

/// Handshake messages longer than this are treated as corrupt (a certificate chain of
/// a few dozen certificates fits easily).
pub const MAX_HANDSHAKE_LEN: usize = 1 << 20;

/// Bytes of a ServerKeyExchange's public key that are kept (an ECDHE point or an
/// ML-KEM hybrid share fits; a large DH value is cut, its length stays exact).
pub const MAX_KEY_SHOWN: usize = 1024;
/// CA names of a CertificateRequest that are decoded (servers may list hundreds);
/// the rest are counted.
pub const MAX_CA_NAMES: usize = 32;

/// One whole handshake message, as bytes.
#[derive(Debug, Clone, Copy)]
pub struct HandshakeFrame<'a> {
    pub msg_type: HandshakeType,
    pub body: &'a [u8],
    /// Header and body: what the transcript hash covers.
    pub raw: &'a [u8],
}

/// Collects handshake messages out of one direction's handshake records.
#[derive(Debug, Default)]
pub struct HandshakeReassembler {
    buf: Vec<u8>,
}

impl HandshakeReassembler {
    /// Adds a handshake record's fragment; every message it completes goes to `out`.
    /// A message spread over many records is appended to, never copied again.
    pub fn push(
        &mut self,
        fragment: &[u8],
        out: &mut impl FnMut(HandshakeFrame<'_>),
    ) -> Result<(), DecodeError> {
        if self.buf.is_empty() {
            // Fast path: nothing pending, so messages are read straight from the fragment.
            let used = Self::frames(fragment, out)?;
            self.buf.extend_from_slice(&fragment[used..]);
        } else {
            self.buf.extend_from_slice(fragment);
            let buf = std::mem::take(&mut self.buf);
            let used = Self::frames(&buf, out)?;
            self.buf = buf;
            self.buf.drain(..used);
        }
        Ok(())
    }

    /// Hands out the whole messages at the start of `data`; returns the bytes used.
    fn frames(data: &[u8], out: &mut impl FnMut(HandshakeFrame<'_>)) -> Result<usize, DecodeError> {
        let mut pos = 0;
        while data.len() - pos >= 4 {
            let len = u32::from_be_bytes([0, data[pos + 1], data[pos + 2], data[pos + 3]]) as usize;
            if len > MAX_HANDSHAKE_LEN {
                return Err(DecodeError::new("handshake", "message length over 1 MiB"));
            }
            if data.len() - pos < 4 + len {
                break;
            }
            out(HandshakeFrame {
                msg_type: HandshakeType(data[pos]),
                body: &data[pos + 4..pos + 4 + len],
                raw: &data[pos..pos + 4 + len],
            });
            pos += 4 + len;
        }
        Ok(pos)
    }

    /// Bytes of an unfinished message.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Memory the reassembly buffer takes.
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Drops a partial message (the stream lost bytes under it).
    pub fn reset(&mut self) {
        self.buf.clear();
    }
}

/// What the parser needs to know about the connection to read version-dependent messages.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseContext {
    /// The negotiated version (ServerHello), if known.
    pub version: Option<ProtocolVersion>,
    pub key_exchange: KeyExchangeHint,
    /// DHE_PSK and ECDHE_PSK: the key exchange messages open with the PSK identity
    /// hint (ServerKeyExchange) and identity (ClientKeyExchange) before the (EC)DH
    /// values (RFC 4279 §3, RFC 5489 §2).
    pub psk_identity_first: bool,
}

impl ParseContext {
    pub fn tls13(&self) -> bool {
        self.version.is_some_and(ProtocolVersion::is_tls13)
    }
    fn has_sig_scheme(&self) -> bool {
        self.tls13() || self.version == Some(ProtocolVersion::TLS1_2)
    }
}

/// The key exchange family of the negotiated suite: it decides how key exchange
/// messages are laid out (and a ClientKeyExchange says which it was read as).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KeyExchangeHint {
    #[default]
    Unknown,
    Rsa,
    Dhe,
    Ecdhe,
    Psk,
}

/// A certificate in a Certificate message: decoded, or why not.
#[derive(Debug, Clone)]
pub enum CertificateEntry {
    /// Shared by the connections that sent the same certificate.
    Parsed(Arc<CertificateSummary>),
    Unparsed {
        length: usize,
        error: String,
    },
}

/// The DER of the first `max` certificates of a Certificate message's body, in the
/// order sent (for validation, which needs the bytes the summaries do not keep); as far
/// as the list frames.
pub fn certificate_ders(body: &[u8], tls13: bool, max: usize) -> Vec<&[u8]> {
    let mut r = Reader::new(body, "Certificate");
    if tls13 && r.field("certificate_request_context").vec8().is_err() {
        return Vec::new();
    }
    let Ok(list) = r.field("certificate_list").vec24() else {
        return Vec::new();
    };
    let mut list = Reader::new(list, "certificate_list");
    let mut ders = Vec::new();
    while !list.is_empty() && ders.len() < max {
        let Ok(der) = list.field("cert_data").vec24() else {
            break;
        };
        if tls13 && list.field("extensions").vec16().is_err() {
            break;
        }
        ders.push(der);
    }
    ders
}

/// A decoded handshake message: numbers, bytes and lengths (the report shows them).
#[derive(Debug, Clone)]
pub enum HandshakeMessage {
    HelloRequest {},
    ClientHello(Box<ClientHello>),
    ServerHello(Box<ServerHello>),
    NewSessionTicket {
        lifetime_hint: u32,
        /// TLS 1.3 only.
        age_add: Option<u32>,
        ticket_length: usize,
        extensions: Vec<Extension>,
        extensions_omitted: usize,
        /// The ticket itself: the key under which resumption finds the master secret.
        ticket: Vec<u8>,
    },
    EndOfEarlyData {},
    EncryptedExtensions {
        /// The first 1,024 extensions.
        extensions: Vec<Extension>,
        extensions_omitted: usize,
    },
    Certificate {
        /// The first 64 certificates of the chain.
        certificates: Vec<CertificateEntry>,
        certificates_omitted: usize,
        /// TLS 1.3: the length of the OCSP response stapled to the leaf, in its entry's
        /// status_request extension (RFC 8446 §4.4.2.1; TLS 1.2 sends a
        /// CertificateStatus message instead).
        stapled_ocsp_length: Option<usize>,
        /// The chain came in a CompressedCertificate (RFC 8879): how.
        compression: Option<Box<CertificateCompression>>,
    },
    /// Its parameters as far as they decoded.
    ServerKeyExchange {
        length: usize,
        named_group: Option<NamedGroup>,
        dh_prime_bits: Option<usize>,
        public_key_length: Option<usize>,
        /// The server's ephemeral public key: its first [`MAX_KEY_SHOWN`] bytes.
        public_key: Vec<u8>,
        signature_algorithm: Option<SignatureScheme>,
        signature_length: Option<usize>,
    },
    CertificateRequest {
        certificate_types: Vec<ClientCertificateType>,
        certificate_types_omitted: usize,
        signature_algorithms: Vec<SignatureScheme>,
        signature_algorithms_omitted: usize,
        certificate_authorities: usize,
        /// The first [`MAX_CA_NAMES`] of them, as x509-parser prints a name.
        certificate_authority_names: Vec<String>,
    },
    ServerHelloDone {},
    CertificateVerify {
        /// TLS 1.2 and 1.3 only.
        signature_algorithm: Option<SignatureScheme>,
        signature_length: usize,
    },
    ClientKeyExchange {
        /// The key exchange the message was read as.
        exchange: KeyExchangeHint,
        length: usize,
        /// RSA: the pre-master secret *z*, encrypted to the server's public key.
        encrypted_pre_master_secret: Option<Vec<u8>>,
        public_key_length: Option<usize>,
    },
    Finished {
        /// Present when the message was read in the clear (or once decrypted).
        verify_data: Option<Vec<u8>>,
    },
    CertificateStatus {
        status_type: CertificateStatusType,
        length: usize,
    },
    KeyUpdate {
        update_requested: bool,
    },
    /// DTLS's request for a cookie (RFC 6347 §4.2.1).
    HelloVerifyRequest {
        server_version: ProtocolVersion,
        cookie: Vec<u8>,
    },
    Unknown {
        msg_type: HandshakeType,
        length: usize,
    },
}

impl HandshakeMessage {
    /// The message's name, as the report's `type` field gives it.
    pub fn type_name(&self) -> &'static str {
        match self {
            HandshakeMessage::HelloRequest {} => "HelloRequest",
            HandshakeMessage::ClientHello(_) => "ClientHello",
            HandshakeMessage::ServerHello(_) => "ServerHello",
            HandshakeMessage::NewSessionTicket { .. } => "NewSessionTicket",
            HandshakeMessage::EndOfEarlyData {} => "EndOfEarlyData",
            HandshakeMessage::EncryptedExtensions { .. } => "EncryptedExtensions",
            HandshakeMessage::Certificate {
                compression: Some(_),
                ..
            } => "CompressedCertificate",
            HandshakeMessage::Certificate { .. } => "Certificate",
            HandshakeMessage::ServerKeyExchange { .. } => "ServerKeyExchange",
            HandshakeMessage::CertificateRequest { .. } => "CertificateRequest",
            HandshakeMessage::ServerHelloDone {} => "ServerHelloDone",
            HandshakeMessage::CertificateVerify { .. } => "CertificateVerify",
            HandshakeMessage::ClientKeyExchange { .. } => "ClientKeyExchange",
            HandshakeMessage::Finished { .. } => "Finished",
            HandshakeMessage::CertificateStatus { .. } => "CertificateStatus",
            HandshakeMessage::KeyUpdate { .. } => "KeyUpdate",
            HandshakeMessage::HelloVerifyRequest { .. } => "HelloVerifyRequest",
            HandshakeMessage::Unknown { .. } => "Unknown",
        }
    }

    /// Decodes one message. A body that does not decode is an error for the caller to
    /// report; the connection goes on.
    pub fn parse(frame: &HandshakeFrame<'_>, ctx: &ParseContext) -> DecodeResult<HandshakeMessage> {
        let body = frame.body;
        let mut r = Reader::new(body, "handshake message");
        Ok(match frame.msg_type {
            HandshakeType::HELLO_REQUEST => HandshakeMessage::HelloRequest {},
            HandshakeType::CLIENT_HELLO => {
                HandshakeMessage::ClientHello(Box::new(ClientHello::parse(body)?))
            }
            HandshakeType::SERVER_HELLO => {
                HandshakeMessage::ServerHello(Box::new(ServerHello::parse(body)?))
            }
            HandshakeType::NEW_SESSION_TICKET => {
                let lifetime_hint = r.u32()?;
                if ctx.tls13() {
                    let age_add = r.u32()?;
                    // The ticket nonce came in draft 21.
                    let draft = ctx.version.and_then(ProtocolVersion::tls13_draft);
                    if draft.is_none_or(|d| d >= 21) {
                        r.vec8()?;
                    }
                    let ticket = r.field("ticket").vec16()?;
                    let ExtensionBlock {
                        list: extensions,
                        omitted: extensions_omitted,
                        ..
                    } = parse_extensions(r.field("extensions").vec16()?, HelloKind::Encrypted)?;
                    HandshakeMessage::NewSessionTicket {
                        lifetime_hint,
                        age_add: Some(age_add),
                        ticket_length: ticket.len(),
                        extensions,
                        extensions_omitted,
                        ticket: ticket.to_vec(),
                    }
                } else {
                    let ticket = r.field("ticket").vec16()?;
                    HandshakeMessage::NewSessionTicket {
                        lifetime_hint,
                        age_add: None,
                        ticket_length: ticket.len(),
                        extensions: Vec::new(),
                        extensions_omitted: 0,
                        ticket: ticket.to_vec(),
                    }
                }
            }
            HandshakeType::END_OF_EARLY_DATA => HandshakeMessage::EndOfEarlyData {},
            HandshakeType::ENCRYPTED_EXTENSIONS => {
                let block = parse_extensions(r.field("extensions").vec16()?, HelloKind::Encrypted)?;
                HandshakeMessage::EncryptedExtensions {
                    extensions: block.list,
                    extensions_omitted: block.omitted,
                }
            }
            HandshakeType::CERTIFICATE => certificate(body, ctx.tls13())?,
            HandshakeType::COMPRESSED_CERTIFICATE => {
                let compressed = Compressed::parse(body)?;
                let mut compression = Box::new(CertificateCompression {
                    algorithm: compressed.algorithm,
                    uncompressed_length: compressed.uncompressed_length,
                    compressed_length: compressed.data.len(),
                    error: None,
                });
                // Only TLS 1.3 compresses certificates (RFC 8879 §3).
                let chain = compressed
                    .decompress()
                    .and_then(|plain| certificate(&plain, true).map_err(|e| e.to_string()));
                match chain {
                    Ok(HandshakeMessage::Certificate {
                        certificates,
                        certificates_omitted,
                        stapled_ocsp_length,
                        ..
                    }) => HandshakeMessage::Certificate {
                        certificates,
                        certificates_omitted,
                        stapled_ocsp_length,
                        compression: Some(compression),
                    },
                    other => {
                        compression.error = Some(match other {
                            Err(e) => e,
                            Ok(_) => "not a Certificate".to_string(),
                        });
                        HandshakeMessage::Certificate {
                            certificates: Vec::new(),
                            certificates_omitted: 0,
                            stapled_ocsp_length: None,
                            compression: Some(compression),
                        }
                    }
                }
            }
            HandshakeType::SERVER_KEY_EXCHANGE => server_key_exchange(body, ctx),
            HandshakeType::CERTIFICATE_REQUEST => {
                if ctx.tls13() {
                    r.field("certificate_request_context").vec8()?;
                    let raw_block = r.field("extensions").vec16()?;
                    let block = parse_extensions(raw_block, HelloKind::Encrypted)?;
                    let (signature_algorithms, signature_algorithms_omitted) = block
                        .list
                        .iter()
                        .find_map(|e| match &e.data {
                            ExtensionData::SignatureAlgorithms {
                                algorithms,
                                algorithms_omitted,
                            } if e.id == ExtensionType::SIGNATURE_ALGORITHMS => {
                                Some((algorithms.clone(), *algorithms_omitted))
                            }
                            _ => None,
                        })
                        .unwrap_or_default();
                    // RFC 8446 §4.2.4: the same list as TLS 1.2's, in an extension.
                    let (certificate_authorities, certificate_authority_names) =
                        raw_extension(raw_block, ExtensionType::CERTIFICATE_AUTHORITIES)
                            .map(|body| {
                                Reader::new(body, "certificate_authorities")
                                    .sub16("authorities")
                                    .and_then(|mut list| ca_names(&mut list))
                            })
                            .transpose()?
                            .unwrap_or_default();
                    HandshakeMessage::CertificateRequest {
                        certificate_types: Vec::new(),
                        certificate_types_omitted: 0,
                        signature_algorithms,
                        signature_algorithms_omitted,
                        certificate_authorities,
                        certificate_authority_names,
                    }
                } else {
                    let types = r.field("certificate_types").vec8()?;
                    let (sigs, signature_algorithms_omitted) = if ctx.has_sig_scheme() {
                        r.field("supported_signature_algorithms")
                            .u16s16(MAX_LIST_ITEMS)?
                    } else {
                        (Vec::new(), 0)
                    };
                    let mut cas = r.sub16("certificate_authorities")?;
                    let (count, certificate_authority_names) = ca_names(&mut cas)?;
                    let (certificate_types, certificate_types_omitted) = capped(
                        types.iter().map(|&t| ClientCertificateType(t)),
                        MAX_LIST_ITEMS,
                    );
                    HandshakeMessage::CertificateRequest {
                        certificate_types,
                        certificate_types_omitted,
                        signature_algorithms: sigs.into_iter().map(SignatureScheme).collect(),
                        signature_algorithms_omitted,
                        certificate_authorities: count,
                        certificate_authority_names,
                    }
                }
            }
            HandshakeType::SERVER_HELLO_DONE => HandshakeMessage::ServerHelloDone {},
            HandshakeType::CERTIFICATE_VERIFY => {
                let signature_algorithm = if ctx.has_sig_scheme() {
                    Some(SignatureScheme(r.u16()?))
                } else {
                    None
                };
                HandshakeMessage::CertificateVerify {
                    signature_algorithm,
                    signature_length: r.vec16()?.len(),
                }
            }
            HandshakeType::CLIENT_KEY_EXCHANGE => client_key_exchange(body, ctx),
            HandshakeType::FINISHED => HandshakeMessage::Finished {
                verify_data: Some(body.to_vec()),
            },
            HandshakeType::CERTIFICATE_STATUS => HandshakeMessage::CertificateStatus {
                status_type: CertificateStatusType(r.u8()?),
                length: r.vec24()?.len(),
            },
            HandshakeType::KEY_UPDATE => HandshakeMessage::KeyUpdate {
                update_requested: r.u8()? == 1,
            },
            HandshakeType::HELLO_VERIFY_REQUEST => {
                let h = crate::tls::dtls::handshake::HelloVerifyRequest::parse(body)?;
                HandshakeMessage::HelloVerifyRequest {
                    server_version: h.server_version,
                    cookie: h.cookie,
                }
            }
            msg_type => HandshakeMessage::Unknown {
                msg_type,
                length: body.len(),
            },
        })
    }
}

/// A list of DistinguishedNames (RFC 5246 §7.4.4): how many, and the first
/// [`MAX_CA_NAMES`] as text (a name that does not decode shows its length).
fn ca_names(list: &mut Reader<'_>) -> DecodeResult<(usize, Vec<String>)> {
    let mut count = 0;
    let mut names = Vec::new();
    while !list.is_empty() {
        let der = list.field("DistinguishedName").vec16()?;
        count += 1;
        if names.len() < MAX_CA_NAMES {
            names.push(distinguished_name(der).unwrap_or_else(|| format!("({} bytes)", der.len())));
        }
    }
    Ok((count, names))
}

/// The length of the OCSP response in a TLS 1.3 certificate entry's extensions: its
/// status_request extension holds a CertificateStatus (status_type 1, ocsp, and the
/// response, RFC 6066 §8).
fn stapled_ocsp(extensions: &[u8]) -> Option<usize> {
    let mut r = Reader::new(extensions, "certificate entry extensions");
    while !r.is_empty() {
        let id = ExtensionType(r.u16().ok()?);
        let body = r.vec16().ok()?;
        if id == ExtensionType::STATUS_REQUEST {
            let mut s = Reader::new(body, "CertificateStatus");
            if s.u8().ok()? != CertificateStatusType::OCSP.0 {
                return None;
            }
            return Some(s.vec24().ok()?.len());
        }
    }
    None
}

/// A Certificate message's body: the chain (capped) and, in TLS 1.3, the leaf's
/// stapled OCSP response length.
fn certificate(body: &[u8], tls13: bool) -> DecodeResult<HandshakeMessage> {
    let mut r = Reader::new(body, "Certificate");
    if tls13 {
        r.field("certificate_request_context").vec8()?;
    }
    let mut list = Reader::new(r.field("certificate_list").vec24()?, "certificate_list");
    let mut certificates = Vec::new();
    let mut certificates_omitted = 0;
    let mut stapled_ocsp_length = None;
    while !list.is_empty() {
        let der = list.field("cert_data").vec24()?;
        if tls13 {
            let extensions = list.field("extensions").vec16()?;
            if certificates.is_empty() && certificates_omitted == 0 {
                stapled_ocsp_length = stapled_ocsp(extensions);
            }
        }
        // Past the cap a certificate is framed and counted, not decoded.
        if certificates.len() >= MAX_CHAIN_ITEMS {
            certificates_omitted += 1;
            continue;
        }
        certificates.push(match summarize_shared(der) {
            Ok(c) => CertificateEntry::Parsed(c),
            Err(e) => CertificateEntry::Unparsed {
                length: der.len(),
                error: e.to_string(),
            },
        });
    }
    Ok(HandshakeMessage::Certificate {
        certificates,
        certificates_omitted,
        stapled_ocsp_length,
        compression: None,
    })
}

fn server_key_exchange(body: &[u8], ctx: &ParseContext) -> HandshakeMessage {
    let mut msg = HandshakeMessage::ServerKeyExchange {
        length: body.len(),
        named_group: None,
        dh_prime_bits: None,
        public_key_length: None,
        public_key: Vec::new(),
        signature_algorithm: None,
        signature_length: None,
    };
    let HandshakeMessage::ServerKeyExchange {
        named_group,
        dh_prime_bits,
        public_key_length,
        public_key,
        signature_algorithm,
        signature_length,
        ..
    } = &mut msg
    else {
        unreachable!()
    };
    let mut r = Reader::new(body, "ServerKeyExchange");
    let parsed: DecodeResult<()> = (|| {
        if ctx.psk_identity_first {
            r.vec16()?; // psk_identity_hint
        }
        match ctx.key_exchange {
            KeyExchangeHint::Ecdhe => {
                if r.u8()? != 3 {
                    return Ok(()); // explicit curves: not worth decoding
                }
                *named_group = Some(NamedGroup(r.u16()?));
                let key = r.vec8()?;
                *public_key_length = Some(key.len());
                *public_key = key[..key.len().min(MAX_KEY_SHOWN)].to_vec();
            }
            KeyExchangeHint::Dhe => {
                let p = r.vec16()?;
                let skip = p.iter().take_while(|&&b| b == 0).count();
                *dh_prime_bits = Some(p[skip..].len() * 8);
                r.vec16()?;
                let key = r.vec16()?;
                *public_key_length = Some(key.len());
                *public_key = key[..key.len().min(MAX_KEY_SHOWN)].to_vec();
            }
            _ => return Ok(()),
        }
        if ctx.has_sig_scheme() && r.remaining() >= 4 {
            *signature_algorithm = Some(SignatureScheme(r.u16()?));
        }
        if r.remaining() >= 2 {
            *signature_length = Some(r.vec16()?.len());
        }
        Ok(())
    })();
    let _ = parsed; // a partly decoded ServerKeyExchange still reports its length
    msg
}

fn client_key_exchange(body: &[u8], ctx: &ParseContext) -> HandshakeMessage {
    let mut r = Reader::new(body, "ClientKeyExchange");
    if ctx.psk_identity_first && r.vec16().is_err() {
        return HandshakeMessage::ClientKeyExchange {
            exchange: ctx.key_exchange,
            length: body.len(),
            encrypted_pre_master_secret: None,
            public_key_length: None,
        };
    }
    let (epms, public_key_length) = match ctx.key_exchange {
        KeyExchangeHint::Rsa => {
            // SSL 3.0 sends the bare ciphertext; TLS prefixes it with a 2-byte length.
            let ct = match r.vec16() {
                Ok(ct) if ctx.version != Some(ProtocolVersion::SSL3) && r.is_empty() => ct,
                _ => body,
            };
            (Some(ct.to_vec()), None)
        }
        KeyExchangeHint::Dhe => (None, r.vec16().ok().map(|k| k.len())),
        KeyExchangeHint::Ecdhe => (None, r.vec8().ok().map(|k| k.len())),
        KeyExchangeHint::Psk | KeyExchangeHint::Unknown => (None, None),
    };
    HandshakeMessage::ClientKeyExchange {
        exchange: ctx.key_exchange,
        length: body.len(),
        encrypted_pre_master_secret: epms,
        public_key_length,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HandshakeType as H;

    #[test]
    fn messages_spanning_and_sharing_records() {
        let mut h = HandshakeReassembler::default();
        let mut seen = Vec::new();
        let mut sink = |f: HandshakeFrame<'_>| seen.push((f.msg_type, f.body.to_vec()));
        h.push(&[14, 0, 0, 0, 20, 0, 0], &mut sink).unwrap();
        h.push(&[2, 0xaa], &mut sink).unwrap();
        h.push(&[0xbb, 0, 0], &mut sink).unwrap();
        assert_eq!(
            seen,
            vec![
                (H::SERVER_HELLO_DONE, vec![]),
                (H::FINISHED, vec![0xaa, 0xbb])
            ]
        );
        assert_eq!(h.buffered(), 2);
    }

    #[test]
    fn oversized_length_is_refused() {
        let mut h = HandshakeReassembler::default();
        assert!(h.push(&[11, 0xff, 0xff, 0xff], &mut |_| {}).is_err());
        assert_eq!(h.buffered(), 0);
    }

    fn parse(msg_type: HandshakeType, body: &[u8], version: u16) -> HandshakeMessage {
        let frame = HandshakeFrame {
            msg_type,
            body,
            raw: &[],
        };
        let ctx = ParseContext {
            version: Some(ProtocolVersion(version)),
            key_exchange: KeyExchangeHint::Unknown,
            psk_identity_first: false,
        };
        HandshakeMessage::parse(&frame, &ctx).unwrap()
    }

    fn len_prefixed(width: usize, body: &[u8]) -> Vec<u8> {
        let mut v = body.len().to_be_bytes()[8 - width..].to_vec();
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn long_chains_and_lists_are_capped_with_a_count() {
        // 70 certificates (junk ones: each is reported as not parsing).
        let entries: Vec<u8> = (0..70).flat_map(|_| len_prefixed(3, &[0x30, 0])).collect();
        let HandshakeMessage::Certificate {
            certificates,
            certificates_omitted,
            ..
        } = parse(H::CERTIFICATE, &len_prefixed(3, &entries), 0x0303)
        else {
            panic!()
        };
        assert_eq!(certificates.len(), MAX_CHAIN_ITEMS);
        assert_eq!(certificates_omitted, 70 - MAX_CHAIN_ITEMS);
        assert!(matches!(
            certificates[0],
            CertificateEntry::Unparsed { length: 2, .. }
        ));
        // TLS 1.3 form (request context, per-certificate extensions); a short chain.
        let entries: Vec<u8> = (0..3)
            .flat_map(|_| [len_prefixed(3, &[0x30, 0]), vec![0, 0]].concat())
            .collect();
        let body = [vec![0], len_prefixed(3, &entries)].concat();
        let HandshakeMessage::Certificate {
            certificates,
            certificates_omitted,
            stapled_ocsp_length,
            ..
        } = parse(H::CERTIFICATE, &body, 0x0304)
        else {
            panic!()
        };
        assert_eq!((certificates.len(), certificates_omitted), (3, 0));
        assert_eq!(stapled_ocsp_length, None);
        // The same chain zlib-compressed (RFC 8879), then claiming one byte too many.
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut z, &body).unwrap();
        let z = z.finish().unwrap();
        for (claimed, chain) in [(body.len(), 3), (body.len() + 1, 0)] {
            let mut compressed = vec![0, 1];
            compressed.extend_from_slice(&(claimed as u32).to_be_bytes()[1..]);
            compressed.extend(len_prefixed(3, &z));
            let HandshakeMessage::Certificate {
                certificates,
                compression: Some(c),
                ..
            } = parse(H::COMPRESSED_CERTIFICATE, &compressed, 0x0304)
            else {
                panic!()
            };
            assert_eq!(certificates.len(), chain);
            assert_eq!(c.algorithm.label(), "zlib");
            assert_eq!(c.error.is_some(), chain == 0, "{:?}", c.error);
        }
        // The leaf's entry with a stapled OCSP response of 5 bytes.
        let status = [vec![1], len_prefixed(3, &[9; 5])].concat();
        let ext = [vec![0, 5], len_prefixed(2, &status)].concat();
        let leaf = [len_prefixed(3, &[0x30, 0]), len_prefixed(2, &ext)].concat();
        let body = [vec![0], len_prefixed(3, &leaf)].concat();
        let HandshakeMessage::Certificate {
            stapled_ocsp_length,
            ..
        } = parse(H::CERTIFICATE, &body, 0x0304)
        else {
            panic!()
        };
        assert_eq!(stapled_ocsp_length, Some(5));

        // EncryptedExtensions with 1,100 extensions.
        let exts: Vec<u8> = (0..1100u16)
            .flat_map(|i| [(3000 + i).to_be_bytes().to_vec(), vec![0, 0]].concat())
            .collect();
        let HandshakeMessage::EncryptedExtensions {
            extensions,
            extensions_omitted,
        } = parse(H::ENCRYPTED_EXTENSIONS, &len_prefixed(2, &exts), 0x0304)
        else {
            panic!()
        };
        assert_eq!(extensions.len(), MAX_LIST_ITEMS);
        assert_eq!(extensions_omitted, 1100 - MAX_LIST_ITEMS);

        // A TLS 1.2 CertificateRequest with 2,000 signature algorithms.
        let sigs: Vec<u8> = (0..2000u16).flat_map(|v| v.to_be_bytes()).collect();
        let body = [
            len_prefixed(1, &[1, 64]),
            len_prefixed(2, &sigs),
            len_prefixed(2, &len_prefixed(2, b"CA")),
        ]
        .concat();
        let HandshakeMessage::CertificateRequest {
            certificate_types,
            certificate_types_omitted,
            signature_algorithms,
            signature_algorithms_omitted,
            certificate_authorities,
            certificate_authority_names,
        } = parse(H::CERTIFICATE_REQUEST, &body, 0x0303)
        else {
            panic!()
        };
        assert_eq!(certificate_authority_names, ["(2 bytes)"], "not a DN");
        assert_eq!(signature_algorithms.len(), MAX_LIST_ITEMS);
        assert_eq!(signature_algorithms_omitted, 2000 - MAX_LIST_ITEMS);
        assert_eq!(
            certificate_types,
            vec![
                ClientCertificateType::RSA_SIGN,
                ClientCertificateType::ECDSA_SIGN
            ]
        );
        assert_eq!((certificate_types_omitted, certificate_authorities), (0, 1));
    }

    #[test]
    fn certificate_request_ca_names_in_tls12_and_tls13() {
        // Name ::= SEQUENCE { SET { SEQUENCE { id-at-commonName, UTF8String "Root" } } }
        let dn: &[u8] = b"\x30\x0f\x31\x0d\x30\x0b\x06\x03\x55\x04\x03\x0c\x04Root";
        let cas = len_prefixed(2, &[len_prefixed(2, dn), len_prefixed(2, dn)].concat());
        let tls12 = [len_prefixed(1, &[1]), len_prefixed(2, &[4, 1]), cas.clone()].concat();
        let names = |msg| match msg {
            HandshakeMessage::CertificateRequest {
                certificate_authorities,
                certificate_authority_names,
                ..
            } => (certificate_authorities, certificate_authority_names),
            other => panic!("{other:?}"),
        };
        let want = (2, vec!["CN=Root".to_string(), "CN=Root".to_string()]);
        assert_eq!(names(parse(H::CERTIFICATE_REQUEST, &tls12, 0x0303)), want);
        // TLS 1.3: context, then the certificate_authorities extension (47).
        let ext = [&47u16.to_be_bytes()[..], &len_prefixed(2, &cas)].concat();
        let tls13 = [len_prefixed(1, &[]), len_prefixed(2, &ext)].concat();
        assert_eq!(names(parse(H::CERTIFICATE_REQUEST, &tls13, 0x0304)), want);
    }

    #[test]
    fn message_errors_name_the_field() {
        let frame = HandshakeFrame {
            msg_type: H::CERTIFICATE,
            body: &[0, 0, 4, 0, 0, 5, 1],
            raw: &[],
        };
        let e = HandshakeMessage::parse(&frame, &ParseContext::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "certificate_list: cert_data declares 5 bytes, 1 remains"
        );
    }

    #[test]
    fn values_are_kept_as_bytes_and_numbers() {
        let m = parse(H::FINISHED, &[1, 2, 3], 0x0303);
        assert!(matches!(m, HandshakeMessage::Finished { verify_data: Some(v) } if v == [1, 2, 3]));
        let m = parse(HandshakeType(7), &[0; 5], 0x0303);
        assert!(matches!(
            m,
            HandshakeMessage::Unknown {
                msg_type: HandshakeType(7),
                length: 5
            }
        ));
        let m = parse(H::CERTIFICATE_STATUS, &[1, 0, 0, 1, 9], 0x0303);
        assert!(matches!(
            m,
            HandshakeMessage::CertificateStatus {
                status_type: CertificateStatusType::OCSP,
                length: 1
            }
        ));
    }

    #[test]
    fn rsa_client_key_exchange_tls_and_ssl3() {
        let frame = HandshakeFrame {
            msg_type: H::CLIENT_KEY_EXCHANGE,
            body: &[0, 2, 0xab, 0xcd],
            raw: &[],
        };
        let ctx = ParseContext {
            version: Some(ProtocolVersion::TLS1_2),
            key_exchange: KeyExchangeHint::Rsa,
            psk_identity_first: false,
        };
        match HandshakeMessage::parse(&frame, &ctx).unwrap() {
            HandshakeMessage::ClientKeyExchange {
                exchange,
                encrypted_pre_master_secret,
                ..
            } => {
                assert_eq!(exchange, KeyExchangeHint::Rsa);
                assert_eq!(
                    encrypted_pre_master_secret.as_deref(),
                    Some(&[0xab, 0xcd][..])
                );
            }
            other => panic!("{other:?}"),
        }
        let ssl3 = ParseContext {
            version: Some(ProtocolVersion::SSL3),
            ..ctx
        };
        match HandshakeMessage::parse(&frame, &ssl3).unwrap() {
            HandshakeMessage::ClientKeyExchange {
                encrypted_pre_master_secret,
                ..
            } => assert_eq!(
                encrypted_pre_master_secret.as_deref(),
                Some(&[0, 2, 0xab, 0xcd][..])
            ),
            other => panic!("{other:?}"),
        }
    }

    /// ECDHE_PSK (RFC 5489 §2): the identity hint and identity come before the curve
    /// and the points, and no signature follows.
    #[test]
    fn ecdhe_psk_key_exchanges_skip_the_psk_identities() {
        let ctx = ParseContext {
            version: Some(ProtocolVersion::TLS1_2),
            key_exchange: KeyExchangeHint::Ecdhe,
            psk_identity_first: true,
        };
        let mut ske = vec![0, 2, b'h', b'i', 3, 0, 29, 32];
        ske.extend([0x55; 32]);
        let frame = HandshakeFrame {
            msg_type: H::SERVER_KEY_EXCHANGE,
            body: &ske,
            raw: &[],
        };
        match HandshakeMessage::parse(&frame, &ctx).unwrap() {
            HandshakeMessage::ServerKeyExchange {
                named_group,
                public_key_length,
                signature_length,
                ..
            } => {
                assert_eq!(named_group, Some(NamedGroup(29)));
                assert_eq!((public_key_length, signature_length), (Some(32), None));
            }
            other => panic!("{other:?}"),
        }
        let mut cke = vec![0, 5, b's', b'w', b'e', b'e', b'p', 32];
        cke.extend([0x66; 32]);
        let frame = HandshakeFrame {
            msg_type: H::CLIENT_KEY_EXCHANGE,
            body: &cke,
            raw: &[],
        };
        match HandshakeMessage::parse(&frame, &ctx).unwrap() {
            HandshakeMessage::ClientKeyExchange {
                public_key_length, ..
            } => assert_eq!(public_key_length, Some(32)),
            other => panic!("{other:?}"),
        }
    }
}
