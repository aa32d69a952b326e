"""KVConfigManager: namespace -> key -> value, persisted to ``kvConfig.json`` (Java
``org.apache.rocketmq.namesrv.kvconfig.KVConfigManager``; books A10.2, B2.2).

The name server's only persistent state. The namespace ``ORDER_TOPIC_CONFIG`` holds order-topic
layouts (``topic -> "broker-a:4;broker-b:4"``) that route lookups attach when
``orderMessageEnable`` is on. Every change is written at once with MixAll's ``.tmp``/``.bak`` dance;
the file is ``{"configTable":{"<namespace>":{"<key>":"<value>"}}}`` as Java writes it.
"""
from __future__ import annotations

import logging
from typing import Any

from rocketmq_ref.common import mixall
from rocketmq_ref.common.tracing import traced
from rocketmq_ref.namesrv.kvconfig.kv_config_serialize_wrapper import KVConfigSerializeWrapper
from rocketmq_ref.namesrv.read_write_lock import ReadWriteLock

log = logging.getLogger("rocketmq_ref.namesrv")

_JAVA = "org.apache.rocketmq.namesrv.kvconfig.KVConfigManager#"


class KVConfigManager:
    """The KV store of one name server; ``namesrv_config.kv_config_path`` names its file."""

    def __init__(self, namesrv_config: Any) -> None:
        self.namesrv_config = namesrv_config
        self.lock = ReadWriteLock()
        self.config_table: dict[str, dict[str, str]] = {}

    @property
    def kv_config_path(self) -> str:
        return self.namesrv_config.kv_config_path

    def load(self) -> None:
        """Read ``kvConfig.json`` if it exists. A file that does not parse is an error the operator
        must see (Java logs and starts empty, silently dropping the config at the next write)."""
        content = mixall.file2string(self.kv_config_path)
        if content is None or not content.strip():
            return
        wrapper = KVConfigSerializeWrapper.parse(content, source=self.kv_config_path)
        with self.lock.write_lock():
            for namespace, table in wrapper.config_table.items():
                self.config_table[namespace] = dict(table)
        log.info("load KV config table OK")

    @traced(_JAVA + "putKVConfig", books=("A10.2",))
    def put_kv_config(self, namespace: str, key: str, value: str) -> None:
        with self.lock.write_lock():
            table = self.config_table.get(namespace)
            if table is None:
                table = self.config_table[namespace] = {}
                log.info("putKVConfig create new Namespace %s", namespace)
            prev = table.get(key)
            table[key] = value
            log.info("putKVConfig %s config item, Namespace: %s Key: %s Value: %s",
                     "update" if prev is not None else "create new", namespace, key, value)
        self.persist()

    def persist(self) -> None:
        with self.lock.read_lock():
            content = KVConfigSerializeWrapper(self.config_table).to_json()
        try:
            mixall.string2file(content, self.kv_config_path)
        except OSError:
            log.exception("persist kvconfig Exception, %s", self.kv_config_path)
            raise

    @traced(_JAVA + "deleteKVConfig", books=("A10.2",))
    def delete_kv_config(self, namespace: str, key: str) -> None:
        with self.lock.write_lock():
            table = self.config_table.get(namespace)
            if table is not None:
                value = table.pop(key, None)
                log.info("deleteKVConfig delete a config item, Namespace: %s Key: %s Value: %s",
                         namespace, key, value)
        self.persist()

    def get_kv_list_by_namespace(self, namespace: str) -> dict[str, str] | None:
        """A copy of one namespace (the KVTable body), or None when it does not exist."""
        with self.lock.read_lock():
            table = self.config_table.get(namespace)
            return dict(table) if table is not None else None

    def get_kv_config(self, namespace: str, key: str) -> str | None:
        with self.lock.read_lock():
            table = self.config_table.get(namespace)
            return table.get(key) if table is not None else None

    def print_all_periodically(self) -> None:
        with self.lock.read_lock():
            log.info("--------------------------------------------------------")
            log.info("configTable SIZE: %d", len(self.config_table))
            for namespace, table in self.config_table.items():
                for key, value in table.items():
                    log.info("configTable NS: %s Key: %s Value: %s", namespace, key, value)
