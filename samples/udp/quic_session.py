#!/usr/bin/env python3
"""One QUIC connection over loopback with aioquic: the client asks `GET /index.html`
over HTTP/0.9 on QUIC (ALPN hq-interop), the server answers and both close.

    quic_session.py PORT KEYLOG    # the client's TLS secrets go to KEYLOG (NSS format)

Made for tlsscope's sample quic-v1-hq.pcap (see make-quic.sh)."""
import asyncio
import ssl
import sys
from pathlib import Path

from aioquic.asyncio import connect, serve
from aioquic.quic.configuration import QuicConfiguration

KEYS = Path(__file__).resolve().parent.parent / "keys"
ALPN = ["hq-interop"]
RESPONSE = b"<html><body>tlsscope QUIC sample</body></html>\n"


async def handle(reader, writer):
    request = await reader.read(1024)
    assert request.startswith(b"GET /index.html"), request
    writer.write(RESPONSE)
    writer.write_eof()


async def main(port: int, keylog: str) -> None:
    server_cfg = QuicConfiguration(is_client=False, alpn_protocols=ALPN)
    server_cfg.load_cert_chain(KEYS / "server-rsa2048.crt", KEYS / "server-rsa2048.key")
    server = await serve(
        "127.0.0.1", port, configuration=server_cfg,
        stream_handler=lambda r, w: asyncio.ensure_future(handle(r, w)),
    )
    with open(keylog, "w") as log:
        client_cfg = QuicConfiguration(
            is_client=True, alpn_protocols=ALPN, server_name="tlsscope.test",
            verify_mode=ssl.CERT_NONE, secrets_log_file=log,
        )
        async with connect("127.0.0.1", port, configuration=client_cfg) as client:
            reader, writer = await client.create_stream()
            writer.write(b"GET /index.html\r\n")
            writer.write_eof()
            body = await reader.read()
            assert body == RESPONSE, body
            client.close()
            await client.wait_closed()
    await asyncio.sleep(0.2)
    server.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
