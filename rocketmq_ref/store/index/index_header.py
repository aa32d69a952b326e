"""IndexHeader: the 40-byte header of an index file (Java ``org.apache.rocketmq.store.index.IndexHeader``;
book B4.5.3).

| offset | size | field |
| 0 | 8 | beginTimestamp | 8 | 8 | endTimestamp | 16 | 8 | beginPhyOffset | 24 | 8 | endPhyOffset |
| 32 | 4 | hashSlotCount | 36 | 4 | indexCount (starts at 1: entry 0 is never used) |

Every setter writes through to the mapped bytes at once, as Java does, so a crash leaves a header
consistent with the slots and entries written before it.
"""
from __future__ import annotations

import struct

INDEX_HEADER_SIZE = 40

BEGIN_TIMESTAMP_INDEX = 0
END_TIMESTAMP_INDEX = 8
BEGIN_PHYOFFSET_INDEX = 16
END_PHYOFFSET_INDEX = 24
HASH_SLOTCOUNT_INDEX = 32
INDEX_COUNT_INDEX = 36

_LONG = struct.Struct(">q")
_INT = struct.Struct(">i")
_HEADER = struct.Struct(">qqqqii")


class IndexHeader:
    """The header fields, cached in Python and mirrored into ``byte_buffer`` (the file's first 40 bytes)."""

    __slots__ = ("byte_buffer", "begin_timestamp", "end_timestamp", "begin_phy_offset", "end_phy_offset",
                 "hash_slot_count", "index_count")

    def __init__(self, byte_buffer) -> None:
        self.byte_buffer = byte_buffer
        self.begin_timestamp = 0
        self.end_timestamp = 0
        self.begin_phy_offset = 0
        self.end_phy_offset = 0
        self.hash_slot_count = 0
        self.index_count = 1

    def load(self) -> None:
        (self.begin_timestamp, self.end_timestamp, self.begin_phy_offset, self.end_phy_offset,
         self.hash_slot_count, self.index_count) = _HEADER.unpack_from(self.byte_buffer, 0)
        if self.index_count <= 0:
            self.index_count = 1

    def update_byte_buffer(self) -> None:
        _HEADER.pack_into(self.byte_buffer, 0, self.begin_timestamp, self.end_timestamp,
                          self.begin_phy_offset, self.end_phy_offset, self.hash_slot_count,
                          self.index_count)

    def get_begin_timestamp(self) -> int:
        return self.begin_timestamp

    def set_begin_timestamp(self, value: int) -> None:
        self.begin_timestamp = value
        _LONG.pack_into(self.byte_buffer, BEGIN_TIMESTAMP_INDEX, value)

    def get_end_timestamp(self) -> int:
        return self.end_timestamp

    def set_end_timestamp(self, value: int) -> None:
        self.end_timestamp = value
        _LONG.pack_into(self.byte_buffer, END_TIMESTAMP_INDEX, value)

    def get_begin_phy_offset(self) -> int:
        return self.begin_phy_offset

    def set_begin_phy_offset(self, value: int) -> None:
        self.begin_phy_offset = value
        _LONG.pack_into(self.byte_buffer, BEGIN_PHYOFFSET_INDEX, value)

    def get_end_phy_offset(self) -> int:
        return self.end_phy_offset

    def set_end_phy_offset(self, value: int) -> None:
        self.end_phy_offset = value
        _LONG.pack_into(self.byte_buffer, END_PHYOFFSET_INDEX, value)

    def get_hash_slot_count(self) -> int:
        return self.hash_slot_count

    def inc_hash_slot_count(self) -> None:
        self.hash_slot_count += 1
        _INT.pack_into(self.byte_buffer, HASH_SLOTCOUNT_INDEX, self.hash_slot_count)

    def get_index_count(self) -> int:
        return self.index_count

    def inc_index_count(self) -> None:
        self.index_count += 1
        _INT.pack_into(self.byte_buffer, INDEX_COUNT_INDEX, self.index_count)
