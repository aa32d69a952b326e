"""Flush (books A5.4, B4.8): group commit, the sync-flush timeout, async flush thresholds, the
transient store pool's commit step, and the awaitable put."""
from __future__ import annotations

import asyncio
import time

from rocketmq_ref.store.config import FlushDiskType
from rocketmq_ref.store.default_message_store import DefaultMessageStore
from rocketmq_ref.store.flush_commit_log_service import GroupCommitRequest, GroupCommitService
from rocketmq_ref.store.mapped_file import OS_PAGE_SIZE
from rocketmq_ref.store.put_message_result import PutMessageStatus
from tests.store.spec_reader import read_checkpoint, read_commitlog_dir
from tests.store.store_a_support import new_msg, open_store, small_config, wait_dispatched


def _until(cond, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def test_sync_flush_acknowledges_only_what_is_on_disk(tmp_path):
    s = open_store(small_config(tmp_path, flush_disk_type=FlushDiskType.SYNC_FLUSH))
    try:
        for i in range(20):
            r = s.put_message(new_msg("S", b"d" * 100, 0))
            assert r.put_message_status is PutMessageStatus.PUT_OK
            ar = r.append_message_result
            assert s.commit_log.mapped_file_queue.flushed_where >= ar.wrote_offset + ar.wrote_bytes
    finally:
        s.shutdown()


def test_group_commit_completes_a_whole_batch_with_one_flush(tmp_path, spans):
    s = open_store(small_config(tmp_path, flush_disk_type=FlushDiskType.SYNC_FLUSH))
    try:
        service = s.commit_log.flush_commit_log_service
        assert isinstance(service, GroupCommitService)
        service.shutdown()  # drive it by hand
        results = [s.commit_log._put(new_msg("G", b"x" * 50, 0), _NoSpan()) for _ in range(3)]
        requests = []
        for r in results:
            ar = r.append_message_result
            req = GroupCommitRequest(ar.wrote_offset + ar.wrote_bytes, 5000)
            service.put_request(req)
            requests.append(req)
        spans.clear()
        service.swap_requests()
        service.do_commit()
        assert [req.future.result(0) for req in requests] == [PutMessageStatus.PUT_OK] * 3
        batch = [sp for sp in spans.get_finished_spans() if sp.name == "GroupCommitService.do_commit"]
        assert len(batch) == 1 and batch[0].attributes["rocketmq_ref.store.requests"] == 3
    finally:
        s.shutdown()


class _NoSpan:
    def is_recording(self):
        return False


def test_flush_that_never_reaches_the_record_times_out(tmp_path):
    s = open_store(small_config(tmp_path, flush_disk_type=FlushDiskType.SYNC_FLUSH,
                                sync_flush_timeout=100))
    try:
        queue = s.commit_log.mapped_file_queue
        queue.flush = lambda least_pages: True  # a disk that never completes a flush
        r = s.put_message(new_msg("T", b"x", 0))
        assert r.put_message_status is PutMessageStatus.FLUSH_DISK_TIMEOUT
        assert r.is_ok()  # appended all the same: the producer learns the disk was slow
    finally:
        del s.commit_log.mapped_file_queue.flush
        s.shutdown()


def test_watcher_times_out_requests_nobody_serves(tmp_path):
    s = open_store(small_config(tmp_path, flush_disk_type=FlushDiskType.SYNC_FLUSH,
                                sync_flush_timeout=100))
    try:
        s.commit_log.flush_commit_log_service.shutdown()  # the group-commit thread is gone
        r = s.put_message(new_msg("T", b"x", 0))
        # the watcher's answer (the put's own 10 s timeout would say UNKNOWN_ERROR)
        assert r.put_message_status is PutMessageStatus.FLUSH_DISK_TIMEOUT
        # WAIT=false does not wait for the disk at all
        r = s.put_message(new_msg("T", b"y", 0, wait=False))
        assert r.put_message_status is PutMessageStatus.PUT_OK
    finally:
        s.shutdown()


def test_async_flush_waits_for_least_pages_then_flushes(tmp_path):
    s = DefaultMessageStore(small_config(tmp_path, flush_interval_commit_log=20,
                                         flush_commit_log_thorough_interval=3_600_000,
                                         mapped_file_size_commit_log=256 * 1024))
    assert s.load()
    # as if a thorough round just ran: the next one is an hour away
    s.commit_log.flush_commit_log_service.last_flush_timestamp = int(time.time() * 1000)
    s.start()
    try:
        queue = s.commit_log.mapped_file_queue
        base = queue.flushed_where
        s.put_message(new_msg("A", b"a" * 1000, 0))
        time.sleep(0.2)
        assert queue.flushed_where == base  # under 4 dirty pages: not yet
        while queue.get_max_offset() < base + 5 * OS_PAGE_SIZE:
            s.put_message(new_msg("A", b"a" * 1000, 0))
        assert _until(lambda: queue.flushed_where >= base + 4 * OS_PAGE_SIZE)
        # Java updates the checkpoint's flush time only on thorough (least pages 0) rounds
        assert s.get_store_checkpoint().get_physic_msg_timestamp() == 0
        last = s.put_message(new_msg("A", b"last", 0)).append_message_result
    finally:
        s.shutdown()
    # shutdown flushes everything and records the last message's time
    assert read_checkpoint(str(tmp_path / "checkpoint"))[0] == last.store_timestamp


def test_transient_store_pool_commits_before_readers_see_data(tmp_path):
    s = open_store(small_config(tmp_path, transient_store_pool_enable=True,
                                transient_store_pool_size=3, commit_interval_commit_log=20,
                                commit_commit_log_thorough_interval=50))
    try:
        assert s.commit_log.mapped_file_queue.get_last_mapped_file(0).write_buffer is not None
        for i in range(30):
            assert s.put_message(new_msg("P", b"pooled-%d" % i * 50, 0)).is_ok()
        wait_dispatched(s)
        assert _until(lambda: s.get_max_offset_in_queue("P", 0) == 30)
        got = s.get_message("g", "P", 0, 29, 1, None)
        assert got.status.name == "FOUND"
        got.release()
    finally:
        s.shutdown()
    recs = read_commitlog_dir(str(tmp_path / "commitlog"), 64 * 1024)
    assert len(recs) == 30 and recs[-1].body.startswith(b"pooled-29")


def test_async_put_can_be_awaited_on_an_event_loop(tmp_path):
    s = open_store(small_config(tmp_path, flush_disk_type=FlushDiskType.SYNC_FLUSH))
    try:
        async def put_many():
            futs = [asyncio.wrap_future(s.async_put_message(new_msg("Aw", b"%d" % i, 0)))
                    for i in range(16)]
            return await asyncio.gather(*futs)

        results = asyncio.run(put_many())
        assert [r.put_message_status for r in results] == [PutMessageStatus.PUT_OK] * 16
        assert sorted(r.append_message_result.logics_offset for r in results) == list(range(16))
        flushed = s.commit_log.mapped_file_queue.flushed_where
        assert all(r.append_message_result.wrote_offset < flushed for r in results)
    finally:
        s.shutdown()


def test_async_flush_rounds_are_spans_with_the_bytes_flushed(tmp_path, spans):
    s = open_store(small_config(tmp_path, flush_interval_commit_log=10,
                                flush_commit_log_least_pages=0))
    try:
        s.put_message(new_msg("Fl", b"f" * 3000, 0))
        queue = s.commit_log.mapped_file_queue
        assert _until(lambda: queue.flushed_where == s.get_max_phy_offset())
        assert _until(lambda: any(sp.name == "FlushRealTimeService.flush"
                                  for sp in spans.get_finished_spans()))
        flushes = [sp for sp in spans.get_finished_spans() if sp.name == "FlushRealTimeService.flush"]
        assert sum(sp.attributes["rocketmq_ref.store.flushed_bytes"] for sp in flushes) == \
            s.get_max_phy_offset()
        assert "B4.8" in flushes[0].attributes["rocketmq_ref.book.sections"]
    finally:
        s.shutdown()
