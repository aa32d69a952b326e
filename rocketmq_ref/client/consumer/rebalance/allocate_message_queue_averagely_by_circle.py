"""AllocateMessageQueueAveragelyByCircle, "AVG_BY_CIRCLE" (Java ``rebalance.AllocateMessageQueueAveragelyByCircle``;
books A7.3.1, B5.5): consumer i takes queues i, i+c, i+2c, ...
"""
from __future__ import annotations

from typing import Any, Sequence

from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_strategy import (
    AbstractAllocateMessageQueueStrategy,
)


class AllocateMessageQueueAveragelyByCircle(AbstractAllocateMessageQueueStrategy):
    def allocate(self, consumer_group: str, current_cid: str, mq_all: Sequence[Any],
                 cid_all: Sequence[str]) -> list[Any]:
        if not self.check(consumer_group, current_cid, mq_all, cid_all):
            return []
        index = list(cid_all).index(current_cid)
        return [mq_all[k] for k in range(index, len(mq_all), len(cid_all))]

    def get_name(self) -> str:
        return "AVG_BY_CIRCLE"
