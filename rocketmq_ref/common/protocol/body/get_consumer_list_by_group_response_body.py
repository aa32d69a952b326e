"""GET_CONSUMER_LIST_BY_GROUP answer (Java ``common.protocol.body.GetConsumerListByGroupResponseBody``;
B5.5): the client ids of a consumer group."""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody


@dataclass
class GetConsumerListByGroupResponseBody(JsonBody):
    consumer_id_list: list[str] = field(default_factory=list)
