"""Per topic / group / broker counters behind runtime info, consume stats and ``mqadmin statsAll``
(Java ``store.stats.BrokerStatsManager``, ``common.stats.StatsItemSet``/``StatsItem``, ``broker.BrokerStats``;
A2.1, B5.6.3).

A ``StatsItem`` counts a value and the number of increments; every 10 s a snapshot is kept for the
last minute so ``tps`` answers "per second over the last minute" as Java's ``getStatsDataInMinute``.
"""
from __future__ import annotations

import threading
import time
from collections import deque

TOPIC_PUT_NUMS = "TOPIC_PUT_NUMS"
TOPIC_PUT_SIZE = "TOPIC_PUT_SIZE"
GROUP_GET_NUMS = "GROUP_GET_NUMS"
GROUP_GET_SIZE = "GROUP_GET_SIZE"
SNDBCK_PUT_NUMS = "SNDBCK_PUT_NUMS"
BROKER_PUT_NUMS = "BROKER_PUT_NUMS"
BROKER_GET_NUMS = "BROKER_GET_NUMS"
GROUP_GET_FROM_DISK_NUMS = "GROUP_GET_FROM_DISK_NUMS"
GROUP_GET_LATENCY = "GROUP_GET_LATENCY"

SAMPLE_INTERVAL_S = 10.0
SAMPLES_PER_MINUTE = 7  # 6 intervals of 10 s, both ends included


class StatsItem:
    """One counter: the sum of values and how many times it was increased (Java ``StatsItem``)."""

    __slots__ = ("value", "times", "samples")

    def __init__(self) -> None:
        self.value = 0
        self.times = 0
        self.samples: deque[tuple[float, int, int]] = deque(maxlen=SAMPLES_PER_MINUTE)

    def sample(self, now: float) -> None:
        self.samples.append((now, self.value, self.times))

    def tps_in_minute(self, now: float | None = None) -> float:
        """Value per second over the samples of the last minute (including the live counter)."""
        now = time.monotonic() if now is None else now
        if not self.samples:
            return 0.0
        first_t, first_v, _ = self.samples[0]
        elapsed = now - first_t
        if elapsed <= 0:
            return 0.0
        return (self.value - first_v) / elapsed


class StatsItemSet:
    """``name`` -> key -> StatsItem (Java ``StatsItemSet``)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: dict[str, StatsItem] = {}
        self._lock = threading.Lock()

    def add_value(self, key: str, inc_value: int, inc_times: int = 1) -> None:
        item = self.items.get(key)
        if item is None:
            with self._lock:
                item = self.items.setdefault(key, StatsItem())
        item.value += inc_value  # under the GIL; a lost update in a race only skews a statistic
        item.times += inc_times

    def get(self, key: str) -> StatsItem | None:
        return self.items.get(key)

    def sample_all(self, now: float) -> None:
        for item in list(self.items.values()):
            item.sample(now)


class BrokerStatsManager:
    def __init__(self, cluster_name: str = "", enable_queue_stat: bool = True) -> None:
        self.cluster_name = cluster_name
        self.enable_queue_stat = enable_queue_stat
        self.stats_table: dict[str, StatsItemSet] = {
            name: StatsItemSet(name) for name in (
                TOPIC_PUT_NUMS, TOPIC_PUT_SIZE, GROUP_GET_NUMS, GROUP_GET_SIZE, SNDBCK_PUT_NUMS,
                BROKER_PUT_NUMS, BROKER_GET_NUMS, GROUP_GET_FROM_DISK_NUMS, GROUP_GET_LATENCY)}
        self._last_sample = 0.0
        self.moment_fall_size: dict[str, int] = {}

    @staticmethod
    def build_stats_key(topic: str, group: str | None = None) -> str:
        return topic if group is None else f"{topic}@{group}"

    def inc_topic_put_nums(self, topic: str, num: int = 1, times: int = 1) -> None:
        self.stats_table[TOPIC_PUT_NUMS].add_value(topic, num, times)

    def inc_topic_put_size(self, topic: str, size: int) -> None:
        self.stats_table[TOPIC_PUT_SIZE].add_value(topic, size, 1)

    def inc_group_get_nums(self, group: str, topic: str, inc: int) -> None:
        self.stats_table[GROUP_GET_NUMS].add_value(self.build_stats_key(topic, group), inc, 1)

    def inc_group_get_size(self, group: str, topic: str, inc: int) -> None:
        self.stats_table[GROUP_GET_SIZE].add_value(self.build_stats_key(topic, group), inc, 1)

    def inc_group_get_latency(self, group: str, topic: str, queue_id: int, inc: int) -> None:
        self.stats_table[GROUP_GET_LATENCY].add_value(f"{queue_id}@{topic}@{group}", inc, 1)

    def inc_broker_put_nums(self, inc: int = 1) -> None:
        self.stats_table[BROKER_PUT_NUMS].add_value(self.cluster_name, inc, 1)

    def inc_broker_get_nums(self, inc: int) -> None:
        self.stats_table[BROKER_GET_NUMS].add_value(self.cluster_name, inc, 1)

    def inc_send_back_nums(self, group: str, topic: str) -> None:
        self.stats_table[SNDBCK_PUT_NUMS].add_value(self.build_stats_key(topic, group), 1, 1)

    def record_disk_fall_behind_size(self, group: str, topic: str, queue_id: int, fall_behind: int) -> None:
        """How many bytes a group's last pull lagged behind the commit-log tail (a moment value, not
        a sum; Java ``MomentStatsItemSet`` GROUP_GET_FALL_SIZE, key ``queueId@topic@group``)."""
        self.moment_fall_size[f"{queue_id}@{topic}@{group}"] = fall_behind

    def tps_group_get_nums(self, group: str, topic: str) -> float:
        item = self.stats_table[GROUP_GET_NUMS].get(self.build_stats_key(topic, group))
        return item.tps_in_minute() if item else 0.0

    def get_stats_item(self, stats_name: str, key: str) -> StatsItem | None:
        table = self.stats_table.get(stats_name)
        return table.get(key) if table else None

    def broker_put_nums(self) -> int:
        item = self.stats_table[BROKER_PUT_NUMS].get(self.cluster_name)
        return item.value if item else 0

    def broker_get_nums(self) -> int:
        item = self.stats_table[BROKER_GET_NUMS].get(self.cluster_name)
        return item.value if item else 0

    def sample(self) -> None:
        """Take the 10 s snapshot of every counter (the scheduled task calls this)."""
        now = time.monotonic()
        for table in self.stats_table.values():
            table.sample_all(now)


class BrokerStats:
    """Put/get totals at yesterday's and today's midnight (Java ``broker.BrokerStats``, ``record()``
    runs daily)."""

    def __init__(self, stats_manager: BrokerStatsManager) -> None:
        self.stats_manager = stats_manager
        self.msg_put_total_yesterday_morning = 0
        self.msg_put_total_today_morning = 0
        self.msg_get_total_yesterday_morning = 0
        self.msg_get_total_today_morning = 0

    def record(self) -> None:
        self.msg_put_total_yesterday_morning = self.msg_put_total_today_morning
        self.msg_get_total_yesterday_morning = self.msg_get_total_today_morning
        self.msg_put_total_today_morning = self.stats_manager.broker_put_nums()
        self.msg_get_total_today_morning = self.stats_manager.broker_get_nums()

    def get_msg_put_total_today_now(self) -> int:
        return self.stats_manager.broker_put_nums()

    def get_msg_get_total_today_now(self) -> int:
        return self.stats_manager.broker_get_nums()
