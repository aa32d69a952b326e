"""What the monitor reports and to whom (Java ``tools.monitor.MonitorListener``, ``UndoneMsgs``,
``DeleteMsgsEvent``, ``DefaultMonitorListener`` and ``ConsumerRunningInfo.analyzeSubscription`` /
``analyzeProcessQueue``; books A2.4, B5.6.3).  Running infos are the JSON objects consumers answer
GET_CONSUMER_RUNNING_INFO with."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from rocketmq_ref.common import fastjson
from rocketmq_ref.common.message.message_queue import MessageQueue

log = logging.getLogger("rocketmq_ref.tools")

LOG_PREFIX = "[MONITOR] "
LOG_NOTIFY = LOG_PREFIX + " [NOTIFY] "


@dataclass
class UndoneMsgs:
    consumer_group: str = ""
    topic: str = ""
    undone_msgs_total: int = 0
    undone_msgs_single_mq: int = 0
    undone_msgs_delay_time_mills: int = 0

    def __str__(self) -> str:
        return (f"UndoneMsgs [consumerGroup={self.consumer_group}, topic={self.topic}, "
                f"undoneMsgsTotal={self.undone_msgs_total}, undoneMsgsSingleMQ={self.undone_msgs_single_mq}, "
                f"undoneMsgsDelayTimeMills={self.undone_msgs_delay_time_mills}]")


@dataclass
class DeleteMsgsEvent:
    offset_moved_event: dict
    event_timestamp: int = 0

    def __str__(self) -> str:
        e = self.offset_moved_event
        return (f"DeleteMsgsEvent [offsetMovedEvent=OffsetMovedEvent [consumerGroup={e.get('consumerGroup')}, "
                f"messageQueue={MessageQueue.from_json_value(e.get('messageQueue') or {})}, "
                f"offsetRequest={e.get('offsetRequest')}, offsetNew={e.get('offsetNew')}], "
                f"eventTimestamp={self.event_timestamp}]")


class MonitorListener:
    """Java ``MonitorListener``: called once per round and once per finding."""

    def begin_round(self) -> None: ...

    def report_undone_msgs(self, undone_msgs: UndoneMsgs) -> None: ...

    def report_failed_msgs(self, failed_msgs: Any) -> None: ...

    def report_delete_msgs_event(self, delete_msgs_event: DeleteMsgsEvent) -> None: ...

    def report_consumer_running_info(self, cri_table: dict[str, dict]) -> None: ...

    def end_round(self) -> None: ...


def _push(info: dict) -> bool:
    return (info.get("properties") or {}).get("PROP_CONSUME_TYPE") == "CONSUME_PASSIVELY"


def _subscriptions(info: dict) -> set:
    return {fastjson.dumps(sd, fastjson=False) for sd in info.get("subscriptionSet") or []}


def analyze_subscription(cri_table: dict[str, dict]) -> bool:
    """Java ``ConsumerRunningInfo.analyzeSubscription``: false when push consumers of one group, all
    started over two minutes ago, subscribe differently, or the last one subscribes to nothing."""
    infos = [cri_table[k] for k in sorted(cri_table)]
    first = infos[0]
    started = int((first.get("properties") or {}).get("PROP_CONSUMER_START_TIMESTAMP", 0))
    if not (_push(first) and time.time() * 1000 - started > 1000 * 60 * 2):
        return True
    if any(_subscriptions(i) != _subscriptions(first) for i in infos):
        return False
    return bool(infos[-1].get("subscriptionSet"))


def analyze_process_queue(client_id: str, info: dict) -> str:
    """Java ``ConsumerRunningInfo.analyzeProcessQueue``: orderly queues not locked or failing to
    unlock; concurrent queues holding messages but not consuming for over a minute."""
    if not _push(info):
        return ""
    order = (info.get("properties") or {}).get("PROP_CONSUMEORDERLY", "false").lower() == "true"
    now = int(time.time() * 1000)
    out = []
    for key, pq in (info.get("mqTable") or {}).items():
        mq = MessageQueue.from_json_value(fastjson.loads(key) if isinstance(key, str) else dict(key))
        if order:
            if not pq.get("locked"):
                out.append(f"{client_id} {mq} can't lock for a while, {now - pq.get('lastLockTimestamp', 0)}ms\n")
            elif pq.get("droped") and pq.get("tryUnlockTimes", 0) > 0:
                out.append(f"{client_id} {mq} unlock {pq['tryUnlockTimes']} times, still failed\n")
        else:
            diff = now - pq.get("lastConsumeTimestamp", 0)
            if diff > 1000 * 60 and pq.get("cachedMsgCount", 0) > 0:
                out.append(f"{client_id} {mq} can't consume for a while, maybe blocked, {diff}ms\n")
    return "".join(out)


class DefaultMonitorListener(MonitorListener):
    """Java ``DefaultMonitorListener``: every report is a log line (logger ``rocketmq_ref.tools``)."""

    def begin_round(self) -> None:
        log.info(LOG_PREFIX + "=========================================beginRound")

    def report_undone_msgs(self, undone_msgs: UndoneMsgs) -> None:
        log.info(LOG_PREFIX + "reportUndoneMsgs: %s", undone_msgs)

    def report_failed_msgs(self, failed_msgs: Any) -> None:
        log.info(LOG_PREFIX + "reportFailedMsgs: %s", failed_msgs)

    def report_delete_msgs_event(self, delete_msgs_event: DeleteMsgsEvent) -> None:
        log.info(LOG_PREFIX + "reportDeleteMsgsEvent: %s", delete_msgs_event)

    def report_consumer_running_info(self, cri_table: dict[str, dict]) -> None:
        first = cri_table[min(cri_table)]
        group = (first.get("properties") or {}).get("consumerGroup")
        if not analyze_subscription(cri_table):
            log.info(LOG_NOTIFY + "reportConsumerRunningInfo: ConsumerGroup: %s, Subscription different", group)
        for client_id in sorted(cri_table):
            result = analyze_process_queue(client_id, cri_table[client_id])
            if result:
                log.info(LOG_NOTIFY + "reportConsumerRunningInfo: ConsumerGroup: %s, ClientId: %s, %s",
                         group, client_id, result)

    def end_round(self) -> None:
        log.info(LOG_PREFIX + "=========================================endRound")
