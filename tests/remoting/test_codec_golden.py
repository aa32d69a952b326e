"""Golden bytes: frames recorded from real RocketMQ 4.9.7 peers decode, and what we encode is
byte-identical to what Java wrote (JSON), or to the RocketMQSerializable layout (ROCKETMQ)."""
from __future__ import annotations

import struct

import pytest

from rocketmq_ref.common.protocol.header import (SendMessageRequestHeaderV2,
                                                 SendMessageResponseHeader)
from rocketmq_ref.common.protocol.header.namesrv import GetRouteInfoRequestHeader
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.remoting.netty.frame_codec import NettyDecoder
from rocketmq_ref.remoting.protocol import LanguageCode, RemotingCommand, SerializeType
from tests.remoting import captures

JAVA = captures.load("java-client")
ONS = captures.load("ali-ons")


def _decode_all(frames, chunk=7):
    data = b"".join(f.wire_bytes() for f in frames)
    dec = NettyDecoder()
    out = []
    for i in range(0, len(data), chunk):
        out.extend(dec.feed(data[i:i + chunk]))
    assert dec.pending_bytes == 0
    return out


@pytest.mark.parametrize("frames", [JAVA, ONS], ids=["java-client", "ali-ons"])
def test_every_recorded_frame_decodes_with_its_header_and_body(frames):
    assert len(frames) > 40
    cmds = _decode_all(frames)
    assert len(cmds) == len(frames)
    for f, cmd in zip(frames, cmds):
        assert cmd.code == f.code and cmd.opaque == f.opaque
        assert cmd.flag == f.header["flag"]
        assert cmd.version == f.header["version"]
        assert cmd.language is LanguageCode[f.header["language"]]
        assert cmd.remark == f.header.get("remark")
        assert cmd.body == f.body
        assert cmd.serialize_type_current_rpc is SerializeType.JSON
        ext = f.header.get("extFields")
        if ext is None:
            assert cmd.ext_fields is None
        else:
            assert set(cmd.ext_fields) == set(ext)
            assert all(type(v) is str for v in cmd.ext_fields.values())


def test_java_frames_reencode_byte_for_byte():
    for f in JAVA:
        cmd = RemotingCommand.decode(f.wire_bytes()[4:])
        assert cmd.encode() == f.wire_bytes(), f"frame #{f.number}"


def test_route_request_built_from_its_header_matches_java_bytes():
    f = JAVA[0]
    assert f.code == RequestCode.GET_ROUTEINFO_BY_TOPIC
    cmd = RemotingCommand.create_request_command(
        RequestCode.GET_ROUTEINFO_BY_TOPIC, GetRouteInfoRequestHeader(topic="Capjavaclient1795546147"))
    cmd.language, cmd.version, cmd.opaque = LanguageCode.JAVA, 407, 0
    assert cmd.encode() == f.wire_bytes()


def test_send_message_v2_built_from_its_header_matches_java_bytes():
    f = next(x for x in JAVA if x.code == RequestCode.SEND_MESSAGE_V2 and x.direction == "->")
    ext = f.header["extFields"]
    header = SendMessageRequestHeaderV2(
        a=ext["a"], b=ext["b"], c=ext["c"], d=int(ext["d"]), e=int(ext["e"]), f=int(ext["f"]),
        g=int(ext["g"]), h=int(ext["h"]), i=ext["i"], j=int(ext["j"]), k=False, m=False, n=ext["n"])
    cmd = RemotingCommand.create_request_command(RequestCode.SEND_MESSAGE_V2, header, body=f.body)
    cmd.language, cmd.version, cmd.opaque = LanguageCode.JAVA, 407, f.opaque
    assert cmd.encode() == f.wire_bytes()


def test_send_response_built_from_its_header_matches_java_bytes():
    f = next(x for x in JAVA if x.direction == "<-" and x.header.get("extFields", {}).get("msgId"))
    ext = f.header["extFields"]
    resp = RemotingCommand.create_response_command(0, None, SendMessageResponseHeader)
    resp.language, resp.version, resp.opaque = LanguageCode.JAVA, 407, f.opaque
    resp.add_ext_field("MSG_REGION", "DefaultRegion")
    resp.add_ext_field("TRACE_ON", "true")
    h = resp.read_custom_header()
    h.msg_id, h.queue_id, h.queue_offset = ext["msgId"], int(ext["queueId"]), int(ext["queueOffset"])
    assert resp.encode() == f.wire_bytes()


def test_ali_ons_numeric_and_boolean_ext_values_decode_as_java_strings():
    f = next(x for x in ONS if x.code == RequestCode.SEND_MESSAGE_V2)
    assert f.header["extFields"]["d"] == 4 and f.header["extFields"]["k"] is False
    assert "serializeTypeCurrentRPC" not in f.header
    cmd = RemotingCommand.decode(f.wire_bytes()[4:])
    assert cmd.ext_fields["d"] == "4" and cmd.ext_fields["k"] == "false"
    assert cmd.ext_fields["g"] == str(f.header["extFields"]["g"])
    h = cmd.decode_command_custom_header(SendMessageRequestHeaderV2)
    assert (h.d, h.e, h.k, h.m, h.n) == (4, f.header["extFields"]["e"], False, False, None)
    v1 = SendMessageRequestHeaderV2.create_send_message_request_header_v1(h)
    assert v1.producer_group == f.header["extFields"]["a"] and v1.born_timestamp == h.g
    # a response goes back in the request's serialize type, with its opaque
    assert cmd.serialize_type_current_rpc is SerializeType.JSON


def test_rocketmq_binary_header_layout():
    cmd = RemotingCommand(RequestCode.GET_ROUTEINFO_BY_TOPIC, opaque=7, language=LanguageCode.JAVA,
                          version=407, ext_fields={"topic": "TopicTest"},
                          serialize_type=SerializeType.ROCKETMQ)
    entry = b"\x00\x05topic" + b"\x00\x00\x00\x09TopicTest"
    header = (b"\x00\x69" b"\x00" b"\x01\x97" b"\x00\x00\x00\x07" b"\x00\x00\x00\x00"
              b"\x00\x00\x00\x00" + struct.pack(">i", len(entry)) + entry)
    frame = struct.pack(">ii", 4 + len(header) + 3, (1 << 24) | len(header)) + header + b"abc"
    cmd.body = b"abc"
    assert cmd.encode() == frame
    back = RemotingCommand.decode(frame[4:])
    assert (back.code, back.opaque, back.version, back.language, back.ext_fields, back.body) == (
        105, 7, 407, LanguageCode.JAVA, {"topic": "TopicTest"}, b"abc")
    assert back.serialize_type_current_rpc is SerializeType.ROCKETMQ


def test_rocketmq_header_with_remark_and_unknown_language_decodes():
    remark = "système".encode()
    header = (struct.pack(">hbhiii", 17, 99, 63, -5, 1, len(remark)) + remark + struct.pack(">i", 0))
    frame = struct.pack(">i", (1 << 24) | len(header)) + header
    cmd = RemotingCommand.decode(frame)
    assert cmd.code == 17 and cmd.language is None and cmd.opaque == -5 and cmd.is_response_type()
    assert cmd.remark == "système" and cmd.ext_fields is None and cmd.body is None


def test_every_recorded_java_frame_survives_the_binary_encoding():
    for f in JAVA:
        cmd = RemotingCommand.decode(f.wire_bytes()[4:])
        cmd.serialize_type_current_rpc = SerializeType.ROCKETMQ
        back = RemotingCommand.decode(cmd.encode()[4:])
        assert (back.code, back.opaque, back.flag, back.remark or None, back.ext_fields or None,
                back.body) == (cmd.code, cmd.opaque, cmd.flag, cmd.remark or None,
                               cmd.ext_fields or None, cmd.body)


def test_json_header_from_other_clients_is_read_leniently():
    header = (b'{"code":"105","extFields":{"topic":"T","queueId":0,"unitMode":true,"x":null,'
              b'"f":1.5},"flag":0,"language":"KOTLIN","opaque":3,"remark":""}')
    frame = struct.pack(">i", len(header)) + header
    cmd = RemotingCommand.decode(frame)
    assert cmd.code == 105 and cmd.language is None and cmd.version == 0 and cmd.remark == ""
    assert cmd.ext_fields == {"topic": "T", "queueId": "0", "unitMode": "true", "f": "1.5"}
    # an unknown language is left out when the command is written again, as fastjson does
    assert b'"language"' not in cmd.encode()
