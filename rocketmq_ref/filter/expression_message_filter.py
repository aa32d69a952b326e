"""Broker-side filter of a pull (Java ``broker.filter.ExpressionMessageFilter`` and
``ExpressionForRetryMessageFilter``; B5.8, B5.4.3).

Tag subscriptions match on the consume queue alone: the unit's tags code (Java ``String.hashCode``
of the TAGS property) must be in the subscription's code set; ``*`` and units without a code match
everything. The client re-checks the tag string (hash collisions). SQL92 subscriptions are refused
before a filter is built (``enablePropertyFilter=false``), so here they match everything.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rocketmq_ref.store.message_filter import MessageFilter

SUB_ALL = "*"
TAG_TYPE = "TAG"


def is_tag_type(expression_type: str | None) -> bool:
    """Java ``ExpressionType.isTagType``: null, empty and ``TAG`` are all tag expressions."""
    return not expression_type or expression_type == TAG_TYPE


class ExpressionMessageFilter(MessageFilter):
    """Matches consume-queue units against one ``SubscriptionData`` (MessageFilter interface)."""


    def __init__(self, subscription_data: Any | None, consumer_filter_data: Any = None,
                 consumer_filter_manager: Any = None) -> None:
        self.subscription_data = subscription_data
        sd = subscription_data
        self._match_all = (sd is None or bool(getattr(sd, "class_filter_mode", False))
                           or not is_tag_type(getattr(sd, "expression_type", None))
                           or sd.sub_string == SUB_ALL)
        # set membership on ints: the hot path of a filtered pull is one dict lookup per unit
        self._codes = frozenset() if self._match_all else frozenset(int(c) for c in sd.code_set)

    def is_matched_by_consume_queue(self, tags_code: int | None, cq_ext_unit: Any = None) -> bool:
        if self._match_all or tags_code is None:
            return True
        # Java compares tagsCode.intValue(): the low 32 bits, signed
        code = tags_code & 0xFFFFFFFF
        if code >= 0x80000000:
            code -= 0x100000000
        return code in self._codes

    def is_matched_by_commit_log(self, msg_buffer: Any, properties: Mapping[str, str] | None) -> bool:
        return True


class ExpressionForRetryMessageFilter(ExpressionMessageFilter):
    """The filter used when the broker filters retry topics (``filterSupportRetry``); with tag
    subscriptions it behaves as its parent."""
