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


if __name__ == "__main__":
    main()
