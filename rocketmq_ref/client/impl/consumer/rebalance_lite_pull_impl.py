"""RebalancePullImpl / RebalanceLitePullImpl: rebalance for the pull consumers, which only track the
assignment (Java ``client.impl.consumer.RebalancePullImpl`` / ``RebalanceLitePullImpl``; book A7.3.2).
"""
from __future__ import annotations

import logging
from typing import Any

from rocketmq_ref.client.consumer.store.offset_store import ReadOffsetType
from rocketmq_ref.client.impl.consumer.rebalance_impl import RebalanceImpl
from rocketmq_ref.common.protocol.heartbeat import ConsumeType

log = logging.getLogger("rocketmq_ref.client")


class RebalancePullImpl(RebalanceImpl):
    """``DefaultMQPullConsumer``: tell the user's ``MessageQueueListener`` what changed."""

    def __init__(self, consumer_impl: Any) -> None:
        super().__init__(None, None, None, None)
        self.consumer_impl = consumer_impl

    def message_queue_changed(self, topic: str, mq_all: set[Any], mq_divided: set[Any]) -> None:
        listener = self.consumer_impl.message_queue_listener
        if listener is not None:
            try:
                listener.message_queue_changed(topic, mq_all, mq_divided)
            except Exception:  # noqa: BLE001
                log.exception("messageQueueChanged exception")

    def remove_unnecessary_message_queue(self, mq: Any, pq: Any) -> bool:
        self.consumer_impl.offset_store.persist(mq)
        self.consumer_impl.offset_store.remove_offset(mq)
        return True

    def consume_type(self) -> Any:
        return ConsumeType.CONSUME_ACTIVELY

    def remove_dirty_offset(self, mq: Any) -> None:
        self.consumer_impl.offset_store.remove_offset(mq)

    def compute_pull_from_where_with_exception(self, mq: Any) -> int:
        return 0

    def dispatch_pull_request(self, pull_requests: list[Any]) -> None:
        """Pull consumers pull by themselves."""


class RebalanceLitePullImpl(RebalancePullImpl):
    """``DefaultLitePullConsumer`` in subscribe mode: the assignment drives its pull tasks; start
    offsets follow ``ConsumeFromWhere`` like the push consumer."""

    def message_queue_changed(self, topic: str, mq_all: set[Any], mq_divided: set[Any]) -> None:
        self.consumer_impl.update_assigned_message_queue(topic, mq_divided)

    def compute_pull_from_where_with_exception(self, mq: Any) -> int:
        store = self.consumer_impl.offset_store
        last = store.read_offset(mq, ReadOffsetType.MEMORY_FIRST_THEN_STORE)
        if last >= 0:
            return last
        if last == -1:
            name = getattr(self.consumer_impl.consume_from_where(), "name", "")
            admin = self.mq_client_factory.mq_admin_impl
            if name == "CONSUME_FROM_FIRST_OFFSET" or mq.topic.startswith("%RETRY%"):
                return 0
            return admin.max_offset(mq)
        return -1
