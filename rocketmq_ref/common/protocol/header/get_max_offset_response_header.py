"""``GetMaxOffsetResponseHeader``: the response header of the GET_MAX_OFFSET request (Java
``common/protocol/header/GetMaxOffsetResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, Long, cf_not_null


@dataclass(slots=True)
class GetMaxOffsetResponseHeader(CommandCustomHeader):
    offset: Long | None = cf_not_null()
