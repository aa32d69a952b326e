"""DefaultMessageStore (Java ``org.apache.rocketmq.store.DefaultMessageStore``; books A5, B4.1-B4.9):
the facade the broker uses.  It owns the commit log, the consume queues, the index, the checkpoint
and every store thread, and wires them together:

* ``load()``: abort file present => the last run crashed; map the commit log and consume queues,
  read the checkpoint, load the index, recover (B4.7), rebuild the topic-queue offset table.
* ``start()``: take the ``lock`` file, start dispatch from where the consume queues end and wait
  until it has caught up, then the flush, schedule and clean-up services; create ``abort``.
* ``put_message`` / ``get_message``: the send and pull paths (B4.3, B5).
* ``shutdown()``: stop everything; delete ``abort`` only if dispatch caught up and the store is sane.
"""
from __future__ import annotations

import concurrent.futures
import fcntl
import logging
import os
import struct
import threading
import time
from typing import Any

from rocketmq_ref.common.message import message_decoder
from rocketmq_ref.common.message.message import MessageExt
from rocketmq_ref.common.message.message_decoder import MAX_PROPERTIES_LENGTH
from rocketmq_ref.common.message.message_decoder import MAX_TOPIC_LENGTH_V1 as MAX_TOPIC_LENGTH
from rocketmq_ref.common.mixall import is_lmq
from rocketmq_ref.common.service_thread import ServiceThread
from rocketmq_ref.common.topic_validator import RMQ_SYS_SCHEDULE_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC
from rocketmq_ref.common.tracing import record_error, span
from rocketmq_ref.common.utilall import get_disk_partition_space_used_percent
from rocketmq_ref.store.allocate_mapped_file_service import AllocateMappedFileService
from rocketmq_ref.store.append_message_result import AppendMessageStatus
from rocketmq_ref.store.clean_services import CleanCommitLogService, CleanConsumeQueueService
from rocketmq_ref.store.commit_log import CommitLog, completed_future
from rocketmq_ref.store.config.broker_role import BrokerRole
from rocketmq_ref.store.config.message_store_config import MULTI_PATH_SPLITTER, MessageStoreConfig
from rocketmq_ref.store.config.store_path_config_helper import StorePathConfigHelper
from rocketmq_ref.store.consume_queue import CQ_STORE_UNIT_SIZE, ConsumeQueue
from rocketmq_ref.store.consume_queue_ext import is_ext_addr
from rocketmq_ref.store.dispatch_request import DispatchRequest
from rocketmq_ref.store.flush_consume_queue_service import FlushConsumeQueueService
from rocketmq_ref.store.get_message_result import GetMessageResult, GetMessageStatus
from rocketmq_ref.store.index.index_service import IndexService
from rocketmq_ref.store.message_arriving_listener import MessageArrivingListener
from rocketmq_ref.store.message_store import MessageStore
from rocketmq_ref.store.put_message_result import PutMessageResult, PutMessageStatus
from rocketmq_ref.store.query_message_result import QueryMessageResult
from rocketmq_ref.store.reput_message_service import (CommitLogDispatcherBuildConsumeQueue,
                                                      CommitLogDispatcherBuildIndex,
                                                      ReputMessageService)
from rocketmq_ref.store.running_flags import RunningFlags
from rocketmq_ref.store.schedule.schedule_message_service import ScheduleMessageService
from rocketmq_ref.store.select_mapped_buffer_result import SelectMappedBufferResult
from rocketmq_ref.store.store_checkpoint import StoreCheckpoint
from rocketmq_ref.store.store_stats_service import StoreStatsService
from rocketmq_ref.store.transient_store_pool import TransientStorePool

log = logging.getLogger("rocketmq_ref.store")

_UNIT = struct.Struct(">qiq")
_INT = struct.Struct(">i")
_SLAVE = BrokerRole.SLAVE
_APPEND_OK = AppendMessageStatus.PUT_OK


def _total_physical_memory_size() -> int:
    """Java ``StoreUtil.TOTAL_PHYSICAL_MEMORY_SIZE``."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 24 * 1024 ** 3


TOTAL_PHYSICAL_MEMORY_SIZE = _total_physical_memory_size()


class MessageStoreError(Exception):
    """The store cannot start: the lock is held by another process, or load failed."""


class _ScheduledTasks(ServiceThread):
    """The store's scheduled executors: clean files (first after 60 s, every cleanResourceInterval),
    self-check every 10 min, disk-space check every 10 s."""

    def __init__(self, store: DefaultMessageStore) -> None:
        super().__init__()
        self.store = store

    def get_service_name(self) -> str:
        return "StoreScheduledThread"

    def run(self) -> None:
        store = self.store
        now = time.monotonic()
        next_clean = now + 60
        next_check_self = now + 60
        next_disk = now + 1
        while not self.is_stopped():
            self.wait_for_running(200)
            if self.is_stopped():
                break
            now = time.monotonic()
            try:
                if now >= next_disk:
                    next_disk = now + 10
                    store.clean_commit_log_service.is_space_full()
                if now >= next_clean:
                    next_clean = now + store.message_store_config.clean_resource_interval / 1000.0
                    store.clean_files_periodically()
                if now >= next_check_self:
                    next_check_self = now + 600
                    store.check_self()
            except Exception:
                log.exception("store scheduled task failed")


class DefaultMessageStore(MessageStore):
    def __init__(self, message_store_config: MessageStoreConfig, broker_stats_manager: Any = None,
                 message_arriving_listener: MessageArrivingListener | None = None,
                 broker_config: Any = None) -> None:
        self.message_store_config = message_store_config
        self.broker_stats_manager = broker_stats_manager
        self.message_arriving_listener = message_arriving_listener
        self.broker_config = broker_config
        self.running_flags = RunningFlags()
        self.shutdown_flag = True
        self.shut_down_normal = False
        self.transient_store_pool = TransientStorePool(message_store_config)
        if message_store_config.is_transient_store_pool_enable():
            self.transient_store_pool.init()
        self.allocate_mapped_file_service = AllocateMappedFileService(message_store_config,
                                                                      self.transient_store_pool)
        self.consume_queue_table: dict[str, dict[int, ConsumeQueue]] = {}
        self._cq_table_lock = threading.Lock()
        self.store_stats_service = StoreStatsService()
        self.commit_log = CommitLog(self)
        self.flush_consume_queue_service = FlushConsumeQueueService(self)
        self.clean_commit_log_service = CleanCommitLogService(self)
        self.clean_consume_queue_service = CleanConsumeQueueService(self)
        self.store_checkpoint: StoreCheckpoint | None = None
        self.index_service = IndexService(self)
        self.ha_service: Any = None  # replication is wired in by the HA module when present
        self.reput_message_service = ReputMessageService(self)
        self.schedule_message_service = ScheduleMessageService(self)
        self._scheduled = _ScheduledTasks(self)
        self.allocate_mapped_file_service.start()
        self.index_service.start()
        self.dispatcher_list: list[Any] = [CommitLogDispatcherBuildConsumeQueue(self),
                                           CommitLogDispatcherBuildIndex(self)]
        root = message_store_config.store_path_root_dir
        os.makedirs(root, exist_ok=True)
        for path in message_store_config.get_store_path_commit_log().split(MULTI_PATH_SPLITTER):
            os.makedirs(path.strip(), exist_ok=True)
        os.makedirs(self.get_store_path_logic(), exist_ok=True)
        self._lock_fd = os.open(StorePathConfigHelper.get_lock_file(root), os.O_RDWR | os.O_CREAT, 0o644)
        self._locked = False

    # -- accessors the other store classes use (Java getters)
    def get_message_store_config(self) -> MessageStoreConfig:
        return self.message_store_config

    def get_commit_log(self) -> CommitLog:
        return self.commit_log

    def get_running_flags(self) -> RunningFlags:
        return self.running_flags

    get_access_rights = get_running_flags

    def get_store_checkpoint(self) -> StoreCheckpoint:
        assert self.store_checkpoint is not None, "load() first"
        return self.store_checkpoint

    def get_index_service(self) -> IndexService:
        return self.index_service

    def get_schedule_message_service(self) -> ScheduleMessageService:
        return self.schedule_message_service

    def get_ha_service(self) -> Any:
        return self.ha_service

    def get_allocate_mapped_file_service(self) -> AllocateMappedFileService:
        return self.allocate_mapped_file_service

    def get_transient_store_pool(self) -> TransientStorePool:
        return self.transient_store_pool

    def get_store_stats_service(self) -> StoreStatsService:
        return self.store_stats_service

    def get_consume_queue_table(self) -> dict[str, dict[int, ConsumeQueue]]:
        return self.consume_queue_table

    def get_dispatcher_list(self) -> list[Any]:
        return self.dispatcher_list

    def get_broker_stats_manager(self) -> Any:
        return self.broker_stats_manager

    def get_store_path_physic(self) -> str:
        return self.message_store_config.get_store_path_commit_log()

    def get_store_path_logic(self) -> str:
        return StorePathConfigHelper.get_store_path_consume_queue(
            self.message_store_config.store_path_root_dir)

    def is_long_polling_enable(self) -> bool:
        return bool(getattr(self.broker_config, "long_polling_enable", True))

    def get_broker_id(self) -> int:
        return int(getattr(self.broker_config, "broker_id", 0))

    def now(self) -> int:
        return int(time.time() * 1000)

    # -- delay levels (the commit log rewrites delayed messages; B5.7)
    def get_max_delay_level(self) -> int:
        return self.schedule_message_service.get_max_delay_level()

    def compute_deliver_timestamp(self, delay_level: int, store_timestamp: int, default: int) -> int:
        """The tags code of a SCHEDULE_TOPIC_XXXX unit: its delivery time (level clamped)."""
        svc = self.schedule_message_service
        level = min(delay_level, svc.get_max_delay_level())
        if level > 0:
            return svc.compute_deliver_timestamp(level, store_timestamp)
        return default

    # -- load and recover (B4.7)
    def is_temp_file_exist(self) -> bool:
        return os.path.exists(StorePathConfigHelper.get_abort_file(
            self.message_store_config.store_path_root_dir))

    def load(self) -> bool:
        with span("DefaultMessageStore.load", java="org.apache.rocketmq.store.DefaultMessageStore#load",
                  books=("B4.7",)) as s:
            result = True
            try:
                last_exit_ok = not self.is_temp_file_exist()
                log.info("last shutdown %s", "normally" if last_exit_ok else "abnormally")
                if s.is_recording():
                    s.set_attribute("rocketmq_ref.store.last_exit_ok", last_exit_ok)
                result = self.commit_log.load() and self.load_consume_queue()
                if result:
                    self.store_checkpoint = StoreCheckpoint(StorePathConfigHelper.get_store_checkpoint(
                        self.message_store_config.store_path_root_dir))
                    self.index_service.load(last_exit_ok)
                    self.recover(last_exit_ok)
                    log.info("load over, and the max phy offset = %d", self.get_max_phy_offset())
                    result = self.schedule_message_service.load()
            except Exception as e:
                log.exception("load exception")
                record_error(s, e)
                result = False
            if not result:
                self.allocate_mapped_file_service.shutdown()
            return result

    def load_consume_queue(self) -> bool:
        dir_logic = self.get_store_path_logic()
        try:
            topics = sorted(os.listdir(dir_logic))
        except FileNotFoundError:
            topics = []
        for topic in topics:
            topic_dir = os.path.join(dir_logic, topic)
            if not os.path.isdir(topic_dir):
                continue
            for qid in sorted(os.listdir(topic_dir)):
                try:
                    queue_id = int(qid)
                except ValueError:
                    continue
                logic = ConsumeQueue(topic, queue_id, dir_logic,
                                     self.message_store_config.get_mapped_file_size_consume_queue(), self)
                self.put_consume_queue(topic, queue_id, logic)
                if not logic.load():
                    return False
        log.info("load logics queue all over, OK")
        return True

    def recover(self, last_exit_ok: bool) -> None:
        max_phy_offset_of_consume_queue = self.recover_consume_queue()
        if last_exit_ok:
            self.commit_log.recover_normally(max_phy_offset_of_consume_queue)
        else:
            self.commit_log.recover_abnormally(max_phy_offset_of_consume_queue)
        self.recover_topic_queue_table()

    def recover_consume_queue(self) -> int:
        max_physic_offset = -1
        for maps in list(self.consume_queue_table.values()):
            for logic in list(maps.values()):
                logic.recover()
                max_physic_offset = max(max_physic_offset, logic.get_max_physic_offset())
        return max_physic_offset

    def recover_topic_queue_table(self) -> None:
        table: dict[str, int] = {}
        min_phy_offset = self.commit_log.get_min_offset()
        for maps in list(self.consume_queue_table.values()):
            for logic in list(maps.values()):
                table[f"{logic.get_topic()}-{logic.get_queue_id()}"] = logic.get_max_offset_in_queue()
                logic.correct_min_offset(min_phy_offset)
        self.commit_log.set_topic_queue_table(table)

    def truncate_dirty_logic_files(self, phy_offset: int) -> None:
        for maps in list(self.consume_queue_table.values()):
            for logic in list(maps.values()):
                logic.truncate_dirty_logic_files(phy_offset)

    def destroy_logics(self) -> None:
        for maps in list(self.consume_queue_table.values()):
            for logic in list(maps.values()):
                logic.destroy()

    # -- start and shutdown
    def start(self) -> None:
        try:
            # flock excludes another store in this process; the POSIX lock is what a Java
            # broker's FileChannel.tryLock takes, so the two exclude each other too
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.lockf(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 0)
        except OSError:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            except OSError:
                pass
            raise MessageStoreError("Lock failed,MQ already started") from None
        self._locked = True
        os.pwrite(self._lock_fd, b"lock", 0)
        os.fsync(self._lock_fd)
        with span("DefaultMessageStore.start", java="org.apache.rocketmq.store.DefaultMessageStore#start",
                  books=("B4.6", "B4.7")) as s:
            commit_log_min = self.commit_log.get_min_offset()
            max_physical_pos_in_logic_queue = commit_log_min
            for maps in list(self.consume_queue_table.values()):
                for logic in list(maps.values()):
                    max_physical_pos_in_logic_queue = max(max_physical_pos_in_logic_queue,
                                                          logic.get_max_physic_offset())
            if max_physical_pos_in_logic_queue < 0:
                max_physical_pos_in_logic_queue = 0
            if max_physical_pos_in_logic_queue < commit_log_min:
                max_physical_pos_in_logic_queue = commit_log_min
                log.warning("[TooSmallCqOffset] maxPhysicalPosInLogicQueue=%d clMinOffset=%d",
                            max_physical_pos_in_logic_queue, commit_log_min)
            log.info("[SetReputOffset] maxPhysicalPosInLogicQueue=%d clMinOffset=%d clMaxOffset=%d",
                     max_physical_pos_in_logic_queue, commit_log_min, self.commit_log.get_max_offset())
            if s.is_recording():
                s.set_attributes({"rocketmq_ref.store.reput_from_offset": max_physical_pos_in_logic_queue,
                                  "rocketmq_ref.store.commit_log_max_offset":
                                      self.commit_log.get_max_offset()})
            self.reput_message_service.set_reput_from_offset(max_physical_pos_in_logic_queue)
            self.reput_message_service.start()
            # dispatch what the consume queues missed before anything else runs (B4.7)
            while self.dispatch_behind_bytes() > 0:
                time.sleep(0.005)
                if not self.reput_message_service.is_alive():
                    raise MessageStoreError("ReputMessageService died while catching up")
            self.recover_topic_queue_table()
        if self.ha_service is not None:
            self.ha_service.start()
        self.handle_schedule_message_service(self.message_store_config.broker_role)
        self.flush_consume_queue_service.start()
        self.commit_log.start()
        self.store_stats_service.start()
        self.create_temp_file()
        self._scheduled.start()
        self.shutdown_flag = False

    def shutdown(self) -> None:
        if not self.shutdown_flag:
            self.shutdown_flag = True
            self._scheduled.shutdown()
            self.schedule_message_service.shutdown()
            if self.ha_service is not None:
                self.ha_service.shutdown()
            self.store_stats_service.shutdown()
            self.commit_log.shutdown()
            self.reput_message_service.shutdown()
            # after dispatch stopped (Java's IndexService.shutdown does nothing; ours unmaps)
            self.index_service.shutdown()
            self.flush_consume_queue_service.shutdown()
            self.allocate_mapped_file_service.shutdown()
            if self.store_checkpoint is not None:
                self.store_checkpoint.flush()
                self.store_checkpoint.shutdown()
            if self.running_flags.is_writeable() and self.dispatch_behind_bytes() == 0:
                self._delete_file(StorePathConfigHelper.get_abort_file(
                    self.message_store_config.store_path_root_dir))
                self.shut_down_normal = True
            else:
                log.warning("the store may be wrong, so shutdown abnormally, and keep abort file.")
            self._close_files()
        else:  # loaded but never started (or stopped twice): just let go of the files
            self.allocate_mapped_file_service.shutdown()
            self.index_service.shutdown()
            if self.store_checkpoint is not None:
                self.store_checkpoint.shutdown()
            self._close_files()
        self.transient_store_pool.destroy()
        if self._lock_fd >= 0:
            if self._locked:
                try:
                    fcntl.lockf(self._lock_fd, fcntl.LOCK_UN, 1, 0)
                    fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                except OSError:
                    pass
            os.close(self._lock_fd)
            self._lock_fd = -1

    def _close_files(self) -> None:
        """Unmap everything (the JVM does this at exit; a Python process that lives on must)."""
        self.commit_log.mapped_file_queue.close()
        for maps in list(self.consume_queue_table.values()):
            for logic in list(maps.values()):
                logic.close()

    def destroy(self) -> None:
        self.destroy_logics()
        self.commit_log.destroy()
        self.index_service.destroy()
        root = self.message_store_config.store_path_root_dir
        self._delete_file(StorePathConfigHelper.get_abort_file(root))
        self._delete_file(StorePathConfigHelper.get_store_checkpoint(root))

    @staticmethod
    def _delete_file(name: str) -> None:
        try:
            os.unlink(name)
            log.info("%s delete OK", name)
        except FileNotFoundError:
            log.info("%s delete Failed", name)

    def create_temp_file(self) -> None:
        name = StorePathConfigHelper.get_abort_file(self.message_store_config.store_path_root_dir)
        existed = os.path.exists(name)
        with open(name, "ab"):
            pass
        log.info("%s %s", name, "already exists" if existed else "create OK")

    def handle_schedule_message_service(self, broker_role: BrokerRole) -> None:
        if broker_role is BrokerRole.SLAVE:
            self.schedule_message_service.shutdown()
        else:
            self.schedule_message_service.start()

    def clean_files_periodically(self) -> None:
        self.clean_commit_log_service.run()
        self.clean_consume_queue_service.run()

    def check_self(self) -> None:
        self.commit_log.check_self()
        for maps in list(self.consume_queue_table.values()):
            for cq in list(maps.values()):
                cq.check_self()

    def execute_delete_files_manually(self) -> None:
        self.clean_commit_log_service.execute_delete_files_manually()

    # -- put (B4.3)
    def check_store_status(self) -> PutMessageStatus:
        if self.shutdown_flag:
            log.warning("message store has shutdown, so putMessage is forbidden")
            return PutMessageStatus.SERVICE_NOT_AVAILABLE
        if self.message_store_config.broker_role is BrokerRole.SLAVE:
            return PutMessageStatus.SERVICE_NOT_AVAILABLE
        if not self.running_flags.is_writeable():
            return PutMessageStatus.SERVICE_NOT_AVAILABLE
        if self.is_os_page_cache_busy():
            return PutMessageStatus.OS_PAGECACHE_BUSY
        return PutMessageStatus.PUT_OK

    def check_message(self, msg: Any) -> PutMessageStatus:
        if len(msg.topic) > MAX_TOPIC_LENGTH:
            log.warning("putMessage message topic length too long %d", len(msg.topic))
            return PutMessageStatus.MESSAGE_ILLEGAL
        if msg.properties_string and len(msg.properties_string) > MAX_PROPERTIES_LENGTH:
            log.warning("putMessage message properties length too long %d", len(msg.properties_string))
            return PutMessageStatus.MESSAGE_ILLEGAL
        return PutMessageStatus.PUT_OK

    def check_messages(self, batch: Any) -> PutMessageStatus:
        if len(batch.topic) > MAX_TOPIC_LENGTH:
            return PutMessageStatus.MESSAGE_ILLEGAL
        if len(batch.body) > self.message_store_config.max_message_size:
            log.warning("PutMessages body length too long %d", len(batch.body))
            return PutMessageStatus.MESSAGE_ILLEGAL
        return PutMessageStatus.PUT_OK

    def _pre_check(self, status: PutMessageStatus) -> PutMessageResult | None:
        if status is not PutMessageStatus.PUT_OK:
            self.store_stats_service.on_put_failed()
            return PutMessageResult(status)
        return None

    def _after_put(self, begin: float, result: PutMessageResult) -> PutMessageResult:
        elapsed = int((time.monotonic() - begin) * 1000)
        if elapsed > 500:
            log.warning("putMessage not in lock elapsed time(ms)=%d", elapsed)
        stats = self.store_stats_service
        stats.set_put_message_entire_time_max(elapsed)
        ar = result.append_message_result
        if ar is None or ar.status is not _APPEND_OK:
            stats.on_put_failed()
        return result

    def put_message(self, msg: Any) -> PutMessageResult:
        """Store one MessageExtBrokerInner; blocks for the flush/slave the config asks for."""
        failed = self._check_put(msg)
        if failed is not None:
            return failed
        begin = time.monotonic()
        return self._after_put(begin, self.commit_log.put_message(msg))

    def _check_put(self, msg: Any) -> PutMessageResult | None:
        """``check_store_status`` + ``check_message``: the common case in one expression; when it
        is not plainly fine the full checks run and name the status."""
        ps = msg.properties_string
        if (self.shutdown_flag or self.message_store_config.broker_role is _SLAVE
                or self.running_flags.flag_bits or self.commit_log.begin_time_in_lock
                or len(msg.topic) > MAX_TOPIC_LENGTH or (ps and len(ps) > MAX_PROPERTIES_LENGTH)):
            return (self._pre_check(self.check_store_status())
                    or self._pre_check(self.check_message(msg)))
        return None

    def async_put_message(self, msg: Any) -> concurrent.futures.Future[PutMessageResult]:
        """Append now; the future completes after the flush/slave (``asyncio.wrap_future`` it)."""
        failed = self._check_put(msg)
        if failed is not None:
            return completed_future(failed)
        begin = time.monotonic()
        fut = self.commit_log.async_put_message(msg)
        if fut.done():  # async flush: answered already, no callback to register
            self._after_put(begin, fut.result())
        else:
            fut.add_done_callback(lambda f: self._after_put(begin, f.result()))
        return fut

    def put_messages(self, batch: Any) -> PutMessageResult:
        failed = (self._pre_check(self.check_store_status())
                  or self._pre_check(self.check_messages(batch)))
        if failed is not None:
            return failed
        begin = time.monotonic()
        return self._after_put(begin, self.commit_log.put_messages(batch))

    def async_put_messages(self, batch: Any) -> concurrent.futures.Future[PutMessageResult]:
        failed = (self._pre_check(self.check_store_status())
                  or self._pre_check(self.check_messages(batch)))
        if failed is not None:
            return completed_future(failed)
        begin = time.monotonic()
        fut = self.commit_log.async_put_messages(batch)
        fut.add_done_callback(lambda f: self._after_put(begin, f.result()))
        return fut

    def is_os_page_cache_busy(self) -> bool:
        begin = self.commit_log.get_begin_time_in_lock()
        if begin == 0:
            return False
        diff = int(time.time() * 1000) - begin
        return self.message_store_config.os_page_cache_busy_time_out_mills < diff < 10000000

    def lock_time_mills(self) -> int:
        return self.commit_log.lock_time_mills()

    # -- dispatch (B4.6)
    def do_dispatch(self, req: DispatchRequest) -> None:
        for dispatcher in self.dispatcher_list:
            dispatcher.dispatch(req)

    def put_message_position_info(self, req: DispatchRequest) -> None:
        self.find_consume_queue(req.topic, req.queue_id).put_message_position_info_wrapper(req)

    def dispatch_behind_bytes(self) -> int:
        return self.reput_message_service.behind()

    def find_consume_queue(self, topic: str, queue_id: int) -> ConsumeQueue:
        """The queue's ConsumeQueue, created (empty) on first use."""
        table = self.consume_queue_table.get(topic)
        if table is not None:
            logic = table.get(queue_id)
            if logic is not None:
                return logic
        with self._cq_table_lock:
            table = self.consume_queue_table.setdefault(topic, {})
            logic = table.get(queue_id)
            if logic is None:
                logic = ConsumeQueue(topic, queue_id, self.get_store_path_logic(),
                                     self.message_store_config.get_mapped_file_size_consume_queue(),
                                     self)
                table[queue_id] = logic
            return logic

    def get_consume_queue(self, topic: str, queue_id: int) -> ConsumeQueue | None:
        table = self.consume_queue_table.get(topic)
        return table.get(queue_id) if table is not None else None

    def put_consume_queue(self, topic: str, queue_id: int, cq: ConsumeQueue) -> None:
        with self._cq_table_lock:
            self.consume_queue_table.setdefault(topic, {})[queue_id] = cq

    # -- get (B5, B4.6)
    def _next_offset_correction(self, old_offset: int, new_offset: int) -> int:
        cfg = self.message_store_config
        if cfg.broker_role is not BrokerRole.SLAVE or cfg.offset_check_in_slave:
            return new_offset
        return old_offset

    def _memory_limit(self) -> int:
        return int(TOTAL_PHYSICAL_MEMORY_SIZE
                   * (self.message_store_config.access_message_in_memory_max_ratio / 100.0))

    def check_in_disk_by_commit_offset(self, offset_py: int, max_offset_py: int) -> bool:
        return max_offset_py - offset_py > self._memory_limit()

    def is_the_batch_full(self, size_py: int, max_msg_nums: int, buffer_total: int,
                          message_total: int, is_in_disk: bool) -> bool:
        if buffer_total == 0 or message_total == 0:
            return False
        if max_msg_nums <= message_total:
            return True
        cfg = self.message_store_config
        if is_in_disk:
            return (buffer_total + size_py > cfg.max_transfer_bytes_on_message_in_disk
                    or message_total > cfg.max_transfer_count_on_message_in_disk - 1)
        return (buffer_total + size_py > cfg.max_transfer_bytes_on_message_in_memory
                or message_total > cfg.max_transfer_count_on_message_in_memory - 1)

    def get_message(self, group: str, topic: str, queue_id: int, offset: int, max_msg_nums: int,
                    message_filter: Any = None) -> GetMessageResult | None:
        """Up to ``max_msg_nums`` records of the queue from ``offset``, as held views of the commit
        log (release the result after sending).  None when the store is shut down or unreadable."""
        if self.shutdown_flag:
            log.warning("message store has shutdown, so getMessage is forbidden")
            return None
        if not self.running_flags.is_readable():
            log.warning("message store is not readable, so getMessage is forbidden %d",
                        self.running_flags.flag_bits)
            return None
        with span("DefaultMessageStore.get_message",
                  java="org.apache.rocketmq.store.DefaultMessageStore#getMessage",
                  books=("B4.6", "B5.4")) as s:
            result = self._get_message(group, topic, queue_id, offset, max_msg_nums, message_filter)
            if s.is_recording():
                s.set_attributes({"messaging.destination.name": topic,
                                  "messaging.consumer.group.name": group,
                                  "rocketmq_ref.store.queue_id": queue_id,
                                  "rocketmq_ref.store.offset": offset,
                                  "rocketmq_ref.store.status": result.status.name,
                                  "rocketmq_ref.store.next_begin_offset": result.next_begin_offset,
                                  "messaging.batch.message_count": result.get_message_count()})
            return result

    def _get_message(self, group: str, topic: str, queue_id: int, offset: int, max_msg_nums: int,
                     message_filter: Any) -> GetMessageResult:
        begin = time.monotonic()
        status = GetMessageStatus.NO_MESSAGE_IN_QUEUE
        next_begin_offset = offset
        min_offset = 0
        max_offset = 0
        get_result = GetMessageResult()
        commit_log = self.commit_log
        max_offset_py = commit_log.get_max_offset()
        cq = self.find_consume_queue(topic, queue_id)
        min_offset = cq.get_min_offset_in_queue()
        max_offset = cq.get_max_offset_in_queue()
        if max_offset == 0:
            status = GetMessageStatus.NO_MESSAGE_IN_QUEUE
            next_begin_offset = self._next_offset_correction(offset, 0)
        elif offset < min_offset:
            status = GetMessageStatus.OFFSET_TOO_SMALL
            next_begin_offset = self._next_offset_correction(offset, min_offset)
        elif offset == max_offset:
            status = GetMessageStatus.OFFSET_OVERFLOW_ONE
            next_begin_offset = self._next_offset_correction(offset, offset)
        elif offset > max_offset:
            status = GetMessageStatus.OFFSET_OVERFLOW_BADLY
            next_begin_offset = self._next_offset_correction(offset, max_offset)
        else:
            buffer_cq = cq.get_index_buffer(offset)
            if buffer_cq is not None:
                try:
                    status = GetMessageStatus.NO_MATCHED_MESSAGE
                    next_phy_file_start_offset = None
                    max_phy_offset_pulling = 0
                    max_filter_message_count = max(16000, max_msg_nums * CQ_STORE_UNIT_SIZE)
                    memory = self._memory_limit()
                    usable = min(buffer_cq.size, max_filter_message_count)
                    usable -= usable % CQ_STORE_UNIT_SIZE
                    i = 0
                    for offset_py, size_py, tags_code in _UNIT.iter_unpack(buffer_cq.byte_buffer[:usable]):
                        i += CQ_STORE_UNIT_SIZE
                        max_phy_offset_pulling = offset_py
                        if next_phy_file_start_offset is not None and offset_py < next_phy_file_start_offset:
                            continue
                        is_in_disk = max_offset_py - offset_py > memory
                        if self.is_the_batch_full(size_py, max_msg_nums, get_result.buffer_total_size,
                                                  get_result.get_message_count(), is_in_disk):
                            i -= CQ_STORE_UNIT_SIZE
                            break
                        ext_unit = None
                        if tags_code < 0 and is_ext_addr(tags_code):  # consumequeue_ext (B4.5.2)
                            ext_unit = cq.get_ext(tags_code)
                            if ext_unit is not None:
                                tags_code = ext_unit.tags_code
                            else:
                                log.error("[BUG] can't find consume queue extend file content! "
                                          "addr=%d, offsetPy=%d, sizePy=%d, topic=%s, group=%s",
                                          tags_code, offset_py, size_py, topic, group)
                                tags_code = None
                        if message_filter is not None and \
                                not message_filter.is_matched_by_consume_queue(tags_code, ext_unit):
                            if get_result.buffer_total_size == 0:
                                status = GetMessageStatus.NO_MATCHED_MESSAGE
                            continue
                        select = commit_log.get_message(offset_py, size_py)
                        if select is None:
                            if get_result.buffer_total_size == 0:
                                status = GetMessageStatus.MESSAGE_WAS_REMOVING
                            next_phy_file_start_offset = commit_log.roll_next_file(offset_py)
                            continue
                        if message_filter is not None and \
                                not message_filter.is_matched_by_commit_log(select.byte_buffer, None):
                            if get_result.buffer_total_size == 0:
                                status = GetMessageStatus.NO_MATCHED_MESSAGE
                            select.release()
                            continue
                        get_result.add_message(select)
                        status = GetMessageStatus.FOUND
                        next_phy_file_start_offset = None
                    if self.message_store_config.disk_fall_recorded and self.broker_stats_manager is not None:
                        record = getattr(self.broker_stats_manager, "record_disk_fall_behind_size", None)
                        if record is not None:
                            record(group, topic, queue_id, max_offset_py - max_phy_offset_pulling)
                    next_begin_offset = offset + i // CQ_STORE_UNIT_SIZE
                    get_result.suggest_pulling_from_slave = (max_offset_py - max_phy_offset_pulling) > memory
                finally:
                    buffer_cq.release()
            else:
                status = GetMessageStatus.OFFSET_FOUND_NULL
                next_begin_offset = self._next_offset_correction(offset, cq.roll_next_file(offset))
                log.warning("consumer request topic: %s offset: %d minOffset: %d maxOffset: %d, but "
                            "access logic queue failed.", topic, offset, min_offset, max_offset)
        stats = self.store_stats_service
        stats.on_get(status is GetMessageStatus.FOUND, get_result.get_message_count())
        stats.set_get_message_entire_time_max(int((time.monotonic() - begin) * 1000))
        get_result.status = status
        get_result.next_begin_offset = next_begin_offset
        get_result.max_offset = max_offset
        get_result.min_offset = min_offset
        return get_result

    # -- queue offsets
    def get_max_offset_in_queue(self, topic: str, queue_id: int) -> int:
        logic = self.get_consume_queue(topic, queue_id)
        return logic.get_max_offset_in_queue() if logic is not None else 0

    def get_min_offset_in_queue(self, topic: str, queue_id: int) -> int:
        logic = self.get_consume_queue(topic, queue_id)
        # Java's findConsumeQueue creates the empty queue, whose min offset is 0
        return logic.get_min_offset_in_queue() if logic is not None else 0

    def get_commit_log_offset_in_queue(self, topic: str, queue_id: int, consume_queue_offset: int) -> int:
        logic = self.get_consume_queue(topic, queue_id)
        if logic is not None:
            buf = logic.get_index_buffer(consume_queue_offset)
            if buf is not None:
                try:
                    return _UNIT.unpack_from(buf.byte_buffer, 0)[0]
                finally:
                    buf.release()
        return 0

    def get_offset_in_queue_by_time(self, topic: str, queue_id: int, timestamp: int) -> int:
        logic = self.get_consume_queue(topic, queue_id)
        return logic.get_offset_in_queue_by_time(timestamp) if logic is not None else 0

    def get_message_total_in_queue(self, topic: str, queue_id: int) -> int:
        logic = self.get_consume_queue(topic, queue_id)
        return logic.get_message_total_in_queue() if logic is not None else 0

    def _store_time_of_unit(self, buf: SelectMappedBufferResult | None) -> int:
        if buf is None:
            return -1
        try:
            phy_offset, size, _ = _UNIT.unpack_from(buf.byte_buffer, 0)
            return self.commit_log.pickup_store_timestamp(phy_offset, size)
        except Exception:
            log.exception("getStoreTime failed")
            return -1
        finally:
            buf.release()

    def get_earliest_message_time(self, topic: str | None = None, queue_id: int = 0) -> int:
        if topic is None:
            return self.commit_log.pickup_store_timestamp(
                self.get_min_phy_offset(), self.message_store_config.max_message_size * 2)
        logic = self.get_consume_queue(topic, queue_id)
        if logic is None:
            return -1
        return self._store_time_of_unit(
            logic.get_index_buffer(logic.get_min_logic_offset() // CQ_STORE_UNIT_SIZE))

    def get_message_store_time_stamp(self, topic: str, queue_id: int, consume_queue_offset: int) -> int:
        logic = self.get_consume_queue(topic, queue_id)
        if logic is None:
            return -1
        return self._store_time_of_unit(logic.get_index_buffer(consume_queue_offset))

    def check_in_disk_by_consume_offset(self, topic: str, queue_id: int, consume_offset: int) -> bool:
        max_offset_py = self.commit_log.get_max_offset()
        logic = self.get_consume_queue(topic, queue_id)
        if logic is not None:
            buf = logic.get_index_buffer(consume_offset)
            if buf is not None:
                try:
                    return self.check_in_disk_by_commit_offset(
                        _UNIT.unpack_from(buf.byte_buffer, 0)[0], max_offset_py)
                finally:
                    buf.release()
        return False

    # -- by commit-log offset (VIEW_MESSAGE_BY_ID, schedule, transactions)
    def look_message_by_offset(self, commit_log_offset: int, size: int | None = None
                               ) -> MessageExt | None:
        """Decode the record at ``commit_log_offset`` (its size read from the record if not given)."""
        if size is None:
            head = self.commit_log.get_message(commit_log_offset, 4)
            if head is None:
                return None
            try:
                size = _INT.unpack_from(head.byte_buffer, 0)[0]
            finally:
                head.release()
        sbr = self.commit_log.get_message(commit_log_offset, size)
        if sbr is None:
            return None
        try:
            return message_decoder.decode(sbr.byte_buffer, 0, True, False)
        except message_decoder.MessageDecodeError as e:
            log.warning("lookMessageByOffset %d: %s", commit_log_offset, e)
            return None
        finally:
            sbr.release()

    def select_one_message_by_offset(self, commit_log_offset: int, msg_size: int | None = None
                                     ) -> SelectMappedBufferResult | None:
        if msg_size is None:
            head = self.commit_log.get_message(commit_log_offset, 4)
            if head is None:
                return None
            try:
                msg_size = _INT.unpack_from(head.byte_buffer, 0)[0]
            finally:
                head.release()
            if msg_size <= 0:
                return None
        return self.commit_log.get_message(commit_log_offset, msg_size)

    def query_message(self, topic: str, key: str, max_num: int, begin: int,
                      end: int) -> QueryMessageResult:
        """Records indexed under ``topic#key`` stored in ``[begin, end]`` (B4.5.3)."""
        with span("DefaultMessageStore.query_message",
                  java="org.apache.rocketmq.store.DefaultMessageStore#queryMessage",
                  books=("B4.5.3",), attributes={"messaging.destination.name": topic}) as s:
            result = QueryMessageResult()
            last_query_msg_time = end
            for _ in range(3):
                qr = self.index_service.query_offset(topic, key, max_num, begin, last_query_msg_time)
                if not qr.phy_offsets:
                    break
                qr.phy_offsets.sort()
                result.index_last_update_phyoffset = qr.index_last_update_phyoffset
                result.index_last_update_timestamp = qr.index_last_update_timestamp
                for m, offset in enumerate(qr.phy_offsets):
                    msg = self.look_message_by_offset(offset)
                    if msg is None:
                        continue
                    if m == 0:
                        last_query_msg_time = msg.store_timestamp
                    sbr = self.commit_log.get_data(offset, False)
                    if sbr is not None:
                        size = _INT.unpack_from(sbr.byte_buffer, 0)[0]
                        sbr.set_size(size)
                        result.add_message(sbr)
                if result.buffer_total_size > 0 or last_query_msg_time < begin:
                    break
            if s.is_recording():
                s.set_attribute("messaging.batch.message_count", len(result.message_maped_list))
            return result

    # -- HA (A5.5)
    def get_commit_log_data(self, offset: int) -> SelectMappedBufferResult | None:
        if self.shutdown_flag:
            log.warning("message store has shutdown, so getPhyQueueData is forbidden")
            return None
        return self.commit_log.get_data(offset)

    def append_to_commit_log(self, start_offset: int, data: Any, data_start: int = 0,
                             data_length: int | None = None) -> bool:
        if self.shutdown_flag:
            log.warning("message store has shutdown, so appendToPhyQueue is forbidden")
            return False
        result = self.commit_log.append_data(start_offset, data, data_start, data_length)
        if result:
            self.reput_message_service.wakeup()
        else:
            log.error("appendToPhyQueue failed %d %d", start_offset, len(data))
        return result

    def update_ha_master_address(self, new_addr: str) -> None:
        """A slave follows this master HA address (B7.1.4)."""
        if self.ha_service is not None:
            self.ha_service.update_master_address(new_addr)

    def slave_fall_behind_much(self) -> int:
        """Bytes the slaves have not acked yet (Java ``slaveFallBehindMuch``)."""
        if self.ha_service is None:
            return 0
        return self.commit_log.get_max_offset() - self.ha_service.get_push2_slave_max_offset()

    def get_confirm_offset(self) -> int:
        return self.commit_log.get_confirm_offset()

    def set_confirm_offset(self, phy_offset: int) -> None:
        self.commit_log.set_confirm_offset(phy_offset)

    def reset_write_offset(self, phy_offset: int) -> bool:
        return self.commit_log.reset_offset(phy_offset)

    def flush(self) -> int:
        return self.commit_log.flush()

    # -- running state
    def get_max_phy_offset(self) -> int:
        return self.commit_log.get_max_offset()

    def get_min_phy_offset(self) -> int:
        return self.commit_log.get_min_offset()

    def get_runtime_info(self) -> dict[str, str]:
        """``getRuntimeInfo``: stats plus disk ratios and commit-log offsets (mqadmin brokerStatus)."""
        result = self.store_stats_service.get_runtime_info()
        min_ratio = float("inf")
        for path in self.get_store_path_physic().split(MULTI_PATH_SPLITTER):
            path = path.strip()
            ratio = get_disk_partition_space_used_percent(path) if os.path.exists(path) else -1
            result[f"commitLogDiskRatio_{path}"] = str(ratio)
            min_ratio = min(min_ratio, ratio)
        result["commitLogDiskRatio"] = str(min_ratio)
        result["consumeQueueDiskRatio"] = str(
            get_disk_partition_space_used_percent(self.get_store_path_logic()))
        self.schedule_message_service.build_running_stats(result)
        result["commitLogMinOffset"] = str(self.get_min_phy_offset())
        result["commitLogMaxOffset"] = str(self.get_max_phy_offset())
        return result

    def get_running_data_info(self) -> str:
        return str(self.store_stats_service.get_runtime_info())

    def remain_transient_store_buffer_numbs(self) -> int:
        return self.transient_store_pool.available_buffer_nums()

    def is_transient_store_pool_deficient(self) -> bool:
        return self.remain_transient_store_buffer_numbs() == 0

    def clean_unused_topic(self, topics: set[str]) -> int:
        """Drop the consume queues of topics no longer configured (admin DELETE_TOPIC), except
        the schedule and transaction-op topics, which have no topic config of their own."""
        with self._cq_table_lock:
            for topic in list(self.consume_queue_table):
                if topic in topics or topic in _KEEP_TOPICS or is_lmq(topic):
                    continue
                for cq in self.consume_queue_table.pop(topic).values():
                    cq.destroy()
                    self.commit_log.remove_queue_from_topic_queue_table(cq.get_topic(), cq.get_queue_id())
                log.info("cleanUnusedTopic: %s, topic destroyed", topic)
        return 0

    def clean_expired_consumer_queue(self) -> None:
        """Admin CLEAN_EXPIRED_CONSUMEQUEUE: drop queues whose last unit points below the commit
        log's first byte (all their messages were deleted)."""
        min_commit_log_offset = self.commit_log.get_min_offset()
        with self._cq_table_lock:
            for topic in list(self.consume_queue_table):
                if topic == RMQ_SYS_SCHEDULE_TOPIC:
                    continue
                table = self.consume_queue_table[topic]
                for queue_id, cq in list(table.items()):
                    last = cq.get_last_offset()
                    if last == -1:
                        log.warning("maybe ConsumeQueue was created just now. topic=%s queueId=%d",
                                    topic, queue_id)
                    elif last < min_commit_log_offset:
                        log.info("cleanExpiredConsumerQueue: %s %d consumer queue destroyed, "
                                 "minCommitLogOffset: %d maxCommitLogOffsetInConsumeQueue: %d",
                                 topic, queue_id, min_commit_log_offset, last)
                        self.commit_log.remove_queue_from_topic_queue_table(topic, queue_id)
                        cq.destroy()
                        del table[queue_id]
                if not table:
                    del self.consume_queue_table[topic]

    def get_message_ids(self, topic: str, queue_id: int, min_offset: int, max_offset: int,
                        store_host: tuple[str, int]) -> dict[str, int]:
        """Offset message id -> queue offset for ``[min_offset, max_offset]`` of a queue."""
        ids: dict[str, int] = {}
        if self.shutdown_flag:
            return ids
        cq = self.get_consume_queue(topic, queue_id)
        if cq is None:
            return ids
        min_offset = max(min_offset, cq.get_min_offset_in_queue())
        max_offset = min(max_offset, cq.get_max_offset_in_queue())
        next_offset = min_offset
        while next_offset < max_offset:
            buf = cq.get_index_buffer(next_offset)
            if buf is None:
                break
            try:
                usable = buf.size - buf.size % CQ_STORE_UNIT_SIZE
                for offset_py, _, _ in _UNIT.iter_unpack(buf.byte_buffer[:usable]):
                    ids[message_decoder.create_message_id(store_host, offset_py)] = next_offset
                    next_offset += 1
                    if next_offset > max_offset:
                        return ids
            finally:
                buf.release()
        return ids


_KEEP_TOPICS = frozenset({RMQ_SYS_SCHEDULE_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC})
