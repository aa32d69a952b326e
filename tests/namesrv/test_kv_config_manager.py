"""KVConfigManager: put/get/delete by namespace, kvConfig.json as Java writes it, reload."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from rocketmq_ref.namesrv.kvconfig.kv_config_manager import KVConfigManager
from rocketmq_ref.namesrv.kvconfig.kv_config_serialize_wrapper import KVConfigFormatError


@pytest.fixture
def path(tmp_path):
    return tmp_path / "namesrv" / "kvConfig.json"


def manager(path):
    return KVConfigManager(SimpleNamespace(kv_config_path=str(path)))


def test_put_persists_and_a_new_manager_loads_it(path):
    kv = manager(path)
    kv.load()  # no file yet: empty
    kv.put_kv_config("ORDER_TOPIC_CONFIG", "TopicOrder", "broker-a:4;broker-b:4")
    kv.put_kv_config("ns", "k", "v1")
    kv.put_kv_config("ns", "k", "v2")
    assert json.loads(path.read_text()) == {"configTable": {
        "ORDER_TOPIC_CONFIG": {"TopicOrder": "broker-a:4;broker-b:4"}, "ns": {"k": "v2"}}}
    again = manager(path)
    again.load()
    assert again.get_kv_config("ns", "k") == "v2"
    assert again.get_kv_list_by_namespace("ORDER_TOPIC_CONFIG") == {
        "TopicOrder": "broker-a:4;broker-b:4"}


def test_delete_and_missing_lookups(path):
    kv = manager(path)
    kv.put_kv_config("ns", "a", "1")
    kv.put_kv_config("ns", "b", "2")
    kv.delete_kv_config("ns", "a")
    kv.delete_kv_config("nothing", "x")
    assert kv.get_kv_config("ns", "a") is None
    assert kv.get_kv_config("nothing", "x") is None
    assert kv.get_kv_list_by_namespace("nothing") is None
    assert json.loads(path.read_text())["configTable"] == {"ns": {"b": "2"}}
    assert (path.parent / "kvConfig.json.bak").exists()


def test_reads_a_file_written_by_java(path):
    path.parent.mkdir(parents=True)
    path.write_text('{"configTable":{"ORDER_TOPIC_CONFIG":{"T":"broker-a:8"}}}')
    kv = manager(path)
    kv.load()
    assert kv.get_kv_config("ORDER_TOPIC_CONFIG", "T") == "broker-a:8"


def test_corrupt_file_is_a_clear_error_not_silent_loss(path):
    path.parent.mkdir(parents=True)
    path.write_text('{"configTable":{"ns":')
    with pytest.raises(KVConfigFormatError, match="kvConfig.json: bad JSON at char 21"):
        manager(path).load()
    path.write_text('{"configTable":{"ns":"oops"}}')
    with pytest.raises(KVConfigFormatError, match="configTable"):
        manager(path).load()
