"""LatencyFaultTolerance / LatencyFaultToleranceImpl: which brokers to avoid for a while after slow or
failed sends (Java ``client.latency.LatencyFaultToleranceImpl``; book B3.4.3).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from rocketmq_ref.client.common.thread_local_index import ThreadLocalIndex


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(slots=True)
class FaultItem:
    """One broker's last latency and the time from which it may be used again."""

    name: str
    current_latency: int = 0
    start_timestamp: int = 0

    def is_available(self) -> bool:
        return _now_ms() - self.start_timestamp >= 0

    def sort_key(self) -> tuple[int, int, int]:
        # Java FaultItem.compareTo: available first, then lower latency, then earlier start
        return (0 if self.is_available() else 1, self.current_latency, self.start_timestamp)


class LatencyFaultToleranceImpl:
    def __init__(self) -> None:
        self.fault_item_table: dict[str, FaultItem] = {}
        self._lock = threading.Lock()
        self.which_item_worst = ThreadLocalIndex()

    def update_fault_item(self, name: str, current_latency: int, not_available_duration: int) -> None:
        with self._lock:
            item = self.fault_item_table.get(name)
            if item is None:
                item = self.fault_item_table[name] = FaultItem(name)
            item.current_latency = current_latency
            item.start_timestamp = _now_ms() + not_available_duration

    def is_available(self, name: str) -> bool:
        item = self.fault_item_table.get(name)
        return item.is_available() if item is not None else True

    def remove(self, name: str | None) -> None:
        with self._lock:
            self.fault_item_table.pop(name, None)  # type: ignore[arg-type]

    def pick_one_at_least(self) -> str | None:
        """A broker from the better half of the fault table, round-robin (Java ``pickOneAtLeast``)."""
        items = sorted(list(self.fault_item_table.values()), key=FaultItem.sort_key)
        if not items:
            return None
        half = len(items) // 2
        if half <= 0:
            return items[0].name
        return items[self.which_item_worst.increment_and_get() % half].name
