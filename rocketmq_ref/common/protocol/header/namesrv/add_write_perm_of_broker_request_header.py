"""``AddWritePermOfBrokerRequestHeader``: ADD_WRITE_PERM_OF_BROKER (327) (Java
``common/protocol/header/namesrv/AddWritePermOfBrokerRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class AddWritePermOfBrokerRequestHeader(CommandCustomHeader):
    broker_name: str | None = cf_not_null()
