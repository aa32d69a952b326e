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
