"""ConsumeQueue: the per topic-queue index of 20-byte units into the commit log (Java
``org.apache.rocketmq.store.ConsumeQueue``; books A5.2, B4.5.2, B4.6.1, B4.7).

Unit = commitLogOffset int64, msgSize int32, tagsCode int64, big-endian.  With ``enableConsumeQueueExt``
the tags code is an address into the queue's ``ConsumeQueueExt`` (real tags code, store time, filter
bit map); ``get_ext`` resolves it.  Unit ``n`` of the queue sits
at byte ``n * 20`` of the queue, in the file named by its first byte (``consumequeue/<topic>/<queueId>/
<20-digit offset>``), files of ``mappedFileSizeConsumeQueue`` bytes (300,000 units by default).
"""
from __future__ import annotations

import logging
import os
import struct
import time

from rocketmq_ref.store.config.broker_role import BrokerRole
from rocketmq_ref.store.config.store_path_config_helper import StorePathConfigHelper
from rocketmq_ref.store.consume_queue_ext import ConsumeQueueExt, CqExtUnit
from rocketmq_ref.store.consume_queue_ext import is_ext_addr as _is_ext_addr
from rocketmq_ref.store.mapped_file import MappedFile
from rocketmq_ref.store.mapped_file_queue import MappedFileQueue
from rocketmq_ref.store.select_mapped_buffer_result import SelectMappedBufferResult

log = logging.getLogger("rocketmq_ref.store")

CQ_STORE_UNIT_SIZE = 20
_UNIT = struct.Struct(">qiq")
_LONG = struct.Struct(">q")
_INT_MAX = 0x7FFFFFFF
PUT_MAX_RETRIES = 30


class ConsumeQueue:
    """One queue's units over a MappedFileQueue.  Written only by the dispatch thread (and recovery);
    read concurrently through ``get_index_buffer``."""

    def __init__(self, topic: str, queue_id: int, store_path: str, mapped_file_size: int,
                 default_message_store) -> None:
        self.topic = topic
        self.queue_id = queue_id
        self.store_path = store_path
        self.mapped_file_size = mapped_file_size
        self.default_message_store = default_message_store
        self.queue_dir = os.path.join(store_path, topic, str(queue_id))
        self.mapped_file_queue = MappedFileQueue(self.queue_dir, mapped_file_size, None)
        self.byte_buffer_index = bytearray(CQ_STORE_UNIT_SIZE)  # reused for every put: no allocation
        self.max_physic_offset = -1
        self.min_logic_offset = 0
        if mapped_file_size % CQ_STORE_UNIT_SIZE:
            raise ValueError(f"mappedFileSizeConsumeQueue {mapped_file_size} is not a multiple of "
                             f"{CQ_STORE_UNIT_SIZE}")
        self.consume_queue_ext: ConsumeQueueExt | None = None
        config = default_message_store.get_message_store_config()
        # both live as long as the store: looked up once, not per dispatched unit
        self._config = config
        self._running_flags = default_message_store.get_running_flags()
        if config.enable_consume_queue_ext:
            self.consume_queue_ext = ConsumeQueueExt(
                topic, queue_id, StorePathConfigHelper.get_store_path_consume_queue_ext(config.store_path_root_dir),
                config.mapped_file_size_consume_queue_ext, config.bit_map_length_consume_queue_ext)

    # -- load and recover (B4.7)
    def load(self) -> bool:
        result = self.mapped_file_queue.load()
        log.info("load consume queue %s-%d %s", self.topic, self.queue_id, "OK" if result else "Failed")
        if self.consume_queue_ext is not None:
            result = self.consume_queue_ext.load() and result
        return result

    def recover(self) -> None:
        """Find the end of the valid units, scanning from the third-last file, and cut there."""
        mapped_files = self.mapped_file_queue.get_mapped_files()
        if not mapped_files:
            return
        index = max(len(mapped_files) - 3, 0)
        size = self.mapped_file_size
        mapped_file = mapped_files[index]
        process_offset = mapped_file.get_file_from_offset()
        mapped_file_offset = 0
        max_ext_addr = 1
        while True:
            mapped_file_offset, ext_addr = self._valid_prefix(mapped_file, size)
            max_ext_addr = ext_addr if ext_addr != 1 else max_ext_addr
            if mapped_file_offset == size:
                index += 1
                if index >= len(mapped_files):
                    log.info("recover last consume queue file over, last mapped file %s",
                             mapped_file.get_file_name())
                    break
                mapped_file = mapped_files[index]
                process_offset = mapped_file.get_file_from_offset()
                mapped_file_offset = 0
                log.info("recover next consume queue file, %s", mapped_file.get_file_name())
            else:
                log.info("recover current consume queue over %s %d", mapped_file.get_file_name(),
                         process_offset + mapped_file_offset)
                break
        process_offset += mapped_file_offset
        self.mapped_file_queue.set_flushed_where(process_offset)
        self.mapped_file_queue.set_committed_where(process_offset)
        self.mapped_file_queue.truncate_dirty_files(process_offset)
        if self.consume_queue_ext is not None:
            self.consume_queue_ext.recover()
            log.info("Truncate consume queue extend file by max %d", max_ext_addr)
            self.consume_queue_ext.truncate_by_max_address(max_ext_addr)

    def _valid_prefix(self, mapped_file: MappedFile, limit: int) -> tuple[int, int]:
        """Bytes of leading units with ``offset >= 0 and size > 0`` and the last ext address among
        them (1 when none); updates ``max_physic_offset``."""
        buf = mapped_file.get_mapped_byte_buffer()
        valid = 0
        max_ext_addr = 1
        for i in range(0, limit, CQ_STORE_UNIT_SIZE):
            offset, size, tags = _UNIT.unpack_from(buf, i)
            if offset >= 0 and size > 0:
                valid = i + CQ_STORE_UNIT_SIZE
                self.max_physic_offset = offset + size
                if _is_ext_addr(tags):
                    max_ext_addr = tags
            else:
                break
        return valid, max_ext_addr

    # -- lookup by time (Java getOffsetInQueueByTime)
    def get_offset_in_queue_by_time(self, timestamp: int) -> int:
        """The queue offset whose message store time is ``timestamp``, else the nearer neighbour;
        0 when nothing fits.  Binary search over the file picked by modification time."""
        mapped_file = self.mapped_file_queue.get_mapped_file_by_time(timestamp)
        if mapped_file is None:
            return 0
        store = self.default_message_store
        low = max(self.min_logic_offset - mapped_file.get_file_from_offset(), 0)
        min_physic_offset = store.get_min_phy_offset()
        sbr = mapped_file.select_mapped_buffer(0)
        if sbr is None:
            return 0
        commit_log = store.get_commit_log()
        target = left = right = -1
        left_value = right_value = -1
        try:
            buf = sbr.byte_buffer
            high = sbr.size - CQ_STORE_UNIT_SIZE
            while high >= low:
                mid = (low + high) // (2 * CQ_STORE_UNIT_SIZE) * CQ_STORE_UNIT_SIZE
                phy_offset, size, _tags = _UNIT.unpack_from(buf, mid)
                if phy_offset < min_physic_offset:
                    low = mid + CQ_STORE_UNIT_SIZE
                    left = mid
                    continue
                store_time = commit_log.pickup_store_timestamp(phy_offset, size)
                if store_time < 0:
                    return 0
                if store_time == timestamp:
                    target = mid
                    break
                if store_time > timestamp:
                    high = mid - CQ_STORE_UNIT_SIZE
                    right, right_value = mid, store_time
                else:
                    low = mid + CQ_STORE_UNIT_SIZE
                    left, left_value = mid, store_time
            if target != -1:
                offset = target
            elif left_value == -1:
                offset = right
            elif right_value == -1:
                offset = left
            else:
                offset = right if abs(timestamp - left_value) > abs(timestamp - right_value) else left
            return (mapped_file.get_file_from_offset() + offset) // CQ_STORE_UNIT_SIZE
        finally:
            sbr.release()

    # -- truncate (B4.7)
    def truncate_dirty_logic_files(self, phy_offset: int) -> None:
        """Drop the units pointing at or beyond commit-log offset ``phy_offset`` (a torn commit-log
        tail): later files are deleted, the file holding the cut is rewound.

        Java only moves the positions and leaves the dropped units in the file, where a later
        recovery scan finds them valid again (pointing at whatever the commit log writes there
        next); the dropped units are zeroed here, as a fresh file would have them.
        """
        self.max_physic_offset = phy_offset
        max_ext_addr = self._truncate_units(phy_offset)
        if self.consume_queue_ext is not None:
            # Java truncates the ext only when every file went; here after any cut
            self.consume_queue_ext.truncate_by_max_address(max_ext_addr)

    def _truncate_units(self, phy_offset: int) -> int:
        """The unit part of ``truncate_dirty_logic_files``; returns the last ext address kept (or 1)."""
        size = self.mapped_file_size
        max_ext_addr = 1
        while True:
            mapped_file = self.mapped_file_queue.get_last_mapped_file()
            if mapped_file is None:
                return max_ext_addr
            buf = mapped_file.get_mapped_byte_buffer()
            self._set_positions(mapped_file, 0)
            for i in range(0, size, CQ_STORE_UNIT_SIZE):
                offset, unit_size, tags = _UNIT.unpack_from(buf, i)
                if i == 0:
                    if unit_size <= 0:
                        return max_ext_addr  # an empty file (Java would keep a zero unit here)
                    if offset >= phy_offset:
                        self.mapped_file_queue.delete_last_mapped_file()
                        break  # and look at the file before it
                    self._set_positions(mapped_file, CQ_STORE_UNIT_SIZE)
                    self.max_physic_offset = offset + unit_size
                    if _is_ext_addr(tags):
                        max_ext_addr = tags
                elif offset >= 0 and unit_size > 0:
                    if offset >= phy_offset:
                        self._zero_dropped_units(mapped_file, i)
                        return max_ext_addr
                    pos = i + CQ_STORE_UNIT_SIZE
                    self._set_positions(mapped_file, pos)
                    self.max_physic_offset = offset + unit_size
                    if _is_ext_addr(tags):
                        max_ext_addr = tags
                    if pos == size:
                        return max_ext_addr
                else:
                    return max_ext_addr

    def _zero_dropped_units(self, mapped_file: MappedFile, pos: int) -> None:
        buf = mapped_file.get_mapped_byte_buffer()
        end = pos
        while end < self.mapped_file_size:
            offset, unit_size, _tags = _UNIT.unpack_from(buf, end)
            if offset == 0 and unit_size == 0:
                break
            end += CQ_STORE_UNIT_SIZE
        buf[pos:end] = bytes(end - pos)
        log.info("truncate consume queue %s-%d: %d dropped units zeroed in %s", self.topic, self.queue_id,
                 (end - pos) // CQ_STORE_UNIT_SIZE, mapped_file.get_file_name())

    @staticmethod
    def _set_positions(mapped_file: MappedFile, pos: int) -> None:
        mapped_file.set_wrote_position(pos)
        mapped_file.set_committed_position(pos)
        mapped_file.set_flushed_position(pos)

    def get_last_offset(self) -> int:
        """Commit-log offset just past the message of the last unit (-1 when empty).  Java scans on
        from the last unit until an invalid one, which after a truncation reads stale units past the
        write position; this reads the last written unit only."""
        mapped_file = self.mapped_file_queue.get_last_mapped_file()
        if mapped_file is None or mapped_file.get_wrote_position() < CQ_STORE_UNIT_SIZE:
            return -1
        offset, size, _tags = _UNIT.unpack_from(mapped_file.get_mapped_byte_buffer(),
                                                mapped_file.get_wrote_position() - CQ_STORE_UNIT_SIZE)
        return offset + size if offset >= 0 and size > 0 else -1

    # -- flush and clean-up (B4.8, B4.9)
    def flush(self, flush_least_pages: int) -> bool:
        result = self.mapped_file_queue.flush(flush_least_pages)
        if self.consume_queue_ext is not None:
            result = self.consume_queue_ext.flush(flush_least_pages) and result
        return result

    def delete_expired_file(self, offset: int) -> int:
        """Delete files whose last unit points below commit-log min offset ``offset``."""
        cnt = self.mapped_file_queue.delete_expired_file_by_offset(offset, CQ_STORE_UNIT_SIZE)
        self.correct_min_offset(offset)
        return cnt

    def correct_min_offset(self, phy_min_offset: int) -> None:
        """Move ``min_logic_offset`` to the first unit of the first file still pointing at or above
        the commit log's min offset."""
        mapped_file = self.mapped_file_queue.get_first_mapped_file()
        min_ext_addr = 1
        result = mapped_file.select_mapped_buffer(0) if mapped_file is not None else None
        if result is not None:
            try:
                buf = result.byte_buffer
                for i in range(0, result.size - CQ_STORE_UNIT_SIZE + 1, CQ_STORE_UNIT_SIZE):
                    offset_py, _size, tags = _UNIT.unpack_from(buf, i)
                    if offset_py >= phy_min_offset:
                        self.min_logic_offset = mapped_file.get_file_from_offset() + i
                        log.info("Compute logical min offset: %d, topic: %s, queueId: %d",
                                 self.get_min_offset_in_queue(), self.topic, self.queue_id)
                        if _is_ext_addr(tags):
                            min_ext_addr = tags
                        break
            finally:
                result.release()
        if self.consume_queue_ext is not None:
            self.consume_queue_ext.truncate_by_min_address(min_ext_addr)

    def get_min_offset_in_queue(self) -> int:
        return self.min_logic_offset // CQ_STORE_UNIT_SIZE

    # -- write (B4.6.1)
    def put_message_position_info_wrapper(self, request) -> None:
        """Write the unit of one dispatched record; retry up to 30 times, 1 s apart, then mark the
        store's logic queues unwritable (Java ``putMessagePositionInfoWrapper``)."""
        store = self.default_message_store
        running_flags = self._running_flags
        can_write = running_flags.is_cq_writeable()
        config = self._config
        for i in range(PUT_MAX_RETRIES):
            if not can_write:
                break
            tags_code = request.tags_code
            if self.consume_queue_ext is not None and config.enable_consume_queue_ext:
                ext_addr = self.consume_queue_ext.put(
                    CqExtUnit(request.tags_code, request.store_timestamp, request.bit_map))
                if _is_ext_addr(ext_addr):
                    tags_code = ext_addr
                else:
                    log.warning("Save consume queue extend fail, So just save tagsCode! topic:%s, queueId:%d, "
                                "offset:%d", self.topic, self.queue_id, request.commit_log_offset)
            if self.put_message_position_info(request.commit_log_offset, request.msg_size,
                                              tags_code, request.consume_queue_offset):
                checkpoint = store.get_store_checkpoint()
                if config.broker_role is BrokerRole.SLAVE or config.enable_d_leger_commit_log:
                    checkpoint.set_physic_msg_timestamp(request.store_timestamp)
                checkpoint.logics_msg_timestamp = request.store_timestamp  # set_logics_msg_timestamp
                return
            log.warning("[BUG]put commit log position info to %s:%d %d failed, retry %d times",
                        self.topic, self.queue_id, request.commit_log_offset, i)
            time.sleep(1)
        log.error("[BUG]consume queue can not write, %s %d", self.topic, self.queue_id)
        running_flags.make_logics_queue_error()

    def put_message_position_info(self, offset: int, size: int, tags_code: int, cq_offset: int) -> bool:
        """Append the unit for queue offset ``cq_offset``; True also when it was already written."""
        if offset + size <= self.max_physic_offset:
            log.warning("Maybe try to build consume queue repeatedly maxPhysicOffset=%d phyOffset=%d",
                        self.max_physic_offset, offset)
            return True
        _UNIT.pack_into(self.byte_buffer_index, 0, offset, size, tags_code)
        expect_logic_offset = cq_offset * CQ_STORE_UNIT_SIZE
        files = self.mapped_file_queue.mapped_files
        mapped_file = files[-1] if files else None
        if mapped_file is None or mapped_file.wrote_position == mapped_file.file_size:
            mapped_file = self.mapped_file_queue.get_last_mapped_file(expect_logic_offset)
        if mapped_file is None:
            return False
        if mapped_file.first_create_in_queue and cq_offset != 0 and mapped_file.wrote_position == 0:
            # a queue whose first unit is not unit 0 (older files deleted, or a rebuilt queue)
            self.min_logic_offset = expect_logic_offset
            self.mapped_file_queue.set_flushed_where(expect_logic_offset)
            self.mapped_file_queue.set_committed_where(expect_logic_offset)
            self.fill_pre_blank(mapped_file, expect_logic_offset)
            log.info("fill pre blank space %s %d %d", mapped_file.get_file_name(), expect_logic_offset,
                     mapped_file.get_wrote_position())
        if cq_offset != 0:
            current_logic_offset = mapped_file.wrote_position + mapped_file.file_from_offset
            if expect_logic_offset < current_logic_offset:
                log.warning("Build  consume queue repeatedly, expectLogicOffset: %d currentLogicOffset: %d "
                            "Topic: %s QID: %d Diff: %d", expect_logic_offset, current_logic_offset,
                            self.topic, self.queue_id, expect_logic_offset - current_logic_offset)
                return True
            if expect_logic_offset != current_logic_offset:
                log.warning("[BUG]logic queue order maybe wrong, expectLogicOffset: %d currentLogicOffset: "
                            "%d Topic: %s QID: %d Diff: %d", expect_logic_offset, current_logic_offset,
                            self.topic, self.queue_id, expect_logic_offset - current_logic_offset)
        self.max_physic_offset = offset + size
        return mapped_file.append_message_bytes(self.byte_buffer_index)

    def fill_pre_blank(self, mapped_file: MappedFile, until_where: int) -> None:
        """Fill the file's slots before ``until_where`` with blank units ``(0, Integer.MAX_VALUE, 0)``."""
        blank = _UNIT.pack(0, _INT_MAX, 0)
        until = until_where % self.mapped_file_queue.get_mapped_file_size()
        for _ in range(0, until, CQ_STORE_UNIT_SIZE):
            mapped_file.append_message_bytes(blank)

    # -- read
    def get_index_buffer(self, start_index: int) -> SelectMappedBufferResult | None:
        """A held, zero-copy window from unit ``start_index`` to the end of its file's written units;
        None below the min offset or past the end.  The caller must ``release()`` it."""
        offset = start_index * CQ_STORE_UNIT_SIZE
        if offset >= self.min_logic_offset:
            mapped_file = self.mapped_file_queue.find_mapped_file_by_offset(offset)
            if mapped_file is not None:
                return mapped_file.select_mapped_buffer(offset % self.mapped_file_size)
        return None

    def get_ext(self, address: int) -> CqExtUnit | None:
        """The ext unit a unit's tags code points at (None without ext or for a plain tags code)."""
        if self.consume_queue_ext is None:
            return None
        return self.consume_queue_ext.get(address)

    def roll_next_file(self, index: int) -> int:
        """The first queue offset of the file after the one holding ``index``."""
        total_units_in_file = self.mapped_file_size // CQ_STORE_UNIT_SIZE
        return index + total_units_in_file - index % total_units_in_file

    # -- Java getters
    def get_topic(self) -> str:
        return self.topic

    def get_queue_id(self) -> int:
        return self.queue_id

    def get_min_logic_offset(self) -> int:
        return self.min_logic_offset

    def set_min_logic_offset(self, value: int) -> None:
        self.min_logic_offset = value

    def get_max_physic_offset(self) -> int:
        return self.max_physic_offset

    def set_max_physic_offset(self, value: int) -> None:
        self.max_physic_offset = value

    def get_max_offset_in_queue(self) -> int:
        """The next queue offset to be written = units ever written."""
        return self.mapped_file_queue.get_max_offset() // CQ_STORE_UNIT_SIZE

    def get_message_total_in_queue(self) -> int:
        return self.get_max_offset_in_queue() - self.get_min_offset_in_queue()

    def destroy(self) -> None:
        """Delete every file of the queue."""
        self.max_physic_offset = -1
        self.min_logic_offset = 0
        self.mapped_file_queue.destroy()
        if self.consume_queue_ext is not None:
            self.consume_queue_ext.destroy()

    def close(self) -> None:
        """Unmap without deleting (process shutdown)."""
        self.mapped_file_queue.close()
        if self.consume_queue_ext is not None:
            self.consume_queue_ext.close()

    def check_self(self) -> None:
        self.mapped_file_queue.check_self()
        if self.consume_queue_ext is not None:
            self.consume_queue_ext.check_self()

    @staticmethod
    def is_ext_addr(tags_code: int) -> bool:
        """Java ``ConsumeQueueExt.isExtAddr``: a tags code this negative is an ext-file address."""
        return _is_ext_addr(tags_code)
