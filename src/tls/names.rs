//! Human-readable names for TLS protocol numbers.
//!
//! Every table has an `Option<&'static str>` form (`*_name_opt`, `None` when
//! the value is not known) and a `String` form (`*_name`) that never fails and
//! falls back to `"unknown (N)"`. Values that IANA lists in hexadecimal
//! (versions, signature schemes) fall back to hexadecimal, the others to
//! decimal. GREASE values (RFC 8701) are shown as `"GREASE (0x0a0a)"` wherever
//! the field can carry them.
//!
//! Sources: the IANA "Transport Layer Security (TLS) Parameters" and
//! "TLS ExtensionType Values" registries
//! (<https://www.iana.org/assignments/tls-parameters/>,
//! <https://www.iana.org/assignments/tls-extensiontype-values/>) and the RFCs
//! they cite, chiefly RFC 5246 and RFC 8446.

/// RFC 8701 GREASE value (0x0A0A, 0x1A1A, ..., 0xFAFA).
fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && v >> 8 == v & 0xff
}

fn grease(v: u16) -> String {
    format!("GREASE (0x{v:04x})")
}

fn or_unknown(name: Option<&'static str>, v: impl std::fmt::Display) -> String {
    match name {
        Some(n) => n.to_string(),
        None => format!("unknown ({v})"),
    }
}

fn or_unknown_hex(name: Option<&'static str>, v: u16) -> String {
    match name {
        Some(n) => n.to_string(),
        None => format!("unknown (0x{v:04x})"),
    }
}

// ---------------------------------------------------------------------------
// Protocol versions.

/// Protocol version (record layer, `legacy_version`, `supported_versions`):
/// SSL 2.0/3.0, TLS 1.0–1.3 (RFC 2246, 4346, 5246, 8446) and DTLS 1.0/1.2/1.3
/// (RFC 4347, 6347, 9147). TLS 1.3 drafts (`0x7fXX`) are handled by
/// [`version_name`].
pub fn version_name_opt(v: u16) -> Option<&'static str> {
    Some(match v {
        0x0002 => "SSL 2.0",
        0x0300 => "SSL 3.0",
        0x0301 => "TLS 1.0",
        0x0302 => "TLS 1.1",
        0x0303 => "TLS 1.2",
        0x0304 => "TLS 1.3",
        0xfeff => "DTLS 1.0",
        0xfefd => "DTLS 1.2",
        0xfefc => "DTLS 1.3",
        _ => return None,
    })
}

/// Protocol version name: `"TLS 1.2"`, `"TLS 1.3 (draft 28)"` for `0x7f1c`,
/// `"GREASE (0x2a2a)"`, else the value as `"0x%04x"`.
pub fn version_name(v: u16) -> String {
    if let Some(n) = version_name_opt(v) {
        n.to_string()
    } else if v >> 8 == 0x7f {
        format!("TLS 1.3 (draft {})", v & 0xff)
    } else if is_grease(v) {
        grease(v)
    } else {
        format!("0x{v:04x}")
    }
}

// ---------------------------------------------------------------------------
// Record layer.

/// Record content type (IANA "TLS ContentType" registry; RFC 8446 §5.1,
/// RFC 6520 heartbeat, RFC 9146 tls12_cid, RFC 9147 ack).
pub fn content_type_name_opt(v: u8) -> Option<&'static str> {
    Some(match v {
        20 => "change_cipher_spec",
        21 => "alert",
        22 => "handshake",
        23 => "application_data",
        24 => "heartbeat",
        25 => "tls12_cid",
        26 => "ack",
        _ => return None,
    })
}

/// Record content type name, `"unknown (N)"` if not known.
pub fn content_type_name(v: u8) -> String {
    or_unknown(content_type_name_opt(v), v)
}

// ---------------------------------------------------------------------------
// Handshake messages.

/// Handshake message type in RFC spelling (IANA "TLS HandshakeType" registry;
/// RFC 5246 §7.4, RFC 8446 §4, RFC 6066, RFC 6961, RFC 4680, RFC 8879,
/// RFC 9147).
pub fn handshake_type_name_opt(v: u8) -> Option<&'static str> {
    Some(match v {
        0 => "hello_request",
        1 => "client_hello",
        2 => "server_hello",
        3 => "hello_verify_request",
        4 => "new_session_ticket",
        5 => "end_of_early_data",
        6 => "hello_retry_request",
        8 => "encrypted_extensions",
        9 => "request_connection_id",
        10 => "new_connection_id",
        11 => "certificate",
        12 => "server_key_exchange",
        13 => "certificate_request",
        14 => "server_hello_done",
        15 => "certificate_verify",
        16 => "client_key_exchange",
        17 => "client_certificate_request",
        20 => "finished",
        21 => "certificate_url",
        22 => "certificate_status",
        23 => "supplemental_data",
        24 => "key_update",
        25 => "compressed_certificate",
        26 => "ekt_key",
        254 => "message_hash",
        _ => return None,
    })
}

/// Handshake message type in snake_case (`"client_hello"`), `"unknown (N)"`
/// if not known.
pub fn handshake_type_name(v: u8) -> String {
    or_unknown(handshake_type_name_opt(v), v)
}

/// Handshake message type in CamelCase, as message names are usually written
/// in prose (`ClientHello`, `ServerKeyExchange`). Same values as
/// [`handshake_type_name_opt`].
pub fn handshake_type_title_opt(v: u8) -> Option<&'static str> {
    Some(match v {
        0 => "HelloRequest",
        1 => "ClientHello",
        2 => "ServerHello",
        3 => "HelloVerifyRequest",
        4 => "NewSessionTicket",
        5 => "EndOfEarlyData",
        6 => "HelloRetryRequest",
        8 => "EncryptedExtensions",
        9 => "RequestConnectionId",
        10 => "NewConnectionId",
        11 => "Certificate",
        12 => "ServerKeyExchange",
        13 => "CertificateRequest",
        14 => "ServerHelloDone",
        15 => "CertificateVerify",
        16 => "ClientKeyExchange",
        17 => "ClientCertificateRequest",
        20 => "Finished",
        21 => "CertificateUrl",
        22 => "CertificateStatus",
        23 => "SupplementalData",
        24 => "KeyUpdate",
        25 => "CompressedCertificate",
        26 => "EktKey",
        254 => "MessageHash",
        _ => return None,
    })
}

/// Handshake message type in CamelCase, `"Unknown(N)"` if not known.
pub fn handshake_type_title(v: u8) -> String {
    match handshake_type_title_opt(v) {
        Some(n) => n.to_string(),
        None => format!("Unknown({v})"),
    }
}

// ---------------------------------------------------------------------------
// Extensions.

/// Hello extension type (IANA "TLS ExtensionType Values" registry), plus
/// widely deployed unregistered code points: NPN (13172), ALPS (17513 and
/// 17613), Channel ID (30031/30032), draft QUIC transport parameters (0xffa5)
/// and draft ESNI (0xffce), and the TLS 1.3 drafts' key_share (40, reserved
/// since draft 23).
pub fn extension_name_opt(v: u16) -> Option<&'static str> {
    Some(match v {
        0 => "server_name",
        1 => "max_fragment_length",
        2 => "client_certificate_url",
        3 => "trusted_ca_keys",
        4 => "truncated_hmac",
        5 => "status_request",
        6 => "user_mapping",
        7 => "client_authz",
        8 => "server_authz",
        9 => "cert_type",
        10 => "supported_groups",
        11 => "ec_point_formats",
        12 => "srp",
        13 => "signature_algorithms",
        14 => "use_srtp",
        15 => "heartbeat",
        16 => "application_layer_protocol_negotiation",
        17 => "status_request_v2",
        18 => "signed_certificate_timestamp",
        19 => "client_certificate_type",
        20 => "server_certificate_type",
        21 => "padding",
        22 => "encrypt_then_mac",
        23 => "extended_master_secret",
        24 => "token_binding",
        25 => "cached_info",
        26 => "tls_lts",
        27 => "compress_certificate",
        28 => "record_size_limit",
        29 => "pwd_protect",
        30 => "pwd_clear",
        31 => "password_salt",
        32 => "ticket_pinning",
        33 => "tls_cert_with_extern_psk",
        34 => "delegated_credential",
        35 => "session_ticket",
        36 => "TLMSP",
        37 => "TLMSP_proxying",
        38 => "TLMSP_delegate",
        39 => "supported_ekt_ciphers",
        // Reserved since draft-ietf-tls-tls13-23 moved key_share to 51; drafts up to
        // 22 (and the implementations of their time) sent key_share here.
        40 => "key_share (draft)",
        41 => "pre_shared_key",
        42 => "early_data",
        43 => "supported_versions",
        44 => "cookie",
        45 => "psk_key_exchange_modes",
        47 => "certificate_authorities",
        48 => "oid_filters",
        49 => "post_handshake_auth",
        50 => "signature_algorithms_cert",
        51 => "key_share",
        52 => "transparency_info",
        53 => "connection_id_deprecated",
        54 => "connection_id",
        55 => "external_id_hash",
        56 => "external_session_id",
        57 => "quic_transport_parameters",
        58 => "ticket_request",
        59 => "dnssec_chain",
        60 => "sequence_number_encryption_algorithms",
        61 => "rrc",
        13172 => "next_protocol_negotiation",
        17513 => "application_settings",
        17613 => "application_settings",
        30031 => "channel_id_old",
        30032 => "channel_id",
        0xfd00 => "ech_outer_extensions",
        0xfe0d => "encrypted_client_hello",
        0xff01 => "renegotiation_info",
        0xffa5 => "quic_transport_parameters_draft",
        0xffce => "encrypted_server_name",
        _ => return None,
    })
}

/// Extension type name, `"GREASE (0x0a0a)"` for GREASE, `"unknown (N)"`
/// (decimal) otherwise.
pub fn extension_name(v: u16) -> String {
    if is_grease(v) {
        return grease(v);
    }
    or_unknown(extension_name_opt(v), v)
}

// ---------------------------------------------------------------------------
// Key exchange groups and signatures.

/// Named group / elliptic curve (IANA "TLS Supported Groups" registry;
/// RFC 8422, RFC 7027, RFC 8734, RFC 7919, RFC 8998, RFC 9189, and the
/// ML-KEM / hybrid drafts draft-connolly-tls-mlkem-key-agreement and
/// draft-kwiatkowski-tls-ecdhe-mlkem; 0x6399/0x639a are the obsolete
/// pre-standard Kyber hybrids).
pub fn named_group_name_opt(v: u16) -> Option<&'static str> {
    Some(match v {
        1 => "sect163k1",
        2 => "sect163r1",
        3 => "sect163r2",
        4 => "sect193r1",
        5 => "sect193r2",
        6 => "sect233k1",
        7 => "sect233r1",
        8 => "sect239k1",
        9 => "sect283k1",
        10 => "sect283r1",
        11 => "sect409k1",
        12 => "sect409r1",
        13 => "sect571k1",
        14 => "sect571r1",
        15 => "secp160k1",
        16 => "secp160r1",
        17 => "secp160r2",
        18 => "secp192k1",
        19 => "secp192r1",
        20 => "secp224k1",
        21 => "secp224r1",
        22 => "secp256k1",
        23 => "secp256r1",
        24 => "secp384r1",
        25 => "secp521r1",
        26 => "brainpoolP256r1",
        27 => "brainpoolP384r1",
        28 => "brainpoolP512r1",
        29 => "x25519",
        30 => "x448",
        31 => "brainpoolP256r1tls13",
        32 => "brainpoolP384r1tls13",
        33 => "brainpoolP512r1tls13",
        34 => "GC256A",
        35 => "GC256B",
        36 => "GC256C",
        37 => "GC256D",
        38 => "GC512A",
        39 => "GC512B",
        40 => "GC512C",
        41 => "curveSM2",
        256 => "ffdhe2048",
        257 => "ffdhe3072",
        258 => "ffdhe4096",
        259 => "ffdhe6144",
        260 => "ffdhe8192",
        512 => "MLKEM512",
        513 => "MLKEM768",
        514 => "MLKEM1024",
        0x11eb => "SecP256r1MLKEM768",
        0x11ec => "X25519MLKEM768",
        0x11ed => "SecP384r1MLKEM1024",
        0x6399 => "X25519Kyber768Draft00",
        0x639a => "SecP256r1Kyber768Draft00",
        0xff01 => "arbitrary_explicit_prime_curves",
        0xff02 => "arbitrary_explicit_char2_curves",
        _ => return None,
    })
}

/// Named group name, `"GREASE (0x0a0a)"` for GREASE, `"unknown (N)"`
/// (decimal) otherwise.
pub fn named_group_name(v: u16) -> String {
    if is_grease(v) {
        return grease(v);
    }
    or_unknown(named_group_name_opt(v), v)
}

/// Signature scheme (IANA "TLS SignatureScheme" registry; RFC 8446 §4.2.3,
/// RFC 8734, RFC 8998, RFC 9367, draft-ietf-tls-mldsa), plus the TLS 1.2
/// `SignatureAndHashAlgorithm` pairs (RFC 5246 §7.4.1.4.1) that have no
/// RFC 8446 name, written `<sig>_<hash>` (`rsa_pkcs1_md5`, `dsa_sha256`,
/// `ecdsa_sha224`).
pub fn signature_scheme_name_opt(v: u16) -> Option<&'static str> {
    Some(match v {
        // TLS 1.2 hash/signature pairs (hash: 1 md5, 2 sha1, 3 sha224,
        // 4 sha256, 5 sha384, 6 sha512; signature: 1 rsa, 2 dsa, 3 ecdsa).
        0x0101 => "rsa_pkcs1_md5",
        0x0102 => "dsa_md5",
        0x0103 => "ecdsa_md5",
        0x0201 => "rsa_pkcs1_sha1",
        0x0202 => "dsa_sha1",
        0x0203 => "ecdsa_sha1",
        0x0301 => "rsa_pkcs1_sha224",
        0x0302 => "dsa_sha224",
        0x0303 => "ecdsa_sha224",
        0x0401 => "rsa_pkcs1_sha256",
        0x0402 => "dsa_sha256",
        0x0403 => "ecdsa_secp256r1_sha256",
        0x0420 => "rsa_pkcs1_sha256_legacy",
        0x0501 => "rsa_pkcs1_sha384",
        0x0502 => "dsa_sha384",
        0x0503 => "ecdsa_secp384r1_sha384",
        0x0520 => "rsa_pkcs1_sha384_legacy",
        0x0601 => "rsa_pkcs1_sha512",
        0x0602 => "dsa_sha512",
        0x0603 => "ecdsa_secp521r1_sha512",
        0x0620 => "rsa_pkcs1_sha512_legacy",
        0x0704 => "eccsi_sha256",
        0x0705 => "iso_ibs1",
        0x0706 => "iso_ibs2",
        0x0707 => "iso_chinese_ibs",
        0x0708 => "sm2sig_sm3",
        0x0709 => "gostr34102012_256a",
        0x070a => "gostr34102012_256b",
        0x070b => "gostr34102012_256c",
        0x070c => "gostr34102012_256d",
        0x070d => "gostr34102012_512a",
        0x070e => "gostr34102012_512b",
        0x070f => "gostr34102012_512c",
        0x0804 => "rsa_pss_rsae_sha256",
        0x0805 => "rsa_pss_rsae_sha384",
        0x0806 => "rsa_pss_rsae_sha512",
        0x0807 => "ed25519",
        0x0808 => "ed448",
        0x0809 => "rsa_pss_pss_sha256",
        0x080a => "rsa_pss_pss_sha384",
        0x080b => "rsa_pss_pss_sha512",
        0x081a => "ecdsa_brainpoolP256r1tls13_sha256",
        0x081b => "ecdsa_brainpoolP384r1tls13_sha384",
        0x081c => "ecdsa_brainpoolP512r1tls13_sha512",
        0x0904 => "mldsa44",
        0x0905 => "mldsa65",
        0x0906 => "mldsa87",
        _ => return None,
    })
}

/// Signature scheme name, `"GREASE (0x0a0a)"` for GREASE, `"unknown (0x....)"`
/// otherwise.
pub fn signature_scheme_name(v: u16) -> String {
    if is_grease(v) {
        return grease(v);
    }
    or_unknown_hex(signature_scheme_name_opt(v), v)
}

// ---------------------------------------------------------------------------
// Alerts.

/// Alert level (RFC 5246 §7.2).
pub fn alert_level_name_opt(v: u8) -> Option<&'static str> {
    Some(match v {
        1 => "warning",
        2 => "fatal",
        _ => return None,
    })
}

/// Alert level name, `"unknown (N)"` if not known.
pub fn alert_level_name(v: u8) -> String {
    or_unknown(alert_level_name_opt(v), v)
}

/// Alert description (IANA "TLS Alerts" registry; RFC 5246 §7.2,
/// RFC 8446 §6, RFC 6066, RFC 7301, RFC 7507, RFC 9147, and
/// draft-ietf-tls-esni for ech_required).
pub fn alert_description_name_opt(v: u8) -> Option<&'static str> {
    Some(match v {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        21 => "decryption_failed",
        22 => "record_overflow",
        30 => "decompression_failure",
        40 => "handshake_failure",
        41 => "no_certificate",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        52 => "too_many_cids_requested",
        60 => "export_restriction",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        109 => "missing_extension",
        110 => "unsupported_extension",
        111 => "certificate_unobtainable",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        114 => "bad_certificate_hash_value",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        117 => "general_error",
        120 => "no_application_protocol",
        121 => "ech_required",
        _ => return None,
    })
}

/// Alert description name, `"unknown (N)"` if not known.
pub fn alert_description_name(v: u8) -> String {
    or_unknown(alert_description_name_opt(v), v)
}

// ---------------------------------------------------------------------------
// Smaller registries.

/// EC point format (RFC 8422 §5.1.2).
pub fn ec_point_format_name_opt(v: u8) -> Option<&'static str> {
    Some(match v {
        0 => "uncompressed",
        1 => "ansiX962_compressed_prime",
        2 => "ansiX962_compressed_char2",
        _ => return None,
    })
}

/// EC point format name, `"unknown (N)"` if not known.
pub fn ec_point_format_name(v: u8) -> String {
    or_unknown(ec_point_format_name_opt(v), v)
}

/// PSK key exchange mode (RFC 8446 §4.2.9).
pub fn psk_key_exchange_mode_name_opt(v: u8) -> Option<&'static str> {
    Some(match v {
        0 => "psk_ke",
        1 => "psk_dhe_ke",
        _ => return None,
    })
}

/// PSK key exchange mode name, `"unknown (N)"` if not known.
pub fn psk_key_exchange_mode_name(v: u8) -> String {
    or_unknown(psk_key_exchange_mode_name_opt(v), v)
}

/// Record compression method (RFC 5246 §7.4.1.2, RFC 3749 DEFLATE,
/// RFC 3943 LZS).
pub fn compression_method_name_opt(v: u8) -> Option<&'static str> {
    Some(match v {
        0 => "null",
        1 => "DEFLATE",
        64 => "LZS",
        _ => return None,
    })
}

/// Compression method name, `"unknown (N)"` if not known.
pub fn compression_method_name(v: u8) -> String {
    or_unknown(compression_method_name_opt(v), v)
}

/// Certificate status type of `status_request` / `status_request_v2`
/// (RFC 6066 §8, RFC 6961).
pub fn certificate_status_type_name_opt(v: u8) -> Option<&'static str> {
    Some(match v {
        1 => "ocsp",
        2 => "ocsp_multi",
        _ => return None,
    })
}

/// Certificate status type name, `"unknown (N)"` if not known.
pub fn certificate_status_type_name(v: u8) -> String {
    or_unknown(certificate_status_type_name_opt(v), v)
}

/// ClientCertificateType of a TLS 1.2 CertificateRequest (IANA "TLS
/// ClientCertificateType Identifiers"; RFC 5246 §7.4.4, RFC 8422 §5.5,
/// RFC 9189).
pub fn client_certificate_type_name_opt(v: u8) -> Option<&'static str> {
    Some(match v {
        1 => "rsa_sign",
        2 => "dss_sign",
        3 => "rsa_fixed_dh",
        4 => "dss_fixed_dh",
        5 => "rsa_ephemeral_dh_RESERVED",
        6 => "dss_ephemeral_dh_RESERVED",
        20 => "fortezza_dms_RESERVED",
        64 => "ecdsa_sign",
        65 => "rsa_fixed_ecdh",
        66 => "ecdsa_fixed_ecdh",
        67 => "gost_sign256",
        68 => "gost_sign512",
        _ => return None,
    })
}

/// Client certificate type name, `"unknown (N)"` if not known.
pub fn client_certificate_type_name(v: u8) -> String {
    or_unknown(client_certificate_type_name_opt(v), v)
}

/// Certificate compression algorithm of `compress_certificate`
/// (RFC 8879 §7.3).
pub fn certificate_compression_algorithm_name_opt(v: u16) -> Option<&'static str> {
    Some(match v {
        1 => "zlib",
        2 => "brotli",
        3 => "zstd",
        _ => return None,
    })
}

/// Certificate compression algorithm name, `"unknown (N)"` if not known.
pub fn certificate_compression_algorithm_name(v: u16) -> String {
    or_unknown(certificate_compression_algorithm_name_opt(v), v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(version_name(0x0002), "SSL 2.0");
        assert_eq!(version_name(0x0300), "SSL 3.0");
        assert_eq!(version_name(0x0301), "TLS 1.0");
        assert_eq!(version_name(0x0302), "TLS 1.1");
        assert_eq!(version_name(0x0303), "TLS 1.2");
        assert_eq!(version_name(0x0304), "TLS 1.3");
        assert_eq!(version_name(0x7f1c), "TLS 1.3 (draft 28)");
        assert_eq!(version_name(0x7f17), "TLS 1.3 (draft 23)");
        assert_eq!(version_name(0xfefd), "DTLS 1.2");
        assert_eq!(version_name(0x3a3a), "GREASE (0x3a3a)");
        assert_eq!(version_name(0x1234), "0x1234");
        assert_eq!(version_name_opt(0x7f1c), None);
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type_name(20), "change_cipher_spec");
        assert_eq!(content_type_name(21), "alert");
        assert_eq!(content_type_name(22), "handshake");
        assert_eq!(content_type_name(23), "application_data");
        assert_eq!(content_type_name(24), "heartbeat");
        assert_eq!(content_type_name(99), "unknown (99)");
    }

    #[test]
    fn handshake_types() {
        assert_eq!(handshake_type_name(0), "hello_request");
        assert_eq!(handshake_type_name(1), "client_hello");
        assert_eq!(handshake_type_name(2), "server_hello");
        assert_eq!(handshake_type_name(6), "hello_retry_request");
        assert_eq!(handshake_type_name(8), "encrypted_extensions");
        assert_eq!(handshake_type_name(14), "server_hello_done");
        assert_eq!(handshake_type_name(20), "finished");
        assert_eq!(handshake_type_name(25), "compressed_certificate");
        assert_eq!(handshake_type_name(254), "message_hash");
        assert_eq!(handshake_type_name(7), "unknown (7)");
        assert_eq!(handshake_type_title(1), "ClientHello");
        assert_eq!(handshake_type_title(12), "ServerKeyExchange");
        assert_eq!(handshake_type_title(16), "ClientKeyExchange");
        assert_eq!(handshake_type_title(4), "NewSessionTicket");
        assert_eq!(handshake_type_title(5), "EndOfEarlyData");
        assert_eq!(handshake_type_title(22), "CertificateStatus");
        assert_eq!(handshake_type_title(200), "Unknown(200)");
        // Both tables cover the same values.
        for v in 0..=255u8 {
            assert_eq!(
                handshake_type_name_opt(v).is_some(),
                handshake_type_title_opt(v).is_some(),
                "{v}"
            );
        }
    }

    #[test]
    fn extensions() {
        assert_eq!(extension_name(0), "server_name");
        assert_eq!(extension_name(10), "supported_groups");
        assert_eq!(extension_name(16), "application_layer_protocol_negotiation");
        assert_eq!(extension_name(23), "extended_master_secret");
        assert_eq!(extension_name(43), "supported_versions");
        assert_eq!(extension_name(51), "key_share");
        assert_eq!(extension_name(57), "quic_transport_parameters");
        assert_eq!(extension_name(0xfe0d), "encrypted_client_hello");
        assert_eq!(extension_name(0xff01), "renegotiation_info");
        assert_eq!(extension_name(17513), "application_settings");
        assert_eq!(extension_name(13172), "next_protocol_negotiation");
        assert_eq!(extension_name(0xeaea), "GREASE (0xeaea)");
        assert_eq!(extension_name(40), "key_share (draft)");
        assert_eq!(extension_name(46), "unknown (46)");
    }

    #[test]
    fn groups() {
        assert_eq!(named_group_name(23), "secp256r1");
        assert_eq!(named_group_name(24), "secp384r1");
        assert_eq!(named_group_name(25), "secp521r1");
        assert_eq!(named_group_name(29), "x25519");
        assert_eq!(named_group_name(30), "x448");
        assert_eq!(named_group_name(26), "brainpoolP256r1");
        assert_eq!(named_group_name(256), "ffdhe2048");
        assert_eq!(named_group_name(0x11ec), "X25519MLKEM768");
        assert_eq!(named_group_name(0x11eb), "SecP256r1MLKEM768");
        assert_eq!(named_group_name(0x11ed), "SecP384r1MLKEM1024");
        assert_eq!(named_group_name(0x0200), "MLKEM512");
        assert_eq!(named_group_name(0x0201), "MLKEM768");
        assert_eq!(named_group_name(0x0202), "MLKEM1024");
        assert_eq!(named_group_name(0x6399), "X25519Kyber768Draft00");
        assert_eq!(named_group_name(1), "sect163k1");
        assert_eq!(named_group_name(0x0a0a), "GREASE (0x0a0a)");
        assert_eq!(named_group_name(999), "unknown (999)");
    }

    #[test]
    fn signature_schemes() {
        assert_eq!(signature_scheme_name(0x0401), "rsa_pkcs1_sha256");
        assert_eq!(signature_scheme_name(0x0403), "ecdsa_secp256r1_sha256");
        assert_eq!(signature_scheme_name(0x0804), "rsa_pss_rsae_sha256");
        assert_eq!(signature_scheme_name(0x0807), "ed25519");
        assert_eq!(signature_scheme_name(0x0808), "ed448");
        assert_eq!(signature_scheme_name(0x080b), "rsa_pss_pss_sha512");
        assert_eq!(signature_scheme_name(0x0201), "rsa_pkcs1_sha1");
        assert_eq!(signature_scheme_name(0x0203), "ecdsa_sha1");
        assert_eq!(signature_scheme_name(0x0101), "rsa_pkcs1_md5");
        assert_eq!(signature_scheme_name(0x0402), "dsa_sha256");
        assert_eq!(signature_scheme_name(0x0303), "ecdsa_sha224");
        assert_eq!(signature_scheme_name(0x0904), "mldsa44");
        assert_eq!(signature_scheme_name(0x0905), "mldsa65");
        assert_eq!(signature_scheme_name(0x0906), "mldsa87");
        assert_eq!(signature_scheme_name(0x1a1a), "GREASE (0x1a1a)");
        assert_eq!(signature_scheme_name(0x0a0b), "unknown (0x0a0b)");
    }

    #[test]
    fn alerts() {
        assert_eq!(alert_level_name(1), "warning");
        assert_eq!(alert_level_name(2), "fatal");
        assert_eq!(alert_level_name(3), "unknown (3)");
        assert_eq!(alert_description_name(0), "close_notify");
        assert_eq!(alert_description_name(10), "unexpected_message");
        assert_eq!(alert_description_name(20), "bad_record_mac");
        assert_eq!(alert_description_name(21), "decryption_failed");
        assert_eq!(alert_description_name(40), "handshake_failure");
        assert_eq!(alert_description_name(42), "bad_certificate");
        assert_eq!(alert_description_name(90), "user_canceled");
        assert_eq!(alert_description_name(100), "no_renegotiation");
        assert_eq!(alert_description_name(109), "missing_extension");
        assert_eq!(alert_description_name(112), "unrecognized_name");
        assert_eq!(alert_description_name(116), "certificate_required");
        assert_eq!(alert_description_name(120), "no_application_protocol");
        assert_eq!(alert_description_name(255), "unknown (255)");
    }

    #[test]
    fn small_tables() {
        assert_eq!(ec_point_format_name(0), "uncompressed");
        assert_eq!(ec_point_format_name(2), "ansiX962_compressed_char2");
        assert_eq!(ec_point_format_name(3), "unknown (3)");
        assert_eq!(psk_key_exchange_mode_name(0), "psk_ke");
        assert_eq!(psk_key_exchange_mode_name(1), "psk_dhe_ke");
        assert_eq!(psk_key_exchange_mode_name(2), "unknown (2)");
        assert_eq!(compression_method_name(0), "null");
        assert_eq!(compression_method_name(1), "DEFLATE");
        assert_eq!(compression_method_name(64), "LZS");
        assert_eq!(compression_method_name(2), "unknown (2)");
        assert_eq!(certificate_status_type_name(1), "ocsp");
        assert_eq!(certificate_status_type_name(2), "ocsp_multi");
        assert_eq!(certificate_status_type_name(0), "unknown (0)");
        assert_eq!(client_certificate_type_name(1), "rsa_sign");
        assert_eq!(client_certificate_type_name(2), "dss_sign");
        assert_eq!(client_certificate_type_name(3), "rsa_fixed_dh");
        assert_eq!(client_certificate_type_name(4), "dss_fixed_dh");
        assert_eq!(client_certificate_type_name(64), "ecdsa_sign");
        assert_eq!(client_certificate_type_name(65), "rsa_fixed_ecdh");
        assert_eq!(client_certificate_type_name(66), "ecdsa_fixed_ecdh");
        assert_eq!(client_certificate_type_name(0), "unknown (0)");
        assert_eq!(certificate_compression_algorithm_name(2), "brotli");
    }

    #[test]
    fn grease_check() {
        let all: Vec<u16> = (0..16u16)
            .map(|i| (i << 12) | 0x0a00 | (i << 4) | 0x0a)
            .collect();
        assert_eq!(all.first(), Some(&0x0a0a));
        assert_eq!(all.last(), Some(&0xfafa));
        assert!(all.iter().all(|&v| is_grease(v)));
        assert_eq!((0..=u16::MAX).filter(|&v| is_grease(v)).count(), 16);
    }
}
