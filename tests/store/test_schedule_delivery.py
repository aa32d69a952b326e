"""Delayed messages through the whole store: parked in SCHEDULE_TOPIC_XXXX, delivered to their real
topic and queue when their level's delay has passed, progress kept in delayOffset.json across a
restart (A3.2.2, B5.7.x)."""
from __future__ import annotations

import json
import os
import re
import time

from rocketmq_ref.common.message.message_decoder import decode
from rocketmq_ref.store.get_message_result import GetMessageStatus
from tests.store.store_a_support import new_msg, open_store, small_config, wait_dispatched

SCHEDULE = "SCHEDULE_TOPIC_XXXX"


def _messages(store, topic: str, qid: int, offset: int = 0):
    res = store.get_message("g", topic, qid, offset, 32, None)
    if res.status is not GetMessageStatus.FOUND:
        return []
    try:
        return [decode(b) for b in res.message_buffer_list]
    finally:
        res.release()


def _wait_for(store, topic: str, qid: int, count: int, timeout: float = 8.0):
    deadline = time.monotonic() + timeout
    while True:
        msgs = _messages(store, topic, qid)
        if len(msgs) >= count:
            return msgs
        assert time.monotonic() < deadline, f"{topic}-{qid}: {len(msgs)} of {count} delivered"
        time.sleep(0.02)


def test_delayed_messages_arrive_at_their_level(tmp_path, spans):
    store = open_store(small_config(tmp_path, message_delay_level="1s 2s"))
    try:
        t0 = int(time.time() * 1000)
        r1 = store.put_message(new_msg("TopicTest", b"one second", 3, keys="k1",
                                       properties={"DELAY": "1"}))
        r2 = store.put_message(new_msg("TopicTest", b"two seconds", 3, keys="k2",
                                       properties={"DELAY": "2"}))
        r9 = store.put_message(new_msg("TopicTest", b"clamped to two", 3, properties={"DELAY": "9"}))
        assert all(r.put_message_status.name == "PUT_OK" for r in (r1, r2, r9))
        wait_dispatched(store)
        # parked: queue id = level - 1, nothing in the real queue yet
        assert store.get_max_offset_in_queue(SCHEDULE, 0) == 1
        assert store.get_max_offset_in_queue(SCHEDULE, 1) == 2
        assert store.get_max_offset_in_queue("TopicTest", 3) == 0
        parked = _messages(store, SCHEDULE, 1)
        assert parked[0].properties["REAL_TOPIC"] == "TopicTest"
        assert parked[0].properties["REAL_QID"] == "3"

        first = _wait_for(store, "TopicTest", 3, 1)
        assert first[0].body == b"one second"
        assert first[0].store_timestamp - t0 >= 1000
        msgs = _wait_for(store, "TopicTest", 3, 3)
        assert [m.body for m in msgs] == [b"one second", b"two seconds", b"clamped to two"]
        assert msgs[1].store_timestamp - t0 >= 2000
        m = msgs[1]
        assert (m.topic, m.queue_id, m.queue_offset) == ("TopicTest", 3, 1)
        assert m.properties["KEYS"] == "k2" and m.properties["TAGS"] == "TagA"
        assert m.born_host == first[0].born_host
        # the delivered record is indexed under its real topic
        wait_dispatched(store)
        found = store.query_message("TopicTest", "k2", 32, 0, int(time.time() * 1000) + 1000)
        assert len(found.message_buffer_list) == 1
        found.release()
        # one span per delivery, linked to its level and its real destination
        deliveries = [s for s in spans.get_finished_spans() if s.name == "ScheduleMessageService.deliver"]
        assert len(deliveries) == 3
        assert {s.attributes["rocketmq.delay_level"] for s in deliveries} == {1, 2}
        assert all(s.attributes["messaging.destination.name"] == "TopicTest" for s in deliveries)
        stats = store.get_runtime_info()
        assert stats["scheduleMessageOffset_2"] == "2,2"  # delay offset, queue max offset
    finally:
        store.shutdown()
    text = open(os.path.join(str(tmp_path), "config", "delayOffset.json")).read()
    table = {int(k): v for k, v in json.loads(re.sub(r"(\d+):", r'"\1":', text))["offsetTable"].items()}
    assert table == {1: 1, 2: 2}


def test_deliveries_are_counted_in_broker_stats(tmp_path):
    from rocketmq_ref.broker.stats.broker_stats_manager import BrokerStatsManager
    stats = BrokerStatsManager("DefaultCluster")
    store = open_store(small_config(tmp_path, message_delay_level="1s"), broker_stats_manager=stats)
    try:
        store.put_message(new_msg("TopicTest", b"counted", 0, properties={"DELAY": "1"}))
        _wait_for(store, "TopicTest", 0, 1)
        deadline = time.monotonic() + 5
        while stats.broker_put_nums() < 1:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        item = stats.get_stats_item("GROUP_GET_NUMS", "SCHEDULE_TOPIC_XXXX@SCHEDULE_CONSUMER")
        assert item is not None and item.value == 1
    finally:
        store.shutdown()


def test_restart_resumes_from_saved_offsets_without_redelivery(tmp_path):
    config = small_config(tmp_path, message_delay_level="1s 2s")
    store = open_store(config)
    try:
        store.put_message(new_msg("TopicTest", b"early", 0, properties={"DELAY": "1"}))
        _wait_for(store, "TopicTest", 0, 1)
    finally:
        store.shutdown()
    store = open_store(small_config(tmp_path, message_delay_level="1s 2s"))
    try:
        store.put_message(new_msg("TopicTest", b"late", 0, properties={"DELAY": "1"}))
        msgs = _wait_for(store, "TopicTest", 0, 2)
        time.sleep(1.3)  # a redelivery of "early" would show up by now
        msgs = _messages(store, "TopicTest", 0)
        assert [m.body for m in msgs] == [b"early", b"late"]
    finally:
        store.shutdown()


def test_a_slave_does_not_deliver(tmp_path):
    from rocketmq_ref.store.config.broker_role import BrokerRole
    config = small_config(tmp_path, message_delay_level="2s")
    store = open_store(config)
    try:
        store.put_message(new_msg("TopicTest", b"x", 0, properties={"DELAY": "1"}))
        wait_dispatched(store)
        store.handle_schedule_message_service(BrokerRole.SLAVE)  # role change to slave stops the timers
        assert not store.get_schedule_message_service().is_started()
        time.sleep(2.5)  # past the delivery time
        assert store.get_max_offset_in_queue("TopicTest", 0) == 0
    finally:
        store.shutdown()


def test_async_delivery_settles_in_order_and_resends_after_failures(tmp_path):
    store = open_store(small_config(tmp_path, message_delay_level="1s", enable_schedule_async_deliver=True))
    svc = store.get_schedule_message_service()
    try:
        for i in range(3):
            store.put_message(new_msg("TopicTest", b"async %d" % i, 1, properties={"DELAY": "1"}))
        wait_dispatched(store)
        store.get_running_flags().get_and_make_not_writeable()  # every put now fails
        deadline = time.monotonic() + 8
        while not any(p.resend_count >= 2 for p in svc.deliver_pending_table[1]):
            assert time.monotonic() < deadline, "failed delivery was never resent"
            time.sleep(0.02)
        assert store.get_max_offset_in_queue("TopicTest", 1) == 0
        assert svc.offset_table.get(1, 0) == 0  # nothing settled: the saved offset stays put
        store.get_running_flags().get_and_make_writeable()
        msgs = _wait_for(store, "TopicTest", 1, 3)
        assert [m.body for m in msgs] == [b"async 0", b"async 1", b"async 2"]
        deadline = time.monotonic() + 5
        while svc.offset_table.get(1) != 3:
            assert time.monotonic() < deadline, svc.offset_table
            time.sleep(0.02)
        assert not svc.deliver_pending_table[1]
    finally:
        store.shutdown()


def test_a_parked_half_message_is_discarded_not_delivered(tmp_path, spans):
    store = open_store(small_config(tmp_path, message_delay_level="1s"))
    try:
        store.put_message(new_msg("RMQ_SYS_TRANS_HALF_TOPIC", b"half", 0, properties={"DELAY": "1"}))
        store.put_message(new_msg("TopicTest", b"normal", 0, properties={"DELAY": "1"}))
        msgs = _wait_for(store, "TopicTest", 0, 1)
        assert [m.body for m in msgs] == [b"normal"]
        assert store.get_max_offset_in_queue("RMQ_SYS_TRANS_HALF_TOPIC", 0) == 0
        deliveries = [s for s in spans.get_finished_spans() if s.name == "ScheduleMessageService.deliver"]
        half = [s for s in deliveries if s.attributes["messaging.destination.name"] == "RMQ_SYS_TRANS_HALF_TOPIC"]
        assert len(half) == 1 and not half[0].status.is_ok
        assert store.get_schedule_message_service().offset_table[1] == 2
    finally:
        store.shutdown()
