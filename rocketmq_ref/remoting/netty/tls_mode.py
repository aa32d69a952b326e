"""``TlsMode``: how a server treats TLS (Java ``remoting/common/TlsMode``; book A4.3.1, A13.4.3).

DISABLED: plain only; PERMISSIVE: TLS or plain, told apart by the first byte of a connection;
ENFORCING: TLS only, plain connections are closed.
"""
from __future__ import annotations

import enum


class TlsMode(enum.Enum):
    DISABLED = "disabled"
    PERMISSIVE = "permissive"
    ENFORCING = "enforcing"

    @classmethod
    def parse(cls, mode: str | None) -> "TlsMode":
        """Java ``TlsMode.parse``: case-insensitive name; anything unknown is PERMISSIVE."""
        text = (mode or "").strip().lower()
        for m in cls:
            if m.value == text:
                return m
        return cls.PERMISSIVE
