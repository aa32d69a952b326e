"""Broker-side filter of a pull (Java ``broker.filter.ExpressionMessageFilter`` and
``ExpressionForRetryMessageFilter``; B5.8, B5.4.3, A7.1.3).

Tag subscriptions match on the consume queue alone: the unit's tags code (Java ``String.hashCode``
of the TAGS property) must be in the subscription's code set; ``*`` and units without a code match
everything. The client re-checks the tag string (hash collisions).

SQL92 subscriptions pass the consume queue unless its ext unit carries a bit map
(``CommitLogDispatcherCalcBitMap``) that misses the group's bloom positions, and are matched on the
record's properties by the group's compiled expression (``ConsumerFilterData``): only a ``True`` result
selects the message; null (a missing property) or an evaluation error drops it.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message.message_decoder import decode_properties
from rocketmq_ref.common.mixall import RETRY_GROUP_TOPIC_PREFIX
from rocketmq_ref.common.tracing import span
from rocketmq_ref.store.message_filter import MessageFilter

log = logging.getLogger("rocketmq_ref.filter")

SUB_ALL = "*"
TAG_TYPE = "TAG"
_JAVA = "org.apache.rocketmq.broker.filter.ExpressionMessageFilter"


def is_tag_type(expression_type: str | None) -> bool:
    """Java ``ExpressionType.isTagType``: null, empty and ``TAG`` are all tag expressions."""
    return not expression_type or expression_type == TAG_TYPE


class ExpressionMessageFilter(MessageFilter):
    """Matches consume-queue units against one ``SubscriptionData`` (MessageFilter interface)."""

    def __init__(self, subscription_data: Any | None, consumer_filter_data: Any = None,
                 consumer_filter_manager: Any = None) -> None:
        self.subscription_data = subscription_data
        self.consumer_filter_data = consumer_filter_data
        self.consumer_filter_manager = consumer_filter_manager
        sd = subscription_data
        self._class_filter = sd is None or bool(getattr(sd, "class_filter_mode", False))
        self._tag_type = sd is None or is_tag_type(getattr(sd, "expression_type", None))
        self._match_all = self._class_filter or not self._tag_type or sd.sub_string == SUB_ALL
        # set membership on ints: the hot path of a filtered pull is one dict lookup per unit
        self._codes = frozenset() if self._match_all else frozenset(int(c) for c in sd.code_set)
        bloom = getattr(consumer_filter_manager, "bloom_filter", None)
        bloom_data = getattr(consumer_filter_data, "bloom_filter_data", None)
        self._bloom_data_valid = (not self._tag_type and not self._class_filter and bloom is not None
                                  and getattr(consumer_filter_data, "compiled_expression", None) is not None
                                  and bloom.is_valid(bloom_data))
        # (byte index, bit mask) of each bloom position: the per-unit check reads the map in place
        self._bit_masks = (tuple((p >> 3, 1 << (p & 7)) for p in bloom_data.bit_pos)
                           if self._bloom_data_valid else ())
        self.matched = 0   # commit-log evaluations of this pull that selected the message
        self.skipped = 0   # ... that dropped it (false, null or an evaluation error)

    def is_matched_by_consume_queue(self, tags_code: int | None, cq_ext_unit: Any = None) -> bool:
        if self._match_all or tags_code is None:
            if cq_ext_unit is not None and self._bloom_data_valid:
                return self._is_hit_by_bit_map(cq_ext_unit)
            return True
        # Java compares tagsCode.intValue(): the low 32 bits, signed
        code = tags_code & 0xFFFFFFFF
        if code >= 0x80000000:
            code -= 0x100000000
        return code in self._codes

    def _is_hit_by_bit_map(self, cq_ext_unit: Any) -> bool:
        """SQL92 with a consume-queue ext unit: the bloom positions of this group's filter must all
        be set in the unit's bit map (``CommitLogDispatcherCalcBitMap``); units stored before the
        filter was born, or without a map of the right length, pass to the commit-log check."""
        data = self.consumer_filter_data
        if not data.is_msg_in_live(cq_ext_unit.msg_store_time):
            return True
        bit_map = cq_ext_unit.filter_bit_map
        if not bit_map or len(bit_map) * 8 != data.bloom_filter_data.bit_num:
            return True
        # BloomFilter.isHit: every position set (BitsArray layout: byte p // 8, bit p % 8)
        for index, mask in self._bit_masks:
            if not bit_map[index] & mask:
                return False
        return True

    def is_matched_by_commit_log(self, msg_buffer: Any, properties: Mapping[str, str] | None) -> bool:
        if self._class_filter or self._tag_type:
            return True
        return self._evaluate(self.consumer_filter_data, msg_buffer, properties)

    def _evaluate(self, filter_data: Any, msg_buffer: Any, properties: Mapping[str, str] | None) -> bool:
        compiled = getattr(filter_data, "compiled_expression", None)
        if compiled is None or filter_data.expression is None:
            return True
        if properties is None and msg_buffer is not None:
            try:
                properties = decode_properties(msg_buffer)
            except Exception as e:  # a torn record: not for this consumer
                log.error("Message Filter error, cannot decode properties: %s", e)
                self.skipped += 1
                return False
        try:
            ret = compiled.evaluate(properties if properties is not None else {})
        except Exception as e:  # Java: any evaluation error means "not matched"
            log.debug("Message Filter error, %s, %s: %s", filter_data.expression, properties, e)
            ret = None
        if ret is True:
            self.matched += 1
            return True
        self.skipped += 1
        return False

    @contextmanager
    def evaluation_span(self, topic: str, group: str) -> Iterator[None]:
        """One span per pull batch of a SQL92 filter with the matched/skipped counts (books
        A7.1.3, B5.8); tag filters run without one (they never read the commit log)."""
        if self._tag_type or self._class_filter:
            yield
            return
        with span("ExpressionMessageFilter.is_matched_by_commit_log", java=_JAVA + "#isMatchedByCommitLog",
                  books=("A7.1.3", "B5.8", "B6"),
                  attributes={"messaging.destination.name": topic, "messaging.consumer.group.name": group,
                              "rocketmq.filter.expression_type": self.subscription_data.expression_type,
                              "rocketmq.filter.expression": self.subscription_data.sub_string or ""}) as s:
            matched, skipped = self.matched, self.skipped
            try:
                yield
            finally:
                if s.is_recording():
                    s.set_attribute("rocketmq.filter.matched", self.matched - matched)
                    s.set_attribute("rocketmq.filter.skipped", self.skipped - skipped)


class ExpressionForRetryMessageFilter(ExpressionMessageFilter):
    """The filter used when the broker filters retry topics (``filterSupportRetry``): a message in
    ``%RETRY%<group>`` is matched by the group's filter on its original topic (``RETRY_TOPIC``)."""

    def is_matched_by_commit_log(self, msg_buffer: Any, properties: Mapping[str, str] | None) -> bool:
        if self._class_filter:
            return True
        is_retry_topic = self.subscription_data.topic.startswith(RETRY_GROUP_TOPIC_PREFIX)
        if not is_retry_topic and self._tag_type:
            return True
        filter_data = self.consumer_filter_data
        if is_retry_topic:
            if properties is None and msg_buffer is not None:
                try:
                    properties = decode_properties(msg_buffer)
                except Exception as e:
                    log.error("Message Filter error, cannot decode properties: %s", e)
                    return False
            real_topic = (properties or {}).get(mc.PROPERTY_RETRY_TOPIC)
            group = self.subscription_data.topic[len(RETRY_GROUP_TOPIC_PREFIX):]
            manager = self.consumer_filter_manager
            filter_data = manager.get(real_topic, group) if manager is not None and real_topic else None
        return self._evaluate(filter_data, msg_buffer, properties)
