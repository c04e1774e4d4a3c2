#!/usr/bin/env bash
# Regenerate samples/udp/quic-v1-hq.pcap and its key log (run as root: tcpdump on lo).
# Needs tcpdump and python3 with aioquic (`pip install aioquic`; made with 1.7.2).
# A UDP port that is not 443 on purpose: tlsscope finds QUIC by content.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
PORT="${PORT:-4433}"
NAME=quic-v1-hq
export PYTHONDONTWRITEBYTECODE=1
tcpdump -i lo --immediate-mode -B 65536 -U -w "$NAME.pcap" "udp port $PORT" 2>"$NAME.tcpdump.log" &
DUMP=$!
sleep 1
python3 quic_session.py "$PORT" "$NAME.keylog"
sleep 1
kill -INT "$DUMP"
wait "$DUMP" || true
cat "$NAME.tcpdump.log" >&2
grep -q '^0 packets dropped by kernel' "$NAME.tcpdump.log" || { echo "make-quic: packets dropped" >&2; exit 1; }
rm -f "$NAME.tcpdump.log"
