"""The codec's fast paths give exactly what the general ones give: ``extFields`` with their keys'
JSON remembered, and the V2 send header decoded straight into the V1 one."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from rocketmq_ref.common.protocol.header.send_message_request_header_v2 import (
    SendMessageRequestHeaderV2)
from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.protocol.json_header import _esc, json_header_encode
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_text, _text, max_size=8))
def test_string_ext_fields_encode_as_the_entry_by_entry_form(ext):
    for _ in range(2):  # the second time the keys' JSON comes from the table
        cmd = RemotingCommand(310, opaque=7, ext_fields=dict(ext))
        text = json_header_encode(cmd).decode("utf-8")
        assert ',"extFields":{' + ",".join(_esc(k) + ":" + _esc(v) for k, v in ext.items()) + "}" in text
        assert json.loads(text)["extFields"] == ext


def test_non_string_ext_values_keep_their_java_strings():
    cmd = RemotingCommand(310, opaque=7, ext_fields={"a": 1, "b": True, "c": "x"})
    assert json.loads(json_header_encode(cmd))["extFields"] == {"a": "1", "b": "true", "c": "x"}
    cmd = RemotingCommand(310, opaque=7, ext_fields={})
    assert json.loads(json_header_encode(cmd))["extFields"] == {}
    cmd = RemotingCommand(310, opaque=7, ext_fields={1: "x", 2: "y"})  # keys as json.dumps has them
    assert json.loads(json_header_encode(cmd))["extFields"] == {"1": "x", "2": "y"}


def _via_v2(ext):
    return SendMessageRequestHeaderV2.create_send_message_request_header_v1(
        SendMessageRequestHeaderV2.decode(ext))


_value = st.one_of(st.sampled_from(["0", "1", "-1", "4", "true", "FALSE", "", "x", "+5",
                                    "2147483648", "99999999999999999999", "1795563459967"]),
                   _text)
_keys = st.sampled_from(list("abcdefghijklmn") + ["bname", "other"])


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_keys, _value))
def test_v2_header_decoded_as_v1_equals_decode_then_convert(ext):
    try:
        expected = _via_v2(ext)
    except RemotingCommandException as e:
        try:
            SendMessageRequestHeaderV2.decode_as_v1(ext)
        except RemotingCommandException as e2:
            assert str(e2) == str(e)
        else:
            raise AssertionError("decode_as_v1 accepted what decode refused")
    else:
        assert SendMessageRequestHeaderV2.decode_as_v1(ext) == expected


def test_missing_ext_fields_give_the_default_header():
    # what decode_command_custom_header gives a command without extFields, then converted
    assert SendMessageRequestHeaderV2.decode_as_v1(None) == \
        SendMessageRequestHeaderV2.create_send_message_request_header_v1(SendMessageRequestHeaderV2())


def _reference_decode(cls, ext):
    """The rules spelled out one field at a time with the general parser (no generated code)."""
    from rocketmq_ref.remoting.command_custom_header import _parse, _to_java_string
    out = {}
    for f, default in zip(cls.header_fields(), cls._codec().defaults):
        t = ext.get(f.key)
        if t is None:
            if f.required:
                raise RemotingCommandException(f"{cls.__name__}: the custom field <{f.key}> is null")
            out[f.attr] = default
        else:
            out[f.attr] = _parse(f, t if type(t) is str else _to_java_string(t), cls.__name__)
    return out


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_keys, st.one_of(_value, st.integers(-5, 2000).map(str),
                                        st.sampled_from(["True", "TRUE", "false ", "0x1", "٣"]))))
def test_generated_decoder_follows_the_general_parser(ext):
    try:
        expected = _reference_decode(SendMessageRequestHeaderV2, ext)
    except RemotingCommandException as e:
        try:
            SendMessageRequestHeaderV2.decode(ext)
        except RemotingCommandException as e2:
            assert str(e2) == str(e)
        else:
            raise AssertionError("the generated decoder accepted what the parser refused")
    else:
        got = SendMessageRequestHeaderV2.decode(ext)
        assert {f.attr: getattr(got, f.attr) for f in got.header_fields()} == expected
