"""The broker's topic table, persisted to ``config/topics.json`` (Java
``broker.topic.TopicConfigManager``; B3.4.4, A4.2, spec message-and-store §14).

The constructor seeds the system topics; ``create_topic_in_send_message_method`` auto-creates a
topic from the ``TBW102`` template on the first send; ``create_topic_in_send_message_back_method``
creates ``%RETRY%``/``%DLQ%`` topics. Every change bumps the DataVersion, persists and (for new
topics) triggers an immediate registration with the name servers.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from rocketmq_ref.broker.broker_path_config_helper import get_topic_config_path
from rocketmq_ref.common import topic_validator
from rocketmq_ref.common.config_manager import ConfigManager
from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.fastjson import dumps, loads
from rocketmq_ref.common.mixall import REPLY_TOPIC_POSTFIX
from rocketmq_ref.common.perm_name import PermName
from rocketmq_ref.common.topic_config import TopicConfig

log = logging.getLogger("rocketmq_ref.broker")

LOCK_TIMEOUT_MILLIS = 3000
SCHEDULE_TOPIC_QUEUE_NUM = 18


class TopicConfigManager(ConfigManager):
    def __init__(self, broker_controller: Any) -> None:
        super().__init__()
        self.broker_controller = broker_controller
        self.topic_config_table: dict[str, TopicConfig] = {}
        self.data_version = DataVersion()
        self._lock = threading.Lock()
        config = broker_controller.broker_config

        def system(topic: str, queues: int = 16, perm: int = PermName.PERM_READ | PermName.PERM_WRITE) -> None:
            topic_validator.add_system_topic(topic)
            self.topic_config_table[topic] = TopicConfig(topic, queues, queues, perm)

        system(topic_validator.RMQ_SYS_SELF_TEST_TOPIC, 1)
        if config.auto_create_topic_enable:
            system(topic_validator.AUTO_CREATE_TOPIC_KEY_TOPIC, config.default_topic_queue_nums,
                   PermName.PERM_INHERIT | PermName.PERM_READ | PermName.PERM_WRITE)
        system(topic_validator.RMQ_SYS_BENCHMARK_TOPIC, 1024)
        rw = PermName.PERM_READ | PermName.PERM_WRITE
        system(config.broker_cluster_name, 16,
               PermName.PERM_INHERIT | (rw if config.cluster_topic_enable else 0))
        system(config.broker_name, 1, PermName.PERM_INHERIT | (rw if config.broker_topic_enable else 0))
        system(topic_validator.RMQ_SYS_OFFSET_MOVED_EVENT, 1)
        system(topic_validator.RMQ_SYS_SCHEDULE_TOPIC, SCHEDULE_TOPIC_QUEUE_NUM)
        if config.trace_topic_enable:
            system(config.msg_trace_topic_name, 1)
        system(f"{config.broker_cluster_name}_{REPLY_TOPIC_POSTFIX}", 1)

    # -- lookups ---------------------------------------------------------------------------------

    def select_topic_config(self, topic: str) -> TopicConfig | None:
        return self.topic_config_table.get(topic)

    def is_order_topic(self, topic: str) -> bool:
        tc = self.topic_config_table.get(topic)
        return tc is not None and tc.order

    # -- creation --------------------------------------------------------------------------------

    def _register_after_create(self) -> None:
        self.broker_controller.register_broker_all(False, True, True)

    def create_topic_in_send_message_method(self, topic: str, default_topic: str, remote_address: str,
                                            client_default_topic_queue_nums: int, topic_sys_flag: int
                                            ) -> TopicConfig | None:
        """Auto-create ``topic`` from the template ``default_topic`` (needs PERM_INHERIT on it)."""
        create_new = False
        if not self._lock.acquire(timeout=LOCK_TIMEOUT_MILLIS / 1000):
            return None
        try:
            tc = self.topic_config_table.get(topic)
            if tc is not None:
                return tc
            default_tc = self.topic_config_table.get(default_topic) if default_topic else None
            if default_tc is None:
                log.warning("Create new topic failed, because the default topic[%s] not exist. producer:[%s]",
                            default_topic, remote_address)
                return None
            if (default_topic == topic_validator.AUTO_CREATE_TOPIC_KEY_TOPIC
                    and not self.broker_controller.broker_config.auto_create_topic_enable):
                default_tc.perm = PermName.PERM_READ | PermName.PERM_WRITE
            if not PermName.is_inherited(default_tc.perm):
                log.warning("Create new topic failed, because the default topic[%s] has no perm [%s] "
                            "producer:[%s]", default_topic, default_tc.perm, remote_address)
                return None
            queue_nums = max(0, min(client_default_topic_queue_nums, default_tc.write_queue_nums))
            tc = TopicConfig(topic, queue_nums, queue_nums, default_tc.perm & ~PermName.PERM_INHERIT,
                             default_tc.topic_filter_type, topic_sys_flag)
            log.info("Create new topic by default topic:[%s] config:[%s] producer:[%s]", default_topic, tc,
                     remote_address)
            self.topic_config_table[topic] = tc
            self.data_version.next_version()
            create_new = True
            self.persist()
        finally:
            self._lock.release()
        if create_new:
            self._register_after_create()
        return tc

    def create_topic_in_send_message_back_method(self, topic: str, client_default_topic_queue_nums: int,
                                                 perm: int, topic_sys_flag: int) -> TopicConfig | None:
        tc = self.topic_config_table.get(topic)
        if tc is not None:
            return tc
        if not self._lock.acquire(timeout=LOCK_TIMEOUT_MILLIS / 1000):
            return None
        try:
            tc = self.topic_config_table.get(topic)
            if tc is not None:
                return tc
            tc = TopicConfig(topic, client_default_topic_queue_nums, client_default_topic_queue_nums, perm,
                             topic_sys_flag=topic_sys_flag)
            log.info("create new topic %s", tc)
            self.topic_config_table[topic] = tc
            self.data_version.next_version()
            self.persist()
        finally:
            self._lock.release()
        self._register_after_create()
        return tc

    def update_topic_config(self, topic_config: TopicConfig) -> None:
        with self._lock:
            old = self.topic_config_table.get(topic_config.topic_name)
            self.topic_config_table[topic_config.topic_name] = topic_config
            if old is not None:
                log.info("update topic config, old:[%s] new:[%s]", old, topic_config)
            else:
                log.info("create new topic [%s]", topic_config)
            self.data_version.next_version()
        self.persist()

    def update_order_topic_config(self, order_kv_table: dict[str, str] | None) -> None:
        """Set ``order`` from the name server's ORDER_TOPIC_CONFIG namespace."""
        if order_kv_table is None:
            return
        changed = False
        with self._lock:
            for topic, tc in self.topic_config_table.items():
                want = topic in order_kv_table
                if tc.order != want:
                    tc.order = want
                    changed = True
            if changed:
                self.data_version.next_version()
        if changed:
            self.persist()

    def delete_topic_config(self, topic: str) -> bool:
        with self._lock:
            old = self.topic_config_table.pop(topic, None)
            if old is None:
                log.warning("delete topic config failed, topic: %s not exists", topic)
                return False
            log.info("delete topic config OK, topic: %s", old)
            self.data_version.next_version()
        self.persist()
        return True

    # -- wire and file form ----------------------------------------------------------------------

    def build_topic_config_serialize_wrapper(self) -> dict[str, Any]:
        """``TopicConfigSerializeWrapper`` as a JSON value: the registration and GET_ALL_TOPIC_CONFIG body."""
        return {"dataVersion": self.data_version.to_json_value(),
                "topicConfigTable": {name: tc.to_json_value() for name, tc in list(self.topic_config_table.items())}}

    def encode(self, pretty_format: bool = False) -> str:
        return dumps(self.build_topic_config_serialize_wrapper(), pretty=pretty_format)

    def decode(self, json_string: str) -> None:
        value = loads(json_string)
        if not isinstance(value, dict):
            raise ValueError("topics.json is not a JSON object")
        table = {name: TopicConfig.from_json_value(tc)
                 for name, tc in (value.get("topicConfigTable") or {}).items()}
        version = DataVersion.from_json_value(value.get("dataVersion") or {})
        for name, tc in table.items():
            if tc.topic_name is None:
                tc.topic_name = name
        self.topic_config_table.update(table)
        self.data_version.assign_new_one(version)

    def config_file_path(self) -> str:
        return get_topic_config_path(self.broker_controller.message_store_config.store_path_root_dir)
