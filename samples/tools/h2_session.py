#!/usr/bin/env python3
"""Make the HTTP/2 samples (samples/h2-*): real sessions over loopback between nginx
(Debian's 1.22, `listen ... ssl http2`) and either curl (`--http2 --parallel`, one
connection) or a Python h2 client (the `h2` package) that this script drives, captured
with tcpdump.

For a sample NAME it writes NAME.pcap, NAME.keylog (the client's SSLKEYLOGFILE) and
NAME.truth.json: the connection (ports, version, cipher, the plaintext each side sent:
bytes and SHA-256) and `http2.transactions`, what the client asked and got per stream
(method, path, status, body bytes and SHA-256 each way, reset, pushed).

The Python client records exactly the plaintext it wrote and read. curl does not, so for
the curl sample the per-side plaintext hashes are tshark's decryption of the capture
(`follow,tls,raw`), and the response bodies are the files nginx served (curl's own
`--write-out` gives each status and size, checked against them).

Usage: h2_session.py NAME PORT   (root: tcpdump on lo; nginx and curl installed)
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True

import hashlib
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import h2.config
import h2.connection
import h2.errors
import h2.events

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent
KEYS = SAMPLES / "keys"
SNI = "tlsscope.test"

# name: (TLS version, nginx ciphers (TLS 1.2), client)
SAMPLES_MADE = {
    "h2-tls13-curl-parallel": ("TLSv1.3", None, "curl"),
    "h2-tls12-ecdhe-curl-parallel": ("TLSv1.2", "ECDHE-RSA-AES256-GCM-SHA384", "curl"),
    "h2-tls13-scenarios": ("TLSv1.3", None, "python"),
    "h2-tls12-ecdhe-scenarios": ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", "python"),
}

# Files nginx serves: name -> size. Sizes straddle a DATA frame (16384) and the
# initial flow-control window (65535).
FILES = {
    "tiny": 3,
    "a100": 100,
    "b1k": 1000,
    "c5k": 5000,
    "d16k": 16384,
    "e16k1": 16385,
    "f40k": 40000,
    "g100k": 100000,
    "h250k": 250000,
    "i7": 7,
    "j70k": 70000,
    "k1m": 1 << 20,
    "pushed.css": 1234,
}


def content(name: str, size: int) -> bytes:
    """Deterministic bytes: SHA-256 in counter mode over the file's name."""
    out = bytearray()
    i = 0
    while len(out) < size:
        out += hashlib.sha256(f"{name}/{i}".encode()).digest()
        i += 1
    return bytes(out[:size])


# IANA names of the suites these sessions negotiate (for the truth's `cipher`).
SUITES = {0x1301: "TLS_AES_128_GCM_SHA256", 0x1302: "TLS_AES_256_GCM_SHA384",
          0x1303: "TLS_CHACHA20_POLY1305_SHA256",
          0xC02F: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          0xC030: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
error_log {tmp}/error.log info;
pid {tmp}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    default_type application/octet-stream;
    # A 20 KB request header must pass (it travels in HEADERS + CONTINUATION).
    large_client_header_buffers 4 64k;
    server {{
        listen 127.0.0.1:{port} ssl http2;
        server_name {sni};
        ssl_certificate {keys}/server-rsa2048.crt;
        ssl_certificate_key {keys}/server-rsa2048.key;
        ssl_protocols {protocols};
        {ciphers}
        root {tmp}/www;
        location = /post {{
            # Reads the request body, answers with a fixed one.
            client_max_body_size 1m;
            return 201 "created\\n";
        }}
        location = /pushy {{
            http2_push /f/pushed.css;
            return 200 "page with a pushed stylesheet\\n";
        }}
    }}
}}
"""


class Nginx:
    def __init__(self, port: int, protocols: str, ciphers: str | None):
        self.tmp = Path(tempfile.mkdtemp(prefix="tlsscope-h2-"))
        www = self.tmp / "www" / "f"
        www.mkdir(parents=True)
        for name, size in FILES.items():
            (www / name).write_bytes(content(name, size))
        conf = self.tmp / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                tmp=self.tmp,
                port=port,
                sni=SNI,
                keys=KEYS,
                protocols=protocols,
                ciphers=f"ssl_ciphers {ciphers};" if ciphers else "",
            )
        )
        self.proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(self.tmp)])
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("h2_session: nginx did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


class Tcpdump:
    def __init__(self, pcap: Path, port: int):
        self.log = pcap.with_suffix(".tcpdump.log")
        self.proc = subprocess.Popen(
            ["tcpdump", "-i", "lo", "--immediate-mode", "-B", "65536", "-U", "-w", str(pcap),
             f"tcp port {port}"],
            stderr=open(self.log, "w"),
        )
        time.sleep(1)

    def stop(self):
        time.sleep(1)
        self.proc.send_signal(2)
        self.proc.wait()
        text = self.log.read_text()
        self.log.unlink()
        sys.stderr.write(text)
        if "\n0 packets dropped by kernel" not in "\n" + text:
            raise SystemExit("h2_session: tcpdump dropped packets")


class Client:
    """An h2 client over one TLS connection, recording the plaintext both ways."""

    def __init__(self, port: int, version: str, keylog: Path):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.set_alpn_protocols(["h2"])
        ctx.keylog_filename = str(keylog)
        v = ssl.TLSVersion.TLSv1_3 if version == "TLSv1.3" else ssl.TLSVersion.TLSv1_2
        ctx.minimum_version = ctx.maximum_version = v
        raw = socket.create_connection(("127.0.0.1", port))
        self.sock = ctx.wrap_socket(raw, server_hostname=SNI)
        assert self.sock.selected_alpn_protocol() == "h2"
        self.sent = bytearray()
        self.got = bytearray()
        self.conn = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=True, header_encoding="utf-8")
        )
        self.conn.initiate_connection()
        self.flush()
        # stream id -> what the client saw
        self.streams: dict[int, dict] = {}

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)
            self.sent += data

    def request(self, method: str, path: str, extra=(), body: bytes = b"") -> int:
        sid = self.conn.get_next_available_stream_id()
        headers = [(":method", method), (":scheme", "https"), (":authority", SNI),
                   (":path", path), ("user-agent", "tlsscope-h2-sample"),
                   ("x-sample-trace", "same value on every request: indexed once, reused")]
        headers += list(extra)
        self.conn.send_headers(sid, headers, end_stream=not body)
        if body:
            self.conn.send_data(sid, body, end_stream=True)
        self.flush()
        self.streams[sid] = {"stream_id": sid, "method": method, "path": path,
                             "request_body": body, "body": bytearray(), "status": None,
                             "ended": False, "reset": None, "pushed": False}
        return sid

    def pump(self, until, on_data=None):
        """Reads and handles events until `until()` is true."""
        while not until():
            data = self.sock.recv(65536)
            if not data:
                raise SystemExit("h2_session: server closed")
            self.got += data
            for ev in self.conn.receive_data(data):
                s = self.streams.get(getattr(ev, "stream_id", None) or 0)
                if isinstance(ev, h2.events.ResponseReceived) and s:
                    s["status"] = int(dict(ev.headers)[":status"])
                elif isinstance(ev, h2.events.DataReceived):
                    self.conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
                    if s and not s["reset"]:
                        s["body"] += ev.data
                        if on_data:
                            on_data(ev.stream_id)
                elif isinstance(ev, h2.events.StreamEnded) and s:
                    s["ended"] = True
                elif isinstance(ev, h2.events.StreamReset) and s:
                    s["reset"] = {"by": "server", "code": int(ev.error_code)}
                elif isinstance(ev, h2.events.PushedStreamReceived):
                    h = dict(ev.headers)
                    self.streams[ev.pushed_stream_id] = {
                        "stream_id": ev.pushed_stream_id, "method": h[":method"],
                        "path": h[":path"], "request_body": b"", "body": bytearray(),
                        "status": None, "ended": False, "reset": None, "pushed": True}
            self.flush()

    def done(self, sids):
        return lambda: all(self.streams[s]["ended"] or self.streams[s]["reset"] for s in sids)

    def close(self):
        """GOAWAY, then what the server still sends until it closes (nginx closes the
        TCP connection without a close_notify of its own)."""
        self.conn.close_connection()
        self.flush()
        try:
            while data := self.sock.recv(65536):
                self.got += data
        except (ssl.SSLEOFError, ConnectionResetError):
            pass
        self.sock.close()


def python_scenarios(port: int, version: str, keylog: Path) -> tuple[dict, list]:
    c = Client(port, version, keylog)
    # Ten GETs of different sizes, all open at once (concurrent streams, interleaved DATA).
    names = ["tiny", "a100", "b1k", "c5k", "d16k", "e16k1", "f40k", "g100k", "h250k", "j70k"]
    sids = [c.request("GET", f"/f/{n}") for n in names]
    c.pump(c.done(sids))
    # A POST with a body, a 404, a 20 KB header (CONTINUATION), a pushed stylesheet.
    # nginx allows 16 MB frames; held to 16 KB, h2 cuts the 20 KB header block into
    # HEADERS + CONTINUATION ('~' has a 13-bit Huffman code: the value goes raw).
    c.conn.max_outbound_frame_size = 16384
    sids = [c.request("POST", "/post", [("content-type", "text/plain")],
                      content("post-body", 3000)),
            c.request("GET", "/f/missing"),
            c.request("GET", "/f/i7", [("x-big", "~" * 20000)])]
    c.pump(c.done(sids))
    sid = c.request("GET", "/pushy")
    c.pump(lambda: c.done([sid])() and all(s["ended"] for s in c.streams.values() if s["pushed"]))
    # A 1 MB download reset by the client after its first DATA frame.
    big = c.request("GET", "/f/k1m")

    def cancel(s):
        if s == big and not c.streams[big]["reset"]:
            c.conn.reset_stream(big, h2.errors.ErrorCodes.CANCEL)
            c.streams[big]["reset"] = {"by": "client", "code": int(h2.errors.ErrorCodes.CANCEL)}
            c.flush()

    c.pump(lambda: c.streams[big]["reset"] is not None, on_data=cancel)
    last = c.request("GET", "/f/a100")
    c.pump(c.done([last]))
    conn = connection_truth(c.sock)
    c.close()
    conn.update({"client_sha256": sha(bytes(c.sent)), "server_sha256": sha(bytes(c.got)),
                 "client_bytes": len(c.sent), "server_bytes": len(c.got)})
    return conn, [transaction(s) for s in sorted(c.streams.values(), key=lambda s: s["stream_id"])]


def transaction(s: dict) -> dict:
    return {
        "stream_id": s["stream_id"],
        "method": s["method"],
        "path": s["path"],
        "status": s["status"],
        "pushed": s["pushed"],
        "reset": s["reset"],
        "request_body_bytes": len(s["request_body"]),
        "request_body_sha256": sha(s["request_body"]),
        # For a reset stream, what the client had read when it reset (the capture may
        # order a few more DATA frames before the RST_STREAM).
        "response_body_bytes": len(s["body"]),
        "response_body_sha256": sha(bytes(s["body"])),
        "response_complete": s["ended"] and not s["reset"],
    }


def connection_truth(sock) -> dict:
    cport = sock.getsockname()[1]
    sport = sock.getpeername()[1]
    cipher = sock.cipher()
    return {
        "client_ip": "127.0.0.1", "client_port": cport,
        "server_ip": "127.0.0.1", "server_port": sport,
        "tls": True,
        "version": {"TLSv1.3": "TLS 1.3", "TLSv1.2": "TLS 1.2"}[sock.version()],
        "openssl_cipher": cipher[0],
        "sni": SNI, "alpn": "h2",
        "notes": "",
    }


def curl_parallel(port: int, version: str, keylog: Path) -> tuple[dict, list]:
    names = ["tiny", "a100", "b1k", "c5k", "d16k", "e16k1", "f40k", "g100k", "h250k", "j70k",
             "i7", "missing"]
    urls = [f"https://{SNI}:{port}/f/{n}" for n in names]
    args = ["curl", "--http2", "-k", "-sS", "--parallel", "--parallel-max", "10",
            "--resolve", f"{SNI}:{port}:127.0.0.1",
            "--tlsv1.3" if version == "TLSv1.3" else "--tlsv1.2",
            "--write-out", "%{http_code} %{size_download} %{num_connects} %{url_effective}\\n"]
    for u in urls:
        args += [u, "-o", "/dev/null"]
    out = subprocess.run(args, env={**os.environ, "SSLKEYLOGFILE": str(keylog)},
                         check=True, capture_output=True, text=True).stdout
    got = {}
    for line in out.splitlines():
        code, size, _, url = line.split(" ", 3)
        got[url.rsplit("/", 1)[1]] = (int(code), int(size))
    txs = []
    for n in names:
        body = content(n, FILES[n]) if n in FILES else None
        status, size = got[n]
        if body is not None:
            assert (status, size) == (200, len(body)), (n, status, size)
        txs.append({"method": "GET", "path": f"/f/{n}", "status": status,
                    "pushed": False, "reset": None,
                    "request_body_bytes": 0, "request_body_sha256": sha(b""),
                    "response_body_bytes": size,
                    # nginx's own 404 page: its bytes are curl's count, its hash the
                    # decrypted capture's (filled in by tshark_follow below).
                    "response_body_sha256": sha(body) if body is not None else None,
                    "response_complete": True})
    return {}, txs


def tshark_follow(pcap: Path, keylog: Path) -> tuple[bytes, bytes, int, int, str]:
    """Both sides' decrypted bytes as tshark sees them, and the ports and cipher."""
    def tshark(*args) -> str:
        return subprocess.run(["tshark", "-n", "-r", str(pcap), "-o",
                               f"tls.keylog_file:{keylog}", *args],
                              check=True, capture_output=True, text=True).stdout
    out = tshark("-q", "-z", "follow,tls,raw,0")
    # tshark 4.0 indents one node's lines and names the nodes unreliably: the side whose
    # bytes start with the connection preface is the client.
    plain, indented = bytearray(), bytearray()
    for line in out.splitlines():
        hexpart = line.strip()
        if hexpart and all(ch in "0123456789abcdef" for ch in hexpart):
            (indented if line.startswith("\t") else plain).extend(bytes.fromhex(hexpart))
    client, server = (plain, indented) if plain.startswith(b"PRI * HTTP/2.0") else (indented, plain)
    syn = tshark("-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 0", "-T", "fields",
                 "-e", "tcp.srcport", "-e", "tcp.dstport").split()
    suite = tshark("-Y", "tls.handshake.type == 2", "-T", "fields",
                   "-e", "tls.handshake.ciphersuite").split()[0]
    return bytes(client), bytes(server), int(syn[0]), int(syn[1]), suite


def main():
    name, port = sys.argv[1], int(sys.argv[2])
    version, ciphers, client = SAMPLES_MADE[name]
    pcap, keylog = SAMPLES / f"{name}.pcap", SAMPLES / f"{name}.keylog"
    keylog.unlink(missing_ok=True)
    nginx = Nginx(port, version, ciphers)
    try:
        dump = Tcpdump(pcap, port)
        if client == "python":
            conn, txs = python_scenarios(port, version, keylog)
        else:
            conn, txs = curl_parallel(port, version, keylog)
        dump.stop()
        # nginx's own 404 page (fixed text), fetched again outside the capture.
        page = subprocess.run(["curl", "--http2", "-k", "-sS", "--resolve",
                               f"{SNI}:{port}:127.0.0.1", f"https://{SNI}:{port}/f/missing"],
                              check=True, capture_output=True).stdout
        for t in txs:
            if t["status"] == 404 and t["response_body_sha256"] is None:
                assert t["response_body_bytes"] == len(page)
                t["response_body_sha256"] = sha(page)
    finally:
        nginx.stop()
    csent, sgot, cport, sport, suite = tshark_follow(pcap, keylog)
    if client == "python":
        # tshark's decryption agrees with what the client wrote and read.
        assert (sha(csent), sha(sgot)) == (conn["client_sha256"], conn["server_sha256"]), name
        assert (cport, sport) == (conn["client_port"], conn["server_port"])
        conn["cipher_id"] = int(suite, 0)
        conn["cipher"] = SUITES[int(suite, 0)]
    else:
        conn = {"client_ip": "127.0.0.1", "client_port": cport, "server_ip": "127.0.0.1",
                "server_port": sport, "tls": True,
                "version": "TLS 1.3" if version == "TLSv1.3" else "TLS 1.2",
                "cipher_id": int(suite, 0), "cipher": SUITES[int(suite, 0)],
                "sni": SNI, "alpn": "h2",
                "client_sha256": sha(csent), "server_sha256": sha(sgot),
                "client_bytes": len(csent), "server_bytes": len(sgot),
                "notes": "per-side plaintext from tshark's decryption (curl logs none)"}
    truth = {
        "sample": name,
        "description": {
            "h2-tls13-curl-parallel": "HTTP/2 over TLS 1.3: curl --parallel, 12 GETs (one 404) "
                                      "multiplexed on one connection to nginx",
            "h2-tls13-scenarios": "HTTP/2 over TLS 1.3 (Python h2 client, nginx): 10 concurrent "
                                  "GETs, a POST, a 404, a 20 KB header (CONTINUATION), a server "
                                  "push, a download reset by the client (RST_STREAM CANCEL)",
            "h2-tls12-ecdhe-scenarios": "The same HTTP/2 scenarios over TLS 1.2 "
                                        "ECDHE-RSA-AES128-GCM-SHA256",
            "h2-tls12-ecdhe-curl-parallel": "HTTP/2 over TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384: "
                                            "curl --parallel, 12 GETs (one 404) on one "
                                            "connection to nginx",
        }[name],
        "capture": pcap.name, "format": "pcap", "link_type": "EN10MB (1)",
        "keylog": keylog.name, "rsa_key": None, "derived_from": None,
        "connections": [conn],
        "http2": {"client": client, "transactions": txs},
    }
    (SAMPLES / f"{name}.truth.json").write_text(json.dumps(truth, indent=2) + "\n")


if __name__ == "__main__":
    main()
