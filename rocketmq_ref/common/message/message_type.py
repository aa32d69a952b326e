"""Message kinds as the trace hook names them (Java ``org.apache.rocketmq.common.message.MessageType``)."""
from __future__ import annotations

import enum


class MessageType(enum.Enum):
    Normal_Msg = "Normal"
    Trans_Msg_Half = "Trans"
    Trans_msg_Commit = "TransCommit"
    Delay_Msg = "Delay"

    @property
    def short_name(self) -> str:
        return self.value
