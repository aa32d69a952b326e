"""Route data and the name server's bodies: byte-exact against a real name server, both JSON
flavours, both REGISTER_BROKER encodings, and clear errors for bad bodies."""
from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.fastjson import dumps, loads
from rocketmq_ref.common.protocol.body.cluster_info import ClusterInfo
from rocketmq_ref.common.protocol.body.kv_table import KVTable
from rocketmq_ref.common.protocol.body.register_broker_body import (RegisterBrokerBody,
                                                                    RegisterBrokerBodyError)
from rocketmq_ref.common.protocol.body.topic_config_serialize_wrapper import \
    TopicConfigSerializeWrapper
from rocketmq_ref.common.protocol.body.topic_list import TopicList
from rocketmq_ref.common.protocol.route import BrokerData, QueueData, TopicRouteData
from rocketmq_ref.common.topic_config import TopicConfig, TopicFilterType

# what a real 4.9.7 name server sent to ali-ons (version 121) and to the Java client (version 407)
CAPTURED_OLD = (b'{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:30911"},"brokerName":"broker-interop",'
                b'"cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":'
                b'"broker-interop","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}')
CAPTURED_NEW = (b'{"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:30911"},"brokerName":"broker-interop",'
                b'"cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":'
                b'"broker-interop","perm":7,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8}]}')


def route(perm=6, queues=4):
    return TopicRouteData(
        queue_datas=[QueueData("broker-interop", queues, queues, perm, 0)],
        broker_datas=[BrokerData("DefaultCluster", "broker-interop", {0: "127.0.0.1:30911"})])


def test_route_bytes_match_a_real_name_server_in_both_flavours():
    assert route().encode() == CAPTURED_OLD
    assert route(perm=7, queues=8).encode(fastjson=False) == CAPTURED_NEW


def test_route_pretty_encoding_is_the_same_route_indented():
    text = route().encode(pretty=True).decode()
    assert "\n" in text
    assert TopicRouteData.decode(text.encode()) == route()
    assert route().encode(fastjson=False, pretty=True).count(b"\n") > 1


def test_route_reads_both_flavours_and_the_old_flag_name():
    assert TopicRouteData.decode(CAPTURED_OLD) == route()
    assert TopicRouteData.decode(CAPTURED_NEW) == route(perm=7, queues=8)
    old_name = CAPTURED_OLD.replace(b'"topicSysFlag":0', b'"topicSynFlag":3')
    assert TopicRouteData.decode(old_name).queue_datas[0].topic_sys_flag == 3


names = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
# map keys whose escaped form sorts like the raw string (the generic writer sorts escaped text)
plain_keys = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e,
                                   blacklist_characters='\\"/'), max_size=8)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(names, st.integers(0, 64), st.integers(0, 7), st.integers(0, 3)),
                max_size=4),
       st.lists(st.tuples(names, names, st.dictionaries(st.integers(0, 9), names, max_size=3)),
                max_size=4),
       st.dictionaries(plain_keys, st.lists(names, max_size=2), max_size=2),
       st.one_of(st.none(), names))
def test_fast_writers_equal_the_generic_fastjson_writer(queues, brokers, filters, order_conf):
    # broker ids in ascending order, as Java's HashMap<Long,String> iterates small ids
    r = TopicRouteData(order_conf, [QueueData(n, q, q, p, f) for n, q, p, f in queues],
                       [BrokerData(c, n, dict(sorted(a.items()))) for c, n, a in brokers],
                       filters if len(filters) < 2 else dict(sorted(filters.items())))
    assert r.encode() == dumps(r, fastjson=True).encode()
    assert r.encode(fastjson=False) == dumps(r, browser_compatible=True).encode()
    assert r.encode(fastjson=False).isascii()
    assert TopicRouteData.decode(r.encode()) == r
    assert TopicRouteData.decode(r.encode(fastjson=False)) == r


def test_standard_json_escapes_like_browser_compatible():
    r = TopicRouteData("a/b:é", [QueueData("中", 1, 1, 6, 0)],
                       [BrokerData("c", "中", {0: "h:1"})], {})
    text = r.encode(fastjson=False).decode()
    assert '"orderTopicConf":"a\\/b:\\u00E9"' in text
    assert '"brokerName":"\\u4E2D"' in text
    assert '"orderTopicConf":"a/b:é"' in r.encode().decode("utf-8")


def test_cluster_info_writes_bare_broker_ids_and_reads_them_back():
    info = ClusterInfo({"broker-a": BrokerData("C", "broker-a", {0: "h:1", 1: "h:2"})},
                       {"C": {"broker-a"}})
    text = info.encode().decode()
    assert text == ('{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"h:1",1:"h:2"},'
                    '"brokerName":"broker-a","cluster":"C"}},"clusterAddrTable":{"C":["broker-a"]}}')
    back = ClusterInfo.decode(text)
    assert back == info
    assert back.retrieve_all_addr_by_cluster("C") == ["h:1", "h:2"]
    assert back.retrieve_all_addr_by_cluster("none") == []
    assert back.retrieve_all_cluster_names() == ["C"]


def test_topic_list_and_kv_table_bodies():
    assert TopicList({"b", "a"}).encode() == b'{"topicList":["a","b"]}'
    assert TopicList({"x"}, "h:1").encode() == b'{"brokerAddr":"h:1","topicList":["x"]}'
    assert TopicList.decode(b'{"topicList":["a"]}').topic_list == {"a"}
    assert KVTable({"k": "v"}).encode() == b'{"table":{"k":"v"}}'
    assert KVTable.decode(b'{"table":{"k":"v"}}').table == {"k": "v"}


def wrapper():
    return TopicConfigSerializeWrapper(
        {"T1": TopicConfig("T1", 8, 4, 6, TopicFilterType.MULTI_TAG, topic_sys_flag=1, order=True),
         "T2": TopicConfig("T2", 1, 1, 2)},
        DataVersion(timestamp=1700000000000, counter=42))


def test_register_body_plain_round_trip_keeps_everything():
    body = RegisterBrokerBody(wrapper(), ["10.0.0.1:40000"])
    text = body.encode().decode()
    assert text.startswith('{"filterServerList":["10.0.0.1:40000"],"topicConfigSerializeWrapper":'
                           '{"dataVersion":{"counter":42,"timestamp":1700000000000},')
    assert RegisterBrokerBody.decode(body.encode()) == body


def test_register_body_compressed_layout_and_round_trip():
    body = RegisterBrokerBody(wrapper(), [])
    raw = zlib.decompress(body.encode(compress=True))
    n = struct.unpack_from(">i", raw)[0]
    assert loads(raw[4:4 + n]) == {"counter": 42, "timestamp": 1700000000000}
    assert b"T1 8 4 6 MULTI_TAG" in raw and raw.endswith(struct.pack(">i", 2) + b"[]")
    back = RegisterBrokerBody.decode(body.encode(compress=True), compressed=True)
    t1 = back.topic_config_serialize_wrapper.topic_config_table["T1"]
    # as in Java, the compressed form carries neither topicSysFlag nor order
    assert (t1.read_queue_nums, t1.write_queue_nums, t1.perm, t1.topic_sys_flag, t1.order) == \
        (8, 4, 6, 0, False)
    assert back.topic_config_serialize_wrapper.data_version == DataVersion(1700000000000, 42)


def _frames(*parts: bytes) -> bytes:
    return zlib.compress(b"".join(parts))


def _part(data: bytes) -> bytes:
    return struct.pack(">i", len(data)) + data


@pytest.mark.parametrize("data, message", [
    (b"not zlib at all", "not a zlib stream"),
    (zlib.compress(b"\x00\x00"), "ends early"),
    (_frames(_part(b'{"counter":1,"timestamp":2}'), struct.pack(">i", 1), _part(b"T 1 1")),
     "topic config #0 'T 1 1'"),
    (_frames(_part(b'{"counter":1,"timestamp":2}'), struct.pack(">i", 3), _part(b"T 1 1 6 SINGLE_TAG")),
     "topic config #1 length"),
    (_frames(struct.pack(">i", -5)), "negative length"),
    (_frames(struct.pack(">i", 0x7FFFFFF0)), "would inflate past"),
    (_frames(_part(b'{"counter":1,"timestamp":2}'), struct.pack(">i", 0), _part(b'{"a":1}')),
     "not a JSON array"),
])
def test_bad_compressed_bodies_are_clear_errors(data, message):
    with pytest.raises(RegisterBrokerBodyError, match=message):
        RegisterBrokerBody.decode(data, compressed=True)


def test_bad_plain_body_is_a_clear_error():
    with pytest.raises(RegisterBrokerBodyError, match="Failed to decode RegisterBrokerBody"):
        RegisterBrokerBody.decode(b'{"topicConfigSerializeWrapper":[1,2', compressed=False)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.booleans())
def test_any_register_body_bytes_decode_or_raise_the_body_error(data, compressed):
    try:
        RegisterBrokerBody.decode(data, compressed)
    except RegisterBrokerBodyError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=5), st.integers(-3, 6))
def test_compressed_streams_with_random_parts_decode_or_raise_the_body_error(parts, count):
    raw = _part(b'{"counter":1,"timestamp":2}') + struct.pack(">i", count) + b"".join(
        _part(p) for p in parts)
    try:
        RegisterBrokerBody.decode(zlib.compress(raw), compressed=True)
    except RegisterBrokerBodyError:
        pass
