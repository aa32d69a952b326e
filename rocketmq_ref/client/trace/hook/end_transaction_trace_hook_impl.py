"""EndTransactionTraceHookImpl: an EndTransaction record per commit/rollback/unknown answer (Java
``client.trace.hook.EndTransactionTraceHookImpl``; books A2.5, B9.7.1, B8.3)."""
from __future__ import annotations

import time
from typing import Any

from rocketmq_ref.client.client_config import without_namespace
from rocketmq_ref.client.impl.producer.default_mq_producer_impl import EndTransactionHook
from rocketmq_ref.client.trace.trace_constants import TraceType
from rocketmq_ref.client.trace.trace_context import TraceBean, TraceContext
from rocketmq_ref.common import mixall
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message.message_type import MessageType


class EndTransactionTraceHookImpl(EndTransactionHook):
    def __init__(self, local_dispatcher: Any) -> None:
        self.local_dispatcher = local_dispatcher

    def hook_name(self) -> str:
        return "EndTransactionTraceHook"

    def end_transaction(self, context: Any) -> None:
        if context is None or context.message.topic.startswith(self.local_dispatcher.trace_topic_name):
            return
        msg = context.message
        ns = getattr(context, "namespace", None)
        host = self.local_dispatcher.host_producer
        state = context.transaction_state
        bean = TraceBean(topic=without_namespace(msg.topic, ns), tags=msg.tags, keys=msg.keys,
                         store_host=context.broker_addr, msg_type=MessageType.Trans_msg_Commit,
                         msg_id=context.msg_id, transaction_id=context.transaction_id,
                         transaction_state=getattr(state, "name", state),
                         from_transaction_check=bool(context.from_transaction_check))
        if host is not None and host.mq_client_factory is not None:
            bean.client_host = host.mq_client_factory.client_id
        region_id = msg.get_property(mc.PROPERTY_MSG_REGION) or mixall.DEFAULT_TRACE_REGION_ID
        ctx = TraceContext(TraceType.EndTransaction, int(time.time() * 1000), region_id,
                           group_name=without_namespace(context.producer_group, ns), trace_beans=[bean])
        self.local_dispatcher.append(ctx)
