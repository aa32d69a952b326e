"""The store path: a message through CommitLog, flushed synchronously by GroupCommitService in one
store and asynchronously by FlushRealTimeService in the other, then dispatched by
ReputMessageService to the consume queue and the index, read back by queue offset and by key.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from rocketmq_ref.common.message.message_decoder import message_properties2string
from rocketmq_ref.store.config import MessageStoreConfig
from rocketmq_ref.store.config.flush_disk_type import FlushDiskType
from rocketmq_ref.store.default_message_store import DefaultMessageStore
from rocketmq_ref.store.message_ext_broker_inner import MessageExtBrokerInner
from rocketmq_ref.store.put_message_result import PutMessageStatus
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicTest"
BORN_HOST = ("127.0.0.1", 51234)
STORE_HOST = ("127.0.0.1", 10911)


def message(body: bytes, key: str) -> MessageExtBrokerInner:
    props = {"TAGS": "TagA", "KEYS": key, "WAIT": "true"}
    return MessageExtBrokerInner(TOPIC, body, queue_id=0, properties=props,
                                 properties_string=message_properties2string(props),
                                 born_host=BORN_HOST, store_host=STORE_HOST,
                                 born_timestamp=int(time.time() * 1000))


def wait_until(condition, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"store walkthrough: {what} within {timeout} s")
        time.sleep(0.005)


def put_read_back(root: Path, flush: FlushDiskType) -> None:
    config = MessageStoreConfig(store_path_root_dir=str(root), flush_disk_type=flush,
                                mapped_file_size_commit_log=1024 * 1024,
                                mapped_file_size_consume_queue=20 * 1000,
                                max_hash_slot_num=1000, max_index_num=4000,
                                flush_interval_commit_log=50, flush_commit_log_least_pages=0)
    store = DefaultMessageStore(config)
    try:
        assert store.load(), "store failed to load"
        store.start()
        for i in range(2):
            result = store.put_message(message(f"order {i} {flush.name}".encode(), f"ORDER-{i}"))
            assert result.put_message_status is PutMessageStatus.PUT_OK, result
            # one dispatch round per message: wait for it before the next put
            wait_until(lambda: store.dispatch_behind_bytes() == 0, "dispatch")
        queue = store.get_commit_log().mapped_file_queue
        wait_until(lambda: queue.flushed_where >= queue.get_max_offset(), "flush")
        got = store.get_message("walkthrough_group", TOPIC, 0, 0, 32, None)
        assert got.get_message_count() == 2, got
        got.release()
        found = store.query_message(TOPIC, "ORDER-1", 32, 0, 2**62)
        assert len(found.message_buffer_list) == 1, found
        found.release()
    finally:
        store.shutdown()


def scenario() -> None:
    with tempfile.TemporaryDirectory(prefix="walkthrough-store-") as tmp:
        put_read_back(Path(tmp, "sync"), FlushDiskType.SYNC_FLUSH)
        put_read_back(Path(tmp, "async"), FlushDiskType.ASYNC_FLUSH)


WALKTHROUGH = Walkthrough(
    name="store_put_flush",
    title="Store path: put, sync and async flush, dispatch to consume queue and index",
    sections=("B4.3", "B4.8", "B4.8.1", "B4.8.2", "B4.6", "B4.6.1", "B4.6.2"),
    scenario=scenario,
    stops=(
        Stop("CommitLog.put_message", locals=("msg",)),
        Stop("GroupCommitService.do_commit", locals=("reqs", "queue")),
        Stop("ReputMessageService.do_reput", locals=("store", "commit_log")),
        Stop("FlushRealTimeService.flush", locals=("least_pages", "before")),
    ),
    service="broker-store",
)
