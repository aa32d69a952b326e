"""ReputMessageService and the two commit-log dispatchers (Java ``DefaultMessageStore.ReputMessageService``,
``CommitLogDispatcherBuildConsumeQueue``, ``CommitLogDispatcherBuildIndex``; books B4.6, B4.6.1,
B4.6.2).

Every millisecond the reput thread reads the commit log from ``reput_from_offset`` up to what is
readable, parses each record (no CRC, no body) and hands it to the dispatchers in order: the consume
queue unit, then the index entry.  Then it tells the MessageArrivingListener, which wakes long-polling
pulls held on that queue (B5.4.3).
"""
from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from rocketmq_ref.common.service_thread import ServiceThread
from rocketmq_ref.common.sysflag import MessageSysFlag
from rocketmq_ref.common.tracing import span
from rocketmq_ref.store.config.broker_role import BrokerRole
from rocketmq_ref.store.dispatch_request import DispatchRequest

if TYPE_CHECKING:
    from rocketmq_ref.store.default_message_store import DefaultMessageStore

log = logging.getLogger("rocketmq_ref.store")

_TRAN_MASK = MessageSysFlag.TRANSACTION_ROLLBACK_TYPE
_PREPARED = MessageSysFlag.TRANSACTION_PREPARED_TYPE


class CommitLogDispatcherBuildConsumeQueue:
    """NOT_TYPE and COMMIT records get a consume-queue unit; PREPARED and ROLLBACK do not (B4.6.1)."""

    def __init__(self, store: DefaultMessageStore) -> None:
        self.store = store

    def dispatch(self, request: DispatchRequest) -> None:
        tran_type = request.sys_flag & _TRAN_MASK
        if tran_type < _PREPARED or tran_type == MessageSysFlag.TRANSACTION_COMMIT_TYPE:
            # DefaultMessageStore.put_message_position_info, one frame fewer
            self.store.find_consume_queue(request.topic, request.queue_id) \
                .put_message_position_info_wrapper(request)


class CommitLogDispatcherBuildIndex:
    """Index keys and UNIQ_KEY when ``messageIndexEnable`` (B4.6.2)."""

    def __init__(self, store: DefaultMessageStore) -> None:
        self.store = store
        self.config = store.get_message_store_config()  # one object for the store's life

    def dispatch(self, request: DispatchRequest) -> None:
        if self.config.message_index_enable:
            self.store.get_index_service().build_index(request)


class ReputMessageService(ServiceThread):
    def __init__(self, store: DefaultMessageStore) -> None:
        super().__init__()
        self.store = store
        self.reput_from_offset = 0

    def get_reput_from_offset(self) -> int:
        return self.reput_from_offset

    def set_reput_from_offset(self, offset: int) -> None:
        self.reput_from_offset = offset

    def behind(self) -> int:
        return self.store.get_commit_log().get_max_offset() - self.reput_from_offset

    def is_commit_log_available(self) -> bool:
        return self.reput_from_offset < self.store.get_commit_log().get_max_offset()

    def shutdown(self, interrupt: bool = False) -> None:
        """Give dispatch up to 5 s to catch up, as Java does, then stop."""
        for _ in range(50):
            if not self.is_commit_log_available() or not self.is_alive():
                break
            time.sleep(0.1)
        if self.is_commit_log_available():
            log.warning("shutdown ReputMessageService, but commitlog have not finish to be "
                        "dispatched, CL: %d reputFromOffset: %d",
                        self.store.get_commit_log().get_max_offset(), self.reput_from_offset)
        super().shutdown(interrupt)

    def do_reput(self) -> int:
        """Dispatch everything readable; return the number of records dispatched."""
        store = self.store
        commit_log = store.get_commit_log()
        min_offset = commit_log.get_min_offset()
        if self.reput_from_offset < min_offset:
            log.warning("The reputFromOffset=%d is smaller than minPyOffset=%d, this usually "
                        "indicate that the dispatch behind too much and the commitlog has expired.",
                        self.reput_from_offset, min_offset)
            self.reput_from_offset = min_offset
        if not self.is_commit_log_available():
            return 0
        with span("ReputMessageService.do_reput",
                  java="org.apache.rocketmq.store.DefaultMessageStore$ReputMessageService#doReput",
                  books=("B4.6", "B4.6.1", "B4.6.2")) as s:
            recording = s.is_recording()
            start_offset = self.reput_from_offset
            dispatched = self._do_reput(store, commit_log, s if recording else None)
            if recording:
                s.set_attributes({"rocketmq_ref.store.reput_from_offset": start_offset,
                                  "rocketmq_ref.store.reput_to_offset": self.reput_from_offset,
                                  "rocketmq_ref.store.records": dispatched})
            return dispatched

    def _do_reput(self, store: DefaultMessageStore, commit_log, s) -> int:
        cfg = store.get_message_store_config()
        dispatch_list = store.dispatcher_list
        listener = store.message_arriving_listener
        notify = (listener is not None and cfg.broker_role is not BrokerRole.SLAVE
                  and store.is_long_polling_enable())
        is_master = store.get_broker_id() == 0
        is_slave = cfg.broker_role is BrokerRole.SLAVE
        check = commit_log.check_message_and_return_size
        dispatched = 0
        do_next = True
        while do_next and self.is_commit_log_available():
            if cfg.duplication_enable and self.reput_from_offset >= store.get_confirm_offset():
                break
            result = commit_log.get_data(self.reput_from_offset)
            if result is None:
                break
            try:
                self.reput_from_offset = result.start_offset
                buf = result.byte_buffer
                total = result.size
                read_size = 0
                while read_size < total and do_next:
                    req = check(buf, read_size, False, False)
                    size = req.msg_size if req.buffer_size == -1 else req.buffer_size
                    if req.success:
                        if size > 0:
                            for dispatcher in dispatch_list:
                                dispatcher.dispatch(req)
                            if s is not None:
                                s.add_event("dispatch", {
                                    "messaging.destination.name": req.topic,
                                    "rocketmq_ref.store.queue_id": req.queue_id,
                                    "rocketmq_ref.store.queue_offset": req.consume_queue_offset,
                                    "rocketmq_ref.store.commit_log_offset": req.commit_log_offset})
                            if notify:
                                try:
                                    listener.arriving(req.topic, req.queue_id,
                                                      req.consume_queue_offset + 1, req.tags_code,
                                                      req.store_timestamp, req.bit_map,
                                                      req.properties_map)
                                except Exception:  # a broken listener must not stall dispatch
                                    log.exception("MessageArrivingListener.arriving failed")
                            self.reput_from_offset += size
                            read_size += size
                            dispatched += 1
                            if is_slave:
                                store.store_stats_service.on_put(req.topic, 1, req.msg_size)
                        else:  # blank record: the rest of this file is empty
                            self.reput_from_offset = commit_log.roll_next_file(self.reput_from_offset)
                            read_size = total
                    elif size > 0:
                        log.error("[BUG]read total count not equals msg total size. "
                                  "reputFromOffset=%d", self.reput_from_offset)
                        self.reput_from_offset += size
                        read_size += size
                    else:
                        do_next = False
                        if is_master:
                            log.error("[BUG]dispatch message to consume queue error, COMMITLOG "
                                      "OFFSET: %d", self.reput_from_offset)
                            self.reput_from_offset += total - read_size
            finally:
                result.release()
        return dispatched

    def run(self) -> None:
        while not self.is_stopped():
            try:
                self.wait_for_running(1)
                self.do_reput()
            except Exception:
                log.exception("%s service has exception.", self.get_service_name())
