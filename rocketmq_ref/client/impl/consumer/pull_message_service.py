"""PullMessageService: the one thread per client instance that runs every queue's pull
(Java ``client.impl.consumer.PullMessageService``; books A11.1.3, B5.4.1).

Pull requests wait in a blocking queue; a delayed request goes through the
``PullMessageServiceScheduledThread`` timer first (flow control, exceptions, pull interval).
"""
from __future__ import annotations

import logging
import queue
from typing import Any, Callable

from rocketmq_ref.client.common.scheduled_executor import ScheduledExecutor
from rocketmq_ref.common.service_thread import ServiceThread

log = logging.getLogger("rocketmq_ref.client")

_STOP = object()


class PullMessageService(ServiceThread):
    def __init__(self, mq_client_factory: Any) -> None:
        super().__init__()
        self.mq_client_factory = mq_client_factory
        self.pull_request_queue: queue.Queue[Any] = queue.Queue()
        self.scheduled_executor_service: ScheduledExecutor | None = None

    def start(self) -> None:
        if self.scheduled_executor_service is None or self.scheduled_executor_service.is_shutdown():
            self.scheduled_executor_service = ScheduledExecutor("PullMessageServiceScheduledThread")
        super().start()

    def execute_pull_request_later(self, pull_request: Any, time_delay_ms: float) -> None:
        if self.is_stopped():
            log.warning("PullMessageServiceScheduledThread has shutdown")
            return
        ses = self.scheduled_executor_service
        if ses is not None:
            ses.schedule(lambda: self.execute_pull_request_immediately(pull_request), time_delay_ms)

    def execute_pull_request_immediately(self, pull_request: Any) -> None:
        if not self.is_stopped():
            self.pull_request_queue.put(pull_request)

    def execute_task_later(self, fn: Callable[[], None], time_delay_ms: float) -> None:
        if not self.is_stopped() and self.scheduled_executor_service is not None:
            self.scheduled_executor_service.schedule(fn, time_delay_ms)

    def _pull_message(self, pull_request: Any) -> None:
        consumer = self.mq_client_factory.select_consumer(pull_request.consumer_group)
        if consumer is not None and hasattr(consumer, "pull_message"):
            consumer.pull_message(pull_request)
        else:
            log.warning("No matched consumer for the PullRequest %s, drop it", pull_request)

    def run(self) -> None:
        log.info("%s service started", self.get_service_name())
        while not self.is_stopped():
            item = self.pull_request_queue.get()
            if item is _STOP or self.is_stopped():
                break
            try:
                self._pull_message(item)
            except Exception:  # noqa: BLE001 - one bad pull must not stop the others
                log.exception("Pull Message Service Run Method exception")
        log.info("%s service end", self.get_service_name())

    def shutdown(self, interrupt: bool = False) -> None:
        if self.scheduled_executor_service is not None:
            self.scheduled_executor_service.shutdown()
        self.make_stop()
        self.pull_request_queue.put(_STOP)
        super().shutdown(interrupt)
