"""The HEART_BEAT body (Java ``org.apache.rocketmq.common.protocol.heartbeat.*`` and
``org.apache.rocketmq.common.consumer.ConsumeFromWhere``; spec protocol.md §7; books B5.3, B5.5,
A11.3.2): a client's producer groups and consumer groups with their subscriptions."""
from __future__ import annotations

import enum
import time
from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody, json_field

SUB_ALL = "*"


class ConsumeType(enum.Enum):
    CONSUME_ACTIVELY = "PULL"
    CONSUME_PASSIVELY = "PUSH"


class MessageModel(enum.Enum):
    BROADCASTING = "BROADCASTING"
    CLUSTERING = "CLUSTERING"


class ConsumeFromWhere(enum.Enum):
    CONSUME_FROM_LAST_OFFSET = 0
    CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST = 1  # deprecated: as LAST_OFFSET
    CONSUME_FROM_MIN_OFFSET = 2  # deprecated: as LAST_OFFSET
    CONSUME_FROM_MAX_OFFSET = 3  # deprecated: as LAST_OFFSET
    CONSUME_FROM_FIRST_OFFSET = 4
    CONSUME_FROM_TIMESTAMP = 5


class ExpressionType:
    """Subscription expression kinds (Java ``org.apache.rocketmq.common.filter.ExpressionType``)."""

    SQL92 = "SQL92"
    TAG = "TAG"

    @staticmethod
    def is_tag_type(type_: str | None) -> bool:
        return type_ is None or type_ == "" or type_ == ExpressionType.TAG


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class SubscriptionData(JsonBody):
    """One subscribed topic: ``"*"`` or ``"a || b"`` with the tags and their hash codes
    (``filterClassSource`` is never serialised)."""

    class_filter_mode: bool = False
    topic: str | None = None
    sub_string: str | None = None
    tags_set: set[str] = field(default_factory=set)
    code_set: set[int] = field(default_factory=set)
    sub_version: int = field(default_factory=_now_ms)
    expression_type: str = ExpressionType.TAG
    filter_class_source: str | None = json_field(None, skip=True)

    def __hash__(self) -> int:  # Java: hashCode leaves subVersion out, equals compares it
        return hash((self.class_filter_mode, self.topic, self.sub_string,
                     frozenset(self.tags_set), frozenset(self.code_set), self.expression_type))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SubscriptionData):
            return NotImplemented
        return (self.class_filter_mode, self.topic, self.sub_string, self.tags_set,
                self.code_set, self.sub_version, self.expression_type) == (
            other.class_filter_mode, other.topic, other.sub_string, other.tags_set,
            other.code_set, other.sub_version, other.expression_type)


@dataclass
class ProducerData(JsonBody):
    group_name: str | None = None


@dataclass
class ConsumerData(JsonBody):
    group_name: str | None = None
    consume_type: ConsumeType | None = None
    message_model: MessageModel | None = None
    consume_from_where: ConsumeFromWhere | None = None
    subscription_data_set: list[SubscriptionData] = field(default_factory=list)
    unit_mode: bool = False


@dataclass
class HeartbeatData(JsonBody):
    client_id: str | None = json_field(None, key="clientID")
    producer_data_set: list[ProducerData] = field(default_factory=list)
    consumer_data_set: list[ConsumerData] = field(default_factory=list)
