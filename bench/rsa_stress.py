#!/usr/bin/env python3
"""RSA-heavy captures for the bounds on RSA work (README, "Limits"), made synthetically:

  blind N [CKES]   N connections: ClientHello, ServerHello choosing
                   TLS_RSA_WITH_AES_128_GCM_SHA256 (0x009c), no Certificate,
                   ServerHelloDone, then CKES ClientKeyExchanges (default 1) with a random
                   256-byte z below any 2048-bit modulus (every trial is a full operation)
  cert N [--garbage]
                   N TLS 1.2 RSA AES-128-GCM handshakes with the Certificate of
                   samples/keys/server-rsa2048.crt, both Finished and one record each way
                   (they decrypt with samples/keys/server-rsa2048.key); with --garbage, a
                   random z instead (needs the `cryptography` package)

    bench/rsa_stress.py OUT.pcap blind 1000
    bench/rsa_stress.py OUT.pcap cert 1000 [--garbage]
"""
import hashlib, hmac, random, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from stress import Pcap, SYN, ACK, PSH, FIN, SERVER  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def hs(ty, body):
    return bytes([ty]) + len(body).to_bytes(3, "big") + body


def rec(ty, body):
    return bytes([ty, 3, 3]) + len(body).to_bytes(2, "big") + body


def random_z(rng):
    return bytes([rng.randrange(1, 0x80)]) + rng.randbytes(255)


def client_hello(cr):
    return hs(1, b"\x03\x03" + cr + b"\x00" + b"\x00\x02\x00\x9c" + b"\x01\x00")


def server_hello(sr):
    return hs(2, b"\x03\x03" + sr + b"\x00" + b"\x00\x9c" + b"\x00")


def cke(z):
    return hs(16, len(z).to_bytes(2, "big") + z)


def connection(p, i, flights):
    """flights: [(from_client, bytes)], sent in order, segments of at most 1400 bytes."""
    src = bytes([10, 1 + (i >> 16) % 200, (i >> 8) & 0xFF, i & 0xFF])
    sport = 1024 + i % 60000
    cs, ss = 1001, 5001
    p.packet(src, SERVER, sport, 443, 1000, 0, SYN)
    p.packet(SERVER, src, 443, sport, 5000, 1001, SYN | ACK)
    for from_client, data in flights:
        for off in range(0, len(data), 1400):
            part = data[off:off + 1400]
            if from_client:
                p.packet(src, SERVER, sport, 443, cs, ss, PSH | ACK, part)
                cs += len(part)
            else:
                p.packet(SERVER, src, 443, sport, ss, cs, PSH | ACK, part)
                ss += len(part)
    p.packet(src, SERVER, sport, 443, cs, ss, FIN | ACK)
    p.packet(SERVER, src, 443, sport, ss, cs + 1, FIN | ACK)


def blind(out, n, ckes=1):
    rng = random.Random(1)
    p = Pcap(out)
    for i in range(n):
        c = rec(22, client_hello(rng.randbytes(32)))
        s = rec(22, server_hello(rng.randbytes(32)) + hs(14, b""))
        k = b"".join(rec(22, cke(random_z(rng))) for _ in range(ckes))
        connection(p, i, [(True, c), (False, s), (True, k)])
    p.close()


def prf(secret, label, seed, n):
    out, a = b"", label + seed
    while len(out) < n:
        a = hmac.new(secret, a, hashlib.sha256).digest()
        out += hmac.new(secret, a + label + seed, hashlib.sha256).digest()
    return out[:n]


def cert(out, n, garbage=False):
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.serialization import Encoding

    crt = x509.load_pem_x509_certificate((ROOT / "samples/keys/server-rsa2048.crt").read_bytes())
    der = crt.public_bytes(Encoding.DER)
    certs = len(der).to_bytes(3, "big") + der

    def seal(key, salt, seq, ty, plain):
        explicit = seq.to_bytes(8, "big")
        aad = explicit + bytes([ty, 3, 3]) + len(plain).to_bytes(2, "big")
        return rec(ty, explicit + AESGCM(key).encrypt(salt + explicit, plain, aad))

    rng = random.Random(2)
    p = Pcap(out)
    for i in range(n):
        cr, sr = rng.randbytes(32), rng.randbytes(32)
        ch, sh = client_hello(cr), server_hello(sr)
        ce, shd = hs(11, len(certs).to_bytes(3, "big") + certs), hs(14, b"")
        pms = b"\x03\x03" + rng.randbytes(46)
        z = random_z(rng) if garbage else crt.public_key().encrypt(pms, padding.PKCS1v15())
        k = cke(z)
        ms = prf(pms, b"master secret", cr + sr, 48)
        kb = prf(ms, b"key expansion", sr + cr, 40)
        ck, sk, civ, siv = kb[:16], kb[16:32], kb[32:36], kb[36:40]
        t = ch + sh + ce + shd + k
        cfin = hs(20, prf(ms, b"client finished", hashlib.sha256(t).digest(), 12))
        sfin = hs(20, prf(ms, b"server finished", hashlib.sha256(t + cfin).digest(), 12))
        connection(p, i, [
            (True, rec(22, ch)),
            (False, rec(22, sh + ce + shd)),
            (True, rec(22, k) + rec(20, b"\x01") + seal(ck, civ, 0, 22, cfin)),
            (False, rec(20, b"\x01") + seal(sk, siv, 0, 22, sfin)),
            (True, seal(ck, civ, 1, 23, b"GET / HTTP/1.1\r\n\r\n")),
            (False, seal(sk, siv, 1, 23, b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 200)),
        ])
    p.close()


def main():
    if len(sys.argv) < 4 or sys.argv[2] not in ("blind", "cert"):
        raise SystemExit(__doc__)
    out, kind, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if kind == "blind":
        blind(out, n, int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    else:
        cert(out, n, "--garbage" in sys.argv[4:])


if __name__ == "__main__":
    main()
