"""``EndTransactionRequestHeader``: END_TRANSACTION (37) (Java
``common/protocol/header/EndTransactionRequestHeader``; book B3.4.4)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.common.protocol.header.rpc_request_header import RpcRequestHeader
from rocketmq_ref.common.sysflag import MessageSysFlag
from rocketmq_ref.remoting.command_custom_header import Long, cf_not_null, cf_nullable
from rocketmq_ref.remoting.exception import RemotingCommandException


@dataclass(slots=True)
class EndTransactionRequestHeader(RpcRequestHeader):
    producer_group: str | None = cf_not_null()
    tran_state_table_offset: Long | None = cf_not_null()
    commit_log_offset: Long | None = cf_not_null()
    commit_or_rollback: int | None = cf_not_null()
    from_transaction_check: bool = cf_nullable(False)
    msg_id: str | None = cf_not_null()
    transaction_id: str | None = cf_nullable()

    def check_fields(self) -> None:
        if self.commit_or_rollback not in (MessageSysFlag.TRANSACTION_NOT_TYPE, MessageSysFlag.TRANSACTION_COMMIT_TYPE,
                                           MessageSysFlag.TRANSACTION_ROLLBACK_TYPE):
            raise RemotingCommandException("commitOrRollback field wrong")
