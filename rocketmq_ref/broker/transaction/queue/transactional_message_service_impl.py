"""TransactionalMessageServiceImpl: half messages, op messages and the check-back pass (Java
``broker.transaction.queue.TransactionalMessageServiceImpl``; B8.2, B8.3, B8.4; question 7).

``check`` walks each half queue from the checker's saved offset.  A half offset named by an op
``d`` message is done.  Any other half message older than ``transactionTimeOut`` is checked back:
its ``TRANSACTION_CHECK_TIMES`` goes up by one, it is appended again at the queue's end (so the
walk can move past it) and the producer group is asked CHECK_TRANSACTION_STATE.  After
``transactionCheckMax`` checks it is discarded to ``TRANS_CHECK_MAX_TIME_TOPIC``.  An END_TRANSACTION
for the old offset that comes after the copy was appended marks only the old offset done, so the
copy is checked once more: why a producer can be asked about a transaction it already committed.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from rocketmq_ref.broker.transaction.operation_result import OperationResult
from rocketmq_ref.broker.transaction.queue import transactional_message_util as tmu
from rocketmq_ref.broker.transaction.queue.transactional_message_bridge import TransactionalMessageBridge
from rocketmq_ref.broker.transaction.transactional_message_service import TransactionalMessageService
from rocketmq_ref.client.consumer.pull_result import PullResult, PullStatus
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message.message_queue import MessageQueue
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.tracing import span, traced
from rocketmq_ref.store.put_message_result import PutMessageStatus

log = logging.getLogger("rocketmq_ref.broker.transaction")

_JAVA = "org.apache.rocketmq.broker.transaction.queue.TransactionalMessageServiceImpl#"

PULL_MSG_RETRY_NUMBER = 1
MAX_PROCESS_TIME_LIMIT = 60000
MAX_RETRY_COUNT_WHEN_HALF_NULL = 1
OP_MSG_PULL_NUMS = 32


@dataclass(slots=True)
class GetResult:
    """Java ``GetResult``: one half message and the pull that found it (or did not)."""

    msg: Any = None
    pull_result: PullResult | None = None


def _get_long(s: str | None) -> int:
    try:
        return int(s)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        log.error("GetLong error: %r", s)
        return -1


class TransactionalMessageServiceImpl(TransactionalMessageService):
    def __init__(self, transactional_message_bridge: TransactionalMessageBridge) -> None:
        self.transactional_message_bridge = transactional_message_bridge
        self.op_queue_map: dict[MessageQueue, MessageQueue] = {}

    # -- prepare / end -----------------------------------------------------------------------------

    @traced(_JAVA + "asyncPrepareMessage", books=("B8.2", "A3.2.4"))
    def async_prepare_message(self, message_inner: Any) -> Any:
        return self.transactional_message_bridge.async_put_half_message(message_inner)

    @traced(_JAVA + "prepareMessage", books=("B8.2", "A3.2.4"))
    def prepare_message(self, message_inner: Any) -> Any:
        return self.transactional_message_bridge.put_half_message(message_inner)

    @traced(_JAVA + "deletePrepareMessage", books=("B8.3",))
    def delete_prepare_message(self, msg_ext: Any) -> bool:
        if self.transactional_message_bridge.put_op_message(msg_ext, tmu.REMOVETAG):
            log.debug("Transaction op message write successfully. messageId=%s, queueId=%d",
                      msg_ext.msg_id, msg_ext.queue_id)
            return True
        log.error("Transaction op message write failed. messageId is %s, queueId is %d",
                  msg_ext.msg_id, msg_ext.queue_id)
        return False

    def commit_message(self, request_header: Any) -> OperationResult:
        return self.get_half_message_by_offset(request_header.commit_log_offset)

    def rollback_message(self, request_header: Any) -> OperationResult:
        return self.get_half_message_by_offset(request_header.commit_log_offset)

    def get_half_message_by_offset(self, commit_log_offset: int) -> OperationResult:
        msg = self.transactional_message_bridge.look_message_by_offset(commit_log_offset)
        if msg is not None:
            return OperationResult(msg, ResponseCode.SUCCESS)
        return OperationResult(None, ResponseCode.SYSTEM_ERROR, "Find prepared transaction message failed")

    # -- check-back --------------------------------------------------------------------------------

    def need_discard(self, msg_ext: Any, transaction_check_max: int) -> bool:
        """Count this check in ``TRANSACTION_CHECK_TIMES``; True once the maximum was reached."""
        check_times = msg_ext.properties.get(mc.PROPERTY_TRANSACTION_CHECK_TIMES)
        check_time = 1
        if check_times is not None:
            check_time = _get_long(check_times)
            if check_time >= transaction_check_max:
                return True
            check_time += 1
        msg_ext.properties[mc.PROPERTY_TRANSACTION_CHECK_TIMES] = str(check_time)
        return False

    def need_skip(self, msg_ext: Any) -> bool:
        """Older than the commit log is kept (``fileReservedTime`` hours): skip it."""
        reserved_ms = self.transactional_message_bridge.broker_controller.message_store_config.file_reserved_time \
            * 3600 * 1000
        if _now_ms() - msg_ext.born_timestamp > reserved_ms:
            log.info("Half message exceed file reserved time ,so skip it.messageId %s,bornTime %d",
                     msg_ext.msg_id, msg_ext.born_timestamp)
            return True
        return False

    def put_back_half_msg_queue(self, msg_ext: Any, offset: int) -> bool:
        """Append the half message again (with its new check count); ``msg_ext`` takes the copy's
        queue offset, commit-log offset and id, which the check-back request then names."""
        result = self.put_back_to_half_queue_return_result(msg_ext)
        if result is not None and result.put_message_status is PutMessageStatus.PUT_OK:
            appended = result.append_message_result
            msg_ext.queue_offset = appended.logics_offset
            msg_ext.commit_log_offset = appended.wrote_offset
            msg_ext.msg_id = appended.msg_id
            log.debug("Send check message, the offset=%d restored in queueOffset=%d commitLogOffset=%d newMsgId=%s",
                      offset, msg_ext.queue_offset, msg_ext.commit_log_offset, msg_ext.msg_id)
            return True
        log.error("PutBackToHalfQueueReturnResult write failed, topic: %s, queueId: %d, msgId: %s",
                  msg_ext.topic, msg_ext.queue_id, msg_ext.msg_id)
        return False

    @traced(_JAVA + "check", books=("B8.4", "A3.2.4"))
    def check(self, transaction_timeout: int, transaction_check_max: int, listener: Any) -> None:
        """One pass over every half queue (B8.4)."""
        try:
            topic = tmu.build_half_topic()
            msg_queues = self.transactional_message_bridge.fetch_message_queues(topic)
            if not msg_queues:
                log.warning("The queue of topic is empty :%s", topic)
                return
            for mq in sorted(msg_queues, key=lambda q: q.queue_id):
                self.check_queue(mq, transaction_timeout, transaction_check_max, listener)
        except Exception:  # the checker thread must survive anything one pass meets
            log.exception("Check error")

    def check_queue(self, message_queue: MessageQueue, transaction_timeout: int, transaction_check_max: int,
                    listener: Any) -> None:
        bridge = self.transactional_message_bridge
        start_time = _now_ms()
        op_queue = self.get_op_queue(message_queue)
        half_offset = bridge.fetch_consume_offset(message_queue)
        op_offset = bridge.fetch_consume_offset(op_queue)
        with span("TransactionalMessageServiceImpl.check_queue", java=_JAVA + "check", books=("B8.4",),
                  attributes={"messaging.destination.name": message_queue.topic,
                              "messaging.destination.partition.id": str(message_queue.queue_id),
                              "rocketmq_ref.transaction.half_offset": half_offset,
                              "rocketmq_ref.transaction.op_offset": op_offset}) as s:
            log.info("Before check, the queue=%s msgOffset=%d opOffset=%d", message_queue, half_offset, op_offset)
            if half_offset < 0 or op_offset < 0:
                log.error("MessageQueue: %s illegal offset read: %d, op offset: %d,skip this queue",
                          message_queue, half_offset, op_offset)
                return
            done_op_offset: list[int] = []
            remove_map: dict[int, int] = {}
            pull_result = self.fill_op_remove_map(remove_map, op_queue, op_offset, half_offset, done_op_offset)
            if pull_result is None:
                log.error("The queue=%s check msgOffset=%d with opOffset=%d failed, pullResult is null",
                          message_queue, half_offset, op_offset)
                return
            get_message_null_count = 1
            new_offset = half_offset
            i = half_offset
            checked = discarded = 0
            while True:
                if _now_ms() - start_time > MAX_PROCESS_TIME_LIMIT:
                    log.info("Queue=%s process time reach max=%d", message_queue, MAX_PROCESS_TIME_LIMIT)
                    break
                if i in remove_map:
                    log.debug("Half offset %d has been committed/rolled back", i)
                    done_op_offset.append(remove_map.pop(i))
                else:
                    get_result = self.get_half_msg(message_queue, i)
                    msg_ext = get_result.msg
                    if msg_ext is None:
                        get_message_null_count += 1
                        if get_message_null_count - 1 > MAX_RETRY_COUNT_WHEN_HALF_NULL:
                            break
                        pr = get_result.pull_result
                        if pr is None or pr.pull_status is PullStatus.NO_NEW_MSG:
                            log.debug("No new msg, the miss offset=%d in=%s", i, message_queue)
                            break
                        log.info("Illegal offset, the miss offset=%d in=%s, pull result=%s", i, message_queue, pr)
                        i = new_offset = pr.next_begin_offset
                        continue
                    if self.need_discard(msg_ext, transaction_check_max) or self.need_skip(msg_ext):
                        listener.resolve_discard_msg(msg_ext)
                        discarded += 1
                        i += 1
                        new_offset = i
                        continue
                    if msg_ext.store_timestamp >= start_time:
                        log.debug("Fresh stored. the miss offset=%d, check it later", i)
                        break
                    value_of_current_minus_born = _now_ms() - msg_ext.born_timestamp
                    check_immunity_time = transaction_timeout
                    immunity_str = msg_ext.properties.get(mc.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS)
                    if immunity_str is not None:
                        check_immunity_time = self.get_immunity_time(immunity_str, transaction_timeout)
                        if value_of_current_minus_born < check_immunity_time:
                            if self.check_prepare_queue_offset(remove_map, done_op_offset, msg_ext):
                                i += 1
                                new_offset = i
                                continue
                    elif 0 <= value_of_current_minus_born < check_immunity_time:
                        log.debug("New arrived, the miss offset=%d, check it later checkImmunity=%d", i,
                                  check_immunity_time)
                        break
                    op_msg = pull_result.msg_found_list
                    is_need_check = ((not op_msg and value_of_current_minus_born > check_immunity_time)
                                     or (bool(op_msg) and op_msg[-1].born_timestamp - start_time > transaction_timeout)
                                     or value_of_current_minus_born <= -1)
                    if is_need_check:
                        if not self.put_back_half_msg_queue(msg_ext, i):
                            continue
                        checked += 1
                        listener.resolve_half_msg(msg_ext)
                    else:
                        pull_result = self.fill_op_remove_map(remove_map, op_queue, pull_result.next_begin_offset,
                                                              half_offset, done_op_offset)
                        log.debug("The miss offset:%d in messageQueue:%s need to get more opMsg", i, message_queue)
                        if pull_result is None:
                            break
                        continue
                i += 1
                new_offset = i
            if new_offset != half_offset:
                bridge.update_consume_offset(message_queue, new_offset)
            new_op_offset = self.calculate_op_offset(done_op_offset, op_offset)
            if new_op_offset != op_offset:
                bridge.update_consume_offset(op_queue, new_op_offset)
            if s.is_recording():
                s.set_attributes({"rocketmq_ref.transaction.new_half_offset": new_offset,
                                  "rocketmq_ref.transaction.new_op_offset": new_op_offset,
                                  "rocketmq_ref.transaction.checked": checked,
                                  "rocketmq_ref.transaction.discarded": discarded})

    @staticmethod
    def get_immunity_time(check_immunity_time_str: str, transaction_timeout: int) -> int:
        t = _get_long(check_immunity_time_str)
        return transaction_timeout if t == -1 else t * 1000

    def fill_op_remove_map(self, remove_map: dict[int, int], op_queue: MessageQueue, pull_offset_of_op: int,
                           mini_offset: int, done_op_offset: list[int]) -> PullResult | None:
        """Read up to 32 op messages: each ``d`` names a half offset that is done (B8.4)."""
        pull_result = self.pull_op_msg(op_queue, pull_offset_of_op, OP_MSG_PULL_NUMS)
        if pull_result is None:
            return None
        status = pull_result.pull_status
        if status in (PullStatus.OFFSET_ILLEGAL, PullStatus.NO_MATCHED_MSG):
            log.warning("The miss op offset=%d in queue=%s is illegal, pullResult=%s", pull_offset_of_op, op_queue,
                        pull_result)
            self.transactional_message_bridge.update_consume_offset(op_queue, pull_result.next_begin_offset)
            return pull_result
        if status is PullStatus.NO_NEW_MSG:
            return pull_result
        op_msg = pull_result.msg_found_list
        if not op_msg:
            log.warning("The miss op offset=%d in queue=%s is empty", pull_offset_of_op, op_queue)
            return pull_result
        for op in op_msg:
            queue_offset = _get_long(bytes(op.body or b"").decode(tmu.CHARSET, "replace"))
            if op.tags == tmu.REMOVETAG:
                if queue_offset < mini_offset:
                    done_op_offset.append(op.queue_offset)
                else:
                    remove_map[queue_offset] = op.queue_offset
            else:
                log.error("Found a illegal tag in opMessageExt= %s", op)
        return pull_result

    def check_prepare_queue_offset(self, remove_map: dict[int, int], done_op_offset: list[int], msg_ext: Any) -> bool:
        """For a message still in its immunity time: True when it is done or was re-put (skip it)."""
        prepare_str = msg_ext.properties.get(mc.PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET)
        if prepare_str is None:
            return self.put_immunity_msg_back_to_half_queue(msg_ext)
        prepare_queue_offset = _get_long(prepare_str)
        if prepare_queue_offset == -1:
            return False
        if prepare_queue_offset in remove_map:
            done_op_offset.append(remove_map.pop(prepare_queue_offset))
            return True
        return self.put_immunity_msg_back_to_half_queue(msg_ext)

    def put_back_to_half_queue_return_result(self, message_ext: Any) -> Any:
        try:
            inner = self.transactional_message_bridge.renew_half_message_inner(message_ext)
            return self.transactional_message_bridge.put_message_return_result(inner)
        except Exception:
            log.warning("PutBackToHalfQueueReturnResult error", exc_info=True)
            return None

    def put_immunity_msg_back_to_half_queue(self, message_ext: Any) -> bool:
        inner = self.transactional_message_bridge.renew_immunity_half_message_inner(message_ext)
        return self.transactional_message_bridge.put_message(inner)

    def pull_half_msg(self, mq: MessageQueue, offset: int, nums: int) -> PullResult | None:
        return self.transactional_message_bridge.get_half_message(mq.queue_id, offset, nums)

    def pull_op_msg(self, mq: MessageQueue, offset: int, nums: int) -> PullResult | None:
        return self.transactional_message_bridge.get_op_message(mq.queue_id, offset, nums)

    @staticmethod
    def calculate_op_offset(done_offset: list[int], old_offset: int) -> int:
        """The op offset moves over the contiguous run of consumed op messages only."""
        new_offset = old_offset
        for o in sorted(done_offset):
            if o == new_offset:
                new_offset += 1
            else:
                break
        return new_offset

    def get_op_queue(self, message_queue: MessageQueue) -> MessageQueue:
        op_queue = self.op_queue_map.get(message_queue)
        if op_queue is None:
            op_queue = self.op_queue_map.setdefault(
                message_queue, MessageQueue(tmu.build_op_topic(), message_queue.broker_name, message_queue.queue_id))
        return op_queue

    def get_half_msg(self, message_queue: MessageQueue, offset: int) -> GetResult:
        result = GetResult()
        pull = self.pull_half_msg(message_queue, offset, PULL_MSG_RETRY_NUMBER)
        if pull is not None:
            result.pull_result = pull
            if pull.msg_found_list:
                result.msg = pull.msg_found_list[0]
        return result


def _now_ms() -> int:
    return int(time.time() * 1000)
