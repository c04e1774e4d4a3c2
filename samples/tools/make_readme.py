#!/usr/bin/env python3
"""Write samples/README.md from the truth files (one table row per sample)."""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # keep samples/tools free of __pycache__

import glob
import json
import os
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent

HEAD = """\
# Sample captures

Real TLS sessions on loopback, captured with tcpdump (pcap) or dumpcap
(pcapng), plus captures derived from them (damaged TCP, other link layers and
file formats). Everything here is made by `make-samples.sh` (run as root; it
needs tcpdump, tshark/editcap/dumpcap, openssl, gnutls-bin, ethtool, iproute2
and python3) and checked with tshark by `tools/check_with_tshark.py`.

For every sample `NAME` there are:

* `NAME.pcap` or `NAME.pcapng`: the capture;
* `NAME.keylog`: the NSS key log the client's TLS library wrote
  (`CLIENT_RANDOM` lines for TLS 1.0-1.2, the TLS 1.3 `*_TRAFFIC_SECRET_0` /
  `*_HANDSHAKE_TRAFFIC_SECRET` lines; OpenSSL's files start with a `#` comment);
* `NAME.truth.json`: what was sent, see below.

## Keys (`keys/`)

| file | what |
| --- | --- |
| `server-rsa2048.key` / `.crt` | 2048-bit RSA server key (PKCS#8 PEM) and self-signed cert, CN=tlsscope.test, SAN DNS:tlsscope.test, DNS:localhost, IP:127.0.0.1, IP:::1 |
| `server-rsa2048.pkcs1.pem` | the same key as a PKCS#1 `RSA PRIVATE KEY` PEM |
| `server-rsa2048.p8.der` | the same key as unencrypted PKCS#8 DER |
| `server-rsa2048.enc.pem` | the same key as encrypted PKCS#8 PEM (PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256), password `tlsscope` |
| `server-rsa2048.p12` | key + cert as PKCS#12 (OpenSSL 3 defaults: AES-256-CBC, PBKDF2, SHA-256 MAC), password `tlsscope` |
| `server-rsa1024.key` / `.crt` | 1024-bit RSA server key and cert (for `tls12-rsa1024-aes128sha256`) |
| `server-ecdsa-p256.key` / `.crt` | ECDSA P-256 server key and cert (for `tls12-ecdhe-ecdsa-chacha20`, `tls12-ecdhe-ecdsa-aes128ccm`) |
| `client-rsa2048.key` / `.crt` | client key and cert (CN=tlsscope client) for `tls12-rsa-clientcert`, `tls13-client-cert` |

The keys are generated only when missing, so regenerating the captures reuses
the committed keys. All other samples use `server-rsa2048`, except the TLS 1.2
plain-PSK samples (`tls12-psk-*`), which have no certificate: their pre-shared
key is `0102030405060708090a0b0c0d0e0f10` (identity `tlsscope-client`, hint
`tlsscope`), also in their truth files as `"psk"`.

## Truth files

```json
{"sample": "...", "description": "...", "capture": "NAME.pcap", "format": "pcap",
 "link_type": "EN10MB (1)", "keylog": "NAME.keylog", "rsa_key": "keys/server-rsa2048.key" | null,
 "derived_from": null | "source sample", "damage": null | "what was changed",
 "connections": [
   {"client_ip": "127.0.0.1", "client_port": 37824, "server_ip": "127.0.0.1", "server_port": 443,
    "tls": true, "version": "TLS 1.2", "cipher": "TLS_RSA_WITH_AES_128_GCM_SHA256", "cipher_id": 156,
    "openssl_cipher": "AES128-GCM-SHA256", "sni": "tlsscope.test",
    "client_sha256": "<sha256 of all application bytes the client sent>", "server_sha256": "...",
    "client_bytes": 707, "server_bytes": 5250,
    "client_writes": [707], "server_writes": [1569, 2895, 786],
    "resumed": false, "renegotiations": 0, "client_cert": false, "extended_master_secret": true,
    "notes": "..."}]}
```

`connections` is in the order the TCP connections start in the capture (one
entry per TCP connection, plain-TCP ones included with `"tls": false`).
`rsa_key` is set when the RSA private key alone decrypts the sample (RSA key
exchange); `null` means only the key log does. `*_writes` are the sizes of
the application's write calls (each one TLS record unless > 16 KB). Derived
damaged samples add `client_complete` / `server_complete` (false when
plaintext is lost), `*_recoverable_prefix_bytes` / `*_recoverable_prefix_sha256`
(how much of the start is still decryptable), and for the lost segment the
missing TCP and plaintext ranges and the intact records after the gap.
Some samples add a few more keys (`encrypt_then_mac`, `empty_fragments`,
`hello_retry_request`, `client_isn`/`server_isn`, `keylog_embedded`, ...).
TLS 1.3 samples may add per connection `key_updates` (`client_sent`,
`server_sent`, `client_update_requested`, `server_update_requested`: KeyUpdate
messages each side sent, answers to update_requested included) and
`early_data` (`accepted` / `rejected` / `not_sent`). Accepted 0-RTT data
counts in `client_sha256` / `client_bytes` / `client_writes` and is also given
alone as `client_early_sha256` / `client_early_bytes` / `client_early_writes`;
rejected early data is not in `client_*` (the server never received it) and is
given as `client_early_rejected_sha256` / `_bytes` / `_writes`. PSK samples
have a top-level `"psk"` (hex) and per connection `psk_identity` /
`psk_identity_hint`.

Application data is deterministic: the client sends an HTTP-like POST with a
text body, the server an HTTP-like response with a pseudo-random
(SHA-256-counter) body in several writes; the same sample name always gives
the same plaintext. Both sides close with close_notify (Python `unwrap()`).

## Samples

"""

TAIL = """
Sizes are of the capture file only. "opens with": *RSA key* means the RSA key
named (or the key log) decrypts it; *key log* means only the key log can
(forward-secret key exchange, TLS 1.3).

## Notes, limits

* **3DES and RC4**: Debian's OpenSSL 3.0 is built without them (no
  `DES-CBC3-SHA`, `RC4-SHA`, `RC4-MD5` even at `@SECLEVEL=0` with the legacy
  provider loaded: the cipher suites are compiled out). Those three samples
  are made with GnuTLS 3.7 (`gnutls-serv --echo` / `gnutls-cli`, key log via
  `SSLKEYLOGFILE`); the echo server sends back exactly the client's bytes, so
  client and server hashes are equal there. GnuTLS negotiates
  encrypt-then-MAC for 3DES-CBC.
* **ARIA**: tshark 4.0 (Debian 12) sees the handshake but cannot decrypt ARIA
  (its libgcrypt has no ARIA). For those two samples the checker decrypts the
  records itself (TLS 1.2 PRF from the key log's master secret, ARIA-GCM from
  OpenSSL's EVP through ctypes) and compares with the truth. Besides, every
  sample's plaintext is right by construction: each side checked every byte it
  received against the plan.
* **Renegotiation**: Python's ssl module has no `SSL_renegotiate`; the
  generator calls OpenSSL's `SSL_renegotiate`/`SSL_do_handshake` through
  ctypes on the `SSL*` behind the Python socket (checked by
  `SSL_is_server`/`SSL_get_version` before use), and the server sets
  `SSL_OP_ALLOW_CLIENT_RENEGOTIATION` (OpenSSL 3.0 refuses client-initiated
  renegotiation without it). TLS 1.3 suite lists are set the same way with
  `SSL_CTX_set_ciphersuites`.
* **TLS 1.3 KeyUpdate, 0-RTT, TLS 1.2 PSK, DHE**: Python 3.11's ssl module
  has no API for these either; the generator calls `SSL_key_update`,
  `SSL_write_early_data` / `SSL_read_early_data` /
  `SSL_get_early_data_status`, `SSL_CTX_set_max_early_data`,
  `SSL_CTX_set_psk_client_callback` / `SSL_CTX_set_psk_server_callback` and
  `SSL_CTX_set_dh_auto` through ctypes in the same way. In
  `tls13-early-data-rejected` the key log has the
  `CLIENT_EARLY_TRAFFIC_SECRET`, so the rejected early records can be
  decrypted (tshark 4.0 does, and follows them as client data), but they are
  not application data the server received.
* **TLS 1.0**: Python clears `SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS`, so OpenSSL
  sends an empty application_data record before each CBC write (BEAST
  countermeasure); encrypt-then-MAC is negotiated in the TLS 1.0/1.1 samples.
* **Bulk**: `tls12-rsa-bulk-1500mtu` was captured with lo's TSO/GSO off and
  MTU 1500 (restored afterwards), so every packet is at most 1514 bytes;
  `tls12-rsa-bulk-gso` keeps loopback defaults (MTU 65536, GSO on, server
  socket corked while writing), so captured packets are tens of KB.
* **Derived samples** are rewritten at the byte level by `tools/derive.py`
  (IPv4/TCP checksums recomputed where headers change); their key logs are
  copies of the source's.
* Timestamps, ports, randoms and ciphertext differ on every regeneration;
  plaintext hashes do not.

## Certificate chains (`pki/`)

`pki/make-chains.sh` makes a small PKI (a root, intermediates, an untrusted root, RSA
keys: one of 1024 bits) and one chain per validation status in `pki/chains/` (leaf
first, as a server sends it), each with what `openssl verify -CAfile root.pem -attime
1796083200 -verify_hostname HOST -auth_level 2 -purpose sslserver` said of it in
`pki/cases.json` (the truth of `tests/validation.rs`). Validity dates are exact (`openssl
ca -startdate/-enddate`), so the chains and their truth do not depend on the day they are
made. `pki/make_capture.py` (root: tcpdump on lo) captures `cert-validation.pcap`:
openssl s_server serving seven of them on ports 4431-4437, openssl s_client connecting
with `-CAfile pki/root.pem -verify_hostname`; each connection's truth has the client's
`Verify return code` (`openssl_verify`) and the status it means (`validation`). Its
truth file names `ca_file`, which the tests pass as `--ca-file`.

## Regenerating and checking

```sh
sudo samples/make-samples.sh                     # keys if missing, all captures, derived, README, check
sudo samples/make-samples.sh --only tls13-hrr    # one real capture again
samples/make-samples.sh --derive-only            # derived samples + README
samples/make-samples.sh --check-only             # tshark check table
```
"""


def opens_with(t: dict) -> str:
    if t.get("keylog_embedded"):
        return "key log embedded (DSB); RSA key" if t.get("rsa_key") else "key log embedded (DSB)"
    if t.get("psk"):
        return f"PSK `{t['psk']}` or key log"
    if t.get("rsa_key"):
        return f"RSA key `{t['rsa_key']}`"
    if all(not c.get("tls", True) for c in t["connections"]):
        return "-"
    return "key log only"


def main() -> None:
    rows = []
    for f in sorted(glob.glob(str(SAMPLES / "*.truth.json"))):
        t = json.load(open(f))
        tls = [c for c in t["connections"] if c.get("tls", True)]
        versions = sorted({c["version"] for c in tls})
        ciphers = sorted({c["cipher"] for c in tls})
        size = os.path.getsize(SAMPLES / t["capture"])
        what = t["description"]
        if t.get("damage"):
            what += f" *Damage:* {t['damage']}"
        rows.append((t["sample"], t["capture"], size, what, ", ".join(versions),
                     ", ".join(f"`{c}`" for c in ciphers), opens_with(t), len(t["connections"])))
    real = [r for r in rows if not json.load(open(SAMPLES / f"{r[0]}.truth.json")).get("derived_from")]
    derived = [r for r in rows if r not in real]
    out = [HEAD]
    for title, rs in (("### Real captures", real), ("### Derived from real captures", derived)):
        out.append(f"{title}\n\n| sample | what it shows | version | cipher | opens with | conns | size |\n"
                   "| --- | --- | --- | --- | --- | --- | --- |\n")
        for name, cap, size, what, ver, cip, key, n in rs:
            out.append(f"| `{cap}` | {what} | {ver} | {cip} | {key} | {n} | {size / 1024:.1f} KB |\n")
        out.append("\n")
    total = sum(os.path.getsize(p) for p in SAMPLES.rglob("*") if p.is_file())
    out.append(f"Total size of `samples/` when this README was written: {total / 1024 / 1024:.2f} MB.\n")
    out.append(TAIL)
    (SAMPLES / "README.md").write_text("".join(out))


if __name__ == "__main__":
    main()
