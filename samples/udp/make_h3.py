#!/usr/bin/env python3
"""Make samples/udp/quic-v1-h3.pcap: HTTP/3 between aioquic's client and server over
loopback, captured by tcpdump (run as root). Writes quic-v1-h3.keylog (the client's
secrets) and quic-v1-h3.truth.json: the QUIC streams as each receiver read them (bytes,
SHA-256, FIN) and the HTTP/3 transactions (method, path, status, body bytes and SHA-256
each way), with repeated headers so that QPACK's dynamic table is used.

Needs python3 with aioquic (made with 1.7.2) and tcpdump.
"""
import asyncio
import hashlib
import json
import os
import random
import ssl
import subprocess
import sys
import time
from pathlib import Path

import aioquic
from aioquic.asyncio import connect, serve
from aioquic.asyncio.protocol import QuicConnectionProtocol
from aioquic.h3.connection import H3_ALPN, H3Connection
from aioquic.h3.events import DataReceived, HeadersReceived
from aioquic.quic.configuration import QuicConfiguration
from aioquic.quic.events import StreamDataReceived

HERE = Path(__file__).resolve().parent
KEYS = HERE.parent / "keys"
NAME = "quic-v1-h3"
PORT = 4434
SNI = "tlsscope.test"


def body(label: str, n: int) -> bytes:
    return random.Random(f"h3/{label}").randbytes(n)


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


# path -> (status, response body); POST bodies are answered with their length.
RESOURCES = {
    "/small": (200, body("small", 50)),
    "/big": (200, body("big", 200_000)),
    "/page/1": (200, body("page1", 3000)),
    "/page/2": (200, body("page2", 4000)),
    "/page/3": (200, body("page3", 5000)),
}


class Recording(QuicConnectionProtocol):
    """Records each stream's bytes as this endpoint received them, and speaks HTTP/3."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.h3 = H3Connection(self._quic)
        self.received = {}  # stream id -> [bytes, fin]
        self.messages = {}  # stream id -> [headers, body, ended]
        self.done = {}

    def quic_event_received(self, event):
        if isinstance(event, StreamDataReceived):
            r = self.received.setdefault(event.stream_id, [b"", False])
            r[0] += event.data
            r[1] = r[1] or event.end_stream
        for ev in self.h3.handle_event(event):
            self.h3_event(ev)

    def h3_event(self, ev):
        if isinstance(ev, (HeadersReceived, DataReceived)):
            m = self.messages.setdefault(ev.stream_id, [None, b"", False])
            if isinstance(ev, HeadersReceived):
                m[0] = m[0] or ev.headers
            else:
                m[1] += ev.data
            if ev.stream_ended:
                m[2] = True
                self.ended(ev.stream_id, m)

    def ended(self, stream_id, m):
        pass


SERVERS = []


class Server(Recording):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        SERVERS.append(self)

    def ended(self, stream_id, m):
        headers = dict(m[0])
        path = headers[b":path"].decode()
        if headers[b":method"] == b"POST":
            status, data = 201, f"got {len(m[1])} bytes\n".encode()
        else:
            status, data = RESOURCES.get(path, (404, b"not found\n"))
        self.h3.send_headers(
            stream_id,
            [
                (b":status", str(status).encode()),
                (b"server", b"tlsscope-samples-h3"),
                (b"content-type", b"application/octet-stream"),
                (b"x-tlsscope-sample", b"a value repeated on every response"),
            ],
        )
        self.h3.send_data(stream_id, data, end_stream=True)
        self.transmit()


class Client(Recording):
    def ended(self, stream_id, m):
        fut = self.done.get(stream_id)
        if fut and not fut.done():
            fut.set_result(m)

    async def request(self, method, path, data=b""):
        sid = self._quic.get_next_available_stream_id()
        self.h3.send_headers(
            sid,
            [
                (b":method", method.encode()),
                (b":scheme", b"https"),
                (b":authority", SNI.encode()),
                (b":path", path.encode()),
                (b"user-agent", b"tlsscope-samples-h3/1.0"),
                (b"x-tlsscope-sample", b"a value repeated on every request"),
            ],
            end_stream=not data,
        )
        if data:
            self.h3.send_data(sid, data, end_stream=True)
        self.done[sid] = asyncio.get_running_loop().create_future()
        self.transmit()
        return sid, data


async def run(keylog):
    server_cfg = QuicConfiguration(is_client=False, alpn_protocols=H3_ALPN)
    server_cfg.load_cert_chain(KEYS / "server-rsa2048.crt", KEYS / "server-rsa2048.key")
    server = await serve("127.0.0.1", PORT, configuration=server_cfg, create_protocol=Server)
    client_cfg = QuicConfiguration(
        is_client=True, alpn_protocols=H3_ALPN, server_name=SNI, verify_mode=ssl.CERT_NONE
    )
    client_cfg.secrets_log_file = open(keylog, "w")
    transactions = []
    async with connect("127.0.0.1", PORT, configuration=client_cfg, create_protocol=Client) as c:
        plan = [
            ("GET", "/small", b""),
            ("GET", "/big", b""),
            ("POST", "/upload", body("upload", 30_000)),
            ("GET", "/missing", b""),
            ("GET", "/page/1", b""),
            ("GET", "/page/2", b""),
            ("GET", "/page/3", b""),
        ]
        # The first alone, then the rest at once (several streams in flight).
        started = [await c.request(*plan[0])]
        await c.done[started[0][0]]
        started += [await c.request(*p) for p in plan[1:]]
        for (sid, sent), (method, path, _) in zip(started, plan):
            headers, got, _ = await c.done[sid]
            status = int(dict(headers)[b":status"])
            transactions.append(
                {
                    "stream_id": sid,
                    "method": method,
                    "target": path,
                    "status": status,
                    "request_body_bytes": len(sent),
                    "request_body_sha256": sha(sent),
                    "body_bytes": len(got),
                    "body_sha256": sha(got),
                }
            )
        await asyncio.sleep(0.3)
        client = c
        ver = c._quic.tls.key_schedule.cipher_suite
        client_random = c._quic.tls.client_random.hex()
        cport = c._transport.get_extra_info("sockname")[1]
    server_proto = SERVERS[0]
    server.close()
    client_cfg.secrets_log_file.close()
    streams = {}
    for sid, (data, fin) in server_proto.received.items():
        streams.setdefault(sid, {"id": sid, "unidirectional": bool(sid & 2)}).update(
            client_bytes=len(data), client_sha256=sha(data), client_fin=fin
        )
    for sid, (data, fin) in client.received.items():
        streams.setdefault(sid, {"id": sid, "unidirectional": bool(sid & 2)}).update(
            server_bytes=len(data), server_sha256=sha(data), server_fin=fin
        )
    empty = {"bytes": 0, "sha256": sha(b""), "fin": False}
    for s in streams.values():
        for side in ("client", "server"):
            for k, v in empty.items():
                s.setdefault(f"{side}_{k}", v)
    names = {0x1301: "TLS_AES_128_GCM_SHA256", 0x1302: "TLS_AES_256_GCM_SHA384",
             0x1303: "TLS_CHACHA20_POLY1305_SHA256"}
    return {
        "client_ip": "127.0.0.1",
        "client_port": cport,
        "server_ip": "127.0.0.1",
        "server_port": PORT,
        "quic_version": "v1",
        "cipher": names[int(ver)],
        "sni": SNI,
        "alpn": "h3",
        "client_random": client_random,
        "streams": sorted(streams.values(), key=lambda s: s["id"]),
        "transactions": transactions,
    }


def main():
    os.chdir(HERE)
    subprocess.run(["ethtool", "-K", "lo", "tso", "off", "gso", "off"], capture_output=True)
    pcap, keylog = f"{NAME}.pcap", f"{NAME}.keylog"
    log = open(f"/tmp/{NAME}.tcpdump.log", "w+")
    dump = subprocess.Popen(
        ["tcpdump", "-i", "lo", "--immediate-mode", "-B", "65536", "-U", "-w", pcap,
         f"udp port {PORT}"],
        stdout=subprocess.DEVNULL, stderr=log,
    )
    time.sleep(1)
    try:
        conn = asyncio.run(run(keylog))
        time.sleep(0.5)
    finally:
        dump.terminate()
        dump.wait()
    log.seek(0)
    text = log.read()
    if "0 packets dropped by kernel" not in text:
        sys.exit(f"tcpdump dropped packets: {text}")
    os.chmod(pcap, 0o644)
    truth = {
        "sample": NAME,
        "description": "HTTP/3 (aioquic client and server): seven requests on one connection "
        "(GET 50 B, 200 KB, a 30 KB POST, a 404, three pages at once), QPACK's dynamic table "
        "used for the repeated headers",
        "capture": f"udp/{pcap}",
        "format": "pcap",
        "keylog": f"udp/{keylog}",
        "made_with": f"aioquic {aioquic.__version__}",
        "generator": "make_h3.py",
        "connections": [conn],
    }
    Path(f"{NAME}.truth.json").write_text(json.dumps(truth, indent=2) + "\n")
    print(f"{NAME}: {len(conn['transactions'])} transactions, {len(conn['streams'])} streams")


if __name__ == "__main__":
    main()
