"""QueryMessageResult (Java ``org.apache.rocketmq.store.QueryMessageResult``; book B4.5.3): the
records found by key through the index, as held views of the commit log."""
from __future__ import annotations

from rocketmq_ref.store.select_mapped_buffer_result import SelectMappedBufferResult


class QueryMessageResult:
    __slots__ = ("message_maped_list", "message_buffer_list", "index_last_update_timestamp",
                 "index_last_update_phyoffset", "buffer_total_size")

    def __init__(self) -> None:
        self.message_maped_list: list[SelectMappedBufferResult] = []
        self.message_buffer_list: list[memoryview] = []
        self.index_last_update_timestamp = 0
        self.index_last_update_phyoffset = 0
        self.buffer_total_size = 0

    def add_message(self, maped_buffer: SelectMappedBufferResult) -> None:
        self.message_maped_list.append(maped_buffer)
        self.message_buffer_list.append(maped_buffer.byte_buffer)
        self.buffer_total_size += maped_buffer.size

    def release(self) -> None:
        for select in self.message_maped_list:
            select.release()
