"""MQClientInstance: the per-process client shared by every producer and consumer with one client id
(Java ``client.impl.factory.MQClientInstance``; books A11.3.1, A11.3.2, B3.3.2, B5.3).

It owns the remoting client, the route and broker-address tables and the background work, each under
its Java name: the ``MQClientFactoryScheduledThread`` timer (route refresh, offline-broker cleanup +
heartbeat, offset persistence), ``PullMessageService`` and ``RebalanceService``.
"""
from __future__ import annotations

import enum
import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from rocketmq_ref.client.common.scheduled_executor import ScheduledExecutor
from rocketmq_ref.client.stat.consumer_stats_manager import ConsumerStatsManager
from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.client.impl.client_remoting_processor import ClientRemotingProcessor
from rocketmq_ref.client.impl.consumer.pull_message_service import PullMessageService
from rocketmq_ref.client.impl.consumer.rebalance_service import RebalanceService
from rocketmq_ref.client.impl.mq_admin_impl import MQAdminImpl
from rocketmq_ref.client.impl.mq_client_api_impl import MQClientAPIImpl
from rocketmq_ref.client.impl.producer.topic_publish_info import TopicPublishInfo
from rocketmq_ref.common import mixall
from rocketmq_ref.common.message import MessageQueue
from rocketmq_ref.common.perm_name import PermName
from rocketmq_ref.common.protocol.heartbeat import ConsumerData, HeartbeatData, ProducerData
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.topic_validator import AUTO_CREATE_TOPIC_KEY_TOPIC
from rocketmq_ref.common.tracing import record_error, span
from rocketmq_ref.remoting.netty.configs import NettyClientConfig
from rocketmq_ref.remoting.netty.remoting_client import NettyRemotingClient

log = logging.getLogger("rocketmq_ref.client")

LOCK_TIMEOUT_MILLIS = 3000
_JAVA = "org.apache.rocketmq.client.impl.factory.MQClientInstance#"


class ServiceState(enum.Enum):
    """Java ``ServiceState``."""

    CREATE_JUST = 0
    RUNNING = 1
    SHUTDOWN_ALREADY = 2
    START_FAILED = 3


@dataclass(slots=True)
class FindBrokerResult:
    broker_addr: str
    slave: bool
    broker_version: int = 0


class MQClientInstance:
    def __init__(self, client_config: Any, instance_index: int, client_id: str,
                 rpc_hook: Any = None) -> None:
        self.client_config = client_config
        self.instance_index = instance_index
        self.client_id = client_id
        self.boot_timestamp = int(time.time() * 1000)
        self.producer_table: dict[str, Any] = {}
        self.consumer_table: dict[str, Any] = {}
        self.admin_ext_table: dict[str, Any] = {}
        self.topic_route_table: dict[str, Any] = {}
        self.broker_addr_table: dict[str, dict[int, str]] = {}
        self.broker_version_table: dict[str, dict[str, int]] = {}
        self.lock_namesrv = threading.Lock()
        self.lock_heartbeat = threading.Lock()
        self._state_lock = threading.Lock()
        self.service_state = ServiceState.CREATE_JUST
        netty_config = NettyClientConfig(use_tls=client_config.use_tls)  # Java setUseTLS
        netty_config.client_callback_executor_threads = client_config.client_callback_executor_threads
        self.remoting_client = NettyRemotingClient(netty_config)
        if rpc_hook is not None:
            self.remoting_client.register_rpc_hook(rpc_hook)
        self.client_remoting_processor = ClientRemotingProcessor(self)
        for code in (RequestCode.CHECK_TRANSACTION_STATE, RequestCode.NOTIFY_CONSUMER_IDS_CHANGED,
                     RequestCode.RESET_CONSUMER_CLIENT_OFFSET,
                     RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT,
                     RequestCode.GET_CONSUMER_RUNNING_INFO, RequestCode.CONSUME_MESSAGE_DIRECTLY,
                     RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT):
            self.remoting_client.register_processor(code, self.client_remoting_processor, None)
        self.mq_client_api_impl = MQClientAPIImpl(self.remoting_client, client_config)
        if client_config.namesrv_addr:
            self.mq_client_api_impl.update_name_server_address_list(client_config.namesrv_addr)
        self.mq_admin_impl = MQAdminImpl(self)
        self.pull_message_service = PullMessageService(self)
        self.rebalance_service = RebalanceService(self)
        self.scheduled_executor_service: ScheduledExecutor | None = None
        self.consumer_stats_manager = ConsumerStatsManager()
        # the inner producer sends messages back to %RETRY% when CONSUMER_SEND_MSG_BACK fails
        from rocketmq_ref.client.producer.default_mq_producer import DefaultMQProducer
        self.default_mq_producer = DefaultMQProducer(mixall.CLIENT_INNER_PRODUCER_GROUP)
        self.default_mq_producer.reset_client_config(client_config)
        log.info("Created a new client Instance, InstanceIndex:%d, ClientID:%s", instance_index,
                 client_id)

    # -- life cycle ----------------------------------------------------------------------------------
    def start(self) -> None:
        """Java ``start``: remoting client, timers, pull and rebalance services, inner producer."""
        with self._state_lock:
            if self.service_state is ServiceState.RUNNING:
                return
            if self.service_state is not ServiceState.CREATE_JUST:
                raise MQClientException(
                    f"The Factory object[{self.client_id}] has been created before, and failed.")
            self.service_state = ServiceState.START_FAILED
            if not self.client_config.namesrv_addr:
                raise MQClientException("No name server address, please set it.")
            self.mq_client_api_impl.start()
            self.scheduled_executor_service = ScheduledExecutor("MQClientFactoryScheduledThread")
            self.start_scheduled_task()
            self.consumer_stats_manager.start(self.scheduled_executor_service)
            self.pull_message_service.start()
            self.rebalance_service.start()
            self.default_mq_producer.default_mq_producer_impl.start(False)
            self.service_state = ServiceState.RUNNING
            log.info("the client factory [%s] start OK", self.client_id)

    def start_scheduled_task(self) -> None:
        cc = self.client_config
        ses = self.scheduled_executor_service
        assert ses is not None
        ses.schedule_at_fixed_rate(self.update_topic_route_info_from_name_server_all, 10,
                                   cc.poll_name_server_interval)
        ses.schedule_at_fixed_rate(self._clean_and_heartbeat, 1000, cc.heartbeat_broker_interval)
        ses.schedule_at_fixed_rate(self.persist_all_consumer_offset, 1000 * 10,
                                   cc.persist_consumer_offset_interval)

    def _clean_and_heartbeat(self) -> None:
        self.clean_offline_broker()
        self.send_heartbeat_to_all_broker_with_lock()

    def shutdown(self) -> None:
        """Java ``shutdown``: only once the last producer and consumer have gone."""
        if self.consumer_table or self.admin_ext_table or len(self.producer_table) > 1:
            return
        with self._state_lock:
            if self.service_state is not ServiceState.RUNNING:
                if self.service_state is ServiceState.CREATE_JUST:
                    self.service_state = ServiceState.SHUTDOWN_ALREADY
                return
            self.service_state = ServiceState.SHUTDOWN_ALREADY
        self.default_mq_producer.default_mq_producer_impl.shutdown(False)
        self.pull_message_service.shutdown(True)
        if self.scheduled_executor_service is not None:
            self.scheduled_executor_service.shutdown()
        # Java stops the remoting client first, then the RebalanceService; a rebalance in flight
        # (the last consumer has just unregistered, so it drops its queues and persists their
        # offsets) then fails with "NettyClient is not started".  Every thread that calls out is
        # joined before the client stops.
        self.rebalance_service.shutdown()
        self.mq_client_api_impl.shutdown()
        from rocketmq_ref.client.impl.mq_client_manager import MQClientManager
        MQClientManager.get_instance().remove_client_factory(self.client_id)
        log.info("the client factory [%s] shutdown OK", self.client_id)

    # -- registry ------------------------------------------------------------------------------------
    def register_producer(self, group: str | None, producer: Any) -> bool:
        if not group or producer is None:
            return False
        if group in self.producer_table:
            log.warning("the producer group[%s] exist already.", group)
            return False
        self.producer_table[group] = producer
        return True

    def unregister_producer(self, group: str) -> None:
        self.producer_table.pop(group, None)
        self.unregister_client(group, None)

    def register_consumer(self, group: str | None, consumer: Any) -> bool:
        if not group or consumer is None:
            return False
        if group in self.consumer_table:
            log.warning("the consumer group[%s] exist already.", group)
            return False
        self.consumer_table[group] = consumer
        return True

    def unregister_consumer(self, group: str) -> None:
        self.consumer_table.pop(group, None)
        self.unregister_client(None, group)

    def register_admin_ext(self, group: str, admin: Any) -> bool:
        if group in self.admin_ext_table:
            return False
        self.admin_ext_table[group] = admin
        return True

    def unregister_admin_ext(self, group: str) -> None:
        self.admin_ext_table.pop(group, None)

    def select_producer(self, group: str) -> Any:
        return self.producer_table.get(group)

    def select_consumer(self, group: str) -> Any:
        return self.consumer_table.get(group)

    def unregister_client(self, producer_group: str | None, consumer_group: str | None) -> None:
        """UNREGISTER_CLIENT to every broker address we know (Java ``unregisterClient``)."""
        for broker_name, addrs in list(self.broker_addr_table.items()):
            for addr in list(addrs.values()):
                try:
                    self.mq_client_api_impl.unregister_client(addr, self.client_id, producer_group,
                                                              consumer_group,
                                                              self.client_config.mq_client_api_timeout)
                    log.info("unregister client[Producer: %s Consumer: %s] from broker[%s %s] "
                             "success", producer_group, consumer_group, broker_name, addr)
                except Exception as e:  # noqa: BLE001 - a dead broker must not block shutdown
                    log.warning("unregister client exception from broker: %s: %s", addr, e)

    # -- routes --------------------------------------------------------------------------------------
    def update_topic_route_info_from_name_server_all(self) -> None:
        """The 30 s timer: refresh the route of every topic a producer or consumer uses."""
        topics: set[str] = set()
        for consumer in list(self.consumer_table.values()):
            for sd in consumer.subscriptions():
                topics.add(sd.topic)
        for producer in list(self.producer_table.values()):
            topics.update(producer.get_publish_topic_list())
        for topic in topics:
            self.update_topic_route_info_from_name_server(topic)

    def update_topic_route_info_from_name_server(self, topic: str, is_default: bool = False,
                                                 default_mq_producer: Any = None) -> bool:
        """GET_ROUTEINFO_BY_TOPIC and, when the route changed, new publish and subscribe info
        (Java ``updateTopicRouteInfoFromNameServer``; books B3.4.2, A11.3.2)."""
        with span("MQClientInstance.update_topic_route_info_from_name_server",
                  java=_JAVA + "updateTopicRouteInfoFromNameServer", books=("B3.4.2", "A11.3.2"),
                  attributes={"messaging.destination.name": topic,
                              "rocketmq_ref.route.is_default": is_default}) as s:
            if not self.lock_namesrv.acquire(timeout=LOCK_TIMEOUT_MILLIS / 1000):
                log.warning("updateTopicRouteInfoFromNameServer tryLock timeout %dms",
                            LOCK_TIMEOUT_MILLIS)
                return False
            try:
                timeout = self.client_config.mq_client_api_timeout
                api = self.mq_client_api_impl
                if is_default and default_mq_producer is not None:
                    route = api.get_default_topic_route_info_from_name_server(
                        default_mq_producer.create_topic_key, timeout)
                    for qd in route.queue_datas:
                        nums = min(default_mq_producer.default_topic_queue_nums, qd.read_queue_nums)
                        qd.read_queue_nums = nums
                        qd.write_queue_nums = nums
                else:
                    route = api.get_topic_route_info_from_name_server(topic, timeout)
                old = self.topic_route_table.get(topic)
                changed = _route_changed(old, route) or self._is_need_update_topic_route_info(topic)
                if s.is_recording():
                    s.set_attribute("rocketmq_ref.route.changed", changed)
                    s.set_attribute("rocketmq_ref.route.brokers",
                                    [bd.broker_name for bd in route.broker_datas])
                if not changed:
                    return False
                for bd in route.broker_datas:
                    self.broker_addr_table[bd.broker_name] = dict(bd.broker_addrs)
                if self.producer_table:
                    info = self.topic_route_data2_topic_publish_info(topic, route)
                    info.have_topic_router_info = True
                    for producer in list(self.producer_table.values()):
                        producer.update_topic_publish_info(topic, info)
                if self.consumer_table:
                    sub_info = self.topic_route_data2_topic_subscribe_info(topic, route)
                    for consumer in list(self.consumer_table.values()):
                        consumer.update_topic_subscribe_info(topic, sub_info)
                log.info("topicRouteTable.put. Topic = %s, TopicRouteData[%s]", topic, route)
                self.topic_route_table[topic] = route.clone_topic_route_data()
                return True
            except MQClientException as e:
                if not topic.startswith(mixall.RETRY_GROUP_TOPIC_PREFIX) and \
                        topic != AUTO_CREATE_TOPIC_KEY_TOPIC:
                    log.warning("updateTopicRouteInfoFromNameServer Exception: %s", e)
                record_error(s, e)
                return False
            except Exception as e:  # noqa: BLE001 - remoting failure: try again on the next tick
                log.warning("updateTopicRouteInfoFromNameServer Exception: %s", e)
                record_error(s, e)
                return False
            finally:
                self.lock_namesrv.release()

    def _is_need_update_topic_route_info(self, topic: str) -> bool:
        for producer in list(self.producer_table.values()):
            if producer.is_publish_topic_need_update(topic):
                return True
        for consumer in list(self.consumer_table.values()):
            if consumer.is_subscribe_topic_need_update(topic):
                return True
        return False

    @staticmethod
    def topic_route_data2_topic_publish_info(topic: str, route: Any) -> TopicPublishInfo:
        """Writable queues of brokers that have a master, brokers sorted by name (book B3.4.2)."""
        info = TopicPublishInfo()
        info.topic_route_data = route
        if route.order_topic_conf:
            for broker in route.order_topic_conf.split(";"):
                name, _, nums = broker.partition(":")
                for i in range(int(nums)):
                    info.message_queue_list.append(MessageQueue(topic, name, i))
            info.order_topic = True
            return info
        brokers = {bd.broker_name: bd for bd in route.broker_datas}
        for qd in sorted(route.queue_datas, key=lambda q: q.broker_name):
            if not PermName.is_writeable(qd.perm):
                continue
            bd = brokers.get(qd.broker_name)
            if bd is None or mixall.MASTER_ID not in bd.broker_addrs:
                continue
            for i in range(qd.write_queue_nums):
                info.message_queue_list.append(MessageQueue(topic, qd.broker_name, i))
        return info

    @staticmethod
    def topic_route_data2_topic_subscribe_info(topic: str, route: Any) -> set[Any]:
        return {MessageQueue(topic, qd.broker_name, i) for qd in route.queue_datas
                if PermName.is_readable(qd.perm) for i in range(qd.read_queue_nums)}

    def is_broker_addr_exist_in_topic_route_table(self, addr: str) -> bool:
        for route in list(self.topic_route_table.values()):
            for bd in route.broker_datas:
                if addr in bd.broker_addrs.values():
                    return True
        return False

    def clean_offline_broker(self) -> None:
        """Forget broker addresses no route mentions any more (Java ``cleanOfflineBroker``)."""
        if not self.lock_namesrv.acquire(timeout=LOCK_TIMEOUT_MILLIS / 1000):
            return
        try:
            for name, addrs in list(self.broker_addr_table.items()):
                kept = {bid: a for bid, a in addrs.items()
                        if self.is_broker_addr_exist_in_topic_route_table(a)}
                if not kept:
                    self.broker_addr_table.pop(name, None)
                    log.info("the broker[%s] name's host is offline, remove it", name)
                else:
                    self.broker_addr_table[name] = kept
        finally:
            self.lock_namesrv.release()

    # -- heartbeat -----------------------------------------------------------------------------------
    def prepare_heartbeat_data(self) -> HeartbeatData:
        data = HeartbeatData(client_id=self.client_id)
        for consumer in list(self.consumer_table.values()):
            data.consumer_data_set.append(ConsumerData(
                group_name=consumer.group_name(), consume_type=consumer.consume_type(),
                message_model=consumer.message_model(),
                consume_from_where=consumer.consume_from_where(),
                subscription_data_set=list(consumer.subscriptions()),
                unit_mode=consumer.is_unit_mode()))
        for group in list(self.producer_table):
            data.producer_data_set.append(ProducerData(group_name=group))
        return data

    def send_heartbeat_to_all_broker_with_lock(self) -> None:
        """Java uses ``tryLock`` and skips the heartbeat when another one is running; that one may
        carry a subscription version older than a rebalance just set, and pulls then fail with
        SUBSCRIPTION_NOT_LATEST until the next heartbeat (30 s).  Here the second caller waits for
        the first (up to ``LOCK_TIMEOUT_MILLIS``) and sends its own, newer data."""
        if self.lock_heartbeat.acquire(timeout=LOCK_TIMEOUT_MILLIS / 1000):
            try:
                self.send_heartbeat_to_all_broker()
            except Exception:  # noqa: BLE001
                log.exception("sendHeartbeatToAllBroker exception")
            finally:
                self.lock_heartbeat.release()
        else:
            log.warning("lock heartBeat, but failed. [%s]", self.client_id)

    def send_heartbeat_to_all_broker(self) -> None:
        """HEART_BEAT to every broker (masters only when there is no consumer; book A11.3.2)."""
        heartbeat = self.prepare_heartbeat_data()
        if not heartbeat.producer_data_set and not heartbeat.consumer_data_set:
            return
        with span("MQClientInstance.send_heartbeat_to_all_broker",
                  java=_JAVA + "sendHeartbeatToAllBroker", books=("A11.3.2", "B5.3"),
                  attributes={"rocketmq_ref.client_id": self.client_id}) as s:
            sent = []
            for name, addrs in list(self.broker_addr_table.items()):
                for bid, addr in list(addrs.items()):
                    if addr is None:
                        continue
                    if not heartbeat.consumer_data_set and bid != mixall.MASTER_ID:
                        continue
                    try:
                        version = self.mq_client_api_impl.send_heartbeat(
                            addr, heartbeat, self.client_config.mq_client_api_timeout)
                        self.broker_version_table.setdefault(name, {})[addr] = version
                        sent.append(addr)
                    except Exception as e:  # noqa: BLE001
                        if self.is_broker_in_name_server(addr):
                            log.info("send heart beat to broker[%s %s %s] failed: %s", name, bid,
                                     addr, e)
                        else:
                            log.info("send heart beat to broker[%s %s %s] exception, because the "
                                     "broker not up, forget it", name, bid, addr)
            if s.is_recording():
                s.set_attribute("rocketmq_ref.heartbeat.brokers", sent)

    def is_broker_in_name_server(self, addr: str) -> bool:
        return self.is_broker_addr_exist_in_topic_route_table(addr)

    # -- offsets and rebalance -----------------------------------------------------------------------
    def persist_all_consumer_offset(self) -> None:
        for consumer in list(self.consumer_table.values()):
            consumer.persist_consumer_offset()

    def do_rebalance(self) -> None:
        for consumer in list(self.consumer_table.values()):
            try:
                consumer.do_rebalance()
            except Exception:  # noqa: BLE001
                log.exception("doRebalance exception")

    def rebalance_immediately(self) -> None:
        self.rebalance_service.wakeup()

    # -- address lookup ------------------------------------------------------------------------------
    def find_broker_address_in_publish(self, broker_name: str | None) -> str | None:
        addrs = self.broker_addr_table.get(broker_name or "")
        return addrs.get(mixall.MASTER_ID) if addrs else None

    def find_broker_address_in_subscribe(self, broker_name: str, broker_id: int,
                                         only_this_broker: bool) -> FindBrokerResult | None:
        addrs = self.broker_addr_table.get(broker_name)
        if not addrs:
            return None
        addr = addrs.get(broker_id)
        slave = broker_id != mixall.MASTER_ID
        if addr is None and slave:
            addr = addrs.get(broker_id + 1)
        if addr is None and not only_this_broker:
            bid, addr = next(iter(addrs.items()))
            slave = bid != mixall.MASTER_ID
        if addr is None:
            return None
        return FindBrokerResult(addr, slave, self.find_broker_version(broker_name, addr))

    def find_broker_version(self, broker_name: str, addr: str) -> int:
        return self.broker_version_table.get(broker_name, {}).get(addr, 0)

    def find_broker_addr_by_topic(self, topic: str) -> str | None:
        route = self.topic_route_table.get(topic)
        if route is None or not route.broker_datas:
            return None
        bd = random.choice(route.broker_datas)
        return bd.select_broker_addr()

    def check_client_in_broker(self) -> None:
        """Java ``checkClientInBroker``: ask a broker of each subscribed topic to compile every
        non-tag (SQL92) subscription, so a bad expression fails ``start()`` with the reason."""
        for group, consumer in list(self.consumer_table.items()):
            for sd in list(consumer.subscriptions() or ()):
                if not sd.expression_type or sd.expression_type == "TAG":
                    continue
                addr = self.find_broker_addr_by_topic(sd.topic)
                if addr is None:
                    continue
                try:
                    self.mq_client_api_impl.check_client_in_broker(addr, group, self.client_id, sd,
                                                                   self.client_config.mq_client_api_timeout)
                except MQClientException:
                    raise
                except Exception as e:
                    raise MQClientException(
                        f"Check client in broker error, maybe because you use {sd.expression_type} to filter "
                        "message, but server has not been upgraded to support!", e) from e

    def find_consumer_id_list(self, topic: str, group: str) -> list[str] | None:
        """GET_CONSUMER_LIST_BY_GROUP to one broker of the topic (book B5.5)."""
        addr = self.find_broker_addr_by_topic(topic)
        if addr is None:
            self.update_topic_route_info_from_name_server(topic)
            addr = self.find_broker_addr_by_topic(topic)
        if addr is None:
            return None
        try:
            return self.mq_client_api_impl.get_consumer_id_list_by_group(
                addr, group, self.client_config.mq_client_api_timeout)
        except Exception as e:  # noqa: BLE001
            log.warning("getConsumerIdListByGroup exception, %s %s: %s", addr, group, e)
            return None

    def get_any_topic_route_data(self, topic: str) -> Any:
        return self.topic_route_table.get(topic)

    # -- broker -> client requests -------------------------------------------------------------------
    def reset_offset(self, topic: str, group: str, offset_table: dict[Any, int]) -> None:
        """RESET_CONSUMER_CLIENT_OFFSET: pause, drop the queues, set offsets, resume (Java ``resetOffset``)."""
        consumer = self.consumer_table.get(group)
        if consumer is None or not hasattr(consumer, "suspend"):
            log.info("[reset-offset] consumer does not exist. group=%s", group)
            return
        consumer.suspend()
        try:
            pq_table = consumer.rebalance_impl.process_queue_table
            for mq, pq in list(pq_table.items()):
                if mq.topic == topic and mq in offset_table:
                    pq.set_dropped(True)
                    pq.clear()
            time.sleep(min(10, self.client_config.pull_time_delay_mills_when_exception / 1000))
            for mq in list(pq_table):
                if mq.topic == topic and mq in offset_table:
                    consumer.update_consume_offset(mq, offset_table[mq])
                    consumer.offset_store.persist(mq)
                    consumer.rebalance_impl.remove_unnecessary_message_queue(mq, pq_table[mq])
                    pq_table.pop(mq, None)
        finally:
            consumer.resume()
        self.rebalance_immediately()

    def get_consumer_status(self, topic: str, group: str) -> dict[Any, int]:
        consumer = self.consumer_table.get(group)
        if consumer is None:
            return {}
        return consumer.offset_store.clone_offset_table(topic)

    def consume_message_directly(self, msg: Any, consumer_group: str, broker_name: str | None) -> Any:
        consumer = self.consumer_table.get(consumer_group)
        if consumer is None or not hasattr(consumer, "consume_message_service"):
            return None
        return consumer.consume_message_service.consume_message_directly(msg, broker_name)

    def consumer_running_info(self, consumer_group: str) -> Any:
        consumer = self.consumer_table.get(consumer_group)
        if consumer is None:
            return None
        return consumer.consumer_running_info()

    def get_mq_client_api_impl(self) -> MQClientAPIImpl:
        return self.mq_client_api_impl

    def get_client_id(self) -> str:
        return self.client_id


def _route_changed(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return True
    return _route_key(old) != _route_key(new)


def _route_key(route: Any) -> tuple:
    """Java compares sorted clones (``topicRouteDataIsChange``): order on the wire does not matter."""
    return (route.order_topic_conf,
            sorted((q.broker_name, q.read_queue_nums, q.write_queue_nums, q.perm, q.topic_sys_flag)
                   for q in route.queue_datas),
            sorted((b.broker_name, b.cluster, tuple(sorted(b.broker_addrs.items())))
                   for b in route.broker_datas))
