"""SendStatus, SendResult and SendCallback (Java ``client.producer.SendStatus/SendResult/SendCallback``;
books A3.2.1, B3.4.4).

``msg_id`` is the client-generated UNIQ_KEY (comma-joined for a batch), ``offset_msg_id`` the broker's
id (store host + commit-log offset), ``queue_offset`` the logical offset in ``message_queue``.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Callable


class SendStatus(enum.Enum):
    SEND_OK = 0
    FLUSH_DISK_TIMEOUT = 1
    FLUSH_SLAVE_TIMEOUT = 2
    SLAVE_NOT_AVAILABLE = 3


@dataclass
class SendResult:
    send_status: SendStatus | None = None
    msg_id: str | None = None
    message_queue: Any = None
    queue_offset: int = 0
    transaction_id: str | None = None
    offset_msg_id: str | None = None
    region_id: str | None = None
    trace_on: bool = True

    def get_send_status(self) -> SendStatus | None:
        return self.send_status

    def get_msg_id(self) -> str | None:
        return self.msg_id

    def get_offset_msg_id(self) -> str | None:
        return self.offset_msg_id

    def get_message_queue(self) -> Any:
        return self.message_queue

    def get_queue_offset(self) -> int:
        return self.queue_offset

    def __str__(self) -> str:
        return (f"SendResult [sendStatus={self.send_status.name if self.send_status else None}, "
                f"msgId={self.msg_id}, offsetMsgId={self.offset_msg_id}, messageQueue="
                f"{self.message_queue}, queueOffset={self.queue_offset}]")


class SendCallback:
    """Java ``SendCallback``: exactly one of ``on_success`` / ``on_exception`` is called per send."""

    def on_success(self, send_result: SendResult) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def on_exception(self, e: BaseException) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class FunctionSendCallback(SendCallback):
    """A ``SendCallback`` made of two functions (Python convenience)."""

    def __init__(self, on_success: Callable[[SendResult], None],
                 on_exception: Callable[[BaseException], None] | None = None) -> None:
        self._ok = on_success
        self._err = on_exception

    def on_success(self, send_result: SendResult) -> None:
        self._ok(send_result)

    def on_exception(self, e: BaseException) -> None:
        if self._err is not None:
            self._err(e)


def as_send_callback(cb: Any) -> SendCallback:
    if isinstance(cb, SendCallback):
        return cb
    if callable(cb):
        return FunctionSendCallback(cb)
    if isinstance(cb, tuple) and len(cb) == 2:
        return FunctionSendCallback(cb[0], cb[1])
    raise TypeError("send callback must be a SendCallback, a function or (on_success, on_exception)")
