"""``GetKVConfigRequestHeader``: GET_KV_CONFIG (101) (Java
``common/protocol/header/namesrv/GetKVConfigRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class GetKVConfigRequestHeader(CommandCustomHeader):
    namespace: str | None = cf_not_null()
    key: str | None = cf_not_null()
