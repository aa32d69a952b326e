"""Tags hash, PermName, TopicValidator, FilterAPI, consistent hash, UtilAll, MixAll, sysflags,
compression."""
from __future__ import annotations

import os
import zlib

import pytest

from rocketmq_ref.common import mixall, topic_validator, utilall
from rocketmq_ref.common.compression import CompressionError, CompressionType, get_compressor
from rocketmq_ref.common.consistenthash import ConsistentHashRouter, md5_hash
from rocketmq_ref.common.filter_api import ExpressionType, FilterAPI
from rocketmq_ref.common.java_hash import java_string_hash_code, tags_string2tags_code
from rocketmq_ref.common.perm_name import PermName
from rocketmq_ref.common.sysflag import MessageSysFlag, PullSysFlag, TopicSysFlag


@pytest.mark.parametrize("s, code", [
    ("TagA", 2598919), ("TagB", 2598920), ("*", 42), ("", 0), ("é", 233),
    ("\U0001d11e", 31 * 0xD834 + 0xDD1E),           # hashed as two UTF-16 units
    ("polygenelubricants", -2**31),                 # wraps to Integer.MIN_VALUE
    ("标签", 31 * 0x6807 + 0x7B7E),
])
def test_tags_code_is_java_string_hash_code(s, code):
    assert java_string_hash_code(s) == code


def test_empty_tags_have_code_zero():
    assert tags_string2tags_code(None) == 0 and tags_string2tags_code("") == 0
    assert tags_string2tags_code("TagA") == 2598919


def test_perm_name_bits_and_string():
    assert PermName.perm2string(6) == "RW-" and PermName.perm2string(7) == "RWX"
    assert PermName.perm2string(4) == "R--" and PermName.perm2string(0) == "---"
    assert PermName.is_readable(4) and not PermName.is_writeable(4) and PermName.is_inherited(1)


class _Resp:
    code = 0
    remark = None


@pytest.mark.parametrize("topic, ok", [("TopicTest", True), ("%RETRY%g", True), ("a|b-c_d", True),
                                       ("bad topic", False), ("tópico", False), ("", False),
                                       ("T" * 127, True), ("T" * 128, False)])
def test_topic_names_follow_the_charset_and_length_rules(topic, ok):
    r = _Resp()
    assert topic_validator.validate_topic(topic, r) is ok
    assert (r.code, r.remark is None) == ((0, True) if ok else (1, False))


def test_system_and_send_forbidden_topics():
    assert topic_validator.is_system_topic("TBW102") and topic_validator.is_system_topic("rmq_sys_x")
    assert not topic_validator.is_system_topic("TopicTest")
    r = _Resp()
    assert topic_validator.is_not_allowed_send_topic("SCHEDULE_TOPIC_XXXX", r) and r.code == 16
    assert not topic_validator.is_not_allowed_send_topic("TBW102")


def test_filter_api_splits_tags_and_hashes_them():
    d = FilterAPI.build_subscription_data("T", "TagA || TagB ||  || ")
    assert d.sub_string == "TagA || TagB ||  || " and d.tags_set == {"TagA", "TagB"}
    assert d.code_set == {2598919, 2598920} and d.expression_type == ExpressionType.TAG
    for everything in ("*", "", None):
        all_ = FilterAPI.build_subscription_data("T", everything)
        assert all_.sub_string == "*" and not all_.tags_set and not all_.code_set
    sql = FilterAPI.build("T", "a > 1", ExpressionType.SQL92)
    assert sql.expression_type == "SQL92" and sql.sub_string == "a > 1" and not sql.tags_set
    with pytest.raises(ValueError):
        FilterAPI.build("T", "", "SQL92")


class _Client:
    def __init__(self, key: str) -> None:
        self.key = key

    def get_key(self) -> str:
        return self.key


def test_consistent_hash_ring_moves_only_the_keys_of_a_removed_node():
    nodes = [_Client(f"client-{i}") for i in range(4)]
    router = ConsistentHashRouter(nodes, 10)
    keys = [f"MessageQueue [topic=T, brokerName=b, queueId={i}]" for i in range(64)]
    before = {k: router.route_node(k).get_key() for k in keys}
    assert len(set(before.values())) > 1
    router.remove_node(nodes[0])
    after = {k: router.route_node(k).get_key() for k in keys}
    assert all(after[k] == before[k] for k in keys if before[k] != "client-0")
    assert "client-0" not in after.values()
    assert router.get_existing_replicas(nodes[1]) == 10
    assert ConsistentHashRouter([], 3).route_node("x") is None
    # the default hash is the first four bytes of MD5, unsigned
    assert md5_hash("abc") == 0x90015098


def test_utilall_file_names_times_crc_and_hex():
    assert utilall.offset2file_name(1073741824) == "00000000001073741824"
    s = utilall.time_millis_to_human_string(1_700_000_000_123)
    assert len(s) == 17 and s.endswith("123")
    assert utilall.human_string_to_time_millis(s) == 1_700_000_000_123
    assert utilall.crc32(b"hello") == zlib.crc32(b"hello") & 0x7FFFFFFF
    assert utilall.crc32(b"xxhelloxx", 2, 5) == utilall.crc32(b"hello")
    assert utilall.bytes2string(b"\x0a\xff") == "0AFF" and utilall.string2bytes("0aff") == b"\x0a\xff"
    with pytest.raises(ValueError):
        utilall.string2bytes("XYZ")
    assert utilall.ip_to_ipv6_str(bytes(15) + b"\x01") == "0000:0000:0000:0000:0000:0000:0000:0001"
    assert 0.0 <= utilall.get_disk_partition_space_used_percent("/") <= 1.0
    assert utilall.get_disk_partition_space_used_percent("/no/such/dir") == -1


def test_is_it_time_to_do_matches_the_hour():
    import datetime
    at4 = datetime.datetime(2024, 1, 1, 4, 30)
    assert utilall.is_it_time_to_do("04;05", at4) and not utilall.is_it_time_to_do("05", at4)


def test_mixall_names_and_vip_channel():
    assert mixall.get_retry_topic("g") == "%RETRY%g" and mixall.get_dlq_topic("g") == "%DLQ%g"
    assert mixall.broker_vip_channel(True, "10.0.0.1:10911") == "10.0.0.1:10909"
    assert mixall.broker_vip_channel(False, "10.0.0.1:10911") == "10.0.0.1:10911"
    assert mixall.is_sys_consumer_group("CID_RMQ_SYS_TRANS")


def test_string2file_keeps_bak_and_leaves_no_tmp(tmp_path):
    p = str(tmp_path / "a" / "f.json")
    mixall.string2file("one", p)
    mixall.string2file("two", p)
    assert mixall.file2string(p) == "two" and mixall.file2string(p + ".bak") == "one"
    assert not os.path.exists(p + ".tmp") and mixall.file2string(p + ".x") is None


def test_sysflags():
    assert MessageSysFlag.get_compression_type(MessageSysFlag.COMPRESSED_FLAG) == 3  # old clients
    assert MessageSysFlag.get_compression_type(0x1 | 0x100) == 1
    flag = MessageSysFlag.reset_transaction_value(MessageSysFlag.COMPRESSED_FLAG,
                                                  MessageSysFlag.TRANSACTION_PREPARED_TYPE)
    assert MessageSysFlag.get_transaction_value(flag) == 0x4 and flag & 1
    f = PullSysFlag.build_sys_flag(True, True, False, False)
    assert PullSysFlag.has_commit_offset_flag(f) and PullSysFlag.has_suspend_flag(f)
    assert not PullSysFlag.has_commit_offset_flag(PullSysFlag.clear_commit_offset_flag(f))
    assert TopicSysFlag.has_unit_sub_flag(TopicSysFlag.build_sys_flag(False, True))


def test_compression_zlib_round_trip_and_missing_codecs_are_named():
    z = get_compressor(CompressionType.ZLIB)
    assert z.decompress(z.compress(b"x" * 100, 5)) == b"x" * 100
    assert get_compressor(0) is z  # sysFlag compression bits 0 = zlib
    with pytest.raises(CompressionError):
        z.decompress(b"garbage")
    with pytest.raises(CompressionError):
        CompressionType.find_by_value(6)
    for t, pkg in ((CompressionType.LZ4, "lz4"), (CompressionType.ZSTD, "zstandard")):
        try:
            __import__(pkg)
        except ImportError:
            with pytest.raises(CompressionError, match=pkg):
                get_compressor(t)


def test_mq_version_ordinals_match_the_wire_values_of_real_clients():
    from rocketmq_ref.common.mq_version import CURRENT_VERSION, Version, get_version_desc, value2version
    assert CURRENT_VERSION == 409 and Version.V4_9_4 == 401 and Version.V3_0_11 == 37
    assert get_version_desc(407) == "V4_9_7"      # the Java 4.9.7 client of the capture
    assert get_version_desc(121) == "V3_4_9"      # ali-ons
    assert value2version(10_000) is list(Version)[-1] and len(Version) == 612
    assert Version.V3_0_0_SNAPSHOT == 0 and Version.V3_0_0_FINAL == 15


def test_subscription_data_equality_is_javas():
    a = FilterAPI.build_subscription_data("T", "TagA")
    b = FilterAPI.build_subscription_data("T", "TagA")
    b.sub_version = a.sub_version + 1
    assert hash(a) == hash(b) and a != b  # hashCode leaves subVersion out, equals does not
    b.sub_version = a.sub_version
    assert a == b and len({a, b}) == 1


def test_one_local_address_lookup_serves_message_ids_and_client_ids(monkeypatch):
    import socket

    from rocketmq_ref.client.client_config import get_local_address

    class NoRoute:  # the UDP socket cannot pick an outward interface (no default route)
        def __init__(self, *args):
            pass

        def __enter__(self):
            raise OSError("network is unreachable")

        def __exit__(self, *exc):
            return False

    hosts = ["127.0.1.1", "192.168.1.5", "10.0.0.7", "192.168.1.5"]
    monkeypatch.setattr(socket, "socket", NoRoute)
    monkeypatch.setattr(socket, "getaddrinfo",
                        lambda *a: [(socket.AF_INET, 2, 17, "", (h, 0)) for h in hosts])
    monkeypatch.setattr(utilall, "_IP_CACHE", None)
    assert utilall.local_ipv4_addresses() == ["127.0.1.1", "192.168.1.5", "10.0.0.7"]
    assert utilall.get_ip() == bytes([127, 0, 1, 1])
    assert get_local_address() == "10.0.0.7"
