"""A version stamp for metadata tables (Java ``org.apache.rocketmq.common.DataVersion``; books
B2.3.2, A4.1.2): a broker re-registers its topics and a slave re-syncs them when it changes."""
from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class DataVersion:
    timestamp: int = field(default_factory=lambda: int(time.time() * 1000))
    counter: int = 0

    _lock = threading.Lock()

    def assign_new_one(self, other: "DataVersion") -> None:
        self.timestamp = other.timestamp
        self.counter = other.counter

    def next_version(self) -> None:
        """New timestamp, counter + 1 (Java ``nextVersion``)."""
        with DataVersion._lock:
            self.timestamp = int(time.time() * 1000)
            self.counter += 1

    def to_json_value(self) -> dict[str, Any]:
        return {"counter": self.counter, "timestamp": self.timestamp}

    @classmethod
    def from_json_value(cls, value: Any) -> "DataVersion":
        if not isinstance(value, dict):
            raise ValueError(f"a DataVersion must be a JSON object, got {value!r}")
        return cls(timestamp=int(value.get("timestamp") or 0), counter=int(value.get("counter") or 0))
