"""IndexFile: one hash-index file (Java ``org.apache.rocketmq.store.index.IndexFile``; books B4.5.3, B4.6.2).

Layout: a 40-byte ``IndexHeader``, ``hash_slot_num`` int32 slots (the newest entry number of each slot,
0 = empty), then ``index_num`` entries of 20 bytes (keyHash int32, phyOffset int64, timeDiff int32
seconds since beginTimestamp, prevIndex int32).  Entries of one slot form a chain newest first through
prevIndex; entry 0 is never used so that 0 can mean "end of chain".
"""
from __future__ import annotations

import logging
import struct

from rocketmq_ref.common.java_hash import java_string_hash_code
from rocketmq_ref.store.index.index_header import INDEX_HEADER_SIZE, IndexHeader
from rocketmq_ref.store.mapped_file import MappedFile

log = logging.getLogger("rocketmq_ref.store")

HASH_SLOT_SIZE = 4
INDEX_SIZE = 20
INVALID_INDEX = 0
_INT_MAX = 0x7FFFFFFF

_SLOT = struct.Struct(">i")
_ENTRY = struct.Struct(">iqii")


def index_key_hash_method(key: str) -> int:
    """``abs(key.hashCode())``; Java's ``Math.abs(Integer.MIN_VALUE)`` stays negative, hence 0."""
    h = abs(java_string_hash_code(key))
    return 0 if h > _INT_MAX else h


def index_file_size(hash_slot_num: int, index_num: int) -> int:
    return INDEX_HEADER_SIZE + hash_slot_num * HASH_SLOT_SIZE + index_num * INDEX_SIZE


class IndexFile:
    """A memory-mapped index file: ``put_key`` appends an entry, ``select_phy_offset`` walks a chain."""

    def __init__(self, file_name: str, hash_slot_num: int, index_num: int, end_phy_offset: int = 0,
                 end_timestamp: int = 0) -> None:
        self.hash_slot_num = hash_slot_num
        self.index_num = index_num
        self.mapped_file = MappedFile(file_name, index_file_size(hash_slot_num, index_num))
        self.mapped_byte_buffer = self.mapped_file.get_mapped_byte_buffer()
        self.index_header = IndexHeader(self.mapped_byte_buffer)
        self._entries_base = INDEX_HEADER_SIZE + hash_slot_num * HASH_SLOT_SIZE
        if end_phy_offset > 0:
            self.index_header.set_begin_phy_offset(end_phy_offset)
            self.index_header.set_end_phy_offset(end_phy_offset)
        if end_timestamp > 0:
            self.index_header.set_begin_timestamp(end_timestamp)
            self.index_header.set_end_timestamp(end_timestamp)

    def get_file_name(self) -> str:
        return self.mapped_file.get_file_name()

    def load(self) -> None:
        self.index_header.load()

    def flush(self) -> None:
        """Write the header and force the whole mapping to disk (Java ``IndexFile#flush``)."""
        if self.mapped_file.hold():
            try:
                self.index_header.update_byte_buffer()
                self.mapped_byte_buffer.flush()
            finally:
                self.mapped_file.release()

    def is_write_full(self) -> bool:
        return self.index_header.get_index_count() >= self.index_num

    def close(self) -> None:
        """Unmap without deleting (process shutdown)."""
        self.mapped_file.close()

    def destroy(self, interval_forcibly: int) -> bool:
        return self.mapped_file.destroy(interval_forcibly)

    def put_key(self, key: str, phy_offset: int, store_timestamp: int) -> bool:
        """Append one entry for ``key`` and make it the head of its slot chain; False when full."""
        header = self.index_header
        index_count = header.index_count
        if index_count >= self.index_num:
            log.warning("Over index file capacity: index count = %d; index max num = %d",
                        index_count, self.index_num)
            return False
        key_hash = index_key_hash_method(key)
        abs_slot_pos = INDEX_HEADER_SIZE + (key_hash % self.hash_slot_num) * HASH_SLOT_SIZE
        buf = self.mapped_byte_buffer
        try:
            slot_value = _SLOT.unpack_from(buf, abs_slot_pos)[0]
        except (struct.error, ValueError) as e:  # unmapped under us (destroyed)
            log.error("putKey exception, Key: %s: %s", key, e)
            return False
        if slot_value <= INVALID_INDEX or slot_value > index_count:
            slot_value = INVALID_INDEX

        begin = header.begin_timestamp
        if begin <= 0:
            time_diff = 0
        else:
            # Java long division truncates toward zero; a negative difference is clamped to 0
            delta = store_timestamp - begin
            time_diff = delta // 1000 if delta > 0 else 0
            if time_diff > _INT_MAX:
                time_diff = _INT_MAX

        _ENTRY.pack_into(buf, self._entries_base + index_count * INDEX_SIZE, key_hash, phy_offset,
                         time_diff, slot_value)
        _SLOT.pack_into(buf, abs_slot_pos, index_count)

        # the header's fields change together: one 40-byte write after the entry and the slot
        if index_count <= 1:
            header.begin_phy_offset = phy_offset
            header.begin_timestamp = store_timestamp
        if slot_value == INVALID_INDEX:
            header.hash_slot_count += 1
        header.index_count = index_count + 1
        header.end_phy_offset = phy_offset
        header.end_timestamp = store_timestamp
        header.update_byte_buffer()
        return True

    def get_begin_timestamp(self) -> int:
        return self.index_header.get_begin_timestamp()

    def get_end_timestamp(self) -> int:
        return self.index_header.get_end_timestamp()

    def get_end_phy_offset(self) -> int:
        return self.index_header.get_end_phy_offset()

    def is_time_matched(self, begin: int, end: int) -> bool:
        """Does ``[begin, end]`` overlap this file's ``[beginTimestamp, endTimestamp]``?"""
        b = self.index_header.get_begin_timestamp()
        e = self.index_header.get_end_timestamp()
        return (begin < b and end > e) or (b <= begin <= e) or (b <= end <= e)

    def select_phy_offset(self, phy_offsets: list[int], key: str, max_num: int, begin: int,
                          end: int) -> None:
        """Append to ``phy_offsets`` the offsets of entries with the key's hash stored in
        ``[begin, end]``, newest first, until ``max_num`` (Java ``IndexFile#selectPhyOffset``)."""
        if not self.mapped_file.hold():
            return
        try:
            header = self.index_header
            index_count = header.get_index_count()
            key_hash = index_key_hash_method(key)
            abs_slot_pos = INDEX_HEADER_SIZE + (key_hash % self.hash_slot_num) * HASH_SLOT_SIZE
            buf = self.mapped_byte_buffer
            slot_value = _SLOT.unpack_from(buf, abs_slot_pos)[0]
            if slot_value <= INVALID_INDEX or slot_value > index_count or index_count <= 1:
                return
            if index_count > self.index_num:  # a corrupt header: never read past the entries
                log.error("selectPhyOffset: indexCount %d exceeds %d in %s", index_count, self.index_num,
                          self.get_file_name())
                return
            begin_timestamp = header.get_begin_timestamp()
            next_index = slot_value
            # a corrupt file could chain entries into a loop Java would spin on; a chain never
            # holds more entries than the file does
            for _ in range(index_count):
                if len(phy_offsets) >= max_num:
                    break
                key_hash_read, phy_offset_read, time_diff, prev_index = _ENTRY.unpack_from(
                    buf, self._entries_base + next_index * INDEX_SIZE)
                if time_diff < 0:
                    break
                time_read = begin_timestamp + time_diff * 1000
                if key_hash == key_hash_read and begin <= time_read <= end:
                    phy_offsets.append(phy_offset_read)
                if (prev_index <= INVALID_INDEX or prev_index > index_count
                        or prev_index == next_index or time_read < begin):
                    break
                next_index = prev_index
        finally:
            self.mapped_file.release()
