"""``QueryDataVersionResponseHeader``: the response header of the QUERY_DATA_VERSION request (Java
``common/protocol/header/namesrv/QueryDataVersionResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class QueryDataVersionResponseHeader(CommandCustomHeader):
    changed: bool | None = cf_not_null()
