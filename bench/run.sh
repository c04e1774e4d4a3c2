#!/usr/bin/env bash
# tlsscope vs tshark benchmark (see bench/README.md).
#
#   sudo bench/run.sh                         # everything
#   sudo bench/run.sh --only bulk --only cbc  # some workloads (also --only bulk,cbc)
#   sudo RUNS=5 BIG_GB=4 TLSSCOPE=path/to/tlsscope bench/run.sh
#
# --only: handshakes | bulk | cbc | big | summary | quic
# Env: RUNS (3) runs per tool and workload, BIG_GB (2) size of the big capture,
#      TLSSCOPE (target/release/tlsscope; relative paths are from the repo root),
#      BENCH_WORK (bench/work),
#      TSHARK_CHECK (1; 0 skips the untimed check that tshark decrypts).
# Captures are made on demand in bench/work/ (root needed for that: tcpdump
# on lo, port 443, ethtool/ip to make lo wire-sized) and reused afterwards.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
cd "$ROOT"
export PYTHONDONTWRITEBYTECODE=1
PYTHON="${PYTHON:-python3}"
RUNS="${RUNS:-3}"
BIG_GB="${BIG_GB:-2}"
TLSSCOPE="${TLSSCOPE:-target/release/tlsscope}"
WORK="${BENCH_WORK:-$HERE/work}"

die() { echo "bench: $*" >&2; exit 1; }
usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

ONLY=()
while [ $# -gt 0 ]; do
    case "$1" in
        --only) [ $# -ge 2 ] || usage 2; IFS=, read -ra o <<<"$2"; ONLY+=("${o[@]}"); shift 2 ;;
        --only=*) IFS=, read -ra o <<<"${1#--only=}"; ONLY+=("${o[@]}"); shift ;;
        -h|--help) usage 0 ;;
        *) echo "bench: unknown argument: $1" >&2; usage 2 ;;
    esac
done
[ ${#ONLY[@]} -gt 0 ] || ONLY=(handshakes bulk cbc big summary quic)
for o in "${ONLY[@]}"; do
    case "$o" in handshakes|bulk|cbc|big|summary|quic) ;; *) die "unknown --only value: $o (handshakes|bulk|cbc|big|summary|quic)" ;; esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
[[ "$BIG_GB" =~ ^[0-9]*\.?[0-9]+$ ]] || die "BIG_GB must be a number of gigabytes (got '$BIG_GB')"
BIG="$("$PYTHON" -c 'import sys; print(f"big-{float(sys.argv[1]):g}gb")' "$BIG_GB")"

need() {
    local t miss=()
    for t in "$@"; do command -v "$t" >/dev/null 2>&1 || miss+=("$t"); done
    [ ${#miss[@]} -eq 0 ] || die "missing tool(s): ${miss[*]} (Debian: apt-get install tshark tcpdump openssl python3 ethtool iproute2 time)"
}
need "$PYTHON" tshark openssl
[ -x /usr/bin/time ] || die "missing /usr/bin/time (GNU time; Debian: apt-get install time)"

# which captures are needed
declare -A WANT=()
for o in "${ONLY[@]}"; do
    case "$o" in
        handshakes) WANT[handshakes]=1 ;;
        bulk) WANT[bulk-gcm]=1 ;;
        cbc) WANT[bulk-cbc]=1 ;;
        big|summary) WANT[bulk-gcm]=1; WANT[big]=1 ;;
        quic) WANT[quic-bulk]=1 ;;
    esac
done
MAKE=()
for w in handshakes bulk-gcm bulk-cbc quic-bulk; do
    if [ -n "${WANT[$w]:-}" ] && [ ! -f "$WORK/$w.pcap" ]; then MAKE+=("$w"); fi
done
if [ -n "${WANT[big]:-}" ] && [ ! -f "$WORK/$BIG.pcap" ]; then MAKE+=(big); fi

# tlsscope binary
if [ ! -x "$TLSSCOPE" ]; then
    if [ "$TLSSCOPE" = "target/release/tlsscope" ]; then
        need cargo
        echo "bench: $TLSSCOPE missing, building it (cargo build --release)" >&2
        cargo build --release
    else
        die "TLSSCOPE=$TLSSCOPE is not an executable file"
    fi
fi

mkdir -p "$WORK"
if [ ${#MAKE[@]} -gt 0 ]; then
    CAPTURE=0
    for w in "${MAKE[@]}"; do if [ "$w" != big ]; then CAPTURE=1; fi; done
    if [ "$CAPTURE" = 1 ]; then
        if [ "$(id -u)" != 0 ]; then
            die "making the captures ${MAKE[*]} needs root: tcpdump on lo, a server on port 443, and ethtool/ip to
       turn off TSO/GSO and set MTU 1500 on lo while capturing (restored afterwards).
       Run once as root (e.g. sudo bench/run.sh); the captures are kept in $WORK
       and later runs do not need root."
        fi
        need tcpdump ethtool ip
    fi
    echo "bench: making workloads: ${MAKE[*]} (in $WORK)" >&2
    SECONDS=0
    "$PYTHON" "$HERE/make_workloads.py" --work "$WORK" --big-gb "$BIG_GB" "${MAKE[@]}" >&2
    echo "bench: made workloads in ${SECONDS} s" >&2
fi

ARGS=()
for o in "${ONLY[@]}"; do ARGS+=(--only "$o"); done
rc=0
"$PYTHON" "$HERE/bench.py" --work "$WORK" --runs "$RUNS" --big "$BIG" --tlsscope "$TLSSCOPE" "${ARGS[@]}" || rc=$?
# under sudo: leave bench/work to the invoking user, so later runs need no root
if [ "$(id -u)" = 0 ] && [ -n "${SUDO_UID:-}" ] && [ -n "${SUDO_GID:-}" ]; then
    chown -R "$SUDO_UID:$SUDO_GID" "$WORK"
fi
exit "$rc"
