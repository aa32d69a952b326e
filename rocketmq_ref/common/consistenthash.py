"""The consistent-hash ring behind ``AllocateMessageQueueConsistentHash`` (Java
``org.apache.rocketmq.common.consistenthash``: ``ConsistentHashRouter``, ``VirtualNode``,
``HashFunction``, ``Node``; book B5.5)."""
from __future__ import annotations

import bisect
import hashlib
from collections.abc import Callable, Iterable
from typing import Generic, Protocol, TypeVar


class Node(Protocol):
    def get_key(self) -> str: ...


N = TypeVar("N", bound=Node)
HashFunction = Callable[[str], int]


def md5_hash(key: str) -> int:
    """The default ring hash: the first 4 bytes of the key's MD5, as an unsigned number."""
    return int.from_bytes(hashlib.md5(key.encode("utf-8")).digest()[:4], "big")


class VirtualNode(Generic[N]):
    __slots__ = ("physical_node", "replica_index")

    def __init__(self, physical_node: N, replica_index: int) -> None:
        self.physical_node = physical_node
        self.replica_index = replica_index

    def get_key(self) -> str:
        return f"{self.physical_node.get_key()}-{self.replica_index}"

    def is_virtual_node_of(self, p_node: N) -> bool:
        return self.physical_node.get_key() == p_node.get_key()

    def get_physical_node(self) -> N:
        return self.physical_node


class ConsistentHashRouter(Generic[N]):
    """A sorted ring of ``v_node_count`` virtual nodes per physical node; a key goes to the
    first virtual node at or after its hash, wrapping around."""

    def __init__(self, p_nodes: Iterable[N] | None, v_node_count: int,
                 hash_function: HashFunction = md5_hash) -> None:
        if hash_function is None:
            raise ValueError("Hash Function is null")
        self._hash = hash_function
        self._ring: dict[int, VirtualNode[N]] = {}
        self._keys: list[int] = []
        for p in p_nodes or ():
            self.add_node(p, v_node_count)

    def add_node(self, p_node: N, v_node_count: int) -> None:
        if v_node_count < 0:
            raise ValueError(f"illegal virtual node counts :{v_node_count}")
        existing = self.get_existing_replicas(p_node)
        for i in range(v_node_count):
            v = VirtualNode(p_node, i + existing)
            h = self._hash(v.get_key())
            if h not in self._ring:
                bisect.insort(self._keys, h)
            self._ring[h] = v  # a colliding hash replaces, as TreeMap.put does

    def remove_node(self, p_node: N) -> None:
        gone = [h for h, v in self._ring.items() if v.is_virtual_node_of(p_node)]
        for h in gone:
            del self._ring[h]
        if gone:
            self._keys = sorted(self._ring)

    def route_node(self, object_key: str) -> N | None:
        if not self._keys:
            return None
        i = bisect.bisect_left(self._keys, self._hash(object_key))
        return self._ring[self._keys[i if i < len(self._keys) else 0]].physical_node

    def get_existing_replicas(self, p_node: N) -> int:
        return sum(1 for v in self._ring.values() if v.is_virtual_node_of(p_node))
