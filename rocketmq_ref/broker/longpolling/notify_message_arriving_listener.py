"""The store's arrival hook into long polling (Java ``broker.longpolling.NotifyMessageArrivingListener``;
B5.4.3): the reput thread calls ``arriving`` for every dispatched message."""
from __future__ import annotations

from rocketmq_ref.broker.longpolling.pull_request_hold_service import PullRequestHoldService


class NotifyMessageArrivingListener:
    """Implements the store's ``MessageArrivingListener``."""

    def __init__(self, pull_request_hold_service: PullRequestHoldService) -> None:
        self.pull_request_hold_service = pull_request_hold_service

    def arriving(self, topic: str, queue_id: int, logic_offset: int, tags_code: int | None,
                 msg_store_time: int, filter_bit_map: bytes | None,
                 properties: dict[str, str] | None) -> None:
        self.pull_request_hold_service.notify_message_arriving(
            topic, queue_id, logic_offset, tags_code, msg_store_time, filter_bit_map, properties)
