"""``GetAllProducerInfoRequestHeader``: GET_ALL_PRODUCER_INFO (328) (Java
``common/protocol/header/GetAllProducerInfoRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader


@dataclass(slots=True)
class GetAllProducerInfoRequestHeader(CommandCustomHeader):
    pass
