"""``DeleteTopicRequestHeader``: DELETE_TOPIC_IN_BROKER (215) (Java
``common/protocol/header/DeleteTopicRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class DeleteTopicRequestHeader(CommandCustomHeader):
    topic: str | None = cf_not_null()
