"""Small, dependency-free pcap / pcapng reader and writer plus IPv4/IPv6/TCP
parsing and building, used by the sample generators and the checker.

Only what the samples need: classic pcap (both byte orders, micro- and
nanosecond magic), pcapng reading (SHB/IDB/EPB/SPB), link types EN10MB (1),
NULL (0), RAW (101 / 12), LINUX_SLL (113) and LINUX_SLL2 (276), 802.1Q/802.1ad
tags, IPv4 (with fragments left as they are) and IPv6, TCP.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Iterator, List, Optional, Tuple

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_DLT_RAW = 12
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276

MAGIC_US = 0xA1B2C3D4
MAGIC_NS = 0xA1B23C4D


@dataclass
class Record:
    ts_sec: int
    ts_frac: int          # micro- or nanoseconds, per file
    data: bytes           # captured bytes
    orig_len: int
    linktype: int = LINKTYPE_ETHERNET
    iface: int = 0

    def copy(self, **kw) -> "Record":
        d = dict(ts_sec=self.ts_sec, ts_frac=self.ts_frac, data=self.data,
                 orig_len=self.orig_len, linktype=self.linktype, iface=self.iface)
        d.update(kw)
        return Record(**d)


@dataclass
class Capture:
    linktype: int
    snaplen: int = 262144
    nanos: bool = False
    big_endian: bool = False
    records: List[Record] = field(default_factory=list)
    fmt: str = "pcap"     # "pcap" or "pcapng"


# --------------------------------------------------------------------------
# reading

def read_capture(path: str) -> Capture:
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) >= 4 and buf[:4] == b"\x0a\x0d\x0d\x0a":
        return _read_pcapng(buf)
    return _read_pcap(buf)


def _read_pcap(buf: bytes) -> Capture:
    magic_le = struct.unpack_from("<I", buf, 0)[0]
    magic_be = struct.unpack_from(">I", buf, 0)[0]
    if magic_le in (MAGIC_US, MAGIC_NS):
        e, magic, be = "<", magic_le, False
    elif magic_be in (MAGIC_US, MAGIC_NS):
        e, magic, be = ">", magic_be, True
    else:
        raise ValueError("not a pcap file")
    _vmaj, _vmin, _tz, _sig, snaplen, linktype = struct.unpack_from(e + "HHiIII", buf, 4)
    cap = Capture(linktype=linktype & 0x0FFFFFFF, snaplen=snaplen, nanos=(magic == MAGIC_NS), big_endian=be)
    off = 24
    while off + 16 <= len(buf):
        ts_sec, ts_frac, incl, orig = struct.unpack_from(e + "IIII", buf, off)
        off += 16
        data = buf[off:off + incl]
        off += incl
        cap.records.append(Record(ts_sec, ts_frac, data, orig, cap.linktype))
        if len(data) < incl:      # truncated file: keep the partial record
            break
    return cap


def _read_pcapng(buf: bytes) -> Capture:
    off = 0
    e = "<"
    ifaces: List[Tuple[int, int]] = []   # (linktype, tsresol as 10^-x exponent or -bits)
    cap: Optional[Capture] = None
    while off + 12 <= len(buf):
        btype = struct.unpack_from(e + "I", buf, off)[0]
        if btype == 0x0A0D0D0A:
            bom = buf[off + 8:off + 12]
            e = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            ifaces = []
        blen = struct.unpack_from(e + "I", buf, off + 4)[0]
        body = buf[off + 8:off + blen - 4]
        if btype == 1:   # IDB
            lt, _res, snap = struct.unpack_from(e + "HHI", body, 0)
            tsres = 6
            o = 8
            while o + 4 <= len(body):
                code, olen = struct.unpack_from(e + "HH", body, o)
                if code == 0:
                    break
                if code == 9 and olen >= 1:
                    tsres = body[o + 4]
                o += 4 + ((olen + 3) & ~3)
            ifaces.append((lt, tsres))
            if cap is None:
                cap = Capture(linktype=lt, snaplen=snap, fmt="pcapng")
        elif btype == 6:  # EPB
            iid, tsh, tsl, caplen, olen = struct.unpack_from(e + "IIIII", body, 0)
            lt, tsres = ifaces[iid]
            ts = (tsh << 32) | tsl
            if tsres & 0x80:
                div = 1 << (tsres & 0x7F)
            else:
                div = 10 ** tsres
            sec, frac = divmod(ts, div)
            frac_us = frac * 1_000_000 // div
            cap.records.append(Record(sec, frac_us, body[20:20 + caplen], olen, lt, iid))
        elif btype == 3:  # SPB
            olen = struct.unpack_from(e + "I", body, 0)[0]
            lt, _ = ifaces[0]
            cap.records.append(Record(0, 0, body[4:4 + olen], olen, lt, 0))
        off += blen
    if cap is None:
        raise ValueError("pcapng without interface")
    return cap


# --------------------------------------------------------------------------
# writing

def write_pcap(path: str, cap: Capture, truncate_at: Optional[int] = None) -> None:
    e = ">" if cap.big_endian else "<"
    magic = MAGIC_NS if cap.nanos else MAGIC_US
    out = bytearray(struct.pack(e + "IHHiIII", magic, 2, 4, 0, 0, cap.snaplen, cap.linktype))
    for r in cap.records:
        out += struct.pack(e + "IIII", r.ts_sec, r.ts_frac, len(r.data), r.orig_len)
        out += r.data
    if truncate_at is not None:
        out = out[:truncate_at]
    with open(path, "wb") as f:
        f.write(out)


# --------------------------------------------------------------------------
# packet parsing

@dataclass
class Packet:
    index: int
    record: Record
    ip_version: int
    src: str
    dst: str
    proto: int
    # TCP (when proto == 6 and not a non-first fragment)
    sport: int = 0
    dport: int = 0
    seq: int = 0
    ack: int = 0
    flags: int = 0
    payload: bytes = b""
    # offsets of the layers inside record.data
    l3_off: int = 0
    l4_off: int = 0
    frag: bool = False

    @property
    def syn(self) -> bool:
        return bool(self.flags & 0x02)

    @property
    def fin(self) -> bool:
        return bool(self.flags & 0x01)

    @property
    def rst(self) -> bool:
        return bool(self.flags & 0x04)


def _ip4(b: bytes) -> str:
    return ".".join(str(x) for x in b)


def _ip6(b: bytes) -> str:
    import ipaddress
    return str(ipaddress.IPv6Address(b))


def l3_offset(linktype: int, data: bytes) -> Tuple[int, int]:
    """Return (offset of the IP header, ethertype-ish: 4 or 6 or 0)."""
    if linktype == LINKTYPE_ETHERNET:
        off = 12
        et = struct.unpack_from(">H", data, off)[0]
        off += 2
        while et in (0x8100, 0x88A8, 0x9100):
            et = struct.unpack_from(">H", data, off + 2)[0]
            off += 4
        return off, {0x0800: 4, 0x86DD: 6}.get(et, 0)
    if linktype == LINKTYPE_LINUX_SLL:
        et = struct.unpack_from(">H", data, 14)[0]
        return 16, {0x0800: 4, 0x86DD: 6}.get(et, 0)
    if linktype == LINKTYPE_LINUX_SLL2:
        et = struct.unpack_from(">H", data, 0)[0]
        return 20, {0x0800: 4, 0x86DD: 6}.get(et, 0)
    if linktype == LINKTYPE_NULL:
        fam = struct.unpack_from("<I", data, 0)[0]
        if fam > 0xFFFF:
            fam = struct.unpack_from(">I", data, 0)[0]
        return 4, 4 if fam == 2 else (6 if fam in (10, 24, 28, 30) else 0)
    if linktype in (LINKTYPE_RAW, LINKTYPE_DLT_RAW, 228, 229):
        return 0, data[0] >> 4 if data else 0
    raise ValueError(f"unsupported linktype {linktype}")


def parse_packet(index: int, rec: Record) -> Optional[Packet]:
    data = rec.data
    try:
        off, v = l3_offset(rec.linktype, data)
    except (struct.error, ValueError):
        return None
    if v == 4 and len(data) >= off + 20:
        ihl = (data[off] & 0x0F) * 4
        total = struct.unpack_from(">H", data, off + 2)[0]
        fragword = struct.unpack_from(">H", data, off + 6)[0]
        proto = data[off + 9]
        p = Packet(index, rec, 4, _ip4(data[off + 12:off + 16]), _ip4(data[off + 16:off + 20]), proto, l3_off=off)
        p.frag = bool(fragword & 0x2000) or (fragword & 0x1FFF) != 0
        l4 = off + ihl
        end = min(len(data), off + total)
        if p.frag:
            return p
    elif v == 6 and len(data) >= off + 40:
        plen = struct.unpack_from(">H", data, off + 4)[0]
        proto = data[off + 6]
        p = Packet(index, rec, 6, _ip6(data[off + 8:off + 24]), _ip6(data[off + 24:off + 40]), proto, l3_off=off)
        l4 = off + 40
        end = min(len(data), l4 + plen)
    else:
        return None
    p.l4_off = l4
    if proto == 6 and len(data) >= l4 + 20:
        p.sport, p.dport, p.seq, p.ack, doff_flags = struct.unpack_from(">HHIIH", data, l4)
        doff = (doff_flags >> 12) * 4
        p.flags = doff_flags & 0x1FF
        p.payload = data[l4 + doff:end]
    return p


def packets(cap: Capture) -> Iterator[Packet]:
    for i, r in enumerate(cap.records):
        p = parse_packet(i, r)
        if p is not None:
            yield p


# --------------------------------------------------------------------------
# building / checksums

def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def fix_checksums(data: bytes, l3_off: int) -> bytes:
    """Recompute the IPv4 header and TCP checksums of a full (unfragmented,
    untruncated) IPv4/IPv6 TCP packet starting at l3_off."""
    b = bytearray(data)
    v = b[l3_off] >> 4
    if v == 4:
        ihl = (b[l3_off] & 0x0F) * 4
        total = struct.unpack_from(">H", b, l3_off + 2)[0]
        b[l3_off + 10:l3_off + 12] = b"\0\0"
        struct.pack_into(">H", b, l3_off + 10, checksum(bytes(b[l3_off:l3_off + ihl])))
        if b[l3_off + 9] != 6:
            return bytes(b)
        l4 = l3_off + ihl
        seg = b[l4:l3_off + total]
        pseudo = bytes(b[l3_off + 12:l3_off + 20]) + struct.pack(">BBH", 0, 6, len(seg))
    else:
        plen = struct.unpack_from(">H", b, l3_off + 4)[0]
        if b[l3_off + 6] != 6:
            return bytes(b)
        l4 = l3_off + 40
        seg = b[l4:l4 + plen]
        pseudo = bytes(b[l3_off + 8:l3_off + 40]) + struct.pack(">IxxxB", len(seg), 6)
    seg[16:18] = b"\0\0"
    struct.pack_into(">H", b, l4 + 16, checksum(pseudo + bytes(seg)))
    return bytes(b)


def conversations(cap: Capture):
    """Group TCP packets into connections keyed by (client, cport, server, sport).
    A new SYN (without ACK) on a 4-tuple after a FIN starts a new connection.
    Returns a list of dicts in order of first appearance."""
    convs = []
    open_by_key = {}
    for p in packets(cap):
        if p.proto != 6 or p.frag:
            continue
        k = tuple(sorted([(p.src, p.sport), (p.dst, p.dport)]))
        is_syn_only = p.syn and not (p.flags & 0x10)
        c = open_by_key.get(k)
        if c is None or (is_syn_only and c["closed"]):
            if is_syn_only:
                client, server = (p.src, p.sport), (p.dst, p.dport)
            else:
                client, server = (p.src, p.sport), (p.dst, p.dport)
            c = {"client": client, "server": server, "packets": [], "closed": False, "first": p.index}
            open_by_key[k] = c
            convs.append(c)
        c["packets"].append(p)
        if p.fin or p.rst:
            c["closed"] = True
    return convs
