"""The stats lines of the benchmark tools (the ``StatsBenchmark*`` classes and the timer tasks of Java
``example.benchmark.Producer``, ``BatchProducer`` and ``Consumer``; books A7.5, B9.7): counters under
one lock, a snapshot every second, a ``Current Time: ...`` line over the last 10 s and, when a run
ends by itself, a ``[Complete] ...`` line; each line ends with p50/p99 from the latency histogram.
"""
from __future__ import annotations

import collections
import sys
import threading
import time

from rocketmq_ref.tools.benchmark.latency import LatencyHistogram


class BenchmarkStats:
    """What the ``StatsBenchmark*`` classes share: the lock, the histogram, ``createSnapshot`` over
    the counters named in ``SNAPSHOT``, and the line around a subclass's ``window``."""

    SNAPSHOT: tuple[str, ...] = ()  # the counters of Java's createSnapshot, in its order
    TOTAL = "Send Total"  # the [Complete] line's first field

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.latency = LatencyHistogram()

    def create_snapshot(self) -> tuple:
        """A time in ms (monotonic: only differences are used), then the ``SNAPSHOT`` counters."""
        with self._lock:
            return (time.monotonic() * 1000.0, *(getattr(self, name) for name in self.SNAPSHOT))

    def window(self, snapshots: list[tuple]) -> str:
        """The Java line's fields over ``snapshots`` (the first and the last of them count)."""
        raise NotImplementedError

    def total(self, end: tuple) -> int:
        """The ``[Complete]`` line's total."""
        raise NotImplementedError

    def current_time(self) -> str:
        """The ``Current Time:`` field: ``System.currentTimeMillis()`` as most Java tools print it."""
        return str(int(time.time() * 1000))

    def line(self, snapshots: list[tuple], done: bool) -> str:
        tail = f"{self.window(snapshots)}{self.latency.describe()}"
        if done:
            return f"[Complete] {self.TOTAL}: {self.total(snapshots[-1])} {tail}"
        return f"Current Time: {self.current_time()} {tail}"


class Reporter:
    """The timer threads of the Java tools: a snapshot every second, a line every 10 s."""

    def __init__(self, stats: BenchmarkStats, period_s: int = 10) -> None:
        self.snapshot = stats.create_snapshot
        self.line = stats.line
        self.period_s = period_s
        self.snapshots: collections.deque[tuple] = collections.deque(maxlen=period_s + 1)
        self.snapshots.append(self.snapshot())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="BenchmarkTimerThread-1", daemon=True)
        self.progress = sys.stdout.isatty()

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        ticks = 0
        while not self._stop.wait(1.0):
            self.snapshots.append(self.snapshot())
            ticks += 1
            if ticks % self.period_s == 0 and len(self.snapshots) > self.period_s:
                self._print(self.line(list(self.snapshots), False))
            elif self.progress:  # a progress display on a terminal, overwritten by the next line
                sys.stdout.write("\r" + self.line(list(self.snapshots)[-2:], False)[:150])
                sys.stdout.flush()

    def _print(self, text: str) -> None:
        sys.stdout.write(("\r" if self.progress else "") + text + "\n")
        sys.stdout.flush()

    def stop(self, complete: bool) -> None:
        self._stop.set()
        self._thread.join(5)
        if complete:
            self.snapshots.append(self.snapshot())
            self._print(self.line(list(self.snapshots), True))
