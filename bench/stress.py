#!/usr/bin/env python3
"""Hostile-shape captures for the memory caps, made synthetically (no network needed):

  many-connections  100,000 short TCP connections, each a ClientHello-sized TLS record
  tiny-segments     one connection whose 1,000,000 segments carry 1 to 4 bytes each
  holes             one connection where every other segment is missing (200,000 sent)

    bench/stress.py [--out bench/work] [--run target/release/tlsscope]

With --run, each capture goes through `tlsscope summary --json` under /usr/bin/time -v
and the wall time and peak RSS are printed as a Markdown table.
"""
import argparse, os, re, struct, subprocess, sys, time
from pathlib import Path


def ip_checksum(h: bytes) -> int:
    s = sum(struct.unpack("!10H", h))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Pcap:
    def __init__(self, path: Path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        self.t = 1_700_000_000_000_000  # µs

    def packet(self, src, dst, sport, dport, seq, ack, flags, payload=b""):
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                          5 << 4, flags, 65535, 0, 0) + payload
        iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0, 64, 6, 0, src, dst)
        iph = iph[:10] + struct.pack("!H", ip_checksum(iph)) + iph[12:]
        frame = b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + b"\x08\x00" + iph + tcp
        self.t += 10
        self.f.write(struct.pack("<IIII", self.t // 1_000_000, self.t % 1_000_000, len(frame), len(frame)))
        self.f.write(frame)

    def close(self):
        self.f.close()


SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01
CLIENT = bytes([10, 0, 0, 1])
SERVER = bytes([10, 0, 0, 2])


def hello_record(n: int) -> bytes:
    body = b"\x03\x03" + n.to_bytes(32, "big") + b"\x00" + b"\x00\x02\x00\x9c" + b"\x01\x00" + b"\x00\x00"
    msg = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + len(msg).to_bytes(2, "big") + msg


def many_connections(path: Path, n=100_000):
    p = Pcap(path)
    for i in range(n):
        src = bytes([10, 1 + (i >> 16) % 200, (i >> 8) & 0xFF, i & 0xFF])
        sport = 1024 + i % 60000
        rec = hello_record(i)
        p.packet(src, SERVER, sport, 443, 1000, 0, SYN)
        p.packet(SERVER, src, 443, sport, 5000, 1001, SYN | ACK)
        p.packet(src, SERVER, sport, 443, 1001, 5001, PSH | ACK, rec)
        p.packet(src, SERVER, sport, 443, 1001 + len(rec), 5001, FIN | ACK)
        p.packet(SERVER, src, 443, sport, 5001, 1002 + len(rec), FIN | ACK)
    p.close()


def app_stream(total: int) -> bytes:
    out = bytearray(hello_record(0))
    while len(out) < total:
        out += b"\x17\x03\x03\x00\x40" + bytes(64)
    return bytes(out[:total])


def tiny_segments(path: Path, n=1_000_000):
    p = Pcap(path)
    data = app_stream(n * 3)
    p.packet(CLIENT, SERVER, 40000, 443, 0, 0, SYN)
    seq, pos, i = 1, 0, 0
    while i < n and pos < len(data):
        size = 1 + i % 4
        chunk = data[pos:pos + size]
        p.packet(CLIENT, SERVER, 40000, 443, seq, 1, PSH | ACK, chunk)
        seq += len(chunk)
        pos += len(chunk)
        i += 1
    p.close()


def holes(path: Path, n=200_000, size=100):
    p = Pcap(path)
    data = app_stream(n * size)
    p.packet(CLIENT, SERVER, 40001, 443, 0, 0, SYN)
    for i in range(0, n, 2):  # every other segment is lost
        p.packet(CLIENT, SERVER, 40001, 443, 1 + i * size, 1, PSH | ACK, data[i * size:(i + 1) * size])
    p.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="bench/work")
    ap.add_argument("--run")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for name, make in [("many-connections", many_connections), ("tiny-segments", tiny_segments),
                       ("holes", holes)]:
        path = out / f"stress-{name}.pcap"
        if not path.exists():
            t = time.time()
            make(path)
            print(f"made {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.time() - t:.1f} s", file=sys.stderr)
        made.append((name, path))
    if not a.run:
        return
    print("| capture | size MB | tlsscope s | peak RSS MB | connections (TLS) |")
    print("|---|---:|---:|---:|---|")
    for name, path in made:
        t = time.time()
        p = subprocess.run(["/usr/bin/time", "-v", a.run, "summary", "--json", "-q", str(path)],
                           capture_output=True, text=True)
        wall = time.time() - t
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
        tail = p.stdout[p.stdout.rfind('"capture"'):]
        tcp = re.search(r'"tcp_connections": (\d+)', tail).group(1)
        tls = re.search(r'"tls_connections": (\d+)', tail).group(1)
        print(f"| {name} | {path.stat().st_size / 1e6:.1f} | {wall:.2f} | {rss:.1f} | {tcp} ({tls}) |")


if __name__ == "__main__":
    main()
