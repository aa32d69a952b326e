"""RunningFlags (Java ``org.apache.rocketmq.store.RunningFlags``; book B4.9): the store's readable /
writeable state bits, set by disk-full checks and by consume-queue or index write failures."""
from __future__ import annotations

NOT_READABLE_BIT = 1
NOT_WRITEABLE_BIT = 1 << 1
WRITE_LOGICS_QUEUE_ERROR_BIT = 1 << 2
WRITE_INDEX_FILE_ERROR_BIT = 1 << 3
DISK_FULL_BIT = 1 << 4


class RunningFlags:
    __slots__ = ("flag_bits",)

    def __init__(self) -> None:
        self.flag_bits = 0

    def get_flag_bits(self) -> int:
        return self.flag_bits

    def get_and_make_readable(self) -> bool:
        result = self.is_readable()
        if not result:
            self.flag_bits &= ~NOT_READABLE_BIT
        return result

    def is_readable(self) -> bool:
        return self.flag_bits & NOT_READABLE_BIT == 0

    def get_and_make_not_readable(self) -> bool:
        result = self.is_readable()
        if result:
            self.flag_bits |= NOT_READABLE_BIT
        return result

    def get_and_make_writeable(self) -> bool:
        result = self.is_writeable()
        if not result:
            self.flag_bits &= ~NOT_WRITEABLE_BIT
        return result

    def is_writeable(self) -> bool:
        return self.flag_bits & (NOT_WRITEABLE_BIT | WRITE_LOGICS_QUEUE_ERROR_BIT | DISK_FULL_BIT
                                 | WRITE_INDEX_FILE_ERROR_BIT) == 0

    def is_cq_writeable(self) -> bool:
        """Consume queues ignore the disk-full bit: dispatch must keep up with what is stored."""
        return self.flag_bits & (NOT_WRITEABLE_BIT | WRITE_LOGICS_QUEUE_ERROR_BIT
                                 | WRITE_INDEX_FILE_ERROR_BIT) == 0

    def get_and_make_not_writeable(self) -> bool:
        result = self.is_writeable()
        if result:
            self.flag_bits |= NOT_WRITEABLE_BIT
        return result

    def make_logics_queue_error(self) -> None:
        self.flag_bits |= WRITE_LOGICS_QUEUE_ERROR_BIT

    def is_logics_queue_error(self) -> bool:
        return self.flag_bits & WRITE_LOGICS_QUEUE_ERROR_BIT != 0

    def make_index_file_error(self) -> None:
        self.flag_bits |= WRITE_INDEX_FILE_ERROR_BIT

    def is_index_file_error(self) -> bool:
        return self.flag_bits & WRITE_INDEX_FILE_ERROR_BIT != 0

    def get_and_make_disk_full(self) -> bool:
        result = self.flag_bits & DISK_FULL_BIT == 0
        self.flag_bits |= DISK_FULL_BIT
        return result

    def get_and_make_disk_ok(self) -> bool:
        result = self.flag_bits & DISK_FULL_BIT == 0
        self.flag_bits &= ~DISK_FULL_BIT
        return result
