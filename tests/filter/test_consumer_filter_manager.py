"""ConsumerFilterManager: heartbeats register compiled SQL92 filters by topic and group, versions
decide what replaces what, leavers die and are cleaned, and consumerFilter.json survives a restart."""
from __future__ import annotations

import json
from types import SimpleNamespace

from rocketmq_ref.broker.filter.consumer_filter_manager import ConsumerFilterManager
from rocketmq_ref.common.broker_config import BrokerConfig
from rocketmq_ref.common.protocol.heartbeat import SubscriptionData


def sd(topic, expression, version, type_="SQL92"):
    return SubscriptionData(topic=topic, sub_string=expression, expression_type=type_, sub_version=version)


def manager(tmp_path, clean_span=24 * 3600 * 1000):
    config = BrokerConfig()
    config.filter_data_clean_time_span = clean_span
    controller = SimpleNamespace(broker_config=config,
                                 message_store_config=SimpleNamespace(store_path_root_dir=str(tmp_path)))
    return ConsumerFilterManager(controller)


def test_heartbeat_registers_only_sql92_subscriptions_that_compile(tmp_path):
    m = manager(tmp_path)
    m.register("g", [sd("T1", "a > 5", 1), sd("T2", "TagA", 1, "TAG"), sd("T3", "a >", 1)])
    data = m.get("T1", "g")
    assert data is not None and data.compiled_expression.matches({"a": "6"}) and not data.is_dead()
    assert m.get("T2", "g") is None  # tags need no filter data
    assert m.get("T3", "g") is None  # does not compile: pulls answer FILTER_DATA_NOT_EXIST


def test_newer_version_replaces_the_expression_older_is_ignored(tmp_path):
    m = manager(tmp_path)
    m.register("g", [sd("T", "a > 5", 10)])
    m.register("g", [sd("T", "a > 100", 9)])   # stale heartbeat
    assert m.get("T", "g").expression == "a > 5"
    m.register("g", [sd("T", "a > 100", 11)])
    assert m.get("T", "g").expression == "a > 100" and m.get("T", "g").client_version == 11
    m.register("g", [sd("T", "a >", 12)])      # a newer broken one removes the filter
    assert m.get("T", "g") is None


def test_left_topics_and_groups_die_then_come_back_with_the_same_version(tmp_path):
    m = manager(tmp_path)
    m.register("g", [sd("T1", "a > 5", 1), sd("T2", "b = 'x'", 1)])
    m.register("g", [sd("T1", "a > 5", 1)])     # T2 no longer subscribed
    assert m.get("T2", "g").is_dead() and not m.get("T1", "g").is_dead()
    m.un_register("g")
    assert m.get("T1", "g").is_dead()
    m.register("g", [sd("T1", "a > 5", 1)])     # same version: re-alive
    assert not m.get("T1", "g").is_dead()


def test_clean_forgets_filters_dead_longer_than_the_span(tmp_path):
    m = manager(tmp_path, clean_span=0)
    m.register("g", [sd("T", "a > 5", 1)])
    m.clean()
    assert m.get("T", "g") is not None  # alive
    m.un_register("g")
    m.clean()
    assert m.get("T", "g") is None and m.filter_data_by_topic == {}


def test_consumer_filter_json_round_trips_and_loaded_filters_wait_for_a_heartbeat(tmp_path):
    m = manager(tmp_path)
    m.register("g", [sd("T", "a > 5 AND b = 'x'", 7)])
    m.persist()
    path = tmp_path / "config" / "consumerFilter.json"
    table = json.loads(path.read_text())
    data = table["filterDataByTopic"]["T"]["groupFilterData"]["g"]
    assert data["expression"] == "a > 5 AND b = 'x'" and data["expressionType"] == "SQL92"
    assert data["clientVersion"] == 7 and data["consumerGroup"] == "g" and data["deadTime"] == 0

    restarted = manager(tmp_path)
    assert restarted.load()
    loaded = restarted.get("T", "g")
    assert loaded.compiled_expression.matches({"a": "6", "b": "x"})
    assert loaded.is_dead()                      # until the group's next heartbeat
    restarted.register("g", [sd("T", "a > 5 AND b = 'x'", 7)])
    assert not restarted.get("T", "g").is_dead()


def test_a_corrupt_file_falls_back_to_the_backup_and_changes_nothing(tmp_path):
    m = manager(tmp_path)
    m.register("g", [sd("T", "a > 5", 1)])
    m.persist()
    m.persist()  # the second write keeps the first as .bak
    path = tmp_path / "config" / "consumerFilter.json"
    path.write_text('{"filterDataByTopic": {"T": 5')
    restarted = manager(tmp_path)
    assert restarted.load()
    assert restarted.get("T", "g").expression == "a > 5"
