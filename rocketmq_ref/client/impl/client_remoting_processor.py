"""ClientRemotingProcessor: what brokers ask clients over the client's own connection
(Java ``client.impl.ClientRemotingProcessor``; books A11.3.2, B5.5).

NOTIFY_CONSUMER_IDS_CHANGED wakes the RebalanceService; RESET_CONSUMER_CLIENT_OFFSET moves a group's
offsets; GET_CONSUMER_STATUS_FROM_CLIENT / GET_CONSUMER_RUNNING_INFO report; CONSUME_MESSAGE_DIRECTLY
runs the listener on one message for ``mqadmin consumeMessage``; CHECK_TRANSACTION_STATE goes to the
transactional producer of the half message's group (B8.4); PUSH_REPLY_MESSAGE_TO_CLIENT completes the
request waiting for that reply (request/reply, 4.6+; B9.8).
"""
from __future__ import annotations

import json
import logging
import time
from typing import Any

from rocketmq_ref.client.producer.request_future_holder import RequestFutureHolder
from rocketmq_ref.common import compression, fastjson
from rocketmq_ref.common.message import MessageExt
from rocketmq_ref.common.message import MessageQueue
from rocketmq_ref.common.message import message_decoder
from rocketmq_ref.common.message import message_const as MessageConst
from rocketmq_ref.common.protocol.header.check_transaction_state_request_header import (
    CheckTransactionStateRequestHeader)
from rocketmq_ref.common.protocol.header.reply_message_request_header import ReplyMessageRequestHeader
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.sysflag import MessageSysFlag
from rocketmq_ref.common.tracing import Link, SpanKind, messaging_span, record_error, span
from rocketmq_ref.remoting.helper import string2_socket_address
from rocketmq_ref.remoting.protocol import RemotingCommand

log = logging.getLogger("rocketmq_ref.client")

_JAVA = "org.apache.rocketmq.client.impl.ClientRemotingProcessor#"


def _ext(request: RemotingCommand) -> dict[str, str]:
    return request.ext_fields or {}


class ClientRemotingProcessor:
    def __init__(self, mq_client_factory: Any) -> None:
        self.mq_client_factory = mq_client_factory

    def reject_request(self) -> bool:
        return False

    def process_request(self, ctx: Any, request: RemotingCommand) -> RemotingCommand | None:
        code = request.code
        if code == RequestCode.NOTIFY_CONSUMER_IDS_CHANGED:
            return self.notify_consumer_ids_changed(ctx, request)
        if code == RequestCode.RESET_CONSUMER_CLIENT_OFFSET:
            return self.reset_offset(ctx, request)
        if code == RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT:
            return self.get_consume_status(ctx, request)
        if code == RequestCode.GET_CONSUMER_RUNNING_INFO:
            return self.get_consumer_running_info(ctx, request)
        if code == RequestCode.CONSUME_MESSAGE_DIRECTLY:
            return self.consume_message_directly(ctx, request)
        if code == RequestCode.CHECK_TRANSACTION_STATE:
            return self.check_transaction_state(ctx, request)
        if code == RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT:
            return self.receive_reply_message(ctx, request)
        response = RemotingCommand.create_response_command(
            ResponseCode.REQUEST_CODE_NOT_SUPPORTED, f" request type {code} not supported")
        return response

    def check_transaction_state(self, ctx: Any, request: RemotingCommand) -> None:
        """The broker asks about a half message (B8.4): hand it to the producer of its group."""
        header = request.decode_command_custom_header(CheckTransactionStateRequestHeader)
        try:
            msg = message_decoder.decode(bytes(request.body or b""))
        except message_decoder.MessageDecodeError as e:
            log.warning("checkTransactionState, decode message failed: %s", e)
            return None
        namespace = self.mq_client_factory.client_config.namespace
        if namespace:
            msg.topic = self.mq_client_factory.client_config.without_namespace(msg.topic)
        msg.transaction_id = msg.properties.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) or None
        group = msg.properties.get(MessageConst.PROPERTY_PRODUCER_GROUP)
        if group is None:
            log.warning("checkTransactionState, pick producer group failed")
            return None
        producer = self.mq_client_factory.select_producer(group)
        if producer is None or not hasattr(producer, "check_transaction_state"):
            log.debug("checkTransactionState, pick producer by group[%s] failed", group)
            return None
        producer.check_transaction_state(getattr(ctx, "remote_addr", None), msg, header)
        return None

    def notify_consumer_ids_changed(self, ctx: Any, request: RemotingCommand) -> None:
        group = _ext(request).get("consumerGroup")
        with span("ClientRemotingProcessor.notify_consumer_ids_changed",
                  java=_JAVA + "notifyConsumerIdsChanged", books=("B5.5", "A7.3.1"),
                  attributes={"messaging.consumer.group.name": group or ""}):
            log.info("receive broker's notification[%s], the consumer group: %s changed, "
                     "rebalance immediately", getattr(ctx, "remote_address", ctx), group)
            self.mq_client_factory.rebalance_immediately()
        return None

    def reset_offset(self, ctx: Any, request: RemotingCommand) -> None:
        ext = _ext(request)
        topic, group = ext.get("topic", ""), ext.get("group", "")
        table: dict[Any, int] = {}
        if request.body:
            data = fastjson.loads(bytes(request.body)) or {}
            for k, v in (data.get("offsetTable") or {}).items():
                table[MessageQueue.from_json_value(dict(k))] = int(v)
        log.info("invoke reset offset operation from broker. topic=%s, group=%s", topic, group)
        self.mq_client_factory.reset_offset(topic, group, table)
        return None

    def get_consume_status(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        ext = _ext(request)
        table = self.mq_client_factory.get_consumer_status(ext.get("topic", ""), ext.get("group", ""))
        body = {"messageQueueTable": {fastjson.FrozenDict(mq.to_json_value()): off
                                      for mq, off in table.items()}}
        response = RemotingCommand.create_response_command(ResponseCode.SUCCESS, None)
        response.body = fastjson.dumps(body, fastjson=True).encode()
        return response

    def get_consumer_running_info(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        group = _ext(request).get("consumerGroup", "")
        info = self.mq_client_factory.consumer_running_info(group)
        if info is None:
            return RemotingCommand.create_response_command(
                ResponseCode.SYSTEM_ERROR, f"The Consumer Group <{group}> not exist in this consumer")
        response = RemotingCommand.create_response_command(ResponseCode.SUCCESS, None)
        response.body = fastjson.dumps(info, fastjson=True).encode()
        return response

    def consume_message_directly(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        ext = _ext(request)
        group = ext.get("consumerGroup", "")
        msg = message_decoder.decode(bytes(request.body or b""))
        result = self.mq_client_factory.consume_message_directly(msg, group, ext.get("brokerName"))
        if result is None:
            return RemotingCommand.create_response_command(
                ResponseCode.SYSTEM_ERROR, f"The Consumer Group <{group}> not exist in this consumer")
        response = RemotingCommand.create_response_command(ResponseCode.SUCCESS, None)
        response.body = json.dumps(result, sort_keys=True).encode()
        return response

    def receive_reply_message(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """Java ``receiveReplyMessage``: rebuild the reply from the header the broker pushed (topic,
        queue, hosts, times, properties; the body uncompressed), stamp ARRIVE_TIME, hand it on."""
        response = RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, None)
        receive_time = int(time.time() * 1000)
        try:
            header = request.decode_command_custom_header(ReplyMessageRequestHeader)
            body = bytes(request.body or b"")
            sys_flag = header.sys_flag or 0
            if sys_flag & MessageSysFlag.COMPRESSED_FLAG:
                try:
                    body = compression.uncompress(body, MessageSysFlag.get_compression_type(sys_flag))
                except compression.CompressionError as e:
                    log.warning("err when uncompress constant: %s", e)
            msg = MessageExt(header.topic, body, flag=header.flag or 0,
                             properties=message_decoder.string2message_properties(header.properties),
                             queue_id=header.queue_id or 0, store_timestamp=header.store_timestamp or 0,
                             born_timestamp=header.born_timestamp or 0,
                             born_host=string2_socket_address(header.born_host) if header.born_host else None,
                             store_host=string2_socket_address(header.store_host) if header.store_host else None,
                             reconsume_times=header.reconsume_times or 0)
            msg.properties[MessageConst.PROPERTY_REPLY_MESSAGE_ARRIVE_TIME] = str(receive_time)
            log.debug("receive reply message :%s", msg)
            self.process_reply_message(msg)
            response.code = ResponseCode.SUCCESS
        except Exception as e:  # noqa: BLE001 - a bad push is answered, never raised into remoting
            log.warning("unknown err when receiveReplyMsg: %s", e)
            response.remark = "process reply message fail"
        return response

    def process_reply_message(self, reply_msg: MessageExt) -> None:
        """Java ``processReplyMessage``: the future under the reply's CORRELATION_ID gets it (a
        waiting ``request`` returns it, an async one's callback runs); a late or unknown reply is
        only logged.  The ``receive`` span links to the request's span."""
        correlation_id = reply_msg.get_property(MessageConst.PROPERTY_CORRELATION_ID)
        table = RequestFutureHolder.get_instance().request_future_table
        future = table.get(correlation_id) if correlation_id is not None else None
        request_context = future.request_span_context if future is not None else None
        links = [Link(request_context)] if request_context is not None and request_context.is_valid else None
        with messaging_span("receive", reply_msg.topic, SpanKind.CONSUMER, links=links,
                            java=_JAVA + "processReplyMessage", books=("A3.2.1", "B9.8"),
                            attributes={"messaging.message.conversation_id": correlation_id or "",
                                        "rocketmq_ref.request.matched": future is not None}) as s:
            if future is None:
                remark = (f"receive reply message, but not matched any request, CorrelationId: "
                          f"{correlation_id} , reply from host: {reply_msg.get_born_host_string()}")
                log.warning(remark)
                record_error(s, remark)
                return
            future.put_response_message(reply_msg)
            table.pop(correlation_id, None)
            if future.request_callback is not None:
                future.execute_request_callback()
