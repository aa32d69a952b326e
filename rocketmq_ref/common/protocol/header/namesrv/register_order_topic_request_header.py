"""``RegisterOrderTopicRequestHeader``: registering order-topic config in the name server (Java
``common/protocol/header/namesrv/RegisterOrderTopicRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class RegisterOrderTopicRequestHeader(CommandCustomHeader):
    topic: str | None = cf_not_null()
    order_topic_string: str | None = cf_not_null()
