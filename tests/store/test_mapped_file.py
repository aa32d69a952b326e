"""MappedFile, MappedFileQueue, AllocateMappedFileService and TransientStorePool (B4.4)."""
from __future__ import annotations

import os
import time

import pytest

from rocketmq_ref.store.allocate_mapped_file_service import AllocateMappedFileService
from rocketmq_ref.store.config import MessageStoreConfig
from rocketmq_ref.store.mapped_file import OS_PAGE_SIZE, MappedFile
from rocketmq_ref.store.mapped_file_queue import MappedFileQueue
from rocketmq_ref.store.transient_store_pool import TransientStorePool

SIZE = 64 * 1024


def test_append_then_select_gives_a_view_of_the_file_bytes(tmp_path):
    mf = MappedFile(str(tmp_path / "00000000000000065536"), SIZE)
    assert mf.file_from_offset == 65536
    assert os.path.getsize(mf.file_name) == SIZE
    assert mf.append_message_bytes(b"hello ") and mf.append_message_bytes(b"xxworldxx", 2, 5)
    assert mf.get_wrote_position() == 11
    res = mf.select_mapped_buffer(6, 5)
    assert isinstance(res.byte_buffer, memoryview)
    assert bytes(res.byte_buffer) == b"world" and res.start_offset == 65536 + 6
    whole = mf.select_mapped_buffer(0)
    assert bytes(whole.byte_buffer) == b"hello world"
    assert mf.select_mapped_buffer(6, 6) is None  # beyond what was written
    assert mf.select_mapped_buffer(11) is None
    whole.release()
    res.release()
    mf.close()


def test_append_refuses_data_past_the_end(tmp_path):
    mf = MappedFile(str(tmp_path / "00000000000000000000"), 16)
    assert mf.append_message_bytes(b"x" * 16)
    assert mf.is_full()
    assert not mf.append_message_bytes(b"y")
    mf.close()


def test_destroy_waits_for_readers_holding_a_slice(tmp_path):
    mf = MappedFile(str(tmp_path / "00000000000000000000"), SIZE)
    mf.append_message_bytes(b"abc")
    held = mf.select_mapped_buffer(0, 3)
    assert not mf.destroy(60_000)  # a reader holds it: not yet
    assert os.path.exists(mf.file_name)
    assert mf.select_mapped_buffer(0, 3) is None  # no new readers once shut down
    assert bytes(held.byte_buffer) == b"abc"
    held.release()
    assert mf.destroy(60_000)
    assert not os.path.exists(mf.file_name)


def test_forced_destroy_after_the_interval_even_if_a_reader_never_releases(tmp_path):
    mf = MappedFile(str(tmp_path / "00000000000000000000"), SIZE)
    mf.append_message_bytes(b"abc")
    leaked = mf.select_mapped_buffer(0, 3)
    assert not mf.destroy(0)
    assert mf.destroy(0)  # second attempt past the interval forces it
    assert not os.path.exists(mf.file_name)
    del leaked


def test_flush_waits_for_least_pages_and_full_file(tmp_path):
    mf = MappedFile(str(tmp_path / "00000000000000000000"), 8 * OS_PAGE_SIZE)
    mf.append_message_bytes(b"a" * (OS_PAGE_SIZE + 10))
    assert mf.flush(2) == 0  # one dirty page is fewer than two
    assert mf.flush(1) == OS_PAGE_SIZE + 10
    mf.append_message_bytes(b"b" * 5)
    assert mf.flush(0) == OS_PAGE_SIZE + 15  # 0 = anything written
    mf.append_message_bytes(b"c" * (8 * OS_PAGE_SIZE - OS_PAGE_SIZE - 15))
    assert mf.flush(100) == 8 * OS_PAGE_SIZE  # a full file always flushes
    mf.close()
    with open(mf.file_name, "rb") as f:
        assert f.read(OS_PAGE_SIZE + 15).endswith(b"a" * 10 + b"b" * 5)


def test_write_buffer_is_invisible_until_committed(tmp_path):
    cfg = MessageStoreConfig(mapped_file_size_commit_log=4 * OS_PAGE_SIZE, transient_store_pool_size=2,
                             transient_store_pool_enable=True)
    pool = TransientStorePool(cfg)
    pool.init()
    mf = MappedFile(str(tmp_path / "00000000000000000000"), 4 * OS_PAGE_SIZE, pool)
    assert pool.available_buffer_nums() == 1

    class Raw:
        def do_append(self, file_from_offset, buf, pos, max_blank, msg, ctx):
            from rocketmq_ref.store.append_message_result import (AppendMessageResult,
                                                                  AppendMessageStatus)
            buf[pos:pos + len(msg)] = msg
            return AppendMessageResult(AppendMessageStatus.PUT_OK, file_from_offset + pos, len(msg),
                                       store_timestamp=1)

    mf.append_message(b"z" * 100, Raw())
    assert mf.get_read_position() == 0 and mf.select_mapped_buffer(0) is None
    assert mf.commit(1) == 0  # fewer than one page to commit
    assert mf.commit(0) == 100
    assert bytes(mf.select_mapped_buffer(0, 100).byte_buffer) == b"z" * 100
    assert mf.flush(0) == 100
    mf.append_message(b"y" * (4 * OS_PAGE_SIZE - 100), Raw())
    assert mf.commit(4) == 4 * OS_PAGE_SIZE  # full: committed and the buffer goes back to the pool
    assert mf.write_buffer is None and pool.available_buffer_nums() == 2
    pool.destroy()


def test_queue_creates_files_named_by_twenty_digit_offsets(tmp_path):
    q = MappedFileQueue(str(tmp_path / "commitlog"), 1024)
    first = q.get_last_mapped_file(0)
    assert os.path.basename(first.file_name) == "00000000000000000000"
    assert first.first_create_in_queue
    first.append_message_bytes(b"x" * 1024)
    second = q.get_last_mapped_file(0)
    assert os.path.basename(second.file_name) == "00000000000000001024"
    assert q.find_mapped_file_by_offset(1500) is second
    assert q.find_mapped_file_by_offset(1023) is first
    assert q.find_mapped_file_by_offset(4096) is None
    assert q.find_mapped_file_by_offset(4096, True) is first
    second.append_message_bytes(b"y" * 100)
    assert (q.get_min_offset(), q.get_max_offset()) == (0, 1124)
    assert q.check_self()
    q.close()


def test_queue_starting_mid_way_creates_the_file_containing_the_offset(tmp_path):
    q = MappedFileQueue(str(tmp_path / "cq"), 1000)
    mf = q.get_last_mapped_file(5500)
    assert os.path.basename(mf.file_name) == "00000000000000005000"
    q.close()


def test_queue_load_rejects_a_file_of_the_wrong_size(tmp_path):
    d = tmp_path / "commitlog"
    d.mkdir()
    (d / "00000000000000000000").write_bytes(b"\0" * 1024)
    (d / "00000000000000001024").write_bytes(b"\0" * 1000)
    assert not MappedFileQueue(str(d), 1024).load()
    (d / "00000000000000001024").write_bytes(b"\0" * 1024)
    q = MappedFileQueue(str(d), 1024)
    assert q.load()
    assert [mf.file_from_offset for mf in q.mapped_files] == [0, 1024]
    assert all(mf.get_wrote_position() == 1024 for mf in q.mapped_files)  # full until recovered
    q.close()


def test_check_self_reports_a_gap_between_files(tmp_path):
    d = tmp_path / "cl"
    d.mkdir()
    for name in ("00000000000000000000", "00000000000000002048"):
        (d / name).write_bytes(b"\0" * 1024)
    q = MappedFileQueue(str(d), 1024)
    assert q.load()
    assert not q.check_self()
    q.close()


def test_truncate_dirty_files_cuts_the_tail_and_deletes_later_files(tmp_path):
    q = MappedFileQueue(str(tmp_path / "cl"), 1024)
    for _ in range(3):
        q.get_last_mapped_file(0).append_message_bytes(b"x" * 1024)
    names = [mf.file_name for mf in q.mapped_files]
    q.truncate_dirty_files(1500)
    assert [mf.file_from_offset for mf in q.mapped_files] == [0, 1024]
    assert q.mapped_files[1].get_wrote_position() == 476
    assert not os.path.exists(names[2])
    assert q.get_max_offset() == 1500
    q.close()


def test_delete_expired_file_by_time_keeps_the_newest_file(tmp_path):
    q = MappedFileQueue(str(tmp_path / "cl"), 1024)
    for _ in range(3):
        q.get_last_mapped_file(0).append_message_bytes(b"x" * 1024)
    old = time.time() - 3600
    for mf in q.mapped_files:
        os.utime(mf.file_name, (old, old))
    assert q.delete_expired_file_by_time(60_000, 0, 1000, False) == 2
    assert [mf.file_from_offset for mf in q.mapped_files] == [2048]
    assert q.delete_expired_file_by_time(60_000, 0, 1000, True) == 0  # never the last one
    q.close()


def test_allocate_service_creates_the_next_file_ahead(tmp_path):
    cfg = MessageStoreConfig(store_path_root_dir=str(tmp_path), mapped_file_size_commit_log=4096)
    svc = AllocateMappedFileService(cfg)
    svc.start()
    try:
        q = MappedFileQueue(str(tmp_path / "commitlog"), 4096, svc)
        mf = q.get_last_mapped_file(0)
        assert os.path.basename(mf.file_name) == "00000000000000000000"
        deadline = time.monotonic() + 5
        while not os.path.exists(tmp_path / "commitlog" / "00000000000000004096"):
            assert time.monotonic() < deadline, "next file was not pre-created"
            time.sleep(0.01)
        mf.append_message_bytes(b"x" * 4096)
        assert q.get_last_mapped_file(0).file_from_offset == 4096
        q.close()
    finally:
        svc.shutdown()
    # the file pre-allocated after that one is deleted at shutdown, never left behind empty
    assert not os.path.exists(tmp_path / "commitlog" / "00000000000000008192")


def test_preallocated_file_reserves_blocks_ahead_of_the_writer(tmp_path):
    from rocketmq_ref.store.mapped_file import RESERVE_AHEAD
    size = 4 * RESERVE_AHEAD
    sparse = MappedFile(str(tmp_path / "00000000000000000000"), size)
    ahead = MappedFile(str(tmp_path / ("%020d" % size)), size, preallocate=True)
    try:
        used = lambda mf: os.stat(mf.file_name).st_blocks * 512  # noqa: E731
        assert used(sparse) == 0
        assert RESERVE_AHEAD <= used(ahead) < size  # a chunk, not the whole file
        chunk = b"x" * (1024 * 1024)
        for _ in range(RESERVE_AHEAD // len(chunk) + 1):
            assert ahead.append_message_bytes(chunk)
        assert used(ahead) >= ahead.get_wrote_position() + RESERVE_AHEAD // 2
        assert os.path.getsize(ahead.file_name) == size
    finally:
        sparse.close()
        ahead.close()


def test_warm_up_touches_every_page_and_survives_a_refused_mlock(tmp_path):
    from rocketmq_ref.store.config import FlushDiskType
    mf = MappedFile(str(tmp_path / "00000000000000000000"), 64 * OS_PAGE_SIZE)
    try:
        assert os.stat(mf.file_name).st_blocks == 0
        mf.warm_mapped_file(FlushDiskType.SYNC_FLUSH, 16)
        assert os.stat(mf.file_name).st_blocks * 512 >= 64 * OS_PAGE_SIZE
        assert mf.get_wrote_position() == 0  # warming writes no data
    finally:
        mf.munlock()
        mf.close()


def test_allocation_fails_fast_when_the_pool_is_empty(tmp_path):
    cfg = MessageStoreConfig(store_path_root_dir=str(tmp_path), mapped_file_size_commit_log=4096,
                             transient_store_pool_enable=True, transient_store_pool_size=1,
                             fast_fail_if_no_buffer_in_store_pool=True)
    pool = TransientStorePool(cfg)
    pool.init()
    svc = AllocateMappedFileService(cfg, pool)
    svc.start()
    try:
        q = MappedFileQueue(str(tmp_path / "commitlog"), 4096, svc)
        first = q.get_last_mapped_file(0)
        assert first is not None and first.write_buffer is not None
        first.append_message_bytes(b"x" * 4096)
        # the only buffer is taken: the next file is refused (the put says CREATE_MAPEDFILE_FAILED)
        assert q.get_last_mapped_file(0) is None
        assert q.mapped_files == [first] and pool.available_buffer_nums() == 0
    finally:
        svc.shutdown()
        q.close()
        pool.destroy()


def test_a_new_file_appears_at_its_full_size(tmp_path):
    from rocketmq_ref.store.mapped_file import _open_sized
    fd = _open_sized(str(tmp_path / "00000000000000000000"), 12345)
    try:
        assert os.path.getsize(tmp_path / "00000000000000000000") == 12345
        assert os.listdir(tmp_path) == ["00000000000000000000"]  # no temporary name left behind
    finally:
        os.close(fd)


def test_load_drops_a_trailing_empty_file_left_by_a_crash_while_creating(tmp_path):
    d = tmp_path / "cl"
    d.mkdir()
    (d / "00000000000000000000").write_bytes(b"\1" * 1024)
    (d / "00000000000000001024").write_bytes(b"")
    q = MappedFileQueue(str(d), 1024)
    assert q.load()
    assert [mf.file_from_offset for mf in q.mapped_files] == [0]
    assert sorted(os.listdir(d)) == ["00000000000000000000"]
    q.close()
    (d / "00000000000000001024").write_bytes(b"")
    (d / "00000000000000002048").write_bytes(b"\1" * 1024)
    assert not MappedFileQueue(str(d), 1024).load()  # an empty file in the middle is damage
