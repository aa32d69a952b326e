"""VIEW_BROKER_STATS_DATA answer (Java ``common.protocol.body.BrokerStatsData``, ``BrokerStatsItem``;
A2.4, B9.7.2): one counter's sum, TPS and average over the last minute, hour and day."""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody


@dataclass
class BrokerStatsItem(JsonBody):
    sum: int = 0
    tps: float = 0.0
    avgpt: float = 0.0


@dataclass
class BrokerStatsData(JsonBody):
    stats_minute: BrokerStatsItem = field(default_factory=BrokerStatsItem)
    stats_hour: BrokerStatsItem = field(default_factory=BrokerStatsItem)
    stats_day: BrokerStatsItem = field(default_factory=BrokerStatsItem)
