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
    if not digits.isdigit():  # what Java parseInt/parseLong accept: sign and digits only
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
                fields, getter, tuple(f.key for f in fields), defaults)
        return codec

    @classmethod
    def header_fields(cls) -> tuple[HeaderField, ...]:
        """The declared fields with their wire keys, Java kinds and required marks (cached)."""
        return cls._codec().fields

    def check_fields(self) -> None:
        """Java ``checkFields``: extra validation after decoding (none by default)."""

    def encode_to(self, ext: MutableMapping[str, str]) -> None:
        """Java ``makeCustomHeaderToNet``: every non-None field into ``ext`` as a Java string."""
        codec = self._codec()
        for key, value in zip(codec.keys, codec.getter(self)):
            if value is not None:
                t = type(value)
                if t is str:
                    ext[key] = value
                elif t is bool:
                    ext[key] = "true" if value else "false"
                else:
                    ext[key] = str(int(value)) if t is not float else _to_java_string(value)

    def to_ext_fields(self) -> dict[str, str]:
        ext: dict[str, str] = {}
        self.encode_to(ext)
        return ext

    @classmethod
    def decode(cls: type[T], ext: Mapping[str, str]) -> T:
        """Java ``decodeCommandCustomHeader``: the header from ``ext`` (see the module docstring)."""
        codec = cls._codec()
        obj = cls.__new__(cls)  # every field is set below, once
        get = ext.get
        for f, default in zip(codec.fields, codec.defaults):
            text = get(f.key)
            if text is None:
                if f.required:
                    raise RemotingCommandException(f"{cls.__name__}: the custom field <{f.key}> is null")
                setattr(obj, f.attr, default)
            elif f.kind == "str" and type(text) is str:
                setattr(obj, f.attr, text)
            else:
                if type(text) is not str:
                    text = _to_java_string(text)
                setattr(obj, f.attr, _parse(f, text, cls.__name__))
        obj.check_fields()
        return obj
