"""QUERY_MESSAGE by key (or by UNIQ_KEY) and VIEW_MESSAGE_BY_ID (Java
``broker.processor.QueryMessageProcessor``; B4.5.3, A4.2): the records come back as stored."""
from __future__ import annotations

from typing import Any

from rocketmq_ref.common.mixall import UNIQUE_MSG_QUERY_FLAG
from rocketmq_ref.common.protocol.header.query_message_request_header import QueryMessageRequestHeader
from rocketmq_ref.common.protocol.header.query_message_response_header import QueryMessageResponseHeader
from rocketmq_ref.common.protocol.header.view_message_request_header import ViewMessageRequestHeader
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.tracing import traced
from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

_JAVA = "org.apache.rocketmq.broker.processor.QueryMessageProcessor"


class QueryMessageProcessor:
    def __init__(self, broker_controller: Any) -> None:
        self.broker_controller = broker_controller

    def reject_request(self) -> bool:
        return False

    def process_request(self, ctx: Any, request: RemotingCommand) -> RemotingCommand | None:
        try:
            if request.code == RequestCode.QUERY_MESSAGE:
                return self.query_message(ctx, request)
            if request.code == RequestCode.VIEW_MESSAGE_BY_ID:
                return self.view_message_by_id(ctx, request)
        except RemotingCommandException as e:
            return RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, f"bad request header: {e}")
        return RemotingCommand.create_response_command(ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                                                       f" request type {request.code} not supported")

    @traced(_JAVA + "#queryMessage", books=("B4.5.3",))
    def query_message(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        header = request.decode_command_custom_header(QueryMessageRequestHeader)
        if header.topic is None or header.key is None:
            return RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, "topic and key are required")
        max_num = header.max_num or 32
        if (request.ext_fields or {}).get(UNIQUE_MSG_QUERY_FLAG) == "true":
            max_num = self.broker_controller.message_store_config.default_query_max_num
        result = self.broker_controller.message_store.query_message(
            header.topic, header.key, max_num, header.begin_timestamp or 0, header.end_timestamp or 0)
        response = RemotingCommand.create_response_command(ResponseCode.SUCCESS, None, QueryMessageResponseHeader)
        response.custom_header.index_last_update_phyoffset = result.index_last_update_phyoffset
        response.custom_header.index_last_update_timestamp = result.index_last_update_timestamp
        try:
            if result.buffer_total_size > 0:
                response.body = b"".join(result.message_buffer_list)
                return response
        finally:
            result.release()
        response.code = ResponseCode.QUERY_NOT_FOUND
        response.remark = "can not find message, maybe time range not correct"
        return response

    @traced(_JAVA + "#viewMessageById", books=("B4.5.3",))
    def view_message_by_id(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        header = request.decode_command_custom_header(ViewMessageRequestHeader)
        if header.offset is None:
            return RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, "offset is required")
        select = None
        if header.offset >= 0:
            select = self.broker_controller.message_store.select_one_message_by_offset(header.offset)
        if select is None:
            return RemotingCommand.create_response_command(
                ResponseCode.SYSTEM_ERROR, f"can not find message by the offset, {header.offset}")
        try:
            response = RemotingCommand.create_response_command(ResponseCode.SUCCESS, None)
            response.body = bytes(select.byte_buffer[:select.size])
            return response
        finally:
            select.release()
