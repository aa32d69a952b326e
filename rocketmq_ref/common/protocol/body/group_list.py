"""QUERY_TOPIC_CONSUME_BY_WHO answer (Java ``common.protocol.body.GroupList``; A4.2)."""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody


@dataclass
class GroupList(JsonBody):
    group_list: set[str] = field(default_factory=set)
