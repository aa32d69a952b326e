"""store_dump: print store files field by field (book B4.5's byte-level tour: B4.5.1 commit log, B4.5.2
consume queue, B4.5.3 index, B4.5.4 checkpoint).

    python -m rocketmq_ref.tools.store_dump commitlog   STORE/commitlog[/00000000000000000000]
    python -m rocketmq_ref.tools.store_dump consumequeue STORE/consumequeue/TopicTest/0 [--commitlog STORE/commitlog]
    python -m rocketmq_ref.tools.store_dump index       STORE/index/20240101120000000 [--key 'TopicTest#k1']
    python -m rocketmq_ref.tools.store_dump checkpoint  STORE/checkpoint

Each field is printed with its position (absolute file offset and offset inside the record), its
value and, with ``--hex``, its raw bytes.  The layouts are read here from the spec alone (only the
key hash and tags hash come from the store's helpers), so the tool doubles as a check of what the
store wrote; ``consumequeue --commitlog`` and ``index --key`` follow the links between files.  A
truncated or corrupt file prints everything valid before the damage, then a line saying what is wrong
and where, and the tool exits with status 1.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import mmap
import os
import struct
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

MESSAGE_MAGIC_CODE = 0xDAA320A7
MESSAGE_MAGIC_CODE_V2 = 0xDAA320AB  # 5.x: 2-byte topic length
BLANK_MAGIC_CODE = 0xCBD43194
BORNHOST_V6_FLAG = 0x10
STOREHOSTADDRESS_V6_FLAG = 0x20
CQ_STORE_UNIT_SIZE = 20
INDEX_HEADER_SIZE = 40
DEFAULT_HASH_SLOT_NUM = 5_000_000
DEFAULT_INDEX_NUM = 20_000_000
_INT_MAX = 0x7FFFFFFF

_TRANSACTION_TYPES = {0x0: "NOT_TYPE", 0x4: "PREPARED_TYPE", 0x8: "COMMIT_TYPE", 0xC: "ROLLBACK_TYPE"}


class StoreDumpError(Exception):
    """A file the tool cannot read past: truncated, corrupt, or not the kind named."""


@dataclass(slots=True)
class Field:
    name: str
    offset: int  # inside the record
    size: int
    value: object
    note: str = ""


@dataclass(slots=True)
class Record:
    """One parsed commit-log record (or blank end-of-file record)."""

    offset: int  # absolute commit-log offset
    total_size: int
    blank: bool
    fields: list[Field] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def value(self, name: str) -> object:
        for f in self.fields:
            if f.name == name:
                return f.value
        raise KeyError(name)


def human_time(ms: int) -> str:
    """``yyyy-MM-dd HH:mm:ss.SSS`` in local time, as Java's ``UtilAll.timeMillisToHumanString2``."""
    if ms <= 0:
        return "-"
    try:
        t = _dt.datetime.fromtimestamp(ms / 1000)
    except (OverflowError, OSError, ValueError):
        return "out of range"
    return t.strftime("%Y-%m-%d %H:%M:%S.") + f"{ms % 1000:03d}"


def _file_start_offset(path: str) -> int:
    name = os.path.basename(path)
    return int(name) if name.isdigit() else 0


def _open_map(path: str):
    try:
        f = open(path, "rb")
    except OSError as e:
        raise StoreDumpError(f"{path}: cannot open: {e.strerror}") from None
    with f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            return b""
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def _files_of(path: str) -> list[str]:
    if os.path.isdir(path):
        names = sorted(n for n in os.listdir(path) if os.path.isfile(os.path.join(path, n)))
        if not names:
            raise StoreDumpError(f"{path}: directory holds no files")
        return [os.path.join(path, n) for n in names]
    if not os.path.exists(path):
        raise StoreDumpError(f"{path}: no such file or directory")
    return [path]


def _host(buf: memoryview, pos: int, v6: bool) -> tuple[str, int]:
    if v6:
        import ipaddress
        ip = str(ipaddress.IPv6Address(bytes(buf[pos:pos + 16])))
        port = struct.unpack_from(">i", buf, pos + 16)[0]
        return f"[{ip}]:{port}", 20
    a, b, c, d = buf[pos:pos + 4]
    port = struct.unpack_from(">i", buf, pos + 4)[0]
    return f"{a}.{b}.{c}.{d}:{port}", 8


def decode_properties(text: str) -> dict[str, str]:
    """Properties string -> map, with 4.9.x's rule: ``name\\x01value`` pairs joined by ``\\x02``."""
    out: dict[str, str] = {}
    for seg in text.split("\x02"):
        if len(seg) >= 3 and "\x01" in seg:
            name, value = seg.split("\x01", 1)
            if name and value:
                out[name] = value
    return out


def parse_commitlog_record(buf: memoryview, pos: int, base_offset: int) -> Record | None:
    """Parse the record starting at ``pos`` of a file starting at commit-log offset ``base_offset``.

    Returns None at the end of written data (TOTALSIZE and MAGIC both zero); raises StoreDumpError
    when the record is truncated or cannot be a record at all.
    """
    absolute = base_offset + pos
    remaining = len(buf) - pos
    if remaining < 8:
        if any(buf[pos:]):
            raise StoreDumpError(f"truncated record at offset {absolute}: only {remaining} bytes left")
        return None
    total_size, magic = struct.unpack_from(">iI", buf, pos)
    if total_size == 0 and magic == 0:
        return None
    if magic == BLANK_MAGIC_CODE:
        rec = Record(absolute, total_size, True)
        rec.fields.append(Field("TOTALSIZE", 0, 4, total_size, "bytes left in the file"))
        rec.fields.append(Field("MAGICCODE", 4, 4, f"0x{magic:08X}", "BLANK (end of file)"))
        if total_size != remaining:
            rec.problems.append(f"blank record says {total_size} bytes remain, the file has {remaining}")
        return rec
    if magic not in (MESSAGE_MAGIC_CODE, MESSAGE_MAGIC_CODE_V2):
        raise StoreDumpError(f"corrupt record at offset {absolute}: magic 0x{magic:08X} is neither a "
                             f"message (0x{MESSAGE_MAGIC_CODE:08X}) nor a blank (0x{BLANK_MAGIC_CODE:08X})")
    if total_size < 91:
        raise StoreDumpError(f"corrupt record at offset {absolute}: TOTALSIZE {total_size} is below "
                             "the 91-byte minimum")
    if total_size > remaining:
        raise StoreDumpError(f"truncated record at offset {absolute}: TOTALSIZE says {total_size} bytes "
                             f"but only {remaining} remain in the file")
    rec = Record(absolute, total_size, False)
    r = buf[pos:pos + total_size]
    add = rec.fields.append
    try:
        add(Field("TOTALSIZE", 0, 4, total_size))
        add(Field("MAGICCODE", 4, 4, f"0x{magic:08X}",
                  "message v1" if magic == MESSAGE_MAGIC_CODE else "message v2 (5.x, 2-byte topic length)"))
        body_crc, queue_id, flag, queue_offset, physical_offset, sys_flag, born_ts = struct.unpack_from(
            ">iiiqqiq", r, 8)
        add(Field("BODYCRC", 8, 4, body_crc))
        add(Field("QUEUEID", 12, 4, queue_id))
        add(Field("FLAG", 16, 4, flag))
        add(Field("QUEUEOFFSET", 20, 8, queue_offset))
        add(Field("PHYSICALOFFSET", 28, 8, physical_offset))
        if physical_offset != absolute:
            rec.problems.append(f"PHYSICALOFFSET {physical_offset} differs from the record's position {absolute}")
        tran = _TRANSACTION_TYPES[sys_flag & 0xC]
        add(Field("SYSFLAG", 36, 4, sys_flag, f"0x{sys_flag:X} {tran}"
                  + (" COMPRESSED" if sys_flag & 1 else "")
                  + (" BORNHOST_V6" if sys_flag & BORNHOST_V6_FLAG else "")
                  + (" STOREHOST_V6" if sys_flag & STOREHOSTADDRESS_V6_FLAG else "")))
        add(Field("BORNTIMESTAMP", 40, 8, born_ts, human_time(born_ts)))
        p = 48
        born_host, n = _host(r, p, bool(sys_flag & BORNHOST_V6_FLAG))
        add(Field("BORNHOST", p, n, born_host))
        p += n
        store_ts = struct.unpack_from(">q", r, p)[0]
        add(Field("STORETIMESTAMP", p, 8, store_ts, human_time(store_ts)))
        p += 8
        store_host, n = _host(r, p, bool(sys_flag & STOREHOSTADDRESS_V6_FLAG))
        add(Field("STOREHOSTADDRESS", p, n, store_host))
        p += n
        reconsume, prepared = struct.unpack_from(">iq", r, p)
        add(Field("RECONSUMETIMES", p, 4, reconsume))
        add(Field("PREPAREDTRANSACTIONOFFSET", p + 4, 8, prepared))
        p += 12
        body_len = struct.unpack_from(">i", r, p)[0]
        if body_len < 0 or p + 4 + body_len > total_size:
            raise StoreDumpError(f"corrupt record at offset {absolute}: BODYLENGTH {body_len} runs past "
                                 f"TOTALSIZE {total_size}")
        add(Field("BODYLENGTH", p, 4, body_len))
        body = bytes(r[p + 4:p + 4 + body_len])
        crc = zlib.crc32(body) & _INT_MAX
        add(Field("BODY", p + 4, body_len, body))
        if crc != body_crc:
            rec.problems.append(f"BODYCRC {body_crc} does not match the body's CRC32 {crc}")
        p += 4 + body_len
        if magic == MESSAGE_MAGIC_CODE:
            topic_len = struct.unpack_from(">b", r, p)[0]
            tl_size = 1
        else:
            topic_len = struct.unpack_from(">h", r, p)[0]
            tl_size = 2
        if topic_len < 0 or p + tl_size + topic_len > total_size:
            raise StoreDumpError(f"corrupt record at offset {absolute}: TOPICLENGTH {topic_len} runs past "
                                 f"TOTALSIZE {total_size}")
        add(Field("TOPICLENGTH", p, tl_size, topic_len))
        topic = bytes(r[p + tl_size:p + tl_size + topic_len]).decode("utf-8", "replace")
        add(Field("TOPIC", p + tl_size, topic_len, topic))
        p += tl_size + topic_len
        props_len = struct.unpack_from(">h", r, p)[0]
        if props_len < 0 or p + 2 + props_len > total_size:
            raise StoreDumpError(f"corrupt record at offset {absolute}: PROPERTIESLENGTH {props_len} runs "
                                 f"past TOTALSIZE {total_size}")
        add(Field("PROPERTIESLENGTH", p, 2, props_len))
        props = bytes(r[p + 2:p + 2 + props_len]).decode("utf-8", "replace")
        add(Field("PROPERTIES", p + 2, props_len, decode_properties(props)))
        p += 2 + props_len
        if p != total_size:
            rec.problems.append(f"fields end at {p} bytes but TOTALSIZE is {total_size}")
    except struct.error:
        raise StoreDumpError(f"corrupt record at offset {absolute}: fields run past TOTALSIZE "
                             f"{total_size}") from None
    finally:
        r.release()
    return rec


def iter_commitlog(path: str, start_offset: int | None = None) -> Iterator[tuple[str, int, Record | None]]:
    """Records of one commit-log file or of every file in a commit-log directory, in order, from
    commit-log offset ``start_offset`` when given (it must be the first byte of a record).
    Yields ``(file, position, record)``; record None marks the end of written data in a file."""
    files = _files_of(path)
    if start_offset is not None:
        files = [f for f in files if _file_start_offset(f) + os.path.getsize(f) > start_offset]
        if not files or _file_start_offset(files[0]) > start_offset:
            raise StoreDumpError(f"{path}: no commit-log file holds offset {start_offset}")
    for file in files:
        mapping = _open_map(file)
        buf = memoryview(mapping)
        try:
            base = _file_start_offset(file)
            pos = start_offset - base if start_offset is not None and start_offset > base else 0
            while True:
                rec = parse_commitlog_record(buf, pos, base)
                if rec is None:
                    yield file, pos, None
                    break
                yield file, pos, rec
                if rec.blank:
                    break
                pos += rec.total_size
        finally:
            buf.release()
            if isinstance(mapping, mmap.mmap):
                mapping.close()


def _fmt_value(f: Field, show_body: int) -> str:
    if f.name == "BODY":
        body: bytes = f.value  # type: ignore[assignment]
        shown = body[:show_body]
        text = shown.decode("utf-8", "backslashreplace")
        more = f" ... (+{len(body) - len(shown)} bytes)" if len(body) > len(shown) else ""
        return repr(text) + more
    if f.name == "PROPERTIES":
        props: dict = f.value  # type: ignore[assignment]
        return "{" + ", ".join(f"{k}={v}" for k, v in props.items()) + "}"
    return str(f.value)


def _print_field(out: TextIO, base: int, f: Field, raw: memoryview | None, show_hex: bool,
                 show_body: int) -> None:
    note = f"  ({f.note})" if f.note else ""
    line = f"  @{base + f.offset:<12} +{f.offset:<5} {f.name:<26} {_fmt_value(f, show_body)}{note}"
    if show_hex and raw is not None and f.size and f.name not in ("BODY", "PROPERTIES", "TOPIC"):
        line += "  [" + bytes(raw[f.offset:f.offset + f.size]).hex(" ") + "]"
    out.write(line + "\n")


def dump_commitlog(path: str, out: TextIO, *, max_records: int | None = None, show_hex: bool = False,
                   show_body: int = 64, start_offset: int | None = None) -> int:
    """Print every record (from ``start_offset`` when given); returns the number of problems found
    (BODYCRC mismatches and such)."""
    problems = 0
    count = 0
    current = None
    for file, pos, rec in iter_commitlog(path, start_offset):
        if file != current:
            current = file
            out.write(f"== commit log file {file} (starts at offset {_file_start_offset(file)}, "
                      f"{os.path.getsize(file)} bytes)\n")
        if rec is None:
            out.write(f"-- end of written data at file position {pos}\n")
            continue
        if max_records is not None and count >= max_records:
            out.write(f"-- stopped after {max_records} records\n")
            return problems
        count += 1
        kind = "BLANK" if rec.blank else "MESSAGE"
        out.write(f"record #{count} {kind} at offset {rec.offset} ({rec.total_size} bytes)\n")
        raw = None
        if show_hex:
            with open(file, "rb") as fh:
                fh.seek(pos)
                raw = memoryview(fh.read(8 if rec.blank else rec.total_size))
        for f in rec.fields:
            _print_field(out, rec.offset, f, raw, show_hex, show_body)
        for p in rec.problems:
            problems += 1
            out.write(f"  !! {p}\n")
    return problems


@dataclass(slots=True)
class CqUnit:
    index: int  # logical offset in the queue
    commit_log_offset: int
    size: int
    tags_code: int

    @property
    def pre_blank(self) -> bool:
        return self.commit_log_offset == 0 and self.size == _INT_MAX and self.tags_code == 0


def iter_consumequeue(path: str) -> Iterator[tuple[str, CqUnit | None]]:
    """Units of a consume-queue file (or every file of a queue directory); None ends a file's data."""
    for file in _files_of(path):
        mapping = _open_map(file)
        try:
            size = len(mapping)
            base = _file_start_offset(file)
            if base % CQ_STORE_UNIT_SIZE:
                raise StoreDumpError(f"{file}: file name {base} is not a multiple of the "
                                     f"{CQ_STORE_UNIT_SIZE}-byte unit")
            whole = size - size % CQ_STORE_UNIT_SIZE
            ended = False
            for pos in range(0, whole, CQ_STORE_UNIT_SIZE):
                off, sz, tags = struct.unpack_from(">qiq", mapping, pos)
                unit = CqUnit((base + pos) // CQ_STORE_UNIT_SIZE, off, sz, tags)
                if off >= 0 and sz > 0:
                    yield file, unit
                    continue
                ended = True
                yield file, None
                break
            if size % CQ_STORE_UNIT_SIZE and not ended:
                raise StoreDumpError(f"{file}: truncated: {size} bytes is not a whole number of "
                                     f"{CQ_STORE_UNIT_SIZE}-byte units ({size % CQ_STORE_UNIT_SIZE} "
                                     f"bytes left over at position {whole})")
            if not ended:
                yield file, None
        finally:
            if isinstance(mapping, mmap.mmap):
                mapping.close()


class CommitLogReader:
    """Random access to the records of a commit-log directory (for following consume-queue units)."""

    def __init__(self, directory: str) -> None:
        self.files = [(_file_start_offset(f), f) for f in _files_of(directory)]
        self._maps: dict[str, object] = {}

    def record_at(self, offset: int) -> Record:
        for start, file in self.files:
            size = os.path.getsize(file)
            if start <= offset < start + size:
                mapping = self._maps.get(file)
                if mapping is None:
                    mapping = self._maps[file] = _open_map(file)
                with memoryview(mapping) as buf:
                    rec = parse_commitlog_record(buf, offset - start, start)
                if rec is None:
                    raise StoreDumpError(f"commit log has no record at offset {offset} (end of data)")
                return rec
        raise StoreDumpError(f"no commit-log file holds offset {offset}")

    def close(self) -> None:
        for mapping in self._maps.values():
            if isinstance(mapping, mmap.mmap):
                mapping.close()
        self._maps.clear()


def _queue_of(path: str) -> tuple[str, int] | None:
    """``(topic, queueId)`` from ``.../<topic>/<queueId>[/<file>]``, if the path has that shape."""
    parts = os.path.normpath(path).split(os.sep)
    if parts and len(parts[-1]) == 20 and parts[-1].isdigit():
        parts = parts[:-1]
    if len(parts) >= 2 and parts[-1].lstrip("-").isdigit():
        return parts[-2], int(parts[-1])
    return None


def dump_consumequeue(path: str, out: TextIO, *, max_units: int | None = None,
                      commitlog: str | None = None) -> int:
    """Print the units; with ``commitlog`` also the record each points at, checking that it is that
    queue's message with that size and tags code.  Returns the number of mismatches."""
    from rocketmq_ref.common.java_hash import tags_string2tags_code

    reader = CommitLogReader(commitlog) if commitlog else None
    queue = _queue_of(path)
    current = None
    count = 0
    problems = 0
    try:
        for file, unit in iter_consumequeue(path):
            if file != current:
                current = file
                out.write(f"== consume queue file {file} (first unit {_file_start_offset(file) // CQ_STORE_UNIT_SIZE})\n")
                out.write(f"  {'queueOffset':>12} {'@file':>10}  {'commitLogOffset':>16} {'size':>10} {'tagsCode':>20}\n")
            if unit is None:
                out.write("-- end of written units\n")
                continue
            if max_units is not None and count >= max_units:
                out.write(f"-- stopped after {max_units} units\n")
                break
            count += 1
            pos = unit.index * CQ_STORE_UNIT_SIZE - _file_start_offset(file)
            note = "  (pre-blank filler)" if unit.pre_blank else ""
            out.write(f"  {unit.index:>12} {pos:>10}  {unit.commit_log_offset:>16} {unit.size:>10} "
                      f"{unit.tags_code:>20}{note}\n")
            if reader is None or unit.pre_blank:
                continue
            try:
                rec = reader.record_at(unit.commit_log_offset)
            except StoreDumpError as e:
                problems += 1
                out.write(f"  !! {e}\n")
                continue
            props: dict = rec.value("PROPERTIES")  # type: ignore[assignment]
            topic, qid, qoff = rec.value("TOPIC"), rec.value("QUEUEID"), rec.value("QUEUEOFFSET")
            tags = props.get("TAGS")
            out.write(f"  {'':>12} {'':>10}  -> {topic}-{qid} queueOffset {qoff}, tags {tags!r}, keys "
                      f"{props.get('KEYS')!r}, stored {human_time(rec.value('STORETIMESTAMP'))}\n")  # type: ignore[arg-type]
            found = []
            if queue is not None and (topic, qid) != queue:
                found.append(f"record belongs to {topic}-{qid}, not {queue[0]}-{queue[1]}")
            if qoff != unit.index:
                found.append(f"record's QUEUEOFFSET {qoff} is not the unit's {unit.index}")
            if rec.total_size != unit.size:
                found.append(f"record is {rec.total_size} bytes, the unit says {unit.size}")
            if "DELAY" not in props and unit.tags_code != tags_string2tags_code(tags):
                found.append(f"tagsCode {unit.tags_code} is not the hash of {tags!r}")
            for f in found:
                problems += 1
                out.write(f"  !! {f}\n")
    finally:
        if reader is not None:
            reader.close()
    return problems


def _index_geometry(size: int, hash_slot_num: int | None, index_num: int | None) -> tuple[int, int]:
    if hash_slot_num is None and index_num is None:
        hash_slot_num, index_num = DEFAULT_HASH_SLOT_NUM, DEFAULT_INDEX_NUM
    elif hash_slot_num is None:
        rest = size - INDEX_HEADER_SIZE - index_num * 20  # type: ignore[operator]
        hash_slot_num = rest // 4 if rest > 0 and rest % 4 == 0 else -1
    elif index_num is None:
        rest = size - INDEX_HEADER_SIZE - hash_slot_num * 4
        index_num = rest // 20 if rest > 0 and rest % 20 == 0 else -1
    expected = INDEX_HEADER_SIZE + hash_slot_num * 4 + index_num * 20  # type: ignore[operator]
    if hash_slot_num <= 0 or index_num <= 0 or expected != size:  # type: ignore[operator]
        raise StoreDumpError(
            f"index file is {size} bytes; 40 + {hash_slot_num} slots x 4 + {index_num} entries x 20 = "
            f"{expected}: truncated, or written with other maxHashSlotNum/maxIndexNum "
            "(give --slots and --entries)")
    return hash_slot_num, index_num  # type: ignore[return-value]


def dump_index(path: str, out: TextIO, *, hash_slot_num: int | None = None, index_num: int | None = None,
               max_entries: int | None = None, show_slots: bool = False, key: str | None = None) -> int:
    """Print header and entries; with ``key`` (``topic#key``) only that key's slot chain, newest first,
    as ``IndexFile#selectPhyOffset`` walks it.  Returns the number of problems found."""
    mapping = _open_map(path)
    try:
        size = len(mapping)
        if size < INDEX_HEADER_SIZE:
            raise StoreDumpError(f"{path}: truncated: {size} bytes, the header alone is 40")
        slots, entries = _index_geometry(size, hash_slot_num, index_num)
        bt, et, bp, ep, slot_count, index_count = struct.unpack_from(">qqqqii", mapping, 0)
        out.write(f"== index file {path} ({size} bytes: {slots} slots, {entries} entries)\n")
        out.write(f"  @0   beginTimestamp  {bt}  ({human_time(bt)})\n")
        out.write(f"  @8   endTimestamp    {et}  ({human_time(et)})\n")
        out.write(f"  @16  beginPhyOffset  {bp}\n")
        out.write(f"  @24  endPhyOffset    {ep}\n")
        out.write(f"  @32  hashSlotCount   {slot_count}\n")
        out.write(f"  @36  indexCount      {index_count}  (entries 1..{index_count - 1} used)\n")
        problems = 0
        if index_count < 0 or index_count > entries:
            raise StoreDumpError(f"{path}: corrupt header: indexCount {index_count} outside 0..{entries}")
        if show_slots:
            out.write("-- used slots (slot -> newest entry)\n")
            for s in range(slots):
                v = struct.unpack_from(">i", mapping, INDEX_HEADER_SIZE + s * 4)[0]
                if v:
                    out.write(f"  slot {s:>9} @{INDEX_HEADER_SIZE + s * 4:<10} -> {v}\n")
                    if v < 0 or v >= index_count:
                        problems += 1
                        out.write(f"  !! slot {s} points at entry {v}, outside 1..{index_count - 1}\n")
        base = INDEX_HEADER_SIZE + slots * 4
        if key is not None:
            return problems + _dump_chain(mapping, out, key, slots, index_count, bt)
        out.write("-- entries\n")
        out.write(f"  {'#':>9} {'@file':>12} {'keyHash':>11} {'slot':>9} {'phyOffset':>14} {'timeDiff(s)':>11} "
                  f"{'prevIndex':>9}  storeTime\n")
        last = index_count - 1
        if max_entries is not None:
            last = min(last, max_entries)
        for n in range(1, last + 1):
            pos = base + n * 20
            key_hash, phy, diff, prev = struct.unpack_from(">iqii", mapping, pos)
            out.write(f"  {n:>9} {pos:>12} {key_hash:>11} {key_hash % slots:>9} {phy:>14} {diff:>11} "
                      f"{prev:>9}  {human_time(bt + diff * 1000) if bt > 0 else '-'}\n")
            if prev < 0 or prev >= n:
                problems += 1
                out.write(f"  !! entry {n}: prevIndex {prev} is not an earlier entry\n")
        if last < index_count - 1:
            out.write(f"-- stopped after {last} entries\n")
        return problems
    finally:
        if isinstance(mapping, mmap.mmap):
            mapping.close()


def _dump_chain(mapping, out: TextIO, key: str, slots: int, index_count: int, begin_timestamp: int) -> int:
    from rocketmq_ref.store.index.index_file import index_key_hash_method

    key_hash = index_key_hash_method(key)
    slot = key_hash % slots
    head = struct.unpack_from(">i", mapping, INDEX_HEADER_SIZE + slot * 4)[0]
    out.write(f"-- key {key!r}: keyHash {key_hash}, slot {slot} @{INDEX_HEADER_SIZE + slot * 4} -> {head}\n")
    base = INDEX_HEADER_SIZE + slots * 4
    n, seen, problems = head, set(), 0
    while 0 < n < index_count:
        if n in seen:
            problems += 1
            out.write(f"  !! the chain loops back to entry {n}\n")
            break
        seen.add(n)
        h, phy, diff, prev = struct.unpack_from(">iqii", mapping, base + n * 20)
        mark = "MATCH" if h == key_hash else "other key"
        when = human_time(begin_timestamp + diff * 1000) if begin_timestamp > 0 else "-"
        out.write(f"  entry {n:>9} @{base + n * 20:<12} keyHash {h:>11} phyOffset {phy:>14} {when}  "
                  f"prev {prev:<9} {mark}\n")
        n = prev
    if head and not seen:
        problems += 1
        out.write(f"  !! slot points at entry {head}, outside 1..{index_count - 1}\n")
    return problems


def dump_checkpoint(path: str, out: TextIO) -> int:
    mapping = _open_map(path)
    try:
        size = len(mapping)
        if size < 24:
            raise StoreDumpError(f"{path}: truncated: {size} bytes, a checkpoint holds three 8-byte "
                                 "timestamps (4.x maps 4096 bytes)")
        physic, logics, index = struct.unpack_from(">qqq", mapping, 0)
        out.write(f"== checkpoint {path} ({size} bytes)\n")
        out.write(f"  @0   physicMsgTimestamp  {physic}  ({human_time(physic)})\n")
        out.write(f"  @8   logicsMsgTimestamp  {logics}  ({human_time(logics)})\n")
        out.write(f"  @16  indexMsgTimestamp   {index}  ({human_time(index)})\n")
        if size >= 40 and any(mapping[24:40]):  # 5.x adds two offsets
            master_flushed, confirm = struct.unpack_from(">qq", mapping, 24)
            out.write(f"  @24  masterFlushedOffset {master_flushed}  (5.x)\n")
            out.write(f"  @32  confirmPhyOffset    {confirm}  (5.x)\n")
        minimum = min(physic, logics)
        out.write(f"  recovery starts from min(physic, logics) - 3000 ms = {minimum - 3000}  "
                  f"({human_time(minimum - 3000)})\n")
        return 0
    finally:
        if isinstance(mapping, mmap.mmap):
            mapping.close()


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="python -m rocketmq_ref.tools.store_dump",
                                     description="Print RocketMQ 4.x store files field by field (book B4.5).")
    sub = parser.add_subparsers(dest="kind", required=True)
    p = sub.add_parser("commitlog", help="commit-log file or directory")
    p.add_argument("path")
    p.add_argument("--max", type=int, default=None, help="stop after N records")
    p.add_argument("--hex", action="store_true", help="show each field's raw bytes")
    p.add_argument("--body", type=int, default=64, help="body bytes to show (default 64)")
    p.add_argument("--offset", type=int, default=None,
                   help="start at this commit-log offset (a consume-queue unit's commitLogOffset)")
    p = sub.add_parser("consumequeue", help="consume-queue file or queue directory")
    p.add_argument("path")
    p.add_argument("--max", type=int, default=None, help="stop after N units")
    p.add_argument("--commitlog", default=None,
                   help="commit-log directory: show and check the record each unit points at")
    p = sub.add_parser("index", help="index file")
    p.add_argument("path")
    p.add_argument("--slots", type=int, default=None, help="maxHashSlotNum it was written with (5000000)")
    p.add_argument("--entries", type=int, default=None, help="maxIndexNum it was written with (20000000)")
    p.add_argument("--max", type=int, default=None, help="stop after N entries")
    p.add_argument("--show-slots", action="store_true", help="list the used hash slots too")
    p.add_argument("--key", default=None, help="walk one key's slot chain: TOPIC#KEY (or TOPIC#UNIQ_KEY)")
    p = sub.add_parser("checkpoint", help="checkpoint file")
    p.add_argument("path")
    args = parser.parse_args(argv)
    try:
        if args.kind == "commitlog":
            problems = dump_commitlog(args.path, out, max_records=args.max, show_hex=args.hex,
                                      show_body=args.body, start_offset=args.offset)
        elif args.kind == "consumequeue":
            problems = dump_consumequeue(args.path, out, max_units=args.max, commitlog=args.commitlog)
        elif args.kind == "index":
            problems = dump_index(args.path, out, hash_slot_num=args.slots, index_num=args.entries,
                                  max_entries=args.max, show_slots=args.show_slots, key=args.key)
        else:
            problems = dump_checkpoint(args.path, out)
    except StoreDumpError as e:
        out.flush()
        print(f"store_dump: error: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `| head`
        return 0
    if problems:
        print(f"store_dump: {problems} problem(s) found (lines marked !!)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
