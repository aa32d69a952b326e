"""Configuration (Java common.Configuration), the one property set the name server and the broker
both serve for GET/UPDATE_*_CONFIG: existing keys only, all-or-nothing, persisted where a config
field says."""
from __future__ import annotations

import pytest

from rocketmq_ref.common.broker_config import BrokerConfig
from rocketmq_ref.common.configuration import Configuration
from rocketmq_ref.common.java_config import ConfigError, load_properties_file
from rocketmq_ref.common.namesrv_config import NamesrvConfig


def _lines(conf: Configuration) -> dict[str, str]:
    return dict(line.split("=", 1) for line in conf.get_all_configs_format_string().splitlines())


def test_update_changes_existing_keys_ignores_unknown_and_persists(tmp_path):
    broker, namesrv = BrokerConfig(), NamesrvConfig()
    path = tmp_path / "broker.properties"
    conf = Configuration(broker, namesrv, store_path=str(path))
    conf.register_config({"fromConfFile": "kept"})
    before = conf.data_version.counter
    conf.update({"brokerName": "broker-z", "orderMessageEnable": "true", "noSuchKey": "x"})
    assert broker.broker_name == "broker-z" and namesrv.order_message_enable is True
    assert conf.data_version.counter == before + 1
    persisted = load_properties_file(str(path))
    assert persisted["brokerName"] == "broker-z" and persisted["fromConfFile"] == "kept"
    assert "noSuchKey" not in persisted and "noSuchKey" not in _lines(conf)
    assert '"counter":%d' % (before + 1) in conf.get_data_version_json()


def test_a_bad_value_changes_nothing(tmp_path):
    broker = BrokerConfig()
    conf = Configuration(broker, store_path=str(tmp_path / "c.properties"))
    with pytest.raises(ConfigError):
        conf.update({"brokerName": "changed", "sendMessageThreadPoolNums": "many"})
    assert broker.broker_name != "changed" and _lines(conf)["brokerName"] == broker.broker_name
    assert not (tmp_path / "c.properties").exists()


def test_store_path_read_from_the_config_field_each_time(tmp_path):
    namesrv = NamesrvConfig(config_store_path=str(tmp_path / "a.properties"))
    conf = Configuration(namesrv, store_path=lambda: namesrv.config_store_path)
    conf.update({"configStorePath": str(tmp_path / "b.properties")})
    assert (tmp_path / "b.properties").exists() and not (tmp_path / "a.properties").exists()
    assert _lines(conf)["configStorePath"] == str(tmp_path / "b.properties")
