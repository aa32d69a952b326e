"""fastjson forms (spec protocol.md §7, message-and-store §14.4) and the JsonBody base."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.fastjson import FastJsonError, FrozenDict, JsonBody, dumps, json_field, loads
from rocketmq_ref.common.message.message_queue import MessageQueue
from rocketmq_ref.common.protocol.heartbeat import (
    ConsumeFromWhere, ConsumerData, ConsumeType, HeartbeatData, MessageModel, ProducerData)

# A real 4.9.7 broker's heartbeat from the Java client capture, cut where the capture stops.
JAVA_HEARTBEAT_PREFIX = (
    '{"clientID":"192.0.2.2@interop-consumer-javamwv1vpmx27396","consumerDataSet":[{"consumeFromWhere":'
    '"CONSUME_FROM_FIRST_OFFSET","consumeType":"CONSUME_PASSIVELY","groupName":"interop_java_cg_javamwv1v'
    'pmx27396","messageModel":"CLUSTERING","subscriptionDataSet":[{"classFilterMode":false,"codeSet":[],'
    '"expressionType":"TAG","subString":"*","subVersion":1795546256011,"tagsSet":[],"topic":"%RETRY%inter'
    'op_java_cg_javamwv1vpmx27396"},{"classFilterMode":false,"codeSet":[2598919],"expressionType":"TAG",'
    '"subString":"TagA","subVersion":1795546256009,"tagsSet":["TagA"],"topic":"Capjavaclient1795546147"}],"un')

# ali-ons writes the fields in its own order and leaves expressionType out.
ONS_HEARTBEAT = (
    '{"clientID":"192.0.2.2@27248","consumerDataSet":[{"groupName":"interop_ons_cg_onsmwv1vm7027248",'
    '"consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING","consumeFromWhere":"CONSUME_FROM_FIRST'
    '_OFFSET","subscriptionDataSet":[{"topic":"Capalions1795546147","subString":"TagA","classFilterMode":'
    'false,"tagsSet":["TagA"],"codeSet":[2598919],"subVersion":1795546251058},{"topic":"%RETRY%interop_on'
    's_cg_onsmwv1vm7027248","subString":"*","classFilterMode":false,"tagsSet":[],"codeSet":[],"subVersio'
    'n":1795546251058}],"unitMode":false}],"producerDataSet":[{"groupName":"interop_ons_pg_onsmwv1vm7027'
    '248"}]}')

ROUTE_BODY = ('{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:30911"},"brokerName":"broker-interop",'
              '"cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":'
              '"broker-interop","perm":7,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8}]}')


def test_bare_integer_keys_are_read_as_ints():
    v = loads('{"offsetTable":{"TopicTest@group_a":{0:125,1:118,2:130,3:121},"%RETRY%group_a@group_a":{0:0}}}')
    assert v["offsetTable"]["TopicTest@group_a"] == {0: 125, 1: 118, 2: 130, 3: 121}
    assert loads(ROUTE_BODY)["brokerDatas"][0]["brokerAddrs"] == {0: "127.0.0.1:30911"}


def test_object_keys_are_read_as_hashable_objects_and_written_back_unchanged():
    text = ('{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:{"brokerOffset":5,'
            '"consumerOffset":3,"lastTimestamp":0}},"consumeTps":0.0}')
    v = loads(text)
    (key, value), = v["offsetTable"].items()
    assert isinstance(key, FrozenDict) and MessageQueue.from_json_value(key) == MessageQueue("T", "broker-a", 0)
    assert value["brokerOffset"] == 5 and v["consumeTps"] == 0.0
    assert dumps(v) == text


def test_writer_fastjson_and_strict_forms():
    value = {"brokerAddrs": {0: "a:1", 1: "b:2"}, "tps": 0.0, "ok": True, "none": None}
    assert dumps(value) == '{"brokerAddrs":{0:"a:1",1:"b:2"},"tps":0.0,"ok":true,"none":null}'
    strict = dumps(value, fastjson=False)
    assert strict == '{"brokerAddrs":{"0":"a:1","1":"b:2"},"tps":0.0,"ok":true,"none":null}'
    import json
    assert json.loads(strict)["brokerAddrs"] == {"0": "a:1", "1": "b:2"}


def test_browser_compatible_form_quotes_keys_escapes_and_sorts():
    out = dumps({"b": {1: "x/é"}, "a": 2**60}, browser_compatible=True)
    assert out == '{"a":"1152921504606846976","b":{"1":"x\\/\\u00E9"}}'


def test_pretty_form_is_tab_indented_without_space_after_colon():
    wrapper = {"dataVersion": DataVersion(1700000000000, 3), "offsetTable": {"T@g": {0: 1}}}
    assert dumps(wrapper, pretty=True) == (
        '{\n\t"dataVersion":{\n\t\t"counter":3,\n\t\t"timestamp":1700000000000\n\t},\n'
        '\t"offsetTable":{\n\t\t"T@g":{\n\t\t\t0:1\n\t\t}\n\t}\n}')


def test_lenient_reader_accepts_single_quotes_unquoted_names_and_trailing_commas():
    assert loads("{'a':'x', b:[1,2,], c:{1:2,},}") == {"a": "x", "b": [1, 2], "c": {1: 2}}
    assert loads('{"s":"\\u00e9\\ud834\\udd1e\\n"}') == {"s": "é\U0001d11e\n"}


@pytest.mark.parametrize("bad", ["{", '{"a":}', "{a:1", '{"a" 1}', "[1,2", "nope", '{"a":1} x',
                                 b"\xff\xfe", "[" * 2000])
def test_malformed_json_raises_a_clear_error(bad):
    with pytest.raises(FastJsonError):
        loads(bad)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.text(max_size=6) | st.integers(-100, 100), inner, max_size=4),
    max_leaves=20)


@given(_json_values)
def test_dumps_then_loads_round_trips_in_both_forms(value):
    assert loads(dumps(value)) == value
    strict = loads(dumps(value, fastjson=False))
    assert loads(dumps(strict, fastjson=False)) == strict


# -- JsonBody -------------------------------------------------------------------------------

class Color(enum.Enum):
    RED = 1
    BLUE = 2


@dataclass
class Inner(JsonBody):
    name: str = ""
    weight: float = 0.0


@dataclass
class Outer(JsonBody):
    client_id: str | None = json_field(None, key="clientID")
    topic_sys_flag: int = json_field(0, aliases=("topicSynFlag",))
    color: Color = Color.RED
    inners: list[Inner] = field(default_factory=list)
    by_queue: dict[MessageQueue, int] = field(default_factory=dict)
    by_id: dict[int, str] = field(default_factory=dict)
    version: DataVersion = field(default_factory=lambda: DataVersion(0, 0))
    tags: set[str] = field(default_factory=set)
    secret: str = json_field("s", skip=True)


def test_json_body_writes_sorted_camel_case_keys_and_omits_none():
    o = Outer(color=Color.BLUE, inners=[Inner("a", 1.0)], by_id={0: "x"}, tags={"b", "a"})
    assert o.to_json() == ('{"byId":{"0":"x"},"byQueue":{},"color":"BLUE","inners":[{"name":"a",'
                           '"weight":1.0}],"tags":["a","b"],"topicSysFlag":0,'
                           '"version":{"counter":0,"timestamp":0}}')
    assert o.to_json(fastjson=True).startswith('{"byId":{0:"x"}')


def test_json_body_round_trips_nested_bodies_object_keys_and_enums():
    o = Outer("c1", 1, Color.BLUE, [Inner("a", 2.5)], {MessageQueue("T", "b", 3): 9}, {7: "x"},
              DataVersion(5, 6), {"t"})
    for form in (o.to_json(), o.to_json(fastjson=True), o.encode(), o.to_json(pretty=True)):
        assert Outer.from_json(form) == o


def test_json_body_ignores_unknown_keys_defaults_missing_ones_and_reads_aliases():
    o = Outer.from_json(b'{"clientID":"c","topicSynFlag":3,"unknown":{"x":[1]},"byId":{"4":"q"}}')
    assert (o.client_id, o.topic_sys_flag, o.by_id, o.color, o.inners) == ("c", 3, {4: "q"}, Color.RED, [])
    assert o.secret == "s"


@pytest.mark.parametrize("bad, where", [('{"color":"GREEN"}', "color"), ('{"inners":[1]}', "inners"),
                                        ('{"topicSysFlag":"x"}', "topicSysFlag"), ("[1]", "Outer")])
def test_json_body_bad_values_name_the_field(bad, where):
    with pytest.raises(FastJsonError, match=where):
        Outer.from_json(bad)


def test_java_heartbeat_is_written_in_the_java_clients_field_order():
    h = HeartbeatData.from_json(JAVA_HEARTBEAT_PREFIX + 'itMode":false}],"producerDataSet":[]}')
    sub = h.consumer_data_set[0].subscription_data_set
    assert sub[1].code_set == {2598919} and sub[1].tags_set == {"TagA"}
    assert h.encode().decode().startswith(JAVA_HEARTBEAT_PREFIX)


def test_ali_ons_heartbeat_is_read_with_defaults_for_what_it_leaves_out():
    h = HeartbeatData.from_json(ONS_HEARTBEAT)
    assert h.client_id == "192.0.2.2@27248"
    assert h.producer_data_set == [ProducerData("interop_ons_pg_onsmwv1vm7027248")]
    c: ConsumerData = h.consumer_data_set[0]
    assert (c.consume_type, c.message_model, c.consume_from_where, c.unit_mode) == (
        ConsumeType.CONSUME_PASSIVELY, MessageModel.CLUSTERING,
        ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET, False)
    assert [s.expression_type for s in c.subscription_data_set] == ["TAG", "TAG"]
    assert c.subscription_data_set[0].sub_version == 1795546251058


def test_sorted_map_keys_follow_the_raw_key_not_its_escaped_text():
    assert dumps({"\x7f": 1, "]": 2, "a": 3}, browser_compatible=True) == '{"]":2,"a":3,"\\u007F":1}'
    assert dumps({10: "x", 9: "y"}, browser_compatible=True) == '{"9":"y","10":"x"}'


@pytest.mark.parametrize("text", ["[" * 600 + "x", "{1:" * 400, "{'a':" * 300 + "1" + "}" * 300])
def test_deeply_nested_fastjson_is_an_error_not_a_crash(text):
    with pytest.raises(FastJsonError):
        loads(text)


@given(st.text(alphabet='{}[]:,"\'0123456789abtrue nul\\-.', max_size=40))
def test_arbitrary_text_parses_or_raises_fastjson_error(text):
    try:
        loads(text)
    except FastJsonError:
        pass


@given(st.dictionaries(st.sampled_from(["clientID", "consumerDataSet", "producerDataSet", "x"]),
                       _json_values, max_size=4))
def test_heartbeat_of_any_shape_is_read_or_refused_with_fastjson_error(value):
    try:
        HeartbeatData.from_json(dumps(value))
    except FastJsonError:
        pass
