"""Offset stores: increase-only updates, remote read results, persistence, the local file format."""
from __future__ import annotations

import pytest

from rocketmq_ref.client.consumer.store.local_file_offset_store import (LocalFileOffsetStore,
                                                                         decode_offset_table)
from rocketmq_ref.client.consumer.store.offset_store import ReadOffsetType
from rocketmq_ref.client.consumer.store.remote_broker_offset_store import RemoteBrokerOffsetStore
from rocketmq_ref.client.exception import MQBrokerException
from rocketmq_ref.client.impl.factory.mq_client_instance import FindBrokerResult
from rocketmq_ref.common.message import MessageQueue
from rocketmq_ref.remoting.exception import RemotingTimeoutException

MQ = MessageQueue("T", "broker-a", 1)


class FakeApi:
    def __init__(self) -> None:
        self.updates: list[tuple] = []
        self.answer: object = 42

    def update_consumer_offset(self, addr, **kw):
        self.updates.append((addr, kw["topic"], kw["queue_id"], kw["commit_offset"], kw["oneway"]))

    def query_consumer_offset(self, addr, **kw):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


class FakeFactory:
    client_id = "127.0.0.1@test"

    def __init__(self) -> None:
        self.mq_client_api_impl = FakeApi()
        self.route_updates = 0

    def find_broker_address_in_subscribe(self, name, broker_id, only_this):
        return FindBrokerResult("127.0.0.1:10911", False) if name == "broker-a" else None

    def update_topic_route_info_from_name_server(self, topic):
        self.route_updates += 1


def test_update_offset_increase_only_keeps_the_larger_value():
    store = RemoteBrokerOffsetStore(FakeFactory(), "g")
    store.update_offset(MQ, 10, True)
    store.update_offset(MQ, 5, True)
    assert store.read_offset(MQ, ReadOffsetType.READ_FROM_MEMORY) == 10
    store.update_offset(MQ, 5, False)
    assert store.read_offset(MQ, ReadOffsetType.READ_FROM_MEMORY) == 5


def test_remote_read_maps_not_found_to_minus_one_and_failures_to_minus_two():
    factory = FakeFactory()
    store = RemoteBrokerOffsetStore(factory, "g")
    assert store.read_offset(MQ, ReadOffsetType.READ_FROM_STORE) == 42
    assert store.read_offset(MQ, ReadOffsetType.READ_FROM_MEMORY) == 42  # cached
    factory.mq_client_api_impl.answer = MQBrokerException(22, "not found")
    assert store.read_offset(MessageQueue("T", "broker-a", 2), ReadOffsetType.READ_FROM_STORE) == -1
    factory.mq_client_api_impl.answer = RemotingTimeoutException("x", 5000)
    assert store.read_offset(MessageQueue("T", "broker-a", 3),
                             ReadOffsetType.MEMORY_FIRST_THEN_STORE) == -2
    assert store.read_offset(MessageQueue("T", "broker-x", 3), ReadOffsetType.READ_FROM_STORE) == -2
    assert factory.route_updates == 1  # an unknown broker triggers a route refresh


def test_persist_all_sends_oneway_for_assigned_queues_and_forgets_the_others():
    factory = FakeFactory()
    store = RemoteBrokerOffsetStore(factory, "g")
    other = MessageQueue("T", "broker-a", 7)
    store.update_offset(MQ, 3, False)
    store.update_offset(other, 9, False)
    store.persist_all({MQ})
    assert factory.mq_client_api_impl.updates == [("127.0.0.1:10911", "T", 1, 3, True)]
    assert other not in store.offset_table


def test_local_file_store_round_trips_in_fastjson_form(tmp_path, monkeypatch):
    monkeypatch.setenv("ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR", str(tmp_path))
    store = LocalFileOffsetStore(FakeFactory(), "bg")
    mq2 = MessageQueue("T", "broker-b", 0)
    store.update_offset(MQ, 17, False)
    store.update_offset(mq2, 4, False)
    store.persist_all({MQ, mq2})
    text = (tmp_path / "127.0.0.1@test" / "bg" / "offsets.json").read_text()
    assert '{"brokerName":"broker-a","queueId":1,"topic":"T"}:17' in text.replace("\t", "").replace(
        "\n", "")
    fresh = LocalFileOffsetStore(FakeFactory(), "bg")
    fresh.load()
    assert fresh.read_offset(MQ, ReadOffsetType.READ_FROM_MEMORY) == 17
    assert fresh.read_offset(mq2, ReadOffsetType.READ_FROM_STORE) == 4


def test_local_file_store_falls_back_to_bak_when_the_file_is_corrupt(tmp_path, monkeypatch):
    monkeypatch.setenv("ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR", str(tmp_path))
    store = LocalFileOffsetStore(FakeFactory(), "bg")
    store.update_offset(MQ, 1, False)
    store.persist_all({MQ})
    store.update_offset(MQ, 2, False)
    store.persist_all({MQ})  # .bak now holds offset 1
    path = tmp_path / "127.0.0.1@test" / "bg" / "offsets.json"
    path.write_text("{not json")
    fresh = LocalFileOffsetStore(FakeFactory(), "bg")
    fresh.load()
    assert fresh.read_offset(MQ, ReadOffsetType.READ_FROM_MEMORY) == 1


def test_decode_accepts_java_written_offsets():
    java = ('{\n\t"offsetTable":{{"brokerName":"broker-a","queueId":1,"topic":"T"}:5,'
            '{"brokerName":"broker-a","queueId":0,"topic":"T"}:0}\n}')
    assert decode_offset_table(java) == {MQ: 5, MessageQueue("T", "broker-a", 0): 0}
    with pytest.raises(Exception):
        decode_offset_table("{[")
