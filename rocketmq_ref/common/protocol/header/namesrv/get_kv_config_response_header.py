"""``GetKVConfigResponseHeader``: the response header of the GET_KV_CONFIG request (Java
``common/protocol/header/namesrv/GetKVConfigResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_nullable


@dataclass(slots=True)
class GetKVConfigResponseHeader(CommandCustomHeader):
    value: str | None = cf_nullable()
