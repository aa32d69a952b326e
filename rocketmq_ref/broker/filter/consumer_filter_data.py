"""One group's compiled filter on one topic (Java ``broker.filter.ConsumerFilterData``; A7.1.3, B5.8).

Alive while ``dead_time < born_time``; the manager marks it dead when the group leaves or stops
subscribing the topic and forgets it ``filterDataCleanTimeSpan`` later.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from rocketmq_ref.filter.util.bloom_filter import BloomFilterData


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(slots=True, eq=False)
class ConsumerFilterData:
    consumer_group: str | None = None
    topic: str | None = None
    expression: str | None = None
    expression_type: str | None = None
    compiled_expression: Any = field(default=None, repr=False)  # transient in Java
    born_time: int = 0
    dead_time: int = 0
    bloom_filter_data: BloomFilterData | None = None
    client_version: int = 0

    def is_dead(self) -> bool:
        return self.dead_time >= self.born_time

    def how_long_after_death(self, now_ms: int | None = None) -> int:
        if self.is_dead():
            return (_now_ms() if now_ms is None else now_ms) - self.dead_time
        return -1

    def is_msg_in_live(self, msg_store_time: int) -> bool:
        return msg_store_time > self.born_time

    def to_json_value(self) -> dict[str, Any]:
        """The persisted form (fastjson bean: camelCase keys, sorted, nulls left out)."""
        out: dict[str, Any] = {"bornTime": self.born_time, "clientVersion": self.client_version,
                               "deadTime": self.dead_time}
        bloom = None if self.bloom_filter_data is None else self.bloom_filter_data.to_json_value()
        for key, value in (("bloomFilterData", bloom), ("consumerGroup", self.consumer_group),
                           ("expression", self.expression), ("expressionType", self.expression_type),
                           ("topic", self.topic)):
            if value is not None:
                out[key] = value
        return dict(sorted(out.items()))

    @classmethod
    def from_json_value(cls, value: Any) -> "ConsumerFilterData":
        if not isinstance(value, dict):
            raise ValueError(f"consumer filter data is not an object: {value!r}")
        bloom = BloomFilterData.from_json_value(value.get("bloomFilterData"))
        return cls(consumer_group=_opt_str(value.get("consumerGroup")), topic=_opt_str(value.get("topic")),
                   expression=_opt_str(value.get("expression")),
                   expression_type=_opt_str(value.get("expressionType")),
                   born_time=int(value.get("bornTime") or 0), dead_time=int(value.get("deadTime") or 0),
                   bloom_filter_data=bloom,
                   client_version=int(value.get("clientVersion") or 0))


def _opt_str(v: Any) -> str | None:
    return None if v is None else str(v)
