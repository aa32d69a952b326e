"""Store recovery after a normal shutdown and after kill -9.

First a store is filled and shut down normally, then reopened: the abort file is gone, so the
commit log is checked from its last three files only (B4.7.1).  Then a writer process puts
messages until it is killed with SIGKILL in mid-stream; reopening finds the abort file left
behind and recovers abnormally: it checks the commit log from the checkpoint on, truncates a torn
tail and dispatches again whatever the consume queues and the index had not seen (B4.7.2).  Every
message the writer saw acknowledged is read back.

    python walkthroughs/store_recovery.py writer DIR   # the writer process on its own
"""
from __future__ import annotations

import signal
import subprocess
import sys
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
ACKED_BEFORE_KILL = 20


def config(root: Path) -> MessageStoreConfig:
    return MessageStoreConfig(store_path_root_dir=str(root), flush_disk_type=FlushDiskType.SYNC_FLUSH,
                              mapped_file_size_commit_log=64 * 1024,
                              mapped_file_size_consume_queue=20 * 1000,
                              max_hash_slot_num=100, max_index_num=400)


def message(i: int) -> MessageExtBrokerInner:
    props = {"TAGS": "TagA", "KEYS": f"ORDER-{i}", "WAIT": "true"}
    return MessageExtBrokerInner(TOPIC, f"order {i}".encode() * 8, queue_id=0, properties=props,
                                 properties_string=message_properties2string(props),
                                 born_host=("127.0.0.1", 51234), store_host=("127.0.0.1", 10911),
                                 born_timestamp=int(time.time() * 1000))


def open_store(root: Path) -> DefaultMessageStore:
    store = DefaultMessageStore(config(root))
    assert store.load(), "store failed to load"
    store.start()
    return store


def wait_dispatched(store: DefaultMessageStore) -> None:
    deadline = time.monotonic() + 30
    while store.dispatch_behind_bytes() > 0:
        assert time.monotonic() < deadline, "dispatch did not catch up"
        time.sleep(0.005)


def count_readable(store: DefaultMessageStore) -> int:
    wait_dispatched(store)
    got = store.get_message("walkthrough_group", TOPIC, 0, 0, 1000, None)
    try:
        return got.get_message_count()
    finally:
        got.release()


def writer(root: Path) -> None:
    """Put messages forever, printing ``ACK n`` after each acknowledged (flushed) put."""
    store = open_store(root)
    i = 0
    while True:
        result = store.put_message(message(i))
        if result.put_message_status is PutMessageStatus.PUT_OK:
            print(f"ACK {i}", flush=True)
        i += 1


def scenario() -> None:
    with tempfile.TemporaryDirectory(prefix="walkthrough-recovery-") as tmp:
        normal = Path(tmp, "normal")
        store = open_store(normal)
        for i in range(3):
            assert store.put_message(message(i)).put_message_status is PutMessageStatus.PUT_OK
        store.shutdown()
        store = open_store(normal)  # no abort file: recover_normally
        try:
            assert count_readable(store) == 3
        finally:
            store.shutdown()

        crashed = Path(tmp, "crashed")
        proc = subprocess.Popen([sys.executable, __file__, "writer", str(crashed)],
                                stdout=subprocess.PIPE, text=True)
        acked = -1
        try:
            assert proc.stdout is not None
            deadline = time.monotonic() + 30
            while acked < ACKED_BEFORE_KILL - 1 and time.monotonic() < deadline:
                line = proc.stdout.readline()
                if line.startswith("ACK "):
                    acked = int(line.split()[1])
        finally:
            proc.send_signal(signal.SIGKILL)  # no shutdown: the abort file stays
            proc.wait(10)
        assert acked >= ACKED_BEFORE_KILL - 1, "the writer did not get going"
        assert Path(crashed, "abort").exists()
        store = open_store(crashed)  # abort file: recover_abnormally
        try:
            assert count_readable(store) >= acked + 1
        finally:
            store.shutdown()


WALKTHROUGH = Walkthrough(
    name="store_recovery",
    title="Store recovery: normal shutdown vs kill -9",
    sections=("B4.7", "B4.7.1", "B4.7.2"),
    scenario=scenario,
    stops=(
        Stop("DefaultMessageStore.load", locals=("self",)),
        Stop("CommitLog.recover_normally", locals=("max_phy_offset_of_consume_queue",)),
        Stop("CommitLog.recover_abnormally", locals=("max_phy_offset_of_consume_queue",)),
    ),
    service="broker-store",
)

if __name__ == "__main__" and sys.argv[1:2] == ["writer"]:
    writer(Path(sys.argv[2]))
