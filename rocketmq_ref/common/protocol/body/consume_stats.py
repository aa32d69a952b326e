"""GET_CONSUME_STATS answer (Java ``common.admin.ConsumeStats``, ``OffsetWrapper``; B5.6.3): per queue,
the broker's max offset, the group's committed offset and the store time of the last consumed message.
The table is keyed by MessageQueue objects (fastjson writes the object as the key)."""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody
from rocketmq_ref.common.message.message_queue import MessageQueue


@dataclass
class OffsetWrapper(JsonBody):
    broker_offset: int = 0
    consumer_offset: int = 0
    last_timestamp: int = 0


@dataclass
class ConsumeStats(JsonBody):
    offset_table: dict[MessageQueue, OffsetWrapper] = field(default_factory=dict)
    consume_tps: float = 0.0

    def compute_total_diff(self) -> int:
        return sum(w.broker_offset - w.consumer_offset for w in self.offset_table.values())
