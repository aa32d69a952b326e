"""``RemotingCommand``: one request or response of the RocketMQ protocol, and its codec
(Java ``remoting/protocol/RemotingCommand``; book A4.3.2, A13.4.2).

Pure: no sockets.  A frame is ``length(int32) | headerLenAndType(int32) | header | body`` where
``length`` counts everything after itself and the top byte of ``headerLenAndType`` is the
``SerializeType``.  ``decode`` takes a frame without its length field (what Java's
``LengthFieldBasedFrameDecoder`` hands on); the stream splitter is ``netty.frame_codec.NettyDecoder``.

A response goes out in the serialize type of its request (``create_response_command`` callers copy
it; the remoting layer does so for every response it writes).
"""
from __future__ import annotations

import itertools
import os
import struct
from typing import TYPE_CHECKING, Any, TypeVar

from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.protocol.json_header import json_header_decode, json_header_encode
from rocketmq_ref.remoting.protocol.language_code import (LanguageCode, RemotingCommandType,
                                                          SerializeType)
from rocketmq_ref.remoting.protocol.remoting_sys_response_code import RemotingSysResponseCode
from rocketmq_ref.remoting.protocol.rocketmq_header import (rocketmq_protocol_decode,
                                                            rocketmq_protocol_encode)

if TYPE_CHECKING:
    from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader

H = TypeVar("H", bound="CommandCustomHeader")

SERIALIZE_TYPE_PROPERTY = "rocketmq.serialize.type"
SERIALIZE_TYPE_ENV = "ROCKETMQ_SERIALIZE_TYPE"
RPC_TYPE = 0  # flag bit 0: response
RPC_ONEWAY = 1  # flag bit 1: oneway
_RESPONSE_BIT = 1 << RPC_TYPE
_ONEWAY_BIT = 1 << RPC_ONEWAY

#: ``MQVersion.CURRENT_VERSION`` of 4.9.8 (``Version.V4_9_8.ordinal()``): what we put in ``version``.
#: The name server answers route data in standard JSON to senders >= 401 (V4_9_4).
CURRENT_VERSION = 409

_PREFIX = struct.Struct(">ii")
_pack_prefix = _PREFIX.pack
_unpack_prefix = _PREFIX.unpack_from
_I32 = struct.Struct(">i")
_request_id = itertools.count()


def _serialize_type_from_env() -> SerializeType:
    name = os.environ.get(SERIALIZE_TYPE_ENV, "").strip()
    if not name:
        return SerializeType.JSON
    try:
        return SerializeType[name]
    except KeyError:
        raise ValueError(f"{SERIALIZE_TYPE_ENV}={name!r}: expected JSON or ROCKETMQ") from None


class RemotingCommand:
    """A request or response: header fields, ``ext_fields`` (the custom header on the wire) and body.

    Java field names in snake_case; ``custom_header`` is transient (turned into ``ext_fields`` by
    ``make_custom_header_to_net`` when encoding).
    """

    __slots__ = ("code", "language", "version", "opaque", "flag", "remark", "ext_fields", "body",
                 "serialize_type_current_rpc", "custom_header")

    #: default header encoding of this process (Java ``serializeTypeConfigInThisServer``)
    serialize_type_config_in_this_server: SerializeType = _serialize_type_from_env()
    #: language we announce (Java sends JAVA; peers only store or print it)
    default_language: LanguageCode = LanguageCode.PYTHON
    #: ``version`` we announce (Java: system property ``rocketmq.remoting.version``)
    config_version: int = CURRENT_VERSION

    def __init__(self, code: int = 0, *, opaque: int | None = None, flag: int = 0,
                 remark: str | None = None, ext_fields: dict[str, str] | None = None,
                 body: bytes | None = None, language: LanguageCode | None = None,
                 version: int | None = None,
                 serialize_type: SerializeType | None = None) -> None:
        self.code = code
        self.language = self.default_language if language is None else language
        self.version = self.config_version if version is None else version
        self.opaque = next(_request_id) & 0x7FFFFFFF if opaque is None else opaque
        self.flag = flag
        self.remark = remark
        self.ext_fields = ext_fields
        self.body = body
        self.serialize_type_current_rpc = (self.serialize_type_config_in_this_server
                                           if serialize_type is None else serialize_type)
        self.custom_header: CommandCustomHeader | None = None

    # ---------------------------------------------------------------- factories
    @classmethod
    def create_request_command(cls, code: int, custom_header: "CommandCustomHeader | None" = None,
                               body: bytes | None = None) -> "RemotingCommand":
        """Java ``createRequestCommand``: a request with a fresh opaque."""
        cmd = cls(code, body=body)
        cmd.custom_header = custom_header
        return cmd

    @classmethod
    def create_response_command(cls, code: int = RemotingSysResponseCode.SYSTEM_ERROR,
                                remark: str | None = "not set any response code",
                                class_header: "type[CommandCustomHeader] | None" = None
                                ) -> "RemotingCommand":
        """Java ``createResponseCommand``: a response (flag bit 0 set); with ``class_header`` an empty
        instance of that header is attached (``read_custom_header()`` to fill it)."""
        cmd = cls.__new__(cls)  # what __init__ does, without its keyword handling (one per request)
        cmd.code = code if type(code) is int else int(code)
        cmd.language = cls.default_language
        cmd.version = cls.config_version
        cmd.opaque = 0
        cmd.flag = _RESPONSE_BIT
        cmd.remark = remark
        cmd.ext_fields = None
        cmd.body = None
        cmd.serialize_type_current_rpc = cls.serialize_type_config_in_this_server
        cmd.custom_header = class_header() if class_header is not None else None
        return cmd

    @staticmethod
    def create_new_request_id() -> int:
        return next(_request_id) & 0x7FFFFFFF

    # ---------------------------------------------------------------- flags
    def mark_response_type(self) -> None:
        self.flag |= _RESPONSE_BIT

    def is_response_type(self) -> bool:
        return self.flag & _RESPONSE_BIT == _RESPONSE_BIT

    def mark_oneway_rpc(self) -> None:
        self.flag |= _ONEWAY_BIT

    def is_oneway_rpc(self) -> bool:
        return self.flag & _ONEWAY_BIT == _ONEWAY_BIT

    def get_type(self) -> RemotingCommandType:
        return (RemotingCommandType.RESPONSE_COMMAND if self.flag & _RESPONSE_BIT
                else RemotingCommandType.REQUEST_COMMAND)

    # ---------------------------------------------------------------- custom header
    def read_custom_header(self) -> "CommandCustomHeader | None":
        return self.custom_header

    def write_custom_header(self, custom_header: "CommandCustomHeader | None") -> None:
        self.custom_header = custom_header

    def add_ext_field(self, key: str, value: str) -> None:
        if self.ext_fields is None:
            self.ext_fields = {}
        self.ext_fields[key] = value

    def make_custom_header_to_net(self) -> None:
        """Java ``makeCustomHeaderToNet``: copy the custom header's non-null fields into
        ``ext_fields`` as strings (an empty map when the header has none, as Java)."""
        if self.custom_header is not None:
            if self.ext_fields is None:
                self.ext_fields = {}
            self.custom_header.encode_to(self.ext_fields)

    def decode_command_custom_header(self, class_header: type[H]) -> H:
        """Java ``decodeCommandCustomHeader``: the header read from ``ext_fields``.

        A missing ``@CFNotNull`` field or an unparsable value raises ``RemotingCommandException``
        naming the field (Java logs and lets the processor fail; the caller answers SYSTEM_ERROR).
        With no ``ext_fields`` at all the header stays at its defaults, as in Java.
        """
        if self.ext_fields is None:
            return class_header()
        return class_header.decode(self.ext_fields)

    # ---------------------------------------------------------------- encode
    def header_encode(self) -> bytes:
        """The header bytes in this command's serialize type (custom header folded in first)."""
        self.make_custom_header_to_net()
        if self.serialize_type_current_rpc == SerializeType.ROCKETMQ:
            return rocketmq_protocol_encode(self)
        return json_header_encode(self)

    def encode_header(self, body_length: int | None = None) -> bytes:
        """Java ``encodeHeader``: length field, header-length word and header, without the body
        (the body is written after it, uncopied)."""
        if body_length is None:
            body_length = len(self.body) if self.body else 0
        header = self.header_encode()
        return _pack_prefix(4 + len(header) + body_length,
                            (self.serialize_type_current_rpc << 24) | len(header)) + header

    def encode(self) -> bytes:
        """The whole frame as one ``bytes``."""
        body = self.body
        if body:
            return b"".join((self.encode_header(len(body)), body))
        return self.encode_header(0)

    # ---------------------------------------------------------------- decode
    @classmethod
    def decode(cls, frame: bytes | bytearray | memoryview) -> "RemotingCommand":
        """Java ``RemotingCommand.decode``: a command from one frame *without* its 4-byte length."""
        with memoryview(frame) as view:
            return cls.decode_view(view, 0, len(view))

    @classmethod
    def decode_view(cls, view: memoryview, start: int, length: int) -> "RemotingCommand":
        """Decode ``view[start:start+length]`` (a frame without its length field); the body is the
        only copy made.  Raises ``RemotingCommandException`` naming what is wrong."""
        if length < 4:
            raise RemotingCommandException(
                f"frame of {length} bytes has no room for the header-length word")
        (ori,) = _I32.unpack_from(view, start)
        header_len = ori & 0xFFFFFF
        if header_len > length - 4:
            raise RemotingCommandException(
                f"decode error, bad header length: {header_len} (frame has {length - 4} bytes "
                f"after the header-length word)")
        stype = (ori >> 24) & 0xFF
        cmd = cls.__new__(cls)
        cmd.custom_header = None
        h = start + 4
        if stype == 0:
            json_header_decode(view[h:h + header_len], cmd)
        elif stype == 1:
            rocketmq_protocol_decode(view, h, header_len, cmd)
        else:
            raise RemotingCommandException(f"unknown serialize type {stype} in the header-length word")
        body_len = length - 4 - header_len
        cmd.body = bytes(view[h + header_len:h + header_len + body_len]) if body_len > 0 else None
        return cmd

    # ---------------------------------------------------------------- misc
    def __repr__(self) -> str:
        return (f"RemotingCommand [code={self.code}, language="
                f"{self.language.name if self.language is not None else None}, version={self.version}, "
                f"opaque={self.opaque}, flag(B)={self.flag:b}, remark={self.remark}, "
                f"extFields={self.ext_fields}, serializeTypeCurrentRPC="
                f"{SerializeType(self.serialize_type_current_rpc).name}]")

    def to_dict(self) -> dict[str, Any]:
        """The header as a plain dict (for tools and logs)."""
        return {"code": self.code, "language": self.language.name if self.language is not None else None,
                "version": self.version, "opaque": self.opaque, "flag": self.flag,
                "remark": self.remark, "extFields": self.ext_fields,
                "serializeTypeCurrentRPC": SerializeType(self.serialize_type_current_rpc).name,
                "bodyLength": len(self.body) if self.body else 0}
