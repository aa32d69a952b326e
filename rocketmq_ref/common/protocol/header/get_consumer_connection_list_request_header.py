"""``GetConsumerConnectionListRequestHeader``: GET_CONSUMER_CONNECTION_LIST (203) (Java
``common/protocol/header/GetConsumerConnectionListRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class GetConsumerConnectionListRequestHeader(CommandCustomHeader):
    consumer_group: str | None = cf_not_null()
