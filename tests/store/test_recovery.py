"""Recovery (book B4.7): kill -9 of a writer process, torn tails, lost consume queues, the checkpoint."""
from __future__ import annotations

import os
import re
import shutil
import time

import pytest

from rocketmq_ref.common.message import message_decoder
from rocketmq_ref.store.config import FlushDiskType
from rocketmq_ref.store.default_message_store import DefaultMessageStore
from rocketmq_ref.store.get_message_result import GetMessageStatus
from tests.store.spec_reader import read_checkpoint, read_commitlog_dir
from tests.store.store_a_support import new_msg, open_store, small_config, wait_dispatched
from tests.support.processes import process_factory  # noqa: F401  (fixture)

ACK = re.compile(r"^ACK (\d+) (\d+)$", re.M)


def _expected_body(n: int) -> bytes:
    return (b"msg-%08d-" % n) * (1 + n % 13)  # what tests/store/crash_writer.py puts


def test_kill_9_mid_stream_loses_no_acknowledged_message(process_factory, tmp_path):
    root = tmp_path / "store"
    writer = process_factory.start("tests.store.crash_writer", [str(root)], name="writer",
                                   ready_line="WRITER READY", timeout=60)
    deadline = time.monotonic() + 30
    while len(ACK.findall(writer.log_text())) < 400:
        assert writer.is_running(), writer.log_tail()
        assert time.monotonic() < deadline, "writer acknowledged too few messages"
        time.sleep(0.05)
    writer.kill()  # SIGKILL while it is still putting
    acked = {int(n): int(off) for n, off in ACK.findall(writer.log_text())}
    assert os.path.exists(root / "abort")  # it died: the next start recovers abnormally

    config = small_config(root, flush_disk_type=FlushDiskType.SYNC_FLUSH,
                          mapped_file_size_commit_log=32 * 1024)
    store = open_store(config)
    try:
        for n, offset in acked.items():
            msg = store.look_message_by_offset(offset)
            assert msg is not None and msg.body == _expected_body(n), f"acked message {n} lost"
            assert msg.queue_offset == n // 4 and msg.queue_id == n % 4
        wait_dispatched(store)
        for n in acked:  # and each one is where its consume queue says
            got = store.get_message("check", "CrashTopic", n % 4, n // 4, 1, None)
            assert got.status is GetMessageStatus.FOUND, (n, got)
            assert message_decoder.decode(got.message_buffer_list[0]).body == _expected_body(n)
            got.release()
        # the next put continues each queue after whatever survived
        next_offset = store.get_max_offset_in_queue("CrashTopic", 0)
        assert next_offset >= len([n for n in acked if n % 4 == 0])
        r = store.put_message(new_msg("CrashTopic", b"after", 0))
        assert r.is_ok() and r.append_message_result.logics_offset == next_offset
    finally:
        store.shutdown()
    # what is on disk is still a well-formed 4.x commit log
    recs = read_commitlog_dir(str(root / "commitlog"), 32 * 1024)
    assert len(recs) >= len(acked) + 1


def _fill(root, n=40, **cfg):
    config = small_config(root, **cfg)
    store = open_store(config)
    results = [store.put_message(new_msg("Torn", b"payload-%03d" % i * 20, i % 2, keys=f"k{i}"))
               for i in range(n)]
    wait_dispatched(store)
    store.shutdown()
    return config, results


def test_torn_tail_is_cut_and_consume_queues_follow(tmp_path, spans):
    config, results = _fill(tmp_path)
    last = results[-1].append_message_result
    # the last record half written, as after a power cut
    path = tmp_path / "commitlog" / "00000000000000000000"
    with open(path, "r+b") as f:
        f.seek(last.wrote_offset + last.wrote_bytes // 2)
        f.write(b"\xAB" * (last.wrote_bytes - last.wrote_bytes // 2))
    open(tmp_path / "abort", "w").close()
    spans.clear()
    store = open_store(config)
    try:
        assert store.get_max_phy_offset() == last.wrote_offset
        assert store.get_max_offset_in_queue("Torn", 1) == 19  # queue 1 lost its unit 19
        assert store.get_max_offset_in_queue("Torn", 0) == 20
        r = store.put_message(new_msg("Torn", b"replacement", 1))
        assert r.append_message_result.wrote_offset == last.wrote_offset
        assert r.append_message_result.logics_offset == 19
        wait_dispatched(store)
        got = store.get_message("g", "Torn", 1, 19, 1, None)
        assert got.status is GetMessageStatus.FOUND
        got.release()
    finally:
        store.shutdown()
    rec = [s for s in spans.get_finished_spans() if s.name == "CommitLog.recover_abnormally"]
    assert len(rec) == 1
    attrs = rec[0].attributes
    assert attrs["rocketmq_ref.store.recovered_offset"] == last.wrote_offset
    assert attrs["rocketmq_ref.store.files_checked"] >= 1
    assert attrs["rocketmq_ref.store.bytes_truncated"] == last.wrote_bytes  # the torn record
    assert attrs["rocketmq_ref.store.files_deleted"] == 0
    assert any(e.name == "invalid_record" for e in rec[0].events)


def test_clean_restart_recovers_normally_and_checks_crc(tmp_path, spans):
    config, results = _fill(tmp_path, n=10)
    last = results[-1].append_message_result
    # a flipped body byte in the last record: CRC-checked normal recovery stops before it
    path = tmp_path / "commitlog" / "00000000000000000000"
    with open(path, "r+b") as f:
        f.seek(last.wrote_offset + 84 + 4 + 3)
        b = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([b[0] ^ 0x55]))
    spans.clear()
    store = open_store(config)
    try:
        assert store.get_max_phy_offset() == last.wrote_offset
        assert store.get_max_offset_in_queue("Torn", 1) == 4
    finally:
        store.shutdown()
    rec = [s for s in spans.get_finished_spans() if s.name.startswith("CommitLog.recover")]
    assert [s.name for s in rec] == ["CommitLog.recover_normally"]
    assert rec[0].attributes["rocketmq_ref.store.bytes_truncated"] == last.wrote_bytes


def test_deleted_consume_queues_are_rebuilt_from_the_commit_log(tmp_path):
    config, results = _fill(tmp_path, n=60, mapped_file_size_commit_log=8 * 1024)
    assert len(os.listdir(tmp_path / "commitlog")) > 2
    shutil.rmtree(tmp_path / "consumequeue")
    store = open_store(config)  # start() waits until dispatch caught up
    try:
        assert store.get_max_offset_in_queue("Torn", 0) == 30
        assert store.get_max_offset_in_queue("Torn", 1) == 30
        got = store.get_message("g", "Torn", 1, 0, 32, None)
        assert got.get_message_count() == 30
        got.release()
        q = store.query_message("Torn", "k7", 32, 0, 2 ** 62)
        assert len(q.message_buffer_list) == 1
        q.release()
    finally:
        store.shutdown()


def test_no_commit_log_means_no_consume_queues(tmp_path):
    config, _ = _fill(tmp_path, n=5)
    shutil.rmtree(tmp_path / "commitlog")
    store = open_store(config)
    try:
        assert store.get_max_phy_offset() == 0
        assert store.get_max_offset_in_queue("Torn", 0) == 0
        r = store.put_message(new_msg("Torn", b"fresh", 0))
        assert r.append_message_result.logics_offset == 0
    finally:
        store.shutdown()


def test_checkpoint_holds_flush_and_dispatch_times(tmp_path):
    config, results = _fill(tmp_path, n=5)
    physic, logics, index = read_checkpoint(str(tmp_path / "checkpoint"))
    last_store_time = results[-1].append_message_result.store_timestamp
    assert physic == last_store_time
    assert logics == last_store_time


def test_a_commit_log_file_of_the_wrong_size_fails_the_load(tmp_path):
    config, _ = _fill(tmp_path, n=3)
    with open(tmp_path / "commitlog" / "00000000000000000000", "r+b") as f:
        f.truncate(1000)
    store = DefaultMessageStore(config)
    try:
        assert not store.load()
    finally:
        store.shutdown()


@pytest.mark.parametrize("crash", [False, True])
def test_restart_over_several_files_keeps_offsets(tmp_path, crash):
    config = small_config(tmp_path, mapped_file_size_commit_log=4 * 1024)
    store = open_store(config)
    for i in range(60):
        store.put_message(new_msg("Many", b"%04d" % i * 30, 0))
    wait_dispatched(store)
    store.shutdown()
    if crash:
        open(tmp_path / "abort", "w").close()
    store = open_store(config)
    try:
        assert store.get_max_offset_in_queue("Many", 0) == 60
        got = store.get_message("g", "Many", 0, 55, 32, None)
        assert [message_decoder.decode(b).body[:4] for b in got.message_buffer_list] == \
            [b"%04d" % i for i in range(55, 60)]
        got.release()
        assert store.put_message(new_msg("Many", b"next", 0)).append_message_result.logics_offset == 60
    finally:
        store.shutdown()


def test_thorough_consume_queue_flush_persists_the_round_start_time_without_losing_newer_ones(tmp_path):
    config, results = _fill(tmp_path, n=3)
    store = open_store(config)
    try:
        cp = store.get_store_checkpoint()
        service = store.flush_consume_queue_service
        service.last_flush_timestamp = 0  # next round is thorough
        cp.set_logics_msg_timestamp(1000)

        class _Cq:  # a consume queue that is dispatched to while it flushes
            def flush(self, least_pages):
                cp.set_logics_msg_timestamp(2000)
                return True

        store.get_consume_queue_table()["Late"] = {0: _Cq()}
        service.do_flush(1)
        assert read_checkpoint(str(tmp_path / "checkpoint"))[1] == 1000  # only what was flushed
        assert cp.get_logics_msg_timestamp() == 2000  # the newer dispatch is not forgotten
        del store.get_consume_queue_table()["Late"]
    finally:
        store.shutdown()
    assert read_checkpoint(str(tmp_path / "checkpoint"))[1] == 2000
