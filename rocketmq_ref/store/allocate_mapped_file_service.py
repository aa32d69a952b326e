"""AllocateMappedFileService (Java ``org.apache.rocketmq.store.AllocateMappedFileService``; book
B4.4.1): a thread that creates the next commit-log file, and the one after it, ahead of the writer.

The writer asks for file N and N+1; it waits (up to 5 s) for N only, so N+1 is ready when N fills.
"""
from __future__ import annotations

import heapq
import logging
import os
import threading
import time

from rocketmq_ref.common.service_thread import ServiceThread
from rocketmq_ref.common.tracing import span
from rocketmq_ref.store.config.broker_role import BrokerRole
from rocketmq_ref.store.config.message_store_config import MessageStoreConfig
from rocketmq_ref.store.mapped_file import MappedFile
from rocketmq_ref.store.transient_store_pool import TransientStorePool

log = logging.getLogger("rocketmq_ref.store")

WAIT_TIME_OUT_MS = 1000 * 5


class AllocateRequest:
    __slots__ = ("file_path", "file_size", "done", "mapped_file")

    def __init__(self, file_path: str, file_size: int) -> None:
        self.file_path = file_path
        self.file_size = file_size
        self.done = threading.Event()  # Java CountDownLatch(1)
        self.mapped_file: MappedFile | None = None

    def sort_key(self) -> tuple[int, int]:
        """Bigger files first, then lower offsets (Java ``compareTo``)."""
        return (-self.file_size, int(os.path.basename(self.file_path)))


class AllocateMappedFileService(ServiceThread):
    def __init__(self, message_store_config: MessageStoreConfig,
                 transient_store_pool: TransientStorePool | None = None) -> None:
        super().__init__()
        self.message_store_config = message_store_config
        self.transient_store_pool = transient_store_pool
        self.request_table: dict[str, AllocateRequest] = {}
        self._queue: list[tuple[tuple[int, int], int, AllocateRequest]] = []
        self._seq = 0
        self._queue_cond = threading.Condition()
        self.has_exception = False


    def _store_relative(self, path: str) -> str:
        """A file's path below the store root (``commitlog/000...``): spans are recorded into
        committed traces, so they carry no machine path."""
        root = self.message_store_config.store_path_root_dir
        try:
            rel = os.path.relpath(path, root)
        except ValueError:
            return os.path.basename(path)
        return os.path.basename(path) if rel.startswith("..") else rel.replace(os.sep, "/")
    def _offer(self, req: AllocateRequest) -> None:
        with self._queue_cond:
            self._seq += 1
            heapq.heappush(self._queue, (req.sort_key(), self._seq, req))
            self._queue_cond.notify()

    def put_request_and_return_mapped_file(self, next_file_path: str, next_next_file_path: str,
                                           file_size: int) -> MappedFile | None:
        """Queue N and N+1, wait for N (B4.4.1)."""
        can_submit = 2
        cfg = self.message_store_config
        if (cfg.is_transient_store_pool_enable() and cfg.fast_fail_if_no_buffer_in_store_pool
                and cfg.broker_role is not BrokerRole.SLAVE and self.transient_store_pool is not None):
            can_submit = self.transient_store_pool.available_buffer_nums() - len(self._queue)
        next_req = AllocateRequest(next_file_path, file_size)
        if self.request_table.setdefault(next_file_path, next_req) is next_req:
            if can_submit <= 0:
                log.warning("[NOTIFYME]TransientStorePool is not enough, so create mapped file error")
                self.request_table.pop(next_file_path, None)
                return None
            self._offer(next_req)
            can_submit -= 1
        next_next_req = AllocateRequest(next_next_file_path, file_size)
        if self.request_table.setdefault(next_next_file_path, next_next_req) is next_next_req:
            if can_submit <= 0:
                log.warning("[NOTIFYME]TransientStorePool is not enough, so skip preallocate mapped file")
                self.request_table.pop(next_next_file_path, None)
            else:
                self._offer(next_next_req)
        if self.has_exception:
            log.warning("%s service has exception. so return null", self.get_service_name())
            return None
        result = self.request_table.get(next_file_path)
        if result is None:
            log.error("find preallocate mmap failed, this never happen")
            return None
        if not result.done.wait(WAIT_TIME_OUT_MS / 1000.0):
            log.warning("create mmap timeout %s %d", result.file_path, result.file_size)
            return None
        self.request_table.pop(next_file_path, None)
        return result.mapped_file

    def shutdown(self, interrupt: bool = True) -> None:
        self.make_stop()
        with self._queue_cond:
            self._queue_cond.notify_all()
        super().shutdown(interrupt)
        for req in list(self.request_table.values()):
            if req.mapped_file is not None:
                log.info("delete pre allocated maped file, %s", req.mapped_file.file_name)
                req.mapped_file.destroy(1000)
        self.request_table.clear()

    def run(self) -> None:
        while not self.is_stopped() and self.mmap_operation():
            pass

    def _take(self) -> AllocateRequest | None:
        with self._queue_cond:
            while not self._queue:
                if self.is_stopped():
                    return None
                self._queue_cond.wait(0.5)
            return heapq.heappop(self._queue)[2]

    def mmap_operation(self) -> bool:
        """Create one requested file; False only when the service is stopping."""
        req = self._take()
        if req is None:
            return False
        expected = self.request_table.get(req.file_path)
        if expected is None:
            log.warning("this mmap request expired, maybe cause timeout %s %d", req.file_path,
                        req.file_size)
            return True
        if expected is not req:
            log.warning("never expected here, maybe cause timeout %s", req.file_path)
            return True
        if req.mapped_file is not None:
            return True
        try:
            with span("AllocateMappedFileService.mmap_operation",
                      java="org.apache.rocketmq.store.AllocateMappedFileService#mmapOperation",
                      books=("B4.4.1",),
                      attributes={"rocketmq_ref.store.file": self._store_relative(req.file_path)}):
                begin = time.monotonic()
                cfg = self.message_store_config
                pool = self.transient_store_pool if cfg.is_transient_store_pool_enable() else None
                mf = MappedFile(req.file_path, req.file_size, pool, preallocate=True)
                elapsed = (time.monotonic() - begin) * 1000
                if elapsed > 10:
                    log.warning("create mappedFile spent time(ms) %.0f queue size %d %s %d",
                                elapsed, len(self._queue), req.file_path, req.file_size)
                if (mf.file_size >= cfg.mapped_file_size_commit_log and cfg.warm_maped_file_enable):
                    mf.warm_mapped_file(cfg.flush_disk_type, cfg.flush_least_pages_when_warm_maped_file)
            req.mapped_file = mf
            self.has_exception = False
            req.done.set()
        except OSError as e:
            log.warning("%s service has exception: %s", self.get_service_name(), e)
            self.has_exception = True
            self._offer(req)
            time.sleep(0.001)
        return True
