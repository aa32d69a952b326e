"""``ViewBrokerStatsDataRequestHeader``: VIEW_BROKER_STATS_DATA (315) (Java
``common/protocol/header/ViewBrokerStatsDataRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class ViewBrokerStatsDataRequestHeader(CommandCustomHeader):
    stats_name: str | None = cf_not_null()
    stats_key: str | None = cf_not_null()
