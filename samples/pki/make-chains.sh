#!/bin/sh
# Makes the certificate chains of the validation tests (tests/validation.rs) and their
# truth: what `openssl verify` says of each, at a fixed time, for a fixed host name.
# Keys and certificates are made once; run again, it only rewrites cases.json.
set -eu
cd "$(dirname "$0")"
ATTIME=1796083200 # 2026-12-01T00:00:00Z: the capture time every case is checked at
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

key() { # NAME [BITS]
    [ -f "$1.key" ] || openssl genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:${2:-2048}" -out "$1.key"
}

# A CA database for `openssl ca`, which alone sets exact validity dates.
cat >"$work/ca.cnf" <<CNF
[ ca ]
default_ca = ca_default
[ ca_default ]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
policy = policy_any
unique_subject = no
email_in_dn = no
[ policy_any ]
commonName = supplied
organizationName = optional
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:tlsscope.test, DNS:*.wild.tlsscope.test, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_client_only ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:tlsscope.test
[ v3_self ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:tlsscope.test
CNF
: >"$work/index.txt"
echo 1000 >"$work/serial"

# cert NAME SUBJECT ISSUER EXT START END [MD]: NAME.pem signed by ISSUER (NAME itself: self-signed)
cert() {
    [ -f "$1.pem" ] && return 0
    openssl req -new -key "$1.key" -subj "$2" -out "$work/$1.csr"
    # A self-signed one (-selfsign) is signed by its own key, with no issuer certificate.
    if [ "$3" = "$1" ]; then issuer="-selfsign"; else issuer="-cert $3.pem"; fi
    openssl ca -batch -notext -config "$work/ca.cnf" $issuer -keyfile "$3.key" \
        -in "$work/$1.csr" -out "$1.pem" -extensions "$4" -startdate "$5" -enddate "$6" \
        -md "${7:-sha256}" 2>/dev/null
}

for k in root inter inter-a inter-b other-root leaf leaf-expired leaf-future leaf-sha1 \
    leaf-client-only self-signed leaf-b leaf-other; do key "$k"; done
key leaf-rsa1024 1024

cert root "/CN=tlsscope test root/O=tlsscope" root v3_ca 20250101000000Z 20450101000000Z
cert inter "/CN=tlsscope test intermediate/O=tlsscope" root v3_ca 20250101000000Z 20400101000000Z
cert inter-a "/CN=tlsscope test intermediate A/O=tlsscope" root v3_ca 20250101000000Z 20400101000000Z
cert inter-b "/CN=tlsscope test intermediate B/O=tlsscope" inter-a v3_ca 20250101000000Z 20400101000000Z
cert other-root "/CN=untrusted root/O=elsewhere" other-root v3_ca 20250101000000Z 20450101000000Z
cert leaf "/CN=tlsscope.test" inter v3_leaf 20260101000000Z 20280101000000Z
cert leaf-expired "/CN=tlsscope.test" inter v3_leaf 20250101000000Z 20260101000000Z
cert leaf-future "/CN=tlsscope.test" inter v3_leaf 20270101000000Z 20280101000000Z
cert leaf-sha1 "/CN=tlsscope.test" inter v3_leaf 20260101000000Z 20280101000000Z sha1
cert leaf-rsa1024 "/CN=tlsscope.test" inter v3_leaf 20260101000000Z 20280101000000Z
cert leaf-client-only "/CN=tlsscope.test" inter v3_client_only 20260101000000Z 20280101000000Z
cert leaf-b "/CN=tlsscope.test" inter-b v3_leaf 20260101000000Z 20280101000000Z
cert leaf-other "/CN=tlsscope.test" other-root v3_leaf 20260101000000Z 20280101000000Z
cert self-signed "/CN=tlsscope.test" self-signed v3_self 20260101000000Z 20280101000000Z
if [ ! -f leaf-bad-signature.pem ]; then
    # The good leaf with the last byte of its signature changed.
    openssl x509 -in leaf.pem -outform DER -out "$work/leaf.der"
    python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[-1] ^= 1; open(sys.argv[2], "wb").write(b)' \
        "$work/leaf.der" "$work/bad.der"
    openssl x509 -inform DER -in "$work/bad.der" -out leaf-bad-signature.pem
fi
[ -f garbage.pem ] || printf -- '-----BEGIN CERTIFICATE-----\nMIIBAAECAwQFBgcICQ==\n-----END CERTIFICATE-----\n' >garbage.pem

# case NAME HOST EXPECTED CERT... : the chain as sent (leaf first), and openssl's word on it.
cases=""
case_() {
    name=$1 host=$2 expected=$3
    shift 3
    cat "$@" >"chains/$name.pem"
    leaf=$1
    shift
    untrusted=""
    [ $# -gt 0 ] && { cat "$@" >"$work/untrusted.pem"; untrusted="-untrusted $work/untrusted.pem"; }
    check=-verify_hostname
    case $host in *[!0-9.]*) ;; *) check=-verify_ip ;; esac
    said=$(openssl verify -CAfile root.pem $untrusted -attime "$ATTIME" $check "$host" \
        -auth_level 2 -purpose sslserver "$leaf" 2>&1 | grep -E '^error|: OK$|Could not|unable to load' | head -1 | sed "s|^$leaf: ||; s|$work/||g" || true)
    cases="$cases$(printf '  {"case": "%s", "host": "%s", "expected": "%s", "openssl": "%s"}' "$name" "$host" "$expected" "$said"),
"
}
mkdir -p chains
case_ ok tlsscope.test ok leaf.pem inter.pem
case_ wildcard a.wild.tlsscope.test ok leaf.pem inter.pem
case_ wildcard-two-labels a.b.wild.tlsscope.test name_mismatch leaf.pem inter.pem
case_ name-mismatch other.example name_mismatch leaf.pem inter.pem
case_ ip-address 127.0.0.1 ok leaf.pem inter.pem
case_ expired tlsscope.test expired leaf-expired.pem inter.pem
case_ not-yet-valid tlsscope.test not_yet_valid leaf-future.pem inter.pem
case_ missing-intermediate tlsscope.test unknown_issuer leaf.pem
case_ self-signed tlsscope.test self_signed self-signed.pem
case_ untrusted-root tlsscope.test self_signed leaf-other.pem other-root.pem
case_ bad-signature tlsscope.test bad_signature leaf-bad-signature.pem inter.pem
case_ weak-key tlsscope.test weak_key leaf-rsa1024.pem inter.pem
case_ weak-hash tlsscope.test weak_hash leaf-sha1.pem inter.pem
case_ chain-order tlsscope.test ok leaf-b.pem inter-a.pem inter-b.pem
case_ wrong-purpose tlsscope.test invalid leaf-client-only.pem inter.pem
case_ unparsable tlsscope.test unparsable garbage.pem
printf '{"attime": %s, "trust": "root.pem", "cases": [\n%s]}\n' "$ATTIME" "${cases%,
}
" >cases.json
