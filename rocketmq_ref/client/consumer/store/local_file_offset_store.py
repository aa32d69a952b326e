"""LocalFileOffsetStore: broadcasting consumers keep their offsets in a local file
(Java ``client.consumer.store.LocalFileOffsetStore``; books A3.3, B5.6.3).

``<dir>/<clientId>/<group>/offsets.json`` holds Java's ``OffsetSerializeWrapper`` in fastjson form
(``{"offsetTable":{{"brokerName":..,"queueId":..,"topic":..}:5}}``), written through a temp file with
a ``.bak`` copy (``MixAll.string2File``).  The directory is Java's ``rocketmq.client.localOffsetStoreDir``
(env ``ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR``), default ``~/.rocketmq_offsets``.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Iterable

from rocketmq_ref.client.consumer.store.offset_store import OffsetStore, ReadOffsetType
from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.common import fastjson, mixall
from rocketmq_ref.common.message import MessageQueue

log = logging.getLogger("rocketmq_ref.client")


def local_offset_store_dir() -> str:
    return os.environ.get("ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR",
                          os.path.join(os.path.expanduser("~"), ".rocketmq_offsets"))


def encode_offset_table(table: dict[Any, int]) -> str:
    """``OffsetSerializeWrapper.toJson(true)``: MessageQueue objects as map keys (fastjson form)."""
    wrapper = {"offsetTable": {fastjson.FrozenDict(mq.to_json_value()): off
                               for mq, off in sorted(table.items())}}
    return fastjson.dumps(wrapper, fastjson=True, pretty=True)


def decode_offset_table(text: str) -> dict[Any, int]:
    data = fastjson.loads(text) or {}
    return {MessageQueue.from_json_value(dict(k)): int(v)
            for k, v in (data.get("offsetTable") or {}).items()}


class LocalFileOffsetStore(OffsetStore):
    def __init__(self, mq_client_factory: Any, group_name: str) -> None:
        super().__init__(group_name)
        self.mq_client_factory = mq_client_factory
        self.store_path = os.path.join(local_offset_store_dir(), mq_client_factory.client_id,
                                       group_name, "offsets.json")

    def load(self) -> None:
        """Read ``offsets.json`` (falling back to ``.bak``); a corrupt file is an error, not zeros."""
        table = self.read_local_offset()
        if table:
            self.offset_table.update(table)
            for mq, off in table.items():
                log.info("load consumer's offset, %s %s %s", self.group_name, mq, off)

    def read_local_offset(self) -> dict[Any, int]:
        for path in (self.store_path, self.store_path + ".bak"):
            text = mixall.file2string(path)
            if not text:
                continue
            try:
                return decode_offset_table(text)
            except (ValueError, TypeError, AttributeError) as e:
                log.warning("read local offset file %s failed: %s", path, e)
                if path.endswith(".bak"):
                    raise MQClientException(
                        f"readLocalOffset Exception, maybe fastjson version too low: {e}") from e
        return {}

    def read_offset(self, mq: Any, type_: ReadOffsetType) -> int:
        if mq is None:
            return -1
        if type_ in (ReadOffsetType.READ_FROM_MEMORY, ReadOffsetType.MEMORY_FIRST_THEN_STORE):
            off = self.offset_table.get(mq)
            if off is not None:
                return off
            if type_ is ReadOffsetType.READ_FROM_MEMORY:
                return -1
        try:
            table = self.read_local_offset()
        except MQClientException:
            return -1
        off = table.get(mq)
        if off is None:
            return -1
        self.update_offset(mq, off, False)
        return off

    def persist_all(self, mqs: Iterable[Any]) -> None:
        mqs = set(mqs or ())
        if not mqs:
            return
        table = {mq: off for mq, off in self.clone_offset_table().items() if mq in mqs}
        os.makedirs(os.path.dirname(self.store_path), exist_ok=True)
        mixall.string2file(encode_offset_table(table), self.store_path)

    def persist(self, mq: Any) -> None:
        """Java persists the whole file only in ``persistAll``."""
