//! CBC block ciphers (AES, Camellia, ARIA, 3DES, DES): MAC-then-encrypt with
//! the TLS or SSL 3.0 padding check, Encrypt-then-MAC (RFC 7366), and the IV
//! chained from record to record in SSL 3.0 / TLS 1.0 (carried in each
//! record from TLS 1.1 on).
//!
//! The CBC constructions hold most of the record layer's special cases
//! (padding rules, MAC order, IV handling), hence a file of their own.

use aes::cipher::inout::InOutBuf;
use aes::cipher::BlockDecrypt;
use aes::{Aes128, Aes256};
use aria::{Aria128, Aria256};
use camellia::{Camellia128, Camellia256};
use des::{Des, TdesEde3};

use super::mac::RecordMac;
use super::{check_iv, new_key, RecordAad, RecordError, TLS10_VERSION};
use crate::tls::cipher_suite::BulkCipher;

/// One direction's CBC state.
pub(super) struct CbcState {
    cipher: BlockCipher,
    block_len: usize,
    /// SSL 3.0 / TLS 1.0: the IV is `iv`, the previous record's last
    /// ciphertext block; TLS 1.1+: each record starts with its IV.
    implicit_iv: bool,
    iv: [u8; 16],
}

impl CbcState {
    /// SSL 3.0 / TLS 1.0: each record's IV is the one before it's last block.
    pub(super) fn chains_iv(&self) -> bool {
        self.implicit_iv
    }

    /// Keys `cipher`; `iv` is the first record's IV in SSL 3.0 / TLS 1.0
    /// (`version` up to `0x0301`) and ignored after.
    pub(super) fn new(
        cipher: BulkCipher,
        key: &[u8],
        version: u16,
        iv: &[u8],
    ) -> Result<Self, String> {
        let cipher = BlockCipher::new(cipher, key)?;
        let block_len = cipher.block_len();
        let implicit_iv = version <= TLS10_VERSION;
        let mut saved_iv = [0u8; 16];
        if implicit_iv {
            check_iv(iv, block_len)?;
            saved_iv[..block_len].copy_from_slice(iv);
        }
        Ok(CbcState {
            cipher,
            block_len,
            implicit_iv,
            iv: saved_iv,
        })
    }

    /// Decrypts and checks one record; with an implicit IV the next IV is
    /// taken from this record first, whatever becomes of it.
    pub(super) fn open(
        &mut self,
        mac: &RecordMac,
        aad: &RecordAad,
        fragment: &[u8],
        encrypt_then_mac: bool,
        ssl3: bool,
    ) -> Result<Vec<u8>, RecordError> {
        let bs = self.block_len;
        let mut record_iv = [0u8; 16];
        let body = if self.implicit_iv {
            record_iv[..bs].copy_from_slice(&self.iv[..bs]);
            // Chain now: the next record's IV is this record's last
            // ciphertext block whatever happens to this one.
            let trailing_mac = if encrypt_then_mac { mac.len() } else { 0 };
            let ct_end = fragment.len().saturating_sub(trailing_mac);
            if ct_end >= bs {
                self.iv[..bs].copy_from_slice(&fragment[ct_end - bs..ct_end]);
            }
            fragment
        } else {
            if fragment.len() < bs {
                return Err(RecordError::TooShort);
            }
            record_iv[..bs].copy_from_slice(&fragment[..bs]);
            &fragment[bs..]
        };
        let iv = &record_iv[..bs];
        if encrypt_then_mac {
            open_cbc_etm(&self.cipher, mac, aad, iv, fragment, body)
        } else {
            open_cbc_mte(&self.cipher, mac, aad, iv, body, ssl3)
        }
    }
}

/// CBC, MAC-then-encrypt: `body` is the ciphertext of content + MAC + padding.
fn open_cbc_mte(
    cipher: &BlockCipher,
    mac: &RecordMac,
    aad: &RecordAad,
    iv: &[u8],
    body: &[u8],
    ssl3: bool,
) -> Result<Vec<u8>, RecordError> {
    let bs = iv.len();
    let mac_len = mac.len();
    if body.is_empty() || !body.len().is_multiple_of(bs) || body.len() < mac_len + 1 {
        return Err(RecordError::TooShort);
    }
    let mut out = vec![0u8; body.len()];
    cipher.cbc_decrypt(iv, body, &mut out);
    let content_len = if ssl3 {
        // RFC 6101 §5.2.3.2: padding content is arbitrary, its length is
        // less than the block length.
        let pad_len = out[out.len() - 1] as usize;
        if pad_len >= bs {
            return Err(RecordError::BadPadding);
        }
        out.len()
            .checked_sub(pad_len + 1 + mac_len)
            .ok_or(RecordError::BadPadding)?
    } else {
        tls_unpad(&out)?
            .checked_sub(mac_len)
            .ok_or(RecordError::BadPadding)?
    };
    let (content, rest) = out.split_at(content_len);
    if !mac.verify(aad, content, &rest[..mac_len]) {
        return Err(RecordError::BadMac);
    }
    out.truncate(content_len);
    Ok(out)
}

/// CBC, Encrypt-then-MAC (RFC 7366): the MAC follows the ciphertext and
/// covers the header (with the IV + ciphertext length), the IV and the
/// ciphertext; it is checked before decrypting.
fn open_cbc_etm(
    cipher: &BlockCipher,
    mac: &RecordMac,
    aad: &RecordAad,
    iv: &[u8],
    fragment: &[u8],
    body: &[u8],
) -> Result<Vec<u8>, RecordError> {
    let bs = iv.len();
    let mac_len = mac.len();
    let ct_len = body
        .len()
        .checked_sub(mac_len)
        .ok_or(RecordError::TooShort)?;
    if ct_len == 0 || !ct_len.is_multiple_of(bs) {
        return Err(RecordError::TooShort);
    }
    let (ciphertext, tag) = body.split_at(ct_len);
    let authenticated = &fragment[..fragment.len() - mac_len];
    if !mac.verify(aad, authenticated, tag) {
        return Err(RecordError::BadMac);
    }
    let mut out = vec![0u8; ct_len];
    cipher.cbc_decrypt(iv, ciphertext, &mut out);
    let content_len = tls_unpad(&out)?;
    out.truncate(content_len);
    Ok(out)
}

/// TLS CBC padding (RFC 5246 §6.2.3.2): the last byte is the padding length
/// and every padding byte equals it. Returns the length before the padding.
fn tls_unpad(plain: &[u8]) -> Result<usize, RecordError> {
    let last = plain.len() - 1;
    let pad_len = plain[last];
    let start = last
        .checked_sub(pad_len as usize)
        .ok_or(RecordError::BadPadding)?;
    if plain[start..last].iter().any(|&b| b != pad_len) {
        return Err(RecordError::BadPadding);
    }
    Ok(start)
}

/// A CBC block cipher with its key schedule.
#[allow(clippy::large_enum_variant)]
enum BlockCipher {
    Aes128(Aes128),
    Aes256(Aes256),
    Camellia128(Camellia128),
    Camellia256(Camellia256),
    Aria128(Aria128),
    Aria256(Aria256),
    TripleDes(TdesEde3),
    Des(Des),
}

impl BlockCipher {
    fn new(cipher: BulkCipher, key: &[u8]) -> Result<Self, String> {
        Ok(match cipher {
            BulkCipher::Aes128 => BlockCipher::Aes128(new_key(key)?),
            BulkCipher::Aes256 => BlockCipher::Aes256(new_key(key)?),
            BulkCipher::Camellia128 => BlockCipher::Camellia128(new_key(key)?),
            BulkCipher::Camellia256 => BlockCipher::Camellia256(new_key(key)?),
            BulkCipher::Aria128 => BlockCipher::Aria128(new_key(key)?),
            BulkCipher::Aria256 => BlockCipher::Aria256(new_key(key)?),
            BulkCipher::TripleDes => BlockCipher::TripleDes(new_key(key)?),
            BulkCipher::Des => BlockCipher::Des(new_key(key)?),
            other => return Err(format!("{other:?} in CBC mode")),
        })
    }

    fn block_len(&self) -> usize {
        match self {
            BlockCipher::TripleDes(_) | BlockCipher::Des(_) => 8,
            _ => 16,
        }
    }

    /// CBC-decrypts `input` (whole blocks) into `out` (same length).
    fn cbc_decrypt(&self, iv: &[u8], input: &[u8], out: &mut [u8]) {
        match self {
            BlockCipher::Aes128(c) => cbc_decrypt(c, iv, input, out),
            BlockCipher::Aes256(c) => cbc_decrypt(c, iv, input, out),
            BlockCipher::Camellia128(c) => cbc_decrypt(c, iv, input, out),
            BlockCipher::Camellia256(c) => cbc_decrypt(c, iv, input, out),
            BlockCipher::Aria128(c) => cbc_decrypt(c, iv, input, out),
            BlockCipher::Aria256(c) => cbc_decrypt(c, iv, input, out),
            BlockCipher::TripleDes(c) => cbc_decrypt(c, iv, input, out),
            BlockCipher::Des(c) => cbc_decrypt(c, iv, input, out),
        }
    }
}

/// CBC decryption with a kept key schedule: all blocks are decrypted in one
/// call (letting the cipher use its parallel backend), then each is XORed
/// with the previous ciphertext block (the IV for the first).
fn cbc_decrypt<C: BlockDecrypt>(cipher: &C, iv: &[u8], input: &[u8], out: &mut [u8]) {
    let bs = C::block_size();
    debug_assert_eq!(iv.len(), bs);
    debug_assert!(input.len().is_multiple_of(bs));
    {
        let buf = InOutBuf::new(input, out).expect("input and output of equal length");
        let (blocks, tail) = buf.into_chunks();
        debug_assert!(tail.is_empty());
        cipher.decrypt_blocks_inout(blocks);
    }
    if input.is_empty() {
        return;
    }
    // Block i XORs with ciphertext block i - 1: the whole output but its first block
    // with the input but its last, in one pass the compiler vectorises.
    let (first, rest) = out.split_at_mut(bs);
    first.iter_mut().zip(iv).for_each(|(b, p)| *b ^= p);
    let prev = &input[..input.len() - bs];
    rest.iter_mut().zip(prev).for_each(|(b, p)| *b ^= p);
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{
        h, roundtrip, sample, suite, Sealer, ALERT, APPLICATION_DATA, HANDSHAKE,
    };
    use super::super::{RecordAad, RecordDecryptor, RecordError};
    use crate::crypto::prf::{self, PrfKind};

    // --- Real records from Wireshark debug traces -------------------------

    /// rsasnakeoil2.pcap, SSL 3.0 TLS_RSA_WITH_AES_256_CBC_SHA, server side:
    /// the Finished then a HelloRequest, chained IV. The HelloRequest's
    /// padding bytes are arbitrary (32 b8 77 53 e7 a6 f9, length 7), as SSL
    /// 3.0 allows.
    #[test]
    fn real_ssl3_aes256_cbc_sha_server_records() {
        let mut d = RecordDecryptor::new(
            suite(0x0035),
            0x0300,
            &h("b2 42 d0 1c a6 4e fb e9 9b 13 dd 29 63 aa 17 1f 47 71 95 71"),
            &h("a1 07 fd 1b 22 71 b9 4b 7a 1e 0f 70 37 14 97 0a
                f0 db 98 3b 7b 74 e3 2d 51 66 2e 31 68 90 ac 6f"),
            &h("95 1c c4 bf d9 cb 26 ef 35 70 5e ad 21 22 3e f6"),
            false,
        )
        .unwrap();
        let finished = d
            .decrypt(
                RecordAad::tls(0, HANDSHAKE, 0x0300),
                &h("ce 7c 92 43 59 cc 3d 90 91 9c 58 f0 7a ce ae 0d
                    08 e0 76 b4 86 b1 15 5b 32 b8 77 53 e7 a6 f9 d0
                    95 5f aa 07 c3 96 7c c9 88 c2 7a 20 89 4f eb eb
                    b6 19 ef aa 27 73 9d a6 b4 9f eb 34 e2 4d 9f 6b"),
            )
            .unwrap();
        assert_eq!(
            finished,
            h("14 00 00 24 37 f8 b2 a5 37 30 09 48 ab 29 d6 09 16 76 a2 ff
               c6 b8 f6 11 4f d4 d0 c0 d1 55 e4 c6 a1 ee a0 80 6e d9 78 d6")
        );
        let hello_request = d
            .decrypt(
                RecordAad::tls(1, HANDSHAKE, 0x0300),
                &h("97 bf 26 c7 53 58 9c 85 33 d1 67 93 e2 39 87 78
                    29 6a 84 dc d7 26 11 7d 83 66 04 74 8b fa 66 26"),
            )
            .unwrap();
        assert_eq!(hello_request, h("00 00 00 00"));
    }

    /// rsasnakeoil2.pcap, SSL 3.0: the client's Finished, keys derived here
    /// from the pre-master secret with the SSL 3.0 PRF.
    #[test]
    fn real_ssl3_client_finished_from_pre_master() {
        let s = suite(0x0035);
        let pms = h("03 00 ff 84 56 6d a0 fb cc fd c6 c8 20 d5 f0 65
             18 87 b0 44 45 9c e3 92 f0 4d 32 cd 41 85 10 24
             cb 7a b3 01 36 3d 93 27 12 a4 7e 00 29 96 59 d8");
        let cr = h("00000000000000000000000000000000 a8b893bb90e92aa24d6dcc1ce72a8021");
        let sr = h("444c948ffe81ed93650288a3f8eb6386 0e2cf68dd00f2c2ad64fcd2d3c16d7d6");
        let kind = PrfKind::for_suite(0x0300, s);
        let master = prf::master_secret(kind, &pms, &cr, &sr);
        let keys = prf::session_keys(kind, 0x0300, s, &master, &cr, &sr);
        let mut d = RecordDecryptor::new(
            s,
            0x0300,
            &keys.client_mac,
            &keys.client_key,
            &keys.client_iv,
            false,
        )
        .unwrap();
        let finished = d
            .decrypt(
                RecordAad::tls(0, HANDSHAKE, 0x0300),
                &h("a9 d8 d7 35 bc 39 56 98 ad 87 61 2a c4 8f cc 03
                    cb 93 80 81 b0 4a c4 d2 09 71 3e 90 3c 8d e0 95
                    44 fe 56 d1 7e 88 e2 48 fd 76 70 76 e2 cd 06 d0
                    f3 9d 13 79 67 1e 37 f6 98 be 59 18 4c fc 75 56"),
            )
            .unwrap();
        assert_eq!(
            finished,
            h("14 00 00 24 77 ab b7 1b 95 47 3c 2b 18 40 6e 0c 2d 2b 33 1d
               52 db 46 ab 31 ed d8 09 64 47 99 ee 8e 3c f1 a4 a9 1c 03 f2")
        );
    }

    /// rsa-p-lt-q.pcap, TLS 1.2 TLS_RSA_WITH_AES_256_CBC_SHA, client side:
    /// Finished, an HTTP request and a close_notify alert, each with its own
    /// explicit IV; keys derived from the pre-master secret.
    #[test]
    fn real_tls12_aes256_cbc_sha_client_records() {
        let s = suite(0x0035);
        let pms = h("03 03 b1 7f 7b 93 4c 14 f0 3f c6 d9 8a b3 2d 43
             31 fd 36 88 f2 a0 50 76 ea 73 79 65 0c 31 f5 93
             a6 59 0c 7a 09 72 04 f2 e7 58 fe ec 22 93 36 15");
        let cr = h("314a7114bbb0f1800f987e83e09019758225b0dc8ae087fefc5e0a92998af0eb");
        let sr = h("d99df098ba904d14cf62c8cea7c36dbdac36a5ae47967e99b0f6e2689474cc9f");
        let kind = PrfKind::for_suite(0x0303, s);
        let master = prf::master_secret(kind, &pms, &cr, &sr);
        let keys = prf::session_keys(kind, 0x0303, s, &master, &cr, &sr);
        assert!(keys.client_iv.is_empty());
        let mut d = RecordDecryptor::new(
            s,
            0x0303,
            &keys.client_mac,
            &keys.client_key,
            &keys.client_iv,
            false,
        )
        .unwrap();
        let finished = d
            .decrypt(
                RecordAad::tls(0, HANDSHAKE, 0x0303),
                &h("4e d9 9f c4 c3 1b 4c 67 55 ce fd 38 af 48 4b e9
                    11 04 4b 03 5a c1 59 25 4f 96 d2 a7 8d f2 bd 48
                    a0 74 64 2e 60 31 9a 41 ff f5 7a 0d f3 aa a8 5b
                    8c aa 58 77 fa 80 aa 56 19 16 41 a8 44 ed cf d8"),
            )
            .unwrap();
        assert_eq!(
            finished,
            h("14 00 00 0c 9c 2d da 26 5b 59 a8 85 43 3e ff 84")
        );
        let request = d
            .decrypt(
                RecordAad::tls(1, APPLICATION_DATA, 0x0303),
                &h(
                    "149fa5b470e254601d0ffd6d157b16c27d8fde504581f53fa77d99410c8c218f
                    0b1c706b0456a2940e41b238261458283063a7e1a0cb360b17fa90c7d9499d7b
                    fbe118e00889b2d3ceb703b2211f510367bcc1fd70b133f1f37341a5fdc1748d
                    3012f840488e4bb3c33d9e574e501123",
                ),
            )
            .unwrap();
        assert_eq!(
            request,
            b"GET / HTTP/1.1\r\nHost: 10.9.0.2\r\nUser-Agent: curl/7.43.0\r\nAccept: */*\r\n\r\n"
        );
        let alert = d
            .decrypt(
                RecordAad::tls(2, ALERT, 0x0303),
                &h(
                    "d65d1193eb976ea172e078d668632572d9d40e4ff7e06affdb9c2445b780cd06
                    d5db77295a3ebe0f5a4d3848ce6cdb70",
                ),
            )
            .unwrap();
        assert_eq!(alert, [1, 0]);
    }

    /// dhe1.pcapng.gz, TLS 1.0 TLS_DHE_RSA_WITH_AES_256_CBC_SHA, client side:
    /// four records with the IV chained from one to the next (Finished, the
    /// empty record of the 0/n split, an HTTP request, close_notify).
    #[test]
    fn real_tls10_aes256_cbc_sha_chained_records() {
        let mut d = RecordDecryptor::new(
            suite(0x0039),
            0x0301,
            &h("da22e5b150f76c6be16de7aa63fbfbc9b0d2199d"),
            &h("2a67ad5915566af4077ab77b605a16b07f2d1f15957cf98ad15b1be669d0550d"),
            &h("40d5d36e41d73522818ee3530a8063ab"),
            false,
        )
        .unwrap();
        let records: [(u8, &str, &[u8]); 4] = [
            (
                HANDSHAKE,
                "8959b359348c1a12ffa16057f68f64ae07ad3cd0327247c7780376d93b143299
                 640eb86fd93981bff90238629c21ba63",
                &[
                    0x14, 0x00, 0x00, 0x0c, 0x5a, 0xd7, 0xc8, 0x4c, 0x7e, 0x12, 0x7a, 0x15, 0x2c,
                    0x14, 0x9e, 0xe5,
                ],
            ),
            (
                APPLICATION_DATA,
                "74b8a38f719e3f0646fbf21bb2bf5203dd8851ef416342ea87229b59da8bc8f6",
                b"",
            ),
            (
                APPLICATION_DATA,
                "2312d4965c6615b93d743fd18c3d021d98f45d860dac6955b4c2b8c0fa474042
                 a88500065754ab287f7c0975f1fff352",
                b"GET /test HTTP/1.0\n",
            ),
            (
                ALERT,
                "55f09442506e60de2f9b0dca0bc9bace17c135c6d81e80eddcdcf18eec7a0896",
                &[1, 0],
            ),
        ];
        for (i, (ct, fragment, plain)) in records.iter().enumerate() {
            assert_eq!(
                d.decrypt(RecordAad::tls(i as u64, *ct, 0x0301), &h(fragment))
                    .unwrap(),
                *plain,
                "record {i}"
            );
        }
    }

    /// TLS 1.2 TLS_RSA_WITH_AES_128_CBC_SHA256 with Encrypt-then-MAC: an
    /// OpenSSL 3.0 s_client → s_server exchange over loopback, decrypted by
    /// tshark 4.0 with the server key (see prf.rs, extended master secret).
    #[test]
    fn real_tls12_encrypt_then_mac_records() {
        let mut d = RecordDecryptor::new(
            suite(0x003c),
            0x0303,
            &h("f07b344f8ae6c71cd8259524cb344ff13cec9e6fd28f5aca57a487478b708231"),
            &h("4fb059583aa71b090efa8e88810e6365"),
            &[],
            true,
        )
        .unwrap();
        let finished = h(
            "73b6b1a63da72809daecb646fe423f200fca449381fad23289f52819f857a880
             abc424cd442844f217c95b13a51b9c9c1a464ae2891fba4cb0bc1846ed290987
             3b835fd69ea6db173e58601de16c0c70",
        );
        // The same record read as MAC-then-encrypt does not authenticate.
        let mut mte = RecordDecryptor::new(
            suite(0x003c),
            0x0303,
            &h("f07b344f8ae6c71cd8259524cb344ff13cec9e6fd28f5aca57a487478b708231"),
            &h("4fb059583aa71b090efa8e88810e6365"),
            &[],
            false,
        )
        .unwrap();
        assert!(mte
            .decrypt(RecordAad::tls(0, HANDSHAKE, 0x0303), &finished)
            .is_err());
        assert_eq!(
            d.decrypt(RecordAad::tls(0, HANDSHAKE, 0x0303), &finished)
                .unwrap(),
            h("1400000cf209ecb94e75dae1b2bbf1c4")
        );
        let request = h(
            "3bf8f2e4506e986e305dd55aa45e1877a19d7015eebf4a27785b45b686ecd27d
             62c26aeb8577fa18e8ff9af73322f87873127e272301206280832954b386ab96
             b8bc6de2fd533083e992b8094122dcf0",
        );
        assert_eq!(
            d.decrypt(RecordAad::tls(1, APPLICATION_DATA, 0x0303), &request)
                .unwrap(),
            b"GET / HTTP/1.0\r\n\r\n"
        );
    }

    #[test]
    fn roundtrip_cbc_sha1_suites_all_versions() {
        let suites = [
            0x002f, // AES_128_CBC_SHA
            0x0035, // AES_256_CBC_SHA
            0x0041, // CAMELLIA_128_CBC_SHA
            0x0084, // CAMELLIA_256_CBC_SHA
            0x000a, // 3DES_EDE_CBC_SHA
            0x0009, // DES_CBC_SHA
        ];
        for id in suites {
            for version in [0x0300, 0x0301, 0x0302, 0x0303] {
                roundtrip(id, version, false);
                if version > 0x0300 {
                    roundtrip(id, version, true);
                }
            }
        }
    }

    #[test]
    fn roundtrip_cbc_sha2_suites() {
        let suites = [
            0x003c, // AES_128_CBC_SHA256
            0x003d, // AES_256_CBC_SHA256
            0x00c0, // CAMELLIA_256_CBC_SHA256
            0xc03c, // ARIA_128_CBC_SHA256
            0xc03d, // ARIA_256_CBC_SHA384
        ];
        for id in suites {
            roundtrip(id, 0x0303, false);
            roundtrip(id, 0x0303, true);
        }
    }

    #[test]
    fn tls_padding_rules() {
        // AES-128-CBC-SHA, TLS 1.2: 1 byte + 20 MAC = 21; 11 bytes of padding
        // make 32.
        let mut tx = Sealer::new(0x002f, 0x0303, false);
        let mut rx = tx.decryptor();
        let ok = tx.seal_padded(APPLICATION_DATA, b"x", Some(&[10; 11]));
        assert_eq!(
            rx.decrypt(RecordAad::tls(0, APPLICATION_DATA, 0x0303), &ok)
                .unwrap(),
            b"x"
        );
        // Longest padding: 251 bytes (21 + 251 = 272 = 17 blocks).
        let long = tx.seal_padded(APPLICATION_DATA, b"x", Some(&[250; 251]));
        assert_eq!(
            rx.decrypt(RecordAad::tls(1, APPLICATION_DATA, 0x0303), &long)
                .unwrap(),
            b"x"
        );
        // One padding byte differs from the length.
        let mut bad = [10u8; 11];
        bad[3] = 9;
        let fragment = tx.seal_padded(APPLICATION_DATA, b"x", Some(&bad));
        assert_eq!(
            rx.decrypt(RecordAad::tls(2, APPLICATION_DATA, 0x0303), &fragment),
            Err(RecordError::BadPadding)
        );
        // Padding length longer than the record.
        let fragment = tx.seal_padded(APPLICATION_DATA, b"", Some(&[200; 12]));
        assert_eq!(
            rx.decrypt(RecordAad::tls(3, APPLICATION_DATA, 0x0303), &fragment),
            Err(RecordError::BadPadding)
        );
        // Padding that eats into the MAC.
        let fragment = tx.seal_padded(APPLICATION_DATA, b"", Some(&[30; 12]));
        assert_eq!(
            rx.decrypt(RecordAad::tls(4, APPLICATION_DATA, 0x0303), &fragment),
            Err(RecordError::BadPadding)
        );
        // The decryptor kept going: the next good record decrypts.
        let fragment = tx.seal(APPLICATION_DATA, b"after");
        assert_eq!(
            rx.decrypt(RecordAad::tls(5, APPLICATION_DATA, 0x0303), &fragment)
                .unwrap(),
            b"after"
        );
    }

    #[test]
    fn ssl3_padding_rules() {
        let mut tx = Sealer::new(0x002f, 0x0300, false);
        let mut rx = tx.decryptor();
        // Arbitrary padding content is fine in SSL 3.0 …
        let fragment = tx.seal_padded(
            HANDSHAKE,
            b"x",
            Some(&[0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 10]),
        );
        assert_eq!(
            rx.decrypt(RecordAad::tls(0, HANDSHAKE, 0x0300), &fragment)
                .unwrap(),
            b"x"
        );
        // … but the padding must be shorter than a block: 11 + 20 + 17 = 48.
        let fragment = tx.seal_padded(HANDSHAKE, &[7; 11], Some(&[16; 17]));
        assert_eq!(
            rx.decrypt(RecordAad::tls(1, HANDSHAKE, 0x0300), &fragment),
            Err(RecordError::BadPadding)
        );
        // The same 17-byte padding is valid TLS.
        let mut tls = Sealer::new(0x002f, 0x0301, false);
        let mut tls_rx = tls.decryptor();
        let fragment = tls.seal_padded(HANDSHAKE, &[7; 11], Some(&[16; 17]));
        assert_eq!(
            tls_rx
                .decrypt(RecordAad::tls(0, HANDSHAKE, 0x0301), &fragment)
                .unwrap(),
            [7; 11]
        );
        // And inconsistent padding bytes are not valid TLS.
        let fragment = tls.seal_padded(
            HANDSHAKE,
            b"x",
            Some(&[0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 10]),
        );
        assert_eq!(
            tls_rx.decrypt(RecordAad::tls(1, HANDSHAKE, 0x0301), &fragment),
            Err(RecordError::BadPadding)
        );
    }

    #[test]
    fn encrypt_then_mac_padding_checked_after_mac() {
        let mut tx = Sealer::new(0x003c, 0x0303, true);
        let mut rx = tx.decryptor();
        // Valid MAC over a ciphertext whose padding is inconsistent.
        let fragment = tx.seal_padded(
            APPLICATION_DATA,
            &[1, 2, 3],
            Some(&[9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 12]),
        );
        assert_eq!(
            rx.decrypt(RecordAad::tls(0, APPLICATION_DATA, 0x0303), &fragment),
            Err(RecordError::BadPadding)
        );
        let fragment = tx.seal_padded(APPLICATION_DATA, &[1, 2, 3], Some(&[12; 13]));
        assert_eq!(
            rx.decrypt(RecordAad::tls(1, APPLICATION_DATA, 0x0303), &fragment)
                .unwrap(),
            [1, 2, 3]
        );
    }

    #[test]
    fn tls10_iv_chains_across_records_even_after_a_bad_mac() {
        for etm in [false, true] {
            let mut tx = Sealer::new(0x002f, 0x0301, etm);
            let r1 = tx.seal(APPLICATION_DATA, &sample(100));
            let r2 = tx.seal(APPLICATION_DATA, &sample(50));
            let r3 = tx.seal(APPLICATION_DATA, &sample(10));

            // In order: fine.
            let mut rx = tx.decryptor();
            assert_eq!(
                rx.decrypt(RecordAad::tls(0, APPLICATION_DATA, 0x0301), &r1)
                    .unwrap(),
                sample(100)
            );
            assert_eq!(
                rx.decrypt(RecordAad::tls(1, APPLICATION_DATA, 0x0301), &r2)
                    .unwrap(),
                sample(50)
            );
            assert_eq!(
                rx.decrypt(RecordAad::tls(2, APPLICATION_DATA, 0x0301), &r3)
                    .unwrap(),
                sample(10)
            );

            // Record 1 damaged in its first block: it fails, but its last
            // ciphertext block still becomes record 2's IV.
            let mut rx = tx.decryptor();
            let mut bad = r1.clone();
            bad[0] ^= 0x80;
            assert_eq!(
                rx.decrypt(RecordAad::tls(0, APPLICATION_DATA, 0x0301), &bad),
                Err(RecordError::BadMac)
            );
            assert_eq!(
                rx.decrypt(RecordAad::tls(1, APPLICATION_DATA, 0x0301), &r2)
                    .unwrap(),
                sample(50)
            );
            assert_eq!(
                rx.decrypt(RecordAad::tls(2, APPLICATION_DATA, 0x0301), &r3)
                    .unwrap(),
                sample(10)
            );

            // Skipping record 1 leaves the wrong IV, even with record 2's number
            // (the chained IV is state the decryptor carries): the first block
            // comes out garbled. MAC-then-encrypt then fails the MAC;
            // Encrypt-then-MAC authenticated the ciphertext, which is intact.
            let mut rx = tx.decryptor();
            let got = rx.decrypt(RecordAad::tls(1, APPLICATION_DATA, 0x0301), &r2);
            if etm {
                let got = got.unwrap();
                assert_ne!(got[..16], sample(50)[..16]);
                assert_eq!(got[16..], sample(50)[16..]);
            } else {
                assert_eq!(got, Err(RecordError::BadMac));
            }
        }
    }

    #[test]
    fn tls11_records_carry_their_own_iv() {
        // Each record decrypts on its own once the sequence number matches:
        // no state flows from one record to the next.
        let mut tx = Sealer::new(0x0035, 0x0302, false);
        let r1 = tx.seal(APPLICATION_DATA, &sample(40));
        let r2 = tx.seal(APPLICATION_DATA, &sample(41));
        let mut rx = tx.decryptor();
        assert_eq!(
            rx.decrypt(
                RecordAad::tls(0, APPLICATION_DATA, 0x0302),
                &r1[..r1.len() - 1]
            ),
            Err(RecordError::TooShort)
        );
        assert_eq!(
            rx.decrypt(RecordAad::tls(1, APPLICATION_DATA, 0x0302), &r2)
                .unwrap(),
            sample(41)
        );
    }
}
