"""``SendMessageRequestHeader``: SEND_MESSAGE (10), and the broker's view of V2 sends (Java
``common/protocol/header/SendMessageRequestHeader``; book B3.4.4)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.common.protocol.header.rpc_request_header import RpcRequestHeader
from rocketmq_ref.remoting.command_custom_header import Long, cf_not_null, cf_nullable


@dataclass(slots=True)
class SendMessageRequestHeader(RpcRequestHeader):
    producer_group: str | None = cf_not_null()
    topic: str | None = cf_not_null()
    default_topic: str | None = cf_not_null()
    default_topic_queue_nums: int | None = cf_not_null()
    queue_id: int | None = cf_not_null()
    sys_flag: int | None = cf_not_null()
    born_timestamp: Long | None = cf_not_null()
    flag: int | None = cf_not_null()
    properties: str | None = cf_nullable()
    reconsume_times: int | None = cf_nullable()
    unit_mode: bool = cf_nullable(False)
    batch: bool = cf_nullable(False)
    max_reconsume_times: int | None = cf_nullable()
