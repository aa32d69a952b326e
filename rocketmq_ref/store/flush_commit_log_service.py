"""The commit-log flush services (Java ``CommitLog.FlushRealTimeService``, ``GroupCommitService``,
``CommitRealTimeService``, ``GroupCommitRequest`` and ``FlushDiskWatcher``; books A5.4, B4.8).

* ASYNC_FLUSH: ``FlushRealTimeService`` sleeps ``flushIntervalCommitLog`` (500 ms), flushes when at
  least ``flushCommitLogLeastPages`` (4) pages are dirty, everything every 10 s.
* SYNC_FLUSH: a producer waiting for the disk puts a ``GroupCommitRequest``; ``GroupCommitService``
  swaps its request lists and flushes once for the whole batch (group commit, B4.8.1).
* With the TransientStorePool, ``CommitRealTimeService`` first writes the pooled buffers through.
"""
from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
from collections import deque
from typing import TYPE_CHECKING

from rocketmq_ref.common.service_thread import ServiceThread
from rocketmq_ref.common.tracing import span
from rocketmq_ref.store.put_message_result import PutMessageStatus

if TYPE_CHECKING:
    from rocketmq_ref.store.commit_log import CommitLog

log = logging.getLogger("rocketmq_ref.store")

RETRY_TIMES_OVER = 10
_BOOKS = ("A5.4", "B4.8")


def _now_ms() -> int:
    return int(time.time() * 1000)


class GroupCommitRequest:
    """One waiting producer: done when ``flushed_where >= next_offset`` (Java ``GroupCommitRequest``)."""

    __slots__ = ("next_offset", "dead_line", "future")

    def __init__(self, next_offset: int, timeout_millis: int) -> None:
        self.next_offset = next_offset
        self.dead_line = time.monotonic_ns() + timeout_millis * 1_000_000
        self.future: concurrent.futures.Future[PutMessageStatus] = concurrent.futures.Future()

    def wakeup_customer(self, status: PutMessageStatus) -> None:
        """Complete once; a late second completion (watcher vs flusher) is ignored."""
        try:
            self.future.set_result(status)
        except concurrent.futures.InvalidStateError:
            pass

    def get_next_offset(self) -> int:
        return self.next_offset

    def get_dead_line(self) -> int:
        return self.dead_line


class FlushCommitLogService(ServiceThread):
    def __init__(self, commit_log: CommitLog) -> None:
        super().__init__()
        self.commit_log = commit_log

    def _until_done(self, step) -> None:
        """At shutdown: commit or flush everything (``step(0)`` is True once nothing moved)."""
        for _ in range(RETRY_TIMES_OVER):
            if step(0):
                break
        log.info("%s service end", self.get_service_name())

    def _set_checkpoint_physic_time(self) -> None:
        store_timestamp = self.commit_log.mapped_file_queue.store_timestamp
        if store_timestamp > 0:
            self.commit_log.default_message_store.get_store_checkpoint().set_physic_msg_timestamp(
                store_timestamp)


class CommitRealTimeService(FlushCommitLogService):
    """Writes the TransientStorePool buffers through to the files every 200 ms (B4.4.3)."""

    def __init__(self, commit_log: CommitLog) -> None:
        super().__init__(commit_log)
        self.last_commit_timestamp = 0

    def run(self) -> None:
        cfg = self.commit_log.message_store_config
        queue = self.commit_log.mapped_file_queue
        while not self.is_stopped():
            interval = cfg.commit_interval_commit_log
            least_pages = cfg.commit_commit_log_least_pages
            begin = _now_ms()
            if begin >= self.last_commit_timestamp + cfg.commit_commit_log_thorough_interval:
                self.last_commit_timestamp = begin
                least_pages = 0
            try:
                if queue.remain_how_many_data_to_commit() > 0:
                    self.commit_once(least_pages)
                end = _now_ms()
                if end - begin > 500:
                    log.info("Commit data to file costs %d ms", end - begin)
                self.wait_for_running(interval)
            except Exception:
                log.exception("%s service has exception.", self.get_service_name())
        self._until_done(queue.commit)

    def commit_once(self, least_pages: int) -> None:
        queue = self.commit_log.mapped_file_queue
        with span("CommitRealTimeService.commit",
                  java="org.apache.rocketmq.store.CommitLog$CommitRealTimeService#run",
                  books=("B4.4.3", "B4.8.2")) as s:
            before = queue.committed_where
            if not queue.commit(least_pages):
                # something was committed: the flusher has work now
                self.last_commit_timestamp = _now_ms()
                self.commit_log.flush_commit_log_service.wakeup()
            if s.is_recording():
                s.set_attributes({"rocketmq_ref.store.least_pages": least_pages,
                                  "rocketmq_ref.store.committed_bytes": queue.committed_where - before})


class FlushRealTimeService(FlushCommitLogService):
    """Async flush (B4.8.2)."""

    JOIN_TIME_MS = 1000 * 60 * 5

    def __init__(self, commit_log: CommitLog) -> None:
        super().__init__(commit_log)
        self.last_flush_timestamp = 0
        self.print_times = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        cfg = self.commit_log.message_store_config
        queue = self.commit_log.mapped_file_queue
        while not self.is_stopped():
            interval = cfg.flush_interval_commit_log
            least_pages = cfg.flush_commit_log_least_pages
            now = _now_ms()
            if now >= self.last_flush_timestamp + cfg.flush_commit_log_thorough_interval:
                self.last_flush_timestamp = now
                least_pages = 0
            try:
                if cfg.flush_commit_log_timed:
                    # Thread.sleep in Java; an interruptible wait here so shutdown is prompt
                    self._sleep(interval)
                else:
                    self.wait_for_running(interval)
                if self.is_stopped():
                    break
                self.flush_once(least_pages)
            except Exception:
                log.exception("%s service has exception.", self.get_service_name())
        self._until_done(queue.flush)
        self._set_checkpoint_physic_time()

    def _sleep(self, interval_ms: int) -> None:
        self._stop_event.wait(interval_ms / 1000.0)

    def shutdown(self, interrupt: bool = False) -> None:
        self._stop_event.set()
        super().shutdown(interrupt)

    def flush_once(self, least_pages: int) -> None:
        queue = self.commit_log.mapped_file_queue
        before = queue.flushed_where
        begin = time.monotonic()
        mf = queue.find_mapped_file_by_offset(before, before == 0)
        if mf is None or not mf.is_able_to_flush(least_pages):
            return
        with span("FlushRealTimeService.flush",
                  java="org.apache.rocketmq.store.CommitLog$FlushRealTimeService#run",
                  books=_BOOKS) as s:
            queue.flush(least_pages)
            self._set_checkpoint_physic_time()
            if s.is_recording():
                s.set_attributes({"rocketmq_ref.store.least_pages": least_pages,
                                  "rocketmq_ref.store.flushed_bytes": queue.flushed_where - before,
                                  "rocketmq_ref.store.flushed_where": queue.flushed_where})
        past = (time.monotonic() - begin) * 1000
        if past > 500:
            log.info("Flush data to disk costs %.0f ms", past)


class GroupCommitService(FlushCommitLogService):
    """Sync flush with batched requests (B4.8.1)."""

    JOIN_TIME_MS = 1000 * 60 * 5

    def __init__(self, commit_log: CommitLog) -> None:
        super().__init__(commit_log)
        self._lock = threading.Lock()
        self.requests_write: list[GroupCommitRequest] = []
        self.requests_read: list[GroupCommitRequest] = []

    def put_request(self, request: GroupCommitRequest) -> None:
        with self._lock:
            self.requests_write.append(request)
        self.wakeup()

    def swap_requests(self) -> None:
        with self._lock:
            self.requests_write, self.requests_read = self.requests_read, self.requests_write

    def do_commit(self) -> None:
        queue = self.commit_log.mapped_file_queue
        reqs = self.requests_read
        if reqs:
            with span("GroupCommitService.do_commit",
                      java="org.apache.rocketmq.store.CommitLog$GroupCommitService#doCommit",
                      books=_BOOKS) as s:
                before = queue.flushed_where
                timeouts = 0
                for req in reqs:
                    flush_ok = queue.flushed_where >= req.next_offset
                    for _ in range(2):  # a record may straddle two files
                        if flush_ok:
                            break
                        queue.flush(0)
                        flush_ok = queue.flushed_where >= req.next_offset
                    if not flush_ok:
                        timeouts += 1
                    req.wakeup_customer(PutMessageStatus.PUT_OK if flush_ok
                                        else PutMessageStatus.FLUSH_DISK_TIMEOUT)
                self._set_checkpoint_physic_time()
                if s.is_recording():
                    s.set_attributes({"rocketmq_ref.store.requests": len(reqs),
                                      "rocketmq_ref.store.flushed_bytes": queue.flushed_where - before,
                                      "rocketmq_ref.store.flush_timeouts": timeouts})
            self.requests_read = []
        else:
            # messages put with WAIT=false still need flushing
            queue.flush(0)

    def run(self) -> None:
        while not self.is_stopped():
            try:
                self.wait_for_running(10)
                self.do_commit()
            except Exception:
                log.exception("%s service has exception.", self.get_service_name())
        time.sleep(0.01)
        self.swap_requests()
        self.do_commit()
        log.info("%s service end", self.get_service_name())

    def on_wait_end(self) -> None:
        self.swap_requests()


class FlushDiskWatcher(ServiceThread):
    """Times out sync-flush requests past their deadline (Java ``FlushDiskWatcher``, 4.9.x)."""

    def __init__(self) -> None:
        super().__init__()
        self.commit_requests: deque[GroupCommitRequest] = deque()
        self._has_request = threading.Condition()

    def add(self, request: GroupCommitRequest) -> None:
        with self._has_request:
            self.commit_requests.append(request)
            self._has_request.notify()

    def queue_size(self) -> int:
        return len(self.commit_requests)

    def shutdown(self, interrupt: bool = False) -> None:
        self.make_stop()
        with self._has_request:
            self._has_request.notify_all()
        super().shutdown(interrupt)

    def run(self) -> None:
        while not self.is_stopped():
            with self._has_request:
                while not self.commit_requests and not self.is_stopped():
                    self._has_request.wait(0.5)
                if self.is_stopped():
                    break
                request = self.commit_requests.popleft()
            while not request.future.done():
                now = time.monotonic_ns()
                if now >= request.dead_line:
                    request.wakeup_customer(PutMessageStatus.FLUSH_DISK_TIMEOUT)
                    break
                sleep_ms = min(10, (request.dead_line - now) // 1_000_000)
                if sleep_ms == 0:
                    request.wakeup_customer(PutMessageStatus.FLUSH_DISK_TIMEOUT)
                    break
                time.sleep(sleep_ms / 1000.0)
