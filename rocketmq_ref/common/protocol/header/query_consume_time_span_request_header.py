"""``QueryConsumeTimeSpanRequestHeader``: QUERY_CONSUME_TIME_SPAN (303) (Java
``common/protocol/header/QueryConsumeTimeSpanRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class QueryConsumeTimeSpanRequestHeader(CommandCustomHeader):
    topic: str | None = cf_not_null()
    group: str | None = cf_not_null()
