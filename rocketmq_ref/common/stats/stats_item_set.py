"""A table of counters of one kind, keyed by topic, ``topic@group``, ``queueId@topic@group``...
(Java ``common.stats.StatsItemSet``; A2.4, B9.7.2).

``init(scheduler)`` schedules the samplers (every 10 s, 10 min and 1 h) and the stats log lines
(at each minute, hour and midnight) on the owner's scheduler, as Java's constructor does; a set built
without a scheduler is sampled by hand (tests) and costs no thread.
"""
from __future__ import annotations

import logging
import time

from rocketmq_ref.common.stats.scheduler import StatsScheduler
from rocketmq_ref.common.stats.stats_item import (HOUR_PERIOD_MS, MINUTES_PERIOD_MS, SECONDS_PERIOD_MS,
                                                  RTStatsItem, StatsItem)
from rocketmq_ref.common.stats.stats_snapshot import StatsSnapshot
from rocketmq_ref.common.utilall import (compute_next_hour_time_millis, compute_next_minutes_time_millis,
                                         compute_next_morning_time_millis)

log = logging.getLogger("rocketmq_ref.stats")


def schedule_prints(scheduler: StatsScheduler, at_minutes, at_hour, at_day) -> None:
    """The stats log's schedule: on the next minute / hour / midnight, then every period."""
    now = int(time.time() * 1000)
    scheduler.schedule_at_fixed_rate(at_minutes, abs(compute_next_minutes_time_millis(now) - now), 60 * 1000)
    scheduler.schedule_at_fixed_rate(at_hour, abs(compute_next_hour_time_millis(now) - now), HOUR_PERIOD_MS)
    scheduler.schedule_at_fixed_rate(at_day, abs(compute_next_morning_time_millis(now) - now), 24 * HOUR_PERIOD_MS)


class StatsItemSet:
    def __init__(self, stats_name: str, scheduler: StatsScheduler | None = None,
                 logger: logging.Logger | None = None) -> None:
        self.stats_name = stats_name
        self.log = logger or log
        self.stats_item_table: dict[str, StatsItem] = {}
        if scheduler is not None:
            self.init(scheduler)

    def init(self, scheduler: StatsScheduler) -> None:
        scheduler.schedule_at_fixed_rate(self.sampling_in_seconds, 0, SECONDS_PERIOD_MS)
        scheduler.schedule_at_fixed_rate(self.sampling_in_minutes, 0, MINUTES_PERIOD_MS)
        scheduler.schedule_at_fixed_rate(self.sampling_in_hour, 0, HOUR_PERIOD_MS)
        schedule_prints(scheduler, self.print_at_minutes, self.print_at_hour, self.print_at_day)

    # -- counting (the hot path: one dict lookup and two integer adds) ---------------------------

    def add_value(self, stats_key: str, inc_value: int, inc_times: int = 1) -> None:
        item = self.stats_item_table.get(stats_key)
        if item is None:
            item = self.get_and_create_stats_item(stats_key)
        item.value += inc_value
        item.times += inc_times

    def add_rt_value(self, stats_key: str, inc_value: int, inc_times: int = 1) -> None:
        item = self.stats_item_table.get(stats_key)
        if item is None:
            item = self.get_and_create_rt_stats_item(stats_key)
        item.value += inc_value
        item.times += inc_times

    def get_and_create_stats_item(self, stats_key: str) -> StatsItem:
        return self.get_and_create_item(stats_key, False)

    def get_and_create_rt_stats_item(self, stats_key: str) -> StatsItem:
        return self.get_and_create_item(stats_key, True)

    def get_and_create_item(self, stats_key: str, rt_item: bool) -> StatsItem:
        item = self.stats_item_table.get(stats_key)
        if item is None:
            cls = RTStatsItem if rt_item else StatsItem
            # setdefault is atomic: of two racing creators one item wins, as Java's putIfAbsent
            item = self.stats_item_table.setdefault(stats_key, cls(self.stats_name, stats_key, self.log))
        return item

    # -- removal (a topic or group deleted) ------------------------------------------------------

    def _del_where(self, pred) -> None:
        for key in [k for k in list(self.stats_item_table) if pred(k)]:
            self.stats_item_table.pop(key, None)

    def del_value(self, stats_key: str) -> None:
        self.stats_item_table.pop(stats_key, None)

    def del_value_by_prefix_key(self, stats_key: str, separator: str) -> None:
        prefix = stats_key + separator
        self._del_where(lambda k: k.startswith(prefix))

    def del_value_by_infix_key(self, stats_key: str, separator: str) -> None:
        infix = separator + stats_key + separator
        self._del_where(lambda k: infix in k)

    def del_value_by_suffix_key(self, stats_key: str, separator: str) -> None:
        suffix = separator + stats_key
        self._del_where(lambda k: k.endswith(suffix))

    # -- reading ---------------------------------------------------------------------------------

    def get_stats_item(self, stats_key: str) -> StatsItem | None:
        return self.stats_item_table.get(stats_key)

    def get_stats_data_in_minute(self, stats_key: str) -> StatsSnapshot:
        item = self.stats_item_table.get(stats_key)
        return item.get_stats_data_in_minute() if item is not None else StatsSnapshot()

    def get_stats_data_in_hour(self, stats_key: str) -> StatsSnapshot:
        item = self.stats_item_table.get(stats_key)
        return item.get_stats_data_in_hour() if item is not None else StatsSnapshot()

    def get_stats_data_in_day(self, stats_key: str) -> StatsSnapshot:
        item = self.stats_item_table.get(stats_key)
        return item.get_stats_data_in_day() if item is not None else StatsSnapshot()

    # -- the scheduled tasks ---------------------------------------------------------------------

    def _items(self) -> list[StatsItem]:
        return list(self.stats_item_table.values())

    def sampling_in_seconds(self, now_ms: int | None = None) -> None:
        for item in self._items():
            item.sampling_in_seconds(now_ms)

    def sampling_in_minutes(self, now_ms: int | None = None) -> None:
        for item in self._items():
            item.sampling_in_minutes(now_ms)

    def sampling_in_hour(self, now_ms: int | None = None) -> None:
        for item in self._items():
            item.sampling_in_hour(now_ms)

    def print_at_minutes(self) -> None:
        for item in self._items():
            item.print_at_minutes()

    def print_at_hour(self) -> None:
        for item in self._items():
            item.print_at_hour()

    def print_at_day(self) -> None:
        for item in self._items():
            item.print_at_day()
