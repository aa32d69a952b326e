"""``AddWritePermOfBrokerResponseHeader``: the response header of the ADD_WRITE_PERM_OF_BROKER request
(Java ``common/protocol/header/namesrv/AddWritePermOfBrokerResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class AddWritePermOfBrokerResponseHeader(CommandCustomHeader):
    add_topic_count: int | None = cf_not_null()
