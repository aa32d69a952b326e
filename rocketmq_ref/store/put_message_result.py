"""PutMessageResult and PutMessageStatus (Java ``org.apache.rocketmq.store.PutMessage*``; book B4.3).

The broker maps the status onto a send response code (spec message-and-store §9.1).
"""
from __future__ import annotations

import enum

from rocketmq_ref.store.append_message_result import AppendMessageResult


class PutMessageStatus(enum.Enum):
    PUT_OK = 0
    FLUSH_DISK_TIMEOUT = 1
    FLUSH_SLAVE_TIMEOUT = 2
    SLAVE_NOT_AVAILABLE = 3
    SERVICE_NOT_AVAILABLE = 4
    CREATE_MAPEDFILE_FAILED = 5
    MESSAGE_ILLEGAL = 6
    PROPERTIES_SIZE_EXCEEDED = 7
    OS_PAGECACHE_BUSY = 8
    UNKNOWN_ERROR = 9
    LMQ_CONSUME_QUEUE_NUM_EXCEEDED = 10


class PutMessageResult:
    __slots__ = ("put_message_status", "append_message_result")

    def __init__(self, put_message_status: PutMessageStatus,
                 append_message_result: AppendMessageResult | None = None) -> None:
        self.put_message_status = put_message_status
        self.append_message_result = append_message_result

    def is_ok(self) -> bool:
        """Java: the append succeeded (a flush or slave timeout still counts as stored)."""
        return self.append_message_result is not None and self.append_message_result.is_ok()

    def __repr__(self) -> str:
        return (f"PutMessageResult [putMessageStatus={self.put_message_status.name}, "
                f"appendMessageResult={self.append_message_result}]")
