"""``GetMinOffsetResponseHeader``: the response header of the GET_MIN_OFFSET request (Java
``common/protocol/header/GetMinOffsetResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, Long, cf_not_null


@dataclass(slots=True)
class GetMinOffsetResponseHeader(CommandCustomHeader):
    offset: Long | None = cf_not_null()
