"""``WipeWritePermOfBrokerRequestHeader``: WIPE_WRITE_PERM_OF_BROKER (205) (Java
``common/protocol/header/namesrv/WipeWritePermOfBrokerRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class WipeWritePermOfBrokerRequestHeader(CommandCustomHeader):
    broker_name: str | None = cf_not_null()
