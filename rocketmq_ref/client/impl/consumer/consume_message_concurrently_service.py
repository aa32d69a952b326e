"""ConsumeMessageConcurrentlyService: hands pulled messages to the listener on a thread pool and
settles the result (Java ``client.impl.consumer.ConsumeMessageConcurrentlyService``; books A11.2.1,
B5.6.1, B5.6.2).

CONSUME_SUCCESS acks messages up to ``ack_index``; the rest (all of them on RECONSUME_LATER) are sent
back to the broker (clustering) -- those whose send-back fails are consumed again locally after 5 s
-- and the offset moves to the smallest message still in the ProcessQueue.
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Sequence

from rocketmq_ref.client.common.scheduled_executor import ScheduledExecutor
from rocketmq_ref.client.consumer.listener import (ConsumeConcurrentlyContext,
                                                   ConsumeConcurrentlyStatus,
                                                   ConsumeMessageContext)
from rocketmq_ref.common.message import MessageQueue
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.protocol.heartbeat import MessageModel
from rocketmq_ref.common.tracing import SpanKind, link_from, messaging_span, record_error

log = logging.getLogger("rocketmq_ref.client")

_JAVA = "org.apache.rocketmq.client.impl.consumer.ConsumeMessageConcurrentlyService"


def settle_span(mq: Any, group: str, offset: int, status: str, books: tuple[str, ...]):  # noqa: ANN201
    """The ``settle <topic>`` span of a consume result moving the queue's offset."""
    return messaging_span("settle", mq.topic, SpanKind.INTERNAL,
                          java="org.apache.rocketmq.client.consumer.store.OffsetStore#updateOffset",
                          books=books,
                          attributes={"messaging.consumer.group.name": group,
                                      "messaging.destination.partition.id": str(mq.queue_id),
                                      "rocketmq_ref.commit_offset": offset,
                                      "rocketmq_ref.consume_status": status})


class ConsumeMessageConcurrentlyService:
    def __init__(self, default_mq_push_consumer_impl: Any, message_listener: Any) -> None:
        self.default_mq_push_consumer_impl = default_mq_push_consumer_impl
        self.message_listener = message_listener
        self.default_mq_push_consumer = default_mq_push_consumer_impl.default_mq_push_consumer
        self.consumer_group = self.default_mq_push_consumer.consumer_group
        conf = self.default_mq_push_consumer
        self.consume_executor = ThreadPoolExecutor(
            max_workers=max(conf.consume_thread_min, 1),
            thread_name_prefix=f"ConsumeMessageThread_{self.consumer_group}")
        self.scheduled_executor_service: ScheduledExecutor | None = None
        self.clean_expire_msg_executors: ScheduledExecutor | None = None
        self._stopped = False

    def start(self) -> None:
        self.scheduled_executor_service = ScheduledExecutor("ConsumeMessageScheduledThread_")
        self.clean_expire_msg_executors = ScheduledExecutor("CleanExpireMsgScheduledThread_")
        period = self.default_mq_push_consumer.consume_timeout * 60 * 1000
        self.clean_expire_msg_executors.schedule_at_fixed_rate(self.clean_expire_msg, period, period)

    def shutdown(self, await_terminate_millis: int = 0) -> None:
        self._stopped = True
        for ses in (self.scheduled_executor_service, self.clean_expire_msg_executors):
            if ses is not None:
                ses.shutdown()
        self.consume_executor.shutdown(wait=True, cancel_futures=True)

    def clean_expire_msg(self) -> None:
        impl = self.default_mq_push_consumer_impl
        for pq in list(impl.rebalance_impl.process_queue_table.values()):
            pq.clean_expired_msg(self.default_mq_push_consumer.consume_timeout,
                                 lambda msg, level: impl.send_message_back(msg, level, None))

    # -- submit --------------------------------------------------------------------------------------
    def submit_consume_request(self, msgs: Sequence[Any], process_queue: Any, message_queue: Any,
                               dispatch_to_consume: bool = True) -> None:
        batch = self.default_mq_push_consumer.consume_message_batch_max_size
        for i in range(0, len(msgs), batch):
            self._submit(ConsumeRequest(self, list(msgs[i:i + batch]), process_queue, message_queue))

    def _submit(self, request: "ConsumeRequest") -> None:
        if self._stopped:
            return
        try:
            self.consume_executor.submit(request.run)
        except RuntimeError:  # executor shut down or rejected: Java retries after 5 s
            self.submit_consume_request_later(request)

    def submit_consume_request_later(self, request: "ConsumeRequest") -> None:
        ses = self.scheduled_executor_service
        if ses is not None and not self._stopped:
            ses.schedule(lambda: self._submit(request), 5000)

    def _submit_later(self, msgs: list[Any], pq: Any, mq: Any) -> None:
        ses = self.scheduled_executor_service
        if ses is not None and not self._stopped:
            ses.schedule(lambda: self.submit_consume_request(msgs, pq, mq, True), 5000)

    # -- settle --------------------------------------------------------------------------------------
    def process_consume_result(self, status: ConsumeConcurrentlyStatus,
                               context: ConsumeConcurrentlyContext, request: "ConsumeRequest") -> None:
        """Java ``processConsumeResult``: ack, send back, local retry, offset update (book B5.6.2)."""
        msgs = request.msgs
        if not msgs:
            return
        ack_index = context.ack_index
        if status is ConsumeConcurrentlyStatus.CONSUME_SUCCESS:
            if ack_index >= len(msgs):
                ack_index = len(msgs) - 1
        else:
            ack_index = -1
        impl = self.default_mq_push_consumer_impl
        impl.mq_client_factory.consumer_stats_manager.on_consume_result(
            self.consumer_group, request.message_queue.topic, ack_index + 1, len(msgs))
        model = self.default_mq_push_consumer.message_model
        failed_local: list[Any] = []
        if model == MessageModel.BROADCASTING:
            for msg in msgs[ack_index + 1:]:
                log.warning("BROADCASTING, the message consume failed, drop it, %s", msg)
        else:
            for msg in msgs[ack_index + 1:]:
                if not self.send_message_back(msg, context):
                    msg.reconsume_times += 1
                    failed_local.append(msg)
            if failed_local:
                msgs = [m for m in msgs if m not in failed_local]
                self._submit_later(failed_local, request.process_queue, request.message_queue)
        offset = request.process_queue.remove_message(msgs)
        if offset >= 0 and not request.process_queue.is_dropped():
            mq = request.message_queue
            with settle_span(mq, self.consumer_group, offset, status.name, ("B5.6.2", "B5.6.3")):
                impl.offset_store.update_offset(mq, offset, True)

    def send_message_back(self, msg: Any, context: ConsumeConcurrentlyContext) -> bool:
        delay = context.delay_level_when_next_consume
        msg.topic = self.default_mq_push_consumer.with_namespace(msg.topic)
        try:
            self.default_mq_push_consumer_impl.send_message_back(
                msg, delay, context.message_queue.broker_name)
            return True
        except Exception as e:  # noqa: BLE001
            log.error("sendMessageBack exception, group: %s msg: %s: %s", self.consumer_group, msg, e)
            return False

    def reset_retry_and_namespace(self, msgs: Sequence[Any]) -> None:
        self.default_mq_push_consumer_impl.reset_retry_and_namespace(msgs)

    def consume_message_directly(self, msg: Any, broker_name: str | None) -> dict[str, Any]:
        """CONSUME_MESSAGE_DIRECTLY from the admin tool: run the listener once, report the result."""
        mq = MessageQueue(msg.topic, broker_name or "", msg.queue_id)
        context = ConsumeConcurrentlyContext(mq)
        self.reset_retry_and_namespace([msg])
        begin = time.time()
        result: dict[str, Any] = {"order": False, "autoCommit": True}
        try:
            status = self.message_listener.consume_message([msg], context)
            if status is ConsumeConcurrentlyStatus.CONSUME_SUCCESS:
                result["consumeResult"] = "CR_SUCCESS"
            elif status is ConsumeConcurrentlyStatus.RECONSUME_LATER:
                result["consumeResult"] = "CR_LATER"
            else:
                result["consumeResult"] = "CR_RETURN_NULL"
        except Exception as e:  # noqa: BLE001
            result["consumeResult"] = "CR_THROW_EXCEPTION"
            result["remark"] = f"{type(e).__name__}: {e}"
        result["spentTimeMills"] = int((time.time() - begin) * 1000)
        return result


class ConsumeRequest:
    """One listener call for up to ``consumeMessageBatchMaxSize`` messages (Java ``ConsumeRequest``)."""

    def __init__(self, service: ConsumeMessageConcurrentlyService, msgs: list[Any],
                 process_queue: Any, message_queue: Any) -> None:
        self.service = service
        self.msgs = msgs
        self.process_queue = process_queue
        self.message_queue = message_queue

    def run(self) -> None:
        service = self.service
        if self.process_queue.is_dropped():
            log.info("the message queue not be able to consume, because it's dropped. group=%s %s",
                     service.consumer_group, self.message_queue)
            return
        context = ConsumeConcurrentlyContext(self.message_queue)
        service.reset_retry_and_namespace(self.msgs)
        now = str(int(time.time() * 1000))
        for msg in self.msgs:
            msg.properties[mc.PROPERTY_CONSUME_START_TIMESTAMP] = now
        status = None
        mq = self.message_queue
        links = []
        for msg in self.msgs:
            links.extend(link_from(msg.properties))
        attrs = {"messaging.consumer.group.name": service.consumer_group,
                 "messaging.destination.partition.id": str(mq.queue_id),
                 "messaging.rocketmq.broker_name": mq.broker_name,
                 "messaging.batch.message_count": len(self.msgs)}
        if len(self.msgs) == 1:
            msg = self.msgs[0]
            attrs["messaging.message.id"] = msg.msg_id or ""
            attrs["messaging.rocketmq.message.tag"] = msg.tags or ""
            attrs["messaging.rocketmq.message.reconsume_times"] = msg.reconsume_times
            attrs["rocketmq_ref.queue_offset"] = msg.queue_offset
        impl = service.default_mq_push_consumer_impl
        hook_context = None
        if impl.has_hook():
            hook_context = ConsumeMessageContext(service.consumer_group, self.msgs, mq, props={},
                                                 namespace=service.default_mq_push_consumer.namespace)
            impl.execute_hook_before(hook_context)
        with messaging_span("process", mq.topic, SpanKind.CONSUMER,
                            java=f"{_JAVA}$ConsumeRequest#run", books=("A11.2.1", "B5.6.1"),
                            attributes=attrs, links=links) as s:
            try:
                status = service.message_listener.consume_message(self.msgs, context)
            except Exception as e:  # noqa: BLE001 - Java: an exception means RECONSUME_LATER
                log.warning("consumeMessage exception: %s Group: %s Msgs: %s MQ: %s", e,
                            service.consumer_group, self.msgs, mq)
                record_error(s, e)
            if status is None:
                status = ConsumeConcurrentlyStatus.RECONSUME_LATER
            if hook_context is not None:
                hook_context.status = status.name
                hook_context.success = status is ConsumeConcurrentlyStatus.CONSUME_SUCCESS
                impl.execute_hook_after(hook_context)
            if s.is_recording():
                s.set_attribute("rocketmq_ref.consume_status", status.name)
        impl.mq_client_factory.consumer_stats_manager.inc_consume_rt(
            service.consumer_group, mq.topic, int(time.time() * 1000) - int(now))
        if not self.process_queue.is_dropped():
            service.process_consume_result(status, context, self)
        else:
            log.warning("processQueue is dropped without process consume result. mq=%s, msgs=%s",
                        mq, self.msgs)
