"""JSON the way RocketMQ's Java side writes it (fastjson, as used by Java
``org.apache.rocketmq.remoting.protocol.RemotingSerializable``; spec protocol.md §7,
message-and-store §14.4; books B2.3.2, A4.3.2), and :class:`JsonBody`, the base of every JSON body.

fastjson output is not always JSON: maps with integer keys are written with bare keys
(``{0:"10.0.0.1:10911"}``) and maps keyed by objects with the object as the key
(``{{"brokerName":"b","queueId":0,"topic":"T"}:5}``).  :func:`loads` reads standard JSON at C
speed and falls back to a lenient parser for those forms (and single quotes, trailing commas);
integer keys come back as ``int`` and object keys as a hashable :class:`FrozenDict`.
:func:`dumps` writes either strict JSON (integer keys quoted) or the fastjson form; object keys
are always written as objects, the only form Java reads back.

A body is declared in a few lines::

    @dataclass
    class ProducerData(JsonBody):
        group_name: str = ""

    ProducerData.from_json(b'{"groupName":"g"}').to_json()   # '{"groupName":"g"}'

Fields map to the camelCase of their name (``json_field(key="clientID")`` where Java differs);
keys come out sorted like fastjson's bean fields, ``None`` fields are omitted, unknown keys are
ignored and missing keys keep their defaults.
"""
from __future__ import annotations

import dataclasses
import enum
import json
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar, Union

from rocketmq_ref.common.java_config import snake_to_camel

__all__ = ["FastJsonError", "FrozenDict", "loads", "dumps", "JsonBody", "json_field"]

T = TypeVar("T", bound="JsonBody")


class FastJsonError(ValueError):
    """Text that even the lenient reader cannot parse, or a value that does not fit its field."""


class FrozenDict(dict):
    """A JSON object used as a map key (fastjson's object keys); hashable, compares as a dict."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset((k, _freeze_for_hash(v)) for k, v in self.items()))

    def _readonly(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("FrozenDict is read-only")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _readonly  # type: ignore


def _freeze_for_hash(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_freeze_for_hash(x) for x in v)
    if isinstance(v, dict) and not isinstance(v, FrozenDict):
        return FrozenDict(v)
    return v


# ----------------------------------------------------------------------------------------------
# reading

def loads(data: str | bytes | bytearray | memoryview) -> Any:
    """Parse JSON or fastjson text (bytes are UTF-8).  Raises :class:`FastJsonError`."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as e:
            raise FastJsonError(f"JSON body is not UTF-8: {e}") from None
    else:
        text = data
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    except RecursionError:
        raise FastJsonError("JSON nested too deeply") from None
    try:
        return _LenientParser(text).parse()
    except RecursionError:
        raise FastJsonError("JSON nested too deeply") from None


_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?[LlFfDd]?")
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n",
            "r": "\r", "t": "\t"}
_MAX_DEPTH = 200  # RocketMQ bodies nest a few levels; keeps the parser off the recursion limit


class _LenientParser:
    __slots__ = ("s", "i", "depth")

    def __init__(self, s: str) -> None:
        self.s = s
        self.i = 0
        self.depth = 0

    def error(self, what: str) -> FastJsonError:
        line = self.s.count("\n", 0, self.i) + 1
        near = self.s[max(0, self.i - 20):self.i + 20]
        return FastJsonError(f"bad JSON at char {self.i} (line {line}): {what}; near {near!r}")

    def ws(self) -> None:
        self.i = _WS.match(self.s, self.i).end()  # type: ignore[union-attr]

    def parse(self) -> Any:
        self.ws()
        value = self.value()
        self.ws()
        if self.i != len(self.s):
            raise self.error("trailing characters")
        return value

    def value(self, as_key: bool = False) -> Any:
        s, i = self.s, self.i
        if i >= len(s):
            raise self.error("unexpected end")
        c = s[i]
        if c == "{":
            return self.obj(as_key)
        if c == "[":
            return self.arr(as_key)
        if c == '"' or c == "'":
            return self.string(c)
        m = _NUMBER.match(s, i)
        if m and m.end() > i:
            self.i = m.end()
            text = m.group(0).rstrip("LlFfDd")
            if m.group(1) or m.group(2) or m.group(0)[-1:] in "FfDd":
                return float(text)
            return int(text)
        m = _IDENT.match(s, i)
        if m:
            self.i = m.end()
            word = m.group(0)
            if word == "true":
                return True
            if word == "false":
                return False
            if word == "null":
                return None
            if as_key:  # fastjson reads unquoted field names
                return word
            raise self.error(f"unexpected word {word!r}")
        raise self.error(f"unexpected character {c!r}")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise self.error("nested too deeply")

    def obj(self, as_key: bool) -> dict[Any, Any]:
        self.enter()
        self.i += 1
        out: dict[Any, Any] = {}
        self.ws()
        while True:
            if self.i < len(self.s) and self.s[self.i] == "}":
                self.i += 1
                break
            key = self.value(as_key=True)
            if isinstance(key, dict):
                key = FrozenDict(key)
            elif isinstance(key, list):
                key = tuple(_freeze_for_hash(x) for x in key)
            self.ws()
            if self.i >= len(self.s) or self.s[self.i] != ":":
                raise self.error("expected ':'")
            self.i += 1
            self.ws()
            out[key] = self.value()
            self.ws()
            if self.i < len(self.s) and self.s[self.i] == ",":
                self.i += 1
                self.ws()
                continue
            if self.i < len(self.s) and self.s[self.i] == "}":
                self.i += 1
                break
            raise self.error("expected ',' or '}'")
        self.depth -= 1
        return FrozenDict(out) if as_key else out

    def arr(self, as_key: bool) -> list[Any]:
        self.enter()
        self.i += 1
        out: list[Any] = []
        self.ws()
        while True:
            if self.i < len(self.s) and self.s[self.i] == "]":
                self.i += 1
                break
            out.append(self.value())
            self.ws()
            if self.i < len(self.s) and self.s[self.i] == ",":
                self.i += 1
                self.ws()
                continue
            if self.i < len(self.s) and self.s[self.i] == "]":
                self.i += 1
                break
            raise self.error("expected ',' or ']'")
        self.depth -= 1
        return out

    def string(self, quote: str) -> str:
        s = self.s
        i = self.i + 1
        parts: list[str] = []
        start = i
        n = len(s)
        while True:
            if i >= n:
                raise self.error("unterminated string")
            c = s[i]
            if c == quote:
                parts.append(s[start:i])
                self.i = i + 1
                return "".join(parts)
            if c == "\\":
                parts.append(s[start:i])
                if i + 1 >= n:
                    raise self.error("unterminated escape")
                e = s[i + 1]
                if e == "u":
                    hex4 = s[i + 2:i + 6]
                    try:
                        code = int(hex4, 16)
                    except ValueError:
                        self.i = i
                        raise self.error(f"bad \\u escape {hex4!r}") from None
                    i += 6
                    if 0xD800 <= code < 0xDC00 and s[i:i + 2] == "\\u":
                        try:
                            low = int(s[i + 2:i + 6], 16)
                        except ValueError:
                            low = 0
                        if 0xDC00 <= low < 0xE000:
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                    parts.append(chr(code))
                elif e == "x":
                    try:
                        parts.append(chr(int(s[i + 2:i + 4], 16)))
                    except ValueError:
                        self.i = i
                        raise self.error("bad \\x escape") from None
                    i += 4
                else:
                    parts.append(_ESCAPES.get(e, e))
                    i += 2
                start = i
                continue
            i += 1


# ----------------------------------------------------------------------------------------------
# writing

_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f-\x9f\u2028\u2029]')
_NEEDS_ESCAPE_ASCII = re.compile(r'[\x00-\x1f"\\/\x7f-\uffff]')
_SHORT_ESCAPES = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                  '"': '\\"', "\\": "\\\\", "/": "\\/"}
_SAFE_LONG = (1 << 53) - 1


def _esc(m: re.Match[str]) -> str:
    c = m.group(0)
    return _SHORT_ESCAPES.get(c) or "\\u%04X" % ord(c)


def _quote(s: str, ascii_only: bool) -> str:
    """A string as fastjson writes it: control chars, quote and backslash escaped, U+007F..9F and
    U+2028/9 as ``\\uXXXX``; ``ascii_only`` (BrowserCompatible) also escapes '/' and non-ASCII."""
    if ascii_only:
        if not s.isascii() and any(ord(c) > 0xFFFF for c in s):
            s = "".join(_utf16(c) for c in s)  # Java escapes UTF-16 units
        return '"' + _NEEDS_ESCAPE_ASCII.sub(_esc, s) + '"'
    return '"' + _NEEDS_ESCAPE.sub(_esc, s) + '"'


def _utf16(c: str) -> str:
    o = ord(c)
    if o <= 0xFFFF:
        return c
    o -= 0x10000
    return chr(0xD800 + (o >> 10)) + chr(0xDC00 + (o & 0x3FF))


def dumps(value: Any, *, fastjson: bool = True, pretty: bool = False,
          browser_compatible: bool = False, sort_map_keys: bool = False) -> str:
    """Write ``value`` (dicts, lists, sets, tuples, scalars, enums, :class:`JsonBody` and any object
    with ``to_json_value()``).

    ``fastjson`` writes integer map keys bare (what Java's plain ``toJSONString`` does); otherwise
    they are quoted.  ``pretty`` is fastjson's ``PrettyFormat`` (tab indents, no space after ':').
    ``browser_compatible`` is the standard-JSON mode of GET_ROUTEINFO_BY_TOPIC (quoted keys, ASCII
    only, longs beyond 2^53 as strings, map keys sorted).
    """
    if browser_compatible:
        fastjson = False
        sort_map_keys = True
    out: list[str] = []
    _write(out, value, fastjson, browser_compatible, sort_map_keys, "\n" if pretty else "")
    return "".join(out)


def _key_text(k: Any, fastjson: bool, ascii_only: bool, sort: bool) -> str:
    if isinstance(k, str):
        return _quote(k, ascii_only)
    if isinstance(k, bool):
        return "true" if k else "false"
    if isinstance(k, int):
        return str(k) if fastjson else f'"{k}"'
    if isinstance(k, enum.Enum):
        return _quote(k.name, ascii_only)
    if isinstance(k, float):
        return repr(k) if fastjson else f'"{k!r}"'
    # an object key: fastjson writes the object itself
    parts: list[str] = []
    _write(parts, k, fastjson, ascii_only, sort, "")
    return "".join(parts)


def _sort_key(k: Any, fastjson: bool, ascii_only: bool) -> tuple[int, Any]:
    """MapSortField order: numbers numerically, strings by their raw text, objects by their JSON."""
    if isinstance(k, (int, float)) and not isinstance(k, bool):
        return (0, k)
    if isinstance(k, str):
        return (1, k)
    return (2, _key_text(k, fastjson, ascii_only, True))


def _write(out: list[str], v: Any, fastjson: bool, ascii_only: bool, sort: bool, nl: str) -> None:
    if v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, str):
        out.append(_quote(v, ascii_only))
    elif isinstance(v, enum.Enum):
        out.append(_quote(v.name, ascii_only))
    elif isinstance(v, int):
        out.append(f'"{v}"' if ascii_only and not -_SAFE_LONG <= v <= _SAFE_LONG else str(v))
    elif isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            out.append("null")  # fastjson writes NaN/Infinity as null
        else:
            out.append(repr(v))
    elif isinstance(v, Mapping):
        items = list(v.items())
        if sort:
            items.sort(key=lambda kv: _sort_key(kv[0], fastjson, ascii_only))
        _write_object(out, items, fastjson, ascii_only, sort, nl, keys_are_fields=False)
    elif isinstance(v, (list, tuple, set, frozenset)):
        seq = list(v)
        if isinstance(v, (set, frozenset)):
            try:
                seq.sort()
            except TypeError:
                pass
        if not seq:
            out.append("[]")
            return
        inner = nl + "\t" if nl else ""
        out.append("[")
        for idx, item in enumerate(seq):
            if idx:
                out.append(",")
            out.append(inner)
            _write(out, item, fastjson, ascii_only, sort, inner)
        out.append(nl + "]" if nl else "]")
    elif isinstance(v, (bytes, bytearray)):
        import base64  # fastjson writes byte[] as base64
        out.append('"' + base64.b64encode(bytes(v)).decode("ascii") + '"')
    elif hasattr(v, "to_json_value"):
        _write(out, v.to_json_value(), fastjson, ascii_only, sort, nl)
    else:
        raise FastJsonError(f"cannot write {type(v).__name__} as JSON")


def _write_object(out: list[str], items: list[tuple[Any, Any]], fastjson: bool, ascii_only: bool,
                  sort: bool, nl: str, keys_are_fields: bool) -> None:
    if not items:
        out.append("{}")
        return
    inner = nl + "\t" if nl else ""
    out.append("{")
    for idx, (k, item) in enumerate(items):
        if idx:
            out.append(",")
        out.append(inner)
        out.append(_key_text(k, fastjson, ascii_only, sort))
        out.append(":")
        _write(out, item, fastjson, ascii_only, sort, inner)
    out.append(nl + "}" if nl else "}")


# ----------------------------------------------------------------------------------------------
# bodies

def json_field(default: Any = dataclasses.MISSING, *, key: str | None = None,
               aliases: tuple[str, ...] = (), default_factory: Any = dataclasses.MISSING,
               skip: bool = False) -> Any:
    """A :class:`JsonBody` field with its Java JSON key, extra keys accepted on reading (e.g.
    ``topicSynFlag``) or ``skip`` for a Java ``transient`` field."""
    metadata = {"json_key": key, "json_aliases": aliases, "json_skip": skip}
    if default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


Converter = Callable[[Any], Any]


def _identity(v: Any) -> Any:
    return v


def _to_int(v: Any) -> int:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        return int(v.strip())
    raise FastJsonError(f"expected an integer, got {v!r}")


def _to_float(v: Any) -> float:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    if isinstance(v, str):
        return float(v)
    raise FastJsonError(f"expected a number, got {v!r}")


def _to_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v != 0
    if isinstance(v, str) and v.lower() in ("true", "false"):
        return v.lower() == "true"
    raise FastJsonError(f"expected true or false, got {v!r}")


def _to_str(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    raise FastJsonError(f"expected a string, got {v!r}")


def _converter_for(tp: Any) -> Converter:
    """A function turning a parsed JSON value into ``tp``."""
    if tp is Any or tp is object:
        return _identity
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = _converter_for(args[0]) if len(args) == 1 else _identity
        return lambda v: None if v is None else inner(v)
    if origin in (list, tuple, set, frozenset) or tp in (list, set, tuple, frozenset):
        args = typing.get_args(tp)
        item = _converter_for(args[0]) if args else _identity
        make = {list: list, tuple: tuple, set: set, frozenset: frozenset}[origin or tp]

        def seq(v: Any) -> Any:
            if v is None:
                return make()
            if not isinstance(v, (list, tuple)):
                raise FastJsonError(f"expected an array, got {v!r}")
            return make(item(x) for x in v)
        return seq
    if origin is dict or tp is dict or origin is Mapping:
        args = typing.get_args(tp)
        kc = _converter_for(args[0]) if args else _identity
        vc = _converter_for(args[1]) if args else _identity

        def mapping(v: Any) -> Any:
            if v is None:
                return {}
            if not isinstance(v, dict):
                raise FastJsonError(f"expected an object, got {v!r}")
            return {kc(k): vc(x) for k, x in v.items()}
        return mapping
    if tp is bool:
        return _to_bool
    if tp is int:
        return _to_int
    if tp is float:
        return _to_float
    if tp is str:
        return _to_str
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        def enum_value(v: Any) -> Any:
            if isinstance(v, tp):
                return v
            try:
                return tp[v]
            except KeyError:
                try:
                    return tp(v)
                except ValueError:
                    raise FastJsonError(f"{v!r} is not a {tp.__name__}") from None
        return enum_value
    if isinstance(tp, type) and hasattr(tp, "from_json_value"):
        return tp.from_json_value
    return _identity


@dataclasses.dataclass
class _FieldSpec:
    name: str
    key: str
    keys: tuple[str, ...]
    convert: Converter


class JsonBody:
    """Base of JSON bodies (Java ``RemotingSerializable``): subclass it with ``@dataclass``."""

    _json_specs: ClassVar[dict[type, list[_FieldSpec]]] = {}

    @classmethod
    def _specs(cls) -> list[_FieldSpec]:
        specs = JsonBody._json_specs.get(cls)
        if specs is None:
            hints = typing.get_type_hints(cls)
            specs = []
            for f in dataclasses.fields(cls):  # type: ignore[arg-type]
                if f.name.startswith("_") or f.metadata.get("json_skip"):
                    continue
                key = f.metadata.get("json_key") or snake_to_camel(f.name)
                keys = (key,) + tuple(f.metadata.get("json_aliases") or ())
                specs.append(_FieldSpec(f.name, key, keys, _converter_for(hints[f.name])))
            specs.sort(key=lambda s: s.key)  # fastjson writes bean fields sorted by name
            JsonBody._json_specs[cls] = specs
        return specs

    def to_json_value(self) -> dict[str, Any]:
        """The JSON object as a dict (camelCase keys, sorted, ``None`` omitted)."""
        out: dict[str, Any] = {}
        for spec in self._specs():
            v = getattr(self, spec.name)
            if v is not None:
                out[spec.key] = v
        return out

    @classmethod
    def from_json_value(cls: type[T], value: Any) -> T:
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            raise FastJsonError(f"{cls.__name__} must be a JSON object, got {value!r}")
        kwargs: dict[str, Any] = {}
        for spec in cls._specs():
            for key in spec.keys:
                if key in value:
                    raw = value[key]
                    if raw is None:
                        break  # null: keep the default, as fastjson leaves the field unset
                    try:
                        kwargs[spec.name] = spec.convert(raw)
                    except (FastJsonError, ValueError, TypeError) as e:
                        raise FastJsonError(f"{cls.__name__}.{key}: {e}") from None
                    break
        return cls(**kwargs)

    def to_json(self, fastjson: bool = False, pretty: bool = False) -> str:
        """``fastjson=False``: standard JSON (integer map keys quoted); ``True``: the form Java's
        plain ``toJSONString`` writes.  Object map keys are objects either way."""
        return dumps(self, fastjson=fastjson, pretty=pretty)

    def encode(self, fastjson: bool = True, pretty: bool = False) -> bytes:
        """The body bytes (Java ``RemotingSerializable.encode``): the fastjson form by default."""
        return dumps(self, fastjson=fastjson, pretty=pretty).encode("utf-8")

    @classmethod
    def from_json(cls: type[T], data: str | bytes | bytearray | memoryview) -> T:
        return cls.from_json_value(loads(data))

    decode = from_json
