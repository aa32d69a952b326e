"""GET_ALL_SUBSCRIPTIONGROUP_CONFIG answer and ``subscriptionGroup.json`` content (Java
``common.protocol.body.SubscriptionGroupWrapper``; B5.6.2)."""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.fastjson import JsonBody
from rocketmq_ref.common.subscription_group_config import SubscriptionGroupConfig


@dataclass
class SubscriptionGroupWrapper(JsonBody):
    subscription_group_table: dict[str, SubscriptionGroupConfig] = field(default_factory=dict)
    data_version: DataVersion = field(default_factory=DataVersion)
