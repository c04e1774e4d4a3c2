#!/usr/bin/env python3
"""Check every sample under samples/ against its truth file with tshark.

For each NAME.truth.json:
  * handshake: tshark sees the ServerHello of every TLS connection and its
    cipher suite equals the truth's cipher_id;
  * keylog: with tls.keylog_file = NAME.keylog, `-z follow,tls,raw,N` of each
    TCP stream gives application data whose SHA-256 per direction equals the
    truth's client_sha256 / server_sha256 (for plain TCP connections,
    follow,tcp,raw);
  * rsa: the same with only the RSA private key (uat:rsa_keys), for samples
    whose truth names an rsa_key (RSA key exchange);
  * psk: the same with only the pre-shared key (tls.psk), for samples whose
    truth has a top-level "psk" (TLS 1.2 plain PSK), shown in the rsa/psk column;
  * key updates: where a connection's truth has "key_updates", tshark (with
    the key log) sees that many TLS 1.3 KeyUpdate messages each way, with the
    update_requested flags the truth gives.

TLS 1.3 early data the server rejected (truth client_early_rejected_*) is not
in client_sha256; tshark 4.0 still decrypts those records with the key log's
CLIENT_EARLY_TRAFFIC_SECRET and follows them as client data, so there the
client side passes when tshark's data is the rejected bytes followed by
exactly client_sha256's bytes (noted in the table).

Directions the truth marks incomplete (client_complete/server_complete false,
in derived damaged samples): the first *_recoverable_prefix_bytes of what
tshark decrypts must hash to *_recoverable_prefix_sha256 when the truth gives
them; otherwise what tshark got is only reported.

Where tshark cannot decrypt (ARIA in tshark 4.0), the checker decrypts the
TLS 1.2 GCM records itself (PRF from the key log's master secret, OpenSSL EVP
via ctypes) and compares that with the truth instead.

Usage: check_with_tshark.py [NAME ...]     (exit status 1 if anything failed)
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # keep samples/tools free of __pycache__

import glob
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent

# What tshark 4.0 (Debian 12) cannot do; reported, not failed.
KNOWN_LIMITS = {
    "ARIA": "tshark 4.0 cannot decrypt ARIA (its libgcrypt has no ARIA)",
}


def tshark(args: list) -> str:
    r = subprocess.run(["tshark", "-n", "-o", "tcp.reassemble_out_of_order:TRUE"] + args,
                       capture_output=True, text=True, cwd=SAMPLES)
    if r.returncode != 0 and "cut short in the middle of a packet" not in r.stderr:
        raise RuntimeError(f"tshark {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def streams(cap: str) -> dict:
    """tcp.stream index -> (client_port, server_port) from each stream's first packet (SYN)."""
    out = tshark(["-r", cap, "-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 0",
                  "-T", "fields", "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tcp.dstport"])
    res = {}
    for line in out.splitlines():
        if not line.strip():
            continue
        s, sp, dp = line.split("\t")
        res.setdefault(int(s), (int(sp), int(dp)))
    return res


def server_hellos(cap: str, prefs: list) -> dict:
    out = tshark(["-r", cap] + prefs + ["-Y", "tls.handshake.type == 2", "-T", "fields",
                                         "-e", "tcp.stream", "-e", "tls.handshake.ciphersuite"])
    res: dict = {}
    for line in out.splitlines():
        if not line.strip():
            continue
        s, cs = line.split("\t")
        for c in cs.split(","):
            if c:
                res.setdefault(int(s), []).append(int(c, 0))
    return res


def key_updates(cap: str, prefs: list) -> dict:
    """tcp.stream -> {source port: [request_update flag of each KeyUpdate]}"""
    out = tshark(["-r", cap] + prefs + ["-Y", "tls.handshake.type == 24", "-T", "fields", "-e", "tcp.stream",
                                         "-e", "tcp.srcport", "-e", "tls.handshake.type",
                                         "-e", "tls.handshake.key_update.request_update"])
    res: dict = {}
    for line in out.splitlines():
        if not line.strip():
            continue
        st, sp, types, flags = line.split("\t")
        n = sum(1 for t in types.split(",") if t == "24")
        fl = [int(f) for f in flags.split(",") if f]
        if len(fl) != n:
            raise RuntimeError(f"KeyUpdate fields do not line up: {line!r}")
        res.setdefault(int(st), {}).setdefault(int(sp), []).extend(fl)
    return res


def follow(cap: str, prefs: list, want: list) -> dict:
    """{(proto, stream): (node0_port, bytes_node0, bytes_node1)}"""
    if not want:
        return {}
    args = ["-r", cap] + prefs + ["-q"]
    for proto, n in want:
        args += ["-z", f"follow,{proto},raw,{n}"]
    out = tshark(args)
    res = {}
    for block in out.split("===================================================================\n"):
        m = re.search(r"Follow: (\w+),raw\nFilter: tcp.stream eq (\d+)\nNode 0: (.*)\nNode 1: (.*)\n", block)
        if not m:
            continue
        node0 = m.group(3)
        node0_port = int(node0.rsplit(":", 1)[1]) if ":" in node0 else 0
        body = block[m.end():]
        d0, d1 = bytearray(), bytearray()
        for line in body.splitlines():
            if not line.strip():
                continue
            if line.startswith("\t"):
                d1 += bytes.fromhex(line.strip())
            else:
                d0 += bytes.fromhex(line.strip())
        res[(m.group(1), int(m.group(2)))] = (node0_port, bytes(d0), bytes(d1))
    return res


# --------------------------------------------------------------------------
# Own decryption for TLS 1.2 AEAD-GCM samples tshark cannot decrypt (ARIA):
# TLS 1.2 PRF + key block from the key log's master secret, records decrypted
# with OpenSSL's EVP through ctypes. Clean captures only (no loss/reordering).

def _prf(secret: bytes, label: bytes, seed: bytes, n: int, h) -> bytes:
    import hmac
    out, a = b"", label + seed
    while len(out) < n:
        a = hmac.new(secret, a, h).digest()
        out += hmac.new(secret, a + label + seed, h).digest()
    return out[:n]


def _gcm_decrypt(cipher_name: bytes, key: bytes, nonce: bytes, aad: bytes, ct: bytes, tag: bytes) -> bytes:
    import ctypes
    import ssl
    lib = ctypes.CDLL(ssl._ssl.__file__)
    lib.EVP_CIPHER_fetch.restype = ctypes.c_void_p
    lib.EVP_CIPHER_fetch.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    lib.EVP_CIPHER_CTX_new.restype = ctypes.c_void_p
    for f in ("EVP_DecryptInit_ex", "EVP_DecryptUpdate", "EVP_DecryptFinal_ex", "EVP_CIPHER_CTX_ctrl",
              "EVP_CIPHER_CTX_free", "EVP_CIPHER_free"):
        getattr(lib, f).argtypes = None
    ciph = lib.EVP_CIPHER_fetch(None, cipher_name, None)
    if not ciph:
        raise RuntimeError(f"no cipher {cipher_name!r}")
    ctx = lib.EVP_CIPHER_CTX_new()
    vp = ctypes.c_void_p
    try:
        assert lib.EVP_DecryptInit_ex(vp(ctx), vp(ciph), None, None, None) == 1
        assert lib.EVP_CIPHER_CTX_ctrl(vp(ctx), 0x9, len(nonce), None) == 1          # SET_IVLEN
        assert lib.EVP_DecryptInit_ex(vp(ctx), None, None, key, nonce) == 1
        outl = ctypes.c_int(0)
        assert lib.EVP_DecryptUpdate(vp(ctx), None, ctypes.byref(outl), aad, len(aad)) == 1
        buf = ctypes.create_string_buffer(len(ct) + 32)
        assert lib.EVP_DecryptUpdate(vp(ctx), buf, ctypes.byref(outl), ct, len(ct)) == 1
        n = outl.value
        assert lib.EVP_CIPHER_CTX_ctrl(vp(ctx), 0x11, len(tag), ctypes.c_char_p(tag)) == 1  # SET_TAG
        if lib.EVP_DecryptFinal_ex(vp(ctx), ctypes.byref(buf, n), ctypes.byref(outl)) != 1:
            raise RuntimeError("GCM tag mismatch")
        return buf.raw[:n]
    finally:
        lib.EVP_CIPHER_CTX_free(vp(ctx))
        lib.EVP_CIPHER_free(vp(ciph))


def own_gcm_check(truth: dict) -> tuple:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import pcaplib
    algo = {"ARIA_128_GCM": (b"ARIA-128-GCM", 16), "ARIA_256_GCM": (b"ARIA-256-GCM", 32),
            "AES_128_GCM": (b"AES-128-GCM", 16), "AES_256_GCM": (b"AES-256-GCM", 32)}
    keylog = {}
    for line in open(SAMPLES / truth["keylog"]):
        f = line.split()
        if len(f) == 3 and f[0] == "CLIENT_RANDOM":
            keylog[bytes.fromhex(f[1])] = bytes.fromhex(f[2])
    cap = pcaplib.read_capture(str(SAMPLES / truth["capture"]))
    details = []
    for i, c in enumerate(truth["connections"]):
        name = next(k for k in algo if k in c["cipher"])
        cname, klen = algo[name]
        h = hashlib.sha384 if c["cipher"].endswith("SHA384") else hashlib.sha256
        streams = {}
        for p in pcaplib.packets(cap):
            if {p.sport, p.dport} == {c["client_port"], c["server_port"]}:
                d = streams.setdefault(p.sport, {"isn": None, "data": bytearray()})
                if p.syn:
                    d["isn"] = p.seq
                elif p.payload:
                    off = (p.seq - d["isn"] - 1) & 0xFFFFFFFF
                    if off + len(p.payload) > len(d["data"]):
                        d["data"] += b"\0" * (off + len(p.payload) - len(d["data"]))
                    d["data"][off:off + len(p.payload)] = p.payload

        def records(b):
            o = 0
            while o + 5 <= len(b):
                ln = int.from_bytes(b[o + 3:o + 5], "big")
                yield b[o], b[o + 1:o + 3], b[o + 5:o + 5 + ln]
                o += 5 + ln
        cs = bytes(streams[c["client_port"]]["data"])
        ss = bytes(streams[c["server_port"]]["data"])
        ch = next(r for r in records(cs) if r[0] == 22)[2]
        sh = next(r for r in records(ss) if r[0] == 22)[2]
        crand, srand = ch[6:38], sh[6:38]
        ms = keylog[crand]
        kb = _prf(ms, b"key expansion", srand + crand, 2 * klen + 8, h)
        keys = {"client": (kb[:klen], kb[2 * klen:2 * klen + 4]), "server": (kb[klen:2 * klen], kb[2 * klen + 4:])}
        for d, stream in (("client", cs), ("server", ss)):
            key, salt = keys[d]
            seq = None
            plain = bytearray()
            for ct, ver, body in records(stream):
                if ct == 20:
                    seq = 0
                    continue
                if seq is None:
                    continue
                aad = seq.to_bytes(8, "big") + bytes([ct]) + ver + (len(body) - 24).to_bytes(2, "big")
                pt = _gcm_decrypt(cname, key, salt + body[:8], aad, body[8:-16], body[-16:])
                if ct == 23:
                    plain += pt
                seq += 1
            if sha(bytes(plain)) != c[f"{d}_sha256"]:
                return "FAIL", f"own {cname.decode()} decrypt: conn {i} {d} differs"
        details.append(f"conn {i} ok")
    return "ok", "own " + cname.decode() + " decryption with the key log matches the truth"


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def compare(truth: dict, conns: list, smap: dict, fol: dict) -> tuple:
    """Returns (status, detail) for one decryption mode."""
    ok = True
    partial = False
    details = []
    for i, c in enumerate(conns):
        n = smap.get(i)
        if n is None:
            return "FAIL", f"conn {i}: no TCP stream"
        proto = "tls" if c.get("tls", True) else "tcp"
        got = fol.get((proto, n))
        if got is None:
            ok = False
            details.append(f"conn {i}: nothing followed")
            continue
        node0_port, d0, d1 = got
        if node0_port == c["server_port"] and node0_port != c["client_port"]:
            d0, d1 = d1, d0
        if not d0 and not d1 and node0_port == 0:
            pass
        for d, data in (("client", d0), ("server", d1)):
            rej = c.get(f"{d}_early_rejected_bytes")
            if rej and sha(data) != c[f"{d}_sha256"] and sha(data[:rej]) == c[f"{d}_early_rejected_sha256"] \
                    and sha(data[rej:]) == c[f"{d}_sha256"]:
                details.append(f"conn {i} {d}: tshark also follows the {rej} bytes of rejected early data; "
                               f"the rest matches")
                continue
            if c.get(f"{d}_complete", True):
                if sha(data) != c[f"{d}_sha256"]:
                    ok = False
                    details.append(f"conn {i} {d}: {len(data)}/{c[f'{d}_bytes']} bytes, hash differs")
            else:
                partial = True
                rec = c.get(f"{d}_recoverable_prefix_sha256")
                n = c.get(f"{d}_recoverable_prefix_bytes")
                if rec is not None and n:
                    if sha(data[:n]) == rec:
                        details.append(f"conn {i} {d}: damaged; tshark gave {len(data)} bytes, the recoverable "
                                       f"first {n} match")
                    else:
                        details.append(f"conn {i} {d}: damaged; tshark gave {len(data)} bytes, its first {n} "
                                       f"differ from the recoverable prefix")
                        ok = False
                else:
                    details.append(f"conn {i} {d}: damaged, tshark gave {len(data)} bytes")
    if ok:
        return ("ok-partial" if partial else "ok"), "; ".join(details)
    return "FAIL", "; ".join(details)


def check(path: str) -> dict:
    truth = json.load(open(path))
    name = truth["sample"]
    cap = truth["capture"]
    conns = truth["connections"]
    row = {"sample": name, "conns": len(conns)}
    # map truth connection i -> tcp.stream: streams in order of their first SYN
    st = streams(cap)
    ordered = sorted(st.items())
    smap = {}
    used = set()
    for i, c in enumerate(conns):
        for n, (cp, sp) in ordered:
            if n not in used and cp == c["client_port"] and sp == c["server_port"]:
                smap[i] = n
                used.add(n)
                break
    limits = [v for k, v in KNOWN_LIMITS.items() if any(k in (c.get("cipher") or "") for c in conns)]
    # handshake
    # a pcapng with a Decryption Secrets Block must decrypt without the separate key log
    keylog_prefs = [] if truth.get("keylog_embedded") else ["-o", f"tls.keylog_file:{truth['keylog']}"]
    sh = server_hellos(cap, keylog_prefs)
    hs_ok = True
    hs_notes = []
    for i, c in enumerate(conns):
        if not c.get("tls", True):
            continue
        n = smap.get(i)
        got = sh.get(n, [])
        if not got:
            if c.get("handshake_visible", True):
                hs_ok = False
                hs_notes.append(f"conn {i}: no ServerHello")
        elif got[0] != c["cipher_id"]:
            hs_ok = False
            hs_notes.append(f"conn {i}: cipher 0x{got[0]:04x} != 0x{c['cipher_id']:04x}")
    if any(c.get("key_updates") for c in conns):
        ku = key_updates(cap, keylog_prefs)
        for i, c in enumerate(conns):
            want_ku = c.get("key_updates")
            if not want_ku:
                continue
            got = ku.get(smap.get(i), {})
            gc, gs = got.get(c["client_port"], []), got.get(c["server_port"], [])
            if (len(gc), sum(gc), len(gs), sum(gs)) != (want_ku["client_sent"], want_ku["client_update_requested"],
                                                        want_ku["server_sent"], want_ku["server_update_requested"]):
                hs_ok = False
                hs_notes.append(f"conn {i}: KeyUpdates client {gc} server {gs} differ from the truth")
            else:
                hs_notes.append(f"conn {i}: KeyUpdates client {gc}, server {gs} (request_update flags) as in truth")
    row["handshake"] = "ok" if hs_ok else "FAIL"
    want = [("tls" if c.get("tls", True) else "tcp", smap[i]) for i, c in enumerate(conns) if i in smap]
    # keylog decryption
    fol = follow(cap, keylog_prefs, want)
    row["keylog"], d1 = compare(truth, conns, smap, fol)
    # RSA private key decryption
    if truth.get("rsa_key"):
        rsa_prefs = ["-o", f"uat:rsa_keys:\"{truth['rsa_key']}\",\"\""]
        fol = follow(cap, rsa_prefs, want)
        row["rsa"], d2 = compare(truth, conns, smap, fol)
    elif truth.get("psk"):
        fol = follow(cap, ["-o", f"tls.psk:{truth['psk']}"], want)
        row["rsa"], d2 = compare(truth, conns, smap, fol)
        d2 = "psk: " + (d2 or "PSK-only decryption (tls.psk) matches")
    else:
        row["rsa"], d2 = "-", ""
    if limits and "FAIL" in (row["keylog"], row["rsa"]):
        row["keylog"] = "unsupported" if row["keylog"] == "FAIL" else row["keylog"]
        row["rsa"] = "unsupported" if row["rsa"] == "FAIL" else row["rsa"]
        own, own_note = own_gcm_check(truth)
        row["own"] = own
        hs_notes += limits + [own_note]
        d1 = d2 = ""
    notes = [x for x in hs_notes + [d1, d2 if d2 != d1 else ""] if x]
    row["notes"] = "; ".join(notes)
    return row


def main() -> int:
    names = sys.argv[1:]
    files = sorted(glob.glob(str(SAMPLES / "*.truth.json")))
    if names:
        files = [f for f in files if Path(f).name[:-len(".truth.json")] in names]
    rows = []
    for f in files:
        try:
            rows.append(check(f))
        except Exception as e:  # noqa: BLE001
            rows.append({"sample": Path(f).name[:-len(".truth.json")], "conns": "?", "handshake": "FAIL",
                         "keylog": "FAIL", "rsa": "FAIL", "notes": repr(e)})
    w = max(len(r["sample"]) for r in rows) if rows else 10
    print(f"{'sample':<{w}}  conns  handshake  keylog      rsa/psk     notes")
    bad = 0
    for r in rows:
        print(f"{r['sample']:<{w}}  {str(r['conns']):>5}  {r['handshake']:<9}  {r['keylog']:<10}  {r['rsa']:<10}  {r['notes']}")
        if "FAIL" in (r["handshake"], r["keylog"], r["rsa"], r.get("own")):
            bad += 1
    print(f"\n{len(rows) - bad} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
