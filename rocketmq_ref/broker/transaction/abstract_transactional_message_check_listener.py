"""AbstractTransactionalMessageCheckListener: sends the check-back for one half message (Java
``broker.transaction.AbstractTransactionalMessageCheckListener``; B8.4, question 7).

``resolve_half_msg`` hands the message to a small pool (2 threads, 2000 queued, caller runs when
full) that asks one live channel of the message's producer group CHECK_TRANSACTION_STATE.  The
check-back span continues the trace of the transaction: its parent is the context the producer
put in the half message's properties, and it says which check this is (``TRANSACTION_CHECK_TIMES``).
"""
from __future__ import annotations

import abc
import logging
from typing import Any

from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.protocol.header.check_transaction_state_request_header import (
    CheckTransactionStateRequestHeader)
from rocketmq_ref.common.tracing import SpanKind, extract, span
from rocketmq_ref.remoting.netty.bounded_executor import BoundedThreadPoolExecutor, RejectedExecutionException

log = logging.getLogger("rocketmq_ref.broker.transaction")

_JAVA = "org.apache.rocketmq.broker.transaction.AbstractTransactionalMessageCheckListener#"

#: queues of topic TRANS_CHECK_MAX_TIME_TOPIC
TCMT_QUEUE_NUMS = 1


class AbstractTransactionalMessageCheckListener(abc.ABC):
    def __init__(self, broker_controller: Any = None) -> None:
        self.broker_controller = broker_controller
        self.executor_service = BoundedThreadPoolExecutor(2, 2000, "Transaction-msg-check-thread")

    def set_broker_controller(self, broker_controller: Any) -> None:
        self.broker_controller = broker_controller

    def get_broker_controller(self) -> Any:
        return self.broker_controller

    def send_check_message(self, msg_ext: Any) -> None:
        """CHECK_TRANSACTION_STATE to one producer of the group, with the half message as body."""
        props = msg_ext.properties
        check_times = props.get(mc.PROPERTY_TRANSACTION_CHECK_TIMES)
        uniq_key = props.get(mc.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
        group = props.get(mc.PROPERTY_PRODUCER_GROUP)
        with span("AbstractTransactionalMessageCheckListener.send_check_message", java=_JAVA + "sendCheckMessage",
                  books=("B8.4", "A3.2.4"), kind=SpanKind.PRODUCER, context=extract(props),
                  attributes={"messaging.system": "rocketmq",
                              "messaging.destination.name": props.get(mc.PROPERTY_REAL_TOPIC, ""),
                              "messaging.rocketmq.client_group": group or "",
                              "messaging.message.id": uniq_key or "",
                              "rocketmq_ref.transaction.check_times": int(check_times or 0),
                              "rocketmq_ref.transaction.half_queue_offset": msg_ext.queue_offset}) as s:
            header = CheckTransactionStateRequestHeader(
                tran_state_table_offset=msg_ext.queue_offset, commit_log_offset=msg_ext.commit_log_offset,
                msg_id=uniq_key, transaction_id=uniq_key, offset_msg_id=msg_ext.msg_id)
            msg_ext.topic = props.get(mc.PROPERTY_REAL_TOPIC)
            msg_ext.queue_id = int(props.get(mc.PROPERTY_REAL_QUEUE_ID, "0"))
            msg_ext.store_size = 0
            channel = self.broker_controller.producer_manager.get_available_channel(group)
            if channel is None:
                log.warning("Check transaction failed, channel is null. groupId=%s", group)
                if s.is_recording():
                    s.add_event("rocketmq.no_producer_channel", {"messaging.rocketmq.client_group": group or ""})
                return
            if s.is_recording():
                s.set_attribute("client.address", getattr(channel, "remote_addr", ""))
            self.broker_controller.broker2client.check_producer_transaction_state(group, channel, header, msg_ext)

    def resolve_half_msg(self, msg_ext: Any) -> None:
        def run() -> None:
            try:
                self.send_check_message(msg_ext)
            except Exception:
                log.exception("Send check message error!")
        try:
            self.executor_service.submit(run)
        except (RejectedExecutionException, RuntimeError):  # Java's CallerRunsPolicy
            run()

    def shut_down(self) -> None:
        self.executor_service.shutdown(wait=True, cancel_futures=True)

    @abc.abstractmethod
    def resolve_discard_msg(self, msg_ext: Any) -> None:
        """A half message checked too many times (or too old) is given up."""
