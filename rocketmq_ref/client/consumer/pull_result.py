"""PullStatus, PullResult, PullCallback (Java ``client.consumer.PullStatus/PullResult/PullCallback``;
books A3.1.4, B5.4.3)."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class PullStatus(enum.Enum):
    FOUND = 0
    NO_NEW_MSG = 1
    NO_MATCHED_MSG = 2
    OFFSET_ILLEGAL = 3


@dataclass
class PullResult:
    pull_status: PullStatus
    next_begin_offset: int
    min_offset: int
    max_offset: int
    msg_found_list: list[Any] = field(default_factory=list)

    def get_pull_status(self) -> PullStatus:
        return self.pull_status

    def get_next_begin_offset(self) -> int:
        return self.next_begin_offset

    def get_min_offset(self) -> int:
        return self.min_offset

    def get_max_offset(self) -> int:
        return self.max_offset

    def get_msg_found_list(self) -> list[Any]:
        return self.msg_found_list

    def __str__(self) -> str:
        return (f"PullResult [pullStatus={self.pull_status.name}, nextBeginOffset={self.next_begin_offset}"
                f", minOffset={self.min_offset}, maxOffset={self.max_offset}, msgFoundList="
                f"{len(self.msg_found_list)}]")


@dataclass
class PullResultExt(PullResult):
    """Java ``PullResultExt``: the raw records before ``processPullResult`` decodes them."""

    suggest_which_broker_id: int = 0
    message_binary: bytes | memoryview | None = None


class PullCallback:
    def on_success(self, pull_result: PullResult) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def on_exception(self, e: BaseException) -> None:  # pragma: no cover - interface
        raise NotImplementedError
