"""``EndTransactionResponseHeader``: the response header of the END_TRANSACTION request (Java
``common/protocol/header/EndTransactionResponseHeader``; book B3.4.4)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader


@dataclass(slots=True)
class EndTransactionResponseHeader(CommandCustomHeader):
    pass
