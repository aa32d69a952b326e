"""One counter and its snapshots (Java ``common.stats.StatsItem``, ``CallSnapshot``, ``RTStatsItem``;
A2.4, B9.7.2).

``value`` is the sum of what was added and ``times`` how many additions there were.  A sampler
appends ``(timestamp, times, value)`` every 10 s (7 kept: one minute), every 10 min (7 kept: one
hour) and every hour (25 kept: one day); a snapshot is the difference between the first and the last
sample of a list, so ``tps`` is per second over the last minute / hour / day *as of the last sample*,
exactly as Java computes it.  The first sample of a list is preceded by a zero sample one period
earlier, so a counter's first window already has a rate.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from typing import NamedTuple

from rocketmq_ref.common.stats.stats_snapshot import StatsSnapshot

MINUTE_SAMPLES = 7  # 6 intervals of 10 s
HOUR_SAMPLES = 7  # 6 intervals of 10 min
DAY_SAMPLES = 25  # 24 intervals of 1 h
SECONDS_PERIOD_MS = 10 * 1000
MINUTES_PERIOD_MS = 10 * 60 * 1000
HOUR_PERIOD_MS = 60 * 60 * 1000


def now_millis() -> int:
    """The sampling clock: monotonic milliseconds (only differences are ever used)."""
    return int(time.monotonic() * 1000)


class CallSnapshot(NamedTuple):
    timestamp: int
    times: int
    value: int


def compute_stats_data(cs_list: deque[CallSnapshot]) -> StatsSnapshot:
    """Java ``StatsItem.computeStatsData``: the first and last samples of a window."""
    ss = StatsSnapshot()
    if cs_list:
        first, last = cs_list[0], cs_list[-1]
        ss.sum = last.value - first.value
        elapsed = last.timestamp - first.timestamp
        ss.tps = ss.sum * 1000.0 / elapsed if elapsed > 0 else 0.0
        ss.times = last.times - first.times
        if ss.times > 0:
            ss.avgpt = ss.sum / ss.times
    return ss


class StatsItem:
    """A counter keyed by ``stats_key`` in the table ``stats_name``.  ``value`` and ``times`` are
    plain ints: an addition is two integer adds under the GIL (a lost update in a thread race only
    skews a statistic, where Java pays for a ``LongAdder``)."""

    __slots__ = ("value", "times", "stats_name", "stats_key", "log", "cs_list_minute", "cs_list_hour",
                 "cs_list_day", "_lock")

    def __init__(self, stats_name: str, stats_key: str, log: logging.Logger | None = None) -> None:
        self.value = 0
        self.times = 0
        self.stats_name = stats_name
        self.stats_key = stats_key
        self.log = log or logging.getLogger("rocketmq_ref.stats")
        self.cs_list_minute: deque[CallSnapshot] = deque(maxlen=MINUTE_SAMPLES)
        self.cs_list_hour: deque[CallSnapshot] = deque(maxlen=HOUR_SAMPLES)
        self.cs_list_day: deque[CallSnapshot] = deque(maxlen=DAY_SAMPLES)
        self._lock = threading.Lock()  # a reader copies a list while the sampler appends

    def add(self, inc_value: int, inc_times: int = 1) -> None:
        self.value += inc_value
        self.times += inc_times

    # -- snapshots -------------------------------------------------------------------------------

    def _compute(self, cs_list: deque[CallSnapshot]) -> StatsSnapshot:
        with self._lock:
            return compute_stats_data(cs_list)

    def get_stats_data_in_minute(self) -> StatsSnapshot:
        return self._compute(self.cs_list_minute)

    def get_stats_data_in_hour(self) -> StatsSnapshot:
        return self._compute(self.cs_list_hour)

    def get_stats_data_in_day(self) -> StatsSnapshot:
        return self._compute(self.cs_list_day)

    # -- sampling --------------------------------------------------------------------------------

    def _sample(self, cs_list: deque[CallSnapshot], period_ms: int, now_ms: int | None) -> None:
        now = now_millis() if now_ms is None else now_ms
        with self._lock:
            if not cs_list:
                cs_list.append(CallSnapshot(now - period_ms, 0, 0))
            cs_list.append(CallSnapshot(now, self.times, self.value))

    def sampling_in_seconds(self, now_ms: int | None = None) -> None:
        self._sample(self.cs_list_minute, SECONDS_PERIOD_MS, now_ms)

    def sampling_in_minutes(self, now_ms: int | None = None) -> None:
        self._sample(self.cs_list_hour, MINUTES_PERIOD_MS, now_ms)

    def sampling_in_hour(self, now_ms: int | None = None) -> None:
        self._sample(self.cs_list_day, HOUR_PERIOD_MS, now_ms)

    # -- the stats log ---------------------------------------------------------------------------

    def stat_print_detail(self, ss: StatsSnapshot) -> str:
        return f"SUM: {ss.sum} TPS: {ss.tps:.2f} AVGPT: {ss.avgpt:.2f}"

    def _print(self, ss: StatsSnapshot, window: str) -> None:
        self.log.info("[%s] [%s] Stats In One %s, %s", self.stats_name, self.stats_key, window,
                      self.stat_print_detail(ss))

    def print_at_minutes(self) -> None:
        self._print(self.get_stats_data_in_minute(), "Minute")

    def print_at_hour(self) -> None:
        self._print(self.get_stats_data_in_hour(), "Hour")

    def print_at_day(self) -> None:
        self._print(self.get_stats_data_in_day(), "Day")


class RTStatsItem(StatsItem):
    """A response-time counter: the log line gives times and the average (Java ``RTStatsItem``)."""

    __slots__ = ()

    def stat_print_detail(self, ss: StatsSnapshot) -> str:
        return f"TIMES: {ss.times} AVGRT: {ss.avgpt:.2f}"
