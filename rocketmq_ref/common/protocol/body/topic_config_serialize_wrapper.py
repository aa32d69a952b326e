"""TopicConfigSerializeWrapper: a broker's topic table with its DataVersion (Java
``org.apache.rocketmq.common.protocol.body.TopicConfigSerializeWrapper``; book B2.3.2).

What a broker registers with (inside ``RegisterBrokerBody``, or bare from brokers older than
V3_0_11) and what GET_ALL_TOPIC_CONFIG returns. The name server compares the DataVersion to decide
whether the topics changed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.fastjson import JsonBody
from rocketmq_ref.common.topic_config import TopicConfig


@dataclass
class TopicConfigSerializeWrapper(JsonBody):
    topic_config_table: dict[str, TopicConfig] = field(default_factory=dict)
    data_version: DataVersion = field(default_factory=DataVersion)
