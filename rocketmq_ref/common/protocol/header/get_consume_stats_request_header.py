"""``GetConsumeStatsRequestHeader``: GET_CONSUME_STATS (208) (Java
``common/protocol/header/GetConsumeStatsRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null, cf_nullable


@dataclass(slots=True)
class GetConsumeStatsRequestHeader(CommandCustomHeader):
    consumer_group: str | None = cf_not_null()
    topic: str | None = cf_nullable()
