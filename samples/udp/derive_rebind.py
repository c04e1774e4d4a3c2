#!/usr/bin/env python3
"""Derives quic-v1-rebind.pcap from quic-v1-hq.pcap: from the client's first 1-RTT
packet on, the client's UDP port is another one both ways, as after a NAT rebinding
(RFC 9000 §9.3). The connection goes on over the new path with the same connection
IDs, so tlsscope must join the two flows into one connection by connection ID.

Usage: derive_rebind.py   (writes quic-v1-rebind.{pcap,keylog,truth.json} here)"""
import json
import shutil
import struct
import sys
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools"))
import pcaplib  # noqa: E402

SOURCE, NAME = "quic-v1-hq", "quic-v1-rebind"
OLD_PORT, NEW_PORT = 60631, 61000
FIRST_MOVED = 6  # 0-based: the client's first packet with only a short header


def main() -> None:
    cap = pcaplib.read_capture(str(HERE / f"{SOURCE}.pcap"))
    for i, rec in enumerate(cap.records):
        if i < FIRST_MOVED:
            continue
        off, v = pcaplib.l3_offset(rec.linktype, rec.data)
        assert v == 4, "the source is IPv4"
        b = bytearray(rec.data)
        l4 = off + (b[off] & 0x0F) * 4
        sport, dport = struct.unpack_from(">HH", b, l4)
        if sport == OLD_PORT:
            struct.pack_into(">H", b, l4, NEW_PORT)
        if dport == OLD_PORT:
            struct.pack_into(">H", b, l4 + 2, NEW_PORT)
        b[l4 + 6:l4 + 8] = b"\0\0"  # no UDP checksum (allowed over IPv4)
        rec.data = bytes(b)
    pcaplib.write_pcap(str(HERE / f"{NAME}.pcap"), cap)
    shutil.copy(HERE / f"{SOURCE}.keylog", HERE / f"{NAME}.keylog")
    t = json.loads((HERE / f"{SOURCE}.truth.json").read_text())
    t.update(sample=NAME, capture=f"udp/{NAME}.pcap", keylog=f"udp/{NAME}.keylog",
             derived_from=SOURCE,
             description=f"{SOURCE} with the client's port changed from {OLD_PORT} to "
                         f"{NEW_PORT} from packet {FIRST_MOVED + 1} on, both ways "
                         "(a NAT rebinding): one connection over two paths")
    c = t["connections"][0]
    c.update(client_ports=[OLD_PORT, NEW_PORT], migrated=True)
    (HERE / f"{NAME}.truth.json").write_text(json.dumps(t, indent=2) + "\n")


if __name__ == "__main__":
    main()
