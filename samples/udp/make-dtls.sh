#!/usr/bin/env bash
# Regenerate samples/udp/dtls-*.pcap, their key logs and truth files (run as root:
# tcpdump on lo). Needs tcpdump, openssl (s_server/s_client; made with OpenSSL 3.0)
# python3 and tshark (the client's port and the suite's number in the truth file). Each sample is one DTLS connection over loopback on its own UDP port
# (not 443: tlsscope finds DTLS by content):
#
#   the client sends CLIENT_DATA (its stdin), the server answers SERVER_DATA (its
#   stdin) once the handshake is done, then the client closes (close_notify).
#
# `-listen` makes the server ask for a cookie (HelloVerifyRequest); `-mtu 500` on both
# sides cuts the certificate flight into fragments across datagrams.
#
#   sudo samples/udp/make-dtls.sh [NAME ...]    # default: all
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
KEYS="$HERE/../keys"
PSK=ca19e028a8a372ad2d325f950fcaceed

# name | port | version flag | OpenSSL cipher | server options | client options
SAMPLES=(
    "dtls12-rsa-aes128sha|4751|-dtls1_2|AES128-SHA|-listen -mtu 500|-mtu 500"
    "dtls10-rsa-aes256sha|4752|-dtls1|AES256-SHA@SECLEVEL=0|-listen|"
    "dtls12-psk-aes128ccm8|4753|-dtls1_2|PSK-AES128-CCM8|-nocert -psk $PSK|-psk $PSK"
    "dtls12-ecdhe-rsa-aes256gcm|4754|-dtls1_2|ECDHE-RSA-AES256-GCM-SHA384|-listen|"
    "dtls12-ecdhe-rsa-chacha20|4755|-dtls1_2|ECDHE-RSA-CHACHA20-POLY1305||-mtu 500"
)

# What each side sends: two writes from the client (the second longer than an MTU of
# 500), one from the server. No line starts with a letter s_client/s_server read as a
# command (Q, R, k, K, q, r, B).
client_data() {
    printf 'GET /dtls-sample HTTP/1.0\r\n\r\n'
    sleep 0.5
    python3 -c 'import sys; sys.stdout.write("".join("%04d tlsscope dtls sample line\n" % i for i in range(40)))'
}
server_data() {
    printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\ntlsscope DTLS sample answer\n'
}

one() {
    local name=$1 port=$2 version=$3 cipher=$4 sopts=$5 copts=$6
    rm -f "$name.keylog"
    client_data >"$name.client.bin"
    server_data >"$name.server.bin"
    tcpdump -i lo --immediate-mode -B 65536 -U -w "$name.pcap" "udp port $port" 2>"$name.tcpdump.log" &
    local dump=$!
    sleep 1
    # shellcheck disable=SC2086
    { sleep 2; cat "$name.server.bin"; sleep 6; } |
        openssl s_server $version -accept "$port" -naccept 1 -cipher "$cipher" \
            -cert "$KEYS/server-rsa2048.crt" -key "$KEYS/server-rsa2048.key" $sopts \
            >"$name.server.log" 2>&1 &
    local server=$!
    sleep 0.5
    # shellcheck disable=SC2086
    { sleep 1; client_data; sleep 2; } |
        openssl s_client $version -connect "127.0.0.1:$port" -cipher "$cipher" \
            -servername tlsscope.test -keylogfile "$name.keylog" $copts \
            >"$name.client.log" 2>&1 || true
    wait "$server" || true
    sleep 1
    kill -INT "$dump"
    wait "$dump" || true
    grep -q '^0 packets dropped by kernel' "$name.tcpdump.log" ||
        { cat "$name.tcpdump.log" >&2; echo "make-dtls: $name: packets dropped" >&2; exit 1; }
    grep -q 'tlsscope DTLS sample answer' "$name.client.log" ||
        { echo "make-dtls: $name: the client did not get the answer" >&2; exit 1; }
    python3 - "$name" "$port" "$cipher" "$PSK" <<'PY'
import hashlib, json, re, sys
name, port, cipher, psk = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
log = open(f"{name}.client.log", errors="replace").read()
protocol = re.search(r"Protocol\s*:\s*(\S+)", log).group(1)
suite = re.search(r"Cipher is (\S+)", log).group(1)
sides = {s: open(f"{name}.{s}.bin", "rb").read() for s in ("client", "server")}
# The client's port and the suite's number, as the capture shows them.
import subprocess
fields = subprocess.run(
    ["tshark", "-r", f"{name}.pcap", "-d", f"udp.port=={port},dtls", "-Y", "dtls.handshake.type == 2", "-T", "fields",
     "-e", "udp.dstport", "-e", "dtls.handshake.ciphersuite"],
    capture_output=True, text=True, check=True).stdout.split()
client_port, cipher_id = int(fields[0]), int(fields[1], 0)
truth = {
    "sample": name,
    "capture": f"udp/{name}.pcap",
    "format": "pcap",
    "keylog": f"udp/{name}.keylog",
    # RSA key exchange: the tests decrypt with the server's key (else the key log).
    **({} if "DHE" in cipher or "PSK" in cipher else {"rsa_key": "keys/server-rsa2048.key"}),
    **({"psk": psk} if "PSK" in cipher else {}),
    "connections": [{
        "client_ip": "127.0.0.1",
        "client_port": client_port,
        "server_ip": "127.0.0.1",
        "server_port": port,
        "tls": True,
        "version": {"DTLSv1.2": "DTLS 1.2", "DTLSv1": "DTLS 1.0"}[protocol],
        "cipher_id": cipher_id,
        "openssl_cipher": suite,
        **{f"{s}_bytes": len(b) for s, b in sides.items()},
        **{f"{s}_sha256": hashlib.sha256(b).hexdigest() for s, b in sides.items()},
    }],
}
json.dump(truth, open(f"{name}.truth.json", "w"), indent=2)
open(f"{name}.truth.json", "a").write("\n")
PY
    rm -f "$name.tcpdump.log" "$name.client.bin" "$name.server.bin" "$name.client.log" "$name.server.log"
    echo "make-dtls: $name"
}

for s in "${SAMPLES[@]}"; do
    IFS='|' read -r name port version cipher sopts copts <<<"$s"
    if [[ $# -gt 0 ]] && [[ ! " $* " == *" $name "* ]]; then
        continue
    fi
    one "$name" "$port" "$version" "$cipher" "$sopts" "$copts"
done
