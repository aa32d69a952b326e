"""The client's signature is Java's, byte for byte.

The golden values were computed outside Python, from the algorithm as Java's ``AclClientRPCHook``
and ``AclUtils.combineRequestContent`` describe it (values of the ext fields sorted by key, without
``Signature``, concatenated as UTF-8, then the body; HmacSHA1 with the secret key; Base64), with
OpenSSL, e.g.::

    printf 'RocketMQG1TopicAHello' | openssl dgst -sha1 -hmac 12345678 -binary | base64
"""
from __future__ import annotations

import pytest

from rocketmq_ref.acl.common import AclClientRPCHook, SessionCredentials
from rocketmq_ref.acl.common.acl_exception import AclException
from rocketmq_ref.acl.common.acl_signer import cal_signature
from rocketmq_ref.acl.common.acl_utils import combine_request_content
from rocketmq_ref.common.protocol.header.send_message_request_header_v2 import SendMessageRequestHeaderV2
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand


def _request(fields: dict[str, str], body: bytes | None = None) -> RemotingCommand:
    request = RemotingCommand.create_request_command(RequestCode.SEND_MESSAGE, None, body)
    request.ext_fields = dict(fields)
    return request


def test_signature_matches_openssl_for_fields_and_body():
    request = _request({"topic": "TopicA", "group": "G1"}, b"Hello")
    AclClientRPCHook(SessionCredentials("RocketMQ", "12345678")).do_before_request("127.0.0.1:1", request)
    assert request.ext_fields["AccessKey"] == "RocketMQ"
    assert request.ext_fields["Signature"] == "zW77irNsk8W+sghVWQ9/52qkeh8="


def test_security_token_is_sent_and_signed():
    request = _request({"topic": "TopicA", "group": "G1"})
    hook = AclClientRPCHook(SessionCredentials("RocketMQ", "12345678", "tok-1"))
    hook.do_before_request(None, request)
    assert request.ext_fields["SecurityToken"] == "tok-1"
    assert request.ext_fields["Signature"] == "yzs/BuCH7JLYvHdoRpJn4qc7mAk="


def test_utf8_values_binary_body_and_utf8_secret():
    # "A1" sorts before "AccessKey" ('1' < 'c'), as in Java's TreeMap
    request = _request({"A1": "ak-été"}, b"\x00\x01\xff")
    AclClientRPCHook(SessionCredentials("RocketMQ", "sécret")).do_before_request(None, request)
    assert request.ext_fields["Signature"] == "5BRo0fj5lYOXBMdJTQ/+DsVJD8I="


def test_signing_again_ignores_the_old_signature():
    request = _request({"topic": "TopicA", "group": "G1"}, b"Hello")
    hook = AclClientRPCHook(SessionCredentials("RocketMQ", "12345678"))
    hook.do_before_request(None, request)
    hook.do_before_request(None, request)  # a retried request is signed again over the same content
    assert request.ext_fields["Signature"] == "zW77irNsk8W+sghVWQ9/52qkeh8="


def test_custom_header_fields_are_written_before_signing():
    header = SendMessageRequestHeaderV2(a="PG", b="TopicA", c="TBW102", d=4, e=1, f=0, g=123, h=0,
                                        i="", j=0, k=False)
    request = RemotingCommand.create_request_command(RequestCode.SEND_MESSAGE_V2, header, b"x")
    AclClientRPCHook(SessionCredentials("RocketMQ", "12345678")).do_before_request(None, request)
    fields = request.ext_fields
    assert fields["b"] == "TopicA" and "Signature" in fields
    content = combine_request_content(request, fields)
    assert fields["Signature"] == cal_signature(content, "12345678")
    # what goes on the wire is what was signed
    decoded = RemotingCommand.decode(request.encode()[4:])
    assert decoded.ext_fields == fields


def test_combine_request_content_leaves_out_signature_and_takes_no_body():
    request = _request({"b": "2", "a": "1", "Signature": "zzz"})
    assert combine_request_content(request, request.ext_fields) == b"12"


def test_unknown_algorithm_is_an_acl_exception():
    with pytest.raises(AclException, match="signature-failed"):
        cal_signature(b"x", "k", "HmacNope")


def test_binary_rocketmq_header_carries_what_was_signed():
    from rocketmq_ref.remoting.protocol.remoting_command import SerializeType

    request = _request({"topic": "TopicA", "group": "G1"}, b"Hello")
    request.serialize_type_current_rpc = SerializeType.ROCKETMQ
    AclClientRPCHook(SessionCredentials("RocketMQ", "12345678")).do_before_request(None, request)
    decoded = RemotingCommand.decode(request.encode()[4:])
    assert decoded.serialize_type_current_rpc == SerializeType.ROCKETMQ
    assert decoded.ext_fields["Signature"] == "zW77irNsk8W+sghVWQ9/52qkeh8="
    assert decoded.ext_fields == request.ext_fields
