"""SEND_MESSAGE, SEND_MESSAGE_V2, SEND_BATCH_MESSAGE and CONSUMER_SEND_MSG_BACK (Java
``broker.processor.SendMessageProcessor``; B3.4.4, B5.6.2, spec message-and-store §13.2).

A send becomes a ``MessageExtBrokerInner`` appended by the store; the response carries the offset
msgId, queue id and queue offset plus the ``MSG_REGION``/``TRACE_ON`` ext fields real clients read.
A send-back re-stores a consumed message into ``%RETRY%<group>`` with delay level 3 + reconsumeTimes,
or into ``%DLQ%<group>`` once it was retried ``maxReconsumeTimes`` (16) times.
"""
from __future__ import annotations

import concurrent.futures
import logging
import random
from typing import Any

from rocketmq_ref.broker.processor.abstract_send_message_processor import (
    DLQ_NUMS_PER_GROUP, V3_4_9, AbstractSendMessageProcessor, channel_remote_host)
from rocketmq_ref.common import mixall
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message.message_decoder import message_properties2string, string2message_properties
from rocketmq_ref.common.message.message_batch import MessageExtBatch
from rocketmq_ref.common.perm_name import PermName
from rocketmq_ref.common.protocol.header.consumer_send_msg_back_request_header import (
    ConsumerSendMsgBackRequestHeader)
from rocketmq_ref.common.protocol.header.send_message_request_header import SendMessageRequestHeader
from rocketmq_ref.common.protocol.header.send_message_response_header import SendMessageResponseHeader
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.sysflag import MessageSysFlag, TopicSysFlag
from rocketmq_ref.common.java_hash import tags_string2tags_code
from rocketmq_ref.common.topic_config import TopicFilterType
from rocketmq_ref.common.tracing import current_span, span, traced
from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand
from rocketmq_ref.store.message_ext_broker_inner import MessageExtBrokerInner
from rocketmq_ref.store.put_message_result import PutMessageResult, PutMessageStatus

log = logging.getLogger("rocketmq_ref.broker")

_JAVA = "org.apache.rocketmq.broker.processor.SendMessageProcessor"
_STORED_CODES = {
    PutMessageStatus.PUT_OK: ResponseCode.SUCCESS,
    PutMessageStatus.FLUSH_DISK_TIMEOUT: ResponseCode.FLUSH_DISK_TIMEOUT,
    PutMessageStatus.FLUSH_SLAVE_TIMEOUT: ResponseCode.FLUSH_SLAVE_TIMEOUT,
    PutMessageStatus.SLAVE_NOT_AVAILABLE: ResponseCode.SLAVE_NOT_AVAILABLE,
}
_SEND_BACK = int(RequestCode.CONSUMER_SEND_MSG_BACK)


class SendMessageProcessor(AbstractSendMessageProcessor):
    """Registered for codes 10, 310, 320 and 36.

    Java runs it on the ``SendMessageThread_`` pool (``sendMessageThreadPoolNums``).  Here it is
    called on the remoting event loop (``run_on_loop``): a send is an in-memory append under the
    commit log's put lock, and in CPython the two thread hand-offs (to the pool and back for the
    answer) cost more CPU than the send itself.  Waits that can be long (a flush or a slave, with
    ``SYNC_FLUSH`` or ``SYNC_MASTER``) are futures and are answered later, off the loop.
    """

    run_on_loop = True

    def process_request(self, ctx: Any, request: RemotingCommand) -> RemotingCommand | None:
        """The response now, or None when the store still waits for a flush or a slave: then the
        response is written when that wait ends (Java ``asyncProcessRequest``)."""
        result = self.dispatch(ctx, request)
        if isinstance(result, concurrent.futures.Future):
            def answer(f: concurrent.futures.Future) -> None:
                try:
                    ctx.write_response(f.result())
                except Exception as e:
                    log.warning("send failed after the store answered: %s", e)
                    ctx.write_response(_error(ResponseCode.SYSTEM_ERROR, f"{type(e).__name__}: {e}"))
            result.add_done_callback(answer)
            return None
        return result

    def dispatch(self, ctx: Any, request: RemotingCommand) -> RemotingCommand | concurrent.futures.Future:
        """A response, or a future of one while the store waits for a flush or a slave."""
        if request.code == _SEND_BACK:
            return self.async_consumer_send_msg_back(ctx, request)
        try:
            header = self.parse_request_header(request)
        except RemotingCommandException as e:
            return _error(ResponseCode.SYSTEM_ERROR, f"bad send request header: {e}")
        if header is None:
            return _error(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, f" request type {request.code} not supported")
        if header.batch:
            return self.async_send_batch_message(ctx, request, header)
        return self.async_send_message(ctx, request, header)

    # -- send ------------------------------------------------------------------------------------

    def pre_send(self, ctx: Any, request: RemotingCommand, header: SendMessageRequestHeader) -> RemotingCommand:
        response = RemotingCommand.create_response_command(-1, None, SendMessageResponseHeader)
        response.opaque = request.opaque
        config = self.broker_controller.broker_config
        response.ext_fields = {mc.PROPERTY_MSG_REGION: config.region_id,
                               mc.PROPERTY_TRACE_SWITCH: "true" if config.trace_on else "false"}
        start = config.start_accept_send_request_time_stamp
        if start and self.broker_controller.message_store.now() < start:
            response.code = ResponseCode.SYSTEM_ERROR
            response.remark = f"broker unable to service, until {start}"
            return response
        body = request.body
        if not body:
            response.code = ResponseCode.MESSAGE_ILLEGAL
            response.remark = "the message body is empty"
            return response
        return self.msg_check(ctx, header, response)

    def select_queue(self, header: SendMessageRequestHeader) -> tuple[Any, int]:
        """The topic's config (it exists after ``msg_check``) and the queue: the requested one, or a
        random writable one when the producer sent a negative id."""
        topic_config = self.broker_controller.topic_config_manager.select_topic_config(header.topic)
        queue_id = header.queue_id
        if queue_id < 0:
            queue_id = self.random_queue_id(topic_config.write_queue_nums)
        return topic_config, queue_id

    @traced(_JAVA + "#asyncSendMessage", books=("B3.4.4",))
    def async_send_message(self, ctx: Any, request: RemotingCommand, header: SendMessageRequestHeader
                           ) -> RemotingCommand | concurrent.futures.Future:
        response = self.pre_send(ctx, request, header)
        if response.code != -1:
            return response
        controller = self.broker_controller
        topic_config, queue_id = self.select_queue(header)
        props = string2message_properties(header.properties)
        msg = MessageExtBrokerInner(header.topic, request.body, flag=header.flag or 0, properties=props,
                                    queue_id=queue_id, born_timestamp=header.born_timestamp or 0,
                                    born_host=channel_remote_host(ctx), store_host=self.store_host,
                                    reconsume_times=header.reconsume_times or 0)
        if not self.handle_retry_and_dlq(header, response, request, msg, topic_config):
            return response
        props[mc.PROPERTY_CLUSTER] = controller.broker_config.broker_cluster_name
        wait = props.pop(mc.PROPERTY_WAIT_STORE_MSG_OK, None)
        # "WAIT=true" is not stored (saves 9 bytes a message); the store still reads it from properties
        msg.properties_string = message_properties2string(props)
        if wait is not None:
            props[mc.PROPERTY_WAIT_STORE_MSG_OK] = wait
        msg.tags_code = tags_string2tags_code(props.get(mc.PROPERTY_TAGS))
        tran = props.get(mc.PROPERTY_TRANSACTION_PREPARED)
        if tran is not None and tran.lower() == "true":
            if controller.broker_config.reject_transaction_message:
                response.code = ResponseCode.NO_PERMISSION
                response.remark = (f"the broker[{controller.broker_config.broker_ip1}] sending transaction "
                                   "message is forbidden")
                return response
            tms = getattr(controller, "transactional_message_service", None)
            if tms is None:
                response.code = ResponseCode.NO_PERMISSION
                response.remark = "this broker does not take transactional (half) messages"
                return response
            put = tms.async_prepare_message(msg)
        else:
            put = controller.message_store.async_put_message(msg)
        return self._then(put, lambda r: self.handle_put_message_result(r, response, request, msg, queue_id))

    def handle_retry_and_dlq(self, header: SendMessageRequestHeader, response: RemotingCommand,
                             request: RemotingCommand, msg: MessageExtBrokerInner, topic_config: Any) -> bool:
        """A producer sending to ``%RETRY%group`` (the client's fallback) goes to DLQ by the same rule."""
        topic = header.topic
        if topic.startswith(mixall.RETRY_GROUP_TOPIC_PREFIX):
            group = topic[len(mixall.RETRY_GROUP_TOPIC_PREFIX):]
            sgc = self.broker_controller.subscription_group_manager.find_subscription_group_config(group)
            if sgc is None:
                response.code = ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST
                response.remark = f"subscription group not exist, {group}"
                return False
            max_times = sgc.retry_max_times
            if request.version >= V3_4_9 and header.max_reconsume_times is not None:
                max_times = header.max_reconsume_times
            reconsume = header.reconsume_times or 0
            if reconsume >= max_times:
                dlq = mixall.get_dlq_topic(group)
                topic_config = self.broker_controller.topic_config_manager.create_topic_in_send_message_back_method(
                    dlq, DLQ_NUMS_PER_GROUP, PermName.PERM_WRITE | PermName.PERM_READ, 0)
                msg.topic = dlq
                msg.queue_id = random.randrange(99999999) % DLQ_NUMS_PER_GROUP
                msg.delay_time_level = 0
                if topic_config is None:
                    response.code = ResponseCode.SYSTEM_ERROR
                    response.remark = f"topic[{dlq}] not exist"
                    return False
                current = current_span()
                if current.is_recording():
                    current.add_event("rocketmq.dlq", {"messaging.destination.name": dlq,
                                                       "rocketmq.reconsume_times": reconsume})
        sys_flag = header.sys_flag or 0
        if topic_config.topic_filter_type is TopicFilterType.MULTI_TAG:
            sys_flag |= MessageSysFlag.MULTI_TAGS_FLAG
        msg.sys_flag = sys_flag
        return True

    @traced(_JAVA + "#asyncSendBatchMessage", books=("B3.4.4",))
    def async_send_batch_message(self, ctx: Any, request: RemotingCommand, header: SendMessageRequestHeader
                                 ) -> RemotingCommand | concurrent.futures.Future:
        response = self.pre_send(ctx, request, header)
        if response.code != -1:
            return response
        controller = self.broker_controller
        topic_config, queue_id = self.select_queue(header)
        if len(header.topic) > 127:
            response.code = ResponseCode.MESSAGE_ILLEGAL
            response.remark = f"message topic length too long {len(header.topic)}"
            return response
        if header.topic.startswith(mixall.RETRY_GROUP_TOPIC_PREFIX):
            response.code = ResponseCode.MESSAGE_ILLEGAL
            response.remark = "batch request does not support retry group " + header.topic
            return response
        sys_flag = header.sys_flag or 0
        if topic_config.topic_filter_type is TopicFilterType.MULTI_TAG:
            sys_flag |= MessageSysFlag.MULTI_TAGS_FLAG
        props = string2message_properties(header.properties)
        props[mc.PROPERTY_CLUSTER] = controller.broker_config.broker_cluster_name
        batch = MessageExtBatch(header.topic, request.body, flag=header.flag or 0, properties=props,
                                queue_id=queue_id, sys_flag=sys_flag, born_timestamp=header.born_timestamp or 0,
                                born_host=channel_remote_host(ctx), store_host=self.store_host,
                                reconsume_times=header.reconsume_times or 0)
        put = controller.message_store.async_put_messages(batch)
        return self._then(put, lambda r: self.handle_put_message_result(r, response, request, batch, queue_id))

    def handle_put_message_result(self, result: PutMessageResult | None, response: RemotingCommand,
                                  request: RemotingCommand, msg: Any, queue_id: int) -> RemotingCommand:
        if result is None:
            response.code = ResponseCode.SYSTEM_ERROR
            response.remark = "store putMessage return null"
            return response
        status = result.put_message_status
        code = _STORED_CODES.get(status)
        if code is None:
            response.code, response.remark = _failure(status, self.broker_controller)
            return response
        response.code = code
        response.remark = None
        self.record_stored(msg.topic, result.append_message_result, response, queue_id)
        return response

    # -- send back -------------------------------------------------------------------------------

    @traced(_JAVA + "#asyncConsumerSendMsgBack", books=("B5.6.2",))
    def async_consumer_send_msg_back(self, ctx: Any, request: RemotingCommand
                                     ) -> RemotingCommand | concurrent.futures.Future:
        response = RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, None)
        response.opaque = request.opaque
        try:
            header = request.decode_command_custom_header(ConsumerSendMsgBackRequestHeader)
        except RemotingCommandException as e:
            response.remark = f"bad send-back request header: {e}"
            return response
        if header.group is None or header.offset is None:
            response.remark = "bad send-back request header: group and offset are required"
            return response
        controller = self.broker_controller
        config = controller.broker_config
        sgc = controller.subscription_group_manager.find_subscription_group_config(header.group)
        if sgc is None:
            response.code = ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST
            response.remark = f"subscription group not exist, {header.group}"
            return response
        if not PermName.is_writeable(config.broker_permission):
            response.code = ResponseCode.NO_PERMISSION
            response.remark = f"the broker[{config.broker_ip1}] sending message is forbidden"
            return response
        if sgc.retry_queue_nums <= 0:
            response.code = ResponseCode.SUCCESS
            return response
        new_topic = mixall.get_retry_topic(header.group)
        queue_id = random.randrange(99999999) % sgc.retry_queue_nums
        topic_sys_flag = TopicSysFlag.build_sys_flag(False, True) if header.unit_mode else 0
        tcm = controller.topic_config_manager
        topic_config = tcm.create_topic_in_send_message_back_method(
            new_topic, sgc.retry_queue_nums, PermName.PERM_WRITE | PermName.PERM_READ, topic_sys_flag)
        if topic_config is None:
            response.remark = f"topic[{new_topic}] not exist"
            return response
        if not PermName.is_writeable(topic_config.perm):
            response.code = ResponseCode.NO_PERMISSION
            response.remark = f"the topic[{new_topic}] sending message is forbidden"
            return response
        msg_ext = controller.message_store.look_message_by_offset(header.offset)
        if msg_ext is None:
            response.remark = f"look message by offset failed, {header.offset}"
            return response
        if msg_ext.get_property(mc.PROPERTY_RETRY_TOPIC) is None:
            msg_ext.put_property(mc.PROPERTY_RETRY_TOPIC, msg_ext.topic)
        msg_ext.wait_store_msg_ok = False
        delay_level = header.delay_level or 0
        max_times = sgc.retry_max_times
        if request.version >= V3_4_9 and header.max_reconsume_times is not None:
            max_times = header.max_reconsume_times
        with span("SendMessageProcessor.handle_retry_and_dlq", java=_JAVA + "#asyncConsumerSendMsgBack",
                  books=("B5.6.2",)) as s:
            if msg_ext.reconsume_times >= max_times or delay_level < 0:
                new_topic = mixall.get_dlq_topic(header.group)
                queue_id = random.randrange(99999999) % DLQ_NUMS_PER_GROUP
                topic_config = tcm.create_topic_in_send_message_back_method(
                    new_topic, DLQ_NUMS_PER_GROUP, PermName.PERM_WRITE | PermName.PERM_READ, 0)
                if topic_config is None:
                    response.remark = f"topic[{new_topic}] not exist"
                    return response
                msg_ext.delay_time_level = 0
            else:
                if delay_level == 0:
                    delay_level = 3 + msg_ext.reconsume_times
                msg_ext.delay_time_level = delay_level
            if s.is_recording():
                s.set_attributes({"messaging.destination.name": new_topic,
                                  "rocketmq.reconsume_times": msg_ext.reconsume_times,
                                  "rocketmq.max_reconsume_times": max_times,
                                  "rocketmq.delay_level": msg_ext.delay_time_level,
                                  "rocketmq.dlq": new_topic.startswith(mixall.DLQ_GROUP_TOPIC_PREFIX)})
        props = dict(msg_ext.properties)
        origin = props.get(mc.PROPERTY_ORIGIN_MESSAGE_ID)
        props[mc.PROPERTY_ORIGIN_MESSAGE_ID] = origin or msg_ext.msg_id
        inner = MessageExtBrokerInner(new_topic, msg_ext.body, flag=msg_ext.flag, properties=props,
                                      queue_id=queue_id, sys_flag=msg_ext.sys_flag,
                                      born_timestamp=msg_ext.born_timestamp, born_host=msg_ext.born_host,
                                      store_host=msg_ext.store_host, reconsume_times=msg_ext.reconsume_times + 1)
        inner.properties_string = message_properties2string(props)
        inner.tags_code = tags_string2tags_code(props.get(mc.PROPERTY_TAGS))
        put = controller.message_store.async_put_message(inner)

        def done(r: PutMessageResult | None) -> RemotingCommand:
            if r is not None and r.put_message_status is PutMessageStatus.PUT_OK:
                back_topic = msg_ext.get_property(mc.PROPERTY_RETRY_TOPIC) or msg_ext.topic
                controller.broker_stats_manager.inc_send_back_nums(header.group, back_topic)
                response.code = ResponseCode.SUCCESS
                response.remark = None
            else:
                response.code = ResponseCode.SYSTEM_ERROR
                response.remark = r.put_message_status.name if r is not None else "putMessageResult is null"
            return response
        return self._then(put, done)

    # -- helpers ---------------------------------------------------------------------------------

    @staticmethod
    def _then(put: Any, fn: Any) -> RemotingCommand | concurrent.futures.Future:
        """Apply ``fn`` now when the store already answered (the usual async-flush case), else later."""
        if isinstance(put, concurrent.futures.Future):
            if put.done():
                return fn(put.result())
            out: concurrent.futures.Future = concurrent.futures.Future()

            def chain(f: concurrent.futures.Future) -> None:
                try:
                    out.set_result(fn(f.result()))
                except BaseException as e:  # the caller answers SYSTEM_ERROR
                    out.set_exception(e)
            put.add_done_callback(chain)
            return out
        return fn(put)


def _error(code: int, remark: str) -> RemotingCommand:
    return RemotingCommand.create_response_command(code, remark)


def _failure(status: PutMessageStatus, controller: Any) -> tuple[int, str]:
    if status is PutMessageStatus.CREATE_MAPEDFILE_FAILED:
        return ResponseCode.SYSTEM_ERROR, "create mapped file failed, server is busy or broken."
    if status in (PutMessageStatus.MESSAGE_ILLEGAL, PutMessageStatus.PROPERTIES_SIZE_EXCEEDED):
        return ResponseCode.MESSAGE_ILLEGAL, (
            "the message is illegal, maybe msg body or properties length not matched. msg body length limit "
            f"{controller.message_store_config.max_message_size}B, msg properties length limit 32KB.")
    if status is PutMessageStatus.SERVICE_NOT_AVAILABLE:
        return ResponseCode.SERVICE_NOT_AVAILABLE, (
            "service not available now. It may be caused by one of the following reasons: the broker's disk is "
            "full, messages are put to the slave, message store has been shut down, etc.")
    if status is PutMessageStatus.OS_PAGECACHE_BUSY:
        return ResponseCode.SYSTEM_ERROR, "[PC_SYNCHRONIZED]broker busy, start flow control for a while"
    return ResponseCode.SYSTEM_ERROR, status.name
