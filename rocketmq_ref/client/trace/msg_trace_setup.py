"""What ``enable_msg_trace=True`` does in the producer and push consumer constructors and their
start (Java: the ``enableMsgTrace`` branches of ``DefaultMQProducer``/``DefaultMQPushConsumer``;
books A2.5, B9.7.1): an ``AsyncTraceDispatcher`` for the client's group and the trace hooks bound
to it.  A failure here is logged, never raised at the user, as in Java."""
from __future__ import annotations

import logging
from typing import Any

from rocketmq_ref.client.trace.async_trace_dispatcher import AsyncTraceDispatcher
from rocketmq_ref.client.trace.hook import (ConsumeMessageTraceHookImpl, EndTransactionTraceHookImpl,
                                            SendMessageTraceHookImpl)
from rocketmq_ref.client.trace.trace_constants import TraceDispatcherType

log = logging.getLogger("rocketmq_ref.client")


def producer_trace_dispatcher(producer: Any, rpc_hook: Any, custom_trace_topic: str | None
                              ) -> AsyncTraceDispatcher | None:
    """The dispatcher of a traced producer, its send and end-transaction hooks registered."""
    try:
        impl = producer.default_mq_producer_impl
        dispatcher = AsyncTraceDispatcher(producer.producer_group, TraceDispatcherType.PRODUCE,
                                          custom_trace_topic, rpc_hook)
        dispatcher.set_host_producer(impl)
        impl.register_send_message_hook(SendMessageTraceHookImpl(dispatcher))
        impl.register_end_transaction_hook(EndTransactionTraceHookImpl(dispatcher))
        return dispatcher
    except Exception:  # noqa: BLE001 - Java: "system mqtrace hook init failed"
        log.error("system mqtrace hook init failed ,maybe can't send msg trace data", exc_info=True)
        return None


def push_consumer_trace_dispatcher(consumer: Any, rpc_hook: Any, custom_trace_topic: str | None
                                   ) -> AsyncTraceDispatcher | None:
    """The dispatcher of a traced push consumer, its consume hook registered."""
    try:
        impl = consumer.default_mq_push_consumer_impl
        dispatcher = AsyncTraceDispatcher(consumer.consumer_group, TraceDispatcherType.CONSUME,
                                          custom_trace_topic, rpc_hook)
        dispatcher.set_host_consumer(impl)
        impl.register_consume_message_hook(ConsumeMessageTraceHookImpl(dispatcher))
        return dispatcher
    except Exception:  # noqa: BLE001
        log.error("system mqtrace hook init failed ,maybe can't send msg trace data", exc_info=True)
        return None
