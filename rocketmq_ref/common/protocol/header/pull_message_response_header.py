"""``PullMessageResponseHeader``: the response to PULL_MESSAGE (Java
``common/protocol/header/PullMessageResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, Long, cf_not_null


@dataclass(slots=True)
class PullMessageResponseHeader(CommandCustomHeader):
    suggest_which_broker_id: Long | None = cf_not_null()
    next_begin_offset: Long | None = cf_not_null()
    min_offset: Long | None = cf_not_null()
    max_offset: Long | None = cf_not_null()
