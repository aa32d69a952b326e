"""``GetAllTopicConfigResponseHeader``: the response header of the GET_ALL_TOPIC_CONFIG request (Java
``common/protocol/header/GetAllTopicConfigResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader


@dataclass(slots=True)
class GetAllTopicConfigResponseHeader(CommandCustomHeader):
    pass
