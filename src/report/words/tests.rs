use super::*;
use crate::report::model::AlertEntry;
use crate::tls::extensions::{KeyShareEntry, PskIdentity};
use crate::tls::registry::{
    CertificateStatusType, ClientCertificateType, HandshakeType, NamedGroup, ProtocolVersion,
    PskKeyExchangeMode, SignatureScheme,
};

fn ext(id: ExtensionType, data: ExtensionData, length: usize) -> Extension {
    Extension { id, length, data }
}

#[test]
fn server_key_exchange_names_group_key_and_signature() {
    let ske = HandshakeMessage::ServerKeyExchange {
        length: 300,
        named_group: Some(NamedGroup::X25519),
        dh_prime_bits: None,
        public_key_length: Some(32),
        public_key: (0..32).collect(),
        signature_algorithm: Some(SignatureScheme(0x0804)),
        signature_length: Some(256),
    };
    assert_eq!(
        message_lines(&ske),
        "ECDHE, group x25519\n\
         public key (32 bytes) = 000102030405060708090a0b0c0d0e0f…\n\
         signed with rsa_pss_rsae_sha256 (256-byte signature)"
    );
    let dhe = HandshakeMessage::ServerKeyExchange {
        length: 800,
        named_group: None,
        dh_prime_bits: Some(2048),
        public_key_length: Some(2),
        public_key: vec![1, 2],
        signature_algorithm: None,
        signature_length: Some(128),
    };
    assert_eq!(
        message_lines(&dhe),
        "DHE, 2048-bit prime\npublic key (2 bytes) = 0102\n\
         signed (128-byte signature, scheme implied by the key)"
    );
}

#[test]
fn certificate_request_lists_types_schemes_and_ca_names() {
    let req = HandshakeMessage::CertificateRequest {
        certificate_types: vec![ClientCertificateType::RSA_SIGN, ClientCertificateType(99)],
        certificate_types_omitted: 0,
        signature_algorithms: vec![SignatureScheme::ED25519],
        signature_algorithms_omitted: 7,
        certificate_authorities: 3,
        certificate_authority_names: vec!["CN=Root A".into(), "CN=Root\u{1b}B".into()],
    };
    assert_eq!(
        message_lines(&req),
        "certificate types: rsa_sign, unknown (99)\n\
         signature schemes: ed25519, … (+7)\n\
         CA names (3):\n- CN=Root A\n- CN=Root\\x1bB\n- … (+1)"
    );
}

#[test]
fn certificate_verify_and_tickets_in_words() {
    let cv = HandshakeMessage::CertificateVerify {
        signature_algorithm: Some(SignatureScheme::ED25519),
        signature_length: 64,
    };
    assert_eq!(
        message_lines(&cv),
        "signed with ed25519 (64-byte signature)"
    );
    let nst = HandshakeMessage::NewSessionTicket {
        lifetime_hint: 7200,
        age_add: Some(0xdeadbeef),
        ticket_length: 3,
        extensions: vec![ext(
            ExtensionType::EARLY_DATA,
            ExtensionData::MaxEarlyData {
                max_early_data_size: 16384,
            },
            4,
        )],
        extensions_omitted: 0,
        ticket: vec![1, 2, 3],
    };
    assert_eq!(
        message_lines(&nst),
        "lifetime 7200 s (2 h)\nage_add 0xdeadbeef\nticket (3 bytes) = 010203\n\
         1 extension:\n- early_data: up to 16384 bytes of early data"
    );
}

#[test]
fn client_hello_extensions_show_their_values() {
    let cases = [
        (
            ext(
                ExtensionType::SUPPORTED_GROUPS,
                ExtensionData::SupportedGroups {
                    groups: vec![NamedGroup::X25519, NamedGroup(0x0a0a)],
                    groups_omitted: 2,
                },
                8,
            ),
            "supported_groups: x25519, GREASE (0x0a0a), … (+2)",
        ),
        (
            ext(
                ExtensionType::SUPPORTED_VERSIONS,
                ExtensionData::SupportedVersions {
                    versions: vec![ProtocolVersion::TLS1_3, ProtocolVersion::TLS1_2],
                },
                5,
            ),
            "supported_versions: TLS 1.3, TLS 1.2",
        ),
        (
            ext(
                ExtensionType::KEY_SHARE,
                ExtensionData::KeyShare {
                    shares: vec![KeyShareEntry {
                        group: NamedGroup::X25519,
                        key_exchange_len: 32,
                    }],
                    shares_omitted: 0,
                },
                38,
            ),
            "key_share: x25519 (32 bytes)",
        ),
        (
            ext(
                ExtensionType::PSK_KEY_EXCHANGE_MODES,
                ExtensionData::PskModes {
                    modes: vec![PskKeyExchangeMode(1)],
                },
                2,
            ),
            "psk_key_exchange_modes: psk_dhe_ke",
        ),
        (
            ext(
                ExtensionType::ALPN,
                ExtensionData::Alpn {
                    protocols: vec![b"h2".to_vec(), b"http/1.1".to_vec()],
                    protocols_omitted: 0,
                },
                14,
            ),
            "application_layer_protocol_negotiation: h2, http/1.1",
        ),
        (
            ext(
                ExtensionType::PADDING,
                ExtensionData::Opaque { data: vec![0; 200] },
                212,
            ),
            "padding: 212 bytes",
        ),
        (
            ext(
                ExtensionType::PRE_SHARED_KEY,
                ExtensionData::PreSharedKey {
                    identities: vec![PskIdentity {
                        identity_len: 192,
                        obfuscated_ticket_age: 7,
                    }],
                    identities_omitted: 0,
                    binders: 1,
                },
                230,
            ),
            "pre_shared_key: identity of 192 bytes (obfuscated age 7); 1 binder",
        ),
        (
            ext(
                ExtensionType::STATUS_REQUEST,
                ExtensionData::StatusRequest {
                    status_type: CertificateStatusType::OCSP,
                },
                5,
            ),
            "status_request: ocsp",
        ),
        (
            ext(
                ExtensionType::MAX_FRAGMENT_LENGTH,
                ExtensionData::MaxFragmentLength { code: 2 },
                1,
            ),
            "max_fragment_length: 1024 bytes",
        ),
        (
            ext(
                ExtensionType::EXTENDED_MASTER_SECRET,
                ExtensionData::Flag {},
                0,
            ),
            "extended_master_secret",
        ),
    ];
    for (e, want) in cases {
        assert_eq!(extension_line(&e), want);
    }
}

#[test]
fn records_and_alerts_in_words() {
    let alert = AlertEntry::clear(crate::flow::Direction::Forward, 0, 2, 40);
    assert_eq!(
        body_text(&MessageBody::Alert(alert)),
        "fatal: handshake_failure (40)"
    );
    let run = AppDataRun {
        records: 2,
        bytes: 90,
        decrypted_bytes: Some(58),
    };
    assert_eq!(
        body_text(&MessageBody::ApplicationData(run)),
        "2 records, 90 bytes; 58 bytes decrypted"
    );
    assert_eq!(
        body_text(&MessageBody::EncryptedAlert { length: 3 }),
        "encrypted, 3 bytes"
    );
    let unknown = HandshakeMessage::Unknown {
        msg_type: HandshakeType(7),
        length: 3,
    };
    assert_eq!(
        message_lines(&unknown),
        "message type 7 (3 bytes), not decoded"
    );
}

#[test]
fn lists_show_the_first_items_and_count_the_rest() {
    let s = joined((0..100).map(|i| i.to_string()), 3);
    assert!(
        s.ends_with(&format!(", … (+{})", 100 - LIST_ITEMS + 3)),
        "{s}"
    );
    assert_eq!(duration(90), "90 s (1 min 30 s)");
    assert_eq!(duration(7200), "7200 s (2 h)");
    assert_eq!(duration(59), "59 s");
}
