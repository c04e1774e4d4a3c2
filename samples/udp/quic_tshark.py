#!/usr/bin/env python3
"""Adds to NAME.truth.json what tshark reads from NAME.pcap with NAME.keylog.

    quic_tshark.py NAME

tshark decrypts every QUIC packet it can with the key log, and this reassembles each
stream from the STREAM frames it decodes and hashes it, so the truth's "tshark" section
says whether tshark's view agrees with what the applications wrote (sha256 per stream and
direction), plus per connection: the UDP 5-tuples tshark puts in it, packet types, key
phases, connection IDs, closes, path validation and packet-number gaps. Its "notes" sum
that up in words. Run by make-quic.sh after each capture."""
import hashlib
import json
import subprocess
import sys
from collections import defaultdict

LONG_TYPES = {
    "v1": {0: "initial", 1: "0rtt", 2: "handshake", 3: "retry"},
    "v2": {1: "initial", 2: "0rtt", 3: "handshake", 0: "retry"},
}


def as_list(x):
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def hexbytes(s: str) -> bytes:
    return bytes.fromhex(s.replace(":", "")) if s else b""


def tshark_version() -> str:
    out = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout
    return out.splitlines()[0]


def packets(name):
    out = subprocess.run(
        ["tshark", "-r", f"{name}.pcap", "-o", f"tls.keylog_file:{name}.keylog",
         "-T", "json", "--no-duplicate-keys", "-J", "frame udp quic"],
        capture_output=True, text=True, check=True,
    ).stdout
    return json.loads(out)


def main(name):
    truth = json.load(open(f"{name}.truth.json"))
    server_port = str(truth["connections"][0]["server_port"])
    version = truth["connections"][0]["quic_version"]
    conns = defaultdict(lambda: {
        "client_ports": [], "packets": defaultdict(int), "undecrypted_packets": 0,
        "key_phases": {"client": [], "server": []}, "client_dcids": [],
        "new_connection_id_frames": {"client": 0, "server": 0},
        "retire_connection_id_frames": {"client": 0, "server": 0},
        "path_challenge": {"client": 0, "server": 0}, "path_response": {"client": 0, "server": 0},
        "close_frames": [], "pn": {"client": [], "server": []}, "zero_rtt_stream_bytes": 0,
        "chunks": defaultdict(list), "fin": {}, "first_frame": None,
    })
    datagrams = 0
    for p in packets(name):
        layers = p["_source"]["layers"]
        if "quic" not in layers:
            continue
        datagrams += 1
        frame_no = int(as_list(layers["frame"]["frame.number"])[0])
        sport = layers["udp"]["udp.srcport"]
        dport = layers["udp"]["udp.dstport"]
        side = "server" if sport == server_port else "client"
        cport = int(dport if side == "server" else sport)
        for q in as_list(layers["quic"]):
            num = (q.get("QUIC Connection information") or {}).get("quic.connection.number")
            if num is None:
                continue
            c = conns[int(as_list(num)[0])]
            if isinstance(q.get("quic.short"), dict):
                q = {**q, **q["quic.short"], "quic.header_form": "0"}
            if c["first_frame"] is None:
                c["first_frame"] = frame_no
            if cport not in c["client_ports"]:
                c["client_ports"].append(cport)
            if q.get("quic.header_form") == "1":
                if q.get("quic.version") == "0x00000000":
                    kind = "version_negotiation"
                else:
                    kind = LONG_TYPES[version].get(int(q.get("quic.long.packet_type", q.get("quic.long.packet_type_v2", "-1"))), "unknown")
            else:
                kind = "1rtt"
                kp = int(q.get("quic.key_phase", "0"))
                phases = c["key_phases"][side]
                if not phases or phases[-1] != kp:
                    phases.append(kp)
                if side == "client":
                    dcid = q.get("quic.dcid", "").replace(":", "")
                    if dcid and dcid not in c["client_dcids"]:
                        c["client_dcids"].append(dcid)
            c["packets"][f"{side}_{kind}"] += 1
            if kind == "retry":
                continue
            frames = as_list(q.get("quic.frame"))
            if not frames:
                c["undecrypted_packets"] += 1
                continue
            if "quic.packet_number" in q and kind == "1rtt":
                c["pn"][side].append(int(q["quic.packet_number"]))
            for f in frames:
                ft = int(f["quic.frame_type"])
                if 0x08 <= ft <= 0x0F:
                    sid = int(f["quic.stream.stream_id"])
                    off = int(f.get("quic.stream.offset", "0"))
                    data = hexbytes(f.get("quic.stream_data", ""))
                    if "quic.stream.length" in f:
                        assert int(f["quic.stream.length"]) == len(data), (frame_no, f)
                    c["chunks"][(sid, side)].append((off, data))
                    if ft & 1:
                        c["fin"][(sid, side)] = off + len(data)
                    if kind == "0rtt":
                        c["zero_rtt_stream_bytes"] += len(data)
                elif ft == 0x18:
                    c["new_connection_id_frames"][side] += 1
                elif ft == 0x19:
                    c["retire_connection_id_frames"][side] += 1
                elif ft == 0x1A:
                    c["path_challenge"][side] += 1
                elif ft == 0x1B:
                    c["path_response"][side] += 1
                elif ft in (0x1C, 0x1D):
                    code = f.get("quic.cc.error_code.app", f.get("quic.cc.error_code"))
                    c["close_frames"].append({
                        "by": side, "frame": frame_no,
                        "frame_type": "application" if ft == 0x1D else "transport",
                        "error_code": int(code),
                        "reason": f.get("quic.cc.reason_phrase", ""),
                    })

    views = []
    all_match = True
    for num in sorted(conns):
        c = conns[num]
        streams = []
        for (sid, side), chunks in sorted(c["chunks"].items()):
            buf = bytearray()
            covered = 0
            gaps = False
            for off, data in sorted(chunks, key=lambda x: x[0]):
                if off > covered:
                    gaps = True
                end = off + len(data)
                if end > len(buf):
                    buf.extend(b"\0" * (end - len(buf)))
                buf[off:end] = data
                covered = max(covered, end)
            streams.append({
                "id": sid, "side": side, "bytes": len(buf),
                "sha256": hashlib.sha256(buf).hexdigest(), "fin": (sid, side) in c["fin"],
                "gaps": gaps,
            })
        missing = {}
        for side, pns in c["pn"].items():
            seen = set(pns)
            if seen:
                lost = sorted(set(range(min(seen), max(seen) + 1)) - seen)
                if lost:
                    missing[side] = lost
        view = {
            "tshark_connection": num,
            "first_frame": c["first_frame"],
            "client_ports": c["client_ports"],
            "packets": dict(sorted(c["packets"].items())),
            "undecrypted_packets": c["undecrypted_packets"],
            "key_phases": c["key_phases"],
            "client_dcids_in_1rtt": c["client_dcids"],
            "new_connection_id_frames": c["new_connection_id_frames"],
            "retire_connection_id_frames": c["retire_connection_id_frames"],
            "path_challenge_frames": c["path_challenge"],
            "path_response_frames": c["path_response"],
            "close_frames": c["close_frames"],
            "missing_1rtt_packet_numbers": missing,
            "zero_rtt_stream_bytes": c["zero_rtt_stream_bytes"],
            "streams": streams,
        }
        views.append(view)

    # Compare with what the applications wrote.
    notes = [f"{tshark_version()} with the key log, "
             f"{datagrams} QUIC datagrams, {len(views)} QUIC connection(s)"]
    if len(views) != len(truth["connections"]):
        all_match = False
        notes.append(f"tshark counts {len(views)} connections, truth {len(truth['connections'])}")
    for i, (t, v) in enumerate(zip(truth["connections"], views)):
        ports = t.get("client_ports", [t["client_port"]])
        if v["client_ports"] != ports:
            all_match = False
            notes.append(f"connection {i}: tshark puts client ports {v['client_ports']} in it, "
                         f"truth {ports}")
        elif len(ports) > 1:
            notes.append(f"connection {i}: tshark follows the migration: client ports "
                         f"{ports} are one QUIC connection (connection number {v['tshark_connection']})")
        ok = True
        got = {(s["id"], s["side"]): s for s in v["streams"]}
        for s in t["streams"]:
            for side in ("client", "server"):
                n = s[f"{side}_bytes"]
                g = got.get((s["id"], side))
                if g is None:
                    ok = ok and n == 0 and not s[f"{side}_fin"]
                    continue
                ok = ok and g["bytes"] == n and g["sha256"] == s[f"{side}_sha256"] \
                    and g["fin"] == s[f"{side}_fin"] and not g["gaps"]
        all_match &= ok
        notes.append(f"connection {i}: every stream tshark reassembles from its decrypted "
                     f"STREAM frames {'matches' if ok else 'DIFFERS from'} what was written "
                     "(length, sha256, FIN)")
        if v["undecrypted_packets"]:
            notes.append(f"connection {i}: {v['undecrypted_packets']} packets tshark did not decrypt")
        for side in ("client", "server"):
            ph = v["key_phases"][side]
            if len(ph) > 1:
                notes.append(f"connection {i}: {side} 1-RTT key phase runs {ph} "
                             f"({len(ph) - 1} flip(s)); tshark decrypts across them")
        if v["missing_1rtt_packet_numbers"]:
            notes.append(f"connection {i}: 1-RTT packet numbers never seen: "
                         f"{v['missing_1rtt_packet_numbers']}")
        if v["zero_rtt_stream_bytes"]:
            notes.append(f"connection {i}: {v['zero_rtt_stream_bytes']} stream bytes in 0-RTT packets")
        for k in ("client_retry", "server_retry"):
            if v["packets"].get(k):
                notes.append(f"connection {i}: {v['packets'][k]} Retry packet(s) from the server")
        if any(v["path_challenge_frames"].values()):
            notes.append(f"connection {i}: PATH_CHALLENGE {v['path_challenge_frames']}, "
                         f"PATH_RESPONSE {v['path_response_frames']}")
        if len(v["client_dcids_in_1rtt"]) > 1:
            notes.append(f"connection {i}: the client's 1-RTT packets use "
                         f"{len(v['client_dcids_in_1rtt'])} destination CIDs in turn")
        for cf in v["close_frames"]:
            notes.append(f"connection {i}: {cf['frame_type']} CONNECTION_CLOSE by {cf['by']} "
                         f"(frame {cf['frame']}), error {cf['error_code']}, reason {cf['reason']!r}")
    truth["tshark"] = {"version": tshark_version(), "agrees_with_truth": all_match,
                       "connections": views}
    truth["notes"] = "; ".join(notes)
    with open(f"{name}.truth.json", "w") as f:
        f.write(json.dumps(truth, indent=2) + "\n")
    print(f"{name}: {truth['notes']}", file=sys.stderr)
    if not all_match:
        print(f"quic_tshark: {name}: tshark's view differs from the truth", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
