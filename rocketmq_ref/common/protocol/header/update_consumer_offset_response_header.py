"""``UpdateConsumerOffsetResponseHeader``: the response header of the UPDATE_CONSUMER_OFFSET request
(Java ``common/protocol/header/UpdateConsumerOffsetResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader


@dataclass(slots=True)
class UpdateConsumerOffsetResponseHeader(CommandCustomHeader):
    pass
