"""ConsumeMessageTraceHookImpl: SubBefore and SubAfter records around each listener call (Java
``client.trace.hook.ConsumeMessageTraceHookImpl``; books A2.5, B9.7.1).

Before: one SubBefore for the batch, a bean per message whose ``TRACE_ON`` is not ``false``.
After: a SubAfter with the same request id, the per-message cost and the listener's outcome.
"""
from __future__ import annotations

import time
from typing import Any

from rocketmq_ref.client.client_config import without_namespace
from rocketmq_ref.client.consumer.listener import ConsumeMessageHook, ConsumeReturnType
from rocketmq_ref.client.trace.trace_constants import TraceType
from rocketmq_ref.client.trace.trace_context import TraceBean, TraceContext
from rocketmq_ref.common import mixall
from rocketmq_ref.common.message import message_const as mc


class ConsumeMessageTraceHookImpl(ConsumeMessageHook):
    def __init__(self, local_dispatcher: Any) -> None:
        self.local_dispatcher = local_dispatcher

    def hook_name(self) -> str:
        return "ConsumeMessageTraceHook"

    def consume_message_before(self, context: Any) -> None:
        if context is None or not context.msg_list:
            return
        ns = context.namespace
        ctx = TraceContext(TraceType.SubBefore, group_name=without_namespace(context.consumer_group, ns))
        context.mq_trace_context = ctx
        beans = []
        for msg in context.msg_list:
            if msg is None:
                continue
            props = msg.properties
            if props.get(mc.PROPERTY_TRACE_SWITCH) == "false":
                continue
            beans.append(TraceBean(topic=without_namespace(msg.topic, ns), msg_id=msg.msg_id, tags=msg.tags,
                                   keys=msg.keys, store_time=msg.store_timestamp,
                                   body_length=msg.store_size, retry_times=msg.reconsume_times))
            ctx.region_id = props.get(mc.PROPERTY_MSG_REGION)
        if beans:
            ctx.trace_beans = beans
            ctx.time_stamp = int(time.time() * 1000)
            self.local_dispatcher.append(ctx)

    def consume_message_after(self, context: Any) -> None:
        if context is None or not context.msg_list:
            return
        before = getattr(context, "mq_trace_context", None)
        if before is None or not before.trace_beans:
            return
        after = TraceContext(TraceType.SubAfter, region_id=before.region_id, group_name=before.group_name,
                             request_id=before.request_id, is_success=context.success,
                             access_channel=getattr(context, "access_channel", None)
                             or self.local_dispatcher.access_channel)
        after.cost_time = int((int(time.time() * 1000) - before.time_stamp) / len(context.msg_list))
        after.trace_beans = before.trace_beans
        context_type = (context.props or {}).get(mixall.CONSUME_CONTEXT_TYPE)
        if context_type in ConsumeReturnType.__members__:
            after.context_code = ConsumeReturnType[context_type].value
        elif not context.success:  # the consume service did not say why: a failed listener call
            after.context_code = ConsumeReturnType.FAILED.value
        self.local_dispatcher.append(after)
