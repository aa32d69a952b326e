"""An independent reader of RocketMQ 4.x store files, written from the spec tables alone
(spec message-and-store §1 commit-log record, §8.2 consume queue, §8.3 index file, §8.4 checkpoint).

It imports nothing from ``rocketmq_ref``: tests use it to check, byte by byte, that what our store
writes is what the spec (and Apache RocketMQ 4.x) says.  Every parse checks what it can and raises
``SpecViolation`` naming the rule broken.
"""
from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass, field


class SpecViolation(AssertionError):
    """Bytes on disk that break a rule of the spec."""


# -- §1 commit-log record -----------------------------------------------------------------------

MAGIC_MESSAGE_V1 = -626843481  # 0xDAA320A7 as a Java int
MAGIC_BLANK = -875286124  # 0xCBD43194 as a Java int


@dataclass
class SpecRecord:
    physical_offset_in_file: int
    total_size: int
    magic: int
    body_crc: int
    queue_id: int
    flag: int
    queue_offset: int
    physical_offset: int
    sys_flag: int
    born_timestamp: int
    born_host: tuple[bytes, int]
    store_timestamp: int
    store_host: tuple[bytes, int]
    reconsume_times: int
    prepared_transaction_offset: int
    body: bytes
    topic: str
    properties: dict[str, str] = field(default_factory=dict)


def _be(fmt: str, data: bytes, pos: int):
    return struct.unpack_from(">" + fmt, data, pos)


def read_commitlog_file(path: str, file_from_offset: int | None = None) -> tuple[list[SpecRecord], bool]:
    """All records of one commit-log file.  Returns (records, ended_with_blank).

    Reading stops at the first zero TOTALSIZE (end of written data) or at a blank record, which
    must carry exactly the bytes left in the file.
    """
    data = open(path, "rb").read()
    if file_from_offset is None:
        name = os.path.basename(path)
        if len(name) != 20 or not name.isdigit():
            raise SpecViolation(f"commit-log file name {name!r} is not 20 digits (§8.1)")
        file_from_offset = int(name)
    pos = 0
    records: list[SpecRecord] = []
    while pos + 8 <= len(data):
        total_size, magic = _be("ii", data, pos)
        if total_size == 0:
            if any(data[pos:]):
                raise SpecViolation(f"non-zero bytes after the end of data at {pos}")
            return records, False
        if magic == MAGIC_BLANK:
            if total_size != len(data) - pos:
                raise SpecViolation(f"blank record at {pos} says {total_size} bytes remain, "
                                    f"{len(data) - pos} do (§1)")
            return records, True
        if magic != MAGIC_MESSAGE_V1:
            raise SpecViolation(f"record at {pos}: magic {magic:#x} is neither message v1 nor blank (§1)")
        rec = _parse_record(data[pos:pos + total_size], pos, file_from_offset)
        records.append(rec)
        pos += total_size
    return records, False


def _parse_record(r: bytes, pos: int, file_from_offset: int) -> SpecRecord:
    total_size, magic, body_crc, queue_id, flag, queue_offset, physical_offset, sys_flag, born_ts = \
        _be("iiiiiqqiq", r, 0)
    p = 48
    born_v6 = bool(sys_flag & 0x10)
    store_v6 = bool(sys_flag & 0x20)
    ip_len = 16 if born_v6 else 4
    born_host = (r[p:p + ip_len], _be("i", r, p + ip_len)[0])
    p += ip_len + 4
    store_ts = _be("q", r, p)[0]
    p += 8
    ip_len = 16 if store_v6 else 4
    store_host = (r[p:p + ip_len], _be("i", r, p + ip_len)[0])
    p += ip_len + 4
    reconsume, prepared = _be("iq", r, p)
    p += 12
    body_len = _be("i", r, p)[0]
    body = r[p + 4:p + 4 + body_len]
    p += 4 + body_len
    topic_len = _be("b", r, p)[0]  # signed byte (§1 field 16)
    topic = r[p + 1:p + 1 + topic_len].decode("utf-8")
    p += 1 + topic_len
    props_len = _be("h", r, p)[0]  # signed short (§1 field 17)
    props_text = r[p + 2:p + 2 + props_len].decode("utf-8")
    p += 2 + props_len
    expected = 91 + body_len + topic_len + props_len + (12 if born_v6 else 0) + (12 if store_v6 else 0)
    if p != total_size or expected != total_size:
        raise SpecViolation(f"record at {pos}: TOTALSIZE {total_size}, fields end at {p}, "
                            f"formula gives {expected} (§1 length formula)")
    if body_crc != zlib.crc32(body) & 0x7FFFFFFF:
        raise SpecViolation(f"record at {pos}: BODYCRC is not CRC32(body) & 0x7FFFFFFF (§1 field 3)")
    if physical_offset != file_from_offset + pos:
        raise SpecViolation(f"record at {pos}: PHYSICALOFFSET {physical_offset} != "
                            f"{file_from_offset + pos} (§1 field 7)")
    props: dict[str, str] = {}
    if props_text:
        if props_text.endswith("\x02"):
            raise SpecViolation(f"record at {pos}: properties end with \\u0002 (§3)")
        for seg in props_text.split("\x02"):
            if "\x01" not in seg:
                raise SpecViolation(f"record at {pos}: property {seg!r} has no \\u0001 (§3)")
            name, value = seg.split("\x01", 1)
            props[name] = value
    return SpecRecord(pos, total_size, magic, body_crc, queue_id, flag, queue_offset, physical_offset,
                      sys_flag, born_ts, born_host, store_ts, store_host, reconsume, prepared, body,
                      topic, props)


def read_commitlog_dir(path: str, file_size: int) -> list[SpecRecord]:
    """Every record of a commit-log directory; checks names, sizes and the blank-record hand-over."""
    names = sorted(os.listdir(path))
    out: list[SpecRecord] = []
    for i, name in enumerate(names):
        full = os.path.join(path, name)
        if os.path.getsize(full) != file_size:
            raise SpecViolation(f"{name}: {os.path.getsize(full)} bytes, files are preallocated to "
                                f"{file_size} (§8.1)")
        if int(name) != i * file_size + int(names[0]):
            raise SpecViolation(f"{name}: not the start offset of file #{i} (§8.1)")
        records, blank = read_commitlog_file(full)
        out.extend(records)
        if not blank and i + 1 < len(names) and records_in(os.path.join(path, names[i + 1])):
            raise SpecViolation(f"{name}: data continues in the next file without a blank record (§1)")
    return out


def records_in(path: str) -> bool:
    """Whether the file starts with a record: a whole, non-zero TOTALSIZE (an empty or short file,
    or a preallocated one still all zeros, holds none)."""
    with open(path, "rb") as f:
        head = f.read(4)
    return len(head) == 4 and head != b"\0\0\0\0"


# -- Java String.hashCode (§7), written here again on purpose: the reader shares nothing -----------

def java_hash(s: str) -> int:
    h = 0
    data = s.encode("utf-16-be")
    for i in range(0, len(data), 2):
        h = (31 * h + int.from_bytes(data[i:i + 2], "big")) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h


# -- §8.2 consume queue --------------------------------------------------------------------------

CQ_UNIT = 20


@dataclass
class SpecUnit:
    queue_offset: int
    commit_log_offset: int
    size: int
    tags_code: int


def read_consume_queue_dir(path: str, file_size: int) -> list[SpecUnit]:
    """The written units of one ``consumequeue/<topic>/<queueId>`` directory, in queue order."""
    units: list[SpecUnit] = []
    names = sorted(os.listdir(path))
    for name in names:
        full = os.path.join(path, name)
        if len(name) != 20 or not name.isdigit() or int(name) % file_size:
            raise SpecViolation(f"consume-queue file name {name!r} is not a 20-digit multiple of the "
                                f"file size (§8.2)")
        data = open(full, "rb").read()
        if len(data) != file_size:
            raise SpecViolation(f"{name}: {len(data)} bytes, expected {file_size} (§8.2)")
        for pos in range(0, file_size, CQ_UNIT):
            off, size, tags = _be("qiq", data, pos)
            if off == 0 and size == 0 and tags == 0:
                break
            units.append(SpecUnit((int(name) + pos) // CQ_UNIT, off, size, tags))
    return units


# -- §8.3 index file ------------------------------------------------------------------------------

@dataclass
class SpecIndexEntry:
    number: int
    key_hash: int
    phy_offset: int
    time_diff: int
    prev_index: int


@dataclass
class SpecIndexFile:
    begin_timestamp: int
    end_timestamp: int
    begin_phy_offset: int
    end_phy_offset: int
    hash_slot_count: int
    index_count: int
    slots: dict[int, int]  # slot -> newest entry (non-empty slots only)
    entries: list[SpecIndexEntry]
    slot_num: int

    def lookup(self, topic: str, key: str) -> list[int]:
        """Commit-log offsets stored under ``topic#key``, newest first, by walking the slot chain."""
        h = abs(java_hash(topic + "#" + key))
        if h >= 1 << 31:
            h = 0
        n = self.slots.get(h % self.slot_num, 0)
        out = []
        seen = set()
        while 0 < n < self.index_count and n not in seen:
            seen.add(n)
            e = self.entries[n - 1]
            if e.key_hash == h:
                out.append(e.phy_offset)
            n = e.prev_index
        return out


def read_index_file(path: str, slot_num: int, index_num: int) -> SpecIndexFile:
    data = open(path, "rb").read()
    name = os.path.basename(path)
    if len(name) != 17 or not name.isdigit():
        raise SpecViolation(f"index file name {name!r} is not yyyyMMddHHmmssSSS (§8.1)")
    if len(data) != 40 + slot_num * 4 + index_num * 20:
        raise SpecViolation(f"index file is {len(data)} bytes, not 40 + {slot_num}*4 + {index_num}*20 (§8.3)")
    bt, et, bp, ep, slot_count, index_count = _be("qqqqii", data, 0)
    if index_count < 1:
        raise SpecViolation("indexCount starts at 1 (§8.3)")
    slots = {}
    for s in range(slot_num):
        v = _be("i", data, 40 + s * 4)[0]
        if v:
            if not 0 < v < index_count:
                raise SpecViolation(f"slot {s} holds {v}, outside 1..{index_count - 1} (§8.3)")
            slots[s] = v
    if len(slots) != slot_count:
        raise SpecViolation(f"hashSlotCount {slot_count} but {len(slots)} slots are used (§8.3)")
    base = 40 + slot_num * 4
    if any(data[base:base + 20]):
        raise SpecViolation("entry 0 is never used (§8.3)")
    entries = []
    for n in range(1, index_count):
        key_hash, phy, diff, prev = _be("iqii", data, base + n * 20)
        if not 0 <= prev < n:
            raise SpecViolation(f"entry {n}: prevIndex {prev} is not an earlier entry (§8.3)")
        entries.append(SpecIndexEntry(n, key_hash, phy, diff, prev))
    return SpecIndexFile(bt, et, bp, ep, slot_count, index_count, slots, entries, slot_num)


# -- §8.4 checkpoint ------------------------------------------------------------------------------

def read_checkpoint(path: str) -> tuple[int, int, int]:
    """(physicMsgTimestamp, logicsMsgTimestamp, indexMsgTimestamp)."""
    data = open(path, "rb").read()
    if len(data) != 4096:
        raise SpecViolation(f"checkpoint is {len(data)} bytes, mapped as one 4096-byte page (§8.4)")
    return _be("qqq", data, 0)
