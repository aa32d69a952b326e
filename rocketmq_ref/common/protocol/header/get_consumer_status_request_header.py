"""``GetConsumerStatusRequestHeader``: INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) and
GET_CONSUMER_STATUS_FROM_CLIENT (221) (Java
``common/protocol/header/GetConsumerStatusRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null, cf_nullable


@dataclass(slots=True)
class GetConsumerStatusRequestHeader(CommandCustomHeader):
    topic: str | None = cf_not_null()
    group: str | None = cf_not_null()
    client_addr: str | None = cf_nullable()
