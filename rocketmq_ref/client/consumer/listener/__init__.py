"""Consumer listener API: statuses, contexts, listener interfaces (Java ``client.consumer.listener``;
books A11.2.1, B5.6.1)."""
from __future__ import annotations

import enum

from dataclasses import dataclass
from typing import Any, Callable, Sequence

MAX_INT = 2**31 - 1


class ConsumeConcurrentlyStatus(enum.Enum):
    CONSUME_SUCCESS = 0
    RECONSUME_LATER = 1


class ConsumeOrderlyStatus(enum.Enum):
    SUCCESS = 0
    ROLLBACK = 1
    COMMIT = 2
    SUSPEND_CURRENT_QUEUE_A_MOMENT = 3


class ConsumeReturnType(enum.Enum):
    SUCCESS = 0
    TIME_OUT = 1
    EXCEPTION = 2
    RETURNNULL = 3
    FAILED = 4


@dataclass
class ConsumeConcurrentlyContext:
    """Java ``ConsumeConcurrentlyContext``: ``ack_index`` marks the last successfully consumed message
    of the batch; ``delay_level_when_next_consume`` 0 lets the broker pick 3 + reconsumeTimes, -1 sends
    straight to the DLQ."""

    message_queue: Any
    delay_level_when_next_consume: int = 0
    ack_index: int = MAX_INT

    def get_message_queue(self) -> Any:
        return self.message_queue

    def set_ack_index(self, ack_index: int) -> None:
        self.ack_index = ack_index

    def get_ack_index(self) -> int:
        return self.ack_index

    def set_delay_level_when_next_consume(self, level: int) -> None:
        self.delay_level_when_next_consume = level


@dataclass
class ConsumeOrderlyContext:
    message_queue: Any
    auto_commit: bool = True
    suspend_current_queue_time_millis: int = -1

    def get_message_queue(self) -> Any:
        return self.message_queue


class MessageListener:
    """Base of the listener interfaces (Java ``MessageListener``)."""


class MessageListenerConcurrently(MessageListener):
    def consume_message(self, msgs: Sequence[Any], context: ConsumeConcurrentlyContext
                        ) -> ConsumeConcurrentlyStatus:  # pragma: no cover - interface
        raise NotImplementedError


class MessageListenerOrderly(MessageListener):
    def consume_message(self, msgs: Sequence[Any], context: ConsumeOrderlyContext
                        ) -> ConsumeOrderlyStatus:  # pragma: no cover - interface
        raise NotImplementedError


class _FunctionListenerConcurrently(MessageListenerConcurrently):
    def __init__(self, fn: Callable[[Sequence[Any], ConsumeConcurrentlyContext], Any]) -> None:
        self.fn = fn

    def consume_message(self, msgs: Sequence[Any], context: ConsumeConcurrentlyContext) -> Any:
        return self.fn(msgs, context)


@dataclass
class ConsumeMessageContext:
    """Java ``ConsumeMessageContext``: what a ``ConsumeMessageHook`` sees around a listener call."""

    consumer_group: str
    msg_list: list[Any]
    mq: Any
    success: bool = False
    status: str | None = None
    props: dict[str, str] | None = None
    namespace: str | None = None
    mq_trace_context: Any = None  # what a hook keeps between before and after (message trace)


class ConsumeMessageHook:
    """Java ``ConsumeMessageHook``: runs before and after every listener call."""

    def hook_name(self) -> str:
        return type(self).__name__

    def consume_message_before(self, context: ConsumeMessageContext) -> None:
        pass

    def consume_message_after(self, context: ConsumeMessageContext) -> None:
        pass


def as_listener(listener: Any) -> MessageListener:
    """A listener object, or a plain function taken as a concurrent listener."""
    if isinstance(listener, MessageListener):
        return listener
    if callable(listener):
        return _FunctionListenerConcurrently(listener)
    raise TypeError("listener must be a MessageListenerConcurrently or a function (msgs, context)")


__all__ = ["ConsumeMessageContext", "ConsumeMessageHook", "ConsumeConcurrentlyStatus", "ConsumeOrderlyStatus", "ConsumeReturnType",
           "ConsumeConcurrentlyContext", "ConsumeOrderlyContext", "MessageListener",
           "MessageListenerConcurrently", "MessageListenerOrderly", "as_listener", "MAX_INT"]
