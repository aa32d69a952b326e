"""FlushConsumeQueueService (Java ``DefaultMessageStore.FlushConsumeQueueService``; book B4.8): every
``flushIntervalConsumeQueue`` (1 s) flush consume queues with at least 2 dirty pages, everything every
60 s; on a thorough round also write the checkpoint with the dispatch timestamp seen at its start."""
from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from rocketmq_ref.common.service_thread import ServiceThread

if TYPE_CHECKING:
    from rocketmq_ref.store.default_message_store import DefaultMessageStore

log = logging.getLogger("rocketmq_ref.store")

RETRY_TIMES_OVER = 3


class FlushConsumeQueueService(ServiceThread):
    JOIN_TIME_MS = 1000 * 60

    def __init__(self, store: DefaultMessageStore) -> None:
        super().__init__()
        self.store = store
        self.last_flush_timestamp = 0

    def do_flush(self, retry_times: int) -> None:
        cfg = self.store.get_message_store_config()
        least_pages = 0 if retry_times == RETRY_TIMES_OVER else cfg.flush_consume_queue_least_pages
        logics_msg_timestamp = 0
        now = int(time.time() * 1000)
        checkpoint = self.store.get_store_checkpoint()
        if now >= self.last_flush_timestamp + cfg.flush_consume_queue_thorough_interval:
            self.last_flush_timestamp = now
            least_pages = 0
            # only what was dispatched before this round started is known to be on disk after it
            logics_msg_timestamp = checkpoint.get_logics_msg_timestamp()
        for maps in list(self.store.get_consume_queue_table().values()):
            for cq in list(maps.values()):
                result = False
                for _ in range(retry_times):
                    if result:
                        break
                    result = cq.flush(least_pages)
        if least_pages == 0:
            if logics_msg_timestamp > 0:
                # the file gets the time seen before this round (units dispatched since may not be
                # flushed yet); Java also leaves it in memory, where it would hide newer dispatches
                # from the next write, so put the newer value back once the file has the old one
                latest = checkpoint.get_logics_msg_timestamp()
                checkpoint.set_logics_msg_timestamp(logics_msg_timestamp)
                checkpoint.flush()
                if latest > logics_msg_timestamp and \
                        checkpoint.get_logics_msg_timestamp() == logics_msg_timestamp:
                    checkpoint.set_logics_msg_timestamp(latest)
            else:
                checkpoint.flush()

    def run(self) -> None:
        cfg = self.store.get_message_store_config()
        while not self.is_stopped():
            try:
                self.wait_for_running(cfg.flush_interval_consume_queue)
                self.do_flush(1)
            except Exception:
                log.exception("%s service has exception.", self.get_service_name())
        self.do_flush(RETRY_TIMES_OVER)
