"""The JSON header encoding, serialize type 0 (Java ``RemotingSerializable.encode``/``decode`` applied to
``RemotingCommand``; book A4.3.2, A13.4.2).

Keys come out as fastjson writes them: sorted, nulls omitted, enums by name, ``extFields`` values all
strings.  Decoding is lenient the way fastjson is with real clients: ext values sent as JSON numbers
or booleans (ali-ons, C++) become their string form, missing keys take Java defaults, an unknown
language decodes to None.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.protocol.language_code import LanguageCode, SerializeType

if TYPE_CHECKING:
    from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
_dump = _encoder.encode
_loads = json.loads
_LANG_BY_NAME = LanguageCode.__members__
_JSON = SerializeType.JSON
_INT32_MIN, _INT32_MAX = -(1 << 31), (1 << 31) - 1


_esc = json.encoder.encode_basestring  # the C escaper: quotes, backslashes, control characters
_LANG_JSON = {lc: f',"language":"{lc.name}"' for lc in LanguageCode}


def json_header_encode(cmd: "RemotingCommand") -> bytes:
    """The header of ``cmd`` as fastjson writes it: keys in alphabetical order, nulls left out,
    non-ASCII text as UTF-8 (built directly: about three times faster than ``json.dumps``)."""
    code, flag, opaque, version = cmd.code, cmd.flag, cmd.opaque, cmd.version
    if type(code) is not int:  # an IntEnum (RequestCode.X) formats through slow Python code
        code = int(code)
    ext = cmd.ext_fields
    if ext is None:
        ext_json = ""
    else:
        keys = _KEY_JSON
        try:
            ext_json = ',"extFields":{' + ",".join(
                [(keys.get(k) or _key_json(k))
                 + (_esc(v) if type(v) is str else _dump(java_string_of(v)))
                 for k, v in ext.items()]) + "}"
        except TypeError:  # a key that is not a string
            ext_json = ',"extFields":' + _dump({str(k): v for k, v in ext.items()})
    lang = cmd.language
    lang_json = "" if lang is None else _LANG_JSON[lang]
    remark = cmd.remark
    remark_json = "" if remark is None else ',"remark":' + _esc(remark)
    return (f'{{"code":{code}{ext_json},"flag":{int(flag)}{lang_json},"opaque":{int(opaque)}'
            f'{remark_json},"serializeTypeCurrentRPC":"JSON","version":{int(version)}}}'
            ).encode("utf-8")


#: ``"key":`` of the ext keys seen so far: a header has a dozen fixed keys, so escaping them
#: again for every command (about a microsecond each) is skipped
_KEY_JSON: dict[str, str] = {}


def _key_json(key: str) -> str:
    text = _esc(key) + ":"  # TypeError for a key that is not a string
    if len(_KEY_JSON) >= 4096:  # keys a peer made up: keep the table bounded
        _KEY_JSON.clear()
    _KEY_JSON[key] = text
    return text


def java_string_of(value: Any) -> str | None:
    """A JSON scalar as the Java ``String`` fastjson would have put in a ``HashMap<String,String>``."""
    if isinstance(value, str):
        return value
    if value is None:
        return None
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return _dump(value)  # an object or array: its JSON text


def _int_of(d: dict[str, Any], key: str) -> int:
    value = d.get(key, 0)
    if type(value) is int and _INT32_MIN <= value <= _INT32_MAX:
        return value
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise RemotingCommandException(f"JSON header: {key} must be an integer, got {value!r}")
    try:
        number = int(value)
    except ValueError:
        raise RemotingCommandException(f"JSON header: {key} must be an integer, got {value!r}") from None
    if not _INT32_MIN <= number <= _INT32_MAX:
        raise RemotingCommandException(f"JSON header: {key} {number} is out of the int32 range")
    return number


_scan_once = json.decoder.JSONDecoder().scan_once


def _parse(text: str) -> Any:
    try:
        value, end = _scan_once(text, 0)  # the C scanner, without json.loads' wrappers
        if end == len(text):
            return value
    except (StopIteration, ValueError):
        pass
    try:  # leading or trailing whitespace, or a real error: let json say which
        return _loads(text)
    except ValueError as e:
        raise RemotingCommandException(f"JSON header is not valid JSON: {e}") from None


def json_header_decode(data: bytes | memoryview, cmd: "RemotingCommand") -> None:
    """Fill ``cmd`` from JSON header bytes; raise ``RemotingCommandException`` on anything malformed."""
    try:
        text = str(data, "utf-8")
    except UnicodeDecodeError as e:
        raise RemotingCommandException(f"JSON header is not valid JSON (not UTF-8: {e})") from None
    d = _parse(text)
    if type(d) is not dict:
        raise RemotingCommandException(f"JSON header must be an object, got {type(d).__name__}")
    get = d.get
    # the usual case inline: a JSON integer in the int32 range; anything else goes to _int_of
    v = get("code")
    cmd.code = v if type(v) is int and -2147483648 <= v <= 2147483647 else _int_of(d, "code")
    v = get("flag")
    cmd.flag = v if type(v) is int and -2147483648 <= v <= 2147483647 else _int_of(d, "flag")
    v = get("opaque")
    cmd.opaque = v if type(v) is int and -2147483648 <= v <= 2147483647 else _int_of(d, "opaque")
    v = get("version")
    cmd.version = v if type(v) is int and -2147483648 <= v <= 2147483647 else _int_of(d, "version")
    lang = get("language")
    if lang is None:
        cmd.language = None
    else:
        cmd.language = _LANG_BY_NAME.get(lang) if isinstance(lang, str) else LanguageCode.from_name(lang)
    remark = d.get("remark")
    cmd.remark = remark if remark is None or type(remark) is str else java_string_of(remark)
    ext = d.get("extFields")
    if ext is None:
        cmd.ext_fields = None
    elif type(ext) is dict:
        for v in ext.values():
            if type(v) is not str:
                ext = {k: s for k, s in ((k, java_string_of(v)) for k, v in ext.items()) if s is not None}
                break
        cmd.ext_fields = ext
    else:
        raise RemotingCommandException(f"JSON header: extFields must be an object, got {ext!r:.60}")
    cmd.serialize_type_current_rpc = _JSON
