//! QUIC packet protection keys (RFC 9001 §5, RFC 9369 §3.3): the Initial secrets every
//! observer can derive, the packet keys of any TLS 1.3 traffic secret, header
//! protection, key updates and the Retry integrity tag.
//!
//! ```text
//!  initial_secret = HKDF-Extract(initial_salt(version), client's first DCID)
//!  client_initial_secret = HKDF-Expand-Label(initial_secret, "client in", "", 32)
//!  server_initial_secret = HKDF-Expand-Label(initial_secret, "server in", "", 32)
//!
//!  any traffic secret (Initial, or a key log's handshake / 1-RTT secrets) ──┬─ "quic key" ─► AEAD key
//!                                                                           ├─ "quic iv"  ─► IV
//!                                                                           ├─ "quic hp"  ─► header protection key
//!                                                                           └─ "quic ku"  ─► next secret (key update)
//! ```
//!
//! Version 2 renames the labels `quicv2 key`, `quicv2 iv`, `quicv2 hp`, `quicv2 ku` and
//! changes the salt; drafts 29 to 32 had a salt of their own (drafts 33 and 34 already
//! version 1's). All use the TLS 1.3 `"tls13 "` label prefix.
//!
//! The protocol code above sees [`PacketKeys`] only: which block cipher masks the header
//! (AES or ChaCha20, RFC 9001 §5.4.3–4) follows from the cipher suite here.

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::aead::quic::{HeaderProtectionKey, AES_128, AES_256, CHACHA20};
use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM};

use super::record::{PacketAead, ProtectedHeader, RecordError, Unsupported};
use super::tls13::{hkdf_expand_label, hkdf_extract, SuiteHash, Tls13Variant};
use crate::tls::cipher_suite::{lookup, BulkCipher, CipherMode, CipherSuite, CipherSuiteId};

/// HKDF-Expand-Label in QUIC is TLS 1.3's, `"tls13 "` prefix.
const TLS13: Tls13Variant = Tls13Variant {
    draft: None,
    dtls: false,
};

/// The header protection sample: 16 bytes of ciphertext (RFC 9001 §5.4.2).
pub const SAMPLE_LEN: usize = 16;

/// What a QUIC version changes in the keys: the Initial salt, the labels and the Retry
/// integrity key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeySchedule {
    /// QUIC version 1 (RFC 9001), and drafts 33 and 34.
    V1,
    /// QUIC version 2 (RFC 9369).
    V2,
    /// Drafts 29 to 32: version 1's labels, their own salt and Retry key.
    Draft29,
}

struct Labels {
    key: &'static [u8],
    iv: &'static [u8],
    hp: &'static [u8],
    ku: &'static [u8],
}

const V1_LABELS: Labels = Labels {
    key: b"quic key",
    iv: b"quic iv",
    hp: b"quic hp",
    ku: b"quic ku",
};

const V2_LABELS: Labels = Labels {
    key: b"quicv2 key",
    iv: b"quicv2 iv",
    hp: b"quicv2 hp",
    ku: b"quicv2 ku",
};

impl KeySchedule {
    /// The Initial salt (RFC 9001 §5.2, RFC 9369 §3.3.1, draft-ietf-quic-tls-29 §5.2).
    fn initial_salt(self) -> [u8; 20] {
        match self {
            KeySchedule::V1 => hex20("38762cf7f55934b34d179ae6a4c80cadccbb7f0a"),
            KeySchedule::V2 => hex20("0dede3def700a6db819381be6e269dcbf9bd2ed9"),
            KeySchedule::Draft29 => hex20("afbfec289993d24c9e9786f19c6111e04390a899"),
        }
    }

    fn labels(self) -> &'static Labels {
        match self {
            KeySchedule::V1 | KeySchedule::Draft29 => &V1_LABELS,
            KeySchedule::V2 => &V2_LABELS,
        }
    }

    /// The fixed AES-128-GCM key and nonce of the Retry integrity tag (RFC 9001 §5.8,
    /// RFC 9369 §3.3.3, draft-ietf-quic-tls-29 §5.8).
    fn retry_key_nonce(self) -> ([u8; 16], [u8; 12]) {
        let (key, nonce) = match self {
            KeySchedule::V1 => (
                "be0c690b9f66575a1d766b54e368c84e",
                "461599d35d632bf2239825bb",
            ),
            KeySchedule::V2 => (
                "8fb4b01b56ac48e260fbcbcead7ccc92",
                "d86969bc2d7c6d9990efb04a",
            ),
            KeySchedule::Draft29 => (
                "ccce187ed09a09d05728155a6cb96be1",
                "e54930f97f2136f0530a8c1c",
            ),
        };
        let mut k = [0; 16];
        let mut n = [0; 12];
        hex::decode_to_slice(key, &mut k).expect("constant");
        hex::decode_to_slice(nonce, &mut n).expect("constant");
        (k, n)
    }
}

fn hex20(s: &str) -> [u8; 20] {
    let mut out = [0; 20];
    hex::decode_to_slice(s, &mut out).expect("constant");
    out
}

/// Which side sent a packet (whose keys open it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Client,
    Server,
}

/// The client's and server's Initial secrets (RFC 9001 §5.2), 32 bytes each.
pub struct InitialSecrets {
    pub client: Vec<u8>,
    pub server: Vec<u8>,
}

impl fmt::Debug for InitialSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InitialSecrets { .. }")
    }
}

impl InitialSecrets {
    /// From the Destination Connection ID of the client's first Initial.
    pub fn new(schedule: KeySchedule, client_dcid: &[u8]) -> InitialSecrets {
        let hash = SuiteHash::Sha256;
        let initial = hkdf_extract(hash, &schedule.initial_salt(), client_dcid);
        let expand = |label: &[u8]| hkdf_expand_label(hash, TLS13, &initial, label, b"", 32);
        InitialSecrets {
            client: expand(b"client in"),
            server: expand(b"server in"),
        }
    }
}

/// The Initial packets' suite: AES-128-GCM with SHA-256 (RFC 9001 §5.2).
fn initial_suite() -> &'static CipherSuite {
    lookup(CipherSuiteId(0x1301)).expect("TLS_AES_128_GCM_SHA256 is in the table")
}

/// The header protection cipher of a suite (RFC 9001 §5.4.3–4): the AEAD's block
/// cipher, in ECB for AES, as a keystream for ChaCha20. Kept narrow so that nothing
/// above names the cipher.
struct HeaderKey(HeaderProtectionKey);

impl HeaderKey {
    fn new(suite: &CipherSuite, key: &[u8]) -> Result<Self, String> {
        let algorithm = match (suite.cipher, suite.mode) {
            (BulkCipher::Aes128, CipherMode::Gcm | CipherMode::Ccm) => &AES_128,
            (BulkCipher::Aes256, CipherMode::Gcm) => &AES_256,
            (BulkCipher::ChaCha20, CipherMode::Poly1305) => &CHACHA20,
            // AES-128-CCM-8 may not protect QUIC packets (RFC 9001 §5.3).
            (c, m) => return Err(format!("{c:?} in {m:?} mode does not protect QUIC packets")),
        };
        HeaderProtectionKey::new(algorithm, key)
            .map(HeaderKey)
            .map_err(|_| "header protection key rejected".to_owned())
    }
}

/// One direction's packet protection under one secret: payload AEAD and header
/// protection (RFC 9001 §5.1).
///
/// Opening takes `&self`: packet numbers are the caller's (one number space per
/// encryption level, reconstructed from the truncated field, RFC 9000 §12.3).
pub struct PacketKeys {
    schedule: KeySchedule,
    suite: &'static CipherSuite,
    /// Kept to derive the next key phase.
    secret: Vec<u8>,
    payload: PacketAead,
    /// Shared with the keys of later phases: key updates keep it (RFC 9001 §6.1).
    header: Arc<HeaderKey>,
}

impl fmt::Debug for PacketKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret and keys stay out of debug output.
        f.debug_struct("PacketKeys")
            .field("schedule", &self.schedule)
            .field("suite", &self.suite.name)
            .finish_non_exhaustive()
    }
}

/// The three values derived from a secret (RFC 9001 §5.1).
struct Derived {
    key: Vec<u8>,
    iv: Vec<u8>,
    hp: Vec<u8>,
}

fn derive(schedule: KeySchedule, hash: SuiteHash, key_len: usize, secret: &[u8]) -> Derived {
    let labels = schedule.labels();
    let expand = |label: &[u8], len| hkdf_expand_label(hash, TLS13, secret, label, b"", len);
    Derived {
        key: expand(labels.key, key_len),
        iv: expand(labels.iv, 12),
        // The header protection key is as long as the AEAD key (RFC 9001 §5.1).
        hp: expand(labels.hp, key_len),
    }
}

impl PacketKeys {
    /// The keys of a TLS 1.3 traffic secret for `suite` (a TLS 1.3 suite but
    /// AES-128-CCM-8): the Initial secrets, or a key log's
    /// `CLIENT_HANDSHAKE_TRAFFIC_SECRET`, `SERVER_TRAFFIC_SECRET_0` …
    pub fn new(
        schedule: KeySchedule,
        suite: &'static CipherSuite,
        secret: &[u8],
    ) -> Result<Self, Unsupported> {
        let unsupported = |why: String| Unsupported(format!("{} in QUIC ({why})", suite.name));
        let hash = super::tls13::traffic_secret_hash(suite, secret).map_err(unsupported)?;
        let derived = derive(schedule, hash, suite.key_len as usize, secret);
        let header = HeaderKey::new(suite, &derived.hp).map_err(unsupported)?;
        let payload = PacketAead::new(suite, &derived.key, &derived.iv)?;
        Ok(PacketKeys {
            schedule,
            suite,
            secret: secret.to_vec(),
            payload,
            header: Arc::new(header),
        })
    }

    /// The Initial keys of one side, from the client's first Destination Connection ID.
    pub fn initial(schedule: KeySchedule, client_dcid: &[u8], side: Side) -> PacketKeys {
        let secrets = InitialSecrets::new(schedule, client_dcid);
        let secret = match side {
            Side::Client => &secrets.client,
            Side::Server => &secrets.server,
        };
        PacketKeys::new(schedule, initial_suite(), secret)
            .expect("AES-128-GCM with a 32-byte secret is always supported")
    }

    /// The keys of the next key phase (RFC 9001 §6.1): a new secret through the
    /// "quic ku" label, new AEAD key and IV, the same header protection key.
    pub fn next_phase(&self) -> PacketKeys {
        let hash = SuiteHash::for_suite(self.suite);
        let labels = self.schedule.labels();
        let secret =
            hkdf_expand_label(hash, TLS13, &self.secret, labels.ku, b"", hash.output_len());
        let derived = derive(self.schedule, hash, self.suite.key_len as usize, &secret);
        let payload = PacketAead::new(self.suite, &derived.key, &derived.iv)
            .expect("the suite and key length were accepted before");
        PacketKeys {
            schedule: self.schedule,
            suite: self.suite,
            secret,
            payload,
            header: Arc::clone(&self.header),
        }
    }

    /// The 5-byte header protection mask of a 16-byte sample (RFC 9001 §5.4.1).
    pub fn header_mask(&self, sample: &[u8; SAMPLE_LEN]) -> [u8; 5] {
        self.header
            .0
            .new_mask(sample)
            .expect("a 16-byte sample is what every algorithm takes")
    }

    /// Opens a payload (ciphertext and tag): nonce = IV XOR `packet_number`, additional
    /// data = `header`, the header up to and including the packet number with its
    /// protection removed (RFC 9001 §5.3).
    pub fn open(
        &self,
        packet_number: u64,
        header: &[u8],
        sealed: &[u8],
    ) -> Result<Vec<u8>, RecordError> {
        self.payload.open(
            ProtectedHeader {
                seq: packet_number,
                header,
            },
            sealed,
        )
    }

    pub fn suite(&self) -> &'static CipherSuite {
        self.suite
    }

    pub fn schedule(&self) -> KeySchedule {
        self.schedule
    }
}

/// Whether a Retry's integrity tag (its last 16 bytes) is right for the client's
/// original Destination Connection ID (RFC 9001 §5.8): the tag is AES-128-GCM under a
/// fixed key of an empty plaintext, the Retry pseudo-packet (ODCID length, ODCID, the
/// Retry without its tag) authenticated.
pub fn retry_tag_is_valid(schedule: KeySchedule, original_dcid: &[u8], retry: &[u8]) -> bool {
    let Some(split) = retry.len().checked_sub(16) else {
        return false;
    };
    let Ok(odcid_len) = u8::try_from(original_dcid.len()) else {
        return false;
    };
    let (packet, tag) = retry.split_at(split);
    let mut pseudo = Vec::with_capacity(1 + original_dcid.len() + packet.len());
    pseudo.push(odcid_len);
    pseudo.extend_from_slice(original_dcid);
    pseudo.extend_from_slice(packet);
    let (key, nonce) = schedule.retry_key_nonce();
    let key = LessSafeKey::new(UnboundKey::new(&AES_128_GCM, &key).expect("16-byte key"));
    let mut sealed = tag.to_vec();
    key.open_in_place(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(&pseudo[..]),
        &mut sealed,
    )
    .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quic::testvectors::{h, D29_RETRY_PACKET, DCID, V1_RETRY_PACKET, V2_RETRY_PACKET};

    fn suite(id: u16) -> &'static CipherSuite {
        lookup(CipherSuiteId(id)).unwrap()
    }

    fn derived(
        schedule: KeySchedule,
        secret: &[u8],
        key_len: usize,
    ) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let d = derive(schedule, SuiteHash::Sha256, key_len, secret);
        (d.key, d.iv, d.hp)
    }

    /// RFC 9001 A.1: the Initial secrets and keys of version 1.
    #[test]
    fn rfc9001_a1_keys() {
        let s = InitialSecrets::new(KeySchedule::V1, &h(DCID));
        assert_eq!(
            hkdf_extract(SuiteHash::Sha256, &KeySchedule::V1.initial_salt(), &h(DCID)),
            h("7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44")
        );
        assert_eq!(
            s.client,
            h("c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea")
        );
        assert_eq!(
            s.server,
            h("3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b")
        );
        assert_eq!(
            derived(KeySchedule::V1, &s.client, 16),
            (
                h("1f369613dd76d5467730efcbe3b1a22d"),
                h("fa044b2f42a3fd3b46fb255c"),
                h("9f50449e04a0e810283a1e9933adedd2")
            )
        );
        assert_eq!(
            derived(KeySchedule::V1, &s.server, 16),
            (
                h("cf3a5331653c364c88f0f379b6067e37"),
                h("0ac1493ca1905853b0bba03e"),
                h("c206b8d9b9f0f37644430b490eeaa314")
            )
        );
    }

    /// RFC 9369 A.1: the Initial secrets and keys of version 2.
    #[test]
    fn rfc9369_a1_keys() {
        assert_eq!(
            hkdf_extract(SuiteHash::Sha256, &KeySchedule::V2.initial_salt(), &h(DCID)),
            h("2062e8b3cd8d52092614b8071d0aa1fb7c2e3ac193f78b280e72d8f5751f6aba")
        );
        let s = InitialSecrets::new(KeySchedule::V2, &h(DCID));
        assert_eq!(
            s.client,
            h("14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b")
        );
        assert_eq!(
            s.server,
            h("0263db1782731bf4588e7e4d93b7463907cb8cd8200b5da55a8bd488eafc37c1")
        );
        assert_eq!(
            derived(KeySchedule::V2, &s.client, 16),
            (
                h("8b1a0bc121284290a29e0971b5cd045d"),
                h("91f73e2351d8fa91660e909f"),
                h("45b95e15235d6f45a6b19cbcb0294ba9")
            )
        );
        assert_eq!(
            derived(KeySchedule::V2, &s.server, 16),
            (
                h("82db637861d55e1d011f19ea71d5d2a7"),
                h("dd13c276499c0249d3310652"),
                h("edf6d05c83121201b436e16877593c3a")
            )
        );
    }

    /// draft-ietf-quic-tls-29 A.1: the draft's salt.
    #[test]
    fn draft29_keys() {
        let s = InitialSecrets::new(KeySchedule::Draft29, &h(DCID));
        assert_eq!(
            s.client,
            h("0088119288f1d866733ceeed15ff9d50902cf82952eee27e9d4d4918ea371d87")
        );
        assert_eq!(
            derived(KeySchedule::Draft29, &s.server, 16),
            (
                h("149d0b1662ab871fbe63c49b5e655a5d"),
                h("bab2b12a4c76016ace47856d"),
                h("c0c499a65a60024a18a250974ea01dfa")
            )
        );
    }

    /// RFC 9001 A.2 and RFC 9369 A.2: the header protection masks of the samples.
    #[test]
    fn initial_header_masks() {
        let dcid = h(DCID);
        for (schedule, side, sample, mask) in [
            (
                KeySchedule::V1,
                Side::Client,
                "d1b1c98dd7689fb8ec11d242b123dc9b",
                "437b9aec36",
            ),
            (
                KeySchedule::V1,
                Side::Server,
                "2cd0991cd25b0aac406a5816b6394100",
                "2ec0d8356a",
            ),
            (
                KeySchedule::V2,
                Side::Client,
                "ffe67b6abcdb4298b485dd04de806071",
                "94a0c95e80",
            ),
            (
                KeySchedule::V2,
                Side::Server,
                "6f05d8a4398c47089698baeea26b91eb",
                "4dd92e91ea",
            ),
        ] {
            let keys = PacketKeys::initial(schedule, &dcid, side);
            let sample: [u8; 16] = h(sample).try_into().unwrap();
            assert_eq!(
                keys.header_mask(&sample).to_vec(),
                h(mask),
                "{schedule:?} {side:?}"
            );
        }
    }

    const A5_SECRET: &str = "9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b";

    /// RFC 9001 A.5 / RFC 9369 A.5: ChaCha20-Poly1305 keys, the key update secret, the
    /// mask of the sample.
    #[test]
    fn chacha20_keys_and_key_update() {
        let secret = h(A5_SECRET);
        for (schedule, key, iv, hp, ku, mask) in [
            (
                KeySchedule::V1,
                "c6d98ff3441c3fe1b2182094f69caa2ed4b716b65488960a7a984979fb23e1c8",
                "e0459b3474bdd0e44a41c144",
                "25a282b9e82f06f21f488917a4fc8f1b73573685608597d0efcb076b0ab7a7a4",
                "1223504755036d556342ee9361d253421a826c9ecdf3c7148684b36b714881f9",
                ("5e5cd55c41f69080575d7999c25a5bfb", "aefefe7d03"),
            ),
            (
                KeySchedule::V2,
                "3bfcddd72bcf02541d7fa0dd1f5f9eeea817e09a6963a0e6c7df0f9a1bab90f2",
                "a6b5bc6ab7dafce30ffff5dd",
                "d659760d2ba434a226fd37b35c69e2da8211d10c4f12538787d65645d5d1b8e2",
                "c69374c49e3d2a9466fa689e49d476db5d0dfbc87d32ceeaa6343fd0ae4c7d88",
                ("e7b6b932bc27d786f4bc2bb20f2162ba", "97580e32bf"),
            ),
        ] {
            assert_eq!(derived(schedule, &secret, 32), (h(key), h(iv), h(hp)));
            let keys = PacketKeys::new(schedule, suite(0x1303), &secret).unwrap();
            let next = keys.next_phase();
            assert_eq!(next.secret, h(ku));
            let sample: [u8; 16] = h(mask.0).try_into().unwrap();
            assert_eq!(keys.header_mask(&sample).to_vec(), h(mask.1));
            // The header protection key survives the update.
            assert_eq!(next.header_mask(&sample).to_vec(), h(mask.1));
        }
    }

    #[test]
    fn suites() {
        let secret32 = [7u8; 32];
        let secret48 = [7u8; 48];
        for (id, secret) in [
            (0x1301, &secret32[..]),
            (0x1302, &secret48),
            (0x1303, &secret32),
            (0x1304, &secret32),
        ] {
            let keys = PacketKeys::new(KeySchedule::V1, suite(id), secret).unwrap();
            assert_eq!(keys.suite().id, CipherSuiteId(id));
        }
        // CCM-8 is not for QUIC, TLS 1.2 suites are not TLS 1.3's, secrets have the hash's
        // length.
        assert!(PacketKeys::new(KeySchedule::V1, suite(0x1305), &secret32).is_err());
        assert!(PacketKeys::new(KeySchedule::V1, suite(0xc02f), &secret32).is_err());
        assert!(PacketKeys::new(KeySchedule::V1, suite(0x1302), &secret32).is_err());
    }

    /// RFC 9001 A.4, RFC 9369 A.4, draft-29 A.4: the Retry integrity tags.
    #[test]
    fn retry_integrity() {
        let odcid = h(DCID);
        for (schedule, packet) in [
            (KeySchedule::V1, V1_RETRY_PACKET),
            (KeySchedule::V2, V2_RETRY_PACKET),
            (KeySchedule::Draft29, D29_RETRY_PACKET),
        ] {
            let mut retry = h(packet);
            assert!(retry_tag_is_valid(schedule, &odcid, &retry), "{schedule:?}");
            assert!(!retry_tag_is_valid(schedule, &odcid[1..], &retry));
            let last = retry.len() - 1;
            retry[last] ^= 1;
            assert!(!retry_tag_is_valid(schedule, &odcid, &retry));
        }
        assert!(!retry_tag_is_valid(
            KeySchedule::V1,
            &odcid,
            &h(V2_RETRY_PACKET)
        ));
        assert!(!retry_tag_is_valid(KeySchedule::V1, &odcid, &[0; 15]));
    }
}
