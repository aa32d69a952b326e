"""A latency histogram for the benchmark tools: 0.1 ms buckets up to 60 s, percentiles from the
cumulative counts (constant memory whatever the message count; book A7.5)."""
from __future__ import annotations

import threading

RESOLUTION_MS = 0.1
MAX_MS = 60_000.0


class LatencyHistogram:
    """Thread-safe recorder of latencies in milliseconds."""

    def __init__(self) -> None:
        self._buckets = [0] * (int(MAX_MS / RESOLUTION_MS) + 1)
        self._lock = threading.Lock()
        self.count = 0
        self.total_ms = 0.0
        self.max_ms = 0.0

    def record(self, ms: float) -> None:
        index = min(len(self._buckets) - 1, max(0, int(ms / RESOLUTION_MS)))
        with self._lock:
            self._buckets[index] += 1
            self.count += 1
            self.total_ms += ms
            if ms > self.max_ms:
                self.max_ms = ms

    def percentile(self, p: float) -> float:
        """The upper edge of the bucket holding the p-th percentile (0 when empty)."""
        with self._lock:
            if self.count == 0:
                return 0.0
            rank = max(1, int(round(p / 100.0 * self.count)))
            seen = 0
            for index, n in enumerate(self._buckets):
                seen += n
                if seen >= rank:
                    return (index + 1) * RESOLUTION_MS
        return MAX_MS

    def describe(self) -> str:
        """`` p50 RT(ms): x p99 RT(ms): y`` appended to the Java lines."""
        return f" p50 RT(ms): {self.percentile(50):.3f} p99 RT(ms): {self.percentile(99):.3f}"
