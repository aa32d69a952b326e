"""IndexFile / IndexService tests: the exact header, slot and entry layout, chained lookups by key and
time range, roll-over to a new file, the crash rule on load (Java index package; B4.5.3, B4.6.2)."""
from __future__ import annotations

import os
import struct

import pytest

from rocketmq_ref.common.java_hash import java_string_hash_code
from rocketmq_ref.common.sysflag import MessageSysFlag
from rocketmq_ref.store.dispatch_request import DispatchRequest
from rocketmq_ref.store.index.index_file import IndexFile, index_file_size, index_key_hash_method
from rocketmq_ref.store.index.index_service import IndexService
from tests.store.store_b_support import PartStore

SLOTS = 64
ENTRIES = 16
T0 = 1_700_000_000_000


def _Req(topic: str, commit_log_offset: int, store_timestamp: int, keys: str | None = None,
         uniq_key: str | None = None, sys_flag: int = 0) -> DispatchRequest:
    return DispatchRequest(topic, 0, commit_log_offset, 100, 0, store_timestamp, 0, keys, uniq_key, sys_flag)


@pytest.fixture
def store(tmp_path):
    s = PartStore(str(tmp_path), max_hash_slot_num=SLOTS, max_index_num=ENTRIES)
    yield s
    s.close()


def _files(service: IndexService) -> list[str]:
    return sorted(os.listdir(service.store_path))


def test_key_hash_is_abs_java_hash_and_min_int_maps_to_zero():
    assert index_key_hash_method("TopicTest#k1") == abs(java_string_hash_code("TopicTest#k1"))
    # "polygenelubricants".hashCode() == Integer.MIN_VALUE
    assert java_string_hash_code("polygenelubricants") == -(2 ** 31)
    assert index_key_hash_method("polygenelubricants") == 0


def test_default_geometry_is_420_000_040_bytes():
    assert index_file_size(5_000_000, 20_000_000) == 420_000_040


def test_put_key_writes_header_slot_and_entry_bytes(tmp_path):
    path = str(tmp_path / "20240101000000000")
    f = IndexFile(path, SLOTS, ENTRIES)
    assert f.put_key("T#a", 1000, T0)
    assert f.put_key("T#b", 2000, T0 + 2500)
    assert f.put_key("T#a", 3000, T0 + 7999)
    f.flush()
    raw = open(path, "rb").read()
    assert len(raw) == 40 + SLOTS * 4 + ENTRIES * 20
    assert struct.unpack_from(">qqqqii", raw, 0) == (T0, T0 + 7999, 1000, 3000, 2, 4)
    ha, hb = index_key_hash_method("T#a"), index_key_hash_method("T#b")
    assert struct.unpack_from(">i", raw, 40 + (ha % SLOTS) * 4)[0] == 3  # newest entry of "T#a"
    assert struct.unpack_from(">i", raw, 40 + (hb % SLOTS) * 4)[0] == 2
    base = 40 + SLOTS * 4
    assert raw[base:base + 20] == bytes(20)  # entry 0 is never used
    assert struct.unpack_from(">iqii", raw, base + 20) == (ha, 1000, 0, 0)
    assert struct.unpack_from(">iqii", raw, base + 40) == (hb, 2000, 2, 0)
    assert struct.unpack_from(">iqii", raw, base + 60) == (ha, 3000, 7, 1)  # chained to entry 1
    out: list[int] = []
    f.select_phy_offset(out, "T#a", 10, T0, T0 + 10_000)
    assert out == [3000, 1000]
    f.mapped_file.close()


def test_file_reports_full_and_refuses_more_keys(tmp_path):
    f = IndexFile(str(tmp_path / "20240101000000000"), SLOTS, 4)
    assert [f.put_key(f"T#{i}", i, T0) for i in range(4)] == [True, True, True, False]
    assert f.is_write_full()
    f.mapped_file.close()


def test_build_index_indexes_uniq_key_and_each_key_token(store):
    service = IndexService(store)
    assert service.load(True)
    service.build_index(_Req("TopicTest", 100, T0, keys="order-1  order-2", uniq_key="UNIQ-1"))
    service.build_index(_Req("TopicTest", 200, T0 + 1000, keys="order-1", uniq_key="UNIQ-2"))
    service.build_index(_Req("Other", 300, T0 + 2000, keys="order-1"))
    q = service.query_offset
    assert q("TopicTest", "order-1", 32, 0, T0 + 10_000).phy_offsets == [200, 100]
    assert q("TopicTest", "order-2", 32, 0, T0 + 10_000).phy_offsets == [100]
    assert q("TopicTest", "UNIQ-2", 32, 0, T0 + 10_000).phy_offsets == [200]
    assert q("Other", "order-1", 32, 0, T0 + 10_000).phy_offsets == [300]
    assert q("TopicTest", "missing", 32, 0, T0 + 10_000).phy_offsets == []
    res = q("TopicTest", "order-1", 1, 0, T0 + 10_000)
    assert res.phy_offsets == [200]
    assert res.index_last_update_phyoffset == 300 and res.index_last_update_timestamp == T0 + 2000
    service.shutdown()


def test_query_respects_the_time_range(store):
    service = IndexService(store)
    for i in range(5):
        service.build_index(_Req("T", 100 * (i + 1), T0 + i * 60_000, keys="k"))
    found = service.query_offset("T", "k", 32, T0 + 60_000, T0 + 180_000).phy_offsets
    assert found == [400, 300, 200]
    service.shutdown()


def test_replayed_and_rollback_records_are_not_indexed(store):
    service = IndexService(store)
    service.build_index(_Req("T", 500, T0, keys="k"))
    service.build_index(_Req("T", 400, T0, keys="old"))  # below endPhyOffset: a replay
    service.build_index(_Req("T", 600, T0, keys="rb", sys_flag=MessageSysFlag.TRANSACTION_ROLLBACK_TYPE))
    service.build_index(_Req("T", 700, T0, keys="prep", sys_flag=MessageSysFlag.TRANSACTION_PREPARED_TYPE))
    assert service.query_offset("T", "old", 32, 0, T0 + 1).phy_offsets == []
    assert service.query_offset("T", "rb", 32, 0, T0 + 1).phy_offsets == []
    assert service.query_offset("T", "prep", 32, 0, T0 + 1).phy_offsets == [700]
    service.shutdown()


def test_full_file_rolls_over_and_queries_span_both_files(store):
    service = IndexService(store)
    for i in range(20):
        service.build_index(_Req("T", 100 * (i + 1), T0 + i * 1000, keys="same"))
    assert len(_files(service)) == 2
    first, second = service.index_file_list
    assert first.is_write_full()
    # 15 entries fill a 16-entry file (entry 0 is unused); the next file begins at the next record
    assert first.get_end_phy_offset() == 1500
    assert second.index_header.get_begin_phy_offset() == 1600
    found = service.query_offset("T", "same", 32, 0, T0 + 100_000).phy_offsets
    assert found == [100 * (i + 1) for i in range(19, -1, -1)]
    # the FlushIndexFileThread moved the checkpoint to the full file's end time
    for _ in range(200):
        if store.checkpoint.get_index_msg_timestamp():
            break
        import time
        time.sleep(0.01)
    assert store.checkpoint.get_index_msg_timestamp() == T0 + 14_000
    service.shutdown()


def test_load_after_crash_drops_files_newer_than_the_checkpoint(store):
    service = IndexService(store)
    for i in range(20):
        service.build_index(_Req("T", 100 * (i + 1), T0 + i * 1000, keys="k"))
    for f in service.index_file_list:
        f.flush()
    service.shutdown()
    store.checkpoint.set_index_msg_timestamp(T0 + 14_000)
    normal = IndexService(store)
    assert normal.load(True) and len(normal.index_file_list) == 2
    normal.shutdown()
    crashed = IndexService(store)
    assert crashed.load(False) and len(crashed.index_file_list) == 1
    assert len(_files(crashed)) == 1
    assert crashed.query_offset("T", "k", 32, 0, T0 + 100_000).phy_offsets[0] == 1500
    crashed.shutdown()


def test_delete_expired_file_keeps_the_newest(store):
    service = IndexService(store)
    for i in range(40):
        service.build_index(_Req("T", 100 * (i + 1), T0 + i * 1000, keys="k"))
    assert len(service.index_file_list) == 3
    assert service.delete_expired_file(1600) == 1  # first file ends at 1500
    assert len(_files(service)) == 2
    assert service.delete_expired_file(10 ** 9) == 1  # never the last one
    assert len(service.index_file_list) == 1
    service.shutdown()


def test_corrupt_slot_chain_does_not_loop_forever(tmp_path):
    f = IndexFile(str(tmp_path / "20240101000000000"), SLOTS, ENTRIES)
    f.put_key("T#a", 1, T0)
    f.put_key("T#a", 2, T0)
    base = 40 + SLOTS * 4
    struct.pack_into(">i", f.mapped_byte_buffer, base + 20 + 16, 2)  # entry 1 -> entry 2 -> entry 1
    out: list[int] = []
    f.select_phy_offset(out, "T#b", 1000, 0, T0 + 1)  # other key, same chain walked to the bound
    f.select_phy_offset(out, "T#a", 1000, 0, T0 + 1)
    assert out and len(out) <= ENTRIES
    f.mapped_file.close()


# -- model-based: an index file against a plain list of (key, offset, time) -------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as hst  # noqa: E402


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(puts=hst.lists(hst.tuples(hst.sampled_from(["a", "b", "c", "polygenelubricants", "Aa", "BB", "\u00e9t\u00e9"]),
                                 hst.integers(0, 120)), min_size=0, max_size=40),
       window=hst.tuples(hst.integers(0, 130), hst.integers(0, 130)))
def test_index_file_answers_like_a_list(tmp_path_factory, puts, window):
    """Keys collide on purpose ("Aa"/"BB" share a Java hash; 8 slots share chains)."""
    path = str(tmp_path_factory.mktemp("idx") / "20240101000000000")
    f = IndexFile(path, 8, 64)
    model = []
    t = T0
    for n, (key, step) in enumerate(puts):
        t += step * 100  # non-decreasing store times, as the commit log gives them
        assert f.put_key("T#" + key, 1000 + n, t)
        model.append(("T#" + key, 1000 + n, t))
    begin = T0 + min(window) * 1000
    end = T0 + max(window) * 1000
    for key in {k for k, _, _ in model} | {"T#zz"}:
        got: list[int] = []
        f.select_phy_offset(got, key, 1000, begin, end)
        h = index_key_hash_method(key)
        # what the file can answer: entries with the key's hash whose whole-second time is in range,
        # newest first, the walk stopping at the first entry older than begin
        expected = []
        base = model[0][2] if model else 0
        for k, off, ts in reversed(model):
            stored = base + (ts - base) // 1000 * 1000
            if stored < begin:
                if index_key_hash_method(k) % 8 == h % 8:
                    if index_key_hash_method(k) == h and begin <= stored <= end:
                        expected.append(off)
                    break
                continue
            if index_key_hash_method(k) == h and stored <= end:
                expected.append(off)
        assert got == expected, (key, got, expected)
    f.mapped_file.close()


def test_load_skips_files_that_are_not_index_files(store):
    service = IndexService(store)
    service.build_index(_Req("T", 100, T0, keys="k"))
    service.shutdown()
    with open(os.path.join(service.store_path, "notes.txt"), "w") as f:
        f.write("not an index file")
    again = IndexService(store)
    assert again.load(True)
    assert len(again.index_file_list) == 1
    assert again.query_offset("T", "k", 32, 0, T0 + 1).phy_offsets == [100]
    again.shutdown()


def test_unwritable_index_directory_marks_the_store_index_error(store, monkeypatch):
    monkeypatch.setattr("rocketmq_ref.store.index.index_service.time.sleep", lambda s: None)
    service = IndexService(store)
    os.makedirs(os.path.dirname(service.store_path), exist_ok=True)
    with open(service.store_path, "w") as f:  # a file where the index directory should be
        f.write("x")
    service.build_index(_Req("T", 100, T0, keys="k"))
    assert store.flags.is_index_file_error()
    assert not store.flags.is_writeable()
    assert service.index_file_list == []
