"""``SearchOffsetRequestHeader``: SEARCH_OFFSET_BY_TIMESTAMP (29) (Java
``common/protocol/header/SearchOffsetRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.common.protocol.header.rpc_request_header import RpcRequestHeader
from rocketmq_ref.remoting.command_custom_header import Long, cf_not_null


@dataclass(slots=True)
class SearchOffsetRequestHeader(RpcRequestHeader):
    topic: str | None = cf_not_null()
    queue_id: int | None = cf_not_null()
    timestamp: Long | None = cf_not_null()
