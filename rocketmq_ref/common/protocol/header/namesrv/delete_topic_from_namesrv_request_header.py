"""``DeleteTopicFromNamesrvRequestHeader``: DELETE_TOPIC_IN_NAMESRV (216) (Java
``common/protocol/header/namesrv/DeleteTopicFromNamesrvRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null, cf_nullable


@dataclass(slots=True)
class DeleteTopicFromNamesrvRequestHeader(CommandCustomHeader):
    topic: str | None = cf_not_null()
    cluster_name: str | None = cf_nullable()
