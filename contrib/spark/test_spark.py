#!/usr/bin/env python3
"""The Spark job in local mode on 200 capture files (the samples, copied round until
there are 200; those over 100 KB split into 3 shards, so that both kinds of task run),
two passes: its dataset must hold what one tlsscope process over all 200 files reports —
as many connections, and the same application data SHA-256 each way, connection by
connection.

    contrib/spark/test_spark.py --tlsscope target/debug/tlsscope
"""

import argparse
import collections
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FILES = 200


def key_args():
    """Every RSA key and every key log beside the samples."""
    args = ["-k", os.path.join(ROOT, "samples/keys")]
    for d in ("samples", "samples/udp", "samples/http"):
        for log in sorted(glob.glob(os.path.join(ROOT, d, "*.keylog"))):
            args += ["--keylog", log]
    return args


def captures():
    found = []
    for d in ("samples", "samples/udp", "samples/http"):
        for ext in ("*.pcap", "*.pcapng", "*.pcap.gz"):
            found += glob.glob(os.path.join(ROOT, d, ext))
    return sorted(found)


def fingerprint(c):
    """What must agree for one connection: where it ran and what each side sent."""
    app = c.get("app_data") or {}
    return (c["transport"], c["client"]["ip"], c["client"]["port"], c["server"]["ip"],
            c["server"]["port"], (app.get("client") or {}).get("sha256"),
            (app.get("server") or {}).get("sha256"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tlsscope", required=True)
    args = ap.parse_args()
    binary = os.path.abspath(args.tlsscope)
    work = tempfile.mkdtemp(prefix="tlsscope-spark-")
    try:
        inputs = os.path.join(work, "captures")
        os.mkdir(inputs)
        samples = captures()
        names = []
        for i in range(FILES):
            src = samples[i % len(samples)]
            name = f"{i:03d}-{os.path.basename(src)}"
            shutil.copy(src, os.path.join(inputs, name))
            names.append(os.path.join(inputs, name))
        # One process over every file, in the order the job lists them.
        one = subprocess.run([binary, "summary", "--format", "jsonl", "-q"] + key_args() + names,
                             capture_output=True)
        if one.returncode not in (0, 3):
            sys.exit(f"one-process run failed: {one.stderr.decode()}")
        whole = [json.loads(l) for l in one.stdout.decode().splitlines() if l.strip()]
        whole = [c for c in whole if "capture" not in c]

        out = os.path.join(work, "connections.parquet")
        env = dict(os.environ, PYSPARK_PYTHON=sys.executable)
        job = subprocess.run(
            [sys.executable, os.path.join(HERE, "tlsscope_spark.py"), "--master", "local[2]",
             "--input", inputs, "--output", out, "--tlsscope", binary,
             "--split-bytes", "100K", "--shards", "3", "--two-pass", "--"] + key_args(),
            env=env, capture_output=True)
        if job.returncode != 0:
            sys.exit(f"spark job failed:\n{job.stderr.decode()[-4000:]}")

        from pyspark.sql import SparkSession
        spark = SparkSession.builder.master("local[1]").appName("check").getOrCreate()
        rows = spark.read.parquet(out).collect()
        sharded = {r["file"] for r in rows if r["shard"] > 0}
        spark.stop()

        got = collections.Counter(
            (r["transport"], r["client_ip"], r["client_port"], r["server_ip"], r["server_port"],
             r["client_app_sha256"], r["server_app_sha256"]) for r in rows)
        want = collections.Counter(fingerprint(c) for c in whole)
        decrypted = sum(1 for c in whole if (c.get("app_data") or {}).get("client"))
        print(f"spark: {len(rows)} connections from {FILES} files ({len(sharded)} split into "
              f"shards); one process: {len(whole)}, {decrypted} with decrypted data")
        if not sharded:
            sys.exit("no file was split into shards: the test does not cover them")
        if len(rows) != len(whole) or got != want:
            missing = list((want - got).items())[:5]
            extra = list((got - want).items())[:5]
            sys.exit(f"the dataset differs from the one-process run:\n"
                     f"missing {missing}\nextra {extra}")
        print("spark: the dataset equals the one-process run")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
