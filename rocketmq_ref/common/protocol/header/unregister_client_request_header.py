"""``UnregisterClientRequestHeader``: UNREGISTER_CLIENT (35) (Java
``common/protocol/header/UnregisterClientRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null, cf_nullable


@dataclass(slots=True)
class UnregisterClientRequestHeader(CommandCustomHeader):
    client_id: str | None = cf_not_null(key="clientID")
    producer_group: str | None = cf_nullable()
    consumer_group: str | None = cf_nullable()
