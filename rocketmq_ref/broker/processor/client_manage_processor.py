"""HEART_BEAT, UNREGISTER_CLIENT, CHECK_CLIENT_CONFIG (Java ``broker.processor.ClientManageProcessor``;
A4.2, B5.5): registers producers and consumers by their channel, creates ``%RETRY%<group>`` for
known groups and tells a group's members when it changes."""
from __future__ import annotations

import logging
from typing import Any

from rocketmq_ref.broker.client.client_channel_info import ClientChannelInfo
from rocketmq_ref.common import mixall
from rocketmq_ref.common.fastjson import FastJsonError, loads
from rocketmq_ref.common.perm_name import PermName
from rocketmq_ref.common.protocol.body.check_client_request_body import CheckClientRequestBody
from rocketmq_ref.common.protocol.header.unregister_client_request_header import UnregisterClientRequestHeader
from rocketmq_ref.common.protocol.heartbeat import ExpressionType, HeartbeatData
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.sysflag import TopicSysFlag
from rocketmq_ref.common.tracing import current_span, traced
from rocketmq_ref.filter.filter_factory import FilterFactory
from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

log = logging.getLogger("rocketmq_ref.broker")

_JAVA = "org.apache.rocketmq.broker.processor.ClientManageProcessor"


_CONSUME_TYPE_ORDINALS = ("CONSUME_ACTIVELY", "CONSUME_PASSIVELY")
_MESSAGE_MODEL_ORDINALS = ("BROADCASTING", "CLUSTERING")


def normalize_heartbeat(value: Any) -> Any:
    """C++ clients write the consumer enums as ordinals (``"consumeType":1``); Java's fastjson takes
    both, so name them before decoding (spec protocol.md §8.5)."""
    if isinstance(value, dict):
        for consumer in value.get("consumerDataSet") or ():
            if not isinstance(consumer, dict):
                continue
            for key, names in (("consumeType", _CONSUME_TYPE_ORDINALS), ("messageModel", _MESSAGE_MODEL_ORDINALS)):
                v = consumer.get(key)
                if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < len(names):
                    consumer[key] = names[v]
    return value


def _language_name(language: Any) -> str:
    return getattr(language, "name", None) or str(language or "OTHER")


class ClientManageProcessor:
    def __init__(self, broker_controller: Any) -> None:
        self.broker_controller = broker_controller

    def reject_request(self) -> bool:
        return False

    def process_request(self, ctx: Any, request: RemotingCommand) -> RemotingCommand | None:
        code = request.code
        if code == RequestCode.HEART_BEAT:
            return self.heart_beat(ctx, request)
        if code == RequestCode.UNREGISTER_CLIENT:
            return self.unregister_client(ctx, request)
        if code == RequestCode.CHECK_CLIENT_CONFIG:
            return self.check_client_config(ctx, request)
        return RemotingCommand.create_response_command(ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                                                       f" request type {code} not supported")

    @traced(_JAVA + "#heartBeat", books=("A4.2", "B5.5"))
    def heart_beat(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        if not request.body:
            return RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR,
                                                           "heartbeat without a HeartbeatData body")
        try:
            data = HeartbeatData.from_json_value(normalize_heartbeat(loads(request.body)))
        except (FastJsonError, ValueError, TypeError) as e:
            return RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, f"bad HeartbeatData body: {e}")
        if not data.client_id:
            return RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR,
                                                           "HeartbeatData without clientID")
        controller = self.broker_controller
        info = ClientChannelInfo(ctx.channel, data.client_id, _language_name(request.language), request.version)
        s = current_span()
        if s.is_recording():
            s.set_attributes({"rocketmq.client_id": data.client_id,
                              "rocketmq.consumer_groups": [c.group_name or "" for c in data.consumer_data_set],
                              "rocketmq.producer_groups": [p.group_name or "" for p in data.producer_data_set]})
        for consumer in data.consumer_data_set:
            if not consumer.group_name:
                continue
            sgc = controller.subscription_group_manager.find_subscription_group_config(consumer.group_name)
            notify = True
            if sgc is not None:
                notify = sgc.notify_consumer_ids_changed_enable
                topic_sys_flag = TopicSysFlag.build_sys_flag(False, True) if consumer.unit_mode else 0
                controller.topic_config_manager.create_topic_in_send_message_back_method(
                    mixall.get_retry_topic(consumer.group_name), sgc.retry_queue_nums,
                    PermName.PERM_WRITE | PermName.PERM_READ, topic_sys_flag)
            changed = controller.consumer_manager.register_consumer(
                consumer.group_name, info, consumer.consume_type, consumer.message_model,
                consumer.consume_from_where, consumer.subscription_data_set, notify)
            if changed:
                log.info("registerConsumer info changed %s %s", consumer, ctx.remote_addr)
        for producer in data.producer_data_set:
            if producer.group_name:
                controller.producer_manager.register_producer(producer.group_name, info)
        return RemotingCommand.create_response_command(ResponseCode.SUCCESS, None)

    def unregister_client(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        try:
            header = request.decode_command_custom_header(UnregisterClientRequestHeader)
        except RemotingCommandException as e:
            return RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, f"bad unregister header: {e}")
        controller = self.broker_controller
        info = ClientChannelInfo(ctx.channel, header.client_id or "", _language_name(request.language),
                                 request.version)
        if header.producer_group is not None:
            controller.producer_manager.unregister_producer(header.producer_group, info)
        if header.consumer_group is not None:
            sgc = controller.subscription_group_manager.find_subscription_group_config(header.consumer_group)
            notify = sgc.notify_consumer_ids_changed_enable if sgc is not None else True
            controller.consumer_manager.unregister_consumer(header.consumer_group, info, notify)
        return RemotingCommand.create_response_command(ResponseCode.SUCCESS, None)

    def check_client_config(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        body = None
        if request.body:
            try:
                body = CheckClientRequestBody.from_json(request.body)
            except (FastJsonError, ValueError, TypeError) as e:
                return RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR,
                                                               f"bad CheckClientRequestBody: {e}")
        if body is not None and body.subscription_data is not None:
            sd = body.subscription_data
            if not ExpressionType.is_tag_type(sd.expression_type):
                if not self.broker_controller.broker_config.enable_property_filter:
                    return RemotingCommand.create_response_command(
                        ResponseCode.SYSTEM_ERROR,
                        f"The broker does not support consumer to filter message by {sd.expression_type}")
                try:  # FILTER's hook: compile as Java's FilterFactory does, answer the reason
                    FilterFactory.INSTANCE.compile(sd.expression_type, sd.sub_string)
                except Exception as e:
                    log.warning("Client %s@%s filter message, but failed to compile expression! sub=%s, error=%s",
                                body.client_id, body.group, sd, e)
                    return RemotingCommand.create_response_command(ResponseCode.SUBSCRIPTION_PARSE_FAILED, str(e))
        return RemotingCommand.create_response_command(ResponseCode.SUCCESS, None)
