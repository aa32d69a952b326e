"""DefaultMQAdminExt: the admin client ``mqadmin`` is built on (Java ``tools.admin.DefaultMQAdminExt``
and ``DefaultMQAdminExtImpl``; kept beside the client it runs on; spec ha-and-flows §10).

It is a client like a producer: an ``MQClientInstance`` (registered as an admin ext), the name-server
list, and one method per admin request -- topics, subscription groups, broker config and runtime
info, consume/topic stats, connections, offsets reset, KV config, write permissions, messages.
Broker errors come back as ``MQBrokerException`` with the broker's code and remark, name-server ones
as ``MQClientException``.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Iterable

from rocketmq_ref.client.client_config import ClientConfig
from rocketmq_ref.client.exception import MQBrokerException, MQClientException
from rocketmq_ref.client.impl.factory.mq_client_instance import ServiceState
from rocketmq_ref.client.impl.mq_client_manager import MQClientManager
from rocketmq_ref.common import fastjson, mixall
from rocketmq_ref.common.java_config import parse_properties
from rocketmq_ref.common.message import MessageQueue
from rocketmq_ref.common.protocol.body.cluster_info import ClusterInfo
from rocketmq_ref.common.protocol.body.connection import ConsumerConnection, ProducerConnection
from rocketmq_ref.common.protocol.body.consume_stats import ConsumeStats
from rocketmq_ref.common.protocol.body.group_list import GroupList
from rocketmq_ref.common.protocol.body.kv_table import KVTable
from rocketmq_ref.common.protocol.body.reset_offset_body import ResetOffsetBody
from rocketmq_ref.common.protocol.body.subscription_group_wrapper import SubscriptionGroupWrapper
from rocketmq_ref.common.protocol.body.topic_list import TopicList
from rocketmq_ref.common.protocol.body.topic_stats_table import TopicStatsTable
from rocketmq_ref.common.protocol.header.clone_group_offset_request_header import \
    CloneGroupOffsetRequestHeader
from rocketmq_ref.common.protocol.header.consume_message_directly_result_request_header import \
    ConsumeMessageDirectlyResultRequestHeader
from rocketmq_ref.common.protocol.header.create_topic_request_header import \
    CreateTopicRequestHeader
from rocketmq_ref.common.protocol.header.delete_subscription_group_request_header import \
    DeleteSubscriptionGroupRequestHeader
from rocketmq_ref.common.protocol.header.delete_topic_request_header import \
    DeleteTopicRequestHeader
from rocketmq_ref.common.protocol.header.get_consume_stats_request_header import \
    GetConsumeStatsRequestHeader
from rocketmq_ref.common.protocol.header.get_consumer_connection_list_request_header import \
    GetConsumerConnectionListRequestHeader
from rocketmq_ref.common.protocol.header.get_consumer_running_info_request_header import \
    GetConsumerRunningInfoRequestHeader
from rocketmq_ref.common.protocol.header.get_producer_connection_list_request_header import \
    GetProducerConnectionListRequestHeader
from rocketmq_ref.common.protocol.header.get_topic_stats_info_request_header import \
    GetTopicStatsInfoRequestHeader
from rocketmq_ref.common.protocol.header.get_topics_by_cluster_request_header import \
    GetTopicsByClusterRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.add_write_perm_of_broker_request_header import \
    AddWritePermOfBrokerRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.delete_kv_config_request_header import \
    DeleteKVConfigRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.delete_topic_from_namesrv_request_header import \
    DeleteTopicFromNamesrvRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.get_kv_config_request_header import \
    GetKVConfigRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.get_kv_list_by_namespace_request_header import \
    GetKVListByNamespaceRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.put_kv_config_request_header import \
    PutKVConfigRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.wipe_write_perm_of_broker_request_header import \
    WipeWritePermOfBrokerRequestHeader
from rocketmq_ref.common.protocol.header.query_topic_consume_by_who_request_header import \
    QueryTopicConsumeByWhoRequestHeader
from rocketmq_ref.common.protocol.header.reset_offset_request_header import \
    ResetOffsetRequestHeader
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.protocol.route import TopicRouteData
from rocketmq_ref.common.subscription_group_config import SubscriptionGroupConfig
from rocketmq_ref.common.topic_config import TopicConfig

log = logging.getLogger("rocketmq_ref.client")

ADMIN_EXT_GROUP = "admin_ext_group"


def _properties_text(props: dict[str, str]) -> bytes:
    return "".join(f"{k}={v}\n" for k, v in props.items()).encode()


class DefaultMQAdminExt(ClientConfig):
    """Java ``DefaultMQAdminExt`` (+ ``DefaultMQAdminExtImpl``)."""

    def __init__(self, admin_ext_group: str = ADMIN_EXT_GROUP, rpc_hook: Any = None,
                 timeout_millis: int = 5000) -> None:
        ClientConfig.__init__(self)
        self.admin_ext_group = admin_ext_group
        self.create_topic_key = "TBW102"
        self.timeout_millis = timeout_millis
        self.rpc_hook = rpc_hook
        self.service_state = ServiceState.CREATE_JUST
        self.mq_client_instance: Any = None

    # -- life cycle ----------------------------------------------------------------------------------
    def start(self) -> None:
        if self.service_state is not ServiceState.CREATE_JUST:
            raise MQClientException(f"The AdminExt service state not OK, {self.service_state.name}")
        self.change_instance_name_to_pid()
        self.mq_client_instance = MQClientManager.get_instance().get_or_create_mq_client_instance(
            self, self.rpc_hook)
        if not self.mq_client_instance.register_admin_ext(self.admin_ext_group, self):
            raise MQClientException(f"The adminExt group[{self.admin_ext_group}] has created "
                                    f"already, specifed another name please.")
        try:
            self.mq_client_instance.start()
        except Exception:
            self.mq_client_instance.unregister_admin_ext(self.admin_ext_group)
            raise
        self.service_state = ServiceState.RUNNING

    def shutdown(self) -> None:
        if self.service_state is not ServiceState.RUNNING:
            return
        self.service_state = ServiceState.SHUTDOWN_ALREADY
        self.mq_client_instance.unregister_admin_ext(self.admin_ext_group)
        self.mq_client_instance.shutdown()

    @property
    def _api(self) -> Any:
        if self.service_state is not ServiceState.RUNNING:
            raise MQClientException("The AdminExt is not started")
        return self.mq_client_instance.mq_client_api_impl

    def _broker(self, addr: str, code: int, header: Any = None, body: bytes | None = None,
                ok: tuple[int, ...] = (ResponseCode.SUCCESS,)) -> Any:
        return self._api.invoke_broker(addr, code, header, body, self.timeout_millis, ok)

    def _namesrv(self, code: int, header: Any = None, body: bytes | None = None,
                 addr: str | None = None) -> Any:
        return self._api.invoke_name_server(code, header, body, self.timeout_millis, addr)

    # -- cluster and routes --------------------------------------------------------------------------
    def examine_broker_cluster_info(self) -> ClusterInfo:
        response = self._namesrv(RequestCode.GET_BROKER_CLUSTER_INFO)
        return ClusterInfo.from_json(bytes(response.body or b"{}"))

    def examine_topic_route_info(self, topic: str) -> TopicRouteData:
        return self._api.get_topic_route_info_from_name_server(topic, self.timeout_millis)

    def fetch_all_topic_list(self) -> TopicList:
        response = self._namesrv(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER)
        return TopicList.from_json(bytes(response.body or b"{}"))

    def fetch_topics_by_cluster(self, cluster: str) -> TopicList:
        response = self._namesrv(RequestCode.GET_TOPICS_BY_CLUSTER,
                                 GetTopicsByClusterRequestHeader(cluster=cluster))
        return TopicList.from_json(bytes(response.body or b"{}"))

    def master_addrs_of_cluster(self, cluster: str) -> list[str]:
        """Java ``CommandUtil.fetchMasterAddrByClusterName``."""
        info = self.examine_broker_cluster_info()
        names = info.cluster_addr_table.get(cluster)
        if not names:
            raise MQClientException(f"Make sure the specified clusterName exists or the name server "
                                    f"connected to is correct: {cluster}")
        return [info.broker_addr_table[n].broker_addrs[mixall.MASTER_ID] for n in sorted(names)
                if n in info.broker_addr_table
                and mixall.MASTER_ID in info.broker_addr_table[n].broker_addrs]

    # -- topics --------------------------------------------------------------------------------------
    def create_and_update_topic_config(self, addr: str, config: TopicConfig) -> None:
        """UPDATE_AND_CREATE_TOPIC on one broker (it registers the change with the name servers)."""
        self._broker(addr, RequestCode.UPDATE_AND_CREATE_TOPIC, CreateTopicRequestHeader(
            topic=config.topic_name, default_topic=self.create_topic_key,
            read_queue_nums=config.read_queue_nums, write_queue_nums=config.write_queue_nums,
            perm=config.perm, topic_filter_type=config.topic_filter_type.name,
            topic_sys_flag=config.topic_sys_flag, order=config.order))

    def create_topic(self, key: str, new_topic: str, queue_num: int, topic_sys_flag: int = 0) -> None:
        self.mq_client_instance.mq_admin_impl.create_topic(key, new_topic, queue_num, topic_sys_flag)

    def delete_topic_in_broker(self, addrs: Iterable[str], topic: str) -> None:
        for addr in addrs:
            self._broker(addr, RequestCode.DELETE_TOPIC_IN_BROKER, DeleteTopicRequestHeader(topic=topic))

    def delete_topic_in_name_server(self, addrs: Iterable[str] | None, topic: str,
                                    cluster_name: str | None = None) -> None:
        targets = list(addrs) if addrs else self._api.get_name_server_address_list()
        for addr in targets:
            self._namesrv(RequestCode.DELETE_TOPIC_IN_NAMESRV, DeleteTopicFromNamesrvRequestHeader(
                topic=topic, cluster_name=cluster_name), addr=addr)

    def examine_topic_stats(self, topic: str) -> TopicStatsTable:
        """GET_TOPIC_STATS_INFO on every master of the topic, merged."""
        route = self.examine_topic_route_info(topic)
        merged = TopicStatsTable()
        for bd in route.broker_datas:
            addr = bd.select_broker_addr()
            if addr is None:
                continue
            response = self._broker(addr, RequestCode.GET_TOPIC_STATS_INFO,
                                    GetTopicStatsInfoRequestHeader(topic=topic))
            merged.offset_table.update(
                TopicStatsTable.from_json(bytes(response.body or b"{}")).offset_table)
        if not merged.offset_table:
            raise MQClientException(f"Not found the topic stats info, {topic}")
        return merged

    def query_topic_consume_by_who(self, topic: str) -> GroupList:
        route = self.examine_topic_route_info(topic)
        for bd in route.broker_datas:
            addr = bd.select_broker_addr()
            if addr is not None:
                response = self._broker(addr, RequestCode.QUERY_TOPIC_CONSUME_BY_WHO,
                                        QueryTopicConsumeByWhoRequestHeader(topic=topic))
                return GroupList.from_json(bytes(response.body or b"{}"))
        return GroupList()

    # -- subscription groups -------------------------------------------------------------------------
    def create_and_update_subscription_group_config(self, addr: str,
                                                    config: SubscriptionGroupConfig) -> None:
        self._broker(addr, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, None, config.encode())

    def examine_subscription_group_config(self, addr: str, group: str) -> SubscriptionGroupConfig | None:
        response = self._broker(addr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG)
        wrapper = SubscriptionGroupWrapper.from_json(bytes(response.body or b"{}"))
        return wrapper.subscription_group_table.get(group)

    def delete_subscription_group(self, addr: str, group: str, remove_offset: bool = False) -> None:
        self._broker(addr, RequestCode.DELETE_SUBSCRIPTIONGROUP, DeleteSubscriptionGroupRequestHeader(
            group_name=group, remove_offset=remove_offset))

    # -- brokers -------------------------------------------------------------------------------------
    def fetch_broker_runtime_stats(self, addr: str) -> KVTable:
        response = self._broker(addr, RequestCode.GET_BROKER_RUNTIME_INFO)
        return KVTable.from_json(bytes(response.body or b"{}"))

    def get_broker_config(self, addr: str) -> dict[str, str]:
        response = self._broker(addr, RequestCode.GET_BROKER_CONFIG)
        return parse_properties(bytes(response.body or b"").decode("utf-8"))

    def update_broker_config(self, addr: str, properties: dict[str, str]) -> None:
        self._broker(addr, RequestCode.UPDATE_BROKER_CONFIG, None, _properties_text(properties))

    # -- consumers and producers ---------------------------------------------------------------------
    def examine_consume_stats(self, consumer_group: str, topic: str | None = None) -> ConsumeStats:
        """GET_CONSUME_STATS on every master of the group's retry topic route (and the topic's), merged."""
        retry = mixall.get_retry_topic(consumer_group)
        route = self.examine_topic_route_info(topic or retry)
        merged = ConsumeStats()
        tps = 0.0
        for bd in route.broker_datas:
            addr = bd.broker_addrs.get(mixall.MASTER_ID)
            if addr is None:
                continue
            response = self._broker(addr, RequestCode.GET_CONSUME_STATS, GetConsumeStatsRequestHeader(
                consumer_group=consumer_group, topic=topic))
            stats = ConsumeStats.from_json(bytes(response.body or b"{}"))
            merged.offset_table.update(stats.offset_table)
            tps += stats.consume_tps
        merged.consume_tps = tps
        if not merged.offset_table:
            raise MQClientException(ResponseCode.CONSUMER_NOT_ONLINE,
                                    "Not found the consumer group consume stats, because return "
                                    "offset table is empty, maybe the consumer not consume any "
                                    "message")
        return merged

    def examine_consumer_connection_info(self, consumer_group: str) -> ConsumerConnection:
        route = self.examine_topic_route_info(mixall.get_retry_topic(consumer_group))
        for bd in route.broker_datas:
            addr = bd.select_broker_addr()
            if addr is not None:
                response = self._broker(addr, RequestCode.GET_CONSUMER_CONNECTION_LIST,
                                        GetConsumerConnectionListRequestHeader(
                                            consumer_group=consumer_group))
                result = ConsumerConnection.from_json(bytes(response.body or b"{}"))
                if result.connection_set:
                    return result
        raise MQClientException(ResponseCode.CONSUMER_NOT_ONLINE, "Not found the consumer group "
                                                                  "connection")

    def examine_producer_connection_info(self, producer_group: str, topic: str) -> ProducerConnection:
        route = self.examine_topic_route_info(topic)
        for bd in route.broker_datas:
            addr = bd.select_broker_addr()
            if addr is not None:
                response = self._broker(addr, RequestCode.GET_PRODUCER_CONNECTION_LIST,
                                        GetProducerConnectionListRequestHeader(
                                            producer_group=producer_group))
                return ProducerConnection.from_json(bytes(response.body or b"{}"))
        raise MQClientException("Not found the producer group connection")

    def get_consumer_running_info(self, consumer_group: str, client_id: str,
                                  jstack: bool = False) -> dict[str, Any]:
        """GET_CONSUMER_RUNNING_INFO: the broker forwards it to that client and returns its answer."""
        route = self.examine_topic_route_info(mixall.get_retry_topic(consumer_group))
        for bd in route.broker_datas:
            addr = bd.select_broker_addr()
            if addr is not None:
                response = self._broker(addr, RequestCode.GET_CONSUMER_RUNNING_INFO,
                                        GetConsumerRunningInfoRequestHeader(
                                            consumer_group=consumer_group, client_id=client_id,
                                            jstack_enable=jstack))
                return fastjson.loads(bytes(response.body or b"{}"))
        raise MQClientException(f"the consumer group {consumer_group} has no route")

    def consume_message_directly(self, consumer_group: str, client_id: str, topic: str,
                                 msg_id: str) -> dict[str, Any]:
        msg = self.view_message(topic, msg_id)
        addr = f"{msg.store_host[0]}:{msg.store_host[1]}"
        response = self._broker(addr, RequestCode.CONSUME_MESSAGE_DIRECTLY,
                                ConsumeMessageDirectlyResultRequestHeader(
                                    consumer_group=consumer_group, client_id=client_id,
                                    msg_id=msg_id, broker_name=msg.broker_name))
        return fastjson.loads(bytes(response.body or b"{}"))

    # -- offsets -------------------------------------------------------------------------------------
    def reset_offset_by_timestamp(self, topic: str, group: str, timestamp: int,
                                  is_force: bool = True) -> dict[MessageQueue, int]:
        """INVOKE_BROKER_TO_RESET_OFFSET on every master: the brokers tell live consumers."""
        route = self.examine_topic_route_info(topic)
        result: dict[MessageQueue, int] = {}
        for bd in route.broker_datas:
            addr = bd.broker_addrs.get(mixall.MASTER_ID)
            if addr is None:
                continue
            response = self._broker(addr, RequestCode.INVOKE_BROKER_TO_RESET_OFFSET,
                                    ResetOffsetRequestHeader(topic=topic, group=group,
                                                             timestamp=timestamp, is_force=is_force))
            if response.body:
                result.update(ResetOffsetBody.from_json(bytes(response.body)).offset_table)
        return result

    def clone_group_offset(self, src_group: str, dest_group: str, topic: str,
                           is_offline: bool = False) -> None:
        route = self.examine_topic_route_info(mixall.get_retry_topic(src_group))
        for bd in route.broker_datas:
            addr = bd.select_broker_addr()
            if addr is not None:
                self._broker(addr, RequestCode.CLONE_GROUP_OFFSET, CloneGroupOffsetRequestHeader(
                    src_group=src_group, dest_group=dest_group, topic=topic, offline=is_offline))

    def max_offset(self, mq: MessageQueue) -> int:
        return self.mq_client_instance.mq_admin_impl.max_offset(mq)

    def min_offset(self, mq: MessageQueue) -> int:
        return self.mq_client_instance.mq_admin_impl.min_offset(mq)

    def search_offset(self, mq: MessageQueue, timestamp: int) -> int:
        return self.mq_client_instance.mq_admin_impl.search_offset(mq, timestamp)

    # -- messages ------------------------------------------------------------------------------------
    def view_message(self, topic: str, msg_id: str) -> Any:
        """By offset message id; failing that, by UNIQ_KEY through the index (Java ``viewMessage``)."""
        try:
            return self.mq_client_instance.mq_admin_impl.view_message(msg_id)
        except (MQClientException, MQBrokerException):
            return self.mq_client_instance.mq_admin_impl.query_message_by_uniq_key(topic, msg_id)

    def query_message(self, topic: str, key: str, max_num: int, begin: int = 0,
                      end: int | None = None) -> list[Any]:
        end = int(time.time() * 1000) if end is None else end
        return self.mq_client_instance.mq_admin_impl.query_message(topic, key, max_num, begin, end)

    # -- name server ---------------------------------------------------------------------------------
    def put_kv_config(self, namespace: str, key: str, value: str) -> None:
        for addr in self._api.get_name_server_address_list():
            self._namesrv(RequestCode.PUT_KV_CONFIG, PutKVConfigRequestHeader(
                namespace=namespace, key=key, value=value), addr=addr)

    def delete_kv_config(self, namespace: str, key: str) -> None:
        for addr in self._api.get_name_server_address_list():
            self._namesrv(RequestCode.DELETE_KV_CONFIG, DeleteKVConfigRequestHeader(
                namespace=namespace, key=key), addr=addr)

    def get_kv_config(self, namespace: str, key: str) -> str | None:
        response = self._namesrv(RequestCode.GET_KV_CONFIG, GetKVConfigRequestHeader(
            namespace=namespace, key=key))
        return (response.ext_fields or {}).get("value")

    def get_kv_list_by_namespace(self, namespace: str) -> KVTable:
        response = self._namesrv(RequestCode.GET_KVLIST_BY_NAMESPACE,
                                 GetKVListByNamespaceRequestHeader(namespace=namespace))
        return KVTable.from_json(bytes(response.body or b"{}"))

    def wipe_write_perm_of_broker(self, namesrv_addr: str, broker_name: str) -> int:
        response = self._namesrv(RequestCode.WIPE_WRITE_PERM_OF_BROKER,
                                 WipeWritePermOfBrokerRequestHeader(broker_name=broker_name),
                                 addr=namesrv_addr)
        return int((response.ext_fields or {}).get("wipeTopicCount", "0"))

    def add_write_perm_of_broker(self, namesrv_addr: str, broker_name: str) -> int:
        response = self._namesrv(RequestCode.ADD_WRITE_PERM_OF_BROKER,
                                 AddWritePermOfBrokerRequestHeader(broker_name=broker_name),
                                 addr=namesrv_addr)
        return int((response.ext_fields or {}).get("addTopicCount", "0"))

    def get_name_server_config(self, addrs: Iterable[str] | None = None) -> dict[str, dict[str, str]]:
        targets = list(addrs) if addrs else self._api.get_name_server_address_list()
        out = {}
        for addr in targets:
            response = self._namesrv(RequestCode.GET_NAMESRV_CONFIG, addr=addr)
            out[addr] = parse_properties(bytes(response.body or b"").decode("utf-8"))
        return out

    def update_name_server_config(self, properties: dict[str, str],
                                  addrs: Iterable[str] | None = None) -> None:
        targets = list(addrs) if addrs else self._api.get_name_server_address_list()
        for addr in targets:
            self._namesrv(RequestCode.UPDATE_NAMESRV_CONFIG, None, _properties_text(properties),
                          addr=addr)
