"""A thread pool with a bounded queue (Java ``ThreadPoolExecutor`` over a ``LinkedBlockingQueue`` of
fixed capacity, e.g. ``BrokerFixedThreadPoolExecutor``; book A4.3.1).

``submit`` raises ``RejectedExecutionException`` when the queue is full; the remoting layer answers
such a request SYSTEM_BUSY ``[OVERLOAD]`` instead of queueing without limit.
"""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable


class RejectedExecutionException(RuntimeError):
    """The executor's queue is full (Java ``RejectedExecutionException``)."""


class BoundedThreadPoolExecutor(ThreadPoolExecutor):
    def __init__(self, max_workers: int, queue_capacity: int, thread_name_prefix: str = "") -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix=thread_name_prefix)
        self.queue_capacity = queue_capacity
        self._pending = 0
        self._pending_lock = threading.Lock()

    def queue_size(self) -> int:
        """Tasks submitted and not yet finished (Java reports the queue size; close enough)."""
        return self._pending

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        with self._pending_lock:
            if self._pending >= self.queue_capacity + self._max_workers:
                raise RejectedExecutionException(
                    f"{self._thread_name_prefix or 'executor'} queue full ({self.queue_capacity})")
            self._pending += 1
        try:
            fut = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._done_one(None)
            raise
        fut.add_done_callback(self._done_one)
        return fut

    def _done_one(self, _fut: Future | None) -> None:
        with self._pending_lock:
            self._pending -= 1
