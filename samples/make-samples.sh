#!/usr/bin/env bash
# Regenerate every sample capture under samples/ (see samples/README.md).
#
#   sudo samples/make-samples.sh            # everything: keys (if missing), captures, derived, check
#   sudo samples/make-samples.sh --only NAME [--only NAME ...]   # just these real captures
#   samples/make-samples.sh --derive-only    # only rebuild derived samples + README
#   samples/make-samples.sh --check-only     # only run the tshark checker
#
# Needs root (tcpdump on lo, binding port 443, ethtool/ip on lo for the bulk
# sample), tcpdump, tshark/editcap/mergecap/dumpcap, openssl, gnutls-bin
# (gnutls-serv/gnutls-cli, for 3DES and RC4 which Debian's OpenSSL 3 lacks),
# ethtool, iproute2 and python3 (its ssl module linked to OpenSSL 3).
# Keys under samples/keys are generated only when missing, so committed keys
# are reused and the committed captures stay decryptable with them.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
PYTHON="${PYTHON:-python3}"
export PYTHONDONTWRITEBYTECODE=1
KEYS="$HERE/keys"
PASS=tlsscope

need() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || { echo "make-samples: missing tool: $tool" >&2; exit 1; }
    done
}

gen_keys() {
    mkdir -p "$KEYS"
    local cnf
    cnf="$(mktemp)"
    # shellcheck disable=SC2064
    trap "rm -f '$cnf'" RETURN
    cat >"$cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = tlsscope.test
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:tlsscope.test, DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = email:client@tlsscope.test
subjectKeyIdentifier = hash
CNF
    local days=10950
    if [[ ! -s "$KEYS/server-rsa2048.key" || ! -s "$KEYS/server-rsa2048.crt" ]]; then
        echo "make-samples: generating keys/server-rsa2048.*"
        openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$KEYS/server-rsa2048.key"
        openssl req -new -x509 -key "$KEYS/server-rsa2048.key" -out "$KEYS/server-rsa2048.crt" \
            -days "$days" -sha256 -config "$cnf" -extensions server_ext -subj "/CN=tlsscope.test"
        rm -f "$KEYS/server-rsa2048.p8.der" "$KEYS/server-rsa2048.enc.pem" "$KEYS/server-rsa2048.p12" \
              "$KEYS/server-rsa2048.pkcs1.pem"
    fi
    if [[ ! -s "$KEYS/server-rsa1024.key" || ! -s "$KEYS/server-rsa1024.crt" ]]; then
        echo "make-samples: generating keys/server-rsa1024.*"
        openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$KEYS/server-rsa1024.key"
        openssl req -new -x509 -key "$KEYS/server-rsa1024.key" -out "$KEYS/server-rsa1024.crt" \
            -days "$days" -sha256 -config "$cnf" -extensions server_ext -subj "/CN=tlsscope.test"
    fi
    if [[ ! -s "$KEYS/server-ecdsa-p256.key" || ! -s "$KEYS/server-ecdsa-p256.crt" ]]; then
        echo "make-samples: generating keys/server-ecdsa-p256.*"
        openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve \
            -out "$KEYS/server-ecdsa-p256.key"
        openssl req -new -x509 -key "$KEYS/server-ecdsa-p256.key" -out "$KEYS/server-ecdsa-p256.crt" \
            -days "$days" -sha256 -config "$cnf" -extensions server_ext -subj "/CN=tlsscope.test"
    fi
    if [[ ! -s "$KEYS/client-rsa2048.key" || ! -s "$KEYS/client-rsa2048.crt" ]]; then
        echo "make-samples: generating keys/client-rsa2048.*"
        openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$KEYS/client-rsa2048.key"
        openssl req -new -x509 -key "$KEYS/client-rsa2048.key" -out "$KEYS/client-rsa2048.crt" \
            -days "$days" -sha256 -config "$cnf" -extensions client_ext -subj "/CN=tlsscope client"
    fi
    # Other encodings of the 2048-bit server key (derived from the .key, so
    # they always match it).
    if [[ ! -s "$KEYS/server-rsa2048.p8.der" ]]; then
        openssl pkcs8 -topk8 -nocrypt -in "$KEYS/server-rsa2048.key" -outform DER -out "$KEYS/server-rsa2048.p8.der"
    fi
    if [[ ! -s "$KEYS/server-rsa2048.pkcs1.pem" ]]; then
        openssl rsa -in "$KEYS/server-rsa2048.key" -traditional -out "$KEYS/server-rsa2048.pkcs1.pem" 2>/dev/null
    fi
    if [[ ! -s "$KEYS/server-rsa2048.enc.pem" ]]; then
        openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -in "$KEYS/server-rsa2048.key" \
            -passout "pass:$PASS" -out "$KEYS/server-rsa2048.enc.pem"
    fi
    if [[ ! -s "$KEYS/server-rsa2048.p12" ]]; then
        openssl pkcs12 -export -inkey "$KEYS/server-rsa2048.key" -in "$KEYS/server-rsa2048.crt" \
            -name tlsscope.test -passout "pass:$PASS" -out "$KEYS/server-rsa2048.p12"
    fi
}

MODE=all
ONLY=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --only) ONLY+=("--only" "$2"); MODE=only; shift 2 ;;
        --derive-only) MODE=derive; shift ;;
        --check-only) MODE=check; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "make-samples: unknown argument: $1" >&2; exit 2 ;;
    esac
done

need "$PYTHON" openssl
case "$MODE" in
    all|only)
        [[ $EUID -eq 0 ]] || { echo "make-samples: must run as root (tcpdump, port 443, lo settings)" >&2; exit 1; }
        need tcpdump dumpcap editcap mergecap tshark gnutls-serv gnutls-cli ethtool ip
        gen_keys
        "$PYTHON" tools/tls_session.py "${ONLY[@]}"
        if [[ $MODE == all ]]; then
            "$PYTHON" tools/derive.py
            "$PYTHON" tools/make_readme.py
            "$PYTHON" tools/check_with_tshark.py
        fi
        ;;
    derive)
        need editcap mergecap
        "$PYTHON" tools/derive.py
        "$PYTHON" tools/make_readme.py
        ;;
    check)
        need tshark
        "$PYTHON" tools/check_with_tshark.py
        ;;
esac
