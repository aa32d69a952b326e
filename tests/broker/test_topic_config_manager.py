import json

from rocketmq_ref.broker.topic.topic_config_manager import TopicConfigManager
from rocketmq_ref.common.perm_name import PermName
from rocketmq_ref.common.topic_config import TopicConfig
from tests.broker.fakes import FakeController


def test_system_topics_are_seeded_with_java_queue_counts_and_perms(tmp_path):
    m = TopicConfigManager(FakeController(tmp_path))
    tbw = m.select_topic_config("TBW102")
    assert (tbw.read_queue_nums, tbw.perm) == (8, 7)
    assert m.select_topic_config("SCHEDULE_TOPIC_XXXX").write_queue_nums == 18
    assert m.select_topic_config("SELF_TEST_TOPIC").read_queue_nums == 1
    assert m.select_topic_config("DefaultCluster").perm == PermName.PERM_INHERIT | 6
    assert m.select_topic_config("DefaultCluster_REPLY_TOPIC") is not None
    assert TopicConfigManager(FakeController(tmp_path, auto_create_topic_enable=False)
                              ).select_topic_config("TBW102") is None


def test_auto_create_from_template_clamps_queues_drops_inherit_and_registers(tmp_path):
    c = FakeController(tmp_path)
    m = TopicConfigManager(c)
    before = m.data_version.counter
    tc = m.create_topic_in_send_message_method("NewTopic", "TBW102", "1.2.3.4:5", 4, 0)
    assert (tc.read_queue_nums, tc.write_queue_nums, tc.perm) == (4, 4, 6)
    assert m.data_version.counter == before + 1
    assert c.registrations == [(False, True, True)]
    assert m.create_topic_in_send_message_method("NewTopic", "TBW102", "x", 4, 0) is tc
    assert len(c.registrations) == 1
    assert m.create_topic_in_send_message_method("Other", "NoSuchTemplate", "x", 4, 0) is None
    assert m.create_topic_in_send_message_method("Other", "NewTopic", "x", 4, 0) is None  # no INHERIT


def test_topics_file_round_trips_in_the_java_shape(tmp_path):
    c = FakeController(tmp_path)
    m = TopicConfigManager(c)
    m.update_topic_config(TopicConfig("TopicTest", 4, 4, 6))
    text = (tmp_path / "config" / "topics.json").read_text()
    data = json.loads(text)
    assert data["topicConfigTable"]["TopicTest"] == {
        "order": False, "perm": 6, "readQueueNums": 4, "topicFilterType": "SINGLE_TAG",
        "topicName": "TopicTest", "topicSysFlag": 0, "writeQueueNums": 4}
    assert "\t" in text  # fastjson pretty format
    m2 = TopicConfigManager(FakeController(tmp_path))
    assert m2.load()
    assert m2.select_topic_config("TopicTest").write_queue_nums == 4
    assert m2.data_version.counter == m.data_version.counter


def test_corrupt_topics_file_falls_back_to_the_backup(tmp_path):
    m = TopicConfigManager(FakeController(tmp_path))
    m.update_topic_config(TopicConfig("A", 2, 2, 6))
    m.update_topic_config(TopicConfig("B", 3, 3, 6))  # .bak now holds the state with A only
    (tmp_path / "config" / "topics.json").write_text('{"topicConfigTable": {"B": {"readQueueNums": ')
    m2 = TopicConfigManager(FakeController(tmp_path))
    assert m2.load()
    assert m2.select_topic_config("A") is not None
    assert m2.select_topic_config("B") is None


def test_delete_and_order_flags(tmp_path):
    m = TopicConfigManager(FakeController(tmp_path))
    m.update_topic_config(TopicConfig("O", 2, 2, 6))
    m.update_order_topic_config({"O": "broker-a:2"})
    assert m.is_order_topic("O")
    m.update_order_topic_config({})
    assert not m.is_order_topic("O")
    assert m.delete_topic_config("O")
    assert not m.delete_topic_config("O")
