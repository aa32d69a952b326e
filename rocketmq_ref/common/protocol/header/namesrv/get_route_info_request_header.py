"""``GetRouteInfoRequestHeader``: GET_ROUTEINFO_BY_TOPIC (105) (Java
``common/protocol/header/namesrv/GetRouteInfoRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null, cf_nullable


@dataclass(slots=True)
class GetRouteInfoRequestHeader(CommandCustomHeader):
    topic: str | None = cf_not_null()
    accept_standard_json_only: bool | None = cf_nullable()
