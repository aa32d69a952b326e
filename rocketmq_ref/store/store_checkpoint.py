"""StoreCheckpoint (Java ``org.apache.rocketmq.store.StoreCheckpoint``; books B4.5.4, B4.7.2): the
``checkpoint`` file, one 4 KiB page holding three big-endian int64 store timestamps at 0, 8 and 16:
the last flushed commit-log message, the last dispatched consume-queue unit, the last flushed index
file.  Abnormal recovery starts from the first commit-log file older than their minimum.
"""
from __future__ import annotations

import logging
import mmap
import os
import struct

from rocketmq_ref.common.utilall import time_millis_to_human_string

log = logging.getLogger("rocketmq_ref.store")

OS_PAGE_SIZE = 1024 * 4
_THREE_LONGS = struct.Struct(">qqq")


class StoreCheckpoint:
    def __init__(self, scp_path: str) -> None:
        self.scp_path = scp_path
        os.makedirs(os.path.dirname(scp_path) or ".", exist_ok=True)
        file_exists = os.path.exists(scp_path)
        self._fd = os.open(scp_path, os.O_RDWR | os.O_CREAT, 0o644)
        if os.fstat(self._fd).st_size < OS_PAGE_SIZE:
            os.ftruncate(self._fd, OS_PAGE_SIZE)
        self._mm: mmap.mmap | None = mmap.mmap(self._fd, OS_PAGE_SIZE)
        self.physic_msg_timestamp = 0
        self.logics_msg_timestamp = 0
        self.index_msg_timestamp = 0
        if file_exists:
            (self.physic_msg_timestamp, self.logics_msg_timestamp,
             self.index_msg_timestamp) = _THREE_LONGS.unpack_from(self._mm, 0)
            log.info("store checkpoint file exists, %s physicMsgTimestamp %d, %s logicsMsgTimestamp "
                     "%d, %s indexMsgTimestamp %d, %s", scp_path, self.physic_msg_timestamp,
                     time_millis_to_human_string(self.physic_msg_timestamp), self.logics_msg_timestamp,
                     time_millis_to_human_string(self.logics_msg_timestamp), self.index_msg_timestamp,
                     time_millis_to_human_string(self.index_msg_timestamp))
        else:
            log.info("store checkpoint file not exists, %s", scp_path)

    def flush(self) -> None:
        mm = self._mm
        if mm is None:
            return
        _THREE_LONGS.pack_into(mm, 0, self.physic_msg_timestamp, self.logics_msg_timestamp,
                               self.index_msg_timestamp)
        mm.flush()

    def shutdown(self) -> None:
        self.flush()
        mm, self._mm = self._mm, None
        if mm is not None:
            mm.close()
            os.close(self._fd)

    def get_physic_msg_timestamp(self) -> int:
        return self.physic_msg_timestamp

    def set_physic_msg_timestamp(self, ts: int) -> None:
        self.physic_msg_timestamp = ts

    def get_logics_msg_timestamp(self) -> int:
        return self.logics_msg_timestamp

    def set_logics_msg_timestamp(self, ts: int) -> None:
        self.logics_msg_timestamp = ts

    def get_index_msg_timestamp(self) -> int:
        return self.index_msg_timestamp

    def set_index_msg_timestamp(self, ts: int) -> None:
        self.index_msg_timestamp = ts

    def get_min_timestamp(self) -> int:
        """``min(physic, logics) - 3 s``, never below 0 (B4.7.2)."""
        return max(0, min(self.physic_msg_timestamp, self.logics_msg_timestamp) - 1000 * 3)

    def get_min_timestamp_index(self) -> int:
        return min(self.get_min_timestamp(), self.index_msg_timestamp)
