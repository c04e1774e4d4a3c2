//! Cipher-suite registry.
//!
//! The 16-bit cipher-suite values carried in ClientHello / ServerHello: their IANA
//! names ([`CipherSuiteId`], declared once below) and, keyed by them, the parameters
//! a record-layer decoder needs (key exchange, bulk cipher, key / IV / MAC / tag
//! lengths, PRF hash).
//!
//! Source: the IANA "TLS Cipher Suites" registry
//! (<https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-parameters-4>)
//! and the RFCs it references: RFC 2246/4346/5246 (base and export suites),
//! RFC 2712 (KRB5), RFC 4162 (SEED), RFC 4279/4785/5487/5489 (PSK),
//! RFC 5054 (SRP), RFC 5288/5289 (AES-GCM, ECC SHA-2), RFC 5932/6367
//! (Camellia), RFC 6209 (ARIA), RFC 6655/7251 (AES-CCM), RFC 7905
//! (ChaCha20-Poly1305), RFC 8422 (ECC), RFC 8442 (ECDHE_PSK AEAD) and
//! RFC 8446 (TLS 1.3).
//!
//! Registry entries whose algorithms these types cannot describe (SM4/SM3,
//! GOST, ECCPWD, AEGIS, the integrity-only TLS_SHA256_SHA256 suites) and the
//! two signalling values (SCSVs) have a name but no parameters: [`lookup`]
//! returns `None` for them.

use super::registry::{grease, is_grease, registry};

/// Key-exchange method of a cipher suite.
///
/// `Dh` / `Ecdh` are the fixed (certificate-carried) variants (`DH_DSS`,
/// `DH_RSA`, `ECDH_ECDSA`, `ECDH_RSA`); the anonymous suites (`DH_anon`,
/// `ECDH_anon`) exchange ephemeral keys and are reported as `Dhe` / `Ecdhe`
/// with [`Authentication::Anon`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyExchange {
    Null,
    Rsa,
    /// `RSA_EXPORT`: temporary 512-bit RSA key (RFC 2246).
    RsaExport,
    Dh,
    Dhe,
    Ecdh,
    Ecdhe,
    Psk,
    DhePsk,
    EcdhePsk,
    RsaPsk,
    Srp,
    Krb5,
    /// TLS 1.3 suite: key exchange is negotiated by extensions.
    Tls13,
}

/// How the server (and optionally the client) is authenticated.
///
/// `Null` is used for `TLS_NULL_WITH_NULL_NULL` and for plain SRP suites,
/// where authentication comes from the SRP password rather than a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authentication {
    Null,
    Rsa,
    Dss,
    Ecdsa,
    Psk,
    Anon,
    Krb5,
    /// TLS 1.3 suite: authentication is negotiated by extensions.
    Tls13,
}

/// Bulk (record) encryption algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkCipher {
    Null,
    Rc4_40,
    Rc4_128,
    Rc2_40,
    Des40,
    Des,
    TripleDes,
    Idea,
    Seed,
    Aes128,
    Aes256,
    Camellia128,
    Camellia256,
    Aria128,
    Aria256,
    ChaCha20,
    Sm4,
}

/// Mode the bulk cipher runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CipherMode {
    Null,
    Stream,
    Cbc,
    Gcm,
    /// CCM with a 16-byte tag.
    Ccm,
    /// CCM with an 8-byte tag.
    Ccm8,
    /// ChaCha20-Poly1305 (RFC 7905 / RFC 8446).
    Poly1305,
}

/// Record MAC algorithm (HMAC for block/stream suites; `Aead` when the
/// cipher authenticates the record itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacAlgorithm {
    Null,
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Aead,
}

/// Hash used by the PRF (TLS 1.2) or HKDF (TLS 1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrfHash {
    /// Suites defined before TLS 1.2: MD5+SHA-1 PRF in TLS 1.0/1.1; in
    /// TLS 1.2 these suites use the SHA-256 PRF (RFC 5246 §5).
    Legacy,
    Sha256,
    Sha384,
}

/// Parameters of one cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CipherSuite {
    /// Two-byte IANA value.
    pub id: CipherSuiteId,
    /// IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256` (the registry's, taken
    /// when the table is built).
    pub name: &'static str,
    pub key_exchange: KeyExchange,
    pub authentication: Authentication,
    pub cipher: BulkCipher,
    pub mode: CipherMode,
    /// Encryption key bytes taken from the key block (3DES = 24,
    /// RC4_128 = 16, 40-bit export ciphers = 5, NULL = 0).
    pub key_len: u8,
    /// Implicit IV bytes from the key block: CBC = block size (used by
    /// TLS 1.0; export suites derive their IVs from the hello randoms
    /// instead, RFC 2246 §6.3), GCM/CCM = 4, ChaCha20-Poly1305 and TLS 1.3
    /// suites = 12, stream/NULL = 0.
    pub fixed_iv_len: u8,
    /// Explicit per-record IV / nonce bytes: GCM/CCM = 8, CBC = block size
    /// (TLS >= 1.1), ChaCha20-Poly1305, TLS 1.3 and stream ciphers = 0.
    pub record_iv_len: u8,
    /// Cipher block size for CBC suites (8 or 16), else 0.
    pub block_len: u8,
    pub mac: MacAlgorithm,
    /// HMAC output (and MAC key) length: MD5 16, SHA-1 20, SHA-256 32,
    /// SHA-384 48; 0 for AEAD and NULL.
    pub mac_len: u8,
    /// AEAD tag length: 16, or 8 for CCM_8; 0 for non-AEAD suites.
    pub tag_len: u8,
    /// PRF hash (TLS 1.2) / HKDF hash (TLS 1.3).
    pub prf: PrfHash,
    /// Export-grade (40-bit) suite.
    pub export: bool,
}

impl CipherSuite {
    /// True for AEAD suites (GCM, CCM, CCM_8, ChaCha20-Poly1305).
    pub fn is_aead(&self) -> bool {
        matches!(
            self.mode,
            CipherMode::Gcm | CipherMode::Ccm | CipherMode::Ccm8 | CipherMode::Poly1305
        )
    }

    /// True for the TLS 1.3 suites (0x1301..=0x1305).
    pub fn is_tls13(&self) -> bool {
        self.key_exchange == KeyExchange::Tls13
    }
}

/// Looks up a cipher suite by its IANA value.
///
/// Returns `None` for unassigned values, GREASE, the SCSVs and the
/// name-only entries described in the module documentation.
pub fn lookup(id: CipherSuiteId) -> Option<&'static CipherSuite> {
    SUITES
        .binary_search_by_key(&id, |s| s.id)
        .ok()
        .map(|i| &SUITES[i])
}

/// All cipher suites with known parameters, sorted by id.
pub fn all_suites() -> &'static [CipherSuite] {
    SUITES
}

/// `GREASE (0x0a0a)`, else `Unknown (0x1234)`: capitalised, unlike the other
/// registries, as the JSON contract has always shown it.
fn unnamed(v: u16) -> String {
    if is_grease(v) {
        grease(v)
    } else {
        format!("Unknown (0x{v:04x})")
    }
}

registry! {
    /// A cipher suite's two-byte value (IANA "TLS Cipher Suites"), named as IANA
    /// spells it.
    pub struct CipherSuiteId(u16);
    unnamed: unnamed;
    TLS_NULL_WITH_NULL_NULL = 0x0000,
    TLS_RSA_WITH_NULL_MD5 = 0x0001,
    TLS_RSA_WITH_NULL_SHA = 0x0002,
    TLS_RSA_EXPORT_WITH_RC4_40_MD5 = 0x0003,
    TLS_RSA_WITH_RC4_128_MD5 = 0x0004,
    TLS_RSA_WITH_RC4_128_SHA = 0x0005,
    TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5 = 0x0006,
    TLS_RSA_WITH_IDEA_CBC_SHA = 0x0007,
    TLS_RSA_EXPORT_WITH_DES40_CBC_SHA = 0x0008,
    TLS_RSA_WITH_DES_CBC_SHA = 0x0009,
    TLS_RSA_WITH_3DES_EDE_CBC_SHA = 0x000a,
    TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA = 0x000b,
    TLS_DH_DSS_WITH_DES_CBC_SHA = 0x000c,
    TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA = 0x000d,
    TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA = 0x000e,
    TLS_DH_RSA_WITH_DES_CBC_SHA = 0x000f,
    TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA = 0x0010,
    TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA = 0x0011,
    TLS_DHE_DSS_WITH_DES_CBC_SHA = 0x0012,
    TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA = 0x0013,
    TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA = 0x0014,
    TLS_DHE_RSA_WITH_DES_CBC_SHA = 0x0015,
    TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA = 0x0016,
    TLS_DH_anon_EXPORT_WITH_RC4_40_MD5 = 0x0017,
    TLS_DH_anon_WITH_RC4_128_MD5 = 0x0018,
    TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA = 0x0019,
    TLS_DH_anon_WITH_DES_CBC_SHA = 0x001a,
    TLS_DH_anon_WITH_3DES_EDE_CBC_SHA = 0x001b,
    TLS_KRB5_WITH_DES_CBC_SHA = 0x001e,
    TLS_KRB5_WITH_3DES_EDE_CBC_SHA = 0x001f,
    TLS_KRB5_WITH_RC4_128_SHA = 0x0020,
    TLS_KRB5_WITH_IDEA_CBC_SHA = 0x0021,
    TLS_KRB5_WITH_DES_CBC_MD5 = 0x0022,
    TLS_KRB5_WITH_3DES_EDE_CBC_MD5 = 0x0023,
    TLS_KRB5_WITH_RC4_128_MD5 = 0x0024,
    TLS_KRB5_WITH_IDEA_CBC_MD5 = 0x0025,
    TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA = 0x0026,
    TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA = 0x0027,
    TLS_KRB5_EXPORT_WITH_RC4_40_SHA = 0x0028,
    TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5 = 0x0029,
    TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5 = 0x002a,
    TLS_KRB5_EXPORT_WITH_RC4_40_MD5 = 0x002b,
    TLS_PSK_WITH_NULL_SHA = 0x002c,
    TLS_DHE_PSK_WITH_NULL_SHA = 0x002d,
    TLS_RSA_PSK_WITH_NULL_SHA = 0x002e,
    TLS_RSA_WITH_AES_128_CBC_SHA = 0x002f,
    TLS_DH_DSS_WITH_AES_128_CBC_SHA = 0x0030,
    TLS_DH_RSA_WITH_AES_128_CBC_SHA = 0x0031,
    TLS_DHE_DSS_WITH_AES_128_CBC_SHA = 0x0032,
    TLS_DHE_RSA_WITH_AES_128_CBC_SHA = 0x0033,
    TLS_DH_anon_WITH_AES_128_CBC_SHA = 0x0034,
    TLS_RSA_WITH_AES_256_CBC_SHA = 0x0035,
    TLS_DH_DSS_WITH_AES_256_CBC_SHA = 0x0036,
    TLS_DH_RSA_WITH_AES_256_CBC_SHA = 0x0037,
    TLS_DHE_DSS_WITH_AES_256_CBC_SHA = 0x0038,
    TLS_DHE_RSA_WITH_AES_256_CBC_SHA = 0x0039,
    TLS_DH_anon_WITH_AES_256_CBC_SHA = 0x003a,
    TLS_RSA_WITH_NULL_SHA256 = 0x003b,
    TLS_RSA_WITH_AES_128_CBC_SHA256 = 0x003c,
    TLS_RSA_WITH_AES_256_CBC_SHA256 = 0x003d,
    TLS_DH_DSS_WITH_AES_128_CBC_SHA256 = 0x003e,
    TLS_DH_RSA_WITH_AES_128_CBC_SHA256 = 0x003f,
    TLS_DHE_DSS_WITH_AES_128_CBC_SHA256 = 0x0040,
    TLS_RSA_WITH_CAMELLIA_128_CBC_SHA = 0x0041,
    TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA = 0x0042,
    TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA = 0x0043,
    TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA = 0x0044,
    TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA = 0x0045,
    TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA = 0x0046,
    TLS_DHE_RSA_WITH_AES_128_CBC_SHA256 = 0x0067,
    TLS_DH_DSS_WITH_AES_256_CBC_SHA256 = 0x0068,
    TLS_DH_RSA_WITH_AES_256_CBC_SHA256 = 0x0069,
    TLS_DHE_DSS_WITH_AES_256_CBC_SHA256 = 0x006a,
    TLS_DHE_RSA_WITH_AES_256_CBC_SHA256 = 0x006b,
    TLS_DH_anon_WITH_AES_128_CBC_SHA256 = 0x006c,
    TLS_DH_anon_WITH_AES_256_CBC_SHA256 = 0x006d,
    TLS_RSA_WITH_CAMELLIA_256_CBC_SHA = 0x0084,
    TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA = 0x0085,
    TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA = 0x0086,
    TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA = 0x0087,
    TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA = 0x0088,
    TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA = 0x0089,
    TLS_PSK_WITH_RC4_128_SHA = 0x008a,
    TLS_PSK_WITH_3DES_EDE_CBC_SHA = 0x008b,
    TLS_PSK_WITH_AES_128_CBC_SHA = 0x008c,
    TLS_PSK_WITH_AES_256_CBC_SHA = 0x008d,
    TLS_DHE_PSK_WITH_RC4_128_SHA = 0x008e,
    TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA = 0x008f,
    TLS_DHE_PSK_WITH_AES_128_CBC_SHA = 0x0090,
    TLS_DHE_PSK_WITH_AES_256_CBC_SHA = 0x0091,
    TLS_RSA_PSK_WITH_RC4_128_SHA = 0x0092,
    TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA = 0x0093,
    TLS_RSA_PSK_WITH_AES_128_CBC_SHA = 0x0094,
    TLS_RSA_PSK_WITH_AES_256_CBC_SHA = 0x0095,
    TLS_RSA_WITH_SEED_CBC_SHA = 0x0096,
    TLS_DH_DSS_WITH_SEED_CBC_SHA = 0x0097,
    TLS_DH_RSA_WITH_SEED_CBC_SHA = 0x0098,
    TLS_DHE_DSS_WITH_SEED_CBC_SHA = 0x0099,
    TLS_DHE_RSA_WITH_SEED_CBC_SHA = 0x009a,
    TLS_DH_anon_WITH_SEED_CBC_SHA = 0x009b,
    TLS_RSA_WITH_AES_128_GCM_SHA256 = 0x009c,
    TLS_RSA_WITH_AES_256_GCM_SHA384 = 0x009d,
    TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 = 0x009e,
    TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 = 0x009f,
    TLS_DH_RSA_WITH_AES_128_GCM_SHA256 = 0x00a0,
    TLS_DH_RSA_WITH_AES_256_GCM_SHA384 = 0x00a1,
    TLS_DHE_DSS_WITH_AES_128_GCM_SHA256 = 0x00a2,
    TLS_DHE_DSS_WITH_AES_256_GCM_SHA384 = 0x00a3,
    TLS_DH_DSS_WITH_AES_128_GCM_SHA256 = 0x00a4,
    TLS_DH_DSS_WITH_AES_256_GCM_SHA384 = 0x00a5,
    TLS_DH_anon_WITH_AES_128_GCM_SHA256 = 0x00a6,
    TLS_DH_anon_WITH_AES_256_GCM_SHA384 = 0x00a7,
    TLS_PSK_WITH_AES_128_GCM_SHA256 = 0x00a8,
    TLS_PSK_WITH_AES_256_GCM_SHA384 = 0x00a9,
    TLS_DHE_PSK_WITH_AES_128_GCM_SHA256 = 0x00aa,
    TLS_DHE_PSK_WITH_AES_256_GCM_SHA384 = 0x00ab,
    TLS_RSA_PSK_WITH_AES_128_GCM_SHA256 = 0x00ac,
    TLS_RSA_PSK_WITH_AES_256_GCM_SHA384 = 0x00ad,
    TLS_PSK_WITH_AES_128_CBC_SHA256 = 0x00ae,
    TLS_PSK_WITH_AES_256_CBC_SHA384 = 0x00af,
    TLS_PSK_WITH_NULL_SHA256 = 0x00b0,
    TLS_PSK_WITH_NULL_SHA384 = 0x00b1,
    TLS_DHE_PSK_WITH_AES_128_CBC_SHA256 = 0x00b2,
    TLS_DHE_PSK_WITH_AES_256_CBC_SHA384 = 0x00b3,
    TLS_DHE_PSK_WITH_NULL_SHA256 = 0x00b4,
    TLS_DHE_PSK_WITH_NULL_SHA384 = 0x00b5,
    TLS_RSA_PSK_WITH_AES_128_CBC_SHA256 = 0x00b6,
    TLS_RSA_PSK_WITH_AES_256_CBC_SHA384 = 0x00b7,
    TLS_RSA_PSK_WITH_NULL_SHA256 = 0x00b8,
    TLS_RSA_PSK_WITH_NULL_SHA384 = 0x00b9,
    TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256 = 0x00ba,
    TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256 = 0x00bb,
    TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256 = 0x00bc,
    TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256 = 0x00bd,
    TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256 = 0x00be,
    TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256 = 0x00bf,
    TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256 = 0x00c0,
    TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256 = 0x00c1,
    TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256 = 0x00c2,
    TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256 = 0x00c3,
    TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256 = 0x00c4,
    TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256 = 0x00c5,
    TLS_SM4_GCM_SM3 = 0x00c6,                                  // RFC 8998
    TLS_SM4_CCM_SM3 = 0x00c7,                                  // RFC 8998
    TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff,                // RFC 5746
    TLS_AES_128_GCM_SHA256 = 0x1301,
    TLS_AES_256_GCM_SHA384 = 0x1302,
    TLS_CHACHA20_POLY1305_SHA256 = 0x1303,
    TLS_AES_128_CCM_SHA256 = 0x1304,
    TLS_AES_128_CCM_8_SHA256 = 0x1305,
    TLS_AEGIS_256_SHA384 = 0x1306,                             // draft-irtf-cfrg-aegis-aead
    TLS_AEGIS_128L_SHA256 = 0x1307,                            // draft-irtf-cfrg-aegis-aead
    TLS_FALLBACK_SCSV = 0x5600,                                // RFC 7507
    TLS_ECDH_ECDSA_WITH_NULL_SHA = 0xc001,
    TLS_ECDH_ECDSA_WITH_RC4_128_SHA = 0xc002,
    TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA = 0xc003,
    TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA = 0xc004,
    TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA = 0xc005,
    TLS_ECDHE_ECDSA_WITH_NULL_SHA = 0xc006,
    TLS_ECDHE_ECDSA_WITH_RC4_128_SHA = 0xc007,
    TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA = 0xc008,
    TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA = 0xc009,
    TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA = 0xc00a,
    TLS_ECDH_RSA_WITH_NULL_SHA = 0xc00b,
    TLS_ECDH_RSA_WITH_RC4_128_SHA = 0xc00c,
    TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA = 0xc00d,
    TLS_ECDH_RSA_WITH_AES_128_CBC_SHA = 0xc00e,
    TLS_ECDH_RSA_WITH_AES_256_CBC_SHA = 0xc00f,
    TLS_ECDHE_RSA_WITH_NULL_SHA = 0xc010,
    TLS_ECDHE_RSA_WITH_RC4_128_SHA = 0xc011,
    TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA = 0xc012,
    TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA = 0xc013,
    TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA = 0xc014,
    TLS_ECDH_anon_WITH_NULL_SHA = 0xc015,
    TLS_ECDH_anon_WITH_RC4_128_SHA = 0xc016,
    TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA = 0xc017,
    TLS_ECDH_anon_WITH_AES_128_CBC_SHA = 0xc018,
    TLS_ECDH_anon_WITH_AES_256_CBC_SHA = 0xc019,
    TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA = 0xc01a,
    TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA = 0xc01b,
    TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA = 0xc01c,
    TLS_SRP_SHA_WITH_AES_128_CBC_SHA = 0xc01d,
    TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA = 0xc01e,
    TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA = 0xc01f,
    TLS_SRP_SHA_WITH_AES_256_CBC_SHA = 0xc020,
    TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA = 0xc021,
    TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA = 0xc022,
    TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 = 0xc023,
    TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 = 0xc024,
    TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256 = 0xc025,
    TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384 = 0xc026,
    TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 = 0xc027,
    TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 = 0xc028,
    TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256 = 0xc029,
    TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384 = 0xc02a,
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xc02b,
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = 0xc02c,
    TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256 = 0xc02d,
    TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384 = 0xc02e,
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xc02f,
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xc030,
    TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256 = 0xc031,
    TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384 = 0xc032,
    TLS_ECDHE_PSK_WITH_RC4_128_SHA = 0xc033,
    TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA = 0xc034,
    TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA = 0xc035,
    TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA = 0xc036,
    TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256 = 0xc037,
    TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384 = 0xc038,
    TLS_ECDHE_PSK_WITH_NULL_SHA = 0xc039,
    TLS_ECDHE_PSK_WITH_NULL_SHA256 = 0xc03a,
    TLS_ECDHE_PSK_WITH_NULL_SHA384 = 0xc03b,
    TLS_RSA_WITH_ARIA_128_CBC_SHA256 = 0xc03c,
    TLS_RSA_WITH_ARIA_256_CBC_SHA384 = 0xc03d,
    TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256 = 0xc03e,
    TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384 = 0xc03f,
    TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256 = 0xc040,
    TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384 = 0xc041,
    TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256 = 0xc042,
    TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384 = 0xc043,
    TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256 = 0xc044,
    TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384 = 0xc045,
    TLS_DH_anon_WITH_ARIA_128_CBC_SHA256 = 0xc046,
    TLS_DH_anon_WITH_ARIA_256_CBC_SHA384 = 0xc047,
    TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256 = 0xc048,
    TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384 = 0xc049,
    TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256 = 0xc04a,
    TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384 = 0xc04b,
    TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256 = 0xc04c,
    TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384 = 0xc04d,
    TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256 = 0xc04e,
    TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384 = 0xc04f,
    TLS_RSA_WITH_ARIA_128_GCM_SHA256 = 0xc050,
    TLS_RSA_WITH_ARIA_256_GCM_SHA384 = 0xc051,
    TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256 = 0xc052,
    TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384 = 0xc053,
    TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256 = 0xc054,
    TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384 = 0xc055,
    TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256 = 0xc056,
    TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384 = 0xc057,
    TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256 = 0xc058,
    TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384 = 0xc059,
    TLS_DH_anon_WITH_ARIA_128_GCM_SHA256 = 0xc05a,
    TLS_DH_anon_WITH_ARIA_256_GCM_SHA384 = 0xc05b,
    TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256 = 0xc05c,
    TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384 = 0xc05d,
    TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256 = 0xc05e,
    TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384 = 0xc05f,
    TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256 = 0xc060,
    TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384 = 0xc061,
    TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256 = 0xc062,
    TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384 = 0xc063,
    TLS_PSK_WITH_ARIA_128_CBC_SHA256 = 0xc064,
    TLS_PSK_WITH_ARIA_256_CBC_SHA384 = 0xc065,
    TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256 = 0xc066,
    TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384 = 0xc067,
    TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256 = 0xc068,
    TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384 = 0xc069,
    TLS_PSK_WITH_ARIA_128_GCM_SHA256 = 0xc06a,
    TLS_PSK_WITH_ARIA_256_GCM_SHA384 = 0xc06b,
    TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256 = 0xc06c,
    TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384 = 0xc06d,
    TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256 = 0xc06e,
    TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384 = 0xc06f,
    TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256 = 0xc070,
    TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384 = 0xc071,
    TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256 = 0xc072,
    TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384 = 0xc073,
    TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256 = 0xc074,
    TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384 = 0xc075,
    TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256 = 0xc076,
    TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384 = 0xc077,
    TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256 = 0xc078,
    TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384 = 0xc079,
    TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256 = 0xc07a,
    TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384 = 0xc07b,
    TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256 = 0xc07c,
    TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384 = 0xc07d,
    TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256 = 0xc07e,
    TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384 = 0xc07f,
    TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256 = 0xc080,
    TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384 = 0xc081,
    TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256 = 0xc082,
    TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384 = 0xc083,
    TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256 = 0xc084,
    TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384 = 0xc085,
    TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256 = 0xc086,
    TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384 = 0xc087,
    TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256 = 0xc088,
    TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384 = 0xc089,
    TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256 = 0xc08a,
    TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384 = 0xc08b,
    TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256 = 0xc08c,
    TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384 = 0xc08d,
    TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256 = 0xc08e,
    TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384 = 0xc08f,
    TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256 = 0xc090,
    TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384 = 0xc091,
    TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256 = 0xc092,
    TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384 = 0xc093,
    TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256 = 0xc094,
    TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384 = 0xc095,
    TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256 = 0xc096,
    TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384 = 0xc097,
    TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256 = 0xc098,
    TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384 = 0xc099,
    TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256 = 0xc09a,
    TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384 = 0xc09b,
    TLS_RSA_WITH_AES_128_CCM = 0xc09c,
    TLS_RSA_WITH_AES_256_CCM = 0xc09d,
    TLS_DHE_RSA_WITH_AES_128_CCM = 0xc09e,
    TLS_DHE_RSA_WITH_AES_256_CCM = 0xc09f,
    TLS_RSA_WITH_AES_128_CCM_8 = 0xc0a0,
    TLS_RSA_WITH_AES_256_CCM_8 = 0xc0a1,
    TLS_DHE_RSA_WITH_AES_128_CCM_8 = 0xc0a2,
    TLS_DHE_RSA_WITH_AES_256_CCM_8 = 0xc0a3,
    TLS_PSK_WITH_AES_128_CCM = 0xc0a4,
    TLS_PSK_WITH_AES_256_CCM = 0xc0a5,
    TLS_DHE_PSK_WITH_AES_128_CCM = 0xc0a6,
    TLS_DHE_PSK_WITH_AES_256_CCM = 0xc0a7,
    TLS_PSK_WITH_AES_128_CCM_8 = 0xc0a8,
    TLS_PSK_WITH_AES_256_CCM_8 = 0xc0a9,
    TLS_PSK_DHE_WITH_AES_128_CCM_8 = 0xc0aa,
    TLS_PSK_DHE_WITH_AES_256_CCM_8 = 0xc0ab,
    TLS_ECDHE_ECDSA_WITH_AES_128_CCM = 0xc0ac,
    TLS_ECDHE_ECDSA_WITH_AES_256_CCM = 0xc0ad,
    TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 = 0xc0ae,
    TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8 = 0xc0af,
    TLS_ECCPWD_WITH_AES_128_GCM_SHA256 = 0xc0b0,               // RFC 8492
    TLS_ECCPWD_WITH_AES_256_GCM_SHA384 = 0xc0b1,               // RFC 8492
    TLS_ECCPWD_WITH_AES_128_CCM_SHA256 = 0xc0b2,               // RFC 8492
    TLS_ECCPWD_WITH_AES_256_CCM_SHA384 = 0xc0b3,               // RFC 8492
    TLS_SHA256_SHA256 = 0xc0b4,                                // RFC 9150
    TLS_SHA384_SHA384 = 0xc0b5,                                // RFC 9150
    TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC = 0xc100,     // RFC 9189
    TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC = 0xc101,          // RFC 9189
    TLS_GOSTR341112_256_WITH_28147_CNT_IMIT = 0xc102,          // RFC 9189
    TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L = 0xc103,        // RFC 9367
    TLS_GOSTR341112_256_WITH_MAGMA_MGM_L = 0xc104,             // RFC 9367
    TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S = 0xc105,        // RFC 9367
    TLS_GOSTR341112_256_WITH_MAGMA_MGM_S = 0xc106,             // RFC 9367
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca8,
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca9,
    TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xccaa,
    TLS_PSK_WITH_CHACHA20_POLY1305_SHA256 = 0xccab,
    TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256 = 0xccac,
    TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256 = 0xccad,
    TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256 = 0xccae,
    TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256 = 0xd001,
    TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384 = 0xd002,
    TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256 = 0xd003,
    TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256 = 0xd005,
}

// ---------------------------------------------------------------------------
// Table construction helpers.

/// Key exchange + authentication pair.
#[derive(Clone, Copy)]
struct Kx(KeyExchange, Authentication);

/// Bulk-cipher parameters.
#[derive(Clone, Copy)]
struct Enc {
    cipher: BulkCipher,
    mode: CipherMode,
    key_len: u8,
    fixed_iv_len: u8,
    record_iv_len: u8,
    block_len: u8,
    tag_len: u8,
}

/// MAC and PRF parameters.
#[derive(Clone, Copy)]
struct Mac(MacAlgorithm, u8, PrfHash);

const fn stream(cipher: BulkCipher, key_len: u8) -> Enc {
    Enc {
        cipher,
        mode: CipherMode::Stream,
        key_len,
        fixed_iv_len: 0,
        record_iv_len: 0,
        block_len: 0,
        tag_len: 0,
    }
}

const fn cbc(cipher: BulkCipher, key_len: u8, block_len: u8) -> Enc {
    Enc {
        cipher,
        mode: CipherMode::Cbc,
        key_len,
        fixed_iv_len: block_len,
        record_iv_len: block_len,
        block_len,
        tag_len: 0,
    }
}

/// TLS 1.2 AEAD with a 4-byte implicit salt and 8-byte explicit nonce
/// (RFC 5288 / RFC 6655).
const fn aead12(cipher: BulkCipher, mode: CipherMode, key_len: u8, tag_len: u8) -> Enc {
    Enc {
        cipher,
        mode,
        key_len,
        fixed_iv_len: 4,
        record_iv_len: 8,
        block_len: 0,
        tag_len,
    }
}

/// AEAD with a 12-byte implicit IV XORed with the sequence number
/// (RFC 7905 ChaCha20-Poly1305, RFC 8446 TLS 1.3).
const fn aead_xor(cipher: BulkCipher, mode: CipherMode, key_len: u8, tag_len: u8) -> Enc {
    Enc {
        cipher,
        mode,
        key_len,
        fixed_iv_len: 12,
        record_iv_len: 0,
        block_len: 0,
        tag_len,
    }
}

/// One suite of the table; its name comes from the registry (the build fails if it
/// has none).
const fn s(id: CipherSuiteId, kx: Kx, enc: Enc, mac: Mac) -> CipherSuite {
    let Some(name) = id.name() else {
        panic!("a cipher suite with parameters is named in the registry")
    };
    CipherSuite {
        id,
        name,
        key_exchange: kx.0,
        authentication: kx.1,
        cipher: enc.cipher,
        mode: enc.mode,
        key_len: enc.key_len,
        fixed_iv_len: enc.fixed_iv_len,
        record_iv_len: enc.record_iv_len,
        block_len: enc.block_len,
        mac: mac.0,
        mac_len: mac.1,
        tag_len: enc.tag_len,
        prf: mac.2,
        export: matches!(
            enc.cipher,
            BulkCipher::Rc4_40 | BulkCipher::Rc2_40 | BulkCipher::Des40
        ),
    }
}

use Authentication as A;
use BulkCipher as B;
use CipherMode as M;
use CipherSuiteId as C;
use KeyExchange as K;

const NULL_KX: Kx = Kx(K::Null, A::Null);
const RSA: Kx = Kx(K::Rsa, A::Rsa);
const RSA_EXP: Kx = Kx(K::RsaExport, A::Rsa);
const DH_DSS: Kx = Kx(K::Dh, A::Dss);
const DH_RSA: Kx = Kx(K::Dh, A::Rsa);
const DHE_DSS: Kx = Kx(K::Dhe, A::Dss);
const DHE_RSA: Kx = Kx(K::Dhe, A::Rsa);
const DH_ANON: Kx = Kx(K::Dhe, A::Anon);
const KRB5: Kx = Kx(K::Krb5, A::Krb5);
const PSK: Kx = Kx(K::Psk, A::Psk);
const DHE_PSK: Kx = Kx(K::DhePsk, A::Psk);
const RSA_PSK: Kx = Kx(K::RsaPsk, A::Rsa);
const ECDHE_PSK: Kx = Kx(K::EcdhePsk, A::Psk);
const ECDH_ECDSA: Kx = Kx(K::Ecdh, A::Ecdsa);
const ECDHE_ECDSA: Kx = Kx(K::Ecdhe, A::Ecdsa);
const ECDH_RSA: Kx = Kx(K::Ecdh, A::Rsa);
const ECDHE_RSA: Kx = Kx(K::Ecdhe, A::Rsa);
const ECDH_ANON: Kx = Kx(K::Ecdhe, A::Anon);
const SRP: Kx = Kx(K::Srp, A::Null);
const SRP_RSA: Kx = Kx(K::Srp, A::Rsa);
const SRP_DSS: Kx = Kx(K::Srp, A::Dss);
const TLS13: Kx = Kx(K::Tls13, A::Tls13);

const NULL_ENC: Enc = Enc {
    cipher: B::Null,
    mode: M::Null,
    key_len: 0,
    fixed_iv_len: 0,
    record_iv_len: 0,
    block_len: 0,
    tag_len: 0,
};
const RC4_40: Enc = stream(B::Rc4_40, 5);
const RC4_128: Enc = stream(B::Rc4_128, 16);
const RC2_40: Enc = cbc(B::Rc2_40, 5, 8);
const DES40: Enc = cbc(B::Des40, 5, 8);
const DES: Enc = cbc(B::Des, 8, 8);
const TDES: Enc = cbc(B::TripleDes, 24, 8);
const IDEA: Enc = cbc(B::Idea, 16, 8);
const SEED: Enc = cbc(B::Seed, 16, 16);
const AES128: Enc = cbc(B::Aes128, 16, 16);
const AES256: Enc = cbc(B::Aes256, 32, 16);
const CAM128: Enc = cbc(B::Camellia128, 16, 16);
const CAM256: Enc = cbc(B::Camellia256, 32, 16);
const ARIA128: Enc = cbc(B::Aria128, 16, 16);
const ARIA256: Enc = cbc(B::Aria256, 32, 16);
const AES128_GCM: Enc = aead12(B::Aes128, M::Gcm, 16, 16);
const AES256_GCM: Enc = aead12(B::Aes256, M::Gcm, 32, 16);
const AES128_CCM: Enc = aead12(B::Aes128, M::Ccm, 16, 16);
const AES256_CCM: Enc = aead12(B::Aes256, M::Ccm, 32, 16);
const AES128_CCM8: Enc = aead12(B::Aes128, M::Ccm8, 16, 8);
const AES256_CCM8: Enc = aead12(B::Aes256, M::Ccm8, 32, 8);
const CAM128_GCM: Enc = aead12(B::Camellia128, M::Gcm, 16, 16);
const CAM256_GCM: Enc = aead12(B::Camellia256, M::Gcm, 32, 16);
const ARIA128_GCM: Enc = aead12(B::Aria128, M::Gcm, 16, 16);
const ARIA256_GCM: Enc = aead12(B::Aria256, M::Gcm, 32, 16);
const CHACHA: Enc = aead_xor(B::ChaCha20, M::Poly1305, 32, 16);
const T13_AES128_GCM: Enc = aead_xor(B::Aes128, M::Gcm, 16, 16);
const T13_AES256_GCM: Enc = aead_xor(B::Aes256, M::Gcm, 32, 16);
const T13_AES128_CCM: Enc = aead_xor(B::Aes128, M::Ccm, 16, 16);
const T13_AES128_CCM8: Enc = aead_xor(B::Aes128, M::Ccm8, 16, 8);

const NO_MAC: Mac = Mac(MacAlgorithm::Null, 0, PrfHash::Legacy);
const MD5: Mac = Mac(MacAlgorithm::Md5, 16, PrfHash::Legacy);
const SHA: Mac = Mac(MacAlgorithm::Sha1, 20, PrfHash::Legacy);
const SHA256: Mac = Mac(MacAlgorithm::Sha256, 32, PrfHash::Sha256);
const SHA384: Mac = Mac(MacAlgorithm::Sha384, 48, PrfHash::Sha384);
const AEAD256: Mac = Mac(MacAlgorithm::Aead, 0, PrfHash::Sha256);
const AEAD384: Mac = Mac(MacAlgorithm::Aead, 0, PrfHash::Sha384);

/// Cipher suites with known parameters, sorted by id (IANA registry,
/// tls-parameters-4). CCM suites without a hash suffix use the SHA-256 PRF
/// (RFC 6655, RFC 7251).
#[rustfmt::skip]
static SUITES: &[CipherSuite] = &[
    s(C::TLS_NULL_WITH_NULL_NULL,                       NULL_KX,     NULL_ENC,        NO_MAC),
    s(C::TLS_RSA_WITH_NULL_MD5,                         RSA,         NULL_ENC,        MD5),
    s(C::TLS_RSA_WITH_NULL_SHA,                         RSA,         NULL_ENC,        SHA),
    s(C::TLS_RSA_EXPORT_WITH_RC4_40_MD5,                RSA_EXP,     RC4_40,          MD5),
    s(C::TLS_RSA_WITH_RC4_128_MD5,                      RSA,         RC4_128,         MD5),
    s(C::TLS_RSA_WITH_RC4_128_SHA,                      RSA,         RC4_128,         SHA),
    s(C::TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5,            RSA_EXP,     RC2_40,          MD5),
    s(C::TLS_RSA_WITH_IDEA_CBC_SHA,                     RSA,         IDEA,            SHA),
    s(C::TLS_RSA_EXPORT_WITH_DES40_CBC_SHA,             RSA_EXP,     DES40,           SHA),
    s(C::TLS_RSA_WITH_DES_CBC_SHA,                      RSA,         DES,             SHA),
    s(C::TLS_RSA_WITH_3DES_EDE_CBC_SHA,                 RSA,         TDES,            SHA),
    s(C::TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA,          DH_DSS,      DES40,           SHA),
    s(C::TLS_DH_DSS_WITH_DES_CBC_SHA,                   DH_DSS,      DES,             SHA),
    s(C::TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA,              DH_DSS,      TDES,            SHA),
    s(C::TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA,          DH_RSA,      DES40,           SHA),
    s(C::TLS_DH_RSA_WITH_DES_CBC_SHA,                   DH_RSA,      DES,             SHA),
    s(C::TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA,              DH_RSA,      TDES,            SHA),
    s(C::TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA,         DHE_DSS,     DES40,           SHA),
    s(C::TLS_DHE_DSS_WITH_DES_CBC_SHA,                  DHE_DSS,     DES,             SHA),
    s(C::TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA,             DHE_DSS,     TDES,            SHA),
    s(C::TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA,         DHE_RSA,     DES40,           SHA),
    s(C::TLS_DHE_RSA_WITH_DES_CBC_SHA,                  DHE_RSA,     DES,             SHA),
    s(C::TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA,             DHE_RSA,     TDES,            SHA),
    s(C::TLS_DH_anon_EXPORT_WITH_RC4_40_MD5,            DH_ANON,     RC4_40,          MD5),
    s(C::TLS_DH_anon_WITH_RC4_128_MD5,                  DH_ANON,     RC4_128,         MD5),
    s(C::TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA,         DH_ANON,     DES40,           SHA),
    s(C::TLS_DH_anon_WITH_DES_CBC_SHA,                  DH_ANON,     DES,             SHA),
    s(C::TLS_DH_anon_WITH_3DES_EDE_CBC_SHA,             DH_ANON,     TDES,            SHA),
    s(C::TLS_KRB5_WITH_DES_CBC_SHA,                     KRB5,        DES,             SHA),
    s(C::TLS_KRB5_WITH_3DES_EDE_CBC_SHA,                KRB5,        TDES,            SHA),
    s(C::TLS_KRB5_WITH_RC4_128_SHA,                     KRB5,        RC4_128,         SHA),
    s(C::TLS_KRB5_WITH_IDEA_CBC_SHA,                    KRB5,        IDEA,            SHA),
    s(C::TLS_KRB5_WITH_DES_CBC_MD5,                     KRB5,        DES,             MD5),
    s(C::TLS_KRB5_WITH_3DES_EDE_CBC_MD5,                KRB5,        TDES,            MD5),
    s(C::TLS_KRB5_WITH_RC4_128_MD5,                     KRB5,        RC4_128,         MD5),
    s(C::TLS_KRB5_WITH_IDEA_CBC_MD5,                    KRB5,        IDEA,            MD5),
    s(C::TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA,           KRB5,        DES40,           SHA),
    s(C::TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA,           KRB5,        RC2_40,          SHA),
    s(C::TLS_KRB5_EXPORT_WITH_RC4_40_SHA,               KRB5,        RC4_40,          SHA),
    s(C::TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5,           KRB5,        DES40,           MD5),
    s(C::TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5,           KRB5,        RC2_40,          MD5),
    s(C::TLS_KRB5_EXPORT_WITH_RC4_40_MD5,               KRB5,        RC4_40,          MD5),
    s(C::TLS_PSK_WITH_NULL_SHA,                         PSK,         NULL_ENC,        SHA),
    s(C::TLS_DHE_PSK_WITH_NULL_SHA,                     DHE_PSK,     NULL_ENC,        SHA),
    s(C::TLS_RSA_PSK_WITH_NULL_SHA,                     RSA_PSK,     NULL_ENC,        SHA),
    s(C::TLS_RSA_WITH_AES_128_CBC_SHA,                  RSA,         AES128,          SHA),
    s(C::TLS_DH_DSS_WITH_AES_128_CBC_SHA,               DH_DSS,      AES128,          SHA),
    s(C::TLS_DH_RSA_WITH_AES_128_CBC_SHA,               DH_RSA,      AES128,          SHA),
    s(C::TLS_DHE_DSS_WITH_AES_128_CBC_SHA,              DHE_DSS,     AES128,          SHA),
    s(C::TLS_DHE_RSA_WITH_AES_128_CBC_SHA,              DHE_RSA,     AES128,          SHA),
    s(C::TLS_DH_anon_WITH_AES_128_CBC_SHA,              DH_ANON,     AES128,          SHA),
    s(C::TLS_RSA_WITH_AES_256_CBC_SHA,                  RSA,         AES256,          SHA),
    s(C::TLS_DH_DSS_WITH_AES_256_CBC_SHA,               DH_DSS,      AES256,          SHA),
    s(C::TLS_DH_RSA_WITH_AES_256_CBC_SHA,               DH_RSA,      AES256,          SHA),
    s(C::TLS_DHE_DSS_WITH_AES_256_CBC_SHA,              DHE_DSS,     AES256,          SHA),
    s(C::TLS_DHE_RSA_WITH_AES_256_CBC_SHA,              DHE_RSA,     AES256,          SHA),
    s(C::TLS_DH_anon_WITH_AES_256_CBC_SHA,              DH_ANON,     AES256,          SHA),
    s(C::TLS_RSA_WITH_NULL_SHA256,                      RSA,         NULL_ENC,        SHA256),
    s(C::TLS_RSA_WITH_AES_128_CBC_SHA256,               RSA,         AES128,          SHA256),
    s(C::TLS_RSA_WITH_AES_256_CBC_SHA256,               RSA,         AES256,          SHA256),
    s(C::TLS_DH_DSS_WITH_AES_128_CBC_SHA256,            DH_DSS,      AES128,          SHA256),
    s(C::TLS_DH_RSA_WITH_AES_128_CBC_SHA256,            DH_RSA,      AES128,          SHA256),
    s(C::TLS_DHE_DSS_WITH_AES_128_CBC_SHA256,           DHE_DSS,     AES128,          SHA256),
    s(C::TLS_RSA_WITH_CAMELLIA_128_CBC_SHA,             RSA,         CAM128,          SHA),
    s(C::TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA,          DH_DSS,      CAM128,          SHA),
    s(C::TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA,          DH_RSA,      CAM128,          SHA),
    s(C::TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA,         DHE_DSS,     CAM128,          SHA),
    s(C::TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA,         DHE_RSA,     CAM128,          SHA),
    s(C::TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA,         DH_ANON,     CAM128,          SHA),
    s(C::TLS_DHE_RSA_WITH_AES_128_CBC_SHA256,           DHE_RSA,     AES128,          SHA256),
    s(C::TLS_DH_DSS_WITH_AES_256_CBC_SHA256,            DH_DSS,      AES256,          SHA256),
    s(C::TLS_DH_RSA_WITH_AES_256_CBC_SHA256,            DH_RSA,      AES256,          SHA256),
    s(C::TLS_DHE_DSS_WITH_AES_256_CBC_SHA256,           DHE_DSS,     AES256,          SHA256),
    s(C::TLS_DHE_RSA_WITH_AES_256_CBC_SHA256,           DHE_RSA,     AES256,          SHA256),
    s(C::TLS_DH_anon_WITH_AES_128_CBC_SHA256,           DH_ANON,     AES128,          SHA256),
    s(C::TLS_DH_anon_WITH_AES_256_CBC_SHA256,           DH_ANON,     AES256,          SHA256),
    s(C::TLS_RSA_WITH_CAMELLIA_256_CBC_SHA,             RSA,         CAM256,          SHA),
    s(C::TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA,          DH_DSS,      CAM256,          SHA),
    s(C::TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA,          DH_RSA,      CAM256,          SHA),
    s(C::TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA,         DHE_DSS,     CAM256,          SHA),
    s(C::TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA,         DHE_RSA,     CAM256,          SHA),
    s(C::TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA,         DH_ANON,     CAM256,          SHA),
    s(C::TLS_PSK_WITH_RC4_128_SHA,                      PSK,         RC4_128,         SHA),
    s(C::TLS_PSK_WITH_3DES_EDE_CBC_SHA,                 PSK,         TDES,            SHA),
    s(C::TLS_PSK_WITH_AES_128_CBC_SHA,                  PSK,         AES128,          SHA),
    s(C::TLS_PSK_WITH_AES_256_CBC_SHA,                  PSK,         AES256,          SHA),
    s(C::TLS_DHE_PSK_WITH_RC4_128_SHA,                  DHE_PSK,     RC4_128,         SHA),
    s(C::TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA,             DHE_PSK,     TDES,            SHA),
    s(C::TLS_DHE_PSK_WITH_AES_128_CBC_SHA,              DHE_PSK,     AES128,          SHA),
    s(C::TLS_DHE_PSK_WITH_AES_256_CBC_SHA,              DHE_PSK,     AES256,          SHA),
    s(C::TLS_RSA_PSK_WITH_RC4_128_SHA,                  RSA_PSK,     RC4_128,         SHA),
    s(C::TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA,             RSA_PSK,     TDES,            SHA),
    s(C::TLS_RSA_PSK_WITH_AES_128_CBC_SHA,              RSA_PSK,     AES128,          SHA),
    s(C::TLS_RSA_PSK_WITH_AES_256_CBC_SHA,              RSA_PSK,     AES256,          SHA),
    s(C::TLS_RSA_WITH_SEED_CBC_SHA,                     RSA,         SEED,            SHA),
    s(C::TLS_DH_DSS_WITH_SEED_CBC_SHA,                  DH_DSS,      SEED,            SHA),
    s(C::TLS_DH_RSA_WITH_SEED_CBC_SHA,                  DH_RSA,      SEED,            SHA),
    s(C::TLS_DHE_DSS_WITH_SEED_CBC_SHA,                 DHE_DSS,     SEED,            SHA),
    s(C::TLS_DHE_RSA_WITH_SEED_CBC_SHA,                 DHE_RSA,     SEED,            SHA),
    s(C::TLS_DH_anon_WITH_SEED_CBC_SHA,                 DH_ANON,     SEED,            SHA),
    s(C::TLS_RSA_WITH_AES_128_GCM_SHA256,               RSA,         AES128_GCM,      AEAD256),
    s(C::TLS_RSA_WITH_AES_256_GCM_SHA384,               RSA,         AES256_GCM,      AEAD384),
    s(C::TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,           DHE_RSA,     AES128_GCM,      AEAD256),
    s(C::TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,           DHE_RSA,     AES256_GCM,      AEAD384),
    s(C::TLS_DH_RSA_WITH_AES_128_GCM_SHA256,            DH_RSA,      AES128_GCM,      AEAD256),
    s(C::TLS_DH_RSA_WITH_AES_256_GCM_SHA384,            DH_RSA,      AES256_GCM,      AEAD384),
    s(C::TLS_DHE_DSS_WITH_AES_128_GCM_SHA256,           DHE_DSS,     AES128_GCM,      AEAD256),
    s(C::TLS_DHE_DSS_WITH_AES_256_GCM_SHA384,           DHE_DSS,     AES256_GCM,      AEAD384),
    s(C::TLS_DH_DSS_WITH_AES_128_GCM_SHA256,            DH_DSS,      AES128_GCM,      AEAD256),
    s(C::TLS_DH_DSS_WITH_AES_256_GCM_SHA384,            DH_DSS,      AES256_GCM,      AEAD384),
    s(C::TLS_DH_anon_WITH_AES_128_GCM_SHA256,           DH_ANON,     AES128_GCM,      AEAD256),
    s(C::TLS_DH_anon_WITH_AES_256_GCM_SHA384,           DH_ANON,     AES256_GCM,      AEAD384),
    s(C::TLS_PSK_WITH_AES_128_GCM_SHA256,               PSK,         AES128_GCM,      AEAD256),
    s(C::TLS_PSK_WITH_AES_256_GCM_SHA384,               PSK,         AES256_GCM,      AEAD384),
    s(C::TLS_DHE_PSK_WITH_AES_128_GCM_SHA256,           DHE_PSK,     AES128_GCM,      AEAD256),
    s(C::TLS_DHE_PSK_WITH_AES_256_GCM_SHA384,           DHE_PSK,     AES256_GCM,      AEAD384),
    s(C::TLS_RSA_PSK_WITH_AES_128_GCM_SHA256,           RSA_PSK,     AES128_GCM,      AEAD256),
    s(C::TLS_RSA_PSK_WITH_AES_256_GCM_SHA384,           RSA_PSK,     AES256_GCM,      AEAD384),
    s(C::TLS_PSK_WITH_AES_128_CBC_SHA256,               PSK,         AES128,          SHA256),
    s(C::TLS_PSK_WITH_AES_256_CBC_SHA384,               PSK,         AES256,          SHA384),
    s(C::TLS_PSK_WITH_NULL_SHA256,                      PSK,         NULL_ENC,        SHA256),
    s(C::TLS_PSK_WITH_NULL_SHA384,                      PSK,         NULL_ENC,        SHA384),
    s(C::TLS_DHE_PSK_WITH_AES_128_CBC_SHA256,           DHE_PSK,     AES128,          SHA256),
    s(C::TLS_DHE_PSK_WITH_AES_256_CBC_SHA384,           DHE_PSK,     AES256,          SHA384),
    s(C::TLS_DHE_PSK_WITH_NULL_SHA256,                  DHE_PSK,     NULL_ENC,        SHA256),
    s(C::TLS_DHE_PSK_WITH_NULL_SHA384,                  DHE_PSK,     NULL_ENC,        SHA384),
    s(C::TLS_RSA_PSK_WITH_AES_128_CBC_SHA256,           RSA_PSK,     AES128,          SHA256),
    s(C::TLS_RSA_PSK_WITH_AES_256_CBC_SHA384,           RSA_PSK,     AES256,          SHA384),
    s(C::TLS_RSA_PSK_WITH_NULL_SHA256,                  RSA_PSK,     NULL_ENC,        SHA256),
    s(C::TLS_RSA_PSK_WITH_NULL_SHA384,                  RSA_PSK,     NULL_ENC,        SHA384),
    s(C::TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256,          RSA,         CAM128,          SHA256),
    s(C::TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256,       DH_DSS,      CAM128,          SHA256),
    s(C::TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256,       DH_RSA,      CAM128,          SHA256),
    s(C::TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256,      DHE_DSS,     CAM128,          SHA256),
    s(C::TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256,      DHE_RSA,     CAM128,          SHA256),
    s(C::TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256,      DH_ANON,     CAM128,          SHA256),
    s(C::TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256,          RSA,         CAM256,          SHA256),
    s(C::TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256,       DH_DSS,      CAM256,          SHA256),
    s(C::TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256,       DH_RSA,      CAM256,          SHA256),
    s(C::TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256,      DHE_DSS,     CAM256,          SHA256),
    s(C::TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256,      DHE_RSA,     CAM256,          SHA256),
    s(C::TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256,      DH_ANON,     CAM256,          SHA256),
    s(C::TLS_AES_128_GCM_SHA256,                        TLS13,       T13_AES128_GCM,  AEAD256),
    s(C::TLS_AES_256_GCM_SHA384,                        TLS13,       T13_AES256_GCM,  AEAD384),
    s(C::TLS_CHACHA20_POLY1305_SHA256,                  TLS13,       CHACHA,          AEAD256),
    s(C::TLS_AES_128_CCM_SHA256,                        TLS13,       T13_AES128_CCM,  AEAD256),
    s(C::TLS_AES_128_CCM_8_SHA256,                      TLS13,       T13_AES128_CCM8, AEAD256),
    s(C::TLS_ECDH_ECDSA_WITH_NULL_SHA,                  ECDH_ECDSA,  NULL_ENC,        SHA),
    s(C::TLS_ECDH_ECDSA_WITH_RC4_128_SHA,               ECDH_ECDSA,  RC4_128,         SHA),
    s(C::TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA,          ECDH_ECDSA,  TDES,            SHA),
    s(C::TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA,           ECDH_ECDSA,  AES128,          SHA),
    s(C::TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA,           ECDH_ECDSA,  AES256,          SHA),
    s(C::TLS_ECDHE_ECDSA_WITH_NULL_SHA,                 ECDHE_ECDSA, NULL_ENC,        SHA),
    s(C::TLS_ECDHE_ECDSA_WITH_RC4_128_SHA,              ECDHE_ECDSA, RC4_128,         SHA),
    s(C::TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA,         ECDHE_ECDSA, TDES,            SHA),
    s(C::TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,          ECDHE_ECDSA, AES128,          SHA),
    s(C::TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,          ECDHE_ECDSA, AES256,          SHA),
    s(C::TLS_ECDH_RSA_WITH_NULL_SHA,                    ECDH_RSA,    NULL_ENC,        SHA),
    s(C::TLS_ECDH_RSA_WITH_RC4_128_SHA,                 ECDH_RSA,    RC4_128,         SHA),
    s(C::TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA,            ECDH_RSA,    TDES,            SHA),
    s(C::TLS_ECDH_RSA_WITH_AES_128_CBC_SHA,             ECDH_RSA,    AES128,          SHA),
    s(C::TLS_ECDH_RSA_WITH_AES_256_CBC_SHA,             ECDH_RSA,    AES256,          SHA),
    s(C::TLS_ECDHE_RSA_WITH_NULL_SHA,                   ECDHE_RSA,   NULL_ENC,        SHA),
    s(C::TLS_ECDHE_RSA_WITH_RC4_128_SHA,                ECDHE_RSA,   RC4_128,         SHA),
    s(C::TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,           ECDHE_RSA,   TDES,            SHA),
    s(C::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,            ECDHE_RSA,   AES128,          SHA),
    s(C::TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,            ECDHE_RSA,   AES256,          SHA),
    s(C::TLS_ECDH_anon_WITH_NULL_SHA,                   ECDH_ANON,   NULL_ENC,        SHA),
    s(C::TLS_ECDH_anon_WITH_RC4_128_SHA,                ECDH_ANON,   RC4_128,         SHA),
    s(C::TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA,           ECDH_ANON,   TDES,            SHA),
    s(C::TLS_ECDH_anon_WITH_AES_128_CBC_SHA,            ECDH_ANON,   AES128,          SHA),
    s(C::TLS_ECDH_anon_WITH_AES_256_CBC_SHA,            ECDH_ANON,   AES256,          SHA),
    s(C::TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA,             SRP,         TDES,            SHA),
    s(C::TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA,         SRP_RSA,     TDES,            SHA),
    s(C::TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA,         SRP_DSS,     TDES,            SHA),
    s(C::TLS_SRP_SHA_WITH_AES_128_CBC_SHA,              SRP,         AES128,          SHA),
    s(C::TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA,          SRP_RSA,     AES128,          SHA),
    s(C::TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA,          SRP_DSS,     AES128,          SHA),
    s(C::TLS_SRP_SHA_WITH_AES_256_CBC_SHA,              SRP,         AES256,          SHA),
    s(C::TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA,          SRP_RSA,     AES256,          SHA),
    s(C::TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA,          SRP_DSS,     AES256,          SHA),
    s(C::TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,       ECDHE_ECDSA, AES128,          SHA256),
    s(C::TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,       ECDHE_ECDSA, AES256,          SHA384),
    s(C::TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256,        ECDH_ECDSA,  AES128,          SHA256),
    s(C::TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384,        ECDH_ECDSA,  AES256,          SHA384),
    s(C::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,         ECDHE_RSA,   AES128,          SHA256),
    s(C::TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,         ECDHE_RSA,   AES256,          SHA384),
    s(C::TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256,          ECDH_RSA,    AES128,          SHA256),
    s(C::TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384,          ECDH_RSA,    AES256,          SHA384),
    s(C::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,       ECDHE_ECDSA, AES128_GCM,      AEAD256),
    s(C::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,       ECDHE_ECDSA, AES256_GCM,      AEAD384),
    s(C::TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256,        ECDH_ECDSA,  AES128_GCM,      AEAD256),
    s(C::TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384,        ECDH_ECDSA,  AES256_GCM,      AEAD384),
    s(C::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,         ECDHE_RSA,   AES128_GCM,      AEAD256),
    s(C::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,         ECDHE_RSA,   AES256_GCM,      AEAD384),
    s(C::TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256,          ECDH_RSA,    AES128_GCM,      AEAD256),
    s(C::TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384,          ECDH_RSA,    AES256_GCM,      AEAD384),
    s(C::TLS_ECDHE_PSK_WITH_RC4_128_SHA,                ECDHE_PSK,   RC4_128,         SHA),
    s(C::TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA,           ECDHE_PSK,   TDES,            SHA),
    s(C::TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA,            ECDHE_PSK,   AES128,          SHA),
    s(C::TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA,            ECDHE_PSK,   AES256,          SHA),
    s(C::TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,         ECDHE_PSK,   AES128,          SHA256),
    s(C::TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384,         ECDHE_PSK,   AES256,          SHA384),
    s(C::TLS_ECDHE_PSK_WITH_NULL_SHA,                   ECDHE_PSK,   NULL_ENC,        SHA),
    s(C::TLS_ECDHE_PSK_WITH_NULL_SHA256,                ECDHE_PSK,   NULL_ENC,        SHA256),
    s(C::TLS_ECDHE_PSK_WITH_NULL_SHA384,                ECDHE_PSK,   NULL_ENC,        SHA384),
    s(C::TLS_RSA_WITH_ARIA_128_CBC_SHA256,              RSA,         ARIA128,         SHA256),
    s(C::TLS_RSA_WITH_ARIA_256_CBC_SHA384,              RSA,         ARIA256,         SHA384),
    s(C::TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256,           DH_DSS,      ARIA128,         SHA256),
    s(C::TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384,           DH_DSS,      ARIA256,         SHA384),
    s(C::TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256,           DH_RSA,      ARIA128,         SHA256),
    s(C::TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384,           DH_RSA,      ARIA256,         SHA384),
    s(C::TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256,          DHE_DSS,     ARIA128,         SHA256),
    s(C::TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384,          DHE_DSS,     ARIA256,         SHA384),
    s(C::TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256,          DHE_RSA,     ARIA128,         SHA256),
    s(C::TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384,          DHE_RSA,     ARIA256,         SHA384),
    s(C::TLS_DH_anon_WITH_ARIA_128_CBC_SHA256,          DH_ANON,     ARIA128,         SHA256),
    s(C::TLS_DH_anon_WITH_ARIA_256_CBC_SHA384,          DH_ANON,     ARIA256,         SHA384),
    s(C::TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256,      ECDHE_ECDSA, ARIA128,         SHA256),
    s(C::TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384,      ECDHE_ECDSA, ARIA256,         SHA384),
    s(C::TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256,       ECDH_ECDSA,  ARIA128,         SHA256),
    s(C::TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384,       ECDH_ECDSA,  ARIA256,         SHA384),
    s(C::TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256,        ECDHE_RSA,   ARIA128,         SHA256),
    s(C::TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384,        ECDHE_RSA,   ARIA256,         SHA384),
    s(C::TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256,         ECDH_RSA,    ARIA128,         SHA256),
    s(C::TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384,         ECDH_RSA,    ARIA256,         SHA384),
    s(C::TLS_RSA_WITH_ARIA_128_GCM_SHA256,              RSA,         ARIA128_GCM,     AEAD256),
    s(C::TLS_RSA_WITH_ARIA_256_GCM_SHA384,              RSA,         ARIA256_GCM,     AEAD384),
    s(C::TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256,          DHE_RSA,     ARIA128_GCM,     AEAD256),
    s(C::TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384,          DHE_RSA,     ARIA256_GCM,     AEAD384),
    s(C::TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256,           DH_RSA,      ARIA128_GCM,     AEAD256),
    s(C::TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384,           DH_RSA,      ARIA256_GCM,     AEAD384),
    s(C::TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256,          DHE_DSS,     ARIA128_GCM,     AEAD256),
    s(C::TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384,          DHE_DSS,     ARIA256_GCM,     AEAD384),
    s(C::TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256,           DH_DSS,      ARIA128_GCM,     AEAD256),
    s(C::TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384,           DH_DSS,      ARIA256_GCM,     AEAD384),
    s(C::TLS_DH_anon_WITH_ARIA_128_GCM_SHA256,          DH_ANON,     ARIA128_GCM,     AEAD256),
    s(C::TLS_DH_anon_WITH_ARIA_256_GCM_SHA384,          DH_ANON,     ARIA256_GCM,     AEAD384),
    s(C::TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256,      ECDHE_ECDSA, ARIA128_GCM,     AEAD256),
    s(C::TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384,      ECDHE_ECDSA, ARIA256_GCM,     AEAD384),
    s(C::TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256,       ECDH_ECDSA,  ARIA128_GCM,     AEAD256),
    s(C::TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384,       ECDH_ECDSA,  ARIA256_GCM,     AEAD384),
    s(C::TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256,        ECDHE_RSA,   ARIA128_GCM,     AEAD256),
    s(C::TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384,        ECDHE_RSA,   ARIA256_GCM,     AEAD384),
    s(C::TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256,         ECDH_RSA,    ARIA128_GCM,     AEAD256),
    s(C::TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384,         ECDH_RSA,    ARIA256_GCM,     AEAD384),
    s(C::TLS_PSK_WITH_ARIA_128_CBC_SHA256,              PSK,         ARIA128,         SHA256),
    s(C::TLS_PSK_WITH_ARIA_256_CBC_SHA384,              PSK,         ARIA256,         SHA384),
    s(C::TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256,          DHE_PSK,     ARIA128,         SHA256),
    s(C::TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384,          DHE_PSK,     ARIA256,         SHA384),
    s(C::TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256,          RSA_PSK,     ARIA128,         SHA256),
    s(C::TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384,          RSA_PSK,     ARIA256,         SHA384),
    s(C::TLS_PSK_WITH_ARIA_128_GCM_SHA256,              PSK,         ARIA128_GCM,     AEAD256),
    s(C::TLS_PSK_WITH_ARIA_256_GCM_SHA384,              PSK,         ARIA256_GCM,     AEAD384),
    s(C::TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256,          DHE_PSK,     ARIA128_GCM,     AEAD256),
    s(C::TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384,          DHE_PSK,     ARIA256_GCM,     AEAD384),
    s(C::TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256,          RSA_PSK,     ARIA128_GCM,     AEAD256),
    s(C::TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384,          RSA_PSK,     ARIA256_GCM,     AEAD384),
    s(C::TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256,        ECDHE_PSK,   ARIA128,         SHA256),
    s(C::TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384,        ECDHE_PSK,   ARIA256,         SHA384),
    s(C::TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256,  ECDHE_ECDSA, CAM128,          SHA256),
    s(C::TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384,  ECDHE_ECDSA, CAM256,          SHA384),
    s(C::TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256,   ECDH_ECDSA,  CAM128,          SHA256),
    s(C::TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384,   ECDH_ECDSA,  CAM256,          SHA384),
    s(C::TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256,    ECDHE_RSA,   CAM128,          SHA256),
    s(C::TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384,    ECDHE_RSA,   CAM256,          SHA384),
    s(C::TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256,     ECDH_RSA,    CAM128,          SHA256),
    s(C::TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384,     ECDH_RSA,    CAM256,          SHA384),
    s(C::TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256,          RSA,         CAM128_GCM,      AEAD256),
    s(C::TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384,          RSA,         CAM256_GCM,      AEAD384),
    s(C::TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256,      DHE_RSA,     CAM128_GCM,      AEAD256),
    s(C::TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384,      DHE_RSA,     CAM256_GCM,      AEAD384),
    s(C::TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256,       DH_RSA,      CAM128_GCM,      AEAD256),
    s(C::TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384,       DH_RSA,      CAM256_GCM,      AEAD384),
    s(C::TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256,      DHE_DSS,     CAM128_GCM,      AEAD256),
    s(C::TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384,      DHE_DSS,     CAM256_GCM,      AEAD384),
    s(C::TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256,       DH_DSS,      CAM128_GCM,      AEAD256),
    s(C::TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384,       DH_DSS,      CAM256_GCM,      AEAD384),
    s(C::TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256,      DH_ANON,     CAM128_GCM,      AEAD256),
    s(C::TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384,      DH_ANON,     CAM256_GCM,      AEAD384),
    s(C::TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256,  ECDHE_ECDSA, CAM128_GCM,      AEAD256),
    s(C::TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384,  ECDHE_ECDSA, CAM256_GCM,      AEAD384),
    s(C::TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256,   ECDH_ECDSA,  CAM128_GCM,      AEAD256),
    s(C::TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384,   ECDH_ECDSA,  CAM256_GCM,      AEAD384),
    s(C::TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256,    ECDHE_RSA,   CAM128_GCM,      AEAD256),
    s(C::TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384,    ECDHE_RSA,   CAM256_GCM,      AEAD384),
    s(C::TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256,     ECDH_RSA,    CAM128_GCM,      AEAD256),
    s(C::TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384,     ECDH_RSA,    CAM256_GCM,      AEAD384),
    s(C::TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256,          PSK,         CAM128_GCM,      AEAD256),
    s(C::TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384,          PSK,         CAM256_GCM,      AEAD384),
    s(C::TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256,      DHE_PSK,     CAM128_GCM,      AEAD256),
    s(C::TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384,      DHE_PSK,     CAM256_GCM,      AEAD384),
    s(C::TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256,      RSA_PSK,     CAM128_GCM,      AEAD256),
    s(C::TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384,      RSA_PSK,     CAM256_GCM,      AEAD384),
    s(C::TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256,          PSK,         CAM128,          SHA256),
    s(C::TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384,          PSK,         CAM256,          SHA384),
    s(C::TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256,      DHE_PSK,     CAM128,          SHA256),
    s(C::TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384,      DHE_PSK,     CAM256,          SHA384),
    s(C::TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256,      RSA_PSK,     CAM128,          SHA256),
    s(C::TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384,      RSA_PSK,     CAM256,          SHA384),
    s(C::TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256,    ECDHE_PSK,   CAM128,          SHA256),
    s(C::TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384,    ECDHE_PSK,   CAM256,          SHA384),
    s(C::TLS_RSA_WITH_AES_128_CCM,                      RSA,         AES128_CCM,      AEAD256),
    s(C::TLS_RSA_WITH_AES_256_CCM,                      RSA,         AES256_CCM,      AEAD256),
    s(C::TLS_DHE_RSA_WITH_AES_128_CCM,                  DHE_RSA,     AES128_CCM,      AEAD256),
    s(C::TLS_DHE_RSA_WITH_AES_256_CCM,                  DHE_RSA,     AES256_CCM,      AEAD256),
    s(C::TLS_RSA_WITH_AES_128_CCM_8,                    RSA,         AES128_CCM8,     AEAD256),
    s(C::TLS_RSA_WITH_AES_256_CCM_8,                    RSA,         AES256_CCM8,     AEAD256),
    s(C::TLS_DHE_RSA_WITH_AES_128_CCM_8,                DHE_RSA,     AES128_CCM8,     AEAD256),
    s(C::TLS_DHE_RSA_WITH_AES_256_CCM_8,                DHE_RSA,     AES256_CCM8,     AEAD256),
    s(C::TLS_PSK_WITH_AES_128_CCM,                      PSK,         AES128_CCM,      AEAD256),
    s(C::TLS_PSK_WITH_AES_256_CCM,                      PSK,         AES256_CCM,      AEAD256),
    s(C::TLS_DHE_PSK_WITH_AES_128_CCM,                  DHE_PSK,     AES128_CCM,      AEAD256),
    s(C::TLS_DHE_PSK_WITH_AES_256_CCM,                  DHE_PSK,     AES256_CCM,      AEAD256),
    s(C::TLS_PSK_WITH_AES_128_CCM_8,                    PSK,         AES128_CCM8,     AEAD256),
    s(C::TLS_PSK_WITH_AES_256_CCM_8,                    PSK,         AES256_CCM8,     AEAD256),
    s(C::TLS_PSK_DHE_WITH_AES_128_CCM_8,                DHE_PSK,     AES128_CCM8,     AEAD256),
    s(C::TLS_PSK_DHE_WITH_AES_256_CCM_8,                DHE_PSK,     AES256_CCM8,     AEAD256),
    s(C::TLS_ECDHE_ECDSA_WITH_AES_128_CCM,              ECDHE_ECDSA, AES128_CCM,      AEAD256),
    s(C::TLS_ECDHE_ECDSA_WITH_AES_256_CCM,              ECDHE_ECDSA, AES256_CCM,      AEAD256),
    s(C::TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,            ECDHE_ECDSA, AES128_CCM8,     AEAD256),
    s(C::TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8,            ECDHE_ECDSA, AES256_CCM8,     AEAD256),
    s(C::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,   ECDHE_RSA,   CHACHA,          AEAD256),
    s(C::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, ECDHE_ECDSA, CHACHA,          AEAD256),
    s(C::TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256,     DHE_RSA,     CHACHA,          AEAD256),
    s(C::TLS_PSK_WITH_CHACHA20_POLY1305_SHA256,         PSK,         CHACHA,          AEAD256),
    s(C::TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256,   ECDHE_PSK,   CHACHA,          AEAD256),
    s(C::TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256,     DHE_PSK,     CHACHA,          AEAD256),
    s(C::TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256,     RSA_PSK,     CHACHA,          AEAD256),
    s(C::TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256,         ECDHE_PSK,   AES128_GCM,      AEAD256),
    s(C::TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384,         ECDHE_PSK,   AES256_GCM,      AEAD384),
    s(C::TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256,       ECDHE_PSK,   AES128_CCM8,     AEAD256),
    s(C::TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256,         ECDHE_PSK,   AES128_CCM,      AEAD256),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_sorted_and_unique() {
        assert!(SUITES.windows(2).all(|w| w[0].id < w[1].id));
        assert!(SUITES.len() > 300);
        // Every suite's name is the registry's (its constant's identifier).
        for cs in SUITES {
            assert_eq!(Some(cs.name), cs.id.name());
            assert_eq!(format!("{:?}", cs.id), cs.name);
        }
        // Named, but without parameters.
        for id in [
            C::TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
            C::TLS_FALLBACK_SCSV,
            C::TLS_SM4_GCM_SM3,
        ] {
            assert!(id.name().is_some() && lookup(id).is_none(), "{id:?}");
        }
    }

    #[test]
    fn table_invariants() {
        for cs in SUITES {
            assert!(cs.name.starts_with("TLS_"), "{}", cs.name);
            assert!(!is_grease(cs.id.0));
            assert_eq!(cs.export, cs.name.contains("EXPORT"), "{}", cs.name);
            match cs.mode {
                CipherMode::Cbc => {
                    assert!(cs.block_len == 8 || cs.block_len == 16);
                    assert_eq!(cs.fixed_iv_len, cs.block_len);
                    assert_eq!(cs.record_iv_len, cs.block_len);
                    assert!(cs.mac_len > 0 && cs.tag_len == 0);
                }
                CipherMode::Stream => {
                    assert_eq!((cs.fixed_iv_len, cs.record_iv_len, cs.block_len), (0, 0, 0));
                    assert!(cs.mac_len > 0);
                }
                CipherMode::Null => {
                    assert_eq!(cs.key_len, 0);
                    assert_eq!(cs.cipher, BulkCipher::Null);
                }
                _ => {
                    assert!(cs.is_aead());
                    assert_eq!(cs.mac, MacAlgorithm::Aead);
                    assert_eq!(cs.mac_len, 0);
                    assert_eq!(cs.tag_len, if cs.mode == CipherMode::Ccm8 { 8 } else { 16 });
                    assert_eq!(cs.fixed_iv_len + cs.record_iv_len, 12);
                }
            }
            let mac_len = match cs.mac {
                MacAlgorithm::Md5 => 16,
                MacAlgorithm::Sha1 => 20,
                MacAlgorithm::Sha256 => 32,
                MacAlgorithm::Sha384 => 48,
                MacAlgorithm::Null | MacAlgorithm::Aead => 0,
            };
            assert_eq!(cs.mac_len, mac_len, "{}", cs.name);
            if cs.name.ends_with("SHA384") {
                assert_eq!(cs.prf, PrfHash::Sha384, "{}", cs.name);
            }
            let key_len = match cs.cipher {
                BulkCipher::Null => 0,
                BulkCipher::Rc4_40 | BulkCipher::Rc2_40 | BulkCipher::Des40 => 5,
                BulkCipher::Des => 8,
                BulkCipher::TripleDes => 24,
                BulkCipher::Aes256
                | BulkCipher::Camellia256
                | BulkCipher::Aria256
                | BulkCipher::ChaCha20 => 32,
                _ => 16,
            };
            assert_eq!(cs.key_len, key_len, "{}", cs.name);
        }
    }

    #[test]
    fn aes128_cbc_sha() {
        let cs = lookup(C(0x002F)).unwrap();
        assert_eq!(cs.name, "TLS_RSA_WITH_AES_128_CBC_SHA");
        assert_eq!(cs.key_exchange, KeyExchange::Rsa);
        assert_eq!(cs.authentication, Authentication::Rsa);
        assert_eq!((cs.cipher, cs.mode), (BulkCipher::Aes128, CipherMode::Cbc));
        assert_eq!(
            (cs.key_len, cs.fixed_iv_len, cs.record_iv_len, cs.block_len),
            (16, 16, 16, 16)
        );
        assert_eq!(
            (cs.mac, cs.mac_len, cs.tag_len),
            (MacAlgorithm::Sha1, 20, 0)
        );
        assert_eq!(cs.prf, PrfHash::Legacy);
        assert!(!cs.is_aead() && !cs.is_tls13() && !cs.export);
    }

    #[test]
    fn aes256_gcm_sha384() {
        let cs = lookup(C(0x009D)).unwrap();
        assert_eq!(cs.name, "TLS_RSA_WITH_AES_256_GCM_SHA384");
        assert_eq!((cs.cipher, cs.mode), (BulkCipher::Aes256, CipherMode::Gcm));
        assert_eq!(
            (cs.key_len, cs.fixed_iv_len, cs.record_iv_len, cs.tag_len),
            (32, 4, 8, 16)
        );
        assert_eq!((cs.mac, cs.mac_len), (MacAlgorithm::Aead, 0));
        assert_eq!(cs.prf, PrfHash::Sha384);
        assert!(cs.is_aead() && !cs.is_tls13());
        assert_eq!(
            lookup(C(0x009C)).unwrap().name,
            "TLS_RSA_WITH_AES_128_GCM_SHA256"
        );
        assert_eq!(lookup(C(0x009C)).unwrap().prf, PrfHash::Sha256);
    }

    #[test]
    fn ccm_8() {
        let cs = lookup(C(0xC0A0)).unwrap();
        assert_eq!(cs.name, "TLS_RSA_WITH_AES_128_CCM_8");
        assert_eq!((cs.mode, cs.tag_len), (CipherMode::Ccm8, 8));
        assert_eq!((cs.key_len, cs.fixed_iv_len, cs.record_iv_len), (16, 4, 8));
        assert_eq!(cs.prf, PrfHash::Sha256);
        let ccm = lookup(C(0xC09C)).unwrap();
        assert_eq!(
            (ccm.name, ccm.mode, ccm.tag_len),
            ("TLS_RSA_WITH_AES_128_CCM", CipherMode::Ccm, 16)
        );
    }

    #[test]
    fn rc4_and_null() {
        let cs = lookup(C(0x0005)).unwrap();
        assert_eq!(cs.name, "TLS_RSA_WITH_RC4_128_SHA");
        assert_eq!(
            (cs.cipher, cs.mode),
            (BulkCipher::Rc4_128, CipherMode::Stream)
        );
        assert_eq!(
            (cs.key_len, cs.fixed_iv_len, cs.record_iv_len, cs.block_len),
            (16, 0, 0, 0)
        );
        assert_eq!((cs.mac, cs.mac_len), (MacAlgorithm::Sha1, 20));

        let cs = lookup(C(0x0001)).unwrap();
        assert_eq!(cs.name, "TLS_RSA_WITH_NULL_MD5");
        assert_eq!(
            (cs.cipher, cs.mode, cs.key_len),
            (BulkCipher::Null, CipherMode::Null, 0)
        );
        assert_eq!((cs.mac, cs.mac_len), (MacAlgorithm::Md5, 16));

        let cs = lookup(C(0x0000)).unwrap();
        assert_eq!(cs.name, "TLS_NULL_WITH_NULL_NULL");
        assert_eq!(
            (cs.key_exchange, cs.mac),
            (KeyExchange::Null, MacAlgorithm::Null)
        );
    }

    #[test]
    fn triple_des_and_export() {
        let cs = lookup(C(0x000A)).unwrap();
        assert_eq!(cs.name, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
        assert_eq!(
            (cs.cipher, cs.key_len, cs.block_len),
            (BulkCipher::TripleDes, 24, 8)
        );

        for id in [
            0x0003, 0x0006, 0x0008, 0x000B, 0x000E, 0x0011, 0x0014, 0x0017, 0x0019,
        ] {
            let cs = lookup(C(id)).unwrap();
            assert!(cs.export, "{}", cs.name);
            assert_eq!(cs.key_len, 5, "{}", cs.name);
        }
        let cs = lookup(C(0x0003)).unwrap();
        assert_eq!(cs.name, "TLS_RSA_EXPORT_WITH_RC4_40_MD5");
        assert_eq!(
            (cs.key_exchange, cs.cipher),
            (KeyExchange::RsaExport, BulkCipher::Rc4_40)
        );
        let cs = lookup(C(0x0017)).unwrap();
        assert_eq!(cs.name, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5");
        assert_eq!(cs.authentication, Authentication::Anon);
    }

    #[test]
    fn tls13_suites() {
        let cs = lookup(C(0x1301)).unwrap();
        assert_eq!(cs.name, "TLS_AES_128_GCM_SHA256");
        assert!(cs.is_tls13() && cs.is_aead());
        assert_eq!(
            (cs.key_exchange, cs.authentication),
            (KeyExchange::Tls13, Authentication::Tls13)
        );
        assert_eq!(
            (cs.key_len, cs.fixed_iv_len, cs.record_iv_len, cs.tag_len),
            (16, 12, 0, 16)
        );
        assert_eq!(cs.prf, PrfHash::Sha256);
        let cs = lookup(C(0x1302)).unwrap();
        assert_eq!(
            (cs.name, cs.key_len, cs.prf),
            ("TLS_AES_256_GCM_SHA384", 32, PrfHash::Sha384)
        );
        let cs = lookup(C(0x1303)).unwrap();
        assert_eq!(
            (cs.name, cs.cipher, cs.mode),
            (
                "TLS_CHACHA20_POLY1305_SHA256",
                BulkCipher::ChaCha20,
                CipherMode::Poly1305
            )
        );
        assert_eq!(
            (
                lookup(C(0x1304)).unwrap().mode,
                lookup(C(0x1304)).unwrap().tag_len
            ),
            (CipherMode::Ccm, 16)
        );
        assert_eq!(
            (
                lookup(C(0x1305)).unwrap().mode,
                lookup(C(0x1305)).unwrap().tag_len
            ),
            (CipherMode::Ccm8, 8)
        );
        assert!(SUITES.iter().filter(|s| s.is_tls13()).count() == 5);
    }

    #[test]
    fn chacha_aria_camellia() {
        let cs = lookup(C(0xCCA8)).unwrap();
        assert_eq!(cs.name, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        assert_eq!(
            (cs.key_exchange, cs.authentication),
            (KeyExchange::Ecdhe, Authentication::Rsa)
        );
        assert_eq!(
            (cs.key_len, cs.fixed_iv_len, cs.record_iv_len, cs.tag_len),
            (32, 12, 0, 16)
        );
        let cs = lookup(C(0xC050)).unwrap();
        assert_eq!(cs.name, "TLS_RSA_WITH_ARIA_128_GCM_SHA256");
        assert_eq!((cs.cipher, cs.mode), (BulkCipher::Aria128, CipherMode::Gcm));
        let cs = lookup(C(0xC077)).unwrap();
        assert_eq!(cs.name, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384");
        assert_eq!(
            (cs.mac, cs.mac_len, cs.prf),
            (MacAlgorithm::Sha384, 48, PrfHash::Sha384)
        );
        let cs = lookup(C(0xC02B)).unwrap();
        assert_eq!(cs.name, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assert_eq!(cs.authentication, Authentication::Ecdsa);
        let cs = lookup(C(0xD005)).unwrap();
        assert_eq!(
            (cs.name, cs.key_exchange),
            (
                "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256",
                KeyExchange::EcdhePsk
            )
        );
    }

    #[test]
    fn names() {
        let name = |v| C(v).label();
        assert_eq!(name(0xC02F), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assert_eq!(name(0x0017), "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5");
        assert_eq!(name(0x0a0a), "GREASE (0x0a0a)");
        assert_eq!(name(0xdada), "GREASE (0xdada)");
        assert_eq!(name(0x00FF), "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
        assert_eq!(name(0x5600), "TLS_FALLBACK_SCSV");
        assert_eq!(name(0x00C6), "TLS_SM4_GCM_SM3");
        assert_eq!(name(0x1234), "Unknown (0x1234)");
        assert!(lookup(C(0x00FF)).is_none() && lookup(C(0x0a0a)).is_none());
    }
}
