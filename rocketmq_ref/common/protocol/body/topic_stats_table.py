"""GET_TOPIC_STATS_INFO answer (Java ``common.admin.TopicStatsTable``, ``TopicOffset``; A4.2): per
write queue, min and max offset and the store time of the last message."""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody
from rocketmq_ref.common.message.message_queue import MessageQueue


@dataclass
class TopicOffset(JsonBody):
    min_offset: int = 0
    max_offset: int = 0
    last_update_timestamp: int = 0


@dataclass
class TopicStatsTable(JsonBody):
    offset_table: dict[MessageQueue, TopicOffset] = field(default_factory=dict)
