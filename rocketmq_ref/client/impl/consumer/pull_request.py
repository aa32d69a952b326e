"""PullRequest: one queue's pull task, re-queued after every answer
(Java ``client.impl.consumer.PullRequest``; book B5.4.1)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(eq=False)
class PullRequest:
    consumer_group: str
    message_queue: Any
    process_queue: Any
    next_offset: int
    previously_locked: bool = False

    def __repr__(self) -> str:
        return (f"PullRequest [consumerGroup={self.consumer_group}, messageQueue="
                f"{self.message_queue}, nextOffset={self.next_offset}]")
