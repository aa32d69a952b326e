"""Helpers for the commit-log / store tests: small-file configs, messages, waiting for dispatch."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from rocketmq_ref.common.message.message_decoder import message_properties2string
from rocketmq_ref.store.config import MessageStoreConfig
from rocketmq_ref.store.default_message_store import DefaultMessageStore
from rocketmq_ref.store.message_ext_broker_inner import MessageExtBrokerInner

BORN = ("127.0.0.1", 51234)
STORE_HOST = ("127.0.0.1", 10911)


def small_config(root: Path | str, **overrides) -> MessageStoreConfig:
    """Tiny files so tests roll over quickly; a small index so index files stay small."""
    values = dict(store_path_root_dir=str(root), mapped_file_size_commit_log=64 * 1024,
                  mapped_file_size_consume_queue=20 * 200, max_hash_slot_num=1000,
                  max_index_num=4000, flush_interval_commit_log=50,
                  flush_interval_consume_queue=100)
    values.update(overrides)
    return MessageStoreConfig(**values)


def new_msg(topic: str = "TopicTest", body: bytes = b"hello", queue_id: int = 0, *,
            tags: str | None = "TagA", keys: str | None = None, properties: dict | None = None,
            sys_flag: int = 0, born_host=BORN, store_host=STORE_HOST,
            wait: bool = True) -> MessageExtBrokerInner:
    props = dict(properties or {})
    if tags:
        props["TAGS"] = tags
    if keys:
        props["KEYS"] = keys
    props.setdefault("WAIT", "true" if wait else "false")
    return MessageExtBrokerInner(topic, body, queue_id=queue_id, properties=props,
                                 properties_string=message_properties2string(props),
                                 born_host=born_host, store_host=store_host,
                                 born_timestamp=int(time.time() * 1000), sys_flag=sys_flag)


def open_store(config: MessageStoreConfig, **kwargs) -> DefaultMessageStore:
    store = DefaultMessageStore(config, **kwargs)
    assert store.load(), "store failed to load"
    store.start()
    return store


def wait_dispatched(store: DefaultMessageStore, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while store.dispatch_behind_bytes() > 0:
        assert time.monotonic() < deadline, "dispatch did not catch up"
        time.sleep(0.005)


@pytest.fixture
def store(tmp_path):
    """A started store with small files under the test's temp dir; shut down afterwards."""
    s = open_store(small_config(tmp_path))
    yield s
    s.shutdown()
