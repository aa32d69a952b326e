"""A topic queue on one broker (Java ``org.apache.rocketmq.common.message.MessageQueue``; books B3.4.3,
B5.5).  Hashable, and ordered like Java ``compareTo``: topic, then broker name, then queue id."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, order=True)
class MessageQueue:
    topic: str = ""
    broker_name: str = ""
    queue_id: int = 0

    def to_json_value(self) -> dict[str, Any]:
        """The fastjson object form (keys sorted): ``{"brokerName":..,"queueId":..,"topic":..}``."""
        return {"brokerName": self.broker_name, "queueId": self.queue_id, "topic": self.topic}

    @classmethod
    def from_json_value(cls, value: Any) -> "MessageQueue":
        if isinstance(value, MessageQueue):
            return value
        if not isinstance(value, dict):
            raise ValueError(f"a MessageQueue must be a JSON object, got {value!r}")
        return cls(str(value.get("topic") or ""), str(value.get("brokerName") or ""),
                   int(value.get("queueId") or 0))

    def __str__(self) -> str:
        return (f"MessageQueue [topic={self.topic}, brokerName={self.broker_name}, "
                f"queueId={self.queue_id}]")
