"""DefaultTransactionalMessageCheckListener: a half message checked ``transactionCheckMax`` times is
moved to ``TRANS_CHECK_MAX_TIME_TOPIC`` (Java ``broker.transaction.queue.DefaultTransactionalMessageCheckListener``;
B8.4, question 7)."""
from __future__ import annotations

import logging
import random
from typing import Any

from rocketmq_ref.broker.transaction.abstract_transactional_message_check_listener import (
    TCMT_QUEUE_NUMS, AbstractTransactionalMessageCheckListener)
from rocketmq_ref.common.java_hash import tags_string2tags_code
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message.message_decoder import message_properties2string
from rocketmq_ref.common.perm_name import PermName
from rocketmq_ref.common.topic_validator import RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC
from rocketmq_ref.common.tracing import extract, span
from rocketmq_ref.store.message_ext_broker_inner import MessageExtBrokerInner
from rocketmq_ref.store.put_message_result import PutMessageStatus

log = logging.getLogger("rocketmq_ref.broker.transaction")

_JAVA = "org.apache.rocketmq.broker.transaction.queue.DefaultTransactionalMessageCheckListener#"


class DefaultTransactionalMessageCheckListener(AbstractTransactionalMessageCheckListener):
    def resolve_discard_msg(self, msg_ext: Any) -> None:
        log.error("MsgExt:%s has been checked too many times, so discard it by moving it to system topic "
                  "TRANS_CHECK_MAXTIME_TOPIC", msg_ext)
        props = msg_ext.properties
        with span("DefaultTransactionalMessageCheckListener.resolve_discard_msg", java=_JAVA + "resolveDiscardMsg",
                  books=("B8.4",), context=extract(props),
                  attributes={"messaging.destination.name": props.get(mc.PROPERTY_REAL_TOPIC, ""),
                              "messaging.message.id": props.get(mc.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, ""),
                              "rocketmq_ref.transaction.check_times":
                                  int(props.get(mc.PROPERTY_TRANSACTION_CHECK_TIMES) or 0)}):
            try:
                result = self.broker_controller.message_store.put_message(self.to_message_ext_broker_inner(msg_ext))
                if result is not None and result.put_message_status is PutMessageStatus.PUT_OK:
                    log.info("Put checked-too-many-time half message to TRANS_CHECK_MAX_TIME_TOPIC OK. Restored in "
                             "queueOffset=%d, commitLogOffset=%d, real topic=%s", msg_ext.queue_offset,
                             msg_ext.commit_log_offset, props.get(mc.PROPERTY_REAL_TOPIC))
                else:
                    log.error("Put checked-too-many-time half message to TRANS_CHECK_MAX_TIME_TOPIC failed, "
                              "real topic=%s, msgId=%s", msg_ext.topic, msg_ext.msg_id)
            except Exception:
                log.warning("Put checked-too-many-time message to TRANS_CHECK_MAX_TIME_TOPIC error", exc_info=True)

    def to_message_ext_broker_inner(self, msg_ext: Any) -> MessageExtBrokerInner:
        topic_config = self.broker_controller.topic_config_manager.create_topic_in_send_message_back_method(
            RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, TCMT_QUEUE_NUMS, PermName.PERM_READ | PermName.PERM_WRITE, 0)
        topic = topic_config.topic_name if topic_config is not None else RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC
        props = dict(msg_ext.properties)
        inner = MessageExtBrokerInner(topic, msg_ext.body, flag=msg_ext.flag, properties=props,
                                      queue_id=random.randrange(99999999) % TCMT_QUEUE_NUMS, sys_flag=msg_ext.sys_flag,
                                      born_timestamp=msg_ext.born_timestamp, born_host=msg_ext.born_host,
                                      store_host=msg_ext.store_host, reconsume_times=msg_ext.reconsume_times,
                                      msg_id=msg_ext.msg_id)
        inner.properties_string = message_properties2string(props)
        inner.tags_code = tags_string2tags_code(props.get(mc.PROPERTY_TAGS))
        inner.wait_store_msg_ok = False
        return inner
