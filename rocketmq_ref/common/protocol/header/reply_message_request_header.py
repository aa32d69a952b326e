"""``ReplyMessageRequestHeader``: SEND_REPLY_MESSAGE (324) / PUSH_REPLY_MESSAGE_TO_CLIENT (326) (Java
``common/protocol/header/ReplyMessageRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, Long, cf_not_null, cf_nullable


@dataclass(slots=True)
class ReplyMessageRequestHeader(CommandCustomHeader):
    producer_group: str | None = cf_not_null()
    topic: str | None = cf_not_null()
    default_topic: str | None = cf_not_null()
    default_topic_queue_nums: int | None = cf_not_null()
    queue_id: int | None = cf_not_null()
    sys_flag: int | None = cf_not_null()
    born_timestamp: Long | None = cf_not_null()
    flag: int | None = cf_not_null()
    properties: str | None = cf_nullable()
    reconsume_times: int | None = cf_nullable()
    unit_mode: bool = cf_nullable(False)
    born_host: str | None = cf_not_null()
    store_host: str | None = cf_not_null()
    store_timestamp: Long = cf_not_null(0)
