"""``GetProducerConnectionListRequestHeader``: GET_PRODUCER_CONNECTION_LIST (204) (Java
``common/protocol/header/GetProducerConnectionListRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class GetProducerConnectionListRequestHeader(CommandCustomHeader):
    producer_group: str | None = cf_not_null()
