"""GET_ALL_CONSUMER_OFFSET answer and ``consumerOffset.json`` content (Java
``common.protocol.body.ConsumerOffsetSerializeWrapper``; B5.6.3): ``topic@group`` -> queueId -> offset,
written with bare integer keys."""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody


@dataclass
class ConsumerOffsetSerializeWrapper(JsonBody):
    offset_table: dict[str, dict[int, int]] = field(default_factory=dict)
