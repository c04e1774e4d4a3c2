#!/usr/bin/env python3
"""Make the HTTP/1.1 samples under samples/http/ (see samples/http/README.md).

Real TLS sessions on loopback, captured by tcpdump: a Python client (ssl module,
OpenSSL 3, writing its NSS key log) against Debian's nginx (keep-alive, HEAD, 404,
304, POST, gzip with chunked framing, pipelining, an RSA key exchange) and against
a small Python server of this script (brotli, deflate, chunked trailers, a
close-delimited body, a gzip bomb, a websocket upgrade).

Truth per sample (NAME.truth.json): per connection the bytes and SHA-256 of what
each side sent over TLS, as the client saw them, and per transaction the method,
target, status, the body after chunked decoding (bytes, SHA-256) and after content
decoding (bytes, SHA-256).

Usage: sudo python3 samples/http/make_http.py [--only NAME ...]
Needs root (tcpdump on lo), nginx, tcpdump, python3 with the `brotli` module.
"""

import argparse
import base64
import hashlib
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import zlib

import brotli  # pip install brotli

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, "..", "keys")
CERT = os.path.join(KEYS, "server-rsa2048.crt")
KEY = os.path.join(KEYS, "server-rsa2048.key")
NGINX_PORT = 18443
PY_PORT = 18444
HOST = "tlsscope.test"


def stream(label: str, n: int) -> bytes:
    """n pseudo-random bytes fixed by `label` (SHA-256 in counter mode)."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}:{i}".encode()).digest()
        i += 1
    return bytes(out[:n])


def text(label: str, n: int) -> bytes:
    """n bytes of compressible text fixed by `label`."""
    words = [w.encode() for w in "the quick brown fox jumps over a lazy dog tls scope record".split()]
    out = bytearray()
    seed = stream(label, max(1, n // 4))
    for b in seed:
        out += words[b % len(words)] + (b"\n" if b % 11 == 0 else b" ")
        if len(out) >= n:
            break
    return bytes(out[:n])


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


# The files nginx serves.
WWW = {
    "index.html": b"<!doctype html><title>tlsscope</title><pre>\n" + text("index", 2000) + b"</pre>\n",
    "big.txt": text("big", 40000),
    "a.bin": stream("a", 10000),
    "b.txt": text("b", 12000),
    "c.bin": stream("c", 100000),
}

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{}}
http {{
    access_log off;
    types {{ text/html html; text/plain txt; application/octet-stream bin; }}
    server {{
        listen 127.0.0.1:{port} ssl;
        server_name {host};
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:AES256-GCM-SHA384;
        root {www};
        gzip on;
        gzip_types text/plain;
        gzip_min_length 100;
        keepalive_requests 1000;
        location = /upload {{ return 201 "created\\n"; }}
    }}
}}
"""


class Conn:
    """A client TLS connection that keeps every byte each way."""

    def __init__(self, port, keylog, tls13=True, ciphers=None):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.keylog_filename = keylog
        if not tls13:
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        if ciphers:
            ctx.set_ciphers(ciphers)
        ctx.set_alpn_protocols(["http/1.1"])
        raw = socket.create_connection(("127.0.0.1", port))
        self.sock = ctx.wrap_socket(raw, server_hostname=HOST)
        self.sent = bytearray()
        self.received = bytearray()
        self.buf = bytearray()
        self.transactions = []

    def send(self, data: bytes):
        self.sock.sendall(data)
        self.sent += data

    def fill(self) -> bool:
        try:
            d = self.sock.recv(65536)
        except ssl.SSLZeroReturnError:
            d = b""
        self.received += d
        self.buf += d
        return bool(d)

    def line(self) -> bytes:
        while b"\r\n" not in self.buf:
            if not self.fill():
                raise EOFError
        i = self.buf.index(b"\r\n")
        out = bytes(self.buf[:i])
        del self.buf[: i + 2]
        return out

    def take(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self.fill():
                raise EOFError
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def response(self, method: str):
        """One response: status, headers, body after chunked decoding."""
        status_line = self.line()
        status = int(status_line.split()[1])
        headers = {}
        while True:
            line = self.line()
            if not line:
                break
            k, v = line.split(b":", 1)
            headers[k.strip().lower().decode()] = v.strip().decode()
        body = b""
        if method == "HEAD" or status in (101, 204, 304) or 100 <= status < 200:
            pass
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int(self.line().split(b";")[0], 16)
                if size == 0:
                    while self.line():
                        pass  # trailers
                    break
                body += self.take(size)
                self.take(2)
        elif "content-length" in headers:
            body = self.take(int(headers["content-length"]))
        else:
            while self.fill():
                pass
            body = bytes(self.buf)
            self.buf.clear()
        return status, headers, body

    def record(self, method, target, status, headers, body, request_body=b""):
        coding = headers.get("content-encoding")
        content = {
            None: lambda b: b,
            "gzip": lambda b: zlib.decompress(b, 16 + zlib.MAX_WBITS),
            "deflate": zlib.decompress,
            "br": brotli.decompress,
        }[coding](body)
        t = {
            "method": method,
            "target": target,
            "status": status,
            "body_bytes": len(body),
            "body_sha256": sha(body),
            "content_encoding": coding,
            "content_bytes": len(content),
            "content_sha256": sha(content),
        }
        if request_body:
            t["request_body_bytes"] = len(request_body)
            t["request_body_sha256"] = sha(request_body)
        self.transactions.append(t)

    def exchange(self, method, target, extra=b"", body=b""):
        req = f"{method} {target} HTTP/1.1\r\nHost: {HOST}\r\nUser-Agent: tlsscope-samples\r\n".encode()
        if body:
            req += f"Content-Length: {len(body)}\r\nContent-Type: application/octet-stream\r\n".encode()
        self.send(req + extra + b"\r\n" + body)
        status, headers, rbody = self.response(method)
        self.record(method, target, status, headers, rbody, body)
        return status, headers

    def close(self):
        try:
            self.sock.unwrap()
        except (ssl.SSLError, OSError):
            pass
        self.sock.close()

    def truth(self):
        port = self.sock.getsockname()[1] if self.sock.fileno() >= 0 else None
        return {
            "tls": True,
            "client_ip": "127.0.0.1",
            "server_ip": "127.0.0.1",
            "client_port": port,
            "server_port": self.server_port,
            "version": {"TLSv1.3": "TLS 1.3", "TLSv1.2": "TLS 1.2"}[self.sock.version()],
            "openssl_cipher": self.sock.cipher()[0],
            "sni": HOST,
            "client_bytes": len(self.sent),
            "client_sha256": sha(bytes(self.sent)),
            "server_bytes": len(self.received),
            "server_sha256": sha(bytes(self.received)),
            "transactions": self.transactions,
        }


def open_conn(port, keylog, **kw):
    c = Conn(port, keylog, **kw)
    c.server_port = port
    c.client_port = c.sock.getsockname()[1]
    return c


def finish(c):
    t = c.truth()
    t["client_port"] = c.client_port
    c.close()
    return t


# -- the Python server's responses --------------------------------------------

BR_TEXT = text("br", 30000)
DEFLATE_TEXT = text("deflate", 25000)
TRAILER_BODY = stream("trailers", 7000)
CLOSE_BODY = text("close", 9000)


def chunks(body: bytes, size: int) -> bytes:
    out = b""
    for i in range(0, len(body), size):
        part = body[i : i + size]
        out += f"{len(part):x}\r\n".encode() + part + b"\r\n"
    return out


def py_response(target: str, headers: dict):
    """The raw response to one request, and whether the server closes after it."""
    if target == "/br":
        body = brotli.compress(BR_TEXT)
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: br\r\nContent-Length: {len(body)}\r\n\r\n"
        return head.encode() + body, False
    if target == "/deflate":
        body = zlib.compress(DEFLATE_TEXT)
        head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n"
        return head.encode() + chunks(body, 4000) + b"0\r\n\r\n", False
    if target == "/trailers":
        head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
        trailer = f"0\r\nX-Checksum: {sha(TRAILER_BODY)}\r\n\r\n".encode()
        return head.encode() + chunks(TRAILER_BODY, 1500) + trailer, False
    if target == "/zeros":
        body = zlib.compress(b"\0" * (8 << 20), 9)
        gz = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        body = gz.compress(b"\0" * (8 << 20)) + gz.flush()
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Encoding: gzip\r\nContent-Length: {len(body)}\r\n\r\n"
        return head.encode() + body, False
    if target == "/close":
        head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
        return head.encode() + CLOSE_BODY, True
    if target == "/ws":
        key = headers.get("sec-websocket-key", "")
        accept = base64.b64encode(
            hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()
        ).decode()
        head = f"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
        return head.encode(), False
    return b"HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n\r\nnot found\n", False


def py_serve(srv: socket.socket, ctx: ssl.SSLContext, stop: threading.Event):
    srv.settimeout(0.2)
    while not stop.is_set():
        try:
            raw, _ = srv.accept()
        except socket.timeout:
            continue
        threading.Thread(target=py_handle, args=(raw, ctx), daemon=True).start()


def py_handle(raw, ctx):
    s = ctx.wrap_socket(raw, server_side=True)
    buf = b""
    upgraded = False
    while True:
        try:
            d = s.recv(65536)
        except (ssl.SSLError, OSError):
            break
        if not d:
            break
        buf += d
        if upgraded:
            # A websocket frame from the client: answered with one of ours.
            s.sendall(b"\x81\x1ehello from the websocket server")
            buf = b""
            continue
        while b"\r\n\r\n" in buf:
            head, buf = buf.split(b"\r\n\r\n", 1)
            lines = head.decode().split("\r\n")
            target = lines[0].split()[1]
            headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
            resp, close = py_response(target, headers)
            s.sendall(resp)
            upgraded = target == "/ws"
            if close:
                s.unwrap()
                s.close()
                return
    try:
        s.unwrap()
    except (ssl.SSLError, OSError):
        pass
    s.close()


# -- the samples ----------------------------------------------------------------


def s_keepalive(keylog):
    """nginx, TLS 1.3: one keep-alive connection, six requests."""
    c = open_conn(NGINX_PORT, keylog)
    _, h = c.exchange("GET", "/index.html")
    c.exchange("HEAD", "/index.html")
    c.exchange("GET", "/missing.html")
    c.exchange("GET", "/index.html", f"If-Modified-Since: {h['last-modified']}\r\n".encode())
    c.exchange("GET", "/big.txt", b"Accept-Encoding: gzip\r\n")
    c.exchange("POST", "/upload", body=stream("upload", 3000))
    return [finish(c)]


def s_pipelined(keylog):
    """nginx, TLS 1.2 ECDHE: three requests sent in one write, then three responses."""
    c = open_conn(NGINX_PORT, keylog, tls13=False, ciphers="ECDHE-RSA-AES128-GCM-SHA256")
    reqs = [("GET", "/a.bin", b""), ("GET", "/b.txt", b"Accept-Encoding: gzip\r\n"), ("GET", "/c.bin", b"")]
    c.send(b"".join(f"{m} {t} HTTP/1.1\r\nHost: {HOST}\r\n".encode() + e + b"\r\n" for m, t, e in reqs))
    for m, t, _ in reqs:
        status, headers, body = c.response(m)
        c.record(m, t, status, headers, body)
    return [finish(c)]


def s_rsa(keylog):
    """nginx, TLS 1.2 with the RSA key exchange (AES256-GCM-SHA384): -k decrypts it."""
    c = open_conn(NGINX_PORT, keylog, tls13=False, ciphers="AES256-GCM-SHA384")
    c.exchange("GET", "/c.bin")
    c.exchange("GET", "/big.txt", b"Accept-Encoding: gzip\r\n")
    return [finish(c)]


def s_codings(keylog):
    """The Python server: brotli, deflate (chunked), chunked trailers, a gzip bomb,
    and a close-delimited body."""
    c = open_conn(PY_PORT, keylog)
    c.exchange("GET", "/br")
    c.exchange("GET", "/deflate")
    c.exchange("GET", "/trailers")
    c.exchange("GET", "/zeros")
    c.exchange("GET", "/close")
    return [finish(c)]


def s_websocket(keylog):
    """The Python server: a websocket upgrade (101), then a frame each way."""
    c = open_conn(PY_PORT, keylog)
    c.exchange(
        "GET",
        "/ws",
        b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
    )
    mask = b"\x01\x02\x03\x04"
    payload = b"hello from the client"
    c.send(b"\x81" + bytes([0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
    want = len(c.received) + 32
    while len(c.received) < want and c.fill():
        pass
    return [finish(c)]


SAMPLES = {
    "http1-keepalive": ("nginx, TLS 1.3: GET, HEAD, 404, 304, gzip (chunked), POST on one connection", s_keepalive),
    "http1-pipelined": ("nginx, TLS 1.2 ECDHE: three pipelined requests, one gzip", s_pipelined),
    "http1-rsa": ("nginx, TLS 1.2 RSA key exchange: a 100 KB body and a gzip one", s_rsa),
    "http1-codings": ("brotli, deflate (chunked), chunked trailers, an 8 MiB gzip bomb, a close-delimited body", s_codings),
    "http1-websocket": ("a websocket upgrade, then one frame each way", s_websocket),
}


def capture(name, desc, fn, work):
    pcap = os.path.join(HERE, f"{name}.pcap")
    keylog = os.path.join(HERE, f"{name}.keylog")
    for p in (pcap, keylog):
        if os.path.exists(p):
            os.remove(p)
    err = open(os.path.join(work, f"{name}.tcpdump"), "w+")
    dump = subprocess.Popen(
        ["tcpdump", "-i", "lo", "-U", "--immediate-mode", "-B", "65536", "-s", "0", "-w", pcap,
         f"tcp port {NGINX_PORT} or tcp port {PY_PORT}"],
        stdout=subprocess.DEVNULL,
        stderr=err,
    )
    time.sleep(1.0)
    try:
        conns = fn(keylog)
        time.sleep(0.5)
    finally:
        dump.terminate()
        dump.wait()
    err.seek(0)
    log = err.read()
    if "0 packets dropped by kernel" not in log:
        sys.exit(f"{name}: tcpdump dropped packets: {log}")
    os.chmod(pcap, 0o644)
    truth = {
        "sample": name,
        "description": desc,
        # Paths relative to samples/, as the other samples' truths.
        "capture": f"http/{name}.pcap",
        "format": "pcap",
        "keylog": f"http/{name}.keylog",
        "rsa_key": "keys/server-rsa2048.key" if name == "http1-rsa" else None,
        "connections": conns,
    }
    if truth["rsa_key"] is None:
        del truth["rsa_key"]
    with open(os.path.join(HERE, f"{name}.truth.json"), "w") as f:
        json.dump(truth, f, indent=2)
        f.write("\n")
    print(f"{name}: {len(conns)} connection(s), {sum(len(c['transactions']) for c in conns)} transactions")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", action="append")
    args = ap.parse_args()
    subprocess.run(["ethtool", "-K", "lo", "tso", "off", "gso", "off"], capture_output=True)
    work = tempfile.mkdtemp(prefix="tlsscope-http-")
    os.chmod(work, 0o755)  # nginx's workers read www/ as another user
    www = os.path.join(work, "www")
    os.makedirs(www)
    for name, data in WWW.items():
        with open(os.path.join(www, name), "wb") as f:
            f.write(data)
        os.utime(os.path.join(www, name), (1764547200, 1764547200))
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(dir=work, port=NGINX_PORT, host=HOST, cert=CERT, key=KEY, www=www))
    nginx = subprocess.Popen(["nginx", "-c", conf, "-p", work], stdout=subprocess.DEVNULL)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(CERT, KEY)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", PY_PORT))
    srv.listen(8)
    stop = threading.Event()
    threading.Thread(target=py_serve, args=(srv, ctx, stop), daemon=True).start()
    time.sleep(1.0)
    try:
        for name, (desc, fn) in SAMPLES.items():
            if args.only and name not in args.only:
                continue
            capture(name, desc, fn, work)
    finally:
        stop.set()
        nginx.terminate()
        nginx.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
