"""``LanguageCode``, ``SerializeType`` and ``RemotingCommandType`` (Java enums of the same names in
``remoting/protocol``; book A4.3.2)."""
from __future__ import annotations

from enum import IntEnum


class LanguageCode(IntEnum):
    """The sender's language: a name in JSON headers, one byte in ROCKETMQ headers."""
    JAVA = 0
    CPP = 1
    DOTNET = 2
    PYTHON = 3
    DELPHI = 4
    ERLANG = 5
    RUBY = 6
    OTHER = 7
    HTTP = 8
    GO = 9
    PHP = 10
    OMS = 11
    RUST = 12

    @classmethod
    def value_of(cls, code: int) -> "LanguageCode | None":
        """By byte code; None for a code this version does not know (as Java)."""
        try:
            return cls(code)
        except ValueError:
            return None

    @classmethod
    def from_name(cls, name: object) -> "LanguageCode | None":
        """By name; None for an unknown name (fastjson maps unmatched enum names to null)."""
        if isinstance(name, str):
            return cls.__members__.get(name)
        if isinstance(name, int) and not isinstance(name, bool):
            return cls.value_of(name)
        return None


class SerializeType(IntEnum):
    """Header encoding, the high byte of the header-length word."""
    JSON = 0
    ROCKETMQ = 1

    @classmethod
    def value_of(cls, code: int) -> "SerializeType | None":
        try:
            return cls(code)
        except ValueError:
            return None


class RemotingCommandType(IntEnum):
    REQUEST_COMMAND = 0
    RESPONSE_COMMAND = 1
