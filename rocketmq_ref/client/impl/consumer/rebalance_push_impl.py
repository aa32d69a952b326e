"""RebalancePushImpl: the push consumer's side of rebalance: start offsets, persisting removed queues'
offsets, and pull requests for new queues (Java ``client.impl.consumer.RebalancePushImpl``;
books A7.3.1, B5.5).
"""
from __future__ import annotations

import logging
import time
from typing import Any

from rocketmq_ref.client.consumer.store.offset_store import ReadOffsetType
from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.client.impl.consumer.rebalance_impl import RebalanceImpl
from rocketmq_ref.common import mixall
from rocketmq_ref.common.protocol.heartbeat import ConsumeType, MessageModel

log = logging.getLogger("rocketmq_ref.client")

UNLOCK_DELAY_TIME_MILLS = 20000

_LAST_OFFSET_LIKE = {"CONSUME_FROM_LAST_OFFSET", "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST",
                     "CONSUME_FROM_MIN_OFFSET", "CONSUME_FROM_MAX_OFFSET"}


class RebalancePushImpl(RebalanceImpl):
    def __init__(self, default_mq_push_consumer_impl: Any) -> None:
        super().__init__(None, None, None, None)
        self.default_mq_push_consumer_impl = default_mq_push_consumer_impl

    def message_queue_changed(self, topic: str, mq_all: set[Any], mq_divided: set[Any]) -> None:
        """New ``subVersion``, per-queue share of topic-level thresholds, heartbeat now."""
        impl = self.default_mq_push_consumer_impl
        sd = self.subscription_inner.get(topic)
        if sd is not None:
            new_version = int(time.time() * 1000)
            log.info("%s Rebalance changed, also update version: %s, %s", self.consumer_group,
                     sd.sub_version, new_version)
            sd.sub_version = new_version
        conf = impl.default_mq_push_consumer
        current = len(self.process_queue_table)
        if current:
            if conf.pull_threshold_for_topic != -1:
                conf.pull_threshold_for_queue = max(1, conf.pull_threshold_for_topic // current)
            if conf.pull_threshold_size_for_topic != -1:
                conf.pull_threshold_size_for_queue = max(1, conf.pull_threshold_size_for_topic // current)
        self.mq_client_factory.send_heartbeat_to_all_broker_with_lock()

    def remove_unnecessary_message_queue(self, mq: Any, pq: Any) -> bool:
        """Persist and forget the offset; orderly: release the broker lock, 20 s later if messages
        are still cached (another consumer must not start on them meanwhile)."""
        impl = self.default_mq_push_consumer_impl
        impl.offset_store.persist(mq)
        impl.offset_store.remove_offset(mq)
        if impl.consume_orderly and self.message_model == MessageModel.CLUSTERING:
            if pq.consume_lock.acquire(timeout=1.0):
                try:
                    return self.unlock_delay(mq, pq)
                finally:
                    pq.consume_lock.release()
            log.warning("[WRONG]mq is consuming, so can not unlock it, %s. maybe hanged for a "
                        "while, %d", mq, pq.try_unlock_times)
            pq.try_unlock_times += 1
            return False
        return True

    def unlock_delay(self, mq: Any, pq: Any) -> bool:
        if pq.has_temp_message():
            ses = self.mq_client_factory.scheduled_executor_service
            if ses is not None:
                ses.schedule(lambda: self.unlock(mq, True), UNLOCK_DELAY_TIME_MILLS)
        else:
            self.unlock(mq, True)
        return True

    def consume_type(self) -> Any:
        return ConsumeType.CONSUME_PASSIVELY

    def remove_dirty_offset(self, mq: Any) -> None:
        self.default_mq_push_consumer_impl.offset_store.remove_offset(mq)

    def compute_pull_from_where_with_exception(self, mq: Any) -> int:
        """Java ``computePullFromWhereWithException`` (spec ha-and-flows §4.2)."""
        impl = self.default_mq_push_consumer_impl
        where = impl.default_mq_push_consumer.consume_from_where
        store = impl.offset_store
        admin = self.mq_client_factory.mq_admin_impl
        last = store.read_offset(mq, ReadOffsetType.READ_FROM_STORE)
        name = getattr(where, "name", str(where))
        if last >= 0:
            return last
        if last != -1:
            raise MQClientException(-1, f"Failed to query consume offset from offset store: {mq}")
        retry = mq.topic.startswith(mixall.RETRY_GROUP_TOPIC_PREFIX)
        if name in _LAST_OFFSET_LIKE:
            return 0 if retry else admin.max_offset(mq)
        if name == "CONSUME_FROM_FIRST_OFFSET":
            return 0
        if name == "CONSUME_FROM_TIMESTAMP":
            if retry:
                return admin.max_offset(mq)
            ts = time.mktime(time.strptime(impl.default_mq_push_consumer.consume_timestamp,
                                           "%Y%m%d%H%M%S"))
            return admin.search_offset(mq, int(ts * 1000))
        return -1

    def dispatch_pull_request(self, pull_requests: list[Any]) -> None:
        for request in pull_requests:
            self.default_mq_push_consumer_impl.execute_pull_request_immediately(request)
            log.info("doRebalance, %s, add a new pull request %s", self.consumer_group, request)



