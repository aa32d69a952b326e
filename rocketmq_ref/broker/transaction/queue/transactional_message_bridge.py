"""TransactionalMessageBridge: the transaction service's way into the store (Java
``broker.transaction.queue.TransactionalMessageBridge``; B8.2, B8.3, B8.4).

A half message is the producer's message re-addressed to ``RMQ_SYS_TRANS_HALF_TOPIC`` queue 0 with
its real topic and queue kept in ``REAL_TOPIC``/``REAL_QID`` and its transaction bits reset to
NOT_TYPE, so it gets a consume-queue entry the checker can walk.  An op message (tag ``d``, body =
the half message's queue offset) in ``RMQ_SYS_TRANS_OP_HALF_TOPIC`` marks it done.  How far the
checker got is stored as consumer offsets of group ``CID_RMQ_SYS_TRANS``.
"""
from __future__ import annotations

import concurrent.futures
import logging
import time
from typing import Any

from rocketmq_ref.broker.transaction.queue import transactional_message_util as tmu
from rocketmq_ref.client.consumer.pull_result import PullResult, PullStatus
from rocketmq_ref.common.java_hash import tags_string2tags_code
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message import message_decoder
from rocketmq_ref.common.message.message_client_id_setter import MessageClientIDSetter
from rocketmq_ref.common.message.message_decoder import message_properties2string
from rocketmq_ref.common.message.message_queue import MessageQueue
from rocketmq_ref.common.perm_name import PermName
from rocketmq_ref.common.sysflag import MessageSysFlag
from rocketmq_ref.common.topic_config import TopicConfig
from rocketmq_ref.common.tracing import span
from rocketmq_ref.store.get_message_result import GetMessageStatus
from rocketmq_ref.store.message_ext_broker_inner import MessageExtBrokerInner
from rocketmq_ref.store.put_message_result import PutMessageResult, PutMessageStatus

log = logging.getLogger("rocketmq_ref.broker.transaction")

_JAVA = "org.apache.rocketmq.broker.transaction.queue.TransactionalMessageBridge#"

_PULL_STATUS = {
    GetMessageStatus.FOUND: PullStatus.FOUND,
    GetMessageStatus.NO_MATCHED_MESSAGE: PullStatus.NO_MATCHED_MSG,
    GetMessageStatus.NO_MESSAGE_IN_QUEUE: PullStatus.NO_NEW_MSG,
    GetMessageStatus.OFFSET_OVERFLOW_ONE: PullStatus.NO_NEW_MSG,
}


class TransactionalMessageBridge:
    def __init__(self, broker_controller: Any, store: Any) -> None:
        self.broker_controller = broker_controller
        self.store = store
        self.op_queue_map: dict[MessageQueue, MessageQueue] = {}

    @property
    def store_host(self) -> tuple[str, int]:
        """``brokerIP1:listenPort`` (read when used: a free port is known only after start)."""
        return self.broker_controller.get_store_host()

    # -- checker progress ------------------------------------------------------------------------

    def fetch_consume_offset(self, mq: MessageQueue) -> int:
        offset = self.broker_controller.consumer_offset_manager.query_offset(
            tmu.build_consumer_group(), mq.topic, mq.queue_id)
        if offset == -1:
            offset = self.store.get_min_offset_in_queue(mq.topic, mq.queue_id)
        return offset

    def fetch_message_queues(self, topic: str) -> set[MessageQueue]:
        topic_config = self.select_topic_config(topic)
        if topic_config is None or topic_config.read_queue_nums <= 0:
            return set()
        name = self.broker_controller.broker_config.broker_name
        return {MessageQueue(topic, name, i) for i in range(topic_config.read_queue_nums)}

    def update_consume_offset(self, mq: MessageQueue, offset: int) -> None:
        host, port = self.store_host
        self.broker_controller.consumer_offset_manager.commit_offset(
            f"{host}:{port}", tmu.build_consumer_group(), mq.topic, mq.queue_id, offset)

    def select_topic_config(self, topic: str) -> TopicConfig | None:
        tcm = self.broker_controller.topic_config_manager
        topic_config = tcm.select_topic_config(topic)
        if topic_config is None:
            topic_config = tcm.create_topic_in_send_message_back_method(
                topic, 1, PermName.PERM_WRITE | PermName.PERM_READ, 0)
        return topic_config

    # -- reading the half and op queues ----------------------------------------------------------

    def get_half_message(self, queue_id: int, offset: int, nums: int) -> PullResult | None:
        return self.get_message(tmu.build_consumer_group(), tmu.build_half_topic(), queue_id, offset, nums)

    def get_op_message(self, queue_id: int, offset: int, nums: int) -> PullResult | None:
        return self.get_message(tmu.build_consumer_group(), tmu.build_op_topic(), queue_id, offset, nums)

    def get_message(self, group: str, topic: str, queue_id: int, offset: int, nums: int) -> PullResult | None:
        result = self.store.get_message(group, topic, queue_id, offset, nums, None)
        if result is None:
            log.error("Get message from store return null. topic=%s, groupId=%s, requestOffset=%d",
                      topic, group, offset)
            return None
        status = _PULL_STATUS.get(result.status, PullStatus.OFFSET_ILLEGAL)
        found: list[Any] | None = None
        if status is PullStatus.FOUND:
            found = self.decode_msg_list(result)
            stats = self.broker_controller.broker_stats_manager
            stats.inc_group_get_nums(group, topic, result.get_message_count())
            stats.inc_group_get_size(group, topic, result.buffer_total_size)
            stats.inc_broker_get_nums(result.get_message_count())
        else:
            log.debug("%s topic=%s group=%s requestOffset=%d", result.status.name, topic, group, offset)
        return PullResult(status, result.next_begin_offset, result.min_offset, result.max_offset, found)

    @staticmethod
    def decode_msg_list(result: Any) -> list[Any]:
        found = []
        try:
            for buf in result.message_buffer_list:
                try:
                    found.append(message_decoder.decode(buf, 0, True, False))
                except message_decoder.MessageDecodeError as e:
                    log.warning("undecodable transaction record skipped: %s", e)
        finally:
            result.release()
        return found

    def look_message_by_offset(self, commit_log_offset: int) -> Any:
        return self.store.look_message_by_offset(commit_log_offset)

    # -- writing ---------------------------------------------------------------------------------

    def put_half_message(self, message_inner: MessageExtBrokerInner) -> PutMessageResult:
        return self.store.put_message(self.parse_half_message_inner(message_inner))

    def async_put_half_message(self, message_inner: MessageExtBrokerInner) -> concurrent.futures.Future:
        return self.store.async_put_message(self.parse_half_message_inner(message_inner))

    def parse_half_message_inner(self, msg_inner: MessageExtBrokerInner) -> MessageExtBrokerInner:
        """Re-address the producer's message to the half queue (B8.2)."""
        with span("TransactionalMessageBridge.parse_half_message_inner", java=_JAVA + "parseHalfMessageInner",
                  books=("B8.2", "A3.2.4")) as s:
            props = msg_inner.properties
            props[mc.PROPERTY_REAL_TOPIC] = msg_inner.topic
            props[mc.PROPERTY_REAL_QUEUE_ID] = str(msg_inner.queue_id)
            if s.is_recording():
                s.set_attributes({"messaging.destination.name": msg_inner.topic,
                                  "messaging.destination.partition.id": str(msg_inner.queue_id),
                                  "messaging.rocketmq.client_group": props.get(mc.PROPERTY_PRODUCER_GROUP, ""),
                                  "messaging.message.id": props.get(mc.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "")})
            msg_inner.sys_flag = MessageSysFlag.reset_transaction_value(
                msg_inner.sys_flag, MessageSysFlag.TRANSACTION_NOT_TYPE)
            msg_inner.topic = tmu.build_half_topic()
            msg_inner.queue_id = 0
            wait = props.pop(mc.PROPERTY_WAIT_STORE_MSG_OK, None)
            msg_inner.properties_string = message_properties2string(props)
            if wait is not None:  # not stored, as on the plain send path; the store still reads it
                props[mc.PROPERTY_WAIT_STORE_MSG_OK] = wait
            return msg_inner

    def put_op_message(self, message_ext: Any, op_type: str) -> bool:
        mq = MessageQueue(message_ext.topic, self.broker_controller.broker_config.broker_name,
                          message_ext.queue_id)
        if op_type == tmu.REMOVETAG:
            return self.add_remove_tag_in_transaction_op(message_ext, mq)
        return True

    def put_message_return_result(self, message_inner: MessageExtBrokerInner) -> PutMessageResult:
        return self.store.put_message(message_inner)

    def put_message(self, message_inner: MessageExtBrokerInner) -> bool:
        result = self.store.put_message(message_inner)
        if result is not None and result.put_message_status is PutMessageStatus.PUT_OK:
            return True
        log.error("Put message failed, topic: %s, queueId: %d, status: %s", message_inner.topic,
                  message_inner.queue_id, result.put_message_status if result else None)
        return False

    def renew_immunity_half_message_inner(self, msg_ext: Any) -> MessageExtBrokerInner:
        msg_inner = self.renew_half_message_inner(msg_ext)
        from_prepare = msg_ext.properties.get(mc.PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET)
        msg_inner.properties[mc.PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET] = (
            from_prepare if from_prepare is not None else str(msg_ext.queue_offset))
        msg_inner.properties_string = message_properties2string(msg_inner.properties)
        return msg_inner

    @staticmethod
    def renew_half_message_inner(msg_ext: Any) -> MessageExtBrokerInner:
        """A copy of a half message to append again at the queue's end (check-back, B8.4)."""
        props = dict(msg_ext.properties)
        inner = MessageExtBrokerInner(msg_ext.topic, msg_ext.body, flag=msg_ext.flag, properties=props,
                                      queue_id=msg_ext.queue_id, sys_flag=msg_ext.sys_flag,
                                      born_timestamp=msg_ext.born_timestamp, born_host=msg_ext.born_host,
                                      store_host=msg_ext.store_host, msg_id=msg_ext.msg_id)
        inner.tags_code = tags_string2tags_code(props.get(mc.PROPERTY_TAGS))
        inner.properties_string = message_properties2string(props)
        inner.wait_store_msg_ok = False
        return inner

    def make_op_message_inner(self, topic: str, tags: str, body: bytes, mq: MessageQueue) -> MessageExtBrokerInner:
        props = {mc.PROPERTY_TAGS: tags, mc.PROPERTY_WAIT_STORE_MSG_OK: "false"}
        props[mc.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] = MessageClientIDSetter.create_uniq_id()
        host = self.store_host
        inner = MessageExtBrokerInner(topic, body, properties=props, queue_id=mq.queue_id, sys_flag=0,
                                      born_timestamp=int(time.time() * 1000), born_host=host, store_host=host)
        inner.tags_code = tags_string2tags_code(tags)
        inner.properties_string = message_properties2string(props)
        return inner

    def add_remove_tag_in_transaction_op(self, prepare_message: Any, mq: MessageQueue) -> bool:
        """Write op ``d`` with the half message's queue offset: it is done (B8.3)."""
        body = str(prepare_message.queue_offset).encode(tmu.CHARSET)
        self.write_op(tmu.build_op_topic(), tmu.REMOVETAG, body, mq)
        return True

    def write_op(self, topic: str, tags: str, body: bytes, mq: MessageQueue) -> None:
        op_queue = self.op_queue_map.get(mq)
        if op_queue is None:
            op_queue = self.op_queue_map.setdefault(mq, MessageQueue(tmu.build_op_topic(), mq.broker_name,
                                                                     mq.queue_id))
        self.put_message(self.make_op_message_inner(topic, tags, body, op_queue))
