"""RocketMQ's own message trace (4.4+; Java package ``client.trace``; books A2.5, B9.7.1): hooks turn
each send, consume and end-transaction into ``TraceContext`` records that ``AsyncTraceDispatcher``
batches into messages on ``RMQ_SYS_TRACE_TOPIC``, keyed by the traced message ids, where the console
and ``mqadmin queryMsgTraceById`` find them.

    producer = DefaultMQProducer("pg", enable_msg_trace=True)
    consumer = DefaultMQPushConsumer("cg", enable_msg_trace=True, custom_trace_topic="MyTrace")
"""
from __future__ import annotations

from rocketmq_ref.client.trace.async_trace_dispatcher import AsyncTraceDispatcher
from rocketmq_ref.client.trace.trace_constants import TraceConstants, TraceDispatcherType, TraceType
from rocketmq_ref.client.trace.trace_context import TraceBean, TraceContext, TraceTransferBean
from rocketmq_ref.client.trace.trace_data_encoder import TraceDataEncoder, TraceDataFormatError
from rocketmq_ref.client.trace.trace_view import TraceView

__all__ = ["AsyncTraceDispatcher", "TraceBean", "TraceConstants", "TraceContext", "TraceDataEncoder",
           "TraceDataFormatError", "TraceDispatcherType", "TraceTransferBean", "TraceType", "TraceView"]
