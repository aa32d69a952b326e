"""DispatchRequest and CommitLogDispatcher (Java ``org.apache.rocketmq.store.DispatchRequest``,
``CommitLogDispatcher``; books B4.6, B4.7): one commit-log record as the reput thread parsed it, handed
to each dispatcher (consume queue, index) in turn.

``msg_size`` 0 with success means the blank end-of-file record; ``success`` False means a record that
did not check out (bad magic, CRC, length).
"""
from __future__ import annotations

from typing import Protocol


class DispatchRequest:
    __slots__ = ("topic", "queue_id", "commit_log_offset", "msg_size", "tags_code",
                 "store_timestamp", "consume_queue_offset", "keys", "success", "uniq_key",
                 "sys_flag", "prepared_transaction_offset", "properties_map", "bit_map",
                 "buffer_size")

    def __init__(self, topic: str = "", queue_id: int = 0, commit_log_offset: int = 0,
                 msg_size: int = 0, tags_code: int = 0, store_timestamp: int = 0,
                 consume_queue_offset: int = 0, keys: str | None = "", uniq_key: str | None = None,
                 sys_flag: int = 0, prepared_transaction_offset: int = 0,
                 properties_map: dict[str, str] | None = None, success: bool = True) -> None:
        self.topic = topic
        self.queue_id = queue_id
        self.commit_log_offset = commit_log_offset
        self.msg_size = msg_size
        self.tags_code = tags_code
        self.store_timestamp = store_timestamp
        self.consume_queue_offset = consume_queue_offset
        self.keys = keys
        self.success = success
        self.uniq_key = uniq_key
        self.sys_flag = sys_flag
        self.prepared_transaction_offset = prepared_transaction_offset
        self.properties_map = properties_map
        self.bit_map: bytes | None = None
        self.buffer_size = -1

    @classmethod
    def of_size(cls, size: int, success: bool = False) -> DispatchRequest:
        """Java ``new DispatchRequest(size, success)``: only a size (blank record or failure)."""
        return cls(msg_size=size, success=success)

    def is_success(self) -> bool:
        return self.success

    def get_msg_size(self) -> int:
        return self.msg_size

    def __repr__(self) -> str:
        return (f"DispatchRequest{{topic='{self.topic}', queueId={self.queue_id}, "
                f"commitLogOffset={self.commit_log_offset}, msgSize={self.msg_size}, "
                f"success={self.success}, tagsCode={self.tags_code}, "
                f"storeTimestamp={self.store_timestamp}, consumeQueueOffset={self.consume_queue_offset}, "
                f"keys='{self.keys}', uniqKey='{self.uniq_key}', sysFlag={self.sys_flag}}}")


class CommitLogDispatcher(Protocol):
    """Java ``CommitLogDispatcher``: builds something (a CQ unit, an index entry) from a record."""

    def dispatch(self, request: DispatchRequest) -> None: ...
