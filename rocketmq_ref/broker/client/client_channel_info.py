"""One client connection as the broker knows it (Java ``broker.client.ClientChannelInfo``; A4.2)."""
from __future__ import annotations

import time
from typing import Any


def now_ms() -> int:
    return int(time.time() * 1000)


def parse_channel_remote_addr(channel: Any) -> str:
    """``ip:port`` of the peer (Java ``RemotingHelper.parseChannelRemoteAddr``)."""
    if channel is None:
        return ""
    for name in ("remote_addr", "remote_address"):
        value = getattr(channel, name, None)
        if callable(value):
            value = value()
        if value:
            if isinstance(value, tuple):
                return f"{value[0]}:{value[1]}"
            return str(value)
    return str(channel)


class ClientChannelInfo:
    """channel, clientId, language, version and when the client was last heard from."""

    __slots__ = ("channel", "client_id", "language", "version", "last_update_timestamp")

    def __init__(self, channel: Any, client_id: str, language: Any = "JAVA", version: int = 0) -> None:
        self.channel = channel
        self.client_id = client_id
        self.language = language
        self.version = version
        self.last_update_timestamp = now_ms()

    def __repr__(self) -> str:
        return (f"ClientChannelInfo [channel={parse_channel_remote_addr(self.channel)}, clientId={self.client_id}, "
                f"language={self.language}, version={self.version}, "
                f"lastUpdateTimestamp={self.last_update_timestamp}]")
