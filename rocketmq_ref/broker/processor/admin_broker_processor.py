"""The broker's default processor: topic and group administration, offsets, stats, connections,
orderly queue locks and relays to clients (Java ``broker.processor.AdminBrokerProcessor``; A4.2,
B5.6.3, B5.9.4, spec protocol.md §8.4). Unknown codes get REQUEST_CODE_NOT_SUPPORTED."""
from __future__ import annotations

import logging
import struct
import time
from typing import Any, Callable

from rocketmq_ref.acl.broker_acl import AclAdminHandlers
from rocketmq_ref.broker.processor.admin_broker_extra_handlers import AdminBrokerExtraHandlers
from rocketmq_ref.broker.client.client_channel_info import parse_channel_remote_addr
from rocketmq_ref.common import topic_validator
from rocketmq_ref.common.fastjson import FastJsonError, dumps
from rocketmq_ref.common.java_config import ConfigError, parse_properties
from rocketmq_ref.common.message.message_queue import MessageQueue
from rocketmq_ref.common.mixall import file2string
from rocketmq_ref.common.protocol.body.broker_stats_data import BrokerStatsData, BrokerStatsItem
from rocketmq_ref.common.protocol.body.connection import Connection, ConsumerConnection, ProducerConnection
from rocketmq_ref.common.protocol.body.consume_stats import ConsumeStats, OffsetWrapper
from rocketmq_ref.common.protocol.body.consume_stats_list import ConsumeStatsList
from rocketmq_ref.common.protocol.body.consumer_offset_serialize_wrapper import ConsumerOffsetSerializeWrapper
from rocketmq_ref.common.protocol.body.group_list import GroupList
from rocketmq_ref.common.protocol.body.kv_table import KVTable
from rocketmq_ref.common.protocol.body.lock_batch_body import (LockBatchRequestBody, LockBatchResponseBody,
                                                                UnlockBatchRequestBody)
from rocketmq_ref.common.protocol.body.producer_info import ProducerInfo, ProducerTableInfo
from rocketmq_ref.common.protocol.body.query_consume_queue_response_body import (ConsumeQueueData,
                                                                                 QueryConsumeQueueResponseBody)
from rocketmq_ref.common.protocol.body.queue_time_span import QueryConsumeTimeSpanBody, QueueTimeSpan
from rocketmq_ref.common.protocol.body.topic_stats_table import TopicOffset, TopicStatsTable
from rocketmq_ref.common.protocol.header.clone_group_offset_request_header import CloneGroupOffsetRequestHeader
from rocketmq_ref.common.protocol.header.consume_message_directly_result_request_header import (
    ConsumeMessageDirectlyResultRequestHeader)
from rocketmq_ref.common.protocol.header.create_topic_request_header import CreateTopicRequestHeader
from rocketmq_ref.common.protocol.header.delete_subscription_group_request_header import (
    DeleteSubscriptionGroupRequestHeader)
from rocketmq_ref.common.protocol.header.delete_topic_request_header import DeleteTopicRequestHeader
from rocketmq_ref.common.protocol.header.get_broker_config_response_header import GetBrokerConfigResponseHeader
from rocketmq_ref.common.protocol.header.get_consume_stats_in_broker_header import GetConsumeStatsInBrokerHeader
from rocketmq_ref.common.protocol.header.get_consume_stats_request_header import GetConsumeStatsRequestHeader
from rocketmq_ref.common.protocol.header.get_consumer_connection_list_request_header import (
    GetConsumerConnectionListRequestHeader)
from rocketmq_ref.common.protocol.header.get_consumer_running_info_request_header import (
    GetConsumerRunningInfoRequestHeader)
from rocketmq_ref.common.protocol.header.get_consumer_status_request_header import GetConsumerStatusRequestHeader
from rocketmq_ref.common.protocol.header.get_earliest_msg_storetime_request_header import (
    GetEarliestMsgStoretimeRequestHeader)
from rocketmq_ref.common.protocol.header.get_earliest_msg_storetime_response_header import (
    GetEarliestMsgStoretimeResponseHeader)
from rocketmq_ref.common.protocol.header.get_max_offset_request_header import GetMaxOffsetRequestHeader
from rocketmq_ref.common.protocol.header.get_max_offset_response_header import GetMaxOffsetResponseHeader
from rocketmq_ref.common.protocol.header.get_min_offset_request_header import GetMinOffsetRequestHeader
from rocketmq_ref.common.protocol.header.get_min_offset_response_header import GetMinOffsetResponseHeader
from rocketmq_ref.common.protocol.header.get_producer_connection_list_request_header import (
    GetProducerConnectionListRequestHeader)
from rocketmq_ref.common.protocol.header.get_topic_stats_info_request_header import GetTopicStatsInfoRequestHeader
from rocketmq_ref.common.protocol.header.query_consume_queue_request_header import QueryConsumeQueueRequestHeader
from rocketmq_ref.common.protocol.header.query_consume_time_span_request_header import (
    QueryConsumeTimeSpanRequestHeader)
from rocketmq_ref.common.protocol.header.query_topic_consume_by_who_request_header import (
    QueryTopicConsumeByWhoRequestHeader)
from rocketmq_ref.common.protocol.header.reset_offset_request_header import ResetOffsetRequestHeader
from rocketmq_ref.common.protocol.header.search_offset_request_header import SearchOffsetRequestHeader
from rocketmq_ref.common.protocol.header.search_offset_response_header import SearchOffsetResponseHeader
from rocketmq_ref.common.protocol.header.view_broker_stats_data_request_header import (
    ViewBrokerStatsDataRequestHeader)
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.subscription_group_config import SubscriptionGroupConfig
from rocketmq_ref.common.topic_config import TopicConfig, TopicFilterType
from rocketmq_ref.filter.expression_message_filter import ExpressionMessageFilter
from rocketmq_ref.common.tracing import current_span, traced
from rocketmq_ref.remoting.exception import RemotingCommandException, RemotingTimeoutException
from rocketmq_ref.remoting.protocol.remoting_command import CURRENT_VERSION, RemotingCommand
from rocketmq_ref.store.consume_queue import CQ_STORE_UNIT_SIZE

log = logging.getLogger("rocketmq_ref.broker")

_JAVA = "org.apache.rocketmq.broker.processor.AdminBrokerProcessor"
_CQ_UNIT = struct.Struct(">qiq")  # commit-log offset, size, tags code (B4.6)
#: ``MQVersion.Version.V3_1_8_SNAPSHOT.ordinal()``: the oldest client the broker relays admin calls to
V3_1_8_SNAPSHOT = 62


def _ok(body: bytes | None = None, header_cls: type | None = None) -> RemotingCommand:
    response = RemotingCommand.create_response_command(ResponseCode.SUCCESS, None, header_cls)
    response.body = body
    return response


_CONFIG_BLACK_LIST = frozenset(("brokerConfigPath", "rocketmqHome", "configBlackList"))  # Java's fixed set


def bits_to_string(data: bytes) -> str:
    """Java ``BitsArray.toString``: bits from the last byte's high bit down, a newline after every
    8th byte counted from the end."""
    out = []
    for i in range(len(data) - 1, -1, -1):
        b = data[i]
        out.append("".join("1" if b & (1 << j) else "0" for j in range(7, -1, -1)))
        if i % 8 == 0:
            out.append("\n")
    return "".join(out)


def _fail(code: int, remark: str) -> RemotingCommand:
    return RemotingCommand.create_response_command(code, remark)


def _require(header: Any, *names: str) -> None:
    missing = [n for n in names if getattr(header, n) is None]
    if missing:
        raise RemotingCommandException(f"the custom field <{missing[0]}> is null")


class AdminBrokerProcessor:
    def __init__(self, broker_controller: Any) -> None:
        self.broker_controller = broker_controller
        c = RequestCode
        self._handlers: dict[int, Callable[[Any, RemotingCommand], RemotingCommand | None]] = {
            c.UPDATE_AND_CREATE_TOPIC: self.update_and_create_topic,
            c.DELETE_TOPIC_IN_BROKER: self.delete_topic,
            c.GET_ALL_TOPIC_CONFIG: self.get_all_topic_config,
            c.UPDATE_BROKER_CONFIG: self.update_broker_config,
            c.GET_BROKER_CONFIG: self.get_broker_config,
            c.SEARCH_OFFSET_BY_TIMESTAMP: self.search_offset_by_timestamp,
            c.GET_MAX_OFFSET: self.get_max_offset,
            c.GET_MIN_OFFSET: self.get_min_offset,
            c.GET_EARLIEST_MSG_STORETIME: self.get_earliest_msg_storetime,
            c.GET_BROKER_RUNTIME_INFO: self.get_broker_runtime_info,
            c.LOCK_BATCH_MQ: self.lock_batch_mq,
            c.UNLOCK_BATCH_MQ: self.unlock_batch_mq,
            c.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP: self.update_and_create_subscription_group,
            c.GET_ALL_SUBSCRIPTIONGROUP_CONFIG: self.get_all_subscription_group,
            c.DELETE_SUBSCRIPTIONGROUP: self.delete_subscription_group,
            c.GET_TOPIC_STATS_INFO: self.get_topic_stats_info,
            c.GET_CONSUMER_CONNECTION_LIST: self.get_consumer_connection_list,
            c.GET_PRODUCER_CONNECTION_LIST: self.get_producer_connection_list,
            c.GET_CONSUME_STATS: self.get_consume_stats,
            c.GET_ALL_CONSUMER_OFFSET: self.get_all_consumer_offset,
            c.GET_ALL_DELAY_OFFSET: self.get_all_delay_offset,
            c.INVOKE_BROKER_TO_RESET_OFFSET: self.reset_offset,
            c.QUERY_TOPIC_CONSUME_BY_WHO: self.query_topic_consume_by_who,
            c.GET_SYSTEM_TOPIC_LIST_FROM_BROKER: self.get_system_topic_list_from_broker,
            c.GET_CONSUMER_RUNNING_INFO: self.get_consumer_running_info,
            c.CONSUME_MESSAGE_DIRECTLY: self.consume_message_directly,
            c.CLONE_GROUP_OFFSET: self.clone_group_offset,
            c.GET_TOPIC_NAME_LIST: self.get_topic_name_list,
            c.GET_ALL_PRODUCER_INFO: self.get_all_producer_info,
            c.INVOKE_BROKER_TO_GET_CONSUMER_STATUS: self.get_consumer_status,
            c.CLEAN_EXPIRED_CONSUMEQUEUE: self.clean_expired_consume_queue,
            c.DELETE_EXPIRED_COMMITLOG: self.delete_expired_commit_log,
            c.CLEAN_UNUSED_TOPIC: self.clean_unused_topic,
            c.VIEW_BROKER_STATS_DATA: self.view_broker_stats_data,
            c.GET_BROKER_CONSUME_STATS: self.fetch_all_consume_stats_in_broker,
            c.QUERY_CONSUME_QUEUE: self.query_consume_queue,
            c.QUERY_CONSUME_TIME_SPAN: self.query_consume_time_span,
        }
        self._handlers.update(AclAdminHandlers(broker_controller).handlers())  # codes 50-53
        self._handlers.update(AdminBrokerExtraHandlers(broker_controller).handlers())  # codes 308, 323

    def reject_request(self) -> bool:
        return False

    def process_request(self, ctx: Any, request: RemotingCommand) -> RemotingCommand | None:
        handler = self._handlers.get(request.code)
        if handler is None:
            return self.get_unknown_cmd_response(ctx, request)
        try:
            return handler(ctx, request)
        except RemotingCommandException as e:
            return _fail(ResponseCode.SYSTEM_ERROR, f"bad request header: {e}")
        except (FastJsonError, ValueError, TypeError) as e:
            return _fail(ResponseCode.SYSTEM_ERROR, f"bad request body: {e}")

    @staticmethod
    def get_unknown_cmd_response(ctx: Any, request: RemotingCommand) -> RemotingCommand:
        return _fail(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, f" request type {request.code} not supported")

    def _validate_slave(self) -> RemotingCommand | None:
        if self.broker_controller.message_store_config.broker_role.name == "SLAVE":
            return _fail(ResponseCode.SYSTEM_ERROR, "Can't modify topic or subscription group from slave broker, "
                                                    "please execute it from master broker.")
        return None

    # -- topics ----------------------------------------------------------------------------------

    @traced(_JAVA + "#updateAndCreateTopic", books=("A4.2",))
    def update_and_create_topic(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        slave = self._validate_slave()
        if slave is not None:
            return slave
        h = request.decode_command_custom_header(CreateTopicRequestHeader)
        _require(h, "topic", "read_queue_nums", "write_queue_nums", "perm")
        response = _ok()
        if not topic_validator.validate_topic(h.topic, response):
            return response
        if topic_validator.is_system_topic(h.topic, response):
            return response
        if h.read_queue_nums < 0 or h.write_queue_nums < 0:
            return _fail(ResponseCode.SYSTEM_ERROR, "queue numbers must not be negative")
        try:
            filter_type = TopicFilterType[h.topic_filter_type or "SINGLE_TAG"]
        except KeyError:
            return _fail(ResponseCode.SYSTEM_ERROR, f"unknown topicFilterType {h.topic_filter_type}")
        tc = TopicConfig(h.topic, h.read_queue_nums, h.write_queue_nums, h.perm, filter_type,
                         h.topic_sys_flag or 0, bool(h.order))
        tcm = self.broker_controller.topic_config_manager
        tcm.update_topic_config(tc)
        self.broker_controller.register_increment_broker_data(tc, tcm.data_version)
        return response

    def delete_topic(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        slave = self._validate_slave()
        if slave is not None:
            return slave
        h = request.decode_command_custom_header(DeleteTopicRequestHeader)
        _require(h, "topic")
        controller = self.broker_controller
        controller.topic_config_manager.delete_topic_config(h.topic)
        controller.message_store.clean_unused_topic(set(controller.topic_config_manager.topic_config_table))
        controller.broker_stats_manager.on_topic_deleted(h.topic)
        return _ok()

    def get_all_topic_config(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        wrapper = self.broker_controller.topic_config_manager.build_topic_config_serialize_wrapper()
        return _ok(dumps(wrapper).encode())

    def get_topic_name_list(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        topics = sorted(self.broker_controller.topic_config_manager.topic_config_table)
        return _ok(dumps({"topicList": topics}).encode())

    def get_system_topic_list_from_broker(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        return _ok(dumps({"topicList": sorted(topic_validator.get_system_topic_set())}).encode())

    # -- broker config and runtime ---------------------------------------------------------------

    def update_broker_config(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        if not request.body:
            return _fail(ResponseCode.SYSTEM_ERROR, "UPDATE_BROKER_CONFIG needs a properties body")
        try:
            props = parse_properties(request.body.decode("utf-8"))
            if self.validate_black_list_config_exist(props):
                return _fail(ResponseCode.NO_PERMISSION, "Can not update config in black list.")
            self.broker_controller.configuration.update(props)
        except (UnicodeDecodeError, ConfigError, ValueError) as e:
            return _fail(ResponseCode.SYSTEM_ERROR, f"update broker config failed: {e}")
        log.info("updateBrokerConfig called by %s: %s", ctx.remote_addr, props)
        return _ok()

    def validate_black_list_config_exist(self, props: dict[str, str]) -> bool:
        black = self.broker_controller.broker_config.config_black_list
        return any(k in _CONFIG_BLACK_LIST or k in black.split(";") for k in props)

    def get_broker_config(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        conf = self.broker_controller.configuration
        response = _ok(conf.get_all_configs_format_string().encode("utf-8"), GetBrokerConfigResponseHeader)
        response.custom_header.version = conf.get_data_version_json()
        return response

    def get_broker_runtime_info(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        return _ok(KVTable(self.prepare_runtime_info()).encode())

    def prepare_runtime_info(self) -> dict[str, str]:
        controller = self.broker_controller
        store = controller.message_store
        stats = controller.broker_stats
        info: dict[str, str] = {}
        try:
            info.update({k: str(v) for k, v in store.get_runtime_info().items()})
        except Exception:
            log.warning("store runtime info failed", exc_info=True)
        send, pull, query = (controller.send_message_executor, controller.pull_message_executor,
                             controller.query_message_executor)
        config = controller.broker_config
        info.update({
            "brokerVersionDesc": f"V4_9_8 ({CURRENT_VERSION}), rocketmq-ref",
            "brokerVersion": str(CURRENT_VERSION),
            "msgPutTotalYesterdayMorning": str(stats.msg_put_total_yesterday_morning),
            "msgPutTotalTodayMorning": str(stats.msg_put_total_today_morning),
            "msgPutTotalTodayNow": str(stats.get_msg_put_total_today_now()),
            "msgGetTotalYesterdayMorning": str(stats.msg_get_total_yesterday_morning),
            "msgGetTotalTodayMorning": str(stats.msg_get_total_today_morning),
            "msgGetTotalTodayNow": str(stats.get_msg_get_total_today_now()),
            "sendThreadPoolQueueSize": str(send.queue_size()),
            "sendThreadPoolQueueCapacity": str(config.send_thread_pool_queue_capacity),
            "pullThreadPoolQueueSize": str(pull.queue_size()),
            "pullThreadPoolQueueCapacity": str(config.pull_thread_pool_queue_capacity),
            "queryThreadPoolQueueSize": str(query.queue_size()),
            "queryThreadPoolQueueCapacity": str(config.query_thread_pool_queue_capacity),
            "dispatchBehindBytes": str(store.dispatch_behind_bytes()),
            "pageCacheLockTimeMills": str(store.lock_time_mills()),
            "sendThreadPoolQueueHeadWaitTimeMills": str(send.head_slow_time_mills()),
            "pullThreadPoolQueueHeadWaitTimeMills": str(pull.head_slow_time_mills()),
            "queryThreadPoolQueueHeadWaitTimeMills": str(query.head_slow_time_mills()),
            "earliestMessageTimeStamp": str(store.get_earliest_message_time()),
            "startAcceptSendRequestTimeStamp": str(config.start_accept_send_request_time_stamp),
            "remainTransientStoreBufferNumbs": str(store.remain_transient_store_buffer_numbs()),
            "commitLogMinOffset": str(store.get_min_phy_offset()),
            "commitLogMaxOffset": str(store.get_max_phy_offset()),
        })
        schedule = store.get_schedule_message_service()
        try:
            for level, offset in sorted(schedule.offset_table.items()):
                max_offset = store.get_max_offset_in_queue(topic_validator.RMQ_SYS_SCHEDULE_TOPIC, level - 1)
                info[f"scheduleMessageOffset_{level}"] = f"{offset},{max_offset}"
        except AttributeError:
            pass
        return info

    # -- offsets ---------------------------------------------------------------------------------

    def search_offset_by_timestamp(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(SearchOffsetRequestHeader)
        _require(h, "topic", "queue_id", "timestamp")
        response = _ok(None, SearchOffsetResponseHeader)
        response.custom_header.offset = self.broker_controller.message_store.get_offset_in_queue_by_time(
            h.topic, h.queue_id, h.timestamp)
        return response

    def get_max_offset(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(GetMaxOffsetRequestHeader)
        _require(h, "topic", "queue_id")
        response = _ok(None, GetMaxOffsetResponseHeader)
        response.custom_header.offset = self.broker_controller.message_store.get_max_offset_in_queue(
            h.topic, h.queue_id)
        return response

    def get_min_offset(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(GetMinOffsetRequestHeader)
        _require(h, "topic", "queue_id")
        response = _ok(None, GetMinOffsetResponseHeader)
        response.custom_header.offset = self.broker_controller.message_store.get_min_offset_in_queue(
            h.topic, h.queue_id)
        return response

    def get_earliest_msg_storetime(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(GetEarliestMsgStoretimeRequestHeader)
        _require(h, "topic", "queue_id")
        response = _ok(None, GetEarliestMsgStoretimeResponseHeader)
        response.custom_header.timestamp = self.broker_controller.message_store.get_earliest_message_time(
            h.topic, h.queue_id)
        return response

    def get_all_consumer_offset(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        com = self.broker_controller.consumer_offset_manager
        table = {k: dict(v) for k, v in list(com.offset_table.items())}
        return _ok(ConsumerOffsetSerializeWrapper(table).encode())

    def get_all_delay_offset(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        schedule = self.broker_controller.message_store.get_schedule_message_service()
        text = None
        try:
            text = file2string(schedule.config_file_path())
        except OSError as e:
            log.warning("read delayOffset.json failed: %s", e)
        if not text:
            text = schedule.encode()
        if not text:
            return _fail(ResponseCode.SYSTEM_ERROR, "No delay offset in this broker")
        return _ok(text.encode("utf-8"))

    def clone_group_offset(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(CloneGroupOffsetRequestHeader)
        _require(h, "src_group", "dest_group")
        com = self.broker_controller.consumer_offset_manager
        topics = {h.topic} if h.topic else com.which_topic_by_consumer(h.src_group)
        for topic in topics:
            if self.broker_controller.topic_config_manager.select_topic_config(topic) is None:
                continue
            com.clone_offset(h.src_group, h.dest_group, topic)
        return _ok()

    @traced(_JAVA + "#resetOffset", books=("B5.6.3",))
    def reset_offset(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(ResetOffsetRequestHeader)
        _require(h, "topic", "group")
        log.info("[reset-offset] reset offset started by %s. topic=%s, group=%s, timestamp=%s, isForce=%s",
                 ctx.remote_addr, h.topic, h.group, h.timestamp, h.is_force)
        return self.broker_controller.broker2client.reset_offset(h.topic, h.group, h.timestamp, h.is_force)

    # -- groups ----------------------------------------------------------------------------------

    def update_and_create_subscription_group(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        slave = self._validate_slave()
        if slave is not None:
            return slave
        if not request.body:
            return _fail(ResponseCode.SYSTEM_ERROR, "UPDATE_AND_CREATE_SUBSCRIPTIONGROUP needs a body")
        cfg = SubscriptionGroupConfig.from_json(request.body)
        if not cfg.group_name or topic_validator.is_topic_or_group_illegal(cfg.group_name):
            return _fail(ResponseCode.SYSTEM_ERROR, f"the group name [{cfg.group_name}] is illegal")
        self.broker_controller.subscription_group_manager.update_subscription_group_config(cfg)
        return _ok()

    def get_all_subscription_group(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        sgm = self.broker_controller.subscription_group_manager
        return _ok(dumps(sgm.build_subscription_group_wrapper()).encode())

    def delete_subscription_group(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        slave = self._validate_slave()
        if slave is not None:
            return slave
        h = request.decode_command_custom_header(DeleteSubscriptionGroupRequestHeader)
        _require(h, "group_name")
        self.broker_controller.subscription_group_manager.delete_subscription_group_config(h.group_name)
        if h.remove_offset:
            self.broker_controller.consumer_offset_manager.remove_offset(h.group_name)
        self.broker_controller.broker_stats_manager.on_group_deleted(h.group_name)
        return _ok()

    def query_topic_consume_by_who(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(QueryTopicConsumeByWhoRequestHeader)
        _require(h, "topic")
        groups = set(self.broker_controller.consumer_manager.query_topic_consume_by_who(h.topic))
        groups |= self.broker_controller.consumer_offset_manager.which_group_by_topic(h.topic)
        return _ok(GroupList(groups).encode())

    # -- stats and connections -------------------------------------------------------------------

    def get_topic_stats_info(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(GetTopicStatsInfoRequestHeader)
        _require(h, "topic")
        controller = self.broker_controller
        tc = controller.topic_config_manager.select_topic_config(h.topic)
        if tc is None:
            return _fail(ResponseCode.TOPIC_NOT_EXIST, f"topic[{h.topic}] not exist")
        store = controller.message_store
        table = TopicStatsTable()
        for qid in range(tc.write_queue_nums):
            mq = MessageQueue(h.topic, controller.broker_config.broker_name, qid)
            lo = max(store.get_min_offset_in_queue(h.topic, qid), 0)  # Java's own "if (min < 0)"
            hi = max(store.get_max_offset_in_queue(h.topic, qid), 0)
            last = store.get_message_store_time_stamp(h.topic, qid, hi - 1) if hi > 0 else 0
            table.offset_table[mq] = TopicOffset(lo, hi, max(last, 0))
        return _ok(table.encode())

    def get_consume_stats(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(GetConsumeStatsRequestHeader)
        _require(h, "consumer_group")
        controller = self.broker_controller
        com = controller.consumer_offset_manager
        stats = ConsumeStats()
        topics = {h.topic} if h.topic else com.which_topic_by_consumer(h.consumer_group)
        for topic in topics:
            tc = controller.topic_config_manager.select_topic_config(topic)
            if tc is None:
                continue
            cm = controller.consumer_manager
            if cm.find_subscription_data(h.consumer_group, topic) is None and \
                    cm.find_subscription_data_count(h.consumer_group) > 0:
                continue
            for qid in range(tc.read_queue_nums):
                mq = MessageQueue(topic, controller.broker_config.broker_name, qid)
                stats.offset_table[mq] = self._offset_wrapper(h.consumer_group, topic, qid)
            stats.consume_tps += controller.broker_stats_manager.tps_group_get_nums(h.consumer_group, topic)
        return _ok(stats.encode())

    def query_consume_time_span(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """QUERY_CONSUME_TIME_SPAN (303): per queue the first, last and last-consumed store times, and
        how long the next unconsumed message has waited (``DefaultMQPushConsumer.queryConsumeTimeSpan``)."""
        h = request.decode_command_custom_header(QueryConsumeTimeSpanRequestHeader)
        _require(h, "topic", "group")
        controller = self.broker_controller
        tc = controller.topic_config_manager.select_topic_config(h.topic)
        if tc is None:
            return _fail(ResponseCode.TOPIC_NOT_EXIST, f"topic[{h.topic}] not exist")
        store = controller.message_store
        body = QueryConsumeTimeSpanBody()
        for qid in range(tc.write_queue_nums):
            span_ = QueueTimeSpan(MessageQueue(h.topic, controller.broker_config.broker_name, qid))
            span_.min_time_stamp = store.get_earliest_message_time(h.topic, qid)
            max_offset = store.get_max_offset_in_queue(h.topic, qid)
            span_.max_time_stamp = store.get_message_store_time_stamp(h.topic, qid, max_offset - 1)
            consumer_offset = controller.consumer_offset_manager.query_offset(h.group, h.topic, qid)
            span_.consume_time_stamp = (store.get_message_store_time_stamp(h.topic, qid, consumer_offset - 1)
                                        if consumer_offset > 0 else span_.min_time_stamp)
            if consumer_offset < max_offset:
                next_time = store.get_message_store_time_stamp(h.topic, qid, consumer_offset)
                span_.delay_time = int(time.time() * 1000) - next_time
            body.consume_time_span_set.append(span_)
        return _ok(body.encode())

    def get_consumer_connection_list(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(GetConsumerConnectionListRequestHeader)
        _require(h, "consumer_group")
        info = self.broker_controller.consumer_manager.get_consumer_group_info(h.consumer_group)
        if info is None:
            return _fail(ResponseCode.CONSUMER_NOT_ONLINE, f"the consumer group[{h.consumer_group}] not online")
        body = ConsumerConnection(consume_type=info.consume_type, message_model=info.message_model,
                                  consume_from_where=info.consume_from_where,
                                  subscription_table=dict(info.subscription_table))
        for channel, ci in list(info.channel_info_table.items()):
            body.connection_set.append(Connection(ci.client_id, parse_channel_remote_addr(channel),
                                                  str(ci.language), ci.version))
        return _ok(body.encode())

    def get_producer_connection_list(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(GetProducerConnectionListRequestHeader)
        _require(h, "producer_group")
        table = self.broker_controller.producer_manager.get_group_channel_table().get(h.producer_group)
        if not table:
            return _fail(ResponseCode.SYSTEM_ERROR, f"the producer group[{h.producer_group}] not exist")
        body = ProducerConnection([Connection(ci.client_id, parse_channel_remote_addr(ch), str(ci.language),
                                              ci.version) for ch, ci in table.items()])
        return _ok(body.encode())

    def get_all_producer_info(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """GET_ALL_PRODUCER_INFO (328): every producer instance by group (``mqadmin producer``)."""
        table = ProducerTableInfo()
        for group, channels in list(self.broker_controller.producer_manager.get_group_channel_table().items()):
            for channel, ci in list(channels.items()):
                table.data.setdefault(group, []).append(ProducerInfo(
                    ci.client_id, parse_channel_remote_addr(channel), str(ci.language), ci.version,
                    ci.last_update_timestamp))
        return _ok(table.encode())

    def fetch_all_consume_stats_in_broker(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """GET_BROKER_CONSUME_STATS (317): every subscription group's lag on this broker
        (``mqadmin brokerConsumeStats``); with ``isOrder`` only ordered topics."""
        h = request.decode_command_custom_header(GetConsumeStatsInBrokerHeader)
        controller = self.broker_controller
        com = controller.consumer_offset_manager
        cm = controller.consumer_manager
        broker_name = controller.broker_config.broker_name
        result = ConsumeStatsList(broker_addr=controller.get_broker_addr())
        for group in list(controller.subscription_group_manager.subscription_group_table):
            stats_list: list[ConsumeStats] = []
            for topic in com.which_topic_by_consumer(group):
                tc = controller.topic_config_manager.select_topic_config(topic)
                if tc is None:
                    log.warning("consumeStats, topic config not exist, %s", topic)
                    continue
                if h.is_order and not tc.order:
                    continue
                if cm.find_subscription_data(group, topic) is None and cm.find_subscription_data_count(group) > 0:
                    log.warning("consumeStats, the consumer group[%s], topic[%s] not exist", group, topic)
                    continue
                stats = ConsumeStats()
                for qid in range(tc.write_queue_nums):
                    stats.offset_table[MessageQueue(topic, broker_name, qid)] = self._offset_wrapper(group, topic, qid)
                stats.consume_tps += controller.broker_stats_manager.tps_group_get_nums(group, topic)
                result.total_diff += stats.compute_total_diff()
                stats_list.append(stats)
            result.consume_stats_list.append({group: stats_list})
        return _ok(result.encode())

    def _offset_wrapper(self, group: str, topic: str, queue_id: int) -> OffsetWrapper:
        """One queue's broker offset, the group's offset and the store time of its last consumed
        message (Java's loop body in getConsumeStats and fetchAllConsumeStatsInBroker)."""
        store = self.broker_controller.message_store
        broker_offset = max(store.get_max_offset_in_queue(topic, queue_id), 0)
        consumer_offset = max(self.broker_controller.consumer_offset_manager.query_offset(group, topic, queue_id), 0)
        w = OffsetWrapper(broker_offset, consumer_offset, 0)
        if consumer_offset - 1 >= 0:
            ts = store.get_message_store_time_stamp(topic, queue_id, consumer_offset - 1)
            if ts > 0:
                w.last_timestamp = ts
        return w

    def view_broker_stats_data(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """VIEW_BROKER_STATS_DATA (315): one counter's minute / hour / day snapshots (``mqadmin
        statsAll``, ``brokerStatus``'s TPS columns in the console)."""
        h = request.decode_command_custom_header(ViewBrokerStatsDataRequestHeader)
        _require(h, "stats_name", "stats_key")
        item = self.broker_controller.broker_stats_manager.get_stats_item(h.stats_name, h.stats_key)
        if item is None:
            return _fail(ResponseCode.SYSTEM_ERROR, f"The stats <{h.stats_name}> <{h.stats_key}> not exist")
        data = BrokerStatsData()
        for name, ss in (("stats_minute", item.get_stats_data_in_minute()),
                         ("stats_hour", item.get_stats_data_in_hour()),
                         ("stats_day", item.get_stats_data_in_day())):
            setattr(data, name, BrokerStatsItem(ss.sum, ss.tps, ss.avgpt))
        return _ok(data.encode())

    def get_consumer_status(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223): ask the group's clients for their offsets."""
        h = request.decode_command_custom_header(GetConsumerStatusRequestHeader)
        _require(h, "topic", "group")
        log.info("[get-consumer-status] get consumer status by %s. topic=%s, group=%s",
                 ctx.remote_addr, h.topic, h.group)
        return self.broker_controller.broker2client.get_consume_status(h.topic, h.group, h.client_addr or "")

    # -- store maintenance -----------------------------------------------------------------------

    def clean_expired_consume_queue(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """CLEAN_EXPIRED_CONSUMEQUEUE (306): drop queues whose messages were all deleted."""
        log.warning("invoke cleanExpiredConsumeQueue start.")
        self.broker_controller.message_store.clean_expired_consumer_queue()
        log.warning("invoke cleanExpiredConsumeQueue end.")
        return _ok()

    def delete_expired_commit_log(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """DELETE_EXPIRED_COMMITLOG (329): the clean service deletes expired commit-log files on its
        next run, as at the daily delete hour (Java ``executeDeleteFilesManually``)."""
        log.warning("invoke deleteExpiredCommitLog start.")
        self.broker_controller.message_store.execute_delete_files_manually()
        log.warning("invoke deleteExpiredCommitLog end.")
        return _ok()

    def clean_unused_topic(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """CLEAN_UNUSED_TOPIC (316): drop the consume queues of topics with no topic config."""
        log.warning("invoke cleanUnusedTopic start.")
        controller = self.broker_controller
        controller.message_store.clean_unused_topic(set(controller.topic_config_manager.topic_config_table))
        log.warning("invoke cleanUnusedTopic end.")
        return _ok()

    def query_consume_queue(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """QUERY_CONSUME_QUEUE (321): raw units of one consume queue from an index (``mqadmin
        queryCq``), each with its ext unit and, for a group, whether its filter matches (B4.6)."""
        h = request.decode_command_custom_header(QueryConsumeQueueRequestHeader)
        _require(h, "topic")
        controller = self.broker_controller
        cq = controller.message_store.get_consume_queue(h.topic, h.queue_id)
        if cq is None:
            return _fail(ResponseCode.SYSTEM_ERROR, f"{h.queue_id}@{h.topic} is not exist!")
        body = QueryConsumeQueueResponseBody(max_queue_index=cq.get_max_offset_in_queue(),
                                             min_queue_index=cq.get_min_offset_in_queue())
        message_filter = None
        if h.consumer_group is not None:
            sd = controller.consumer_manager.find_subscription_data(h.consumer_group, h.topic)
            body.subscription_data = sd
            if sd is None:
                body.filter_data = f"{h.consumer_group}@{h.topic} is not online!"
            else:
                filter_data = controller.consumer_filter_manager.get(h.topic, h.consumer_group)
                body.filter_data = dumps(filter_data, pretty=True)
                message_filter = ExpressionMessageFilter(sd, filter_data, controller.consumer_filter_manager)
        response = _ok()
        result = cq.get_index_buffer(h.index)
        if result is None:
            response.remark = f"Index {h.index} of {h.queue_id}@{h.topic} is not exist!"
            response.body = body.encode()  # Java answers no body here; max/min are still useful
            return response
        try:
            buf = result.get_byte_buffer()
            body.queue_data = []
            limit = min(result.get_size(), max(h.count, 0) * CQ_STORE_UNIT_SIZE)
            for pos in range(0, limit - CQ_STORE_UNIT_SIZE + 1, CQ_STORE_UNIT_SIZE):
                phy, size, tags_code = _CQ_UNIT.unpack_from(buf, pos)
                one = ConsumeQueueData(phy, size, tags_code)
                if cq.is_ext_addr(tags_code):
                    unit = cq.get_ext(tags_code)
                    if unit is None:
                        one.msg = f"Cq extend not exist!addr: {tags_code}"
                    else:
                        ext = {"filterBitMap": unit.get_filter_bit_map(), "msgStoreTime": unit.msg_store_time,
                               "size": unit.size, "tagsCode": unit.tags_code}
                        one.extend_data_json = dumps({k: v for k, v in ext.items() if v is not None})
                        if unit.get_filter_bit_map() is not None:
                            one.bit_map = bits_to_string(unit.get_filter_bit_map())
                        if message_filter is not None:
                            one.eval = message_filter.is_matched_by_consume_queue(unit.tags_code, unit)
                body.queue_data.append(one)
        finally:
            result.release()
        response.body = body.encode()
        return response

    # -- orderly locks ---------------------------------------------------------------------------

    @traced(_JAVA + "#lockBatchMQ", books=("B5.9.4",))
    def lock_batch_mq(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        if not request.body:
            return _fail(ResponseCode.SYSTEM_ERROR, "LOCK_BATCH_MQ needs a LockBatchRequestBody")
        body = LockBatchRequestBody.from_json(request.body)
        locked = self.broker_controller.rebalance_lock_manager.try_lock_batch(
            body.consumer_group or "", body.mq_set, body.client_id or "")
        s = current_span()
        if s.is_recording():
            s.set_attributes({"messaging.consumer.group.name": body.consumer_group or "",
                              "rocketmq.lock.requested": len(body.mq_set), "rocketmq.lock.granted": len(locked)})
        return _ok(LockBatchResponseBody(locked).encode())

    def unlock_batch_mq(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        if not request.body:
            return _fail(ResponseCode.SYSTEM_ERROR, "UNLOCK_BATCH_MQ needs an UnlockBatchRequestBody")
        body = UnlockBatchRequestBody.from_json(request.body)
        self.broker_controller.rebalance_lock_manager.unlock_batch(body.consumer_group or "", body.mq_set,
                                                                   body.client_id or "")
        return _ok()

    # -- relays to clients -----------------------------------------------------------------------

    def get_consumer_running_info(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(GetConsumerRunningInfoRequestHeader)
        _require(h, "consumer_group", "client_id")
        return self.call_consumer(RequestCode.GET_CONSUMER_RUNNING_INFO, request, h.consumer_group, h.client_id)

    def consume_message_directly(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(ConsumeMessageDirectlyResultRequestHeader)
        _require(h, "consumer_group")
        return self.call_consumer(RequestCode.CONSUME_MESSAGE_DIRECTLY, request, h.consumer_group,
                                  h.client_id or "")

    def call_consumer(self, request_code: int, request: RemotingCommand, group: str,
                      client_id: str) -> RemotingCommand:
        ci = self.broker_controller.consumer_manager.find_channel(group, client_id)
        if ci is None:
            return _fail(ResponseCode.SYSTEM_ERROR, f"The Consumer <{group}> <{client_id}> not online")
        if ci.version < V3_1_8_SNAPSHOT:
            return _fail(ResponseCode.SYSTEM_ERROR,
                         f"The Consumer <{client_id}> Version <{ci.version}> too low to finish, please upgrade "
                         "it to V3_1_8_SNAPSHOT")
        new_request = RemotingCommand.create_request_command(request_code, None, request.body)
        new_request.ext_fields = dict(request.ext_fields or {})
        try:
            return self.broker_controller.broker2client.call_client(ci.channel, new_request)
        except RemotingTimeoutException as e:
            return _fail(ResponseCode.CONSUME_MSG_TIMEOUT, f"consumer <{group}> <{client_id}> Timeout: {e}")
        except Exception as e:
            return _fail(ResponseCode.SYSTEM_ERROR, f"invoke consumer <{group}> <{client_id}> Exception: {e}")
