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
import types
import typing
from collections.abc import Mapping, MutableMapping
from typing import Any, ClassVar, NewType, TypeVar

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
    try:
        if kind == "double":
            return float(text)
        if not text or "_" in text or text != text.strip():
            raise ValueError
        value = int(text, 10)
    except ValueError:
        raise RemotingCommandException(
            f"{header}: the custom field <{f.key}> has value {text!r}, not a Java {kind}") from None
    lo, hi = _INT32 if kind == "int" else _INT64
    if not lo <= value <= hi:
        raise RemotingCommandException(
            f"{header}: the custom field <{f.key}> value {value} is out of the Java {kind} range")
    return value


class CommandCustomHeader:
    """Base of every custom header (a dataclass subclass declares the fields)."""

    __slots__ = ()
    _fields_cache: ClassVar[dict[type, tuple[HeaderField, ...]]] = {}

    @classmethod
    def header_fields(cls) -> tuple[HeaderField, ...]:
        """The declared fields with their wire keys, Java kinds and required marks (cached)."""
        cached = CommandCustomHeader._fields_cache.get(cls)
        if cached is None:
            if not dataclasses.is_dataclass(cls):
                cached = ()
            else:
                hints = typing.get_type_hints(cls)
                cached = tuple(
                    HeaderField(f.name, f.metadata.get("key") or snake_to_camel(f.name),
                                _kind_of(hints[f.name]), bool(f.metadata.get("required")))
                    for f in dataclasses.fields(cls) if not f.name.startswith("_"))
            CommandCustomHeader._fields_cache[cls] = cached
        return cached

    def check_fields(self) -> None:
        """Java ``checkFields``: extra validation after decoding (none by default)."""

    def encode_to(self, ext: MutableMapping[str, str]) -> None:
        """Java ``makeCustomHeaderToNet``: every non-None field into ``ext`` as a Java string."""
        for f in self.header_fields():
            value = getattr(self, f.attr)
            if value is not None:
                ext[f.key] = _to_java_string(value)

    def to_ext_fields(self) -> dict[str, str]:
        ext: dict[str, str] = {}
        self.encode_to(ext)
        return ext

    @classmethod
    def decode(cls: type[T], ext: Mapping[str, str]) -> T:
        """Java ``decodeCommandCustomHeader``: the header from ``ext`` (see the module docstring)."""
        obj = cls()
        name = cls.__name__
        for f in cls.header_fields():
            text = ext.get(f.key)
            if text is None:
                if f.required:
                    raise RemotingCommandException(f"{name}: the custom field <{f.key}> is null")
                continue
            if type(text) is not str:
                text = _to_java_string(text)
            setattr(obj, f.attr, _parse(f, text, name))
        obj.check_fields()
        return obj
