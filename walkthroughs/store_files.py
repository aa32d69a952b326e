"""The store's files byte by byte: two messages put into a fresh store, which is then shut down
normally, and each file read back with the store dump tool -- a commit-log record, the 20-byte
consume-queue units, the index file's header, slots and entries, and the checkpoint.
"""
from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

from rocketmq_ref.common.message.message_decoder import message_properties2string
from rocketmq_ref.store.config import MessageStoreConfig
from rocketmq_ref.store.default_message_store import DefaultMessageStore
from rocketmq_ref.store.message_ext_broker_inner import MessageExtBrokerInner
from rocketmq_ref.store.put_message_result import PutMessageStatus
from rocketmq_ref.tools import store_dump
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicTest"
SLOTS, ENTRIES = 16, 64  # a tiny index file, so its dump fits on a page


def fill_store(root: Path) -> None:
    config = MessageStoreConfig(store_path_root_dir=str(root),
                                mapped_file_size_commit_log=64 * 1024,
                                mapped_file_size_consume_queue=20 * 100,
                                max_hash_slot_num=SLOTS, max_index_num=ENTRIES)
    store = DefaultMessageStore(config)
    try:
        assert store.load(), "store failed to load"
        store.start()
        for i in range(2):
            props = {"TAGS": "TagA", "KEYS": f"ORDER-{i}", "WAIT": "true"}
            msg = MessageExtBrokerInner(TOPIC, f"Hello RocketMQ {i}".encode(), queue_id=0,
                                        properties=props,
                                        properties_string=message_properties2string(props),
                                        born_host=("127.0.0.1", 51234),
                                        store_host=("127.0.0.1", 10911),
                                        born_timestamp=int(time.time() * 1000))
            result = store.put_message(msg)
            assert result.put_message_status is PutMessageStatus.PUT_OK, result
        deadline = time.monotonic() + 30
        while store.dispatch_behind_bytes() > 0:
            assert time.monotonic() < deadline, "dispatch did not catch up"
            time.sleep(0.005)
    finally:
        store.shutdown()


def dumps(root: Path) -> dict[str, str]:
    """What ``python -m rocketmq_ref.tools.store_dump`` prints for each file of the store."""
    commitlog = str(root / "commitlog")
    index_file = next((root / "index").iterdir())
    commands = {
        "commitlog": ["commitlog", commitlog, "--max", "1", "--hex"],
        "consumequeue": ["consumequeue", str(root / "consumequeue" / TOPIC / "0"),
                         "--commitlog", commitlog],
        "index": ["index", str(index_file), "--slots", str(SLOTS), "--entries", str(ENTRIES),
                  "--key", f"{TOPIC}#ORDER-1"],
        "checkpoint": ["checkpoint", str(root / "checkpoint")],
    }
    out: dict[str, str] = {}
    for name, argv in commands.items():
        buf = io.StringIO()
        status = store_dump.main(argv, out=buf)
        assert status == 0, f"store_dump {name} found problems:\n{buf.getvalue()}"
        shown = [a if not a.startswith(str(root)) else "STORE" + a[len(str(root)):] for a in argv]
        out[name] = "$ python -m rocketmq_ref.tools.store_dump " + " ".join(shown) + "\n" \
            + buf.getvalue().replace(str(root), "STORE")
    return out


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-files-") as tmp:
        fill_store(Path(tmp))
        return dumps(Path(tmp))


WALKTHROUGH = Walkthrough(
    name="store_files",
    title="Store files byte by byte: commit log, consume queue, index, checkpoint",
    sections=("B4.5", "B4.5.1", "B4.5.2", "B4.5.3", "B4.5.4"),
    scenario=scenario,
    stops=(
        Stop("CommitLog.put_message", locals=("msg",)),
        Stop("ReputMessageService.do_reput", locals=("store", "commit_log")),
    ),
    service="broker-store",
)
