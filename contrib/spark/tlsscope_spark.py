#!/usr/bin/env python3
"""Run tlsscope over a directory of captures on Spark's executors and write one Parquet
dataset of connections.

    spark-submit contrib/spark/tlsscope_spark.py --input CAPTURES/ --output OUT.parquet \\
        [--tlsscope PATH] [--split-bytes 1G] [--shards 8] [--two-pass] -- [tlsscope args: -k KEY, --keylog FILE…]

Each task is one capture file, or one shard (`--shard i/N`) of a file larger than
--split-bytes: tlsscope's flow hash splits it without coordination. The paths (captures,
keys, key logs, the binary) must be readable from every executor: a shared file system,
or one machine in local mode.

--two-pass: a session resumed in another task than its full handshake (another file, or
another shard) needs that handshake's master secret. Pass 1 runs `tlsscope keylog` on
every task and merges the lines (CLIENT_RANDOM, RSA Session-ID, TICKET_SHA256) on the
driver; pass 2 analyses every task with them as an extra --keylog.

Columns (stable names and types): file, shard, id, transport, client_ip, client_port,
server_ip, server_port, sni, version, cipher_suite, state, decryption_status, verdict,
key_source, community_id, first_seen, last_seen, client_bytes, server_bytes,
client_app_bytes, server_app_bytes, client_app_sha256, server_app_sha256,
certificate_status, report (the connection's whole JSON line).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz")


def parse_size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.strip().upper()
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def tasks(paths, split_bytes, shards):
    """(file, shard, shards) per task: a big file is split into `shards` tasks."""
    out = []
    for p in paths:
        n = shards if os.path.getsize(p) > split_bytes else 1
        out.extend((p, i, n) for i in range(n))
    return out


def tlsscope_command(binary, command, task, extra):
    path, shard, shards = task
    cmd = [binary, command, "-q"]
    if command == "summary":
        cmd += ["--format", "jsonl"]
    if shards > 1:
        cmd += ["--shard", f"{shard}/{shards}"]
    return cmd + list(extra) + [path]


def run(cmd):
    done = subprocess.run(cmd, capture_output=True)
    # 3: analysed, but some key material was not used (a key for another capture).
    if done.returncode not in (0, 3):
        raise RuntimeError(f"{' '.join(cmd)}: exit {done.returncode}: "
                           f"{done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode()


def row(task, line, c):
    """One connection's JSON line (and its parse) as a row of the dataset."""
    app = c.get("app_data") or {}
    side = lambda k: app.get(k) or {}
    tcp = c.get("tcp") or {}
    quic = c.get("quic") or {}
    dtls = c.get("dtls") or {}
    udp_bytes = (quic.get("bytes") or dtls.get("bytes") or {})
    decryption = c.get("decryption") or {}
    validation = c.get("certificate_validation") or {}
    key_source = decryption.get("key_source")
    return (
        task[0], task[1], c["id"], c["transport"],
        c["client"]["ip"], c["client"]["port"], c["server"]["ip"], c["server"]["port"],
        c.get("sni"), c.get("version"), (c.get("cipher_suite") or {}).get("name"),
        c["state"], decryption.get("status"), decryption.get("verdict"),
        key_source,
        c.get("community_id"), c["first_seen"], c["last_seen"],
        tcp.get("client_bytes", udp_bytes.get("client")),
        tcp.get("server_bytes", udp_bytes.get("server")),
        side("client").get("bytes"), side("server").get("bytes"),
        side("client").get("sha256"), side("server").get("sha256"),
        validation.get("status"), line,
    )


def schema():
    from pyspark.sql.types import LongType, StringType, StructField, StructType, IntegerType
    s, l, i = StringType(), LongType(), IntegerType()
    fields = [("file", s), ("shard", i), ("id", l), ("transport", s), ("client_ip", s),
              ("client_port", i), ("server_ip", s), ("server_port", i), ("sni", s),
              ("version", s), ("cipher_suite", s), ("state", s), ("decryption_status", s),
              ("verdict", s), ("key_source", s), ("community_id", s), ("first_seen", s),
              ("last_seen", s), ("client_bytes", l), ("server_bytes", l),
              ("client_app_bytes", l), ("server_app_bytes", l), ("client_app_sha256", s),
              ("server_app_sha256", s), ("certificate_status", s), ("report", s)]
    return StructType([StructField(n, t, True) for n, t in fields])


def main(argv):
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1:]
    else:
        extra = []
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True, help="a folder of captures (or one capture)")
    ap.add_argument("--output", required=True, help="the Parquet dataset to write")
    ap.add_argument("--tlsscope", default=os.environ.get("TLSSCOPE", "tlsscope"))
    ap.add_argument("--split-bytes", default="1G", type=parse_size)
    ap.add_argument("--shards", default=8, type=int)
    ap.add_argument("--two-pass", action="store_true")
    ap.add_argument("--master", default=None, help="Spark master (default: spark-submit's)")
    args = ap.parse_args(argv)

    if os.path.isdir(args.input):
        paths = sorted(os.path.join(args.input, n) for n in os.listdir(args.input)
                       if n.endswith(CAPTURE_SUFFIXES))
    else:
        paths = [args.input]
    paths = [os.path.abspath(p) for p in paths]
    binary = os.path.abspath(args.tlsscope) if os.sep in args.tlsscope else args.tlsscope
    work = tasks(paths, args.split_bytes, args.shards)

    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("tlsscope")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    n = max(1, len(work))

    keylog_dir = None
    if args.two_pass:
        lines = (sc.parallelize(work, n)
                 .flatMap(lambda t: run(tlsscope_command(binary, "keylog", t, extra)).splitlines())
                 .distinct().collect())
        keylog_dir = tempfile.mkdtemp(prefix="tlsscope-keylog-")
        merged = os.path.join(keylog_dir, "merged.keylog")
        with open(merged, "w") as out:
            out.write("\n".join(lines) + ("\n" if lines else ""))
        extra = extra + ["--keylog", merged]

    def connections(task):
        out = run(tlsscope_command(binary, "summary", task, extra))
        parsed = [(l, json.loads(l)) for l in out.splitlines() if l.strip()]
        # The last line is the capture's totals, not a connection.
        return [row(task, l, c) for l, c in parsed if "capture" not in c]

    rows = sc.parallelize(work, n).flatMap(connections)
    spark.createDataFrame(rows, schema()).write.mode("overwrite").parquet(args.output)
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
