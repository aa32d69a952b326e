"""``ViewMessageRequestHeader``: VIEW_MESSAGE_BY_ID (33) (Java
``common/protocol/header/ViewMessageRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, Long, cf_not_null


@dataclass(slots=True)
class ViewMessageRequestHeader(CommandCustomHeader):
    offset: Long | None = cf_not_null()
