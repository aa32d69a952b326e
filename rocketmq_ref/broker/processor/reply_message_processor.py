"""SEND_REPLY_MESSAGE (324) and SEND_REPLY_MESSAGE_V2 (325): a reply to a request goes straight to the
requesting client's connection (Java ``broker.processor.ReplyMessageProcessor``, 4.6+; books B3.4.4, B9.8).

The reply carries ``REPLY_TO_CLIENT``, the requester's client id; the producer manager finds the
channel that client heartbeats on, and PUSH_REPLY_MESSAGE_TO_CLIENT (326) takes the reply there
(the response says SYSTEM_ERROR when no such channel exists or the push fails).  With
``storeReplyMessageEnable`` (the default) the reply is also stored in ``<cluster>_REPLY_TOPIC``.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from rocketmq_ref.broker.processor.abstract_send_message_processor import (AbstractSendMessageProcessor,
                                                                            channel_remote_host)
from rocketmq_ref.common.java_hash import tags_string2tags_code
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message.message_decoder import message_properties2string, string2message_properties
from rocketmq_ref.common.protocol.header.reply_message_request_header import ReplyMessageRequestHeader
from rocketmq_ref.common.protocol.header.send_message_request_header import SendMessageRequestHeader
from rocketmq_ref.common.protocol.header.send_message_request_header_v2 import SendMessageRequestHeaderV2
from rocketmq_ref.common.protocol.header.send_message_response_header import SendMessageResponseHeader
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.tracing import SpanKind, record_error, span, traced
from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand
from rocketmq_ref.store.message_ext_broker_inner import MessageExtBrokerInner
from rocketmq_ref.store.put_message_result import PutMessageResult, PutMessageStatus

log = logging.getLogger("rocketmq_ref.broker")

_JAVA = "org.apache.rocketmq.broker.processor.ReplyMessageProcessor"
_PUT_OK = (PutMessageStatus.PUT_OK, PutMessageStatus.FLUSH_DISK_TIMEOUT, PutMessageStatus.FLUSH_SLAVE_TIMEOUT,
           PutMessageStatus.SLAVE_NOT_AVAILABLE)


@dataclass(slots=True)
class PushReplyResult:
    """Java ``ReplyMessageProcessor.PushReplyResult``."""

    push_ok: bool = False
    remark: str = ""


def _host_string(host: tuple[str, int] | None) -> str:
    return f"{host[0]}:{host[1]}" if host else ""


class ReplyMessageProcessor(AbstractSendMessageProcessor):
    """Registered for codes 324 and 325.  It blocks while the requester answers the push (up to
    ``Broker2Client``'s 10 s), so it runs on an executor, never on the remoting loop."""

    def process_request(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        try:
            header = self.parse_request_header(request)
        except RemotingCommandException as e:
            return RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR,
                                                           f"bad reply request header: {e}")
        if header is None:
            return RemotingCommand.create_response_command(
                ResponseCode.REQUEST_CODE_NOT_SUPPORTED, f" request type {request.code} not supported")
        return self.process_reply_message_request(ctx, request, header)

    @staticmethod
    def parse_request_header(request: RemotingCommand) -> SendMessageRequestHeader | None:
        """V2 carries the one-letter keys of ``SendMessageRequestHeaderV2``, V1 the long names."""
        if request.code == RequestCode.SEND_REPLY_MESSAGE_V2:
            v2 = request.decode_command_custom_header(SendMessageRequestHeaderV2)
            return SendMessageRequestHeaderV2.create_send_message_request_header_v1(v2)
        if request.code == RequestCode.SEND_REPLY_MESSAGE:
            return request.decode_command_custom_header(SendMessageRequestHeader)
        return None

    @traced(_JAVA + "#processReplyMessageRequest", books=("B9.8", "B3.4.4"))
    def process_reply_message_request(self, ctx: Any, request: RemotingCommand,
                                      header: SendMessageRequestHeader) -> RemotingCommand:
        response = RemotingCommand.create_response_command(-1, None, SendMessageResponseHeader)
        response.opaque = request.opaque
        controller = self.broker_controller
        config = controller.broker_config
        response.ext_fields = {mc.PROPERTY_MSG_REGION: config.region_id,
                               mc.PROPERTY_TRACE_SWITCH: "true" if config.trace_on else "false"}
        start = config.start_accept_send_request_time_stamp
        if start and controller.message_store.now() < start:
            response.code = ResponseCode.SYSTEM_ERROR
            response.remark = f"broker unable to service, until {start}"
            return response
        self.msg_check(ctx, header, response)
        if response.code != -1:
            return response
        topic_config = controller.topic_config_manager.select_topic_config(header.topic)
        queue_id = header.queue_id
        if queue_id < 0:
            queue_id = self.random_queue_id(topic_config.write_queue_nums)
        props = string2message_properties(header.properties)
        msg = MessageExtBrokerInner(header.topic, request.body or b"", flag=header.flag or 0,
                                    properties=props, queue_id=queue_id,
                                    born_timestamp=header.born_timestamp or 0,
                                    born_host=channel_remote_host(ctx), store_host=self.store_host,
                                    reconsume_times=header.reconsume_times or 0)
        msg.properties_string = header.properties or ""
        msg.tags_code = tags_string2tags_code(props.get(mc.PROPERTY_TAGS))
        result = self.push_reply_message(ctx, header, msg)
        self.handle_push_reply_result(result, response, queue_id)
        if config.store_reply_message_enable:
            put = controller.message_store.put_message(msg)
            self.handle_put_message_result(put, msg, response, queue_id)
        return response

    def push_reply_message(self, ctx: Any, header: SendMessageRequestHeader,
                           msg: MessageExtBrokerInner) -> PushReplyResult:
        """Java ``pushReplyMessage``: PUSH_REPLY_MESSAGE_TO_CLIENT on the requester's own channel,
        found by the ``REPLY_TO_CLIENT`` client id; the properties gain PUSH_REPLY_TIME."""
        sender_id = msg.properties.get(mc.PROPERTY_MESSAGE_REPLY_TO_CLIENT)
        with span("ReplyMessageProcessor.push_reply_message", java=_JAVA + "#pushReplyMessage",
                  books=("B9.8",), kind=SpanKind.PRODUCER,
                  attributes={"messaging.destination.name": msg.topic,
                              "messaging.message.conversation_id":
                                  msg.properties.get(mc.PROPERTY_CORRELATION_ID) or "",
                              "rocketmq_ref.reply_to_client": sender_id or ""}) as s:
            result = PushReplyResult()
            if sender_id is None:
                result.remark = f"reply message properties[{mc.PROPERTY_MESSAGE_REPLY_TO_CLIENT}] is null"
                log.warning("%s is null, can not reply message", mc.PROPERTY_MESSAGE_REPLY_TO_CLIENT)
                record_error(s, result.remark)
                return result
            channel = self.broker_controller.producer_manager.find_channel(sender_id)
            if channel is None:
                result.remark = f"push reply message fail, channel of <{sender_id}> not found."
                log.warning(result.remark)
                record_error(s, result.remark)
                return result
            msg.properties[mc.PROPERTY_PUSH_REPLY_TIME] = str(int(time.time() * 1000))
            push_header = ReplyMessageRequestHeader(
                producer_group=header.producer_group, topic=header.topic,
                default_topic=header.default_topic, default_topic_queue_nums=header.default_topic_queue_nums,
                queue_id=header.queue_id, sys_flag=header.sys_flag, born_timestamp=header.born_timestamp,
                flag=header.flag, properties=message_properties2string(msg.properties),
                reconsume_times=header.reconsume_times, unit_mode=bool(header.unit_mode),
                born_host=_host_string(channel_remote_host(ctx)), store_host=_host_string(self.store_host),
                store_timestamp=int(time.time() * 1000))
            push = RemotingCommand.create_request_command(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, push_header)
            push.body = msg.body
            try:
                answer = self.broker_controller.broker2client.call_client(channel, push)
            except Exception as e:  # noqa: BLE001 - Java: RemotingException | InterruptedException
                result.remark = f"push reply message to {sender_id}fail."
                log.warning("push reply message to <%s> fail. %s: %s", sender_id, channel, e)
                record_error(s, e)
                return result
            if answer is not None and answer.code == ResponseCode.SUCCESS:
                result.push_ok = True
            else:
                result.remark = f"push reply message to {sender_id}fail."
                log.warning("push reply message to <%s> return fail, response remark: %s", sender_id,
                            answer.remark if answer is not None else None)
                record_error(s, result.remark)
            return result

    @staticmethod
    def handle_push_reply_result(result: PushReplyResult, response: RemotingCommand, queue_id: int) -> None:
        if not result.push_ok:
            response.code = ResponseCode.SYSTEM_ERROR
            response.remark = result.remark
            return
        response.code = ResponseCode.SUCCESS
        response.remark = None
        header = response.custom_header
        header.msg_id = "0"  # Java: set to zero to avoid a client decoding exception
        header.queue_id = queue_id
        header.queue_offset = 0

    def handle_put_message_result(self, result: PutMessageResult | None, msg: MessageExtBrokerInner,
                                  response: RemotingCommand, queue_id: int) -> None:
        """Java ``handlePutMessageResult``: a stored reply's offsets go in the response header (the
        response code stays the push's); a failed store is only logged."""
        if result is None:
            log.warning("process reply message, store putMessage return null")
            return
        status = result.put_message_status
        if status not in _PUT_OK:
            log.warning("process reply message, store putMessage failed: %s", status.name)
            return
        self.record_stored(msg.topic, result.append_message_result, response, queue_id)
