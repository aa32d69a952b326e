"""``ConsumeMessageDirectlyResultRequestHeader``: CONSUME_MESSAGE_DIRECTLY (309) (Java
``common/protocol/header/ConsumeMessageDirectlyResultRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null, cf_nullable


@dataclass(slots=True)
class ConsumeMessageDirectlyResultRequestHeader(CommandCustomHeader):
    consumer_group: str | None = cf_not_null()
    client_id: str | None = cf_nullable()
    msg_id: str | None = cf_nullable()
    broker_name: str | None = cf_nullable()
