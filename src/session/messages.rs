//! One whole handshake message at a time: decoded, given to the handshake crypto, and
//! what it says about the connection kept (the hellos, who is the client, whether the
//! server went through a full handshake, the certificate chains).

use super::events::Event;
use super::{Chains, Hellos, Session};
use crate::crypto::secrets::Secrets;
use crate::flow::Direction;
use crate::report::model::Side;
use crate::report::wire::Chain;
use crate::tls::cert_compression::Compressed;
use crate::tls::cipher_suite::{self, KeyExchange};
use crate::tls::extensions::ExtensionData;
use crate::tls::handshake::{
    certificate_ders, CertificateEntry, HandshakeFrame, HandshakeMessage, KeyExchangeHint,
    ParseContext,
};
use crate::tls::registry::{ExtensionType, HandshakeType};

impl Session {
    /// What the parser needs to know to read version-dependent messages.
    fn ctx(&self) -> ParseContext {
        // DTLS messages read as their TLS counterpart's.
        let version = self
            .server_hello
            .as_ref()
            .map(|s| s.version().tls_equivalent());
        let suite_exchange = self
            .server_hello
            .as_ref()
            .and_then(|s| cipher_suite::lookup(s.suite_id()))
            .map(|s| s.key_exchange);
        let key_exchange = suite_exchange
            .map(|k| match k {
                KeyExchange::Rsa | KeyExchange::RsaExport => KeyExchangeHint::Rsa,
                KeyExchange::Dh | KeyExchange::Dhe | KeyExchange::DhePsk => KeyExchangeHint::Dhe,
                KeyExchange::Ecdh | KeyExchange::Ecdhe | KeyExchange::EcdhePsk => {
                    KeyExchangeHint::Ecdhe
                }
                KeyExchange::Psk | KeyExchange::RsaPsk => KeyExchangeHint::Psk,
                _ => KeyExchangeHint::Unknown,
            })
            .unwrap_or_default();
        ParseContext {
            version,
            key_exchange,
            psk_identity_first: matches!(
                suite_exchange,
                Some(KeyExchange::DhePsk | KeyExchange::EcdhePsk)
            ),
        }
    }

    /// One whole handshake message (header included).
    pub(super) fn on_frame(
        &mut self,
        direction: Direction,
        raw: &[u8],
        ts: i64,
        secrets: &mut Secrets,
    ) {
        self.on_frame_hashed(direction, raw, raw, ts, secrets)
    }

    /// One whole handshake message in TLS form (`raw`, header included) whose
    /// transcript form is `hashed` (DTLS's header differs from TLS's).
    pub(super) fn on_frame_hashed(
        &mut self,
        direction: Direction,
        raw: &[u8],
        hashed: &[u8],
        ts: i64,
        secrets: &mut Secrets,
    ) {
        let msg_type = HandshakeType(raw[0]);
        let frame = HandshakeFrame {
            msg_type,
            body: &raw[4..],
            raw,
        };
        let parsed = HandshakeMessage::parse(&frame, &self.ctx());
        let check = self.crypto.as_mut().and_then(|c| {
            c.on_message_hashed(
                direction,
                msg_type,
                parsed.as_ref().ok(),
                raw,
                hashed,
                secrets,
            )
        });
        if let Some(check) = check {
            self.dirs[direction.index()].finished = Some(check);
        }
        self.apply_key_changes(ts);
        if let Ok(HandshakeMessage::ClientHello(_)) = &parsed {
            self.keep_client_hello(&raw[4..], false);
        }
        let certificate = matches!(
            msg_type,
            HandshakeType::CERTIFICATE | HandshakeType::COMPRESSED_CERTIFICATE
        );
        if certificate && parsed.is_ok() {
            self.validate_chain(direction, msg_type, &raw[4..], ts, secrets);
        }
        match parsed {
            Ok(m) => self.on_message(direction, m, ts, secrets),
            Err(e) => {
                let name = msg_type.title_label().into_owned();
                let error = e.to_string();
                let text = if error.starts_with(&name) {
                    error.clone()
                } else {
                    format!("{name}: {error}")
                };
                self.warn(direction, text);
                self.sinks.emit(&Event::Malformed {
                    dir: direction,
                    ts,
                    msg_type,
                    length: raw.len() - 4,
                    error: &error,
                });
            }
        }
    }

    /// Keeps the connection's first ClientHello (a renegotiation's is only a message).
    pub(super) fn keep_client_hello(&mut self, body: &[u8], sslv2: bool) {
        if self.client_hello.is_none() {
            self.client_hello = Some(body.into());
            self.client_hello_sslv2 = sslv2;
        }
    }

    pub(super) fn on_message(
        &mut self,
        direction: Direction,
        msg: HandshakeMessage,
        ts: i64,
        secrets: &mut Secrets,
    ) {
        if matches!(msg, HandshakeMessage::ClientHello(_)) && self.hellos == Hellos::Answered {
            self.hellos = Hellos::RenegotiationAsked;
        }
        match &msg {
            HandshakeMessage::ClientHello(_) if self.client_hello_dir.is_none() => {
                self.client_hello_dir = Some(direction);
                if self.in_early_data(direction) {
                    // 0-RTT: the client's next records are encrypted already.
                    self.early_mut().offered = true;
                    self.dirs[direction.index()].encrypted = true;
                }
            }
            HandshakeMessage::EncryptedExtensions { extensions, .. } if self.early_offered() => {
                let accepted = extensions.iter().any(|e| e.id == ExtensionType::EARLY_DATA);
                self.decide_early_data(accepted);
            }
            HandshakeMessage::ServerHello(sh) => {
                let retry = sh.hello_retry_request;
                if !retry {
                    if self.hellos == Hellos::RenegotiationAsked {
                        self.renegotiations = self.renegotiations.saturating_add(1);
                    }
                    self.hellos = Hellos::Answered;
                } else if self.early_offered() {
                    // A HelloRetryRequest rejects the early data sent with the first
                    // ClientHello (RFC 8446 §4.2.10), whatever a later
                    // EncryptedExtensions says.
                    self.decide_early_data(false);
                }
                if self
                    .server_hello
                    .as_ref()
                    .is_none_or(|s| s.hello_retry_request)
                {
                    self.server_hello = Some(sh.clone());
                    self.max_fragment_length = sh
                        .extensions
                        .iter()
                        .find_map(|e| match e.data {
                            ExtensionData::MaxFragmentLength { code: c @ 1..=4 } => {
                                Some(1u16 << (8 + c))
                            }
                            _ => None,
                        })
                        .unwrap_or(0);
                }
                if !retry && self.is_tls13() {
                    // Everything the server sends after its ServerHello is encrypted.
                    self.dirs[direction.index()].encrypted = true;
                    self.dirs[direction.other().index()].encrypted = true;
                }
            }
            HandshakeMessage::Certificate { certificates, .. } => {
                let server = self.side_of(direction) == Side::Server;
                if server {
                    self.server_full_handshake = true;
                    if self.is_tls13() {
                        // The chain came encrypted: a key that matches it is the
                        // server's, whatever opened the connection.
                        mark_matching_keys(certificates, secrets);
                    }
                }
                self.keep_chain(server, certificates, direction);
            }
            HandshakeMessage::ServerKeyExchange { named_group, .. } => {
                self.server_full_handshake = true;
                // The first handshake's, as its ServerHello is the one reported.
                self.key_exchange_group = self.key_exchange_group.or(*named_group);
            }
            HandshakeMessage::ServerHelloDone {} => self.server_full_handshake = true,
            _ => {}
        }
        self.sinks.emit(&Event::Handshake {
            dir: direction,
            ts,
            message: &msg,
        });
    }

    /// Keeps the first chain each side sent, if the memory budget has room for it.
    fn keep_chain(&mut self, server: bool, chain: &[CertificateEntry], direction: Direction) {
        let kept = self.chains.as_ref().is_some_and(|c| {
            if server {
                !c.server.is_empty()
            } else {
                !c.client.is_empty()
            }
        });
        if kept || chain.is_empty() {
            return;
        }
        if !self.sinks.report.charge(super::json_len(&Chain(chain))) {
            self.warn(
                direction,
                "certificate chain not kept: the memory budget is spent (--max-memory)".into(),
            );
            return;
        }
        let chains: &mut Chains = self.chains.get_or_insert_with(Box::default);
        let slot = if server {
            &mut chains.server
        } else {
            &mut chains.client
        };
        *slot = chain.to_vec();
    }
}

impl Session {
    /// Validates the server's first chain at the capture time of its Certificate (or
    /// CompressedCertificate) message, for the name the client asked for.
    fn validate_chain(
        &mut self,
        direction: Direction,
        msg_type: HandshakeType,
        body: &[u8],
        ts: i64,
        secrets: &Secrets,
    ) {
        let Some(validator) = &secrets.validator else {
            return;
        };
        let done = self.chains.as_ref().is_some_and(|c| c.validation.is_some());
        if done || self.side_of(direction) != Side::Server {
            return;
        }
        let plain;
        let body = if msg_type == HandshakeType::COMPRESSED_CERTIFICATE {
            // Decompressed again (it was for the message too): rare, and small.
            match Compressed::parse(body).map(|c| c.decompress()) {
                Ok(Ok(p)) => {
                    plain = p;
                    &plain[..]
                }
                _ => return,
            }
        } else {
            body
        };
        let tls13 = self.ctx().tls13() || msg_type == HandshakeType::COMPRESSED_CERTIFICATE;
        let ders = certificate_ders(body, tls13, crate::pki::MAX_INTERMEDIATES + 1);
        if ders.is_empty() {
            return;
        }
        let sni = self.client_hello().and_then(|c| {
            c.sni_bytes()
                .map(|b| String::from_utf8_lossy(b).into_owned())
        });
        let validation = validator.validate(&ders, sni.as_deref(), ts);
        if !self.sinks.report.charge(super::json_len(&validation)) {
            self.warn(
                direction,
                "certificate not validated: the memory budget is spent (--max-memory)".into(),
            );
            return;
        }
        self.chains.get_or_insert_with(Box::default).validation = Some(validation);
    }
}

/// Notes every loaded key whose modulus is the chain's leaf key as used.
fn mark_matching_keys(chain: &[CertificateEntry], secrets: &mut Secrets) {
    let Some(CertificateEntry::Parsed(leaf)) = chain.first() else {
        return;
    };
    let Some(modulus) = &leaf.public_key.rsa_modulus else {
        return;
    };
    let matching: Vec<usize> = (0..secrets.keys.len())
        .filter(|&i| secrets.keys[i].matches_modulus(modulus))
        .collect();
    for i in matching {
        secrets.mark_used(i);
    }
}
