"""Where the broker keeps its JSON config files (Java ``broker.BrokerPathConfigHelper``; B5.6.3)."""
from __future__ import annotations

import os

_broker_config_path = os.path.join(os.path.expanduser("~"), "store", "config", "broker.properties")


def get_broker_config_path() -> str:
    return _broker_config_path


def set_broker_config_path(path: str) -> None:
    global _broker_config_path
    _broker_config_path = path


def get_topic_config_path(root_dir: str) -> str:
    return os.path.join(root_dir, "config", "topics.json")


def get_consumer_offset_path(root_dir: str) -> str:
    return os.path.join(root_dir, "config", "consumerOffset.json")


def get_subscription_group_path(root_dir: str) -> str:
    return os.path.join(root_dir, "config", "subscriptionGroup.json")


def get_consumer_filter_path(root_dir: str) -> str:
    return os.path.join(root_dir, "config", "consumerFilter.json")
