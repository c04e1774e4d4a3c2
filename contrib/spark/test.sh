#!/usr/bin/env bash
# The Spark job's test (test_spark.py) in Spark local mode: installs what it needs when
# missing — a Java runtime (Debian's openjdk-17-jre-headless) and pyspark from PyPI —
# builds tlsscope, and runs it. Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v java >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless) >/dev/null
  fi
fi
command -v java >/dev/null 2>&1 || { echo "spark test: no Java runtime (openjdk-17-jre-headless)" >&2; exit 1; }
if ! python3 -c 'import pyspark' >/dev/null 2>&1; then
  python3 -m pip install -q pyspark 2>/dev/null || python3 -m pip install -q --break-system-packages pyspark
fi

cargo build -q
BIN="${CARGO_TARGET_DIR:-target}/debug/tlsscope"
python3 contrib/spark/test_spark.py --tlsscope "$BIN"
