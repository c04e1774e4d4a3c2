#!/usr/bin/env bash
# Regenerate samples/udp/dtls12-gnutls-*.pcap, their key logs and truth files (run as
# root: tcpdump on lo). Needs tcpdump, gnutls-bin (gnutls-serv/gnutls-cli; made with
# GnuTLS 3.7.9), python3 and tshark. The sibling of make-dtls.sh for what OpenSSL's
# samples do not cover: a CBC suite without Encrypt-then-MAC (every OpenSSL CBC sample
# negotiates EtM) and AES-128-CCM with its full 16-byte tag.
#
#   the client sends CLIENT_DATA (its stdin, two writes), the echo server
#   (`gnutls-serv --echo`) sends each record back, then the client closes
#   (close_notify) at the end of its input.
#
# GnuTLS's client writes the NSS key log named by SSLKEYLOGFILE.
#
#   sudo samples/udp/make-dtls-gnutls.sh [NAME ...]    # default: all
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
KEYS="$HERE/../keys"

BASE='NORMAL:-VERS-ALL:+VERS-DTLS1.2:-CIPHER-ALL:-MAC-ALL:-KX-ALL'
# name | port | priority string
SAMPLES=(
    "dtls12-gnutls-rsa-aes128sha-noetm|4756|$BASE:+RSA:+AES-128-CBC:+SHA1:%NO_ETM"
    "dtls12-gnutls-dhe-rsa-aes128ccm|4757|$BASE:+DHE-RSA:+AES-128-CCM:+AEAD"
)

client_data() {
    printf 'GET /dtls-gnutls-sample HTTP/1.0\n'
    sleep 0.5
    # One line a record: gnutls-cli sends what it reads line by line.
    python3 -c 'import sys; sys.stdout.write("".join("%04d tlsscope gnutls dtls sample line\n" % i for i in range(20)))'
}

one() {
    local name=$1 port=$2 priority=$3
    rm -f "$name.keylog"
    client_data >"$name.client.bin"
    tcpdump -i lo --immediate-mode -B 65536 -U -w "$name.pcap" "udp port $port" 2>"$name.tcpdump.log" &
    local dump=$!
    sleep 1
    gnutls-serv --udp --echo -p "$port" --priority "$priority" \
        --x509certfile "$KEYS/server-rsa2048.crt" --x509keyfile "$KEYS/server-rsa2048.key" \
        >"$name.server.log" 2>&1 &
    local server=$!
    sleep 1
    { sleep 1; client_data; sleep 2; } |
        SSLKEYLOGFILE="$HERE/$name.keylog" gnutls-cli --udp -p "$port" --priority "$priority" \
            --insecure --sni-hostname tlsscope.test 127.0.0.1 \
            >"$name.client.log" 2>&1 || true
    sleep 0.5
    kill "$server"
    wait "$server" || true
    sleep 1
    kill -INT "$dump"
    wait "$dump" || true
    grep -q '^0 packets dropped by kernel' "$name.tcpdump.log" ||
        { cat "$name.tcpdump.log" >&2; echo "make-dtls-gnutls: $name: packets dropped" >&2; exit 1; }
    grep -q '0019 tlsscope gnutls dtls sample line' "$name.client.log" ||
        { echo "make-dtls-gnutls: $name: the client did not get the echo" >&2; exit 1; }
    python3 - "$name" "$port" "$priority" <<'PY'
import hashlib, json, re, subprocess, sys
name, port, priority = sys.argv[1], int(sys.argv[2]), sys.argv[3]
log = open(f"{name}.client.log", errors="replace").read()
description = re.search(r"Description: (.*)", log).group(1).strip()
sent = open(f"{name}.client.bin", "rb").read()
fields = subprocess.run(
    ["tshark", "-r", f"{name}.pcap", "-d", f"udp.port=={port},dtls", "-Y", "dtls.handshake.type == 2",
     "-T", "fields", "-e", "udp.dstport", "-e", "dtls.handshake.ciphersuite"],
    capture_output=True, text=True, check=True).stdout.split()
client_port, cipher_id = int(fields[0]), int(fields[1], 0)
truth = {
    "sample": name,
    "capture": f"udp/{name}.pcap",
    "format": "pcap",
    "keylog": f"udp/{name}.keylog",
    **({"rsa_key": "keys/server-rsa2048.key"} if "+RSA:" in priority else {}),
    "made_with": "GnuTLS 3.7.9 gnutls-serv --udp --echo / gnutls-cli --udp",
    "priority": priority,
    "connections": [{
        "client_ip": "127.0.0.1",
        "client_port": client_port,
        "server_ip": "127.0.0.1",
        "server_port": port,
        "tls": True,
        "version": "DTLS 1.2",
        "cipher_id": cipher_id,
        "gnutls_description": description,
        "encrypt_then_mac": False,
        # The echo server sends back what it read: both ways carry the client's bytes.
        **{f"{s}_bytes": len(sent) for s in ("client", "server")},
        **{f"{s}_sha256": hashlib.sha256(sent).hexdigest() for s in ("client", "server")},
    }],
}
json.dump(truth, open(f"{name}.truth.json", "w"), indent=2)
open(f"{name}.truth.json", "a").write("\n")
PY
    [[ -n "${KEEP:-}" ]] || rm -f "$name.tcpdump.log" "$name.client.bin" "$name.client.log" "$name.server.log"
    echo "make-dtls-gnutls: $name"
}

for s in "${SAMPLES[@]}"; do
    IFS='|' read -r name port priority <<<"$s"
    if [[ $# -gt 0 ]] && [[ ! " $* " == *" $name "* ]]; then
        continue
    fi
    one "$name" "$port" "$priority"
done
