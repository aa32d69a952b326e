"""MessageFilter: the store's filter hook for ``get_message`` (Java ``org.apache.rocketmq.store.MessageFilter``;
books B5.8, B5.4.3).

The store asks the filter twice per consume-queue unit: first with the unit's tags code (cheap, no
commit-log read), then, for units that pass, with the record's bytes.  The broker's
``ExpressionMessageFilter`` (``rocketmq_ref.filter``) implements it for TAG and SQL92 subscriptions.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any


class MessageFilter(ABC):
    """Java ``MessageFilter``: two questions the store asks while walking a consume queue."""

    @abstractmethod
    def is_matched_by_consume_queue(self, tags_code: int | None, cq_ext_unit: Any | None) -> bool:
        """Match by the consume-queue unit's tags code (or, with consume-queue ext, its bit map).

        ``cq_ext_unit`` is the ``ConsumeQueueExt.CqExtUnit`` when the ext file is enabled, else None.
        """

    @abstractmethod
    def is_matched_by_commit_log(self, msg_buffer: memoryview | bytes | None,
                                 properties: Mapping[str, str] | None) -> bool:
        """Match by the stored record.  The store passes the record bytes and ``properties=None``;
        ``PullRequestHoldService`` passes ``msg_buffer=None`` and the decoded properties."""
