#!/usr/bin/env bash
# How long Chromium takes to open `tlsscope report`'s page of a 100,000-connection
# capture (bench/stress.py's many-connections class), against a 3-connection page:
# headless, to a drawn screenshot, median of 3.
#   bench/html.sh [BINARY]   (default target/release/tlsscope)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/tlsscope}
WORK=${BENCH_WORK:-bench/work}/html
mkdir -p "$WORK"
python3 bench/stress.py --scale full --only many-connections --out "$WORK" >/dev/null 2>&1
"$BIN" report -q -o "$WORK/big.html" --force "$WORK/many-connections.pcap"
"$BIN" report -q -o "$WORK/small.html" --force -k samples/keys/server-rsa2048.key \
  samples/tls12-rsa-clientcert.pcap samples/tls12-rsa-renegotiation.pcap samples/tls12-rsa-aes128gcm.pcap
open_page() {
  local t0 t1
  t0=$(date +%s.%N)
  chromium --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/profile" \
    --window-size=1280,900 --screenshot="$WORK/shot.png" "file://$(realpath "$1")" >/dev/null 2>&1
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
for page in big small; do
  times=$(for _ in 1 2 3; do open_page "$WORK/$page.html"; done | sort -n)
  median=$(echo "$times" | sed -n 2p)
  printf "%s (%s): opened and drawn in %.2f s (median of 3)\n" "$page.html" "$(du -h "$WORK/$page.html" | cut -f1)" "$median"
done
