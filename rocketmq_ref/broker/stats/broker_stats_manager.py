"""Per topic / group / queue / broker counters behind runtime info, consume stats, VIEW_BROKER_STATS_DATA
and ``mqadmin statsAll`` (Java ``store.stats.BrokerStatsManager``; A2.4, B9.7.2, B5.6.3).

Keys as Java builds them: ``topic`` (TOPIC_PUT_*), ``topic@group`` (GROUP_GET_*, SNDBCK_PUT_NUMS),
``topic@queueId`` (QUEUE_PUT_*), ``topic@queueId@group`` (QUEUE_GET_*), ``queueId@topic@group``
(GROUP_GET_LATENCY with queue stats, the fall-behind moments) and the cluster name (BROKER_*).
Counting costs a dict lookup and two integer adds; :meth:`start` schedules the samplers (10 s /
10 min / 1 h) and the stats log on one ``BrokerStatsThread`` that :meth:`shutdown` stops.
"""
from __future__ import annotations

import logging

from rocketmq_ref.client.common.scheduled_executor import ScheduledExecutor
from rocketmq_ref.common.stats import stats as S
from rocketmq_ref.common.stats.moment_stats_item import MomentStatsItemSet
from rocketmq_ref.common.stats.stats_item import StatsItem
from rocketmq_ref.common.stats.stats_item_set import StatsItemSet

log = logging.getLogger("rocketmq_ref.stats")
COMMERCIAL_LOG = logging.getLogger("rocketmq_ref.stats.commercial")

_QUEUE_TABLES = (S.QUEUE_PUT_NUMS, S.QUEUE_PUT_SIZE, S.QUEUE_GET_NUMS, S.QUEUE_GET_SIZE)
_TABLES = (S.TOPIC_PUT_NUMS, S.TOPIC_PUT_SIZE, S.GROUP_GET_NUMS, S.GROUP_GET_SIZE, S.GROUP_GET_LATENCY,
           S.SNDBCK_PUT_NUMS, S.BROKER_PUT_NUMS, S.BROKER_GET_NUMS, S.GROUP_GET_FROM_DISK_NUMS,
           S.GROUP_GET_FROM_DISK_SIZE, S.BROKER_GET_FROM_DISK_NUMS, S.BROKER_GET_FROM_DISK_SIZE)
_COMMERCIAL_TABLES = (S.COMMERCIAL_SEND_TIMES, S.COMMERCIAL_RCV_TIMES, S.COMMERCIAL_SEND_SIZE,
                      S.COMMERCIAL_RCV_SIZE, S.COMMERCIAL_RCV_EPOLLS, S.COMMERCIAL_SNDBCK_TIMES,
                      S.COMMERCIAL_PERM_FAILURES)


class BrokerStatsManager:
    def __init__(self, cluster_name: str = "", enable_queue_stat: bool = True) -> None:
        self.cluster_name = cluster_name
        self.enable_queue_stat = enable_queue_stat
        self.stats_table: dict[str, StatsItemSet] = {}
        if enable_queue_stat:
            self.stats_table.update((n, StatsItemSet(n, logger=log)) for n in _QUEUE_TABLES)
        self.stats_table.update((n, StatsItemSet(n, logger=log)) for n in _TABLES)
        self.stats_table.update((n, StatsItemSet(n, logger=COMMERCIAL_LOG)) for n in _COMMERCIAL_TABLES)
        self.moment_stats_item_set_fall_size = MomentStatsItemSet(S.GROUP_GET_FALL_SIZE, logger=log)
        self.moment_stats_item_set_fall_time = MomentStatsItemSet(S.GROUP_GET_FALL_TIME, logger=log)
        # bound once: the put and pull paths call these per request
        self._topic_put_nums = self.stats_table[S.TOPIC_PUT_NUMS]
        self._topic_put_size = self.stats_table[S.TOPIC_PUT_SIZE]
        self._group_get_nums = self.stats_table[S.GROUP_GET_NUMS]
        self._group_get_size = self.stats_table[S.GROUP_GET_SIZE]
        self._broker_put = self.stats_table[S.BROKER_PUT_NUMS].get_and_create_stats_item(cluster_name)
        self._broker_get = self.stats_table[S.BROKER_GET_NUMS].get_and_create_stats_item(cluster_name)
        self._scheduled_executor_service: ScheduledExecutor | None = None
        self._commercial_executor: ScheduledExecutor | None = None

    # -- life cycle ------------------------------------------------------------------------------

    def start(self) -> None:
        """Schedule every table's samplers and log lines (Java does it in the constructor)."""
        if self._scheduled_executor_service is not None:
            return
        self._scheduled_executor_service = ScheduledExecutor("BrokerStatsThread")
        self._commercial_executor = ScheduledExecutor("CommercialStatsThread")
        for name, table in self.stats_table.items():
            table.init(self._commercial_executor if name in _COMMERCIAL_TABLES else self._scheduled_executor_service)
        self.moment_stats_item_set_fall_size.init(self._scheduled_executor_service)
        self.moment_stats_item_set_fall_time.init(self._scheduled_executor_service)

    def shutdown(self) -> None:
        for executor in (self._scheduled_executor_service, self._commercial_executor):
            if executor is not None:
                executor.shutdown()

    # -- reading ---------------------------------------------------------------------------------

    def get_stats_item(self, stats_name: str, stats_key: str) -> StatsItem | None:
        table = self.stats_table.get(stats_name)
        return table.get_stats_item(stats_key) if table is not None else None

    def tps_group_get_nums(self, group: str, topic: str) -> float:
        return self._group_get_nums.get_stats_data_in_minute(self.build_stats_key(topic, group)).tps

    def broker_put_nums(self) -> int:
        return self._broker_put.value

    def broker_get_nums(self) -> int:
        return self._broker_get.value

    # -- keys ------------------------------------------------------------------------------------

    @staticmethod
    def build_stats_key(topic: str, group: str) -> str:
        return f"{topic}@{group}"

    @staticmethod
    def build_queue_stats_key(topic: str, queue_id: int, group: str | None = None) -> str:
        return f"{topic}@{queue_id}" if group is None else f"{topic}@{queue_id}@{group}"

    @staticmethod
    def build_queue_first_stats_key(queue_id: int, topic: str, group: str) -> str:
        return f"{queue_id}@{topic}@{group}"

    # -- deletions -------------------------------------------------------------------------------

    def on_topic_deleted(self, topic: str) -> None:
        t = self.stats_table
        t[S.TOPIC_PUT_NUMS].del_value(topic)
        t[S.TOPIC_PUT_SIZE].del_value(topic)
        for name in (*(_QUEUE_TABLES if self.enable_queue_stat else ()), S.GROUP_GET_NUMS, S.GROUP_GET_SIZE,
                     S.SNDBCK_PUT_NUMS):
            t[name].del_value_by_prefix_key(topic, "@")
        t[S.GROUP_GET_LATENCY].del_value_by_infix_key(topic, "@")
        self.moment_stats_item_set_fall_size.del_value_by_infix_key(topic, "@")
        self.moment_stats_item_set_fall_time.del_value_by_infix_key(topic, "@")

    def on_group_deleted(self, group: str) -> None:
        t = self.stats_table
        names = [S.GROUP_GET_NUMS, S.GROUP_GET_SIZE, S.SNDBCK_PUT_NUMS, S.GROUP_GET_LATENCY]
        if self.enable_queue_stat:
            names += [S.QUEUE_GET_NUMS, S.QUEUE_GET_SIZE]
        for name in names:
            t[name].del_value_by_suffix_key(group, "@")
        self.moment_stats_item_set_fall_size.del_value_by_suffix_key(group, "@")
        self.moment_stats_item_set_fall_time.del_value_by_suffix_key(group, "@")

    # -- counting --------------------------------------------------------------------------------

    def inc_queue_put_nums(self, topic: str, queue_id: int, num: int = 1, times: int = 1) -> None:
        if self.enable_queue_stat:
            self.stats_table[S.QUEUE_PUT_NUMS].add_value(f"{topic}@{queue_id}", num, times)

    def inc_queue_put_size(self, topic: str, queue_id: int, size: int) -> None:
        if self.enable_queue_stat:
            self.stats_table[S.QUEUE_PUT_SIZE].add_value(f"{topic}@{queue_id}", size, 1)

    def inc_queue_get_nums(self, group: str, topic: str, queue_id: int, inc_value: int) -> None:
        if self.enable_queue_stat:
            self.stats_table[S.QUEUE_GET_NUMS].add_value(f"{topic}@{queue_id}@{group}", inc_value, 1)

    def inc_queue_get_size(self, group: str, topic: str, queue_id: int, inc_value: int) -> None:
        if self.enable_queue_stat:
            self.stats_table[S.QUEUE_GET_SIZE].add_value(f"{topic}@{queue_id}@{group}", inc_value, 1)

    def inc_topic_put_nums(self, topic: str, num: int = 1, times: int = 1) -> None:
        self._topic_put_nums.add_value(topic, num, times)

    def inc_topic_put_size(self, topic: str, size: int) -> None:
        self._topic_put_size.add_value(topic, size, 1)

    def inc_group_get_nums(self, group: str, topic: str, inc_value: int) -> None:
        self._group_get_nums.add_value(f"{topic}@{group}", inc_value, 1)

    def inc_group_get_size(self, group: str, topic: str, inc_value: int) -> None:
        self._group_get_size.add_value(f"{topic}@{group}", inc_value, 1)

    def inc_group_get_latency(self, group: str, topic: str, queue_id: int, inc_value: int) -> None:
        key = f"{queue_id}@{topic}@{group}" if self.enable_queue_stat else f"{topic}@{group}"
        self.stats_table[S.GROUP_GET_LATENCY].add_rt_value(key, inc_value, 1)

    def inc_broker_put_nums(self, inc_value: int = 1) -> None:
        self._broker_put.value += inc_value  # Java adds to the value only

    def inc_broker_get_nums(self, inc_value: int) -> None:
        self._broker_get.value += inc_value

    def inc_send_back_nums(self, group: str, topic: str) -> None:
        self.stats_table[S.SNDBCK_PUT_NUMS].add_value(f"{topic}@{group}", 1, 1)

    def record_disk_fall_behind_time(self, group: str, topic: str, queue_id: int, fall_behind: int) -> None:
        self.moment_stats_item_set_fall_time.set_value(f"{queue_id}@{topic}@{group}", fall_behind)

    def record_disk_fall_behind_size(self, group: str, topic: str, queue_id: int, fall_behind: int) -> None:
        """How many bytes a group's last pull lagged behind the commit-log tail (a moment value, not
        a sum; key ``queueId@topic@group``)."""
        self.moment_stats_item_set_fall_size.set_value(f"{queue_id}@{topic}@{group}", fall_behind)

    def inc_commercial_value(self, key: str, owner: str, group: str, topic: str, type_: str,
                             inc_value: int) -> None:
        self.stats_table[key].add_value(f"{owner}@{topic}@{group}@{type_}", inc_value, 1)
