"""``GetConsumerListByGroupResponseHeader``: the response header of the GET_CONSUMER_LIST_BY_GROUP
request (Java ``common/protocol/header/GetConsumerListByGroupResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader


@dataclass(slots=True)
class GetConsumerListByGroupResponseHeader(CommandCustomHeader):
    pass
