"""A bounded processor pool that remembers what waits in its queue (Java
``broker.latency.BrokerFixedThreadPoolExecutor`` with ``FutureTaskExt``; B3.4.4): ``BrokerFastFailure``
looks at the waiting head, answers requests that waited too long SYSTEM_BUSY and drops them."""
from __future__ import annotations

import collections
import threading
import time
from typing import Any, Callable

from rocketmq_ref.remoting.netty.bounded_executor import BoundedThreadPoolExecutor
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand


class RequestTask:
    """One queued run of a processor (Java ``RequestTask`` inside a ``FutureTaskExt``)."""

    __slots__ = ("fn", "args", "create_timestamp", "started", "stop_run", "_lock")

    def __init__(self, fn: Callable[..., Any], args: tuple, lock: threading.Lock) -> None:
        self.fn = fn
        self.args = args
        self.create_timestamp = time.monotonic()
        self.started = False
        self.stop_run = False
        self._lock = lock

    def run(self) -> None:
        with self._lock:  # either it runs or fast failure answers it, never both
            if self.stop_run:
                return
            self.started = True
        self.fn(*self.args)

    def is_request(self) -> bool:
        """A remoting request run (``(ctx, ...)`` or ``(channel, command, processor)``), which can
        be answered instead of run; other tasks (a pull wake-up) are left alone."""
        a = self.args
        if a and hasattr(a[0], "write_response"):
            return True
        return len(a) >= 2 and hasattr(a[0], "write_and_flush") and isinstance(a[1], RemotingCommand)

    def answer(self, response: RemotingCommand) -> None:
        a = self.args
        if hasattr(a[0], "write_response"):
            if not a[0].is_done():
                a[0].write_response(response)
            return
        channel, request = a[0], a[1]
        if request.is_oneway_rpc():
            return
        response.opaque = request.opaque
        response.mark_response_type()
        response.serialize_type_current_rpc = request.serialize_type_current_rpc
        channel.write_and_flush(response)


class BrokerFixedThreadPoolExecutor(BoundedThreadPoolExecutor):
    def __init__(self, max_workers: int, queue_capacity: int, thread_name_prefix: str = "") -> None:
        super().__init__(max_workers, queue_capacity, thread_name_prefix)
        self.waiting: collections.deque[RequestTask] = collections.deque()
        self._waiting_lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any):  # type: ignore[override]
        task = RequestTask(fn, args, self._waiting_lock)
        fut = super().submit(task.run)
        with self._waiting_lock:
            self.waiting.append(task)
        return fut

    def _trim(self) -> None:
        w = self.waiting
        while w and (w[0].started or w[0].stop_run):
            w.popleft()

    def poll_expired_head(self, max_wait_ms: float) -> RequestTask | None:
        """Take the head of the queue when it has waited longer than ``max_wait_ms`` (it will not run)."""
        with self._waiting_lock:
            self._trim()
            if not self.waiting:
                return None
            head = self.waiting[0]
            if (time.monotonic() - head.create_timestamp) * 1000 < max_wait_ms or not head.is_request():
                return None
            head.stop_run = True
            self.waiting.popleft()
            return head

    def poll_head(self) -> RequestTask | None:
        """Take the head regardless of its age (page-cache-busy cleaning)."""
        with self._waiting_lock:
            self._trim()
            if not self.waiting or not self.waiting[0].is_request():
                return None
            head = self.waiting.popleft()
            head.stop_run = True
            return head

    def queue_size(self) -> int:
        with self._waiting_lock:
            self._trim()
            return len(self.waiting)

    def head_slow_time_mills(self) -> int:
        """How long the oldest waiting request has waited (Java ``headSlowTimeMills``)."""
        with self._waiting_lock:
            self._trim()
            if not self.waiting:
                return 0
            return int((time.monotonic() - self.waiting[0].create_timestamp) * 1000)
