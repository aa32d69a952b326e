"""QUERY_CONSUME_QUEUE answer (Java ``common.protocol.body.QueryConsumeQueueResponseBody``,
``ConsumeQueueData``; B4.6, A2.4): raw consume-queue units from an index, with the extension unit,
its bit map and whether a group's filter matches it."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.common.fastjson import JsonBody
from rocketmq_ref.common.protocol.heartbeat import SubscriptionData


@dataclass
class ConsumeQueueData(JsonBody):
    physic_offset: int = 0
    physic_size: int = 0
    tags_code: int = 0
    extend_data_json: str | None = None
    bit_map: str | None = None
    eval: bool = False
    msg: str | None = None

    def __str__(self) -> str:  # Java ``toString``; null strings print as null
        def q(v: str | None) -> str:
            return "null" if v is None else v
        return (f"ConsumeQueueData{{physicOffset={self.physic_offset}, physicSize={self.physic_size}, "
                f"tagsCode={self.tags_code}, extendDataJson='{q(self.extend_data_json)}', "
                f"bitMap='{q(self.bit_map)}', eval={str(self.eval).lower()}, msg='{q(self.msg)}'}}")


@dataclass
class QueryConsumeQueueResponseBody(JsonBody):
    subscription_data: SubscriptionData | None = None
    filter_data: str | None = None
    queue_data: list[ConsumeQueueData] | None = None
    max_queue_index: int = 0
    min_queue_index: int = 0
