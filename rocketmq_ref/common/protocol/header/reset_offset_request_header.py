"""``ResetOffsetRequestHeader``: INVOKE_BROKER_TO_RESET_OFFSET (222) and RESET_CONSUMER_CLIENT_OFFSET
(220) (Java ``common/protocol/header/ResetOffsetRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, Long, cf_not_null


@dataclass(slots=True)
class ResetOffsetRequestHeader(CommandCustomHeader):
    topic: str | None = cf_not_null()
    group: str | None = cf_not_null()
    timestamp: Long = cf_not_null(0)
    is_force: bool = cf_not_null(False)
