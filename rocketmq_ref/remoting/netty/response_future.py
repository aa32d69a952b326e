"""``ResponseFuture``: one request waiting for its response in the opaque table (Java
``remoting/netty/ResponseFuture``; book A4.3.1, A13.4.1).

Completed exactly once, on the event loop: by the response (``put_response``), by a failure (write
error, connection closed, timeout) or by the table scan.  A sync caller waits on a lock in its own
thread, an asyncio caller on an ``asyncio.Future``, an async caller gets its callback run on the
callback executor.  The response code is recorded on the CLIENT span of the request.
"""
from __future__ import annotations

import _thread
import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any, Callable

from rocketmq_ref.common.tracing import record_error
from rocketmq_ref.remoting.exception import (RemotingSendRequestException,
                                             RemotingTimeoutException)
from rocketmq_ref.remoting.netty.span_attributes import ATTR_RESPONSE_CODE, ERROR_CODES

if TYPE_CHECKING:
    import threading

    from opentelemetry.trace import Span

    from rocketmq_ref.remoting.netty.remoting_channel import RemotingChannel
    from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

log = logging.getLogger("rocketmq_ref.remoting")



class SemaphoreReleaseOnlyOnce:
    """Java ``SemaphoreReleaseOnlyOnce``: releases its permit at most once."""

    __slots__ = ("_semaphore", "_released")

    def __init__(self, semaphore: "threading.Semaphore") -> None:
        self._semaphore = semaphore
        self._released = False

    def release(self) -> None:
        if not self._released:
            self._released = True
            self._semaphore.release()


class ResponseFuture:
    __slots__ = ("opaque", "addr", "channel", "timeout_ms", "begin_timestamp", "invoke_callback",
                 "once", "response_command", "send_request_ok", "cause", "span", "request",
                 "_lock", "_future", "_done", "_callback_runner", "_after", "counted")

    def __init__(self, opaque: int, timeout_ms: int, *, addr: str | None = None,
                 invoke_callback: Callable[["ResponseFuture"], Any] | None = None,
                 once: SemaphoreReleaseOnlyOnce | None = None, span: "Span | None" = None,
                 request: "RemotingCommand | None" = None, sync: bool = False) -> None:
        self.opaque = opaque
        self.addr = addr
        self.channel: RemotingChannel | None = None
        self.timeout_ms = timeout_ms
        self.begin_timestamp = time.monotonic()
        self.invoke_callback = invoke_callback
        self.once = once
        self.response_command: RemotingCommand | None = None
        self.send_request_ok = False
        self.cause: BaseException | None = None
        self.span = span
        self.request = request
        self._lock = None
        if sync:
            self._lock = _thread.allocate_lock()
            self._lock.acquire()
        self._future: asyncio.Future | None = None
        self._done = False
        self._callback_runner: Callable[[Callable[[], None]], None] | None = None
        self._after: Callable[["ResponseFuture"], None] | None = None
        self.counted = False  # counted in its channel's outstanding_responses

    # ----------------------------------------------------------------- state
    def is_done(self) -> bool:
        return self._done

    def is_timeout(self) -> bool:
        """Java ``isTimeout``: past its deadline (the scan adds a second of grace)."""
        return (time.monotonic() - self.begin_timestamp) * 1000 > self.timeout_ms

    def is_send_request_ok(self) -> bool:
        return self.send_request_ok

    def get_response_command(self) -> "RemotingCommand | None":
        return self.response_command

    # ----------------------------------------------------------------- completion (loop thread)
    def put_response(self, response: "RemotingCommand") -> None:
        self._complete(response, None)

    def fail(self, cause: BaseException) -> None:
        self._complete(None, cause)

    def _complete(self, response: "RemotingCommand | None", cause: BaseException | None) -> None:
        if self._done:
            return
        self._done = True
        if self.counted:
            self.counted = False
            self.channel.outstanding_responses -= 1  # type: ignore[union-attr]
        self.response_command = response
        self.cause = cause
        s = self.span
        if response is not None and s is not None and s.is_recording():
            s.set_attribute(ATTR_RESPONSE_CODE, response.code)
            if response.code in ERROR_CODES:
                record_error(s, response.remark or f"response code {response.code}")
        if self.once is not None:
            self.once.release()
        if self._after is not None:
            try:
                self._after(self)
            except Exception:
                log.exception("after-response hook failed for opaque %d", self.opaque)
        if self._lock is not None:
            self._lock.release()
        fut = self._future
        if fut is not None and not fut.done():
            fut.set_result(None)
        if self.invoke_callback is not None:
            runner = self._callback_runner
            if runner is None:
                self.execute_invoke_callback()
            else:
                runner(self.execute_invoke_callback)

    def execute_invoke_callback(self) -> None:
        """Run the async caller's callback (Java ``executeInvokeCallback``); errors are logged."""
        cb = self.invoke_callback
        if cb is None:
            return
        try:
            op = getattr(cb, "operation_complete", None)
            (op or cb)(self)
        except Exception:
            log.exception("invoke callback for opaque %d raised", self.opaque)

    # ----------------------------------------------------------------- waiting
    def wait_response(self, timeout_s: float) -> "RemotingCommand | None":
        """Block the calling (non-loop) thread until completed or ``timeout_s``; the response or None."""
        lock = self._lock
        assert lock is not None, "wait_response is for sync futures"
        if lock.acquire(True, max(timeout_s, 0.0)):
            lock.release()
        return self.response_command

    def result_or_raise(self) -> "RemotingCommand":
        """The response, or the exception the caller should see."""
        if self.response_command is not None:
            return self.response_command
        if self.cause is not None:
            raise self.cause
        if self.send_request_ok:
            raise RemotingTimeoutException(self.addr, self.timeout_ms)
        raise RemotingSendRequestException(self.addr, "request not sent")
