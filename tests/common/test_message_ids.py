"""Both message ids: the broker's offset msgId (spec §4) and the client's UNIQ_KEY (spec §5)."""
from __future__ import annotations

import datetime
import os
import struct
import time

import pytest

from rocketmq_ref.common.message import message_decoder as md
from rocketmq_ref.common.message.message import Message
from rocketmq_ref.common.message.message_client_id_setter import (
    MessageClientIDSetter, create_fake_ip, create_uniq_id)


def test_offset_msg_id_is_store_ip_port_and_offset_in_upper_hex():
    expected = (bytes([192, 168, 0, 10]) + struct.pack(">i", 10911) + struct.pack(">q", 123456789)).hex().upper()
    assert md.create_message_id(("192.168.0.10", 10911), 123456789) == expected
    assert len(expected) == 32
    assert md.create_message_id(bytes([192, 168, 0, 10]) + struct.pack(">i", 10911), 123456789) == expected


def test_offset_msg_id_with_ipv6_store_host_is_56_chars():
    msg_id = md.create_message_id(("fd00::2", 10911), 7)
    assert msg_id == "FD000000000000000000000000000002" + "00002A9F" + "0000000000000007"
    decoded = md.decode_message_id(msg_id)
    assert decoded.address == ("fd00::2", 10911) and decoded.offset == 7


def test_decode_offset_msg_id_from_a_real_broker():
    decoded = md.decode_message_id("7F00000100002A9F000000000000373D")
    assert decoded.address == ("127.0.0.1", 10911) and decoded.offset == 14141


@pytest.mark.parametrize("bad", ["", "ABC", "Z" * 32, "7F00000100002A9F000000000000373D00"])
def test_decode_bad_offset_msg_id_is_a_clear_error(bad):
    with pytest.raises(md.MessageDecodeError):
        md.decode_message_id(bad)


def _month_start_ms(now_ms: int) -> int:
    d = datetime.datetime.fromtimestamp(now_ms / 1000)
    return int(datetime.datetime(d.year, d.month, 1).timestamp() * 1000)


def test_uniq_key_layout_ip_pid_hash_time_counter():
    before = int(time.time() * 1000)
    uid = create_uniq_id()
    after = int(time.time() * 1000)
    raw = bytes.fromhex(uid)
    assert uid == uid.upper()
    ip_len = len(raw) - 12
    assert ip_len in (4, 16) and len(uid) in (32, 56)
    pid, _hash, diff, _counter = struct.unpack(">HiiH", raw[ip_len:])
    assert pid == os.getpid() & 0xFFFF
    assert MessageClientIDSetter.get_pid_from_id(uid) == os.getpid() & 0xFFFF
    start = _month_start_ms(before)
    assert before - start <= diff <= after - start
    assert before <= MessageClientIDSetter.get_nearly_time_from_id(uid, now_ms=after) <= after


def test_uniq_keys_share_the_process_prefix_and_count_up():
    ids = [create_uniq_id() for _ in range(5)]
    assert len(set(ids)) == 5
    prefix = MessageClientIDSetter.FIX_STRING
    assert all(i.startswith(prefix) for i in ids)
    counters = [int(i[-4:], 16) for i in ids]
    assert [(c - counters[0]) & 0xFFFF for c in counters] == [0, 1, 2, 3, 4]


def test_java_client_uniq_key_from_a_capture_decodes_its_ipv6_ip_and_pid():
    uid = "FD0000000000000000000000000000026B044E0E2F2A7A7DAA6B0000"
    assert MessageClientIDSetter.get_ip_str_from_id(uid) == "fd00:0000:0000:0000:0000:0000:0000:0002"
    assert MessageClientIDSetter.get_pid_from_id(uid) == 0x6B04
    # 0x7A7DAA6B ms after the start of its month
    now = _month_start_ms(int(time.time() * 1000)) + 0x7A7DAA6B + 1000
    assert MessageClientIDSetter.get_nearly_time_from_id(uid, now_ms=now) == now - 1000


def test_set_uniq_id_keeps_the_first_id_across_retries():
    m = Message("T", b"x")
    MessageClientIDSetter.set_uniq_id(m)
    first = MessageClientIDSetter.get_uniq_id(m)
    MessageClientIDSetter.set_uniq_id(m)
    assert first is not None and MessageClientIDSetter.get_uniq_id(m) == first
    assert m.properties["UNIQ_KEY"] == first


def test_fake_ip_is_the_low_four_bytes_of_the_clock():
    assert create_fake_ip(0x0102030405060708) == bytes([5, 6, 7, 8])
