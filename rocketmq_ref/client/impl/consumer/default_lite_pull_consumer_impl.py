"""DefaultLitePullConsumerImpl: background pull tasks fill a cache the application ``poll``s
(Java ``client.impl.consumer.DefaultLitePullConsumerImpl`` and ``AssignedMessageQueue``; books A3.1.4,
A7.3.2).

Queues come from rebalance (``subscribe``) or from the user (``assign``).  One ``PullTaskImpl`` per
queue pulls on the ``PullMsgThread`` pool (held by the broker when nothing is new), respecting the
per-queue and total cache thresholds; ``poll`` takes a batch, and the consumed offset moves forward
(committed every ``autoCommitIntervalMillis`` when ``autoCommit``).
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterable

from rocketmq_ref.client.common.scheduled_executor import ScheduledExecutor
from rocketmq_ref.client.consumer.pull_result import PullStatus
from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.client.impl.consumer.default_mq_pull_consumer_impl import \
    DefaultMQPullConsumerImpl
from rocketmq_ref.client.impl.consumer.process_queue import ProcessQueue
from rocketmq_ref.client.impl.consumer.rebalance_lite_pull_impl import RebalanceLitePullImpl
from rocketmq_ref.client.impl.factory.mq_client_instance import ServiceState
from rocketmq_ref.common.filter_api import FilterAPI
from rocketmq_ref.common.tracing import SpanKind, link_from, messaging_span

log = logging.getLogger("rocketmq_ref.client")

PULL_TIME_DELAY_MILLS_WHEN_PAUSE = 1000
PULL_TIME_DELAY_MILLS_ON_EXCEPTION = 1000
PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL = 50


class MessageQueueState:
    """One assigned queue (Java ``AssignedMessageQueue.MessageQueueState``)."""

    def __init__(self, mq: Any) -> None:
        self.message_queue = mq
        self.process_queue = ProcessQueue()
        self.paused = False
        self.pull_offset = -1
        self.consume_offset = -1
        self.seek_offset = -1


class PullTaskImpl:
    """The pull chain of one queue (Java ``PullTaskImpl``): it reschedules itself until cancelled.
    The task table holds one per queue, so a queue never has two chains pulling the same offsets."""

    __slots__ = ("message_queue", "cancelled")

    def __init__(self, mq: Any) -> None:
        self.message_queue = mq
        self.cancelled = False


class ConsumeRequest:
    def __init__(self, msgs: list[Any], mq: Any, pq: ProcessQueue) -> None:
        self.message_exts = msgs
        self.message_queue = mq
        self.process_queue = pq
        self.start_consume_time_millis = int(time.time() * 1000)


class DefaultLitePullConsumerImpl(DefaultMQPullConsumerImpl):
    rebalance_class = RebalanceLitePullImpl

    def __init__(self, consumer: Any, rpc_hook: Any = None) -> None:
        super().__init__(consumer, rpc_hook)
        self.assigned: dict[Any, MessageQueueState] = {}
        self.task_table: dict[Any, PullTaskImpl] = {}  # under assigned_lock
        self.subscription_type = "NONE"
        self.consume_request_cache: queue.Queue[ConsumeRequest] = queue.Queue()
        self.consume_request_flow_control_times = 0
        self.next_auto_commit_deadline = -1.0
        self.pull_executor: ThreadPoolExecutor | None = None
        self.scheduled_executor: ScheduledExecutor | None = None
        self.assigned_lock = threading.RLock()
        self.topic_to_sub_expression: dict[str, str] = {}

    def consume_from_where(self) -> Any:
        return self.consumer.consume_from_where

    # -- subscription --------------------------------------------------------------------------------
    def _set_type(self, kind: str) -> None:
        if self.subscription_type == "NONE":
            self.subscription_type = kind
        elif self.subscription_type != kind:
            raise MQClientException("Subscribe and assign are mutually exclusive.")

    def subscribe(self, topic: str, sub_expression: str, expression_type: str | None = None) -> None:
        if not topic:
            raise MQClientException("Topic can not be null or empty.")
        self._set_type("SUBSCRIBE")
        try:
            sd = FilterAPI.build(topic, sub_expression or "*", expression_type)
        except ValueError as e:
            raise MQClientException("subscription exception", e) from e
        self.rebalance_impl.subscription_inner[topic] = sd
        if self.service_state is ServiceState.RUNNING:
            self.mq_client_factory.update_topic_route_info_from_name_server(topic)
            self.mq_client_factory.send_heartbeat_to_all_broker_with_lock()
            self.mq_client_factory.rebalance_immediately()

    def unsubscribe(self, topic: str) -> None:
        self.rebalance_impl.subscription_inner.pop(topic, None)
        self.update_assigned_message_queue(topic, set())

    def assign(self, mqs: Iterable[Any]) -> None:
        mqs = set(mqs)
        if not mqs:
            raise MQClientException("Message queues can not be null or empty.")
        self._set_type("ASSIGN")
        self._replace_assignment(mqs, lambda mq: True)

    def update_assigned_message_queue(self, topic: str, mqs: set[Any]) -> None:
        """Rebalance result for ``topic`` (subscribe mode)."""
        self._replace_assignment(mqs, lambda mq: mq.topic == topic)

    def _replace_assignment(self, mqs: set[Any], in_scope: Any) -> None:
        """Drop the queues in scope that are not in ``mqs``, add and start pulling the new ones."""
        with self.assigned_lock:
            for mq in list(self.assigned):
                if in_scope(mq) and mq not in mqs:
                    self.assigned.pop(mq).process_queue.set_dropped(True)
                    self._cancel_pull_task(mq)
            for mq in mqs:
                if mq not in self.assigned:
                    self.assigned[mq] = MessageQueueState(mq)
                    if self.service_state is ServiceState.RUNNING:
                        self._start_pull_task(mq)

    def copy_subscription(self) -> None:
        """Subscriptions are set by ``subscribe``; the lite consumer has no retry topic."""

    def do_rebalance(self) -> None:
        if self.subscription_type == "SUBSCRIBE":
            self.rebalance_impl.do_rebalance(False)

    def extra_persist_queues(self) -> set[Any]:
        with self.assigned_lock:
            return set(self.assigned)

    # -- life cycle ----------------------------------------------------------------------------------
    def after_start(self) -> None:
        conf = self.consumer
        self.pull_executor = ThreadPoolExecutor(max_workers=max(conf.pull_thread_nums, 1),
                                                thread_name_prefix="PullMsgThread-")
        self.scheduled_executor = ScheduledExecutor("MonitorMessageQueueChangeThread")
        self.next_auto_commit_deadline = time.monotonic() + conf.auto_commit_interval_millis / 1000
        super().after_start()
        if self.subscription_type == "SUBSCRIBE":
            self.mq_client_factory.send_heartbeat_to_all_broker_with_lock()
            self.mq_client_factory.rebalance_immediately()
        with self.assigned_lock:
            for mq in list(self.assigned):
                self._start_pull_task(mq)

    def before_shutdown(self) -> None:
        if self.scheduled_executor is not None:
            self.scheduled_executor.shutdown()
        if self.pull_executor is not None:
            self.pull_executor.shutdown(wait=False, cancel_futures=True)
        if self.consumer.auto_commit:
            self.commit_all()

    def after_shutdown(self) -> None:
        if self.pull_executor is not None:
            self.pull_executor.shutdown(wait=True)
        with self.assigned_lock:
            for state in self.assigned.values():
                state.process_queue.set_dropped(True)
        super().after_shutdown()

    # -- pull tasks ----------------------------------------------------------------------------------
    def _start_pull_task(self, mq: Any) -> None:
        """Java ``startPullTask``: a new chain only for a queue that has none (rebalance and
        ``start`` may both ask for the same queue)."""
        with self.assigned_lock:
            if mq in self.task_table:
                return
            task = self.task_table[mq] = PullTaskImpl(mq)
        self._submit(task, 0)

    def _cancel_pull_task(self, mq: Any) -> None:
        task = self.task_table.pop(mq, None)
        if task is not None:
            task.cancelled = True

    def _submit(self, task: PullTaskImpl, delay_ms: float) -> None:
        if self.service_state is not ServiceState.RUNNING or self.pull_executor is None:
            return

        def run() -> None:
            try:
                self.pull_executor.submit(self._pull_task, task)  # type: ignore[union-attr]
            except RuntimeError:
                pass  # executor shut down

        if delay_ms <= 0:
            run()
        elif self.scheduled_executor is not None:
            self.scheduled_executor.schedule(run, delay_ms)

    def _next_pull_offset(self, state: MessageQueueState) -> int:
        if state.seek_offset != -1:
            offset, state.seek_offset = state.seek_offset, -1
            state.pull_offset = offset
            state.consume_offset = offset
            return offset
        if state.pull_offset == -1:
            state.pull_offset = self.rebalance_impl.compute_pull_from_where(state.message_queue)
            if state.pull_offset >= 0 and state.consume_offset == -1:
                state.consume_offset = state.pull_offset
        return state.pull_offset

    def _pull_task(self, task: PullTaskImpl) -> None:
        """Java ``PullTaskImpl.run``."""
        if self.service_state is not ServiceState.RUNNING or task.cancelled:
            return
        mq = task.message_queue
        with self.assigned_lock:
            state = self.assigned.get(mq)
        if state is None or state.process_queue.is_dropped():
            return
        conf = self.consumer
        pq = state.process_queue
        if state.paused:
            self._submit(task, PULL_TIME_DELAY_MILLS_WHEN_PAUSE)
            return
        if self.consume_request_cache.qsize() * conf.pull_batch_size > conf.pull_threshold_for_all:
            self._submit(task, PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL)
            self.consume_request_flow_control_times += 1
            return
        if pq.msg_count > conf.pull_threshold_for_queue or \
                pq.msg_size // (1024 * 1024) > conf.pull_threshold_size_for_queue or \
                pq.get_max_span() > conf.consume_max_span:
            self._submit(task, PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL)
            return
        try:
            offset = self._next_pull_offset(state)
        except Exception as e:  # noqa: BLE001
            log.error("Failed to get next pull offset: %s", e)
            self._submit(task, PULL_TIME_DELAY_MILLS_ON_EXCEPTION)
            return
        if offset < 0:
            self._submit(task, PULL_TIME_DELAY_MILLS_ON_EXCEPTION)
            return
        sub_expr = self.topic_to_sub_expression.get(mq.topic, "*")
        sd = self.rebalance_impl.subscription_inner.get(mq.topic) or \
            FilterAPI.build_subscription_data(mq.topic, sub_expr)
        try:
            result = self.pull_sync_impl(mq, sd, offset, conf.pull_batch_size, True,
                                         conf.consumer_pull_timeout_millis)
        except Exception as e:  # noqa: BLE001
            if self.service_state is ServiceState.RUNNING:
                log.warning("An error occurred in pull message process: %s", e)
            self._submit(task, PULL_TIME_DELAY_MILLS_ON_EXCEPTION)
            return
        with self.assigned_lock:
            if task.cancelled:
                return  # a seek or a rebalance replaced this chain while it pulled
            if self.assigned.get(mq) is not state or state.seek_offset != -1:
                self._submit(task, 0)
                return
            if result.pull_status is PullStatus.FOUND and result.msg_found_list:
                pq.put_message(result.msg_found_list)
                self.consume_request_cache.put(ConsumeRequest(result.msg_found_list, mq, pq))
            state.pull_offset = result.next_begin_offset
        self._submit(task, 0)

    # -- the application side ------------------------------------------------------------------------
    def poll(self, timeout_ms: int) -> list[Any]:
        """Java ``poll``: one cached batch, or ``[]`` after ``timeout_ms``."""
        self.make_sure_state_ok()
        if timeout_ms < 0:
            raise ValueError("Timeout must not be negative")
        if self.consumer.auto_commit:
            self.maybe_auto_commit()
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            try:
                request = self.consume_request_cache.get(timeout=remaining)
            except queue.Empty:
                return []
            if request.process_queue.is_dropped():
                continue
            msgs = request.message_exts
            with self.assigned_lock:
                state = self.assigned.get(request.message_queue)
                offset = request.process_queue.remove_message(msgs)
                if state is not None and state.process_queue is request.process_queue:
                    state.consume_offset = offset
            mq = request.message_queue
            links = [link for m in msgs for link in link_from(m.properties)]
            with messaging_span("receive", mq.topic, SpanKind.CONSUMER,
                                java="org.apache.rocketmq.client.impl.consumer."
                                     "DefaultLitePullConsumerImpl#poll",
                                books=("A3.1.4",), links=links,
                                attributes={"messaging.consumer.group.name": self.group_name(),
                                            "messaging.destination.partition.id": str(mq.queue_id),
                                            "messaging.batch.message_count": len(msgs)}):
                if self.consumer.namespace:
                    for m in msgs:
                        m.topic = self.consumer.without_namespace(m.topic)
                return msgs

    def maybe_auto_commit(self) -> None:
        now = time.monotonic()
        if now >= self.next_auto_commit_deadline:
            self.commit_all()
            self.next_auto_commit_deadline = now + self.consumer.auto_commit_interval_millis / 1000

    def commit_all(self) -> None:
        with self.assigned_lock:
            states = list(self.assigned.values())
        for state in states:
            if state.consume_offset != -1:
                self.offset_store.update_offset(state.message_queue, state.consume_offset, False)

    def commit_sync(self, offset_map: dict[Any, int] | None = None, persist: bool = False) -> None:
        if offset_map is None:
            self.commit_all()
            return
        for mq, offset in offset_map.items():
            self.offset_store.update_offset(mq, offset, False)
        if persist:
            self.offset_store.persist_all(set(offset_map))

    def committed(self, mq: Any) -> int:
        from rocketmq_ref.client.consumer.store.offset_store import ReadOffsetType

        self.make_sure_state_ok()
        return self.offset_store.read_offset(mq, ReadOffsetType.READ_FROM_STORE)

    def seek(self, mq: Any, offset: int) -> None:
        with self.assigned_lock:
            state = self.assigned.get(mq)
            if state is None:
                raise MQClientException(f"The message queue is not in assigned list, may be "
                                        f"rebalancing, message queue: {mq}")
            admin = self.mq_client_factory.mq_admin_impl
            low, high = admin.min_offset(mq), admin.max_offset(mq)
            if not low <= offset <= high:
                raise MQClientException(f"Seek offset illegal, seek offset = {offset}, min offset = "
                                        f"{low}, max offset = {high}")
            old = state.process_queue
            old.set_dropped(True)
            state.process_queue = ProcessQueue()
            state.seek_offset = offset
            self._cancel_pull_task(mq)  # Java: the old task is interrupted, a new one starts
        self._start_pull_task(mq)

    def seek_to_begin(self, mq: Any) -> None:
        self.seek(mq, self.mq_client_factory.mq_admin_impl.min_offset(mq))

    def seek_to_end(self, mq: Any) -> None:
        self.seek(mq, self.mq_client_factory.mq_admin_impl.max_offset(mq))

    def pause(self, mqs: Iterable[Any]) -> None:
        with self.assigned_lock:
            for mq in mqs:
                if mq in self.assigned:
                    self.assigned[mq].paused = True

    def resume(self, mqs: Iterable[Any]) -> None:
        with self.assigned_lock:
            for mq in mqs:
                if mq in self.assigned:
                    self.assigned[mq].paused = False

    def assignment(self) -> set[Any]:
        with self.assigned_lock:
            return set(self.assigned)

    def offset_for_timestamp(self, mq: Any, timestamp: int) -> int:
        return self.mq_client_factory.mq_admin_impl.search_offset(mq, timestamp)
