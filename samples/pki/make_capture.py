#!/usr/bin/env python3
"""Capture `samples/cert-validation.pcap`: openssl s_server serving the chains of this
folder (made by make-chains.sh), openssl s_client checking each against root.pem as it
connects; what the client concluded ("Verify return code") is the truth.

Run as root (tcpdump on lo). Writes cert-validation.{pcap,keylog,truth.json} in samples/.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.dirname(HERE)
NAME = "cert-validation"

# (server port, TLS version flag, SNI, leaf, chain sent after it, what tlsscope says)
CASES = [
    (4431, "-tls1_2", "tlsscope.test", "leaf", ["inter"], "ok"),
    (4432, "-tls1_3", "tlsscope.test", "leaf", ["inter"], "ok"),
    (4433, "-tls1_2", "other.example", "leaf", ["inter"], "name_mismatch"),
    (4434, "-tls1_2", "tlsscope.test", "leaf-expired", ["inter"], "expired"),
    (4435, "-tls1_3", "tlsscope.test", "leaf", [], "unknown_issuer"),
    (4436, "-tls1_2", "tlsscope.test", "leaf-b", ["inter-a", "inter-b"], "ok"),
    (4437, "-tls1_2", "tlsscope.test", "self-signed", [], "self_signed"),
]

# What the client sends: a line the server echoes reversed, and the word that ends it.
SENT = b"hello tlsscope\nCLOSE\n"

# IANA names of the suites OpenSSL's defaults choose here.
SUITE_NAMES = {0xC030: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 0x1302: "TLS_AES_256_GCM_SHA384"}


def main():
    pcap = os.path.join(SAMPLES, NAME + ".pcap")
    keylog = os.path.join(SAMPLES, NAME + ".keylog")
    for f in (pcap, keylog):
        if os.path.exists(f):
            os.remove(f)
    dump = subprocess.Popen(
        ["tcpdump", "-i", "lo", "-U", "--immediate-mode", "-B", "65536", "-s", "0",
         "-w", pcap, "tcp portrange 4431-4439"],
        stderr=subprocess.PIPE,
    )
    time.sleep(1.5)
    truth = []
    for port, version, sni, leaf, chain, expected in CASES:
        # -rev: the server sends back each line reversed, and closes on CLOSE.
        args = ["openssl", "s_server", "-quiet", "-rev", "-accept", str(port),
                "-cert", os.path.join(HERE, leaf + ".pem"),
                "-key", os.path.join(HERE, leaf + ".key")]
        if chain:
            bundle = os.path.join("/tmp", f"chain-{port}.pem")
            with open(bundle, "w") as out:
                for c in chain:
                    out.write(open(os.path.join(HERE, c + ".pem")).read())
            args += ["-cert_chain", bundle]
        server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        client = subprocess.run(
            ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", version,
             "-servername", sni, "-verify_hostname", sni,
             "-CAfile", os.path.join(HERE, "root.pem"), "-auth_level", "2",
             "-keylogfile", keylog, "-ign_eof", "-brief"],
            input=SENT, capture_output=True, timeout=20,
        )
        server.terminate()
        server.wait()
        # -brief: the connection's facts on stderr, what the server sent on stdout.
        text = client.stderr.decode(errors="replace")
        error = re.search(r"verify error:num=(\d+):(.*)", text)
        verify = f"{error.group(1)} ({error.group(2).strip()})" if error else None
        if "Verification: OK" in text:
            verify = "0 (ok)"
        proto = re.search(r"Protocol version: (\S+)", text)
        truth.append({
            "server_ip": "127.0.0.1", "server_port": port, "client_ip": "127.0.0.1",
            "tls": True, "sni": sni,
            "version": proto.group(1).replace("TLSv", "TLS ") if proto else None,
            "served_chain": [leaf + ".pem"] + [c + ".pem" for c in chain],
            "openssl_verify": verify,
            "client_sha256": hashlib.sha256(SENT).hexdigest(), "client_bytes": len(SENT),
            "server_sha256": hashlib.sha256(client.stdout).hexdigest(),
            "server_bytes": len(client.stdout),
            "validation": expected,
        })
    time.sleep(1)
    dump.terminate()
    _, err = dump.communicate()
    if not re.search(rb"(^|\n)0 packets dropped by kernel", err):
        sys.exit("tcpdump dropped packets: " + err.decode())
    # The client ports and the suites, from the capture (s_client does not say them).
    def tshark(handshake_type, *fields):
        out = subprocess.run(
            ["tshark", "-r", pcap, "-Y", f"tls.handshake.type == {handshake_type}",
             "-T", "fields"] + [a for f in fields for a in ("-e", f)],
            capture_output=True, check=True,
        ).stdout.decode()
        return [line.split("\t") for line in out.split("\n") if line]
    ports = {int(d): int(s) for s, d in tshark(1, "tcp.srcport", "tcp.dstport")}
    suites = {int(s): int(c, 0) for s, c in tshark(2, "tcp.srcport", "tls.handshake.ciphersuite")}
    for t in truth:
        t["client_port"] = ports[t["server_port"]]
        t["cipher_id"] = suites[t["server_port"]]
        t["cipher"] = SUITE_NAMES.get(t["cipher_id"], hex(t["cipher_id"]))
    with open(os.path.join(SAMPLES, NAME + ".truth.json"), "w") as out:
        json.dump({
            "sample": NAME,
            "description": "Certificate validation at capture time: one connection per chain, "
                           "checked by openssl s_client against samples/pki/root.pem",
            "capture": NAME + ".pcap", "format": "pcap", "link_type": "EN10MB (1)",
            "keylog": NAME + ".keylog", "rsa_key": None, "ca_file": "pki/root.pem",
            "http": False,
            "derived_from": None, "connections": truth,
        }, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
