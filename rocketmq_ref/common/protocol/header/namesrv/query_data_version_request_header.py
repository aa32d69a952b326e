"""``QueryDataVersionRequestHeader``: QUERY_DATA_VERSION (322) (Java
``common/protocol/header/namesrv/QueryDataVersionRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, Long, cf_not_null


@dataclass(slots=True)
class QueryDataVersionRequestHeader(CommandCustomHeader):
    broker_name: str | None = cf_not_null()
    broker_addr: str | None = cf_not_null()
    cluster_name: str | None = cf_not_null()
    broker_id: Long | None = cf_not_null()
