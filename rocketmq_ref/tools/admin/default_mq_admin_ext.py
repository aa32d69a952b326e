"""DefaultMQAdminExt: the admin client every ``mqadmin`` command uses (Java
``tools.admin.DefaultMQAdminExt`` + ``DefaultMQAdminExtImpl``; books A1.3, A2.4, A8.4, B9.7).

It is a client like a producer: one ``MQClientInstance`` (registered under the admin group) whose
``MQClientAPIImpl`` sends the admin requests to name servers and brokers.  Each method is the Java
method in snake_case; failures are ``MQClientException`` / ``MQBrokerException`` with the response
code, or the remoting exceptions when a server cannot be reached.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Iterable

from rocketmq_ref.client.client_config import ClientConfig
from rocketmq_ref.client.exception import MQBrokerException, MQClientException
from rocketmq_ref.common import mixall
from rocketmq_ref.common.java_config import parse_properties
from rocketmq_ref.common.message import MessageQueue
from rocketmq_ref.common.protocol.body.broker_stats_data import BrokerStatsData
from rocketmq_ref.common.protocol.body.cluster_info import ClusterInfo
from rocketmq_ref.common.protocol.body.connection import ConsumerConnection, ProducerConnection
from rocketmq_ref.common.protocol.body.consume_stats import ConsumeStats
from rocketmq_ref.common.protocol.body.consume_stats_list import ConsumeStatsList
from rocketmq_ref.common.protocol.body.get_consumer_status_body import GetConsumerStatusBody
from rocketmq_ref.common.protocol.body.group_list import GroupList
from rocketmq_ref.common.protocol.body.kv_table import KVTable
from rocketmq_ref.common.protocol.body.producer_info import ProducerTableInfo
from rocketmq_ref.common.protocol.body.query_consume_queue_response_body import QueryConsumeQueueResponseBody
from rocketmq_ref.common.protocol.body.queue_time_span import QueryConsumeTimeSpanBody, QueueTimeSpan
from rocketmq_ref.common.protocol.body.reset_offset_body import ResetOffsetBody
from rocketmq_ref.common.protocol.body.topic_list import TopicList
from rocketmq_ref.common.protocol.body.topic_stats_table import TopicStatsTable
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.protocol.route import TopicRouteData
from rocketmq_ref.common.tracing import traced

log = logging.getLogger("rocketmq_ref.tools")

ADMIN_EXT_GROUP = "admin_ext_group"
TIMEOUT_MILLIS = 5000


def properties2string(props: dict[str, Any]) -> str:
    """Java ``MixAll.properties2String``: ``key=value`` lines."""
    return "".join(f"{k}={v}\n" for k, v in props.items())


@dataclass
class MessageTrack:
    """Java ``admin.api.MessageTrack``: whether one group consumed one message."""

    consumer_group: str
    track_type: str
    exception_desc: str | None = None

    def __str__(self) -> str:
        return (f"MessageTrack [consumerGroup={self.consumer_group}, trackType={self.track_type}, "
                f"exceptionDesc={self.exception_desc}]")


@dataclass
class RollbackStats:
    """Java ``admin.RollbackStats`` (``resetOffsetByTimeOld`` rows)."""

    broker_name: str
    queue_id: int
    broker_offset: int
    consumer_offset: int
    timestamp_offset: int
    rollback_offset: int


class DefaultMQAdminExt(ClientConfig):
    """Java ``DefaultMQAdminExt`` over ``DefaultMQAdminExtImpl`` (one class here)."""

    def __init__(self, rpc_hook: Any = None, timeout_millis: int = TIMEOUT_MILLIS,
                 admin_ext_group: str = ADMIN_EXT_GROUP) -> None:
        ClientConfig.__init__(self)
        self.rpc_hook = rpc_hook
        self.timeout_millis = timeout_millis
        self.admin_ext_group = admin_ext_group
        self.instance_name = str(time.time_ns())  # Java: currentTimeMillis
        self.mq_client_instance: Any = None

    # -- life cycle ----------------------------------------------------------------------------------
    def start(self) -> None:
        """Java ``DefaultMQAdminExtImpl.start``: one client instance, registered as an admin."""
        if self.mq_client_instance is not None:
            return
        from rocketmq_ref.client.impl.mq_client_manager import MQClientManager

        self.change_instance_name_to_pid()
        if not self.namesrv_addr:
            raise MQClientException("No name server address, please set it "
                                    "(-n host:port or the NAMESRV_ADDR environment variable).")
        instance = MQClientManager.get_instance().get_or_create_mq_client_instance(self, self.rpc_hook)
        if not instance.register_admin_ext(self.admin_ext_group, self):
            raise MQClientException(f"The adminExt group[{self.admin_ext_group}] has created "
                                    "already, specifed another name please.")
        self.mq_client_instance = instance
        try:
            instance.start()
        except BaseException:
            self.shutdown()
            raise

    def shutdown(self) -> None:
        instance, self.mq_client_instance = self.mq_client_instance, None
        if instance is not None:
            instance.unregister_admin_ext(self.admin_ext_group)
            instance.shutdown()

    @property
    def _api(self) -> Any:
        if self.mq_client_instance is None:
            raise MQClientException("The admin client is not started")
        return self.mq_client_instance.mq_client_api_impl

    def _namesrv(self, code: int, fields: dict[str, Any] | None = None, body: bytes | None = None,
                 addr: str | None = None) -> Any:
        return self._api.invoke_name_server(code, fields, body, self.timeout_millis, addr)

    def _broker(self, addr: str, code: int, fields: dict[str, Any] | None = None,
                body: bytes | None = None, ok_codes: tuple[int, ...] = (ResponseCode.SUCCESS,)) -> Any:
        return self._api.invoke_broker(addr, code, fields, body, self.timeout_millis, ok_codes)

    def get_name_server_address_list(self) -> list[str]:
        return self._api.get_name_server_address_list()

    # -- cluster and routes --------------------------------------------------------------------------
    @traced("org.apache.rocketmq.tools.admin.DefaultMQAdminExtImpl#examineBrokerClusterInfo",
            books=("A2.4",))
    def examine_broker_cluster_info(self) -> ClusterInfo:
        response = self._namesrv(RequestCode.GET_BROKER_CLUSTER_INFO)
        return ClusterInfo.from_json(bytes(response.body or b"{}"))

    @traced("org.apache.rocketmq.tools.admin.DefaultMQAdminExtImpl#examineTopicRouteInfo",
            books=("A2.4",))
    def examine_topic_route_info(self, topic: str) -> TopicRouteData:
        try:
            return self._api.get_topic_route_info_from_name_server(topic, self.timeout_millis)
        except MQClientException as e:
            if e.response_code == ResponseCode.TOPIC_NOT_EXIST:
                raise MQClientException(
                    ResponseCode.TOPIC_NOT_EXIST,
                    f"No topic route info in name server for the topic: {topic}") from None
            raise

    def fetch_all_topic_list(self) -> TopicList:
        response = self._namesrv(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER)
        return TopicList.from_json(bytes(response.body or b"{}"))

    def get_topic_cluster_list(self, topic: str) -> set[str]:
        """Clusters whose brokers serve ``topic`` (Java ``getTopicClusterList``)."""
        clusters: set[str] = set()
        info = self.examine_broker_cluster_info()
        route = self.examine_topic_route_info(topic)
        for bd in route.broker_datas:
            for cluster, names in info.cluster_addr_table.items():
                if bd.broker_name in names:
                    clusters.add(cluster)
        return clusters

    # -- topics --------------------------------------------------------------------------------------
    @traced("org.apache.rocketmq.tools.admin.DefaultMQAdminExtImpl#createAndUpdateTopicConfig",
            books=("A2.4", "B9.7"))
    def create_and_update_topic_config(self, addr: str, config: Any) -> None:
        self._broker(addr, RequestCode.UPDATE_AND_CREATE_TOPIC, {
            "topic": config.topic_name, "defaultTopic": "TBW102",
            "readQueueNums": config.read_queue_nums, "writeQueueNums": config.write_queue_nums,
            "perm": config.perm, "topicFilterType": config.topic_filter_type.name,
            "topicSysFlag": config.topic_sys_flag, "order": config.order})

    def create_or_update_order_conf(self, key: str, value: str, is_cluster: bool) -> None:
        """ORDER_TOPIC_CONFIG entry in the name server KV store (Java ``createOrUpdateOrderConf``)."""
        self.create_and_update_kv_config("ORDER_TOPIC_CONFIG", key, value)

    def delete_topic_in_broker(self, addrs: Iterable[str], topic: str) -> None:
        for addr in addrs:
            self._broker(addr, RequestCode.DELETE_TOPIC_IN_BROKER, {"topic": topic})

    def delete_topic_in_name_server(self, addrs: Iterable[str] | None, topic: str) -> None:
        for addr in (addrs or self.get_name_server_address_list()):
            self._namesrv(RequestCode.DELETE_TOPIC_IN_NAMESRV, {"topic": topic}, addr=addr)

    def examine_topic_stats(self, topic: str) -> TopicStatsTable:
        route = self.examine_topic_route_info(topic)
        result = TopicStatsTable()
        for bd in route.broker_datas:
            addr = bd.select_broker_addr()
            if addr is None:
                continue
            response = self._broker(addr, RequestCode.GET_TOPIC_STATS_INFO, {"topic": topic})
            result.offset_table.update(TopicStatsTable.from_json(bytes(response.body)).offset_table)
        if not result.offset_table:
            raise MQClientException(
                f"Not found the topic stats info, maybe the topic {topic} has no queue on any broker")
        return result

    def query_topic_consume_by_who(self, topic: str) -> GroupList:
        route = self.examine_topic_route_info(topic)
        for bd in route.broker_datas:
            addr = bd.select_broker_addr()
            if addr is not None:
                response = self._broker(addr, RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, {"topic": topic})
                return GroupList.from_json(bytes(response.body or b"{}"))
        return GroupList()

    # -- subscription groups -------------------------------------------------------------------------
    def create_and_update_subscription_group_config(self, addr: str, config: Any) -> None:
        self._broker(addr, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, body=config.encode())

    def examine_subscription_group_config(self, addr: str, group: str) -> Any:
        """The group's config on one broker (GET_ALL_SUBSCRIPTIONGROUP_CONFIG), or None."""
        from rocketmq_ref.common.protocol.body.subscription_group_wrapper import \
            SubscriptionGroupWrapper

        response = self._broker(addr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG)
        wrapper = SubscriptionGroupWrapper.from_json(bytes(response.body or b"{}"))
        return wrapper.subscription_group_table.get(group)

    def get_user_topic_config(self, addr: str, special_topic: bool) -> Any:
        """The broker's topics without its system topics (and without retry/DLQ topics unless
        ``special_topic``) — Java ``getUserTopicConfig``."""
        from rocketmq_ref.common.protocol.body.topic_config_serialize_wrapper import \
            TopicConfigSerializeWrapper

        response = self._broker(addr, RequestCode.GET_ALL_TOPIC_CONFIG)
        wrapper = TopicConfigSerializeWrapper.from_json(bytes(response.body or b"{}"))
        system = self._broker(addr, RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER)
        system_topics = TopicList.from_json(bytes(system.body or b"{}")).topic_list
        prefixes = (mixall.RETRY_GROUP_TOPIC_PREFIX, mixall.DLQ_GROUP_TOPIC_PREFIX)
        wrapper.topic_config_table = {
            name: tc for name, tc in wrapper.topic_config_table.items()
            if name not in system_topics and (special_topic or not name.startswith(prefixes))}
        return wrapper

    def get_user_subscription_group(self, addr: str) -> Any:
        """The broker's subscription groups without the system groups (Java
        ``getUserSubscriptionGroup``)."""
        from rocketmq_ref.common.protocol.body.subscription_group_wrapper import \
            SubscriptionGroupWrapper

        response = self._broker(addr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG)
        wrapper = SubscriptionGroupWrapper.from_json(bytes(response.body or b"{}"))
        wrapper.subscription_group_table = {
            name: c for name, c in wrapper.subscription_group_table.items()
            if not mixall.is_sys_consumer_group(name)}
        return wrapper

    def update_consume_offset(self, addr: str, group: str, mq: MessageQueue, offset: int) -> None:
        self._api.update_consumer_offset(addr, topic=mq.topic, consumer_group=group,
                                         queue_id=mq.queue_id, commit_offset=offset,
                                         timeout_ms=self.timeout_millis, oneway=False)

    def delete_subscription_group(self, addr: str, group: str, remove_offset: bool = False) -> None:
        self._broker(addr, RequestCode.DELETE_SUBSCRIPTIONGROUP,
                     {"groupName": group, "removeOffset": remove_offset})

    # -- brokers -------------------------------------------------------------------------------------
    @traced("org.apache.rocketmq.tools.admin.DefaultMQAdminExtImpl#fetchBrokerRuntimeStats",
            books=("A8.4",))
    def fetch_broker_runtime_stats(self, addr: str) -> KVTable:
        response = self._broker(addr, RequestCode.GET_BROKER_RUNTIME_INFO)
        return KVTable.from_json(bytes(response.body or b"{}"))

    def get_broker_config(self, addr: str) -> dict[str, str]:
        response = self._broker(addr, RequestCode.GET_BROKER_CONFIG)
        return parse_properties(bytes(response.body or b"").decode("utf-8"))

    def update_broker_config(self, addr: str, props: dict[str, str]) -> None:
        self._broker(addr, RequestCode.UPDATE_BROKER_CONFIG, body=properties2string(props).encode())

    def clean_expired_consumer_queue_by_addr(self, addr: str) -> bool:
        response = self._broker(addr, RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE)
        return response.code == ResponseCode.SUCCESS

    def _master_addrs(self, cluster: str | None) -> list[str]:
        """The masters of ``cluster``, or of every cluster when none is named (Java's loops in
        ``cleanExpiredConsumerQueue``, ``cleanUnusedTopic``, ``deleteExpiredCommitLog``)."""
        info = self.examine_broker_cluster_info()
        if cluster:
            names = info.cluster_addr_table.get(cluster) or set()
            datas = [info.broker_addr_table[n] for n in sorted(names) if n in info.broker_addr_table]
        else:
            datas = [info.broker_addr_table[n] for n in sorted(info.broker_addr_table)]
        return [bd.broker_addrs[mixall.MASTER_ID] for bd in datas if mixall.MASTER_ID in bd.broker_addrs]

    def _on_masters(self, cluster: str | None, by_addr: Any) -> bool:
        """Java answers the last broker's result; a cluster without masters answers false."""
        result = False
        for addr in self._master_addrs(cluster):
            result = by_addr(addr)
        return result

    def clean_expired_consumer_queue(self, cluster: str | None) -> bool:
        return self._on_masters(cluster, self.clean_expired_consumer_queue_by_addr)

    def clean_unused_topic_by_addr(self, addr: str) -> bool:
        response = self._broker(addr, RequestCode.CLEAN_UNUSED_TOPIC)
        return response.code == ResponseCode.SUCCESS

    def clean_unused_topic(self, cluster: str | None) -> bool:
        return self._on_masters(cluster, self.clean_unused_topic_by_addr)

    def delete_expired_commit_log_by_addr(self, addr: str) -> bool:
        response = self._broker(addr, RequestCode.DELETE_EXPIRED_COMMITLOG)
        return response.code == ResponseCode.SUCCESS

    def delete_expired_commit_log(self, cluster: str | None) -> bool:
        return self._on_masters(cluster, self.delete_expired_commit_log_by_addr)

    def view_broker_stats_data(self, addr: str, stats_name: str, stats_key: str) -> BrokerStatsData:
        response = self._broker(addr, RequestCode.VIEW_BROKER_STATS_DATA,
                                {"statsName": stats_name, "statsKey": stats_key})
        return BrokerStatsData.from_json(bytes(response.body or b"{}"))

    def fetch_consume_stats_in_broker(self, addr: str, is_order: bool, timeout_millis: int) -> ConsumeStatsList:
        response = self._api.invoke_broker(addr, RequestCode.GET_BROKER_CONSUME_STATS,
                                           {"isOrder": str(is_order).lower()}, None, timeout_millis)
        return ConsumeStatsList.from_json(bytes(response.body or b"{}"))

    def query_consume_queue(self, addr: str, topic: str, queue_id: int, index: int, count: int,
                            consumer_group: str | None) -> QueryConsumeQueueResponseBody:
        fields: dict[str, Any] = {"topic": topic, "queueId": queue_id, "index": index, "count": count}
        if consumer_group is not None:
            fields["consumerGroup"] = consumer_group
        response = self._broker(addr, RequestCode.QUERY_CONSUME_QUEUE, fields)
        return QueryConsumeQueueResponseBody.from_json(bytes(response.body or b"{}"))

    def query_consume_time_span(self, topic: str, group: str) -> list[QueueTimeSpan]:
        """Every broker's QUERY_CONSUME_TIME_SPAN for the topic (Java ``queryConsumeTimeSpan``)."""
        spans: list[QueueTimeSpan] = []
        for bd in self.examine_topic_route_info(topic).broker_datas:
            addr = bd.select_broker_addr()
            if addr is not None:
                response = self._broker(addr, RequestCode.QUERY_CONSUME_TIME_SPAN, {"topic": topic, "group": group})
                spans.extend(QueryConsumeTimeSpanBody.from_json(bytes(response.body or b"{}")).consume_time_span_set)
        return spans

    def get_all_producer_info(self, addr: str) -> ProducerTableInfo:
        response = self._broker(addr, RequestCode.GET_ALL_PRODUCER_INFO)
        return ProducerTableInfo.from_json(bytes(response.body or b"{}"))

    def get_consume_status(self, topic: str, group: str, client_addr: str) -> dict[str, dict[MessageQueue, int]]:
        """Each client's offsets, asked through the first broker of the topic (Java
        ``getConsumeStatus`` / ``invokeBrokerToGetConsumerStatus``)."""
        route = self.examine_topic_route_info(topic)
        if not route.broker_datas:
            return {}
        addr = route.broker_datas[0].select_broker_addr()
        if addr is None:
            return {}
        fields = {"topic": topic, "group": group}
        if client_addr:
            fields["clientAddr"] = client_addr
        response = self._broker(addr, RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, fields)
        return GetConsumerStatusBody.from_json(bytes(response.body or b"{}")).consumer_table

    # -- consumers and producers ---------------------------------------------------------------------
    def _group_route(self, consumer_group: str) -> TopicRouteData:
        """The route of the group's retry topic, which every broker the group used serves."""
        try:
            return self.examine_topic_route_info(mixall.get_retry_topic(consumer_group))
        except MQClientException as e:
            if e.response_code == ResponseCode.TOPIC_NOT_EXIST:
                raise MQClientException(
                    ResponseCode.TOPIC_NOT_EXIST,
                    f"consumer group {consumer_group} not found: no route for its retry topic "
                    f"{mixall.get_retry_topic(consumer_group)}") from None
            raise

    @traced("org.apache.rocketmq.tools.admin.DefaultMQAdminExtImpl#examineConsumeStats",
            books=("A8.4",))
    def examine_consume_stats(self, consumer_group: str, topic: str | None = None) -> ConsumeStats:
        route = self._group_route(consumer_group)
        result = ConsumeStats()
        for bd in route.broker_datas:
            addr = bd.select_broker_addr()
            if addr is None:
                continue
            response = self._broker(addr, RequestCode.GET_CONSUME_STATS,
                                    {"consumerGroup": consumer_group, "topic": topic or ""})
            stats = ConsumeStats.from_json(bytes(response.body))
            result.offset_table.update(stats.offset_table)
            result.consume_tps += stats.consume_tps
        if not result.offset_table:
            raise MQClientException(
                ResponseCode.CONSUMER_NOT_ONLINE,
                "Not found the consumer group consume stats, because return offset table is empty, "
                "maybe the consumer not consume any message")
        return result

    def examine_consumer_connection_info(self, consumer_group: str,
                                         broker_addr: str | None = None) -> ConsumerConnection:
        if broker_addr:
            addrs = [broker_addr]
        else:
            route = self._group_route(consumer_group)
            addrs = [a for a in (bd.select_broker_addr() for bd in route.broker_datas) if a]
        result = ConsumerConnection()
        for addr in addrs:
            response = self._broker(addr, RequestCode.GET_CONSUMER_CONNECTION_LIST,
                                    {"consumerGroup": consumer_group},
                                    ok_codes=(ResponseCode.SUCCESS, ResponseCode.CONSUMER_NOT_ONLINE))
            if response.code != ResponseCode.SUCCESS or not response.body:
                continue
            cc = ConsumerConnection.from_json(bytes(response.body))
            seen = {c.client_id for c in result.connection_set}
            result.connection_set.extend(c for c in cc.connection_set if c.client_id not in seen)
            result.subscription_table.update(cc.subscription_table)
            result.consume_type = cc.consume_type
            result.message_model = cc.message_model
            result.consume_from_where = cc.consume_from_where
        if not result.connection_set:
            raise MQClientException(ResponseCode.CONSUMER_NOT_ONLINE,
                                    "Not found the consumer group connection")
        return result

    def examine_producer_connection_info(self, producer_group: str, topic: str) -> ProducerConnection:
        route = self.examine_topic_route_info(topic)
        result = ProducerConnection()
        for bd in route.broker_datas:
            addr = bd.select_broker_addr()
            if addr is None:
                continue
            response = self._broker(addr, RequestCode.GET_PRODUCER_CONNECTION_LIST,
                                    {"producerGroup": producer_group})
            pc = ProducerConnection.from_json(bytes(response.body or b"{}"))
            seen = {c.client_id for c in result.connection_set}
            result.connection_set.extend(c for c in pc.connection_set if c.client_id not in seen)
        if not result.connection_set:
            raise MQClientException(f"Not found the producer group connection: {producer_group}")
        return result

    def get_consumer_running_info(self, consumer_group: str, client_id: str, jstack: bool = False
                                  ) -> dict[str, Any]:
        """The consumer's own report, relayed by a broker it is connected to (JSON object)."""
        from rocketmq_ref.common import fastjson

        route = self._group_route(consumer_group)
        for bd in route.broker_datas:
            addr = bd.select_broker_addr()
            if addr is None:
                continue
            response = self._broker(addr, RequestCode.GET_CONSUMER_RUNNING_INFO,
                                    {"consumerGroup": consumer_group, "clientId": client_id,
                                     "jstackEnable": jstack})
            return fastjson.loads(bytes(response.body or b"{}"))
        raise MQClientException(f"no broker serves the group {consumer_group}")

    # -- MQAdmin: queue offsets ---------------------------------------------------------------------
    def min_offset(self, mq: MessageQueue) -> int:
        return self.mq_client_instance.mq_admin_impl.min_offset(mq)

    def max_offset(self, mq: MessageQueue) -> int:
        return self.mq_client_instance.mq_admin_impl.max_offset(mq)

    def search_offset(self, mq: MessageQueue, timestamp: int) -> int:
        return self.mq_client_instance.mq_admin_impl.search_offset(mq, timestamp)

    # -- messages ------------------------------------------------------------------------------------
    def view_message(self, msg_id: str) -> Any:
        """By offset message id (store host + commit-log offset, what the broker answers as
        ``offsetMsgId``); a client-generated UNIQ_KEY is refused with a hint."""
        from rocketmq_ref.common.message.message_decoder import decode_message_id

        try:
            port = decode_message_id(msg_id).address[1]
        except Exception:  # noqa: BLE001 - any decoding failure means "not an offset id"
            port = -1
        if not 0 < port < 65536:
            raise MQClientException(f"{msg_id} is not an offset message id (store host + commit-log "
                                    "offset); for the id a producer prints use queryMsgByUniqueKey")
        return self.mq_client_instance.mq_admin_impl.view_message(msg_id)

    def query_message(self, topic: str, key: str, max_num: int, begin: int, end: int) -> list[Any]:
        return self.mq_client_instance.mq_admin_impl.query_message(topic, key, max_num, begin, end)

    @traced("org.apache.rocketmq.tools.admin.DefaultMQAdminExtImpl#resumeCheckHalfMessage", books=("B8.4",))
    def resume_check_half_message(self, topic_or_msg_id: str, msg_id: str | None = None) -> bool:
        """Java's two ``resumeCheckHalfMessage`` overloads: ``(msgId)`` takes an offset message id;
        ``(topic, msgId)`` also takes a producer's unique key, found in ``topic``'s index."""
        from rocketmq_ref.common.message.message_decoder import decode_message_id

        if msg_id is None:
            msg_id = topic_or_msg_id
            msg = self.view_message(msg_id)
        else:
            try:
                decode_message_id(msg_id)
                msg = self.view_message(msg_id)
            except Exception:  # noqa: BLE001 - not an offset id: a unique key
                msg = self.mq_client_instance.mq_admin_impl.query_message_by_uniq_key(topic_or_msg_id, msg_id)
                msg_id = getattr(msg, "offset_msg_id", None) or msg.msg_id
        host, port = msg.store_host
        return self._api.resume_check_half_message(f"{host}:{port}", msg_id, self.timeout_millis)

    def query_message_by_uniq_key(self, topic: str, key: str, max_num: int = 32, begin: int = 0,
                                  end: int = 2**63 - 1) -> list[Any]:
        return self.mq_client_instance.mq_admin_impl.query_message(topic, key, max_num, begin, end,
                                                                   True)

    def message_track_detail(self, msg: Any) -> list[MessageTrack]:
        """Java ``messageTrackDetail``: for each group of the topic, consumed or not."""
        tracks = []
        for group in sorted(self.query_topic_consume_by_who(msg.topic).group_list):
            try:
                self.examine_consumer_connection_info(group)
            except MQClientException as e:
                tracks.append(MessageTrack(group, "NOT_ONLINE", str(e)))
                continue
            try:
                stats = self.examine_consume_stats(group, msg.topic)
            except (MQClientException, MQBrokerException) as e:
                tracks.append(MessageTrack(group, "UNKNOWN", str(e)))
                continue
            ow = stats.offset_table.get(MessageQueue(msg.topic, msg.broker_name or "", msg.queue_id))
            if ow is None:
                ow = next((w for mq, w in stats.offset_table.items()
                           if mq.topic == msg.topic and mq.queue_id == msg.queue_id), None)
            consumed = ow is not None and ow.consumer_offset > msg.queue_offset
            tracks.append(MessageTrack(group, "CONSUMED" if consumed else "NOT_CONSUME_YET"))
        return tracks

    # -- offsets -------------------------------------------------------------------------------------
    @traced("org.apache.rocketmq.tools.admin.DefaultMQAdminExtImpl#resetOffsetByTimestamp",
            books=("A8.4",))
    def reset_offset_by_timestamp(self, topic: str, group: str, timestamp: int, force: bool,
                                  is_c: bool = False) -> dict[MessageQueue, int]:
        """INVOKE_BROKER_TO_RESET_OFFSET on each master; the brokers tell the live consumers."""
        route = self.examine_topic_route_info(topic)
        result: dict[MessageQueue, int] = {}
        for bd in route.broker_datas:
            addr = bd.broker_addrs.get(mixall.MASTER_ID)
            if addr is None:
                continue
            response = self._broker(addr, RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, {
                "topic": topic, "group": group, "timestamp": timestamp, "isForce": force,
                "isC": is_c}, ok_codes=(ResponseCode.SUCCESS, ResponseCode.CONSUMER_NOT_ONLINE))
            if response.code == ResponseCode.CONSUMER_NOT_ONLINE:
                raise MQClientException(ResponseCode.CONSUMER_NOT_ONLINE, response.remark)
            if response.body:
                result.update(ResetOffsetBody.from_json(bytes(response.body)).offset_table)
        return result

    def reset_offset_by_timestamp_old(self, group: str, topic: str, timestamp: int, force: bool
                                      ) -> list[RollbackStats]:
        """Java ``resetOffsetByTimestampOld``: write the offsets in the brokers directly."""
        route = self.examine_topic_route_info(topic)
        stats = self.examine_consume_stats(group, topic)
        rows = []
        api = self._api
        for bd in route.broker_datas:
            addr = bd.broker_addrs.get(mixall.MASTER_ID)
            if addr is None:
                continue
            for mq, ow in sorted(stats.offset_table.items()):
                if mq.broker_name != bd.broker_name or mq.topic != topic:
                    continue
                if timestamp == -1:  # skipAccumulatedMessage: to the end of the queue
                    ts_offset = api.get_max_offset(addr, mq, self.timeout_millis)
                else:
                    ts_offset = api.search_offset(addr, mq, timestamp, self.timeout_millis)
                rollback = ts_offset if force or ts_offset < ow.consumer_offset else ow.consumer_offset
                api.update_consumer_offset(addr, topic=topic, consumer_group=group,
                                           queue_id=mq.queue_id, commit_offset=rollback,
                                           timeout_ms=self.timeout_millis, oneway=False)
                rows.append(RollbackStats(bd.broker_name, mq.queue_id, ow.broker_offset,
                                          ow.consumer_offset, ts_offset, rollback))
        return rows

    # -- name server ---------------------------------------------------------------------------------
    def wipe_write_perm_of_broker(self, namesrv_addr: str, broker_name: str) -> int:
        response = self._namesrv(RequestCode.WIPE_WRITE_PERM_OF_BROKER, {"brokerName": broker_name},
                                 addr=namesrv_addr)
        return int((response.ext_fields or {}).get("wipeTopicCount", 0))

    def add_write_perm_of_broker(self, namesrv_addr: str, broker_name: str) -> int:
        response = self._namesrv(RequestCode.ADD_WRITE_PERM_OF_BROKER, {"brokerName": broker_name},
                                 addr=namesrv_addr)
        return int((response.ext_fields or {}).get("addTopicCount", 0))

    def create_and_update_kv_config(self, namespace: str, key: str, value: str) -> None:
        for addr in self.get_name_server_address_list():
            self._namesrv(RequestCode.PUT_KV_CONFIG,
                          {"namespace": namespace, "key": key, "value": value}, addr=addr)

    def delete_kv_config(self, namespace: str, key: str) -> None:
        for addr in self.get_name_server_address_list():
            self._namesrv(RequestCode.DELETE_KV_CONFIG, {"namespace": namespace, "key": key},
                          addr=addr)

    def get_kv_config(self, namespace: str, key: str) -> str | None:
        response = self._api.remoting_client.invoke_sync(None, _kv_request(namespace, key),
                                                         self.timeout_millis)
        if response.code == ResponseCode.QUERY_NOT_FOUND:
            return None
        if response.code != ResponseCode.SUCCESS:
            raise MQClientException(response.code, response.remark)
        return (response.ext_fields or {}).get("value")

    def get_kv_list_by_namespace(self, namespace: str) -> KVTable:
        response = self._namesrv(RequestCode.GET_KVLIST_BY_NAMESPACE, {"namespace": namespace})
        return KVTable.from_json(bytes(response.body or b"{}"))

    def get_name_server_config(self, addrs: list[str] | None = None) -> dict[str, dict[str, str]]:
        out = {}
        for addr in (addrs or self.get_name_server_address_list()):
            response = self._namesrv(RequestCode.GET_NAMESRV_CONFIG, addr=addr)
            out[addr] = parse_properties(bytes(response.body or b"").decode("utf-8"))
        return out

    def update_name_server_config(self, props: dict[str, str], addrs: list[str] | None = None) -> None:
        body = properties2string(props).encode()
        for addr in (addrs or self.get_name_server_address_list()):
            self._namesrv(RequestCode.UPDATE_NAMESRV_CONFIG, body=body, addr=addr)


def _kv_request(namespace: str, key: str) -> Any:
    from rocketmq_ref.client.impl.mq_client_api_impl import make_request

    return make_request(RequestCode.GET_KV_CONFIG, {"namespace": namespace, "key": key})


__all__ = ["DefaultMQAdminExt", "MessageTrack", "RollbackStats", "properties2string"]
