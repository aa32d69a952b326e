"""RebalanceService: re-allocates queues every 20 s or when woken (NOTIFY_CONSUMER_IDS_CHANGED,
consumer start) (Java ``client.impl.consumer.RebalanceService``; books A7.3.1, B5.5)."""
from __future__ import annotations

import logging
import os
from typing import Any

from rocketmq_ref.common.service_thread import ServiceThread

log = logging.getLogger("rocketmq_ref.client")

#: Java system property ``rocketmq.client.rebalance.waitInterval``
WAIT_INTERVAL = int(os.environ.get("ROCKETMQ_CLIENT_REBALANCE_WAIT_INTERVAL", "20000"))


class RebalanceService(ServiceThread):
    def __init__(self, mq_client_factory: Any) -> None:
        super().__init__()
        self.mq_client_factory = mq_client_factory
        self.wait_interval = WAIT_INTERVAL

    def run(self) -> None:
        log.info("%s service started", self.get_service_name())
        while not self.is_stopped():
            self.wait_for_running(self.wait_interval)
            if self.is_stopped():
                break
            self.mq_client_factory.do_rebalance()
        log.info("%s service end", self.get_service_name())
