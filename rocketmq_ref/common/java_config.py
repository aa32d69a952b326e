"""Config classes loaded from Java-style properties files (Java ``MixAll.properties2Object`` and
``MixAll.printObjectProperties``; book A2.2.2).

A config class is a dataclass whose snake_case fields map to the camelCase keys of a real
``broker.conf`` (``brokerClusterName`` -> ``broker_cluster_name``); a field may name its key
explicitly (``brokerIP1``).  Unknown keys are reported (Java ignores them silently), bad values
raise ``ConfigError`` naming the key and the value.

    @dataclass
    class NamesrvConfig(JavaConfig):
        rocketmq_home: str = config_field("", key="rocketmqHome", important=True)
        order_message_enable: bool = False
"""
from __future__ import annotations

import dataclasses
import logging
import re
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, TypeVar, get_type_hints

log = logging.getLogger("rocketmq_ref.common")

T = TypeVar("T", bound="JavaConfig")


class ConfigError(ValueError):
    """A config key with a value its field cannot take, or an unreadable properties file."""


def config_field(default: Any = dataclasses.MISSING, *, key: str | None = None,
                 important: bool = False, doc: str = "", default_factory: Any = dataclasses.MISSING
                 ) -> Any:
    """A dataclass field with its Java key, its ``@ImportantField`` mark and a one-line doc."""
    metadata = {"key": key, "important": important, "doc": doc}
    if default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def snake_to_camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def camel_to_snake(name: str) -> str:
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return name.lower()


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def _convert(key: str, raw: str, kind: Any) -> Any:
    text = raw.strip()
    if typing.get_origin(kind) in (typing.Union, types.UnionType):  # Optional[X]: set as X
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        if len(args) == 1:
            kind = args[0]
    try:
        if kind is bool:
            low = text.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError("expected true or false")
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if kind is str:
            return raw
        if isinstance(kind, type) and hasattr(kind, "__members__"):  # an Enum: by name
            return kind[text]
    except (ValueError, KeyError) as e:
        raise ConfigError(f"bad value for {key}: {raw!r} ({e})") from None
    raise ConfigError(f"config key {key} has a type this loader cannot set: {kind!r}")


class JavaConfig:
    """Mixin for dataclass config classes: load, override and print by Java key."""

    _keys_cache: ClassVar[dict[type, dict[str, tuple[str, Any]]]] = {}

    @classmethod
    def java_keys(cls) -> dict[str, tuple[str, Any]]:
        """Java key -> (field name, field type)."""
        cached = JavaConfig._keys_cache.get(cls)
        if cached is None:
            hints = get_type_hints(cls)
            cached = {}
            for f in dataclasses.fields(cls):  # type: ignore[arg-type]
                if f.name.startswith("_"):
                    continue
                key = f.metadata.get("key") or snake_to_camel(f.name)
                cached[key] = (f.name, hints[f.name])
            JavaConfig._keys_cache[cls] = cached
        return cached

    def apply_properties(self, props: Mapping[str, str], *, source: str = "properties",
                         warn_unknown: bool = True) -> list[str]:
        """Set every known key; return (and log) the keys this class does not know."""
        keys = self.java_keys()
        unknown = []
        for key, raw in props.items():
            entry = keys.get(key)
            if entry is None:
                unknown.append(key)
                continue
            name, kind = entry
            setattr(self, name, _convert(key, raw, kind))
        if unknown and warn_unknown:
            log.warning("%s: unknown keys for %s ignored: %s", source, type(self).__name__,
                        ", ".join(sorted(unknown)))
        return unknown

    def to_properties(self, important_only: bool = False) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if f.name.startswith("_"):
                continue
            if important_only and not f.metadata.get("important"):
                continue
            key = f.metadata.get("key") or snake_to_camel(f.name)
            value = getattr(self, f.name)
            if isinstance(value, bool):
                text = "true" if value else "false"
            elif hasattr(value, "name") and hasattr(type(value), "__members__"):
                text = value.name
            else:
                text = "" if value is None else str(value)
            out[key] = text
        return out

    def print_lines(self, important_only: bool = False) -> list[str]:
        """``key=value`` lines as the Java start-up tools print them with ``-p`` / ``-m``."""
        return [f"{k}={v}" for k, v in self.to_properties(important_only).items()]

    @classmethod
    def from_properties(cls: type[T], props: Mapping[str, str], **kwargs: Any) -> T:
        obj = cls()  # type: ignore[call-arg]
        obj.apply_properties(props, **kwargs)
        return obj


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


def parse_properties(text: str) -> dict[str, str]:
    """Parse the ``java.util.Properties`` text format: ``#``/``!`` comments, ``=``, ``:`` or space
    separators, backslash line continuations and escapes."""
    out: dict[str, str] = {}
    logical: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].lstrip()
        i += 1
        if not logical and (not line or line[0] in "#!"):
            continue
        # a line ending in an odd number of backslashes continues on the next line
        trailing = len(line) - len(line.rstrip("\\"))
        if trailing % 2 == 1:
            logical.append(line[:-1])
            continue
        logical.append(line)
        entry = "".join(logical)
        logical = []
        key, value = _split_entry(entry)
        out[key] = value
    if logical:
        key, value = _split_entry("".join(logical))
        out[key] = value
    return out


def _split_entry(entry: str) -> tuple[str, str]:
    key_chars: list[str] = []
    j = 0
    while j < len(entry):
        c = entry[j]
        if c == "\\" and j + 1 < len(entry):
            key_chars.append(_ESCAPES.get(entry[j + 1], entry[j + 1]))
            j += 2
            continue
        if c in "=: \t":
            break
        key_chars.append(c)
        j += 1
    rest = entry[j:].lstrip(" \t")
    if rest[:1] in ("=", ":"):
        rest = rest[1:].lstrip(" \t")
    return "".join(key_chars), _unescape(rest).rstrip()


def _unescape(value: str) -> str:
    if "\\" not in value:
        return value
    out: list[str] = []
    j = 0
    while j < len(value):
        c = value[j]
        if c == "\\" and j + 1 < len(value):
            n = value[j + 1]
            if n == "u" and j + 5 < len(value) + 0:
                try:
                    out.append(chr(int(value[j + 2:j + 6], 16)))
                    j += 6
                    continue
                except ValueError:
                    pass
            out.append(_ESCAPES.get(n, n))
            j += 2
            continue
        out.append(c)
        j += 1
    return "".join(out)


def load_properties_file(path: str) -> dict[str, str]:
    try:
        with open(path, encoding="utf-8") as f:
            return parse_properties(f.read())
    except OSError as e:
        raise ConfigError(f"cannot read config file {path}: {e.strerror}") from None


def parse_overrides(items: Iterable[str]) -> dict[str, str]:
    """``key=value`` command-line overrides (``-o brokerName=b1``) as a properties dict."""
    out = {}
    for item in items:
        if "=" not in item:
            raise ConfigError(f"override {item!r} is not key=value")
        k, v = item.split("=", 1)
        out[k.strip()] = v
    return out
