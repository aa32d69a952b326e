"""``ViewMessageResponseHeader``: the response header of the VIEW_MESSAGE request (Java
``common/protocol/header/ViewMessageResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader


@dataclass(slots=True)
class ViewMessageResponseHeader(CommandCustomHeader):
    pass
