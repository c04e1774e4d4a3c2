#!/usr/bin/env python3
"""Make the real-capture samples under samples/.

Every sample is a real TLS session on loopback between a client and a server
that this script runs (Python's ssl module, i.e. OpenSSL 3, for almost all of
them; gnutls-serv/gnutls-cli for 3DES and RC4, which Debian's OpenSSL 3 is
built without), captured with tcpdump (or dumpcap for the pcapng samples).

For each sample NAME it writes NAME.pcap (or .pcapng), NAME.keylog (the NSS
key log the client's TLS library wrote) and NAME.truth.json (what was sent).

Both sides send application data of known content, fixed by the sample name
(pseudo-random bytes from SHA-256 in counter mode, or text built the same
way), so regenerating gives the same plaintext, hashes and lengths (the
ciphertext, randoms, ports and timestamps differ of course).

Usage: tls_session.py [--only NAME ...] [--list]
Must run as root (tcpdump, port 443, lo offload/MTU for the bulk sample).
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # keep samples/tools free of __pycache__

import argparse
import ctypes
import hashlib
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent
KEYS = SAMPLES / "keys"
sys.path.insert(0, str(HERE))
import pcaplib  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)

# OpenSSL 3 option bits Python 3.11 has no names for.
OP_NO_EXTENDED_MASTER_SECRET = getattr(ssl, "OP_NO_EXTENDED_MASTER_SECRET", 1 << 0)
OP_ALLOW_CLIENT_RENEGOTIATION = 1 << 8     # OpenSSL 3.0 refuses client-initiated renegotiation without it
OP_NO_ENCRYPT_THEN_MAC = 1 << 19
OP_NO_TICKET = ssl.OP_NO_TICKET

SNI = "tlsscope.test"

# --------------------------------------------------------------------------
# deterministic content


def prng(seed: str, n: int) -> bytes:
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"tlsscope:{seed}:{i}".encode()).digest()
        i += 1
    return bytes(out[:n])


_WORDS = ("record layer handshake cipher suite secret nonce tag key block master "
          "random client server hello finished change spec alert close notify "
          "ticket session resumption extension certificate verify exchange premaster "
          "sequence number padding digest encrypt decrypt stream segment packet "
          "capture loopback window acknowledge tlsscope sample").split()


def text(seed: str, n: int) -> bytes:
    """n bytes of deterministic ASCII text in CRLF lines."""
    rnd = prng("text:" + seed, 2 * n + 64)
    out = []
    line = []
    size = 0
    i = 0
    while size < n:
        w = _WORDS[rnd[i % len(rnd)] % len(_WORDS)]
        i += 1
        line.append(w)
        if len(line) >= 6 + rnd[(i * 7) % len(rnd)] % 6:
            s = " ".join(line) + "\r\n"
            out.append(s)
            size += len(s)
            line = []
    return "".join(out).encode()[:n]


def sizes_for(seed: str, base: List[int]) -> List[int]:
    """Vary a list of sizes a little, deterministically by seed."""
    r = prng("sizes:" + seed, 2 * len(base))
    return [b + ((r[2 * i] << 8 | r[2 * i + 1]) % max(1, b // 3)) for i, b in enumerate(base)]


def request(name: str, conn: int, body_len: int) -> bytes:
    body = text(f"{name}:{conn}:req", body_len)
    head = (f"POST /tlsscope/{name}/{conn} HTTP/1.1\r\nHost: {SNI}\r\n"
            f"User-Agent: tlsscope-samples/1\r\nContent-Type: text/plain\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    return head + body


def response_parts(name: str, conn: int, chunk_sizes: List[int]) -> List[bytes]:
    """HTTP-ish response whose body is pseudo-random bytes, cut into parts
    (each part is one write, so normally one TLS record)."""
    body = prng(f"{name}:{conn}:resp", sum(chunk_sizes))
    head = (f"HTTP/1.1 200 OK\r\nServer: tlsscope-samples/1\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    parts = []
    off = 0
    for i, n in enumerate(chunk_sizes):
        p = body[off:off + n]
        off += n
        parts.append(head + p if i == 0 else p)
    return parts


def default_plan(name: str, conn: int = 0) -> list:
    """Client request (one write), then the server's response in three writes."""
    req_len, c1, c2, c3 = sizes_for(f"{name}:{conn}", [420, 1100, 2300, 700])
    steps = [("C", request(name, conn, req_len))]
    steps += [("S", p) for p in response_parts(name, conn, [c1, c2, c3])]
    return steps


# --------------------------------------------------------------------------
# OpenSSL names <-> IANA names and code points

_FALLBACK_CIPHERS = {
    # GnuTLS-made samples (not in Debian's OpenSSL build)
    "DES-CBC3-SHA": ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", 0x000A),
    "RC4-SHA": ("TLS_RSA_WITH_RC4_128_SHA", 0x0005),
    "RC4-MD5": ("TLS_RSA_WITH_RC4_128_MD5", 0x0004),
}
_CIPHER_TABLE: Dict[str, tuple] = {}
# all TLS 1.3 suites (the CCM ones are not in OpenSSL's default list)
TLS13_ALL = ("TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:"
             "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256")


def cipher_info(openssl_name: str) -> tuple:
    if not _CIPHER_TABLE:
        out = subprocess.run(["openssl", "ciphers", "-V", "-stdname", "-ciphersuites", TLS13_ALL,
                              "ALL:COMPLEMENTOFALL:@SECLEVEL=0"],
                             check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            m = re.match(r"\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)(?:\s+- (\S+))?", line)
            if m:
                cid = int(m.group(1) + m.group(2), 16)
                std = m.group(3)
                ossl = m.group(4) or std
                _CIPHER_TABLE[ossl] = (std, cid)
        _CIPHER_TABLE.update(_FALLBACK_CIPHERS)
    return _CIPHER_TABLE[openssl_name]


VERSION_NAMES = {"TLSv1": "TLS 1.0", "TLSv1.1": "TLS 1.1", "TLSv1.2": "TLS 1.2", "TLSv1.3": "TLS 1.3"}
TLSV = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
        "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}

# --------------------------------------------------------------------------
# reaching OpenSSL objects behind Python's ssl module (for what it has no API
# for: client renegotiation, TLS 1.3 cipher suite lists)

_libssl = ctypes.CDLL(ssl._ssl.__file__)
_libssl.SSL_renegotiate.argtypes = [ctypes.c_void_p]
_libssl.SSL_do_handshake.argtypes = [ctypes.c_void_p]
_libssl.SSL_is_server.argtypes = [ctypes.c_void_p]
_libssl.SSL_get_version.argtypes = [ctypes.c_void_p]
_libssl.SSL_get_version.restype = ctypes.c_char_p
_libssl.SSL_CTX_get_options.argtypes = [ctypes.c_void_p]
_libssl.SSL_CTX_get_options.restype = ctypes.c_uint64
_libssl.SSL_CTX_set_ciphersuites.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
_libssl.SSL_CTX_ctrl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
_libssl.SSL_CTX_ctrl.restype = ctypes.c_long
_libssl.SSL_CTX_set_max_early_data.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
_libssl.SSL_key_update.argtypes = [ctypes.c_void_p, ctypes.c_int]
_libssl.SSL_write_early_data.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                         ctypes.POINTER(ctypes.c_size_t)]
_libssl.SSL_read_early_data.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                        ctypes.POINTER(ctypes.c_size_t)]
_libssl.SSL_get_early_data_status.argtypes = [ctypes.c_void_p]
_libssl.SSL_get_error.argtypes = [ctypes.c_void_p, ctypes.c_int]
_libssl.SSL_CTX_use_psk_identity_hint.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
_PSK_CLIENT_CB = ctypes.CFUNCTYPE(ctypes.c_uint, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_uint,
                                  ctypes.c_void_p, ctypes.c_uint)
_PSK_SERVER_CB = ctypes.CFUNCTYPE(ctypes.c_uint, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_uint)
_libssl.SSL_CTX_set_psk_client_callback.argtypes = [ctypes.c_void_p, _PSK_CLIENT_CB]
_libssl.SSL_CTX_set_psk_server_callback.argtypes = [ctypes.c_void_p, _PSK_SERVER_CB]

SSL_CTRL_SET_DH_AUTO = 118
SSL_KEY_UPDATE_NOT_REQUESTED, SSL_KEY_UPDATE_REQUESTED = 0, 1
SSL_READ_EARLY_DATA_ERROR, SSL_READ_EARLY_DATA_SUCCESS, SSL_READ_EARLY_DATA_FINISH = 0, 1, 2
EARLY_DATA_STATUS = {0: "not_sent", 1: "rejected", 2: "accepted"}
PSK_IDENTITY = b"tlsscope-client"
PSK_HINT = b"tlsscope"


def _ssl_ptr(sock: ssl.SSLSocket, before_handshake: bool = False) -> int:
    """SSL* of an SSLSocket: PySSLSocket is {PyObject_HEAD; PyObject *Socket; SSL *ssl; ...}.
    Before the handshake (do_handshake_on_connect=False, for early data) there is
    no negotiated version to compare with, only the side."""
    obj = sock._sslobj
    ptr = ctypes.c_void_p.from_address(id(obj) + 2 * ctypes.sizeof(ctypes.c_void_p) + ctypes.sizeof(ctypes.c_void_p)).value
    if _libssl.SSL_is_server(ptr) != int(sock.server_side) or \
            (not before_handshake and _libssl.SSL_get_version(ptr).decode() != sock.version()):
        raise RuntimeError("could not locate SSL* behind the Python SSLSocket")
    return ptr


def _ctx_ptr(ctx: ssl.SSLContext) -> int:
    """SSL_CTX* of an SSLContext: PySSLContext is {PyObject_HEAD; SSL_CTX *ctx; ...}."""
    ptr = ctypes.c_void_p.from_address(id(ctx) + 2 * ctypes.sizeof(ctypes.c_void_p)).value
    if _libssl.SSL_CTX_get_options(ptr) != ctx.options:
        raise RuntimeError("could not locate SSL_CTX* behind the Python SSLContext")
    return ptr


def set_tls13_ciphersuites(ctx: ssl.SSLContext, suites: str) -> None:
    if _libssl.SSL_CTX_set_ciphersuites(_ctx_ptr(ctx), suites.encode()) != 1:
        raise RuntimeError(f"SSL_CTX_set_ciphersuites({suites}) failed")


def client_renegotiate(sock: ssl.SSLSocket) -> None:
    p = _ssl_ptr(sock)
    if _libssl.SSL_renegotiate(p) != 1 or _libssl.SSL_do_handshake(p) != 1:
        raise RuntimeError("renegotiation failed")


def key_update(sock: ssl.SSLSocket, requested: bool) -> None:
    """TLS 1.3 KeyUpdate (SSL_key_update); OpenSSL sends it with the next write.
    With update_requested the peer answers with its own KeyUpdate."""
    mode = SSL_KEY_UPDATE_REQUESTED if requested else SSL_KEY_UPDATE_NOT_REQUESTED
    if _libssl.SSL_key_update(_ssl_ptr(sock), mode) != 1:
        raise RuntimeError("SSL_key_update failed")


def set_dh_auto(ctx: ssl.SSLContext) -> None:
    """SSL_CTX_set_dh_auto(ctx, 1): DHE groups matching the certificate (ffdhe2048 for RSA-2048)."""
    if _libssl.SSL_CTX_ctrl(_ctx_ptr(ctx), SSL_CTRL_SET_DH_AUTO, 1, None) != 1:
        raise RuntimeError("SSL_CTX_set_dh_auto failed")


def set_max_early_data(ctx: ssl.SSLContext, n: int) -> None:
    if _libssl.SSL_CTX_set_max_early_data(_ctx_ptr(ctx), n) != 1:
        raise RuntimeError("SSL_CTX_set_max_early_data failed")


def set_psk(sctx: ssl.SSLContext, cctx: ssl.SSLContext, psk: bytes) -> None:
    """TLS 1.2 plain PSK through OpenSSL's callbacks (Python < 3.13 has no PSK API).
    The callbacks are kept on the contexts so they outlive the handshakes."""

    def client_cb(_ssl, hint, identity, max_id_len, out, max_psk_len):
        if len(PSK_IDENTITY) + 1 > max_id_len or len(psk) > max_psk_len:
            return 0
        ctypes.memmove(identity, PSK_IDENTITY + b"\0", len(PSK_IDENTITY) + 1)
        ctypes.memmove(out, psk, len(psk))
        return len(psk)

    def server_cb(_ssl, identity, out, max_psk_len):
        if identity != PSK_IDENTITY or len(psk) > max_psk_len:
            return 0
        ctypes.memmove(out, psk, len(psk))
        return len(psk)

    ccb, scb = _PSK_CLIENT_CB(client_cb), _PSK_SERVER_CB(server_cb)
    cctx._tlsscope_psk_cb = ccb
    sctx._tlsscope_psk_cb = scb
    _libssl.SSL_CTX_set_psk_client_callback(_ctx_ptr(cctx), ccb)
    _libssl.SSL_CTX_set_psk_server_callback(_ctx_ptr(sctx), scb)
    if _libssl.SSL_CTX_use_psk_identity_hint(_ctx_ptr(sctx), PSK_HINT) != 1:
        raise RuntimeError("SSL_CTX_use_psk_identity_hint failed")


def write_early_data(sock: ssl.SSLSocket, data: bytes) -> None:
    """Client: SSL_write_early_data (the first call sends the ClientHello too)."""
    p = _ssl_ptr(sock, before_handshake=True)
    written = ctypes.c_size_t(0)
    r = _libssl.SSL_write_early_data(p, data, len(data), ctypes.byref(written))
    if r != 1 or written.value != len(data):
        raise RuntimeError(f"SSL_write_early_data failed (error {_libssl.SSL_get_error(p, r)})")


def read_early_data(sock: ssl.SSLSocket) -> bytes:
    """Server: SSL_read_early_data until it reports the end of early data."""
    p = _ssl_ptr(sock, before_handshake=True)
    buf = ctypes.create_string_buffer(16384)
    got = bytearray()
    while True:
        n = ctypes.c_size_t(0)
        r = _libssl.SSL_read_early_data(p, buf, len(buf), ctypes.byref(n))
        if r == SSL_READ_EARLY_DATA_ERROR:
            raise RuntimeError(f"SSL_read_early_data failed (error {_libssl.SSL_get_error(p, 0)})")
        got += buf.raw[:n.value]
        if r == SSL_READ_EARLY_DATA_FINISH:
            return bytes(got)


def early_data_status(sock: ssl.SSLSocket) -> str:
    return EARLY_DATA_STATUS[_libssl.SSL_get_early_data_status(_ssl_ptr(sock))]


# --------------------------------------------------------------------------
# capturing


class CaptureDropped(RuntimeError):
    """The capture tool reported packets dropped by the kernel."""


class Tcpdump:
    """tcpdump (or dumpcap) running for the duration of a with-block."""

    def __init__(self, path: Path, bpf: str, iface: str = "lo", linktype: Optional[str] = None,
                 tool: str = "tcpdump", extra_ifaces: Optional[list] = None):
        self.path = path
        self.bpf = bpf
        self.iface = iface
        self.linktype = linktype
        self.tool = tool
        self.extra_ifaces = extra_ifaces or []
        self.proc = None
        self.errpath = Path(f"/tmp/tlsscope-capture-{os.getpid()}-{path.name}.err")

    def __enter__(self):
        if self.path.exists():
            self.path.unlink()
        if self.tool == "tcpdump":
            cmd = ["tcpdump", "-i", self.iface, "--immediate-mode", "-B", "65536", "-Z", "root",
                   "-U", "-w", str(self.path)]
            if self.linktype:
                cmd += ["-y", self.linktype]
            cmd += [self.bpf]
            ready = "listening on"
        else:  # dumpcap: pcapng, possibly several interfaces each with its own filter/link type
            cmd = ["dumpcap", "-B", "64", "-w", str(self.path)]
            for iface, bpf, lt in [(self.iface, self.bpf, self.linktype)] + self.extra_ifaces:
                cmd += ["-i", iface, "-f", bpf]
                if lt:
                    cmd += ["-y", lt]
            ready = "Capturing on"
        self.err = open(self.errpath, "w+")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.err)
        deadline = time.time() + 15
        while time.time() < deadline:
            self.err.seek(0)
            if ready in self.err.read():
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.tool} died: {open(self.errpath).read()}")
            time.sleep(0.05)
        else:
            raise RuntimeError(f"{self.tool} did not start")
        time.sleep(0.5)
        return self

    def __exit__(self, *exc):
        time.sleep(0.5)   # let the last ACKs/FINs through
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=20)
        self.err.seek(0)
        msg = self.err.read()
        self.err.close()
        self.errpath.unlink()
        if exc[0] is not None:
            return False
        if self.tool == "tcpdump":
            if "0 packets dropped by kernel" not in msg:
                raise CaptureDropped(f"tcpdump dropped packets or failed: {msg}")
        else:
            drops = re.findall(r"received/dropped on interface '[^']*': \d+/(\d+)", msg)
            if not drops or any(d != "0" for d in drops):
                raise CaptureDropped(f"dumpcap dropped packets or failed: {msg}")
        return False


# --------------------------------------------------------------------------
# Python/OpenSSL sessions


@dataclass
class Spec:
    name: str
    port: int
    desc: str
    version: str = "1.2"                 # "1.0" .. "1.3"; min = max
    ciphers: Optional[str] = None        # OpenSSL cipher string (TLS <= 1.2)
    tls13: Optional[str] = None          # TLS 1.3 suite list
    cert: str = "server-rsa2048"
    server_opts: int = 0
    client_opts: int = 0
    clear_client_opts: int = 0
    host: str = "127.0.0.1"
    conns: int = 1
    resume: bool = False                 # connection 2.. resume connection 1's session
    client_cert: bool = False
    parallel: bool = False
    plan: Optional[Callable[[str, int], list]] = None
    rsa_key: Optional[str] = "keys/server-rsa2048.key"  # key that opens it (RSA key exchange)
    notes: str = ""
    bulk_mtu: bool = False               # lo: tso/gso off and MTU 1500 during the capture
    ecdh_curve: Optional[str] = None     # server: only this group (TLS 1.3: forces HelloRetryRequest)
    dh_auto: bool = False                # server: SSL_CTX_set_dh_auto (DHE suites)
    psk: Optional[str] = None            # TLS 1.2 plain PSK (hex); no server certificate then
    early_data: Optional[str] = None     # TLS 1.3 0-RTT: "accept" or "reject" (server side)
    expect_cipher: Optional[str] = None  # OpenSSL name to insist on (default: ciphers/tls13)
    extra: Dict = field(default_factory=dict)


def make_contexts(spec: Spec, keylog: Path):
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.check_hostname = False
    cctx.verify_mode = ssl.CERT_NONE
    v = TLSV[spec.version]
    for c in (sctx, cctx):
        c.minimum_version = v
        c.maximum_version = v
        if spec.ciphers:
            c.set_ciphers(spec.ciphers)   # before loading keys: may lower the security level
    if spec.cert:
        sctx.load_cert_chain(str(KEYS / f"{spec.cert}.crt"), str(KEYS / f"{spec.cert}.key"))
    if spec.tls13:
        set_tls13_ciphersuites(cctx, spec.tls13)
        set_tls13_ciphersuites(sctx, spec.tls13)
    sctx.options |= spec.server_opts
    cctx.options |= spec.client_opts
    if spec.clear_client_opts:
        cctx.options &= ~spec.clear_client_opts
        sctx.options &= ~spec.clear_client_opts
    if spec.ecdh_curve:
        sctx.set_ecdh_curve(spec.ecdh_curve)
    if spec.dh_auto:
        set_dh_auto(sctx)
    if spec.psk:
        set_psk(sctx, cctx, bytes.fromhex(spec.psk))
    if spec.early_data:
        # both servers issue tickets allowing early data (stateful tickets then, for
        # OpenSSL's anti-replay); only a server that calls SSL_read_early_data accepts it
        set_max_early_data(sctx, 16384)
    if spec.client_cert:
        sctx.verify_mode = ssl.CERT_REQUIRED
        sctx.load_verify_locations(str(KEYS / "client-rsa2048.crt"))
        cctx.load_cert_chain(str(KEYS / "client-rsa2048.crt"), str(KEYS / "client-rsa2048.key"))
    cctx.keylog_filename = str(keylog)
    return sctx, cctx


def recv_exact(s, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        d = s.recv(min(65536, n - len(buf)))
        if not d:
            raise RuntimeError(f"EOF after {len(buf)} of {n} bytes")
        buf += d
    return bytes(buf)


def run_plan(s, plan: list, me: str, barrier=None) -> None:
    """Walk the plan from one side: write own steps, read and check the peer's."""
    for step in plan:
        kind = step[0]
        if kind in ("C", "S"):
            if kind == me:
                s.sendall(step[1])
            else:
                got = recv_exact(s, len(step[1]))
                if got != step[1]:
                    raise RuntimeError("received data differs from plan")
        elif kind == me + "_SLEEP":
            time.sleep(step[1])
        elif kind == me + "_CORK":
            # TCP_CORK: let the kernel fill maximum-size (GSO, up to 64 KB) segments
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, step[1])
        elif kind == "C_RENEG" and me == "C":
            client_renegotiate(s)
        elif kind == me + "_KEYUPDATE":
            key_update(s, step[1])
        elif kind == "C_BARRIER" and me == "C" and barrier is not None:
            barrier.wait(timeout=30)


def plan_bytes(plan: list, who: str) -> bytes:
    return b"".join(s[1] for s in plan if s[0] == who)


def key_update_counts(plan: list) -> Optional[dict]:
    """KeyUpdate messages each side sends: its own SSL_key_update calls plus one answer
    to each update_requested from the peer."""
    c = [s[1] for s in plan if s[0] == "C_KEYUPDATE"]
    sv = [s[1] for s in plan if s[0] == "S_KEYUPDATE"]
    if not c and not sv:
        return None
    return {"client_sent": len(c) + sum(sv), "server_sent": len(sv) + sum(c),
            "client_update_requested": sum(c), "server_update_requested": sum(sv)}


def close_server(s: ssl.SSLSocket) -> None:
    # wait for the client's close_notify, answer with ours, close TCP
    d = s.recv(1)
    if d:
        raise RuntimeError("unexpected data before close_notify")
    s.unwrap().close()


def close_client(s: ssl.SSLSocket) -> None:
    s.unwrap().close()        # sends close_notify, waits for the server's, closes TCP


def listen(host: str, port: int) -> socket.socket:
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, port))
    ls.listen(16)
    return ls


def connect(host: str, port: int) -> socket.socket:
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    c = socket.socket(fam, socket.SOCK_STREAM)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.connect((host, port))
    return c


def run_python_sessions(spec: Spec, keylog: Path) -> list:
    """Run spec.conns TLS connections (sequential or parallel); return truth entries."""
    sctx, cctx = make_contexts(spec, keylog)
    ls = listen(spec.host, spec.port)
    plans = [(spec.plan or default_plan)(spec.name, i) for i in range(spec.conns)]
    errors: list = []
    server_info: Dict[int, dict] = {}

    def serve_one(raw, idx):
        try:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s = sctx.wrap_socket(raw, server_side=True, do_handshake_on_connect=not spec.early_data)
            peer_port = s.getpeername()[1]
            # which plan? parallel clients say who they are via their port (mapped below)
            while peer_port not in port_to_idx:
                time.sleep(0.01)
            i = port_to_idx[peer_port]
            if spec.early_data:
                early = plan_bytes(plans[i], "C_EARLY")
                if early and spec.early_data == "accept":
                    if read_early_data(s) != early:
                        raise RuntimeError("early data received differs from plan")
                s.do_handshake()     # "reject": OpenSSL skips the client's early data records
                server_info.setdefault(i, {})["early_data"] = early_data_status(s)
            run_plan(s, plans[i], "S")
            server_info.setdefault(i, {})["client_cert"] = s.getpeercert(binary_form=True) is not None
            close_server(s)
        except Exception as e:  # noqa: BLE001
            errors.append(("server", idx, repr(e)))

    port_to_idx: Dict[int, int] = {}

    def acceptor():
        threads = []
        for idx in range(spec.conns):
            try:
                raw, _ = ls.accept()
            except Exception as e:  # noqa: BLE001
                errors.append(("accept", idx, repr(e)))
                return
            t = threading.Thread(target=serve_one, args=(raw, idx))
            t.start()
            threads.append(t)
        for t in threads:
            t.join()

    at = threading.Thread(target=acceptor)
    at.start()
    results: Dict[int, dict] = {}
    barrier = threading.Barrier(spec.conns) if spec.parallel else None
    session_holder: Dict[str, object] = {}

    def client(i):
        try:
            raw = connect(spec.host, spec.port)
            cport = raw.getsockname()[1]
            port_to_idx[cport] = i
            sess = session_holder.get("s") if (spec.resume and i > 0) else None
            early = [st[1] for st in plans[i] if st[0] == "C_EARLY"]
            s = cctx.wrap_socket(raw, server_hostname=SNI, session=sess, do_handshake_on_connect=not early)
            if early:
                for d in early:
                    write_early_data(s, d)
                s.do_handshake()
            run_plan(s, plans[i], "C", barrier)
            results[i] = {
                "client_port": cport,
                "version": s.version(),
                "cipher": s.cipher()[0],
                "resumed": s.session_reused,
            }
            if spec.early_data:
                results[i]["early_data"] = early_data_status(s)
            if spec.resume and i == 0:
                session_holder["s"] = s.session
            close_client(s)
        except Exception as e:  # noqa: BLE001
            errors.append(("client", i, repr(e)))

    if spec.parallel:
        cts = [threading.Thread(target=client, args=(i,)) for i in range(spec.conns)]
        for t in cts:
            t.start()
            time.sleep(0.02)
        for t in cts:
            t.join()
    else:
        for i in range(spec.conns):
            client(i)
            if errors:
                break
            time.sleep(0.1)
    at.join(timeout=60)
    ls.close()
    if errors:
        raise RuntimeError(f"{spec.name}: {errors}")

    entries = []
    for i in range(spec.conns):
        r = results[i]
        plan = plans[i]
        want = spec.expect_cipher or spec.tls13 or (spec.ciphers or "").split(":")[0]
        if want and r["cipher"] != want:
            raise RuntimeError(f"{spec.name}: negotiated {r['cipher']}, wanted {want}")
        if VERSION_NAMES[r["version"]] != f"TLS {spec.version}":
            raise RuntimeError(f"{spec.name}: negotiated {r['version']}")
        if spec.resume and i > 0 and not r["resumed"]:
            raise RuntimeError(f"{spec.name}: connection {i} was not resumed")
        std, cid = cipher_info(r["cipher"])
        cb, sb = plan_bytes(plan, "C"), plan_bytes(plan, "S")
        e = {
            "client_ip": spec.host, "client_port": r["client_port"],
            "server_ip": spec.host, "server_port": spec.port,
            "tls": True,
            "version": VERSION_NAMES[r["version"]],
            "cipher": std, "cipher_id": cid, "openssl_cipher": r["cipher"],
            "sni": SNI,
            "client_sha256": hashlib.sha256(cb).hexdigest(),
            "server_sha256": hashlib.sha256(sb).hexdigest(),
            "client_bytes": len(cb), "server_bytes": len(sb),
            "client_writes": [len(s[1]) for s in plan if s[0] == "C"],
            "server_writes": [len(s[1]) for s in plan if s[0] == "S"],
            "resumed": bool(r["resumed"]),
            "renegotiations": sum(1 for s in plan if s[0] == "C_RENEG"),
            "client_cert": server_info.get(i, {}).get("client_cert", False),
            "extended_master_secret": not ((spec.client_opts | spec.server_opts) & OP_NO_EXTENDED_MASTER_SECRET)
            if spec.version != "1.3" else None,
            "notes": spec.notes,
        }
        if spec.psk:
            e["psk_identity"] = PSK_IDENTITY.decode()
            e["psk_identity_hint"] = PSK_HINT.decode()
        ku = key_update_counts(plan)
        if ku:
            e["key_updates"] = ku
        if spec.early_data:
            status = r["early_data"]
            if status != server_info.get(i, {}).get("early_data"):
                raise RuntimeError(f"{spec.name}: client and server disagree about early data")
            early = plan_bytes(plan, "C_EARLY")
            want_status = ("accepted" if spec.early_data == "accept" else "rejected") if early else "not_sent"
            if status != want_status:
                raise RuntimeError(f"{spec.name}: connection {i}: early data {status}, wanted {want_status}")
            e["early_data"] = status
            early_writes = [len(s[1]) for s in plan if s[0] == "C_EARLY"]
            if status == "accepted":
                # 0-RTT data is application data the server got: it counts in client_*
                allc = early + cb
                e.update({"client_sha256": hashlib.sha256(allc).hexdigest(), "client_bytes": len(allc),
                          "client_writes": early_writes + e["client_writes"],
                          "client_early_sha256": hashlib.sha256(early).hexdigest(),
                          "client_early_bytes": len(early), "client_early_writes": early_writes})
            elif status == "rejected":
                # sent under the early traffic key but skipped by the server: not in client_*
                e.update({"client_early_rejected_sha256": hashlib.sha256(early).hexdigest(),
                          "client_early_rejected_bytes": len(early),
                          "client_early_rejected_writes": early_writes})
        if spec.extra:
            e.update(spec.extra)
        entries.append(e)
    return entries


# --------------------------------------------------------------------------
# GnuTLS sessions (3DES, RC4)


def wait_listening(port: int, timeout: float = 10) -> None:
    """Wait until something listens on TCP port (without connecting to it,
    which would show up in the capture)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        out = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True).stdout
        if out.strip():
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def run_gnutls_session(name: str, port: int, priority: str, keylog: Path, notes: str) -> list:
    """gnutls-serv in echo mode; gnutls-cli sends the request from stdin and the
    server echoes it back byte for byte (--crlf keeps CRLF as is)."""
    req = request(name, 0, sizes_for(name, [600])[0])
    srv = subprocess.Popen(["gnutls-serv", "--echo", "--crlf", "-a", "--nodb", "-p", str(port),
                            f"--priority={priority}",
                            f"--x509keyfile={KEYS / 'server-rsa2048.key'}",
                            f"--x509certfile={KEYS / 'server-rsa2048.crt'}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port)
        env = dict(os.environ, SSLKEYLOGFILE=str(keylog))
        cli = subprocess.Popen(["gnutls-cli", "--insecure", "-p", str(port), f"--priority={priority}",
                                f"--sni-hostname={SNI}", "127.0.0.1"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        got = bytearray()
        # wait for the handshake banner, send the request, collect the echo
        os.set_blocking(cli.stdout.fileno(), False)
        deadline = time.time() + 10
        sent = False
        while time.time() < deadline:
            try:
                chunk = cli.stdout.read()
            except BlockingIOError:
                chunk = None
            if chunk:
                got += chunk
            if not sent and b"Simple Client Mode" in got:
                time.sleep(0.2)
                cli.stdin.write(req)
                cli.stdin.flush()
                sent = True
            if sent and got.endswith(req):
                break
            time.sleep(0.02)
        else:
            raise RuntimeError(f"{name}: gnutls echo did not come back: {bytes(got)[-200:]!r}")
        time.sleep(0.2)
        cli.stdin.close()          # EOF: gnutls-cli sends close_notify and exits
        cli.wait(timeout=10)
    finally:
        time.sleep(0.3)
        srv.terminate()
        srv.wait(timeout=10)
    return [{
        "client_ip": "127.0.0.1", "client_port": None, "server_ip": "127.0.0.1", "server_port": port,
        "tls": True, "version": "TLS 1.2", "sni": SNI,
        "client_sha256": hashlib.sha256(req).hexdigest(), "server_sha256": hashlib.sha256(req).hexdigest(),
        "client_bytes": len(req), "server_bytes": len(req),
        "resumed": False, "renegotiations": 0, "client_cert": False, "extended_master_secret": True,
        "notes": notes,
    }]


# --------------------------------------------------------------------------
# plain TCP (non-TLS) exchange


def run_plain_http(port: int, name: str) -> dict:
    req = (f"GET /tlsscope/{name}/plain HTTP/1.1\r\nHost: {SNI}:{port}\r\n"
           "User-Agent: tlsscope-samples/1\r\nAccept: */*\r\n\r\n").encode()
    body = text(f"{name}:plain", 900)
    resp = (f"HTTP/1.1 200 OK\r\nServer: tlsscope-samples/1\r\nContent-Type: text/plain\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
    ls = listen("127.0.0.1", port)

    def srv():
        c, _ = ls.accept()
        recv_exact(c, len(req))
        c.sendall(resp)
        c.shutdown(socket.SHUT_WR)
        c.recv(1)
        c.close()

    t = threading.Thread(target=srv)
    t.start()
    c = connect("127.0.0.1", port)
    cport = c.getsockname()[1]
    c.sendall(req)
    recv_exact(c, len(resp))
    c.recv(1)
    c.close()
    t.join()
    ls.close()
    return {
        "client_ip": "127.0.0.1", "client_port": cport, "server_ip": "127.0.0.1", "server_port": port,
        "tls": False, "version": None, "cipher": None, "cipher_id": None,
        "client_sha256": hashlib.sha256(req).hexdigest(), "server_sha256": hashlib.sha256(resp).hexdigest(),
        "client_bytes": len(req), "server_bytes": len(resp),
        "notes": "plain HTTP over TCP, no TLS",
    }


# --------------------------------------------------------------------------
# lo settings for the wire-sized bulk sample


class WireSizedLoopback:
    """Turn off TSO/GSO on lo and set its MTU to 1500; restore afterwards."""

    def __enter__(self):
        k = subprocess.run(["ethtool", "-k", "lo"], capture_output=True, text=True, check=True).stdout
        self.tso = re.search(r"^tcp-segmentation-offload: (\w+)", k, re.M).group(1)
        self.gso = re.search(r"^generic-segmentation-offload: (\w+)", k, re.M).group(1)
        link = subprocess.run(["ip", "link", "show", "lo"], capture_output=True, text=True, check=True).stdout
        self.mtu = re.search(r"mtu (\d+)", link).group(1)
        subprocess.run(["ethtool", "-K", "lo", "tso", "off", "gso", "off"], check=True)
        subprocess.run(["ip", "link", "set", "lo", "mtu", "1500"], check=True)
        return self

    def __exit__(self, *exc):
        subprocess.run(["ip", "link", "set", "lo", "mtu", self.mtu], check=True)
        subprocess.run(["ethtool", "-K", "lo", "tso", self.tso, "gso", self.gso], check=True)
        return False


# --------------------------------------------------------------------------
# sample catalogue

RSA2048 = "keys/server-rsa2048.key"
PSK_HEX = "0102030405060708090a0b0c0d0e0f10"


def plan_resume(name, conn):
    return default_plan(name, conn)


def plan_reneg(name, conn):
    r1, r2, s1, s2 = sizes_for(name, [380, 520, 1500, 2600])
    req1 = request(name, 1, r1)
    req2 = request(name, 2, r2)
    resp1 = response_parts(name, 1, [s1])
    resp2 = response_parts(name, 2, [s2, 900])
    return ([("C", req1)] + [("S", p) for p in resp1] + [("C_RENEG",), ("C", req2)] +
            [("S", p) for p in resp2])


def plan_parallel(name, conn):
    req_len, c1, c2, c3 = sizes_for(f"{name}:{conn}", [420, 900, 1600, 700])
    req = request(name, conn, req_len)
    half = len(req) // 2
    parts = response_parts(name, conn, [c1, c2, c3])
    return [("C_BARRIER",), ("C", req[:half]), ("C_SLEEP", 0.03), ("C", req[half:]),
            ("S", parts[0]), ("S_SLEEP", 0.03), ("S", parts[1]), ("S_SLEEP", 0.03), ("S", parts[2])]


def plan_bulk(size, cork=False):
    def plan(name, conn):
        req = request(name, conn, 300)
        body = prng(f"{name}:{conn}:bulk", size)
        head = (f"HTTP/1.1 200 OK\r\nServer: tlsscope-samples/1\r\n"
                f"Content-Type: application/octet-stream\r\nContent-Length: {size}\r\n\r\n").encode()
        if cork:
            return [("C", req), ("S_CORK", 1), ("S", head + body), ("S_CORK", 0)]
        # paced 64 KB writes, so tcpdump keeps up on a busy machine
        data = head + body
        steps = [("C", req)]
        for o in range(0, len(data), 65536):
            steps += [("S", data[o:o + 65536]), ("S_SLEEP", 0.004)]
        return steps
    return plan


def plan_tls10(name, conn):
    # several writes per side so the CBC IV chaining across records matters
    req_len, c1, c2, c3 = sizes_for(f"{name}:{conn}", [420, 1100, 2300, 700])
    req = request(name, conn, req_len)
    steps = [("C", req[:200]), ("C", req[200:])]
    steps += [("S", p) for p in response_parts(name, conn, [c1, c2, c3])]
    return steps


def plan_keyupdate(name, conn):
    """Connection 1 (resumed): request/response, then KeyUpdates both ways with
    more data after each: the client's update_requested (the server answers with
    its own KeyUpdate before its next data), then the server's update_requested
    (the client answers)."""
    if conn == 0:
        return default_plan(name, conn)
    r1, r2, r3, s1, s2, s3, s4 = sizes_for(f"{name}:{conn}", [300, 420, 260, 900, 1300, 700, 1100])
    resp = response_parts(name, conn, [s1, s2, s3, s4])
    return [("C", request(name, 1, r1)), ("S", resp[0]),
            ("C_KEYUPDATE", True), ("C", request(name, 2, r2)), ("S", resp[1]),
            ("S_KEYUPDATE", True), ("S", resp[2]), ("C", request(name, 3, r3)), ("S", resp[3])]


def plan_early(resend: bool):
    """Connection 1 (resumed) starts with 0-RTT early data: the first request in
    two early writes, then (after the handshake) a second request; the server
    answers both. With resend the client sends the first request again after
    the handshake (what a client does when the server rejected its early data)."""
    def plan(name, conn):
        if conn == 0:
            return default_plan(name, conn)
        r1, r2, s1, s2, s3 = sizes_for(f"{name}:{conn}", [500, 350, 1100, 1500, 800])
        req1 = request(name, 1, r1)
        steps = [("C_EARLY", req1[:120]), ("C_EARLY", req1[120:])]
        if resend:
            steps.append(("C", req1))
        resp = response_parts(name, conn, [s1, s2, s3])
        return steps + [("S", resp[0]), ("C", request(name, 2, r2)), ("S", resp[1]), ("S", resp[2])]
    return plan


def specs() -> List[Spec]:
    tls12 = []
    S = Spec
    tls12.append(S("tls12-rsa-aes128gcm", 443, "Baseline: TLS 1.2, RSA key exchange, AES-128-GCM, EMS on (default)",
                   ciphers="AES128-GCM-SHA256"))
    tls12.append(S("tls12-rsa-aes256gcm-noems", 20002, "TLS 1.2 RSA AES-256-GCM-SHA384, extended master secret OFF",
                   ciphers="AES256-GCM-SHA384", server_opts=OP_NO_EXTENDED_MASTER_SECRET,
                   client_opts=OP_NO_EXTENDED_MASTER_SECRET,
                   notes="no extended_master_secret extension: classic master secret PRF"))
    tls12.append(S("tls12-rsa-aes128sha-etm", 20003, "TLS 1.2 RSA AES-128-CBC-SHA with encrypt-then-MAC (default on)",
                   ciphers="AES128-SHA", notes="encrypt_then_mac negotiated (RFC 7366)", extra={"encrypt_then_mac": True}))
    tls12.append(S("tls12-rsa-aes128sha-noetm", 20004, "TLS 1.2 RSA AES-128-CBC-SHA, encrypt-then-MAC OFF (MAC-then-encrypt)",
                   ciphers="AES128-SHA", server_opts=OP_NO_ENCRYPT_THEN_MAC, client_opts=OP_NO_ENCRYPT_THEN_MAC,
                   notes="MAC-then-encrypt", extra={"encrypt_then_mac": False}))
    tls12.append(S("tls12-rsa-aes256sha256-noetm", 20005, "TLS 1.2 RSA AES-256-CBC-SHA256, encrypt-then-MAC OFF",
                   ciphers="AES256-SHA256", server_opts=OP_NO_ENCRYPT_THEN_MAC, client_opts=OP_NO_ENCRYPT_THEN_MAC,
                   notes="MAC-then-encrypt", extra={"encrypt_then_mac": False}))
    for nm, port, oc, d in [
        ("aes128ccm", 20006, "AES128-CCM", "AES-128-CCM (16-byte tag)"),
        ("aes128ccm8", 20007, "AES128-CCM8", "AES-128-CCM_8 (8-byte tag)"),
        ("camellia128sha", 20008, "CAMELLIA128-SHA", "Camellia-128-CBC-SHA"),
        ("camellia256sha", 20009, "CAMELLIA256-SHA", "Camellia-256-CBC-SHA"),
        ("aria128gcm", 20010, "ARIA128-GCM-SHA256", "ARIA-128-GCM-SHA256"),
        ("aria256gcm", 20011, "ARIA256-GCM-SHA384", "ARIA-256-GCM-SHA384"),
    ]:
        tls12.append(S(f"tls12-rsa-{nm}", port, f"TLS 1.2 RSA {d}", ciphers=oc))
    for nm, port, oc, d in [
        ("null-md5", 20012, "NULL-MD5", "NULL cipher, HMAC-MD5: plaintext visible on the wire"),
        ("null-sha", 20013, "NULL-SHA", "NULL cipher, HMAC-SHA1: plaintext visible on the wire"),
        ("null-sha256", 20014, "NULL-SHA256", "NULL cipher, HMAC-SHA256: plaintext visible on the wire"),
    ]:
        tls12.append(S(f"tls12-rsa-{nm}", port, f"TLS 1.2 RSA {d}", ciphers=f"{oc}:@SECLEVEL=0",
                       expect_cipher=oc, notes="NULL encryption: records carry plaintext + MAC"))
    tls12.append(S("tls10-rsa-aes128sha", 20015, "TLS 1.0 RSA AES-128-CBC-SHA (implicit IV chained from the previous record)",
                   version="1.0", ciphers="AES128-SHA:@SECLEVEL=0", expect_cipher="AES128-SHA", plan=plan_tls10,
                   notes="TLS 1.0 CBC: IV = last ciphertext block of previous record; OpenSSL sends an empty "
                         "application-data record (empty-fragment BEAST countermeasure) before each write",
                   extra={"empty_fragments": True, "encrypt_then_mac": True}))
    tls12.append(S("tls11-rsa-aes128sha", 20016, "TLS 1.1 RSA AES-128-CBC-SHA (explicit IV per record)",
                   version="1.1", ciphers="AES128-SHA:@SECLEVEL=0", expect_cipher="AES128-SHA", plan=plan_tls10,
                   extra={"encrypt_then_mac": True}))
    tls12.append(S("tls13-aes128gcm", 20017, "TLS 1.3 TLS_AES_128_GCM_SHA256 (X25519); needs the key log",
                   version="1.3", tls13="TLS_AES_128_GCM_SHA256", rsa_key=None))
    tls12.append(S("tls13-aes256gcm", 20018, "TLS 1.3 TLS_AES_256_GCM_SHA384; needs the key log",
                   version="1.3", tls13="TLS_AES_256_GCM_SHA384", rsa_key=None))
    tls12.append(S("tls13-chacha20", 20019, "TLS 1.3 TLS_CHACHA20_POLY1305_SHA256; needs the key log",
                   version="1.3", tls13="TLS_CHACHA20_POLY1305_SHA256", rsa_key=None))
    tls12.append(S("tls13-hrr", 20020, "TLS 1.3 with a HelloRetryRequest (server only accepts P-256, client "
                   "offers an X25519 key share first); needs the key log",
                   version="1.3", tls13="TLS_AES_128_GCM_SHA256", ecdh_curve="prime256v1", rsa_key=None,
                   notes="HelloRetryRequest: two ClientHellos; transcript starts with message_hash",
                   extra={"hello_retry_request": True}))
    tls12.append(S("tls13-resume-psk", 20021, "TLS 1.3 full handshake, then a PSK (session ticket) resumption with "
                   "psk_dhe_ke; needs the key log",
                   version="1.3", tls13="TLS_AES_128_GCM_SHA256", conns=2, resume=True, rsa_key=None,
                   notes="connection 2 resumes connection 1 (NewSessionTicket PSK)"))
    tls12.append(S("tls12-ecdhe-rsa-aes128gcm", 20022, "TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256 (forward secret; needs the key log)",
                   ciphers="ECDHE-RSA-AES128-GCM-SHA256", rsa_key=None))
    tls12.append(S("tls12-ecdhe-ecdsa-chacha20", 20023, "TLS 1.2 ECDHE-ECDSA-CHACHA20-POLY1305, P-256 ECDSA "
                   "certificate (needs the key log)",
                   ciphers="ECDHE-ECDSA-CHACHA20-POLY1305", cert="server-ecdsa-p256", rsa_key=None))
    tls12.append(S("tls12-rsa-resume-sessionid", 20024, "TLS 1.2 RSA: full handshake, then an abbreviated handshake "
                   "resuming by session ID (tickets off)",
                   ciphers="AES128-GCM-SHA256", conns=2, resume=True,
                   server_opts=OP_NO_TICKET, client_opts=OP_NO_TICKET,
                   notes="connection 2 resumes connection 1 by session ID: no key exchange in it; the RSA key "
                         "opens it only through the master secret of connection 1"))
    tls12.append(S("tls12-rsa-resume-ticket", 20025, "TLS 1.2 RSA: full handshake with NewSessionTicket, then "
                   "resumption by session ticket",
                   ciphers="AES128-GCM-SHA256", conns=2, resume=True,
                   notes="connection 2 resumes connection 1 by session ticket (RFC 5077); the ticket is opaque, "
                         "the master secret comes from connection 1"))
    tls12.append(S("tls12-rsa-clientcert", 20026, "TLS 1.2 RSA with a client certificate (server requires it)",
                   ciphers="AES128-GCM-SHA256", client_cert=True,
                   notes="CertificateRequest, client Certificate + CertificateVerify (keys/client-rsa2048.crt)"))
    tls12.append(S("tls12-rsa-renegotiation", 20027, "TLS 1.2 RSA: client-initiated secure renegotiation "
                   "(RFC 5746) between two request/response exchanges",
                   ciphers="AES128-GCM-SHA256", plan=plan_reneg, server_opts=OP_ALLOW_CLIENT_RENEGOTIATION,
                   notes="second handshake runs encrypted under the first one's keys; new keys after it; "
                         "key log has two CLIENT_RANDOM lines"))
    tls12.append(S("tls12-rsa1024-aes128sha256", 20028, "TLS 1.2 RSA with a 1024-bit server key, AES-128-CBC-SHA256",
                   ciphers="AES128-SHA256:@SECLEVEL=0", expect_cipher="AES128-SHA256", cert="server-rsa1024",
                   rsa_key="keys/server-rsa1024.key"))
    tls12.append(S("tls12-rsa-ipv6", 20029, "TLS 1.2 RSA AES-128-GCM over IPv6 (::1)",
                   ciphers="AES128-GCM-SHA256", host="::1"))
    tls12.append(S("tls12-rsa-parallel4", 20030, "Four concurrent TLS 1.2 RSA AES-GCM connections to one server, "
                   "their packets interleaved",
                   ciphers="AES128-GCM-SHA256:AES256-GCM-SHA384", expect_cipher="AES128-GCM-SHA256", conns=4,
                   parallel=True, plan=plan_parallel, notes="one of four concurrent connections"))
    tls12.append(S("tls12-rsa-bulk-1500mtu", 20031, "~1.5 MB server->client in wire-sized TCP segments (lo MTU 1500, "
                   "TSO/GSO off)",
                   ciphers="AES128-GCM-SHA256", plan=plan_bulk(1_500_000), bulk_mtu=True,
                   notes="many 16 KB records spanning many 1448-byte segments"))
    tls12.append(S("tls12-rsa-bulk-gso", 20032, "~200 KB server->client with loopback GSO/TSO super-segments "
                   "(up to 64 KB per captured packet)",
                   ciphers="AES128-GCM-SHA256", plan=plan_bulk(200_000, cork=True),
                   notes="captured packets far larger than any wire MTU (server socket corked while writing, so the "
                         "kernel builds maximum-size GSO segments)"))
    tls12.append(S("tls13-aes128ccm", 20060, "TLS 1.3 TLS_AES_128_CCM_SHA256 (16-byte tag); needs the key log",
                   version="1.3", tls13="TLS_AES_128_CCM_SHA256", rsa_key=None))
    tls12.append(S("tls13-aes128ccm8", 20061, "TLS 1.3 TLS_AES_128_CCM_8_SHA256 (8-byte tag); needs the key log",
                   version="1.3", tls13="TLS_AES_128_CCM_8_SHA256", rsa_key=None))
    tls12.append(S("tls13-keyupdate", 20062, "TLS 1.3 full handshake, then a PSK resumption in which both sides "
                   "send KeyUpdate messages between application data; needs the key log",
                   version="1.3", tls13="TLS_AES_128_GCM_SHA256", conns=2, resume=True, rsa_key=None,
                   plan=plan_keyupdate,
                   notes="connection 2 resumes connection 1 (NewSessionTicket PSK); after the first exchange the "
                         "client sends KeyUpdate(update_requested), the server answers with "
                         "KeyUpdate(update_not_requested); later the server sends KeyUpdate(update_requested) and "
                         "the client answers: 2 KeyUpdates each way, each side's traffic secret is updated twice "
                         "(SSL_key_update through ctypes)"))
    tls12.append(S("tls13-early-data", 20063, "TLS 1.3 full handshake, then a PSK resumption with 0-RTT early data "
                   "accepted by the server, more data after the handshake; needs the key log",
                   version="1.3", tls13="TLS_AES_128_GCM_SHA256", conns=2, resume=True, rsa_key=None,
                   plan=plan_early(False), early_data="accept",
                   notes="connection 2 resumes connection 1 and sends its first request as 0-RTT early data "
                         "(two records under CLIENT_EARLY_TRAFFIC_SECRET, then EndOfEarlyData); the server accepted "
                         "it, so client_* include the early bytes (SSL_write_early_data/SSL_read_early_data "
                         "through ctypes)"))
    tls12.append(S("tls13-early-data-rejected", 20064, "TLS 1.3 PSK resumption whose 0-RTT early data the server "
                   "rejects (PSK accepted, early data skipped); the client sends the request again after the "
                   "handshake; needs the key log",
                   version="1.3", tls13="TLS_AES_128_GCM_SHA256", conns=2, resume=True, rsa_key=None,
                   plan=plan_early(True), early_data="reject",
                   notes="connection 2 resumes connection 1 and sends its first request as 0-RTT early data; the "
                         "server does not take early data (no early_data in EncryptedExtensions, no "
                         "EndOfEarlyData) and skips those records; client_* are only what the server received, "
                         "the rejected bytes are in client_early_rejected_*; the request is sent again after the "
                         "handshake"))
    tls12.append(S("tls13-client-cert", 20065, "TLS 1.3 with a client certificate (server requires it); needs the "
                   "key log",
                   version="1.3", tls13="TLS_AES_128_GCM_SHA256", client_cert=True, rsa_key=None,
                   notes="encrypted CertificateRequest, client Certificate + CertificateVerify "
                         "(keys/client-rsa2048.crt)"))
    tls12.append(S("tls12-dhe-rsa-aes256gcm", 20066, "TLS 1.2 DHE-RSA-AES256-GCM-SHA384 (finite-field DHE, "
                   "ffdhe2048; forward secret, needs the key log)",
                   ciphers="DHE-RSA-AES256-GCM-SHA384", dh_auto=True, rsa_key=None))
    tls12.append(S("tls12-ecdhe-ecdsa-aes128ccm", 20067, "TLS 1.2 ECDHE-ECDSA-AES128-CCM, P-256 ECDSA certificate "
                   "(needs the key log)",
                   ciphers="ECDHE-ECDSA-AES128-CCM", cert="server-ecdsa-p256", rsa_key=None))
    tls12.append(S("tls12-psk-aes128gcm", 20068, "TLS 1.2 plain PSK, PSK-AES128-GCM-SHA256 (no certificate; "
                   "decryptable with the PSK or the key log)",
                   ciphers="PSK-AES128-GCM-SHA256", cert=None, psk=PSK_HEX, rsa_key=None,
                   notes="psk_identity tlsscope-client, identity hint tlsscope (SSL_CTX_set_psk_*_callback "
                         "through ctypes)"))
    tls12.append(S("tls12-psk-aes128cbc-sha256", 20069, "TLS 1.2 plain PSK, PSK-AES128-CBC-SHA256 with "
                   "encrypt-then-MAC (no certificate; decryptable with the PSK or the key log)",
                   ciphers="PSK-AES128-CBC-SHA256", cert=None, psk=PSK_HEX, rsa_key=None,
                   notes="psk_identity tlsscope-client, identity hint tlsscope; encrypt_then_mac negotiated",
                   extra={"encrypt_then_mac": True}))
    return tls12


GNUTLS = [
    ("tls12-rsa-3des-sha", 20040, "TLS 1.2 RSA 3DES-EDE-CBC-SHA (made with GnuTLS: Debian's OpenSSL 3 has no 3DES suites)",
     "NONE:+VERS-TLS1.2:+3DES-CBC:+SHA1:+RSA:+SIGN-ALL:+COMP-NULL:+CURVE-ALL", "DES-CBC3-SHA", True),
    ("tls12-rsa-rc4-sha", 20041, "TLS 1.2 RSA RC4-128-SHA (made with GnuTLS: Debian's OpenSSL 3 has no RC4 suites)",
     "NONE:+VERS-TLS1.2:+ARCFOUR-128:+SHA1:+RSA:+SIGN-ALL:+COMP-NULL:+CURVE-ALL", "RC4-SHA", False),
    ("tls12-rsa-rc4-md5", 20042, "TLS 1.2 RSA RC4-128-MD5 (made with GnuTLS: Debian's OpenSSL 3 has no RC4 suites)",
     "NONE:+VERS-TLS1.2:+ARCFOUR-128:+MD5:+RSA:+SIGN-ALL:+COMP-NULL:+CURVE-ALL", "RC4-MD5", False),
]

OTHER = ["tls-port4711-mixed-plaintext", "pcapng-basic", "pcapng-two-interfaces"]


def all_names() -> List[str]:
    return [s.name for s in specs()] + [g[0] for g in GNUTLS] + OTHER


# --------------------------------------------------------------------------
# writing outputs


def order_by_capture(cap_path: Path, entries: list) -> list:
    """Fill unknown client ports and sort entries in order of the connections' first packets."""
    cap = pcaplib.read_capture(str(cap_path))
    convs = pcaplib.conversations(cap)
    for e in entries:
        if e.get("client_port") is None:
            cands = [c for c in convs if c["server"][1] == e["server_port"]]
            if len(cands) != 1:
                raise RuntimeError(f"cannot find the connection to port {e['server_port']}")
            e["client_port"] = cands[0]["client"][1]
    first = {}
    for c in convs:
        first.setdefault((c["client"][1], c["server"][1]), c["first"])
    for e in entries:
        k = (e["client_port"], e["server_port"])
        if k not in first:
            raise RuntimeError(f"connection {k} not in capture {cap_path.name}")
    return sorted(entries, key=lambda e: first[(e["client_port"], e["server_port"])])


def write_truth(name: str, capfile: str, desc: str, entries: list, rsa_key: Optional[str],
                link: str, extra: Optional[dict] = None) -> None:
    truth = {
        "sample": name,
        "description": desc,
        "capture": capfile,
        "format": "pcapng" if capfile.endswith(".pcapng") else "pcap",
        "link_type": link,
        "keylog": f"{name}.keylog",
        "rsa_key": rsa_key,
        "derived_from": None,
        "connections": entries,
    }
    if extra:
        truth.update(extra)
    with open(SAMPLES / f"{name}.truth.json", "w") as f:
        json.dump(truth, f, indent=2)
        f.write("\n")


def fresh(*paths: Path) -> None:
    for p in paths:
        if p.exists():
            p.unlink()


def make_python_sample(spec: Spec) -> None:
    pcap = SAMPLES / f"{spec.name}.pcap"
    keylog = SAMPLES / f"{spec.name}.keylog"
    fresh(pcap, keylog)
    mtu = WireSizedLoopback() if spec.bulk_mtu else None
    if mtu:
        mtu.__enter__()
    try:
        with Tcpdump(pcap, f"tcp port {spec.port}"):
            entries = run_python_sessions(spec, keylog)
    finally:
        if mtu:
            mtu.__exit__(None, None, None)
    entries = order_by_capture(pcap, entries)
    if spec.resume:
        for i, e in enumerate(entries):
            e["notes"] = ("full handshake" if i == 0 else "resumed: " + spec.notes)
    write_truth(spec.name, pcap.name, spec.desc, entries, spec.rsa_key, "EN10MB (1)",
                {"psk": spec.psk} if spec.psk else None)


def make_gnutls_sample(name, port, desc, priority, ossl_name, cbc) -> None:
    pcap = SAMPLES / f"{name}.pcap"
    keylog = SAMPLES / f"{name}.keylog"
    fresh(pcap, keylog)
    notes = "GnuTLS 3.7 echo server: server sends back exactly what the client sent"
    if cbc:
        notes += "; encrypt_then_mac negotiated"
    with Tcpdump(pcap, f"tcp port {port}"):
        entries = run_gnutls_session(name, port, priority, keylog, notes)
    std, cid = cipher_info(ossl_name)
    entries[0].update({"cipher": std, "cipher_id": cid, "openssl_cipher": ossl_name})
    if cbc:
        entries[0]["encrypt_then_mac"] = True
    entries = order_by_capture(pcap, entries)
    write_truth(name, pcap.name, desc, entries, RSA2048, "EN10MB (1)",
                {"implementation": "GnuTLS 3.7 (gnutls-serv --echo / gnutls-cli)"})


def make_mixed_plaintext() -> None:
    name = "tls-port4711-mixed-plaintext"
    pcap = SAMPLES / f"{name}.pcap"
    keylog = SAMPLES / f"{name}.keylog"
    fresh(pcap, keylog)
    spec = Spec(name, 4711, "", ciphers="AES128-GCM-SHA256",
                notes="TLS on non-standard port 4711: find it by content")
    with Tcpdump(pcap, "tcp port 4711 or tcp port 8080"):
        plain1 = run_plain_http(8080, name)
        time.sleep(0.1)
        entries = run_python_sessions(spec, keylog)
        time.sleep(0.1)
        plain2 = run_plain_http(8080, name + "-2")
    entries = order_by_capture(pcap, [plain1] + entries + [plain2])
    write_truth(name, pcap.name, "TLS 1.2 RSA server on port 4711 plus plain-text HTTP on port 8080 in the same "
                "capture: TLS must be found by content, not port", entries, RSA2048, "EN10MB (1)")


def make_pcapng_basic() -> None:
    name = "pcapng-basic"
    out = SAMPLES / f"{name}.pcapng"
    keylog = SAMPLES / f"{name}.keylog"
    fresh(out, keylog)
    spec = Spec(name, 20050, "", ciphers="AES128-GCM-SHA256")
    with Tcpdump(out, "tcp port 20050", tool="dumpcap"):
        entries = run_python_sessions(spec, keylog)
    entries = order_by_capture(out, entries)
    write_truth(name, out.name, "TLS 1.2 RSA AES-128-GCM captured natively as pcapng by dumpcap (SHB, IDB with "
                "options, EPBs, ISB at the end)", entries, RSA2048, "EN10MB (1)")


def make_pcapng_two_ifaces() -> None:
    """dumpcap on lo (Ethernet link type) and on 'any' (LINUX_SLL2) at once, each
    with its own filter, two concurrent TLS sessions: one pcapng with two IDBs."""
    name = "pcapng-two-interfaces"
    out = SAMPLES / f"{name}.pcapng"
    keylog = SAMPLES / f"{name}.keylog"
    fresh(out, keylog)
    spec_a = Spec(name + "-a", 20051, "", ciphers="AES128-GCM-SHA256", plan=plan_parallel_seq,
                  notes="captured on interface 0 (lo, Ethernet)")
    spec_b = Spec(name + "-b", 20052, "", ciphers="AES256-GCM-SHA384", plan=plan_parallel_seq,
                  notes="captured on interface 1 (any, LINUX_SLL2)")
    res: Dict[str, list] = {}
    errs = []

    def run(spec, key):
        try:
            res[key] = run_python_sessions(spec, keylog)
        except Exception as e:  # noqa: BLE001
            errs.append(repr(e))

    with Tcpdump(out, "tcp port 20051", iface="lo", tool="dumpcap",
                 extra_ifaces=[("any", "tcp port 20052", "LINUX_SLL2")]):
        ta = threading.Thread(target=run, args=(spec_a, "a"))
        tb = threading.Thread(target=run, args=(spec_b, "b"))
        ta.start()
        time.sleep(0.05)
        tb.start()
        ta.join()
        tb.join()
    if errs:
        raise RuntimeError(errs)
    entries = order_by_capture(out, res["a"] + res["b"])
    write_truth(name, out.name, "pcapng with two interfaces of different link types (lo as Ethernet, 'any' as "
                "LINUX_SLL2), two interleaved TLS 1.2 RSA sessions, one per interface",
                entries, RSA2048, "EN10MB (1) on IDB 0, LINUX_SLL2 (276) on IDB 1")


def plan_parallel_seq(name, conn):
    """Like plan_parallel but without the barrier (single connection per spec)."""
    return [s for s in plan_parallel(name, conn) if s[0] != "C_BARRIER"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        print("\n".join(all_names()))
        return
    unknown = set(a.only) - set(all_names())
    if unknown:
        sys.exit(f"unknown sample(s): {sorted(unknown)}")
    want = (lambda n: n in a.only) if a.only else (lambda n: True)
    jobs = [(spec.name, make_python_sample, (spec,)) for spec in specs()]
    jobs += [(g[0], make_gnutls_sample, g) for g in GNUTLS]
    jobs += [("tls-port4711-mixed-plaintext", make_mixed_plaintext, ()), ("pcapng-basic", make_pcapng_basic, ()),
             ("pcapng-two-interfaces", make_pcapng_two_ifaces, ())]
    for name, fn, args in jobs:
        if not want(name):
            continue
        for attempt in range(1, 5):
            print(f"[capture] {name}" + (f" (attempt {attempt})" if attempt > 1 else ""), flush=True)
            try:
                fn(*args)
                break
            except CaptureDropped as e:
                print(f"  {e}".replace("\n", " "), flush=True)
                time.sleep(2)
        else:
            sys.exit(f"{name}: the capture kept dropping packets")


if __name__ == "__main__":
    main()
