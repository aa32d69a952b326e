"""``NotifyConsumerIdsChangedRequestHeader``: NOTIFY_CONSUMER_IDS_CHANGED (40), broker to consumer
(Java ``common/protocol/header/NotifyConsumerIdsChangedRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class NotifyConsumerIdsChangedRequestHeader(CommandCustomHeader):
    consumer_group: str | None = cf_not_null()
