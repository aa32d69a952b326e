"""AsyncTraceDispatcher: trace records to the trace topic in the background (Java
``client.trace.AsyncTraceDispatcher``; books A2.5, B9.7.1).

The hooks ``append`` a ``TraceContext`` to a bounded queue (1024) and return at once; when the
queue is full the record is dropped and counted, never the user's send or consume held up.  A
worker thread polls the queue in 100 ms rounds, encodes each context and adds it to the segment of
its trace topic; a segment is sent when it nears the trace producer's 128 KB message limit or when
its first record is 500 ms old.  Sends run on the ``MQTraceSendThread_`` pool with the dispatcher's
own producer (group ``_INNER_TRACE_PRODUCER-<group>-<PRODUCE|CONSUME>-<n>``, instance
``PID_CLIENT_INNER_TRACE_PRODUCER_<namesrv>``); each trace message's keys are the traced message ids
and keys, so the broker's index finds it by the id of the message it describes.

Trace sends are the client talking about itself: they run under a non-sampled OpenTelemetry
context (``untraced``), so neither they nor the broker's handling of them record spans that would
look like the user's sends.
"""
from __future__ import annotations

import itertools
import logging
import queue
import random
import threading
import time
import uuid
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from opentelemetry import context as otel_context
from opentelemetry import trace

from rocketmq_ref.client.impl.producer.topic_publish_info import TopicPublishInfo
from rocketmq_ref.client.producer.message_queue_selector import MessageQueueSelector
from rocketmq_ref.client.trace.trace_constants import AccessChannel, TraceConstants, TraceDispatcherType
from rocketmq_ref.client.trace.trace_context import TraceContext, TraceTransferBean
from rocketmq_ref.client.trace.trace_data_encoder import TraceDataEncoder
from rocketmq_ref.common.message import Message
from rocketmq_ref.common.topic_validator import RMQ_SYS_TRACE_TOPIC
from rocketmq_ref.remoting.netty.bounded_executor import (BoundedThreadPoolExecutor,
                                                          RejectedExecutionException)

log = logging.getLogger("rocketmq_ref.client")

_COUNTER = itertools.count(1)  # Java's static AtomicInteger COUNTER: one number per dispatcher


@contextmanager
def untraced() -> Iterator[None]:
    """Run a block under a valid but non-sampled span context: with the parent-based sampler every
    span opened inside (and, through the ``traceparent`` it injects, on the broker) is
    non-recording.  (OpenTelemetry's API has no "suppress" switch the SDK itself honours.)"""
    sc = trace.SpanContext(random.getrandbits(128) or 1, random.getrandbits(64) or 1, is_remote=False,
                           trace_flags=trace.TraceFlags(trace.TraceFlags.DEFAULT))
    token = otel_context.attach(trace.set_span_in_context(trace.NonRecordingSpan(sc)))
    try:
        yield
    finally:
        otel_context.detach(token)


class TraceDataSegment:
    """The encoded records waiting for one trace topic (Java ``AsyncTraceDispatcher.TraceDataSegment``)."""

    __slots__ = ("dispatcher", "trace_topic_name", "region_id", "first_bean_add_time", "current_msg_size",
                 "trace_transfer_bean_list")

    def __init__(self, dispatcher: "AsyncTraceDispatcher", trace_topic_name: str, region_id: str | None
                 ) -> None:
        self.dispatcher = dispatcher
        self.trace_topic_name = trace_topic_name
        self.region_id = region_id
        self.first_bean_add_time = 0
        self.current_msg_size = 0
        self.trace_transfer_bean_list: list[TraceTransferBean] = []

    def add_trace_transfer_bean(self, bean: TraceTransferBean) -> None:
        if self.first_bean_add_time == 0:
            self.first_bean_add_time = int(time.time() * 1000)
        self.trace_transfer_bean_list.append(bean)
        self.current_msg_size += len(bean.trans_data)
        if self.current_msg_size >= self.dispatcher.trace_producer.max_message_size - 10 * 1000:
            self.send_all_data()

    def send_all_data(self) -> None:
        if not self.trace_transfer_bean_list:
            return
        data = self.trace_transfer_bean_list
        self.trace_transfer_bean_list = []
        self.first_bean_add_time = 0
        self.current_msg_size = 0
        self.dispatcher.submit_send_task(self.trace_topic_name, data)


class _BrokerSetSelector(MessageQueueSelector):
    """Round robin over the queues of the brokers that carry the trace topic (Java's anonymous
    selector in ``AsyncDataSendTask.sendTraceDataByMQ``)."""

    def __init__(self) -> None:
        self._send_which_queue = itertools.count(random.randrange(1 << 16))

    def select(self, mqs: Sequence[Any], msg: Any, arg: set[str]) -> Any:
        queues = [mq for mq in mqs if mq.broker_name in arg] or mqs
        return queues[next(self._send_which_queue) % len(queues)]


class AsyncTraceDispatcher:
    """Java ``AsyncTraceDispatcher`` (its ``TraceDispatcher`` interface: start, append, flush, shutdown)."""

    def __init__(self, group: str, type_: TraceDispatcherType, trace_topic_name: str | None = None,
                 rpc_hook: Any = None) -> None:
        self.queue_size = 2048
        self.batch_size = 100
        self.max_msg_size = 128000
        self.polling_time_mil = 100
        self.wait_time_threshold_mil = 500
        self.discard_count = 0
        self._discard_lock = threading.Lock()
        self.trace_context_queue: queue.Queue[TraceContext] = queue.Queue(1024)
        self.task_queue_by_topic: dict[str, TraceDataSegment] = {}
        self.group = group
        self.type = type_
        self.trace_topic_name = trace_topic_name if trace_topic_name and trace_topic_name.strip() \
            else RMQ_SYS_TRACE_TOPIC
        self.access_channel = AccessChannel.LOCAL
        self.dispatcher_id = str(uuid.uuid4())
        self.host_producer: Any = None
        self.host_consumer: Any = None
        self.trace_executor = BoundedThreadPoolExecutor(10, self.queue_size, "MQTraceSendThread_")
        self.trace_producer = self.get_and_create_trace_producer(rpc_hook)
        self.worker: threading.Thread | None = None
        self.stopped = False
        self._started = False
        self._lifecycle_lock = threading.Lock()
        self._segment_lock = threading.Lock()  # Java: the worker's and flush's monitors
        self._selector = _BrokerSetSelector()

    # -- set-up ---------------------------------------------------------------------------------------
    def get_and_create_trace_producer(self, rpc_hook: Any) -> Any:
        from rocketmq_ref.client.producer.default_mq_producer import DefaultMQProducer

        producer = DefaultMQProducer(self.gen_group_name_for_trace(), rpc_hook)
        producer.send_msg_timeout = TraceConstants.TRACE_SEND_TIMEOUT_MILLIS
        producer.vip_channel_enabled = False
        producer.max_message_size = self.max_msg_size
        return producer

    def gen_group_name_for_trace(self) -> str:
        return f"{TraceConstants.GROUP_NAME_PREFIX}-{self.group}-{self.type.name}-{next(_COUNTER)}"

    def set_host_producer(self, producer_impl: Any) -> None:
        self.host_producer = producer_impl

    def set_host_consumer(self, consumer_impl: Any) -> None:
        self.host_consumer = consumer_impl

    # -- TraceDispatcher ----------------------------------------------------------------------------
    def start(self, namesrv_addr: str | None, access_channel: AccessChannel = AccessChannel.LOCAL) -> None:
        """Start the trace producer (once) and the worker thread."""
        with self._lifecycle_lock:
            if self._started:
                return
            self.access_channel = access_channel
            producer = self.trace_producer
            if namesrv_addr:
                producer.set_namesrv_addr(namesrv_addr)
            producer.set_instance_name(f"{TraceConstants.TRACE_INSTANCE_NAME}_{namesrv_addr or 'null'}")
            with untraced():
                producer.start()
            self._started = True
            self.stopped = False
            self.worker = threading.Thread(target=self._run, daemon=True,
                                           name=f"MQ-AsyncTraceDispatcher-Thread-{self.dispatcher_id}")
            self.worker.start()

    def start_for(self, client: Any) -> None:
        """``start`` on the host client's name server and access channel, as its ``start`` does
        after its own; a failure is logged, never raised at the user (Java logs it too)."""
        self.trace_producer.use_tls = client.use_tls  # Java's setUseTLS passes it on
        try:
            self.start(client.namesrv_addr, getattr(client, "access_channel", AccessChannel.LOCAL))
        except Exception:  # noqa: BLE001
            log.warning("trace dispatcher start failed", exc_info=True)

    def append(self, ctx: TraceContext) -> bool:
        """Queue a record without waiting; False (and counted) when the queue is full."""
        try:
            self.trace_context_queue.put_nowait(ctx)
            return True
        except queue.Full:
            with self._discard_lock:  # Java's AtomicLong: appends come from every user thread
                self.discard_count += 1
            log.info("buffer full%d ,context is %s", self.discard_count, ctx)
            return False

    def flush(self) -> None:
        """Send every segment now and wait (at most 500 ms) until the queue and the sends drain."""
        end = time.monotonic() + 0.5
        while time.monotonic() <= end:
            with self._segment_lock:
                for segment in list(self.task_queue_by_topic.values()):
                    segment.send_all_data()
            if self.trace_context_queue.empty() and self.trace_executor.queue_size() == 0:
                break
            time.sleep(0.001)
        log.info("------end trace send %d   %d", self.trace_context_queue.qsize(),
                 self.trace_executor.queue_size())

    def shutdown(self) -> None:
        """Stop the worker (it drains the queue first), flush, stop the sends and the producer."""
        with self._lifecycle_lock:
            self.stopped = True
            worker, self.worker = self.worker, None
            if worker is not None:
                worker.join(timeout=(self.polling_time_mil * 3) / 1000)
            self.flush()
            if self._started:
                self._started = False
                self.trace_producer.shutdown()
            self.trace_executor.shutdown(wait=True, cancel_futures=True)

    # -- the worker (Java AsyncRunnable) -------------------------------------------------------------
    def _run(self) -> None:
        while True:
            stopping = self.stopped
            end = time.monotonic() + self.polling_time_mil / 1000
            while True:
                remaining = 0.0 if stopping else end - time.monotonic()
                try:
                    ctx = (self.trace_context_queue.get(timeout=remaining) if remaining > 0
                           else self.trace_context_queue.get_nowait())
                except queue.Empty:
                    break
                if ctx.trace_beans:
                    self._add(ctx)
            if stopping:
                with self._segment_lock:
                    for segment in list(self.task_queue_by_topic.values()):
                        segment.send_all_data()
                return
            self.send_data_by_time_threshold()

    def _add(self, ctx: TraceContext) -> None:
        topic = self.get_trace_topic_name(ctx.region_id)
        try:
            bean = TraceDataEncoder.encoder_from_context_bean(ctx)
        except Exception:  # noqa: BLE001 - one bad record must not stop the worker
            log.warning("trace context not encodable, dropped: %s", ctx, exc_info=True)
            return
        with self._segment_lock:
            segment = self.task_queue_by_topic.get(topic)
            if segment is None:
                segment = self.task_queue_by_topic[topic] = TraceDataSegment(self, topic, ctx.region_id)
            segment.add_trace_transfer_bean(bean)

    def send_data_by_time_threshold(self) -> None:
        now = int(time.time() * 1000)
        with self._segment_lock:
            for segment in list(self.task_queue_by_topic.values()):
                if segment.first_bean_add_time and \
                        now - segment.first_bean_add_time >= self.wait_time_threshold_mil:
                    segment.send_all_data()

    def get_trace_topic_name(self, region_id: str | None) -> str:
        if self.access_channel is AccessChannel.CLOUD:
            return f"{TraceConstants.TRACE_TOPIC_PREFIX}{region_id}"
        return self.trace_topic_name

    # -- the sends (Java AsyncDataSendTask) ----------------------------------------------------------
    def submit_send_task(self, topic: str, beans: list[TraceTransferBean]) -> None:
        try:
            self.trace_executor.submit(self.send_trace_data, topic, beans)
        except (RejectedExecutionException, RuntimeError):  # full, or shut down
            with self._discard_lock:
                self.discard_count += len(beans)
            log.warning("trace send pool rejected %d records for %s", len(beans), topic)

    def send_trace_data(self, topic: str, beans: list[TraceTransferBean]) -> None:
        keys: set[str] = set()
        for bean in beans:
            keys.update(bean.trans_key)
        data = "".join(bean.trans_data for bean in beans)
        with untraced():
            self.send_trace_data_by_mq(keys, data, topic)

    def send_trace_data_by_mq(self, key_set: set[str], data: str, trace_topic: str) -> None:
        message = Message(trace_topic, data.encode("utf-8"))
        message.set_keys(key_set)
        producer = self.trace_producer
        try:
            broker_set = self.try_get_message_queue_broker_set(producer.default_mq_producer_impl, trace_topic)
            if not broker_set:
                producer.send(message, timeout=TraceConstants.TRACE_SEND_TIMEOUT_MILLIS)
            else:
                producer.send(message, self._selector, broker_set)
        except Exception as e:  # noqa: BLE001 - a lost trace is logged, never raised at the user
            log.error("send trace data failed, the traceData is %.500s: %s", data, e)

    @staticmethod
    def try_get_message_queue_broker_set(producer_impl: Any, topic: str) -> set[str]:
        info = producer_impl.topic_publish_info_table.get(topic)
        if info is None or not info.ok():
            producer_impl.topic_publish_info_table.setdefault(topic, TopicPublishInfo())  # refreshed with the rest
            producer_impl.mq_client_factory.update_topic_route_info_from_name_server(topic)
            info = producer_impl.topic_publish_info_table.get(topic)
        if info is None or not (info.have_topic_router_info or info.ok()):
            return set()
        return {mq.broker_name for mq in info.message_queue_list}
