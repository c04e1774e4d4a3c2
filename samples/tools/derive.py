#!/usr/bin/env python3
"""Make the derived samples: damaged TCP, other link layers, other file
formats, IP fragments, sequence wraparound, port reuse. Each is rewritten
from one of the real captures (struct-level, see pcaplib.py) and gets its own
NAME.keylog (a copy of its source's) and NAME.truth.json (its source's, with
what was changed and what is no longer complete).

Usage: derive.py [NAME ...]
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # keep samples/tools free of __pycache__

import copy
import hashlib
import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent
sys.path.insert(0, str(HERE))
import pcaplib  # noqa: E402
from pcaplib import Capture, Record  # noqa: E402

BASE = "tls12-rsa-aes128gcm"     # source of most derived samples
GCM_OVERHEAD = 8 + 16            # TLS 1.2 AES-GCM: explicit nonce + tag


def load(name: str) -> Tuple[Capture, dict]:
    cap = pcaplib.read_capture(str(SAMPLES / f"{name}.pcap"))
    truth = json.load(open(SAMPLES / f"{name}.truth.json"))
    return cap, truth


def save(name: str, cap: Capture, truth: dict, source: str, desc: str, damage: Optional[str],
         link: str, truncate_at: Optional[int] = None, ext: str = "pcap") -> None:
    out = SAMPLES / f"{name}.{ext}"
    if ext == "pcap":
        pcaplib.write_pcap(str(out), cap, truncate_at=truncate_at)
    shutil.copyfile(SAMPLES / f"{source}.keylog", SAMPLES / f"{name}.keylog")
    t = copy.deepcopy(truth)
    t["sample"] = name
    t["description"] = desc
    t["capture"] = out.name
    t["format"] = "pcapng" if ext == "pcapng" else "pcap"
    t["link_type"] = link
    t["keylog"] = f"{name}.keylog"
    t["derived_from"] = source
    t["damage"] = damage
    with open(SAMPLES / f"{name}.truth.json", "w") as f:
        json.dump(t, f, indent=2)
        f.write("\n")
    print(f"[derive] {name}", flush=True)


def pkts(cap: Capture) -> List[pcaplib.Packet]:
    return list(pcaplib.packets(cap))


def data_pkts(cap: Capture, sport: int) -> List[pcaplib.Packet]:
    return [p for p in pkts(cap) if p.sport == sport and p.payload]


def app_pkts(cap: Capture, sport: int) -> List[pcaplib.Packet]:
    """Segments from sport that start with a TLS application_data record."""
    return [p for p in data_pkts(cap, sport) if p.payload[0] == 23]


def set_tcp(rec: Record, l3: int, payload: Optional[bytes] = None, seq: Optional[int] = None,
            ack: Optional[int] = None, sport: Optional[int] = None, dport: Optional[int] = None,
            ip_id: Optional[int] = None, sack_map=None) -> Record:
    """Rewrite TCP fields / payload of an (unfragmented) IPv4 or IPv6 TCP packet."""
    b = bytearray(rec.data)
    v = b[l3] >> 4
    l4 = l3 + ((b[l3] & 0x0F) * 4 if v == 4 else 40)
    doff = (b[l4 + 12] >> 4) * 4
    if payload is not None:
        b = b[:l4 + doff] + payload
        if v == 4:
            struct.pack_into(">H", b, l3 + 2, len(b) - l3)
        else:
            struct.pack_into(">H", b, l3 + 4, len(b) - l3 - 40)
    if v == 4 and ip_id is not None:
        struct.pack_into(">H", b, l3 + 4, ip_id)
    if sport is not None:
        struct.pack_into(">H", b, l4, sport)
    if dport is not None:
        struct.pack_into(">H", b, l4 + 2, dport)
    if seq is not None:
        struct.pack_into(">I", b, l4 + 4, seq & 0xFFFFFFFF)
    if ack is not None:
        struct.pack_into(">I", b, l4 + 8, ack & 0xFFFFFFFF)
    if sack_map is not None:        # rewrite SACK block edges
        o = l4 + 20
        while o < l4 + doff:
            kind = b[o]
            if kind == 0:
                break
            if kind == 1:
                o += 1
                continue
            ln = b[o + 1]
            if kind == 5:
                for e in range(o + 2, o + ln, 4):
                    struct.pack_into(">I", b, e, sack_map(struct.unpack_from(">I", b, e)[0]) & 0xFFFFFFFF)
            o += max(ln, 2)
    data = pcaplib.fix_checksums(bytes(b), l3)
    return rec.copy(data=data, orig_len=len(data))


def ts_plus(rec: Record, us: int) -> Tuple[int, int]:
    t = rec.ts_sec * 1_000_000 + rec.ts_frac + us
    return divmod(t, 1_000_000)


def tls_records(stream: bytes) -> List[Tuple[int, int, int]]:
    """(offset, content_type, length) of the TLS records in a reassembled direction."""
    out = []
    o = 0
    while o + 5 <= len(stream):
        ct = stream[o]
        ln = struct.unpack_from(">H", stream, o + 3)[0]
        out.append((o, ct, ln))
        o += 5 + ln
    return out


def direction_stream(cap: Capture, sport: int) -> Tuple[int, bytes]:
    """(ISN+1, bytes) of the payload sent from sport (the source capture is clean)."""
    ps = [p for p in pkts(cap) if p.sport == sport]
    isn = [p for p in ps if p.syn][0].seq
    buf = bytearray()
    for p in ps:
        if p.payload:
            off = (p.seq - isn - 1) & 0xFFFFFFFF
            if off + len(p.payload) > len(buf):
                buf += b"\0" * (off + len(p.payload) - len(buf))
            buf[off:off + len(p.payload)] = p.payload
    return isn + 1, bytes(buf)


def app_plaintext_ranges(stream: bytes, overhead: int) -> List[Tuple[int, int, int, int]]:
    """For each application_data record: (tcp_start, tcp_end, plain_start, plain_end)."""
    out = []
    plain = 0
    for off, ct, ln in tls_records(stream):
        if ct == 23:
            n = ln - overhead
            out.append((off, off + 5 + ln, plain, plain + n))
            plain += n
    return out


def server_plaintext(truth_name: str) -> Tuple[bytes, bytes]:
    """Regenerate the plaintext of connection 0 of a real sample from its plan."""
    import tls_session
    spec = {s.name: s for s in tls_session.specs()}[truth_name]
    plan = (spec.plan or tls_session.default_plan)(spec.name, 0)
    return tls_session.plan_bytes(plan, "C"), tls_session.plan_bytes(plan, "S")


def mark_prefix(conn: dict, d: str, plaintext: bytes, n: int, note: str) -> None:
    conn[f"{d}_complete"] = False
    conn[f"{d}_recoverable_prefix_bytes"] = n
    conn[f"{d}_recoverable_prefix_sha256"] = hashlib.sha256(plaintext[:n]).hexdigest()
    conn["notes"] = (conn.get("notes") + "; " if conn.get("notes") else "") + note


# --------------------------------------------------------------------------
# TCP damage


def base_info():
    cap, truth = load(BASE)
    c = truth["connections"][0]
    return cap, truth, c["client_port"], c["server_port"]


def d_reordered():
    cap, truth, cport, sport = base_info()
    resp = app_pkts(cap, sport)
    a, b = resp[0], resp[1]        # two application-data segments of the response
    recs = cap.records
    # swap the packets but keep the timestamps in place (the wire order changed)
    ra, rb = recs[a.index], recs[b.index]
    recs[a.index] = rb.copy(ts_sec=ra.ts_sec, ts_frac=ra.ts_frac)
    recs[b.index] = ra.copy(ts_sec=rb.ts_sec, ts_frac=rb.ts_frac)
    save("tcp-reordered", cap, truth, BASE,
         f"{BASE} with two server data segments swapped (frames {a.index + 1} and {b.index + 1}): the later "
         "segment arrives first", f"server->client segments of {len(a.payload)} and {len(b.payload)} bytes "
         "swapped; plaintext still complete", "EN10MB (1)")


def d_retrans_exact():
    cap, truth, cport, sport = base_info()
    sd = data_pkts(cap, sport)
    cd = data_pkts(cap, cport)
    hs = sd[0]                     # ServerHello..ServerHelloDone flight
    resp = app_pkts(cap, sport)
    r1 = resp[0]                   # first response segment
    creq = cd[-2]                  # client request (last data before close_notify)
    recs = list(cap.records)
    inserts = {}                   # insert after index -> [records]
    for src, after in [(hs, hs.index + 1), (r1, resp[1].index), (creq, creq.index + 2)]:
        r = cap.records[src.index]
        base = cap.records[after]
        sec, us = ts_plus(base, 37)
        inserts.setdefault(after, []).append(r.copy(ts_sec=sec, ts_frac=us))
    out = []
    for i, r in enumerate(recs):
        out.append(r)
        out.extend(inserts.get(i, []))
    cap.records = out
    save("tcp-retrans-exact", cap, truth, BASE,
         f"{BASE} with exact retransmissions: the server's first handshake flight, a server data segment and "
         "the client's request segment each appear twice",
         "3 duplicated segments (byte-identical copies); plaintext still complete", "EN10MB (1)")


def d_retrans_overlap():
    cap, truth, cport, sport = base_info()
    run = app_pkts(cap, sport)     # the three response segments, contiguous
    assert len(run) == 3
    start = run[0].seq
    data = b"".join(p.payload for p in run)
    assert all(p.seq == start + sum(len(q.payload) for q in run[:i]) for i, p in enumerate(run))
    n = len(data)
    # new cuts, overlapping and unlike the original boundaries
    cuts = [(0, 1000), (700, 2600), (2600, 3100), (2900, n)]
    retrans = [(1500, 4000), (n - 300, n)]
    tmpl = run[0]
    recs = cap.records
    new_recs = []
    first_idx = run[0].index
    for k, (a, b) in enumerate(cuts):
        r = set_tcp(recs[tmpl.index], tmpl.l3_off, payload=data[a:b], seq=start + a)
        sec, us = ts_plus(recs[first_idx], 5 * k)
        new_recs.append(r.copy(ts_sec=sec, ts_frac=us))
    drop = {p.index for p in run}
    out = []
    for i, r in enumerate(recs):
        if i == first_idx:
            out.extend(new_recs)
        if i in drop:
            continue
        out.append(r)
    # later retransmissions, with boundaries unlike both the original and the re-cut segments
    tail = []
    for k, (a, b) in enumerate(retrans):
        r = set_tcp(recs[tmpl.index], tmpl.l3_off, payload=data[a:b], seq=start + a)
        sec, us = ts_plus(recs[run[-1].index], 200 + 10 * k)
        tail.append(r.copy(ts_sec=sec, ts_frac=us))
    # put them right after the original position of the last response segment's successor
    pos = out.index(recs[run[-1].index + 1]) + 1 if run[-1].index + 1 < len(recs) else len(out)
    out[pos:pos] = tail
    cap.records = out
    save("tcp-retrans-overlap", cap, truth, BASE,
         f"{BASE} with the server's {n}-byte response run re-cut into overlapping segments "
         f"{cuts} (offsets into the run) plus later retransmissions {retrans} with different boundaries",
         "overlapping segments and retransmissions, all carrying the same bytes; plaintext still complete",
         "EN10MB (1)")


def d_lost_segment():
    cap, truth, cport, sport = base_info()
    lost = app_pkts(cap, sport)[1]     # middle response segment
    isn1, stream = direction_stream(cap, sport)
    off = (lost.seq - isn1) & 0xFFFFFFFF
    end = off + len(lost.payload)
    ranges = app_plaintext_ranges(stream, GCM_OVERHEAD)
    _, splain = server_plaintext(BASE)
    prefix = 0
    lost_plain = []
    after = []
    for ts, te, ps, pe in ranges:
        if te <= off:
            prefix = pe
        elif ts < end and te > off:
            lost_plain.append([ps, pe])
        else:
            after.append({"plaintext_range": [ps, pe], "tcp_range": [ts, te],
                          "sha256": hashlib.sha256(splain[ps:pe]).hexdigest()})
    cap.records = [r for i, r in enumerate(cap.records) if i != lost.index]
    t = copy.deepcopy(truth)
    c = t["connections"][0]
    mark_prefix(c, "server", splain, prefix,
                f"server->client TCP bytes [{off}, {end}) (relative to ISN+1) lost; "
                f"server plaintext bytes {lost_plain} lost with it")
    c["server_missing_tcp_range"] = [off, end]
    c["server_missing_plaintext_ranges"] = lost_plain
    # whole application_data records after the gap (a tool that resynchronises on record headers can
    # still decrypt them; AEAD nonce/sequence number continue as if the lost record had been seen)
    c["server_intact_records_after_gap"] = after
    save("tcp-lost-segment", cap, t, BASE,
         f"{BASE} with one server data segment ({len(lost.payload)} bytes, one whole TLS record) dropped",
         f"server->client stream bytes [{off}, {end}) relative to ISN+1 missing (frame {lost.index + 1} of the "
         "source removed); later records are intact", "EN10MB (1)")


def d_truncated():
    cap, truth, cport, sport = base_info()
    victim = app_pkts(cap, sport)[1]   # cut inside the middle response segment
    # file offset of the victim record's data
    off = 24
    for r in cap.records[:victim.index]:
        off += 16 + len(r.data)
    cut_in_data = len(victim.record.data) - len(victim.payload) + 1000   # 1000 bytes into its TCP payload
    truncate_at = off + 16 + cut_in_data
    isn1, stream = direction_stream(cap, sport)
    seg_off = (victim.seq - isn1) & 0xFFFFFFFF
    ranges = app_plaintext_ranges(stream, GCM_OVERHEAD)
    cplain, splain = server_plaintext(BASE)
    prefix = max([pe for ts, te, ps, pe in ranges if te <= seg_off + 1000] + [0])
    t = copy.deepcopy(truth)
    c = t["connections"][0]
    mark_prefix(c, "server", splain, prefix,
                f"file ends inside frame {victim.index + 1}: server plaintext complete only up to byte {prefix}")
    c["client_complete"] = True
    c["closed"] = False
    save("pcap-truncated", cap, t, BASE,
         f"{BASE} cut off in the middle of a packet (the last record header promises {len(victim.record.data)} "
         f"bytes, the file holds {cut_in_data})",
         f"file truncated at byte {truncate_at}, inside frame {victim.index + 1} (a server data segment, "
         "mid TLS record); no FIN/close_notify after it", "EN10MB (1)", truncate_at=truncate_at)


def d_snaplen():
    cap, truth, cport, sport = base_info()
    cap.snaplen = 96
    cap.records = [r.copy(data=r.data[:96]) for r in cap.records]
    t = copy.deepcopy(truth)
    for c in t["connections"]:
        c["client_complete"] = False
        c["server_complete"] = False
        c["handshake_visible"] = False
        c["notes"] = "snaplen 96: at most 30 bytes of TCP payload per packet captured (caplen < len)"
    save("pcap-snaplen96", cap, t, BASE, f"{BASE} with snaplen 96 (like editcap -s 96): every packet cut to 96 "
         "bytes, original lengths kept", "caplen < len on every packet longer than 96 bytes: TLS not decodable",
         "EN10MB (1)")


# --------------------------------------------------------------------------
# link layers and file formats


def relink(cap: Capture, linktype: int, fn) -> Capture:
    out = Capture(linktype=linktype, snaplen=cap.snaplen, nanos=cap.nanos, big_endian=cap.big_endian)
    for r in cap.records:
        d = fn(r.data)
        out.records.append(r.copy(data=d, orig_len=r.orig_len - len(r.data) + len(d), linktype=linktype))
    return out


def d_links():
    cap, truth, _, _ = base_info()
    desc = f"{BASE} rewritten with "

    def vlan(d):
        return d[:12] + struct.pack(">HH", 0x8100, 100) + d[12:]

    def qinq(d):
        return d[:12] + struct.pack(">HHHH", 0x88A8, 200, 0x8100, 100) + d[12:]

    def sll(d):
        # packet type 0 (to us), ARPHRD_LOOPBACK 772, 6-byte address, protocol = ethertype
        return struct.pack(">HHH8sH", 0, 772, 6, d[6:12] + b"\0\0", struct.unpack_from(">H", d, 12)[0]) + d[14:]

    def sll2(d):
        return struct.pack(">HHIHBB8s", struct.unpack_from(">H", d, 12)[0], 0, 1, 772, 0, 6, d[6:12] + b"\0\0") + d[14:]

    def raw(d):
        return d[14:]

    def null(d):
        return struct.pack("<I", 2) + d[14:]   # AF_INET, host (little-endian) byte order

    items = [
        ("link-vlan", 1, vlan, "an 802.1Q VLAN tag (VID 100) in every frame", "EN10MB (1) + 802.1Q"),
        ("link-qinq", 1, qinq, "802.1ad QinQ tags (outer 0x88a8 VID 200, inner 0x8100 VID 100)",
         "EN10MB (1) + 802.1ad + 802.1Q"),
        ("link-sll", pcaplib.LINKTYPE_LINUX_SLL, sll, "Linux cooked headers v1 (LINKTYPE_LINUX_SLL 113)",
         "LINUX_SLL (113)"),
        ("link-sll2", pcaplib.LINKTYPE_LINUX_SLL2, sll2, "Linux cooked headers v2 (LINKTYPE_LINUX_SLL2 276)",
         "LINUX_SLL2 (276)"),
        ("link-raw101", pcaplib.LINKTYPE_RAW, raw, "no link header: raw IP (LINKTYPE_RAW 101)", "RAW (101)"),
        ("link-raw12", pcaplib.LINKTYPE_DLT_RAW, raw, "no link header: raw IP with link type 12 (DLT_RAW as "
         "written by most BSD/Linux libpcaps)", "DLT_RAW (12)"),
        ("link-null", pcaplib.LINKTYPE_NULL, null, "BSD loopback headers (LINKTYPE_NULL 0, 4-byte AF_INET=2 in "
         "little-endian host order)", "NULL (0)"),
    ]
    for name, lt, fn, what, link in items:
        c2 = relink(cap, lt, fn)
        save(name, c2, truth, BASE, desc + what, None, link)


def d_formats():
    cap, truth, _, _ = base_info()
    c2 = Capture(linktype=cap.linktype, snaplen=cap.snaplen, nanos=True)
    for i, r in enumerate(cap.records):
        c2.records.append(r.copy(ts_frac=r.ts_frac * 1000 + (i * 37) % 1000))
    save("pcap-nsec", c2, truth, BASE, f"{BASE} as a nanosecond-resolution pcap (magic a1b23c4d; sub-microsecond "
         "digits added)", None, "EN10MB (1)")
    c3 = Capture(linktype=cap.linktype, snaplen=cap.snaplen, big_endian=True, records=list(cap.records))
    save("pcap-bigendian", c3, truth, BASE, f"{BASE} as a big-endian pcap (header and record headers "
         "big-endian, as written on a big-endian host)", None, "EN10MB (1)")


def d_pcapng_dsb():
    src = "pcapng-basic"
    out = SAMPLES / "pcapng-dsb.pcapng"
    subprocess.run(["editcap", "--inject-secrets", f"tls,{SAMPLES / (src + '.keylog')}",
                    str(SAMPLES / f"{src}.pcapng"), str(out)], check=True)
    truth = json.load(open(SAMPLES / f"{src}.truth.json"))
    truth["keylog_embedded"] = True
    save("pcapng-dsb", None, truth, src, f"{src} with its key log embedded in a pcapng Decryption Secrets Block "
         "(editcap --inject-secrets tls,...): decryptable without a separate key log", None, "EN10MB (1)",
         ext="pcapng")


def d_pcapng_dsb_tls13():
    """The same for TLS 1.3: the pcap of tls13-aes256gcm turned into a pcapng
    whose DSB holds its key log (the *_TRAFFIC_SECRET lines)."""
    src = "tls13-aes256gcm"
    out = SAMPLES / "pcapng-dsb-tls13.pcapng"
    subprocess.run(["editcap", "-F", "pcapng", "--inject-secrets", f"tls,{SAMPLES / (src + '.keylog')}",
                    str(SAMPLES / f"{src}.pcap"), str(out)], check=True)
    truth = json.load(open(SAMPLES / f"{src}.truth.json"))
    truth["keylog_embedded"] = True
    save("pcapng-dsb-tls13", None, truth, src, f"{src} (TLS 1.3 AES-256-GCM) converted to pcapng with its key log "
         "embedded in a Decryption Secrets Block (editcap --inject-secrets tls,...): decryptable without a "
         "separate key log", None, "EN10MB (1)", ext="pcapng")


# --------------------------------------------------------------------------
# IP fragments, sequence wraparound, port reuse


def fragment_ipv4(rec: Record, l3: int, frag_data: int, ip_id: int, reverse: bool) -> List[Record]:
    d = rec.data
    ihl = (d[l3] & 0x0F) * 4
    total = struct.unpack_from(">H", d, l3 + 2)[0]
    hdr = bytearray(d[l3:l3 + ihl])
    payload = d[l3 + ihl:l3 + total]
    frags = []
    off = 0
    while off < len(payload):
        chunk = payload[off:off + frag_data]
        more = off + len(chunk) < len(payload)
        h = bytearray(hdr)
        struct.pack_into(">H", h, 2, ihl + len(chunk))
        struct.pack_into(">H", h, 4, ip_id)
        struct.pack_into(">H", h, 6, (0x2000 if more else 0) | (off // 8))
        h[10:12] = b"\0\0"
        struct.pack_into(">H", h, 10, pcaplib.checksum(bytes(h)))
        data = d[:l3] + bytes(h) + chunk
        frags.append(rec.copy(data=data, orig_len=len(data)))
        off += len(chunk)
    if reverse:
        frags.reverse()
    # spread timestamps a little, keep them increasing
    out = []
    for k, f in enumerate(frags):
        sec, us = ts_plus(rec, k)
        out.append(f.copy(ts_sec=sec, ts_frac=us))
    return out


def d_fragments():
    cap, truth, cport, sport = base_info()
    out = []
    n_frag = 0
    reversed_one = None
    for p in pkts(cap):
        r = cap.records[p.index]
        if len(p.payload) > 700:
            rev = reversed_one is None and p.sport == sport and len(p.payload) > 2500
            if rev:
                reversed_one = p.index + 1
            fr = fragment_ipv4(r, p.l3_off, 512, 0x5000 + p.index, rev)
            n_frag += 1
            out.extend(fr)
        else:
            out.append(r)
    cap.records = out
    save("ip-fragments", cap, truth, BASE,
         f"{BASE} with every IPv4 packet carrying more than 700 bytes of TCP payload (handshake flight, request, "
         f"response) split into IP fragments of 512 data bytes ({n_frag} packets; the fragments of source frame "
         f"{reversed_one} in reverse order)",
         "IPv4 fragmentation (DF cleared, unique IP IDs); plaintext complete after reassembly", "EN10MB (1)")


def d_seq_wrap():
    cap, truth, cport, sport = base_info()
    ps = pkts(cap)
    c_isn = [p for p in ps if p.sport == cport and p.syn][0].seq
    s_isn = [p for p in ps if p.sport == sport and p.syn][0].seq
    new_c = (1 << 32) - 1000     # client data (~1.2 KB) crosses 2^32
    new_s = (1 << 32) - 3000     # server data (~6.5 KB) crosses 2^32

    def mc(x):
        return (x - c_isn + new_c) & 0xFFFFFFFF

    def ms(x):
        return (x - s_isn + new_s) & 0xFFFFFFFF

    out = []
    for p in ps:
        r = cap.records[p.index]
        if p.sport == cport:
            r = set_tcp(r, p.l3_off, seq=mc(p.seq), ack=ms(p.ack) if p.flags & 0x10 else 0, sack_map=ms)
        else:
            r = set_tcp(r, p.l3_off, seq=ms(p.seq), ack=mc(p.ack) if p.flags & 0x10 else 0, sack_map=mc)
        out.append(r)
    cap.records = out
    t = copy.deepcopy(truth)
    t["connections"][0]["client_isn"] = new_c
    t["connections"][0]["server_isn"] = new_s
    save("tcp-seq-wrap", cap, t, BASE,
         f"{BASE} with sequence numbers rewritten: client ISN 2^32-1000, server ISN 2^32-3000, so both "
         "directions' data cross the 2^32 wraparound", "sequence/ack numbers rewritten (checksums recomputed); "
         "plaintext complete", "EN10MB (1)")


def d_port_reuse():
    src = "tls12-rsa-resume-sessionid"
    cap, truth = load(src)
    c1, c2 = truth["connections"]
    p1, p2 = c1["client_port"], c2["client_port"]
    out = []
    for p in pkts(cap):
        r = cap.records[p.index]
        if p.sport == p2:
            r = set_tcp(r, p.l3_off, sport=p1)
        elif p.dport == p2:
            r = set_tcp(r, p.l3_off, dport=p1)
        out.append(r)
    cap.records = out
    t = copy.deepcopy(truth)
    t["connections"][1]["client_port"] = p1
    t["connections"][1]["notes"] += f"; same 4-tuple as connection 1 (client port rewritten from {p2})"
    save("tcp-port-reuse", cap, t, src,
         f"{src} with the second connection's client port rewritten to the first's: two TCP connections "
         "(full handshake, then session-ID resumption) on the same 4-tuple, the second starting after the "
         "first's FIN exchange", "client port of connection 2 rewritten (checksums recomputed)", "EN10MB (1)")


ALL = {
    "tcp-reordered": d_reordered,
    "tcp-retrans-exact": d_retrans_exact,
    "tcp-retrans-overlap": d_retrans_overlap,
    "tcp-lost-segment": d_lost_segment,
    "pcap-truncated": d_truncated,
    "pcap-snaplen96": d_snaplen,
    "link-*": d_links,
    "pcap-nsec/pcap-bigendian": d_formats,
    "pcapng-dsb": d_pcapng_dsb,
    "pcapng-dsb-tls13": d_pcapng_dsb_tls13,
    "ip-fragments": d_fragments,
    "tcp-seq-wrap": d_seq_wrap,
    "tcp-port-reuse": d_port_reuse,
}


def main() -> None:
    want = sys.argv[1:]
    for k, fn in ALL.items():
        if not want or any(w == k or w in k.split("/") or (k.endswith("*") and w.startswith(k[:-1])) for w in want):
            fn()


if __name__ == "__main__":
    main()
