"""INVOKE_BROKER_TO_GET_CONSUMER_STATUS / GET_CONSUMER_STATUS_FROM_CLIENT body (Java
``common.protocol.body.GetConsumerStatusBody``; B5.6.3): each client's offset per queue of a topic."""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody
from rocketmq_ref.common.message.message_queue import MessageQueue


@dataclass
class GetConsumerStatusBody(JsonBody):
    message_queue_table: dict[MessageQueue, int] = field(default_factory=dict)
    consumer_table: dict[str, dict[MessageQueue, int]] = field(default_factory=dict)
