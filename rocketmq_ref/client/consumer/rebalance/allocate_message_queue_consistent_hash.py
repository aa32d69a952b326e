"""AllocateMessageQueueConsistentHash, "CONSISTENT_HASH" (Java
``rebalance.AllocateMessageQueueConsistentHash``; book A7.3.1): ``virtual_node_cnt`` MD5 ring nodes
per client; each queue (keyed by ``MessageQueue.toString()``) goes to the first node at or after its
hash, so a client joining or leaving moves only the queues next to its nodes.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_strategy import (
    AbstractAllocateMessageQueueStrategy,
)
from rocketmq_ref.common.consistenthash import ConsistentHashRouter, md5_hash


class ClientNode:
    def __init__(self, client_id: str) -> None:
        self.client_id = client_id

    def get_key(self) -> str:
        return self.client_id


class AllocateMessageQueueConsistentHash(AbstractAllocateMessageQueueStrategy):
    def __init__(self, virtual_node_cnt: int = 10,
                 custom_hash_function: Callable[[str], int] | None = None) -> None:
        if virtual_node_cnt < 0:
            raise ValueError(f"illegal virtualNodeCnt :{virtual_node_cnt}")
        self.virtual_node_cnt = virtual_node_cnt
        self.custom_hash_function = custom_hash_function

    def allocate(self, consumer_group: str, current_cid: str, mq_all: Sequence[Any],
                 cid_all: Sequence[str]) -> list[Any]:
        if not self.check(consumer_group, current_cid, mq_all, cid_all):
            return []
        router = ConsistentHashRouter([ClientNode(cid) for cid in cid_all], self.virtual_node_cnt,
                                      self.custom_hash_function or md5_hash)
        result = []
        for mq in mq_all:
            node = router.route_node(str(mq))
            if node is not None and node.get_key() == current_cid:
                result.append(mq)
        return result

    def get_name(self) -> str:
        return "CONSISTENT_HASH"
