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


if __name__ == "__main__":
    main()
