"""Expired file deletion in a store of small files: commit-log files older than ``fileReservedTime``
go first (never the file being written), then every consume-queue file wholly below the commit
log's new minimum offset.

Twenty puts fill four 16 KiB commit-log files and five consume-queue files of four entries.  The
reserved time is 0 hours, and an admin-style manual deletion (``DELETE_EXPIRED_COMMITLOG``) stands
in for the 04:00 ``deleteWhen`` hour; one clean-up round then runs on this thread.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from rocketmq_ref.common.message.message_decoder import message_properties2string
from rocketmq_ref.store.config import MessageStoreConfig
from rocketmq_ref.store.default_message_store import DefaultMessageStore
from rocketmq_ref.store.message_ext_broker_inner import MessageExtBrokerInner
from rocketmq_ref.store.put_message_result import PutMessageStatus
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicClean"
COUNT = 20
BODY = b"x" * 3000  # with the record header about 3.1 KiB: five records per 16 KiB file


def message(i: int) -> MessageExtBrokerInner:
    props = {"TAGS": "TagA", "KEYS": f"K{i}"}
    return MessageExtBrokerInner(TOPIC, BODY, queue_id=0, properties=props,
                                 properties_string=message_properties2string(props),
                                 born_host=("127.0.0.1", 51234), store_host=("127.0.0.1", 10911),
                                 born_timestamp=int(time.time() * 1000))


def files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []


def describe(store: DefaultMessageStore, root: Path) -> str:
    commit_log = files(root / "commitlog")
    cq = files(root / "consumequeue" / TOPIC / "0")
    return (f"commitlog: {len(commit_log)} files {commit_log[0]}..{commit_log[-1]}, "
            f"min offset {store.get_commit_log().get_min_offset()}\n"
            f"consumequeue {TOPIC}/0: {len(cq)} files, "
            f"min queue offset {store.get_min_offset_in_queue(TOPIC, 0)}")


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-clean-") as tmp:
        root = Path(tmp)
        config = MessageStoreConfig(store_path_root_dir=str(root),
                                    mapped_file_size_commit_log=16 * 1024,
                                    mapped_file_size_consume_queue=20 * 4,
                                    max_hash_slot_num=100, max_index_num=400,
                                    file_reserved_time=0,  # hours: every full file has expired
                                    delete_commit_log_files_interval=0)
        store = DefaultMessageStore(config)
        outputs: dict[str, str] = {}
        try:
            assert store.load(), "store failed to load"
            store.start()
            for i in range(COUNT):
                result = store.put_message(message(i))
                assert result.put_message_status is PutMessageStatus.PUT_OK, result
            deadline = time.monotonic() + 20
            while store.dispatch_behind_bytes() > 0:
                if time.monotonic() > deadline:
                    raise TimeoutError("store clean-up walkthrough: dispatch")
                time.sleep(0.005)
            outputs["before"] = describe(store, root)
            store.execute_delete_files_manually()  # as mqadmin deleteExpiredCommitLog
            store.clean_files_periodically()  # one round of the store's 10-second task (B4.9)
            outputs["after"] = describe(store, root)
            got = store.get_message("walkthrough_group", TOPIC, 0, 0, 32, None)
            outputs["after"] += f"\nget_message at queue offset 0: {got.status.name}, " \
                                f"next begin offset {got.next_begin_offset}"
            got.release()
            assert store.get_commit_log().get_min_offset() > 0, os.listdir(root / "commitlog")
        finally:
            store.shutdown()
    return outputs


WALKTHROUGH = Walkthrough(
    name="store_clean_up",
    title="Expired file deletion: commit-log files by age, consume-queue files by offset",
    sections=("B4.9",),
    scenario=scenario,
    stops=(
        Stop("CleanCommitLogService.delete_expired_files",
             locals=("timeup", "spacefull", "manual_delete")),
        Stop("CleanConsumeQueueService.delete_expired_files", locals=("min_offset",)),
    ),
    service="broker-store",
)
