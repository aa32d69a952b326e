"""AllocateMessageQueueByConfig, "CONFIG" (Java ``rebalance.AllocateMessageQueueByConfig``; book A7.3.1):
a fixed list of queues set by the user, whatever the group looks like.
"""
from __future__ import annotations

from typing import Any, Sequence

from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_strategy import (
    AbstractAllocateMessageQueueStrategy,
)


class AllocateMessageQueueByConfig(AbstractAllocateMessageQueueStrategy):
    def __init__(self, message_queue_list: Sequence[Any] = ()) -> None:
        self.message_queue_list = list(message_queue_list)

    def allocate(self, consumer_group: str, current_cid: str, mq_all: Sequence[Any],
                 cid_all: Sequence[str]) -> list[Any]:
        return list(self.message_queue_list)

    def set_message_queue_list(self, message_queue_list: Sequence[Any]) -> None:
        self.message_queue_list = list(message_queue_list)

    def get_message_queue_list(self) -> list[Any]:
        return self.message_queue_list

    def get_name(self) -> str:
        return "CONFIG"
