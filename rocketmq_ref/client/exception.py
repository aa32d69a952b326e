"""Client exceptions (Java ``org.apache.rocketmq.client.exception``; books B3.4, B5.6).

``MQClientException`` carries a RocketMQ response code when one applies (``MESSAGE_ILLEGAL``, ...);
``MQBrokerException`` carries the broker's response code, remark and address.
"""
from __future__ import annotations

from typing import Any

FAQ_URL = "http://rocketmq.apache.org/docs/faq/"


class _CodedClientException(Exception):
    """What ``MQClientException`` and ``RequestTimeoutException`` share: Java's ``(code, message)``
    and ``(message[, cause])`` constructors and the ``CODE: n  DESC: text`` message."""

    def __init__(self, response_code: int | str = -1, error_message: Any = None,
                 cause: BaseException | None = None) -> None:
        if isinstance(response_code, str):  # Java's (message[, cause]) constructor
            if isinstance(error_message, BaseException) and cause is None:
                cause = error_message
            response_code, error_message = -1, response_code
        self.response_code = response_code
        self.error_message = error_message
        text = error_message or ""
        if response_code != -1:
            text = f"CODE: {response_code}  DESC: {text}"
        if cause is not None and not error_message:
            text = f"{text} {type(cause).__name__}: {cause}".strip()
        super().__init__(text)
        if cause is not None:
            self.__cause__ = cause

    def get_response_code(self) -> int:
        return self.response_code

    def get_error_message(self) -> str | None:
        return self.error_message


class MQClientException(_CodedClientException):
    """Java ``MQClientException``: a client-side failure (bad input, no route, remoting error)."""


class MQBrokerException(Exception):
    """Java ``MQBrokerException``: the broker answered with a non-success response code."""

    def __init__(self, response_code: int, error_message: str | None, broker_addr: str | None = None
                 ) -> None:
        self.response_code = response_code
        self.error_message = error_message
        self.broker_addr = broker_addr
        where = f" BROKER: {broker_addr}" if broker_addr else ""
        super().__init__(f"CODE: {response_code}  DESC: {error_message}{where}")

    def get_response_code(self) -> int:
        return self.response_code

    def get_error_message(self) -> str | None:
        return self.error_message

    def get_broker_addr(self) -> str | None:
        return self.broker_addr


class RequestTimeoutException(_CodedClientException):
    """Java ``RequestTimeoutException`` (not an ``MQClientException``, as in Java): a request was
    sent but no reply came within its timeout (``ClientErrorCode.REQUEST_TIMEOUT_EXCEPTION``, 10006)."""
