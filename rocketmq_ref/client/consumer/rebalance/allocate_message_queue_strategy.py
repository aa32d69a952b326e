"""AllocateMessageQueueStrategy and its abstract base (Java ``client.consumer.AllocateMessageQueueStrategy``,
``rebalance.AbstractAllocateMessageQueueStrategy``; books A7.3.1, B5.5).

Every client of a group runs the same strategy over the same sorted ``mqAll`` and ``cidAll``, so the
results partition the queues without any coordination.
"""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Sequence

log = logging.getLogger("rocketmq_ref.client")


class AllocateMessageQueueStrategy(ABC):
    """Java ``AllocateMessageQueueStrategy``: which of ``mq_all`` belong to ``current_cid``."""

    @abstractmethod
    def allocate(self, consumer_group: str, current_cid: str, mq_all: Sequence[Any],
                 cid_all: Sequence[str]) -> list[Any]:
        ...

    @abstractmethod
    def get_name(self) -> str:
        ...


class AbstractAllocateMessageQueueStrategy(AllocateMessageQueueStrategy):
    """Java ``AbstractAllocateMessageQueueStrategy.check``: empty inputs are a bug, not an empty answer."""

    def check(self, consumer_group: str, current_cid: str, mq_all: Sequence[Any],
              cid_all: Sequence[str]) -> bool:
        if not current_cid:
            raise ValueError("currentCID is empty")
        if not mq_all:
            raise ValueError("mqAll is null or mqAll empty")
        if not cid_all:
            raise ValueError("cidAll is null or cidAll empty")
        if current_cid not in cid_all:
            log.info("[BUG] ConsumerGroup: %s The consumerId: %s not in cidAll: %s",
                     consumer_group, current_cid, list(cid_all))
            return False
        return True
