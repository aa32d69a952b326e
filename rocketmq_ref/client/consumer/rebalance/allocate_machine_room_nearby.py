"""AllocateMachineRoomNearby, "MACHINE_ROOM_NEARBY-<inner>" (Java
``rebalance.AllocateMachineRoomNearby``; book A7.3.1): consumers take the queues of brokers in their
own machine room (with the inner strategy); queues of a room with no live consumer are shared by all.
"""
from __future__ import annotations

from typing import Any, Protocol, Sequence

from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_strategy import (
    AbstractAllocateMessageQueueStrategy, AllocateMessageQueueStrategy)


class MachineRoomResolver(Protocol):
    def broker_deploy_in(self, message_queue: Any) -> str | None: ...

    def consumer_deploy_in(self, client_id: str) -> str | None: ...


class AllocateMachineRoomNearby(AbstractAllocateMessageQueueStrategy):
    def __init__(self, allocate_message_queue_strategy: AllocateMessageQueueStrategy,
                 machine_room_resolver: MachineRoomResolver) -> None:
        if allocate_message_queue_strategy is None:
            raise ValueError("allocateMessageQueueStrategy is null")
        if machine_room_resolver is None:
            raise ValueError("machineRoomResolver is null")
        self.allocate_message_queue_strategy = allocate_message_queue_strategy
        self.machine_room_resolver = machine_room_resolver

    def allocate(self, consumer_group: str, current_cid: str, mq_all: Sequence[Any],
                 cid_all: Sequence[str]) -> list[Any]:
        if not self.check(consumer_group, current_cid, mq_all, cid_all):
            return []
        resolver = self.machine_room_resolver
        mr2mq: dict[str, list[Any]] = {}
        for mq in mq_all:
            room = resolver.broker_deploy_in(mq)
            if not room:
                raise ValueError(f"Machine room is null for mq {mq}")
            mr2mq.setdefault(room, []).append(mq)
        mr2c: dict[str, list[str]] = {}
        for cid in cid_all:
            room = resolver.consumer_deploy_in(cid)
            if not room:
                raise ValueError(f"Machine room is null for consumer id {cid}")
            mr2c.setdefault(room, []).append(cid)
        inner = self.allocate_message_queue_strategy
        result: list[Any] = []
        my_room = resolver.consumer_deploy_in(current_cid)
        mine = mr2mq.pop(my_room or "", None)
        if mine:
            result.extend(inner.allocate(consumer_group, current_cid, mine, mr2c[my_room or ""]))
        for room in sorted(mr2mq):  # Java's TreeMap order
            if room not in mr2c:
                result.extend(inner.allocate(consumer_group, current_cid, mr2mq[room], cid_all))
        return result

    def get_name(self) -> str:
        return "MACHINE_ROOM_NEARBY-" + self.allocate_message_queue_strategy.get_name()
