"""``ConsumerSendMsgBackRequestHeader``: CONSUMER_SEND_MSG_BACK (36) (Java
``common/protocol/header/ConsumerSendMsgBackRequestHeader``; book B3.4.4)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.common.protocol.header.rpc_request_header import RpcRequestHeader
from rocketmq_ref.remoting.command_custom_header import Long, cf_not_null, cf_nullable


@dataclass(slots=True)
class ConsumerSendMsgBackRequestHeader(RpcRequestHeader):
    offset: Long | None = cf_not_null()
    group: str | None = cf_not_null()
    delay_level: int | None = cf_not_null()
    origin_msg_id: str | None = cf_nullable()
    origin_topic: str | None = cf_nullable()
    unit_mode: bool = cf_nullable(False)
    max_reconsume_times: int | None = cf_nullable()
