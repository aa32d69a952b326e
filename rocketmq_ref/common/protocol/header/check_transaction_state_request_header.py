"""``CheckTransactionStateRequestHeader``: CHECK_TRANSACTION_STATE (39), broker to producer (Java
``common/protocol/header/CheckTransactionStateRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.common.protocol.header.rpc_request_header import RpcRequestHeader
from rocketmq_ref.remoting.command_custom_header import Long, cf_not_null, cf_nullable


@dataclass(slots=True)
class CheckTransactionStateRequestHeader(RpcRequestHeader):
    tran_state_table_offset: Long | None = cf_not_null()
    commit_log_offset: Long | None = cf_not_null()
    msg_id: str | None = cf_nullable()
    transaction_id: str | None = cf_nullable()
    offset_msg_id: str | None = cf_nullable()
