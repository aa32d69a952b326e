"""LOCK_BATCH_MQ / UNLOCK_BATCH_MQ bodies (Java ``common.protocol.body.LockBatchRequestBody``,
``LockBatchResponseBody``, ``UnlockBatchRequestBody``; B5.9.4)."""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody, json_field
from rocketmq_ref.common.message.message_queue import MessageQueue


@dataclass
class LockBatchRequestBody(JsonBody):
    consumer_group: str | None = None
    client_id: str | None = None
    mq_set: set[MessageQueue] = field(default_factory=set)


@dataclass
class LockBatchResponseBody(JsonBody):
    # the Java getter is getLockOKMQSet
    lock_ok_mq_set: set[MessageQueue] = json_field(key="lockOKMQSet", default_factory=set)


@dataclass
class UnlockBatchRequestBody(JsonBody):
    consumer_group: str | None = None
    client_id: str | None = None
    mq_set: set[MessageQueue] = field(default_factory=set)
