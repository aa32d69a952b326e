"""The consume-queue directory deleted and rebuilt from the commit log by the reput service, with
the facade (B4.6.1, B4.7): same units, same offsets, same messages."""
from __future__ import annotations

import os
import shutil

from rocketmq_ref.common.java_hash import java_string_hash_code
from rocketmq_ref.common.message.message_decoder import decode
from rocketmq_ref.store.get_message_result import GetMessageStatus
from tests.store import spec_reader
from tests.store.store_a_support import new_msg, open_store, small_config, wait_dispatched

TOPICS = {"TopicA": 3, "TopicB": 2}


def _fill(store, n: int) -> dict[tuple[str, int], list[bytes]]:
    sent: dict[tuple[str, int], list[bytes]] = {}
    for i in range(n):
        topic = "TopicA" if i % 3 else "TopicB"
        qid = i % TOPICS[topic]
        body = f"message {i} ".encode() * (1 + i % 7)
        result = store.put_message(new_msg(topic, body, qid, tags=f"Tag{i % 4}", keys=f"key-{i}"))
        assert result.put_message_status.name == "PUT_OK"
        sent.setdefault((topic, qid), []).append(body)
    wait_dispatched(store)
    return sent


def _bodies(store, topic: str, qid: int) -> list[bytes]:
    out = []
    offset = 0
    while True:
        res = store.get_message("g", topic, qid, offset, 32, None)
        if res.status is not GetMessageStatus.FOUND:
            break
        for buf in res.message_buffer_list:
            out.append(decode(buf).body)
        offset = res.next_begin_offset
        res.release()
    return out


def _cq_units(root: str, file_size: int) -> dict[tuple[str, int], list]:
    base = os.path.join(root, "consumequeue")
    units = {}
    for topic in sorted(os.listdir(base)):
        for qid in sorted(os.listdir(os.path.join(base, topic))):
            units[(topic, int(qid))] = spec_reader.read_consume_queue_dir(
                os.path.join(base, topic, qid), file_size)
    return units


def test_deleted_consume_queues_are_rebuilt_from_the_commit_log(tmp_path):
    config = small_config(tmp_path)
    store = open_store(config)
    sent = _fill(store, 450)  # several CQ files per queue (200 units each) and commit-log files
    store.shutdown()
    cq_size = config.get_mapped_file_size_consume_queue()
    before = _cq_units(str(tmp_path), cq_size)
    assert len(os.listdir(os.path.join(str(tmp_path), "commitlog"))) > 1

    shutil.rmtree(os.path.join(str(tmp_path), "consumequeue"))
    store = open_store(small_config(tmp_path))  # start() re-dispatches before it returns
    try:
        for (topic, qid), bodies in sent.items():
            assert store.get_max_offset_in_queue(topic, qid) == len(bodies)
            assert store.get_min_offset_in_queue(topic, qid) == 0
            assert _bodies(store, topic, qid) == bodies
        # new puts continue the rebuilt offsets
        r = store.put_message(new_msg("TopicA", b"after", 1))
        assert r.append_message_result.logics_offset == len(sent[("TopicA", 1)])
        wait_dispatched(store)
    finally:
        store.shutdown()
    after = _cq_units(str(tmp_path), cq_size)
    # byte-for-byte the same units as before the deletion (plus the one put afterwards)
    after[("TopicA", 1)] = after[("TopicA", 1)][:-1]
    assert after == before


def test_rebuilt_units_point_at_the_right_records(tmp_path):
    config = small_config(tmp_path)
    store = open_store(config)
    _fill(store, 60)
    store.shutdown()
    # Java rebuilds only from the highest offset any queue still has, so the whole directory goes
    shutil.rmtree(os.path.join(str(tmp_path), "consumequeue"))
    store = open_store(small_config(tmp_path))
    store.shutdown()
    records = {r.physical_offset: r for r in spec_reader.read_commitlog_dir(
        os.path.join(str(tmp_path), "commitlog"), config.mapped_file_size_commit_log)}
    units = _cq_units(str(tmp_path), config.get_mapped_file_size_consume_queue())
    assert sum(len(u) for u in units.values()) == len(records)
    for (topic, qid), queue in units.items():
        for unit in queue:
            rec = records[unit.commit_log_offset]
            assert (rec.topic, rec.queue_id, rec.queue_offset) == (topic, qid, unit.queue_offset)
            assert rec.total_size == unit.size
            assert unit.tags_code == java_string_hash_code(rec.properties["TAGS"])


def test_a_torn_queue_tail_is_truncated_to_the_commit_log(tmp_path):
    """Units that point past the commit log's end (its tail lost) are cut at load (B4.7)."""
    config = small_config(tmp_path)
    store = open_store(config)
    _fill(store, 30)
    max_before = store.get_max_offset_in_queue("TopicA", 1)
    store.shutdown()
    # forge two units beyond the commit log's end in TopicA-1
    qdir = os.path.join(str(tmp_path), "consumequeue", "TopicA", "1")
    path = os.path.join(qdir, sorted(os.listdir(qdir))[-1])
    import struct
    with open(path, "r+b") as f:
        f.seek(max_before * 20)
        f.write(struct.pack(">qiq", 10 ** 9, 100, 0) + struct.pack(">qiq", 10 ** 9 + 100, 100, 0))
    store = open_store(small_config(tmp_path))
    try:
        assert store.get_max_offset_in_queue("TopicA", 1) == max_before
        assert _bodies(store, "TopicA", 1)[-1].startswith(b"message")
    finally:
        store.shutdown()
