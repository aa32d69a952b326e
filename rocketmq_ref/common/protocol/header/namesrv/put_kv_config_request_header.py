"""``PutKVConfigRequestHeader``: PUT_KV_CONFIG (100) (Java
``common/protocol/header/namesrv/PutKVConfigRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class PutKVConfigRequestHeader(CommandCustomHeader):
    namespace: str | None = cf_not_null()
    key: str | None = cf_not_null()
    value: str | None = cf_not_null()
