"""QUERY_CORRECTION_OFFSET answer (Java ``common.protocol.body.QueryCorrectionOffsetBody``; B5.6.3):
per queue id, the lowest offset every other group has consumed, or ``Long.MAX_VALUE`` where the compare
group is already further."""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody


@dataclass
class QueryCorrectionOffsetBody(JsonBody):
    correction_offsets: dict[int, int] = field(default_factory=dict)
