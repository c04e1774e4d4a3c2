#!/usr/bin/env bash
# Runs cargo-fuzz targets with memory and time limits, and logs a summary line per run.
#
#   fuzz/run.sh TARGET [SECONDS]     one target (default 60 s)
#   fuzz/run.sh all SECONDS          every target in fuzz/fuzz_targets/, one after another
#
# Every run: -rss_limit_mb=256 -malloc_limit_mb=256 (a single allocation over 256 MB is
# an OOM too) -timeout=10 (per input), -max_len per target, -print_final_stats=1, the
# corpus fuzz/corpus/TARGET/ (seeds from make_seeds.py; new inputs are added to it),
# artifacts in fuzz/artifacts/TARGET/, the whole libFuzzer output in fuzz/logs/, and one
# line appended to fuzz/results.md (git-ignored: a local log).
#
# Runs under `nice -n 19`, one fuzzer process at a time: a run stops at its first crash,
# OOM or timeout (the artifact says which). Environment:
#   CARGO_FUZZ     the cargo-fuzz command (default: cargo +nightly fuzz;
#                  e.g. "env RUSTC_BOOTSTRAP=1 cargo +stable fuzz" with FUZZ_TARGET_DIR)
#   FUZZ_TARGET_DIR  build directory (default fuzz/target)
#   RSS_MB         RSS and malloc limit in MB (default 256)
#   KEEP_GOING=1   libFuzzer fork mode (-fork=1, one child at a time) with crashes, OOMs
#                  and timeouts ignored, so a long run goes on past a known finding
#   FUZZ_ARGS      more libFuzzer flags
#   ASAN_OPTIONS   default quarantine_size_mb=16:detect_odr_violation=0 (ASan's quarantine
#                  of freed memory is RSS: the default 256 MB of it would trip the limit)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
cd "$ROOT"

usage() {
    echo "usage: fuzz/run.sh TARGET [SECONDS] | fuzz/run.sh all SECONDS" >&2
    echo "targets: $(targets | tr '\n' ' ')" >&2
    exit 2
}

targets() {
    for f in "$HERE"/fuzz_targets/*.rs; do basename "$f" .rs; done
}

max_len() {
    case "$1" in
        capture_reader | net_tcp) echo 1048576 ;; # whole captures
        *) echo 65536 ;;
    esac
}

CARGO_FUZZ=${CARGO_FUZZ:-cargo +nightly fuzz}
FUZZ_TARGET_DIR=${FUZZ_TARGET_DIR:-$HERE/target}
RSS_MB=${RSS_MB:-256}
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=16:detect_odr_violation=0}
RESULTS=$HERE/results.md

# Stats from a libFuzzer log: the last value of `key` (a "stat::" line or a status line).
# (A missing value is empty, not an error.)
stat() { { grep -a "stat::$2:" "$1" || true; } | tail -1 | awk '{print $2}'; }
status_field() { { grep -aoE "$2: [0-9]+" "$1" || true; } | tail -1 | awk '{print $2}'; }

run_one() {
    local target=$1 secs=$2
    local corpus=$HERE/corpus/$target artifacts=$HERE/artifacts/$target
    if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
        echo "== no seeds for $target: running make_seeds.py" >&2
        python3 "$HERE/make_seeds.py"
    fi
    mkdir -p "$corpus" "$artifacts" "$HERE/logs"

    echo "== building $target" >&2
    # shellcheck disable=SC2086
    CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1} nice -n 19 $CARGO_FUZZ build \
        --fuzz-dir "$HERE" --target-dir "$FUZZ_TARGET_DIR" "$target" >&2
    local host bin
    host=$(rustc -vV | sed -n 's/^host: //p')
    bin=$FUZZ_TARGET_DIR/$host/release/$target
    [ -x "$bin" ] || { echo "no binary $bin" >&2; exit 1; }

    local stamp log before after
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    log=$HERE/logs/$target-$stamp.log
    before=$(ls "$artifacts")
    local mode=()
    if [ "${KEEP_GOING:-0}" = 1 ]; then
        mode=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
    fi
    echo "== fuzzing $target for ${secs}s (log: ${log#"$ROOT"/})" >&2
    local start end rc=0
    start=$(date +%s)
    # The outer timeout only guards against a stuck run; libFuzzer stops itself.
    # shellcheck disable=SC2086
    timeout --kill-after=30 $((secs + 120)) nice -n 19 "$bin" \
        -rss_limit_mb="$RSS_MB" -malloc_limit_mb="$RSS_MB" -timeout=10 \
        -max_len="$(max_len "$target")" -max_total_time="$secs" -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "${mode[@]}" ${FUZZ_ARGS:-} \
        "$corpus" >"$log" 2>&1 || rc=$?
    end=$(date +%s)

    after=$(ls "$artifacts")
    local new crashes ooms timeouts
    new=$(comm -13 <(echo "$before" | sort) <(echo "$after" | sort) | grep -v '^$' || true)
    crashes=$(echo "$new" | grep -c '^crash-' || true)
    ooms=$(echo "$new" | grep -c '^oom-' || true)
    timeouts=$(echo "$new" | grep -c '^timeout-' || true)
    # Leaks and slow units count as crashes here (both stop a run).
    crashes=$((crashes + $(echo "$new" | grep -cE '^(leak|slow-unit)-' || true)))

    local execs eps rss cov ft corp finding
    execs=$(stat "$log" number_of_executed_units)
    eps=$(stat "$log" average_exec_per_sec)
    rss=$(stat "$log" peak_rss_mb)
    if [ -z "$execs" ]; then # fork mode: from the last status line
        execs=$({ grep -aoE '^#[0-9]+' "$log" || true; } | tail -1 | tr -d '#')
        eps=$(status_field "$log" 'exec/s')
    fi
    cov=$(status_field "$log" cov)
    ft=$(status_field "$log" ft)
    corp=$(status_field "$log" corp)
    finding=$({ grep -aE 'ERROR: libFuzzer|ERROR: AddressSanitizer|ERROR: LeakSanitizer|panicked at' \
        "$log" || true; } | head -1 | sed 's/|/\\|/g' | cut -c1-160)

    if [ ! -f "$RESULTS" ]; then
        cat >"$RESULTS" <<'EOF'
# Fuzz runs (fuzz/run.sh appends a line per run; not committed)

| date (UTC) | commit | target | seconds | execs | exec/s | cov | ft | corpus | peak RSS MB | crashes | ooms | timeouts | rc | first finding | log |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
EOF
    fi
    local commit
    commit=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
    git diff --quiet HEAD 2>/dev/null || commit="$commit+dirty"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$stamp" "$commit" "$target" "$((end - start))" "${execs:-?}" "${eps:-?}" \
        "${cov:-?}" "${ft:-?}" "${corp:-?}" "${rss:-?}" "$crashes" "$ooms" "$timeouts" \
        "$rc" "${finding:-}" "${log#"$HERE"/}" | tee -a "$RESULTS"
    if [ -n "$new" ]; then
        echo "$new" | sed "s|^|   new artifact: ${artifacts#"$ROOT"/}/|" >&2
    fi
    [ "$crashes$ooms$timeouts" = 000 ]
}

[ $# -ge 1 ] || usage
target=$1
secs=${2:-60}
[[ "$secs" =~ ^[0-9]+$ ]] || usage
if [ "$target" = all ]; then
    [ $# -eq 2 ] || usage
    failed=0
    for t in $(targets); do
        run_one "$t" "$secs" || failed=1
    done
    exit $failed
fi
targets | grep -x "$target" >/dev/null || usage
run_one "$target" "$secs"
