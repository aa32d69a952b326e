"""Committed consumer offsets, ``topic@group`` -> queueId -> offset, persisted to
``config/consumerOffset.json`` every 5 s and at shutdown (Java ``broker.offset.ConsumerOffsetManager``;
B5.6.3, A3.3). The file keeps fastjson's bare integer keys: ``{"offsetTable":{"T@g":{0:12}}}``.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from rocketmq_ref.broker.broker_path_config_helper import get_consumer_offset_path
from rocketmq_ref.common.config_manager import ConfigManager
from rocketmq_ref.common.fastjson import dumps, loads

log = logging.getLogger("rocketmq_ref.broker")

TOPIC_GROUP_SEPARATOR = "@"


class ConsumerOffsetManager(ConfigManager):
    def __init__(self, broker_controller: Any = None) -> None:
        super().__init__()
        self.broker_controller = broker_controller
        self.offset_table: dict[str, dict[int, int]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _split(key: str) -> tuple[str, str] | None:
        parts = key.split(TOPIC_GROUP_SEPARATOR)
        return (parts[0], parts[1]) if len(parts) == 2 else None

    def commit_offset(self, client_host: str, group: str, topic: str, queue_id: int, offset: int) -> None:
        key = f"{topic}{TOPIC_GROUP_SEPARATOR}{group}"
        table = self.offset_table.get(key)
        if table is None:
            with self._lock:
                table = self.offset_table.setdefault(key, {})
        old = table.get(queue_id)
        table[queue_id] = offset
        if old is not None and offset < old:
            log.warning("[NOTIFYME]update consumer offset less than store. clientHost=%s, key=%s, queueId=%s, "
                        "requestOffset=%s, storeOffset=%s", client_host, key, queue_id, offset, old)

    def query_offset(self, group: str, topic: str, queue_id: int) -> int:
        """The committed offset, -1 when the group never committed one for this queue."""
        table = self.offset_table.get(f"{topic}{TOPIC_GROUP_SEPARATOR}{group}")
        if table is not None:
            offset = table.get(queue_id)
            if offset is not None:
                return offset
        return -1

    def query_offsets(self, group: str, topic: str) -> dict[int, int] | None:
        table = self.offset_table.get(f"{topic}{TOPIC_GROUP_SEPARATOR}{group}")
        return dict(table) if table is not None else None

    def which_topic_by_consumer(self, group: str) -> set[str]:
        out = set()
        for key in list(self.offset_table):
            tg = self._split(key)
            if tg and tg[1] == group:
                out.add(tg[0])
        return out

    def which_group_by_topic(self, topic: str) -> set[str]:
        out = set()
        for key in list(self.offset_table):
            tg = self._split(key)
            if tg and tg[0] == topic:
                out.add(tg[1])
        return out

    def clone_offset(self, src_group: str, dest_group: str, topic: str) -> None:
        table = self.offset_table.get(f"{topic}{TOPIC_GROUP_SEPARATOR}{src_group}")
        if table is not None:
            self.offset_table[f"{topic}{TOPIC_GROUP_SEPARATOR}{dest_group}"] = dict(table)

    def remove_offset(self, group: str) -> None:
        """Forget every offset of ``group`` (DELETE_SUBSCRIPTIONGROUP with removeOffset)."""
        with self._lock:
            for key in [k for k in self.offset_table if (self._split(k) or ("", ""))[1] == group]:
                del self.offset_table[key]
                log.warning("clean group offset %s", key)

    def query_min_offset_in_all_group(self, topic: str, filter_groups: str | None) -> dict[int, int]:
        out: dict[int, int] = {}
        skip = {g.strip() for g in filter_groups.split(",")} if filter_groups else set()
        store = self.broker_controller.message_store if self.broker_controller else None
        for key, table in list(self.offset_table.items()):
            tg = self._split(key)
            if not tg or tg[0] != topic or tg[1] in skip:
                continue
            for qid, off in list(table.items()):
                if store is not None and off < store.get_min_offset_in_queue(topic, qid):
                    continue
                out[qid] = min(off, out.get(qid, off))
        return out

    def scan_unsubscribed_topic(self) -> None:
        """Drop offsets of groups that no longer subscribe and lag behind all stored data."""
        controller = self.broker_controller
        for key, table in list(self.offset_table.items()):
            tg = self._split(key)
            if not tg:
                continue
            topic, group = tg
            if (controller.consumer_manager.find_subscription_data(group, topic) is None
                    and self._offset_behind_much_than_data(topic, table)):
                self.offset_table.pop(key, None)
                log.warning("remove topic offset, %s", key)

    def _offset_behind_much_than_data(self, topic: str, table: dict[int, int]) -> bool:
        store = self.broker_controller.message_store
        return bool(table) and all(off <= store.get_min_offset_in_queue(topic, qid)
                                   for qid, off in list(table.items()))

    # -- file form -------------------------------------------------------------------------------

    def encode(self, pretty_format: bool = False) -> str:
        snapshot = {key: dict(table) for key, table in list(self.offset_table.items())}
        return dumps({"offsetTable": snapshot}, pretty=pretty_format)

    def decode(self, json_string: str) -> None:
        value = loads(json_string)
        if not isinstance(value, dict):
            raise ValueError("consumerOffset.json is not a JSON object")
        table = {}
        for key, offsets in (value.get("offsetTable") or {}).items():
            if not isinstance(offsets, dict):
                raise ValueError(f"offsets of {key} are not an object")
            table[str(key)] = {int(q): int(o) for q, o in offsets.items()}
        self.offset_table = table

    def config_file_path(self) -> str:
        return get_consumer_offset_path(self.broker_controller.message_store_config.store_path_root_dir)
