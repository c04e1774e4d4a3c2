//! Certificate compression (RFC 8879): the TLS 1.3 CompressedCertificate message.
//!
//! ```text
//!  CompressedCertificate: algorithm(2) uncompressed_length(3) compressed_certificate_message<1..2^24-1>
//! ```
//! The compressed bytes are the body of the Certificate message it stands for (Chrome
//! offers brotli, and servers such as Cloudflare's send it). The transcript hashes the
//! message as sent, so decompressing only serves to read the chain.

use std::io::Read;

use super::codec::{DecodeResult, Reader};
use super::handshake::MAX_HANDSHAKE_LEN;
use super::registry::CertificateCompressionAlgorithm;

/// A CompressedCertificate message's fields.
#[derive(Debug, Clone, Copy)]
pub struct Compressed<'a> {
    pub algorithm: CertificateCompressionAlgorithm,
    pub uncompressed_length: usize,
    pub data: &'a [u8],
}

impl<'a> Compressed<'a> {
    pub fn parse(body: &'a [u8]) -> DecodeResult<Self> {
        let mut r = Reader::new(body, "CompressedCertificate");
        Ok(Compressed {
            algorithm: CertificateCompressionAlgorithm(r.field("algorithm").u16()?),
            uncompressed_length: r.field("uncompressed_length").u24()? as usize,
            data: r.field("compressed_certificate_message").vec24()?,
        })
    }

    /// The Certificate message body it carries.
    pub fn decompress(&self) -> Result<Vec<u8>, String> {
        decompress(self.algorithm, self.data, self.uncompressed_length)
    }
}

/// What a CompressedCertificate said about itself, beside the chain it carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateCompression {
    pub algorithm: CertificateCompressionAlgorithm,
    pub uncompressed_length: usize,
    pub compressed_length: usize,
    /// Why the chain was not read: an algorithm not decoded here, or damage.
    pub error: Option<String>,
}

/// Brotli's working buffer: its window is allocated apart from it, at most 16 MiB.
const BROTLI_BUFFER: usize = 4096;

/// How much larger than its compressed form a chain may claim to be. Certificates
/// are mostly keys and signatures, which do not compress: real chains shrink by a
/// third at most (805 bytes to 776 with brotli), so 16 times is far beyond them, and it
/// keeps a capture of small bombs from costing a megabyte of inflating per message.
const MAX_RATIO: usize = 16;
/// What any message may claim beyond that ratio (a tiny chain compresses badly).
const RATIO_SLACK: usize = 1024;

/// The largest zstd window taken (the decoder reserves it before decoding a byte, and a
/// frame header may ask for 100 MiB); an encoder that knew it had a chain of at most
/// 1 MiB to compress asks for no more than that.
const MAX_ZSTD_WINDOW: u64 = 8 << 20;

/// A zstd frame's window size (RFC 8878 §3.1.1.1): from its Window_Descriptor, or, in
/// a single-segment frame, its Frame_Content_Size. `None` if `data` is no frame header.
fn zstd_window(data: &[u8]) -> Option<u64> {
    if data.get(..4)? != [0x28, 0xb5, 0x2f, 0xfd] {
        return None;
    }
    let descriptor = *data.get(4)?;
    if descriptor & 0x20 == 0 {
        let window = *data.get(5)?;
        let base = 1u64 << (10 + u64::from(window >> 3));
        return Some(base + base / 8 * u64::from(window & 7));
    }
    let dictionary_id_len = [0, 1, 2, 4][usize::from(descriptor & 3)];
    let content_size_len = [1, 2, 4, 8][usize::from(descriptor >> 6)];
    let at = 5 + dictionary_id_len;
    let bytes = data.get(at..at + content_size_len)?;
    let size = bytes
        .iter()
        .rev()
        .fold(0u64, |v, &b| (v << 8) | u64::from(b));
    Some(if content_size_len == 2 {
        size + 256
    } else {
        size
    })
}

/// The Certificate body inside `compressed`, which must be exactly `uncompressed_length`
/// bytes (RFC 8879 §4: anything else is a bad_certificate). At most
/// [`MAX_HANDSHAKE_LEN`] bytes are ever produced, whatever the message claims, so a
/// small message cannot make a large allocation.
fn decompress(
    algorithm: CertificateCompressionAlgorithm,
    compressed: &[u8],
    uncompressed_length: usize,
) -> Result<Vec<u8>, String> {
    if uncompressed_length > MAX_HANDSHAKE_LEN {
        return Err(format!(
            "claims {uncompressed_length} bytes uncompressed, over the {MAX_HANDSHAKE_LEN}-byte limit"
        ));
    }
    if uncompressed_length > compressed.len() * MAX_RATIO + RATIO_SLACK {
        return Err(format!(
            "claims {uncompressed_length} bytes from {}: more than {MAX_RATIO} times, not \
             decompressed",
            compressed.len()
        ));
    }
    // One byte more than claimed: enough to tell that the data runs longer.
    let limit = uncompressed_length as u64 + 1;
    let mut out = Vec::with_capacity(uncompressed_length);
    let read = match algorithm {
        CertificateCompressionAlgorithm::ZLIB => flate2::read::ZlibDecoder::new(compressed)
            .take(limit)
            .read_to_end(&mut out),
        CertificateCompressionAlgorithm::BROTLI => {
            brotli_decompressor::Decompressor::new(compressed, BROTLI_BUFFER)
                .take(limit)
                .read_to_end(&mut out)
        }
        CertificateCompressionAlgorithm::ZSTD => match zstd_window(compressed) {
            None => return Err("zstd data does not start with a frame header".into()),
            Some(w) if w > MAX_ZSTD_WINDOW => {
                return Err(format!(
                    "zstd frame asks for a {w}-byte window, over the {MAX_ZSTD_WINDOW}-byte limit"
                ))
            }
            Some(_) => match ruzstd::decoding::StreamingDecoder::new(compressed) {
                Ok(d) => d.take(limit).read_to_end(&mut out),
                Err(e) => Err(std::io::Error::other(e.to_string())),
            },
        },
        other => return Err(format!("{} is not decoded here", other.label())),
    };
    match read {
        Err(e) => Err(format!(
            "{} data does not decompress: {e}",
            algorithm.label()
        )),
        Ok(_) if out.len() != uncompressed_length => Err(format!(
            "decompresses to {}{} bytes, not the {uncompressed_length} it claims",
            if out.len() as u64 == limit {
                "more than "
            } else {
                ""
            },
            out.len().min(uncompressed_length)
        )),
        Ok(_) => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn zlib_round_trip_and_wrong_lengths() {
        let body = b"certificate body".repeat(100);
        let z = zlib(&body);
        let alg = CertificateCompressionAlgorithm::ZLIB;
        assert_eq!(decompress(alg, &z, body.len()).unwrap(), body);
        let short = decompress(alg, &z, body.len() - 1).unwrap_err();
        assert!(short.contains("more than"), "{short}");
        assert!(decompress(alg, &z, body.len() + 1).is_err());
        assert!(decompress(alg, &z[..z.len() / 2], body.len()).is_err());
        assert!(decompress(alg, b"not zlib", 10).is_err());
    }

    /// A bomb (a few KB that inflate to 64 MiB) stops at the claimed length.
    #[test]
    fn bombs_stop_at_the_claimed_length() {
        let z = zlib(&vec![0u8; 64 << 20]);
        assert!(z.len() < 100_000);
        let alg = CertificateCompressionAlgorithm::ZLIB;
        assert!(decompress(alg, &z, 1000).is_err());
        assert!(decompress(alg, &z, 64 << 20).is_err(), "over the limit");
        let e = decompress(alg, &z, z.len() * 16 + 2000).unwrap_err();
        assert!(e.contains("16 times"), "{e}");
    }

    /// Random and bit-flipped (zlib, zstd) inputs never panic, and never give more than claimed.
    #[test]
    fn damaged_inputs_fail_cleanly() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let good = [
            zlib(&b"certificate body".repeat(50)),
            hex::decode(ZSTD_FRAME).unwrap(),
        ];
        for _ in 0..3000 {
            let mut input: Vec<u8> = match next() % 3 {
                0 => (0..next() % 300).map(|_| next() as u8).collect(),
                n => good[n as usize - 1].clone(),
            };
            if !input.is_empty() {
                let i = next() as usize % input.len();
                input[i] ^= 1 << (next() % 8);
            }
            let claimed = (next() % 2000) as usize;
            for alg in [1, 2, 3] {
                let alg = CertificateCompressionAlgorithm(alg);
                if let Ok(out) = decompress(alg, &input, claimed) {
                    assert_eq!(out.len(), claimed);
                }
            }
        }
    }

    /// `zstd -19` of "certificate body " 60 times: a single-segment frame whose
    /// content size (1,020 bytes) is its window.
    const ZSTD_FRAME: &str =
        "28b52ffd64fc02c5000088636572746966696361746520626f6479200100d153359772edd76b";

    #[test]
    fn zstd_round_trip_and_windows() {
        let z = hex::decode(ZSTD_FRAME).unwrap();
        let alg = CertificateCompressionAlgorithm::ZSTD;
        assert_eq!(zstd_window(&z), Some(1020));
        assert_eq!(
            decompress(alg, &z, 1020).unwrap(),
            b"certificate body ".repeat(60)
        );
        assert!(decompress(alg, &z, 1019).is_err());
        assert!(decompress(alg, &z[..20], 1020).is_err());
        // A frame header asking for a 1 GiB window is refused before any decoding.
        let big = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 20 << 3, 0, 0, 0];
        assert_eq!(zstd_window(&big), Some(1 << 30));
        let e = decompress(alg, &big, 100).unwrap_err();
        assert!(e.contains("window"), "{e}");
        assert!(decompress(alg, b"not zstd", 10).is_err());
    }

    #[test]
    fn unknown_algorithms_are_named() {
        let e = decompress(CertificateCompressionAlgorithm(9), b"x", 1).unwrap_err();
        assert!(e.contains('9'), "{e}");
    }
}
