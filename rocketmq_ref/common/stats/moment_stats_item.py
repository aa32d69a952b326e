"""A value that is set, not summed: how far a group's last pull lagged behind (Java
``common.stats.MomentStatsItem``, ``MomentStatsItemSet``; A2.4).  Logged every 5 minutes; Java's
single item also resets to 0 after logging, the set (what the broker uses) does not."""
from __future__ import annotations

import logging
import time

from rocketmq_ref.common.stats.scheduler import StatsScheduler
from rocketmq_ref.common.utilall import compute_next_minutes_time_millis

log = logging.getLogger("rocketmq_ref.stats")

PRINT_PERIOD_MS = 5 * 60 * 1000


class MomentStatsItem:
    __slots__ = ("value", "stats_name", "stats_key", "log")

    def __init__(self, stats_name: str, stats_key: str, logger: logging.Logger | None = None) -> None:
        self.value = 0
        self.stats_name = stats_name
        self.stats_key = stats_key
        self.log = logger or log

    def init(self, scheduler: StatsScheduler) -> None:
        def print_and_reset() -> None:
            self.print_at_minutes()
            self.value = 0
        now = int(time.time() * 1000)
        scheduler.schedule_at_fixed_rate(print_and_reset, abs(compute_next_minutes_time_millis(now) - now),
                                         PRINT_PERIOD_MS)

    def print_at_minutes(self) -> None:
        self.log.info("[%s] [%s] Stats Every 5 Minutes, Value: %d", self.stats_name, self.stats_key, self.value)


class MomentStatsItemSet:
    def __init__(self, stats_name: str, scheduler: StatsScheduler | None = None,
                 logger: logging.Logger | None = None) -> None:
        self.stats_name = stats_name
        self.log = logger or log
        self.stats_item_table: dict[str, MomentStatsItem] = {}
        if scheduler is not None:
            self.init(scheduler)

    def init(self, scheduler: StatsScheduler) -> None:
        now = int(time.time() * 1000)
        scheduler.schedule_at_fixed_rate(self.print_at_minutes, abs(compute_next_minutes_time_millis(now) - now),
                                         PRINT_PERIOD_MS)

    def print_at_minutes(self) -> None:
        for item in list(self.stats_item_table.values()):
            item.print_at_minutes()

    def set_value(self, stats_key: str, value: int) -> None:
        self.get_and_create_stats_item(stats_key).value = value

    def get_and_create_stats_item(self, stats_key: str) -> MomentStatsItem:
        item = self.stats_item_table.get(stats_key)
        if item is None:
            item = self.stats_item_table.setdefault(stats_key, MomentStatsItem(self.stats_name, stats_key, self.log))
        return item

    def del_value_by_infix_key(self, stats_key: str, separator: str) -> None:
        infix = separator + stats_key + separator
        for key in [k for k in list(self.stats_item_table) if infix in k]:
            self.stats_item_table.pop(key, None)

    def del_value_by_suffix_key(self, stats_key: str, separator: str) -> None:
        suffix = separator + stats_key
        for key in [k for k in list(self.stats_item_table) if k.endswith(suffix)]:
            self.stats_item_table.pop(key, None)
