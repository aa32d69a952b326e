"""``RegisterFilterServerResponseHeader``: the response header of the REGISTER_FILTER_SERVER request
(Java ``common/protocol/header/filtersrv/RegisterFilterServerResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, Long, cf_not_null


@dataclass(slots=True)
class RegisterFilterServerResponseHeader(CommandCustomHeader):
    broker_name: str | None = cf_not_null()
    broker_id: Long = cf_not_null(0)
