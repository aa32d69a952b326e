"""``QueryMessageResponseHeader``: the response header of the QUERY_MESSAGE request (Java
``common/protocol/header/QueryMessageResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, Long, cf_not_null


@dataclass(slots=True)
class QueryMessageResponseHeader(CommandCustomHeader):
    index_last_update_timestamp: Long | None = cf_not_null()
    index_last_update_phyoffset: Long | None = cf_not_null()
