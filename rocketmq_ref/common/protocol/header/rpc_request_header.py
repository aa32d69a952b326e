"""``RpcRequestHeader``: the base of request headers that may name their target broker, ext key
``bname`` (4.9.5+; Java ``common/rpc/RpcRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_nullable


@dataclass(slots=True)
class RpcRequestHeader(CommandCustomHeader):
    bname: str | None = cf_nullable()
