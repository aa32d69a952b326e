"""Answer SYSTEM_BUSY instead of serving stale requests (Java ``broker.latency.BrokerFastFailure``;
B3.4.4): every 10 ms, when the page cache is busy every queued send is refused
(``[PCBUSY_CLEAN_QUEUE]``), and any send, pull, heartbeat or end-transaction request that waited
longer than its limit (200 ms, 5 s, 31 s, 3 s) is refused (``[TIMEOUT_CLEAN_QUEUE]``)."""
from __future__ import annotations

import logging
import time
from typing import Any

from rocketmq_ref.broker.latency.broker_fixed_thread_pool_executor import BrokerFixedThreadPoolExecutor, RequestTask
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.service_thread import ServiceThread
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

log = logging.getLogger("rocketmq_ref.broker")


class BrokerFastFailure(ServiceThread):
    INTERVAL_MS = 10

    def __init__(self, broker_controller: Any) -> None:
        super().__init__()
        self.broker_controller = broker_controller
        self.refused = 0

    def get_service_name(self) -> str:
        return "BrokerFastFailureScheduledThread"

    def run(self) -> None:
        while not self.is_stopped():
            self.wait_for_running(self.INTERVAL_MS)
            if self.is_stopped():
                break
            try:
                if self.broker_controller.broker_config.broker_fast_failure_enable:
                    self.clean_expired_request()
            except Exception:
                log.exception("BrokerFastFailure clean failed")

    def _refuse(self, task: RequestTask, remark: str, queue: BrokerFixedThreadPoolExecutor) -> None:
        waited = int((time.monotonic() - task.create_timestamp) * 1000)
        response = RemotingCommand.create_response_command(
            ResponseCode.SYSTEM_BUSY, f"{remark}broker busy, start flow control for a while, period in queue: "
                                      f"{waited}ms, size of queue: {queue.queue_size()}")
        self.refused += 1
        task.answer(response)

    def clean_expired_request(self) -> None:
        controller = self.broker_controller
        store = controller.message_store
        send = controller.send_message_executor
        busy = getattr(store, "is_os_page_cache_busy", None)
        while busy is not None and busy():
            task = send.poll_head()
            if task is None:
                break
            self._refuse(task, "[PCBUSY_CLEAN_QUEUE]", send)
        config = controller.broker_config
        for executor, limit in ((send, config.wait_time_mills_in_send_queue),
                                (controller.pull_message_executor, config.wait_time_mills_in_pull_queue),
                                (controller.heartbeat_executor, config.wait_time_mills_in_heartbeat_queue)):
            while True:
                task = executor.poll_expired_head(limit)
                if task is None:
                    break
                self._refuse(task, "[TIMEOUT_CLEAN_QUEUE]", executor)
