"""LocalTransactionState and TransactionListener: what the application tells a transactional
producer (Java ``client.producer.LocalTransactionState`` / ``TransactionListener``; A3.2.4, B8.2, B8.4)."""
from __future__ import annotations

import abc
import enum
from typing import Any


class LocalTransactionState(enum.Enum):
    COMMIT_MESSAGE = 0
    ROLLBACK_MESSAGE = 1
    UNKNOW = 2


class TransactionListener(abc.ABC):
    @abc.abstractmethod
    def execute_local_transaction(self, msg: Any, arg: Any) -> LocalTransactionState | None:
        """Run the local transaction after the half message was stored; None counts as UNKNOW."""

    @abc.abstractmethod
    def check_local_transaction(self, msg: Any) -> LocalTransactionState | None:
        """Answer the broker's check-back for a half message still unresolved."""
