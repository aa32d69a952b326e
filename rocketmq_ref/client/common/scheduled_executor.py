"""A named single-thread scheduled executor (Java ``ScheduledExecutorService`` with a
``ThreadFactoryImpl`` name, as MQClientInstance and PullMessageService use; book A11.3.2).

``schedule_at_fixed_rate(fn, initial_ms, period_ms)`` and ``schedule(fn, delay_ms)``; ``shutdown()``
wakes the thread, drops what is pending and joins it, so nothing outlives its owner.
"""
from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from typing import Callable

log = logging.getLogger("rocketmq_ref.client")


class ScheduledExecutor:
    def __init__(self, name: str) -> None:
        self.name = name
        self._cond = threading.Condition()
        self._queue: list[tuple[float, int, Callable[[], None], float]] = []
        self._seq = itertools.count()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def schedule(self, fn: Callable[[], None], delay_ms: float) -> None:
        self._add(fn, delay_ms, 0)

    def schedule_at_fixed_rate(self, fn: Callable[[], None], initial_ms: float, period_ms: float) -> None:
        self._add(fn, initial_ms, period_ms)

    def _add(self, fn: Callable[[], None], delay_ms: float, period_ms: float) -> None:
        with self._cond:
            if self._stopped:
                return
            due = time.monotonic() + max(delay_ms, 0) / 1000.0
            heapq.heappush(self._queue, (due, next(self._seq), fn, period_ms))
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped:
                    if self._queue:
                        wait = self._queue[0][0] - time.monotonic()
                        if wait <= 0:
                            break
                        self._cond.wait(wait)
                    else:
                        self._cond.wait()
                if self._stopped:
                    return
                due, _, fn, period = heapq.heappop(self._queue)
                if period > 0:
                    heapq.heappush(self._queue, (due + period / 1000.0, next(self._seq), fn, period))
            try:
                fn()
            except Exception:  # a failing task must not kill the timer (Java logs and goes on)
                log.exception("%s: scheduled task failed", self.name)

    def is_shutdown(self) -> bool:
        return self._stopped

    def shutdown(self, timeout_s: float = 10.0) -> None:
        with self._cond:
            self._stopped = True
            self._queue.clear()
            self._cond.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout_s)
