"""GetMessageResult and GetMessageStatus (Java ``org.apache.rocketmq.store.GetMessage*``; books B4.6, B5).

The messages are ``memoryview`` slices of the mapped commit-log files, never copies: the pull
processor writes them straight to the socket and then calls ``release()``.
"""
from __future__ import annotations

import enum

from rocketmq_ref.store.select_mapped_buffer_result import SelectMappedBufferResult

SIZE_PER_COUNT = 64 * 1024  # BrokerStatsManager.SIZE_PER_COUNT


class GetMessageStatus(enum.Enum):
    FOUND = 0
    NO_MATCHED_MESSAGE = 1
    MESSAGE_WAS_REMOVING = 2
    OFFSET_FOUND_NULL = 3
    OFFSET_OVERFLOW_BADLY = 4
    OFFSET_OVERFLOW_ONE = 5
    OFFSET_TOO_SMALL = 6
    NO_MATCHED_LOGIC_QUEUE = 7
    NO_MESSAGE_IN_QUEUE = 8


class GetMessageResult:
    __slots__ = ("message_maped_list", "message_buffer_list", "status", "next_begin_offset",
                 "min_offset", "max_offset", "buffer_total_size", "suggest_pulling_from_slave",
                 "msg_count4_commercial")

    def __init__(self) -> None:
        self.message_maped_list: list[SelectMappedBufferResult] = []
        self.message_buffer_list: list[memoryview] = []
        self.status: GetMessageStatus | None = None
        self.next_begin_offset = 0
        self.min_offset = 0
        self.max_offset = 0
        self.buffer_total_size = 0
        self.suggest_pulling_from_slave = False
        self.msg_count4_commercial = 0

    def add_message(self, maped_buffer: SelectMappedBufferResult) -> None:
        self.message_maped_list.append(maped_buffer)
        self.message_buffer_list.append(maped_buffer.byte_buffer)
        self.buffer_total_size += maped_buffer.size
        self.msg_count4_commercial += -(-maped_buffer.size // SIZE_PER_COUNT)

    def get_message_count(self) -> int:
        return len(self.message_maped_list)

    def release(self) -> None:
        for select in self.message_maped_list:
            select.release()

    def __repr__(self) -> str:
        status = self.status.name if self.status else None
        return (f"GetMessageResult [status={status}, nextBeginOffset={self.next_begin_offset}, "
                f"minOffset={self.min_offset}, maxOffset={self.max_offset}, "
                f"bufferTotalSize={self.buffer_total_size}, "
                f"suggestPullingFromSlave={self.suggest_pulling_from_slave}]")
