"""Config classes from a real-looking broker.conf, ConfigManager persistence with its .bak
fallback, and the metadata shapes of spec §14."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import pytest

from rocketmq_ref.common.broker_config import BrokerConfig
from rocketmq_ref.common.config_manager import ConfigManager
from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.fastjson import JsonBody, dumps, loads
from rocketmq_ref.common.java_config import ConfigError, load_properties_file
from rocketmq_ref.common.namesrv_config import NamesrvConfig
from rocketmq_ref.common.subscription_group_config import SubscriptionGroupConfig
from rocketmq_ref.common.topic_config import TopicConfig, TopicFilterType

BROKER_CONF = """\
# Licensed to the Apache Software Foundation (ASF) ...
brokerClusterName = DefaultCluster
brokerName = broker-a
brokerId = 0
deleteWhen = 04
fileReservedTime = 48
brokerRole = ASYNC_MASTER
flushDiskType = ASYNC_FLUSH
brokerIP1=10.1.2.3
namesrvAddr=127.0.0.1:9876;127.0.0.1:9877
autoCreateTopicEnable=false
sendMessageThreadPoolNums=2
transactionCheckInterval=30000
longPollingEnable = true
listenPort=10911
"""


def test_broker_conf_sets_broker_fields_and_reports_the_others(tmp_path, caplog):
    path = tmp_path / "broker.conf"
    path.write_text(BROKER_CONF)
    cfg = BrokerConfig()
    unknown = cfg.apply_properties(load_properties_file(str(path)), source=str(path))
    assert (cfg.broker_cluster_name, cfg.broker_name, cfg.broker_id) == ("DefaultCluster", "broker-a", 0)
    assert cfg.broker_ip1 == "10.1.2.3"
    assert cfg.namesrv_addr == "127.0.0.1:9876;127.0.0.1:9877"
    assert cfg.auto_create_topic_enable is False
    assert cfg.send_message_thread_pool_nums == 2 and cfg.transaction_check_interval == 30000
    # store and netty keys belong to other config classes
    assert sorted(unknown) == ["brokerRole", "deleteWhen", "fileReservedTime", "flushDiskType", "listenPort"]
    assert "brokerRole" in caplog.text


def test_broker_config_defaults_are_those_of_4_9_8():
    cfg = BrokerConfig()
    assert cfg.broker_cluster_name == "DefaultCluster" and cfg.broker_id == 0
    assert cfg.broker_permission == 6 and cfg.default_topic_queue_nums == 8
    assert cfg.flush_consumer_offset_interval == 5000 and cfg.register_name_server_period == 30000
    assert cfg.transaction_time_out == 6000 and cfg.transaction_check_max == 15
    assert cfg.short_polling_time_mills == 1000 and cfg.long_polling_enable
    assert cfg.msg_trace_topic_name == "RMQ_SYS_TRACE_TOPIC"
    assert cfg.wait_time_mills_in_send_queue == 200
    props = cfg.to_properties()
    assert props["brokerIP1"] == cfg.broker_ip1 and "brokerIp1" not in props
    assert "brokerName=" + cfg.broker_name in cfg.print_lines(important_only=True)


@pytest.mark.parametrize("key, value", [("brokerId", "zero"), ("autoCreateTopicEnable", "maybe"),
                                        ("sendMessageThreadPoolNums", "1.5")])
def test_bad_config_values_name_the_key_and_value(key, value):
    with pytest.raises(ConfigError) as e:
        BrokerConfig().apply_properties({key: value})
    assert key in str(e.value) and value in str(e.value)


def test_missing_config_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_properties_file(str(tmp_path / "nope.conf"))


def test_namesrv_config_reads_its_keys():
    cfg = NamesrvConfig()
    assert cfg.kv_config_path.endswith(os.path.join("namesrv", "kvConfig.json"))
    cfg.apply_properties({"orderMessageEnable": "true", "kvConfigPath": "/tmp/kv.json"})
    assert cfg.order_message_enable and cfg.kv_config_path == "/tmp/kv.json"


# -- ConfigManager --------------------------------------------------------------------------

@dataclass
class OffsetWrapper(JsonBody):
    offset_table: dict[str, dict[int, int]] = field(default_factory=dict)


class OffsetManager(ConfigManager):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.table: dict[str, dict[int, int]] = {}

    def config_file_path(self) -> str:
        return self.path

    def encode(self, pretty_format: bool = False) -> str:
        return OffsetWrapper(self.table).to_json(fastjson=True, pretty=pretty_format)

    def decode(self, json_string: str) -> None:
        self.table = OffsetWrapper.from_json(json_string).offset_table


def test_persist_writes_fastjson_and_keeps_the_previous_content_as_bak(tmp_path):
    path = str(tmp_path / "config" / "consumerOffset.json")
    m = OffsetManager(path)
    m.table = {"T@g": {0: 5}}
    m.persist()
    assert not os.path.exists(path + ".bak")
    m.table = {"T@g": {0: 6, 1: 2}}
    m.persist()
    assert open(path).read() == '{\n\t"offsetTable":{\n\t\t"T@g":{\n\t\t\t0:6,\n\t\t\t1:2\n\t\t}\n\t}\n}'
    assert "0:5" in open(path + ".bak").read()
    assert not os.path.exists(path + ".tmp")
    m2 = OffsetManager(path)
    assert m2.load() and m2.table == {"T@g": {0: 6, 1: 2}}


@pytest.mark.parametrize("main_content", [None, "", "{\"offsetTable\":{\"T@g\":{0:", "[1,2]"])
def test_load_falls_back_to_bak_when_the_file_is_missing_empty_or_corrupt(tmp_path, main_content):
    path = str(tmp_path / "consumerOffset.json")
    with open(path + ".bak", "w") as f:
        f.write('{"offsetTable":{"T@g":{0:125,1:118}}}')
    if main_content is not None:
        with open(path, "w") as f:
            f.write(main_content)
    m = OffsetManager(path)
    assert m.load() is True
    assert m.table == {"T@g": {0: 125, 1: 118}}


def test_load_fails_when_file_and_bak_are_both_corrupt_and_keeps_state(tmp_path):
    path = str(tmp_path / "consumerOffset.json")
    for p in (path, path + ".bak"):
        with open(p, "w") as f:
            f.write("{garbage")
    m = OffsetManager(path)
    m.table = {"keep": {0: 1}}
    assert m.load() is False
    assert m.table == {"keep": {0: 1}}


def test_load_of_a_fresh_directory_is_an_empty_table(tmp_path):
    m = OffsetManager(str(tmp_path / "none.json"))
    assert m.load() is True and m.table == {}


# -- metadata shapes ------------------------------------------------------------------------

def test_topics_json_shape_of_the_spec():
    @dataclass
    class TopicConfigSerializeWrapper(JsonBody):
        topic_config_table: dict[str, TopicConfig] = field(default_factory=dict)
        data_version: DataVersion = field(default_factory=DataVersion)

    text = ('{"dataVersion":{"counter":3,"timestamp":1700000000000},"topicConfigTable":{"TopicTest":'
            '{"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG",'
            '"topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}}}')
    w = TopicConfigSerializeWrapper.from_json(text)
    tc = w.topic_config_table["TopicTest"]
    assert (tc.read_queue_nums, tc.write_queue_nums, tc.perm) == (4, 4, 6)
    assert w.data_version == DataVersion(1700000000000, 3)
    assert w.to_json(fastjson=True) == text


def test_topic_config_space_form_round_trips_and_rejects_bad_text():
    tc = TopicConfig("TopicTest", 4, 8, 6)
    assert tc.encode() == "TopicTest 4 8 6 SINGLE_TAG"
    back = TopicConfig()
    assert back.decode("TopicTest 4 8 6 MULTI_TAG")
    assert (back.topic_name, back.read_queue_nums, back.write_queue_nums, back.perm,
            back.topic_filter_type) == ("TopicTest", 4, 8, 6, TopicFilterType.MULTI_TAG)
    for bad in ("TopicTest 4 8 6", "TopicTest x 8 6 SINGLE_TAG", "T 1 1 6 OTHER"):
        assert TopicConfig("keep").decode(bad) is False
    assert TopicConfig().read_queue_nums == 16 and TopicConfig().perm == 6


def test_subscription_group_config_defaults_and_json():
    g = SubscriptionGroupConfig("group_a")
    assert json.loads(g.to_json()) == {
        "brokerId": 0, "consumeBroadcastEnable": True, "consumeEnable": True,
        "consumeFromMinEnable": True, "groupName": "group_a", "notifyConsumerIdsChangedEnable": True,
        "retryMaxTimes": 16, "retryQueueNums": 1, "whichBrokerWhenConsumeSlowly": 1}
    assert SubscriptionGroupConfig.from_json('{"groupName":"g","retryMaxTimes":3}').retry_max_times == 3


def test_data_version_next_version_changes_equality():
    a = DataVersion(1, 0)
    b = DataVersion(1, 0)
    assert a == b
    b.next_version()
    assert a != b and b.counter == 1
    a.assign_new_one(b)
    assert a == b
    assert dumps(a) == f'{{"counter":1,"timestamp":{a.timestamp}}}'


_PERSIST_LOOP = r"""
import sys
from rocketmq_ref.common.config_manager import ConfigManager
from rocketmq_ref.common.fastjson import dumps, loads

class M(ConfigManager):
    def __init__(self, path):
        super().__init__()
        self.path = path
        self.n = 0
    def config_file_path(self):
        return self.path
    def encode(self, pretty_format=False):
        return dumps({"offsetTable": {"T@g": {q: self.n for q in range(200)}}}, pretty=pretty_format)
    def decode(self, text):
        self.n = loads(text)["offsetTable"]["T@g"][0]

m = M(sys.argv[1])
m.load()
for i in range(1_000_000):
    m.n += 1
    m.persist()
    if i == 0:
        print("ready", flush=True)
"""


def test_config_file_survives_kill_9_during_persist(tmp_path):
    import random
    import signal
    import subprocess
    import sys
    import time

    path = str(tmp_path / "consumerOffset.json")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    last = 0
    for _ in range(4):
        child = subprocess.Popen([sys.executable, "-c", _PERSIST_LOOP, path], stdout=subprocess.PIPE,
                                 env=env)
        try:
            assert child.stdout.readline().strip() == b"ready"
            time.sleep(random.uniform(0.01, 0.15))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(10)
            child.stdout.close()

        class Reader(ConfigManager):
            n = -1

            def config_file_path(self):
                return path

            def encode(self, pretty_format=False):
                return None

            def decode(self, text):
                table = loads(text)["offsetTable"]["T@g"]
                assert len(table) == 200 and len(set(table.values())) == 1
                self.n = table[0]

        r = Reader()
        r.decode(open(path).read())  # the file itself is whole: the rename is atomic
        assert r.load() and r.n > last  # and newer than the last run's
        last = r.n
