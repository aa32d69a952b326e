"""RebalanceImpl: which queues this consumer owns, and the ProcessQueue table that follows from it
(Java ``client.impl.consumer.RebalanceImpl``; books A7.3.1, B5.5).

CLUSTERING: sort the topic's readable queues and the group's client ids, run the allocation strategy,
then drop the queues no longer ours (persisting their offsets) and start pulling the new ones.
BROADCASTING: every queue is ours.
"""
from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from typing import Any

from rocketmq_ref.client.impl.consumer.process_queue import ProcessQueue
from rocketmq_ref.client.impl.consumer.pull_request import PullRequest
from rocketmq_ref.common import mixall
from rocketmq_ref.common.protocol.heartbeat import MessageModel
from rocketmq_ref.common.tracing import record_error, span

log = logging.getLogger("rocketmq_ref.client")

_JAVA = "org.apache.rocketmq.client.impl.consumer.RebalanceImpl#"


class RebalanceImpl(ABC):
    def __init__(self, consumer_group: str | None, message_model: Any,
                 allocate_message_queue_strategy: Any, mq_client_factory: Any) -> None:
        self.consumer_group = consumer_group
        self.message_model = message_model
        self.allocate_message_queue_strategy = allocate_message_queue_strategy
        self.mq_client_factory = mq_client_factory
        self.process_queue_table: dict[Any, ProcessQueue] = {}
        self.topic_subscribe_info_table: dict[str, set[Any]] = {}
        self.subscription_inner: dict[str, Any] = {}
        self._lock = threading.RLock()

    # -- hooks for push / pull / lite pull -----------------------------------------------------------
    @abstractmethod
    def message_queue_changed(self, topic: str, mq_all: set[Any], mq_divided: set[Any]) -> None:
        ...

    @abstractmethod
    def remove_unnecessary_message_queue(self, mq: Any, pq: ProcessQueue) -> bool:
        ...

    @abstractmethod
    def consume_type(self) -> Any:
        ...

    @abstractmethod
    def remove_dirty_offset(self, mq: Any) -> None:
        ...

    @abstractmethod
    def compute_pull_from_where_with_exception(self, mq: Any) -> int:
        ...

    @abstractmethod
    def dispatch_pull_request(self, pull_requests: list[PullRequest]) -> None:
        ...

    def compute_pull_from_where(self, mq: Any) -> int:
        try:
            return self.compute_pull_from_where_with_exception(mq)
        except Exception as e:  # noqa: BLE001
            log.warning("Compute consume offset exception, mq=%s: %s", mq, e)
            return -1

    # -- the rebalance -------------------------------------------------------------------------------
    def do_rebalance(self, is_order: bool = False) -> None:
        for topic in list(self.subscription_inner):
            try:
                self.rebalance_by_topic(topic, is_order)
            except Exception as e:  # noqa: BLE001
                if not topic.startswith(mixall.RETRY_GROUP_TOPIC_PREFIX):
                    log.warning("rebalanceByTopic Exception: %s", e)
        self.truncate_message_queue_not_my_topic()

    def rebalance_by_topic(self, topic: str, is_order: bool) -> None:
        """Java ``rebalanceByTopic`` (book B5.5): one span with the allocation result."""
        with span("RebalanceImpl.rebalance_by_topic", java=_JAVA + "rebalanceByTopic",
                  books=("A7.3.1", "B5.5"),
                  attributes={"messaging.destination.name": topic,
                              "messaging.consumer.group.name": self.consumer_group or "",
                              "rocketmq_ref.message_model": getattr(self.message_model, "name",
                                                                    str(self.message_model))}) as s:
            mq_set = self.topic_subscribe_info_table.get(topic)
            if self.message_model == MessageModel.BROADCASTING:
                if mq_set is None:
                    if not topic.startswith(mixall.RETRY_GROUP_TOPIC_PREFIX):
                        log.warning("doRebalance, %s, but the topic[%s] not exist.",
                                    self.consumer_group, topic)
                    return
                changed = self.update_process_queue_table_in_rebalance(topic, set(mq_set), is_order)
                if changed:
                    self.message_queue_changed(topic, mq_set, mq_set)
                if s.is_recording():
                    s.set_attribute("rocketmq_ref.rebalance.allocated", sorted(str(m) for m in mq_set))
                return
            cid_all = self.mq_client_factory.find_consumer_id_list(topic, self.consumer_group)
            if mq_set is None:
                if not topic.startswith(mixall.RETRY_GROUP_TOPIC_PREFIX):
                    log.warning("doRebalance, %s, but the topic[%s] not exist.",
                                self.consumer_group, topic)
                return
            if cid_all is None:
                log.warning("doRebalance, %s %s, get consumer id list failed",
                            self.consumer_group, topic)
                return
            mq_all = sorted(mq_set)
            cid_all = sorted(cid_all)
            strategy = self.allocate_message_queue_strategy
            try:
                allocated = strategy.allocate(self.consumer_group,
                                              self.mq_client_factory.client_id, mq_all, cid_all)
            except Exception as e:  # noqa: BLE001
                log.error("AllocateMessageQueueStrategy.allocate Exception. allocateMessageQueue"
                          "StrategyName=%s: %s", strategy.get_name(), e)
                record_error(s, e)
                return
            allocated_set = set(allocated or ())
            if s.is_recording():
                s.set_attributes({
                    "rocketmq_ref.rebalance.strategy": strategy.get_name(),
                    "rocketmq_ref.rebalance.client_id": self.mq_client_factory.client_id,
                    "rocketmq_ref.rebalance.cid_all": cid_all,
                    "rocketmq_ref.rebalance.mq_all_count": len(mq_all),
                    "rocketmq_ref.rebalance.allocated": sorted(str(m) for m in allocated_set)})
            changed = self.update_process_queue_table_in_rebalance(topic, allocated_set, is_order)
            if s.is_recording():
                s.set_attribute("rocketmq_ref.rebalance.changed", changed)
            if changed:
                log.info("rebalanced result changed. group=%s, topic=%s, clientId=%s, mqAllSize=%d, "
                         "cidAllSize=%d, rebalanceResultSize=%d", self.consumer_group, topic,
                         self.mq_client_factory.client_id, len(mq_all), len(cid_all),
                         len(allocated_set))
                self.message_queue_changed(topic, mq_set, allocated_set)

    def truncate_message_queue_not_my_topic(self) -> None:
        for mq in list(self.process_queue_table):
            if mq.topic not in self.subscription_inner:
                pq = self.process_queue_table.pop(mq, None)
                if pq is not None:
                    pq.set_dropped(True)
                    log.info("doRebalance, %s, truncateMessageQueueNotMyTopic remove unnecessary mq, %s",
                             self.consumer_group, mq)

    def update_process_queue_table_in_rebalance(self, topic: str, mq_set: set[Any],
                                                is_order: bool) -> bool:
        """Drop queues that are no longer ours, create ProcessQueues and PullRequests for new ones."""
        changed = False
        with self._lock:
            for mq, pq in list(self.process_queue_table.items()):
                if mq.topic != topic:
                    continue
                if mq not in mq_set:
                    pq.set_dropped(True)
                    if self.remove_unnecessary_message_queue(mq, pq):
                        self.process_queue_table.pop(mq, None)
                        changed = True
                        log.info("doRebalance, %s, remove unnecessary mq, %s", self.consumer_group, mq)
                elif pq.is_pull_expired() and self.consume_type_is_passive():
                    pq.set_dropped(True)
                    if self.remove_unnecessary_message_queue(mq, pq):
                        self.process_queue_table.pop(mq, None)
                        changed = True
                        log.error("[BUG]doRebalance, %s, remove unnecessary mq, %s, because pull is "
                                  "pause, so try to fixed it", self.consumer_group, mq)
            requests = []
            for mq in sorted(mq_set):
                if mq in self.process_queue_table:
                    continue
                if is_order and not self.lock(mq):
                    log.warning("doRebalance, %s, add a new mq failed, %s, because lock failed",
                                self.consumer_group, mq)
                    continue
                self.remove_dirty_offset(mq)
                pq = ProcessQueue()
                pq.set_locked(True)  # as Java 4.9: pulls may start; orderly checks lock expiry too
                next_offset = self.compute_pull_from_where(mq)
                if next_offset >= 0:
                    if mq in self.process_queue_table:
                        log.info("doRebalance, %s, mq already exists, %s", self.consumer_group, mq)
                        continue
                    self.process_queue_table[mq] = pq
                    log.info("doRebalance, %s, add a new mq, %s", self.consumer_group, mq)
                    requests.append(PullRequest(self.consumer_group, mq, pq, next_offset))
                    changed = True
                else:
                    log.warning("doRebalance, %s, add new mq failed, %s", self.consumer_group, mq)
        self.dispatch_pull_request(requests)
        return changed

    # -- broker-side queue locks (orderly consumption; book B5.9.4) ---------------------------------
    def _master_of(self, broker_name: str) -> str | None:
        found = self.mq_client_factory.find_broker_address_in_subscribe(broker_name, mixall.MASTER_ID,
                                                                        True)
        return found.broker_addr if found is not None else None

    def lock(self, mq: Any) -> bool:
        """LOCK_BATCH_MQ for one queue on its master (Java ``lock``)."""
        addr = self._master_of(mq.broker_name)
        if addr is None:
            return False
        try:
            locked = self.mq_client_factory.mq_client_api_impl.lock_batch_mq(
                addr, self.consumer_group, self.mq_client_factory.client_id, {mq}, 1000)
        except Exception as e:  # noqa: BLE001
            log.error("lockBatchMQ exception, %s: %s", mq, e)
            return False
        now = int(time.time() * 1000)
        for m in locked:
            pq = self.process_queue_table.get(m)
            if pq is not None:
                pq.set_locked(True)
                pq.last_lock_timestamp = now
        return mq in locked

    def _queues_by_broker(self) -> dict[str, set[Any]]:
        result: dict[str, set[Any]] = {}
        for mq, pq in list(self.process_queue_table.items()):
            if not pq.is_dropped():
                result.setdefault(mq.broker_name, set()).add(mq)
        return result

    def lock_all(self) -> None:
        """Renew the locks of every queue we hold, per broker (Java ``lockAll``, every 20 s)."""
        for broker_name, mqs in self._queues_by_broker().items():
            addr = self._master_of(broker_name)
            if addr is None:
                continue
            with span("RebalanceImpl.lock_all", java=_JAVA + "lockAll", books=("B5.9.4",),
                      attributes={"messaging.consumer.group.name": self.consumer_group or "",
                                  "messaging.rocketmq.broker_name": broker_name}) as s:
                try:
                    locked = self.mq_client_factory.mq_client_api_impl.lock_batch_mq(
                        addr, self.consumer_group, self.mq_client_factory.client_id, mqs, 1000)
                except Exception as e:  # noqa: BLE001
                    log.error("lockBatchMQ exception, %s: %s", mqs, e)
                    record_error(s, e)
                    continue
                now = int(time.time() * 1000)
                for mq in mqs:
                    pq = self.process_queue_table.get(mq)
                    if pq is None:
                        continue
                    if mq in locked:
                        pq.set_locked(True)
                        pq.last_lock_timestamp = now
                    else:
                        pq.set_locked(False)
                if s.is_recording():
                    s.set_attribute("rocketmq_ref.locked", sorted(str(m) for m in locked))

    def unlock(self, mq: Any, oneway: bool) -> None:
        addr = self._master_of(mq.broker_name)
        if addr is None:
            return
        try:
            self.mq_client_factory.mq_client_api_impl.unlock_batch_mq(
                addr, self.consumer_group, self.mq_client_factory.client_id, {mq}, 1000, oneway)
        except Exception as e:  # noqa: BLE001
            log.error("unlockBatchMQ exception, %s: %s", mq, e)

    def unlock_all(self, oneway: bool) -> None:
        for broker_name, mqs in self._queues_by_broker().items():
            addr = self._master_of(broker_name)
            if addr is None:
                continue
            try:
                self.mq_client_factory.mq_client_api_impl.unlock_batch_mq(
                    addr, self.consumer_group, self.mq_client_factory.client_id, mqs, 1000, oneway)
                for mq in mqs:
                    pq = self.process_queue_table.get(mq)
                    if pq is not None:
                        pq.set_locked(False)
            except Exception as e:  # noqa: BLE001
                log.error("unlockBatchMQ exception, %s: %s", mqs, e)

    def consume_type_is_passive(self) -> bool:
        return getattr(self.consume_type(), "name", "") == "CONSUME_PASSIVELY"

    def remove_process_queue(self, mq: Any) -> None:
        with self._lock:
            pq = self.process_queue_table.pop(mq, None)
        if pq is not None:
            dropped = pq.is_dropped()
            pq.set_dropped(True)
            self.remove_unnecessary_message_queue(mq, pq)
            log.info("Fix Offset, %s, remove unnecessary mq, %s Dropped: %s", self.consumer_group,
                     mq, dropped)

    def destroy(self) -> None:
        with self._lock:
            for pq in self.process_queue_table.values():
                pq.set_dropped(True)
            self.process_queue_table.clear()

    def get_subscription_inner(self) -> dict[str, Any]:
        return self.subscription_inner

    def get_process_queue_table(self) -> dict[Any, ProcessQueue]:
        return self.process_queue_table

    def get_topic_subscribe_info_table(self) -> dict[str, set[Any]]:
        return self.topic_subscribe_info_table
