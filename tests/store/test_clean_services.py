"""CleanCommitLogService / CleanConsumeQueueService: delete only what retention allows (B4.9)."""
from __future__ import annotations

import os
import time

import pytest

from rocketmq_ref.store.clean_services import CleanCommitLogService, CleanConsumeQueueService
from rocketmq_ref.store.consume_queue import CQ_STORE_UNIT_SIZE, ConsumeQueue
from rocketmq_ref.store.dispatch_request import DispatchRequest
from rocketmq_ref.store.index.index_service import IndexService
from rocketmq_ref.store.mapped_file_queue import MappedFileQueue
from tests.store.store_b_support import PartStore

CL_FILE = 4096
HOUR_MS = 3600 * 1000


class _CommitLog:
    """What the clean services ask of CommitLog: delete by time, retry a hanged file, min offset."""

    def __init__(self, path: str) -> None:
        self.mapped_file_queue = MappedFileQueue(path, CL_FILE)

    def delete_expired_file(self, expired_time, delete_files_interval, interval_forcibly, clean_immediately):
        return self.mapped_file_queue.delete_expired_file_by_time(
            expired_time, delete_files_interval, interval_forcibly, clean_immediately)

    def retry_delete_first_file(self, interval_forcibly):
        return self.mapped_file_queue.retry_delete_first_file(interval_forcibly)

    def get_min_offset(self) -> int:
        mf = self.mapped_file_queue.get_first_mapped_file()
        if mf is None:
            return -1
        return mf.get_file_from_offset() if mf.is_available() else mf.get_file_from_offset() + CL_FILE


def _part_store(root: str) -> PartStore:
    # no hour is "time to delete" unless a test says so
    config = dict(delete_when="24", file_reserved_time=1, delete_commit_log_files_interval=0,
                  delete_consume_queue_files_interval=0, max_hash_slot_num=16, max_index_num=6)
    store = PartStore(root, **config)
    store.commit_log = _CommitLog(store.config.get_store_path_commit_log())
    store.index_service = IndexService(store)
    return store


@pytest.fixture
def store(tmp_path):
    s = _part_store(str(tmp_path))
    yield s
    s.commit_log.mapped_file_queue.close()
    s.close()


def _make_files(store: PartStore, n: int, ages_hours: list[float]) -> list[str]:
    mfq = store.commit_log.mapped_file_queue
    for i in range(n):
        mf = mfq.get_last_mapped_file(i * CL_FILE)
        mf.append_message_bytes(b"x" * CL_FILE)  # full: the next call creates the next file
    names = [mf.get_file_name() for mf in mfq.get_mapped_files()]
    now = time.time()
    for name, age in zip(names, ages_hours):
        os.utime(name, (now - age * 3600, now - age * 3600))
    return names


def _remaining(store: PartStore) -> list[int]:
    return sorted(int(n) for n in os.listdir(store.config.get_store_path_commit_log()))


def _usage(value: float):
    return lambda path: value


def test_nothing_is_deleted_outside_delete_when_with_room_on_disk(store):
    _make_files(store, 4, [5, 5, 5, 5])
    svc = CleanCommitLogService(store, disk_usage=_usage(0.10))
    assert svc.run() == 0
    assert len(_remaining(store)) == 4


def test_at_delete_when_only_files_past_retention_go_and_never_the_newest(store):
    _make_files(store, 4, [5, 3, 0.2, 5])  # the third is young; the last is newest by position
    store.config.delete_when = ";".join(f"{h:02d}" for h in range(24))
    svc = CleanCommitLogService(store, disk_usage=_usage(0.10))
    assert svc.run() == 2
    # deletion stops at the first young file even though a later one is old
    assert _remaining(store) == [2 * CL_FILE, 3 * CL_FILE]
    assert svc.run() == 0


def test_space_over_max_used_ratio_deletes_expired_files_at_any_hour(store):
    _make_files(store, 3, [5, 0.1, 0.1])
    svc = CleanCommitLogService(store, disk_usage=_usage(0.80))  # > 75 %, < 85 %
    assert svc.run() == 1
    assert _remaining(store) == [CL_FILE, 2 * CL_FILE]
    assert store.flags.is_writeable()


def test_over_clean_forcibly_ratio_deletes_young_files_too(store):
    _make_files(store, 3, [0.1, 0.1, 0.1])
    svc = CleanCommitLogService(store, disk_usage=_usage(0.86))
    assert svc.run() == 2
    assert _remaining(store) == [2 * CL_FILE]
    assert store.flags.is_writeable()  # below the 90 % warning level: still writeable


def test_disk_over_warning_level_marks_store_unwritable_until_space_returns(store):
    _make_files(store, 2, [0.1, 0.1])
    svc = CleanCommitLogService(store, disk_usage=_usage(0.95))
    svc.run()
    assert not store.flags.is_writeable()
    assert svc.is_space_full()
    svc.disk_usage = _usage(0.20)
    assert not svc.is_space_full()
    assert store.flags.is_writeable()


def test_forcible_deletion_can_be_switched_off(store):
    _make_files(store, 3, [0.1, 0.1, 0.1])
    store.config.clean_file_forcibly_enable = False
    svc = CleanCommitLogService(store, disk_usage=_usage(0.88))
    assert svc.run() == 0  # space to delete, but nothing past retention


def test_manual_request_deletes_expired_files_for_twenty_rounds(store):
    _make_files(store, 3, [5, 0.1, 0.1])
    svc = CleanCommitLogService(store, disk_usage=_usage(0.10))
    svc.execute_delete_files_manually()
    assert svc.run() == 1
    assert svc.get_manual_delete_file_several_times() == 19


def test_a_file_held_by_a_reader_is_not_removed_until_released(store):
    _make_files(store, 3, [5, 5, 0.1])
    store.config.delete_when = ";".join(f"{h:02d}" for h in range(24))
    first = store.commit_log.mapped_file_queue.get_first_mapped_file()
    reader = first.select_mapped_buffer(0, 16)
    assert reader is not None
    svc = CleanCommitLogService(store, disk_usage=_usage(0.10))
    assert svc.run() == 0  # the held file stops the round
    assert os.path.exists(first.get_file_name())
    reader.release()  # the last reference: the file is unmapped, and the retry deletes it
    assert svc.run() == 2
    assert _remaining(store) == [2 * CL_FILE]


def _Req(commit_log_offset: int, msg_size: int, tags_code: int, consume_queue_offset: int,
         store_timestamp: int = 0) -> DispatchRequest:
    return DispatchRequest("T", 0, commit_log_offset, msg_size, tags_code, store_timestamp,
                           consume_queue_offset, "k")


def test_consume_queue_and_index_files_below_the_commit_log_min_offset_are_deleted(store):
    cq = ConsumeQueue("T", 0, os.path.join(store.config.store_path_root_dir, "consumequeue"),
                      4 * CQ_STORE_UNIT_SIZE, store)
    store.consume_queue_table["T"] = {0: cq}
    for i in range(12):  # 3 CQ files; units point at commit-log offsets 0, 1000, ... 11000
        req = _Req(i * 1000, 100, 0, i, 1_700_000_000_000 + i)
        cq.put_message_position_info_wrapper(req)
        store.index_service.build_index(req)
    assert len(store.index_service.index_file_list) == 3  # 5 entries per file
    _make_files(store, 4, [5, 5, 0.1, 0.1])
    svc = CleanConsumeQueueService(store)
    assert svc.run() == 0  # commit log starts at 0: nothing to do
    store.commit_log.delete_expired_file(HOUR_MS, 0, 1000, False)  # the two old files go
    assert store.commit_log.get_min_offset() == 2 * CL_FILE  # 8192
    assert svc.run() == 2  # CQ files ending at 3000 and 7000 are below; the last is kept
    assert cq.get_min_offset_in_queue() == 9  # first unit at or above 8192 points at 9000
    assert cq.get_index_buffer(8) is None
    assert len(os.listdir(cq.queue_dir)) == 1
    # index files end at 4000, 9000 and 11000: only the first is wholly below
    assert len(store.index_service.index_file_list) == 2
    assert svc.run() == 0  # min offset unchanged: the round is skipped
