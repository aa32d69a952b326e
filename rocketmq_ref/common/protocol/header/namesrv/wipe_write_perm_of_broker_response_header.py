"""``WipeWritePermOfBrokerResponseHeader``: the response header of the WIPE_WRITE_PERM_OF_BROKER
request (Java ``common/protocol/header/namesrv/WipeWritePermOfBrokerResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class WipeWritePermOfBrokerResponseHeader(CommandCustomHeader):
    wipe_topic_count: int | None = cf_not_null()
