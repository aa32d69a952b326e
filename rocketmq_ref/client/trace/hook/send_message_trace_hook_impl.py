"""SendMessageTraceHookImpl: a Pub record per send (Java ``client.trace.hook.SendMessageTraceHookImpl``;
books A2.5, B9.7.1).

Before the send it notes group, topic, tags, keys, broker and body length; after a send that has a
result it adds the cost, status, region and both message ids, and appends the record -- unless the
broker said ``TRACE_ON=false`` or the message is itself trace data.
"""
from __future__ import annotations

import time
from typing import Any

from rocketmq_ref.client.client_config import without_namespace
from rocketmq_ref.client.impl.producer.default_mq_producer_impl import SendMessageHook
from rocketmq_ref.client.producer.send_result import SendStatus
from rocketmq_ref.client.trace.trace_constants import TraceType
from rocketmq_ref.client.trace.trace_context import TraceBean, TraceContext
from rocketmq_ref.common.message.message_type import MessageType


class SendMessageTraceHookImpl(SendMessageHook):
    def __init__(self, local_dispatcher: Any) -> None:
        self.local_dispatcher = local_dispatcher

    def hook_name(self) -> str:
        return "SendMessageTraceHook"

    def _is_trace_data(self, context: Any) -> bool:
        return context.message.topic.startswith(self.local_dispatcher.trace_topic_name)

    def send_message_before(self, context: Any) -> None:
        if context is None or self._is_trace_data(context):
            return
        msg = context.message
        ns = context.namespace
        bean = TraceBean(topic=without_namespace(msg.topic, ns), tags=msg.tags, keys=msg.keys,
                         store_host=context.broker_addr, body_length=len(msg.body or b""),
                         msg_type=MessageType.__members__.get(context.msg_type, MessageType.Normal_Msg))
        context.mq_trace_context = TraceContext(
            TraceType.Pub, group_name=without_namespace(context.producer_group, ns), trace_beans=[bean])

    def send_message_after(self, context: Any) -> None:
        if context is None or self._is_trace_data(context):
            return
        ctx = getattr(context, "mq_trace_context", None)
        result = context.send_result
        if ctx is None or result is None:
            return
        if result.region_id is None or not result.trace_on:  # the broker turned trace off
            return
        bean = ctx.trace_beans[0]
        cost = int((int(time.time() * 1000) - ctx.time_stamp) / len(ctx.trace_beans))
        ctx.cost_time = cost
        ctx.is_success = result.send_status is SendStatus.SEND_OK
        ctx.region_id = result.region_id
        bean.msg_id = result.msg_id
        bean.offset_msg_id = result.offset_msg_id
        bean.store_time = ctx.time_stamp + cost // 2
        self.local_dispatcher.append(ctx)
