"""``GetEarliestMsgStoretimeResponseHeader``: the response header of the GET_EARLIEST_MSG_STORETIME
request (Java ``common/protocol/header/GetEarliestMsgStoretimeResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, Long, cf_not_null


@dataclass(slots=True)
class GetEarliestMsgStoretimeResponseHeader(CommandCustomHeader):
    timestamp: Long | None = cf_not_null()
