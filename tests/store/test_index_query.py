"""Index queries through the store: by key and time range, across index files, after a restart and
after kill -9 (the index rebuilt for what the crash lost) (B4.5.3, B4.6.2, B4.7)."""
from __future__ import annotations

import os
import re
import time

from rocketmq_ref.common.message.message_decoder import decode
from rocketmq_ref.store.config import FlushDiskType
from tests.store import spec_reader
from tests.store.store_a_support import new_msg, open_store, small_config, wait_dispatched
from tests.support.processes import process_factory  # noqa: F401  (fixture)

FAR = 2 ** 62
ACK = re.compile(r"^ACK (\d+) (\d+)$", re.M)


def _query(store, topic, key, max_num=32, begin=0, end=FAR):
    res = store.query_message(topic, key, max_num, begin, end)
    try:
        return [decode(b) for b in res.message_buffer_list]
    finally:
        res.release()


def test_query_by_key_and_uniq_key_finds_each_message(tmp_path):
    store = open_store(small_config(tmp_path))
    try:
        for i in range(40):
            store.put_message(new_msg("Orders", f"order {i}".encode(), i % 2, keys=f"order-{i} shop-{i % 4}",
                                      properties={"UNIQ_KEY": f"UNIQ{i:04d}"}))
        store.put_message(new_msg("Other", b"same key, other topic", 0, keys="order-5"))
        wait_dispatched(store)
        assert [m.body for m in _query(store, "Orders", "order-5")] == [b"order 5"]
        assert [m.body for m in _query(store, "Orders", "UNIQ0017")] == [b"order 17"]
        assert [m.body for m in _query(store, "Other", "order-5")] == [b"same key, other topic"]
        shop = _query(store, "Orders", "shop-3")
        assert sorted(m.body for m in shop) == sorted(f"order {i}".encode() for i in range(3, 40, 4))
        assert len(_query(store, "Orders", "shop-3", max_num=4)) == 4
        assert _query(store, "Orders", "nope") == []
        now = int(time.time() * 1000)
        assert _query(store, "Orders", "order-5", begin=now + 3_600_000, end=now + 7_200_000) == []
        assert _query(store, "Orders", "order-5", begin=0, end=now - 3_600_000) == []
    finally:
        store.shutdown()
    store = open_store(small_config(tmp_path))  # the index survives a clean restart
    try:
        assert [m.body for m in _query(store, "Orders", "order-39")] == [b"order 39"]
    finally:
        store.shutdown()


def test_queries_span_rolled_index_files_and_the_checkpoint_follows(tmp_path):
    config = small_config(tmp_path, max_hash_slot_num=64, max_index_num=50)
    store = open_store(config)
    try:
        for i in range(120):
            store.put_message(new_msg("Roll", b"m%d" % i, 0, keys="every"))
        wait_dispatched(store)
        found = _query(store, "Roll", "every", max_num=64)
        assert len(found) == 64  # maxMsgsNumBatch caps a query
        assert len(os.listdir(os.path.join(str(tmp_path), "index"))) == 3  # 49 entries per file
        deadline = time.monotonic() + 5
        while store.get_store_checkpoint().get_index_msg_timestamp() == 0:
            assert time.monotonic() < deadline, "full index file never flushed"
            time.sleep(0.01)
    finally:
        store.shutdown()
    files = sorted(os.listdir(os.path.join(str(tmp_path), "index")))
    parsed = [spec_reader.read_index_file(os.path.join(str(tmp_path), "index", n), 64, 50) for n in files]
    assert [len(p.entries) for p in parsed] == [49, 49, 22]
    assert parsed[1].begin_phy_offset > parsed[0].end_phy_offset


def test_index_is_rebuilt_after_kill_9(process_factory, tmp_path):
    root = tmp_path / "store"
    writer = process_factory.start("tests.store.crash_writer", [str(root)], name="writer",
                                   ready_line="WRITER READY", timeout=60)
    deadline = time.monotonic() + 30
    while len(ACK.findall(writer.log_text())) < 150:
        assert writer.is_running(), writer.log_tail()
        assert time.monotonic() < deadline, "writer acknowledged too few messages"
        time.sleep(0.05)
    writer.kill()
    acked = {int(n): int(off) for n, off in ACK.findall(writer.log_text())}
    # messageIndexSafe: recovery starts early enough to rebuild every dropped index file (without
    # it Java rebuilds only from the checkpoint's commit-log time, and older keys may be lost)
    store = open_store(small_config(root, flush_disk_type=FlushDiskType.SYNC_FLUSH,
                                    mapped_file_size_commit_log=32 * 1024, message_index_safe=True))
    try:
        wait_dispatched(store)
        for n, offset in acked.items():
            res = store.query_message("CrashTopic", f"k{n}", 32, 0, FAR)
            offsets = [m.commit_log_offset for m in (decode(b) for b in res.message_buffer_list)]
            res.release()
            assert offset in offsets, f"acknowledged message {n} not found by its key"
    finally:
        store.shutdown()
