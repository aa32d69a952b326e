"""RequestFutureHolder: the process-wide table of requests waiting for replies, and the
``RequestHouseKeepingService`` that fails the ones past their timeout
(Java ``client.producer.RequestFutureHolder``, 4.9.x; ``RequestFutureTable`` before 4.7; books A3.2.1, B9.8).

``request_future_table`` maps a correlation id to its ``RequestResponseFuture``; the reply's
``CORRELATION_ID`` finds it.  Every started producer registers with ``start_scheduled_task``: the
first one starts the scan (after 3 s, then every second, as Java), the last ``shutdown`` stops it.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from rocketmq_ref.client.common.scheduled_executor import ScheduledExecutor
from rocketmq_ref.client.exception import RequestTimeoutException
from rocketmq_ref.client.producer.request_response_future import RequestResponseFuture
from rocketmq_ref.common.tracing import span

log = logging.getLogger("rocketmq_ref.client")

REQUEST_TIMEOUT_EXCEPTION = 10006  # ClientErrorCode.REQUEST_TIMEOUT_EXCEPTION
SCAN_INITIAL_DELAY_MS = 3000
SCAN_PERIOD_MS = 1000


class RequestFutureHolder:
    _instance: "RequestFutureHolder | None" = None
    _instance_lock = threading.Lock()

    def __init__(self) -> None:
        self.request_future_table: dict[str, RequestResponseFuture] = {}
        self.producer_set: set[Any] = set()
        self.scheduled_executor_service: ScheduledExecutor | None = None
        self._lock = threading.Lock()

    @classmethod
    def get_instance(cls) -> "RequestFutureHolder":
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = RequestFutureHolder()
            return cls._instance

    def get_request_future_table(self) -> dict[str, RequestResponseFuture]:
        return self.request_future_table

    def scan_expired_request(self) -> None:
        """Java ``scanExpiredRequest``: take out every request past its timeout, then fail each with
        ``RequestTimeoutException`` (an async request's callback gets it)."""
        expired = []
        for correlation_id, future in list(self.request_future_table.items()):
            if future.is_timeout() and self.request_future_table.pop(correlation_id, None) is not None:
                expired.append(future)
                log.warning("remove timeout request, CorrelationId=%s", correlation_id)
        if not expired:
            return
        with span("RequestFutureHolder.scan_expired_request",
                  java="org.apache.rocketmq.client.producer.RequestFutureHolder#scanExpiredRequest",
                  books=("A3.2.1", "B9.8"), attributes={"rocketmq_ref.request.expired": len(expired)}):
            for future in expired:
                try:
                    future.set_cause(RequestTimeoutException(
                        REQUEST_TIMEOUT_EXCEPTION, "request timeout, no reply message."))
                    future.execute_request_callback()
                except Exception:  # noqa: BLE001 - one bad callback must not stop the scan
                    log.warning("scanResponseTable, operationComplete Exception", exc_info=True)

    def start_scheduled_task(self, producer: Any) -> None:
        with self._lock:
            self.producer_set.add(producer)
            if self.scheduled_executor_service is None:
                self.scheduled_executor_service = ScheduledExecutor("RequestHouseKeepingService")
                self.scheduled_executor_service.schedule_at_fixed_rate(
                    self.scan_expired_request, SCAN_INITIAL_DELAY_MS, SCAN_PERIOD_MS)

    def shutdown(self, producer: Any) -> None:
        with self._lock:
            self.producer_set.discard(producer)
            if self.producer_set or self.scheduled_executor_service is None:
                return
            executor, self.scheduled_executor_service = self.scheduled_executor_service, None
        executor.shutdown()
