"""Mapped files and the transient store pool: a store with ``transientStorePoolEnable`` writes
into pooled off-heap buffers, commits them into the mapped commit-log files and flushes those;
enough messages go in to fill the first 64 KiB commit-log file and roll over to the next, which
AllocateMappedFileService has already created.
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
FILE_SIZE = 64 * 1024
COUNT = 40  # about 2.2 KiB each: the commit log rolls over to a second file


def message(i: int) -> MessageExtBrokerInner:
    props = {"TAGS": "TagA", "KEYS": f"ORDER-{i}", "WAIT": "false"}
    return MessageExtBrokerInner(TOPIC, (b"%04d" % i) * 512, queue_id=0, properties=props,
                                 properties_string=message_properties2string(props),
                                 born_host=("127.0.0.1", 51234), store_host=("127.0.0.1", 10911),
                                 born_timestamp=int(time.time() * 1000))


def wait_until(condition, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"mapped-files walkthrough: {what} within {timeout} s")
        time.sleep(0.005)


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-mapped-") as tmp:
        config = MessageStoreConfig(store_path_root_dir=str(Path(tmp)),
                                    flush_disk_type=FlushDiskType.ASYNC_FLUSH,
                                    transient_store_pool_enable=True, transient_store_pool_size=3,
                                    mapped_file_size_commit_log=FILE_SIZE,
                                    mapped_file_size_consume_queue=20 * 1000,
                                    max_hash_slot_num=100, max_index_num=400,
                                    commit_interval_commit_log=50, flush_interval_commit_log=50,
                                    commit_commit_log_least_pages=0,
                                    flush_commit_log_least_pages=0)
        store = DefaultMessageStore(config)
        try:
            assert store.load(), "store failed to load"
            store.start()
            end = 0
            for i in range(COUNT):
                result = store.put_message(message(i))
                assert result.put_message_status is PutMessageStatus.PUT_OK, result
                ar = result.append_message_result
                end = ar.wrote_offset + ar.wrote_bytes
            queue = store.get_commit_log().mapped_file_queue
            # readers see data only once it is committed from the pool buffer into the file
            wait_until(lambda: queue.committed_where >= end, "commit")
            wait_until(lambda: queue.flushed_where >= end, "flush")
            wait_until(lambda: store.dispatch_behind_bytes() == 0, "dispatch")
            got = store.get_message("walkthrough_group", TOPIC, 0, 0, COUNT, None)
            readable = got.get_message_count()
            got.release()
            assert readable > 0, got
            files = sorted(p.name for p in Path(tmp, "commitlog").iterdir())
            return {"files": "$ ls store/commitlog\n" + "\n".join(files) + "\n"
                             + f"# written up to {end}, committed {queue.committed_where}, "
                               f"flushed {queue.flushed_where}; first read returned "
                               f"{readable} messages\n"}
        finally:
            store.shutdown()


WALKTHROUGH = Walkthrough(
    name="store_mapped_files",
    title="Mapped files and the transient store pool: write, commit, flush, roll over",
    sections=("B4.4", "B4.4.1", "B4.4.2", "B4.4.3"),
    scenario=scenario,
    stops=(
        Stop("AllocateMappedFileService.mmap_operation", locals=("self",)),
        Stop("CommitRealTimeService.commit", locals=("least_pages", "queue")),
    ),
    service="broker-store",
)
