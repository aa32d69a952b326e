"""Name server settings (Java ``org.apache.rocketmq.common.namesrv.NamesrvConfig``, 4.9.8 defaults;
books B2.2, A2.2.2)."""
from __future__ import annotations

import os
from dataclasses import dataclass

from rocketmq_ref.common.java_config import JavaConfig, config_field
from rocketmq_ref.common.mixall import ROCKETMQ_HOME_ENV


def _in_user_home(*parts: str) -> str:
    return os.path.join(os.path.expanduser("~"), *parts)


@dataclass
class NamesrvConfig(JavaConfig):
    rocketmq_home: str | None = config_field(
        default_factory=lambda: os.environ.get(ROCKETMQ_HOME_ENV), important=True)
    kv_config_path: str = config_field(default_factory=lambda: _in_user_home("namesrv", "kvConfig.json"),
                                       doc="the KV table (ORDER_TOPIC_CONFIG, ...)")
    config_store_path: str = config_field(
        default_factory=lambda: _in_user_home("namesrv", "namesrv.properties"))
    product_env_name: str = "center"
    cluster_test: bool = False
    order_message_enable: bool = False
    config_black_list: str = "configBlackList;configStorePath;kvConfigPath"
    # Java 4.9.8 hard-codes these two (NamesrvController: every 10 s; RouteInfoManager: 120 s);
    # settable here so tests and demos can shorten them. 5.x names the first the same way.
    scan_not_active_broker_interval: int = config_field(
        10 * 1000, doc="ms between scans for brokers that stopped registering")
    broker_channel_expired_time: int = config_field(
        120 * 1000, doc="ms of silence after which a broker's routes are dropped")
