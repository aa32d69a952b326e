from rocketmq_ref.broker.offset.consumer_offset_manager import ConsumerOffsetManager
from tests.broker.fakes import FakeController


def test_commit_query_and_unknown_is_minus_one(tmp_path):
    m = ConsumerOffsetManager(FakeController(tmp_path))
    assert m.query_offset("g", "T", 0) == -1
    m.commit_offset("1.1.1.1:1", "g", "T", 0, 12)
    m.commit_offset("1.1.1.1:1", "g", "T", 1, 7)
    assert m.query_offset("g", "T", 0) == 12
    assert m.which_topic_by_consumer("g") == {"T"}
    assert m.which_group_by_topic("T") == {"g"}


def test_file_uses_bare_integer_keys_and_reloads(tmp_path):
    c = FakeController(tmp_path)
    m = ConsumerOffsetManager(c)
    m.commit_offset("h", "group_a", "TopicTest", 0, 125)
    m.commit_offset("h", "group_a", "%RETRY%group_a", 0, 0)
    m.persist()
    text = (tmp_path / "config" / "consumerOffset.json").read_text()
    assert "0:125" in text.replace("\t", "").replace("\n", "")
    m2 = ConsumerOffsetManager(c)
    assert m2.load()
    assert m2.query_offset("group_a", "TopicTest", 0) == 125


def test_reads_a_java_written_file(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "consumerOffset.json").write_text(
        '{"offsetTable":{"TopicTest@group_a":{0:125,1:118,2:130,3:121},"%RETRY%group_a@group_a":{0:0}}}')
    m = ConsumerOffsetManager(FakeController(tmp_path))
    assert m.load()
    assert m.query_offset("group_a", "TopicTest", 2) == 130
    m.remove_offset("group_a")
    assert m.query_offset("group_a", "TopicTest", 2) == -1


def test_protect_broker_disables_a_group_that_reads_too_far_behind(tmp_path):
    from types import SimpleNamespace

    from rocketmq_ref.broker.broker_controller import BrokerController
    from rocketmq_ref.broker.stats.broker_stats_manager import BrokerStatsManager
    from rocketmq_ref.broker.subscription.subscription_group_manager import SubscriptionGroupManager

    c = FakeController(tmp_path, disable_consume_if_consumer_read_slowly=True, consumer_fallbehind_threshold=1000)
    c.broker_stats_manager = BrokerStatsManager("DefaultCluster")
    c.subscription_group_manager = SubscriptionGroupManager(c)
    for group in ("slow_cg", "fast_cg"):  # groups exist once they pulled
        c.subscription_group_manager.find_subscription_group_config(group)
    c.broker_stats_manager.record_disk_fall_behind_size("slow_cg", "T", 0, 5000)
    c.broker_stats_manager.record_disk_fall_behind_size("fast_cg", "T", 0, 10)
    BrokerController.protect_broker(SimpleNamespace(**vars(c)))
    assert c.subscription_group_manager.find_subscription_group_config("slow_cg").consume_enable is False
    assert c.subscription_group_manager.find_subscription_group_config("fast_cg").consume_enable is True
