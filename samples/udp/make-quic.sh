#!/usr/bin/env bash
# Regenerate the QUIC samples in samples/udp/ (run as root: tcpdump on lo).
# Needs tcpdump, tshark and python3 with aioquic (`pip install aioquic`; made with 1.7.2).
# A UDP port that is not 443 on purpose: tlsscope finds QUIC by content.
#
#   make-quic.sh                 # every scenario sample (quic-v1-streams ... quic-v2)
#   make-quic.sh NAME...         # just these; quic-v1-hq only when named (its expected
#                                # output is committed, so it is not remade by default)
#
# Each sample is its own tcpdump run: NAME.pcap, NAME.keylog (the client's secrets, NSS
# format), and for the scenarios NAME.truth.json (quic_scenarios.py writes it, then
# quic_tshark.py adds what tshark decrypts and sees).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
PORT="${PORT:-4433}"
export PYTHONDONTWRITEBYTECODE=1

declare -A SCENARIO=(
  [quic-v1-streams]=streams
  [quic-v1-keyupdate]=keyupdate
  [quic-v1-migration]=migration
  [quic-v1-0rtt]=0rtt
  [quic-v1-retry]=retry
  [quic-v1-chacha20]=chacha20
  [quic-v2]=v2
  [quic-v1-lost-datagram]=lost-datagram
)
ALL=(quic-v1-streams quic-v1-keyupdate quic-v1-migration quic-v1-0rtt quic-v1-retry
     quic-v1-chacha20 quic-v2 quic-v1-lost-datagram)

# UDP GSO/TSO on lo would hand tcpdump coalesced super-datagrams.
ethtool -K lo tso off gso off 2>/dev/null || echo "make-quic: could not turn off GSO on lo" >&2

capture() {
  local name="$1"
  shift
  tcpdump -i lo --immediate-mode -B 65536 -U -w "$name.pcap" "udp port $PORT" 2>"$name.tcpdump.log" &
  local dump=$!
  sleep 1
  "$@"
  sleep 1
  kill -INT "$dump"
  wait "$dump" || true
  cat "$name.tcpdump.log" >&2
  grep -q '^0 packets dropped by kernel' "$name.tcpdump.log" || { echo "make-quic: $name: packets dropped" >&2; exit 1; }
  rm -f "$name.tcpdump.log"
}

for name in "${@:-${ALL[@]}}"; do
  echo "== $name" >&2
  if [ "$name" = quic-v1-hq ]; then
    capture "$name" python3 quic_session.py "$PORT" "$name.keylog"
  elif [ -n "${SCENARIO[$name]:-}" ]; then
    capture "$name" python3 quic_scenarios.py "${SCENARIO[$name]}" "$PORT" "$name"
    python3 quic_tshark.py "$name"
  else
    echo "make-quic: unknown sample $name" >&2
    exit 2
  fi
done
