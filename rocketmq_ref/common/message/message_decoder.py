"""The commit-log record codec, the property string codec, batch bodies and offset message ids
(Java ``org.apache.rocketmq.common.message.MessageDecoder``; spec message-and-store §1, §3, §4, §6;
books B4.5.1, B3.5, B5.4.3).

The same record bytes are what the store appends, what PULL_MESSAGE returns and what HA ships, so
this codec is on the client's pull path and the store's read path: it reads with
``struct.unpack_from`` at offsets into ``bytes``/``memoryview``/``mmap`` buffers, copying only the
body it hands out.  Errors raise :class:`MessageDecodeError` naming the offset and the reason.
"""
from __future__ import annotations

import logging
import socket
import struct
import zlib
from collections.abc import Iterable, Mapping
from typing import Union

from rocketmq_ref.common.compression import CompressionError, get_compressor
from rocketmq_ref.common.message.message import (
    Host, Message, MessageClientExt, MessageExt, socket_address2bytes)
from rocketmq_ref.common.message.message_id import MessageId
from rocketmq_ref.common.sysflag import MessageSysFlag
from rocketmq_ref.common.utilall import bytes2string, string2bytes

log = logging.getLogger("rocketmq_ref.common")

Buffer = Union[bytes, bytearray, memoryview]

MESSAGE_MAGIC_CODE = -626843481        # 0xDAA320A7, message v1
MESSAGE_MAGIC_CODE_V2 = -626843477     # 0xDAA320AB, 5.x: two-byte topic length
BLANK_MAGIC_CODE = -875286124          # 0xCBD43194, end-of-file filler
MESSAGE_MAGIC_CODE_POSTION = 4
MESSAGE_FLAG_POSTION = 16
QUEUE_OFFSET_POSITION = 20
PHY_POS_POSITION = 28
SYSFLAG_POSITION = 36
BORN_TIMESTAMP_POSITION = 40
NAME_VALUE_SEPARATOR = "\u0001"
PROPERTY_SEPARATOR = "\u0002"
MAX_PROPERTIES_LENGTH = 32767
MAX_TOPIC_LENGTH_V1 = 127

_INT = struct.Struct(">i")
_SIZE_MAGIC = struct.Struct(">ii")
_SHORT = struct.Struct(">h")
_BYTE = struct.Struct(">b")
_BORN_V6 = MessageSysFlag.BORNHOST_V6_FLAG
_STORE_V6 = MessageSysFlag.STOREHOSTADDRESS_V6_FLAG
_COMPRESSED = MessageSysFlag.COMPRESSED_FLAG


def _fixed_struct(born_ip: int, store_ip: int) -> struct.Struct:
    # TOTALSIZE MAGIC BODYCRC QUEUEID FLAG QUEUEOFFSET PHYSICALOFFSET SYSFLAG BORNTIMESTAMP
    # BORNHOST(ip, port) STORETIMESTAMP STOREHOST(ip, port) RECONSUMETIMES PREPAREDOFFSET BODYLENGTH
    return struct.Struct(f">iiiiiqqiq{born_ip}siq{store_ip}siiqi")


# indexed by (sysFlag >> 4) & 3: bit 0 = born host v6, bit 1 = store host v6
_FIXED = (_fixed_struct(4, 4), _fixed_struct(16, 4), _fixed_struct(4, 16), _fixed_struct(16, 16))
_BATCH_HEAD = struct.Struct(">iiiii")   # TOTALSIZE MAGIC BODYCRC FLAG BODYLEN
_MSG_ID_V4 = struct.Struct(">4siq")
_MSG_ID_V6 = struct.Struct(">16siq")

_ip_cache: dict[bytes, str] = {}


class MessageDecodeError(ValueError):
    """A record or batch body that is truncated or inconsistent."""


def _ip_str(raw: bytes) -> str:
    s = _ip_cache.get(raw)
    if s is None:
        if len(_ip_cache) > 4096:
            _ip_cache.clear()
        s = socket.inet_ntop(socket.AF_INET if len(raw) == 4 else socket.AF_INET6, raw)
        _ip_cache[raw] = s
    return s


def calc_msg_length(sys_flag: int, body_length: int, topic_length: int,
                    properties_length: int) -> int:
    """TOTALSIZE of a v1 record (``CommitLog.calMsgLength``): 91 + body + topic + properties, +12
    per IPv6 host."""
    born = 20 if sys_flag & _BORN_V6 else 8
    store = 20 if sys_flag & _STORE_V6 else 8
    return 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + born + 8 + store + 4 + 8 \
        + 4 + body_length + 1 + topic_length + 2 + properties_length


# -- properties (spec §3) ---------------------------------------------------------------------

def message_properties2string(properties: Mapping[str, str] | None) -> str:
    """``name\\u0001value`` pairs joined by ``\\u0002``; ``None`` values skipped; no trailing
    separator."""
    if not properties:
        return ""
    return PROPERTY_SEPARATOR.join(
        f"{k}{NAME_VALUE_SEPARATOR}{v}" for k, v in properties.items() if v is not None)


def string2message_properties(properties: str | None) -> dict[str, str]:
    """The 4.9.x parser: segments without a separator, with an empty name or an empty value are
    dropped, so a trailing ``\\u0002`` and empty segments are harmless."""
    out: dict[str, str] = {}
    if not properties:
        return out
    for seg in properties.split(PROPERTY_SEPARATOR):
        k, sep, v = seg.partition(NAME_VALUE_SEPARATOR)
        if k and v:
            out[k] = v
    return out


# -- offset message id (spec §4) --------------------------------------------------------------

def create_message_id(store_host: Host | bytes, commit_log_offset: int) -> str:
    """Upper-case hex of store ip + port + commit-log offset: 32 chars (IPv4) or 56 (IPv6).
    ``store_host`` is an ``(ip, port)`` tuple or the 8/20 raw bytes of ip + port."""
    raw = store_host if isinstance(store_host, (bytes, bytearray)) else socket_address2bytes(store_host)
    return bytes2string(bytes(raw) + commit_log_offset.to_bytes(8, "big", signed=True))


def decode_message_id(msg_id: str) -> MessageId:
    """``MessageDecoder.decodeMessageId``: 32 hex chars mean an IPv4 store host, 56 an IPv6 one."""
    if len(msg_id) not in (32, 56):
        raise MessageDecodeError(f"not an offset message id (32 or 56 hex chars): {msg_id!r}")
    try:
        raw = string2bytes(msg_id)
    except ValueError as e:
        raise MessageDecodeError(str(e)) from None
    ip, port, offset = (_MSG_ID_V4 if len(raw) == 16 else _MSG_ID_V6).unpack(raw)
    return MessageId((_ip_str(ip), port), offset)


# -- the commit-log record (spec §1) ----------------------------------------------------------

def _check_room(data: Buffer, offset: int, need: int, what: str) -> None:
    if need > len(data):
        raise MessageDecodeError(
            f"record at {offset}: truncated {what} (needs {need - offset} bytes, "
            f"{len(data) - offset} available)")


def decode(data: Buffer, offset: int = 0, read_body: bool = True, decompress_body: bool = True,
           is_client: bool = False, check_crc: bool = False) -> MessageExt:
    """One record starting at ``offset`` (Java ``MessageDecoder.decode``); the next record starts
    at ``offset + msg.store_size``.  ``is_client`` gives a :class:`MessageClientExt` whose
    ``msg_id`` is the UNIQ_KEY.  ``check_crc`` verifies BODYCRC as the store's recovery does."""
    if type(data) is bytearray:
        data = memoryview(data)
    end_of_data = len(data)
    _check_room(data, offset, offset + 40, "header")
    store_size, magic = _SIZE_MAGIC.unpack_from(data, offset)
    if magic != MESSAGE_MAGIC_CODE and magic != MESSAGE_MAGIC_CODE_V2:
        if magic == BLANK_MAGIC_CODE:
            raise MessageDecodeError(f"record at {offset}: blank (end-of-file) record")
        raise MessageDecodeError(f"record at {offset}: bad magic code {magic & 0xFFFFFFFF:#010x}")
    if store_size <= 0 or offset + store_size > end_of_data:
        raise MessageDecodeError(
            f"record at {offset}: TOTALSIZE {store_size} does not fit in "
            f"{end_of_data - offset} bytes")
    end = offset + store_size
    sys_flag = _INT.unpack_from(data, offset + SYSFLAG_POSITION)[0]
    fixed = _FIXED[(sys_flag >> 4) & 3]
    pos = offset + fixed.size
    if pos > end:
        raise MessageDecodeError(f"record at {offset}: TOTALSIZE {store_size} shorter than header")
    (_, _, body_crc, queue_id, flag, queue_offset, physic_offset, _, born_timestamp,
     born_ip, born_port, store_timestamp, store_ip, store_port, reconsume_times,
     prepared_offset, body_len) = fixed.unpack_from(data, offset)
    if body_len < 0 or pos + body_len > end:
        raise MessageDecodeError(f"record at {offset}: body length {body_len} out of bounds")
    body: bytes | None = None
    if read_body and body_len > 0:
        body = bytes(data[pos:pos + body_len])
        if check_crc:
            if zlib.crc32(body) & 0x7FFFFFFF != body_crc:
                raise MessageDecodeError(f"record at {offset}: body CRC mismatch")
        if decompress_body and sys_flag & _COMPRESSED:
            try:
                body = get_compressor(MessageSysFlag.get_compression_type(sys_flag)).decompress(body)
            except CompressionError as e:
                raise MessageDecodeError(f"record at {offset}: {e}") from None
    pos += body_len
    width = 1 if magic == MESSAGE_MAGIC_CODE else 2
    if pos + width > end:
        raise MessageDecodeError(f"record at {offset}: truncated topic length")
    topic_len = (_BYTE if width == 1 else _SHORT).unpack_from(data, pos)[0]
    pos += width
    if topic_len < 0 or pos + topic_len + 2 > end:
        raise MessageDecodeError(f"record at {offset}: topic length {topic_len} out of bounds")
    # Java's new String(bytes, UTF_8) replaces bad sequences instead of failing
    topic = str(data[pos:pos + topic_len], "utf-8", "replace")
    pos += topic_len
    props_len = _SHORT.unpack_from(data, pos)[0]
    pos += 2
    if props_len < 0 or pos + props_len != end:
        raise MessageDecodeError(
            f"record at {offset}: properties length {props_len} disagrees with TOTALSIZE "
            f"{store_size}")
    properties = string2message_properties(str(data[pos:end], "utf-8", "replace")) if props_len else {}
    cls = MessageClientExt if is_client else MessageExt
    return cls.from_record(topic, body, flag, properties, queue_id, store_size, queue_offset,
                           sys_flag, born_timestamp, (_ip_str(born_ip), born_port),
                           store_timestamp, (_ip_str(store_ip), store_port), physic_offset,
                           body_crc, reconsume_times, prepared_offset)


def client_decode(data: Buffer, offset: int = 0, read_body: bool = True) -> MessageExt:
    return decode(data, offset, read_body, True, True)


def decodes(data: Buffer, read_body: bool = True, is_client: bool = True,
            strict: bool = False) -> list[MessageExt]:
    """Every record of a PULL_MESSAGE body (Java ``decodes``: client messages).  Like Java it stops
    at the first bad record and returns those before it (logged); ``strict`` raises instead."""
    if type(data) is bytearray:
        data = memoryview(data)
    out: list[MessageExt] = []
    offset = 0
    n = len(data)
    while offset < n:
        try:
            msg = decode(data, offset, read_body, True, is_client)
        except MessageDecodeError as e:
            if strict:
                raise
            log.warning("decodes: stopping after %d messages: %s", len(out), e)
            break
        out.append(msg)
        offset += msg.store_size
    return out


def decode_properties(data: Buffer, offset: int = 0) -> dict[str, str] | None:
    """Only the properties of the record at ``offset`` (Java ``decodeProperties``); ``None`` when
    it has none."""
    try:
        sys_flag = _INT.unpack_from(data, offset + SYSFLAG_POSITION)[0]
        born = 20 if sys_flag & _BORN_V6 else 8
        store = 20 if sys_flag & _STORE_V6 else 8
        body_size_pos = offset + 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + born + 8 + store + 4 + 8
        topic_len_pos = body_size_pos + 4 + _INT.unpack_from(data, body_size_pos)[0]
        if _INT.unpack_from(data, offset + 4)[0] == MESSAGE_MAGIC_CODE_V2:
            topic_len = _SHORT.unpack_from(data, topic_len_pos)[0]
            props_pos = topic_len_pos + 2 + topic_len
        else:
            topic_len = _BYTE.unpack_from(data, topic_len_pos)[0]
            props_pos = topic_len_pos + 1 + topic_len
        if topic_len_pos < body_size_pos or topic_len < 0:
            raise MessageDecodeError(f"record at {offset}: body or topic length out of bounds")
        props_len = _SHORT.unpack_from(data, props_pos)[0]
    except struct.error as e:
        raise MessageDecodeError(f"record at {offset}: truncated ({e})") from None
    if props_len <= 0:
        return None
    start = props_pos + 2
    if start + props_len > len(data):
        raise MessageDecodeError(f"record at {offset}: properties run past the buffer")
    return string2message_properties(str(data[start:start + props_len], "utf-8", "replace"))


def encode(msg: MessageExt, need_compress: bool = False, compress_level: int = 5) -> bytes:
    """A v1 record for ``msg`` (Java ``MessageDecoder.encode``): every field as set on the message,
    BODYCRC included (callers compute it with ``UtilAll.crc32`` when they build the record)."""
    body = msg.body or b""
    sys_flag = msg.sys_flag
    if need_compress and sys_flag & _COMPRESSED:
        body = get_compressor(MessageSysFlag.get_compression_type(sys_flag)).compress(
            body, compress_level)
    topic = msg.topic.encode("utf-8")
    if len(topic) > MAX_TOPIC_LENGTH_V1:
        raise MessageDecodeError(f"topic longer than {MAX_TOPIC_LENGTH_V1} bytes: {msg.topic!r}")
    props = message_properties2string(msg.properties).encode("utf-8")
    if len(props) > MAX_PROPERTIES_LENGTH:
        raise MessageDecodeError(
            f"properties size {len(props)} exceeds {MAX_PROPERTIES_LENGTH} bytes")
    born_host, store_host = msg.born_host or ("0.0.0.0", 0), msg.store_host or ("0.0.0.0", 0)
    born_ip = socket_address2bytes(born_host)[:-4]
    store_ip = socket_address2bytes(store_host)[:-4]
    # the host widths follow the addresses; the flags must say so
    if len(born_ip) == 16:
        sys_flag |= _BORN_V6
    else:
        sys_flag &= ~_BORN_V6
    if len(store_ip) == 16:
        sys_flag |= _STORE_V6
    else:
        sys_flag &= ~_STORE_V6
    fixed = _FIXED[(sys_flag >> 4) & 3]
    store_size = fixed.size + len(body) + 1 + len(topic) + 2 + len(props)
    head = fixed.pack(store_size, MESSAGE_MAGIC_CODE, msg.body_crc, msg.queue_id, msg.flag,
                      msg.queue_offset, msg.commit_log_offset, sys_flag, msg.born_timestamp,
                      born_ip, born_host[1], msg.store_timestamp, store_ip, store_host[1],
                      msg.reconsume_times, msg.prepared_transaction_offset, len(body))
    return b"".join((head, body, bytes((len(topic),)), topic,
                     len(props).to_bytes(2, "big"), props))


# -- batch bodies (spec §6) -------------------------------------------------------------------

def encode_message(message: Message) -> bytes:
    """One inner message of a SEND_BATCH_MESSAGE body: TOTALSIZE, MAGIC 0, BODYCRC 0, FLAG,
    BODY, PROPERTIES."""
    body = message.body or b""
    props = message_properties2string(message.properties).encode("utf-8")
    if len(props) > MAX_PROPERTIES_LENGTH:
        raise MessageDecodeError(
            f"Properties size of message exceeded, properties size: {len(props)}, "
            f"maxSize: {MAX_PROPERTIES_LENGTH}.")
    total = 4 + 4 + 4 + 4 + 4 + len(body) + 2 + len(props)
    return b"".join((_BATCH_HEAD.pack(total, 0, 0, message.flag, len(body)), body,
                     len(props).to_bytes(2, "big"), props))


def encode_messages(messages: Iterable[Message]) -> bytes:
    return b"".join(encode_message(m) for m in messages)


def decode_message(data: Buffer, offset: int = 0) -> tuple[Message, int]:
    """One inner batch message at ``offset``: the message (its properties exactly as sent) and
    the offset of the next one."""
    if offset + _BATCH_HEAD.size > len(data):
        raise MessageDecodeError(f"batch message at {offset}: truncated header")
    total, _, _, flag, body_len = _BATCH_HEAD.unpack_from(data, offset)
    pos = offset + _BATCH_HEAD.size
    if body_len < 0 or pos + body_len + 2 > len(data):
        raise MessageDecodeError(f"batch message at {offset}: body length {body_len} out of bounds")
    body = bytes(data[pos:pos + body_len])
    pos += body_len
    props_len = _SHORT.unpack_from(data, pos)[0]
    pos += 2
    if props_len < 0 or pos + props_len > len(data):
        raise MessageDecodeError(
            f"batch message at {offset}: properties length {props_len} out of bounds")
    if total != pos + props_len - offset:
        raise MessageDecodeError(
            f"batch message at {offset}: TOTALSIZE {total} disagrees with its parts "
            f"({pos + props_len - offset})")
    props = string2message_properties(str(data[pos:pos + props_len], "utf-8", "replace"))
    msg = Message(properties=props)
    msg.flag = flag
    msg.body = body
    return msg, pos + props_len


def decode_messages(data: Buffer) -> list[Message]:
    if type(data) is bytearray:
        data = memoryview(data)
    out: list[Message] = []
    offset = 0
    while offset < len(data):
        msg, offset = decode_message(data, offset)
        out.append(msg)
    return out
