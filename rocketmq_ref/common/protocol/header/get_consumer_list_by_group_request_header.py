"""``GetConsumerListByGroupRequestHeader``: GET_CONSUMER_LIST_BY_GROUP (38) (Java
``common/protocol/header/GetConsumerListByGroupRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class GetConsumerListByGroupRequestHeader(CommandCustomHeader):
    consumer_group: str | None = cf_not_null()
