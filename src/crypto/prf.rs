//! Key derivation for SSL 3.0 and TLS 1.0–1.2.
//!
//! * SSL 3.0 (RFC 6101 §6.1, §6.2.2, §5.6.9): the MD5/SHA-1 "salt" construction
//!   `MD5(secret + SHA1("A" + secret + seed)) + MD5(secret + SHA1("BB" + …)) + …`
//!   for the master secret and the key block, and the nested-pad Finished hash.
//! * TLS 1.0 and 1.1 (RFC 2246 §5, RFC 4346 §5): `P_MD5(S1, …) XOR P_SHA-1(S2, …)`
//!   over the two (overlapping, for odd lengths) halves of the secret.
//! * TLS 1.2 (RFC 5246 §5): `P_SHA256`, or `P_SHA384` for the `*_SHA384` suites.
//! * Extended master secret (RFC 7627).
//!
//! Export-grade suites are not supported: their final write keys and IVs need an
//! extra derivation step from the hello randoms (RFC 2246 §6.3), which this
//! module does not perform (see [`session_keys`]).

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha1::Sha1;
use sha2::{Sha256, Sha384};

use crate::tls::cipher_suite::{CipherMode, CipherSuite, PrfHash};

/// Which key-derivation function a connection uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrfKind {
    /// SSL 3.0: the MD5/SHA-1 salt construction (not an HMAC-based PRF).
    Ssl3,
    /// MD5 XOR SHA-1, TLS 1.0 and 1.1 (and DTLS 1.0).
    Tls10,
    /// TLS 1.2 `P_SHA256` (every TLS 1.2 suite not defined with SHA-384).
    Sha256,
    /// TLS 1.2 `P_SHA384` (`*_SHA384` suites).
    Sha384,
}

impl PrfKind {
    /// The PRF for a negotiated `version` and cipher suite.
    ///
    /// `0x0300` → [`Ssl3`](PrfKind::Ssl3); `0x0301`, `0x0302` (and DTLS 1.0,
    /// `0xfeff`) → [`Tls10`](PrfKind::Tls10); TLS 1.2 (`0x0303`, and any other
    /// value, e.g. DTLS 1.2) → the suite's PRF hash: [`Sha384`](PrfKind::Sha384)
    /// for the `*_SHA384` suites, [`Sha256`](PrfKind::Sha256) otherwise.
    pub fn for_suite(version: u16, suite: &CipherSuite) -> PrfKind {
        match version {
            0x0300 => PrfKind::Ssl3,
            0x0301 | 0x0302 | 0xfeff => PrfKind::Tls10,
            _ => match suite.prf {
                PrfHash::Sha384 => PrfKind::Sha384,
                PrfHash::Sha256 | PrfHash::Legacy => PrfKind::Sha256,
            },
        }
    }
}

/// Longest output of the SSL 3.0 construction: 26 salts (`"A"` … `"Z"*26`) of
/// one MD5 block each.
pub const SSL3_MAX_OUTPUT: usize = 26 * 16;

/// The TLS PRF: `PRF(secret, label, seed)` truncated to `out_len` bytes.
///
/// For [`PrfKind::Ssl3`] there is no labelled PRF: `label` is ignored and the
/// SSL 3.0 key-generation construction is used instead,
/// `MD5(secret + SHA1("A" + secret + seed)) + MD5(secret + SHA1("BB" + secret + seed)) + …`
/// (RFC 6101 §6.2.2; with seed `client_random + server_random` it gives the
/// master secret, with `server_random + client_random` the key block).
///
/// # Panics
///
/// For [`PrfKind::Ssl3`] when `out_len` exceeds [`SSL3_MAX_OUTPUT`] (416 bytes;
/// the largest key block any suite needs is 136 bytes).
pub fn prf(kind: PrfKind, secret: &[u8], label: &[u8], seed: &[u8], out_len: usize) -> Vec<u8> {
    let mut out = vec![0u8; out_len];
    match kind {
        PrfKind::Ssl3 => ssl3_generate(secret, seed, &mut out),
        PrfKind::Tls10 => {
            // S1 is the first half, S2 the second; with an odd length the
            // middle byte belongs to both (RFC 2246 §5).
            let half = secret.len().div_ceil(2);
            let s1 = &secret[..half];
            let s2 = &secret[secret.len() - half..];
            p_hash::<Hmac<Md5>>(s1, label, seed, &mut out);
            let mut sha = vec![0u8; out_len];
            p_hash::<Hmac<Sha1>>(s2, label, seed, &mut sha);
            out.iter_mut().zip(&sha).for_each(|(o, s)| *o ^= s);
        }
        PrfKind::Sha256 => p_hash::<Hmac<Sha256>>(secret, label, seed, &mut out),
        PrfKind::Sha384 => p_hash::<Hmac<Sha384>>(secret, label, seed, &mut out),
    }
    out
}

/// `P_hash(secret, label + seed)` (RFC 5246 §5) written into `out`.
fn p_hash<M: Mac + KeyInit + Clone>(secret: &[u8], label: &[u8], seed: &[u8], out: &mut [u8]) {
    let keyed = <M as KeyInit>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    // A(1) = HMAC(secret, A(0)) with A(0) = label + seed.
    let mut a = {
        let mut m = keyed.clone();
        m.update(label);
        m.update(seed);
        m.finalize().into_bytes()
    };
    let mut chunks = out.chunks_mut(a.len()).peekable();
    while let Some(chunk) = chunks.next() {
        let mut m = keyed.clone();
        m.update(&a);
        m.update(label);
        m.update(seed);
        let block = m.finalize().into_bytes();
        chunk.copy_from_slice(&block[..chunk.len()]);
        if chunks.peek().is_some() {
            let mut m = keyed.clone();
            m.update(&a);
            a = m.finalize().into_bytes();
        }
    }
}

/// SSL 3.0: `MD5(secret + SHA1(salt_i + secret + seed))` for salts
/// `"A"`, `"BB"`, `"CCC"`, …, concatenated and truncated to `out.len()`.
fn ssl3_generate(secret: &[u8], seed: &[u8], out: &mut [u8]) {
    assert!(
        out.len() <= SSL3_MAX_OUTPUT,
        "SSL 3.0 key generation yields at most {SSL3_MAX_OUTPUT} bytes, {} asked",
        out.len()
    );
    let mut salt = [0u8; 26];
    for (i, chunk) in out.chunks_mut(16).enumerate() {
        let salt = &mut salt[..=i];
        salt.fill(b'A' + i as u8);
        let sha = Sha1::new()
            .chain_update(&*salt)
            .chain_update(secret)
            .chain_update(seed)
            .finalize();
        let md5 = Md5::new().chain_update(secret).chain_update(sha).finalize();
        chunk.copy_from_slice(&md5[..chunk.len()]);
    }
}

/// The 48-byte master secret.
pub type MasterSecret = [u8; 48];

fn concat(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(a.len() + b.len());
    v.extend_from_slice(a);
    v.extend_from_slice(b);
    v
}

fn to_master(v: Vec<u8>) -> MasterSecret {
    v.try_into().expect("48 bytes asked")
}

/// The master secret from the pre-master secret and the hello randoms.
///
/// TLS: `PRF(pre_master, "master secret", client_random + server_random)[..48]`;
/// SSL 3.0: `MD5(pms + SHA1("A" + pms + cr + sr)) + MD5(pms + SHA1("BB" + …)) +
/// MD5(pms + SHA1("CCC" + …))`.
pub fn master_secret(
    kind: PrfKind,
    pre_master: &[u8],
    client_random: &[u8],
    server_random: &[u8],
) -> MasterSecret {
    let seed = concat(client_random, server_random);
    to_master(prf(kind, pre_master, b"master secret", &seed, 48))
}

/// The RFC 7627 extended master secret:
/// `PRF(pre_master, "extended master secret", session_hash)[..48]`, where
/// `session_hash` is [`session_hash`] of the handshake messages up to and
/// including the ClientKeyExchange.
///
/// The extension does not exist in SSL 3.0 (no hello extensions); for
/// [`PrfKind::Ssl3`] this computes the TLS 1.0 PRF, so that callers never get
/// a panic from a malformed capture, but the result is not a real secret.
pub fn extended_master_secret(
    kind: PrfKind,
    pre_master: &[u8],
    session_hash: &[u8],
) -> MasterSecret {
    let kind = if kind == PrfKind::Ssl3 {
        PrfKind::Tls10
    } else {
        kind
    };
    to_master(prf(
        kind,
        pre_master,
        b"extended master secret",
        session_hash,
        48,
    ))
}

/// The handshake hash of a transcript (the concatenated handshake messages,
/// each with its 4-byte header, as they were hashed by the peers).
///
/// [`Tls10`](PrfKind::Tls10): `MD5(t) + SHA1(t)` (36 bytes);
/// [`Sha256`](PrfKind::Sha256) / [`Sha384`](PrfKind::Sha384): that hash. This
/// is the RFC 7627 session hash and the TLS Finished handshake hash. For
/// [`Ssl3`](PrfKind::Ssl3) it also returns `MD5(t) + SHA1(t)` (SSL 3.0 has no
/// session hash; its Finished uses the construction in [`finished_verify_data`]).
pub fn session_hash(kind: PrfKind, transcript: &[u8]) -> Vec<u8> {
    match kind {
        PrfKind::Ssl3 | PrfKind::Tls10 => {
            let mut v = Vec::with_capacity(36);
            v.extend_from_slice(&Md5::digest(transcript));
            v.extend_from_slice(&Sha1::digest(transcript));
            v
        }
        PrfKind::Sha256 => Sha256::digest(transcript).to_vec(),
        PrfKind::Sha384 => Sha384::digest(transcript).to_vec(),
    }
}

/// `len` bytes of key block: `PRF(master, "key expansion", server_random +
/// client_random)`, or the SSL 3.0 construction with the same seed.
pub fn key_block(
    kind: PrfKind,
    master: &[u8],
    client_random: &[u8],
    server_random: &[u8],
    len: usize,
) -> Vec<u8> {
    let seed = concat(server_random, client_random);
    prf(kind, master, b"key expansion", &seed, len)
}

/// One connection's record-protection keys, split from the key block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionKeys {
    pub client_mac: Vec<u8>,
    pub server_mac: Vec<u8>,
    pub client_key: Vec<u8>,
    pub server_key: Vec<u8>,
    pub client_iv: Vec<u8>,
    pub server_iv: Vec<u8>,
}

/// Length of each write IV taken from the key block.
///
/// CBC: the block size in SSL 3.0 and TLS 1.0 (the IV of the first record,
/// chained afterwards); nothing in TLS 1.1+ (and DTLS), where every record
/// carries its IV (RFC 4346 §6.3 and RFC 5246 §6.3 list no IVs for them).
/// GCM/CCM: the 4-byte implicit salt (RFC 5288 §3, RFC 6655 §3).
/// ChaCha20-Poly1305: the 12-byte IV (RFC 7905 §2). Stream and NULL: none.
fn key_block_iv_len(version: u16, suite: &CipherSuite) -> usize {
    match suite.mode {
        CipherMode::Cbc if suite.export => 0,
        CipherMode::Cbc if version == 0x0300 || version == 0x0301 => suite.block_len as usize,
        CipherMode::Cbc | CipherMode::Null | CipherMode::Stream => 0,
        CipherMode::Gcm | CipherMode::Ccm | CipherMode::Ccm8 | CipherMode::Poly1305 => {
            suite.fixed_iv_len as usize
        }
    }
}

/// Derives the key block and splits it as in RFC 5246 §6.3: client MAC key,
/// server MAC key (`mac_len` each, none for AEAD suites), client key, server
/// key (`key_len` each), client IV, server IV (see below).
///
/// IVs: CBC suites get block-size IVs only in SSL 3.0 and TLS 1.0 — from TLS
/// 1.1 on the key block holds no CBC IVs, and `client_iv` / `server_iv` are
/// empty; GCM/CCM get the 4-byte salt, ChaCha20-Poly1305 the 12-byte IV.
///
/// Export suites are not supported: for them the function returns the raw
/// 5-byte key material of the key block and no IVs, not the final export
/// write keys (which [`crate::crypto::record::RecordDecryptor`] rejects anyway).
pub fn session_keys(
    kind: PrfKind,
    version: u16,
    suite: &CipherSuite,
    master: &[u8],
    client_random: &[u8],
    server_random: &[u8],
) -> SessionKeys {
    let mac_len = if suite.is_aead() {
        0
    } else {
        suite.mac_len as usize
    };
    let key_len = suite.key_len as usize;
    let iv_len = key_block_iv_len(version, suite);
    let block = key_block(
        kind,
        master,
        client_random,
        server_random,
        2 * (mac_len + key_len + iv_len),
    );
    let mut rest = block.as_slice();
    let mut take = |n: usize| {
        let (head, tail) = rest.split_at(n);
        rest = tail;
        head.to_vec()
    };
    SessionKeys {
        client_mac: take(mac_len),
        server_mac: take(mac_len),
        client_key: take(key_len),
        server_key: take(key_len),
        client_iv: take(iv_len),
        server_iv: take(iv_len),
    }
}

/// The Finished message's `verify_data` for one side.
///
/// `transcript` is every handshake message before this Finished (each with its
/// 4-byte header; for the server's Finished it includes the client's).
///
/// TLS: `PRF(master, "client finished" | "server finished",
/// session_hash(transcript))[..12]`.
/// SSL 3.0 (RFC 6101 §5.6.9), 36 bytes:
/// `MD5(master + pad2 + MD5(transcript + sender + master + pad1)) +
/// SHA1(master + pad2 + SHA1(transcript + sender + master + pad1))`, with
/// sender `"CLNT"` / `"SRVR"` and pads of 48 (MD5) / 40 (SHA-1) bytes of 0x36
/// (pad1) and 0x5c (pad2).
pub fn finished_verify_data(
    kind: PrfKind,
    master: &[u8],
    from_client: bool,
    transcript: &[u8],
) -> Vec<u8> {
    if kind == PrfKind::Ssl3 {
        let sender: &[u8] = if from_client { b"CLNT" } else { b"SRVR" };
        let mut out = Vec::with_capacity(36);
        out.extend_from_slice(&ssl3_finished_part::<Md5>(master, sender, transcript, 48));
        out.extend_from_slice(&ssl3_finished_part::<Sha1>(master, sender, transcript, 40));
        return out;
    }
    let label: &[u8] = if from_client {
        b"client finished"
    } else {
        b"server finished"
    };
    prf(kind, master, label, &session_hash(kind, transcript), 12)
}

/// TLS ≤ 1.2 verify_data from the transcript's hash (`session_hash` of it).
pub fn finished_from_hash(kind: PrfKind, master: &[u8], from_client: bool, hash: &[u8]) -> Vec<u8> {
    let label: &[u8] = if from_client {
        b"client finished"
    } else {
        b"server finished"
    };
    prf(kind, master, label, hash, 12)
}

/// SSL 3.0 verify_data from the running MD5 and SHA-1 states of the transcript.
pub fn ssl3_finished_from(md5: Md5, sha1: Sha1, master: &[u8], from_client: bool) -> Vec<u8> {
    let sender: &[u8] = if from_client { b"CLNT" } else { b"SRVR" };
    let mut out = ssl3_finished_tail(md5, master, sender, 48);
    out.extend_from_slice(&ssl3_finished_tail(sha1, master, sender, 40));
    out
}

fn ssl3_finished_tail<D: Digest>(state: D, master: &[u8], sender: &[u8], pad: usize) -> Vec<u8> {
    const PAD1: [u8; 48] = [0x36; 48];
    const PAD2: [u8; 48] = [0x5c; 48];
    let inner = state
        .chain_update(sender)
        .chain_update(master)
        .chain_update(&PAD1[..pad])
        .finalize();
    D::new()
        .chain_update(master)
        .chain_update(&PAD2[..pad])
        .chain_update(inner)
        .finalize()
        .to_vec()
}

fn ssl3_finished_part<D: Digest>(
    master: &[u8],
    sender: &[u8],
    transcript: &[u8],
    pad: usize,
) -> Vec<u8> {
    const PAD1: [u8; 48] = [0x36; 48];
    const PAD2: [u8; 48] = [0x5c; 48];
    let inner = D::new()
        .chain_update(transcript)
        .chain_update(sender)
        .chain_update(master)
        .chain_update(&PAD1[..pad])
        .finalize();
    D::new()
        .chain_update(master)
        .chain_update(&PAD2[..pad])
        .chain_update(inner)
        .finalize()
        .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::cipher_suite::{lookup, CipherSuiteId};

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.replace([' ', '\n'], "")).expect("hex")
    }

    // --- Published PRF vectors -------------------------------------------
    //
    // The TLS 1.2 PRF vectors (SHA-256 and SHA-384) circulated on the IETF TLS
    // WG mailing list (tls/current/msg03416), and the TLS 1.0 PRF vector from
    // the same list (msg01589) used by the BearSSL and forge test suites.

    #[test]
    fn tls12_prf_sha256_vector() {
        let secret = h("9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35");
        let seed = h("a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c");
        let out = prf(PrfKind::Sha256, &secret, b"test label", &seed, 100);
        let expected = h("e3 f2 29 ba 72 7b e1 7b 8d 12 26 20 55 7c d4 53
             c2 aa b2 1d 07 c3 d4 95 32 9b 52 d4 e6 1e db 5a
             6b 30 17 91 e9 0d 35 c9 c9 a4 6b 4e 14 ba f9 af
             0f a0 22 f7 07 7d ef 17 ab fd 37 97 c0 56 4b ab
             4f bc 91 66 6e 9d ef 9b 97 fc e3 4f 79 67 89 ba
             a4 80 82 d1 22 ee 42 c5 a7 2e 5a 51 10 ff f7 01
             87 34 7b 66");
        assert_eq!(out, expected);
    }

    #[test]
    fn tls12_prf_sha384_vector() {
        let secret = h("b8 0b 73 3d 6c ee fc dc 71 56 6e a4 8e 55 67 df");
        let seed = h("cd 66 5c f6 a8 44 7d d6 ff 8b 27 55 5e db 74 65");
        let out = prf(PrfKind::Sha384, &secret, b"test label", &seed, 148);
        let expected = h("7b 0c 18 e9 ce d4 10 ed 18 04 f2 cf a3 4a 33 6a
             1c 14 df fb 49 00 bb 5f d7 94 21 07 e8 1c 83 cd
             e9 ca 0f aa 60 be 9f e3 4f 82 b1 23 3c 91 46 a0
             e5 34 cb 40 0f ed 27 00 88 4f 9d c2 36 f8 0e dd
             8b fa 96 11 44 c9 e8 d7 92 ec a7 22 a7 b3 2f c3
             d4 16 d4 73 eb c2 c5 fd 4a bf da d0 5d 91 84 25
             9b 5b f8 cd 4d 90 fa 0d 31 e2 de c4 79 e4 f1 a2
             60 66 f2 ee a9 a6 92 36 a3 e5 26 55 c9 e9 ae e6
             91 c8 f3 a2 68 54 30 8d 5e aa 3b e8 5e 09 90 70
             3d 73 e5 6f");
        assert_eq!(out, expected);
    }

    #[test]
    fn tls10_prf_vector() {
        // 48-byte secret of 0xab, 64-byte seed of 0xcd, label "PRF Testvector",
        // 104 bytes out.
        let secret = [0xabu8; 48];
        let seed = [0xcdu8; 64];
        let out = prf(PrfKind::Tls10, &secret, b"PRF Testvector", &seed, 104);
        let expected = h("d3 d4 d1 e3 49 b5 d5 15 04 46 66 d5 1d e3 2b ab
             25 8c b5 21 b6 b0 53 46 3e 35 48 32 fd 97 67 54
             44 3b cf 9a 29 65 19 bc 28 9a bc bc 11 87 e4 eb
             d3 1e 60 23 53 77 6c 40 8a af b7 4c bc 85 ef f6
             92 55 f9 78 8f aa 18 4c bb 95 7a 98 19 d8 4a 5d
             7e b0 06 eb 45 9d 3a e8 de 98 10 45 4b 8b 2d 8f
             1a fb c6 55 a8 c9 a0 13");
        assert_eq!(out, expected);
    }

    #[test]
    fn tls10_prf_odd_secret_shares_middle_byte() {
        // With an odd-length secret S1 and S2 overlap by one byte: check against
        // an explicit P_MD5 / P_SHA-1 computation.
        let secret = h("01 02 03 04 05");
        let mut md5 = vec![0u8; 40];
        p_hash::<Hmac<Md5>>(&secret[..3], b"l", b"s", &mut md5);
        let mut sha = vec![0u8; 40];
        p_hash::<Hmac<Sha1>>(&secret[2..], b"l", b"s", &mut sha);
        let xor: Vec<u8> = md5.iter().zip(&sha).map(|(a, b)| a ^ b).collect();
        assert_eq!(prf(PrfKind::Tls10, &secret, b"l", b"s", 40), xor);
    }

    #[test]
    fn prf_output_is_prefix_consistent() {
        for kind in [
            PrfKind::Ssl3,
            PrfKind::Tls10,
            PrfKind::Sha256,
            PrfKind::Sha384,
        ] {
            let long = prf(kind, b"secret", b"label", b"seed", 200);
            for n in [0, 1, 15, 16, 17, 20, 32, 48, 63, 64, 65, 199] {
                assert_eq!(
                    prf(kind, b"secret", b"label", b"seed", n),
                    long[..n],
                    "{kind:?} {n}"
                );
            }
        }
    }

    #[test]
    fn prf_kind_for_suite() {
        let aes_sha = lookup(CipherSuiteId(0x002f)).unwrap(); // TLS_RSA_WITH_AES_128_CBC_SHA
        let gcm384 = lookup(CipherSuiteId(0x009d)).unwrap(); // TLS_RSA_WITH_AES_256_GCM_SHA384
        let gcm256 = lookup(CipherSuiteId(0x009c)).unwrap(); // TLS_RSA_WITH_AES_128_GCM_SHA256
        assert_eq!(PrfKind::for_suite(0x0300, aes_sha), PrfKind::Ssl3);
        assert_eq!(PrfKind::for_suite(0x0301, aes_sha), PrfKind::Tls10);
        assert_eq!(PrfKind::for_suite(0x0302, aes_sha), PrfKind::Tls10);
        assert_eq!(PrfKind::for_suite(0x0303, aes_sha), PrfKind::Sha256);
        assert_eq!(PrfKind::for_suite(0x0303, gcm256), PrfKind::Sha256);
        assert_eq!(PrfKind::for_suite(0x0303, gcm384), PrfKind::Sha384);
        assert_eq!(PrfKind::for_suite(0xfeff, aes_sha), PrfKind::Tls10);
        assert_eq!(PrfKind::for_suite(0xfefd, gcm384), PrfKind::Sha384);
    }

    // --- End-to-end vectors from Wireshark debug traces -------------------

    /// rsasnakeoil2.pcap (Wireshark test corpus), first session: SSL 3.0,
    /// TLS_RSA_WITH_AES_256_CBC_SHA, SSLv2-format ClientHello (16-byte
    /// challenge padded to a 32-byte client random). Values from the tshark
    /// debug trace (rsasnakeoil2.tlsdebug.txt).
    #[test]
    fn ssl3_rsasnakeoil2_derivation() {
        let pms = h("03 00 ff 84 56 6d a0 fb cc fd c6 c8 20 d5 f0 65
             18 87 b0 44 45 9c e3 92 f0 4d 32 cd 41 85 10 24
             cb 7a b3 01 36 3d 93 27 12 a4 7e 00 29 96 59 d8");
        let cr = h("00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
             a8 b8 93 bb 90 e9 2a a2 4d 6d cc 1c e7 2a 80 21");
        let sr = h("44 4c 94 8f fe 81 ed 93 65 02 88 a3 f8 eb 63 86
             0e 2c f6 8d d0 0f 2c 2a d6 4f cd 2d 3c 16 d7 d6");
        let suite = lookup(CipherSuiteId(0x0035)).unwrap();
        let kind = PrfKind::for_suite(0x0300, suite);
        assert_eq!(kind, PrfKind::Ssl3);
        let master = master_secret(kind, &pms, &cr, &sr);
        assert_eq!(
            master.to_vec(),
            h("1e db 35 95 b8 18 b3 52 58 f3 07 3f e6 af 8a a6
               ab c3 a4 ed 66 3a 46 86 b6 e5 49 2a 7c f7 8c c2
               ac 22 bb 13 15 0f d8 62 a2 39 23 7b c2 ff 28 fb")
        );
        let kb = key_block(kind, &master, &cr, &sr, 136);
        assert_eq!(
            kb,
            h("11 60 e4 e1 74 e9 a1 cf 67 f9 b7 bc ef bc a7 c7
               b3 f7 33 aa b2 42 d0 1c a6 4e fb e9 9b 13 dd 29
               63 aa 17 1f 47 71 95 71 08 e0 4b 8e e1 da 7b 4a
               5a f3 c2 32 bd e0 a5 82 6d 14 44 3a d6 cb 2d c0
               7d 57 be a8 37 de 5d d9 a1 07 fd 1b 22 71 b9 4b
               7a 1e 0f 70 37 14 97 0a f0 db 98 3b 7b 74 e3 2d
               51 66 2e 31 68 90 ac 6f e6 53 3c c9 5e 48 0c 05
               bc 9f 92 e7 f9 91 98 f5 95 1c c4 bf d9 cb 26 ef
               35 70 5e ad 21 22 3e f6")
        );
        let keys = session_keys(kind, 0x0300, suite, &master, &cr, &sr);
        assert_eq!(keys.client_mac, kb[..20]);
        assert_eq!(keys.server_mac, kb[20..40]);
        assert_eq!(keys.client_key, kb[40..72]);
        assert_eq!(keys.server_key, kb[72..104]);
        assert_eq!(
            keys.client_iv,
            h("e6 53 3c c9 5e 48 0c 05 bc 9f 92 e7 f9 91 98 f5")
        );
        assert_eq!(
            keys.server_iv,
            h("95 1c c4 bf d9 cb 26 ef 35 70 5e ad 21 22 3e f6")
        );
    }

    /// rsa-p-lt-q.pcap (Wireshark test corpus): TLS 1.2,
    /// TLS_RSA_WITH_AES_256_CBC_SHA. Values from rsa-p-lt-q.tlsdebug.txt.
    /// Wireshark also prints 16-byte "write IVs" (the key-block bytes after
    /// the keys), but TLS 1.2 CBC has no IVs in the key block.
    #[test]
    fn tls12_rsa_p_lt_q_derivation() {
        let pms = h("03 03 b1 7f 7b 93 4c 14 f0 3f c6 d9 8a b3 2d 43
             31 fd 36 88 f2 a0 50 76 ea 73 79 65 0c 31 f5 93
             a6 59 0c 7a 09 72 04 f2 e7 58 fe ec 22 93 36 15");
        let cr = h("31 4a 71 14 bb b0 f1 80 0f 98 7e 83 e0 90 19 75
             82 25 b0 dc 8a e0 87 fe fc 5e 0a 92 99 8a f0 eb");
        let sr = h("d9 9d f0 98 ba 90 4d 14 cf 62 c8 ce a7 c3 6d bd
             ac 36 a5 ae 47 96 7e 99 b0 f6 e2 68 94 74 cc 9f");
        let suite = lookup(CipherSuiteId(0x0035)).unwrap();
        let kind = PrfKind::for_suite(0x0303, suite);
        assert_eq!(kind, PrfKind::Sha256);
        let master = master_secret(kind, &pms, &cr, &sr);
        assert_eq!(
            master.to_vec(),
            h("fb cb fd 10 cf a0 a4 e9 38 a7 50 f2 3d b2 15 73
               e5 03 0b 97 50 01 9b 47 b7 44 80 a0 16 02 e1 1c
               3e 7e 67 c6 68 dc e4 09 b5 40 cd d0 f6 31 f5 09")
        );
        let kb = key_block(kind, &master, &cr, &sr, 136);
        assert_eq!(
            kb,
            h("f8 49 1e 5a 8a 1a e1 69 aa 70 2e 87 0e db 29 4f
               c0 30 5f 9c 7d a2 ee 45 df 11 cb ea c2 3d d5 8a
               16 de 7b bc f2 39 48 ce cb 34 c6 0c 03 52 2b bf
               44 4e a2 5a 56 da 45 e7 3b 77 c1 94 52 4d 37 bf
               2f 9e a0 20 6c 2f af c5 05 54 c2 41 44 e2 7e d9
               9f 69 5f 11 1d e2 82 cc 6f fd f4 0c 1d 83 e6 b2
               82 fc 93 49 05 a0 38 77 da 03 52 63 2b 0e 68 b0
               05 b0 2a 59 31 d2 15 46 87 34 9d 10 cf 59 be 65
               80 d3 67 7f 3d 1e 7f 6b")
        );
        let keys = session_keys(kind, 0x0303, suite, &master, &cr, &sr);
        assert_eq!(
            keys.client_mac,
            h("f8 49 1e 5a 8a 1a e1 69 aa 70 2e 87 0e db 29 4f c0 30 5f 9c")
        );
        assert_eq!(
            keys.server_mac,
            h("7d a2 ee 45 df 11 cb ea c2 3d d5 8a 16 de 7b bc f2 39 48 ce")
        );
        assert_eq!(keys.client_key, kb[40..72]);
        assert_eq!(keys.server_key, kb[72..104]);
        assert!(keys.client_iv.is_empty() && keys.server_iv.is_empty());
        // TLS 1.1 has no key-block IVs either; TLS 1.0 does.
        let k11 = session_keys(kind, 0x0302, suite, &master, &cr, &sr);
        assert!(k11.client_iv.is_empty() && k11.server_iv.is_empty());
        let k10 = session_keys(kind, 0x0301, suite, &master, &cr, &sr);
        assert_eq!(k10.client_iv, kb[104..120]);
        assert_eq!(k10.server_iv, kb[120..136]);
    }

    /// dhe1.pcapng.gz (Wireshark test corpus): TLS 1.0,
    /// TLS_DHE_RSA_WITH_AES_256_CBC_SHA, master secret from dhe1_keylog.dat;
    /// key block as printed by `tshark -o tls.debug_file:…`.
    #[test]
    fn tls10_dhe1_key_block() {
        let master = h("3c c9 e5 06 8e 67 43 93 c1 0e 54 04 30 f6 0a b7
             94 c0 28 b2 77 ca d9 c7 08 75 84 00 b8 03 ad 4f
             c8 1d 67 96 af d1 4d 89 52 f7 cd 9e 42 68 b4 db");
        let sr = h("53 1f 88 d1 02 24 a5 68 83 0f c5 b6 ba ee f3 ee
             be 3a dc 5e 81 a5 3d 4a 50 57 e8 e4 ca 0e 96 8f");
        let cr = h("53 1f 88 d1 14 fc f9 ce 97 29 b5 45 8f 73 e1 80
             73 24 45 90 29 ee 4b ea 43 f8 ee 4c e0 6c 77 c0");
        let suite = lookup(CipherSuiteId(0x0039)).unwrap();
        let kind = PrfKind::for_suite(0x0301, suite);
        assert_eq!(kind, PrfKind::Tls10);
        let keys = session_keys(kind, 0x0301, suite, &master, &cr, &sr);
        let kb = h("da 22 e5 b1 50 f7 6c 6b e1 6d e7 aa 63 fb fb c9
             b0 d2 19 9d 34 77 59 47 59 6d 4e bf 33 9d be 7a
             73 d8 a4 56 b3 05 dc 4e 2a 67 ad 59 15 56 6a f4
             07 7a b7 7b 60 5a 16 b0 7f 2d 1f 15 95 7c f9 8a
             d1 5b 1b e6 69 d0 55 0d 09 7d 58 ac 9c 39 c5 58
             56 5c ee 9d b2 37 d9 b3 ef 25 5f 8a ec 4f 1b f2
             26 a8 ab 98 c0 85 5e 98 40 d5 d3 6e 41 d7 35 22
             81 8e e3 53 0a 80 63 ab a2 8f 32 1f 34 e8 1a 49
             5c a1 fd d4 62 ab c6 52");
        assert_eq!(key_block(kind, &master, &cr, &sr, 136), kb);
        assert_eq!(keys.client_mac, kb[..20]);
        assert_eq!(keys.server_mac, kb[20..40]);
        assert_eq!(keys.client_key, kb[40..72]);
        assert_eq!(keys.server_key, kb[72..104]);
        assert_eq!(keys.client_iv, kb[104..120]);
        assert_eq!(keys.server_iv, kb[120..136]);
    }

    /// tls12-aes256gcm.pcap (Wireshark test corpus): TLS 1.2,
    /// TLS_PSK_WITH_AES_256_GCM_SHA384 with PSK ca19e028a8a372ad2d325f950fcaceed,
    /// so the SHA-384 PRF end to end, including both Finished messages (the
    /// handshake is short enough to carry here: no certificate).
    #[test]
    fn tls12_psk_gcm_sha384_end_to_end() {
        let suite = lookup(CipherSuiteId(0x00a9)).unwrap();
        let kind = PrfKind::for_suite(0x0303, suite);
        assert_eq!(kind, PrfKind::Sha384);
        // PSK pre-master: uint16 N, N zeros, uint16 N, psk (RFC 4279 §2).
        let pms = h("0010 00000000000000000000000000000000 0010 ca19e028a8a372ad2d325f950fcaceed");
        let client_hello = h(
            "0100004b0303588e60d1d96bad5f1fcf0b8818466257d73385bdaaed0ac4bfd7228a6da059ad
             00000200a9010000200005000501000000000000000e000c0000096c6f63616c686f7374ff01000100",
        );
        let server_hello = h("0200004d0303588e604be7861c80c200a2394e0c536fd23858f60f1f7bd71b323a8d418c9260
             206e1fee247b40cd56f5d3e1c321c2c87af8e42c32e641ecda3c97c3d62268d90800a9000005ff01000100");
        let done = h("0e000000");
        let cke = h("100000060004 74657374");
        let cr = client_hello[6..38].to_vec();
        let sr = server_hello[6..38].to_vec();
        let master = master_secret(kind, &pms, &cr, &sr);
        assert_eq!(
            master.to_vec(),
            h("48 a7 b6 36 19 0f 27 4b 2b 71 75 d0 9d 7e ff 5a
               be 8d a9 41 5c 97 a4 6a 0f 0c 1a ae b0 20 6c 94
               02 9d 7b 8f d9 bf 90 f7 67 5f 7f 45 cb 35 f1 19")
        );
        let keys = session_keys(kind, 0x0303, suite, &master, &cr, &sr);
        assert!(keys.client_mac.is_empty() && keys.server_mac.is_empty());
        assert_eq!(
            keys.client_key,
            h("3d ee 31 df 42 9a bf da b0 d0 14 5b e0 f0 91 da 6d ab 03 25 be 88 ab 18 f1 df a1 a0 64 23 8a 10")
        );
        assert_eq!(
            keys.server_key,
            h("a0 48 47 c7 75 99 2f 2d 3f 3e fd 87 ef 2c 5c 1c c2 0c f6 c0 b2 db 12 64 8c fc 27 9c e5 f3 b0 f6")
        );
        assert_eq!(keys.client_iv, h("34 ee 22 ec"));
        assert_eq!(keys.server_iv, h("f4 a6 4c f9"));

        let mut transcript = [client_hello, server_hello, done, cke].concat();
        let client_fin = finished_verify_data(kind, &master, true, &transcript);
        // Decrypted client Finished: 14 00 00 0c f5 d3 b2 dd d1 f1 12 00 e0 1b 53 33.
        assert_eq!(client_fin, h("f5 d3 b2 dd d1 f1 12 00 e0 1b 53 33"));
        transcript.extend_from_slice(&h("1400000c"));
        transcript.extend_from_slice(&client_fin);
        let server_fin = finished_verify_data(kind, &master, false, &transcript);
        assert_eq!(server_fin, h("e7 18 a3 cf 1b 89 e3 7b e2 d1 88 54"));
    }

    /// tls12-aes128ccm.pcap (Wireshark test corpus): TLS 1.2,
    /// TLS_PSK_WITH_AES_128_CCM (SHA-256 PRF), same PSK.
    #[test]
    fn tls12_psk_ccm_sha256_end_to_end() {
        let suite = lookup(CipherSuiteId(0xc0a4)).unwrap();
        let kind = PrfKind::for_suite(0x0303, suite);
        assert_eq!(kind, PrfKind::Sha256);
        let pms = h("0010 00000000000000000000000000000000 0010 ca19e028a8a372ad2d325f950fcaceed");
        let client_hello = h(
            "0100004b0303588e602c71a59a6e8f015a3e15cc7070402eb5b38aee4efe536aba4d26b1bcd9
             000002c0a4010000200005000501000000000000000e000c0000096c6f63616c686f7374ff01000100",
        );
        let server_hello = h("0200004d0303588e6010651c124831129733e0b888b6cba75352a8224627bda4ff1cceed3cd9
             2060d63745d796ba495c0f8e279df25ef7e6b7fd0449fa0973c92b2d9ef7c73004c0a4000005ff01000100");
        let rest = h("0e000000 100000060004 74657374");
        let cr = client_hello[6..38].to_vec();
        let sr = server_hello[6..38].to_vec();
        let master = master_secret(kind, &pms, &cr, &sr);
        assert_eq!(
            master.to_vec(),
            h("35 d4 2e 2a 51 0b 2d ae 07 8d f5 3d a7 10 e4 f9
               5b 58 d8 f3 1e 30 81 af 0d 46 8f 0e 68 b0 dd 2d
               de b5 13 f9 3d 05 2f 59 54 5b e3 2d 34 3f f9 ce")
        );
        let keys = session_keys(kind, 0x0303, suite, &master, &cr, &sr);
        assert_eq!(
            keys.client_key,
            h("e7 e7 21 2c 73 fb 69 c0 31 46 b5 c1 59 2e 81 43")
        );
        assert_eq!(
            keys.server_key,
            h("8d 51 9a e9 0c 4a f3 c8 a6 a9 1b 33 f6 0d 81 52")
        );
        assert_eq!(keys.client_iv, h("88 10 b6 00"));
        assert_eq!(keys.server_iv, h("4f 00 e2 f3"));
        let mut transcript = [client_hello, server_hello, rest].concat();
        let client_fin = finished_verify_data(kind, &master, true, &transcript);
        assert_eq!(client_fin, h("48 66 65 65 0f cf 77 5c a2 69 a6 19"));
        transcript.extend_from_slice(&h("1400000c"));
        transcript.extend_from_slice(&client_fin);
        let server_fin = finished_verify_data(kind, &master, false, &transcript);
        assert_eq!(server_fin, h("37 d8 f7 3d 37 b6 ec c3 8b 8f ec 64"));
    }

    /// tls12-chacha20poly1305.pcap (Wireshark test corpus), first session:
    /// TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, master secret from
    /// tls12-chacha20poly1305.keys: 12-byte IVs from the key block.
    #[test]
    fn tls12_chacha20_key_block_split() {
        let suite = lookup(CipherSuiteId(0xcca8)).unwrap();
        let master = h("ae e5 3f b1 12 65 9b c2 b3 80 1d b7 d2 30 c2 51
             00 df b7 9f fb 00 f0 86 25 68 85 df c1 f8 fc 54
             5e 52 6f c9 2f e8 84 34 8a 84 96 4b b7 b4 bb c0");
        let cr = h("ab 85 fc 5f 6d b6 7c 9c f8 25 cd 8a 1f 34 cf 6c
             5e 89 ec 09 65 6a 49 44 ec 55 36 a3 6a ed 57 28");
        let sr = h("f7 6c 18 5d ff 55 f3 93 13 08 b0 d7 f1 8d 07 8e
             14 1e cd 89 4b 26 ef e1 5a ab d5 e0 e7 e4 5b 33");
        let kind = PrfKind::for_suite(0x0303, suite);
        let keys = session_keys(kind, 0x0303, suite, &master, &cr, &sr);
        assert_eq!(
            keys.client_key,
            h("1e e6 bb 70 1a 4a d0 ce 46 e2 26 9f 1a 61 6f 18 6f d0 4b 63 4a 4b 1f e6 31 a8 9a a7 34 09 9e 2b")
        );
        assert_eq!(
            keys.server_key,
            h("ce 30 ef 18 d5 4c 45 c8 a2 dc 5b 94 6e 30 e3 f6 cb 54 8b af 13 0c d2 a3 4a ed ad 6f e5 ed 55 85")
        );
        assert_eq!(keys.client_iv, h("c1 f5 85 ba c6 df fe fb 7c d4 ec ca"));
        assert_eq!(keys.server_iv, h("f5 60 3c 38 de 46 cf 33 af 82 69 ef"));
    }

    /// Extended master secret (RFC 7627), TLS 1.2 TLS_RSA_WITH_AES_128_CBC_SHA256
    /// with Encrypt-then-MAC: an OpenSSL 3.0 s_client/s_server handshake over
    /// loopback, decrypted by tshark 4.0 with the server's RSA key; session hash,
    /// pre-master and master secret, and the client Finished from its debug
    /// trace. Before the client Finished the handshake hash equals the session
    /// hash (no CertificateVerify), which checks the Finished PRF as well.
    #[test]
    fn extended_master_secret_openssl_vector() {
        let pms = h("03 03 ab 54 96 42 10 9f bd a7 09 b0 16 21 26 9a
             98 73 61 99 b8 05 fe 7e fd 52 17 0e 4b 1d 88 d1
             7c 9a 53 da fb 2f 41 e8 2c e8 f2 79 8f 51 ef a4");
        let session_hash = h("11 4a 05 09 82 a3 c4 41 88 08 df 71 bd cd 26 03
             55 e4 3d 03 d3 a8 20 16 aa b2 f0 1a 99 e8 01 4c");
        let suite = lookup(CipherSuiteId(0x003c)).unwrap();
        let kind = PrfKind::for_suite(0x0303, suite);
        let master = extended_master_secret(kind, &pms, &session_hash);
        assert_eq!(
            master.to_vec(),
            h("da c6 5b 9d 40 bb 4e c9 1a c5 af 1a ab e6 70 59
               1a 82 ef 9c 2b a8 f7 8c 83 59 d4 24 cb 9f 1b 71
               21 7e 75 05 9a 68 1a e5 b8 54 26 b7 9c d8 92 c4")
        );
        assert_eq!(
            prf(kind, &master, b"client finished", &session_hash, 12),
            h("f2 09 ec b9 4e 75 da e1 b2 bb f1 c4")
        );
        let sr = h("bc c4 0c 52 7b 30 ee dd 15 fd e6 da da 6e 48 df
             72 b1 27 00 74 00 ea b4 63 1d 07 e3 b9 d2 8a 75");
        let cr = h("02 37 c0 f2 b6 be c5 28 5c 30 31 ca bd 69 c0 fc
             72 de 4a 8d bc f7 d9 52 1b b6 70 22 be 3a 9e 1e");
        let keys = session_keys(kind, 0x0303, suite, &master, &cr, &sr);
        assert_eq!(
            keys.client_mac,
            h("f0 7b 34 4f 8a e6 c7 1c d8 25 95 24 cb 34 4f f1 3c ec 9e 6f d2 8f 5a ca 57 a4 87 47 8b 70 82 31")
        );
        assert_eq!(
            keys.client_key,
            h("4f b0 59 58 3a a7 1b 09 0e fa 8e 88 81 0e 63 65")
        );
        assert_eq!(
            keys.server_key,
            h("32 41 78 c2 50 65 e9 e0 53 a7 ae b4 dc cf 6e d7")
        );
        assert!(keys.client_iv.is_empty());
    }

    #[test]
    fn session_hash_shapes() {
        let t = b"handshake messages";
        let legacy = session_hash(PrfKind::Tls10, t);
        assert_eq!(legacy.len(), 36);
        assert_eq!(legacy[..16], Md5::digest(t)[..]);
        assert_eq!(legacy[16..], Sha1::digest(t)[..]);
        assert_eq!(session_hash(PrfKind::Sha256, t), Sha256::digest(t).to_vec());
        assert_eq!(session_hash(PrfKind::Sha384, t), Sha384::digest(t).to_vec());
    }

    #[test]
    fn ssl3_finished_construction() {
        // Spelled out independently of the helper, for a short transcript.
        let master = [0x42u8; 48];
        let transcript = b"\x01\x00\x00\x02ab\x02\x00\x00\x01c";
        let md5_inner = Md5::new()
            .chain_update(transcript)
            .chain_update(b"SRVR")
            .chain_update(master)
            .chain_update([0x36; 48])
            .finalize();
        let md5 = Md5::new()
            .chain_update(master)
            .chain_update([0x5c; 48])
            .chain_update(md5_inner)
            .finalize();
        let sha_inner = Sha1::new()
            .chain_update(transcript)
            .chain_update(b"SRVR")
            .chain_update(master)
            .chain_update([0x36; 40])
            .finalize();
        let sha = Sha1::new()
            .chain_update(master)
            .chain_update([0x5c; 40])
            .chain_update(sha_inner)
            .finalize();
        let got = finished_verify_data(PrfKind::Ssl3, &master, false, transcript);
        assert_eq!(got.len(), 36);
        assert_eq!(got, [md5.as_slice(), sha.as_slice()].concat());
        assert_ne!(
            got,
            finished_verify_data(PrfKind::Ssl3, &master, true, transcript)
        );
    }

    #[test]
    fn ssl3_construction_is_md5_of_sha1_salts() {
        let secret = b"pre-master";
        let seed = b"randoms";
        let out = prf(PrfKind::Ssl3, secret, b"ignored", seed, 40);
        let mut expected = Vec::new();
        for salt in [&b"A"[..], b"BB", b"CCC"] {
            let sha = Sha1::new()
                .chain_update(salt)
                .chain_update(secret)
                .chain_update(seed)
                .finalize();
            expected
                .extend_from_slice(&Md5::new().chain_update(secret).chain_update(sha).finalize());
        }
        assert_eq!(out, expected[..40]);
        assert_eq!(prf(PrfKind::Ssl3, secret, b"other", seed, 40), out);
    }

    #[test]
    fn aead_and_stream_key_block_split() {
        // AES-128-GCM: no MAC keys, 16-byte keys, 4-byte salts.
        let gcm = lookup(CipherSuiteId(0x009c)).unwrap();
        let k = session_keys(PrfKind::Sha256, 0x0303, gcm, &[1; 48], &[2; 32], &[3; 32]);
        let kb = key_block(PrfKind::Sha256, &[1; 48], &[2; 32], &[3; 32], 40);
        assert!(k.client_mac.is_empty());
        assert_eq!(k.client_key, kb[..16]);
        assert_eq!(k.server_key, kb[16..32]);
        assert_eq!(k.client_iv, kb[32..36]);
        assert_eq!(k.server_iv, kb[36..40]);
        // RC4-128-SHA: MAC keys, keys, no IVs.
        let rc4 = lookup(CipherSuiteId(0x0005)).unwrap();
        let k = session_keys(PrfKind::Tls10, 0x0301, rc4, &[1; 48], &[2; 32], &[3; 32]);
        let kb = key_block(PrfKind::Tls10, &[1; 48], &[2; 32], &[3; 32], 72);
        assert_eq!(k.client_mac, kb[..20]);
        assert_eq!(k.server_mac, kb[20..40]);
        assert_eq!(k.client_key, kb[40..56]);
        assert_eq!(k.server_key, kb[56..72]);
        assert!(k.client_iv.is_empty() && k.server_iv.is_empty());
        // 3DES in SSL 3.0: 8-byte IVs.
        let tdes = lookup(CipherSuiteId(0x000a)).unwrap();
        let k = session_keys(PrfKind::Ssl3, 0x0300, tdes, &[1; 48], &[2; 32], &[3; 32]);
        assert_eq!(
            (k.client_key.len(), k.client_iv.len(), k.server_iv.len()),
            (24, 8, 8)
        );
    }
}
