#!/usr/bin/env python3
"""Time tlsscope against tshark on the captures made by make_workloads.py.

Called by bench/run.sh (see bench/README.md).  For every workload it runs
tlsscope and tshark alternately RUNS times each under /usr/bin/time -v and
reports the median wall time, the peak RSS, MB/s (capture size / median
time) and the tshark/tlsscope ratios as a Markdown table on stdout, also
saved to WORK/results-<date>.md.  Progress goes to stderr.
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
KEY = ROOT / "samples" / "keys" / "server-rsa2048.key"

# --only name -> rows; a row: (label, capture stem, kind)
ONLY = {
    "handshakes": [("handshakes", "handshakes", "decrypt")],
    "bulk": [("bulk-gcm", "bulk-gcm", "decrypt")],
    "cbc": [("bulk-cbc", "bulk-cbc", "decrypt")],
    "big": [("big", "BIG", "decrypt")],
    "summary": [("summary, no key: bulk-gcm", "bulk-gcm", "summary"), ("summary, no key: big", "BIG", "summary")],
    "quic": [("quic-bulk", "quic-bulk", "quic")],
}
ORDER = ["handshakes", "bulk", "cbc", "big", "summary", "quic"]


def progress(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def commands(kind: str, tlsscope: str, cap: Path) -> dict:
    if kind == "quic":
        keylog = cap.with_suffix(".keylog")
        return {
            "tlsscope": [tlsscope, "inspect", "--json", "--keylog", str(keylog), str(cap)],
            "tshark": ["tshark", "-n", "-r", str(cap), "-o", f"tls.keylog_file:{keylog}",
                       "-q", "-z", "io,stat,0,quic.stream_data"],
        }
    if kind == "decrypt":
        return {
            "tlsscope": [tlsscope, "inspect", "--json", "-k", str(KEY), str(cap)],
            "tshark": ["tshark", "-n", "-r", str(cap), "-o", f'uat:rsa_keys:"{KEY}",""',
                       "-o", "tcp.reassemble_out_of_order:TRUE", "-q", "-z", "io,stat,0,tls.app_data"],
        }
    return {
        "tlsscope": [tlsscope, "summary", "--json", str(cap)],
        "tshark": ["tshark", "-n", "-r", str(cap), "-q", "-z", "conv,tcp"],
    }


def timed(cmd: list, stdout=subprocess.DEVNULL) -> dict:
    """One run under /usr/bin/time -v: wall seconds (measured here), peak RSS, exit code."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf, \
            tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name] + cmd, stdout=stdout, stderr=err)
        secs = time.perf_counter() - t0
        tv = open(tf.name).read()
        err.seek(0)
        errtxt = err.read()
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", tv)
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", tv))
    return {"secs": secs, "rss_kb": int(m.group(1)) if m else None, "rc": p.returncode, "cpu": cpu,
            "stderr_tail": "\n".join(l for l in errtxt.splitlines()
                                     if "Running as user" not in l)[-600:]}


# --------------------------------------------------------------------------
# did tlsscope decrypt?


def count_inspect(tlsscope: str, cap: Path, keys: list = None) -> tuple:
    """Parse `inspect --json -k` (or other key arguments) once: (decrypted, total connections)."""
    keys = keys if keys is not None else ["-k", str(KEY)]
    p = subprocess.run([tlsscope, "inspect", "--json", *keys, str(cap)], capture_output=True)
    if p.returncode != 0:
        raise RuntimeError(f"tlsscope inspect exited {p.returncode}: {p.stderr.decode()[-300:]}")
    conns = json.loads(p.stdout)["connections"]
    return sum(1 for c in conns if (c.get("decryption") or {}).get("status") == "decrypted"), len(conns)


def stream_connections(fp):
    """Yield the objects of the top-level "connections" array of a JSON document
    read from fp, without holding the whole document in memory."""
    dec = json.JSONDecoder()
    buf, i = "", 0

    def more() -> bool:
        nonlocal buf, i
        chunk = fp.read(1 << 20)
        if not chunk:
            return False
        buf, i = buf[i:] + chunk, 0
        return True

    pat = re.compile(r'"connections"\s*:\s*\[')   # the array, not "tcp_connections"
    while True:
        m = pat.search(buf)
        if m:
            i = m.end()
            break
        buf = buf[-64:]
        if not more():
            raise RuntimeError('no "connections" array in the JSON')
    while True:
        while True:
            while i < len(buf) and buf[i] in " \t\r\n,":
                i += 1
            if i < len(buf) or not more():
                break
        if i >= len(buf):
            raise RuntimeError("JSON ended inside the connections array")
        if buf[i] == "]":
            return
        while True:
            try:
                obj, end = dec.raw_decode(buf, i)
                break
            except json.JSONDecodeError:
                if not more():
                    raise
        yield obj
        i = end


def count_summary_streamed(tlsscope: str, cap: Path) -> tuple:
    """`summary --json -k`, streamed: (decrypted, total connections)."""
    p = subprocess.Popen([tlsscope, "summary", "--json", "-k", str(KEY), str(cap)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dec = tot = 0
    for c in stream_connections(p.stdout):
        tot += 1
        dec += (c.get("decryption") or {}).get("status") == "decrypted"
    err = p.stderr.read()
    if p.wait() != 0:
        raise RuntimeError(f"tlsscope summary exited {p.returncode}: {err[-300:]}")
    return dec, tot


def iostat_frames(text: str) -> list:
    """Frame counts of the columns of a `-z io,stat,0,...` table."""
    for line in text.splitlines():
        if "<>" in line:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            return [int(x) for x in cells[1::2] if x.isdigit()]
    return []


def tshark_http_requests(cap: Path) -> int:
    """Untimed check that tshark decrypts with the key: HTTP requests it sees inside TLS."""
    p = subprocess.run(["tshark", "-n", "-r", str(cap), "-o", f'uat:rsa_keys:"{KEY}",""',
                        "-o", "tcp.reassemble_out_of_order:TRUE", "-q", "-z", "io,stat,0,http.request"],
                       capture_output=True, text=True)
    f = iostat_frames(p.stdout)
    return f[0] if f else -1


# --------------------------------------------------------------------------
# machine bounds


def openssl_bounds(cores: int) -> dict:
    out = {}
    rsa = r"^rsa\s+2048 bits\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)"
    r = subprocess.run(["openssl", "speed", "-seconds", "2", "rsa2048"], capture_output=True, text=True).stdout
    m = re.search(rsa, r, re.M)
    out["rsa2048_sign_per_s"] = float(m.group(1)) if m else None
    out["rsa2048_verify_per_s"] = float(m.group(2)) if m else None
    # All cores at once: less than one core's rate times the cores (shared caches, clock,
    # a VM's neighbours), and the handshakes' bound is this rate.
    out["rsa2048_sign_per_s_all"] = None
    if cores and cores > 1:
        r = subprocess.run(["openssl", "speed", "-multi", str(cores), "-seconds", "2", "rsa2048"],
                           capture_output=True, text=True).stdout
        m = re.search(rsa, r, re.M)
        out["rsa2048_sign_per_s_all"] = float(m.group(1)) if m else None
    for key, alg, extra in (("aes128gcm_MBps", "aes-128-gcm", []), ("sha256_MBps", "sha256", []),
                            ("aes128cbc_dec_MBps", "aes-128-cbc", ["-decrypt"])):
        r = subprocess.run(["openssl", "speed", "-seconds", "2", *extra, "-evp", alg], capture_output=True,
                           text=True).stdout
        val = None
        for line in r.splitlines():
            toks = line.split()
            if len(toks) >= 7 and all(t.endswith("k") for t in toks[-6:]) and alg.replace("-", "") in \
                    line.lower().replace("-", ""):
                val = float(toks[-1][:-1]) / 1000.0     # 1000s of bytes/s -> MB/s, 16384-byte blocks
        out[key] = val
    return out


def machine() -> dict:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "mem": mem, "kernel": platform.release()}


def first_line(cmd: list) -> str:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True)
        return (p.stdout or p.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


# --------------------------------------------------------------------------


def fmt_size(n: int) -> str:
    return f"{n / 1e9:.2f} GB" if n >= 1e9 else f"{n / 1e6:.1f} MB"


def fmt(x, spec: str, suffix: str = "") -> str:
    return "n/a" if x is None else f"{x:{spec}}{suffix}"


def snapshot_binary(src: Path, work: Path) -> tuple:
    """Copy the tlsscope binary, so a concurrent rebuild cannot swap it mid-run."""
    data = src.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    dst = work / "bin" / f"tlsscope-{sha[:12]}"
    if not dst.exists():
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
    return str(dst), sha


def bound_secs(r: dict, bounds: dict, cores: int):
    """The least time this machine's cores could take for the row's cryptography alone
    (openssl speed, all cores): RSA-2048 once per connection, and for the bulk rows
    every byte decrypted once and hashed once (the record MAC for CBC, the app data
    SHA-256 tlsscope reports)."""
    if not bounds or not cores:
        return None
    m = r["meta"]
    one = bounds.get("rsa2048_sign_per_s")
    rsa = bounds.get("rsa2048_sign_per_s_all") or (one * cores if one else None)
    conns = m.get("connections") or 0
    rsa_secs = conns / rsa if rsa else 0.0
    app = (m.get("app_bytes_client") or 0) + (m.get("app_bytes_server") or 0)
    sha, gcm, cbc = bounds.get("sha256_MBps"), bounds.get("aes128gcm_MBps"), bounds.get("aes128cbc_dec_MBps")
    secs = 0.0
    if r["label"] == "bulk-gcm" and gcm and sha:
        secs += app / 1e6 / gcm + app / 1e6 / sha
    elif r["label"] == "bulk-cbc" and cbc and sha:
        secs += app / 1e6 / cbc + 2 * app / 1e6 / sha
    return rsa_secs + secs / cores


GOALS = [("bulk-gcm", 15.0), ("bulk-cbc", 15.0), ("handshakes", 12.0)]


def goals(by: dict, bounds: dict, cores: int) -> list:
    """Issue 16's goals from this run: the speed ratios, the 1 -> N worker speed-up,
    peak RSS; each beside the machine's bound."""
    out = ["", "## Goals (issues 16 and 13, this run)", "",
           "| goal | measured | met | machine bound | tlsscope at % of bound |",
           "|---|---:|---|---:|---:|"]
    peak = 0.0
    for label, target in GOALS:
        r = by.get(label)
        if not r or not r["tlsscope"]["median"] or not r["tshark"]["median"]:
            out.append(f"| {label} >= {target:.0f}x tshark | not run | | | |")
            continue
        t = r["tlsscope"]["median"]
        ratio = r["tshark"]["median"] / t
        b = bound_secs(r, bounds, cores)
        out.append(f"| {label} >= {target:.0f}x tshark | {ratio:.1f}x ({t:.3f} s) | "
                   f"{'yes' if ratio >= target else 'no'} | "
                   f"{fmt(b, '.3f', ' s')} = {fmt(r['tshark']['median'] / b if b else None, '.1f', 'x')} tshark | "
                   f"{fmt(100 * b / t if b else None, '.0f', ' %')} |")
    for label in ("bulk-gcm", "bulk-cbc", "handshakes"):
        # The goal: one session worker against a worker per core. Then, not a goal: what
        # the other cores give the whole pipeline (transport stage, workers, RSA
        # threads), against the same run held to one core.
        r = by.get(label) or {}
        for tool in ("1-worker", "1-core"):
            one, many = r.get(tool, {}), r.get("tlsscope", {})
            if not one.get("median") or not many.get("median"):
                continue
            speedup = one["median"] / many["median"]
            if tool == "1-worker":
                busy = one["cpu"] / one["median"] if one.get("cpu") else None
                ceiling = cores / busy if busy else None
                what = f">= 1.7x from 1 to {cores} workers"
                met = "yes" if speedup >= 1.7 else "no"
                why = f"{fmt(ceiling, '.2f', 'x')} (1 worker keeps {fmt(busy, '.2f')} of {cores} cores busy)"
            else:
                ceiling = float(cores)
                what = f"1 core (`taskset -c 0 --threads 1`) -> {cores} cores, not a goal"
                met, why = "", f"{cores}.00x"
            share = 100 * (speedup - 1) / (ceiling - 1) if ceiling and ceiling > 1 else None
            out.append(f"| {label}: {what} | {speedup:.2f}x ({one['median']:.3f} -> {many['median']:.3f} s) | "
                       f"{met} | {why} | {fmt(share, '.0f', ' %')} |")
    for label in ("bulk-gcm", "bulk-cbc"):
        # Issue 13: HTTP decoding costs at most 20 % of the bulk throughput.
        r = by.get(label)
        if not r or not r.get("no-http", {}).get("median") or not r["tlsscope"]["median"]:
            continue
        with_http, without = r["tlsscope"]["median"], r["no-http"]["median"]
        loss = 1 - without / with_http
        out.append(f"| {label}: HTTP decoding costs <= 20 % of throughput (issue 13) | "
                   f"{100 * loss:.0f} % ({without:.3f} s without, {with_http:.3f} s with) | "
                   f"{'yes' if loss <= 0.20 else 'no'} | | |")
    for r in by.values():
        for tool in ("tlsscope", "1-worker", "no-http"):
            if r.get(tool, {}).get("rss_mb"):
                peak = max(peak, r[tool]["rss_mb"])
    out.append(f"| peak RSS <= 64 MB | {peak:.1f} MB | {'yes' if peak <= 64 else 'no'} | | |")
    out.append("")
    out.append("Bound: the least time the machine's cores need for the cryptography alone (openssl speed "
               "on every core: RSA-2048 once per connection; every bulk byte decrypted once and hashed "
               "once per SHA-256 pass: the app data digest, and for CBC the record MAC). The 1 -> N row: "
               "`--threads 1` (one session worker, one RSA thread) against the default (a worker per core); "
               "its bound is the cores over the cores one worker's run already keeps busy (its CPU time "
               "over its wall time), and its % is the share of that possible gain achieved. RSA's bound is "
               "`openssl speed -multi N` (all cores at once), the rest one core's rate times the cores.")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=str(BENCH / "work"))
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "3")))
    ap.add_argument("--big", required=True, help="stem of the big capture in WORK (e.g. big-2gb)")
    ap.add_argument("--tlsscope", default=str(ROOT / "target" / "release" / "tlsscope"))
    ap.add_argument("--no-bounds", action="store_true")
    ap.add_argument("--tshark-check", type=int, default=int(os.environ.get("TSHARK_CHECK", "1")))
    ap.add_argument("--baseline", default=os.environ.get("BASELINE"),
                    help="another tlsscope binary (an earlier commit's) run alternately with the same "
                         "commands: its times and peak RSS go in extra columns")
    a = ap.parse_args()
    work = Path(a.work)
    only = [o for o in ORDER if o in a.only] if a.only else ORDER
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    stamp = time.strftime("%Y-%m-%d_%H%M%S")
    t_start = time.monotonic()

    tlsscope, sha = snapshot_binary(Path(a.tlsscope), work)
    baseline = snapshot_binary(Path(a.baseline), work) if a.baseline else None
    info = machine()
    versions = {"tlsscope": first_line([tlsscope, "--version"]) + f" (sha256 {sha[:12]}, from {a.tlsscope})",
                "tshark": first_line(["tshark", "--version"]),
                "openssl": first_line(["openssl", "version"])}
    if baseline:
        versions["baseline"] = (first_line([baseline[0], "--version"])
                                + f" (sha256 {baseline[1][:12]}, from {a.baseline})")

    bounds = None
    if not a.no_bounds:
        progress("openssl speed: rsa2048, aes-128-gcm, sha256 (2 s per measurement)")
        bounds = openssl_bounds(info["cores"])

    rows, notes = [], []
    for o in only:
        for label, stem, kind in ONLY[o]:
            stem = a.big if stem == "BIG" else stem
            cap = work / f"{stem}.pcap"
            meta_p = work / f"{stem}.meta.json"
            meta = json.loads(meta_p.read_text()) if meta_p.exists() else {}
            if not cap.exists():
                notes.append(f"{label}: capture {cap} missing, skipped")
                continue
            size = cap.stat().st_size
            row = {"label": label, "size": size, "kind": kind, "meta": meta}
            progress(f"{label}: {fmt_size(size)}")
            # the check run also brings the file into the page cache before the timed runs
            if kind == "quic":
                d, t = count_inspect(tlsscope, cap, ["--keylog", str(cap.with_suffix(".keylog"))])
                row["decrypted"] = f"{d}/{t}"
                progress(f"{label}: tlsscope decrypted {d}/{t} connections (inspect --json --keylog)")
            elif kind == "decrypt":
                try:
                    if stem == a.big:
                        d, t = count_summary_streamed(tlsscope, cap)
                        how = "summary --json -k, streamed"
                    else:
                        d, t = count_inspect(tlsscope, cap)
                        how = "inspect --json -k"
                    row["decrypted"] = f"{d}/{t}"
                    exp = meta.get("connections")
                    if exp is not None and (d != exp or t != exp):
                        notes.append(f"{label}: tlsscope decrypted {d} of {t} connections, {exp} expected")
                    progress(f"{label}: tlsscope decrypted {d}/{t} connections ({how})")
                except Exception as e:  # noqa: BLE001
                    row["decrypted"] = "check failed"
                    notes.append(f"{label}: decryption check failed: {e}")
                if a.tshark_check and stem != a.big:
                    n = tshark_http_requests(cap)
                    row["tshark_http"] = n
                    progress(f"{label}: tshark sees {n} decrypted HTTP requests")
            else:
                row["decrypted"] = "n/a (no key)"
                subprocess.run(["cat", str(cap)], stdout=subprocess.DEVNULL)
            cmds = commands(kind, tlsscope, cap)
            runs = {"tlsscope": [], "tshark": []}
            tools = ["tlsscope", "tshark"]
            if baseline:
                cmds["baseline"] = commands(kind, baseline[0], cap)["tlsscope"]
                runs["baseline"] = []
                tools.append("baseline")
            if kind == "decrypt":
                # The same binary without HTTP decoding: what decoding HTTP costs.
                cmds["no-http"] = cmds["tlsscope"][:2] + ["--no-http"] + cmds["tlsscope"][2:]
                runs["no-http"] = []
                tools.append("no-http")
                if stem != a.big:
                    # One session worker (and one RSA thread): what the workers add.
                    cmds["1-worker"] = cmds["tlsscope"][:2] + ["--threads", "1"] + cmds["tlsscope"][2:]
                    runs["1-worker"] = []
                    tools.append("1-worker")
                    if (info["cores"] or 1) > 1 and shutil.which("taskset"):
                        # The whole run on one core: what the other cores give it.
                        cmds["1-core"] = ["taskset", "-c", "0"] + cmds["1-worker"]
                        runs["1-core"] = []
                        tools.append("1-core")
            for i in range(a.runs):
                for tool in tools:
                    if tool == "tshark" and kind in ("decrypt", "quic") and i == 0:
                        with tempfile.TemporaryFile("w+") as out:
                            r = timed(cmds[tool], stdout=out)
                            out.seek(0)
                            f = iostat_frames(out.read())
                            row["tshark_app_data_frames"] = f[0] if f else None
                    else:
                        r = timed(cmds[tool])
                    runs[tool].append(r)
                    progress(f"{label}: run {i + 1}/{a.runs} {tool}: {r['secs']:.2f} s, "
                             f"{(r['rss_kb'] or 0) / 1024:.0f} MiB" + (f", EXIT {r['rc']}" if r["rc"] else ""))
                    if r["rc"]:
                        notes.append(f"{label}: {tool} run {i + 1} exited {r['rc']}: {r['stderr_tail']}")
            for tool, rs in runs.items():
                ok = [r for r in rs if r["rc"] == 0]
                row[tool] = {
                    "median": statistics.median(r["secs"] for r in ok) if ok else None,
                    "cpu": statistics.median(r["cpu"] for r in ok) if ok else None,
                    "rss_mb": max(r["rss_kb"] for r in ok) * 1024 / 1e6 if ok and ok[0]["rss_kb"] else None,
                    "all": [round(r["secs"], 3) for r in rs],
                    "rss_all": [r["rss_kb"] for r in rs],
                }
            rows.append(row)

    # ---------------------------------------------------------------- report
    out = []
    out.append(f"# tlsscope vs tshark benchmark, {started}")
    out.append("")
    out.append(f"- machine: {info['cpu']}, {info['cores']} cores, {info['mem']} RAM, Linux {info['kernel']}")
    for k, v in versions.items():
        out.append(f"- {k}: {v}")
    out.append(f"- runs per tool and workload: {a.runs} (alternating tlsscope, tshark); median wall time; "
               f"peak RSS = max over runs of /usr/bin/time -v \"Maximum resident set size\"; "
               f"MB = 10^6 bytes; MB/s = file size / median time; ratios are tshark/tlsscope")
    if bounds:
        out.append("")
        out.append("## Machine bounds (openssl speed -seconds 2, one core)")
        out.append("")
        out.append(f"- RSA-2048 private-key ops (sign/s): {fmt(bounds['rsa2048_sign_per_s'], '.0f')}/s "
                   f"(verify/s {fmt(bounds['rsa2048_verify_per_s'], '.0f')}); all {info['cores']} cores at once "
                   f"(-multi): {fmt(bounds.get('rsa2048_sign_per_s_all'), '.0f')}/s")
        out.append(f"- AES-128-GCM (-evp, 16384-byte blocks): {fmt(bounds['aes128gcm_MBps'], '.0f')} MB/s")
        out.append(f"- SHA-256 (-evp, 16384-byte blocks): {fmt(bounds['sha256_MBps'], '.0f')} MB/s")
        out.append(f"- AES-128-CBC decryption (-evp -decrypt, 16384-byte blocks): "
                   f"{fmt(bounds['aes128cbc_dec_MBps'], '.0f')} MB/s")
    out.append("")
    out.append("## Results")
    out.append("")
    hdr = ["workload", "file size", "tlsscope median s", "tshark median s", "speed ratio", "tlsscope MB/s",
           "tshark MB/s", "tlsscope peak RSS MB", "tshark peak RSS MB", "memory ratio", "decrypted connections"]
    if baseline:
        hdr += ["baseline median s", "baseline peak RSS MB", "baseline/tlsscope time"]
    out.append("| " + " | ".join(hdr) + " |")
    out.append("|" + "|".join(["---"] + ["---:"] * (len(hdr) - 2) + ["---"]) + "|")
    for r in rows:
        ts_, sh = r["tlsscope"], r["tshark"]
        mbs = lambda t: r["size"] / 1e6 / t if t else None  # noqa: E731
        sp = sh["median"] / ts_["median"] if ts_["median"] and sh["median"] else None
        mr = sh["rss_mb"] / ts_["rss_mb"] if ts_["rss_mb"] and sh["rss_mb"] else None
        out.append("| " + " | ".join([
            r["label"], fmt_size(r["size"]), fmt(ts_["median"], ".3f"), fmt(sh["median"], ".3f"),
            fmt(sp, ".1f", "x"), fmt(mbs(ts_["median"]), ".1f"), fmt(mbs(sh["median"]), ".1f"),
            fmt(ts_["rss_mb"], ".1f"), fmt(sh["rss_mb"], ".1f"), fmt(mr, ".1f", "x"), r["decrypted"]]
            + ([fmt(r["baseline"]["median"], ".3f"), fmt(r["baseline"]["rss_mb"], ".1f"),
                fmt(r["baseline"]["median"] / ts_["median"]
                    if r["baseline"]["median"] and ts_["median"] else None, ".2f", "x")]
               if baseline else [])) + " |")
    costs = [r for r in rows if r.get("no-http", {}).get("median") and r["tlsscope"]["median"]]
    if costs:
        out.append("")
        out.append("HTTP decoding cost (tlsscope with and without `--no-http`, same run): " + "; ".join(
            f"{r['label']} {r['tlsscope']['median']:.3f} s vs {r['no-http']['median']:.3f} s "
            f"({(r['tlsscope']['median'] / r['no-http']['median'] - 1) * 100:+.0f} %)" for r in costs))
    by = {r["label"]: r for r in rows}
    out += goals(by, bounds, info["cores"])
    if "quic-bulk" in by and "bulk-gcm" in by:
        q, t = by["quic-bulk"], by["bulk-gcm"]
        if q["tlsscope"]["median"] and t["tlsscope"]["median"]:
            qm = q["size"] / 1e6 / q["tlsscope"]["median"]
            tm = t["size"] / 1e6 / t["tlsscope"]["median"]
            out.append("")
            out.append(f"QUIC/TCP throughput (tlsscope, same run): {qm:.0f} / {tm:.0f} MB/s = {qm / tm:.2f}")
    out.append("")
    out.append("Decrypt rows: `tlsscope inspect --json -k KEY CAP > /dev/null` vs `tshark -n -r CAP -o "
               "'uat:rsa_keys:\"KEY\",\"\"' -o tcp.reassemble_out_of_order:TRUE -q -z io,stat,0,tls.app_data`. "
               "Summary rows: `tlsscope summary --json CAP` vs `tshark -n -r CAP -q -z conv,tcp`. "
               "quic-bulk: `tlsscope inspect --json --keylog KEYLOG CAP` vs `tshark -n -r CAP -o "
               "tls.keylog_file:KEYLOG -q -z io,stat,0,quic.stream_data`; QUIC/TCP throughput: quic-bulk "
               "MB/s over bulk-gcm MB/s (tlsscope). "
               "Decrypted connections: decryption.status == \"decrypted\" in tlsscope's JSON (big: `summary "
               "--json -k`, streamed).")
    out.append("")
    out.append("## Workloads and raw runs")
    out.append("")
    for r in rows:
        m = r["meta"]
        desc = m.get("description", "")
        extra = []
        if m.get("packets"):
            extra.append(f"{m['packets']} packets")
        if m.get("make_seconds") is not None:
            extra.append(f"made in {m['make_seconds']} s")
        if "tshark_app_data_frames" in r:
            extra.append(f"tshark tls.app_data frames {r['tshark_app_data_frames']}")
        if "tshark_http" in r:
            extra.append(f"tshark decrypted HTTP requests {r['tshark_http']}")
        out.append(f"- {r['label']}: {desc}; " + ", ".join(extra))
        out.append(f"  - tlsscope s {r['tlsscope']['all']}, RSS kB {r['tlsscope']['rss_all']}; "
                   f"tshark s {r['tshark']['all']}, RSS kB {r['tshark']['rss_all']}")
    if notes:
        out.append("")
        out.append("## Problems")
        out.append("")
        out += [f"- {n}" for n in notes]
    out.append("")
    out.append(f"Benchmark time (without making workloads): {time.monotonic() - t_start:.0f} s")
    text = "\n".join(out) + "\n"
    print(text, end="")
    res = work / f"results-{stamp}.md"
    res.write_text(text)
    progress(f"saved {res}")


if __name__ == "__main__":
    main()
