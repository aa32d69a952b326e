"""DefaultMQProducer: the public producer (Java ``client.producer.DefaultMQProducer``; books A3.2.1,
A3.2.3, A7.4, B3.3.1, B3.5, B9.1, B9.2).

    producer = DefaultMQProducer("pg")
    producer.set_namesrv_addr("127.0.0.1:9876")
    producer.start()
    result = producer.send(Message("TopicTest", "TagA", b"hello", keys="k1"))

``send(msg)`` is synchronous; ``send(msg, callback)`` asynchronous (a ``SendCallback`` or a function
taking the ``SendResult``); ``send_oneway(msg)`` fire-and-forget; ``send(msg, mq)`` to one queue;
``send(msg, selector, arg)`` through a ``MessageQueueSelector``; ``send([msgs])`` as one batch.
``request(msg, timeout)`` sends a request and returns the reply message (request/reply, 4.6+):

    reply = producer.request(Message("RequestTopic", b"2+2?"), 3000)
"""
from __future__ import annotations

from typing import Any, Sequence

from rocketmq_ref.client.client_config import ClientConfig
from rocketmq_ref.client.impl.mq_client_api_impl import CommunicationMode
from rocketmq_ref.client.impl.producer.default_mq_producer_impl import (RETRY_RESPONSE_CODES,
                                                                         DefaultMQProducerImpl,
                                                                         SendMessageHook)
from rocketmq_ref.client.producer.message_queue_selector import MessageQueueSelector
from rocketmq_ref.client.producer.request_callback import is_request_callback
from rocketmq_ref.client.producer.send_result import SendCallback, SendResult
from rocketmq_ref.common import mixall
from rocketmq_ref.common.message import Message, MessageQueue
from rocketmq_ref.common.topic_validator import AUTO_CREATE_TOPIC_KEY_TOPIC


class DefaultMQProducer(ClientConfig):
    """Producer settings (4.9.8 defaults) and the send API; the work is in ``DefaultMQProducerImpl``."""

    def __init__(self, producer_group: str = mixall.DEFAULT_PRODUCER_GROUP, rpc_hook: Any = None,
                 namespace: str | None = None, enable_msg_trace: bool = False,
                 custom_trace_topic: str | None = None) -> None:
        ClientConfig.__init__(self)
        self.producer_group = producer_group
        self.namespace = namespace
        self.create_topic_key = AUTO_CREATE_TOPIC_KEY_TOPIC
        self.default_topic_queue_nums = 4
        self.send_msg_timeout = 3000
        self.compress_msg_body_over_howmuch = 1024 * 4
        self.retry_times_when_send_failed = 2
        self.retry_times_when_send_async_failed = 2
        self.retry_another_broker_when_not_store_ok = False
        self.max_message_size = 1024 * 1024 * 4
        self.retry_response_codes = set(RETRY_RESPONSE_CODES)
        self.default_mq_producer_impl = DefaultMQProducerImpl(self, rpc_hook)
        self.trace_dispatcher = _msg_trace().producer_trace_dispatcher(
            self, rpc_hook, custom_trace_topic) if enable_msg_trace else None  # message trace (4.4+)

    # -- life cycle ----------------------------------------------------------------------------------
    def start(self) -> None:
        self.producer_group = self.with_namespace(self.producer_group)
        self.default_mq_producer_impl.start()
        if self.trace_dispatcher is not None:
            self.trace_dispatcher.start_for(self)

    def shutdown(self) -> None:
        self.default_mq_producer_impl.shutdown()
        if self.trace_dispatcher is not None:
            self.trace_dispatcher.shutdown()

    # -- send ----------------------------------------------------------------------------------------
    def send(self, msg: Message | Sequence[Message], *args: Any, timeout: int | None = None
             ) -> SendResult | None:
        """Java's ``send`` overloads, chosen by argument type:

        ``send(msg[, timeout])``, ``send(msg, callback[, timeout])``, ``send(msg, mq[, timeout])``,
        ``send(msg, mq, callback[, timeout])``, ``send(msg, selector, arg[, timeout])``,
        ``send(msg, selector, arg, callback[, timeout])``, ``send([msg, ...][, ...])`` (a batch).
        """
        impl = self.default_mq_producer_impl
        if not isinstance(msg, Message):
            msg = self.batch(msg)
        else:
            msg.topic = self.with_namespace(msg.topic)
        rest = list(args)
        if rest and isinstance(rest[-1], int) and not isinstance(rest[-1], bool) and \
                not (len(rest) == 2 and _is_selector(rest[0])):
            timeout = rest.pop()
        if len(rest) == 3 and _is_selector(rest[0]):  # selector, arg, callback (+ timeout above)
            self._send_select_async(msg, rest[0], rest[1], rest[2], timeout)
            return None
        if len(rest) == 2 and _is_selector(rest[0]):
            return impl.send_select_impl(msg, rest[0], rest[1], CommunicationMode.SYNC, None, timeout)
        if len(rest) == 2 and isinstance(rest[0], MessageQueue):
            self._send_to_queue_async(msg, rest[0], rest[1], timeout)
            return None
        if len(rest) == 1 and isinstance(rest[0], MessageQueue):
            return impl.send_to_queue(msg, rest[0], CommunicationMode.SYNC, None, timeout)
        if len(rest) == 1:
            impl.send_async(msg, rest[0], timeout)
            return None
        if rest:
            raise TypeError(f"unsupported send arguments: {args!r}")
        return impl.send(msg, timeout)

    def _send_select_async(self, msg: Message, selector: Any, arg: Any, callback: Any,
                           timeout: int | None) -> None:
        from rocketmq_ref.client.producer.send_result import as_send_callback

        cb = as_send_callback(callback)
        impl = self.default_mq_producer_impl
        impl._submit_async(lambda: _run_async(lambda: impl.send_select_impl(
            msg, selector, arg, CommunicationMode.ASYNC, cb, timeout), cb), cb)

    def _send_to_queue_async(self, msg: Message, mq: MessageQueue, callback: Any,
                             timeout: int | None) -> None:
        from rocketmq_ref.client.producer.send_result import as_send_callback

        cb = as_send_callback(callback)
        impl = self.default_mq_producer_impl
        impl._submit_async(lambda: _run_async(lambda: impl.send_to_queue(
            msg, mq, CommunicationMode.ASYNC, cb, timeout), cb), cb)

    def send_async(self, msg: Message, callback: Any, timeout: int | None = None) -> None:
        """Explicit async form of ``send(msg, callback)``."""
        msg.topic = self.with_namespace(msg.topic)
        self.default_mq_producer_impl.send_async(msg, callback, timeout)

    def send_oneway(self, msg: Message, mq_or_selector: Any = None, arg: Any = None) -> None:
        """Java ``sendOneway`` (plain, to a queue, or through a selector)."""
        msg.topic = self.with_namespace(msg.topic)
        impl = self.default_mq_producer_impl
        if mq_or_selector is None:
            impl.send_oneway(msg)
        elif isinstance(mq_or_selector, MessageQueue):
            impl.send_to_queue(msg, mq_or_selector, CommunicationMode.ONEWAY, None, None)
        else:
            impl.send_select_impl(msg, mq_or_selector, arg, CommunicationMode.ONEWAY, None, None)

    # -- request/reply (4.6+) -------------------------------------------------------------------
    def request(self, msg: Message, *args: Any, timeout: int | None = None) -> Message | None:
        """Java's ``request`` overloads, chosen by argument type; the last int is the timeout (ms;
        ``send_msg_timeout`` when left out):

        ``request(msg, timeout)`` -> the reply; ``request(msg, callback, timeout)``;
        ``request(msg, selector, arg, timeout)`` -> the reply; ``request(msg, selector, arg,
        callback, timeout)``; ``request(msg, mq, timeout)`` -> the reply; ``request(msg, mq,
        callback, timeout)``.  A callback is a ``RequestCallback``, a function of the reply, or an
        ``(on_success, on_exception)`` pair.  No reply in time: ``RequestTimeoutException``.
        """
        impl = self.default_mq_producer_impl
        msg.topic = self.with_namespace(msg.topic)
        rest = list(args)
        mq = selector = callback = None
        arg = None
        if rest and isinstance(rest[0], MessageQueue):
            mq = rest.pop(0)
        elif rest and _is_selector(rest[0]):
            if len(rest) < 2:
                raise TypeError("request(msg, selector, arg, ...) needs the selector's arg")
            selector, arg = rest.pop(0), rest.pop(0)
        if rest and (is_request_callback(rest[0]) or callable(rest[0])):
            callback = rest.pop(0)
        if rest and isinstance(rest[0], int) and not isinstance(rest[0], bool):
            timeout = rest.pop(0)
        if rest:
            raise TypeError(f"unsupported request arguments: {args!r}")
        if timeout is None:
            timeout = self.send_msg_timeout
        if mq is not None:
            if callback is None:
                return impl.request_to_queue(msg, mq, timeout)
            impl.request_to_queue_async(msg, mq, callback, timeout)
        elif selector is not None:
            if callback is None:
                return impl.request_select(msg, selector, arg, timeout)
            impl.request_select_async(msg, selector, arg, callback, timeout)
        elif callback is None:
            return impl.request(msg, timeout)
        else:
            impl.request_async(msg, callback, timeout)
        return None

    def batch(self, msgs: Sequence[Message]) -> Any:
        return self.default_mq_producer_impl.batch(msgs)

    def fetch_publish_message_queues(self, topic: str) -> list[MessageQueue]:
        return self.default_mq_producer_impl.fetch_publish_message_queues(self.with_namespace(topic))

    def create_topic(self, key: str, new_topic: str, queue_num: int, topic_sys_flag: int = 0) -> None:
        self.default_mq_producer_impl.mq_client_factory.mq_admin_impl.create_topic(
            key, self.with_namespace(new_topic), queue_num, topic_sys_flag)

    # -- hooks and settings --------------------------------------------------------------------------
    def register_send_message_hook(self, hook: SendMessageHook) -> None:
        self.default_mq_producer_impl.register_send_message_hook(hook)

    def set_send_latency_fault_enable(self, enable: bool) -> None:
        self.default_mq_producer_impl.mq_fault_strategy.set_send_latency_fault_enable(enable)

    def is_send_latency_fault_enable(self) -> bool:
        return self.default_mq_producer_impl.mq_fault_strategy.is_send_latency_fault_enable()

    def set_latency_max(self, latency_max: Sequence[int]) -> None:
        self.default_mq_producer_impl.mq_fault_strategy.latency_max = list(latency_max)

    def set_not_available_duration(self, durations: Sequence[int]) -> None:
        self.default_mq_producer_impl.mq_fault_strategy.not_available_duration = list(durations)

    @property
    def send_message_with_vip_channel(self) -> bool:
        return self.vip_channel_enabled

    def get_producer_group(self) -> str:
        return self.producer_group

    def set_producer_group(self, group: str) -> None:
        self.producer_group = group

    def set_send_msg_timeout(self, ms: int) -> None:
        self.send_msg_timeout = ms

    def get_send_msg_timeout(self) -> int:
        return self.send_msg_timeout

    def set_retry_times_when_send_failed(self, times: int) -> None:
        self.retry_times_when_send_failed = times

    def set_retry_times_when_send_async_failed(self, times: int) -> None:
        self.retry_times_when_send_async_failed = times

    def set_retry_another_broker_when_not_store_ok(self, value: bool) -> None:
        self.retry_another_broker_when_not_store_ok = value

    def set_max_message_size(self, size: int) -> None:
        self.max_message_size = size

    def get_max_message_size(self) -> int:
        return self.max_message_size

    def set_compress_msg_body_over_howmuch(self, size: int) -> None:
        self.compress_msg_body_over_howmuch = size

    def set_default_topic_queue_nums(self, nums: int) -> None:
        self.default_topic_queue_nums = nums

    def set_create_topic_key(self, key: str) -> None:
        self.create_topic_key = key

    def add_retry_response_code(self, code: int) -> None:
        self.retry_response_codes.add(code)


def _msg_trace() -> Any:
    from rocketmq_ref.client.trace import msg_trace_setup  # imported late: it imports this module

    return msg_trace_setup


def _is_selector(obj: Any) -> bool:
    return isinstance(obj, MessageQueueSelector) or (callable(obj) and not isinstance(
        obj, (SendCallback, MessageQueue)) and getattr(obj, "__code__", None) is not None
        and obj.__code__.co_argcount >= 3)


def _run_async(fn: Any, cb: SendCallback) -> None:
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - every failure reaches the callback
        cb.on_exception(e)
