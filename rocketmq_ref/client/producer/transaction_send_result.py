"""TransactionSendResult: a send result plus the local transaction's outcome (Java
``client.producer.TransactionSendResult``; A3.2.4, B8.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.client.producer.send_result import SendResult
from rocketmq_ref.client.producer.transaction_listener import LocalTransactionState


@dataclass
class TransactionSendResult(SendResult):
    local_transaction_state: LocalTransactionState | None = None

    def get_local_transaction_state(self) -> LocalTransactionState | None:
        return self.local_transaction_state
