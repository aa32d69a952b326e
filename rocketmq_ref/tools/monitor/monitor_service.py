"""MonitorService: every round, for each consumer group (one per ``%RETRY%`` topic), how many messages
are still unconsumed and how late, and what the group's clients say about themselves; between rounds,
each OFFSET_MOVED_EVENT the brokers store (Java ``tools.monitor.MonitorService`` and ``MonitorConfig``;
books A2.4, B5.6.3)."""
from __future__ import annotations

import logging
import os
import random
import time
from dataclasses import dataclass, field
from typing import Any

from rocketmq_ref.client.common.scheduled_executor import ScheduledExecutor
from rocketmq_ref.client.consumer.default_mq_pull_consumer import DefaultMQPullConsumer
from rocketmq_ref.client.consumer.default_mq_push_consumer import DefaultMQPushConsumer
from rocketmq_ref.client.consumer.listener import ConsumeConcurrentlyStatus
from rocketmq_ref.client.consumer.pull_result import PullStatus
from rocketmq_ref.common import fastjson, mixall
from rocketmq_ref.common.java_hash import java_string_hash_code
from rocketmq_ref.common.mq_version import Version
from rocketmq_ref.common.protocol.body.consume_stats import ConsumeStats
from rocketmq_ref.common.topic_validator import RMQ_SYS_OFFSET_MOVED_EVENT
from rocketmq_ref.common.tracing import traced
from rocketmq_ref.tools.admin.default_mq_admin_ext import DefaultMQAdminExt
from rocketmq_ref.tools.monitor.monitor_listener import DeleteMsgsEvent, MonitorListener, UndoneMsgs

log = logging.getLogger("rocketmq_ref.tools")

_JAVA = "org.apache.rocketmq.tools.monitor.MonitorService"


@dataclass
class MonitorConfig:
    """Java ``MonitorConfig``: the name server (``NAMESRV_ADDR`` by default) and the round period."""

    namesrv_addr: str | None = field(default_factory=lambda: os.environ.get(mixall.NAMESRV_ADDR_ENV))
    round_interval: int = 1000 * 60


class MonitorService:
    def __init__(self, monitor_config: MonitorConfig, monitor_listener: MonitorListener,
                 rpc_hook: Any = None) -> None:
        self.monitor_config = monitor_config
        self.monitor_listener = monitor_listener
        self.default_mq_admin_ext = DefaultMQAdminExt(rpc_hook)
        self.default_mq_pull_consumer = DefaultMQPullConsumer(mixall.TOOLS_CONSUMER_GROUP)
        self.default_mq_push_consumer = DefaultMQPushConsumer(mixall.MONITOR_CONSUMER_GROUP)
        for client in (self.default_mq_admin_ext, self.default_mq_pull_consumer, self.default_mq_push_consumer):
            client.set_instance_name(self.instance_name())
            if monitor_config.namesrv_addr:
                client.set_namesrv_addr(monitor_config.namesrv_addr)
        push = self.default_mq_push_consumer
        push.set_consume_thread_min(1)
        push.set_consume_thread_max(1)
        push.subscribe(RMQ_SYS_OFFSET_MOVED_EVENT, "*")
        push.register_message_listener(self._consume_offset_moved_events)
        self.scheduled_executor: ScheduledExecutor | None = None

    def instance_name(self) -> str:
        name = f"{int(time.time() * 1000) + random.randint(-2**31, 2**31 - 1)}{self.monitor_config.namesrv_addr}"
        return f"MonitorService_{java_string_hash_code(name)}"

    def _consume_offset_moved_events(self, msgs: list, context: Any) -> ConsumeConcurrentlyStatus:
        try:
            event = DeleteMsgsEvent(fastjson.loads(bytes(msgs[0].body)), msgs[0].store_timestamp)
            self.monitor_listener.report_delete_msgs_event(event)
        except Exception:  # Java swallows a bad event and goes on
            log.debug("bad OffsetMovedEvent", exc_info=True)
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

    def start(self, initial_delay_ms: int = 1000 * 20) -> None:
        self.default_mq_pull_consumer.start()
        self.default_mq_admin_ext.start()
        self.default_mq_push_consumer.start()
        self.scheduled_executor = ScheduledExecutor("MonitorService")
        self.scheduled_executor.schedule_at_fixed_rate(self._round, initial_delay_ms,
                                                       self.monitor_config.round_interval)

    def shutdown(self) -> None:
        if self.scheduled_executor is not None:
            self.scheduled_executor.shutdown()
        self.default_mq_pull_consumer.shutdown()
        self.default_mq_admin_ext.shutdown()
        self.default_mq_push_consumer.shutdown()

    def _round(self) -> None:
        try:
            self.do_monitor_work()
        except Exception:
            log.exception("doMonitorWork Exception")

    @traced(_JAVA + "#doMonitorWork", books=("A2.4",))
    def do_monitor_work(self) -> None:
        begin = time.monotonic()
        self.monitor_listener.begin_round()
        for topic in self.default_mq_admin_ext.fetch_all_topic_list().topic_list:
            if topic.startswith(mixall.RETRY_GROUP_TOPIC_PREFIX):
                group = topic[len(mixall.RETRY_GROUP_TOPIC_PREFIX):]
                for report in (self.report_undone_msgs, self.report_consumer_running_info):
                    try:
                        report(group)
                    except Exception:  # Java ignores a group it cannot ask about
                        log.debug("monitor %s for %s", report.__name__, group, exc_info=True)
        self.monitor_listener.end_round()
        log.info("Execute one round monitor work, spent timemills: %d", (time.monotonic() - begin) * 1000)

    def report_undone_msgs(self, consumer_group: str) -> None:
        """Per topic of the group: the messages not consumed yet, the most on one queue, and how much
        older the group's last consumed message is than each queue's newest one."""
        admin = self.default_mq_admin_ext
        cs = admin.examine_consume_stats(consumer_group)
        admin.examine_consumer_connection_info(consumer_group)  # Java stops here when nobody is online
        by_topic: dict[str, ConsumeStats] = {}
        for mq, ow in cs.offset_table.items():
            by_topic.setdefault(mq.topic, ConsumeStats()).offset_table[mq] = ow
        for topic, stats in by_topic.items():
            undone = UndoneMsgs(consumer_group=consumer_group, topic=topic)
            self.compute_undone_msgs(undone, stats)
            self.monitor_listener.report_undone_msgs(undone)

    def report_consumer_running_info(self, consumer_group: str) -> None:
        admin = self.default_mq_admin_ext
        cc = admin.examine_consumer_connection_info(consumer_group)
        infos: dict[str, dict] = {}
        for conn in cc.connection_set:
            if conn.version < Version.V3_1_8_SNAPSHOT:
                continue
            try:
                infos[conn.client_id] = admin.get_consumer_running_info(consumer_group, conn.client_id, False)
            except Exception:
                log.debug("running info of %s", conn.client_id, exc_info=True)
        if infos:
            self.monitor_listener.report_consumer_running_info(dict(sorted(infos.items())))

    def compute_undone_msgs(self, undone: UndoneMsgs, stats: ConsumeStats) -> None:
        total = single_max = delay_max = 0
        for mq, ow in stats.offset_table.items():
            diff = ow.broker_offset - ow.consumer_offset
            single_max = max(single_max, diff)
            if diff > 0:
                total += diff
            if ow.last_timestamp > 0:
                try:
                    max_offset = self.default_mq_admin_ext.max_offset(mq)
                    if max_offset > 0:
                        pull = self.default_mq_pull_consumer.pull(mq, "*", max_offset - 1, 1)
                        if pull.pull_status is PullStatus.FOUND:
                            delay_max = max(delay_max, pull.msg_found_list[0].store_timestamp - ow.last_timestamp)
                except Exception:
                    log.debug("newest message of %s", mq, exc_info=True)
        undone.undone_msgs_total = total
        undone.undone_msgs_single_mq = single_max
        undone.undone_msgs_delay_time_mills = delay_max
