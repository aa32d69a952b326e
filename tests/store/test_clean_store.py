"""Clean-up through the store (B4.9): expired commit-log files go at deleteWhen, consume queues and
index follow the commit log's new min offset, readers see OFFSET_TOO_SMALL, a held file waits."""
from __future__ import annotations

import os
import time

from rocketmq_ref.store.get_message_result import GetMessageStatus
from tests.store.store_a_support import new_msg, open_store, small_config, wait_dispatched

CL = 16 * 1024


def _age(path: str, hours: float) -> None:
    t = time.time() - hours * 3600
    for name in os.listdir(path):
        os.utime(os.path.join(path, name), (t, t))


def _config(tmp_path, **kw):
    every_hour = ";".join(f"{h:02d}" for h in range(24))  # always "time to delete"
    return small_config(tmp_path, mapped_file_size_commit_log=CL, mapped_file_size_consume_queue=20 * 20,
                        max_hash_slot_num=64, max_index_num=60, delete_when=every_hour, file_reserved_time=1,
                        delete_commit_log_files_interval=0, delete_consume_queue_files_interval=0, **kw)


def test_retention_deletes_old_files_and_queues_follow(tmp_path, spans):
    store = open_store(_config(tmp_path))
    try:
        for i in range(200):
            store.put_message(new_msg("Retain", b"x" * 300, 0, keys=f"k{i}"))
        wait_dispatched(store)
        cl_dir = os.path.join(str(tmp_path), "commitlog")
        cq_dir = os.path.join(str(tmp_path), "consumequeue", "Retain", "0")
        n_cl = len(os.listdir(cl_dir))
        n_cq = len(os.listdir(cq_dir))
        n_index = len(os.listdir(os.path.join(str(tmp_path), "index")))
        assert n_cl >= 4 and n_cq >= 10 and n_index >= 3

        store.clean_files_periodically()  # everything is younger than fileReservedTime
        assert len(os.listdir(cl_dir)) == n_cl
        assert store.get_min_offset_in_queue("Retain", 0) == 0

        files = sorted(os.listdir(cl_dir))
        _age(cl_dir, 2)
        os.utime(os.path.join(cl_dir, files[-2]))  # second newest written just now: deletion stops there
        spans.clear()
        store.clean_files_periodically()
        assert sorted(os.listdir(cl_dir)) == files[-2:]
        by_name = {sp.name: sp for sp in spans.get_finished_spans()}
        cl_span = by_name["CleanCommitLogService.delete_expired_files"]
        assert cl_span.attributes["rocketmq.clean.files_deleted"] == len(files) - 2
        assert cl_span.attributes["rocketmq_ref.book.sections"] == ("B4.9",)
        cq_span = by_name["CleanConsumeQueueService.delete_expired_files"]
        assert cq_span.attributes["rocketmq.clean.cq_files_deleted"] > 0
        min_phy = store.get_min_phy_offset()
        assert min_phy == int(files[-2])
        min_q = store.get_min_offset_in_queue("Retain", 0)
        assert min_q > 0
        assert len(os.listdir(cq_dir)) < n_cq
        assert len(os.listdir(os.path.join(str(tmp_path), "index"))) < n_index
        # the first message left is the first at or after the commit log's min offset
        res = store.get_message("g", "Retain", 0, min_q, 1, None)
        assert res.status is GetMessageStatus.FOUND
        assert res.message_maped_list[0].start_offset >= min_phy
        res.release()
        res = store.get_message("g", "Retain", 0, 0, 1, None)
        assert res.status is GetMessageStatus.OFFSET_TOO_SMALL
        assert res.next_begin_offset == min_q
        res.release()
    finally:
        store.shutdown()


def test_a_file_being_read_is_not_deleted_until_released(tmp_path):
    store = open_store(_config(tmp_path, destroy_maped_file_interval_forcibly=120_000))
    try:
        for i in range(120):
            store.put_message(new_msg("Held", b"y" * 300, 0))
        wait_dispatched(store)
        cl_dir = os.path.join(str(tmp_path), "commitlog")
        files = sorted(os.listdir(cl_dir))
        reader = store.get_message("g", "Held", 0, 0, 1, None)  # holds the first commit-log file
        assert reader.status is GetMessageStatus.FOUND
        _age(cl_dir, 2)
        store.clean_files_periodically()
        # still mapped for the reader, and deletion never skips ahead of it (the allocation
        # service may have created the next file ahead meanwhile: only files after these)
        assert sorted(os.listdir(cl_dir))[:len(files)] == files
        reader.release()
        store.clean_files_periodically()
        left = sorted(os.listdir(cl_dir))
        assert files[0] not in left and len(left) < len(files)
        assert left[0] == "%020d" % store.get_min_phy_offset()
    finally:
        store.shutdown()
