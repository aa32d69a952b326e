"""Files written by our store, read back by the independent spec reader (tests/store/spec_reader.py):
commit log, consume queues, index and checkpoint, byte by byte (B4.5.1-B4.5.4)."""
from __future__ import annotations

import io
import os
import time
import zlib

import pytest

from tests.store import spec_reader
from tests.store.store_a_support import new_msg, open_store, small_config, wait_dispatched
from rocketmq_ref.tools import store_dump


@pytest.fixture
def written(tmp_path):
    """A store that took a mix of messages, shut down cleanly; returns (config, sent, put results)."""
    config = small_config(tmp_path)
    store = open_store(config)
    sent = []
    results = []
    t_begin = int(time.time() * 1000)
    for i in range(300):
        topic = ("TopicX", "TopicY")[i % 2]
        qid = i % 3
        body = bytes(range(256))[: 20 + i % 200] * (1 + i % 3)
        props = {"UNIQ_KEY": f"7F00000100002A9F0000000000{i:06d}"}
        born = ("::1", 40000 + i) if i % 50 == 7 else ("127.0.0.1", 40000 + i)
        msg = new_msg(topic, body, qid, tags=f"Tag{i % 5}" if i % 11 else None,
                      keys=f"order-{i} customer-{i % 7}", properties=props, born_host=born)
        res = store.put_message(msg)
        assert res.put_message_status.name == "PUT_OK"
        sent.append((topic, qid, body, msg.properties.get("TAGS"), i, born))
        results.append(res.append_message_result)
    wait_dispatched(store)
    store.shutdown()
    return config, sent, results, t_begin


def test_records_in_sees_data_only_behind_a_whole_nonzero_size(tmp_path):
    cases = {"empty": b"", "short": b"\0\0\1", "zeros": bytes(64), "record": b"\0\0\0\x5b" + bytes(60)}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    assert {n: spec_reader.records_in(str(tmp_path / n)) for n in cases} == \
        {"empty": False, "short": False, "zeros": False, "record": True}


def test_commit_log_records_match_the_spec(written, tmp_path):
    config, sent, results, t_begin = written
    records = spec_reader.read_commitlog_dir(os.path.join(str(tmp_path), "commitlog"),
                                             config.mapped_file_size_commit_log)
    assert len(records) == len(sent)
    assert len(os.listdir(os.path.join(str(tmp_path), "commitlog"))) > 1  # the blank hand-over was checked
    next_queue_offset: dict[tuple[str, int], int] = {}
    for rec, (topic, qid, body, tags, i, born), res in zip(records, sent, results):
        assert (rec.topic, rec.queue_id, rec.body) == (topic, qid, body)
        assert rec.physical_offset == res.wrote_offset and rec.total_size == res.wrote_bytes
        assert rec.queue_offset == next_queue_offset.get((topic, qid), 0)
        next_queue_offset[(topic, qid)] = rec.queue_offset + 1
        assert rec.body_crc == zlib.crc32(body) & 0x7FFFFFFF
        assert rec.store_host == (bytes([127, 0, 0, 1]), 10911)
        if born[0] == "::1":
            assert rec.sys_flag & 0x10 and rec.born_host == (bytes(15) + b"\x01", born[1])
        else:
            assert not rec.sys_flag & 0x10 and rec.born_host == (bytes([127, 0, 0, 1]), born[1])
        assert rec.properties.get("TAGS") == tags
        assert rec.properties["KEYS"] == f"order-{i} customer-{i % 7}"
        assert rec.store_timestamp >= t_begin
        # the offset message id the broker returns is store host + port + physical offset (§4)
        assert res.msg_id == "7F00000100002A9F" + f"{rec.physical_offset:016X}"


def test_consume_queue_units_match_the_spec(written, tmp_path):
    config, sent, results, _ = written
    records = {r.physical_offset: r for r in spec_reader.read_commitlog_dir(
        os.path.join(str(tmp_path), "commitlog"), config.mapped_file_size_commit_log)}
    base = os.path.join(str(tmp_path), "consumequeue")
    assert sorted(os.listdir(base)) == ["TopicX", "TopicY"]
    total = 0
    for topic in ("TopicX", "TopicY"):
        assert sorted(os.listdir(os.path.join(base, topic))) == ["0", "1", "2"]
        for qid in range(3):
            units = spec_reader.read_consume_queue_dir(os.path.join(base, topic, str(qid)),
                                                       config.get_mapped_file_size_consume_queue())
            assert [u.queue_offset for u in units] == list(range(len(units)))
            for u in units:
                rec = records[u.commit_log_offset]
                assert (rec.topic, rec.queue_id, rec.queue_offset, rec.total_size) == \
                    (topic, qid, u.queue_offset, u.size)
                tags = rec.properties.get("TAGS")
                assert u.tags_code == (spec_reader.java_hash(tags) if tags else 0)
            total += len(units)
    assert total == len(records)


def test_index_files_match_the_spec(written, tmp_path):
    config, sent, results, t_begin = written
    index_dir = os.path.join(str(tmp_path), "index")
    files = [spec_reader.read_index_file(os.path.join(index_dir, n), config.max_hash_slot_num,
                                         config.max_index_num) for n in sorted(os.listdir(index_dir))]
    entries = sum(len(f.entries) for f in files)
    assert entries == 300 * 3  # UNIQ_KEY + two keys per message
    for f in files:
        assert f.begin_timestamp >= t_begin and f.end_timestamp >= f.begin_timestamp
        span_s = (f.end_timestamp - f.begin_timestamp) // 1000
        assert all(0 <= e.time_diff <= span_s for e in f.entries)
        assert f.entries[-1].phy_offset == f.end_phy_offset
    offsets = [r.wrote_offset for r in results]
    for i in (0, 7, 150, 299):
        topic = sent[i][0]
        found = [o for f in files for o in f.lookup(topic, f"order-{i}")]
        assert found == [offsets[i]]
        found = [o for f in files for o in f.lookup(topic, f"7F00000100002A9F0000000000{i:06d}")]
        assert found == [offsets[i]]
    # a shared key chains every message of that topic carrying it, newest first
    chain = [o for f in reversed(files) for o in f.lookup("TopicY", "customer-3")]
    expected = [offsets[i] for i in range(299, -1, -1) if i % 2 == 1 and i % 7 == 3]
    assert chain == expected


def test_checkpoint_matches_the_spec(written, tmp_path):
    config, sent, results, t_begin = written
    physic, logics, index = spec_reader.read_checkpoint(os.path.join(str(tmp_path), "checkpoint"))
    records = spec_reader.read_commitlog_dir(os.path.join(str(tmp_path), "commitlog"),
                                             config.mapped_file_size_commit_log)
    last_store_time = records[-1].store_timestamp
    assert t_begin <= physic <= last_store_time
    assert logics == last_store_time  # the last unit dispatched, flushed at shutdown
    assert index == 0  # no index file filled up in this run


def test_store_dump_walks_what_the_store_wrote(written, tmp_path):
    config, sent, results, _ = written
    out = io.StringIO()
    assert store_dump.main(["commitlog", os.path.join(str(tmp_path), "commitlog")], out=out) == 0
    text = out.getvalue()
    assert text.count(" MESSAGE at offset ") == len(sent)
    assert "BLANK (end of file)" in text
    qdir = os.path.join(str(tmp_path), "consumequeue", "TopicX", "0")
    out = io.StringIO()
    assert store_dump.main(["consumequeue", qdir], out=out) == 0
    assert out.getvalue().count("\n") > 50
    index_file = os.path.join(str(tmp_path), "index", sorted(os.listdir(os.path.join(str(tmp_path), "index")))[0])
    out = io.StringIO()
    assert store_dump.main(["index", index_file, "--slots", str(config.max_hash_slot_num)], out=out) == 0
    out = io.StringIO()
    assert store_dump.main(["checkpoint", os.path.join(str(tmp_path), "checkpoint")], out=out) == 0


def test_store_dump_follows_units_into_the_commit_log_and_flags_a_mismatch(written, tmp_path, capsys):
    config, sent, results, _ = written
    qdir = os.path.join(str(tmp_path), "consumequeue", "TopicY", "2")
    cl = os.path.join(str(tmp_path), "commitlog")
    out = io.StringIO()
    assert store_dump.main(["consumequeue", qdir, "--commitlog", cl], out=out) == 0
    text = out.getvalue()
    assert text.count("-> TopicY-2 queueOffset ") == sum(1 for s in sent if s[0] == "TopicY" and s[1] == 2)
    # point unit 3 at another queue's record: the dump says so and exits 1
    first = os.path.join(qdir, sorted(os.listdir(qdir))[0])
    other = next(r.wrote_offset for s, r in zip(sent, results) if s[0] == "TopicX")
    with open(first, "r+b") as f:
        f.seek(3 * 20)
        f.write(other.to_bytes(8, "big"))
    out = io.StringIO()
    assert store_dump.main(["consumequeue", qdir, "--commitlog", cl], out=out) == 1
    assert "!! record belongs to TopicX-" in out.getvalue()
    assert "not the unit's 3" in out.getvalue()
