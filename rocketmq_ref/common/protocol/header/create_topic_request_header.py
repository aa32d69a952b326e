"""``CreateTopicRequestHeader``: UPDATE_AND_CREATE_TOPIC (17) (Java
``common/protocol/header/CreateTopicRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null, cf_nullable


@dataclass(slots=True)
class CreateTopicRequestHeader(CommandCustomHeader):
    topic: str | None = cf_not_null()
    default_topic: str | None = cf_not_null()
    read_queue_nums: int | None = cf_not_null()
    write_queue_nums: int | None = cf_not_null()
    perm: int | None = cf_not_null()
    topic_filter_type: str | None = cf_not_null()
    topic_sys_flag: int | None = cf_nullable()
    order: bool = cf_not_null(False)
