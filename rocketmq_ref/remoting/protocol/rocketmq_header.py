"""The binary ROCKETMQ header encoding, serialize type 1 (Java ``RocketMQSerializable``; book A4.3.2).

Layout (big-endian): code int16, language int8, version int16, opaque int32, flag int32,
remark (int32 length + UTF-8, 0 = null), ext section (int32 total length, then entries of
int16 key length + key + int32 value length + value).  Every length is checked against the header
length before anything is sliced.
"""
from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.protocol.language_code import LanguageCode, SerializeType

if TYPE_CHECKING:
    from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

_FIXED = struct.Struct(">hbhiii")  # code, language, version, opaque, flag, remark length
FIXED_PART = _FIXED.size + 4  # 21: the fixed fields, the remark length and the ext length
_I32 = struct.Struct(">i")
_pack_fixed = _FIXED.pack
_unpack_fixed = _FIXED.unpack_from
_unpack_i32 = _I32.unpack_from
_pack_i32 = _I32.pack
_pack_entry_lengths_k = struct.Struct(">H").pack
_LANG = {lc.value: lc for lc in LanguageCode}


def rocketmq_protocol_encode(cmd: "RemotingCommand") -> bytes:
    """Java ``RocketMQSerializable.rocketMQProtocolEncode``: the binary header bytes."""
    remark = cmd.remark.encode("utf-8") if cmd.remark else b""
    lang = cmd.language
    parts = [_pack_fixed(cmd.code if -32768 <= cmd.code <= 32767 else _wrap16(cmd.code),
                         LanguageCode.OTHER if lang is None else lang,
                         cmd.version if -32768 <= cmd.version <= 32767 else _wrap16(cmd.version),
                         cmd.opaque, cmd.flag, len(remark)), remark]
    ext = cmd.ext_fields
    if ext:
        entries = []
        append = entries.append
        for k, v in ext.items():
            if k is None or v is None:
                continue
            kb = k.encode("utf-8")
            vb = (v if isinstance(v, str) else str(v)).encode("utf-8")
            append(_pack_entry_lengths_k(len(kb)) + kb + _pack_i32(len(vb)) + vb)
        body = b"".join(entries)
        parts.append(_pack_i32(len(body)))
        parts.append(body)
    else:
        parts.append(b"\x00\x00\x00\x00")
    return b"".join(parts)


def _wrap16(value: int) -> int:
    """Java ``writeShort`` keeps the low 16 bits (5.x codes above 32767 wrap the same way)."""
    value &= 0xFFFF
    return value - 0x10000 if value >= 0x8000 else value


def rocketmq_protocol_decode(buf: memoryview | bytes, start: int, header_len: int,
                             cmd: "RemotingCommand") -> None:
    """Java ``RocketMQSerializable.rocketMQProtocolDecode``: fill ``cmd`` from
    ``buf[start:start+header_len]``; every length is bounded by the header."""
    if header_len < FIXED_PART:
        raise RemotingCommandException(
            f"ROCKETMQ header too short: {header_len} bytes, the fixed part needs {FIXED_PART}")
    end = start + header_len
    code, lang, version, opaque, flag, remark_len = _unpack_fixed(buf, start)
    cmd.code = code
    cmd.language = _LANG.get(lang)
    cmd.version = version
    cmd.opaque = opaque
    cmd.flag = flag
    pos = start + _FIXED.size
    if remark_len < 0 or pos + remark_len + 4 > end:
        raise RemotingCommandException(
            f"ROCKETMQ header: remark length {remark_len} exceeds the header length {header_len}")
    if remark_len:
        cmd.remark = _utf8(buf, pos, remark_len, "remark")
        pos += remark_len
    else:
        cmd.remark = None
    (ext_len,) = _unpack_i32(buf, pos)
    pos += 4
    if ext_len < 0 or pos + ext_len > end:
        raise RemotingCommandException(
            f"ROCKETMQ header: extFields length {ext_len} exceeds the header length {header_len}")
    if pos + ext_len != end:
        raise RemotingCommandException(
            f"ROCKETMQ header: {end - pos - ext_len} bytes left over after the extFields")
    if ext_len == 0:
        cmd.ext_fields = None
    else:
        cmd.ext_fields = map_deserialize(buf, pos, ext_len)
    cmd.serialize_type_current_rpc = SerializeType.ROCKETMQ


def map_deserialize(buf: memoryview | bytes, pos: int, length: int) -> dict[str, str]:
    """Java ``RocketMQSerializable.mapDeserialize``; a zero-length key or value (Java null) is
    dropped, so it reads as a missing key."""
    raw = bytes(buf[pos:pos + length])  # one copy; indexing bytes is the fast way through it
    end = len(raw)
    out: dict[str, str] = {}
    i = 0
    try:
        while i < end:
            if i + 2 > end:
                raise RemotingCommandException("ROCKETMQ header: truncated extFields key length")
            klen = (raw[i] << 8) | raw[i + 1]
            i += 2
            if klen >= 0x8000 or i + klen + 4 > end:
                raise RemotingCommandException(
                    f"ROCKETMQ header: extFields key length {klen - (klen >= 0x8000) * 0x10000} "
                    "exceeds the extFields section")
            key = raw[i:i + klen].decode("utf-8") if klen else None
            i += klen
            vlen = int.from_bytes(raw[i:i + 4], "big", signed=True)
            i += 4
            if vlen < 0 or i + vlen > end:
                raise RemotingCommandException(
                    f"ROCKETMQ header: extFields value length {vlen} exceeds the extFields section")
            if key is not None and vlen:
                out[key] = raw[i:i + vlen].decode("utf-8")
            i += vlen
    except UnicodeDecodeError as e:
        raise RemotingCommandException(f"ROCKETMQ header: extFields text is not UTF-8: {e}") from None
    return out


def _utf8(buf: memoryview | bytes, pos: int, n: int, what: str) -> str:
    try:
        return str(buf[pos:pos + n], "utf-8")
    except UnicodeDecodeError as e:
        raise RemotingCommandException(f"ROCKETMQ header: {what} is not UTF-8: {e}") from None
