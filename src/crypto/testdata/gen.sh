#!/bin/sh
# Regenerates the test keys of src/crypto/keys.rs (OpenSSL 3, python3 with `cryptography`).
# Every key here is a throw-away test key: never use one for anything else.
set -eu
cd "$(dirname "$0")"
PW=tlsscope

openssl genrsa -traditional -out rsa1024-pkcs1.pem 1024
openssl genrsa -traditional -out rsa2048-pkcs1.pem 2048
openssl rsa -in rsa1024-pkcs1.pem -outform DER -traditional -out rsa1024-pkcs1.der
openssl pkcs8 -topk8 -nocrypt -in rsa1024-pkcs1.pem -out rsa1024-pkcs8.pem
openssl pkcs8 -topk8 -nocrypt -in rsa1024-pkcs1.pem -outform DER -out rsa1024-pkcs8.der
# PBES2: AES-256-CBC + PBKDF2-HMAC-SHA256 (OpenSSL 3 default), and 3DES + PBKDF2-HMAC-SHA1.
openssl pkcs8 -topk8 -in rsa1024-pkcs1.pem -passout pass:$PW -out rsa1024-pkcs8-enc.pem
openssl pkcs8 -topk8 -in rsa1024-pkcs1.pem -passout pass:$PW -v2 des3 -v2prf hmacWithSHA1 \
    -out rsa1024-pkcs8-enc-3des-sha1.pem
openssl pkcs8 -topk8 -in rsa1024-pkcs1.pem -passout pass:$PW -outform DER -out rsa1024-pkcs8-enc.der
# PKCS#12-style PBE inside PKCS#8 (pbeWithSHA1And3-KeyTripleDES-CBC).
openssl pkcs8 -topk8 -in rsa1024-pkcs1.pem -passout pass:$PW -v1 PBE-SHA1-3DES \
    -out rsa1024-pkcs8-enc-pbe-sha1-3des.pem
# scrypt (supported), Camellia and PBES1 (refused with a message).
openssl pkcs8 -topk8 -in rsa1024-pkcs1.pem -passout pass:$PW -scrypt -out rsa1024-pkcs8-enc-scrypt.pem
openssl pkcs8 -topk8 -in rsa1024-pkcs1.pem -passout pass:$PW -v2 camellia-128-cbc \
    -out rsa1024-pkcs8-enc-camellia.pem
openssl pkcs8 -topk8 -in rsa1024-pkcs1.pem -passout pass:$PW -v1 PBE-SHA1-DES \
    -provider legacy -provider default -out rsa1024-pkcs8-enc-pbes1.pem
# Legacy PEM encryption (Proc-Type/DEK-Info): must be refused with a clear message.
openssl rsa -in rsa1024-pkcs1.pem -traditional -aes128 -passout pass:$PW -out rsa1024-legacy-enc.pem

openssl req -new -x509 -key rsa1024-pkcs1.pem -subj /CN=tlsscope.test -days 36500 -out rsa1024-cert.pem
cat rsa1024-cert.pem rsa1024-pkcs8.pem > rsa1024-cert-and-key.pem
# PKCS#12: OpenSSL 3 default (PBES2/AES-256-CBC, SHA-256 MAC), legacy (3DES key, RC2-40 certs),
# and one with an empty password.
openssl pkcs12 -export -in rsa1024-cert.pem -inkey rsa1024-pkcs1.pem -passout pass:$PW -out rsa1024.p12
openssl pkcs12 -export -legacy -in rsa1024-cert.pem -inkey rsa1024-pkcs1.pem -passout pass:$PW \
    -out rsa1024-legacy.p12
openssl pkcs12 -export -in rsa1024-cert.pem -inkey rsa1024-pkcs1.pem -passout pass: -out rsa1024-nopass.p12

# A three-prime key.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -pkeyopt rsa_keygen_primes:3 \
    -out rsa1024-3prime.pem

# Non-RSA keys.
openssl ecparam -name prime256v1 -genkey -noout -out ec-p256.pem
openssl pkey -in ec-p256.pem -out ec-p256-pkcs8.pem
openssl genpkey -algorithm ed25519 -out ed25519.pem
openssl pkcs12 -export -nocerts -inkey ec-p256.pem -passout pass:$PW -out ec-p256.p12

# A key whose first prime is the smaller one (p < q).
python3 - <<'PY'
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

k = rsa.generate_private_key(public_exponent=65537, key_size=1024)
n = k.private_numbers()
p, q = sorted((n.p, n.q))
assert p < q
d = n.d
swapped = rsa.RSAPrivateNumbers(
    p=p, q=q, d=d, dmp1=d % (p - 1), dmq1=d % (q - 1), iqmp=pow(q, -1, p),
    public_numbers=n.public_numbers,
).private_key()
with open("rsa1024-p-lt-q.pem", "wb") as f:
    f.write(swapped.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.TraditionalOpenSSL,
                                  serialization.NoEncryption()))
PY

# Pre-master secrets encrypted by OpenSSL (RSAES-PKCS1-v1_5), to check decryption against an
# independent implementation: a 48-byte secret (version 3,3 + 46 random bytes).
{ printf '\003\003'; openssl rand 46; } > pms.bin
for k in rsa1024-pkcs1 rsa2048-pkcs1 rsa1024-p-lt-q rsa1024-3prime; do
    openssl pkeyutl -encrypt -inkey $k.pem -pkeyopt rsa_padding_mode:pkcs1 -in pms.bin -out $k.pms.enc
done
