"""RequestCallback: what an asynchronous ``request`` calls with the reply or the failure
(Java ``client.producer.RequestCallback``; books A3.2.1, B9.8).

``request(msg, callback, timeout)`` takes a ``RequestCallback``, a function of the reply message, or
an ``(on_success, on_exception)`` pair.
"""
from __future__ import annotations

from typing import Any, Callable


class RequestCallback:
    """Java ``RequestCallback``: exactly one of ``on_success`` / ``on_exception`` per request."""

    def on_success(self, message: Any) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def on_exception(self, e: BaseException) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class FunctionRequestCallback(RequestCallback):
    """A ``RequestCallback`` made of two functions (Python convenience)."""

    def __init__(self, on_success: Callable[[Any], None],
                 on_exception: Callable[[BaseException], None] | None = None) -> None:
        self._ok = on_success
        self._err = on_exception

    def on_success(self, message: Any) -> None:
        self._ok(message)

    def on_exception(self, e: BaseException) -> None:
        if self._err is not None:
            self._err(e)


def as_request_callback(cb: Any) -> RequestCallback:
    if isinstance(cb, RequestCallback):
        return cb
    if isinstance(cb, tuple) and len(cb) == 2:
        return FunctionRequestCallback(cb[0], cb[1])
    if callable(cb):
        return FunctionRequestCallback(cb)
    raise TypeError("request callback must be a RequestCallback, a function or "
                    "(on_success, on_exception)")


def is_request_callback(obj: Any) -> bool:
    """True for what ``as_request_callback`` takes (used to tell the ``request`` overloads apart)."""
    return isinstance(obj, RequestCallback) or (
        isinstance(obj, tuple) and len(obj) == 2 and all(callable(f) for f in obj))
