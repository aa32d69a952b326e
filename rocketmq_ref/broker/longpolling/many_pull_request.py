"""The held requests of one ``topic@queueId`` (Java ``broker.longpolling.ManyPullRequest``; B5.4.3)."""
from __future__ import annotations

import threading

from rocketmq_ref.broker.longpolling.pull_request import PullRequest


class ManyPullRequest:
    __slots__ = ("_lock", "pull_request_list")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.pull_request_list: list[PullRequest] = []

    def add_pull_request(self, pull_request: PullRequest) -> None:
        with self._lock:
            self.pull_request_list.append(pull_request)

    def add_pull_requests(self, many: list[PullRequest]) -> None:
        with self._lock:
            self.pull_request_list.extend(many)

    def clone_list_and_clear(self) -> list[PullRequest] | None:
        with self._lock:
            if not self.pull_request_list:
                return None
            out, self.pull_request_list = self.pull_request_list, []
            return out

    def __len__(self) -> int:
        return len(self.pull_request_list)
