//! Cipher-suite registry.
//!
//! Maps the 16-bit cipher-suite values carried in ClientHello / ServerHello to
//! their IANA names and to the parameters a record-layer decoder needs (key
//! exchange, bulk cipher, key / IV / MAC / tag lengths, PRF hash).
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
//! two signalling values (SCSVs) are known by name only: [`suite_name`]
//! returns their IANA name but [`lookup`] returns `None`.

use serde::Serialize;

/// Key-exchange method of a cipher suite.
///
/// `Dh` / `Ecdh` are the fixed (certificate-carried) variants (`DH_DSS`,
/// `DH_RSA`, `ECDH_ECDSA`, `ECDH_RSA`); the anonymous suites (`DH_anon`,
/// `ECDH_anon`) exchange ephemeral keys and are reported as `Dhe` / `Ecdhe`
/// with [`Authentication::Anon`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
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
    #[serde(rename = "chacha20")]
    ChaCha20,
    Sm4,
}

/// Mode the bulk cipher runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MacAlgorithm {
    Null,
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Aead,
}

/// Hash used by the PRF (TLS 1.2) or HKDF (TLS 1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrfHash {
    /// Suites defined before TLS 1.2: MD5+SHA-1 PRF in TLS 1.0/1.1; in
    /// TLS 1.2 these suites use the SHA-256 PRF (RFC 5246 §5).
    Legacy,
    Sha256,
    Sha384,
}

/// Parameters of one cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CipherSuite {
    /// Two-byte IANA value.
    pub id: u16,
    /// IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
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
pub fn lookup(id: u16) -> Option<&'static CipherSuite> {
    SUITES
        .binary_search_by_key(&id, |s| s.id)
        .ok()
        .map(|i| &SUITES[i])
}

/// All cipher suites with known parameters, sorted by id.
pub fn all_suites() -> &'static [CipherSuite] {
    SUITES
}

/// RFC 8701 GREASE value: both bytes equal and of the form `0x?A`
/// (0x0A0A, 0x1A1A, ..., 0xFAFA).
pub fn is_grease(value: u16) -> bool {
    value & 0x0f0f == 0x0a0a && value >> 8 == value & 0xff
}

/// Human-readable name of a cipher-suite value: the IANA name,
/// `"GREASE (0x0a0a)"` for GREASE values, `"Unknown (0x1234)"` otherwise.
pub fn suite_name(id: u16) -> String {
    if let Some(s) = lookup(id) {
        return s.name.to_string();
    }
    if is_grease(id) {
        return format!("GREASE (0x{id:04x})");
    }
    match NAME_ONLY.binary_search_by_key(&id, |&(v, _)| v) {
        Ok(i) => NAME_ONLY[i].1.to_string(),
        Err(_) => format!("Unknown (0x{id:04x})"),
    }
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

const fn s(id: u16, name: &'static str, kx: Kx, enc: Enc, mac: Mac) -> CipherSuite {
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
    s(0x0000, "TLS_NULL_WITH_NULL_NULL",                      NULL_KX,     NULL_ENC,        NO_MAC),
    s(0x0001, "TLS_RSA_WITH_NULL_MD5",                        RSA,         NULL_ENC,        MD5),
    s(0x0002, "TLS_RSA_WITH_NULL_SHA",                        RSA,         NULL_ENC,        SHA),
    s(0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5",               RSA_EXP,     RC4_40,          MD5),
    s(0x0004, "TLS_RSA_WITH_RC4_128_MD5",                     RSA,         RC4_128,         MD5),
    s(0x0005, "TLS_RSA_WITH_RC4_128_SHA",                     RSA,         RC4_128,         SHA),
    s(0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5",           RSA_EXP,     RC2_40,          MD5),
    s(0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA",                    RSA,         IDEA,            SHA),
    s(0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",            RSA_EXP,     DES40,           SHA),
    s(0x0009, "TLS_RSA_WITH_DES_CBC_SHA",                     RSA,         DES,             SHA),
    s(0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA",                RSA,         TDES,            SHA),
    s(0x000B, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA",         DH_DSS,      DES40,           SHA),
    s(0x000C, "TLS_DH_DSS_WITH_DES_CBC_SHA",                  DH_DSS,      DES,             SHA),
    s(0x000D, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA",             DH_DSS,      TDES,            SHA),
    s(0x000E, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA",         DH_RSA,      DES40,           SHA),
    s(0x000F, "TLS_DH_RSA_WITH_DES_CBC_SHA",                  DH_RSA,      DES,             SHA),
    s(0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA",             DH_RSA,      TDES,            SHA),
    s(0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA",        DHE_DSS,     DES40,           SHA),
    s(0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA",                 DHE_DSS,     DES,             SHA),
    s(0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",            DHE_DSS,     TDES,            SHA),
    s(0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA",        DHE_RSA,     DES40,           SHA),
    s(0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA",                 DHE_RSA,     DES,             SHA),
    s(0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",            DHE_RSA,     TDES,            SHA),
    s(0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5",           DH_ANON,     RC4_40,          MD5),
    s(0x0018, "TLS_DH_anon_WITH_RC4_128_MD5",                 DH_ANON,     RC4_128,         MD5),
    s(0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA",        DH_ANON,     DES40,           SHA),
    s(0x001A, "TLS_DH_anon_WITH_DES_CBC_SHA",                 DH_ANON,     DES,             SHA),
    s(0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA",            DH_ANON,     TDES,            SHA),
    s(0x001E, "TLS_KRB5_WITH_DES_CBC_SHA",                    KRB5,        DES,             SHA),
    s(0x001F, "TLS_KRB5_WITH_3DES_EDE_CBC_SHA",               KRB5,        TDES,            SHA),
    s(0x0020, "TLS_KRB5_WITH_RC4_128_SHA",                    KRB5,        RC4_128,         SHA),
    s(0x0021, "TLS_KRB5_WITH_IDEA_CBC_SHA",                   KRB5,        IDEA,            SHA),
    s(0x0022, "TLS_KRB5_WITH_DES_CBC_MD5",                    KRB5,        DES,             MD5),
    s(0x0023, "TLS_KRB5_WITH_3DES_EDE_CBC_MD5",               KRB5,        TDES,            MD5),
    s(0x0024, "TLS_KRB5_WITH_RC4_128_MD5",                    KRB5,        RC4_128,         MD5),
    s(0x0025, "TLS_KRB5_WITH_IDEA_CBC_MD5",                   KRB5,        IDEA,            MD5),
    s(0x0026, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA",          KRB5,        DES40,           SHA),
    s(0x0027, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA",          KRB5,        RC2_40,          SHA),
    s(0x0028, "TLS_KRB5_EXPORT_WITH_RC4_40_SHA",              KRB5,        RC4_40,          SHA),
    s(0x0029, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5",          KRB5,        DES40,           MD5),
    s(0x002A, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5",          KRB5,        RC2_40,          MD5),
    s(0x002B, "TLS_KRB5_EXPORT_WITH_RC4_40_MD5",              KRB5,        RC4_40,          MD5),
    s(0x002C, "TLS_PSK_WITH_NULL_SHA",                        PSK,         NULL_ENC,        SHA),
    s(0x002D, "TLS_DHE_PSK_WITH_NULL_SHA",                    DHE_PSK,     NULL_ENC,        SHA),
    s(0x002E, "TLS_RSA_PSK_WITH_NULL_SHA",                    RSA_PSK,     NULL_ENC,        SHA),
    s(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA",                 RSA,         AES128,          SHA),
    s(0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA",              DH_DSS,      AES128,          SHA),
    s(0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA",              DH_RSA,      AES128,          SHA),
    s(0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",             DHE_DSS,     AES128,          SHA),
    s(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",             DHE_RSA,     AES128,          SHA),
    s(0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA",             DH_ANON,     AES128,          SHA),
    s(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA",                 RSA,         AES256,          SHA),
    s(0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA",              DH_DSS,      AES256,          SHA),
    s(0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA",              DH_RSA,      AES256,          SHA),
    s(0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",             DHE_DSS,     AES256,          SHA),
    s(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",             DHE_RSA,     AES256,          SHA),
    s(0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA",             DH_ANON,     AES256,          SHA),
    s(0x003B, "TLS_RSA_WITH_NULL_SHA256",                     RSA,         NULL_ENC,        SHA256),
    s(0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256",              RSA,         AES128,          SHA256),
    s(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256",              RSA,         AES256,          SHA256),
    s(0x003E, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256",           DH_DSS,      AES128,          SHA256),
    s(0x003F, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256",           DH_RSA,      AES128,          SHA256),
    s(0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",          DHE_DSS,     AES128,          SHA256),
    s(0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA",            RSA,         CAM128,          SHA),
    s(0x0042, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA",         DH_DSS,      CAM128,          SHA),
    s(0x0043, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA",         DH_RSA,      CAM128,          SHA),
    s(0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA",        DHE_DSS,     CAM128,          SHA),
    s(0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA",        DHE_RSA,     CAM128,          SHA),
    s(0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA",        DH_ANON,     CAM128,          SHA),
    s(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",          DHE_RSA,     AES128,          SHA256),
    s(0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256",           DH_DSS,      AES256,          SHA256),
    s(0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256",           DH_RSA,      AES256,          SHA256),
    s(0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",          DHE_DSS,     AES256,          SHA256),
    s(0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",          DHE_RSA,     AES256,          SHA256),
    s(0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256",          DH_ANON,     AES128,          SHA256),
    s(0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256",          DH_ANON,     AES256,          SHA256),
    s(0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA",            RSA,         CAM256,          SHA),
    s(0x0085, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA",         DH_DSS,      CAM256,          SHA),
    s(0x0086, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA",         DH_RSA,      CAM256,          SHA),
    s(0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA",        DHE_DSS,     CAM256,          SHA),
    s(0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA",        DHE_RSA,     CAM256,          SHA),
    s(0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA",        DH_ANON,     CAM256,          SHA),
    s(0x008A, "TLS_PSK_WITH_RC4_128_SHA",                     PSK,         RC4_128,         SHA),
    s(0x008B, "TLS_PSK_WITH_3DES_EDE_CBC_SHA",                PSK,         TDES,            SHA),
    s(0x008C, "TLS_PSK_WITH_AES_128_CBC_SHA",                 PSK,         AES128,          SHA),
    s(0x008D, "TLS_PSK_WITH_AES_256_CBC_SHA",                 PSK,         AES256,          SHA),
    s(0x008E, "TLS_DHE_PSK_WITH_RC4_128_SHA",                 DHE_PSK,     RC4_128,         SHA),
    s(0x008F, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA",            DHE_PSK,     TDES,            SHA),
    s(0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA",             DHE_PSK,     AES128,          SHA),
    s(0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA",             DHE_PSK,     AES256,          SHA),
    s(0x0092, "TLS_RSA_PSK_WITH_RC4_128_SHA",                 RSA_PSK,     RC4_128,         SHA),
    s(0x0093, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA",            RSA_PSK,     TDES,            SHA),
    s(0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA",             RSA_PSK,     AES128,          SHA),
    s(0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA",             RSA_PSK,     AES256,          SHA),
    s(0x0096, "TLS_RSA_WITH_SEED_CBC_SHA",                    RSA,         SEED,            SHA),
    s(0x0097, "TLS_DH_DSS_WITH_SEED_CBC_SHA",                 DH_DSS,      SEED,            SHA),
    s(0x0098, "TLS_DH_RSA_WITH_SEED_CBC_SHA",                 DH_RSA,      SEED,            SHA),
    s(0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA",                DHE_DSS,     SEED,            SHA),
    s(0x009A, "TLS_DHE_RSA_WITH_SEED_CBC_SHA",                DHE_RSA,     SEED,            SHA),
    s(0x009B, "TLS_DH_anon_WITH_SEED_CBC_SHA",                DH_ANON,     SEED,            SHA),
    s(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256",              RSA,         AES128_GCM,      AEAD256),
    s(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384",              RSA,         AES256_GCM,      AEAD384),
    s(0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",          DHE_RSA,     AES128_GCM,      AEAD256),
    s(0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",          DHE_RSA,     AES256_GCM,      AEAD384),
    s(0x00A0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256",           DH_RSA,      AES128_GCM,      AEAD256),
    s(0x00A1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384",           DH_RSA,      AES256_GCM,      AEAD384),
    s(0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256",          DHE_DSS,     AES128_GCM,      AEAD256),
    s(0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384",          DHE_DSS,     AES256_GCM,      AEAD384),
    s(0x00A4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256",           DH_DSS,      AES128_GCM,      AEAD256),
    s(0x00A5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384",           DH_DSS,      AES256_GCM,      AEAD384),
    s(0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256",          DH_ANON,     AES128_GCM,      AEAD256),
    s(0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384",          DH_ANON,     AES256_GCM,      AEAD384),
    s(0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256",              PSK,         AES128_GCM,      AEAD256),
    s(0x00A9, "TLS_PSK_WITH_AES_256_GCM_SHA384",              PSK,         AES256_GCM,      AEAD384),
    s(0x00AA, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256",          DHE_PSK,     AES128_GCM,      AEAD256),
    s(0x00AB, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384",          DHE_PSK,     AES256_GCM,      AEAD384),
    s(0x00AC, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256",          RSA_PSK,     AES128_GCM,      AEAD256),
    s(0x00AD, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384",          RSA_PSK,     AES256_GCM,      AEAD384),
    s(0x00AE, "TLS_PSK_WITH_AES_128_CBC_SHA256",              PSK,         AES128,          SHA256),
    s(0x00AF, "TLS_PSK_WITH_AES_256_CBC_SHA384",              PSK,         AES256,          SHA384),
    s(0x00B0, "TLS_PSK_WITH_NULL_SHA256",                     PSK,         NULL_ENC,        SHA256),
    s(0x00B1, "TLS_PSK_WITH_NULL_SHA384",                     PSK,         NULL_ENC,        SHA384),
    s(0x00B2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256",          DHE_PSK,     AES128,          SHA256),
    s(0x00B3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384",          DHE_PSK,     AES256,          SHA384),
    s(0x00B4, "TLS_DHE_PSK_WITH_NULL_SHA256",                 DHE_PSK,     NULL_ENC,        SHA256),
    s(0x00B5, "TLS_DHE_PSK_WITH_NULL_SHA384",                 DHE_PSK,     NULL_ENC,        SHA384),
    s(0x00B6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256",          RSA_PSK,     AES128,          SHA256),
    s(0x00B7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384",          RSA_PSK,     AES256,          SHA384),
    s(0x00B8, "TLS_RSA_PSK_WITH_NULL_SHA256",                 RSA_PSK,     NULL_ENC,        SHA256),
    s(0x00B9, "TLS_RSA_PSK_WITH_NULL_SHA384",                 RSA_PSK,     NULL_ENC,        SHA384),
    s(0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256",         RSA,         CAM128,          SHA256),
    s(0x00BB, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256",      DH_DSS,      CAM128,          SHA256),
    s(0x00BC, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256",      DH_RSA,      CAM128,          SHA256),
    s(0x00BD, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256",     DHE_DSS,     CAM128,          SHA256),
    s(0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256",     DHE_RSA,     CAM128,          SHA256),
    s(0x00BF, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256",     DH_ANON,     CAM128,          SHA256),
    s(0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256",         RSA,         CAM256,          SHA256),
    s(0x00C1, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256",      DH_DSS,      CAM256,          SHA256),
    s(0x00C2, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256",      DH_RSA,      CAM256,          SHA256),
    s(0x00C3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256",     DHE_DSS,     CAM256,          SHA256),
    s(0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256",     DHE_RSA,     CAM256,          SHA256),
    s(0x00C5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256",     DH_ANON,     CAM256,          SHA256),
    s(0x1301, "TLS_AES_128_GCM_SHA256",                       TLS13,       T13_AES128_GCM,  AEAD256),
    s(0x1302, "TLS_AES_256_GCM_SHA384",                       TLS13,       T13_AES256_GCM,  AEAD384),
    s(0x1303, "TLS_CHACHA20_POLY1305_SHA256",                 TLS13,       CHACHA,          AEAD256),
    s(0x1304, "TLS_AES_128_CCM_SHA256",                       TLS13,       T13_AES128_CCM,  AEAD256),
    s(0x1305, "TLS_AES_128_CCM_8_SHA256",                     TLS13,       T13_AES128_CCM8, AEAD256),
    s(0xC001, "TLS_ECDH_ECDSA_WITH_NULL_SHA",                 ECDH_ECDSA,  NULL_ENC,        SHA),
    s(0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA",              ECDH_ECDSA,  RC4_128,         SHA),
    s(0xC003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA",         ECDH_ECDSA,  TDES,            SHA),
    s(0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA",          ECDH_ECDSA,  AES128,          SHA),
    s(0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA",          ECDH_ECDSA,  AES256,          SHA),
    s(0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA",                ECDHE_ECDSA, NULL_ENC,        SHA),
    s(0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",             ECDHE_ECDSA, RC4_128,         SHA),
    s(0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA",        ECDHE_ECDSA, TDES,            SHA),
    s(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",         ECDHE_ECDSA, AES128,          SHA),
    s(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",         ECDHE_ECDSA, AES256,          SHA),
    s(0xC00B, "TLS_ECDH_RSA_WITH_NULL_SHA",                   ECDH_RSA,    NULL_ENC,        SHA),
    s(0xC00C, "TLS_ECDH_RSA_WITH_RC4_128_SHA",                ECDH_RSA,    RC4_128,         SHA),
    s(0xC00D, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA",           ECDH_RSA,    TDES,            SHA),
    s(0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA",            ECDH_RSA,    AES128,          SHA),
    s(0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA",            ECDH_RSA,    AES256,          SHA),
    s(0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA",                  ECDHE_RSA,   NULL_ENC,        SHA),
    s(0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA",               ECDHE_RSA,   RC4_128,         SHA),
    s(0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",          ECDHE_RSA,   TDES,            SHA),
    s(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",           ECDHE_RSA,   AES128,          SHA),
    s(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",           ECDHE_RSA,   AES256,          SHA),
    s(0xC015, "TLS_ECDH_anon_WITH_NULL_SHA",                  ECDH_ANON,   NULL_ENC,        SHA),
    s(0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA",               ECDH_ANON,   RC4_128,         SHA),
    s(0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA",          ECDH_ANON,   TDES,            SHA),
    s(0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA",           ECDH_ANON,   AES128,          SHA),
    s(0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA",           ECDH_ANON,   AES256,          SHA),
    s(0xC01A, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA",            SRP,         TDES,            SHA),
    s(0xC01B, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA",        SRP_RSA,     TDES,            SHA),
    s(0xC01C, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA",        SRP_DSS,     TDES,            SHA),
    s(0xC01D, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA",             SRP,         AES128,          SHA),
    s(0xC01E, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA",         SRP_RSA,     AES128,          SHA),
    s(0xC01F, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA",         SRP_DSS,     AES128,          SHA),
    s(0xC020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA",             SRP,         AES256,          SHA),
    s(0xC021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA",         SRP_RSA,     AES256,          SHA),
    s(0xC022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA",         SRP_DSS,     AES256,          SHA),
    s(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",      ECDHE_ECDSA, AES128,          SHA256),
    s(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",      ECDHE_ECDSA, AES256,          SHA384),
    s(0xC025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256",       ECDH_ECDSA,  AES128,          SHA256),
    s(0xC026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384",       ECDH_ECDSA,  AES256,          SHA384),
    s(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",        ECDHE_RSA,   AES128,          SHA256),
    s(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",        ECDHE_RSA,   AES256,          SHA384),
    s(0xC029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256",         ECDH_RSA,    AES128,          SHA256),
    s(0xC02A, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384",         ECDH_RSA,    AES256,          SHA384),
    s(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",      ECDHE_ECDSA, AES128_GCM,      AEAD256),
    s(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",      ECDHE_ECDSA, AES256_GCM,      AEAD384),
    s(0xC02D, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256",       ECDH_ECDSA,  AES128_GCM,      AEAD256),
    s(0xC02E, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384",       ECDH_ECDSA,  AES256_GCM,      AEAD384),
    s(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",        ECDHE_RSA,   AES128_GCM,      AEAD256),
    s(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",        ECDHE_RSA,   AES256_GCM,      AEAD384),
    s(0xC031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256",         ECDH_RSA,    AES128_GCM,      AEAD256),
    s(0xC032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384",         ECDH_RSA,    AES256_GCM,      AEAD384),
    s(0xC033, "TLS_ECDHE_PSK_WITH_RC4_128_SHA",               ECDHE_PSK,   RC4_128,         SHA),
    s(0xC034, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA",          ECDHE_PSK,   TDES,            SHA),
    s(0xC035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA",           ECDHE_PSK,   AES128,          SHA),
    s(0xC036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA",           ECDHE_PSK,   AES256,          SHA),
    s(0xC037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256",        ECDHE_PSK,   AES128,          SHA256),
    s(0xC038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384",        ECDHE_PSK,   AES256,          SHA384),
    s(0xC039, "TLS_ECDHE_PSK_WITH_NULL_SHA",                  ECDHE_PSK,   NULL_ENC,        SHA),
    s(0xC03A, "TLS_ECDHE_PSK_WITH_NULL_SHA256",               ECDHE_PSK,   NULL_ENC,        SHA256),
    s(0xC03B, "TLS_ECDHE_PSK_WITH_NULL_SHA384",               ECDHE_PSK,   NULL_ENC,        SHA384),
    s(0xC03C, "TLS_RSA_WITH_ARIA_128_CBC_SHA256",             RSA,         ARIA128,         SHA256),
    s(0xC03D, "TLS_RSA_WITH_ARIA_256_CBC_SHA384",             RSA,         ARIA256,         SHA384),
    s(0xC03E, "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256",          DH_DSS,      ARIA128,         SHA256),
    s(0xC03F, "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384",          DH_DSS,      ARIA256,         SHA384),
    s(0xC040, "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256",          DH_RSA,      ARIA128,         SHA256),
    s(0xC041, "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384",          DH_RSA,      ARIA256,         SHA384),
    s(0xC042, "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256",         DHE_DSS,     ARIA128,         SHA256),
    s(0xC043, "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384",         DHE_DSS,     ARIA256,         SHA384),
    s(0xC044, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256",         DHE_RSA,     ARIA128,         SHA256),
    s(0xC045, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384",         DHE_RSA,     ARIA256,         SHA384),
    s(0xC046, "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256",         DH_ANON,     ARIA128,         SHA256),
    s(0xC047, "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384",         DH_ANON,     ARIA256,         SHA384),
    s(0xC048, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256",     ECDHE_ECDSA, ARIA128,         SHA256),
    s(0xC049, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384",     ECDHE_ECDSA, ARIA256,         SHA384),
    s(0xC04A, "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256",      ECDH_ECDSA,  ARIA128,         SHA256),
    s(0xC04B, "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384",      ECDH_ECDSA,  ARIA256,         SHA384),
    s(0xC04C, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256",       ECDHE_RSA,   ARIA128,         SHA256),
    s(0xC04D, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384",       ECDHE_RSA,   ARIA256,         SHA384),
    s(0xC04E, "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256",        ECDH_RSA,    ARIA128,         SHA256),
    s(0xC04F, "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384",        ECDH_RSA,    ARIA256,         SHA384),
    s(0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256",             RSA,         ARIA128_GCM,     AEAD256),
    s(0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384",             RSA,         ARIA256_GCM,     AEAD384),
    s(0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256",         DHE_RSA,     ARIA128_GCM,     AEAD256),
    s(0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384",         DHE_RSA,     ARIA256_GCM,     AEAD384),
    s(0xC054, "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256",          DH_RSA,      ARIA128_GCM,     AEAD256),
    s(0xC055, "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384",          DH_RSA,      ARIA256_GCM,     AEAD384),
    s(0xC056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256",         DHE_DSS,     ARIA128_GCM,     AEAD256),
    s(0xC057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384",         DHE_DSS,     ARIA256_GCM,     AEAD384),
    s(0xC058, "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256",          DH_DSS,      ARIA128_GCM,     AEAD256),
    s(0xC059, "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384",          DH_DSS,      ARIA256_GCM,     AEAD384),
    s(0xC05A, "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256",         DH_ANON,     ARIA128_GCM,     AEAD256),
    s(0xC05B, "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384",         DH_ANON,     ARIA256_GCM,     AEAD384),
    s(0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256",     ECDHE_ECDSA, ARIA128_GCM,     AEAD256),
    s(0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384",     ECDHE_ECDSA, ARIA256_GCM,     AEAD384),
    s(0xC05E, "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256",      ECDH_ECDSA,  ARIA128_GCM,     AEAD256),
    s(0xC05F, "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384",      ECDH_ECDSA,  ARIA256_GCM,     AEAD384),
    s(0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256",       ECDHE_RSA,   ARIA128_GCM,     AEAD256),
    s(0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384",       ECDHE_RSA,   ARIA256_GCM,     AEAD384),
    s(0xC062, "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256",        ECDH_RSA,    ARIA128_GCM,     AEAD256),
    s(0xC063, "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384",        ECDH_RSA,    ARIA256_GCM,     AEAD384),
    s(0xC064, "TLS_PSK_WITH_ARIA_128_CBC_SHA256",             PSK,         ARIA128,         SHA256),
    s(0xC065, "TLS_PSK_WITH_ARIA_256_CBC_SHA384",             PSK,         ARIA256,         SHA384),
    s(0xC066, "TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256",         DHE_PSK,     ARIA128,         SHA256),
    s(0xC067, "TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384",         DHE_PSK,     ARIA256,         SHA384),
    s(0xC068, "TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256",         RSA_PSK,     ARIA128,         SHA256),
    s(0xC069, "TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384",         RSA_PSK,     ARIA256,         SHA384),
    s(0xC06A, "TLS_PSK_WITH_ARIA_128_GCM_SHA256",             PSK,         ARIA128_GCM,     AEAD256),
    s(0xC06B, "TLS_PSK_WITH_ARIA_256_GCM_SHA384",             PSK,         ARIA256_GCM,     AEAD384),
    s(0xC06C, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256",         DHE_PSK,     ARIA128_GCM,     AEAD256),
    s(0xC06D, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384",         DHE_PSK,     ARIA256_GCM,     AEAD384),
    s(0xC06E, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256",         RSA_PSK,     ARIA128_GCM,     AEAD256),
    s(0xC06F, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384",         RSA_PSK,     ARIA256_GCM,     AEAD384),
    s(0xC070, "TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256",       ECDHE_PSK,   ARIA128,         SHA256),
    s(0xC071, "TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384",       ECDHE_PSK,   ARIA256,         SHA384),
    s(0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", ECDHE_ECDSA, CAM128,          SHA256),
    s(0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", ECDHE_ECDSA, CAM256,          SHA384),
    s(0xC074, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256",  ECDH_ECDSA,  CAM128,          SHA256),
    s(0xC075, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384",  ECDH_ECDSA,  CAM256,          SHA384),
    s(0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256",   ECDHE_RSA,   CAM128,          SHA256),
    s(0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384",   ECDHE_RSA,   CAM256,          SHA384),
    s(0xC078, "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256",    ECDH_RSA,    CAM128,          SHA256),
    s(0xC079, "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384",    ECDH_RSA,    CAM256,          SHA384),
    s(0xC07A, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256",         RSA,         CAM128_GCM,      AEAD256),
    s(0xC07B, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384",         RSA,         CAM256_GCM,      AEAD384),
    s(0xC07C, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256",     DHE_RSA,     CAM128_GCM,      AEAD256),
    s(0xC07D, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384",     DHE_RSA,     CAM256_GCM,      AEAD384),
    s(0xC07E, "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256",      DH_RSA,      CAM128_GCM,      AEAD256),
    s(0xC07F, "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384",      DH_RSA,      CAM256_GCM,      AEAD384),
    s(0xC080, "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256",     DHE_DSS,     CAM128_GCM,      AEAD256),
    s(0xC081, "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384",     DHE_DSS,     CAM256_GCM,      AEAD384),
    s(0xC082, "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256",      DH_DSS,      CAM128_GCM,      AEAD256),
    s(0xC083, "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384",      DH_DSS,      CAM256_GCM,      AEAD384),
    s(0xC084, "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256",     DH_ANON,     CAM128_GCM,      AEAD256),
    s(0xC085, "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384",     DH_ANON,     CAM256_GCM,      AEAD384),
    s(0xC086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", ECDHE_ECDSA, CAM128_GCM,      AEAD256),
    s(0xC087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", ECDHE_ECDSA, CAM256_GCM,      AEAD384),
    s(0xC088, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256",  ECDH_ECDSA,  CAM128_GCM,      AEAD256),
    s(0xC089, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384",  ECDH_ECDSA,  CAM256_GCM,      AEAD384),
    s(0xC08A, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256",   ECDHE_RSA,   CAM128_GCM,      AEAD256),
    s(0xC08B, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384",   ECDHE_RSA,   CAM256_GCM,      AEAD384),
    s(0xC08C, "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256",    ECDH_RSA,    CAM128_GCM,      AEAD256),
    s(0xC08D, "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384",    ECDH_RSA,    CAM256_GCM,      AEAD384),
    s(0xC08E, "TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256",         PSK,         CAM128_GCM,      AEAD256),
    s(0xC08F, "TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384",         PSK,         CAM256_GCM,      AEAD384),
    s(0xC090, "TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256",     DHE_PSK,     CAM128_GCM,      AEAD256),
    s(0xC091, "TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384",     DHE_PSK,     CAM256_GCM,      AEAD384),
    s(0xC092, "TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256",     RSA_PSK,     CAM128_GCM,      AEAD256),
    s(0xC093, "TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384",     RSA_PSK,     CAM256_GCM,      AEAD384),
    s(0xC094, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256",         PSK,         CAM128,          SHA256),
    s(0xC095, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384",         PSK,         CAM256,          SHA384),
    s(0xC096, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256",     DHE_PSK,     CAM128,          SHA256),
    s(0xC097, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384",     DHE_PSK,     CAM256,          SHA384),
    s(0xC098, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256",     RSA_PSK,     CAM128,          SHA256),
    s(0xC099, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384",     RSA_PSK,     CAM256,          SHA384),
    s(0xC09A, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256",   ECDHE_PSK,   CAM128,          SHA256),
    s(0xC09B, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384",   ECDHE_PSK,   CAM256,          SHA384),
    s(0xC09C, "TLS_RSA_WITH_AES_128_CCM",                     RSA,         AES128_CCM,      AEAD256),
    s(0xC09D, "TLS_RSA_WITH_AES_256_CCM",                     RSA,         AES256_CCM,      AEAD256),
    s(0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM",                 DHE_RSA,     AES128_CCM,      AEAD256),
    s(0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM",                 DHE_RSA,     AES256_CCM,      AEAD256),
    s(0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8",                   RSA,         AES128_CCM8,     AEAD256),
    s(0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8",                   RSA,         AES256_CCM8,     AEAD256),
    s(0xC0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8",               DHE_RSA,     AES128_CCM8,     AEAD256),
    s(0xC0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8",               DHE_RSA,     AES256_CCM8,     AEAD256),
    s(0xC0A4, "TLS_PSK_WITH_AES_128_CCM",                     PSK,         AES128_CCM,      AEAD256),
    s(0xC0A5, "TLS_PSK_WITH_AES_256_CCM",                     PSK,         AES256_CCM,      AEAD256),
    s(0xC0A6, "TLS_DHE_PSK_WITH_AES_128_CCM",                 DHE_PSK,     AES128_CCM,      AEAD256),
    s(0xC0A7, "TLS_DHE_PSK_WITH_AES_256_CCM",                 DHE_PSK,     AES256_CCM,      AEAD256),
    s(0xC0A8, "TLS_PSK_WITH_AES_128_CCM_8",                   PSK,         AES128_CCM8,     AEAD256),
    s(0xC0A9, "TLS_PSK_WITH_AES_256_CCM_8",                   PSK,         AES256_CCM8,     AEAD256),
    s(0xC0AA, "TLS_PSK_DHE_WITH_AES_128_CCM_8",               DHE_PSK,     AES128_CCM8,     AEAD256),
    s(0xC0AB, "TLS_PSK_DHE_WITH_AES_256_CCM_8",               DHE_PSK,     AES256_CCM8,     AEAD256),
    s(0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM",             ECDHE_ECDSA, AES128_CCM,      AEAD256),
    s(0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM",             ECDHE_ECDSA, AES256_CCM,      AEAD256),
    s(0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8",           ECDHE_ECDSA, AES128_CCM8,     AEAD256),
    s(0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8",           ECDHE_ECDSA, AES256_CCM8,     AEAD256),
    s(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",  ECDHE_RSA,   CHACHA,          AEAD256),
    s(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",ECDHE_ECDSA, CHACHA,          AEAD256),
    s(0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",    DHE_RSA,     CHACHA,          AEAD256),
    s(0xCCAB, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256",        PSK,         CHACHA,          AEAD256),
    s(0xCCAC, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256",  ECDHE_PSK,   CHACHA,          AEAD256),
    s(0xCCAD, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256",    DHE_PSK,     CHACHA,          AEAD256),
    s(0xCCAE, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256",    RSA_PSK,     CHACHA,          AEAD256),
    s(0xD001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256",        ECDHE_PSK,   AES128_GCM,      AEAD256),
    s(0xD002, "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384",        ECDHE_PSK,   AES256_GCM,      AEAD384),
    s(0xD003, "TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256",      ECDHE_PSK,   AES128_CCM8,     AEAD256),
    s(0xD005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256",        ECDHE_PSK,   AES128_CCM,      AEAD256),
];

/// Registry entries known by name only (signalling values and suites whose
/// algorithms the types above cannot describe), sorted by id.
#[rustfmt::skip]
static NAME_ONLY: &[(u16, &str)] = &[
    (0x00C6, "TLS_SM4_GCM_SM3"),                              // RFC 8998
    (0x00C7, "TLS_SM4_CCM_SM3"),                              // RFC 8998
    (0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"),            // RFC 5746
    (0x1306, "TLS_AEGIS_256_SHA384"),                         // draft-irtf-cfrg-aegis-aead
    (0x1307, "TLS_AEGIS_128L_SHA256"),                        // draft-irtf-cfrg-aegis-aead
    (0x5600, "TLS_FALLBACK_SCSV"),                            // RFC 7507
    (0xC0B0, "TLS_ECCPWD_WITH_AES_128_GCM_SHA256"),           // RFC 8492
    (0xC0B1, "TLS_ECCPWD_WITH_AES_256_GCM_SHA384"),           // RFC 8492
    (0xC0B2, "TLS_ECCPWD_WITH_AES_128_CCM_SHA256"),           // RFC 8492
    (0xC0B3, "TLS_ECCPWD_WITH_AES_256_CCM_SHA384"),           // RFC 8492
    (0xC0B4, "TLS_SHA256_SHA256"),                            // RFC 9150
    (0xC0B5, "TLS_SHA384_SHA384"),                            // RFC 9150
    (0xC100, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC"), // RFC 9189
    (0xC101, "TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC"),      // RFC 9189
    (0xC102, "TLS_GOSTR341112_256_WITH_28147_CNT_IMIT"),      // RFC 9189
    (0xC103, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L"),    // RFC 9367
    (0xC104, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_L"),         // RFC 9367
    (0xC105, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S"),    // RFC 9367
    (0xC106, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_S"),         // RFC 9367
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_sorted_and_unique() {
        assert!(SUITES.windows(2).all(|w| w[0].id < w[1].id));
        assert!(NAME_ONLY.windows(2).all(|w| w[0].0 < w[1].0));
        for &(id, _) in NAME_ONLY {
            assert!(lookup(id).is_none(), "0x{id:04x} in both tables");
        }
        assert!(SUITES.len() > 300);
    }

    #[test]
    fn table_invariants() {
        for cs in SUITES {
            assert!(cs.name.starts_with("TLS_"), "{}", cs.name);
            assert!(!is_grease(cs.id));
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
        let cs = lookup(0x002F).unwrap();
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
        let cs = lookup(0x009D).unwrap();
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
            lookup(0x009C).unwrap().name,
            "TLS_RSA_WITH_AES_128_GCM_SHA256"
        );
        assert_eq!(lookup(0x009C).unwrap().prf, PrfHash::Sha256);
    }

    #[test]
    fn ccm_8() {
        let cs = lookup(0xC0A0).unwrap();
        assert_eq!(cs.name, "TLS_RSA_WITH_AES_128_CCM_8");
        assert_eq!((cs.mode, cs.tag_len), (CipherMode::Ccm8, 8));
        assert_eq!((cs.key_len, cs.fixed_iv_len, cs.record_iv_len), (16, 4, 8));
        assert_eq!(cs.prf, PrfHash::Sha256);
        let ccm = lookup(0xC09C).unwrap();
        assert_eq!(
            (ccm.name, ccm.mode, ccm.tag_len),
            ("TLS_RSA_WITH_AES_128_CCM", CipherMode::Ccm, 16)
        );
    }

    #[test]
    fn rc4_and_null() {
        let cs = lookup(0x0005).unwrap();
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

        let cs = lookup(0x0001).unwrap();
        assert_eq!(cs.name, "TLS_RSA_WITH_NULL_MD5");
        assert_eq!(
            (cs.cipher, cs.mode, cs.key_len),
            (BulkCipher::Null, CipherMode::Null, 0)
        );
        assert_eq!((cs.mac, cs.mac_len), (MacAlgorithm::Md5, 16));

        let cs = lookup(0x0000).unwrap();
        assert_eq!(cs.name, "TLS_NULL_WITH_NULL_NULL");
        assert_eq!(
            (cs.key_exchange, cs.mac),
            (KeyExchange::Null, MacAlgorithm::Null)
        );
    }

    #[test]
    fn triple_des_and_export() {
        let cs = lookup(0x000A).unwrap();
        assert_eq!(cs.name, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
        assert_eq!(
            (cs.cipher, cs.key_len, cs.block_len),
            (BulkCipher::TripleDes, 24, 8)
        );

        for id in [
            0x0003, 0x0006, 0x0008, 0x000B, 0x000E, 0x0011, 0x0014, 0x0017, 0x0019,
        ] {
            let cs = lookup(id).unwrap();
            assert!(cs.export, "{}", cs.name);
            assert_eq!(cs.key_len, 5, "{}", cs.name);
        }
        let cs = lookup(0x0003).unwrap();
        assert_eq!(cs.name, "TLS_RSA_EXPORT_WITH_RC4_40_MD5");
        assert_eq!(
            (cs.key_exchange, cs.cipher),
            (KeyExchange::RsaExport, BulkCipher::Rc4_40)
        );
        let cs = lookup(0x0017).unwrap();
        assert_eq!(cs.name, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5");
        assert_eq!(cs.authentication, Authentication::Anon);
    }

    #[test]
    fn tls13_suites() {
        let cs = lookup(0x1301).unwrap();
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
        let cs = lookup(0x1302).unwrap();
        assert_eq!(
            (cs.name, cs.key_len, cs.prf),
            ("TLS_AES_256_GCM_SHA384", 32, PrfHash::Sha384)
        );
        let cs = lookup(0x1303).unwrap();
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
                lookup(0x1304).unwrap().mode,
                lookup(0x1304).unwrap().tag_len
            ),
            (CipherMode::Ccm, 16)
        );
        assert_eq!(
            (
                lookup(0x1305).unwrap().mode,
                lookup(0x1305).unwrap().tag_len
            ),
            (CipherMode::Ccm8, 8)
        );
        assert!(SUITES.iter().filter(|s| s.is_tls13()).count() == 5);
    }

    #[test]
    fn chacha_aria_camellia() {
        let cs = lookup(0xCCA8).unwrap();
        assert_eq!(cs.name, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        assert_eq!(
            (cs.key_exchange, cs.authentication),
            (KeyExchange::Ecdhe, Authentication::Rsa)
        );
        assert_eq!(
            (cs.key_len, cs.fixed_iv_len, cs.record_iv_len, cs.tag_len),
            (32, 12, 0, 16)
        );
        let cs = lookup(0xC050).unwrap();
        assert_eq!(cs.name, "TLS_RSA_WITH_ARIA_128_GCM_SHA256");
        assert_eq!((cs.cipher, cs.mode), (BulkCipher::Aria128, CipherMode::Gcm));
        let cs = lookup(0xC077).unwrap();
        assert_eq!(cs.name, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384");
        assert_eq!(
            (cs.mac, cs.mac_len, cs.prf),
            (MacAlgorithm::Sha384, 48, PrfHash::Sha384)
        );
        let cs = lookup(0xC02B).unwrap();
        assert_eq!(cs.name, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assert_eq!(cs.authentication, Authentication::Ecdsa);
        let cs = lookup(0xD005).unwrap();
        assert_eq!(
            (cs.name, cs.key_exchange),
            (
                "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256",
                KeyExchange::EcdhePsk
            )
        );
    }

    #[test]
    fn grease() {
        for hi in 0..16u16 {
            let v = (hi << 12) | 0x0a00 | (hi << 4) | 0x0a;
            assert!(is_grease(v), "0x{v:04x}");
        }
        assert!(is_grease(0x0a0a) && is_grease(0xfafa));
        assert!(
            !is_grease(0x0a1a) && !is_grease(0x1301) && !is_grease(0x0000) && !is_grease(0xaaab)
        );
    }

    #[test]
    fn names() {
        assert_eq!(suite_name(0xC02F), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assert_eq!(suite_name(0x0a0a), "GREASE (0x0a0a)");
        assert_eq!(suite_name(0xdada), "GREASE (0xdada)");
        assert_eq!(suite_name(0x00FF), "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
        assert_eq!(suite_name(0x5600), "TLS_FALLBACK_SCSV");
        assert_eq!(suite_name(0x00C6), "TLS_SM4_GCM_SM3");
        assert_eq!(suite_name(0x1234), "Unknown (0x1234)");
        assert!(lookup(0x00FF).is_none() && lookup(0x0a0a).is_none());
    }
}
