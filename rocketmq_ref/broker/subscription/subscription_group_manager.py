"""Consumer group settings (retry queues, max retries, consume enable), persisted to
``config/subscriptionGroup.json`` (Java ``broker.subscription.SubscriptionGroupManager``; B5.6.2).
Unknown groups are created on first lookup when ``autoCreateSubscriptionGroup`` is on."""
from __future__ import annotations

import logging
import threading
from typing import Any

from rocketmq_ref.broker.broker_path_config_helper import get_subscription_group_path
from rocketmq_ref.common import mixall
from rocketmq_ref.common.config_manager import ConfigManager
from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.fastjson import dumps, loads
from rocketmq_ref.common.subscription_group_config import SubscriptionGroupConfig

log = logging.getLogger("rocketmq_ref.broker")

SYSTEM_GROUPS = (mixall.TOOLS_CONSUMER_GROUP, mixall.FILTERSRV_CONSUMER_GROUP, mixall.SELF_TEST_CONSUMER_GROUP,
                 mixall.ONS_HTTP_PROXY_GROUP, mixall.CID_ONSAPI_PULL_GROUP, mixall.CID_ONSAPI_PERMISSION_GROUP,
                 mixall.CID_ONSAPI_OWNER_GROUP)


class SubscriptionGroupManager(ConfigManager):
    def __init__(self, broker_controller: Any) -> None:
        super().__init__()
        self.broker_controller = broker_controller
        self.subscription_group_table: dict[str, SubscriptionGroupConfig] = {}
        self.data_version = DataVersion()
        self._lock = threading.Lock()
        for group in SYSTEM_GROUPS:
            self.subscription_group_table[group] = SubscriptionGroupConfig(group_name=group)

    def update_subscription_group_config(self, config: SubscriptionGroupConfig) -> None:
        with self._lock:
            old = self.subscription_group_table.get(config.group_name)
            self.subscription_group_table[config.group_name] = config
            log.info("%s subscription group config, old: %s new: %s", "update" if old else "create new", old,
                     config)
            self.data_version.next_version()
        self.persist()

    def disable_consume(self, group_name: str) -> None:
        cfg = self.subscription_group_table.get(group_name)
        if cfg is not None:
            cfg.consume_enable = False
            self.data_version.next_version()

    def find_subscription_group_config(self, group: str) -> SubscriptionGroupConfig | None:
        cfg = self.subscription_group_table.get(group)
        if cfg is not None:
            return cfg
        if self.broker_controller.broker_config.auto_create_subscription_group or mixall.is_sys_consumer_group(group):
            with self._lock:
                cfg = self.subscription_group_table.get(group)
                if cfg is not None:
                    return cfg
                cfg = SubscriptionGroupConfig(group_name=group)
                self.subscription_group_table[group] = cfg
                log.info("auto create a subscription group, %s", cfg)
                self.data_version.next_version()
            self.persist()
        return cfg

    def contains_subscription_group(self, group: str) -> bool:
        return bool(group) and group in self.subscription_group_table

    def delete_subscription_group_config(self, group_name: str) -> bool:
        with self._lock:
            old = self.subscription_group_table.pop(group_name, None)
            if old is None:
                log.warning("delete subscription group failed, subscription groupName: %s not exist", group_name)
                return False
            log.info("delete subscription group OK, subscription group:%s", old)
            self.data_version.next_version()
        self.persist()
        return True

    def build_subscription_group_wrapper(self) -> dict[str, Any]:
        """``SubscriptionGroupWrapper`` as a JSON value (GET_ALL_SUBSCRIPTIONGROUP_CONFIG body)."""
        return {"dataVersion": self.data_version.to_json_value(),
                "subscriptionGroupTable": {g: c.to_json_value()
                                           for g, c in list(self.subscription_group_table.items())}}

    def encode(self, pretty_format: bool = False) -> str:
        return dumps(self.build_subscription_group_wrapper(), pretty=pretty_format)

    def decode(self, json_string: str) -> None:
        value = loads(json_string)
        if not isinstance(value, dict):
            raise ValueError("subscriptionGroup.json is not a JSON object")
        table = {g: SubscriptionGroupConfig.from_json_value(c)
                 for g, c in (value.get("subscriptionGroupTable") or {}).items()}
        version = DataVersion.from_json_value(value.get("dataVersion") or {})
        for g, c in table.items():
            if c.group_name is None:
                c.group_name = g
        self.subscription_group_table.update(table)
        self.data_version.assign_new_one(version)

    def config_file_path(self) -> str:
        return get_subscription_group_path(self.broker_controller.message_store_config.store_path_root_dir)
