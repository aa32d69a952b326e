"""A consumer group's broker-side settings (Java
``org.apache.rocketmq.common.subscription.SubscriptionGroupConfig``; spec §14.4; books B5.6.2, B5.6.3)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.common.fastjson import JsonBody
from rocketmq_ref.common.mixall import MASTER_ID


@dataclass
class SubscriptionGroupConfig(JsonBody):
    group_name: str | None = None
    consume_enable: bool = True
    consume_from_min_enable: bool = True
    consume_broadcast_enable: bool = True
    retry_queue_nums: int = 1
    retry_max_times: int = 16
    broker_id: int = MASTER_ID
    which_broker_when_consume_slowly: int = 1
    notify_consumer_ids_changed_enable: bool = True
