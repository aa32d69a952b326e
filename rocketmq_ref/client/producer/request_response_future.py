"""RequestResponseFuture: one request waiting for its reply, keyed by correlation id
(Java ``client.producer.RequestResponseFuture``; books A3.2.1, B9.8).

A synchronous request blocks in ``wait_response_message``; the reply (``put_response_message``,
from ``ClientRemotingProcessor``) or a failed send releases it.  An asynchronous one has a
``RequestCallback`` run once: with the reply, the send failure, or ``RequestTimeoutException`` from
the holder's scan.  ``request_span`` is the requester's span, ended when the request completes.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

from opentelemetry import trace

from rocketmq_ref.common.tracing import record_error

log = logging.getLogger("rocketmq_ref.client")


class RequestResponseFuture:
    def __init__(self, correlation_id: str, timeout_millis: int, request_callback: Any = None,
                 request_span: trace.Span | None = None) -> None:
        self.correlation_id = correlation_id
        self.timeout_millis = timeout_millis
        self.request_callback = request_callback
        self.begin_timestamp = int(time.time() * 1000)
        self.request_span = request_span
        #: the requester's span context: the reply's receipt span links to it
        self.request_span_context: trace.SpanContext | None = (
            request_span.get_span_context() if request_span is not None else None)
        self.response_msg: Any = None
        self.send_request_ok = True
        self.cause: BaseException | None = None
        self._latch = threading.Event()
        self._done_lock = threading.Lock()
        self._callback_done = False

    def is_timeout(self) -> bool:
        return int(time.time() * 1000) - self.begin_timestamp > self.timeout_millis

    def wait_response_message(self, timeout_ms: float) -> Any:
        """The reply, or None when none came within ``timeout_ms`` (or the send failed)."""
        self._latch.wait(max(timeout_ms, 0) / 1000.0)
        return self.response_msg

    def put_response_message(self, response_msg: Any) -> None:
        self.response_msg = response_msg
        self._latch.set()

    def execute_request_callback(self) -> None:
        """Java ``executeRequestCallback``: ``on_success(reply)`` when the send was OK and nothing
        failed, else ``on_exception(cause)``.  Runs at most once per future (the scan, a failed send
        and a late reply can race), and ends the request span."""
        with self._done_lock:
            if self._callback_done:
                return
            self._callback_done = True
        ok = self.send_request_ok and self.cause is None
        self.end_span()
        if self.request_callback is None:
            return
        if ok:
            self.request_callback.on_success(self.response_msg)
        else:
            self.request_callback.on_exception(self.cause)

    def end_span(self) -> None:
        s, self.request_span = self.request_span, None
        if s is None:
            return
        if s.is_recording():
            if self.cause is not None:
                record_error(s, self.cause)
            elif self.response_msg is not None:
                s.set_attribute("rocketmq_ref.request.replied", True)
        s.end()

    # Java getters, for readers following the Java code
    def get_correlation_id(self) -> str:
        return self.correlation_id

    def get_response_msg(self) -> Any:
        return self.response_msg

    def is_send_request_ok(self) -> bool:
        return self.send_request_ok

    def set_send_request_ok(self, ok: bool) -> None:
        self.send_request_ok = ok

    def get_cause(self) -> BaseException | None:
        return self.cause

    def set_cause(self, cause: BaseException | None) -> None:
        self.cause = cause
