"""``GetMaxOffsetRequestHeader``: GET_MAX_OFFSET (30) (Java
``common/protocol/header/GetMaxOffsetRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.common.protocol.header.rpc_request_header import RpcRequestHeader
from rocketmq_ref.remoting.command_custom_header import cf_not_null


@dataclass(slots=True)
class GetMaxOffsetRequestHeader(RpcRequestHeader):
    topic: str | None = cf_not_null()
    queue_id: int | None = cf_not_null()
