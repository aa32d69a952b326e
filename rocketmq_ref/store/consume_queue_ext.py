"""ConsumeQueueExt: the optional extension file of a consume queue (Java
``org.apache.rocketmq.store.ConsumeQueueExt``; books B4.5.2, B5.8).

With ``enableConsumeQueueExt`` every consume-queue unit's tags code becomes an *address* into
``consumequeue_ext/<topic>/<queueId>/<20-digit offset>``, where a variable-size unit holds the real tags
code, the store time and the SQL92 filter bit map:

| size | field |
| 2 | unit size (short, = 20 + bitMapSize) |
| 8 | tagsCode |
| 8 | msgStoreTime |
| 2 | bitMapSize |
| n | filterBitMap |

An address is the file offset plus ``Long.MIN_VALUE`` (so every address is <= ``Integer.MIN_VALUE - 1``
and cannot be mistaken for a tags code); a unit that does not fit the rest of a file leaves a short
``-1`` there and goes to the next file.
"""
from __future__ import annotations

import logging
import os
import struct
from dataclasses import dataclass

from rocketmq_ref.store.mapped_file import MappedFile
from rocketmq_ref.store.mapped_file_queue import MappedFileQueue

log = logging.getLogger("rocketmq_ref.store")

END_BLANK_DATA_LENGTH = 4
LONG_MIN = -(1 << 63)
MAX_ADDR = -(1 << 31) - 1  # Integer.MIN_VALUE - 1L
MAX_REAL_OFFSET = MAX_ADDR - LONG_MIN
MIN_EXT_UNIT_SIZE = 2 + 8 * 2 + 2
MAX_EXT_UNIT_SIZE = 0x7FFF
PUT_RETRY_TIMES = 3
PUT_FAILED = 1  # Java returns 1 (not an address) when a unit cannot be stored

_HEAD = struct.Struct(">hqqh")
_SHORT = struct.Struct(">h")


def is_ext_addr(address: int) -> bool:
    return address <= MAX_ADDR


def un_decorate(address: int) -> int:
    """Address -> offset in the ext files."""
    return address - LONG_MIN if is_ext_addr(address) else address


def decorate(offset: int) -> int:
    """Offset in the ext files -> address stored as the unit's tags code."""
    return offset + LONG_MIN if not is_ext_addr(offset) else offset


@dataclass(slots=True)
class CqExtUnit:
    """Java ``ConsumeQueueExt.CqExtUnit``."""

    tags_code: int = 0
    msg_store_time: int = 0
    filter_bit_map: bytes | None = None
    size: int = 0

    def get_tags_code(self) -> int:
        return self.tags_code

    def get_msg_store_time(self) -> int:
        return self.msg_store_time

    def get_filter_bit_map(self) -> bytes | None:
        return self.filter_bit_map or None

    def calc_unit_size(self) -> int:
        return MIN_EXT_UNIT_SIZE + (len(self.filter_bit_map) if self.filter_bit_map else 0)

    def write(self) -> bytes:
        bit_map = self.filter_bit_map or b""
        self.size = MIN_EXT_UNIT_SIZE + len(bit_map)
        return _HEAD.pack(self.size, self.tags_code, self.msg_store_time, len(bit_map)) + bit_map

    @classmethod
    def read(cls, buf, pos: int) -> CqExtUnit | None:
        """The unit at ``pos`` of ``buf``; None at a blank (size < 1) or a unit cut short."""
        if pos + 2 > len(buf):
            return None
        size = _SHORT.unpack_from(buf, pos)[0]
        if size < 1 or pos + MIN_EXT_UNIT_SIZE > len(buf):
            return None
        _size, tags_code, store_time, bit_map_size = _HEAD.unpack_from(buf, pos)
        bit_map = None
        if bit_map_size > 0:
            end = pos + MIN_EXT_UNIT_SIZE + bit_map_size
            if end > len(buf):
                return None
            bit_map = bytes(buf[pos + MIN_EXT_UNIT_SIZE:end])
        return cls(tags_code, store_time, bit_map, size)


class ConsumeQueueExt:
    """The ext files of one queue over a MappedFileQueue (written by the dispatch thread only)."""

    def __init__(self, topic: str, queue_id: int, store_path: str, mapped_file_size: int,
                 bit_map_length: int) -> None:
        self.topic = topic
        self.queue_id = queue_id
        self.store_path = store_path
        self.mapped_file_size = mapped_file_size
        self.bit_map_length = bit_map_length
        self.mapped_file_queue = MappedFileQueue(os.path.join(store_path, topic, str(queue_id)),
                                                 mapped_file_size, None)

    def get(self, address: int) -> CqExtUnit | None:
        """The unit stored at ``address``, or None."""
        if not is_ext_addr(address):
            return None
        real_offset = un_decorate(address)
        mapped_file = self.mapped_file_queue.find_mapped_file_by_offset(real_offset, real_offset == 0)
        if mapped_file is None:
            return None
        result = mapped_file.select_mapped_buffer(real_offset % self.mapped_file_size)
        if result is None:
            log.warning("[BUG] Consume queue extend unit(%d) is not found!", real_offset)
            return None
        try:
            return CqExtUnit.read(result.byte_buffer, 0)
        finally:
            result.release()

    def put(self, unit: CqExtUnit) -> int:
        """Append ``unit``; its address, or 1 when it cannot be stored."""
        size = unit.calc_unit_size()
        if size > MAX_EXT_UNIT_SIZE:
            log.error("Size of cq ext unit is greater than %d, %s", MAX_EXT_UNIT_SIZE, unit)
            return PUT_FAILED
        if self.mapped_file_queue.get_max_offset() + size > MAX_REAL_OFFSET:
            log.warning("Capacity of ext is maximum!%d, %d", self.mapped_file_queue.get_max_offset(), size)
            return PUT_FAILED
        data = unit.write()
        for _ in range(PUT_RETRY_TIMES):
            mapped_file = self.mapped_file_queue.get_last_mapped_file()
            if mapped_file is None or mapped_file.is_full():
                mapped_file = self.mapped_file_queue.get_last_mapped_file(0)
            if mapped_file is None:
                log.error("Create mapped file when save consume queue extend, %s", unit)
                continue
            wrote_position = mapped_file.get_wrote_position()
            blank_size = self.mapped_file_size - wrote_position - END_BLANK_DATA_LENGTH
            if size > blank_size:
                self.full_fill_to_end(mapped_file, wrote_position)
                log.info("No enough space(need:%d, has:%d) of file %s, so fill to end", size, blank_size,
                         mapped_file.get_file_name())
                continue
            if mapped_file.append_message_bytes(data):
                return decorate(wrote_position + mapped_file.get_file_from_offset())
        return PUT_FAILED

    def full_fill_to_end(self, mapped_file: MappedFile, wrote_position: int) -> None:
        _SHORT.pack_into(mapped_file.get_mapped_byte_buffer(), wrote_position, -1)
        mapped_file.set_wrote_position(self.mapped_file_size)

    def load(self) -> bool:
        result = self.mapped_file_queue.load()
        log.info("load consume queue extend %s-%d %s", self.topic, self.queue_id, "OK" if result else "Failed")
        return result

    def check_self(self) -> None:
        self.mapped_file_queue.check_self()

    def recover(self) -> None:
        """Find the end of the written units (every file is scanned; the consume queue then cuts by
        the last address it holds)."""
        mapped_files = self.mapped_file_queue.get_mapped_files()
        if not mapped_files:
            return
        process_offset = 0
        for mapped_file in mapped_files:
            buf = mapped_file.get_mapped_byte_buffer()
            pos = 0
            while pos + 2 <= self.mapped_file_size:
                size = _SHORT.unpack_from(buf, pos)[0]
                if size <= 0:
                    break
                pos += size
            process_offset = mapped_file.get_file_from_offset() + min(pos, self.mapped_file_size)
        self.mapped_file_queue.set_flushed_where(process_offset)
        self.mapped_file_queue.set_committed_where(process_offset)
        self.mapped_file_queue.truncate_dirty_files(process_offset)

    def truncate_by_min_address(self, min_address: int) -> None:
        """Delete the files wholly before ``min_address`` (the queue's first unit after clean-up)."""
        if not is_ext_addr(min_address):
            return
        real_offset = un_decorate(min_address)
        gone = [f for f in self.mapped_file_queue.get_mapped_files()
                if f.get_file_from_offset() + self.mapped_file_size < real_offset and f.destroy(1000)]
        self.mapped_file_queue.delete_expired_file(gone)

    def truncate_by_max_address(self, max_address: int) -> None:
        """Cut the files just after the unit at ``max_address`` (the queue's last unit)."""
        if not is_ext_addr(max_address):
            return
        unit = self.get(max_address)
        if unit is None:
            log.error("[BUG] address %d of consume queue extend not found!", max_address)
            return
        self.mapped_file_queue.truncate_dirty_files(un_decorate(max_address) + unit.size)

    def flush(self, flush_least_pages: int) -> bool:
        return self.mapped_file_queue.flush(flush_least_pages)

    def destroy(self) -> None:
        self.mapped_file_queue.destroy()

    def close(self) -> None:
        self.mapped_file_queue.close()

    def get_max_address(self) -> int:
        mapped_file = self.mapped_file_queue.get_last_mapped_file()
        if mapped_file is None:
            return decorate(0)
        return decorate(mapped_file.get_file_from_offset() + mapped_file.get_wrote_position())

    def get_min_address(self) -> int:
        first = self.mapped_file_queue.get_first_mapped_file()
        return decorate(first.get_file_from_offset() if first is not None else 0)
