"""ConsumeMessageOrderlyService: one queue at a time, in offset order, under a broker-side lock
(Java ``client.impl.consumer.ConsumeMessageOrderlyService``; books B5.9.1-B5.9.4, spec ha-and-flows §6.2).

CLUSTERING: the consumer holds the queue's lock on its broker (LOCK_BATCH_MQ, renewed every 20 s by
``lockMQPeriodically``) and a local per-queue lock, takes up to ``consumeMessageBatchMaxSize``
messages in order, and commits them (SUCCESS) or puts them back and waits
``suspendCurrentQueueTimeMillis`` (SUSPEND_CURRENT_QUEUE_A_MOMENT) -- past ``maxReconsumeTimes`` a
message goes to the retry topic (and on to the DLQ) so the queue is not blocked forever.
"""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Sequence

from rocketmq_ref.client.common.scheduled_executor import ScheduledExecutor
from rocketmq_ref.client.consumer.listener import (ConsumeMessageContext, ConsumeOrderlyContext,
                                                   ConsumeOrderlyStatus)
from rocketmq_ref.client.impl.consumer.consume_message_concurrently_service import settle_span
from rocketmq_ref.client.impl.consumer.mq_consumer_inner import build_retry_message
from rocketmq_ref.client.impl.consumer.process_queue import REBALANCE_LOCK_INTERVAL
from rocketmq_ref.common.message import MessageQueue
from rocketmq_ref.common.protocol.heartbeat import MessageModel
from rocketmq_ref.common.tracing import SpanKind, link_from, messaging_span, record_error

log = logging.getLogger("rocketmq_ref.client")

_JAVA = "org.apache.rocketmq.client.impl.consumer.ConsumeMessageOrderlyService"
MAX_TIME_CONSUME_CONTINUOUSLY = 60 * 1000
MAX_INT = 2**31 - 1


class MessageQueueLock:
    """Java ``MessageQueueLock``: one local lock object per queue."""

    def __init__(self) -> None:
        self._table: dict[Any, threading.Lock] = {}
        self._guard = threading.Lock()

    def fetch_lock_object(self, mq: Any) -> threading.Lock:
        with self._guard:
            lock = self._table.get(mq)
            if lock is None:
                lock = self._table[mq] = threading.Lock()
            return lock


class ConsumeMessageOrderlyService:
    def __init__(self, default_mq_push_consumer_impl: Any, message_listener: Any) -> None:
        self.default_mq_push_consumer_impl = default_mq_push_consumer_impl
        self.message_listener = message_listener
        self.default_mq_push_consumer = default_mq_push_consumer_impl.default_mq_push_consumer
        self.consumer_group = self.default_mq_push_consumer.consumer_group
        self.consume_executor = ThreadPoolExecutor(
            max_workers=max(self.default_mq_push_consumer.consume_thread_min, 1),
            thread_name_prefix=f"ConsumeMessageThread_{self.consumer_group}_")
        self.message_queue_lock = MessageQueueLock()
        self.scheduled_executor_service: ScheduledExecutor | None = None
        self.stopped = False
        self._lock = threading.RLock()

    def _clustering(self) -> bool:
        return self.default_mq_push_consumer.message_model == MessageModel.CLUSTERING

    def start(self) -> None:
        self.scheduled_executor_service = ScheduledExecutor("ConsumeMessageScheduledThread_")
        if self._clustering():
            self.scheduled_executor_service.schedule_at_fixed_rate(
                self.lock_mq_periodically, 1000, REBALANCE_LOCK_INTERVAL)

    def shutdown(self, await_terminate_millis: int = 0) -> None:
        self.stopped = True
        if self.scheduled_executor_service is not None:
            self.scheduled_executor_service.shutdown()
        self.consume_executor.shutdown(wait=True, cancel_futures=True)
        if self._clustering():
            self.unlock_all_mq()

    def unlock_all_mq(self) -> None:
        with self._lock:
            self.default_mq_push_consumer_impl.rebalance_impl.unlock_all(False)

    def lock_mq_periodically(self) -> None:
        with self._lock:
            if not self.stopped:
                self.default_mq_push_consumer_impl.rebalance_impl.lock_all()

    def lock_one_mq(self, mq: Any) -> bool:
        with self._lock:
            if self.stopped:
                return False
            return self.default_mq_push_consumer_impl.rebalance_impl.lock(mq)

    # -- submit --------------------------------------------------------------------------------------
    def submit_consume_request(self, msgs: Sequence[Any] | None, process_queue: Any,
                               message_queue: Any, dispatch_to_consume: bool = True) -> None:
        """Messages are already in the ProcessQueue; a request only says "this queue has work"."""
        if dispatch_to_consume and not self.stopped:
            try:
                self.consume_executor.submit(ConsumeRequest(self, process_queue, message_queue).run)
            except RuntimeError:
                pass  # shut down

    def submit_consume_request_later(self, process_queue: Any, message_queue: Any,
                                     suspend_time_millis: int) -> None:
        delay = suspend_time_millis
        if delay == -1:
            delay = self.default_mq_push_consumer.suspend_current_queue_time_millis
        delay = min(max(delay, 10), 30000)
        ses = self.scheduled_executor_service
        if ses is not None and not self.stopped:
            ses.schedule(lambda: self.submit_consume_request(None, process_queue, message_queue,
                                                             True), delay)

    def try_lock_later_and_reconsume(self, mq: Any, process_queue: Any, delay_millis: int) -> None:
        def retry() -> None:
            if self.lock_one_mq(mq):
                self.submit_consume_request_later(process_queue, mq, 10)
            else:
                self.submit_consume_request_later(process_queue, mq, 3000)

        ses = self.scheduled_executor_service
        if ses is not None and not self.stopped:
            ses.schedule(retry, delay_millis)

    # -- results -------------------------------------------------------------------------------------
    def get_max_reconsume_times(self) -> int:
        value = self.default_mq_push_consumer.max_reconsume_times
        return MAX_INT if value == -1 else value

    def check_reconsume_times(self, msgs: Sequence[Any]) -> bool:
        """True when the queue must pause (some message may still be retried locally)."""
        suspend = False
        for msg in msgs:
            if msg.reconsume_times >= self.get_max_reconsume_times():
                msg.properties["RECONSUME_TIME"] = str(msg.reconsume_times)
                if not self.send_message_back(msg):
                    suspend = True
                    msg.reconsume_times += 1
            else:
                suspend = True
                msg.reconsume_times += 1
        return suspend

    def send_message_back(self, msg: Any) -> bool:
        """Past ``maxReconsumeTimes``: a new ``%RETRY%`` message the broker routes to the DLQ."""
        try:
            new_msg = build_retry_message(msg, self.consumer_group, self.get_max_reconsume_times())
            new_msg.properties["RECONSUME_TIME"] = str(msg.reconsume_times)
            new_msg.properties["DELAY"] = str(3 + msg.reconsume_times)
            self.default_mq_push_consumer_impl.mq_client_factory.default_mq_producer.send(new_msg)
            return True
        except Exception as e:  # noqa: BLE001
            log.error("sendMessageBack exception, group: %s msg: %s: %s", self.consumer_group, msg, e)
            return False

    def process_consume_result(self, msgs: Sequence[Any], status: ConsumeOrderlyStatus,
                               context: ConsumeOrderlyContext, request: "ConsumeRequest") -> bool:
        """Java ``processConsumeResult``: commit, or put back and pause the queue."""
        pq = request.process_queue
        self.default_mq_push_consumer_impl.mq_client_factory.consumer_stats_manager.on_orderly_result(
            self.consumer_group, request.message_queue.topic, status.name, len(msgs))
        continue_consume = True
        commit_offset = -1
        suspend = status is ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT
        if suspend and self.check_reconsume_times(msgs):
            # put them back and pause the queue; the same messages come first next time
            pq.make_message_to_consume_again(msgs)
            self.submit_consume_request_later(pq, request.message_queue,
                                              context.suspend_current_queue_time_millis)
            continue_consume = False
        elif context.auto_commit:
            # SUCCESS (and the deprecated COMMIT/ROLLBACK), or a suspend whose messages all went
            # to the retry topic
            commit_offset = pq.commit()
        elif status is ConsumeOrderlyStatus.COMMIT:
            commit_offset = pq.commit()
        elif status is ConsumeOrderlyStatus.ROLLBACK:
            pq.rollback()
            self.submit_consume_request_later(pq, request.message_queue,
                                              context.suspend_current_queue_time_millis)
            continue_consume = False
        if commit_offset >= 0 and not pq.is_dropped():
            mq = request.message_queue
            with settle_span(mq, self.consumer_group, commit_offset, status.name,
                             ("B5.9.3", "B5.6.3")):
                self.default_mq_push_consumer_impl.offset_store.update_offset(mq, commit_offset,
                                                                              False)
        return continue_consume

    def consume_message_directly(self, msg: Any, broker_name: str | None) -> dict[str, Any]:
        mq = MessageQueue(msg.topic, broker_name or "", msg.queue_id)
        context = ConsumeOrderlyContext(mq)
        begin = time.time()
        result: dict[str, Any] = {"order": True}
        try:
            status = self.message_listener.consume_message([msg], context)
            result["consumeResult"] = {
                ConsumeOrderlyStatus.SUCCESS: "CR_SUCCESS", ConsumeOrderlyStatus.COMMIT: "CR_COMMIT",
                ConsumeOrderlyStatus.ROLLBACK: "CR_ROLLBACK",
                ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT: "CR_LATER"}.get(
                    status, "CR_RETURN_NULL")
        except Exception as e:  # noqa: BLE001
            result["consumeResult"] = "CR_THROW_EXCEPTION"
            result["remark"] = f"{type(e).__name__}: {e}"
        result["autoCommit"] = context.auto_commit
        result["spentTimeMills"] = int((time.time() - begin) * 1000)
        return result


class ConsumeRequest:
    """Java ``ConsumeMessageOrderlyService.ConsumeRequest``: drain one queue while we hold it."""

    def __init__(self, service: ConsumeMessageOrderlyService, process_queue: Any,
                 message_queue: Any) -> None:
        self.service = service
        self.process_queue = process_queue
        self.message_queue = message_queue

    def run(self) -> None:
        service = self.service
        pq = self.process_queue
        mq = self.message_queue
        if pq.is_dropped():
            return
        clustering = service._clustering()
        with service.message_queue_lock.fetch_lock_object(mq):
            if clustering and not (pq.is_locked() and not pq.is_lock_expired()):
                if not pq.is_dropped():
                    service.try_lock_later_and_reconsume(mq, pq, 100)
                return
            begin = time.monotonic()
            continue_consume = True
            while continue_consume:
                if pq.is_dropped() or service.stopped:
                    break
                if clustering and not pq.is_locked():
                    service.try_lock_later_and_reconsume(mq, pq, 10)
                    break
                if clustering and pq.is_lock_expired():
                    service.try_lock_later_and_reconsume(mq, pq, 10)
                    break
                if (time.monotonic() - begin) * 1000 > MAX_TIME_CONSUME_CONTINUOUSLY:
                    service.submit_consume_request_later(pq, mq, 10)
                    break
                msgs = pq.take_messages(service.default_mq_push_consumer.consume_message_batch_max_size)
                if not msgs:
                    break
                service.default_mq_push_consumer_impl.reset_retry_and_namespace(msgs)
                context = ConsumeOrderlyContext(mq)
                begin_timestamp = time.time()
                status = self._consume(msgs, context)
                service.default_mq_push_consumer_impl.mq_client_factory.consumer_stats_manager.inc_consume_rt(
                    service.consumer_group, mq.topic, int((time.time() - begin_timestamp) * 1000))
                continue_consume = service.process_consume_result(msgs, status, context, self)

    def _consume(self, msgs: list[Any], context: ConsumeOrderlyContext) -> ConsumeOrderlyStatus:
        service = self.service
        mq = self.message_queue
        links = [link for m in msgs for link in link_from(m.properties)]
        attrs = {"messaging.consumer.group.name": service.consumer_group,
                 "messaging.destination.partition.id": str(mq.queue_id),
                 "messaging.rocketmq.broker_name": mq.broker_name,
                 "messaging.rocketmq.consumption_mode": "orderly",
                 "messaging.batch.message_count": len(msgs),
                 "rocketmq_ref.queue_offset": msgs[0].queue_offset}
        status = None
        impl = service.default_mq_push_consumer_impl
        hook_context = None
        if impl.has_hook():
            hook_context = ConsumeMessageContext(service.consumer_group, msgs, mq, props={},
                                                 namespace=service.default_mq_push_consumer.namespace)
            impl.execute_hook_before(hook_context)
        with messaging_span("process", mq.topic, SpanKind.CONSUMER,
                            java=f"{_JAVA}$ConsumeRequest#run", books=("B5.9.3",),
                            attributes=attrs, links=links) as s:
            with self.process_queue.consume_lock:
                if self.process_queue.is_dropped():
                    return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT
                try:
                    status = service.message_listener.consume_message(list(msgs), context)
                except Exception as e:  # noqa: BLE001
                    log.warning("consumeMessage exception: %s Group: %s MQ: %s", e,
                                service.consumer_group, mq)
                    record_error(s, e)
            if status is None:
                status = ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT
            if hook_context is not None:
                hook_context.status = status.name
                hook_context.success = status in (ConsumeOrderlyStatus.SUCCESS,
                                                  ConsumeOrderlyStatus.COMMIT)
                impl.execute_hook_after(hook_context)
            if s.is_recording():
                s.set_attribute("rocketmq_ref.consume_status", status.name)
        return status
