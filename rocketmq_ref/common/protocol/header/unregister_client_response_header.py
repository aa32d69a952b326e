"""``UnregisterClientResponseHeader``: the response header of the UNREGISTER_CLIENT request (Java
``common/protocol/header/UnregisterClientResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader


@dataclass(slots=True)
class UnregisterClientResponseHeader(CommandCustomHeader):
    pass
