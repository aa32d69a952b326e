"""Declarative custom headers: wire keys, Java string forms, required fields, lenient values."""
from __future__ import annotations

import pytest

from rocketmq_ref.common.protocol import header as H
from rocketmq_ref.common.protocol.header import namesrv as N
from rocketmq_ref.common.protocol.header import (PullMessageRequestHeader, SendMessageRequestHeader,
                                                 SendMessageRequestHeaderV2,
                                                 UnregisterClientRequestHeader)
from rocketmq_ref.common.protocol.header.namesrv import RegisterBrokerRequestHeader
from rocketmq_ref.common.protocol.request_code import RequestCode, request_code_name
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.protocol import RemotingCommand, RemotingSysResponseCode


def test_every_header_declares_fields_with_supported_java_types():
    for module in (H, N):
        for name in module.__all__:
            cls = getattr(module, name)
            fields = cls.header_fields()
            assert len({f.key for f in fields}) == len(fields), name


def test_wire_keys_are_java_field_names():
    keys = {f.attr: f.key for f in UnregisterClientRequestHeader.header_fields()}
    assert keys == {"client_id": "clientID", "producer_group": "producerGroup",
                    "consumer_group": "consumerGroup"}
    assert [f.key for f in SendMessageRequestHeaderV2.header_fields()] == ["bname"] + list("abcdefghijklmn")
    assert {f.key for f in PullMessageRequestHeader.header_fields()} >= {
        "consumerGroup", "queueOffset", "suspendTimeoutMillis", "subVersion", "expressionType", "bname"}


def test_encode_writes_java_strings_and_omits_nulls():
    h = RegisterBrokerRequestHeader(broker_name="b", broker_addr="1.2.3.4:10911", cluster_name="c",
                                    ha_server_addr="1.2.3.4:10912", broker_id=0, compressed=True)
    assert h.to_ext_fields() == {"brokerName": "b", "brokerAddr": "1.2.3.4:10911", "clusterName": "c",
                                 "haServerAddr": "1.2.3.4:10912", "brokerId": "0",
                                 "compressed": "true", "bodyCrc32": "0"}


def test_missing_required_field_names_the_field():
    with pytest.raises(RemotingCommandException, match=r"<topic> is null"):
        N.GetRouteInfoRequestHeader.decode({"acceptStandardJsonOnly": "true"})


@pytest.mark.parametrize("value", ["abc", "1.5", "", " 7", "1_000", "99999999999"])
def test_unparsable_or_out_of_range_int_names_the_field(value):
    with pytest.raises(RemotingCommandException, match=r"<queueId>"):
        H.GetMaxOffsetRequestHeader.decode({"topic": "t", "queueId": value})


def test_long_fields_take_64_bit_values():
    h = H.QueryConsumerOffsetResponseHeader.decode({"offset": str(2 ** 40)})
    assert h.offset == 2 ** 40


def test_booleans_parse_like_java_parse_boolean():
    base = {"a": "g", "b": "t", "c": "TBW102", "d": "4", "e": "0", "f": "0", "g": "1", "h": "0"}
    assert SendMessageRequestHeaderV2.decode({**base, "k": "1", "m": "0"}).k is False  # C++ sends 0/1
    assert SendMessageRequestHeaderV2.decode({**base, "k": "TRUE", "m": "true"}).m is True


def test_unknown_keys_are_ignored_and_missing_optionals_keep_java_defaults():
    ext = {"consumerGroup": "g", "topic": "t", "queueId": "1", "AccessKey": "x", "Signature": "y"}
    h = H.QueryConsumerOffsetRequestHeader.decode(ext)
    assert (h.consumer_group, h.topic, h.queue_id, h.bname) == ("g", "t", 1, None)


def test_v1_v2_conversion_round_trips():
    v1 = SendMessageRequestHeader(producer_group="pg", topic="t", default_topic="TBW102",
                                  default_topic_queue_nums=4, queue_id=3, sys_flag=0, born_timestamp=5,
                                  flag=0, properties="k\x01v", reconsume_times=2, unit_mode=True,
                                  batch=True, max_reconsume_times=16, bname="broker-a")
    v2 = SendMessageRequestHeaderV2.create_send_message_request_header_v2(v1)
    assert v2.to_ext_fields()["n"] == "broker-a" and v2.to_ext_fields()["m"] == "true"
    assert SendMessageRequestHeaderV2.create_send_message_request_header_v1(
        SendMessageRequestHeaderV2.decode(v2.to_ext_fields())) == v1


def test_command_without_ext_fields_decodes_header_defaults():
    cmd = RemotingCommand(RequestCode.HEART_BEAT)
    assert cmd.decode_command_custom_header(H.QueryConsumerOffsetRequestHeader).topic is None


def test_codes_match_the_spec():
    assert RequestCode.SEND_MESSAGE_V2 == 310 and RequestCode.GET_ROUTEINFO_BY_TOPIC == 105
    assert RequestCode.DELETE_EXPIRED_COMMITLOG == 329 and len(RequestCode) == 95
    assert request_code_name(310) == "SEND_MESSAGE_V2" and request_code_name(200050) == "CODE_200050"
    assert ResponseCode.FLOW_CONTROL == 215 and ResponseCode.PULL_NOT_FOUND == 19
    for c in RemotingSysResponseCode:
        assert ResponseCode[c.name] == c
