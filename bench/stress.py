#!/usr/bin/env python3
"""Hostile captures for tlsscope's bounds on memory (and time), made synthetically: no
network, no capture tool, only Python's standard library (and `openssl genrsa` for the
classes that need server keys).

    bench/stress.py [--scale full|small] [--only NAME[,NAME]] [--out DIR] [--force]
                    [--run BINARY [--timeout S] [--mem-limit MB]] [--list]

Each class is one shape of capture from the security review (see `--list`, or CLASSES
below). `--scale full` makes the size the review measured; `--scale small` makes the size
`cargo test` uses (tests/limits.rs): made in well under 2 s, yet big enough that an
unbounded shape goes far past the test's memory limit. Next to each capture the generator
writes `NAME.json`: the capture, the options the class needs (`-k`, `--keylog`, ...), the
count of the class's unit (connections, segments, keys ...) and the commands it is about.
Captures already made at the same scale are reused (`--force` makes them again).

With `--run BINARY`, every capture goes through each of its commands, one at a time,
under /usr/bin/time, a CPU-time limit (`--timeout`, default 120 s; twice that of wall
time) and an address-space limit (`--mem-limit`, default 6000 MB), both set with
setrlimit, with stdout to /dev/null and COLUMNS unset. Wall time and peak RSS (also when
a limit stopped the run) are printed as a Markdown table, with the class's unit figure
(peak RSS or time per connection, per held segment, per input MB, per key ...).
"""
import argparse, base64, gzip, json, os, random, re, resource, signal, struct, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------------------
# pcap writing


def ip_checksum(h: bytes) -> int:
    s = sum(struct.unpack("!10H", h))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


ETH = b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + b"\x08\x00"
SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01


class Pcap:
    """A pcap file (Ethernet, µs timestamps), written as it goes, in 1 MB writes;
    `gz` compresses it (the reader recognises gzip by its magic bytes)."""

    def __init__(self, path: Path, gz=False, step_us=10):
        self.raw = open(path, "wb")
        self.f = gzip.GzipFile(fileobj=self.raw, mode="wb", compresslevel=6, mtime=0) if gz else self.raw
        self.buf = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        self.t = 1_700_000_000_000_000  # µs: 2023-11-14
        self.step = step_us
        self.headers = {}

    def frame(self, ip: bytes):
        n = 14 + len(ip)
        self.t += self.step
        self.buf += struct.pack("<IIII", self.t // 1_000_000, self.t % 1_000_000, n, n)
        self.buf += ETH
        self.buf += ip
        if len(self.buf) >= 1 << 20:
            self.f.write(self.buf)
            self.buf = bytearray()

    def ipv4(self, src, dst, payload, proto=6, ident=0, frag_offset=0, more=False):
        """An IPv4 packet (or fragment: `frag_offset` in bytes) around `payload`."""
        key = (src, dst, len(payload), proto, ident, frag_offset, more)
        h = self.headers.get(key)
        if h is None:
            frag = (0x2000 if more else 0) | (frag_offset // 8)
            h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, frag, 64, proto, 0, src, dst)
            h = h[:10] + struct.pack("!H", ip_checksum(h)) + h[12:]
            if len(self.headers) > 4096:
                self.headers.clear()
            self.headers[key] = h
        self.frame(h + payload)

    def packet(self, src, dst, sport, dport, seq, ack, flags, payload=b""):
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                          5 << 4, flags, 65535, 0, 0)
        self.ipv4(src, dst, tcp + payload)

    def udp(self, src, dst, sport, dport, payload):
        """A UDP datagram (checksum 0: none, as IPv4 allows)."""
        self.ipv4(src, dst, struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload, proto=17)

    def close(self):
        self.f.write(self.buf)
        self.buf = bytearray()
        self.f.close()
        if self.f is not self.raw:
            self.raw.close()


class Tcp:
    """One TCP connection: a real three-way handshake, then data either way (side 0 is
    the client, 1 the server), then FINs."""

    def __init__(self, pcap: Pcap, client: bytes, sport: int, server=bytes([10, 0, 0, 2]), dport=443, n=0):
        self.p = pcap
        self.ends = [(client, sport), (server, dport)]
        isn_c = (n * 2654435761 + 1000) & 0xFFFFFFFF
        isn_s = (n * 40503 * 65537 + 5000) & 0xFFFFFFFF
        self.seq = [isn_c, isn_s]

    def _seg(self, side, flags, payload=b""):
        (src, sport), (dst, dport) = self.ends[side], self.ends[1 - side]
        self.p.packet(src, dst, sport, dport, self.seq[side], self.seq[1 - side], flags, payload)

    def open(self):
        (src, sport), (dst, dport) = self.ends
        self.p.packet(src, dst, sport, dport, self.seq[0], 0, SYN)
        self.seq[0] += 1
        self._seg(1, SYN | ACK)
        self.seq[1] += 1
        self._seg(0, ACK)
        return self

    def send(self, side, data, mss=1460):
        for i in range(0, len(data), mss):
            chunk = data[i:i + mss]
            self._seg(side, PSH | ACK, chunk)
            self.seq[side] += len(chunk)

    def close(self):
        self._seg(0, FIN | ACK)
        self.seq[0] += 1
        self._seg(1, FIN | ACK)
        self.seq[1] += 1
        self._seg(0, ACK)


def client_ip(i: int) -> bytes:
    return bytes([10, 1 + (i >> 16) % 200, (i >> 8) & 0xFF, i & 0xFF])


def client_port(i: int) -> int:
    return 1024 + i % 60000


# --------------------------------------------------------------------------------------
# TLS


def u8(n):
    return bytes([n])


def u16(n):
    return n.to_bytes(2, "big")


def u24(n):
    return n.to_bytes(3, "big")


def vec8(b):
    return u8(len(b)) + b


def vec16(b):
    return u16(len(b)) + b


def records(content_type: int, data: bytes, version=0x0303, frag=16384) -> bytes:
    """`data` cut into records of at most `frag` bytes."""
    out = bytearray()
    for i in range(0, max(len(data), 1), frag):
        chunk = data[i:i + frag]
        out += u8(content_type) + u16(version) + u16(len(chunk)) + chunk
    return bytes(out)


def handshake(msg_type: int, body: bytes) -> bytes:
    return u8(msg_type) + u24(len(body)) + body


def ext(ty: int, data=b"") -> bytes:
    return u16(ty) + vec16(data)


SUITES = [0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC013, 0xC014,
          0x009C, 0x009D, 0x002F, 0x0035]


def client_hello(rnd: random.Random, sni: str, suites=SUITES, extensions=None) -> bytes:
    """A ClientHello message like a browser's (SNI, ALPN, 15 suites, 13 extensions, about
    400 bytes), or with the `extensions` given."""
    if extensions is None:
        name = sni.encode()
        extensions = [
            ext(0, vec16(u8(0) + vec16(name))),  # server_name
            ext(23),  # extended_master_secret
            ext(0xFF01, b"\x00"),  # renegotiation_info
            ext(10, vec16(b"".join(u16(g) for g in (0x001D, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101)))),
            ext(11, b"\x01\x00"),  # ec_point_formats
            ext(35),  # session_ticket
            ext(16, vec16(vec8(b"h2") + vec8(b"http/1.1"))),  # ALPN
            ext(5, b"\x01\x00\x00\x00\x00"),  # status_request
            ext(13, vec16(b"".join(u16(s) for s in (0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501,
                                                    0x0806, 0x0601, 0x0203, 0x0201)))),
            ext(18),  # signed_certificate_timestamp
            ext(51, vec16(u16(0x001D) + vec16(rnd.randbytes(32)))),  # key_share
            ext(43, vec8(u16(0x0304) + u16(0x0303))),  # supported_versions
            ext(45, b"\x01\x01"),  # psk_key_exchange_modes
        ]
    body = (u16(0x0303) + rnd.randbytes(32) + vec8(rnd.randbytes(32))
            + vec16(b"".join(u16(s) for s in suites)) + b"\x01\x00" + vec16(b"".join(extensions)))
    return handshake(1, body)


def server_hello(rnd: random.Random, suite=0xC02F, session_ticket=False, server_random=None) -> bytes:
    exts = ext(0xFF01, b"\x00") + ext(23) + ext(11, b"\x01\x00") + (ext(35) if session_ticket else b"")
    body = (u16(0x0303) + (server_random or rnd.randbytes(32)) + b"\x00" + u16(suite) + b"\x00"
            + vec16(exts))
    return handshake(2, body)


SERVER_HELLO_DONE = handshake(14, b"")


def hello_exchange(c: Tcp, rnd: random.Random, i=0, suite=0xC02F):
    """ClientHello, then the server's ServerHello."""
    c.send(0, records(22, client_hello(rnd, f"host{i}.example.com"), version=0x0301))
    c.send(1, records(22, server_hello(rnd, suite)))


def certificate_chain() -> bytes:
    """The certificates of samples/keys/ (about 2.7 KB of DER) as one Certificate message."""
    ders = []
    for crt in sorted((ROOT / "samples" / "keys").glob("*.crt")):
        text = crt.read_text()
        for m in re.finditer(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.S):
            ders.append(base64.b64decode("".join(m.group(1).split())))
    return handshake(11, u24(sum(3 + len(d) for d in ders)) + b"".join(u24(len(d)) + d for d in ders))


def app_stream(total: int) -> bytes:
    out = bytearray(records(22, handshake(1, b"\x03\x03" + bytes(32) + b"\x00\x00\x02\x00\x9c\x01\x00\x00\x00")))
    while len(out) < total:
        out += b"\x17\x03\x03\x00\x40" + bytes(64)
    return bytes(out[:total])


# --------------------------------------------------------------------------------------
# The classes. Each `make_*(out, name, **params)` writes its capture (and keys or key log)
# and returns (capture path, extra options, unit count).

SERVER = bytes([10, 0, 0, 2])
CLIENT = bytes([10, 0, 0, 1])


def one_connection(path, gz=False):
    p = Pcap(path, gz)
    c = Tcp(p, CLIENT, 40000).open()
    return p, c


def make_many_connections(out, name, n):
    path = out / f"{name}.pcap"
    p = Pcap(path)
    for i in range(n):
        c = Tcp(p, client_ip(i), client_port(i), n=i).open()
        body = b"\x03\x03" + i.to_bytes(32, "big") + b"\x00" + b"\x00\x02\x00\x9c" + b"\x01\x00" + b"\x00\x00"
        c.send(0, records(22, handshake(1, body), version=0x0301))
        c.close()
    p.close()
    return path, [], n


def make_tiny_segments(out, name, n):
    path = out / f"{name}.pcap"
    p, c = one_connection(path)
    data = app_stream(n * 3)
    pos, i = 0, 0
    while i < n and pos < len(data):
        size = 1 + i % 4
        c.send(0, data[pos:pos + size])
        pos += size
        i += 1
    p.close()
    return path, [], n


def make_holes(out, name, n, size=100):
    path = out / f"{name}.pcap"
    p, c = one_connection(path)
    data = app_stream(n * size)
    base = c.seq[0]
    for i in range(0, n, 2):  # every other segment is lost
        c.seq[0] = base + i * size
        c.send(0, data[i * size:(i + 1) * size])
    p.close()
    return path, [], n // 2


def make_handshake_flood(out, name, mb):
    """One connection carrying `mb` MB of zero-filled handshake records: four zero bytes
    are an empty HelloRequest, so 16 KB records of them are 4,096 messages each."""
    path = out / f"{name}.pcap"
    p, c = one_connection(path)
    rec = records(22, bytes(16384))
    for _ in range(mb * 64):
        c.send(0, rec)
    c.close()
    p.close()
    return path, [], mb


def flood(out, name, record: bytes, n: int, per_segment=200):
    """ClientHello and ServerHello, then the client sends `record` n times."""
    path = out / f"{name}.pcap"
    p, c = one_connection(path)
    hello_exchange(c, random.Random(1))
    burst = record * per_segment
    for _ in range(n // per_segment):
        c.send(0, burst, mss=len(burst))
    if n % per_segment:
        c.send(0, record * (n % per_segment))
    c.close()
    p.close()
    return path


def make_alert_flood(out, name, n):
    """Valid 2-byte warning alerts (user_canceled), one per record."""
    path = flood(out, name, records(21, b"\x01\x5a"), n)
    return path, [], path.stat().st_size / 1e6


def make_ccs_flood(out, name, n):
    path = flood(out, name, records(20, b"\x01"), n)
    return path, [], path.stat().st_size / 1e6


def make_serverhello_flood(out, name, n):
    """A ClientHello, then the server sends a ServerHello (one record each) n times."""
    path = out / f"{name}.pcap"
    p, c = one_connection(path)
    rnd = random.Random(2)
    c.send(0, records(22, client_hello(rnd, "flood.example.com"), version=0x0301))
    batch = bytearray()
    for i in range(n):
        batch += records(22, server_hello(rnd, server_random=i.to_bytes(32, "big")))
        if len(batch) > 60000:
            c.send(1, bytes(batch), mss=len(batch))
            batch = bytearray()
    c.send(1, bytes(batch))
    c.close()
    p.close()
    return path, [], path.stat().st_size / 1e6


def huge_stream(declared: int, mb: float) -> bytes:
    """Handshake records whose first message declares `declared` bytes, zero-filled up to
    `mb` MB of records."""
    first = u8(11) + u24(declared) + bytes(16384 - 4)
    total = int(mb * (1 << 20))
    return records(22, first) + records(22, bytes(16384)) * (total // 16389)


def make_huge_handshake(out, name, mb, declared=0xFFFFFF):
    """After the hellos, the server's Certificate header declares `declared` bytes and
    `mb` MB of zero-filled handshake records follow."""
    path = out / f"{name}.pcap"
    p, c = one_connection(path)
    hello_exchange(c, random.Random(3))
    c.send(1, huge_stream(declared, mb), mss=16389)
    c.close()
    p.close()
    return path, [], mb


def make_huge_handshake_many(out, name, conns, mb, declared=0x0FFFFF):
    """`conns` connections at once (their segments interleaved), each with the
    huge-handshake shape (a Certificate declaring `declared` bytes, `mb` MB of records);
    gzip-compressed."""
    path = out / f"{name}.pcap.gz"
    p = Pcap(path, gz=True)
    rnd = random.Random(4)
    cs = []
    for i in range(conns):
        c = Tcp(p, client_ip(i), client_port(i), n=i).open()
        hello_exchange(c, rnd, i)
        cs.append(c)
    stream = huge_stream(declared, mb)
    seg = 65000
    for off in range(0, len(stream), seg):
        for c in cs:
            c.send(1, stream[off:off + seg], mss=seg)
    for c in cs:
        c.close()
    p.close()
    return path, [], conns


def make_open_hellos(out, name, n):
    """n connections that each send one ClientHello (about 400 bytes) and never close."""
    path = out / f"{name}.pcap"
    p = Pcap(path)
    rnd = random.Random(5)
    for i in range(n):
        c = Tcp(p, client_ip(i), client_port(i), n=i).open()
        c.send(0, records(22, client_hello(rnd, f"www{i}.example.com"), version=0x0301))
    p.close()
    return path, [], n


def make_open_bytes(out, name, n):
    """n connections that each send one 0x16 byte (a record header begun) and never close."""
    path = out / f"{name}.pcap"
    p = Pcap(path)
    for i in range(n):
        Tcp(p, client_ip(i), client_port(i), n=i).open().send(0, b"\x16")
    p.close()
    return path, [], n


def make_table_rows(out, name, n, gz=False):
    """n short complete connections: SYN, ClientHello, ServerHello + ServerHelloDone, FIN."""
    path = out / (f"{name}.pcap.gz" if gz else f"{name}.pcap")
    p = Pcap(path, gz)
    rnd = random.Random(6)
    for i in range(n):
        c = Tcp(p, client_ip(i), client_port(i), n=i).open()
        c.send(0, records(22, client_hello(rnd, f"www{i}.example.com"), version=0x0301))
        c.send(1, records(22, server_hello(rnd, 0xC02F) + SERVER_HELLO_DONE))
        c.close()
    p.close()
    return path, [], n


def make_hello_only_rows(out, name, n, gz=False):
    """n short complete connections that carry only a ClientHello."""
    path = out / (f"{name}.pcap.gz" if gz else f"{name}.pcap")
    p = Pcap(path, gz)
    rnd = random.Random(7)
    for i in range(n):
        c = Tcp(p, client_ip(i), client_port(i), n=i).open()
        c.send(0, records(22, client_hello(rnd, f"www{i}.example.com"), version=0x0301))
        c.close()
    p.close()
    return path, [], n


def make_ooo_tiny(out, name, n, gz=False):
    """One direction: the first byte never comes, then n one-byte segments (stream
    offsets 1..n) wait behind that hole, far less than --max-out-of-order in bytes."""
    path = out / (f"{name}.pcap.gz" if gz else f"{name}.pcap")
    p, c = one_connection(path, gz)
    data = app_stream(n + 1)
    (src, sport), (dst, dport) = c.ends
    seq, ack = c.seq
    tcp = struct.Struct("!HHIIBBHHH")
    for k in range(1, n + 1):
        p.ipv4(src, dst, tcp.pack(sport, dport, (seq + k) & 0xFFFFFFFF, ack, 5 << 4, PSH | ACK, 65535, 0, 0)
               + data[k:k + 1])
    p.close()
    return path, [], n


def keylog_line(rnd: random.Random, i: int) -> str:
    if i % 10 == 9:  # some TLS 1.3 clients
        cr = rnd.randbytes(32).hex()
        return "".join(f"{label} {cr} {rnd.randbytes(32).hex()}\n" for label in (
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"))
    return f"CLIENT_RANDOM {rnd.randbytes(32).hex()} {rnd.randbytes(48).hex()}\n"


def make_keylog_big(out, name, lines):
    """A key log of `lines` valid lines (mostly CLIENT_RANDOM, some TLS 1.3 secrets),
    next to a capture of one TLS 1.2 ECDHE handshake whose master secret is on the key
    log's last line."""
    path = out / f"{name}.pcap"
    log = out / f"{name}.keylog"
    rnd = random.Random(8)
    client_random = bytes(range(32))
    p, c = one_connection(path)
    body = (u16(0x0303) + client_random + vec8(b"") + vec16(u16(0xC02F)) + b"\x01\x00"
            + vec16(ext(0, vec16(u8(0) + vec16(b"keylog.example.com"))) + ext(23)))
    c.send(0, records(22, handshake(1, body), version=0x0301))
    c.send(1, records(22, server_hello(rnd, 0xC02F) + SERVER_HELLO_DONE))
    c.send(0, records(22, handshake(16, vec8(b"\x04" + rnd.randbytes(64)))) + records(20, b"\x01")
           + records(22, rnd.randbytes(40)))
    c.send(1, records(20, b"\x01") + records(22, rnd.randbytes(40)))
    c.close()
    p.close()
    with open(log, "w", buffering=1 << 20) as f:
        f.write("# SSL/TLS secrets log file, generated by bench/stress.py\n")
        n = 0
        while n < lines - 1:
            text = keylog_line(rnd, n)
            f.write(text)
            n += text.count("\n")
        f.write(f"CLIENT_RANDOM {client_random.hex()} {rnd.randbytes(48).hex()}\n")
    return path, ["--keylog", str(log)], lines


def genrsa(path: Path, bits: int):
    if not path.exists():
        subprocess.run(["openssl", "genrsa", "-out", str(path), str(bits)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_rsa_nocert(out, name, n, bits, z, keys=1):
    """n RSA handshakes (TLS_RSA_WITH_AES_128_GCM_SHA256) without a Certificate, each
    with a random z of `z` bytes (half the size of the keys' modulus) in its
    ClientKeyExchange: every key given may be tried on every one. Keys (`openssl genrsa`) go next to the capture: NAME.key, or NAME-keys/
    with `keys` of them."""
    path = out / f"{name}.pcap"
    if keys == 1:
        key = out / f"{name}.key"
        genrsa(key, bits)
    else:
        key = out / f"{name}.keys"
        key.mkdir(exist_ok=True)
        for k in range(keys):
            genrsa(key / f"server{k}.key", bits)
    p = Pcap(path)
    rnd = random.Random(9)
    for i in range(n):
        c = Tcp(p, client_ip(i), client_port(i), n=i).open()
        c.send(0, records(22, client_hello(rnd, f"rsa{i}.example.com", suites=[0x009C, 0x002F]), version=0x0301))
        c.send(1, records(22, server_hello(rnd, 0x009C) + SERVER_HELLO_DONE))
        c.send(0, records(22, handshake(16, vec16(rnd.randbytes(z)))) + records(20, b"\x01")
               + records(22, rnd.randbytes(40)))
        c.send(1, records(20, b"\x01") + records(22, rnd.randbytes(40)))
        c.close()
    p.close()
    return path, ["-k", str(key)], n


def make_many_extensions(out, name, hellos, exts):
    """`hellos` connections, each a ClientHello with `exts` empty extensions (distinct
    unassigned types)."""
    path = out / f"{name}.pcap"
    p = Pcap(path)
    rnd = random.Random(10)
    extensions = [ext(0x1000 + k) for k in range(exts)]
    for i in range(hellos):
        c = Tcp(p, client_ip(i), client_port(i), n=i).open()
        c.send(0, records(22, client_hello(rnd, "", extensions=extensions), version=0x0301))
        c.close()
    p.close()
    return path, [], hellos * exts


def make_fragments(out, name, n):
    """n IPv4 datagrams (TCP segments to port 443) of which only the first fragment (200
    bytes) comes: every one of them waits for its last fragment."""
    path = out / f"{name}.pcap"
    p = Pcap(path)
    first = struct.pack("!HHIIBBHHH", 40000, 443, 1, 0, 5 << 4, PSH | ACK, 65535, 0, 0) + bytes(180)
    for i in range(n):
        p.ipv4(client_ip(i // 65536), SERVER, first, ident=i & 0xFFFF, more=True)
    p.close()
    return path, [], n


def make_fragments_overlap(out, name, n):
    """One datagram: its last fragment first, then n overlapping fragments (24 to 48
    bytes, offsets 8 to 1,480) that never cover its first 8 bytes."""
    path = out / f"{name}.pcap"
    p = Pcap(path, step_us=1)
    p.ipv4(CLIENT, SERVER, bytes(520), ident=7, frag_offset=1480, more=False)
    for k in range(n):
        off = 8 * (1 + k % 180)
        p.ipv4(CLIENT, SERVER, bytes(24 + 8 * (k % 4)), ident=7, frag_offset=off, more=True)
    p.close()
    return path, [], n


def make_udp_flows(out, name, n):
    """n UDP flows (distinct client endpoints to port 53) of 8 DNS-like datagrams each,
    interleaved 1,000 flows at a time: none is QUIC, every one is counted."""
    path = out / f"{name}.pcap.gz"
    p = Pcap(path, gz=True)
    query = bytes.fromhex("abcd01000001000000000000076578616d706c6503636f6d0000010001")
    for start in range(0, n, 1000):
        for _ in range(8):
            for i in range(start, min(n, start + 1000)):
                p.udp(client_ip(i), SERVER, client_port(i), 53, query)
    p.close()
    return path, [], n


def quic_initial(i: int) -> bytes:
    """A client Initial's long header (QUIC v1, 8-byte DCID unique to `i`), its
    protected part made up: it looks like QUIC, it never opens. About 1,200 bytes, like
    a real one."""
    dcid = struct.pack("!Q", i * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF)
    body = bytes((i * 7 + k * 13) & 0xFF for k in range(1162))
    length = len(body)
    return b"\xc3\x00\x00\x00\x01\x08" + dcid + b"\x00\x00" + struct.pack("!H", 0x4000 | length) + body


def make_quic_initials(out, name, n):
    """n QUIC flows, each one client Initial that does not open (and no answer), all
    open at once: each is a QUIC connection."""
    path = out / f"{name}.pcap.gz"
    p = Pcap(path, gz=True)
    for i in range(n):
        p.udp(client_ip(i), SERVER, client_port(i), 443, quic_initial(i))
    p.close()
    return path, [], n


def dtls_record(content_type: int, seq: int, fragment: bytes, epoch=0) -> bytes:
    """A DTLS 1.2 record: type, 0xfefd, epoch, 48-bit sequence number, length."""
    return (struct.pack("!BHH", content_type, 0xFEFD, epoch) + seq.to_bytes(6, "big")
            + struct.pack("!H", len(fragment)) + fragment)


def dtls_fragment(msg_type: int, length: int, message_seq: int, offset: int, body: bytes) -> bytes:
    """A DTLS handshake fragment header and its bytes."""
    return (u8(msg_type) + u24(length) + struct.pack("!H", message_seq) + u24(offset)
            + u24(len(body)) + body)


def make_dtls_fragments(out, name, n):
    """One DTLS flow: the server sends n handshake fragments of 1,000 bytes, for the 32
    messages the reassembly window holds, each message declaring just under 1 MiB and
    none ever whole (every other 1,000 bytes, round-robin): without caps a connection
    would hold 32 MiB."""
    path = out / f"{name}.pcap.gz"
    p = Pcap(path, gz=True)
    length = 0x0FFFFF
    body = bytes(1000)
    for k in range(n):
        seq, step = k % 32, k // 32
        offset = (step * 2000) % (length - 1000)
        rec = dtls_record(22, k, dtls_fragment(11, length, seq, offset, body))
        p.udp(SERVER, client_ip(0), 4433, client_port(0), rec)
    p.close()
    return path, [], n


def make_dtls_open(out, name, n):
    """n DTLS flows, all open at once, each a ClientHello's first 1,000 bytes of a message
    declaring 64 KiB that never completes: every one is a DTLS connection."""
    path = out / f"{name}.pcap.gz"
    p = Pcap(path, gz=True)
    body = bytes(1000)
    for i in range(n):
        rec = dtls_record(22, 0, dtls_fragment(1, 64 << 10, 0, 0, body))
        p.udp(client_ip(i), SERVER, client_port(i), 4433, rec)
    p.close()
    return path, [], n


def rfc9001_vector(name: str) -> bytes:
    """A hex constant of src/quic/testvectors.rs (RFC 9001 Appendix A)."""
    src = (Path(__file__).resolve().parent.parent / "src" / "quic" / "testvectors.rs").read_text()
    m = re.search(r'pub const ' + name + r': &str = "((?:[^"\\]|\\\n)*)";', src)
    return bytes.fromhex(re.sub(r"[\\\s]", "", m.group(1)))


def hkdf_expand_label(secret: bytes, label: bytes, length: int) -> bytes:
    """TLS 1.3's HKDF-Expand-Label over SHA-256 with an empty context (RFC 8446 §7.1)."""
    import hashlib
    import hmac
    full = b"tls13 " + label
    info = struct.pack("!HB", length, len(full)) + full + b"\x00"
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac.new(secret, t + info + bytes([i]), hashlib.sha256).digest()
        out, i = out + t, i + 1
    return out[:length]


class ShortPackets:
    """1-RTT packets (short header, empty DCID, 2-byte packet numbers) sealed under a
    TLS_AES_128_GCM_SHA256 traffic secret (RFC 9001 §5). Needs python3-cryptography."""

    def __init__(self, secret: bytes):
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        self.aead = AESGCM(hkdf_expand_label(secret, b"quic key", 16))
        self.iv = hkdf_expand_label(secret, b"quic iv", 12)
        self.hp = Cipher(algorithms.AES(hkdf_expand_label(secret, b"quic hp", 16)), modes.ECB()).encryptor()
        self.pn = 0

    def seal(self, frames: bytes) -> bytes:
        pn = self.pn
        self.pn += 1
        header = bytes([0x41]) + struct.pack("!H", pn & 0xFFFF)
        nonce = bytes(a ^ b for a, b in zip(self.iv, pn.to_bytes(12, "big")))
        packet = bytearray(header + self.aead.encrypt(nonce, frames, header))
        mask = self.hp.update(bytes(packet[5:21]))  # the sample: 4 bytes past the packet number's start
        packet[0] ^= mask[0] & 0x1F
        packet[1] ^= mask[1]
        packet[2] ^= mask[2]
        return bytes(packet)


def stream_frame(stream_id: int, offset: int, data: bytes) -> bytes:
    """A STREAM frame with offset and length (type 0x0e), 4-byte varints."""
    v4 = lambda x: struct.pack("!I", 0x80000000 | x)  # noqa: E731
    return b"\x0e" + v4(stream_id) + v4(offset) + v4(len(data)) + data


def make_quic_streams(out, name, n, held_packets):
    """One QUIC connection whose Initials are RFC 9001's (A.2 and A.3: the ServerHello
    picks TLS_AES_128_GCM_SHA256), with a key log of made-up 1-RTT secrets for its client
    random, then server 1-RTT packets: `held_packets` packets of 1,100 bytes on 6 streams
    behind a hole each, then n new streams, 48 to a packet, each 20 bytes at offset 1
    (every stream waits for its first byte): the stream table's caps (bytes held per
    stream, bytes held by all, streams) are what bounds it."""
    try:
        import cryptography  # noqa: F401
    except ImportError:
        raise SystemExit("quic-streams needs python3-cryptography (apt-get install python3-cryptography)")
    path = out / f"{name}.pcap"
    log = out / f"{name}.keylog"
    client_random = rfc9001_vector("V1_CLIENT_CRYPTO_FRAME")[10:42]
    server_secret = bytes(range(32))
    log.write_text(f"CLIENT_TRAFFIC_SECRET_0 {client_random.hex()} {bytes(range(32, 64)).hex()}\n"
                   f"SERVER_TRAFFIC_SECRET_0 {client_random.hex()} {server_secret.hex()}\n")
    p = Pcap(path)
    client, cport = client_ip(0), 50000
    p.udp(client, SERVER, cport, 443, rfc9001_vector("V1_CLIENT_PACKET"))
    p.udp(SERVER, client, 443, cport, rfc9001_vector("V1_SERVER_PACKET"))
    sealer = ShortPackets(server_secret)
    for i in range(held_packets):
        stream, k = 4 * (i % 6) + 1, i // 6
        p.udp(SERVER, client, 443, cport, sealer.seal(stream_frame(stream, 100 + k * 1100, bytes(1100))))
    for first in range(0, n, 48):
        frames = b"".join(stream_frame(4 * k + 3, 1, bytes(20)) for k in range(first, min(n, first + 48)))
        p.udp(SERVER, client, 443, cport, sealer.seal(frames))
    p.close()
    return path, ["--keylog", str(log)], n


def make_partial_records(out, name, n):
    """n connections that each send a record header declaring 16 KiB and 16 KiB - 1 bytes
    of it, never the last byte, and stay open; gzip-compressed."""
    path = out / f"{name}.pcap.gz"
    p = Pcap(path, gz=True)
    data = b"\x16\x03\x01\x40\x00" + bytes(16383)
    for i in range(n):
        Tcp(p, client_ip(i), client_port(i), n=i).open().send(0, data, mss=len(data))
    p.close()
    return path, [], n


def make_partial_handshakes(out, name, n, size=0x0FFFFF):
    """n connections that each send a ClientHello header declaring `size` bytes (just
    under 1 MiB) and all of it but the last byte, in 16 KB records, and stay open;
    gzip-compressed."""
    path = out / f"{name}.pcap.gz"
    p = Pcap(path, gz=True)
    stream = records(22, (u8(1) + u24(size) + bytes(size))[:-1], version=0x0301)
    for i in range(n):
        Tcp(p, client_ip(i), client_port(i), n=i).open().send(0, stream, mss=65000)
    p.close()
    return path, [], n


def make_cert_flood(out, name, n):
    """After the hellos, the server sends the same Certificate message (about 2.8 KB,
    four certificates) n times."""
    path = out / f"{name}.pcap"
    p, c = one_connection(path)
    hello_exchange(c, random.Random(11))
    cert = certificate_chain()
    per = 16384 // len(cert)
    for k in range(0, n, per):
        c.send(1, records(22, cert * min(per, n - k)))
    c.send(1, records(22, SERVER_HELLO_DONE))
    c.close()
    p.close()
    return path, [], n


def make_certcomp_flood(out, name, n):
    """After the hellos, the server sends n CompressedCertificate messages (RFC 8879),
    each a zlib bomb of about 2 KB claiming 1 MiB (more than 16 times its size, so
    never inflated) and inflating past it."""
    import zlib
    path = out / f"{name}.pcap"
    p, c = one_connection(path)
    hello_exchange(c, random.Random(13))
    bomb = zlib.compress(bytes(2 << 20), 9)
    msg = handshake(25, u16(1) + u24(1 << 20) + u24(len(bomb)) + bomb)
    per = max(1, 16000 // len(msg))
    for k in range(0, n, per):
        c.send(1, records(22, msg * min(per, n - k)))
    c.close()
    p.close()
    return path, [], n


def make_ticket_flood(out, name, n):
    """A TLS 1.2 ECDHE handshake (session tickets negotiated) whose server sends n
    NewSessionTicket messages (192-byte tickets) before its ChangeCipherSpec."""
    path = out / f"{name}.pcap"
    p, c = one_connection(path)
    rnd = random.Random(12)
    c.send(0, records(22, client_hello(rnd, "tickets.example.com"), version=0x0301))
    c.send(1, records(22, server_hello(rnd, 0xC02F, session_ticket=True) + certificate_chain()
                      + SERVER_HELLO_DONE))
    c.send(0, records(22, handshake(16, vec8(b"\x04" + rnd.randbytes(64)))) + records(20, b"\x01")
           + records(22, rnd.randbytes(40)))
    batch = bytearray()
    for i in range(n):
        batch += handshake(4, (7200).to_bytes(4, "big") + vec16(i.to_bytes(4, "big") + rnd.randbytes(188)))
        if len(batch) >= 16000:
            c.send(1, records(22, bytes(batch)))
            batch = bytearray()
    if batch:
        c.send(1, records(22, bytes(batch)))
    c.send(1, records(20, b"\x01") + records(22, rnd.randbytes(40)))
    c.close()
    p.close()
    return path, [], n


# --------------------------------------------------------------------------------------
# HTTP/2 inside a made-up TLS 1.3 connection: hellos in the clear, then records sealed
# under traffic secrets the key log gives (no certificate; the Finished do not verify,
# which only costs a warning: the keys are in force all the same).

class Tls13Sealer:
    """TLS_AES_128_GCM_SHA256 records under one traffic secret (RFC 8446 §5.2)."""

    def __init__(self, secret: bytes):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        self.aead = AESGCM(hkdf_expand_label(secret, b"key", 16))
        self.iv = hkdf_expand_label(secret, b"iv", 12)
        self.seq = 0

    def seal(self, content_type: int, data: bytes) -> bytes:
        out = bytearray()
        for i in range(0, max(len(data), 1), 16384):
            inner = data[i:i + 16384] + u8(content_type)
            header = b"\x17\x03\x03" + u16(len(inner) + 16)
            nonce = bytes(a ^ b for a, b in zip(self.iv, self.seq.to_bytes(12, "big")))
            self.seq += 1
            out += header + self.aead.encrypt(nonce, inner, header)
        return bytes(out)


def h2_frame(kind: int, flags: int, stream: int, payload: bytes) -> bytes:
    return u24(len(payload)) + u8(kind) + u8(flags) + struct.pack("!I", stream) + payload


def hpack_int(first: int, n: int, v: int) -> bytes:
    top = (1 << n) - 1
    if v < top:
        return u8(first | v)
    out, v = bytearray(u8(first | top)), v - top
    while v >= 128:
        out.append(v % 128 | 0x80)
        v //= 128
    out.append(v)
    return bytes(out)


def hpack_literal(name: bytes, value: bytes, indexed=True) -> bytes:
    """A literal field with a new name (no Huffman), added to the table if `indexed`."""
    return (u8(0x40 if indexed else 0) + hpack_int(0, 7, len(name)) + name
            + hpack_int(0, 7, len(value)) + value)


def h2_headers(stream: int, block: bytes, end_stream=False, frame=16384) -> bytes:
    """HEADERS and as many CONTINUATIONs as `block` needs at `frame` bytes a frame."""
    parts = [block[i:i + frame] for i in range(0, max(len(block), 1), frame)]
    out = bytearray()
    for k, part in enumerate(parts):
        flags = (0x4 if k == len(parts) - 1 else 0) | (0x1 if end_stream and k == 0 else 0)
        out += h2_frame(1 if k == 0 else 9, flags, stream, part)
    return bytes(out)


H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def make_h2_connection(out, name, exchange, alpn=b"h2"):
    """One TLS 1.3 connection (ALPN `alpn`, h2 by default) whose decrypted streams are
    the (side, bytes) of `exchange` in turn (side 0: the client); returns (capture,
    options)."""
    try:
        import cryptography  # noqa: F401
    except ImportError:
        raise SystemExit(f"{name} needs python3-cryptography (apt-get install python3-cryptography)")
    rnd = random.Random(name)
    path = out / f"{name}.pcap"
    log = out / f"{name}.keylog"
    ch = client_hello(rnd, "h2.example.com", suites=[0x1301])
    client_random = ch[6:38]
    secrets = {label: rnd.randbytes(32) for label in (
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0")}
    log.write_text("".join(f"{k} {client_random.hex()} {v.hex()}\n" for k, v in secrets.items()))
    sh = handshake(2, u16(0x0303) + rnd.randbytes(32) + vec8(ch[39:71]) + u16(0x1301) + b"\x00"
                   + vec16(ext(43, u16(0x0304)) + ext(51, u16(0x001D) + vec16(rnd.randbytes(32)))))
    ee = handshake(8, vec16(ext(16, vec16(vec8(alpn)))))
    finished = handshake(20, rnd.randbytes(32))
    p, c = one_connection(path)
    c.send(0, records(22, ch, version=0x0301))
    server_hs = Tls13Sealer(secrets["SERVER_HANDSHAKE_TRAFFIC_SECRET"])
    c.send(1, records(22, sh) + records(20, b"\x01") + server_hs.seal(22, ee + finished))
    client_hs = Tls13Sealer(secrets["CLIENT_HANDSHAKE_TRAFFIC_SECRET"])
    c.send(0, records(20, b"\x01") + client_hs.seal(22, finished))
    app = [Tls13Sealer(secrets["CLIENT_TRAFFIC_SECRET_0"]),
           Tls13Sealer(secrets["SERVER_TRAFFIC_SECRET_0"])]
    for side, data in exchange:
        c.send(side, app[side].seal(23, data))
    c.close()
    p.close()
    return path, ["--keylog", str(log)]


H2_SETTINGS = h2_frame(4, 0, 0, b"")


def make_h2_streams(out, name, n):
    """One HTTP/2 connection in which the client opens n streams, none ever ended, and
    the server answers each with a head and a DATA frame that does not end it: every
    stream stays open. Request heads after the first refer to the dynamic table."""
    get = (hpack_literal(b":method", b"GET") + hpack_literal(b":scheme", b"https")
           + hpack_literal(b":authority", b"h2.example.com") + hpack_literal(b"user-agent", b"stress"))
    again = b"\xc1\xc0\xbf\xbe"  # the four fields above, by their dynamic-table index
    client = bytearray(H2_PREFACE + H2_SETTINGS)
    server = bytearray(H2_SETTINGS + h2_frame(4, 1, 0, b""))
    for k in range(n):
        sid = 2 * k + 1
        path = hpack_literal(b":path", f"/s/{k}".encode(), indexed=False)
        client += h2_headers(sid, (get if k == 0 else again) + path)
        server += h2_headers(sid, b"\x88") + h2_frame(0, 0, sid, b"x" * 10)  # :status 200
    path, args = make_h2_connection(out, name, [(0, bytes(client)), (1, bytes(server))])
    return path, args, n


def make_http1_long_targets(out, name, n, target):
    """One HTTP/1.1 connection (TLS 1.3, ALPN http/1.1) of n pipelined requests whose
    targets are `target` bytes long, each answered: heads the decoder keeps, as long as
    a request line may be."""
    head = b"GET /" + b"t" * target + b" HTTP/1.1\r\nHost: h1.example.com\r\n\r\n"
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    exchange = []
    for _ in range(n):
        exchange += [(0, head), (1, answer)]
    path, args = make_h2_connection(out, name, exchange, alpn=b"http/1.1")
    return path, args, n


def make_hpack_hostile(out, name, streams, refs):
    """One HTTP/2 connection whose request heads are HPACK bombs: each block empties and
    resizes the table (size updates 0 then 4096), adds a 4,000-byte field and then refers
    to it `refs` times (a block of refs bytes in HEADERS + CONTINUATIONs, decoding to
    4,000 x refs bytes); after `streams` of those, the client allows the server a 4 GB
    table and the server's encoder asks for 1 GB (over what is followed)."""
    bomb = (hpack_int(0x20, 5, 0) + hpack_int(0x20, 5, 4096) + b"\x82\x87\x84"  # GET https /
            + hpack_literal(b"x-bomb", b"a" * 4000) + b"\xbe" * refs)
    exchange = [(0, H2_PREFACE + H2_SETTINGS), (1, H2_SETTINGS)]
    for k in range(streams):
        sid = 2 * k + 1
        exchange += [(0, h2_headers(sid, bomb, end_stream=True)),
                     (1, h2_headers(sid, b"\x88", end_stream=True))]  # :status 200
    exchange += [(0, h2_frame(4, 0, 0, u16(1) + struct.pack("!I", 0xFFFFFFFF))),
                 (0, h2_headers(2 * streams + 1, b"\x82\x87\x84", end_stream=True)),
                 (1, h2_headers(2 * streams + 1, hpack_int(0x20, 5, 1 << 30) + b"\x88"))]
    path, args = make_h2_connection(out, name, exchange)
    return path, args, streams * refs


# --------------------------------------------------------------------------------------

ALL = [["summary"], ["summary", "--json"], ["inspect"], ["inspect", "--json"],
       ["follow", "--conn", "0"], ["keylog"]]
SUMMARY_JSON = [["summary", "--json"]]


class Class:
    def __init__(self, name, make, full, small, unit, about="memory", commands=ALL, doc=""):
        self.name, self.make, self.full, self.small = name, make, full, small
        self.unit, self.about, self.commands = unit, about, commands
        self.doc = doc


CLASSES = [
    # The first three shapes, bounded since the memory caps went in.
    Class("many-connections", make_many_connections, dict(n=100_000), dict(n=5_000), "connection",
          commands=SUMMARY_JSON, doc="100,000 short TCP connections, each a ClientHello-sized record"),
    Class("tiny-segments", make_tiny_segments, dict(n=1_000_000), dict(n=100_000), "segment",
          commands=SUMMARY_JSON, doc="one connection whose 1,000,000 segments carry 1 to 4 bytes each"),
    Class("holes", make_holes, dict(n=200_000), dict(n=40_000), "hole",
          commands=SUMMARY_JSON, doc="one connection where every other segment is missing (200,000 sent)"),
    # The security review's classes.
    Class("handshake-flood", make_handshake_flood, dict(mb=8), dict(mb=2), "input MB",
          doc="one connection, zero-filled handshake records: empty HelloRequests, 262,144 a MB"),
    Class("alert-flood", make_alert_flood, dict(n=1_200_000), dict(n=300_000), "input MB",
          doc="one connection, valid warning alerts (user_canceled), one a record"),
    Class("ccs-flood", make_ccs_flood, dict(n=1_200_000), dict(n=300_000), "input MB",
          doc="one connection, ChangeCipherSpec records"),
    Class("serverhello-flood", make_serverhello_flood, dict(n=100_000), dict(n=25_000), "input MB",
          doc="a ClientHello, then ServerHello after ServerHello"),
    Class("huge-handshake", make_huge_handshake, dict(mb=17), dict(mb=3), "input MB",
          doc="a Certificate header declaring 0xFFFFFF bytes, then MB of handshake records"),
    Class("huge-handshake-1m", make_huge_handshake, dict(mb=17, declared=0x0FFFFF),
          dict(mb=3, declared=0x0FFFFF), "input MB",
          doc="huge-handshake, the header declaring 0x0FFFFF bytes (just under the 1 MiB cap)"),
    Class("huge-handshake-many", make_huge_handshake_many, dict(conns=300, mb=3.5), dict(conns=40, mb=1.5),
          "connection",
          doc="connections at once of the huge-handshake-1m shape, gzip-compressed"),
    Class("open-hellos", make_open_hellos, dict(n=50_000), dict(n=5_000), "connection",
          doc="connections that send one ClientHello (about 400 bytes) and never close"),
    Class("open-bytes", make_open_bytes, dict(n=50_000), dict(n=5_000), "connection",
          doc="connections that send one 0x16 byte and never close"),
    Class("table-rows", make_table_rows, dict(n=200_000, gz=True), dict(n=6_000), "connection",
          commands=[["summary"], ["summary", "--json"], ["inspect", "--json"], ["keylog"]],
          doc="short complete connections (ClientHello, ServerHello) for the summary table"),
    Class("hello-only-rows", make_hello_only_rows, dict(n=250_000, gz=True), dict(n=6_000), "connection",
          commands=[["summary"], ["summary", "--json"], ["inspect", "--json"], ["keylog"]],
          doc="short complete connections that carry only a ClientHello"),
    Class("ooo-tiny", make_ooo_tiny, dict(n=4_000_000, gz=True), dict(n=500_000), "held segment",
          commands=[["summary", "--json"], ["inspect"]],
          doc="a hole at the start, then one-byte segments held out of order behind it"),
    Class("keylog-big", make_keylog_big, dict(lines=1_000_000), dict(lines=100_000), "key",
          commands=[["summary", "--json"], ["inspect", "--json"], ["keylog"]],
          doc="a key log of valid lines next to a one-connection capture"),
    Class("rsa-nocert", make_rsa_nocert, dict(n=1_000, bits=4096, z=256), dict(n=300, bits=2048, z=128), "connection",
          about="time", commands=[["summary", "--json"], ["inspect"], ["keylog"]],
          doc="RSA handshakes without a Certificate, z half the key's size, -k one key"),
    Class("rsa-nocert-keys", make_rsa_nocert, dict(n=5_000, bits=4096, z=256, keys=5),
          dict(n=60, bits=2048, z=128, keys=5),
          "connection", about="time", commands=[["summary", "--json"], ["keylog"]],
          doc="rsa-nocert with -k a folder of 5 keys"),
    Class("many-extensions", make_many_extensions, dict(hellos=10, exts=16_000), dict(hellos=1, exts=8_000),
          "extension", about="time", commands=[["inspect"], ["inspect", "--json"], ["summary"]],
          doc="ClientHellos of thousands of empty extensions each, for the inspect table"),
    Class("fragments", make_fragments, dict(n=200_000), dict(n=30_000), "datagram",
          commands=[["summary", "--json"], ["summary"]],
          doc="IPv4 datagrams whose last fragment never comes"),
    Class("fragments-overlap", make_fragments_overlap, dict(n=100_000), dict(n=10_000), "fragment",
          about="time", commands=[["summary", "--json"]],
          doc="one datagram flooded with overlapping fragments that never complete it"),
    Class("udp-flows", make_udp_flows, dict(n=200_000), dict(n=30_000), "flow",
          commands=[["summary", "--json"], ["summary"]],
          doc="UDP flows of 8 DNS-like datagrams each: none is QUIC, all counted"),
    Class("quic-initials", make_quic_initials, dict(n=100_000), dict(n=3_000), "connection",
          commands=[["summary", "--json"], ["inspect"]],
          doc="QUIC flows, each one client Initial that does not open, all open at once"),
    Class("dtls-fragments", make_dtls_fragments, dict(n=200_000), dict(n=40_000), "fragment",
          commands=[["summary", "--json"], ["inspect"]],
          doc="one DTLS flow, handshake fragments of 32 messages of 1 MiB that never complete"),
    Class("dtls-open", make_dtls_open, dict(n=50_000), dict(n=5_000), "connection",
          commands=[["summary", "--json"], ["inspect"]],
          doc="DTLS flows, each the first 1,000 bytes of a 64 KiB ClientHello, all open at once"),
    Class("quic-streams", make_quic_streams, dict(n=100_000, held_packets=20_000),
          dict(n=3_000, held_packets=9_000), "stream",
          commands=[["summary", "--json"], ["inspect", "--json"], ["follow", "--conn", "0"]],
          doc="one QUIC connection opening streams that all wait for their first byte, then "
              "more data held behind holes than the caps allow"),
    Class("h2-streams", make_h2_streams, dict(n=10_000), dict(n=3_000), "stream",
          commands=[["summary", "--json"], ["inspect", "--json"], ["requests"]],
          doc="one HTTP/2 connection (TLS 1.3, key log) opening streams that never end"),
    Class("http1-long-targets", make_http1_long_targets, dict(n=5_000, target=60_000),
          dict(n=1_100, target=30_000), "request",
          commands=[["summary", "--json"], ["inspect", "--json"], ["requests"]],
          doc="one HTTP/1.1 connection (TLS 1.3, key log) of requests with 30-60 KB targets"),
    Class("hpack-hostile", make_hpack_hostile, dict(streams=200, refs=200_000),
          dict(streams=20, refs=100_000), "header reference",
          commands=[["summary", "--json"], ["inspect", "--json"], ["requests"]],
          doc="one HTTP/2 connection of HPACK bombs (a 4,000-byte field referred to again "
              "and again, table size updates), then a table size over what is followed"),
    Class("partial-records", make_partial_records, dict(n=20_000), dict(n=5_000), "connection",
          commands=[["summary", "--json"], ["inspect"], ["keylog"]],
          doc="open connections, each 16 KiB - 1 of a 16 KiB record"),
    Class("partial-handshakes", make_partial_handshakes, dict(n=200), dict(n=80), "connection",
          commands=[["summary", "--json"], ["inspect"], ["keylog"]],
          doc="open connections, each a 1 MiB handshake message but its last byte"),
    Class("cert-flood", make_cert_flood, dict(n=5_000), dict(n=4_000), "Certificate message",
          doc="one connection, the same 2.8 KB Certificate message again and again"),
    Class("certcomp-flood", make_certcomp_flood, dict(n=20_000), dict(n=2_000),
          "CompressedCertificate message",
          doc="one connection, CompressedCertificate zlib bombs (2 KB claiming 1 MiB, "
              "inflating past it) again and again"),
    Class("ticket-flood", make_ticket_flood, dict(n=100_000), dict(n=50_000), "ticket",
          doc="one TLS 1.2 connection, NewSessionTicket after NewSessionTicket"),
]
BY_NAME = {c.name: c for c in CLASSES}


def generate(cls: Class, scale: str, out: Path, force=False) -> dict:
    """Makes (or reuses) the class's capture; returns its manifest."""
    params = cls.full if scale == "full" else cls.small
    manifest_path = out / f"{cls.name}.json"
    if not force and manifest_path.exists():
        m = json.loads(manifest_path.read_text())
        if m.get("params") == params and Path(m["capture"]).exists():
            return m
    t = time.time()
    capture, args, units = cls.make(out, cls.name, **params)
    m = dict(name=cls.name, scale=scale, params=params, capture=str(capture), args=args,
             units=units, unit=cls.unit, about=cls.about, commands=cls.commands,
             size=capture.stat().st_size)
    manifest_path.write_text(json.dumps(m, indent=1) + "\n")
    print(f"made {capture} ({m['size'] / 1e6:.1f} MB) in {time.time() - t:.1f} s", file=sys.stderr)
    return m


def run_one(binary, command, m, timeout, mem_limit_mb, stats: Path):
    """Runs one command under /usr/bin/time and the limits; returns (wall s, peak RSS KB,
    outcome). tlsscope is started by /usr/bin/time, a small process: a child's peak RSS
    (ru_maxrss) starts at the RSS of the process it was forked from, this script's."""
    argv = ["/usr/bin/time", "-f", "%e %M", "-o", str(stats), binary] + command + ["-q"] + m["args"] + [m["capture"]]
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}

    def limits():
        lim = mem_limit_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
        # The time limit is CPU time (SIGXCPU), so that /usr/bin/time still reports.
        resource.setrlimit(resource.RLIMIT_CPU, (int(timeout), int(timeout) + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    t = time.time()
    child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, env=env, preexec_fn=limits,
                             start_new_session=True)
    try:
        _, err = child.communicate(timeout=2 * timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        return time.time() - t, 0, f"killed at {2 * timeout:.0f} s wall"
    lines = stats.read_text().strip().splitlines()
    elapsed, rss = lines[-1].split()
    head = " ".join(lines[:-1])
    sig = re.search(r"terminated by signal (\d+)", head)
    if sig:
        n = int(sig.group(1))
        if n == signal.SIGXCPU:
            outcome = f"stopped at {timeout:.0f} s of CPU"
        elif n == signal.SIGABRT or b"memory allocation" in err:
            outcome = f"out of memory at {mem_limit_mb} MB"
        else:
            outcome = f"signal {signal.Signals(n).name}"
    elif child.returncode:
        last = err.decode(errors="replace").strip().splitlines()[-1:]
        outcome = f"exit {child.returncode}: {last[0][:60] if last else ''}"
    else:
        outcome = "ok"
    return float(elapsed), int(rss), outcome


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", choices=["full", "small"], default="full")
    ap.add_argument("--only", help="comma-separated class names (default: all)")
    ap.add_argument("--out", help="where captures go (default bench/work/stress-SCALE)")
    ap.add_argument("--force", action="store_true", help="make the captures again")
    ap.add_argument("--run", metavar="BINARY", help="run each capture through tlsscope")
    ap.add_argument("--timeout", type=float, default=120, help="CPU seconds per run (with --run)")
    ap.add_argument("--mem-limit", type=int, default=6000, help="address space MB per run (with --run)")
    ap.add_argument("--list", action="store_true", help="list the classes and exit")
    a = ap.parse_args()
    if a.list:
        for c in CLASSES:
            print(f"{c.name:20} full {c.full}  small {c.small}\n{'':20} {c.doc}")
        return
    names = a.only.split(",") if a.only else [c.name for c in CLASSES]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        sys.exit(f"stress.py: unknown class {', '.join(unknown)} (see --list)")
    out = Path(a.out or ROOT / "bench" / "work" / f"stress-{a.scale}")
    out.mkdir(parents=True, exist_ok=True)
    made = [generate(BY_NAME[n], a.scale, out, a.force) for n in names]
    if not a.run:
        return
    print("| class | command | capture | wall s | peak RSS MB | per unit | result |")
    print("|---|---|---:|---:|---:|---:|---|")
    for m in made:
        for command in m["commands"]:
            wall, rss_kb, outcome = run_one(a.run, command, m, a.timeout, a.mem_limit, out / "time.txt")
            units = m["units"]
            if m["about"] == "time":
                figure = f"{wall * 1000 / units:.3g} ms / {m['unit']}"
            elif m["unit"] == "input MB":
                figure = f"{rss_kb / 1024 / units:.3g} MB / input MB"
            else:
                figure = f"{rss_kb / units:.3g} KB / {m['unit']}"
            if outcome != "ok" and not outcome.startswith("exit"):
                figure = "≥ " + figure  # a limit stopped it
            print(f"| {m['name']} | `{' '.join(command + m['args'][:1])}` | {m['size'] / 1e6:.1f} MB | "
                  f"{wall:.2f} | {rss_kb / 1024:.1f} | {figure} | {outcome} |", flush=True)


if __name__ == "__main__":
    main()
