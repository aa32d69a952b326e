"""``SendMessageResponseHeader``: the response to SEND_MESSAGE / SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE
(Java ``common/protocol/header/SendMessageResponseHeader``; book B3.4.4)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, Long, cf_not_null, cf_nullable


@dataclass(slots=True)
class SendMessageResponseHeader(CommandCustomHeader):
    msg_id: str | None = cf_not_null()
    queue_id: int | None = cf_not_null()
    queue_offset: Long | None = cf_not_null()
    transaction_id: str | None = cf_nullable()
