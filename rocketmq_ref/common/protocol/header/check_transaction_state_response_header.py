"""``CheckTransactionStateResponseHeader``: the response header of the CHECK_TRANSACTION_STATE request
(Java ``common/protocol/header/CheckTransactionStateResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, Long, cf_not_null


@dataclass(slots=True)
class CheckTransactionStateResponseHeader(CommandCustomHeader):
    producer_group: str | None = cf_not_null()
    tran_state_table_offset: Long | None = cf_not_null()
    commit_log_offset: Long | None = cf_not_null()
    commit_or_rollback: int | None = cf_not_null()
