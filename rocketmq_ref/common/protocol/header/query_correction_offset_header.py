"""``QueryCorrectionOffsetHeader``: QUERY_CORRECTION_OFFSET (308) (Java
``common/protocol/header/QueryCorrectionOffsetHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null, cf_nullable


@dataclass(slots=True)
class QueryCorrectionOffsetHeader(CommandCustomHeader):
    filter_groups: str | None = cf_nullable()
    compare_group: str | None = cf_not_null()
    topic: str | None = cf_not_null()
