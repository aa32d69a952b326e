"""MessageArrivingListener (Java ``org.apache.rocketmq.store.MessageArrivingListener``; books B4.6,
B5.4.3): what the reput thread calls after dispatching each message, so held long-poll pulls wake."""
from __future__ import annotations

from typing import Protocol


class MessageArrivingListener(Protocol):
    def arriving(self, topic: str, queue_id: int, logic_offset: int, tags_code: int | None,
                 msg_store_time: int, filter_bit_map: bytes | None,
                 properties: dict[str, str] | None) -> None:
        """``logic_offset`` is the consume-queue offset after the message (its offset + 1)."""
