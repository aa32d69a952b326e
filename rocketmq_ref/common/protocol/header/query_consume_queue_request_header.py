"""``QueryConsumeQueueRequestHeader``: QUERY_CONSUME_QUEUE (321) (Java
``common/protocol/header/QueryConsumeQueueRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, Long, cf_nullable


@dataclass(slots=True)
class QueryConsumeQueueRequestHeader(CommandCustomHeader):
    topic: str | None = cf_nullable()
    queue_id: int = cf_nullable(0)
    index: Long = cf_nullable(0)
    count: int = cf_nullable(0)
    consumer_group: str | None = cf_nullable()
