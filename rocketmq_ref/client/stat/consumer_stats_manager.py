"""A push consumer's rates per ``topic@group`` (Java ``client.stat.ConsumerStatsManager``; A2.4,
B5.6.1): pull RT and TPS, consume RT, consume OK / failed TPS.  GET_CONSUMER_RUNNING_INFO's
``statusTable`` (``mqadmin consumerStatus``'s "#Consumer RT&TPS#") reads them.

Owned by ``MQClientInstance``; :meth:`start` puts the samplers on its scheduled executor, so they stop
with it.  The consume services and the pull callback call one ``inc_*`` each per batch.
"""
from __future__ import annotations

import logging

from rocketmq_ref.common.protocol.body.consume_status import ConsumeStatus
from rocketmq_ref.common.stats.scheduler import StatsScheduler
from rocketmq_ref.common.stats.stats_item_set import StatsItemSet

log = logging.getLogger("rocketmq_ref.client.stats")

TOPIC_AND_GROUP_CONSUME_OK_TPS = "CONSUME_OK_TPS"
TOPIC_AND_GROUP_CONSUME_FAILED_TPS = "CONSUME_FAILED_TPS"
TOPIC_AND_GROUP_CONSUME_RT = "CONSUME_RT"
TOPIC_AND_GROUP_PULL_TPS = "PULL_TPS"
TOPIC_AND_GROUP_PULL_RT = "PULL_RT"


class ConsumerStatsManager:
    def __init__(self, scheduler: StatsScheduler | None = None) -> None:
        self.topic_and_group_consume_ok_tps = StatsItemSet(TOPIC_AND_GROUP_CONSUME_OK_TPS, logger=log)
        self.topic_and_group_consume_rt = StatsItemSet(TOPIC_AND_GROUP_CONSUME_RT, logger=log)
        self.topic_and_group_consume_failed_tps = StatsItemSet(TOPIC_AND_GROUP_CONSUME_FAILED_TPS, logger=log)
        self.topic_and_group_pull_tps = StatsItemSet(TOPIC_AND_GROUP_PULL_TPS, logger=log)
        self.topic_and_group_pull_rt = StatsItemSet(TOPIC_AND_GROUP_PULL_RT, logger=log)
        if scheduler is not None:
            self.start(scheduler)

    def _sets(self) -> tuple[StatsItemSet, ...]:
        return (self.topic_and_group_consume_ok_tps, self.topic_and_group_consume_rt,
                self.topic_and_group_consume_failed_tps, self.topic_and_group_pull_tps, self.topic_and_group_pull_rt)

    def start(self, scheduler: StatsScheduler) -> None:
        for s in self._sets():
            s.init(scheduler)

    def shutdown(self) -> None:
        """Nothing of its own to stop: the samplers run on the owner's executor (as Java)."""

    # -- counting (Java's inc* methods) ----------------------------------------------------------

    def inc_pull_rt(self, group: str, topic: str, rt: int) -> None:
        self.topic_and_group_pull_rt.add_rt_value(f"{topic}@{group}", int(rt), 1)

    def inc_pull_tps(self, group: str, topic: str, msgs: int) -> None:
        self.topic_and_group_pull_tps.add_value(f"{topic}@{group}", int(msgs), 1)

    def inc_consume_rt(self, group: str, topic: str, rt: int) -> None:
        self.topic_and_group_consume_rt.add_rt_value(f"{topic}@{group}", int(rt), 1)

    def inc_consume_ok_tps(self, group: str, topic: str, msgs: int) -> None:
        self.topic_and_group_consume_ok_tps.add_value(f"{topic}@{group}", int(msgs), 1)

    def inc_consume_failed_tps(self, group: str, topic: str, msgs: int) -> None:
        self.topic_and_group_consume_failed_tps.add_value(f"{topic}@{group}", int(msgs), 1)

    # -- the one-line hooks ----------------------------------------------------------------------

    def on_pull_found(self, group: str, topic: str, rt: int, found: int) -> None:
        """A FOUND pull: its RT, and the messages it brought when the tag filter left any."""
        self.inc_pull_rt(group, topic, rt)
        if found:
            self.inc_pull_tps(group, topic, found)

    def on_consume_result(self, group: str, topic: str, ok: int, total: int) -> None:
        """Concurrent ``processConsumeResult``: ``ok`` acked (``ackIndex + 1``, 0 on
        RECONSUME_LATER), the rest failed."""
        self.inc_consume_ok_tps(group, topic, ok)
        self.inc_consume_failed_tps(group, topic, total - ok)

    def on_orderly_result(self, group: str, topic: str, status: str, msgs: int) -> None:
        """Orderly ``processConsumeResult``: SUCCESS counts OK, a suspend counts failed, COMMIT and
        ROLLBACK count nothing (as Java)."""
        if status == "SUCCESS":
            self.inc_consume_ok_tps(group, topic, msgs)
        elif status == "SUSPEND_CURRENT_QUEUE_A_MOMENT":
            self.inc_consume_failed_tps(group, topic, msgs)

    # -- reading ---------------------------------------------------------------------------------

    def consume_status(self, group: str, topic: str) -> ConsumeStatus:
        key = f"{topic}@{group}"
        consume_rt = self.topic_and_group_consume_rt.get_stats_data_in_minute(key)
        if consume_rt.sum == 0:  # nothing in the last minute: the last hour's average
            consume_rt = self.topic_and_group_consume_rt.get_stats_data_in_hour(key)
        return ConsumeStatus(
            pull_rt=self.topic_and_group_pull_rt.get_stats_data_in_minute(key).avgpt,
            pull_tps=self.topic_and_group_pull_tps.get_stats_data_in_minute(key).tps,
            consume_rt=consume_rt.avgpt,
            consume_ok_tps=self.topic_and_group_consume_ok_tps.get_stats_data_in_minute(key).tps,
            consume_failed_tps=self.topic_and_group_consume_failed_tps.get_stats_data_in_minute(key).tps,
            consume_failed_msgs=self.topic_and_group_consume_failed_tps.get_stats_data_in_hour(key).sum)

    def status_table(self, group: str, topics) -> dict[str, ConsumeStatus]:
        """GET_CONSUMER_RUNNING_INFO's ``statusTable``: one ConsumeStatus per subscribed topic."""
        return {topic: self.consume_status(group, topic) for topic in topics}
