"""TopicList: a set of topic names (Java ``org.apache.rocketmq.common.protocol.body.TopicList``;
book B2.3.4).

The body of GET_ALL_TOPIC_LIST_FROM_NAMESERVER, GET_TOPICS_BY_CLUSTER, the unit-topic lists and
GET_SYSTEM_TOPIC_LIST_FROM_NS (which also names one broker address).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody


@dataclass
class TopicList(JsonBody):
    topic_list: set[str] = field(default_factory=set)
    broker_addr: str | None = None
