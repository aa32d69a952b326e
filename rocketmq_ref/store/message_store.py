"""MessageStore (Java ``org.apache.rocketmq.store.MessageStore``; books B4.1, B4.2): the store interface
the broker programs against.  ``DefaultMessageStore`` is the one implementation."""
from __future__ import annotations

import concurrent.futures
from abc import ABC, abstractmethod
from typing import Any

from rocketmq_ref.store.get_message_result import GetMessageResult
from rocketmq_ref.store.put_message_result import PutMessageResult
from rocketmq_ref.store.query_message_result import QueryMessageResult
from rocketmq_ref.store.select_mapped_buffer_result import SelectMappedBufferResult


class MessageStore(ABC):
    @abstractmethod
    def load(self) -> bool: ...

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def shutdown(self) -> None: ...

    @abstractmethod
    def destroy(self) -> None: ...

    @abstractmethod
    def put_message(self, msg: Any) -> PutMessageResult: ...

    @abstractmethod
    def async_put_message(self, msg: Any) -> concurrent.futures.Future[PutMessageResult]: ...

    @abstractmethod
    def put_messages(self, batch: Any) -> PutMessageResult: ...

    @abstractmethod
    def async_put_messages(self, batch: Any) -> concurrent.futures.Future[PutMessageResult]: ...

    @abstractmethod
    def get_message(self, group: str, topic: str, queue_id: int, offset: int, max_msg_nums: int,
                    message_filter: Any) -> GetMessageResult | None: ...

    @abstractmethod
    def get_max_offset_in_queue(self, topic: str, queue_id: int) -> int: ...

    @abstractmethod
    def get_min_offset_in_queue(self, topic: str, queue_id: int) -> int: ...

    @abstractmethod
    def get_commit_log_offset_in_queue(self, topic: str, queue_id: int,
                                       consume_queue_offset: int) -> int: ...

    @abstractmethod
    def get_offset_in_queue_by_time(self, topic: str, queue_id: int, timestamp: int) -> int: ...

    @abstractmethod
    def look_message_by_offset(self, commit_log_offset: int, size: int | None = None) -> Any: ...

    @abstractmethod
    def select_one_message_by_offset(self, commit_log_offset: int, msg_size: int | None = None
                                     ) -> SelectMappedBufferResult | None: ...

    @abstractmethod
    def query_message(self, topic: str, key: str, max_num: int, begin: int,
                      end: int) -> QueryMessageResult: ...

    @abstractmethod
    def get_commit_log_data(self, offset: int) -> SelectMappedBufferResult | None: ...

    @abstractmethod
    def append_to_commit_log(self, start_offset: int, data: Any, data_start: int = 0,
                             data_length: int | None = None) -> bool: ...

    @abstractmethod
    def get_runtime_info(self) -> dict[str, str]: ...

    @abstractmethod
    def get_max_phy_offset(self) -> int: ...

    @abstractmethod
    def get_min_phy_offset(self) -> int: ...
