"""``UpdateConsumerOffsetRequestHeader``: UPDATE_CONSUMER_OFFSET (15) (Java
``common/protocol/header/UpdateConsumerOffsetRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.common.protocol.header.rpc_request_header import RpcRequestHeader
from rocketmq_ref.remoting.command_custom_header import Long, cf_not_null


@dataclass(slots=True)
class UpdateConsumerOffsetRequestHeader(RpcRequestHeader):
    consumer_group: str | None = cf_not_null()
    topic: str | None = cf_not_null()
    queue_id: int | None = cf_not_null()
    commit_offset: Long | None = cf_not_null()
