"""Requests the broker sends to its clients over their own connections (Java
``broker.client.net.Broker2Client``; B5.5, B5.6.3): NOTIFY_CONSUMER_IDS_CHANGED, RESET_CONSUMER_CLIENT_OFFSET,
relayed admin calls (GET_CONSUMER_RUNNING_INFO, CONSUME_MESSAGE_DIRECTLY), CHECK_TRANSACTION_STATE (B8.4)."""
from __future__ import annotations

import logging
from typing import Any

from rocketmq_ref.broker.client.client_channel_info import parse_channel_remote_addr
from rocketmq_ref.common.message import message_decoder
from rocketmq_ref.common.message.message_queue import MessageQueue
from rocketmq_ref.common.protocol.body.get_consumer_status_body import GetConsumerStatusBody
from rocketmq_ref.common.protocol.body.reset_offset_body import ResetOffsetBody
from rocketmq_ref.common.protocol.header.get_consumer_status_request_header import GetConsumerStatusRequestHeader
from rocketmq_ref.common.protocol.header.notify_consumer_ids_changed_request_header import (
    NotifyConsumerIdsChangedRequestHeader)
from rocketmq_ref.common.protocol.header.reset_offset_request_header import ResetOffsetRequestHeader
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.tracing import span
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

log = logging.getLogger("rocketmq_ref.broker")

#: ``MQVersion.Version.V3_0_7_SNAPSHOT.ordinal()``: clients from here on take offset resets
V3_0_7_SNAPSHOT = 27
CALL_CLIENT_TIMEOUT_MS = 10000


class Broker2Client:
    def __init__(self, broker_controller: Any) -> None:
        self.broker_controller = broker_controller

    def _server_of(self, channel: Any) -> Any:
        """The server whose loop owns ``channel`` (the main or the VIP port's)."""
        owner = getattr(channel, "owner", None)
        return owner if owner is not None and hasattr(owner, "invoke_oneway") else self.broker_controller.remoting_server

    def notify_consumer_ids_changed(self, channel: Any, consumer_group: str) -> None:
        if not consumer_group:
            log.error("notifyConsumerIdsChanged consumerGroup is null")
            return
        request = RemotingCommand.create_request_command(
            RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, NotifyConsumerIdsChangedRequestHeader(consumer_group))
        with span("Broker2Client.notify_consumer_ids_changed",
                  java="org.apache.rocketmq.broker.client.net.Broker2Client#notifyConsumerIdsChanged",
                  books=("B5.5",), attributes={"messaging.consumer.group.name": consumer_group}):
            try:
                self._server_of(channel).invoke_oneway(channel, request, 10)
            except Exception as e:
                log.error("notifyConsumerIdsChanged exception. group=%s, error=%s", consumer_group, e)

    def check_producer_transaction_state(self, group: str, channel: Any, request_header: Any, message_ext: Any) -> None:
        """CHECK_TRANSACTION_STATE (oneway), body = the half message re-encoded (B8.4)."""
        request = RemotingCommand.create_request_command(RequestCode.CHECK_TRANSACTION_STATE, request_header)
        request.body = message_decoder.encode(message_ext, False)
        try:
            self._server_of(channel).invoke_oneway(channel, request, 10)
        except Exception as e:
            log.error("Check transaction failed because invoke producer exception. group=%s, msgId=%s, error=%s",
                      group, message_ext.msg_id, e)

    def call_client(self, channel: Any, request: RemotingCommand) -> RemotingCommand:
        return self._server_of(channel).invoke_sync(channel, request, CALL_CLIENT_TIMEOUT_MS)

    def reset_offset(self, topic: str, group: str, time_stamp: int, is_force: bool) -> RemotingCommand:
        """Compute each queue's offset at ``time_stamp`` (-1: the end), push it to every consumer of
        the group (oneway RESET_CONSUMER_CLIENT_OFFSET) and answer the table."""
        controller = self.broker_controller
        response = RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, None)
        topic_config = controller.topic_config_manager.select_topic_config(topic)
        if topic_config is None:
            response.remark = f"[reset-offset] reset offset failed, no topic in this broker. topic={topic}"
            return response
        store = controller.message_store
        table: dict[MessageQueue, int] = {}
        for qid in range(topic_config.write_queue_nums):
            mq = MessageQueue(topic, controller.broker_config.broker_name, qid)
            consumer_offset = controller.consumer_offset_manager.query_offset(group, topic, qid)
            if consumer_offset == -1:
                response.remark = f"THe consumer group <{group}> not exist"
                return response
            if time_stamp == -1:
                ts_offset = store.get_max_offset_in_queue(topic, qid)
            else:
                ts_offset = store.get_offset_in_queue_by_time(topic, qid, time_stamp)
            ts_offset = max(ts_offset, 0)
            table[mq] = ts_offset if is_force or ts_offset < consumer_offset else consumer_offset
        body = ResetOffsetBody(table).encode()
        request = RemotingCommand.create_request_command(
            RequestCode.RESET_CONSUMER_CLIENT_OFFSET,
            ResetOffsetRequestHeader(topic=topic, group=group, timestamp=time_stamp, is_force=is_force), body)
        info = controller.consumer_manager.get_consumer_group_info(group)
        if info is None or not info.get_all_channel():
            response.code = ResponseCode.CONSUMER_NOT_ONLINE
            response.remark = (f"Consumer not online, so can not reset offset, Group: {group} Topic: {topic} "
                               f"Timestamp: {time_stamp}")
            return response
        for channel, cinfo in list(info.channel_info_table.items()):
            if cinfo.version < V3_0_7_SNAPSHOT:
                response.remark = f"the client does not support this feature. version={cinfo.version}"
                return response
            try:
                self._server_of(channel).invoke_oneway(channel, request, 5000)
                log.info("[reset-offset] reset offset success. topic=%s, group=%s, clientId=%s", topic, group,
                         cinfo.client_id)
            except Exception as e:
                log.error("[reset-offset] reset offset exception. topic=%s, group=%s, addr=%s: %s", topic, group,
                          parse_channel_remote_addr(channel), e)
        response.code = ResponseCode.SUCCESS
        response.body = body
        return response

    def get_consume_status(self, topic: str, group: str, origin_client_id: str) -> RemotingCommand:
        """Java ``getConsumeStatus``: GET_CONSUMER_STATUS_FROM_CLIENT to each client of the group (or
        the one named), answering every client's offset table (``mqadmin getConsumerStatus``)."""
        result = RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, None)
        request = RemotingCommand.create_request_command(
            RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT, GetConsumerStatusRequestHeader(topic=topic, group=group))
        info = self.broker_controller.consumer_manager.get_consumer_group_info(group)
        channels = list(info.channel_info_table.items()) if info is not None else []
        if not channels:
            result.remark = f"No Any Consumer online in the consumer group: [{group}]"
            return result
        table: dict[str, dict[MessageQueue, int]] = {}
        for channel, cinfo in channels:
            if cinfo.version < V3_0_7_SNAPSHOT:
                result.remark = f"the client does not support this feature. version={cinfo.version}"
                log.warning("[get-consumer-status] the client does not support this feature. channel=%s, "
                            "version=%s", parse_channel_remote_addr(channel), cinfo.version)
                return result
            if origin_client_id and origin_client_id != cinfo.client_id:
                continue
            try:
                response = self._server_of(channel).invoke_sync(channel, request, 5000)
                if response.code == ResponseCode.SUCCESS and response.body:
                    table[cinfo.client_id] = GetConsumerStatusBody.from_json(bytes(response.body)).message_queue_table
                    log.info("[get-consumer-status] get consumer status success. topic=%s, group=%s, "
                             "channelRemoteAddr=%s", topic, group, cinfo.client_id)
            except Exception as e:
                log.error("[get-consumer-status] get consumer status exception. topic=%s, group=%s, error=%s",
                          topic, group, e)
            if origin_client_id:
                break
        result.code = ResponseCode.SUCCESS
        result.body = GetConsumerStatusBody(consumer_table=table).encode()
        return result
