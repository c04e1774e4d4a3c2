#!/usr/bin/env python3
"""Make the benchmark captures under bench/work/ (not committed).

Every workload is made of real TLS 1.2 sessions between a Python ssl (OpenSSL 3)
client and server on loopback, captured by tcpdump:

  handshakes  1,000 connections, TLS_RSA_WITH_AES_128_GCM_SHA256, a few KB each
  bulk-gcm    50 connections of ~2 MB server->client, AES128-GCM-SHA256 (RSA kx),
              lo at MTU 1500 with TSO/GSO off, so packets are wire-sized
  bulk-cbc    the same with AES128-SHA256 (AES-CBC + HMAC-SHA256, RSA kx)
  big         bulk-gcm repeated with other IPv4 addresses and later timestamps
              until the file is about BIG_GB gigabytes (no new sessions)
  quic-bulk   one aioquic QUIC v1 connection (UDP port 4434), 50 streams of 2 MB
              server->client, TLS_AES_128_GCM_SHA256, with the client's key log
              (needs `pip install aioquic`; made by quic_bulk.py)

Server key: samples/keys/server-rsa2048.key, so every connection decrypts with
the RSA key.  Sizes and contents are deterministic (fixed by workload name and
connection index); ciphertext, randoms, ports and timestamps are not.

Usage: make_workloads.py [--work DIR] [--big-gb N] [--force] WORKLOAD...
Must run as root (tcpdump on lo, port 443, ethtool/ip on lo).
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # keep the tree free of __pycache__

import argparse
import hashlib
import json
import os
import re
import signal
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "samples" / "tools"))
import tls_session as ts  # noqa: E402  (helpers of the sample generator)

PORT = 443                 # tshark dissects TLS on 443 without extra options
HOST = "127.0.0.1"
SERVER_KEY = "samples/keys/server-rsa2048.key"

WORKLOADS = {
    "handshakes": dict(conns=1000, cipher="AES128-GCM-SHA256", bulk=False,
                       desc="1,000 TLS 1.2 RSA-2048 connections, AES-128-GCM, a few KB each"),
    "bulk-gcm": dict(conns=50, cipher="AES128-GCM-SHA256", bulk=True,
                     desc="50 TLS 1.2 RSA connections of ~2 MB each, AES-128-GCM, MTU-1500 segments"),
    "bulk-cbc": dict(conns=50, cipher="AES128-SHA256", bulk=True,
                     desc="50 TLS 1.2 RSA connections of ~2 MB each, AES-128-CBC-SHA256, MTU-1500 segments"),
}
BULK_BASE = 2_000_000      # bytes of response body per bulk connection, plus 0..64 KiB
QUIC_PORT = 4434
QUIC_STREAMS, QUIC_STREAM_BYTES = 50, 2_000_000


def log(msg: str) -> None:
    print(f"[make] {msg}", flush=True)


# --------------------------------------------------------------------------
# deterministic plans


def bulk_body_len(name: str, conn: int) -> int:
    r = hashlib.sha256(f"tlsscope-bench:{name}:{conn}:len".encode()).digest()
    return BULK_BASE + int.from_bytes(r[:2], "big")


def plan_handshake(name: str, conn: int) -> list:
    # request of ~0.4-0.6 KB, response of ~4-5.5 KB in three writes
    return ts.default_plan(name, conn)


def plan_bulk(name: str, conn: int) -> list:
    size = bulk_body_len(name, conn)
    body = hashlib.shake_256(f"tlsscope-bench:{name}:{conn}:body".encode()).digest(size)
    head = (f"HTTP/1.1 200 OK\r\nServer: tlsscope-bench/1\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {size}\r\n\r\n").encode()
    data = head + body
    steps = [("C", ts.request(name, conn, 300))]
    # 64 KB writes, lightly paced so tcpdump keeps up on a busy machine
    for o in range(0, len(data), 65536):
        steps += [("S", data[o:o + 65536]), ("S_SLEEP", 0.002)]
    return steps


# --------------------------------------------------------------------------
# capture


class Tcpdump:
    """tcpdump on lo for the duration of a with-block; insists on no kernel drops."""

    def __init__(self, path: Path, bpf: str):
        self.path, self.bpf = path, bpf
        self.errpath = path.with_name(path.name + ".tcpdump.err")

    def __enter__(self):
        self.err = open(self.errpath, "w+")
        cmd = ["tcpdump", "-i", "lo", "--immediate-mode", "-B", "65536", "-s", "0", "-Z", "root",
               "-U", "-w", str(self.path), self.bpf]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.err)
        deadline = time.time() + 15
        while time.time() < deadline:
            self.err.seek(0)
            if "listening on" in self.err.read():
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"tcpdump died: {open(self.errpath).read()}")
            time.sleep(0.05)
        else:
            raise RuntimeError("tcpdump did not start")
        time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        time.sleep(0.3)          # let the last ACKs/FINs through
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=30)
        self.err.seek(0)
        self.msg = self.err.read()
        self.err.close()
        self.errpath.unlink()
        if exc[0] is None and "0 packets dropped by kernel" not in self.msg:
            raise ts.CaptureDropped(f"tcpdump dropped packets or failed: {self.msg.strip()}")
        return False


def run_sequential(name: str, cipher: str, conns: int, plan_fn, keylog: Path) -> dict:
    """conns TLS 1.2 connections one after the other; the server serves them in order."""
    spec = ts.Spec(name, PORT, "", ciphers=cipher)
    sctx, cctx = ts.make_contexts(spec, keylog)
    ls = ts.listen(HOST, PORT)
    plans: dict = {}
    errors: list = []
    client_bytes = server_bytes = 0

    def server():
        try:
            for i in range(conns):
                raw, _ = ls.accept()
                raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s = sctx.wrap_socket(raw, server_side=True)
                ts.run_plan(s, plans[i], "S")
                ts.close_server(s)
        except Exception as e:  # noqa: BLE001
            errors.append(("server", repr(e)))

    st = threading.Thread(target=server, daemon=True)
    st.start()
    try:
        for i in range(conns):
            plans[i] = plan_fn(name, i)
            client_bytes += len(ts.plan_bytes(plans[i], "C"))
            server_bytes += len(ts.plan_bytes(plans[i], "S"))
            s = cctx.wrap_socket(ts.connect(HOST, PORT), server_hostname=ts.SNI)
            if s.version() != "TLSv1.2" or s.cipher()[0] != cipher:
                raise RuntimeError(f"negotiated {s.version()} {s.cipher()[0]}, wanted TLSv1.2 {cipher}")
            ts.run_plan(s, plans[i], "C")
            ts.close_client(s)
            plans.pop(i - 1, None)     # keep memory small for the bulk plans
            if errors:
                break
        st.join(timeout=60)
    finally:
        ls.close()
    if errors or st.is_alive():
        raise RuntimeError(f"{name}: {errors or 'server did not finish'}")
    return {"client_bytes": client_bytes, "server_bytes": server_bytes}


def make_quic_bulk(work: Path, name: str) -> dict:
    """quic-bulk: quic_bulk.py under tcpdump (UDP datagrams are already wire-sized)."""
    final, tmp, keylog = work / f"{name}.pcap", work / f".{name}.pcap.tmp", work / f"{name}.keylog"
    for attempt in range(1, 5):
        for p in (tmp, keylog):
            if p.exists():
                p.unlink()
        t0 = time.monotonic()
        try:
            with Tcpdump(tmp, f"udp port {QUIC_PORT}") as cap:
                out = subprocess.run([sys.executable, str(BENCH / "quic_bulk.py"), str(QUIC_PORT), str(keylog),
                                      str(QUIC_STREAMS), str(QUIC_STREAM_BYTES)],
                                     capture_output=True, text=True, check=True).stdout
        except ts.CaptureDropped as e:
            log(f"{name}: attempt {attempt}: {e}".replace("\n", " "))
            time.sleep(2)
            continue
        secs = time.monotonic() - t0
        sent = json.loads(out)
        m = re.search(r"(\d+) packets captured", cap.msg)
        tmp.rename(final)
        meta = {"workload": name, "connections": 1, "keylog": keylog.name,
                "description": f"one aioquic QUIC v1 connection, {QUIC_STREAMS} streams of "
                               f"{QUIC_STREAM_BYTES} bytes server->client, TLS_AES_128_GCM_SHA256",
                "packets": int(m.group(1)) if m else None, "file_bytes": final.stat().st_size,
                "app_bytes_server": sent["server_bytes"], "make_seconds": round(secs, 1),
                "attempts": attempt, "tcpdump": "0 packets dropped by kernel",
                "made": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        (work / f"{name}.meta.json").write_text(json.dumps(meta, indent=2) + "\n")
        log(f"{name}: {final.stat().st_size / 1e6:.1f} MB, {meta['packets']} packets in {secs:.1f} s")
        return meta
    raise SystemExit(f"{name}: tcpdump kept dropping packets")


def make_capture(work: Path, name: str) -> dict:
    if name == "quic-bulk":
        return make_quic_bulk(work, name)
    w = WORKLOADS[name]
    final = work / f"{name}.pcap"
    tmp = work / f".{name}.pcap.tmp"
    keylog = work / f"{name}.keylog"
    plan_fn = plan_bulk if w["bulk"] else plan_handshake
    for attempt in range(1, 5):
        for p in (tmp, keylog):
            if p.exists():
                p.unlink()
        t0 = time.monotonic()
        lo = ts.WireSizedLoopback() if w["bulk"] else None
        try:
            if lo:
                lo.__enter__()
                log("lo: TSO/GSO off, MTU 1500 (restored afterwards)")
            try:
                with Tcpdump(tmp, f"tcp port {PORT}") as cap:
                    sent = run_sequential(f"bench-{name}", w["cipher"], w["conns"], plan_fn, keylog)
            finally:
                if lo:
                    lo.__exit__(None, None, None)
                    log(f"lo: restored (MTU {lo.mtu}, TSO {lo.tso}, GSO {lo.gso})")
        except ts.CaptureDropped as e:
            log(f"{name}: attempt {attempt}: {e}".replace("\n", " "))
            time.sleep(2)
            continue
        secs = time.monotonic() - t0
        m = re.search(r"(\d+) packets captured", cap.msg)
        tmp.rename(final)
        meta = {"workload": name, "description": w["desc"], "connections": w["conns"],
                "openssl_cipher": w["cipher"], "server_key": SERVER_KEY,
                "packets": int(m.group(1)) if m else None, "file_bytes": final.stat().st_size,
                "app_bytes_client": sent["client_bytes"], "app_bytes_server": sent["server_bytes"],
                "make_seconds": round(secs, 1), "attempts": attempt,
                "tcpdump": "0 packets dropped by kernel",
                "made": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        (work / f"{name}.meta.json").write_text(json.dumps(meta, indent=2) + "\n")
        log(f"{name}: {final.stat().st_size / 1e6:.1f} MB, {meta['packets']} packets, "
            f"{w['conns']} connections in {secs:.1f} s (tcpdump: 0 packets dropped by kernel)")
        return meta
    raise SystemExit(f"{name}: tcpdump kept dropping packets")


# --------------------------------------------------------------------------
# big: repeat bulk-gcm with other addresses and timestamps


def _fold(s: int) -> int:
    while s > 0xFFFF:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def make_big(work: Path, big_gb: float, name: str) -> dict:
    src = work / "bulk-gcm.pcap"
    final = work / f"{name}.pcap"
    tmp = work / f".{name}.pcap.tmp"
    t0 = time.monotonic()
    buf = src.read_bytes()
    magic, _vmaj, _vmin, _tz, _sig, _snap, linktype = struct.unpack_from("<IHHiIII", buf, 0)
    if magic != ts.pcaplib.MAGIC_US or linktype != 1:
        raise SystemExit(f"{src}: expected a little-endian microsecond pcap of Ethernet (tcpdump on lo)")
    # per packet: timestamp, data split around the IPv4 addresses, direction,
    # and the checksum sum of the IPv4 header without addresses and checksum
    pkts = []
    off = 24
    while off + 16 <= len(buf):
        sec, usec, incl, orig = struct.unpack_from("<IIII", buf, off)
        data = buf[off + 16: off + 16 + incl]
        off += 16 + incl
        rec = [sec * 1_000_000 + usec, orig, data, None, 0, 0]
        if len(data) >= 34 and data[12:14] == b"\x08\x00" and data[14] >> 4 == 4:
            ihl = (data[14] & 15) * 4
            hdr = data[14:14 + ihl]
            words = struct.unpack(f"!{ihl // 2}H", hdr)
            partial = sum(words) - words[5] - sum(words[6:10])
            to_server = 1
            if hdr[9] == 6 and len(data) >= 14 + ihl + 4:
                sport = struct.unpack_from("!H", data, 14 + ihl)[0]
                to_server = 0 if sport == PORT else 1
            rec[3], rec[4], rec[5] = ihl, partial, to_server
        pkts.append(rec)
    first_us, last_us = pkts[0][0], max(p[0] for p in pkts)
    span_us = last_us - first_us + 1_000_000
    copies = max(1, round(big_gb * 1e9 / (len(buf) - 24)))
    log(f"{name}: {copies} copies of bulk-gcm.pcap ({len(buf) / 1e6:.1f} MB, {len(pkts)} packets)")
    with open(tmp, "wb") as f:
        f.write(buf[:24])
        for k in range(copies):
            hi, lo = (k >> 8) & 0xFF, k & 0xFF
            cli = bytes([10, hi, lo, 1])          # client 10.hi.lo.1, server 10.hi.lo.2
            srv = bytes([10, hi, lo, 2])
            addr = {1: cli + srv, 0: srv + cli}    # src+dst by direction
            asum = sum(struct.unpack("!4H", cli + srv))
            shift = k * span_us
            out = []
            for t, orig, data, ihl, partial, to_server in pkts:
                t += shift
                if ihl is not None:
                    ck = 0xFFFF ^ _fold(partial + asum)
                    data = b"".join((data[:24], struct.pack("!H", ck), addr[to_server],
                                     data[34:]))
                out.append(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(data), orig))
                out.append(data)
            f.write(b"".join(out))
    size = tmp.stat().st_size
    tmp.rename(final)
    secs = time.monotonic() - t0
    src_meta = json.loads((work / "bulk-gcm.meta.json").read_text())
    meta = {"workload": name, "description": f"bulk-gcm.pcap repeated {copies} times (10.k.k.1 <-> 10.k.k.2, "
                                              f"later timestamps), about {big_gb:g} GB",
            "connections": copies * src_meta["connections"], "copies": copies, "packets": copies * len(pkts),
            "file_bytes": size, "server_key": SERVER_KEY, "make_seconds": round(secs, 1),
            "made": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    (work / f"{name}.meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    log(f"{name}: {size / 1e9:.2f} GB, {meta['connections']} connections in {secs:.1f} s")
    return meta


def big_name(big_gb: float) -> str:
    return f"big-{big_gb:g}gb"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", default=str(BENCH / "work"))
    ap.add_argument("--big-gb", type=float, default=float(os.environ.get("BIG_GB", "2")))
    ap.add_argument("--force", action="store_true", help="remake even if present")
    ap.add_argument("workloads", nargs="+", choices=list(WORKLOADS) + ["big", "quic-bulk"])
    a = ap.parse_args()
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)

    def on_signal(signum, _frame):   # so that lo settings are restored on kill/hangup
        raise SystemExit(f"interrupted by signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    want = list(dict.fromkeys(a.workloads))
    if "big" in want and "bulk-gcm" not in want:
        want.insert(want.index("big"), "bulk-gcm")
    t0 = time.monotonic()
    for name in want:
        if name == "big":
            bn = big_name(a.big_gb)
            if a.force or not (work / f"{bn}.pcap").exists():
                make_big(work, a.big_gb, bn)
        elif a.force or not (work / f"{name}.pcap").exists():
            if os.geteuid() != 0:
                raise SystemExit("make_workloads: capturing needs root (tcpdump on lo, port 443, ethtool/ip on lo)")
            log(f"{name}: capturing ({WORKLOADS[name]['desc'] if name in WORKLOADS else name})")
            make_capture(work, name)
    log(f"done in {time.monotonic() - t0:.1f} s")


if __name__ == "__main__":
    main()
