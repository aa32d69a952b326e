"""TransactionalMessageCheckService: the master's check-back thread (Java
``broker.transaction.TransactionalMessageCheckService``; B8.4, question 7).

Every ``transactionCheckInterval`` ms (60 s) it runs one ``check(transactionTimeOut,
transactionCheckMax)`` pass; BrokerController starts it on a master only.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from rocketmq_ref.common.service_thread import ServiceThread

log = logging.getLogger("rocketmq_ref.broker.transaction")


class TransactionalMessageCheckService(ServiceThread):
    def __init__(self, broker_controller: Any) -> None:
        super().__init__()
        self.broker_controller = broker_controller

    def get_service_name(self) -> str:
        return "TransactionalMessageCheckService"

    def run(self) -> None:
        log.info("Start transaction check service thread!")
        check_interval = self.broker_controller.broker_config.transaction_check_interval
        while not self.is_stopped():
            self.wait_for_running(check_interval)
        log.info("End transaction check service thread!")

    def on_wait_end(self) -> None:
        if self.is_stopped():
            return
        config = self.broker_controller.broker_config
        begin = time.time()
        log.info("Begin to check prepare message, begin time:%d", int(begin * 1000))
        controller = self.broker_controller
        controller.transactional_message_service.check(config.transaction_time_out, config.transaction_check_max,
                                                       controller.transactional_message_check_listener)
        log.info("End to check prepare message, consumed time:%d", int((time.time() - begin) * 1000))
