//! What a user sees when the input or the command line is wrong: one line, exit 2.

mod common;

use common::tlsscope;

fn one_line_error(args: &[&str], needle: &str) {
    let out = tlsscope(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    assert!(err.contains(needle), "{args:?}: {err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn missing_file() {
    one_line_error(&["summary", "no/such.pcap"], "no/such.pcap");
}

#[test]
fn directory() {
    one_line_error(&["summary", "src"], "is a directory");
}

#[test]
fn not_a_capture() {
    one_line_error(&["summary", "Cargo.toml"], "not a pcap or pcapng capture");
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty.pcap");
    std::fs::write(&p, b"").unwrap();
    one_line_error(&["summary", p.to_str().unwrap()], "empty file");
}

#[test]
fn truncated_inside_the_file_header() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("short.pcap");
    std::fs::write(&p, [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]).unwrap();
    let out = tlsscope(&["summary", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr)
            .trim_end()
            .lines()
            .count(),
        1
    );
}

#[test]
fn unknown_option() {
    one_line_error(&["summary", "--frobnicate", "x.pcap"], "--frobnicate");
}

#[test]
fn missing_subcommand_argument() {
    one_line_error(&["inspect"], "required");
}

/// Damage that does not stop the run: exit 0, the damage in the report, the rest analysed.
fn analysed(args: &[&str]) -> (serde_json::Value, String) {
    let out = tlsscope(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    (doc, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn temp_copy(name: &str, edit: impl FnOnce(&mut Vec<u8>)) -> (tempfile::TempDir, String) {
    let mut bytes = std::fs::read(common::root().join("samples").join(name)).unwrap();
    edit(&mut bytes);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    let p = p.display().to_string();
    (dir, p)
}

#[test]
fn unsupported_link_type() {
    // pcap header link type 147 (USER0): every packet skipped, and said so.
    let (_d, p) = temp_copy("tls12-rsa-aes128gcm.pcap", |b| {
        b[20..24].copy_from_slice(&147u32.to_le_bytes())
    });
    let (doc, _) = analysed(&["summary", "--json", &p]);
    assert_eq!(doc["capture"]["skipped_packets"], doc["capture"]["packets"]);
    assert!(doc["capture"]["warnings"]
        .to_string()
        .contains("unsupported link type"));
}

#[test]
fn pcap_truncated_inside_a_packet() {
    let (doc, _) = analysed(&["summary", "--json", "samples/pcap-truncated.pcap"]);
    assert_eq!(doc["capture"]["truncated"], true);
    assert!(doc["capture"]["warnings"].to_string().contains("truncated"));
    assert!(doc["capture"]["tls_connections"].as_u64().unwrap() >= 1);
}

#[test]
fn pcapng_with_a_corrupt_block() {
    // Break the length of the last block: what came before is still analysed.
    let (_d, p) = temp_copy("pcapng-basic.pcapng", |b| {
        let n = b.len();
        let total = u32::from_le_bytes(b[n - 4..].try_into().unwrap()) as usize;
        let start = n - total;
        b[start + 4..start + 8].copy_from_slice(&7u32.to_le_bytes());
    });
    let (doc, _) = analysed(&["summary", "--json", &p]);
    assert!(
        doc["capture"]["files"][0]["corrupt"].is_string(),
        "{}",
        doc["capture"]
    );
    assert_eq!(doc["capture"]["tls_connections"], 1);
}

/// Key material named on the command line that cannot be used: the capture is
/// analysed without it, stderr names it, and the exit code is 3.
#[test]
fn key_material_that_cannot_be_used_is_exit_3_after_the_report() {
    let sample = "samples/tls12-rsa-aes128gcm.pcap";
    for (args, says) in [
        (vec!["-k", "Cargo.toml"], "Cargo.toml: not a private key"),
        (vec!["-k", "no/such.key"], "no/such.key: no such file"),
        (vec!["--keylog", "no/such.log"], "no/such.log: no such file"),
        (vec!["--keylog", "src"], "src"),
        (vec!["--psk", "zz"], "--psk zz: not a hex key"),
        (
            vec!["-k", "samples/keys/server-rsa2048.enc.pem"],
            "server-rsa2048.enc.pem",
        ),
    ] {
        let mut all = vec!["summary", "--json"];
        all.extend(&args);
        all.push(sample);
        let out = tlsscope(&all);
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the report");
        assert_eq!(doc["connections"][0]["decryption"]["status"], "no_key");
    }
    // The keys that could be used still are.
    let out = tlsscope(&[
        "summary",
        "--json",
        "-k",
        "no/such.key",
        "-k",
        "samples/keys/server-rsa2048.key",
        sample,
    ]);
    assert_eq!(out.status.code(), Some(3));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["connections"][0]["decryption"]["status"], "decrypted");
}

#[test]
fn keylog_that_recovers_nothing_says_so() {
    let out = tlsscope(&["keylog", "samples/tls12-rsa-aes128gcm.pcap"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no secret recovered from 1 TLS connections"),
        "{err}"
    );
}

#[test]
fn wrong_key() {
    let (doc, _) = analysed(&[
        "summary",
        "--json",
        "-k",
        "samples/keys/server-rsa1024.key",
        "samples/tls12-rsa-aes128gcm.pcap",
    ]);
    assert_eq!(doc["connections"][0]["decryption"]["status"], "no_key");
    assert!(doc["capture"]["warnings"]
        .to_string()
        .contains("matches no server certificate"));
}

#[test]
fn corrupted_record_fails_its_check_and_the_rest_decrypts() {
    // Flip a byte inside the first application data record the server sent.
    let (_d, p) = temp_copy("tls12-rsa-aes128gcm.pcap", |b| {
        let at = b.windows(3).rposition(|w| w == [0x17, 0x03, 0x03]).unwrap();
        b[at + 20] ^= 0x40;
    });
    let (doc, _) = analysed(&[
        "summary",
        "--json",
        "-k",
        "samples/keys/server-rsa2048.key",
        &p,
    ]);
    let d = &doc["connections"][0]["decryption"];
    let failures = d["record_failures"]["client"].as_u64().unwrap()
        + d["record_failures"]["server"].as_u64().unwrap();
    assert_eq!(failures, 1, "{d}");
    assert!(
        d["records_decrypted"]["server"].as_u64().unwrap() > 0,
        "{d}"
    );
}

// --- gzip captures damaged, and oddities inside the capture -------------------------

fn gzip(data: &[u8], level: flate2::Compression) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), level);
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A small sample and one larger than the reader's 1 MiB buffer.
const GZ_SAMPLES: [&str; 2] = ["tls12-rsa-aes128gcm.pcap", "tls12-rsa-bulk-1500mtu.pcap"];

/// `summary --json` of `sample` gzipped then damaged by `edit`: the capture object,
/// and that of the undamaged file.
fn damaged_gzip(
    sample: &str,
    level: flate2::Compression,
    edit: impl FnOnce(&mut Vec<u8>),
) -> (serde_json::Value, serde_json::Value) {
    let plain = format!("samples/{sample}");
    let (whole, _) = analysed(&["summary", "--json", &plain]);
    let (_d, p) = temp_copy(sample, |b| {
        *b = gzip(b, level);
        edit(b);
    });
    let (doc, _) = analysed(&["summary", "--json", &p]);
    (doc["capture"].clone(), whole["capture"].clone())
}

#[test]
fn gzip_cut_short() {
    for sample in GZ_SAMPLES {
        let (c, whole) = damaged_gzip(sample, flate2::Compression::default(), |b| {
            b.truncate(b.len() / 2)
        });
        let f = &c["files"][0];
        assert_eq!(f["truncated"], true, "{sample}: {c}");
        assert!(f.get("corrupt").is_none(), "{sample}: {c}");
        assert_eq!(c["truncated"], true);
        assert!(
            c["warnings"].to_string().contains("gzip stream cut short"),
            "{sample}: {c}"
        );
        let packets = c["packets"].as_u64().unwrap();
        assert!(packets > 0 && packets < whole["packets"].as_u64().unwrap());
        assert_eq!(c["tls_connections"], whole["tls_connections"], "{sample}");
        // Only the trailer cut off: every packet came out, and the file is still cut.
        let (c, whole) = damaged_gzip(sample, flate2::Compression::default(), |b| {
            b.truncate(b.len() - 8)
        });
        assert_eq!(c["files"][0]["truncated"], true, "{sample}: {c}");
        assert_eq!(c["packets"], whole["packets"]);
        assert_eq!(c["bytes"], whole["bytes"]);
        assert_eq!(c["tls_connections"], whole["tls_connections"]);
    }
}

#[test]
fn gzip_with_a_bad_crc() {
    for sample in GZ_SAMPLES {
        let (c, whole) = damaged_gzip(sample, flate2::Compression::default(), |b| {
            let n = b.len();
            b[n - 8] ^= 0x01;
        });
        let f = &c["files"][0];
        assert_eq!(f["corrupt"], "gzip: CRC-32 or length check failed", "{c}");
        assert_eq!(f["truncated"], false);
        assert_eq!(c["packets"], whole["packets"], "{sample}");
        assert_eq!(c["tls_connections"], whole["tls_connections"]);
    }
}

#[test]
fn gzip_with_corrupt_deflate_data() {
    // Stored deflate blocks (uncompressed, up to 64 KiB each): break the second one's
    // length check. The packets of the first block are analysed.
    let (c, whole) = damaged_gzip(GZ_SAMPLES[1], flate2::Compression::none(), |b| {
        let len = u16::from_le_bytes([b[11], b[12]]) as usize;
        b[10 + 5 + len + 3] ^= 0xff;
    });
    let f = &c["files"][0];
    assert_eq!(f["corrupt"], "gzip: corrupt deflate stream", "{c}");
    assert_eq!(f["truncated"], false);
    let packets = c["packets"].as_u64().unwrap();
    assert!(
        packets > 10 && packets < whole["packets"].as_u64().unwrap(),
        "{c}"
    );
    assert_eq!(c["tls_connections"], 1);
}

#[test]
fn gzip_with_trailing_junk() {
    for sample in GZ_SAMPLES {
        let (c, whole) = damaged_gzip(sample, flate2::Compression::default(), |b| {
            b.extend_from_slice(&[0u8; 512])
        });
        let f = &c["files"][0];
        assert!(f.get("corrupt").is_none(), "{c}");
        assert_eq!(f["truncated"], false);
        assert!(
            c["warnings"]
                .to_string()
                .contains("512 bytes of trailing data after the gzip stream were ignored"),
            "{c}"
        );
        assert_eq!(c["packets"], whole["packets"], "{sample}");
        assert_eq!(c["tls_connections"], whole["tls_connections"]);
    }
}

#[test]
fn gzip_damaged_before_the_capture_header() {
    let (_d, p) = temp_copy("tls12-rsa-aes128gcm.pcap", |b| {
        *b = gzip(b, flate2::Compression::default());
        b.truncate(12);
    });
    one_line_error(&["summary", &p], "capture ends inside its file header");
    let (_d, p) = temp_copy("tls12-rsa-aes128gcm.pcap", |b| {
        *b = gzip(b, flate2::Compression::default());
        b[2] = 7; // not deflate
    });
    one_line_error(&["summary", &p], "not a pcap or pcapng capture");
}

/// The (offset, type, length) of each block of a little-endian pcapng file.
fn pcapng_blocks(b: &[u8]) -> Vec<(usize, u32, usize)> {
    let mut at = 0;
    let mut blocks = Vec::new();
    while at + 12 <= b.len() {
        let kind = u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
        let len = u32::from_le_bytes(b[at + 4..at + 8].try_into().unwrap()) as usize;
        blocks.push((at, kind, len));
        at += len;
    }
    blocks
}

#[test]
fn pcapng_packet_of_an_interface_that_does_not_exist() {
    let (whole, _) = analysed(&["summary", "--json", "samples/pcapng-basic.pcapng"]);
    let (_d, p) = temp_copy("pcapng-basic.pcapng", |b| {
        let last_epb = pcapng_blocks(b)
            .into_iter()
            .rfind(|&(_, kind, _)| kind == 6)
            .unwrap();
        b[last_epb.0 + 8..last_epb.0 + 12].copy_from_slice(&9u32.to_le_bytes());
    });
    let (doc, _) = analysed(&["summary", "--json", &p]);
    let c = &doc["capture"];
    assert_eq!(c["skipped_packets"], 1, "{c}");
    assert_eq!(c["packets"], whole["capture"]["packets"]);
    let w = c["warnings"].to_string();
    assert!(
        w.contains(
            "1 packet named an interface the file does not describe (interface 9: 1 packet): skipped"
        ),
        "{w}"
    );
    assert_eq!(c["tls_connections"], 1);
}

#[test]
fn pcap_origlen_below_caplen() {
    // The first packet record claims an original length smaller than what it holds.
    let (_d, p) = temp_copy("tls12-rsa-aes128gcm.pcap", |b| {
        let caplen = u32::from_le_bytes(b[32..36].try_into().unwrap());
        b[36..40].copy_from_slice(&(caplen / 2).to_le_bytes());
    });
    let (doc, _) = analysed(&["summary", "--json", &p]);
    let c = &doc["capture"];
    assert!(
        c["warnings"].to_string().contains(
            "1 packet has an original length smaller than the captured length (origlen < caplen)"
        ),
        "{c}"
    );
    assert_eq!(c["tls_connections"], 1);
}

/// A pcap of raw IPv4 (link type 228) packets.
fn raw_ipv4_pcap(packets: &[Vec<u8>]) -> Vec<u8> {
    let mut f = Vec::new();
    for v in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 65535, 228] {
        f.extend(v.to_le_bytes());
    }
    for (i, p) in packets.iter().enumerate() {
        for v in [i as u32, 0, p.len() as u32, p.len() as u32] {
            f.extend(v.to_le_bytes());
        }
        f.extend(p);
    }
    f
}

/// An IPv4 fragment of a TCP datagram: more fragments follow, none ever comes.
fn lone_fragment(n: u32) -> Vec<u8> {
    let b = n.to_be_bytes();
    let mut ip = vec![0x45, 0, 0, 48, b[2], b[3], 0x20, 0, 64, 6, 0, 0];
    ip.extend([10, b[0], b[1], 1, 10, 0, 0, 2]);
    ip.extend([0u8; 28]);
    ip
}

#[test]
fn every_incomplete_ipv4_datagram_is_counted() {
    let n = 5000;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("fragments.pcap");
    std::fs::write(
        &p,
        raw_ipv4_pcap(&(0..n).map(lone_fragment).collect::<Vec<_>>()),
    )
    .unwrap();
    let (doc, _) = analysed(&["summary", "--json", p.to_str().unwrap()]);
    let net = &doc["capture"]["network"];
    assert_eq!(net["ipv4_fragments"], n, "{net}");
    assert_eq!(net["incomplete_datagrams"], n);
    assert_eq!(net["evicted_datagrams"], n - 1024);
    assert!(
        doc["capture"]["warnings"].to_string().contains(&format!(
            "{n} fragmented IPv4 datagrams never became whole: 1024 still missed fragments at the end, {} dropped to bound memory",
            n - 1024
        )),
        "{}",
        doc["capture"]["warnings"]
    );
}
