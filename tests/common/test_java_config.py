"""Java-style properties files and config classes (rocketmq_ref.common.java_config)."""
from __future__ import annotations

import enum
from dataclasses import dataclass

import pytest

from rocketmq_ref.common.java_config import (
    ConfigError, JavaConfig, camel_to_snake, config_field, load_properties_file, parse_overrides,
    parse_properties, snake_to_camel)


class Role(enum.Enum):
    ASYNC_MASTER = 1
    SLAVE = 2


@dataclass
class SampleConfig(JavaConfig):
    broker_ip1: str = config_field("127.0.0.1", key="brokerIP1", important=True)
    broker_name: str = config_field("b", important=True)
    listen_port: int = 10911
    ratio: float = 0.5
    enabled: bool = False
    role: Role = Role.ASYNC_MASTER
    namesrv_addr: str | None = None


def test_properties_text_format():
    text = ("# comment\n! also comment\n  brokerName = broker-a  \nlistenPort:10912\n"
            "path=C:\\\\dir\\tx\nlong=one \\\n    two\nunicode=\\u00e9\nspaced key\n")
    props = parse_properties(text)
    assert props["brokerName"] == "broker-a"
    assert props["listenPort"] == "10912"
    assert props["path"] == "C:\\dir\tx"
    assert props["long"] == "one two"
    assert props["unicode"] == "é"
    assert props["spaced"] == "key"


def test_apply_sets_typed_fields_by_java_key_and_returns_unknown_keys():
    cfg = SampleConfig()
    unknown = cfg.apply_properties({"brokerIP1": "10.0.0.1", "listenPort": "10912", "ratio": "0.75",
                                    "enabled": "true", "role": "SLAVE", "namesrvAddr": "h:1",
                                    "nonsense": "1"}, warn_unknown=False)
    assert (cfg.broker_ip1, cfg.listen_port, cfg.ratio, cfg.enabled, cfg.role, cfg.namesrv_addr) == (
        "10.0.0.1", 10912, 0.75, True, Role.SLAVE, "h:1")
    assert unknown == ["nonsense"]


def test_unknown_keys_are_logged_by_name(caplog):
    SampleConfig.from_properties({"bogusKey": "1"}, source="x.conf")
    assert "bogusKey" in caplog.text and "x.conf" in caplog.text


@pytest.mark.parametrize("key, value", [("listenPort", "ten"), ("enabled", "yes please"),
                                        ("role", "LEADER"), ("ratio", "half")])
def test_bad_values_raise_naming_key_and_value(key, value):
    with pytest.raises(ConfigError) as e:
        SampleConfig().apply_properties({key: value})
    assert key in str(e.value) and repr(value) in str(e.value)


def test_print_lines_and_important_only():
    cfg = SampleConfig()
    lines = cfg.print_lines()
    assert "brokerIP1=127.0.0.1" in lines and "enabled=false" in lines and "role=ASYNC_MASTER" in lines
    assert "namesrvAddr=" in lines
    assert cfg.print_lines(important_only=True) == ["brokerIP1=127.0.0.1", "brokerName=b"]


def test_overrides_and_file_loading(tmp_path):
    assert parse_overrides(["brokerName=b1", "x=a=b"]) == {"brokerName": "b1", "x": "a=b"}
    with pytest.raises(ConfigError):
        parse_overrides(["novalue"])
    p = tmp_path / "b.conf"
    p.write_text("brokerName=from-file\n", encoding="utf-8")
    assert load_properties_file(str(p)) == {"brokerName": "from-file"}


def test_name_conversions():
    assert snake_to_camel("broker_cluster_name") == "brokerClusterName"
    assert camel_to_snake("brokerClusterName") == "broker_cluster_name"
    assert camel_to_snake("brokerIP1") == "broker_ip1"
