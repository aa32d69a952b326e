"""CommitLog: the bytes on disk, roll-over with the blank record, limits, delay rewrite, transactions,
batches, the record checker (books B4.3, B4.5.1; spec message-and-store §1, §6, §9.1)."""
from __future__ import annotations

import os
import socket
import struct
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rocketmq_ref.common.message import message_decoder
from rocketmq_ref.common.message.message import Message
from rocketmq_ref.common.message.message_batch import MessageExtBatch
from rocketmq_ref.common.message.message_decoder import encode_messages, message_properties2string
from rocketmq_ref.common.sysflag import MessageSysFlag
from rocketmq_ref.store.put_message_result import PutMessageStatus
from tests.store.spec_reader import (MAGIC_BLANK, java_hash, read_commitlog_dir,
                                     read_commitlog_file, read_consume_queue_dir)
from tests.store.store_a_support import store  # noqa: F401  (fixture)
from tests.store.store_a_support import new_msg, open_store, small_config, wait_dispatched

FILE = 64 * 1024


def _commitlog(tmp_path):
    return str(tmp_path / "commitlog")


def test_records_on_disk_are_the_4x_layout(store, tmp_path):
    r1 = store.put_message(new_msg("TopicTest", b"first body", 1, keys="k1"))
    r2 = store.put_message(new_msg("TopicTest", b"second", 1, born_host=("::1", 40000)))
    r3 = store.put_message(new_msg("Other", b"", 0, tags=None))
    assert [r.put_message_status for r in (r1, r2, r3)] == [PutMessageStatus.PUT_OK] * 3
    store.flush()
    recs = read_commitlog_dir(_commitlog(tmp_path), FILE)
    assert [r.topic for r in recs] == ["TopicTest", "TopicTest", "Other"]
    assert [r.queue_offset for r in recs] == [0, 1, 0]
    assert [r.physical_offset for r in recs] == [0, recs[0].total_size,
                                                recs[0].total_size + recs[1].total_size]
    assert recs[0].body == b"first body" and recs[2].body == b""
    assert recs[0].properties == {"TAGS": "TagA", "KEYS": "k1", "WAIT": "true"}
    assert recs[0].born_host == (socket.inet_aton("127.0.0.1"), 51234)
    assert recs[0].store_host == (socket.inet_aton("127.0.0.1"), 10911)
    assert recs[1].sys_flag & MessageSysFlag.BORNHOST_V6_FLAG
    assert recs[1].born_host == (socket.inet_pton(socket.AF_INET6, "::1"), 40000)
    assert recs[1].total_size == 91 + 6 + 9 + len("TAGS\x01TagA\x02WAIT\x01true") + 12
    # the store time is the one reported and it never goes backwards in file order
    assert recs[0].store_timestamp == r1.append_message_result.store_timestamp
    assert recs[0].store_timestamp <= recs[1].store_timestamp <= recs[2].store_timestamp
    # offset message id = store ip, port, physical offset (spec §4)
    assert r2.append_message_result.msg_id == "7F00000100002A9F" + "%016X" % recs[1].physical_offset


def test_a_record_that_does_not_fit_leaves_a_blank_record_and_moves_on(store, tmp_path):
    body = b"x" * 3000
    results = [store.put_message(new_msg("Roll", body, 0)) for _ in range(25)]
    assert all(r.is_ok() for r in results)
    store.flush()
    files = sorted(os.listdir(_commitlog(tmp_path)))
    assert files[:2] == ["00000000000000000000", "00000000000000065536"]
    first, blank = read_commitlog_file(os.path.join(_commitlog(tmp_path), files[0]))
    assert blank
    end = first[-1].physical_offset_in_file + first[-1].total_size
    with open(os.path.join(_commitlog(tmp_path), files[0]), "rb") as f:
        f.seek(end)
        size, magic = struct.unpack(">ii", f.read(8))
    assert (size, magic) == (FILE - end, MAGIC_BLANK)
    second, _ = read_commitlog_file(os.path.join(_commitlog(tmp_path), files[1]))
    assert second[0].physical_offset == FILE
    assert second[0].queue_offset == len(first)  # queue offsets carry on across the files
    assert results[len(first)].append_message_result.wrote_offset == FILE
    # reads skip the blank record too
    wait_dispatched(store)
    got = store.get_message("g", "Roll", 0, len(first) - 1, 2, None)
    try:
        assert [message_decoder.decode(b).queue_offset for b in got.message_buffer_list] == \
            [len(first) - 1, len(first)]
    finally:
        got.release()


def test_consume_queue_units_point_at_the_records(store, tmp_path):
    for i in range(5):
        store.put_message(new_msg("CQ", b"body%d" % i, 2, tags="TagB"))
    wait_dispatched(store)
    store.flush()
    for maps in store.get_consume_queue_table().values():
        for cq in maps.values():
            cq.flush(0)
    recs = read_commitlog_dir(_commitlog(tmp_path), FILE)
    units = read_consume_queue_dir(str(tmp_path / "consumequeue" / "CQ" / "2"), 20 * 200)
    assert [(u.commit_log_offset, u.size) for u in units] == \
        [(r.physical_offset, r.total_size) for r in recs]
    assert {u.tags_code for u in units} == {java_hash("TagB")}


def test_size_limits_give_the_java_statuses(tmp_path):
    s = open_store(small_config(tmp_path, max_message_size=1024))
    try:
        assert s.put_message(new_msg("T", b"x" * 1024)).is_ok()
        big = s.put_message(new_msg("T", b"x" * 1025))
        assert big.put_message_status is PutMessageStatus.MESSAGE_ILLEGAL
        long_topic = s.put_message(new_msg("T" * 128, b"x"))
        assert long_topic.put_message_status is PutMessageStatus.MESSAGE_ILLEGAL
        m = new_msg("T", b"x")
        m.properties_string = "a\x01" + "v" * 40000
        assert s.put_message(m).put_message_status is PutMessageStatus.MESSAGE_ILLEGAL
        # properties under 32767 chars whose UTF-8 is longer: the encoder's byte check
        m = new_msg("T", b"x")
        m.properties_string = "a\x01" + "\u00e9" * 20000
        assert s.put_message(m).put_message_status is PutMessageStatus.PROPERTIES_SIZE_EXCEEDED
        # nothing was written by the refused ones: the next offset follows the first message
        ok = s.put_message(new_msg("T", b"y"))
        assert ok.append_message_result.logics_offset == 1
        assert s.get_runtime_info()["putMessageFailedTimes"] == "4"
    finally:
        s.shutdown()


def test_delayed_message_is_parked_in_schedule_topic_with_delivery_time_as_tags_code(store):
    msg = new_msg("RealTopic", b"later", 3, properties={"DELAY": "3"})
    r = store.put_message(msg)
    assert r.is_ok()
    wait_dispatched(store)
    stored = store.look_message_by_offset(r.append_message_result.wrote_offset)
    assert stored.topic == "SCHEDULE_TOPIC_XXXX" and stored.queue_id == 2
    assert stored.properties["REAL_TOPIC"] == "RealTopic" and stored.properties["REAL_QID"] == "3"
    cq = store.find_consume_queue("SCHEDULE_TOPIC_XXXX", 2)
    buf = cq.get_index_buffer(0)
    try:
        _, _, tags_code = struct.unpack_from(">qiq", buf.byte_buffer, 0)
    finally:
        buf.release()
    assert tags_code == stored.store_timestamp + 10_000  # level 3 = 10s
    # a level above the last is clamped to it (2h)
    r = store.put_message(new_msg("RealTopic", b"much later", 0, properties={"DELAY": "99"}))
    stored = store.look_message_by_offset(r.append_message_result.wrote_offset)
    assert stored.queue_id == 17 and stored.properties["DELAY"] == "18"


def test_prepared_and_rollback_records_take_no_queue_offset(store):
    prepared = MessageSysFlag.TRANSACTION_PREPARED_TYPE
    r1 = store.put_message(new_msg("Tx", b"half", 0, sys_flag=prepared))
    r2 = store.put_message(new_msg("Tx", b"normal", 0))
    r3 = store.put_message(new_msg("Tx", b"commit", 0, sys_flag=MessageSysFlag.TRANSACTION_COMMIT_TYPE))
    r4 = store.put_message(new_msg("Tx", b"rollback", 0, sys_flag=MessageSysFlag.TRANSACTION_ROLLBACK_TYPE))
    assert [r.append_message_result.logics_offset for r in (r1, r2, r3, r4)] == [0, 0, 1, 0]
    wait_dispatched(store)
    assert store.get_max_offset_in_queue("Tx", 0) == 2  # only NOT_TYPE and COMMIT get units
    got = store.get_message("g", "Tx", 0, 0, 10, None)
    try:
        assert [message_decoder.decode(b).body for b in got.message_buffer_list] == [b"normal", b"commit"]
    finally:
        got.release()


def _Batch(topic, queue_id, messages, properties):  # noqa: N802  (reads like the Java class)
    return MessageExtBatch(topic, encode_messages(messages), properties=properties, queue_id=queue_id,
                           born_timestamp=1_700_000_000_000, born_host=("127.0.0.1", 6000),
                           store_host=("127.0.0.1", 10911))


def test_batch_gets_consecutive_queue_offsets_and_merged_properties(store, tmp_path):
    store.put_message(new_msg("B", b"before", 1))
    inner = [Message("B", b"one", tags="t1"), Message("B", b"two"), Message("B", b"three", keys="kk")]
    for m in inner:
        m.properties.pop("WAIT", None)
        m.properties["UNIQ_KEY"] = "U" + m.body.decode()
    r = store.put_messages(_Batch("B", 1, inner, {"WAIT": "true", "CLUSTER": "c1"}))
    assert r.is_ok()
    ar = r.append_message_result
    assert ar.msg_num == 3 and ar.logics_offset == 1
    ids = ar.msg_id.split(",")
    assert len(ids) == 3
    store.flush()
    recs = read_commitlog_dir(_commitlog(tmp_path), FILE)[1:]
    assert [r.queue_offset for r in recs] == [1, 2, 3]
    assert [r.body for r in recs] == [b"one", b"two", b"three"]
    assert ids == ["7F00000100002A9F%016X" % r.physical_offset for r in recs]
    assert recs[0].properties == {"TAGS": "t1", "UNIQ_KEY": "Uone", "WAIT": "true", "CLUSTER": "c1"}
    assert recs[0].born_host == (socket.inet_aton("127.0.0.1"), 6000)
    # a batch must not be delayed or transactional
    b = _Batch("B", 1, [Message("B", b"x")], {})
    b.properties["DELAY"] = "2"
    assert store.put_messages(b).put_message_status is PutMessageStatus.MESSAGE_ILLEGAL
    b = _Batch("B", 1, [Message("B", b"x")], {})
    b.sys_flag = MessageSysFlag.TRANSACTION_PREPARED_TYPE
    assert store.put_messages(b).put_message_status is PutMessageStatus.MESSAGE_ILLEGAL


def test_malformed_batch_body_is_refused_without_writing(store):
    b = _Batch("B", 0, [Message("B", b"x")], {})
    b.body = b.body[:-3]  # truncated inner record
    before = store.get_max_phy_offset()
    assert store.put_messages(b).put_message_status is PutMessageStatus.MESSAGE_ILLEGAL
    assert store.get_max_phy_offset() == before


def test_checker_rejects_bad_crc_bad_magic_and_bad_length(store):
    r = store.put_message(new_msg("C", b"payload", 0))
    off = r.append_message_result.wrote_offset
    sbr = store.commit_log.get_message(off, r.append_message_result.wrote_bytes)
    data = bytearray(sbr.byte_buffer)
    sbr.release()
    cl = store.commit_log
    ok = cl.check_message_and_return_size(memoryview(data), 0, True)
    assert ok.success and ok.msg_size == len(data) and ok.topic == "C"
    assert ok.tags_code == java_hash("TagA") and ok.properties_map["WAIT"] == "true"
    bad_crc = bytearray(data)
    bad_crc[84 + 4] ^= 0xFF  # first body byte
    assert not cl.check_message_and_return_size(memoryview(bad_crc), 0, True).success
    assert cl.check_message_and_return_size(memoryview(bad_crc), 0, False).success  # reput skips CRC
    bad_magic = bytearray(data)
    bad_magic[4:8] = b"\0\0\0\1"
    assert cl.check_message_and_return_size(memoryview(bad_magic), 0, True).msg_size == -1
    bad_len = bytearray(data) + b"\0" * 4
    struct.pack_into(">i", bad_len, 0, len(data) + 4)
    res = cl.check_message_and_return_size(memoryview(bad_len), 0, True)
    assert not res.success and res.msg_size == len(data) + 4
    truncated = memoryview(bytes(data[: len(data) // 2]))
    assert cl.check_message_and_return_size(truncated, 0, True).msg_size == -1
    blank = struct.pack(">ii", 100, MAGIC_BLANK)
    res = cl.check_message_and_return_size(memoryview(blank), 0, True)
    assert res.success and res.msg_size == 0


def test_put_span_carries_lock_wait_append_and_encode(store, spans):
    store.put_message(new_msg("Traced", b"x" * 100, 0))
    put = [s for s in spans.get_finished_spans() if s.name == "CommitLog.put_message"]
    assert len(put) == 1
    attrs = put[0].attributes
    for key in ("rocketmq_ref.store.lock_wait_us", "rocketmq_ref.store.append_us",
                "rocketmq_ref.store.encode_us", "rocketmq_ref.store.wrote_offset"):
        assert key in attrs
    assert attrs["rocketmq_ref.java.method"] == "org.apache.rocketmq.store.CommitLog#asyncPutMessage"
    assert "B4.3" in attrs["rocketmq_ref.book.sections"]


def test_messages_are_returned_as_views_of_the_mapped_file(store):
    store.put_message(new_msg("View", b"zero-copy", 0))
    wait_dispatched(store)
    got = store.get_message("g", "View", 0, 0, 1, None)
    view = got.message_buffer_list[0]
    assert isinstance(view, memoryview)
    assert view.obj is not None and type(view.obj).__name__ == "mmap"
    assert message_decoder.decode(view).body == b"zero-copy"
    got.release()
    with pytest.raises(ValueError):
        bytes(view)  # released with the result: no reader keeps a dangling view


def test_put_after_shutdown_is_service_not_available(tmp_path):
    s = open_store(small_config(tmp_path))
    s.shutdown()
    r = s.put_message(new_msg("T", b"x"))
    assert r.put_message_status is PutMessageStatus.SERVICE_NOT_AVAILABLE
    assert s.get_message("g", "T", 0, 0, 1, None) is None


def test_slave_refuses_puts(tmp_path):
    from rocketmq_ref.store.config import BrokerRole
    s = open_store(small_config(tmp_path, broker_role=BrokerRole.SLAVE))
    try:
        r = s.put_message(new_msg("T", b"x"))
        assert r.put_message_status is PutMessageStatus.SERVICE_NOT_AVAILABLE
    finally:
        s.shutdown()


def test_sync_master_without_slave_answers_slave_not_available(tmp_path):
    from rocketmq_ref.store.config import BrokerRole
    s = open_store(small_config(tmp_path, broker_role=BrokerRole.SYNC_MASTER))
    try:
        r = s.put_message(new_msg("T", b"x"))
        assert r.put_message_status is PutMessageStatus.SLAVE_NOT_AVAILABLE
        assert r.is_ok()  # stored all the same, as in Java
        assert s.put_message(new_msg("T", b"y", wait=False)).put_message_status is PutMessageStatus.PUT_OK
    finally:
        s.shutdown()


def test_concurrent_putters_get_distinct_consecutive_queue_offsets(store):
    import threading
    offsets: list[int] = []
    lock = threading.Lock()

    def put_many():
        for _ in range(50):
            r = store.put_message(new_msg("Conc", b"c" * 200, 0))
            with lock:
                offsets.append(r.append_message_result.logics_offset)

    threads = [threading.Thread(target=put_many) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(offsets) == list(range(200))
    wait_dispatched(store)
    assert store.get_max_offset_in_queue("Conc", 0) == 200


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=0, max_size=400), pos=st.integers(0, 64), check_crc=st.booleans())
def test_checker_never_raises_on_garbage(store, data, pos, check_crc):
    res = store.commit_log.check_message_and_return_size(memoryview(data), pos, check_crc)
    assert isinstance(res.success, bool) and isinstance(res.msg_size, int)
    if res.success and res.msg_size > 0:
        assert pos + res.msg_size <= len(data)


@pytest.fixture
def twenty_records(store):
    for i in range(20):
        store.put_message(new_msg("Fz", b"body-%d" % i * 7, i % 3))
    sbr = store.commit_log.get_data(0)
    data = bytes(sbr.byte_buffer)
    sbr.release()
    return data


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 255)), max_size=5))
def test_checker_on_corrupted_records_finds_only_whole_valid_prefixes(store, twenty_records, flips):
    data = bytearray(twenty_records)
    for at, x in flips:
        data[at % len(data)] ^= x
    cl = store.commit_log
    pos = 0
    view = memoryview(bytes(data))
    while pos < len(view):
        res = cl.check_message_and_return_size(view, pos, True)
        if not res.success or res.msg_size <= 0:
            break
        assert message_decoder.decode(view, pos, decompress_body=False).store_size == res.msg_size
        pos += res.msg_size
    assert pos <= len(view)
    if not flips:
        assert pos == len(view)


def test_max_message_size_can_change_while_running(tmp_path):
    store = open_store(small_config(tmp_path, mapped_file_size_commit_log=16 * 1024 * 1024))
    cfg = store.get_message_store_config()
    original = cfg.max_message_size
    body = b"x" * (original + 10)
    try:
        assert store.put_message(new_msg("Dyn", body)).put_message_status is \
            PutMessageStatus.MESSAGE_ILLEGAL
        cfg.max_message_size = original + 10
        assert store.put_message(new_msg("Dyn", body)).put_message_status is PutMessageStatus.PUT_OK
        cfg.max_message_size = 10
        assert store.put_message(new_msg("Dyn", body)).put_message_status is \
            PutMessageStatus.MESSAGE_ILLEGAL
    finally:
        store.shutdown()


def test_a_message_larger_than_a_file_is_refused_without_burning_files(tmp_path):
    store = open_store(small_config(tmp_path, mapped_file_size_commit_log=4096))
    try:
        r = store.put_message(new_msg("Big", b"x" * 5000))
        assert r.put_message_status is PutMessageStatus.MESSAGE_ILLEGAL
        assert store.get_max_phy_offset() == 0
        assert store.put_message(new_msg("Big", b"small")).append_message_result.wrote_offset == 0
    finally:
        store.shutdown()
