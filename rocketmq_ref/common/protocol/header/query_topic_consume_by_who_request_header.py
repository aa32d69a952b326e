"""``QueryTopicConsumeByWhoRequestHeader``: QUERY_TOPIC_CONSUME_BY_WHO (300) (Java
``common/protocol/header/QueryTopicConsumeByWhoRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class QueryTopicConsumeByWhoRequestHeader(CommandCustomHeader):
    topic: str | None = cf_not_null()
