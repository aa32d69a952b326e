"""AllocateMessageQueueByMachineRoom, "MACHINE_ROOM" (Java ``rebalance.AllocateMessageQueueByMachineRoom``;
book A7.3.1): keep queues of brokers named ``room@name`` whose room is in ``consumeridcs``, then split
them in blocks of ``m // c`` with the remainder dealt one each to the first consumers.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_strategy import (
    AbstractAllocateMessageQueueStrategy,
)


class AllocateMessageQueueByMachineRoom(AbstractAllocateMessageQueueStrategy):
    def __init__(self, consumeridcs: Iterable[str] = ()) -> None:
        self.consumeridcs = set(consumeridcs)

    def allocate(self, consumer_group: str, current_cid: str, mq_all: Sequence[Any],
                 cid_all: Sequence[str]) -> list[Any]:
        if not self.check(consumer_group, current_cid, mq_all, cid_all):
            return []
        index = list(cid_all).index(current_cid)
        kept = []
        for mq in mq_all:
            parts = mq.broker_name.split("@")
            if len(parts) == 2 and parts[0] in self.consumeridcs:
                kept.append(mq)
        c = len(cid_all)
        mod, rem = len(kept) // c, len(kept) % c
        result = kept[index * mod:index * mod + mod]
        if rem > index:
            result.append(kept[index + mod * c])
        return result

    def set_consumeridcs(self, consumeridcs: Iterable[str]) -> None:
        self.consumeridcs = set(consumeridcs)

    def get_consumeridcs(self) -> set[str]:
        return self.consumeridcs

    def get_name(self) -> str:
        return "MACHINE_ROOM"
