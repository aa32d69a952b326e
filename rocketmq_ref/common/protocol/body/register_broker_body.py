"""RegisterBrokerBody: what a broker sends with REGISTER_BROKER (Java
``org.apache.rocketmq.common.protocol.body.RegisterBrokerBody``; books B2.3.2, A4.2.1).

Two encodings: the plain fastjson object ``{"filterServerList":[...],"topicConfigSerializeWrapper":
{...}}``, and, when the request header says ``compressed=true``, a zlib stream (Java ``Deflater``
at BEST_COMPRESSION) of length-prefixed parts::

    int32 len | DataVersion JSON
    int32 topic count
    { int32 len | "<name> <read> <write> <perm> <SINGLE_TAG|MULTI_TAG>" }*   (TopicConfig.encode)
    int32 len | filter server list JSON

The compressed form loses ``topicSysFlag`` and ``order`` (as in Java). Decoding checks every length
against what is left and bounds the inflated size, so a corrupt or hostile body is a clear
``RegisterBrokerBodyError``, never a crash or a memory blow-up.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.fastjson import FastJsonError, JsonBody, dumps, loads
from rocketmq_ref.common.protocol.body.topic_config_serialize_wrapper import \
    TopicConfigSerializeWrapper
from rocketmq_ref.common.topic_config import TopicConfig

_INT = struct.Struct(">i")
#: the most a compressed body may inflate to (a broker with 100,000 topics needs about 6 MiB)
MAX_INFLATED_SIZE = 64 * 1024 * 1024


class RegisterBrokerBodyError(ValueError):
    """A REGISTER_BROKER body that cannot be decoded."""


@dataclass
class RegisterBrokerBody(JsonBody):
    topic_config_serialize_wrapper: TopicConfigSerializeWrapper = field(
        default_factory=TopicConfigSerializeWrapper)
    filter_server_list: list[str] = field(default_factory=list)

    def encode(self, compress: bool = False, pretty: bool = False) -> bytes:  # type: ignore[override]
        """The plain fastjson form, or with ``compress`` the zlib form described above."""
        if not compress:
            return super().encode(True, pretty)
        wrapper = self.topic_config_serialize_wrapper
        parts: list[bytes] = []

        def put(data: bytes) -> None:
            parts.append(_INT.pack(len(data)))
            parts.append(data)

        put(dumps(wrapper.data_version).encode("utf-8"))
        table = dict(wrapper.topic_config_table)
        parts.append(_INT.pack(len(table)))
        for topic_config in table.values():
            put(topic_config.encode().encode("utf-8"))
        put(dumps(list(self.filter_server_list)).encode("utf-8"))
        return zlib.compress(b"".join(parts), 9)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview,  # type: ignore[override]
               compressed: bool = False) -> RegisterBrokerBody:
        if not compressed:
            try:
                return cls.from_json(data)
            except FastJsonError as e:
                raise RegisterBrokerBodyError(f"Failed to decode RegisterBrokerBody: {e}") from None
        return _decode_compressed(bytes(data))


class _Inflater:
    """Reads exact byte counts from a zlib stream, inflating only what is asked for."""

    def __init__(self, data: bytes) -> None:
        self._z = zlib.decompressobj()
        self._input = data
        self._buf = bytearray()
        self._total = 0

    def read(self, n: int, what: str) -> bytes:
        if n < 0:
            raise RegisterBrokerBodyError(f"compressed RegisterBrokerBody: negative length {n} "
                                          f"for {what}")
        if self._total + n > MAX_INFLATED_SIZE:
            raise RegisterBrokerBodyError(f"compressed RegisterBrokerBody: {what} would inflate "
                                          f"past {MAX_INFLATED_SIZE} bytes")
        while len(self._buf) < n:
            try:
                if self._input:
                    chunk = self._z.decompress(self._input, max(n - len(self._buf), 65536))
                    self._input = self._z.unconsumed_tail
                else:
                    chunk = self._z.flush() if not self._z.eof else b""
            except zlib.error as e:
                raise RegisterBrokerBodyError(
                    f"compressed RegisterBrokerBody is not a zlib stream: {e}") from None
            if not chunk:
                raise RegisterBrokerBodyError(
                    f"compressed RegisterBrokerBody ends early: {what} needs {n} bytes, "
                    f"{len(self._buf)} left")
            self._buf += chunk
        out = bytes(self._buf[:n])
        del self._buf[:n]
        self._total += n
        return out

    def read_int(self, what: str) -> int:
        return _INT.unpack(self.read(4, what))[0]


def _decode_compressed(data: bytes) -> RegisterBrokerBody:
    r = _Inflater(data)
    try:
        version_json = r.read(r.read_int("DataVersion length"), "DataVersion").decode("utf-8")
        data_version = DataVersion.from_json_value(loads(version_json))
        body = RegisterBrokerBody()
        wrapper = body.topic_config_serialize_wrapper
        wrapper.data_version = data_version
        count = r.read_int("topic count")
        if count < 0:
            raise RegisterBrokerBodyError(f"compressed RegisterBrokerBody: topic count {count}")
        for i in range(count):
            text = r.read(r.read_int(f"topic config #{i} length"),
                          f"topic config #{i}").decode("utf-8")
            topic_config = TopicConfig()
            if not topic_config.decode(text):
                raise RegisterBrokerBodyError(
                    f"compressed RegisterBrokerBody: topic config #{i} {text!r} is not "
                    f"'<name> <read> <write> <perm> <filterType>'")
            wrapper.topic_config_table[topic_config.topic_name] = topic_config
        filters = loads(r.read(r.read_int("filter server list length"), "filter server list"))
    except (UnicodeDecodeError, FastJsonError, ValueError) as e:
        if isinstance(e, RegisterBrokerBodyError):
            raise
        raise RegisterBrokerBodyError(f"compressed RegisterBrokerBody: {e}") from None
    if not isinstance(filters, list):
        raise RegisterBrokerBodyError("compressed RegisterBrokerBody: filter server list is not "
                                      "a JSON array")
    body.filter_server_list = [str(x) for x in filters]
    return body
