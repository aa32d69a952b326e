"""GET_BROKER_CONSUME_STATS answer (Java ``common.protocol.body.ConsumeStatsList``; A2.4, B5.6.3): for
every subscription group of one broker, the ConsumeStats of each topic it consumed, and the total lag."""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody
from rocketmq_ref.common.protocol.body.consume_stats import ConsumeStats


@dataclass
class ConsumeStatsList(JsonBody):
    consume_stats_list: list[dict[str, list[ConsumeStats]]] = field(default_factory=list)
    broker_addr: str | None = None
    total_diff: int = 0
