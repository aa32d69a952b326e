"""Two AdminBrokerProcessor codes kept apart from the main table (Java
``broker.processor.AdminBrokerProcessor#queryCorrectionOffset`` and ``#resumeCheckHalfMessage``; B5.6.3,
B8.4): QUERY_CORRECTION_OFFSET (308) compares one group's offsets with the lowest of all others, and
RESUME_CHECK_HALF_MESSAGE (323) appends a half message again with its check count reset to 0, so the
transaction checker asks the producer about it once more."""
from __future__ import annotations

import logging
from typing import Any, Callable

from rocketmq_ref.broker.transaction.queue import transactional_message_util as tmu
from rocketmq_ref.common.java_hash import tags_string2tags_code
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message import message_decoder
from rocketmq_ref.common.message.message_decoder import message_properties2string
from rocketmq_ref.common.protocol.body.query_correction_offset_body import QueryCorrectionOffsetBody
from rocketmq_ref.common.protocol.header.query_correction_offset_header import QueryCorrectionOffsetHeader
from rocketmq_ref.common.protocol.header.resume_check_half_message_request_header import (
    ResumeCheckHalfMessageRequestHeader)
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.tracing import traced
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand
from rocketmq_ref.store.message_ext_broker_inner import MessageExtBrokerInner
from rocketmq_ref.store.put_message_result import PutMessageStatus

log = logging.getLogger("rocketmq_ref.broker")

_JAVA = "org.apache.rocketmq.broker.processor.AdminBrokerProcessor"
_LONG_MAX = (1 << 63) - 1
_RESUME_FAILED = "Put message back to RMQ_SYS_TRANS_HALF_TOPIC failed."
_RESUME_ERROR = "Exception was thrown when putting message back to RMQ_SYS_TRANS_HALF_TOPIC."


class AdminBrokerExtraHandlers:
    """Handlers AdminBrokerProcessor adds to its code table."""

    def __init__(self, broker_controller: Any) -> None:
        self.broker_controller = broker_controller

    def handlers(self) -> dict[int, Callable[[Any, RemotingCommand], RemotingCommand]]:
        return {RequestCode.QUERY_CORRECTION_OFFSET: self.query_correction_offset,
                RequestCode.RESUME_CHECK_HALF_MESSAGE: self.resume_check_half_message}

    @traced(_JAVA + "#queryCorrectionOffset", books=("B5.6.3",))
    def query_correction_offset(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """The lowest offset per queue over every group of the topic except ``filterGroups``; where the
        compare group has consumed less than that minimum, ``Long.MAX_VALUE`` (nothing to correct).
        Java removes the filtered groups from the offset table itself while it skips them; here they
        are only skipped."""
        h = request.decode_command_custom_header(QueryCorrectionOffsetHeader)
        com = self.broker_controller.consumer_offset_manager
        correction = com.query_min_offset_in_all_group(h.topic, h.filter_groups)
        compare = com.query_offsets(h.compare_group, h.topic)
        for queue_id, offset in (compare or {}).items():
            if queue_id in correction:  # Java would throw on a queue no other group has (NPE)
                correction[queue_id] = _LONG_MAX if correction[queue_id] > offset else correction[queue_id]
        response = RemotingCommand.create_response_command(ResponseCode.SUCCESS, None)
        response.body = QueryCorrectionOffsetBody(correction_offsets=correction).encode()
        return response

    @traced(_JAVA + "#resumeCheckHalfMessage", books=("B8.4",))
    def resume_check_half_message(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(ResumeCheckHalfMessageRequestHeader)
        store = self.broker_controller.message_store
        sbr = None
        try:
            message_id = message_decoder.decode_message_id(h.msg_id or "")
            sbr = store.select_one_message_by_offset(message_id.offset)
            if sbr is None:
                raise LookupError(f"no message at commit-log offset {message_id.offset}")
            msg = message_decoder.decode(sbr.byte_buffer)
            msg.properties[mc.PROPERTY_TRANSACTION_CHECK_TIMES] = "0"
            result = store.put_message(self.to_message_ext_broker_inner(msg))
            if result is not None and result.put_message_status is PutMessageStatus.PUT_OK:
                log.info("Put message back to RMQ_SYS_TRANS_HALF_TOPIC. real topic=%s",
                         msg.properties.get(mc.PROPERTY_REAL_TOPIC))
                return RemotingCommand.create_response_command(ResponseCode.SUCCESS, None)
            log.error(_RESUME_FAILED)
            return RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, _RESUME_FAILED)
        except Exception as e:  # Java answers every failure (bad id, no message) with one remark
            log.error("%s %s", _RESUME_ERROR, e)
            return RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, _RESUME_ERROR)
        finally:
            if sbr is not None:
                sbr.release()

    @staticmethod
    def to_message_ext_broker_inner(msg: Any) -> MessageExtBrokerInner:
        """Java ``toMessageExtBrokerInner``: the stored message readdressed to the half topic, queue 0."""
        props = dict(msg.properties)
        inner = MessageExtBrokerInner(tmu.build_half_topic(), msg.body, flag=msg.flag, properties=props,
                                      queue_id=0, sys_flag=msg.sys_flag, born_timestamp=msg.born_timestamp,
                                      born_host=msg.born_host, store_host=msg.store_host,
                                      reconsume_times=msg.reconsume_times, msg_id=msg.msg_id)
        inner.properties_string = message_properties2string(props)
        inner.tags_code = tags_string2tags_code(props.get(mc.PROPERTY_TAGS))
        inner.wait_store_msg_ok = False
        return inner
