"""AllocateMessageQueueAveragely, the default "AVG" strategy (Java ``rebalance.AllocateMessageQueueAveragely``;
books A7.3.1, B5.5).

Contiguous blocks: with n queues and c consumers the first ``n % c`` consumers take one extra queue
(n=8, c=3: q0-q2, q3-q5, q6-q7).
"""
from __future__ import annotations

from typing import Any, Sequence

from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_strategy import (
    AbstractAllocateMessageQueueStrategy,
)


class AllocateMessageQueueAveragely(AbstractAllocateMessageQueueStrategy):
    def allocate(self, consumer_group: str, current_cid: str, mq_all: Sequence[Any],
                 cid_all: Sequence[str]) -> list[Any]:
        if not self.check(consumer_group, current_cid, mq_all, cid_all):
            return []
        index = list(cid_all).index(current_cid)
        n, c = len(mq_all), len(cid_all)
        mod = n % c
        if n <= c:
            size = 1
        elif mod > 0 and index < mod:
            size = n // c + 1
        else:
            size = n // c
        start = index * size if (mod > 0 and index < mod) else index * size + mod
        take = min(size, n - start)
        return [mq_all[(start + k) % n] for k in range(max(take, 0))]

    def get_name(self) -> str:
        return "AVG"
