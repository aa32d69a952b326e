"""ConsumeQueue unit tests: 20-byte units on disk, recovery, truncation, pre-blank fill, min offset,
lookup by time (Java ConsumeQueue; B4.5.2, B4.6.1, B4.7)."""
from __future__ import annotations

import os
import struct

import pytest

from rocketmq_ref.store.consume_queue import CQ_STORE_UNIT_SIZE, ConsumeQueue
from rocketmq_ref.store.dispatch_request import DispatchRequest
from tests.store.store_b_support import PartStore

UNITS_PER_FILE = 10
FILE_SIZE = UNITS_PER_FILE * CQ_STORE_UNIT_SIZE


def _Req(commit_log_offset: int, msg_size: int, tags_code: int, consume_queue_offset: int,
         store_timestamp: int = 0) -> DispatchRequest:
    return DispatchRequest("TopicTest", 0, commit_log_offset, msg_size, tags_code, store_timestamp,
                           consume_queue_offset)


@pytest.fixture
def store(tmp_path):
    s = PartStore(str(tmp_path))
    yield s
    s.close()


def _cq(store, topic="TopicTest", qid=0) -> ConsumeQueue:
    return ConsumeQueue(topic, qid, os.path.join(store.config.store_path_root_dir, "consumequeue"),
                        FILE_SIZE, store)


def _fill(cq: ConsumeQueue, n: int, start: int = 0, size: int = 100) -> None:
    for i in range(start, start + n):
        cq.put_message_position_info_wrapper(_Req(i * size, size, 1000 + i, i, 1_700_000_000_000 + i))


def _units(path: str) -> list[tuple[int, int, int]]:
    data = open(path, "rb").read()
    return [struct.unpack_from(">qiq", data, p) for p in range(0, len(data), 20)]


def test_units_are_written_big_endian_twenty_bytes_each(store):
    cq = _cq(store)
    _fill(cq, 3)
    path = os.path.join(cq.queue_dir, "%020d" % 0)
    assert os.path.getsize(path) == FILE_SIZE
    raw = open(path, "rb").read()
    assert raw[:20] == struct.pack(">qiq", 0, 100, 1000)
    assert _units(path)[:4] == [(0, 100, 1000), (100, 100, 1001), (200, 100, 1002), (0, 0, 0)]
    assert cq.get_max_offset_in_queue() == 3
    assert cq.get_min_offset_in_queue() == 0
    assert cq.get_max_physic_offset() == 300
    assert store.checkpoint.get_logics_msg_timestamp() == 1_700_000_000_002
    cq.close()


def test_queue_rolls_into_files_named_by_byte_offset(store):
    cq = _cq(store)
    _fill(cq, 25)
    assert sorted(os.listdir(cq.queue_dir)) == ["%020d" % 0, "%020d" % FILE_SIZE, "%020d" % (2 * FILE_SIZE)]
    assert cq.get_max_offset_in_queue() == 25
    assert _units(os.path.join(cq.queue_dir, "%020d" % FILE_SIZE))[0] == (1000, 100, 1010)
    assert cq.roll_next_file(13) == 20
    cq.close()


def test_get_index_buffer_is_a_view_to_the_end_of_the_file(store):
    cq = _cq(store)
    _fill(cq, 15)
    sbr = cq.get_index_buffer(12)
    assert sbr is not None
    assert isinstance(sbr.byte_buffer, memoryview)
    assert sbr.size == 3 * CQ_STORE_UNIT_SIZE  # units 12..14 are written in the second file
    assert struct.unpack_from(">qiq", sbr.byte_buffer, 0) == (1200, 100, 1012)
    sbr.release()
    first = cq.get_index_buffer(0)
    assert first.size == FILE_SIZE
    first.release()
    assert cq.get_index_buffer(15) is None  # nothing written there yet
    cq.close()


def test_replayed_units_are_skipped(store):
    cq = _cq(store)
    _fill(cq, 5)
    _fill(cq, 5)  # a re-dispatch of the same records (recovery replays)
    assert cq.get_max_offset_in_queue() == 5
    # same queue offset with a new commit-log position: already written, not appended twice
    cq.put_message_position_info_wrapper(_Req(10_000, 100, 0, 3))
    assert cq.get_max_offset_in_queue() == 5
    cq.close()


def test_first_unit_at_a_later_offset_fills_pre_blank_units(store):
    cq = _cq(store)
    cq.put_message_position_info_wrapper(_Req(5000, 50, 7, 13))
    path = os.path.join(cq.queue_dir, "%020d" % FILE_SIZE)
    units = _units(path)
    assert units[:3] == [(0, 0x7FFFFFFF, 0)] * 3
    assert units[3] == (5000, 50, 7)
    assert cq.get_min_offset_in_queue() == 13
    assert cq.get_max_offset_in_queue() == 14
    assert cq.get_index_buffer(12) is None  # below the min offset
    cq.close()


def test_recover_finds_the_end_of_written_units_after_reopen(store):
    cq = _cq(store)
    _fill(cq, 23)
    cq.flush(0)
    cq.close()
    again = _cq(store)
    assert again.load()
    assert again.get_max_offset_in_queue() == 30  # loaded files count as full until recovered
    again.recover()
    assert again.get_max_offset_in_queue() == 23
    assert again.get_max_physic_offset() == 2300
    assert again.get_last_offset() == 2300
    _fill(again, 2, start=23)
    assert again.get_max_offset_in_queue() == 25
    again.close()


def test_load_refuses_a_file_of_the_wrong_size(store):
    cq = _cq(store)
    _fill(cq, 2)
    cq.close()
    path = os.path.join(cq.queue_dir, "%020d" % 0)
    with open(path, "r+b") as f:
        f.truncate(FILE_SIZE - 7)
    assert not _cq(store).load()


def test_truncate_dirty_logic_files_cuts_units_past_the_commit_log_end(store):
    cq = _cq(store)
    _fill(cq, 25)
    cq.truncate_dirty_logic_files(1250)  # records from 1300 on were torn off the commit log
    assert cq.get_max_offset_in_queue() == 13
    assert cq.get_max_physic_offset() == 1300
    assert sorted(os.listdir(cq.queue_dir)) == ["%020d" % 0, "%020d" % FILE_SIZE]
    cq.truncate_dirty_logic_files(0)
    assert cq.get_max_offset_in_queue() == 0
    assert os.listdir(cq.queue_dir) == []
    cq.close()


def test_delete_expired_file_keeps_files_still_pointing_into_the_commit_log(store):
    cq = _cq(store)
    _fill(cq, 25)
    # commit log now starts at 1050: file 0 (units up to 900..999) is gone, file 1 starts at 1000
    assert cq.delete_expired_file(1050) == 1
    assert cq.get_min_offset_in_queue() == 11  # first unit pointing at >= 1050
    assert sorted(os.listdir(cq.queue_dir)) == ["%020d" % FILE_SIZE, "%020d" % (2 * FILE_SIZE)]
    # the last file is never deleted, even when everything is below the commit log min offset
    assert cq.delete_expired_file(10_000_000) == 1
    assert sorted(os.listdir(cq.queue_dir)) == ["%020d" % (2 * FILE_SIZE)]
    cq.close()


def test_get_offset_in_queue_by_time_binary_searches_store_times(store):
    cq = _cq(store)
    for i in range(8):
        store.commit_log.times[i * 100] = 1000 + i * 10  # store times 1000, 1010, ... 1070
        cq.put_message_position_info_wrapper(_Req(i * 100, 100, 0, i))
    assert cq.get_offset_in_queue_by_time(1030) == 3  # exact
    assert cq.get_offset_in_queue_by_time(1032) == 3  # nearer to 1030
    assert cq.get_offset_in_queue_by_time(1038) == 4  # nearer to 1040
    assert cq.get_offset_in_queue_by_time(10) == 0  # before everything: first
    assert cq.get_offset_in_queue_by_time(99_999) == 7  # after everything: last
    store.min_phy_offset = 300  # units below the commit-log min offset are skipped
    assert cq.get_offset_in_queue_by_time(1000) == 3
    cq.close()


def test_unwritable_queue_marks_the_store_logics_error(store, monkeypatch):
    cq = _cq(store)
    monkeypatch.setattr("rocketmq_ref.store.consume_queue.time.sleep", lambda s: None)
    monkeypatch.setattr(cq.mapped_file_queue, "get_last_mapped_file", lambda *a, **k: None)
    cq.put_message_position_info_wrapper(_Req(0, 100, 0, 0))
    assert store.flags.is_logics_queue_error()
    cq.close()


def test_destroy_removes_the_queue_directory(store):
    cq = _cq(store)
    _fill(cq, 12)
    cq.destroy()
    assert not os.path.exists(cq.queue_dir)
    assert cq.get_max_offset_in_queue() == 0
    assert cq.get_max_physic_offset() == -1


# -- model-based: the queue against a plain list under puts, restarts, truncation and clean-up ------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as hst  # noqa: E402

_ops = hst.lists(hst.one_of(
    hst.tuples(hst.just("put"), hst.integers(1, 12)),
    hst.tuples(hst.just("restart"), hst.just(0)),
    hst.tuples(hst.just("truncate"), hst.integers(0, 100)),
    hst.tuples(hst.just("clean"), hst.integers(0, 100)),
), max_size=30)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_ops)
def test_queue_behaves_like_a_list(tmp_path_factory, ops):
    store = PartStore(str(tmp_path_factory.mktemp("cq")))
    cq = _cq(store)
    units: list[tuple[int, int]] = []  # (commit-log offset, size) by queue offset
    floor = 0  # the commit log's min offset: only grows, never past its last message
    min_index = 0
    phy = 0
    try:
        for op, arg in ops:
            if op == "put":
                for _ in range(arg):
                    size = 50 + len(units) % 7
                    cq.put_message_position_info_wrapper(_Req(phy, size, len(units), len(units)))
                    units.append((phy, size))
                    phy += size
            elif op == "restart":
                cq.flush(0)
                cq.close()
                cq = _cq(store)
                assert cq.load()
                cq.recover()
                cq.correct_min_offset(floor)  # what recover_topic_queue_table does
            elif op == "truncate" and units:
                cut_index = max(arg * (len(units) - 1) // 100, min_index + 1)
                if cut_index < len(units):  # the commit log lost its tail from this record on
                    phy = units[cut_index][0]
                    cq.truncate_dirty_logic_files(phy)
                    units = units[:cut_index]
            elif op == "clean" and units:
                floor = max(floor, units[arg * (len(units) - 1) // 100][0])
                cq.delete_expired_file(floor)
                min_index = next(i for i, u in enumerate(units) if u[0] >= floor)
            if units:
                assert cq.get_max_offset_in_queue() == len(units)
                assert cq.get_min_offset_in_queue() == min_index
                sbr = cq.get_index_buffer(min_index)
                assert sbr is not None
                assert struct.unpack_from(">qi", sbr.byte_buffer, 0) == units[min_index]
                sbr.release()
                if min_index > 0:
                    assert cq.get_index_buffer(min_index - 1) is None
                last = cq.get_index_buffer(len(units) - 1)
                assert struct.unpack_from(">qi", last.byte_buffer, 0) == units[-1]
                last.release()
                assert cq.get_index_buffer(len(units)) is None
                assert cq.get_last_offset() == units[-1][0] + units[-1][1]
                files_left = len(os.listdir(cq.queue_dir))
                assert files_left == (len(units) - 1) // UNITS_PER_FILE - min_index // UNITS_PER_FILE + 1
    finally:
        cq.close()
        store.close()
