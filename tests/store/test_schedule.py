"""ScheduleMessageService unit tests: delay levels, delayOffset.json, offset correction, the message
rebuilt for its real topic (Java ScheduleMessageService; A3.2.2, B5.7)."""
from __future__ import annotations

import os

import pytest

from rocketmq_ref.common.java_hash import java_string_hash_code
from rocketmq_ref.common.message.message import MessageExt
from rocketmq_ref.common.message.message_decoder import string2message_properties
from rocketmq_ref.store.config.message_store_config import MessageStoreConfig
from rocketmq_ref.store.schedule.schedule_message_service import (
    DelayLevelError, ScheduleMessageService, delay_level2_queue_id, parse_delay_level_string,
    queue_id2_delay_level)


class _Queue:
    def __init__(self, lo: int, hi: int) -> None:
        self.lo, self.hi = lo, hi

    def get_min_offset_in_queue(self) -> int:
        return self.lo

    def get_max_offset_in_queue(self) -> int:
        return self.hi


class _Store:
    def __init__(self, root: str, levels: str | None = None) -> None:
        self.config = MessageStoreConfig(store_path_root_dir=root)
        if levels is not None:
            self.config.message_delay_level = levels
        self.queues: dict[int, _Queue] = {}

    def get_message_store_config(self):
        return self.config

    def find_consume_queue(self, topic: str, queue_id: int):
        assert topic == "SCHEDULE_TOPIC_XXXX"
        return self.queues.get(queue_id)


def test_default_levels_are_the_eighteen_of_4x():
    table = parse_delay_level_string(MessageStoreConfig().message_delay_level)
    assert len(table) == 18
    assert table[1] == 1000 and table[3] == 10_000 and table[5] == 60_000
    assert table[17] == 3_600_000 and table[18] == 7_200_000
    assert parse_delay_level_string("1s 2d")[2] == 2 * 24 * 3600 * 1000


@pytest.mark.parametrize("bad", ["1s 5x", "s", "1s  2s", "10"])
def test_bad_level_strings_are_rejected(bad):
    with pytest.raises(DelayLevelError):
        parse_delay_level_string(bad)


def test_level_and_queue_id_map_one_to_one():
    assert delay_level2_queue_id(1) == 0 and queue_id2_delay_level(17) == 18


def test_deliver_timestamp_is_store_time_plus_the_level_delay(tmp_path):
    svc = ScheduleMessageService(_Store(str(tmp_path), "1s 2s"))
    assert svc.get_max_delay_level() == 2
    assert svc.compute_deliver_timestamp(2, 10_000) == 12_000
    assert svc.compute_deliver_timestamp(9, 10_000) == 11_000  # unknown level: one second


def test_offsets_persist_to_delay_offset_json_with_bare_integer_keys(tmp_path):
    store = _Store(str(tmp_path))
    svc = ScheduleMessageService(store)
    svc.update_offset(1, 12)
    svc.update_offset(3, 40)
    svc.persist()
    path = os.path.join(str(tmp_path), "config", "delayOffset.json")
    text = open(path).read()
    assert text.replace("\n", "").replace("\t", "") == '{"offsetTable":{1:12,3:40}}'
    again = ScheduleMessageService(store)
    assert again.load()
    assert again.offset_table == {1: 12, 3: 40}


def test_a_corrupt_offset_file_falls_back_to_the_backup(tmp_path):
    store = _Store(str(tmp_path))
    svc = ScheduleMessageService(store)
    svc.update_offset(2, 7)
    svc.persist()
    svc.update_offset(2, 9)
    svc.persist()  # delayOffset.json.bak now holds {2:7}
    path = os.path.join(str(tmp_path), "config", "delayOffset.json")
    with open(path, "w") as f:
        f.write('{"offsetTable":{2:')
    again = ScheduleMessageService(store)
    assert again.load()
    assert again.offset_table == {2: 7}


def test_saved_offsets_are_clamped_into_the_queue_range_on_load(tmp_path):
    store = _Store(str(tmp_path))
    svc = ScheduleMessageService(store)
    svc.offset_table.update({1: 100, 2: 3, 3: 5})
    svc.persist()
    store.queues = {0: _Queue(0, 50), 1: _Queue(10, 20)}  # level 3 has no queue yet
    again = ScheduleMessageService(store)
    assert again.load()
    assert again.offset_table == {1: 50, 2: 10, 3: 5}


def test_message_timeup_restores_the_real_topic_and_queue(tmp_path):
    svc = ScheduleMessageService(_Store(str(tmp_path)))
    props = {"TAGS": "TagA", "KEYS": "k1", "DELAY": "3", "REAL_TOPIC": "TopicTest", "REAL_QID": "2",
             "UNIQ_KEY": "AC1100010000000000000000000000AA", "WAIT": "true"}
    ext = MessageExt("SCHEDULE_TOPIC_XXXX", b"hello", flag=5, properties=dict(props), queue_id=2,
                     sys_flag=0, born_timestamp=123, born_host=("10.0.0.1", 5555),
                     store_host=("10.0.0.2", 10911), reconsume_times=4, store_timestamp=999)
    inner = svc.message_timeup(ext)
    assert (inner.topic, inner.queue_id, inner.body, inner.flag) == ("TopicTest", 2, b"hello", 5)
    assert inner.tags_code == java_string_hash_code("TagA") == 2598919
    assert "DELAY" not in inner.properties and inner.properties["WAIT"] == "false"
    assert inner.born_host == ("10.0.0.1", 5555) and inner.store_host == ("10.0.0.2", 10911)
    assert inner.reconsume_times == 4 and inner.born_timestamp == 123
    # the stored string is the parked message's, as Java renders it before clearing DELAY
    assert string2message_properties(inner.properties_string) == props
    assert ext.properties == props  # the looked-up message is left alone


def test_message_without_real_topic_is_refused(tmp_path):
    svc = ScheduleMessageService(_Store(str(tmp_path)))
    ext = MessageExt("SCHEDULE_TOPIC_XXXX", b"x", properties={"DELAY": "1"}, born_host=("1.1.1.1", 1),
                     store_host=("1.1.1.1", 2))
    with pytest.raises(ValueError):
        svc.message_timeup(ext)
