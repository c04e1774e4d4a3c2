#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from samples/ (run from anywhere):

    python3 fuzz/make_seeds.py            # writes fuzz/corpus/<target>/

capture_reader  every samples/*.pcap / *.pcapng, as they are
net_tcp         every sample capture in the net_tcp frame format (see src/lib.rs):
                link(1) flags(1) timestamp(8) then len(2) + frame, per packet;
                flags 0x01 (with the samples' keys) and, for a few, 0x00 / 0x0a
tls_records     each TCP direction of each sample connection, reassembled here
                (payloads in sequence order, overlaps dropped), first 60 KB,
                prefixed by flags/chunk bytes
key_parsers     samples/keys/* and samples/*.keylog, prefixed by a password byte
                (0 = none, 1 = "tlsscope")
record_decrypt  random fragments for every suite selector (seeded PRNG)
quic_datagrams  the UDP payloads of samples/udp/*.pcap as `len(2, top bit: direction)`
                frames, after flags 0x01 (with quic-v1-hq's key log) and 0x03 (also
                every datagram read as frames)
dtls_datagrams  the UDP payloads of samples/udp/dtls*.pcap in quic_datagrams' format,
                after flags 0x00 and 0x01 (with the DTLS samples' key logs)
session_decrypted  operation lists (format: src/session_decrypted.rs) for every cipher
                and key log variant: the canned handshake then data, the handshake spelt
                out as operations, and a few for KeyUpdate, HelloRetryRequest, 0-RTT,
                renegotiation, padding, fragments, gaps and tampering
http2_frames    HTTP/2 exchanges built here (frames and literal-only HPACK blocks):
                GETs with padded DATA, a POST whose header block goes on in
                CONTINUATION, a push, resets, GOAWAY, SETTINGS and PING, a gap, an
                HPACK block of every RFC 7541 Appendix C example
"""

import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SAMPLES = os.path.join(ROOT, "samples")
sys.path.insert(0, os.path.join(SAMPLES, "tools"))
import pcaplib  # noqa: E402

CORPUS = os.path.join(HERE, "corpus")
LINK_TYPES = [1, 0, 108, 101, 12, 14, 113, 276, 228, 229, 147]
MAX_LEN = 60_000


def out(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def captures():
    for name in sorted(os.listdir(SAMPLES)):
        if name.endswith((".pcap", ".pcapng")):
            yield name, os.path.join(SAMPLES, name)


def net_tcp_seed(cap, flags):
    link = cap.records[0].linktype if cap.records else 1
    if link not in LINK_TYPES:
        return None
    ts = cap.records[0].ts_sec * 1_000_000_000 if cap.records else 0
    b = bytearray([LINK_TYPES.index(link), flags]) + struct.pack(">q", ts)
    for r in cap.records:
        if r.linktype != link or len(r.data) > 0xFFFF:
            continue
        b += struct.pack(">H", len(r.data)) + r.data
    return bytes(b)


def streams(cap):
    """(client→server, server→client) payload streams of every TCP connection."""
    for conv in pcaplib.conversations(cap):
        dirs = {}
        for p in conv["packets"]:
            if p.proto != 6:
                continue
            key = (p.src, p.sport)
            dirs.setdefault(key, []).append(p)
        for key, pkts in dirs.items():
            isn = None
            for p in pkts:
                if p.syn:
                    isn = (p.seq + 1) & 0xFFFFFFFF
                    break
            if isn is None:
                isn = pkts[0].seq
            data = bytearray()
            segs = sorted(
                ((p.seq - isn) & 0xFFFFFFFF, p.payload) for p in pkts if p.payload
            )
            for off, payload in segs:
                if off > len(data) or off > 1 << 30:
                    break  # a hole: stop here
                data += payload[len(data) - off:]
                if len(data) >= MAX_LEN:
                    break
            if data:
                yield bytes(data[:MAX_LEN])


def main():
    # capture_reader
    for name, path in captures():
        with open(path, "rb") as f:
            out("capture_reader", name, f.read())

    # net_tcp
    for i, (name, path) in enumerate(captures()):
        try:
            cap = pcaplib.read_capture(path)
        except Exception as e:  # noqa: BLE001
            print(f"net_tcp: skip {name}: {e}", file=sys.stderr)
            continue
        for flags in (0x01,) + ((0x00, 0x0A) if i % 8 == 0 else ()):
            seed = net_tcp_seed(cap, flags)
            if seed is not None:
                out("net_tcp", f"{name}.f{flags:02x}", seed)

    # tls_records
    seen = set()
    for name, path in captures():
        try:
            cap = pcaplib.read_capture(path)
        except Exception:  # noqa: BLE001
            continue
        for j, s in enumerate(streams(cap)):
            if s[:600] in seen:
                continue
            seen.add(s[:600])
            # flags: version TLS 1.2 / ECDHE for client streams is a fair default;
            # the fuzzer mutates the two bytes anyway.
            out("tls_records", f"{name}.{j}", bytes([0x1B, 0]) + s)
            if j % 5 == 0:
                out("tls_records", f"{name}.{j}.chunk7", bytes([0x0C, 7]) + s[:4000])

    # key_parsers
    kdir = os.path.join(SAMPLES, "keys")
    for name in sorted(os.listdir(kdir)):
        with open(os.path.join(kdir, name), "rb") as f:
            data = f.read()
        out("key_parsers", f"{name}.nopw", b"\x00" + data)
        if name.endswith((".enc.pem", ".p12")):
            out("key_parsers", f"{name}.pw", b"\x01" + data)
    for name in sorted(os.listdir(SAMPLES)):
        if name.endswith(".keylog"):
            with open(os.path.join(SAMPLES, name), "rb") as f:
                out("key_parsers", name, b"\x00" + f.read())

    # record_decrypt: random fragments for each of the 30 suite selectors.
    rng = random.Random(1)
    for suite in range(30):
        for k in range(4):
            flags = rng.randrange(256)
            n = rng.choice([0, 5, 16, 24, 37, 48, 64, 100, 300, 1500])
            body = bytes(rng.randrange(256) for _ in range(n))
            out("record_decrypt", f"s{suite:02d}.{k}", bytes([suite, flags]) + body)

    quic_datagrams_seeds()
    dtls_datagrams_seeds()
    session_decrypted_seeds()
    http2_frames_seeds()


def udp_bodies(prefix=""):
    """(name, body) for each samples/udp capture: its UDP payloads as `len(2, top bit:
    direction)` frames."""
    udp = os.path.join(SAMPLES, "udp")
    for name in sorted(os.listdir(udp)):
        if not name.endswith(".pcap") or not name.startswith(prefix):
            continue
        cap = pcaplib.read_capture(os.path.join(udp, name))
        body, first = b"", None
        for p in pcaplib.packets(cap):
            if p.proto != 17 or p.frag:
                continue
            d = p.record.data
            sport = struct.unpack_from(">H", d, p.l4_off)[0]
            payload = d[p.l4_off + 8:p.l4_off + struct.unpack_from(">H", d, p.l4_off + 4)[0]]
            first = sport if first is None else first
            word = min(len(payload), 0x7FFF) | (0 if sport == first else 0x8000)
            body += struct.pack(">H", word) + payload[:0x7FFF]
        yield name, body


def quic_datagrams_seeds():
    for name, body in udp_bodies():
        for flags in (0x01, 0x03):
            out("quic_datagrams", f"{name}.f{flags:02x}", bytes([flags]) + body[:MAX_LEN])


def dtls_datagrams_seeds():
    for name, body in udp_bodies("dtls"):
        for flags in (0x00, 0x01):
            out("dtls_datagrams", f"{name}.f{flags:02x}", bytes([flags]) + body[:MAX_LEN])


# session_decrypted operations (see fuzz/src/session_decrypted.rs). C / S: direction bit.
C, S = 0x00, 0x80


def sd_record(d, ctype, data, flags=0, pad=None):
    """Op 0: a record (protected once the direction has keys). flags: op bits 3-6."""
    b = bytes([d | flags]) + bytes([ctype]) + struct.pack(">H", len(data)) + data
    if flags & 0x18:
        b += bytes([pad or 0])
    return b


def sd_clear(d, ctype, data):
    return bytes([d | 1, ctype]) + struct.pack(">H", len(data)) + data


def sd_raw(d, data):
    return bytes([d | 2]) + struct.pack(">H", len(data)) + data


def sd_canned(d, i):
    return bytes([d | 3, i])


def sd_finished(d, corrupt=False):
    return bytes([d | 4 | (8 if corrupt else 0)])


def sd_next(d):
    return bytes([d | 5])


def sd_key_update(d, request=False):
    return bytes([d | 5 | 0x08 | (0x20 if request else 0)])


def sd_ccs(d):
    return bytes([d | 5 | 0x10])


def sd_eoed(d):
    return bytes([d | 5 | 0x18])


def sd_gap(d, n):
    return bytes([d | 6]) + struct.pack(">H", n)


def sd_tamper(d, pos, ctype, data, cut=False):
    return bytes([d | 7 | (0x40 if cut else 0)]) + struct.pack(">HBH", pos, ctype, len(data)) + data


def hs_msg(t, body):
    return bytes([t]) + struct.pack(">I", len(body))[1:] + body


HTTP_GET = b"GET / HTTP/1.1\r\nHost: fuzz.example\r\n\r\n"
HTTP_OK = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
CLOSE_NOTIFY = b"\x01\x00"


def sd_data():
    return (sd_record(C, 23, HTTP_GET) + sd_record(S, 23, HTTP_OK)
            + sd_record(C, 21, CLOSE_NOTIFY) + sd_record(S, 21, CLOSE_NOTIFY))


def sd_handshake(tls13, early=False, accept=True, bad_finished=False):
    """The canned handshake spelt out as operations."""
    if tls13:
        ops = b""
        if early:
            ops += sd_record(C, 23, b"GET /0rtt HTTP/1.1\r\n\r\n")
        ops += sd_canned(S, 0) + sd_canned(S, 2 if early and accept else 1)
        ops += sd_canned(S, 3) + sd_canned(S, 4) + sd_finished(S)
        if early:
            ops += sd_eoed(C)
        return ops + sd_finished(C) + sd_canned(S, 5)
    return (sd_canned(S, 0) + sd_canned(S, 1) + sd_canned(S, 2) + sd_canned(S, 3)
            + sd_canned(C, 4) + sd_ccs(C) + sd_finished(C, bad_finished) + sd_canned(S, 5)
            + sd_ccs(S) + sd_finished(S))


def session_decrypted_seeds():
    rng = random.Random(2)
    for choice in range(8):
        tls13 = choice >= 4
        for kl in range(4):
            base = choice | kl << 3
            out("session_decrypted", f"c{choice}k{kl}.script", bytes([base | 0x20]) + sd_data())
            hs = sd_handshake(tls13, early=(tls13 and kl == 2))
            out("session_decrypted", f"c{choice}k{kl}.ops",
                bytes([base | 0x40]) + hs + sd_data())
        # KeyUpdates both ways, padding, fragments and odd types after the handshake.
        more = b""
        more += sd_record(C, 23, b"x" * 100, 0x08, 7)
        more += sd_record(S, 23, b"", 0x10, 50)
        more += sd_record(S, 23, b"y" * 3000, 0x40)
        more += sd_key_update(C, True) + sd_key_update(S)
        more += sd_record(C, 23, b"after update")
        more += sd_record(S, 23, b"after update")
        ticket = hs_msg(4, struct.pack(">IIB", 7200, 1, 8) + bytes(8) + struct.pack(">H", 32)
                        + bytes(32) + b"\x00\x00")
        more += sd_record(S, 22, ticket[:5]) + sd_record(S, 22, ticket[5:])
        more += sd_record(S, 22, hs_msg(0, b""))  # HelloRequest
        more += sd_record(C, 24, b"\x01\x00\x10" + bytes(16))  # heartbeat
        more += sd_record(S, 21, b"\x01\x00\x02\x28\x01")  # odd-length alert
        more += sd_record(S, 20, b"\x01")  # protected CCS
        more += sd_clear(S, 21, b"\x02\x28")
        more += sd_gap(C, 10) + sd_record(C, 23, b"after the gap")
        more += sd_tamper(S, 9, 23, b"tampered") + sd_record(S, 23, b"next")
        # Last: TLS 1.2 has no record of an unknown type, the deframer skips it (and the
        # sequence number of every later record is one off).
        more += sd_record(C, 99, b"garbage type") + sd_record(C, 23, b"after garbage")
        more += sd_raw(C, b"\x17\x03\x03\x00")
        out("session_decrypted", f"c{choice}.more",
            bytes([choice | 0x20 | (0xC0 if choice % 2 else 0)]) + more)
        if tls13:
            # Padding to the limit, inner types 0 and 22, the outer type changed.
            pad = sd_record(S, 23, b"p", 0x18, 255) + sd_record(C, 23, b"q" * 200, 0x18, 254)
            pad += sd_record(S, 0, b"") + sd_record(S, 22, b"\x08\x00", 0x20)
            pad += sd_record(C, 23, b"", 0x08, 200)
            out("session_decrypted", f"c{choice}.padding", bytes([choice | 0x20]) + pad)
            # HelloRetryRequest, then the second ClientHello.
            hrr = sd_canned(S, 6) + sd_canned(C, 7) + sd_handshake(True) + sd_data()
            out("session_decrypted", f"c{choice}.hrr", bytes([choice]) + hrr)
            # 0-RTT rejected: the server's EncryptedExtensions without early_data.
            rej = sd_handshake(True, early=True, accept=False) + sd_data()
            out("session_decrypted", f"c{choice}.0rtt-rejected", bytes([choice | 2 << 3]) + rej)
            # A client certificate, then many KeyUpdates.
            cc = (sd_canned(S, 0) + sd_canned(S, 1) + sd_canned(S, 8) + sd_canned(S, 3)
                  + sd_canned(S, 4) + sd_finished(S) + sd_canned(C, 9) + sd_canned(C, 4)
                  + sd_finished(C))
            for i in range(20):
                cc += sd_key_update(S, i % 3 == 0) + sd_record(S, 23, bytes([i]) * i)
            out("session_decrypted", f"c{choice}.clientcert-keyupdates", bytes([choice]) + cc)
        else:
            # Renegotiation under encryption, and a wrong Finished.
            reneg = (sd_canned(S, 6) + sd_canned(C, 7) + sd_handshake(False)
                     + sd_data())
            out("session_decrypted", f"c{choice}.renegotiation", bytes([choice | 0x20]) + reneg)
            bad = sd_handshake(False, bad_finished=True) + sd_data()
            out("session_decrypted", f"c{choice}.bad-finished", bytes([choice]) + bad)
            # CBC padding blocks, and a version 0x0301 record.
            cbc = sd_record(C, 23, b"z" * 33, 0x08, 15) + sd_record(S, 23, b"v", 0x20)
            out("session_decrypted", f"c{choice}.cbcpad", bytes([choice | 0x20]) + cbc)
        # A random tail after the script (mutations start from something).
        tail = bytes(rng.randrange(256) for _ in range(64))
        out("session_decrypted", f"c{choice}.random", bytes([choice | 0x20]) + tail)


def h2_frame(kind, flags, stream, payload):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def h2_int(first, n, v):
    top = (1 << n) - 1
    if v < top:
        return bytes([first | v])
    out_, v = bytearray([first | top]), v - top
    while v >= 128:
        out_.append(v % 128 | 0x80)
        v //= 128
    out_.append(v)
    return bytes(out_)


def h2_block(fields, indexed=True):
    b = bytearray()
    for n, v in fields:
        b += bytes([0x40 if indexed else 0]) + h2_int(0, 7, len(n)) + n + h2_int(0, 7, len(v)) + v
    return bytes(b)


def h2_pieces(pieces, flags):
    """`flags` then each (server?, bytes) as len(2, top bit: server) + bytes."""
    b = bytearray([flags])
    for server, data in pieces:
        for i in range(0, len(data), 0x3FFF):
            chunk = data[i:i + 0x3FFF]
            b += struct.pack(">H", len(chunk) | (0x8000 if server else 0)) + chunk
    return bytes(b)


def http2_frames_seeds():
    get = lambda path: h2_block([(b":method", b"GET"), (b":scheme", b"https"),
                                 (b":authority", b"tlsscope.test"), (b":path", path)])
    status = lambda code: h2_block([(b":status", code), (b"content-type", b"text/plain")])
    settings = h2_frame(4, 0, 0, struct.pack(">HI", 1, 4096) + struct.pack(">HI", 5, 1 << 20))
    server = settings + h2_frame(4, 1, 0, b"")
    server += h2_frame(1, 0x24, 1, b"\x00\x00\x00\x00\x10" + status(b"200"))
    server += h2_frame(0, 0, 1, b"hello ") + h2_frame(0, 0x9, 1, b"\x02world\x00\x00")
    server += h2_frame(5, 4, 1, struct.pack(">I", 2) + get(b"/push.css"))
    server += h2_frame(1, 5, 2, status(b"200")) + h2_frame(6, 0, 0, bytes(8))
    big = h2_block([(b":method", b"POST"), (b":path", b"/p"), (b"x-big", b"~" * 5000)])
    client = settings + h2_frame(1, 5, 1, get(b"/a"))
    client += h2_frame(1, 0, 3, big[:2000]) + h2_frame(9, 0, 3, big[2000:4000])
    client += h2_frame(9, 4, 3, big[4000:]) + h2_frame(0, 1, 3, b"body")
    client += h2_frame(8, 0, 0, struct.pack(">I", 1 << 16)) + h2_frame(3, 0, 3, struct.pack(">I", 8))
    client += h2_frame(7, 0, 0, struct.pack(">II", 3, 0) + b"bye")
    out("http2_frames", "exchange.f01", h2_pieces([(False, client[:60]), (True, server),
                                                    (False, client[60:])], 0x01))
    out("http2_frames", "exchange.f07", h2_pieces([(False, client), (True, server)], 0x07))
    gap = bytearray(h2_pieces([(False, client[:200])], 0x03))
    gap += struct.pack(">H", 0x4000 | 0x8000 | 10)
    out("http2_frames", "gap.f03", bytes(gap))
    # RFC 7541 Appendix C blocks (C.3-C.6) as HEADERS payloads, both sides.
    blocks = ["828684410f7777772e6578616d706c652e636f6d", "828684be58086e6f2d6361636865",
              "828684418cf1e3c2e5f23a6ba0ab90f4ff",
              "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a3133"
              "3a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d",
              "4883640effc1c0bf"]
    for i, hexb in enumerate(blocks):
        blk = bytes.fromhex(hexb)
        out("http2_frames", f"rfc7541.{i}", h2_pieces([(False, h2_frame(1, 5, 1, blk)),
                                                       (True, h2_frame(1, 5, 1, blk))], 0x05))


if __name__ == "__main__":
    main()
