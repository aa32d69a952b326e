"""OffsetStore and ReadOffsetType, plus the in-memory table both stores share
(Java ``client.consumer.store.OffsetStore/ReadOffsetType``; books A3.3, B5.6.3).
"""
from __future__ import annotations

import enum
import threading
from abc import ABC, abstractmethod
from typing import Any, Iterable


class ReadOffsetType(enum.Enum):
    READ_FROM_MEMORY = 0
    READ_FROM_STORE = 1
    MEMORY_FIRST_THEN_STORE = 2


class OffsetStore(ABC):
    """The consumer's view of its progress: mq -> next offset to consume.

    ``update_offset`` only touches memory; ``persist``/``persist_all`` write it out (broker or file).
    """

    def __init__(self, group_name: str) -> None:
        self.group_name = group_name
        self.offset_table: dict[Any, int] = {}
        self._lock = threading.Lock()

    def load(self) -> None:
        """Read persisted offsets (only the local file store has any)."""

    def update_offset(self, mq: Any, offset: int, increase_only: bool) -> None:
        """Java ``updateOffset``: ``increase_only`` keeps the larger of the old and new offset
        (concurrent consumption may finish batches out of order)."""
        if mq is None:
            return
        with self._lock:
            old = self.offset_table.get(mq)
            if old is None or not increase_only or offset > old:
                self.offset_table[mq] = offset

    def read_offset_from_memory(self, mq: Any) -> int | None:
        return self.offset_table.get(mq)

    @abstractmethod
    def read_offset(self, mq: Any, type_: ReadOffsetType) -> int:
        ...

    @abstractmethod
    def persist_all(self, mqs: Iterable[Any]) -> None:
        ...

    @abstractmethod
    def persist(self, mq: Any) -> None:
        ...

    def remove_offset(self, mq: Any) -> None:
        with self._lock:
            self.offset_table.pop(mq, None)

    def clone_offset_table(self, topic: str | None = None) -> dict[Any, int]:
        with self._lock:
            return {mq: off for mq, off in self.offset_table.items()
                    if not topic or mq.topic == topic}

    def update_consume_offset_to_broker(self, mq: Any, offset: int, is_oneway: bool = True) -> None:
        """Only the remote store talks to brokers."""
