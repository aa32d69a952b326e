"""The hooks that feed message trace (Java ``client.trace.hook``; books A2.5, B9.7.1)."""
from __future__ import annotations

from rocketmq_ref.client.trace.hook.consume_message_trace_hook_impl import ConsumeMessageTraceHookImpl
from rocketmq_ref.client.trace.hook.end_transaction_trace_hook_impl import EndTransactionTraceHookImpl
from rocketmq_ref.client.trace.hook.send_message_trace_hook_impl import SendMessageTraceHookImpl

__all__ = ["ConsumeMessageTraceHookImpl", "EndTransactionTraceHookImpl", "SendMessageTraceHookImpl"]
