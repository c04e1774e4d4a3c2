#!/usr/bin/env bash
# Regenerate the HTTP/2 samples under samples/ (h2-*; see samples/README.md).
#
#   sudo samples/make-h2-samples.sh          # all four
#   sudo samples/make-h2-samples.sh NAME...  # just these
#
# Needs root (tcpdump on lo, ethtool), nginx (Debian 12's 1.22: `listen ... ssl http2`,
# `http2_push`), curl with HTTP/2 (nghttp2), tshark, and python3 with the `h2` package
# (`pip install h2`; made with h2 4.1 / hpack 4.0 or later). tools/h2_session.py runs nginx
# with keys/server-rsa2048 on a loopback port, the client (curl or a Python h2 client),
# and tcpdump, and writes NAME.pcap, NAME.keylog and NAME.truth.json.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
export PYTHONDONTWRITEBYTECODE=1

declare -A PORT=(
  [h2-tls13-scenarios]=8443
  [h2-tls12-ecdhe-scenarios]=8444
  [h2-tls13-curl-parallel]=8445
  [h2-tls12-ecdhe-curl-parallel]=8446
)
ALL=(h2-tls13-scenarios h2-tls12-ecdhe-scenarios h2-tls13-curl-parallel h2-tls12-ecdhe-curl-parallel)

for tool in nginx curl tcpdump tshark ethtool python3; do
  command -v "$tool" >/dev/null || { echo "make-h2-samples: missing tool: $tool" >&2; exit 1; }
done
python3 -c 'import h2' 2>/dev/null || { echo "make-h2-samples: python3 needs the h2 package" >&2; exit 1; }
# Wire-sized segments, as the other samples: no loopback TSO/GSO super-segments.
ethtool -K lo tso off gso off 2>/dev/null || echo "make-h2-samples: could not turn off GSO on lo" >&2

for name in "${@:-${ALL[@]}}"; do
  [ -n "${PORT[$name]:-}" ] || { echo "make-h2-samples: unknown sample $name" >&2; exit 2; }
  echo "== $name" >&2
  python3 tools/h2_session.py "$name" "${PORT[$name]}"
done
