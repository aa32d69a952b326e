"""DefaultMessageStore: get_message statuses and limits, filters, the arrival listener, the lock file,
lookups by key, offset and time, and a model-based test against a plain list (books B4, B5)."""
from __future__ import annotations

import os
import shutil
import tempfile
import time

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from rocketmq_ref.common.java_hash import java_string_hash_code
from rocketmq_ref.common.message import message_decoder
from rocketmq_ref.store.default_message_store import DefaultMessageStore, MessageStoreError
from rocketmq_ref.store.get_message_result import GetMessageStatus
from rocketmq_ref.store.message_filter import MessageFilter
from tests.store.store_a_support import store  # noqa: F401  (fixture)
from tests.store.store_a_support import new_msg, open_store, small_config, wait_dispatched


def _bodies(result):
    return [message_decoder.decode(b).body for b in result.message_buffer_list]


def test_get_message_statuses_follow_java(store):
    r = store.get_message("g", "T", 0, 0, 32, None)
    assert (r.status, r.next_begin_offset, r.min_offset, r.max_offset) == \
        (GetMessageStatus.NO_MESSAGE_IN_QUEUE, 0, 0, 0)
    for i in range(3):
        store.put_message(new_msg("T", b"m%d" % i, 0))
    wait_dispatched(store)
    r = store.get_message("g", "T", 0, 1, 32, None)
    assert r.status is GetMessageStatus.FOUND and _bodies(r) == [b"m1", b"m2"]
    assert (r.next_begin_offset, r.min_offset, r.max_offset) == (3, 0, 3)
    assert not r.suggest_pulling_from_slave
    r.release()
    r = store.get_message("g", "T", 0, 3, 32, None)
    assert (r.status, r.next_begin_offset) == (GetMessageStatus.OFFSET_OVERFLOW_ONE, 3)
    r = store.get_message("g", "T", 0, 10, 32, None)
    assert (r.status, r.next_begin_offset) == (GetMessageStatus.OFFSET_OVERFLOW_BADLY, 3)


def test_a_queue_never_written_has_offsets_zero_as_java(store):
    # Java's findConsumeQueue creates the empty queue: min, max and total are all 0, never -1
    assert store.get_min_offset_in_queue("Never", 3) == 0
    assert store.get_max_offset_in_queue("Never", 3) == 0
    assert store.get_message_total_in_queue("Never", 3) == 0


def test_offset_too_small_after_old_files_are_cleaned(tmp_path):
    s = open_store(small_config(tmp_path, mapped_file_size_commit_log=16 * 1024))
    try:
        for i in range(300):
            s.put_message(new_msg("Old", b"x" * 300, 0))
        wait_dispatched(s)
        deleted = s.get_commit_log().delete_expired_file(0, 0, 1000, True)
        assert deleted >= 3
        s.clean_consume_queue_service.run()
        min_offset = s.get_min_offset_in_queue("Old", 0)
        assert min_offset > 0
        r = s.get_message("g", "Old", 0, 0, 32, None)
        assert (r.status, r.next_begin_offset) == (GetMessageStatus.OFFSET_TOO_SMALL, min_offset)
        r = s.get_message("g", "Old", 0, min_offset, 1, None)
        assert r.status is GetMessageStatus.FOUND
        r.release()
    finally:
        s.shutdown()


class _TagFilter(MessageFilter):
    def __init__(self, tag: str) -> None:
        self.code = java_string_hash_code(tag)
        self.commit_log_checks = 0

    def is_matched_by_consume_queue(self, tags_code, cq_ext_unit) -> bool:
        return tags_code == self.code

    def is_matched_by_commit_log(self, msg_buffer, properties) -> bool:
        self.commit_log_checks += 1
        return message_decoder.decode(msg_buffer).properties.get("KEYS") != "skip"


def test_filters_by_tags_code_then_by_record(store):
    store.put_message(new_msg("F", b"a", 0, tags="A"))
    store.put_message(new_msg("F", b"b", 0, tags="B"))
    store.put_message(new_msg("F", b"a2", 0, tags="A", keys="skip"))
    store.put_message(new_msg("F", b"a3", 0, tags="A"))
    wait_dispatched(store)
    f = _TagFilter("A")
    r = store.get_message("g", "F", 0, 0, 32, f)
    assert r.status is GetMessageStatus.FOUND and _bodies(r) == [b"a", b"a3"]
    assert r.next_begin_offset == 4 and f.commit_log_checks == 3
    r.release()
    r = store.get_message("g", "F", 0, 1, 1, _TagFilter("C"))
    assert (r.status, r.next_begin_offset, r.get_message_count()) == \
        (GetMessageStatus.NO_MATCHED_MESSAGE, 4, 0)


def test_transfer_limits_cap_a_pull(store):
    for i in range(40):
        store.put_message(new_msg("L", b"%d" % i, 0))
    for i in range(30):
        store.put_message(new_msg("Big", b"b" * 10 * 1024, 0))
    wait_dispatched(store)
    r = store.get_message("g", "L", 0, 0, 100, None)
    assert r.get_message_count() == 32 and r.next_begin_offset == 32  # maxTransferCountOnMessageInMemory
    r.release()
    r = store.get_message("g", "L", 0, 0, 5, None)
    assert r.get_message_count() == 5 and r.next_begin_offset == 5
    r.release()
    r = store.get_message("g", "Big", 0, 0, 100, None)
    assert r.get_message_count() == 25  # 256 KiB maxTransferBytesOnMessageInMemory
    assert r.buffer_total_size <= 256 * 1024
    r.release()


class _Listener:
    def __init__(self) -> None:
        self.calls = []

    def arriving(self, topic, queue_id, logic_offset, tags_code, msg_store_time, bit_map, props):
        self.calls.append((topic, queue_id, logic_offset, tags_code, props.get("KEYS")))


def test_arrival_listener_hears_each_dispatched_message(tmp_path):
    listener = _Listener()
    s = open_store(small_config(tmp_path), message_arriving_listener=listener)
    try:
        s.put_message(new_msg("Arr", b"1", 1, keys="a"))
        s.put_message(new_msg("Arr", b"2", 1, keys="b"))
        wait_dispatched(s)
        deadline = time.monotonic() + 5
        while len(listener.calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        code = java_string_hash_code("TagA")
        assert listener.calls == [("Arr", 1, 1, code, "a"), ("Arr", 1, 2, code, "b")]
    finally:
        s.shutdown()


def test_second_store_on_the_same_directory_cannot_start(tmp_path, store):
    other = DefaultMessageStore(small_config(tmp_path))
    assert other.load()
    with pytest.raises(MessageStoreError, match="Lock failed"):
        other.start()
    other.shutdown()
    with open(tmp_path / "lock", "rb") as f:
        assert f.read(4) == b"lock"


def test_abort_file_exists_only_while_running(tmp_path):
    s = open_store(small_config(tmp_path))
    assert os.path.exists(tmp_path / "abort")
    s.shutdown()
    assert not os.path.exists(tmp_path / "abort")
    assert s.shut_down_normal


def test_lookups_by_key_offset_and_time(store):
    times = []
    offsets = []
    for i in range(6):
        r = store.put_message(new_msg("Q", b"v%d" % i, 0, keys=f"key{i} shared",
                                      properties={"UNIQ_KEY": f"UNIQ{i}"}))
        offsets.append(r.append_message_result.wrote_offset)
        times.append(r.append_message_result.store_timestamp)
        time.sleep(0.003)
    wait_dispatched(store)
    q = store.query_message("Q", "key3", 32, 0, 2 ** 62)
    assert [message_decoder.decode(b).body for b in q.message_buffer_list] == [b"v3"]
    q.release()
    q = store.query_message("Q", "shared", 32, 0, 2 ** 62)
    assert sorted(message_decoder.decode(b).body for b in q.message_buffer_list) == \
        [b"v%d" % i for i in range(6)]
    q.release()
    q = store.query_message("Q", "UNIQ4", 32, 0, 2 ** 62)
    assert len(q.message_buffer_list) == 1
    q.release()
    msg = store.look_message_by_offset(offsets[2])
    assert msg.body == b"v2" and msg.commit_log_offset == offsets[2]
    sel = store.select_one_message_by_offset(offsets[4])
    assert message_decoder.decode(sel.byte_buffer).body == b"v4"
    sel.release()
    assert store.get_commit_log_offset_in_queue("Q", 0, 5) == offsets[5]
    assert store.get_offset_in_queue_by_time("Q", 0, times[3]) == 3
    assert store.get_message_store_time_stamp("Q", 0, 1) == times[1]
    assert store.get_earliest_message_time("Q", 0) == times[0]
    assert store.look_message_by_offset(10 ** 9) is None


def test_commit_log_data_and_append_for_replication(tmp_path, store):
    for i in range(10):
        store.put_message(new_msg("HA", b"r%d" % i, 0))
    data = store.get_commit_log_data(0)
    raw = bytes(data.byte_buffer)
    data.release()
    assert len(raw) == store.get_max_phy_offset()
    slave_root = tmp_path / "slave"
    from rocketmq_ref.store.config import BrokerRole
    slave = open_store(small_config(slave_root, broker_role=BrokerRole.SLAVE))
    try:
        assert slave.append_to_commit_log(0, raw[:1000])
        assert slave.append_to_commit_log(1000, raw, 1000, len(raw) - 1000)
        wait_dispatched(slave)
        r = slave.get_message("g", "HA", 0, 0, 32, None)
        assert _bodies(r) == [b"r%d" % i for i in range(10)]
        r.release()
    finally:
        slave.shutdown()


def test_runtime_info_reports_offsets_and_counts(store):
    for i in range(3):
        store.put_message(new_msg("RI", b"x", 0))
    info = store.get_runtime_info()
    assert info["commitLogMaxOffset"] == str(store.get_max_phy_offset())
    assert info["commitLogMinOffset"] == "0"
    assert info["putMessageTimesTotal"] == "3"
    assert "commitLogDiskRatio" in info and "getTotalTps" in info


# -- model-based: the store against a plain list per queue ----------------------------------------

class StoreAgainstLists(RuleBasedStateMachine):
    """Random puts, reads, clean restarts and crash-style restarts (abort file left behind)."""

    def __init__(self) -> None:
        super().__init__()
        self.root = tempfile.mkdtemp(prefix="store-model-")
        self.config = small_config(self.root, mapped_file_size_commit_log=8 * 1024,
                                   mapped_file_size_consume_queue=20 * 16)
        self.model: dict[int, list[bytes]] = {0: [], 1: [], 2: []}
        self.store = open_store(self.config)

    def teardown(self) -> None:
        self.store.shutdown()
        shutil.rmtree(self.root, ignore_errors=True)

    @rule(queue=st.integers(0, 2), body=st.binary(min_size=0, max_size=1500))
    def put(self, queue, body):
        r = self.store.put_message(new_msg("M", body, queue))
        assert r.is_ok()
        assert r.append_message_result.logics_offset == len(self.model[queue])
        self.model[queue].append(body)

    @rule(queue=st.integers(0, 2), data=st.data(), n=st.integers(1, 40))
    def get(self, queue, data, n):
        wait_dispatched(self.store)
        expected = self.model[queue]
        offset = data.draw(st.integers(0, len(expected) + 1))
        r = self.store.get_message("g", "M", queue, offset, n, None)
        try:
            if not expected:
                assert r.status is GetMessageStatus.NO_MESSAGE_IN_QUEUE
            elif offset == len(expected):
                assert r.status is GetMessageStatus.OFFSET_OVERFLOW_ONE
            elif offset > len(expected):
                assert r.status is GetMessageStatus.OFFSET_OVERFLOW_BADLY
            else:
                assert r.status is GetMessageStatus.FOUND
                got = _bodies(r)
                assert 1 <= len(got) <= n
                assert [g or b"" for g in got] == expected[offset:offset + len(got)]
                assert r.next_begin_offset == offset + len(got)
        finally:
            r.release()

    @rule(crash=st.booleans())
    def restart(self, crash):
        self.store.shutdown()
        if crash:  # as if the process died: the abort file makes the next load recover abnormally
            open(os.path.join(self.root, "abort"), "w").close()
        self.store = open_store(self.config)

    @precondition(lambda self: any(self.model.values()))
    @invariant()
    def queue_ends_match(self):
        wait_dispatched(self.store)
        for q, bodies in self.model.items():
            assert self.store.get_max_offset_in_queue("M", q) == len(bodies)


StoreAgainstLists.TestCase.settings = settings(
    max_examples=12, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_store_behaves_like_lists_across_restarts = StoreAgainstLists.TestCase


def test_dispatch_spans_carry_one_event_per_record(store, spans):
    for i in range(3):
        store.put_message(new_msg("Ev", b"%d" % i, 1))
    wait_dispatched(store)
    reput = [s for s in spans.get_finished_spans() if s.name == "ReputMessageService.do_reput"]
    events = [e for s in reput for e in s.events if e.name == "dispatch"]
    assert [e.attributes["rocketmq_ref.store.queue_offset"] for e in events] == [0, 1, 2]
    assert sum(s.attributes["rocketmq_ref.store.records"] for s in reput) == 3
    assert all(e.attributes["messaging.destination.name"] == "Ev" for e in events)


class _BrokenListener:
    def __init__(self) -> None:
        self.calls = 0

    def arriving(self, *args):
        self.calls += 1
        raise RuntimeError("listener bug")


def test_a_failing_arrival_listener_does_not_stall_dispatch(tmp_path):
    listener = _BrokenListener()
    s = open_store(small_config(tmp_path), message_arriving_listener=listener)
    try:
        for i in range(3):
            s.put_message(new_msg("Brk", b"%d" % i, 0))
        wait_dispatched(s)
        assert s.get_max_offset_in_queue("Brk", 0) == 3 and listener.calls == 3
    finally:
        s.shutdown()


def test_put_latency_distribution_and_quantiles_follow_java_buckets():
    from rocketmq_ref.store.store_stats_service import StoreStatsService
    stats = StoreStatsService()
    for ms in [0] * 10 + [5] * 80 + [30] * 9 + [700]:
        stats.set_put_message_entire_time_max(ms)
    stats._rotate_minute()  # what the sampler does once a minute
    info = stats.get_runtime_info()
    assert info["putMessageDistributeTime"].startswith("[<=0ms]:10 [0~10ms]:80 [10~50ms]:9 ")
    assert "[500ms~1s]:1 " in info["putMessageDistributeTime"]
    assert info["putMessageEntireTimeMax"] == "700"
    assert 28.0 <= float(info["putLatency99"]) <= 30.0  # inside the 28-30 ms bucket
    assert info["putLatency999"] == "30.00"  # Java's index is floor(total * px): the 99th of 100
    for ms in [1] * 95 + [700] * 5:
        stats.set_put_message_entire_time_max(ms)
    stats._rotate_minute()
    assert 600.0 <= stats.find_put_message_entire_time_px(0.99) <= 700.0


class _ExtFilter(MessageFilter):
    def __init__(self) -> None:
        self.seen = []

    def is_matched_by_consume_queue(self, tags_code, cq_ext_unit) -> bool:
        self.seen.append((tags_code, cq_ext_unit is not None))
        return tags_code == java_string_hash_code("Keep")

    def is_matched_by_commit_log(self, msg_buffer, properties) -> bool:
        return True


def test_get_message_reads_tags_codes_through_consume_queue_ext(tmp_path):
    s = open_store(small_config(tmp_path, enable_consume_queue_ext=True,
                                mapped_file_size_consume_queue_ext=64 * 1024))
    try:
        s.put_message(new_msg("X", b"keep", 0, tags="Keep"))
        s.put_message(new_msg("X", b"drop", 0, tags="Drop"))
        wait_dispatched(s)
        f = _ExtFilter()
        r = s.get_message("g", "X", 0, 0, 32, f)
        assert _bodies(r) == [b"keep"]
        r.release()
        assert f.seen == [(java_string_hash_code("Keep"), True), (java_string_hash_code("Drop"), True)]
    finally:
        s.shutdown()


def test_clean_unused_topic_keeps_schedule_and_transaction_op_queues(store):
    for topic in ("Gone", "Kept", "RMQ_SYS_TRANS_OP_HALF_TOPIC"):
        store.put_message(new_msg(topic, b"x", 0))
    store.put_message(new_msg("Kept", b"later", 0, properties={"DELAY": "1"}))
    wait_dispatched(store)
    store.clean_unused_topic({"Kept"})
    assert set(store.get_consume_queue_table()) == \
        {"Kept", "RMQ_SYS_TRANS_OP_HALF_TOPIC", "SCHEDULE_TOPIC_XXXX"}
    assert store.get_max_offset_in_queue("Gone", 0) == 0
    # a re-created topic starts again at queue offset 0
    r = store.put_message(new_msg("Gone", b"again", 0))
    assert r.append_message_result.logics_offset == 0


def test_expired_consume_queues_and_message_ids(tmp_path):
    s = open_store(small_config(tmp_path, mapped_file_size_commit_log=8 * 1024))
    try:
        s.put_message(new_msg("Early", b"e" * 500, 0))
        offsets = [s.put_message(new_msg("Late", b"l" * 500, 1)).append_message_result.wrote_offset
                   for _ in range(40)]
        wait_dispatched(s)
        ids = s.get_message_ids("Late", 1, 2, 5, ("127.0.0.1", 10911))
        assert ids == {message_decoder.create_message_id(("127.0.0.1", 10911), offsets[i]): i
                       for i in range(2, 6)}
        assert s.get_commit_log().delete_expired_file(0, 0, 1000, True) >= 1
        s.clean_expired_consumer_queue()
        assert "Early" not in s.get_consume_queue_table()  # all its messages are gone
        assert "Late" in s.get_consume_queue_table()
    finally:
        s.shutdown()
