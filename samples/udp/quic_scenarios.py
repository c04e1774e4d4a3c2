#!/usr/bin/env python3
"""QUIC sessions over loopback with aioquic, one scenario per run, each with its ground truth.

    quic_scenarios.py SCENARIO PORT NAME    # writes NAME.keylog and NAME.truth.json

SCENARIO is one of: streams, keyupdate, migration, 0rtt, retry, chacha20, v2, lost-datagram.
The client's TLS secrets go to NAME.keylog (NSS format, every connection of the run).
Stream payloads are deterministic (a PRNG seeded with scenario, connection, stream and
side), so reruns send the same bytes; the truth records the bytes each application wrote
and asserts that the peer read exactly those. make-quic.sh runs this under tcpdump and
then quic_tshark.py adds what tshark reads from the capture."""
import asyncio
import hashlib
import json
import random
import ssl
import sys
from pathlib import Path

import aioquic
from aioquic.asyncio import connect, serve
from aioquic.asyncio.protocol import QuicConnectionProtocol
from aioquic.quic import crypto as quic_crypto
from aioquic.quic import events
from aioquic.quic.configuration import QuicConfiguration
from aioquic.quic.packet import QuicProtocolVersion
from aioquic.tls import CipherSuite, Epoch

KEYS = Path(__file__).resolve().parent.parent / "keys"
HOST = "127.0.0.1"
SNI = "tlsscope.test"
CIPHERS = {
    0x1301: "TLS_AES_128_GCM_SHA256",
    0x1302: "TLS_AES_256_GCM_SHA384",
    0x1303: "TLS_CHACHA20_POLY1305_SHA256",
}
VERSIONS = {QuicProtocolVersion.VERSION_1: "v1", QuicProtocolVersion.VERSION_2: "v2"}

# Key updates, counted where they happen: every CryptoPair (one per 1-RTT space per endpoint)
# that switches key phase, whether on its own request or answering the peer's.
KEY_PHASE_CHANGES: dict[int, int] = {}
_update_key = quic_crypto.CryptoPair._update_key


def _counting_update_key(self, trigger):
    KEY_PHASE_CHANGES[id(self)] = KEY_PHASE_CHANGES.get(id(self), 0) + 1
    return _update_key(self, trigger)


quic_crypto.CryptoPair._update_key = _counting_update_key


def payload(scenario: str, conn: int, sid: int, side: str, n: int) -> bytes:
    return random.Random(f"{scenario}/{conn}/{sid}/{side}").randbytes(n)


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


# A connection's plan: the streams the client opens, in order, as (client bytes, server
# bytes, unidirectional). Bidirectional client streams get ids 0, 4, 8..., unidirectional
# ones 2, 6, 10...
def stream_ids(plan):
    bidi = uni = 0
    for cb, sb, is_uni in plan:
        if is_uni:
            yield 4 * uni + 2, cb, sb, is_uni
            uni += 1
        else:
            yield 4 * bidi, cb, sb, is_uni
            bidi += 1


class Recorder:
    """What one endpoint of one connection wrote and read, stream by stream."""

    def __init__(self):
        self.sent: dict[int, bytes] = {}
        self.fin_sent: dict[int, bool] = {}
        self.received: dict[int, bytes] = {}
        self.terminated: events.ConnectionTerminated | None = None


class ServerProtocol(QuicConnectionProtocol):
    """Answers each client stream, once the client's FIN is in, with the planned bytes."""

    instances: list["ServerProtocol"] = []
    scenario = ""
    plans: list = []
    drop_nth_full_1rtt = 0
    dropped: list[dict] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.index = len(ServerProtocol.instances)
        ServerProtocol.instances.append(self)
        self.rec = Recorder()
        self._stream_handler = lambda r, w: asyncio.ensure_future(self.answer(r, w))
        self._full_1rtt = 0

    async def answer(self, reader, writer):
        sid = writer.get_extra_info("stream_id")
        data = await reader.read()
        self.rec.received[sid] = data
        plan = {s: sb for s, _, sb, _ in stream_ids(ServerProtocol.plans[self.index])}
        if sid % 4 == 0:
            out = payload(ServerProtocol.scenario, self.index, sid, "server", plan[sid])
            self.rec.sent[sid] = out
            writer.write(out)
            writer.write_eof()
            self.rec.fin_sent[sid] = True

    def connection_made(self, transport):
        if ServerProtocol.drop_nth_full_1rtt:
            transport = DroppingTransport(transport, self)
        super().connection_made(transport)

    def quic_event_received(self, event):
        if isinstance(event, events.ConnectionTerminated):
            self.rec.terminated = event
        super().quic_event_received(event)


class DroppingTransport:
    """The server's socket, except that the n-th full-size 1-RTT datagram never leaves:
    aioquic believes it sent it, so loss recovery retransmits its frames."""

    def __init__(self, inner, proto):
        self.inner = inner
        self.proto = proto

    def sendto(self, data, addr):
        if not data[0] & 0x80 and len(data) >= 1000:
            self.proto._full_1rtt += 1
            if self.proto._full_1rtt == ServerProtocol.drop_nth_full_1rtt:
                ServerProtocol.dropped.append(
                    {"by": "server", "nth_full_size_1rtt_datagram": self.proto._full_1rtt,
                     "udp_payload_length": len(data), "udp_payload_sha256": sha(data),
                     "server_1rtt_packets_before": self.proto._full_1rtt - 1}
                )
                return
        self.inner.sendto(data, addr)

    def __getattr__(self, name):
        return getattr(self.inner, name)


class ClientProtocol(QuicConnectionProtocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rec = Recorder()

    def quic_event_received(self, event):
        if isinstance(event, events.ConnectionTerminated):
            self.rec.terminated = event
        super().quic_event_received(event)


class Scenario:
    name = ""
    description = ""
    alpn = ["hq-interop"]
    retry = False
    versions = None
    ciphers = None
    plans: list = []  # one plan per connection

    def add(self, client):
        self.clients.append(client)
        self.client_ports.append(client._transport.get_extra_info("sockname")[1])

    def config(self, is_client, log=None):
        kw = {}
        if self.versions:
            kw["supported_versions"] = self.versions
        if self.ciphers:
            kw["cipher_suites"] = self.ciphers
        if is_client:
            return QuicConfiguration(
                is_client=True, alpn_protocols=self.alpn, server_name=SNI,
                verify_mode=ssl.CERT_NONE, secrets_log_file=log, **kw,
            )
        cfg = QuicConfiguration(is_client=False, alpn_protocols=self.alpn, **kw)
        cfg.load_cert_chain(KEYS / "server-rsa2048.crt", KEYS / "server-rsa2048.key")
        return cfg

    async def stream(self, client, conn, sid, cb, sb, uni):
        """Writes the client's bytes with FIN and reads the server's answer to its FIN."""
        reader, writer = await client.create_stream(is_unidirectional=uni)
        assert writer.get_extra_info("stream_id") == sid
        out = payload(self.name, conn, sid, "client", cb)
        client.rec.sent[sid] = out
        if out:
            writer.write(out)
        writer.write_eof()
        client.rec.fin_sent[sid] = True
        if not uni:
            client.rec.received[sid] = await reader.read()

    async def streams(self, client, conn):
        await asyncio.gather(
            *(self.stream(client, conn, *s) for s in stream_ids(self.plans[conn]))
        )

    async def run(self, port, log):
        """Default: one connection, all streams at once, then the client closes."""
        async with connect(HOST, port, configuration=self.config(True, log),
                           create_protocol=ClientProtocol) as client:
            self.add(client)
            await self.streams(client, 0)
            client.close(error_code=0, reason_phrase="")
            self.closers.append(("client", 0, "", None))
            await client.wait_closed()


class Streams(Scenario):
    name = "quic-v1-streams"
    description = ("one connection, custom ALPN: three client bidirectional streams (client "
                   "0 B / 17 B / 100 KB, server 50 B / 1 MB / 300 KB) and one client "
                   "unidirectional stream (5000 B), all at once; the server closes with an "
                   "application CONNECTION_CLOSE, error code 0x2a and a reason phrase")
    alpn = ["tlsscope-samples"]
    plans = [[(0, 50, False), (17, 1_000_000, False), (100_000, 300_000, False),
              (5000, 0, True)]]

    async def run(self, port, log):
        async with connect(HOST, port, configuration=self.config(True, log),
                           create_protocol=ClientProtocol) as client:
            self.add(client)
            await self.streams(client, 0)
            # Everything arrived: the server ends it.
            await asyncio.sleep(0.05)
            reason = "tlsscope: all streams answered"
            ServerProtocol.instances[0].close(error_code=0x2A, reason_phrase=reason)
            self.closers.append(("server", 0x2A, reason, None))
            await client.wait_closed()


class KeyUpdate(Scenario):
    name = "quic-v1-keyupdate"
    description = ("one connection: the client sends 300 KB, the server answers 1.5 MB; the "
                   "client requests a key update after reading 300 KB of the answer, the "
                   "server after the client has read 900 KB (two key phase flips, each "
                   "answered by the peer); the client closes with NO_ERROR")
    plans = [[(300_000, 1_500_000, False)]]

    async def run(self, port, log):
        async with connect(HOST, port, configuration=self.config(True, log),
                           create_protocol=ClientProtocol) as client:
            self.add(client)
            reader, writer = await client.create_stream()
            out = payload(self.name, 0, 0, "client", 300_000)
            client.rec.sent[0] = out
            writer.write(out)
            writer.write_eof()
            client.rec.fin_sent[0] = True
            got = bytearray()
            updates = [(300_000, client), (900_000, None)]
            while chunk := await reader.read(65536):
                got += chunk
                if updates and len(got) >= updates[0][0]:
                    who = updates.pop(0)[1] or ServerProtocol.instances[0]
                    who.request_key_update()
            client.rec.received[0] = bytes(got)
            client.close(error_code=0, reason_phrase="")
            self.closers.append(("client", 0, "", None))
            await client.wait_closed()


class Migration(Scenario):
    name = "quic-v1-migration"
    description = ("one connection that changes its connection ID and then its UDP source "
                   "port: stream 0 (client 2000 B, server 30 KB) on the first port; then "
                   "change_connection_id() and a PING; then the client moves to a new socket "
                   "(new source port), changes its connection ID again and PINGs (the server "
                   "validates the new path), then stream 4 (client 40 KB, server 200 KB) on "
                   "the new port; the client closes with NO_ERROR")
    plans = [[(2000, 30_000, False), (40_000, 200_000, False)]]

    async def run(self, port, log):
        loop = asyncio.get_running_loop()
        async with connect(HOST, port, configuration=self.config(True, log),
                           create_protocol=ClientProtocol) as client:
            self.add(client)
            self.ports = [client._transport.get_extra_info("sockname")[1]]
            self.dcids = [client._quic._peer_cid.cid.hex()]
            s0, s1 = list(stream_ids(self.plans[0]))
            await self.stream(client, 0, *s0)
            client.change_connection_id()
            self.dcids.append(client._quic._peer_cid.cid.hex())
            await client.ping()
            # Rebind, as aioquic's examples/interop.py does: a new socket for the same
            # protocol object, so the same connection now sends from another port.
            client._transport.close()
            transport, _ = await loop.create_datagram_endpoint(
                lambda: client, local_addr=("::", 0)
            )
            self.ports.append(transport.get_extra_info("sockname")[1])
            client.change_connection_id()
            self.dcids.append(client._quic._peer_cid.cid.hex())
            await client.ping()
            await self.stream(client, 0, *s1)
            client.close(error_code=0, reason_phrase="")
            self.closers.append(("client", 0, "", None))
            await client.wait_closed()
            transport.close()

    def extra(self, conn):
        return {
            "client_ports": self.ports,
            "migrated": True,
            "client_used_dcids": self.dcids,
            "server_ip_port_unchanged": True,
        }


class ZeroRtt(Scenario):
    name = "quic-v1-0rtt"
    description = ("two connections: the first (stream 0: client 30 B, server 100 B) gets a "
                   "session ticket and closes; the second resumes with it and sends stream 0 "
                   "(500 B with FIN) as 0-RTT early data before the handshake completes, "
                   "the server answers 2000 B; the client closes each with NO_ERROR")
    plans = [[(30, 100, False)], [(500, 2000, False)]]

    async def run(self, port, log):
        tickets = []
        got_ticket = asyncio.Event()

        def on_ticket(t):
            tickets.append(t)
            got_ticket.set()

        async with connect(HOST, port, configuration=self.config(True, log),
                           create_protocol=ClientProtocol,
                           session_ticket_handler=on_ticket) as client:
            self.add(client)
            await self.streams(client, 0)
            await asyncio.wait_for(got_ticket.wait(), 5)
            client.close(error_code=0, reason_phrase="")
            self.closers.append(("client", 0, "", None))
            await client.wait_closed()
        await asyncio.sleep(0.1)
        cfg = self.config(True, log)
        cfg.session_ticket = tickets[-1]
        async with connect(HOST, port, configuration=cfg, create_protocol=ClientProtocol,
                           wait_connected=False) as client:
            self.add(client)
            # Nothing sent yet: the stream's bytes go out with the ClientHello, in 0-RTT.
            await self.streams(client, 1)
            assert client._quic.tls.session_resumed
            assert client._quic.tls.early_data_accepted
            client.close(error_code=0, reason_phrase="")
            self.closers.append(("client", 0, "", None))
            await client.wait_closed()

    def extra(self, conn):
        if conn == 1:
            return {"early_data_streams": [0], "early_data_client_bytes": 500}
        return {}


class Retry(Scenario):
    name = "quic-v1-retry"
    description = ("one connection to a server that validates addresses with a Retry: the "
                   "client's first Initial is answered by a Retry, the second Initial carries "
                   "the token; stream 0 (client 40 B, server 2000 B), stream 4 (client "
                   "3000 B, server 0 B); the client closes with NO_ERROR")
    retry = True
    plans = [[(40, 2000, False), (3000, 0, False)]]


class Chacha(Scenario):
    name = "quic-v1-chacha20"
    description = ("one connection with TLS_CHACHA20_POLY1305_SHA256 forced on both sides: "
                   "stream 0 (client 1000 B, server 20 KB), stream 4 (client 0 B, server "
                   "5 B); the client closes with NO_ERROR")
    ciphers = [CipherSuite.CHACHA20_POLY1305_SHA256]
    plans = [[(1000, 20_000, False), (0, 5, False)]]


class V2(Scenario):
    name = "quic-v2"
    description = ("one connection in QUIC version 2 (0x6b3343cf, RFC 9369) on both sides "
                   "from the first Initial: stream 0 (client 600 B, server 25 KB); the client "
                   "closes with NO_ERROR")
    versions = [QuicProtocolVersion.VERSION_2]
    plans = [[(600, 25_000, False)]]


class LostDatagram(Scenario):
    name = "quic-v1-lost-datagram"
    description = ("like quic-v1-streams, smaller: streams 0 (client 0 B, server 50 B), 4 "
                   "(17 B / 200 KB), 8 (30 KB / 60 KB); the server's 12th full-size 1-RTT "
                   "datagram is dropped inside the server before it reaches the socket, so it "
                   "is not in the capture and its STREAM data arrives by retransmission; the "
                   "server closes with an application CONNECTION_CLOSE (0x2a)")
    plans = [[(0, 50, False), (17, 200_000, False), (30_000, 60_000, False)]]
    drop = 12

    async def run(self, port, log):
        await Streams.run(self, port, log)

    def extra(self, conn):
        return {"dropped_datagrams": ServerProtocol.dropped}


SCENARIOS = {
    "streams": Streams, "keyupdate": KeyUpdate, "migration": Migration, "0rtt": ZeroRtt,
    "retry": Retry, "chacha20": Chacha, "v2": V2, "lost-datagram": LostDatagram,
}


def keylog_randoms(path):
    return [l.split()[1] for l in open(path) if l.startswith("CLIENT_TRAFFIC_SECRET_0 ")]


async def main(which: str, port: int, name: str) -> None:
    sc = SCENARIOS[which]()
    assert sc.name == name, (sc.name, name)
    sc.clients, sc.closers, sc.client_ports = [], [], []
    ServerProtocol.instances = []
    ServerProtocol.scenario = sc.name
    ServerProtocol.plans = sc.plans
    ServerProtocol.drop_nth_full_1rtt = getattr(sc, "drop", 0)
    tickets = {}
    server = await serve(
        HOST, port, configuration=sc.config(False), create_protocol=ServerProtocol,
        retry=sc.retry, session_ticket_fetcher=tickets.pop,
        session_ticket_handler=lambda t: tickets.__setitem__(t.ticket, t),
    )
    with open(f"{name}.keylog", "w") as log:
        await sc.run(port, log)
    await asyncio.sleep(0.3)
    server.close()

    assert len(sc.clients) == len(ServerProtocol.instances) == len(sc.plans)
    randoms = keylog_randoms(f"{name}.keylog")
    conns = []
    for i, (client, srv) in enumerate(zip(sc.clients, ServerProtocol.instances)):
        q = client._quic
        by, code, reason, _ = sc.closers[i]
        # What the peer of the closing side was told.
        term = (srv if by == "client" else client).rec.terminated
        assert term is not None and term.error_code == code and term.reason_phrase == reason, term
        streams = []
        for sid, cb, sb, uni in stream_ids(sc.plans[i]):
            c_out, s_in = client.rec.sent[sid], srv.rec.received[sid]
            assert c_out == s_in and len(c_out) == cb, (sid, len(c_out), len(s_in))
            s_out = srv.rec.sent.get(sid, b"")
            c_in = client.rec.received.get(sid, b"")
            assert s_out == c_in and len(s_out) == sb, (sid, len(s_out), len(c_in))
            streams.append({
                "id": sid, "unidirectional": uni,
                "client_bytes": cb, "client_sha256": sha(c_out),
                "client_fin": client.rec.fin_sent.get(sid, False),
                "server_bytes": sb, "server_sha256": sha(s_out),
                "server_fin": srv.rec.fin_sent.get(sid, False),
            })
        cr = q.tls.client_random.hex()
        assert randoms.count(cr) == 1, "keylog lacks this connection's secrets"
        phase_changes = KEY_PHASE_CHANGES.get(id(q._cryptos[Epoch.ONE_RTT]), 0)
        assert phase_changes == KEY_PHASE_CHANGES.get(id(srv._quic._cryptos[Epoch.ONE_RTT]), 0)
        conn = {
            "client_ip": HOST,
            "client_port": sc.client_ports[i],
            "server_ip": HOST, "server_port": port,
            "quic_version": VERSIONS[q._version],
            "quic_version_id": f"0x{int(q._version):08x}",
            "cipher": CIPHERS[q.tls.key_schedule.cipher_suite],
            "cipher_id": int(q.tls.key_schedule.cipher_suite),
            "sni": SNI, "alpn": q.tls.alpn_negotiated, "client_alpn": sc.alpn,
            "client_random": cr,
            "retry": sc.retry, "resumed": bool(q.tls.session_resumed),
            "early_data": bool(q.tls.early_data_accepted),
            "key_updates": phase_changes, "migrated": False,
            "close": {
                "by": by, "error_code": code,
                "frame_type": "application" if term.frame_type is None else "transport",
                "reason": reason,
            },
            "streams": streams,
        }
        conn.update(sc.extra(i) if hasattr(sc, "extra") else {})
        conns.append(conn)
    truth = {
        "sample": name, "description": sc.description,
        "capture": f"udp/{name}.pcap", "format": "pcap", "link_type": "EN10MB (1)",
        "keylog": f"udp/{name}.keylog",
        "made_with": f"aioquic {aioquic.__version__}",
        "generator": f"make-quic.sh -> quic_scenarios.py {which}",
        "connections": conns,
    }
    Path(f"{name}.truth.json").write_text(json.dumps(truth, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
