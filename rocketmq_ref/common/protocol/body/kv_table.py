"""KVTable: a string map body (Java ``org.apache.rocketmq.common.protocol.body.KVTable``; book A10.3).

The name server answers GET_KVLIST_BY_NAMESPACE and REGISTER_BROKER with one (the
``ORDER_TOPIC_CONFIG`` namespace); brokers answer GET_BROKER_RUNTIME_INFO with one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody


@dataclass
class KVTable(JsonBody):
    table: dict[str, str] = field(default_factory=dict)
