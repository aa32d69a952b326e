"""``DeleteKVConfigRequestHeader``: DELETE_KV_CONFIG (102) (Java
``common/protocol/header/namesrv/DeleteKVConfigRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class DeleteKVConfigRequestHeader(CommandCustomHeader):
    namespace: str | None = cf_not_null()
    key: str | None = cf_not_null()
