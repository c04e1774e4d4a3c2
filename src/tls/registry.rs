//! The IANA registries of TLS, each declared once: a newtype over the wire number, its
//! named constants, and its names.
//!
//! Parsed values stay numbers (`ExtensionType(43)`, `NamedGroup::X25519`); a value
//! nobody named is still a value (`NamedGroup(999)`). Names are for showing, and only the
//! report shows them: [`name`](NamedGroup::name) gives the registry's name when there is
//! one, [`label`](NamedGroup::label) the text a report prints, which for an unnamed
//! value follows the registry's own convention (`unknown (999)`, `unknown (0x0a0b)`,
//! `GREASE (0x0a0a)`, `TLS 1.3 (draft 28)`).
//!
//! ```text
//!  registry! {
//!      /// doc
//!      pub struct NamedGroup(u16);           the newtype and its wire width
//!      unnamed: grease_or_decimal;           how a value without a name is written
//!      X25519 = 29 => "x25519",              constant = value => IANA name
//!      …
//!  }
//! ```
//!
//! A constant whose IANA name is itself its identifier (the cipher suites,
//! `TLS_AES_128_GCM_SHA256`) leaves out `=> "…"`. Handshake types carry a second,
//! title-case name after a `/` (`"client_hello" / "ClientHello"`), with an `untitled:`
//! rule of its own (`Unknown(7)`).
//!
//! Sources: the IANA "Transport Layer Security (TLS) Parameters" and "TLS ExtensionType
//! Values" registries (<https://www.iana.org/assignments/tls-parameters/>,
//! <https://www.iana.org/assignments/tls-extensiontype-values/>) and the RFCs they cite,
//! chiefly RFC 5246 and RFC 8446. The cipher suites are in [`super::cipher_suite`],
//! beside their parameters.

use std::borrow::Cow;

/// What every registry type offers, for code that shows any of them alike (the report's
/// `{"id": 29, "name": "x25519"}`).
pub trait Registered: Copy {
    /// The number on the wire, widened.
    fn number(self) -> u32;
    /// The text shown for the value: its name, else the registry's way of writing it.
    fn label(self) -> Cow<'static, str>;
}

/// Declares one registry: see the module documentation for the shape.
macro_rules! registry {
    // With a title-case name beside each registry name (`"client_hello" / "ClientHello"`).
    (
        $(#[$meta:meta])*
        pub struct $name:ident($repr:ty);
        unnamed: $unnamed:path;
        untitled: $untitled:path;
        $( $(#[$cmeta:meta])* $konst:ident = $value:literal => $text:literal / $title:literal ),*
        $(,)?
    ) => {
        $crate::tls::registry::registry!(@common
            $(#[$meta])* $name($repr), $unnamed;
            $( $(#[$cmeta])* $konst = $value => $text ),*
        );

        impl $name {
            /// The title-case name, as messages are written in prose (`ClientHello`).
            pub const fn title(self) -> Option<&'static str> {
                match self.0 {
                    $( $value => Some($title), )*
                    _ => None,
                }
            }

            /// The title-case name, or how this registry writes a value without one.
            pub fn title_label(self) -> ::std::borrow::Cow<'static, str> {
                match self.title() {
                    Some(t) => ::std::borrow::Cow::Borrowed(t),
                    None => ::std::borrow::Cow::Owned($untitled(self.0)),
                }
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident($repr:ty);
        unnamed: $unnamed:path;
        $( $(#[$cmeta:meta])* $konst:ident = $value:literal $(=> $text:literal)? ),*
        $(,)?
    ) => {
        $crate::tls::registry::registry!(@common
            $(#[$meta])* $name($repr), $unnamed;
            $( $(#[$cmeta])* $konst = $value $(=> $text)? ),*
        );
    };
    (@common
        $(#[$meta:meta])* $name:ident($repr:ty), $unnamed:path;
        $( $(#[$cmeta:meta])* $konst:ident = $value:literal $(=> $text:literal)? ),*
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub $repr);

        // Cipher suites keep IANA's spelling as their names: `TLS_DH_anon_WITH_…`.
        #[allow(non_upper_case_globals)]
        impl $name {
            $( $(#[$cmeta])* pub const $konst: Self = Self($value); )*

            /// The registry's name for the value, when it has one.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $value => Some($crate::tls::registry::registry!(@text $konst $($text)?)), )*
                    _ => None,
                }
            }

            /// The text shown for the value: its name, or how this registry writes a
            /// value without one.
            pub fn label(self) -> ::std::borrow::Cow<'static, str> {
                match self.name() {
                    Some(n) => ::std::borrow::Cow::Borrowed(n),
                    None => ::std::borrow::Cow::Owned($unnamed(self.0)),
                }
            }
        }

        /// The constant's identifier (`X25519`), else the number (`NamedGroup(999)`).
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.0 {
                    $( $value => f.write_str(stringify!($konst)), )*
                    v => write!(f, "{}({v})", stringify!($name)),
                }
            }
        }

        impl From<$repr> for $name {
            fn from(v: $repr) -> Self {
                Self(v)
            }
        }

        impl From<$name> for $repr {
            fn from(v: $name) -> Self {
                v.0
            }
        }

        impl $crate::tls::registry::Registered for $name {
            fn number(self) -> u32 {
                self.0.into()
            }
            fn label(self) -> ::std::borrow::Cow<'static, str> {
                $name::label(self)
            }
        }
    };
    (@text $konst:ident $text:literal) => { $text };
    (@text $konst:ident) => { stringify!($konst) };
}
pub(crate) use registry;

/// RFC 8701 GREASE value: both bytes equal and of the form `0x?A` (0x0A0A, 0x1A1A, …,
/// 0xFAFA). Cipher suites, extensions, groups, versions and signature schemes can carry
/// them; fingerprints leave them out.
pub fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && v >> 8 == v & 0xff
}

/// `GREASE (0x0a0a)`.
pub(crate) fn grease(v: u16) -> String {
    format!("GREASE (0x{v:04x})")
}

// How each registry writes a value without a name. Registries that IANA lists in
// hexadecimal (versions, signature schemes, cipher suites) use hexadecimal, the others
// decimal; GREASE is named wherever the field can carry it.

/// `unknown (99)`.
fn decimal(v: impl std::fmt::Display) -> String {
    format!("unknown ({v})")
}

/// `GREASE (0x0a0a)`, else `unknown (999)`.
fn grease_or_decimal(v: u16) -> String {
    if is_grease(v) {
        grease(v)
    } else {
        decimal(v)
    }
}

/// `GREASE (0x1a1a)`, else `unknown (0x0a0b)`.
fn grease_or_hex(v: u16) -> String {
    if is_grease(v) {
        grease(v)
    } else {
        format!("unknown (0x{v:04x})")
    }
}

/// `TLS 1.3 (draft 28)` for `0x7f1c`, `GREASE (0x2a2a)`, else `0x1234`.
fn version_unnamed(v: u16) -> String {
    if let Some(d) = ProtocolVersion(v).tls13_draft() {
        format!("TLS 1.3 (draft {d})")
    } else if is_grease(v) {
        grease(v)
    } else {
        format!("0x{v:04x}")
    }
}

/// `Unknown(200)`: a handshake message type without a name, as a message name.
fn untitled(v: u8) -> String {
    format!("Unknown({v})")
}

// ---------------------------------------------------------------------------
// Record layer.

registry! {
    /// Protocol version (record layer, `legacy_version`, `supported_versions`): SSL
    /// 2.0/3.0, TLS 1.0–1.3 (RFC 2246, 4346, 5246, 8446) and DTLS 1.0/1.2/1.3 (RFC 4347,
    /// 6347, 9147). The TLS 1.3 drafts (`0x7fNN`) are named by number.
    pub struct ProtocolVersion(u16);
    unnamed: version_unnamed;
    SSL2 = 0x0002 => "SSL 2.0",
    SSL3 = 0x0300 => "SSL 3.0",
    TLS1_0 = 0x0301 => "TLS 1.0",
    TLS1_1 = 0x0302 => "TLS 1.1",
    TLS1_2 = 0x0303 => "TLS 1.2",
    TLS1_3 = 0x0304 => "TLS 1.3",
    DTLS1_0 = 0xfeff => "DTLS 1.0",
    /// OpenSSL's DTLS before RFC 4347's number (`DTLS1_BAD_VER`, OpenSSL < 0.9.8f; still
    /// spoken by Cisco AnyConnect).
    DTLS1_0_OPENSSL_PRE = 0x0100 => "DTLS 1.0 (OpenSSL pre 0.9.8f)",
    DTLS1_2 = 0xfefd => "DTLS 1.2",
    DTLS1_3 = 0xfefc => "DTLS 1.3",
}

impl ProtocolVersion {
    /// The draft number of a TLS 1.3 draft version (`0x7fNN`).
    pub fn tls13_draft(self) -> Option<u8> {
        (self.0 >> 8 == 0x7f).then_some((self.0 & 0xff) as u8)
    }

    /// TLS 1.3, or one of its drafts.
    pub fn is_tls13(self) -> bool {
        self == Self::TLS1_3 || self.tls13_draft().is_some()
    }

    /// The TLS version whose PRF, Finished and record protection a version uses: a
    /// DTLS version's TLS counterpart (RFC 4347 §1: DTLS 1.0 is TLS 1.1's; RFC 6347:
    /// DTLS 1.2 is TLS 1.2's; RFC 9147: DTLS 1.3 is TLS 1.3's), any other itself.
    pub fn tls_equivalent(self) -> ProtocolVersion {
        match self {
            Self::DTLS1_0 | Self::DTLS1_0_OPENSSL_PRE => Self::TLS1_1,
            Self::DTLS1_2 => Self::TLS1_2,
            Self::DTLS1_3 => Self::TLS1_3,
            other => other,
        }
    }
}

registry! {
    /// Record content type (IANA "TLS ContentType"; RFC 8446 §5.1, RFC 6520 heartbeat,
    /// RFC 9146 tls12_cid, RFC 9147 ack).
    pub struct ContentType(u8);
    unnamed: decimal;
    CHANGE_CIPHER_SPEC = 20 => "change_cipher_spec",
    ALERT = 21 => "alert",
    HANDSHAKE = 22 => "handshake",
    APPLICATION_DATA = 23 => "application_data",
    HEARTBEAT = 24 => "heartbeat",
    TLS12_CID = 25 => "tls12_cid",
    ACK = 26 => "ack",
}

// ---------------------------------------------------------------------------
// Handshake messages.

registry! {
    /// Handshake message type (IANA "TLS HandshakeType"; RFC 5246 §7.4, RFC 8446 §4,
    /// RFC 6066, RFC 6961, RFC 4680, RFC 8879, RFC 9147), in RFC spelling
    /// (`client_hello`) and as message names are written in prose (`ClientHello`).
    pub struct HandshakeType(u8);
    unnamed: decimal;
    untitled: untitled;
    HELLO_REQUEST = 0 => "hello_request" / "HelloRequest",
    CLIENT_HELLO = 1 => "client_hello" / "ClientHello",
    SERVER_HELLO = 2 => "server_hello" / "ServerHello",
    HELLO_VERIFY_REQUEST = 3 => "hello_verify_request" / "HelloVerifyRequest",
    NEW_SESSION_TICKET = 4 => "new_session_ticket" / "NewSessionTicket",
    END_OF_EARLY_DATA = 5 => "end_of_early_data" / "EndOfEarlyData",
    HELLO_RETRY_REQUEST = 6 => "hello_retry_request" / "HelloRetryRequest",
    ENCRYPTED_EXTENSIONS = 8 => "encrypted_extensions" / "EncryptedExtensions",
    REQUEST_CONNECTION_ID = 9 => "request_connection_id" / "RequestConnectionId",
    NEW_CONNECTION_ID = 10 => "new_connection_id" / "NewConnectionId",
    CERTIFICATE = 11 => "certificate" / "Certificate",
    SERVER_KEY_EXCHANGE = 12 => "server_key_exchange" / "ServerKeyExchange",
    CERTIFICATE_REQUEST = 13 => "certificate_request" / "CertificateRequest",
    SERVER_HELLO_DONE = 14 => "server_hello_done" / "ServerHelloDone",
    CERTIFICATE_VERIFY = 15 => "certificate_verify" / "CertificateVerify",
    CLIENT_KEY_EXCHANGE = 16 => "client_key_exchange" / "ClientKeyExchange",
    CLIENT_CERTIFICATE_REQUEST = 17 => "client_certificate_request" / "ClientCertificateRequest",
    FINISHED = 20 => "finished" / "Finished",
    CERTIFICATE_URL = 21 => "certificate_url" / "CertificateUrl",
    CERTIFICATE_STATUS = 22 => "certificate_status" / "CertificateStatus",
    SUPPLEMENTAL_DATA = 23 => "supplemental_data" / "SupplementalData",
    KEY_UPDATE = 24 => "key_update" / "KeyUpdate",
    COMPRESSED_CERTIFICATE = 25 => "compressed_certificate" / "CompressedCertificate",
    EKT_KEY = 26 => "ekt_key" / "EktKey",
    MESSAGE_HASH = 254 => "message_hash" / "MessageHash",
}

// ---------------------------------------------------------------------------
// Extensions.

registry! {
    /// Hello extension type (IANA "TLS ExtensionType Values"), plus widely deployed
    /// unregistered code points: NPN (13172), ALPS (17513 and 17613), Channel ID
    /// (30031/30032), draft QUIC transport parameters (0xffa5) and draft ESNI (0xffce),
    /// and the TLS 1.3 drafts' key_share (40, reserved since draft 23).
    pub struct ExtensionType(u16);
    unnamed: grease_or_decimal;
    SERVER_NAME = 0 => "server_name",
    MAX_FRAGMENT_LENGTH = 1 => "max_fragment_length",
    CLIENT_CERTIFICATE_URL = 2 => "client_certificate_url",
    TRUSTED_CA_KEYS = 3 => "trusted_ca_keys",
    TRUNCATED_HMAC = 4 => "truncated_hmac",
    STATUS_REQUEST = 5 => "status_request",
    USER_MAPPING = 6 => "user_mapping",
    CLIENT_AUTHZ = 7 => "client_authz",
    SERVER_AUTHZ = 8 => "server_authz",
    CERT_TYPE = 9 => "cert_type",
    SUPPORTED_GROUPS = 10 => "supported_groups",
    EC_POINT_FORMATS = 11 => "ec_point_formats",
    SRP = 12 => "srp",
    SIGNATURE_ALGORITHMS = 13 => "signature_algorithms",
    USE_SRTP = 14 => "use_srtp",
    HEARTBEAT = 15 => "heartbeat",
    ALPN = 16 => "application_layer_protocol_negotiation",
    STATUS_REQUEST_V2 = 17 => "status_request_v2",
    SIGNED_CERTIFICATE_TIMESTAMP = 18 => "signed_certificate_timestamp",
    CLIENT_CERTIFICATE_TYPE = 19 => "client_certificate_type",
    SERVER_CERTIFICATE_TYPE = 20 => "server_certificate_type",
    PADDING = 21 => "padding",
    ENCRYPT_THEN_MAC = 22 => "encrypt_then_mac",
    EXTENDED_MASTER_SECRET = 23 => "extended_master_secret",
    TOKEN_BINDING = 24 => "token_binding",
    CACHED_INFO = 25 => "cached_info",
    TLS_LTS = 26 => "tls_lts",
    COMPRESS_CERTIFICATE = 27 => "compress_certificate",
    RECORD_SIZE_LIMIT = 28 => "record_size_limit",
    PWD_PROTECT = 29 => "pwd_protect",
    PWD_CLEAR = 30 => "pwd_clear",
    PASSWORD_SALT = 31 => "password_salt",
    TICKET_PINNING = 32 => "ticket_pinning",
    TLS_CERT_WITH_EXTERN_PSK = 33 => "tls_cert_with_extern_psk",
    DELEGATED_CREDENTIAL = 34 => "delegated_credential",
    SESSION_TICKET = 35 => "session_ticket",
    TLMSP = 36 => "TLMSP",
    TLMSP_PROXYING = 37 => "TLMSP_proxying",
    TLMSP_DELEGATE = 38 => "TLMSP_delegate",
    SUPPORTED_EKT_CIPHERS = 39 => "supported_ekt_ciphers",
    /// Reserved since draft-ietf-tls-tls13-23 moved key_share to 51; drafts up to 22
    /// (and the implementations of their time) sent key_share here, in the same shapes.
    KEY_SHARE_DRAFT = 40 => "key_share (draft)",
    PRE_SHARED_KEY = 41 => "pre_shared_key",
    EARLY_DATA = 42 => "early_data",
    SUPPORTED_VERSIONS = 43 => "supported_versions",
    COOKIE = 44 => "cookie",
    PSK_KEY_EXCHANGE_MODES = 45 => "psk_key_exchange_modes",
    CERTIFICATE_AUTHORITIES = 47 => "certificate_authorities",
    OID_FILTERS = 48 => "oid_filters",
    POST_HANDSHAKE_AUTH = 49 => "post_handshake_auth",
    SIGNATURE_ALGORITHMS_CERT = 50 => "signature_algorithms_cert",
    KEY_SHARE = 51 => "key_share",
    TRANSPARENCY_INFO = 52 => "transparency_info",
    CONNECTION_ID_DEPRECATED = 53 => "connection_id_deprecated",
    CONNECTION_ID = 54 => "connection_id",
    EXTERNAL_ID_HASH = 55 => "external_id_hash",
    EXTERNAL_SESSION_ID = 56 => "external_session_id",
    QUIC_TRANSPORT_PARAMETERS = 57 => "quic_transport_parameters",
    TICKET_REQUEST = 58 => "ticket_request",
    DNSSEC_CHAIN = 59 => "dnssec_chain",
    SEQUENCE_NUMBER_ENCRYPTION_ALGORITHMS = 60 => "sequence_number_encryption_algorithms",
    RRC = 61 => "rrc",
    NEXT_PROTOCOL_NEGOTIATION = 13172 => "next_protocol_negotiation",
    /// ALPS as first deployed; 17613 is its later code point, under the same name.
    APPLICATION_SETTINGS_OLD = 17513 => "application_settings",
    APPLICATION_SETTINGS = 17613 => "application_settings",
    CHANNEL_ID_OLD = 30031 => "channel_id_old",
    CHANNEL_ID = 30032 => "channel_id",
    ECH_OUTER_EXTENSIONS = 0xfd00 => "ech_outer_extensions",
    ENCRYPTED_CLIENT_HELLO = 0xfe0d => "encrypted_client_hello",
    RENEGOTIATION_INFO = 0xff01 => "renegotiation_info",
    QUIC_TRANSPORT_PARAMETERS_DRAFT = 0xffa5 => "quic_transport_parameters_draft",
    ENCRYPTED_SERVER_NAME = 0xffce => "encrypted_server_name",
}

// ---------------------------------------------------------------------------
// Key exchange groups and signatures.

registry! {
    /// Named group / elliptic curve (IANA "TLS Supported Groups"; RFC 8422, RFC 7027,
    /// RFC 8734, RFC 7919, RFC 8998, RFC 9189, and the ML-KEM / hybrid drafts
    /// draft-connolly-tls-mlkem-key-agreement and draft-kwiatkowski-tls-ecdhe-mlkem;
    /// 0x6399/0x639a are the obsolete pre-standard Kyber hybrids).
    pub struct NamedGroup(u16);
    unnamed: grease_or_decimal;
    SECT163K1 = 1 => "sect163k1",
    SECT163R1 = 2 => "sect163r1",
    SECT163R2 = 3 => "sect163r2",
    SECT193R1 = 4 => "sect193r1",
    SECT193R2 = 5 => "sect193r2",
    SECT233K1 = 6 => "sect233k1",
    SECT233R1 = 7 => "sect233r1",
    SECT239K1 = 8 => "sect239k1",
    SECT283K1 = 9 => "sect283k1",
    SECT283R1 = 10 => "sect283r1",
    SECT409K1 = 11 => "sect409k1",
    SECT409R1 = 12 => "sect409r1",
    SECT571K1 = 13 => "sect571k1",
    SECT571R1 = 14 => "sect571r1",
    SECP160K1 = 15 => "secp160k1",
    SECP160R1 = 16 => "secp160r1",
    SECP160R2 = 17 => "secp160r2",
    SECP192K1 = 18 => "secp192k1",
    SECP192R1 = 19 => "secp192r1",
    SECP224K1 = 20 => "secp224k1",
    SECP224R1 = 21 => "secp224r1",
    SECP256K1 = 22 => "secp256k1",
    SECP256R1 = 23 => "secp256r1",
    SECP384R1 = 24 => "secp384r1",
    SECP521R1 = 25 => "secp521r1",
    BRAINPOOL_P256R1 = 26 => "brainpoolP256r1",
    BRAINPOOL_P384R1 = 27 => "brainpoolP384r1",
    BRAINPOOL_P512R1 = 28 => "brainpoolP512r1",
    X25519 = 29 => "x25519",
    X448 = 30 => "x448",
    BRAINPOOL_P256R1_TLS13 = 31 => "brainpoolP256r1tls13",
    BRAINPOOL_P384R1_TLS13 = 32 => "brainpoolP384r1tls13",
    BRAINPOOL_P512R1_TLS13 = 33 => "brainpoolP512r1tls13",
    GC256A = 34 => "GC256A",
    GC256B = 35 => "GC256B",
    GC256C = 36 => "GC256C",
    GC256D = 37 => "GC256D",
    GC512A = 38 => "GC512A",
    GC512B = 39 => "GC512B",
    GC512C = 40 => "GC512C",
    CURVE_SM2 = 41 => "curveSM2",
    FFDHE2048 = 256 => "ffdhe2048",
    FFDHE3072 = 257 => "ffdhe3072",
    FFDHE4096 = 258 => "ffdhe4096",
    FFDHE6144 = 259 => "ffdhe6144",
    FFDHE8192 = 260 => "ffdhe8192",
    MLKEM512 = 512 => "MLKEM512",
    MLKEM768 = 513 => "MLKEM768",
    MLKEM1024 = 514 => "MLKEM1024",
    SECP256R1_MLKEM768 = 0x11eb => "SecP256r1MLKEM768",
    X25519_MLKEM768 = 0x11ec => "X25519MLKEM768",
    SECP384R1_MLKEM1024 = 0x11ed => "SecP384r1MLKEM1024",
    X25519_KYBER768_DRAFT00 = 0x6399 => "X25519Kyber768Draft00",
    SECP256R1_KYBER768_DRAFT00 = 0x639a => "SecP256r1Kyber768Draft00",
    ARBITRARY_EXPLICIT_PRIME_CURVES = 0xff01 => "arbitrary_explicit_prime_curves",
    ARBITRARY_EXPLICIT_CHAR2_CURVES = 0xff02 => "arbitrary_explicit_char2_curves",
}

registry! {
    /// Signature scheme (IANA "TLS SignatureScheme"; RFC 8446 §4.2.3, RFC 8734,
    /// RFC 8998, RFC 9367, draft-ietf-tls-mldsa), plus the TLS 1.2
    /// `SignatureAndHashAlgorithm` pairs (RFC 5246 §7.4.1.4.1) that have no RFC 8446
    /// name, written `<sig>_<hash>` (`rsa_pkcs1_md5`, `dsa_sha256`, `ecdsa_sha224`).
    pub struct SignatureScheme(u16);
    unnamed: grease_or_hex;
    // TLS 1.2 hash/signature pairs (hash: 1 md5, 2 sha1, 3 sha224, 4 sha256, 5 sha384,
    // 6 sha512; signature: 1 rsa, 2 dsa, 3 ecdsa).
    RSA_PKCS1_MD5 = 0x0101 => "rsa_pkcs1_md5",
    DSA_MD5 = 0x0102 => "dsa_md5",
    ECDSA_MD5 = 0x0103 => "ecdsa_md5",
    RSA_PKCS1_SHA1 = 0x0201 => "rsa_pkcs1_sha1",
    DSA_SHA1 = 0x0202 => "dsa_sha1",
    ECDSA_SHA1 = 0x0203 => "ecdsa_sha1",
    RSA_PKCS1_SHA224 = 0x0301 => "rsa_pkcs1_sha224",
    DSA_SHA224 = 0x0302 => "dsa_sha224",
    ECDSA_SHA224 = 0x0303 => "ecdsa_sha224",
    RSA_PKCS1_SHA256 = 0x0401 => "rsa_pkcs1_sha256",
    DSA_SHA256 = 0x0402 => "dsa_sha256",
    ECDSA_SECP256R1_SHA256 = 0x0403 => "ecdsa_secp256r1_sha256",
    RSA_PKCS1_SHA256_LEGACY = 0x0420 => "rsa_pkcs1_sha256_legacy",
    RSA_PKCS1_SHA384 = 0x0501 => "rsa_pkcs1_sha384",
    DSA_SHA384 = 0x0502 => "dsa_sha384",
    ECDSA_SECP384R1_SHA384 = 0x0503 => "ecdsa_secp384r1_sha384",
    RSA_PKCS1_SHA384_LEGACY = 0x0520 => "rsa_pkcs1_sha384_legacy",
    RSA_PKCS1_SHA512 = 0x0601 => "rsa_pkcs1_sha512",
    DSA_SHA512 = 0x0602 => "dsa_sha512",
    ECDSA_SECP521R1_SHA512 = 0x0603 => "ecdsa_secp521r1_sha512",
    RSA_PKCS1_SHA512_LEGACY = 0x0620 => "rsa_pkcs1_sha512_legacy",
    ECCSI_SHA256 = 0x0704 => "eccsi_sha256",
    ISO_IBS1 = 0x0705 => "iso_ibs1",
    ISO_IBS2 = 0x0706 => "iso_ibs2",
    ISO_CHINESE_IBS = 0x0707 => "iso_chinese_ibs",
    SM2SIG_SM3 = 0x0708 => "sm2sig_sm3",
    GOSTR34102012_256A = 0x0709 => "gostr34102012_256a",
    GOSTR34102012_256B = 0x070a => "gostr34102012_256b",
    GOSTR34102012_256C = 0x070b => "gostr34102012_256c",
    GOSTR34102012_256D = 0x070c => "gostr34102012_256d",
    GOSTR34102012_512A = 0x070d => "gostr34102012_512a",
    GOSTR34102012_512B = 0x070e => "gostr34102012_512b",
    GOSTR34102012_512C = 0x070f => "gostr34102012_512c",
    RSA_PSS_RSAE_SHA256 = 0x0804 => "rsa_pss_rsae_sha256",
    RSA_PSS_RSAE_SHA384 = 0x0805 => "rsa_pss_rsae_sha384",
    RSA_PSS_RSAE_SHA512 = 0x0806 => "rsa_pss_rsae_sha512",
    ED25519 = 0x0807 => "ed25519",
    ED448 = 0x0808 => "ed448",
    RSA_PSS_PSS_SHA256 = 0x0809 => "rsa_pss_pss_sha256",
    RSA_PSS_PSS_SHA384 = 0x080a => "rsa_pss_pss_sha384",
    RSA_PSS_PSS_SHA512 = 0x080b => "rsa_pss_pss_sha512",
    ECDSA_BRAINPOOL_P256R1_TLS13_SHA256 = 0x081a => "ecdsa_brainpoolP256r1tls13_sha256",
    ECDSA_BRAINPOOL_P384R1_TLS13_SHA384 = 0x081b => "ecdsa_brainpoolP384r1tls13_sha384",
    ECDSA_BRAINPOOL_P512R1_TLS13_SHA512 = 0x081c => "ecdsa_brainpoolP512r1tls13_sha512",
    MLDSA44 = 0x0904 => "mldsa44",
    MLDSA65 = 0x0905 => "mldsa65",
    MLDSA87 = 0x0906 => "mldsa87",
}

// ---------------------------------------------------------------------------
// Alerts.

registry! {
    /// Alert level (RFC 5246 §7.2).
    pub struct AlertLevel(u8);
    unnamed: decimal;
    WARNING = 1 => "warning",
    FATAL = 2 => "fatal",
}

registry! {
    /// Alert description (IANA "TLS Alerts"; RFC 5246 §7.2, RFC 8446 §6, RFC 6066,
    /// RFC 7301, RFC 7507, RFC 9147, and draft-ietf-tls-esni for ech_required).
    pub struct AlertDescription(u8);
    unnamed: decimal;
    CLOSE_NOTIFY = 0 => "close_notify",
    UNEXPECTED_MESSAGE = 10 => "unexpected_message",
    BAD_RECORD_MAC = 20 => "bad_record_mac",
    DECRYPTION_FAILED = 21 => "decryption_failed",
    RECORD_OVERFLOW = 22 => "record_overflow",
    DECOMPRESSION_FAILURE = 30 => "decompression_failure",
    HANDSHAKE_FAILURE = 40 => "handshake_failure",
    NO_CERTIFICATE = 41 => "no_certificate",
    BAD_CERTIFICATE = 42 => "bad_certificate",
    UNSUPPORTED_CERTIFICATE = 43 => "unsupported_certificate",
    CERTIFICATE_REVOKED = 44 => "certificate_revoked",
    CERTIFICATE_EXPIRED = 45 => "certificate_expired",
    CERTIFICATE_UNKNOWN = 46 => "certificate_unknown",
    ILLEGAL_PARAMETER = 47 => "illegal_parameter",
    UNKNOWN_CA = 48 => "unknown_ca",
    ACCESS_DENIED = 49 => "access_denied",
    DECODE_ERROR = 50 => "decode_error",
    DECRYPT_ERROR = 51 => "decrypt_error",
    TOO_MANY_CIDS_REQUESTED = 52 => "too_many_cids_requested",
    EXPORT_RESTRICTION = 60 => "export_restriction",
    PROTOCOL_VERSION = 70 => "protocol_version",
    INSUFFICIENT_SECURITY = 71 => "insufficient_security",
    INTERNAL_ERROR = 80 => "internal_error",
    INAPPROPRIATE_FALLBACK = 86 => "inappropriate_fallback",
    USER_CANCELED = 90 => "user_canceled",
    NO_RENEGOTIATION = 100 => "no_renegotiation",
    MISSING_EXTENSION = 109 => "missing_extension",
    UNSUPPORTED_EXTENSION = 110 => "unsupported_extension",
    CERTIFICATE_UNOBTAINABLE = 111 => "certificate_unobtainable",
    UNRECOGNIZED_NAME = 112 => "unrecognized_name",
    BAD_CERTIFICATE_STATUS_RESPONSE = 113 => "bad_certificate_status_response",
    BAD_CERTIFICATE_HASH_VALUE = 114 => "bad_certificate_hash_value",
    UNKNOWN_PSK_IDENTITY = 115 => "unknown_psk_identity",
    CERTIFICATE_REQUIRED = 116 => "certificate_required",
    GENERAL_ERROR = 117 => "general_error",
    NO_APPLICATION_PROTOCOL = 120 => "no_application_protocol",
    ECH_REQUIRED = 121 => "ech_required",
}

// ---------------------------------------------------------------------------
// Smaller registries.

registry! {
    /// Record compression method (RFC 5246 §7.4.1.2, RFC 3749 DEFLATE, RFC 3943 LZS).
    pub struct CompressionMethod(u8);
    unnamed: decimal;
    NULL = 0 => "null",
    DEFLATE = 1 => "DEFLATE",
    LZS = 64 => "LZS",
}

registry! {
    /// EC point format (RFC 8422 §5.1.2).
    pub struct EcPointFormat(u8);
    unnamed: decimal;
    UNCOMPRESSED = 0 => "uncompressed",
    ANSIX962_COMPRESSED_PRIME = 1 => "ansiX962_compressed_prime",
    ANSIX962_COMPRESSED_CHAR2 = 2 => "ansiX962_compressed_char2",
}

registry! {
    /// PSK key exchange mode (RFC 8446 §4.2.9).
    pub struct PskKeyExchangeMode(u8);
    unnamed: decimal;
    PSK_KE = 0 => "psk_ke",
    PSK_DHE_KE = 1 => "psk_dhe_ke",
}

registry! {
    /// Certificate status type of `status_request` / `status_request_v2` and of the
    /// CertificateStatus message (RFC 6066 §8, RFC 6961).
    pub struct CertificateStatusType(u8);
    unnamed: decimal;
    OCSP = 1 => "ocsp",
    OCSP_MULTI = 2 => "ocsp_multi",
}

registry! {
    /// ClientCertificateType of a TLS 1.2 CertificateRequest (IANA "TLS
    /// ClientCertificateType Identifiers"; RFC 5246 §7.4.4, RFC 8422 §5.5, RFC 9189).
    pub struct ClientCertificateType(u8);
    unnamed: decimal;
    RSA_SIGN = 1 => "rsa_sign",
    DSS_SIGN = 2 => "dss_sign",
    RSA_FIXED_DH = 3 => "rsa_fixed_dh",
    DSS_FIXED_DH = 4 => "dss_fixed_dh",
    RSA_EPHEMERAL_DH_RESERVED = 5 => "rsa_ephemeral_dh_RESERVED",
    DSS_EPHEMERAL_DH_RESERVED = 6 => "dss_ephemeral_dh_RESERVED",
    FORTEZZA_DMS_RESERVED = 20 => "fortezza_dms_RESERVED",
    ECDSA_SIGN = 64 => "ecdsa_sign",
    RSA_FIXED_ECDH = 65 => "rsa_fixed_ecdh",
    ECDSA_FIXED_ECDH = 66 => "ecdsa_fixed_ecdh",
    GOST_SIGN256 = 67 => "gost_sign256",
    GOST_SIGN512 = 68 => "gost_sign512",
}

registry! {
    /// Certificate compression algorithm of `compress_certificate` (RFC 8879 §7.3).
    pub struct CertificateCompressionAlgorithm(u16);
    unnamed: decimal;
    ZLIB = 1 => "zlib",
    BROTLI = 2 => "brotli",
    ZSTD = 3 => "zstd",
}

/// An SSL 2.0 cipher spec (three bytes, the first non-zero) offered by an
/// SSLv2-compatible ClientHello (RFC 5246 Appendix E.2). SSL 2.0 itself is long gone:
/// its specs are shown by number, `SSL2_CK_0x010080`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ssl2CipherSpec(pub u32);

impl Ssl2CipherSpec {
    /// The text shown for the spec.
    pub fn label(self) -> Cow<'static, str> {
        Cow::Owned(format!("SSL2_CK_0x{:06x}", self.0))
    }
}

impl Registered for Ssl2CipherSpec {
    fn number(self) -> u32 {
        self.0
    }
    fn label(self) -> Cow<'static, str> {
        Ssl2CipherSpec::label(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        let v = |n| ProtocolVersion(n).label();
        assert_eq!(v(0x0002), "SSL 2.0");
        assert_eq!(v(0x0300), "SSL 3.0");
        assert_eq!(v(0x0301), "TLS 1.0");
        assert_eq!(v(0x0302), "TLS 1.1");
        assert_eq!(v(0x0303), "TLS 1.2");
        assert_eq!(v(0x0304), "TLS 1.3");
        assert_eq!(v(0x7f1c), "TLS 1.3 (draft 28)");
        assert_eq!(v(0x7f17), "TLS 1.3 (draft 23)");
        assert_eq!(v(0xfefd), "DTLS 1.2");
        assert_eq!(v(0x3a3a), "GREASE (0x3a3a)");
        assert_eq!(v(0x1234), "0x1234");
        assert_eq!(ProtocolVersion(0x7f1c).name(), None);
        assert_eq!(ProtocolVersion(0x7f1c).tls13_draft(), Some(28));
        assert!(ProtocolVersion(0x7f16).is_tls13() && ProtocolVersion::TLS1_3.is_tls13());
        assert!(!ProtocolVersion::TLS1_2.is_tls13());
        assert!(ProtocolVersion::SSL3 < ProtocolVersion::TLS1_2);
    }

    #[test]
    fn dtls_versions_map_to_their_tls_counterparts() {
        let t = |v: ProtocolVersion| v.tls_equivalent();
        assert_eq!(t(ProtocolVersion::DTLS1_0), ProtocolVersion::TLS1_1);
        assert_eq!(
            t(ProtocolVersion::DTLS1_0_OPENSSL_PRE),
            ProtocolVersion::TLS1_1
        );
        assert_eq!(t(ProtocolVersion::DTLS1_2), ProtocolVersion::TLS1_2);
        assert_eq!(t(ProtocolVersion::TLS1_0), ProtocolVersion::TLS1_0);
        assert_eq!(t(ProtocolVersion(0x7f1c)), ProtocolVersion(0x7f1c));
    }

    #[test]
    fn content_types() {
        let c = |n| ContentType(n).label();
        assert_eq!(c(20), "change_cipher_spec");
        assert_eq!(c(21), "alert");
        assert_eq!(c(22), "handshake");
        assert_eq!(c(23), "application_data");
        assert_eq!(c(24), "heartbeat");
        assert_eq!(c(99), "unknown (99)");
    }

    #[test]
    fn handshake_types() {
        let h = |n| HandshakeType(n).label();
        let t = |n| HandshakeType(n).title_label();
        assert_eq!(h(0), "hello_request");
        assert_eq!(h(1), "client_hello");
        assert_eq!(h(2), "server_hello");
        assert_eq!(h(6), "hello_retry_request");
        assert_eq!(h(8), "encrypted_extensions");
        assert_eq!(h(14), "server_hello_done");
        assert_eq!(h(20), "finished");
        assert_eq!(h(25), "compressed_certificate");
        assert_eq!(h(254), "message_hash");
        assert_eq!(h(7), "unknown (7)");
        assert_eq!(t(1), "ClientHello");
        assert_eq!(t(12), "ServerKeyExchange");
        assert_eq!(t(16), "ClientKeyExchange");
        assert_eq!(t(4), "NewSessionTicket");
        assert_eq!(t(5), "EndOfEarlyData");
        assert_eq!(t(22), "CertificateStatus");
        assert_eq!(t(200), "Unknown(200)");
        // Both names cover the same values.
        for v in 0..=255u8 {
            let ty = HandshakeType(v);
            assert_eq!(ty.name().is_some(), ty.title().is_some(), "{v}");
        }
    }

    #[test]
    fn extensions() {
        let e = |n| ExtensionType(n).label();
        assert_eq!(e(0), "server_name");
        assert_eq!(e(10), "supported_groups");
        assert_eq!(e(16), "application_layer_protocol_negotiation");
        assert_eq!(e(23), "extended_master_secret");
        assert_eq!(e(43), "supported_versions");
        assert_eq!(e(51), "key_share");
        assert_eq!(e(57), "quic_transport_parameters");
        assert_eq!(e(0xfe0d), "encrypted_client_hello");
        assert_eq!(e(0xff01), "renegotiation_info");
        assert_eq!(e(17513), "application_settings");
        assert_eq!(e(17613), "application_settings");
        assert_eq!(e(13172), "next_protocol_negotiation");
        assert_eq!(e(0xeaea), "GREASE (0xeaea)");
        assert_eq!(e(40), "key_share (draft)");
        assert_eq!(e(46), "unknown (46)");
    }

    #[test]
    fn groups() {
        let g = |n| NamedGroup(n).label();
        assert_eq!(g(23), "secp256r1");
        assert_eq!(g(24), "secp384r1");
        assert_eq!(g(25), "secp521r1");
        assert_eq!(g(29), "x25519");
        assert_eq!(g(30), "x448");
        assert_eq!(g(26), "brainpoolP256r1");
        assert_eq!(g(256), "ffdhe2048");
        assert_eq!(g(0x11ec), "X25519MLKEM768");
        assert_eq!(g(0x11eb), "SecP256r1MLKEM768");
        assert_eq!(g(0x11ed), "SecP384r1MLKEM1024");
        assert_eq!(g(0x0200), "MLKEM512");
        assert_eq!(g(0x0201), "MLKEM768");
        assert_eq!(g(0x0202), "MLKEM1024");
        assert_eq!(g(0x6399), "X25519Kyber768Draft00");
        assert_eq!(g(1), "sect163k1");
        assert_eq!(g(0x0a0a), "GREASE (0x0a0a)");
        assert_eq!(g(999), "unknown (999)");
    }

    #[test]
    fn signature_schemes() {
        let s = |n| SignatureScheme(n).label();
        assert_eq!(s(0x0401), "rsa_pkcs1_sha256");
        assert_eq!(s(0x0403), "ecdsa_secp256r1_sha256");
        assert_eq!(s(0x0804), "rsa_pss_rsae_sha256");
        assert_eq!(s(0x0807), "ed25519");
        assert_eq!(s(0x0808), "ed448");
        assert_eq!(s(0x080b), "rsa_pss_pss_sha512");
        assert_eq!(s(0x0201), "rsa_pkcs1_sha1");
        assert_eq!(s(0x0203), "ecdsa_sha1");
        assert_eq!(s(0x0101), "rsa_pkcs1_md5");
        assert_eq!(s(0x0402), "dsa_sha256");
        assert_eq!(s(0x0303), "ecdsa_sha224");
        assert_eq!(s(0x0904), "mldsa44");
        assert_eq!(s(0x0905), "mldsa65");
        assert_eq!(s(0x0906), "mldsa87");
        assert_eq!(s(0x1a1a), "GREASE (0x1a1a)");
        assert_eq!(s(0x0a0b), "unknown (0x0a0b)");
    }

    #[test]
    fn alerts() {
        let l = |n| AlertLevel(n).label();
        let d = |n| AlertDescription(n).label();
        assert_eq!(l(1), "warning");
        assert_eq!(l(2), "fatal");
        assert_eq!(l(3), "unknown (3)");
        assert_eq!(d(0), "close_notify");
        assert_eq!(d(10), "unexpected_message");
        assert_eq!(d(20), "bad_record_mac");
        assert_eq!(d(21), "decryption_failed");
        assert_eq!(d(40), "handshake_failure");
        assert_eq!(d(42), "bad_certificate");
        assert_eq!(d(90), "user_canceled");
        assert_eq!(d(100), "no_renegotiation");
        assert_eq!(d(109), "missing_extension");
        assert_eq!(d(112), "unrecognized_name");
        assert_eq!(d(116), "certificate_required");
        assert_eq!(d(120), "no_application_protocol");
        assert_eq!(d(255), "unknown (255)");
    }

    #[test]
    fn small_registries() {
        assert_eq!(EcPointFormat(0).label(), "uncompressed");
        assert_eq!(EcPointFormat(2).label(), "ansiX962_compressed_char2");
        assert_eq!(EcPointFormat(3).label(), "unknown (3)");
        assert_eq!(PskKeyExchangeMode(0).label(), "psk_ke");
        assert_eq!(PskKeyExchangeMode(1).label(), "psk_dhe_ke");
        assert_eq!(PskKeyExchangeMode(2).label(), "unknown (2)");
        assert_eq!(CompressionMethod(0).label(), "null");
        assert_eq!(CompressionMethod(1).label(), "DEFLATE");
        assert_eq!(CompressionMethod(64).label(), "LZS");
        assert_eq!(CompressionMethod(2).label(), "unknown (2)");
        assert_eq!(CertificateStatusType(1).label(), "ocsp");
        assert_eq!(CertificateStatusType(2).label(), "ocsp_multi");
        assert_eq!(CertificateStatusType(0).label(), "unknown (0)");
        let c = |n| ClientCertificateType(n).label();
        assert_eq!(c(1), "rsa_sign");
        assert_eq!(c(2), "dss_sign");
        assert_eq!(c(3), "rsa_fixed_dh");
        assert_eq!(c(4), "dss_fixed_dh");
        assert_eq!(c(64), "ecdsa_sign");
        assert_eq!(c(65), "rsa_fixed_ecdh");
        assert_eq!(c(66), "ecdsa_fixed_ecdh");
        assert_eq!(c(0), "unknown (0)");
        assert_eq!(CertificateCompressionAlgorithm(2).label(), "brotli");
        assert_eq!(CertificateCompressionAlgorithm(9).label(), "unknown (9)");
        assert_eq!(Ssl2CipherSpec(0x010080).label(), "SSL2_CK_0x010080");
    }

    #[test]
    fn values_stay_values() {
        // An unnamed value is representable, compares, and shows its number.
        let g = NamedGroup(999);
        assert_eq!(g.name(), None);
        assert_ne!(g, NamedGroup::X25519);
        assert_eq!(
            format!("{g:?} {:?}", NamedGroup::X25519),
            "NamedGroup(999) X25519"
        );
        assert_eq!(u16::from(NamedGroup::X25519), 29);
        assert_eq!(NamedGroup::from(29), NamedGroup::X25519);
        assert_eq!(Registered::number(ContentType::ALERT), 21);
        // The constant is the value: usable as a pattern.
        let kind = match ContentType(22) {
            ContentType::HANDSHAKE => "hs",
            _ => "other",
        };
        assert_eq!(kind, "hs");
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
        assert!(!is_grease(0x0a1a) && !is_grease(0x1301) && !is_grease(0xaaab));
    }
}
