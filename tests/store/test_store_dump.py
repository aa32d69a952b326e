"""store_dump: field-by-field dumps of commit log, consume queue, index and checkpoint files, and
clear errors for truncated or corrupt files (book B4.5)."""
from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zlib


from rocketmq_ref.common.message.message import MessageExt
from rocketmq_ref.common.message.message_decoder import encode
from rocketmq_ref.store.index.index_file import IndexFile
from rocketmq_ref.store.store_checkpoint import StoreCheckpoint
from rocketmq_ref.tools import store_dump

FILE = 4096


def _record(offset: int, body: bytes, topic="TopicTest", props=None, queue_offset=0, host="10.1.2.3"):
    msg = MessageExt(topic, body, flag=7, properties=props or {"TAGS": "TagA", "KEYS": "k1"},
                     queue_id=1, queue_offset=queue_offset, born_timestamp=1_700_000_000_000,
                     born_host=(host, 40000), store_timestamp=1_700_000_000_123,
                     store_host=("192.168.0.9", 10911), commit_log_offset=offset,
                     body_crc=zlib.crc32(body) & 0x7FFFFFFF, reconsume_times=2)
    return encode(msg)


def _commitlog(dirpath, n=3, blank=False) -> tuple[str, list[int]]:
    os.makedirs(dirpath, exist_ok=True)
    data = bytearray(FILE)
    pos, offsets = 0, []
    for i in range(n):
        rec = _record(pos, f"body-{i}".encode(), queue_offset=i)
        data[pos:pos + len(rec)] = rec
        offsets.append(pos)
        pos += len(rec)
    if blank:
        struct.pack_into(">iI", data, pos, FILE - pos, 0xCBD43194)
    path = os.path.join(dirpath, "%020d" % 0)
    with open(path, "wb") as f:
        f.write(data)
    return path, offsets


def _run(*argv) -> tuple[int, str]:
    out = io.StringIO()
    code = store_dump.main(list(argv), out=out)
    return code, out.getvalue()


def test_commitlog_dump_prints_every_field_with_its_position(tmp_path):
    path, offsets = _commitlog(str(tmp_path / "commitlog"), n=2, blank=True)
    code, text = _run("commitlog", path, "--hex")
    assert code == 0, text
    assert "record #1 MESSAGE at offset 0" in text
    assert f"record #2 MESSAGE at offset {offsets[1]}" in text
    assert "MAGICCODE                  0xDAA320A7" in text
    assert "QUEUEOFFSET                1" in text
    assert "BORNHOST                   10.1.2.3:40000" in text
    assert "STOREHOSTADDRESS           192.168.0.9:10911" in text
    assert "TOPIC                      TopicTest" in text
    assert "PROPERTIES                 {TAGS=TagA, KEYS=k1}" in text or \
        "PROPERTIES                 {KEYS=k1, TAGS=TagA}" in text
    assert "'body-1'" in text
    assert "+56    STORETIMESTAMP" in text  # the spec's handy position for IPv4 hosts
    assert "[da a3 20 a7]" in text
    assert "BLANK (end of file)" in text


def test_commitlog_dump_walks_a_directory(tmp_path):
    d = tmp_path / "commitlog"
    _commitlog(str(d), n=3, blank=False)
    code, text = _run("commitlog", str(d))
    assert code == 0
    assert text.count("MESSAGE at offset") == 3
    assert "end of written data" in text


def test_ipv6_hosts_shift_the_later_fields(tmp_path):
    d = tmp_path / "cl6"
    d.mkdir()
    rec = _record(0, b"v6", host="::1")
    (d / ("%020d" % 0)).write_bytes(rec + bytes(FILE - len(rec)))
    code, text = _run("commitlog", str(d))
    assert code == 0, text
    assert "BORNHOST                   [::1]:40000" in text
    assert "+68    STORETIMESTAMP" in text


def test_truncated_commitlog_reports_where_and_exits_1(tmp_path, capsys):
    path, offsets = _commitlog(str(tmp_path / "commitlog"), n=3)
    with open(path, "r+b") as f:
        f.truncate(offsets[2] + 30)
    code, text = _run("commitlog", path)
    err = capsys.readouterr().err
    assert code == 1
    assert text.count("MESSAGE at offset") == 2  # what precedes the damage is still printed
    assert f"truncated record at offset {offsets[2]}" in err


def test_corrupt_magic_and_bad_crc_are_reported(tmp_path, capsys):
    path, offsets = _commitlog(str(tmp_path / "commitlog"), n=3)
    with open(path, "r+b") as f:
        f.seek(offsets[1] + 88)  # record 2's first body byte: breaks its CRC
        f.write(b"\xff")
        f.seek(offsets[2] + 4)
        f.write(b"\x00\x00\x00\x01")
    code, text = _run("commitlog", path)
    err = capsys.readouterr().err
    assert code == 1
    assert "!! BODYCRC" in text and "does not match the body's CRC32" in text
    assert f"corrupt record at offset {offsets[2]}: magic 0x00000001" in err


def test_consumequeue_dump_lists_units_and_flags_a_torn_file(tmp_path, capsys):
    d = tmp_path / "cq"
    d.mkdir()
    units = struct.pack(">qiq", 0, 0x7FFFFFFF, 0) + struct.pack(">qiq", 4096, 180, 2598919)
    (d / ("%020d" % 0)).write_bytes(units + bytes(200 - len(units)))
    code, text = _run("consumequeue", str(d))
    assert code == 0
    assert "pre-blank filler" in text
    assert "4096        180              2598919" in text
    (d / ("%020d" % 0)).write_bytes(units + b"\x01\x02\x03")
    code, _ = _run("consumequeue", str(d / ("%020d" % 0)))
    assert code == 1
    assert "not a whole number of 20-byte units" in capsys.readouterr().err


def test_index_dump_shows_header_slots_and_chain(tmp_path, capsys):
    path = str(tmp_path / "20240101120000000")
    f = IndexFile(path, 8, 6)
    f.put_key("T#a", 100, 1_700_000_000_000)
    f.put_key("T#a", 200, 1_700_000_003_000)
    f.flush()
    f.close()
    code, text = _run("index", path, "--slots", "8", "--entries", "6", "--show-slots")
    assert code == 0, text
    assert "indexCount      3" in text and "hashSlotCount   1" in text
    assert "endPhyOffset    200" in text
    assert "-> 2" in text
    code, _ = _run("index", path)  # default geometry does not fit a small file
    assert code == 1
    assert "maxHashSlotNum/maxIndexNum" in capsys.readouterr().err
    code, text = _run("index", path, "--slots", "8")  # the entry count follows from the size
    assert code == 0 and "6 entries" in text


def test_checkpoint_dump_and_truncated_checkpoint(tmp_path, capsys):
    path = str(tmp_path / "checkpoint")
    cp = StoreCheckpoint(path)
    cp.set_physic_msg_timestamp(1_700_000_000_500)
    cp.set_logics_msg_timestamp(1_700_000_000_400)
    cp.set_index_msg_timestamp(1_700_000_000_000)
    cp.shutdown()
    code, text = _run("checkpoint", path)
    assert code == 0
    assert "physicMsgTimestamp  1700000000500" in text
    assert "= 1700000000400 - 3000" not in text and "1699999997400" in text
    with open(path, "r+b") as fh:
        fh.truncate(10)
    code, _ = _run("checkpoint", path)
    assert code == 1 and "truncated" in capsys.readouterr().err


def test_missing_file_is_a_clear_error(tmp_path, capsys):
    assert _run("checkpoint", str(tmp_path / "nope"))[0] == 1
    assert "no such file or directory" in capsys.readouterr().err.lower()


def test_runs_as_a_module(tmp_path):
    path, _ = _commitlog(str(tmp_path / "commitlog"), n=1)
    out = subprocess.run([sys.executable, "-m", "rocketmq_ref.tools.store_dump", "commitlog", path],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "record #1 MESSAGE at offset 0" in out.stdout


def test_commitlog_dump_from_an_offset_follows_a_consume_queue_unit(tmp_path, capsys):
    path, offsets = _commitlog(str(tmp_path / "commitlog"), n=3)
    code, text = _run("commitlog", str(tmp_path / "commitlog"), "--offset", str(offsets[1]), "--max", "1")
    assert code == 0
    assert f"record #1 MESSAGE at offset {offsets[1]}" in text and "'body-1'" in text
    assert "body-0" not in text and "body-2" not in text
    code, _ = _run("commitlog", str(tmp_path / "commitlog"), "--offset", str(offsets[1] + 3))
    assert code == 1  # not the first byte of a record
    assert "corrupt record" in capsys.readouterr().err
    code, _ = _run("commitlog", str(tmp_path / "commitlog"), "--offset", str(10 * FILE))
    assert code == 1 and "no commit-log file holds offset" in capsys.readouterr().err


def test_index_dump_walks_one_key_chain(tmp_path):
    path = str(tmp_path / "20240101120000000")
    f = IndexFile(path, 8, 10)
    for n, key in enumerate(["T#a", "T#b", "T#a", "T#c", "T#a"]):
        f.put_key(key, 100 * (n + 1), 1_700_000_000_000 + n * 1000)
    f.flush()
    f.close()
    code, text = _run("index", path, "--slots", "8", "--key", "T#a")
    assert code == 0, text
    chain = [line for line in text.splitlines() if line.strip().startswith("entry")]
    matches = [line.split("phyOffset")[1].split()[0] for line in chain if line.endswith("MATCH")]
    assert matches == ["500", "300", "100"]  # newest first, as the broker's query walks it
