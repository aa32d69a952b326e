"""GET_CONSUMER_LIST_BY_GROUP, UPDATE_CONSUMER_OFFSET, QUERY_CONSUMER_OFFSET (Java
``broker.processor.ConsumerManageProcessor``; B5.6.3, B5.5)."""
from __future__ import annotations

import logging
from typing import Any

from rocketmq_ref.common.protocol.body.get_consumer_list_by_group_response_body import (
    GetConsumerListByGroupResponseBody)
from rocketmq_ref.common.protocol.header.get_consumer_list_by_group_request_header import (
    GetConsumerListByGroupRequestHeader)
from rocketmq_ref.common.protocol.header.query_consumer_offset_request_header import QueryConsumerOffsetRequestHeader
from rocketmq_ref.common.protocol.header.query_consumer_offset_response_header import (
    QueryConsumerOffsetResponseHeader)
from rocketmq_ref.common.protocol.header.update_consumer_offset_request_header import (
    UpdateConsumerOffsetRequestHeader)
from rocketmq_ref.common.protocol.header.update_consumer_offset_response_header import (
    UpdateConsumerOffsetResponseHeader)
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.tracing import current_span, traced
from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

log = logging.getLogger("rocketmq_ref.broker")

_JAVA = "org.apache.rocketmq.broker.processor.ConsumerManageProcessor"


class ConsumerManageProcessor:
    def __init__(self, broker_controller: Any) -> None:
        self.broker_controller = broker_controller

    def reject_request(self) -> bool:
        return False

    def process_request(self, ctx: Any, request: RemotingCommand) -> RemotingCommand | None:
        code = request.code
        try:
            if code == RequestCode.GET_CONSUMER_LIST_BY_GROUP:
                return self.get_consumer_list_by_group(ctx, request)
            if code == RequestCode.UPDATE_CONSUMER_OFFSET:
                return self.update_consumer_offset(ctx, request)
            if code == RequestCode.QUERY_CONSUMER_OFFSET:
                return self.query_consumer_offset(ctx, request)
        except RemotingCommandException as e:
            return RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, f"bad request header: {e}")
        return RemotingCommand.create_response_command(ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                                                       f" request type {code} not supported")

    def get_consumer_list_by_group(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        header = request.decode_command_custom_header(GetConsumerListByGroupRequestHeader)
        info = self.broker_controller.consumer_manager.get_consumer_group_info(header.consumer_group or "")
        if info is not None:
            ids = info.get_all_client_id()
            if ids:
                response = RemotingCommand.create_response_command(ResponseCode.SUCCESS, None)
                response.body = GetConsumerListByGroupResponseBody(ids).encode()
                return response
            log.warning("getAllClientId failed, %s %s", header.consumer_group, ctx.remote_addr)
        else:
            log.warning("getConsumerGroupInfo failed, %s %s", header.consumer_group, ctx.remote_addr)
        return RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR,
                                                       f"no consumer for this group, {header.consumer_group}")

    @traced(_JAVA + "#updateConsumerOffset", books=("B5.6.3",))
    def update_consumer_offset(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        header = request.decode_command_custom_header(UpdateConsumerOffsetRequestHeader)
        if None in (header.consumer_group, header.topic, header.queue_id, header.commit_offset):
            return RemotingCommand.create_response_command(
                ResponseCode.SYSTEM_ERROR, "consumerGroup, topic, queueId and commitOffset are required")
        s = current_span()
        if s.is_recording():
            s.set_attributes({"messaging.consumer.group.name": header.consumer_group,
                              "messaging.destination.name": header.topic, "rocketmq.queue_id": header.queue_id,
                              "rocketmq.commit_offset": header.commit_offset})
        self.broker_controller.consumer_offset_manager.commit_offset(
            ctx.remote_addr, header.consumer_group, header.topic, header.queue_id, header.commit_offset)
        response = RemotingCommand.create_response_command(ResponseCode.SUCCESS, None,
                                                           UpdateConsumerOffsetResponseHeader)
        return response

    def query_consumer_offset(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """A group that never committed gets offset 0 while the queue's first message is still in
        memory (so a brand-new group reads a young queue from its start), else QUERY_NOT_FOUND."""
        header = request.decode_command_custom_header(QueryConsumerOffsetRequestHeader)
        if None in (header.consumer_group, header.topic, header.queue_id):
            return RemotingCommand.create_response_command(
                ResponseCode.SYSTEM_ERROR, "consumerGroup, topic and queueId are required")
        controller = self.broker_controller
        response = RemotingCommand.create_response_command(ResponseCode.SUCCESS, None,
                                                           QueryConsumerOffsetResponseHeader)
        offset = controller.consumer_offset_manager.query_offset(header.consumer_group, header.topic,
                                                                 header.queue_id)
        if offset >= 0:
            response.custom_header.offset = offset
            return response
        store = controller.message_store
        min_offset = store.get_min_offset_in_queue(header.topic, header.queue_id)
        if min_offset <= 0 and not store.check_in_disk_by_consume_offset(header.topic, header.queue_id, 0):
            response.custom_header.offset = 0
            return response
        response.code = ResponseCode.QUERY_NOT_FOUND
        response.remark = "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first"
        response.custom_header = None
        return response
