"""TransientStorePool (Java ``org.apache.rocketmq.store.TransientStorePool``; book B4.4.3): a pool of
memory-locked write buffers, one file size each.  With ``transientStorePoolEnable`` on an async-flush
master, appends land in a pooled buffer, CommitRealTimeService writes them through to the file and
FlushRealTimeService forces them, so the put path never waits for page-cache faults.
"""
from __future__ import annotations

import collections
import logging
import mmap
import threading

from rocketmq_ref.store.config.message_store_config import MessageStoreConfig

log = logging.getLogger("rocketmq_ref.store")


class TransientStorePool:
    def __init__(self, store_config: MessageStoreConfig) -> None:
        self.store_config = store_config
        self.pool_size = store_config.transient_store_pool_size
        self.file_size = store_config.mapped_file_size_commit_log
        self._available: collections.deque[mmap.mmap] = collections.deque()
        self._all: list[mmap.mmap] = []
        self._lock = threading.Lock()

    def init(self) -> None:
        """Allocate and lock ``transientStorePoolSize`` anonymous buffers (Java: direct buffers)."""
        from rocketmq_ref.store.mapped_file import _libc_call
        for _ in range(self.pool_size):
            buf = mmap.mmap(-1, self.file_size)
            try:
                _libc_call("mlock", buf, self.file_size)
            except (OSError, AttributeError, ValueError):
                pass  # RLIMIT_MEMLOCK: unlocked still works, as Java only logs the failure
            self._all.append(buf)
            self._available.append(buf)

    def destroy(self) -> None:
        from rocketmq_ref.store.mapped_file import _libc_call
        with self._lock:
            for buf in self._all:
                try:
                    _libc_call("munlock", buf, self.file_size)
                    buf.close()
                except (OSError, AttributeError, ValueError, BufferError):
                    pass
            self._all.clear()
            self._available.clear()

    def return_buffer(self, buf: mmap.mmap) -> None:
        with self._lock:
            self._available.appendleft(buf)

    def borrow_buffer(self) -> mmap.mmap | None:
        with self._lock:
            buf = self._available.popleft() if self._available else None
            remaining = len(self._available)
        if remaining < self.pool_size * 0.4:
            log.warning("TransientStorePool only remain %d sheets.", remaining)
        return buf

    def available_buffer_nums(self) -> int:
        if self.store_config.is_transient_store_pool_enable():
            return len(self._available)
        return 2 ** 31 - 1
