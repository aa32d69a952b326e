"""Remoting exceptions (Java ``org.apache.rocketmq.remoting.exception.*``; book A4.3.1).

``RemotingCommandException`` is the one codec error: every malformed frame, header or custom header
raises it with a message saying what was wrong.
"""
from __future__ import annotations


class RemotingException(Exception):
    """Base of every remoting failure (Java ``RemotingException``)."""


class RemotingCommandException(RemotingException):
    """A frame, header or custom header that cannot be decoded (Java ``RemotingCommandException``)."""


class RemotingConnectException(RemotingException):
    """No connection could be made to the address (Java ``RemotingConnectException``)."""

    def __init__(self, addr: str | None, cause: BaseException | None = None) -> None:
        self.addr = addr
        text = f"connect to {addr} failed"
        if cause is not None:
            text += f": {type(cause).__name__}: {cause}"
        super().__init__(text)


class RemotingSendRequestException(RemotingException):
    """The request could not be written, or the connection closed before the response
    (Java ``RemotingSendRequestException``)."""

    def __init__(self, addr: str | None, cause: BaseException | str | None = None) -> None:
        self.addr = addr
        text = f"send request to <{addr}> failed"
        if cause is not None:
            text += f": {cause}"
        super().__init__(text)


class RemotingTimeoutException(RemotingException):
    """No response within the timeout (Java ``RemotingTimeoutException``)."""

    def __init__(self, addr: str | None, timeout_ms: int | None = None, message: str | None = None
                 ) -> None:
        self.addr = addr
        self.timeout_ms = timeout_ms
        if message is None:
            message = f"wait response on the channel <{addr}> timeout, {timeout_ms}(ms)"
        super().__init__(message)


class RemotingTooMuchRequestException(RemotingException):
    """Too many requests in flight: the async or oneway semaphore could not be acquired
    (Java ``RemotingTooMuchRequestException``)."""
