"""TransactionalMessageService: what the broker asks of a transaction store (Java
``broker.transaction.TransactionalMessageService``; B8.1)."""
from __future__ import annotations

import abc
import concurrent.futures
from typing import Any

from rocketmq_ref.broker.transaction.operation_result import OperationResult


class TransactionalMessageService(abc.ABC):
    @abc.abstractmethod
    def prepare_message(self, message_inner: Any) -> Any:
        """Store a half message; the ``PutMessageResult``."""

    @abc.abstractmethod
    def async_prepare_message(self, message_inner: Any) -> concurrent.futures.Future:
        """Store a half message; a future of the ``PutMessageResult``."""

    @abc.abstractmethod
    def delete_prepare_message(self, msg_ext: Any) -> bool:
        """Mark a half message done (committed or rolled back)."""

    @abc.abstractmethod
    def commit_message(self, request_header: Any) -> OperationResult:
        """The half message a commit names."""

    @abc.abstractmethod
    def rollback_message(self, request_header: Any) -> OperationResult:
        """The half message a rollback names."""

    @abc.abstractmethod
    def check(self, transaction_timeout: int, transaction_check_max: int, listener: Any) -> None:
        """One check-back pass over the half queues."""

    def open(self) -> bool:
        return True

    def close(self) -> None:
        pass
