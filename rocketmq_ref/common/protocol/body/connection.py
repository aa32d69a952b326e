"""Who is connected (Java ``common.protocol.body.Connection``, ``ConsumerConnection``,
``ProducerConnection``; A4.2): GET_CONSUMER_CONNECTION_LIST and GET_PRODUCER_CONNECTION_LIST."""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody
from rocketmq_ref.common.protocol.heartbeat import (ConsumeFromWhere, ConsumeType, MessageModel,
                                                    SubscriptionData)


@dataclass
class Connection(JsonBody):
    client_id: str | None = None
    client_addr: str | None = None
    language: str | None = None
    version: int = 0

    def __hash__(self) -> int:
        return hash((self.client_id, self.client_addr, self.language, self.version))


@dataclass
class ConsumerConnection(JsonBody):
    connection_set: list[Connection] = field(default_factory=list)
    subscription_table: dict[str, SubscriptionData] = field(default_factory=dict)
    consume_type: ConsumeType | None = None
    message_model: MessageModel | None = None
    consume_from_where: ConsumeFromWhere | None = None


@dataclass
class ProducerConnection(JsonBody):
    connection_set: list[Connection] = field(default_factory=list)
