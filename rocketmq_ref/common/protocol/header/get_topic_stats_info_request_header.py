"""``GetTopicStatsInfoRequestHeader``: GET_TOPIC_STATS_INFO (202) (Java
``common/protocol/header/GetTopicStatsInfoRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class GetTopicStatsInfoRequestHeader(CommandCustomHeader):
    topic: str | None = cf_not_null()
