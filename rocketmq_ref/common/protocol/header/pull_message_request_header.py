"""``PullMessageRequestHeader``: PULL_MESSAGE (11) (Java
``common/protocol/header/PullMessageRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.common.protocol.header.rpc_request_header import RpcRequestHeader
from rocketmq_ref.remoting.command_custom_header import Long, cf_not_null, cf_nullable


@dataclass(slots=True)
class PullMessageRequestHeader(RpcRequestHeader):
    consumer_group: str | None = cf_not_null()
    topic: str | None = cf_not_null()
    queue_id: int | None = cf_not_null()
    queue_offset: Long | None = cf_not_null()
    max_msg_nums: int | None = cf_not_null()
    sys_flag: int | None = cf_not_null()
    commit_offset: Long | None = cf_not_null()
    suspend_timeout_millis: Long | None = cf_not_null()
    subscription: str | None = cf_nullable()
    sub_version: Long | None = cf_not_null()
    expression_type: str | None = cf_nullable()
