"""AppendMessageResult and AppendMessageStatus (Java ``org.apache.rocketmq.store.AppendMessage*``;
book B4.3): what one append into a mapped file produced."""
from __future__ import annotations

import enum
from typing import Callable


class AppendMessageStatus(enum.Enum):
    PUT_OK = 0
    END_OF_FILE = 1
    MESSAGE_SIZE_EXCEEDED = 2
    PROPERTIES_SIZE_EXCEEDED = 3
    UNKNOWN_ERROR = 4


class AppendMessageResult:
    """Where a record (or batch) went: physical offset, bytes, queue offset, store time.

    The offset message id is built lazily (``msg_id_supplier``) as in 4.9.x: most callers never
    read it, and building the hex string costs more than the append itself.
    """

    __slots__ = ("status", "wrote_offset", "wrote_bytes", "_msg_id", "msg_id_supplier",
                 "store_timestamp", "logics_offset", "pagecache_rt", "msg_num")

    def __init__(self, status: AppendMessageStatus, wrote_offset: int = 0, wrote_bytes: int = 0,
                 msg_id: str | None = "", store_timestamp: int = 0, logics_offset: int = 0,
                 pagecache_rt: int = 0, msg_id_supplier: Callable[[], str] | None = None,
                 msg_num: int = 1) -> None:
        self.status = status
        self.wrote_offset = wrote_offset
        self.wrote_bytes = wrote_bytes
        self._msg_id = msg_id if msg_id_supplier is None else None
        self.msg_id_supplier = msg_id_supplier
        self.store_timestamp = store_timestamp
        self.logics_offset = logics_offset
        self.pagecache_rt = pagecache_rt
        self.msg_num = msg_num

    def is_ok(self) -> bool:
        return self.status is AppendMessageStatus.PUT_OK

    def get_msg_id(self) -> str:
        if self._msg_id is None and self.msg_id_supplier is not None:
            self._msg_id = self.msg_id_supplier()
        return self._msg_id or ""

    def set_msg_id(self, msg_id: str) -> None:
        self._msg_id = msg_id

    msg_id = property(get_msg_id, set_msg_id)

    def __repr__(self) -> str:
        return (f"AppendMessageResult{{status={self.status.name}, wroteOffset={self.wrote_offset}, "
                f"wroteBytes={self.wrote_bytes}, storeTimestamp={self.store_timestamp}, "
                f"logicsOffset={self.logics_offset}, pagecacheRT={self.pagecache_rt}, "
                f"msgNum={self.msg_num}}}")
