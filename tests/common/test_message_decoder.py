"""The commit-log record codec against bytes built from the spec tables and a real broker's
PULL_MESSAGE body (spec message-and-store §1-§3, §6)."""
from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rocketmq_ref.common.message import message_decoder as md
from rocketmq_ref.common.message.message import Message, MessageClientExt, MessageExt
from rocketmq_ref.common.sysflag import MessageSysFlag

# A record of a real 4.9.7 broker, as returned in a PULL_MESSAGE body (java-client capture, #42).
CAPTURED_RECORD = bytes.fromhex(
    "0000010edaa320a75354107c00000003000000000000000000000000000000000000373d00000000000001a20ee5927d"
    "7f0000010000cc48000001a20ee5927e7f00000100002a9f00000000000000000000000000000021696e7465726f7020"
    "626f6479206a6176616d77763176706d783237333936202331174361706a617661636c69656e74313739353534363134"
    "37007b4b455953016a6176616d77763176706d7832373339362d3102554e49515f4b4559014644303030303030303030"
    "30303030303030303030303030303030303030303236423034344530453246324137413744414137443030303102434c"
    "55535445520144656661756c74436c757374657202544147530154616741")


def spec_record(*, body: bytes, topic: str, props: str, queue_id: int = 3, flag: int = 7,
                queue_offset: int = 42, physical_offset: int = 4096, sys_flag: int = 0,
                born_ts: int = 1_700_000_000_123, born_ip: bytes = bytes([10, 0, 0, 1]),
                born_port: int = 50000, store_ts: int = 1_700_000_000_456,
                store_ip: bytes = bytes([10, 0, 0, 2]), store_port: int = 10911,
                reconsume: int = 2, prepared: int = 0, magic: int = 0xDAA320A7) -> bytes:
    """Build a record field by field from the table in spec §1 (independent of the codec)."""
    t = topic.encode()
    p = props.encode()
    fields = [
        struct.pack(">I", magic),
        struct.pack(">i", zlib.crc32(body) & 0x7FFFFFFF),
        struct.pack(">i", queue_id),
        struct.pack(">i", flag),
        struct.pack(">q", queue_offset),
        struct.pack(">q", physical_offset),
        struct.pack(">i", sys_flag),
        struct.pack(">q", born_ts),
        born_ip + struct.pack(">i", born_port),
        struct.pack(">q", store_ts),
        store_ip + struct.pack(">i", store_port),
        struct.pack(">i", reconsume),
        struct.pack(">q", prepared),
        struct.pack(">i", len(body)) + body,
        struct.pack(">b", len(t)) + t,
        struct.pack(">h", len(p)) + p,
    ]
    rest = b"".join(fields)
    return struct.pack(">i", 4 + len(rest)) + rest


PROPS = "TAGS\x01TagA\x02KEYS\x01k1 k2\x02WAIT\x01true"


def test_spec_record_length_formula_is_91_plus_variable_parts():
    rec = spec_record(body=b"Hello", topic="TopicTest", props=PROPS)
    assert len(rec) == 91 + 5 + 9 + len(PROPS.encode())
    assert md.calc_msg_length(0, 5, 9, len(PROPS.encode())) == len(rec)
    assert md.calc_msg_length(MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG,
                              5, 9, 0) == 91 + 5 + 9 + 24


def test_decode_reads_every_field_of_a_spec_record():
    rec = spec_record(body=b"Hello", topic="TopicTest", props=PROPS)
    m = md.decode(rec)
    assert (m.store_size, m.queue_id, m.flag, m.queue_offset, m.commit_log_offset) == (len(rec), 3, 7, 42, 4096)
    assert m.body_crc == zlib.crc32(b"Hello") & 0x7FFFFFFF
    assert (m.born_timestamp, m.store_timestamp) == (1_700_000_000_123, 1_700_000_000_456)
    assert m.born_host == ("10.0.0.1", 50000) and m.store_host == ("10.0.0.2", 10911)
    assert (m.reconsume_times, m.prepared_transaction_offset) == (2, 0)
    assert m.body == b"Hello" and m.topic == "TopicTest"
    assert m.properties == {"TAGS": "TagA", "KEYS": "k1 k2", "WAIT": "true"}
    assert m.tags == "TagA" and m.keys == "k1 k2"
    # offset msgId = store ip + port + physical offset, upper hex
    assert m.msg_id == "0A000002" + "00002A9F" + "0000000000001000"


def test_encode_produces_the_spec_bytes():
    rec = spec_record(body=b"Hello", topic="TopicTest", props=PROPS)
    m = MessageExt("TopicTest", b"Hello", flag=7, queue_id=3, queue_offset=42,
                   commit_log_offset=4096, born_timestamp=1_700_000_000_123,
                   born_host=("10.0.0.1", 50000), store_timestamp=1_700_000_000_456,
                   store_host=("10.0.0.2", 10911), reconsume_times=2,
                   body_crc=zlib.crc32(b"Hello") & 0x7FFFFFFF,
                   properties={"TAGS": "TagA", "KEYS": "k1 k2", "WAIT": "true"})
    assert md.encode(m) == rec


def test_ipv6_hosts_are_20_bytes_and_flagged_in_sysflag():
    v6 = bytes.fromhex("fd000000000000000000000000000002")
    flags = MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG
    rec = spec_record(body=b"x", topic="T", props="", sys_flag=flags, born_ip=v6, store_ip=v6)
    assert len(rec) == 91 + 1 + 1 + 24
    m = md.decode(rec)
    assert m.born_host == ("fd00::2", 50000) and m.store_host == ("fd00::2", 10911)
    assert len(m.msg_id) == 56 and m.msg_id.startswith("FD000000000000000000000000000002")
    assert md.encode(m) == rec
    # only the born host in IPv6
    rec2 = spec_record(body=b"x", topic="T", props="", sys_flag=MessageSysFlag.BORNHOST_V6_FLAG,
                       born_ip=v6)
    m2 = md.decode(rec2)
    assert m2.born_host[0] == "fd00::2" and m2.store_host == ("10.0.0.2", 10911)
    assert md.encode(m2) == rec2


def test_captured_broker_record_decodes_and_reencodes_byte_for_byte():
    m = md.decode(CAPTURED_RECORD, is_client=True, check_crc=True)
    assert isinstance(m, MessageClientExt)
    assert m.topic == "Capjavaclient1795546147"
    assert m.body == b"interop body javamwv1vpmx27396 #1"
    assert m.queue_id == 3 and m.commit_log_offset == 14141
    assert m.store_host == ("127.0.0.1", 10911)
    assert m.properties["CLUSTER"] == "DefaultCluster" and m.tags == "TagA"
    # a consumer sees the client id; the offset id stays available
    assert m.msg_id == "FD0000000000000000000000000000026B044E0E2F2A7A7DAA7D0001"
    assert m.offset_msg_id == "7F00000100002A9F000000000000373D"
    assert md.encode(m) == CAPTURED_RECORD


def test_decodes_reads_a_pull_body_of_many_records_and_stops_at_a_torn_tail():
    body = CAPTURED_RECORD * 3
    assert [m.commit_log_offset for m in md.decodes(body)] == [14141] * 3
    assert len(md.decodes(memoryview(body + CAPTURED_RECORD[:100]))) == 3
    with pytest.raises(md.MessageDecodeError):
        md.decodes(body + CAPTURED_RECORD[:100], strict=True)


def test_decode_at_an_offset_of_a_memoryview_and_without_body():
    buf = memoryview(b"\0" * 10 + CAPTURED_RECORD)
    m = md.decode(buf, 10, read_body=False)
    assert m.body is None and m.store_size == len(CAPTURED_RECORD)
    assert md.decode_properties(buf, 10)["UNIQ_KEY"].startswith("FD00")


@pytest.mark.parametrize("mutate, reason", [
    (lambda b: b[:60], "does not fit"),
    (lambda b: b[:4] + b"\x12\x34\x56\x78" + b[8:], "bad magic"),
    (lambda b: struct.pack(">i", len(b) + 5) + b[4:] + b"\0" * 5, "disagrees"),
    (lambda b: b[:84] + struct.pack(">i", 10_000) + b[88:], "body length"),
    (lambda b: b[:4] + struct.pack(">I", 0xCBD43194) + b[8:], "blank"),
])
def test_corrupt_records_raise_a_clear_error(mutate, reason):
    with pytest.raises(md.MessageDecodeError, match=reason):
        md.decode(mutate(CAPTURED_RECORD))


def test_body_crc_is_checked_on_request():
    bad = bytearray(CAPTURED_RECORD)
    bad[100] ^= 0xFF  # inside the body
    md.decode(bytes(bad))  # Java decode does not check
    with pytest.raises(md.MessageDecodeError, match="CRC"):
        md.decode(bytes(bad), check_crc=True)


def test_compressed_body_is_inflated_with_zlib_for_old_and_new_flags():
    raw = b"a" * 5000
    for flag in (MessageSysFlag.COMPRESSED_FLAG,
                 MessageSysFlag.COMPRESSED_FLAG | MessageSysFlag.COMPRESSION_ZLIB_TYPE):
        rec = spec_record(body=zlib.compress(raw, 5), topic="T", props="", sys_flag=flag)
        assert md.decode(rec).body == raw
        assert md.decode(rec, decompress_body=False).body == zlib.compress(raw, 5)


def test_broken_compressed_body_is_a_decode_error():
    rec = spec_record(body=b"not zlib", topic="T", props="", sys_flag=MessageSysFlag.COMPRESSED_FLAG)
    with pytest.raises(md.MessageDecodeError, match="zlib"):
        md.decode(rec)


def test_v2_magic_record_with_a_two_byte_topic_length_is_read():
    topic = "T" * 200
    v1 = spec_record(body=b"b", topic="x", props="A\x01B")
    head_end = 4 + 84 + 1  # up to and including the body
    t = topic.encode()
    rest = v1[4:8].replace(b"\xda\xa3\x20\xa7", b"\xda\xa3\x20\xab") + v1[8:head_end] \
        + struct.pack(">h", len(t)) + t + struct.pack(">h", 3) + b"A\x01B"
    rec = struct.pack(">i", 4 + len(rest)) + rest
    m = md.decode(rec)
    assert m.topic == topic and m.properties == {"A": "B"} and m.body == b"b"
    assert md.decode_properties(rec) == {"A": "B"}


def test_topic_longer_than_127_bytes_cannot_be_encoded_as_v1():
    with pytest.raises(md.MessageDecodeError, match="topic longer"):
        md.encode(MessageExt("T" * 128, b"x", store_host=("1.1.1.1", 1), born_host=("1.1.1.1", 1)))


# -- properties -----------------------------------------------------------------------------

def test_properties_string_has_no_trailing_separator_and_skips_none():
    assert md.message_properties2string({"A": "1", "B": None, "C": "3"}) == "A\x011\x02C\x013"
    assert md.message_properties2string({}) == ""


@pytest.mark.parametrize("text, expected", [
    ("A\x011\x02B\x012\x02", {"A": "1", "B": "2"}),        # trailing separator
    ("A\x011\x02\x02B\x012", {"A": "1", "B": "2"}),        # empty segment
    ("A\x01\x02B\x012", {"B": "2"}),                        # empty value dropped
    ("\x011\x02B\x012", {"B": "2"}),                        # empty name dropped
    ("novalue\x02B\x012", {"B": "2"}),                      # no name/value separator
    ("A\x011\x012", {"A": "1\x012"}),                       # value keeps later \u0001
    ("", {}),
])
def test_properties_parser_is_tolerant_like_4_9(text, expected):
    assert md.string2message_properties(text) == expected


_names = st.text(st.characters(blacklist_characters="\x01\x02", blacklist_categories=("Cs",)),
                 min_size=1, max_size=12)
_values = st.text(st.characters(blacklist_characters="\x02", blacklist_categories=("Cs",)),
                  min_size=1, max_size=30)


@given(st.dictionaries(_names, _values, max_size=8))
def test_properties_round_trip(props):
    assert md.string2message_properties(md.message_properties2string(props)) == props


_ipv4 = st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255),
                  st.integers(1, 254)).map(lambda t: ".".join(map(str, t)))


@settings(max_examples=60, deadline=None)
@given(body=st.binary(max_size=300), topic=st.from_regex(r"[%|a-zA-Z0-9_-]{1,127}", fullmatch=True),
       props=st.dictionaries(_names, _values, max_size=5), queue_id=st.integers(0, 2**31 - 1),
       offsets=st.tuples(st.integers(0, 2**63 - 1), st.integers(0, 2**63 - 1)),
       born=st.tuples(_ipv4, st.integers(0, 65535)), store=st.tuples(_ipv4, st.integers(0, 65535)),
       flag=st.integers(-2**31, 2**31 - 1), reconsume=st.integers(0, 1000))
def test_record_round_trip(body, topic, props, queue_id, offsets, born, store, flag, reconsume):
    m = MessageExt(topic, body, flag=flag, properties=props, queue_id=queue_id,
                   queue_offset=offsets[0], commit_log_offset=offsets[1], born_host=born,
                   store_host=store, born_timestamp=1, store_timestamp=2,
                   reconsume_times=reconsume, body_crc=zlib.crc32(body) & 0x7FFFFFFF)
    data = md.encode(m)
    back = md.decode(data, check_crc=True)
    assert back.store_size == len(data)
    assert (back.topic, back.body or b"", back.properties, back.flag, back.queue_id) == \
        (topic, body, props, flag, queue_id)
    assert (back.queue_offset, back.commit_log_offset, back.born_host, back.store_host,
            back.reconsume_times) == (offsets[0], offsets[1], born, store, reconsume)
    assert md.encode(back) == data


# -- batch bodies (spec §6) -----------------------------------------------------------------

def test_batch_body_layout_matches_the_spec_table():
    m = Message("T", b"abc", tags="A")
    m.properties = {"TAGS": "A"}
    data = md.encode_message(m)
    props = b"TAGS\x01A"
    assert data == struct.pack(">iiiii", 22 + 3 + len(props), 0, 0, 0, 3) + b"abc" + \
        struct.pack(">h", len(props)) + props


def test_batch_round_trip_and_truncated_batch_is_an_error():
    msgs = [Message("T", f"body-{i}".encode(), tags="A", keys=[f"k{i}", "x"]) for i in range(5)]
    data = md.encode_messages(msgs)
    back = md.decode_messages(data)
    assert [(b.body, b.properties) for b in back] == [(m.body, m.properties) for m in msgs]
    with pytest.raises(md.MessageDecodeError):
        md.decode_messages(data[:-3])


def test_batch_properties_over_32767_bytes_are_refused():
    m = Message("T", b"x")
    m.properties["BIG"] = "v" * 40000
    with pytest.raises(md.MessageDecodeError, match="exceeded"):
        md.encode_message(m)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_corruption_gives_a_decode_error_or_a_message_never_a_crash(data):
    buf = bytearray(CAPTURED_RECORD)
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(buf) - 1))
        buf[pos] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(buf)))
    blob = bytes(buf[:cut])
    try:
        m = md.decode(blob)
        assert m.store_size <= len(blob)
    except md.MessageDecodeError:
        pass
    try:
        md.decode_properties(blob)
    except md.MessageDecodeError:
        pass
    md.decodes(blob)  # stops at the bad record, never raises


@pytest.mark.parametrize("blob", [b"", b"\x00", b"\xff" * 7, bytes(100)])
def test_decode_of_short_or_empty_input_is_a_decode_error(blob):
    with pytest.raises(md.MessageDecodeError):
        md.decode(blob)
    assert md.decodes(blob) == []


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_corrupt_batch_bodies_give_a_decode_error_never_a_crash(data):
    good = md.encode_messages([Message("T", b"body-%d" % i, tags="A") for i in range(3)])
    buf = bytearray(good)
    for _ in range(data.draw(st.integers(1, 3))):
        buf[data.draw(st.integers(0, len(buf) - 1))] = data.draw(st.integers(0, 255))
    try:
        for m in md.decode_messages(bytes(buf[:data.draw(st.integers(0, len(buf)))])):
            assert isinstance(m.body, bytes)
    except md.MessageDecodeError:
        pass
