"""SlaveSynchronize against a scripted master (ha-and-flows.md §1.5; B7): topics and groups are
replaced only when the DataVersion differs, offsets are merged, the delay-offset file is overwritten,
one failing step leaves the others alone, and every step is a B7 span."""
from __future__ import annotations

import json
from types import SimpleNamespace

from rocketmq_ref.broker.offset.consumer_offset_manager import ConsumerOffsetManager
from rocketmq_ref.broker.out.broker_outer_api import MQBrokerException
from rocketmq_ref.broker.slave.slave_synchronize import SlaveSynchronize
from rocketmq_ref.broker.subscription.subscription_group_manager import SubscriptionGroupManager
from rocketmq_ref.broker.topic.topic_config_manager import TopicConfigManager
from rocketmq_ref.common.broker_config import BrokerConfig
from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.protocol.body.consumer_offset_serialize_wrapper import ConsumerOffsetSerializeWrapper
from rocketmq_ref.common.protocol.body.subscription_group_wrapper import SubscriptionGroupWrapper
from rocketmq_ref.common.protocol.body.topic_config_serialize_wrapper import TopicConfigSerializeWrapper
from rocketmq_ref.common.subscription_group_config import SubscriptionGroupConfig
from rocketmq_ref.common.topic_config import TopicConfig
from rocketmq_ref.store.config import MessageStoreConfig

MASTER = "127.0.0.1:10911"


class ScriptedMaster:
    """What BrokerOuterAPI would get from the master: decoded from the JSON a master sends."""

    def __init__(self) -> None:
        self.topics = TopicConfigSerializeWrapper({"OnMaster": TopicConfig("OnMaster", 8, 8, 6)},
                                                  DataVersion(1000, 5))
        self.offsets = ConsumerOffsetSerializeWrapper({"OnMaster@cg": {0: 42, 1: 7}})
        self.delay = '{"offsetTable":{1:3,2:0}}'
        self.groups = SubscriptionGroupWrapper({"cg": SubscriptionGroupConfig(group_name="cg")},
                                               DataVersion(2000, 9))
        self.fail_topics = False
        self.calls: list[str] = []

    def get_all_topic_config(self, addr):
        self.calls.append(addr)
        if self.fail_topics:
            raise MQBrokerException(1, "boom", addr)
        return TopicConfigSerializeWrapper.decode(self.topics.encode())

    def get_all_consumer_offset(self, addr):
        return ConsumerOffsetSerializeWrapper.decode(self.offsets.encode())

    def get_all_delay_offset(self, addr):
        return self.delay

    def get_all_subscription_group_config(self, addr):
        return SubscriptionGroupWrapper.decode(self.groups.encode())


def slave_controller(tmp_path):
    bc = SimpleNamespace(broker_config=BrokerConfig(), message_store=None,
                         message_store_config=MessageStoreConfig(store_path_root_dir=str(tmp_path)),
                         broker_outer_api=ScriptedMaster(), get_broker_addr=lambda: "127.0.0.1:20911")
    bc.topic_config_manager = TopicConfigManager(bc)
    bc.consumer_offset_manager = ConsumerOffsetManager(bc)
    bc.subscription_group_manager = SubscriptionGroupManager(bc)
    return bc


def test_sync_all_copies_the_masters_metadata(tmp_path, spans):
    bc = slave_controller(tmp_path)
    bc.topic_config_manager.topic_config_table["OnlyOnSlave"] = TopicConfig("OnlyOnSlave", 1, 1, 6)
    bc.consumer_offset_manager.offset_table["SlaveOnly@cg"] = {0: 1}
    sync = SlaveSynchronize(bc)
    sync.set_master_addr(MASTER)
    sync.sync_all()
    tcm = bc.topic_config_manager
    assert set(tcm.topic_config_table) == {"OnMaster"}  # replaced, not merged
    assert tcm.data_version == DataVersion(1000, 5)
    assert bc.consumer_offset_manager.offset_table == {"SlaveOnly@cg": {0: 1}, "OnMaster@cg": {0: 42, 1: 7}}
    assert set(bc.subscription_group_manager.subscription_group_table) == {"cg"}
    assert bc.subscription_group_manager.data_version == DataVersion(2000, 9)
    cfg = tmp_path / "config"
    assert "OnMaster" in json.loads((cfg / "topics.json").read_text())["topicConfigTable"]
    assert (cfg / "delayOffset.json").read_text() == '{"offsetTable":{1:3,2:0}}'
    assert "OnMaster@cg" in (cfg / "consumerOffset.json").read_text()
    names = {s.name: s for s in spans.get_finished_spans()}
    assert {"SlaveSynchronize.sync_all", "SlaveSynchronize.sync_topic_config",
            "SlaveSynchronize.sync_consumer_offset", "SlaveSynchronize.sync_delay_offset",
            "SlaveSynchronize.sync_subscription_group_config"} <= set(names)
    assert "B7" in names["SlaveSynchronize.sync_all"].attributes["rocketmq_ref.book.sections"]


def test_same_data_version_leaves_the_topics_alone(tmp_path):
    bc = slave_controller(tmp_path)
    bc.topic_config_manager.data_version.assign_new_one(DataVersion(1000, 5))
    sync = SlaveSynchronize(bc)
    sync.set_master_addr(MASTER)
    sync.sync_topic_config()
    assert "OnMaster" not in bc.topic_config_manager.topic_config_table


def test_a_failing_step_does_not_stop_the_others(tmp_path, spans):
    bc = slave_controller(tmp_path)
    bc.broker_outer_api.fail_topics = True
    sync = SlaveSynchronize(bc)
    sync.set_master_addr(MASTER)
    sync.sync_all()
    assert "OnMaster" not in bc.topic_config_manager.topic_config_table
    assert bc.consumer_offset_manager.offset_table["OnMaster@cg"] == {0: 42, 1: 7}
    failed = [s for s in spans.get_finished_spans() if s.name == "SlaveSynchronize.sync_topic_config"]
    assert failed and not failed[0].status.is_ok


def test_nothing_is_asked_without_a_master_or_from_itself(tmp_path):
    bc = slave_controller(tmp_path)
    sync = SlaveSynchronize(bc)
    sync.sync_all()
    sync.set_master_addr(bc.get_broker_addr())
    sync.sync_all()
    assert bc.broker_outer_api.calls == []
