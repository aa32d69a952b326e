"""Declarative custom headers carried in ``extFields`` (Java ``CommandCustomHeader``, ``@CFNotNull``,
``@CFNullable`` and ``RemotingCommand.makeCustomHeaderToNet``/``decodeCommandCustomHeader``;
book A4.3.2).

One small dataclass per header; one generic routine each way.  A field's wire key is the camelCase of
its name unless given (``key="clientID"``, ``key="a"``); its Java type comes from the annotation:
``str``, ``int`` (Java int, range-checked), ``Long`` (Java long), ``bool``, ``float`` (Java double).

    @dataclass(slots=True)
    class GetMaxOffsetRequestHeader(RpcRequestHeader):
        topic: str | None = cf_not_null()
        queue_id: int | None = cf_not_null()

Encoding writes every non-None field with Java ``toString`` (``true``/``false`` for booleans);
decoding parses each present key (booleans as Java ``Boolean.parseBoolean``: only ``"true"``, any
case, is true), raises ``RemotingCommandException`` naming the field for a missing required key or
a value its type cannot take, and ignores keys it does not know.
"""
from __future__ import annotations

import dataclasses
import operator
import types
import typing
from collections.abc import Mapping, MutableMapping
from typing import Any, Callable, ClassVar, NewType, TypeVar

from rocketmq_ref.common.java_config import snake_to_camel
from rocketmq_ref.remoting.exception import RemotingCommandException

#: Java ``long``/``Long`` (``int`` means Java ``int``: 32 bits).
Long = NewType("Long", int)

T = TypeVar("T", bound="CommandCustomHeader")

_INT32 = (-(1 << 31), (1 << 31) - 1)
_INT64 = (-(1 << 63), (1 << 63) - 1)


def cf_not_null(default: Any = None, *, key: str | None = None) -> Any:
    """A required field (Java ``@CFNotNull``)."""
    return dataclasses.field(default=default, metadata={"key": key, "required": True})


def cf_nullable(default: Any = None, *, key: str | None = None) -> Any:
    """An optional field (Java ``@CFNullable`` or no annotation)."""
    return dataclasses.field(default=default, metadata={"key": key, "required": False})


class HeaderField(typing.NamedTuple):
    attr: str
    key: str
    kind: str  # "str", "int", "long", "bool", "double"
    required: bool


def _kind_of(hint: Any) -> str:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"header field type {hint!r} must be one type or None")
        hint = args[0]
    if hint is Long:
        return "long"
    if hint is bool:
        return "bool"
    if hint is int:
        return "int"
    if hint is float:
        return "double"
    if hint is str:
        return "str"
    raise TypeError(f"header field type {hint!r} is not one Java headers support")


def _to_java_string(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    return str(value)


def _parse(f: HeaderField, text: str, header: str) -> Any:
    kind = f.kind
    if kind == "str":
        return text
    if kind == "bool":
        return text.lower() == "true"
    if kind == "double":
        try:
            return float(text)
        except ValueError:
            raise RemotingCommandException(
                f"{header}: the custom field <{f.key}> has value {text!r}, not a Java double") from None
    digits = text[1:] if text[:1] in ("-", "+") else text
    if not (digits.isdigit() and digits.isascii()):  # Java parseInt/parseLong: sign, ASCII digits
        raise RemotingCommandException(
            f"{header}: the custom field <{f.key}> has value {text!r}, not a Java {kind}")
    value = int(text)
    lo, hi = _INT32 if kind == "int" else _INT64
    if not lo <= value <= hi:
        raise RemotingCommandException(
            f"{header}: the custom field <{f.key}> value {value} is out of the Java {kind} range")
    return value


class _Codec(typing.NamedTuple):
    fields: tuple[HeaderField, ...]
    getter: Callable[[Any], tuple[Any, ...]]
    keys: tuple[str, ...]
    defaults: tuple[Any, ...]
    decode: Callable[[Mapping[str, str]], Any]
    encode_to: Callable[[Any, MutableMapping[str, str]], None]


def _value_to_net(value: Any) -> str:
    """A field value as Java ``toString`` writes it (the general case of the generated encoder)."""
    t = type(value)
    if t is str:
        return value
    if t is bool:
        return "true" if value else "false"
    return str(int(value)) if t is not float else _to_java_string(value)


#: "0".."1023" -> int: most int fields of a request (queue ids, flags, counts) are small
_SMALL_INTS = {str(i): i for i in range(1024)}
#: the most digits an unsigned decimal may have and still fit without a range check
_SAFE_DIGITS = {"int": 9, "long": 18}


def _compile(cls: type, fields: tuple[HeaderField, ...], defaults: tuple[Any, ...],
             name: str | None = None
             ) -> tuple[Callable[[Mapping[str, str]], Any], Callable[[Any, MutableMapping[str, str]], None]]:
    """Straight-line decode and encode functions for one header class, generated once.

    What the generic loop did per field (look up the field record, branch on its kind, ``setattr``
    by name) is decided here instead, so a SEND_MESSAGE_V2 header costs one ``get`` and one slot
    store per field.  Anything off the fast path (a non-string value, a sign, too many digits, a
    bad value) goes to ``_parse``, which owns every rule and error message.
    """
    ns: dict[str, Any] = {"_new": cls.__new__, "_cls": cls, "_name": name or cls.__name__,
                          "_small": _SMALL_INTS.get,
                          "_parse": _parse, "_F": fields,
                          "_D": defaults, "_java": _to_java_string, "_net": _value_to_net,
                          "_Err": RemotingCommandException}
    dec = ["def decode(ext):", "    obj = _new(_cls)", "    get = ext.get"]
    enc = ["def encode_to(self, ext):"]
    for i, f in enumerate(fields):
        key, attr = repr(f.key), f.attr
        dec.append(f"    t = get({key})")
        dec.append("    if t is None:")
        if f.required:
            dec.append(f"        raise _Err(_name + ': the custom field <' + {key} + '> is null')")
        else:
            dec.append(f"        obj.{attr} = _D[{i}]")
        slow = f"_parse(_F[{i}], t if type(t) is str else _java(t), _name)"
        enc += [f"    v = self.{attr}", "    if v is not None:"]
        if f.kind == "str":
            dec += ["    else:", f"        obj.{attr} = t if type(t) is str else _java(t)"]
            enc.append(f"        ext[{key}] = v if type(v) is str else _net(v)")
        elif f.kind in _SAFE_DIGITS:
            # small numbers (queue ids, flags, counts) from a table; other plain digits via int()
            dec += ["    else:",
                    "        v = _small(t) if type(t) is str else None",
                    "        if v is None:",
                    f"            if type(t) is str and 0 < len(t) <= {_SAFE_DIGITS[f.kind]} "
                    "and t.isdigit() and t.isascii():",
                    "                v = int(t)",
                    "            else:", f"                v = {slow}",
                    f"        obj.{attr} = v"]
            enc.append(f"        ext[{key}] = str(v) if type(v) is int else _net(v)")
        elif f.kind == "bool":  # Java Boolean.parseBoolean: "true" in any case
            dec += ['    elif t == "true":', f"        obj.{attr} = True",
                    '    elif t == "false":', f"        obj.{attr} = False",
                    "    else:", f"        obj.{attr} = {slow}"]
            enc.append(f"        ext[{key}] = _net(v)")
        else:  # double
            dec += ["    else:", f"        obj.{attr} = {slow}"]
            enc.append(f"        ext[{key}] = _net(v)")
    if getattr(cls, "check_fields", None) is not CommandCustomHeader.check_fields:
        dec.append("    obj.check_fields()")
    dec.append("    return obj")
    if len(enc) == 1:
        enc.append("    pass")
    code = "\n".join(dec) + "\n\n" + "\n".join(enc) + "\n"
    exec(compile(code, f"<{cls.__qualname__} codec>", "exec"), ns)  # noqa: S102 -- our own text
    return ns["decode"], ns["encode_to"]


def converting_decoder(source: type["CommandCustomHeader"], target: type[T],
                       attrs: Mapping[str, str | None]) -> Callable[[Mapping[str, str]], T]:
    """A decoder that reads ``source``'s wire keys (with its kinds, required marks, defaults and
    error messages) straight into a new ``target``: ``attrs`` maps every ``source`` field to the
    ``target`` field it fills, or to None for one the conversion drops (its key is not read), and
    every ``target`` field must be filled once.  For a header the broker converts as soon as it
    has decoded it (``SendMessageRequestHeaderV2`` -> ``SendMessageRequestHeader``)."""
    codec = source._codec()
    filled = [a for a in attrs.values() if a is not None]
    if {f.attr for f in codec.fields} != set(attrs) or len(filled) != len(set(filled)) or \
            set(filled) != {f.attr for f in target.header_fields()}:
        raise TypeError(f"{source.__name__} -> {target.__name__}: the field map must cover both")
    if getattr(source, "check_fields") is not CommandCustomHeader.check_fields or \
            getattr(target, "check_fields") is not CommandCustomHeader.check_fields:
        raise TypeError("a converting decoder cannot run check_fields")
    kept = [(f._replace(attr=attrs[f.attr]), d) for f, d in zip(codec.fields, codec.defaults)
            if attrs[f.attr] is not None]
    return _compile(target, tuple(f for f, _ in kept), tuple(d for _, d in kept),
                    source.__name__)[0]


class CommandCustomHeader:
    """Base of every custom header (a dataclass subclass declares the fields)."""

    __slots__ = ()
    _codec_cache: ClassVar[dict[type, _Codec]] = {}

    @classmethod
    def _codec(cls) -> _Codec:
        codec = CommandCustomHeader._codec_cache.get(cls)
        if codec is None:
            if not dataclasses.is_dataclass(cls):
                fields: tuple[HeaderField, ...] = ()
            else:
                hints = typing.get_type_hints(cls)
                fields = tuple(
                    HeaderField(f.name, f.metadata.get("key") or snake_to_camel(f.name),
                                _kind_of(hints[f.name]), bool(f.metadata.get("required")))
                    for f in dataclasses.fields(cls) if not f.name.startswith("_"))
            attrs = [f.attr for f in fields]
            if len(attrs) > 1:
                getter = operator.attrgetter(*attrs)
            elif attrs:
                one = operator.attrgetter(attrs[0])
                getter = lambda obj: (one(obj),)  # noqa: E731
            else:
                getter = lambda obj: ()  # noqa: E731
            defaults = tuple(getattr(cls(), a) for a in attrs) if fields else ()
            codec = CommandCustomHeader._codec_cache[cls] = _Codec(
                fields, getter, tuple(f.key for f in fields), defaults,
                *_compile(cls, fields, defaults))
        return codec

    @classmethod
    def header_fields(cls) -> tuple[HeaderField, ...]:
        """The declared fields with their wire keys, Java kinds and required marks (cached)."""
        return cls._codec().fields

    def check_fields(self) -> None:
        """Java ``checkFields``: extra validation after decoding (none by default)."""

    def encode_to(self, ext: MutableMapping[str, str]) -> None:
        """Java ``makeCustomHeaderToNet``: every non-None field into ``ext`` as a Java string."""
        codec = CommandCustomHeader._codec_cache.get(type(self)) or self._codec()
        codec.encode_to(self, ext)

    def to_ext_fields(self) -> dict[str, str]:
        ext: dict[str, str] = {}
        self.encode_to(ext)
        return ext

    @classmethod
    def decode(cls: type[T], ext: Mapping[str, str]) -> T:
        """Java ``decodeCommandCustomHeader``: the header from ``ext`` (see the module docstring;
        the work is done by the function ``_compile`` generated for ``cls``)."""
        codec = CommandCustomHeader._codec_cache.get(cls) or cls._codec()
        return codec.decode(ext)
