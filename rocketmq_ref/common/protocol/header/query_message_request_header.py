"""``QueryMessageRequestHeader``: QUERY_MESSAGE (12) (Java
``common/protocol/header/QueryMessageRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, Long, cf_not_null


@dataclass(slots=True)
class QueryMessageRequestHeader(CommandCustomHeader):
    topic: str | None = cf_not_null()
    key: str | None = cf_not_null()
    max_num: int | None = cf_not_null()
    begin_timestamp: Long | None = cf_not_null()
    end_timestamp: Long | None = cf_not_null()
