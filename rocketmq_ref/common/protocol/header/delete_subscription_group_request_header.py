"""``DeleteSubscriptionGroupRequestHeader``: DELETE_SUBSCRIPTIONGROUP (207) (Java
``common/protocol/header/DeleteSubscriptionGroupRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null, cf_nullable


@dataclass(slots=True)
class DeleteSubscriptionGroupRequestHeader(CommandCustomHeader):
    group_name: str | None = cf_not_null()
    remove_offset: bool = cf_nullable(False)
