#!/usr/bin/env python3
"""The quic-bulk benchmark workload: one aioquic QUIC v1 connection over loopback, the
client asks for STREAMS streams and the server sends STREAM_BYTES on each (about
100 MB in all), TLS_AES_128_GCM_SHA256 (as bulk-gcm's AES-128-GCM); the client's
TLS secrets go to a key log. Called by make_workloads.py under tcpdump.

Usage: quic_bulk.py PORT KEYLOG STREAMS STREAM_BYTES    (prints a JSON summary)"""
import asyncio
import hashlib
import json
import ssl
import sys
from pathlib import Path

from aioquic.asyncio import connect, serve
from aioquic.quic.configuration import QuicConfiguration
from aioquic.tls import CipherSuite

KEYS = Path(__file__).resolve().parent.parent / "samples" / "keys"
ALPN = ["tlsscope-bench"]


def body(stream: int, size: int) -> bytes:
    """Deterministic bytes of one stream."""
    seed = hashlib.sha256(f"tlsscope-bench:quic-bulk:{stream}".encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


async def main(port: int, keylog: str, streams: int, size: int) -> None:
    server_cfg = QuicConfiguration(is_client=False, alpn_protocols=ALPN,
                                   max_data=1 << 30, max_stream_data=1 << 24)
    server_cfg.load_cert_chain(KEYS / "server-rsa2048.crt", KEYS / "server-rsa2048.key")

    async def handle(reader, writer):
        request = await reader.read(64)
        n = int(request.decode().split()[1])
        writer.write(body(n, size))
        writer.write_eof()

    server = await serve("127.0.0.1", port, configuration=server_cfg,
                         stream_handler=lambda r, w: asyncio.ensure_future(handle(r, w)))
    digests = []
    with open(keylog, "w") as log:
        client_cfg = QuicConfiguration(is_client=True, alpn_protocols=ALPN, server_name="tlsscope.test",
                                       verify_mode=ssl.CERT_NONE, secrets_log_file=log,
                                       cipher_suites=[CipherSuite.AES_128_GCM_SHA256],
                                       max_data=1 << 30, max_stream_data=1 << 24)
        async with connect("127.0.0.1", port, configuration=client_cfg) as client:
            for n in range(streams):
                reader, writer = await client.create_stream()
                writer.write(f"GET {n}\r\n".encode())
                writer.write_eof()
                got = await reader.read()
                assert got == body(n, size), (n, len(got))
                digests.append(hashlib.sha256(got).hexdigest())
            client.close()
            await client.wait_closed()
    await asyncio.sleep(0.2)
    server.close()
    print(json.dumps({"streams": streams, "stream_bytes": size, "server_bytes": streams * size}))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
