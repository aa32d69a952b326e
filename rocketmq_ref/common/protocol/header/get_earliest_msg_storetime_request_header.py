"""``GetEarliestMsgStoretimeRequestHeader``: GET_EARLIEST_MSG_STORETIME (32) (Java
``common/protocol/header/GetEarliestMsgStoretimeRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.common.protocol.header.rpc_request_header import RpcRequestHeader
from rocketmq_ref.remoting.command_custom_header import cf_not_null


@dataclass(slots=True)
class GetEarliestMsgStoretimeRequestHeader(RpcRequestHeader):
    topic: str | None = cf_not_null()
    queue_id: int | None = cf_not_null()
