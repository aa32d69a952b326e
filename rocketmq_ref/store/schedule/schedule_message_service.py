"""ScheduleMessageService: delayed delivery through ``SCHEDULE_TOPIC_XXXX`` (Java
``org.apache.rocketmq.store.schedule.ScheduleMessageService``; books A3.2.2, B5.7, B5.7.1-B5.7.3).

A message sent with ``DELAY=n`` is stored by the commit log in ``SCHEDULE_TOPIC_XXXX`` queue ``n-1``
with its real topic and queue in ``REAL_TOPIC``/``REAL_QID``; its consume-queue tags code is the
delivery time.  One timer per level walks that queue from the saved offset and, when a unit's time has
come, re-puts the message to its real topic with the delay cleared.  Progress per level is persisted to
``config/delayOffset.json`` (``{"offsetTable":{1:12,2:0}}``).

With ``enableScheduleAsyncDeliver`` (4.9.x, off by default) the timer does not wait for each put: a
``HandlePutResultTask`` per level settles the puts in order, moves the offset past each success and
resends failures.
"""
from __future__ import annotations

import collections
import concurrent.futures
import enum
import logging
import struct
import threading
import time
from collections.abc import Callable

from rocketmq_ref.common.config_manager import ConfigManager
from rocketmq_ref.common.java_hash import tags_string2tags_code
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message.message_decoder import message_properties2string
from rocketmq_ref.common.mixall import SCHEDULE_CONSUMER_GROUP
from rocketmq_ref.common.service_thread import ServiceThread
from rocketmq_ref.common.topic_validator import RMQ_SYS_SCHEDULE_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC
from rocketmq_ref.common.tracing import link_from, record_error, span
from rocketmq_ref.store.config.store_path_config_helper import StorePathConfigHelper
from rocketmq_ref.store.consume_queue import CQ_STORE_UNIT_SIZE
from rocketmq_ref.store.message_ext_broker_inner import MessageExtBrokerInner
from rocketmq_ref.store.put_message_result import PutMessageStatus
from rocketmq_ref.store.schedule.delay_offset_serialize_wrapper import DelayOffsetSerializeWrapper

log = logging.getLogger("rocketmq_ref.store")

FIRST_DELAY_TIME = 1000
DELAY_FOR_A_WHILE = 100
DELAY_FOR_A_PERIOD = 10000
WAIT_FOR_SHUTDOWN = 5000
DELAY_FOR_A_SLEEP = 10

TIME_UNIT_TABLE = {"s": 1000, "m": 1000 * 60, "h": 1000 * 60 * 60, "d": 1000 * 60 * 60 * 24}
_UNIT = struct.Struct(">qiq")


class DelayLevelError(ValueError):
    """A ``messageDelayLevel`` string that cannot be parsed."""


def parse_delay_level_string(level_string: str) -> dict[int, int]:
    """``"1s 5s 10s 30s 1m"`` -> ``{1: 1000, 2: 5000, ...}`` (level -> delay in ms)."""
    table: dict[int, int] = {}
    for i, value in enumerate(level_string.split(" ")):
        unit = TIME_UNIT_TABLE.get(value[-1:])
        if unit is None or not value[:-1].isdigit():
            raise DelayLevelError(f"messageDelayLevel token {i + 1} {value!r} is not <number><s|m|h|d>")
        table[i + 1] = int(value[:-1]) * unit
    return table


def queue_id2_delay_level(queue_id: int) -> int:
    return queue_id + 1


def delay_level2_queue_id(delay_level: int) -> int:
    return delay_level - 1


class ScheduleMessageService(ConfigManager):
    """Owns one ``DeliverDelayedMessageTimerTask`` thread per level and the offset persister."""

    def __init__(self, default_message_store) -> None:
        super().__init__()
        self.default_message_store = default_message_store
        self.write_message_store = default_message_store
        self.delay_level_table: dict[int, int] = {}
        self.offset_table: dict[int, int] = {}
        self.max_delay_level = 0
        self._started = False
        self._state_lock = threading.Lock()
        self._timers: list[DeliverDelayedMessageTimerTask] = []
        self._handlers: list[HandlePutResultTask] = []
        self._persister: _PersistDelayOffsetService | None = None
        self.enable_async_deliver = default_message_store.get_message_store_config().enable_schedule_async_deliver
        # level -> deliveries put but not yet settled, oldest first (async mode only)
        self.deliver_pending_table: dict[int, collections.deque[PutResultProcess]] = {}
        self.parse_delay_level()  # Java parses in load(); the commit log needs the max level earlier

    def set_write_message_store(self, write_message_store) -> None:
        """Deliver into another store than the one read from (Java ``setWriteMessageStore``)."""
        self.write_message_store = write_message_store

    # -- levels and ids (B5.7.1)
    def parse_delay_level(self) -> bool:
        level_string = self.default_message_store.get_message_store_config().message_delay_level
        try:
            table = parse_delay_level_string(level_string)
        except DelayLevelError as e:
            log.error("parseDelayLevel exception: %s; levelString = %s", e, level_string)
            return False
        self.delay_level_table = table
        self.max_delay_level = max(table, default=0)
        if self.enable_async_deliver:
            for level in table:
                self.deliver_pending_table.setdefault(level, collections.deque())
        return True

    def get_max_delay_level(self) -> int:
        return self.max_delay_level

    def compute_deliver_timestamp(self, delay_level: int, store_timestamp: int) -> int:
        """The consume-queue tags code of a parked message: when it is due."""
        delay = self.delay_level_table.get(delay_level)
        return store_timestamp + (delay if delay is not None else 1000)

    def update_offset(self, delay_level: int, offset: int) -> None:
        self.offset_table[delay_level] = offset

    def record_delivery_stats(self, delay_level: int, topic: str, result) -> None:
        """With ``enableScheduleMessageStats``: count a delivery as a get by ``SCHEDULE_CONSUMER`` from
        the schedule topic and a put to the real topic (Java ``PutResultProcess#onSuccess``; the
        per-queue counters are left out, the broker's stats manager has none)."""
        stats = self.default_message_store.get_broker_stats_manager()
        if stats is None or not self.default_message_store.get_message_store_config().enable_schedule_message_stats:
            return
        append = result.append_message_result
        num, size = append.msg_num, append.wrote_bytes
        stats.inc_group_get_nums(SCHEDULE_CONSUMER_GROUP, RMQ_SYS_SCHEDULE_TOPIC, num)
        stats.inc_group_get_size(SCHEDULE_CONSUMER_GROUP, RMQ_SYS_SCHEDULE_TOPIC, size)
        stats.inc_topic_put_nums(topic, num, 1)
        stats.inc_topic_put_size(topic, size)
        stats.inc_broker_put_nums(num)

    def build_running_stats(self, stats: dict[str, str]) -> None:
        """``scheduleMessageOffset_<level>`` = ``"<delay offset>,<queue max offset>"`` (runtime info)."""
        for level, offset in sorted(self.offset_table.items()):
            max_offset = self.default_message_store.get_max_offset_in_queue(
                RMQ_SYS_SCHEDULE_TOPIC, delay_level2_queue_id(level))
            stats[f"scheduleMessageOffset_{level}"] = f"{offset},{max_offset}"

    # -- lifecycle (B5.7.2)
    def is_started(self) -> bool:
        return self._started

    def start(self) -> None:
        """Load offsets, start one timer per level (first run after 1 s) and the persister."""
        with self._state_lock:
            if self._started:
                return
            self._started = True
            self.load()
            self._timers = []
            self._handlers = []
            for level in sorted(self.delay_level_table):
                if self.enable_async_deliver:
                    handler = HandlePutResultTask(self, level)
                    self._handlers.append(handler)
                    handler.start()
                timer = DeliverDelayedMessageTimerTask(self, level, self.offset_table.get(level, 0))
                self._timers.append(timer)
                timer.start()
            interval = self.default_message_store.get_message_store_config().flush_delay_offset_interval
            self._persister = _PersistDelayOffsetService(self, interval)
            self._persister.start()

    def shutdown(self) -> None:
        """Stop every timer (waiting for a delivery in progress), then persist the offsets."""
        with self._state_lock:
            if not self._started:
                return
            self._started = False
            for timer in self._timers:
                timer.make_stop()
                timer.wakeup()
            for timer in self._timers:
                timer.shutdown()
            for handler in self._handlers:
                handler.shutdown()
            for level, pending in sorted(self.deliver_pending_table.items()):
                if pending:
                    log.warning("deliverPendingTable level: %d, size: %d", level, len(pending))
            if self._persister is not None:
                self._persister.shutdown()
                self._persister = None
            self._timers = []
            self._handlers = []
            self.persist()

    # -- ConfigManager (delayOffset.json)
    def load(self) -> bool:
        result = super().load()
        result = result and self.parse_delay_level()
        result = result and self.correct_delay_offset()
        return result

    def correct_delay_offset(self) -> bool:
        """Clamp each saved offset into ``[min, max]`` of its queue (files deleted, queue truncated)."""
        store = self.default_message_store
        for level in list(self.delay_level_table):
            cq = store.find_consume_queue(RMQ_SYS_SCHEDULE_TOPIC, delay_level2_queue_id(level))
            current = self.offset_table.get(level)
            if current is None or cq is None:
                continue
            cq_min, cq_max = cq.get_min_offset_in_queue(), cq.get_max_offset_in_queue()
            corrected = min(max(current, cq_min), cq_max)
            if corrected != current:
                log.error("correct delay offset [ delayLevel %d ] from %d to %d (cq min %d max %d)",
                          level, current, corrected, cq_min, cq_max)
                self.offset_table[level] = corrected
        return True

    def config_file_path(self) -> str:
        return StorePathConfigHelper.get_delay_offset_store_path(
            self.default_message_store.get_message_store_config().store_path_root_dir)

    def decode(self, json_string: str) -> None:
        if json_string:
            wrapper = DelayOffsetSerializeWrapper.from_json(json_string)
            self.offset_table.update(wrapper.offset_table)

    def encode(self, pretty_format: bool = False) -> str:
        return DelayOffsetSerializeWrapper(dict(self.offset_table)).to_json(pretty=pretty_format)

    # -- delivery (B5.7.3)
    def message_timeup(self, msg_ext) -> MessageExtBrokerInner:
        """Rebuild a parked message for its real topic and queue, delay cleared, ``WAIT=false``."""
        msg_inner = MessageExtBrokerInner()
        msg_inner.body = msg_ext.body
        msg_inner.flag = msg_ext.flag
        msg_inner.properties = dict(msg_ext.properties)
        msg_inner.tags_code = tags_string2tags_code(msg_inner.properties.get(mc.PROPERTY_TAGS))
        # Java renders the string before it clears DELAY and sets WAIT in the map, and the commit log
        # writes the string: a delivered record keeps DELAY/REAL_TOPIC/REAL_QID, while the map (what
        # the store checks for a delay level) no longer has DELAY
        msg_inner.properties_string = message_properties2string(msg_ext.properties)
        msg_inner.sys_flag = msg_ext.sys_flag
        msg_inner.born_timestamp = msg_ext.born_timestamp
        msg_inner.born_host = msg_ext.born_host
        msg_inner.store_host = msg_ext.store_host
        msg_inner.reconsume_times = msg_ext.reconsume_times
        msg_inner.properties[mc.PROPERTY_WAIT_STORE_MSG_OK] = "false"
        msg_inner.properties.pop(mc.PROPERTY_DELAY_TIME_LEVEL, None)
        real_topic = msg_inner.properties.get(mc.PROPERTY_REAL_TOPIC)
        real_qid = msg_inner.properties.get(mc.PROPERTY_REAL_QUEUE_ID, "")
        if not real_topic or not real_qid.lstrip("-").isdigit():
            raise ValueError(f"parked message has no usable REAL_TOPIC/REAL_QID: {real_topic!r}/{real_qid!r}")
        msg_inner.topic = real_topic
        msg_inner.queue_id = int(real_qid)
        return msg_inner


class DeliverDelayedMessageTimerTask(ServiceThread):
    """The timer of one delay level (Java ``DeliverDelayedMessageTimerTask`` rescheduling itself on a
    ``ScheduledThreadPoolExecutor``): a thread that sleeps until its next run, then delivers every
    due message of queue ``level-1`` from its offset."""

    def __init__(self, service: ScheduleMessageService, delay_level: int, offset: int) -> None:
        super().__init__()
        self.service = service
        self.delay_level = delay_level
        self.offset = offset
        self._next_delay = FIRST_DELAY_TIME

    def get_service_name(self) -> str:
        return f"ScheduleMessageTimerThread_{self.delay_level}"

    def get_join_time(self) -> int:
        return WAIT_FOR_SHUTDOWN

    def run(self) -> None:
        while not self.is_stopped():
            self._sleep(self._next_delay)
            if self.is_stopped() or not self.service.is_started():
                break
            try:
                self.execute_on_timeup()
            except Exception:
                log.exception("ScheduleMessageService, executeOnTimeup exception")
                self.schedule_next_timer_task(self.offset, DELAY_FOR_A_PERIOD)

    def _sleep(self, ms: int) -> None:
        deadline = time.monotonic() + ms / 1000.0
        while not self.is_stopped():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.wait_for_running(left * 1000)

    def schedule_next_timer_task(self, offset: int, delay: int) -> None:
        self.offset = offset
        self._next_delay = delay

    def correct_deliver_timestamp(self, now: int, deliver_timestamp: int) -> int:
        """A delivery time more than one level period ahead (clock stepped back) counts as now."""
        max_timestamp = now + self.service.delay_level_table[self.delay_level]
        return now if deliver_timestamp > max_timestamp else deliver_timestamp

    def execute_on_timeup(self) -> None:
        service = self.service
        store = service.default_message_store
        cq = store.find_consume_queue(RMQ_SYS_SCHEDULE_TOPIC, delay_level2_queue_id(self.delay_level))
        if cq is None:
            self.schedule_next_timer_task(self.offset, DELAY_FOR_A_WHILE)
            return
        buffer_cq = cq.get_index_buffer(self.offset)
        if buffer_cq is None:
            reset_offset = self.offset
            cq_min = cq.get_min_offset_in_queue()
            cq_max = cq.get_max_offset_in_queue()
            if cq_min > self.offset:
                log.error("schedule CQ offset invalid. offset=%d, cqMinOffset=%d, queueId=%d",
                          self.offset, cq_min, cq.get_queue_id())
                reset_offset = cq_min
            elif cq_max < self.offset:
                log.error("schedule CQ offset invalid. offset=%d, cqMaxOffset=%d, queueId=%d",
                          self.offset, cq_max, cq.get_queue_id())
                reset_offset = cq_max
            self.schedule_next_timer_task(reset_offset, DELAY_FOR_A_WHILE)
            return

        next_offset = self.offset
        i = 0
        try:
            buf = buffer_cq.byte_buffer
            size = buffer_cq.size
            while i < size and service.is_started():
                offset_py, size_py, tags_code = _UNIT.unpack_from(buf, i)
                if cq.is_ext_addr(tags_code):
                    ext = cq.get_ext(tags_code)
                    if ext is not None:
                        tags_code = ext.tags_code
                    else:  # the ext unit is gone: recompute the delivery time from the record
                        log.error("[BUG] can't find consume queue extend file content!addr=%d, offsetPy=%d, "
                                  "sizePy=%d", tags_code, offset_py, size_py)
                        store_time = store.get_commit_log().pickup_store_timestamp(offset_py, size_py)
                        tags_code = service.compute_deliver_timestamp(self.delay_level, store_time)
                now = int(time.time() * 1000)
                deliver_timestamp = self.correct_deliver_timestamp(now, tags_code)
                next_offset = self.offset + i // CQ_STORE_UNIT_SIZE
                if deliver_timestamp - now > 0:
                    self.schedule_next_timer_task(next_offset, DELAY_FOR_A_WHILE)
                    return
                i += CQ_STORE_UNIT_SIZE
                if not self._deliver(offset_py, size_py, next_offset, deliver_timestamp):
                    self.schedule_next_timer_task(next_offset, DELAY_FOR_A_WHILE)
                    return
            next_offset = self.offset + i // CQ_STORE_UNIT_SIZE
        except Exception:
            log.exception("ScheduleMessageService, messageTimeup execute error, offset = %d", next_offset)
        finally:
            buffer_cq.release()
        self.schedule_next_timer_task(next_offset, DELAY_FOR_A_WHILE)

    def _deliver(self, offset_py: int, size_py: int, cq_offset: int, deliver_timestamp: int) -> bool:
        """Re-put one due message; True when delivered or skipped, False to retry it later."""
        service = self.service
        msg_ext = service.default_message_store.look_message_by_offset(offset_py, size_py)
        if msg_ext is None:
            return True
        try:
            msg_inner = service.message_timeup(msg_ext)
        except ValueError as e:
            # Java throws here and retries the same unit forever; a damaged record must not stall
            # its level, so it is logged and passed over
            log.error("ScheduleMessageService, skip unit %d of level %d: %s", cq_offset, self.delay_level, e)
            if not service.enable_async_deliver:  # async: the next settled delivery moves past it
                service.update_offset(self.delay_level, cq_offset + 1)
            return True
        with span("ScheduleMessageService.deliver",
                  java="org.apache.rocketmq.store.schedule.ScheduleMessageService$"
                       "DeliverDelayedMessageTimerTask#executeOnTimeup",
                  books=("A3.2.2", "B5.7.3"), links=link_from(msg_ext.properties),
                  attributes={"rocketmq.delay_level": self.delay_level,
                              "rocketmq.schedule.queue_offset": cq_offset,
                              "rocketmq.commitlog.offset": offset_py,
                              "messaging.destination.name": msg_inner.topic,
                              "rocketmq.queue_id": msg_inner.queue_id,
                              "rocketmq.schedule.async": service.enable_async_deliver}) as s:
            if s.is_recording():
                s.set_attribute("rocketmq.deliver_timestamp", deliver_timestamp)
                s.set_attribute("rocketmq.late_ms", int(time.time() * 1000) - deliver_timestamp)
            if msg_inner.topic == RMQ_SYS_TRANS_HALF_TOPIC:
                log.error("[BUG] the real topic of schedule msg is %s, discard the msg. msg=%s",
                          msg_inner.topic, msg_inner)
                record_error(s, "half-message topic, discarded")
                return True
            if service.enable_async_deliver:
                ok = self.async_deliver(msg_inner, msg_ext.msg_id, cq_offset, offset_py, size_py)
                if not ok:
                    record_error(s, "async delivery held back (pending limit or blocked)")
                return ok
            result = service.write_message_store.put_message(msg_inner)
            if result is not None and result.put_message_status == PutMessageStatus.PUT_OK:
                service.update_offset(self.delay_level, cq_offset + 1)
                service.record_delivery_stats(self.delay_level, msg_inner.topic, result)
                return True
            log.error("ScheduleMessageService, a message time up, but reput it failed, topic: %s "
                      "msgId %s", msg_inner.topic, msg_ext.msg_id)
            record_error(s, f"put failed: {result.put_message_status.name if result else None}")
            return False

    def async_deliver(self, msg_inner: MessageExtBrokerInner, msg_id: str | None, offset: int,
                      offset_py: int, size_py: int) -> bool:
        """Hand the put to the store without waiting (``enableScheduleAsyncDeliver``); False when
        too many are pending or the oldest keeps failing, so the timer retries this unit later."""
        service = self.service
        pending = service.deliver_pending_table[self.delay_level]
        config = service.default_message_store.get_message_store_config()
        if len(pending) > config.schedule_async_deliver_max_pending_limit:
            log.warning("Asynchronous deliver triggers flow control, currentPendingNum=%d, maxPendingLimit=%d",
                        len(pending), config.schedule_async_deliver_max_pending_limit)
            return False
        first = pending[0] if pending else None
        if first is not None and first.need2_blocked():
            log.warning("Asynchronous deliver block. info=%s", first)
            return False
        process = PutResultProcess(service, msg_inner.topic, self.delay_level, offset, offset_py, size_py,
                                   msg_id, auto_resend=True)
        process.set_future(service.write_message_store.async_put_message(msg_inner))
        pending.append(process)
        return True


class ProcessStatus(enum.Enum):
    """Java ``ScheduleMessageService.ProcessStatus``: where an asynchronous delivery stands."""

    RUNNING = 0  # put, result not back yet
    SUCCESS = 1  # stored
    EXCEPTION = 2  # failed; resent when autoResend
    SKIP = 3  # given up (the parked message cannot be found)


class PutResultProcess:
    """One asynchronous delivery (Java ``ScheduleMessageService.PutResultProcess``)."""

    def __init__(self, service: ScheduleMessageService, topic: str, delay_level: int, offset: int,
                 physic_offset: int, physic_size: int, msg_id: str | None, auto_resend: bool) -> None:
        self.service = service
        self.topic = topic
        self.delay_level = delay_level
        self.offset = offset
        self.physic_offset = physic_offset
        self.physic_size = physic_size
        self.msg_id = msg_id
        self.auto_resend = auto_resend
        self.resend_count = 0
        self.status = ProcessStatus.RUNNING
        self.future: concurrent.futures.Future | None = None

    def set_future(self, future: concurrent.futures.Future) -> None:
        self.future = future
        future.add_done_callback(self._then_process)

    def _then_process(self, future: concurrent.futures.Future) -> None:
        try:
            result = future.result()
        except Exception as e:
            log.error("ScheduleMessageService put message exceptionally, info: %s: %s", self, e)
            self.on_exception()
            return
        self.handle_result(result)

    def get_next_offset(self) -> int:
        return self.offset + 1

    def handle_result(self, result) -> None:
        if result is not None and result.put_message_status == PutMessageStatus.PUT_OK:
            self.status = ProcessStatus.SUCCESS
            self.service.record_delivery_stats(self.delay_level, self.topic, result)
        else:
            log.warning("ScheduleMessageService put message failed. info: %s.", result)
            self.on_exception()

    def on_exception(self) -> None:
        log.warning("ScheduleMessageService onException, info: %s", self)
        self.status = ProcessStatus.EXCEPTION if self.auto_resend else ProcessStatus.SKIP

    def do_resend(self, stopped: Callable[[], bool]) -> None:
        """Put the message again, waiting longer each time (100 ms per earlier resend, 60 s at most)."""
        log.info("Resend message, info: %s", self)
        deadline = time.monotonic() + min(self.resend_count * 100, 60_000) / 1000.0
        self.resend_count += 1
        while time.monotonic() < deadline and not stopped():
            time.sleep(min(0.05, max(deadline - time.monotonic(), 0)))
        service = self.service
        try:
            msg_ext = service.default_message_store.look_message_by_offset(self.physic_offset, self.physic_size)
            if msg_ext is None:
                log.warning("ScheduleMessageService resend not found message. info: %s", self)
                self.status = ProcessStatus.SKIP if self.need2_skip() else ProcessStatus.EXCEPTION
                return
            result = service.write_message_store.put_message(service.message_timeup(msg_ext))
            self.handle_result(result)
            if self.status is ProcessStatus.SUCCESS:
                log.info("Resend message success, info: %s", self)
        except Exception as e:
            self.status = ProcessStatus.EXCEPTION
            log.error("Resend message error, info: %s: %s", self, e)

    def need2_blocked(self) -> bool:
        limit = self.service.default_message_store.get_message_store_config() \
            .schedule_async_deliver_max_resend_num2_blocked
        return self.resend_count > limit

    def need2_skip(self) -> bool:
        limit = self.service.default_message_store.get_message_store_config() \
            .schedule_async_deliver_max_resend_num2_blocked
        return self.resend_count > limit * 2

    def __repr__(self) -> str:
        return (f"PutResultProcess{{topic='{self.topic}', offset={self.offset}, physicOffset={self.physic_offset}, "
                f"physicSize={self.physic_size}, delayLevel={self.delay_level}, msgId='{self.msg_id}', "
                f"autoResend={self.auto_resend}, resendCount={self.resend_count}, status={self.status.name}}}")


class HandlePutResultTask(ServiceThread):
    """Settles one level's asynchronous deliveries in order every 10 ms (Java ``HandlePutResultTask``
    on ``ScheduleMessageExecutorHandleThread_``): a success moves the level's offset, a failure is
    resent, a skipped one is dropped; the queue never passes a delivery still running."""

    def __init__(self, service: ScheduleMessageService, delay_level: int) -> None:
        super().__init__()
        self.service = service
        self.delay_level = delay_level

    def get_service_name(self) -> str:
        return f"ScheduleMessageExecutorHandleThread_{self.delay_level}"

    def get_join_time(self) -> int:
        return WAIT_FOR_SHUTDOWN

    def run(self) -> None:
        self.wait_for_running(FIRST_DELAY_TIME)
        while not self.is_stopped():
            self.handle_pending()
            self.wait_for_running(DELAY_FOR_A_SLEEP)

    def handle_pending(self) -> None:
        service = self.service
        pending = service.deliver_pending_table[self.delay_level]
        while pending and not self.is_stopped():
            process = pending[0]
            status = process.status
            if status is ProcessStatus.SUCCESS:
                service.update_offset(self.delay_level, process.get_next_offset())
                pending.popleft()
            elif status is ProcessStatus.RUNNING:
                break
            elif status is ProcessStatus.EXCEPTION:
                if not service.is_started():
                    log.warning("HandlePutResultTask shutdown, info=%s", process)
                    return
                log.warning("putResultProcess error, info=%s", process)
                process.do_resend(self.is_stopped)
            else:
                log.warning("putResultProcess skip, info=%s", process)
                pending.popleft()


class _PersistDelayOffsetService(ServiceThread):
    """Java's fixed-rate task on the same executor: persist the offsets every
    ``flushDelayOffsetInterval`` ms, the first time 10 s after start."""

    def __init__(self, service: ScheduleMessageService, interval_ms: int) -> None:
        super().__init__()
        self.service = service
        self.interval_ms = interval_ms

    def get_service_name(self) -> str:
        return "ScheduleMessagePersistThread"

    def get_join_time(self) -> int:
        return WAIT_FOR_SHUTDOWN

    def run(self) -> None:
        self.wait_for_running(10000)
        while not self.is_stopped():
            try:
                if self.service.is_started():
                    self.service.persist()
            except Exception:
                log.exception("scheduleAtFixedRate flush exception")
            self.wait_for_running(self.interval_ms)
