"""PULL_MESSAGE (Java ``broker.processor.PullMessageProcessor``; B5.4.3, A3.1.2).

Checks the group, topic and queue, builds the subscription from the request (sysflag bit 2) or from
the heartbeat registry, reads up to ``maxMsgNums`` records through the tag filter, maps the store
status to the wire code, commits the consumer's offset (bit 0) and, when nothing was found and the
client allows suspension (bit 1), hands the request to ``PullRequestHoldService`` (long polling).
"""
from __future__ import annotations

import json
import logging
import time
from typing import Any

from opentelemetry import trace as otel_trace

from rocketmq_ref.broker.client.client_channel_info import parse_channel_remote_addr
from rocketmq_ref.broker.filter.consumer_filter_manager import ConsumerFilterManager
from rocketmq_ref.broker.longpolling.pull_request import PullRequest
from rocketmq_ref.common import topic_validator
from rocketmq_ref.common.filter_api import FilterAPI
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message.message_decoder import message_properties2string
from rocketmq_ref.common.mixall import MASTER_ID
from rocketmq_ref.common.perm_name import PermName
from rocketmq_ref.common.protocol.header.pull_message_request_header import PullMessageRequestHeader
from rocketmq_ref.common.protocol.header.pull_message_response_header import PullMessageResponseHeader
from rocketmq_ref.common.protocol.heartbeat import ExpressionType, MessageModel
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.sysflag import PullSysFlag
from rocketmq_ref.common.java_hash import tags_string2tags_code
from rocketmq_ref.common.tracing import current_span, traced
from rocketmq_ref.filter.expression_message_filter import ExpressionForRetryMessageFilter, ExpressionMessageFilter
from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand
from rocketmq_ref.store.get_message_result import GetMessageResult, GetMessageStatus
from rocketmq_ref.store.message_ext_broker_inner import MessageExtBrokerInner

log = logging.getLogger("rocketmq_ref.broker")

_JAVA = "org.apache.rocketmq.broker.processor.PullMessageProcessor"
_SLAVE = "SLAVE"


class PullMessageProcessor:
    def __init__(self, broker_controller: Any) -> None:
        self.broker_controller = broker_controller

    def reject_request(self) -> bool:
        return False

    def process_request(self, ctx: Any, request: RemotingCommand) -> RemotingCommand | None:
        return self._process_request(ctx, request, True)

    def execute_request_when_wakeup(self, ctx: Any, request: RemotingCommand) -> None:
        """Re-run a held pull (never suspending again, never committing the offset again) on the
        pull executor and answer through the request's context (its SERVER span ends then)."""
        def run() -> None:
            try:
                request_span = getattr(ctx, "span", None)
                if request_span is not None:  # the re-run is a child of the request's SERVER span
                    with otel_trace.use_span(request_span, end_on_exit=False):
                        response = self._process_request(ctx, request, False)
                else:
                    response = self._process_request(ctx, request, False)
            except Exception as e:  # the client must hear back even when the re-run fails
                log.exception("execute request when wakeup run")
                response = RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, str(e))
            ctx.write_response(response)
        try:
            self.broker_controller.pull_message_executor.submit(run)
        except RuntimeError:  # executor shut down or full: answer from here
            run()

    @traced(_JAVA + "#processRequest", books=("B5.4.3",))
    def _process_request(self, channel: Any, request: RemotingCommand, broker_allow_suspend: bool
                         ) -> RemotingCommand | None:
        controller = self.broker_controller
        config = controller.broker_config
        store = controller.message_store
        begin = time.monotonic()
        response = RemotingCommand.create_response_command(ResponseCode.SYSTEM_ERROR, None,
                                                           PullMessageResponseHeader)
        response.opaque = request.opaque
        try:
            header = request.decode_command_custom_header(PullMessageRequestHeader)
        except RemotingCommandException as e:
            response.remark = f"bad pull request header: {e}"
            return response
        if header.consumer_group is None or header.topic is None or header.queue_id is None:
            response.remark = "bad pull request header: consumerGroup, topic and queueId are required"
            return response
        queue_offset = header.queue_offset or 0
        sys_flag = header.sys_flag or 0
        span_ = current_span()
        if span_.is_recording():
            span_.set_attributes({"messaging.destination.name": header.topic, "messaging.consumer.group.name":
                                  header.consumer_group, "rocketmq.queue_id": header.queue_id,
                                  "rocketmq.queue_offset": queue_offset, "rocketmq.pull.sys_flag": sys_flag,
                                  "rocketmq.pull.allow_suspend": broker_allow_suspend})
        if not PermName.is_readable(config.broker_permission):
            response.code = ResponseCode.NO_PERMISSION
            response.remark = f"the broker[{config.broker_ip1}] pulling message is forbidden"
            return response
        sgc = controller.subscription_group_manager.find_subscription_group_config(header.consumer_group)
        if sgc is None:
            response.code = ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST
            response.remark = f"subscription group [{header.consumer_group}] does not exist"
            return response
        if not sgc.consume_enable:
            response.code = ResponseCode.NO_PERMISSION
            response.remark = "subscription group no permission, " + header.consumer_group
            return response
        has_suspend = PullSysFlag.has_suspend_flag(sys_flag)
        has_commit_offset = PullSysFlag.has_commit_offset_flag(sys_flag)
        has_subscription = PullSysFlag.has_subscription_flag(sys_flag)
        suspend_timeout = (header.suspend_timeout_millis or 0) if has_suspend else 0
        topic_config = controller.topic_config_manager.select_topic_config(header.topic)
        if topic_config is None:
            response.code = ResponseCode.TOPIC_NOT_EXIST
            response.remark = f"topic[{header.topic}] not exist, apply first please!"
            return response
        if not PermName.is_readable(topic_config.perm):
            response.code = ResponseCode.NO_PERMISSION
            response.remark = f"the topic[{header.topic}] pulling message is forbidden"
            return response
        if header.queue_id < 0 or header.queue_id >= topic_config.read_queue_nums:
            response.code = ResponseCode.SYSTEM_ERROR
            response.remark = (f"queueId[{header.queue_id}] is illegal, topic:[{header.topic}] "
                               f"topicConfig.readQueueNums:[{topic_config.read_queue_nums}] "
                               f"consumer:[{parse_channel_remote_addr(channel)}]")
            return response

        consumer_filter_data = None
        if has_subscription:
            try:
                subscription_data = FilterAPI.build(header.topic, header.subscription, header.expression_type)
                if not ExpressionType.is_tag_type(subscription_data.expression_type):
                    consumer_filter_data = ConsumerFilterManager.build(  # SQL92 (FILTER's hook)
                        header.topic, header.consumer_group, header.subscription, header.expression_type,
                        header.sub_version or 0)
                    if consumer_filter_data is None:
                        raise ValueError(f"bad {header.expression_type} expression")
            except Exception as e:
                log.warning("Parse the consumer's subscription[%s] failed, group: %s: %s", header.subscription,
                            header.consumer_group, e)
                response.code = ResponseCode.SUBSCRIPTION_PARSE_FAILED
                response.remark = "parse the consumer's subscription failed"
                return response
        else:
            group_info = controller.consumer_manager.get_consumer_group_info(header.consumer_group)
            if group_info is None:
                response.code = ResponseCode.SUBSCRIPTION_NOT_EXIST
                response.remark = "the consumer's group info not exist"
                return response
            if not sgc.consume_broadcast_enable and group_info.message_model is MessageModel.BROADCASTING:
                response.code = ResponseCode.NO_PERMISSION
                response.remark = f"the consumer group[{header.consumer_group}] can not consume by broadcast way"
                return response
            subscription_data = group_info.find_subscription_data(header.topic)
            if subscription_data is None:
                response.code = ResponseCode.SUBSCRIPTION_NOT_EXIST
                response.remark = "the consumer's subscription not exist"
                return response
            if subscription_data.sub_version < (header.sub_version or 0):
                response.code = ResponseCode.SUBSCRIPTION_NOT_LATEST
                response.remark = "the consumer's subscription not latest"
                return response
            if not ExpressionType.is_tag_type(subscription_data.expression_type):
                consumer_filter_data = controller.consumer_filter_manager.get(header.topic, header.consumer_group)
                if consumer_filter_data is None:
                    response.code = ResponseCode.FILTER_DATA_NOT_EXIST
                    response.remark = "The broker's consumer filter data is not exist!Your expression may be wrong!"
                    return response
                if consumer_filter_data.client_version < (header.sub_version or 0):
                    log.warning("The broker's consumer filter data is not latest, group: %s, topic: %s, serverV: %s, "
                                "clientV: %s", header.consumer_group, header.topic,
                                consumer_filter_data.client_version, header.sub_version)
                    response.code = ResponseCode.FILTER_DATA_NOT_LATEST
                    response.remark = "the consumer's consumer filter data not latest"
                    return response
        if not ExpressionType.is_tag_type(subscription_data.expression_type) and not config.enable_property_filter:
            response.code = ResponseCode.SYSTEM_ERROR
            response.remark = ("The broker does not support consumer to filter message by "
                               f"{subscription_data.expression_type}")
            return response
        filter_cls = ExpressionForRetryMessageFilter if config.filter_support_retry else ExpressionMessageFilter
        message_filter = filter_cls(subscription_data, consumer_filter_data, controller.consumer_filter_manager)

        with message_filter.evaluation_span(header.topic, header.consumer_group):  # SQL92 counts (FILTER)
            result: GetMessageResult | None = store.get_message(header.consumer_group, header.topic,
                                                                header.queue_id, queue_offset,
                                                                header.max_msg_nums or 32, message_filter)
        if result is None:
            response.code = ResponseCode.SYSTEM_ERROR
            response.remark = "store getMessage return null"
            return response
        rh: PullMessageResponseHeader = response.custom_header
        response.remark = result.status.name
        rh.next_begin_offset = result.next_begin_offset
        rh.min_offset = result.min_offset
        rh.max_offset = result.max_offset
        is_slave = controller.message_store_config.broker_role.name == _SLAVE
        if config.slave_read_enable:
            rh.suggest_which_broker_id = (sgc.which_broker_when_consume_slowly if result.suggest_pulling_from_slave
                                          else sgc.broker_id)
        else:
            rh.suggest_which_broker_id = MASTER_ID
        response.code = _status_code(result.status, queue_offset)
        if is_slave and not config.slave_read_enable:
            response.code = ResponseCode.PULL_RETRY_IMMEDIATELY
            rh.suggest_which_broker_id = MASTER_ID

        code = response.code
        if code == ResponseCode.SUCCESS:
            stats = controller.broker_stats_manager
            count = result.get_message_count()
            stats.inc_group_get_nums(header.consumer_group, header.topic, count)
            stats.inc_group_get_size(header.consumer_group, header.topic, result.buffer_total_size)
            stats.inc_broker_get_nums(count)
            try:
                response.body = self.read_get_message_result(result)
            finally:
                result.release()
            stats.inc_group_get_latency(header.consumer_group, header.topic, header.queue_id,
                                        int((time.monotonic() - begin) * 1000))
            if span_.is_recording():
                span_.set_attribute("messaging.batch.message_count", count)
        else:
            result.release()
            if code == ResponseCode.PULL_NOT_FOUND and broker_allow_suspend and has_suspend:
                polling = suspend_timeout if config.long_polling_enable else config.short_polling_time_mills
                now = store.now() if hasattr(store, "now") else int(time.time() * 1000)
                pull_request = PullRequest(request, channel, polling, now, queue_offset, subscription_data,
                                           message_filter)
                controller.pull_request_hold_service.suspend_pull_request(header.topic, header.queue_id,
                                                                          pull_request)
                if span_.is_recording():
                    span_.add_event("pull.suspend", {"rocketmq.pull.suspend_timeout_ms": polling,
                                                     "rocketmq.pull.offset": queue_offset})
                response = None
            elif code == ResponseCode.PULL_OFFSET_MOVED:
                if not is_slave or controller.message_store_config.offset_check_in_slave:
                    self.generate_offset_moved_event(header, queue_offset, result.next_begin_offset)
                    log.warning("PULL_OFFSET_MOVED:correction offset. topic=%s, groupId=%s, requestOffset=%s, "
                                "newOffset=%s", header.topic, header.consumer_group, queue_offset,
                                result.next_begin_offset)
                else:
                    rh.suggest_which_broker_id = sgc.broker_id
                    response.code = ResponseCode.PULL_RETRY_IMMEDIATELY

        if broker_allow_suspend and has_commit_offset and not is_slave:
            controller.consumer_offset_manager.commit_offset(
                parse_channel_remote_addr(channel), header.consumer_group, header.topic, header.queue_id,
                header.commit_offset or 0)
        return response

    @staticmethod
    def read_get_message_result(result: GetMessageResult) -> bytes:
        """The records as stored, back to back (Java ``readGetMessageResult``, transferMsgByHeap)."""
        return b"".join(result.message_buffer_list)

    def generate_offset_moved_event(self, header: PullMessageRequestHeader, offset_request: int,
                                    offset_new: int) -> None:
        """Store an ``OffsetMovedEvent`` in ``OFFSET_MOVED_EVENT`` (Java ``generateOffsetMovedEvent``)."""
        controller = self.broker_controller
        event = {"consumerGroup": header.consumer_group,
                 "messageQueue": {"brokerName": controller.broker_config.broker_name,
                                  "queueId": header.queue_id, "topic": header.topic},
                 "offsetNew": offset_new, "offsetRequest": offset_request}
        props = {mc.PROPERTY_TAGS: header.topic}
        store_host = controller.get_store_host()
        msg = MessageExtBrokerInner(topic_validator.RMQ_SYS_OFFSET_MOVED_EVENT,
                                    json.dumps(event, separators=(",", ":"), sort_keys=True).encode(),
                                    properties=props, queue_id=0, born_timestamp=int(time.time() * 1000),
                                    born_host=store_host, store_host=store_host)
        msg.properties_string = message_properties2string(props)
        msg.tags_code = tags_string2tags_code(header.topic)
        try:
            put = controller.message_store.put_message(msg)
            log.info("generate offset moved event, %s", put)
        except Exception:
            log.warning("generateOffsetMovedEvent Exception", exc_info=True)


def _status_code(status: GetMessageStatus, queue_offset: int) -> int:
    if status is GetMessageStatus.FOUND:
        return ResponseCode.SUCCESS
    if status in (GetMessageStatus.MESSAGE_WAS_REMOVING, GetMessageStatus.NO_MATCHED_MESSAGE):
        return ResponseCode.PULL_RETRY_IMMEDIATELY
    if status in (GetMessageStatus.NO_MATCHED_LOGIC_QUEUE, GetMessageStatus.NO_MESSAGE_IN_QUEUE):
        return ResponseCode.PULL_OFFSET_MOVED if queue_offset != 0 else ResponseCode.PULL_NOT_FOUND
    if status in (GetMessageStatus.OFFSET_FOUND_NULL, GetMessageStatus.OFFSET_OVERFLOW_ONE):
        return ResponseCode.PULL_NOT_FOUND
    return ResponseCode.PULL_OFFSET_MOVED  # OFFSET_OVERFLOW_BADLY, OFFSET_TOO_SMALL
