#!/usr/bin/env bash
# Regenerate samples/udp/dtls13-dimpl-*.pcap, their key logs and truth files (run as
# root: tcpdump on lo). No Debian package speaks DTLS 1.3 (OpenSSL 3.0, GnuTLS 3.7 and
# wolfSSL 5.5 do not), so the session is between a dimpl 0.9.0 (crates.io) client and
# server in one program, dtls13-gen/, over real UDP sockets on loopback. Needs cargo
# (and crates.io), patch, tcpdump, openssl, python3 and tshark.
#
# dimpl does not log keys: dtls13-gen/dimpl-keylog.patch adds the four TLS 1.3 traffic
# secret lines (CLIENT_/SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_/SERVER_TRAFFIC_SECRET_0)
# of its client to $SSLKEYLOGFILE. The exchange (dtls13-gen/src/main.rs): handshake
# with a client certificate (dimpl's server asks for one), the client's first writes
# past its AEAD limit of 6 records make it send a KeyUpdate asking for one back, then
# data each way under the updated keys, and the client's close_notify.
#
#   sudo samples/udp/make-dtls13.sh [NAME ...]    # default: all
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
KEYS="$HERE/../keys"
# name | port | suite (the only one both sides allow) | `cookie`: the server asks for one
# (a HelloRetryRequest)
SAMPLES=(
    "dtls13-dimpl-aes128gcm|4760|0x1301|"
    "dtls13-dimpl-chacha20|4761|0x1303|"
    "dtls13-dimpl-aes256gcm|4762|0x1302|"
    "dtls13-dimpl-hrr|4763|0x1301|cookie"
)
BUILD="${DTLS13_GEN_BUILD:-/tmp/tlsscope-dtls13-gen}"

# dimpl 0.9.0's source as crates.io serves it, with the key log patch.
mkdir -p "$BUILD"
cp -r dtls13-gen/Cargo.toml dtls13-gen/Cargo.lock dtls13-gen/src "$BUILD/"
if [[ ! -d "$BUILD/dimpl" ]]; then
    # A scratch crate beside the build (inside, it would join the generator's workspace).
    rm -rf "$BUILD.fetch"
    cargo new --quiet --vcs none --name fetch "$BUILD.fetch"
    (cd "$BUILD.fetch" && cargo add --quiet dimpl@=0.9.0 --no-default-features && cargo fetch --quiet)
    src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/dimpl-0.9.0 | head -1)
    cp -r "$src" "$BUILD/dimpl"
    chmod -R u+w "$BUILD/dimpl"
    (cd "$BUILD/dimpl" && patch -p1 <"$HERE/dtls13-gen/dimpl-keylog.patch")
fi
(cd "$BUILD" && CARGO_TARGET_DIR="$BUILD/target" cargo build --quiet --release)

# The server's certificate and key as dimpl takes them (DER; the key in PKCS#8).
openssl x509 -in "$KEYS/server-ecdsa-p256.crt" -outform DER -out "$BUILD/cert.der"
openssl pkcs8 -topk8 -nocrypt -in "$KEYS/server-ecdsa-p256.key" -outform DER -out "$BUILD/key.der"

one() {
    local NAME=$1 PORT=$2 SUITE=$3 COOKIE=$4
    rm -f "$NAME.keylog"
    tcpdump -i lo --immediate-mode -B 65536 -U -w "$NAME.pcap" "udp port $PORT" 2>"$BUILD/tcpdump.log" &
    local dump=$!
    sleep 1
    SSLKEYLOGFILE="$HERE/$NAME.keylog" "$BUILD/target/release/dtls13-gen" "$PORT" \
        "$BUILD/cert.der" "$BUILD/key.der" "$BUILD/$NAME" "$SUITE" $COOKIE
    sleep 1
    kill -INT "$dump"
    wait "$dump" || true
    grep -q '^0 packets dropped by kernel' "$BUILD/tcpdump.log" ||
        { cat "$BUILD/tcpdump.log" >&2; echo "make-dtls13: packets dropped" >&2; exit 1; }
    python3 - "$NAME" "$PORT" "$BUILD/$NAME.gen.json" "$COOKIE" <<'PY'
import json, subprocess, sys
name, port, gen = sys.argv[1], int(sys.argv[2]), json.load(open(sys.argv[3]))
retry = sys.argv[4] == "cookie"
# The suite's number, from the ServerHello (in the clear, a full DTLS header).
cipher_id = int(subprocess.run(
    ["tshark", "-r", f"{name}.pcap", "-d", f"udp.port=={port},dtls", "-Y", "dtls.handshake.type == 2",
     "-T", "fields", "-e", "dtls.handshake.ciphersuite"],
    capture_output=True, text=True, check=True).stdout.split()[0], 0)
truth = {
    "sample": name,
    "capture": f"udp/{name}.pcap",
    "format": "pcap",
    "keylog": f"udp/{name}.keylog",
    "made_with": "dimpl 0.9.0 client and server (samples/udp/dtls13-gen), a real DTLS 1.3 session over loopback; key log lines from dimpl-keylog.patch",
    "connections": [{
        "client_ip": "127.0.0.1",
        "client_port": gen["client_port"],
        "server_ip": "127.0.0.1",
        "server_port": port,
        "tls": True,
        "version": "DTLS 1.3",
        "cipher_id": cipher_id,
        "key_updates": {"client": 1, "server": 1},
        "hello_retry_request": retry,
        **{k: gen[k] for k in ("client_bytes", "client_sha256", "server_bytes", "server_sha256")},
    }],
}
json.dump(truth, open(f"{name}.truth.json", "w"), indent=2)
open(f"{name}.truth.json", "a").write("\n")
PY
    echo "make-dtls13: $NAME"
}

for s in "${SAMPLES[@]}"; do
    IFS='|' read -r name port suite cookie <<<"$s"
    if [[ $# -gt 0 ]] && [[ ! " $* " == *" $name "* ]]; then
        continue
    fi
    one "$name" "$port" "$suite" "$cookie"
done
