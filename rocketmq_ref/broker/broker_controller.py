"""The broker: owns the store, the managers, the remoting servers (main port and the VIP port
``listenPort - 2``), the processor pools, the scheduled tasks and the name-server registration
(Java ``broker.BrokerController``; A2.1, A4.2, B3.4.4, B5.4.3).

``initialize()`` loads topics, offsets and groups, loads the store, builds the servers and registers
the processors; ``start()`` starts everything and registers with every name server (then every
``registerNameServerPeriod``); ``shutdown()`` unregisters, stops the servers and services, persists
the offsets and shuts the store down (which removes the abort file).
"""
from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
from typing import Callable

from rocketmq_ref.acl.broker_acl import initial_acl, shutdown_acl
from rocketmq_ref.broker.broker_path_config_helper import get_broker_config_path
from rocketmq_ref.broker.client.broker2client import Broker2Client
from rocketmq_ref.broker.client.client_housekeeping_service import ClientHousekeepingService
from rocketmq_ref.broker.client.consumer_ids_change_listener import DefaultConsumerIdsChangeListener
from rocketmq_ref.broker.client.consumer_manager import ConsumerManager
from rocketmq_ref.broker.client.producer_manager import ProducerManager
from rocketmq_ref.broker.client.rebalance_lock_manager import RebalanceLockManager
from rocketmq_ref.broker.latency.broker_fast_failure import BrokerFastFailure
from rocketmq_ref.broker.latency.broker_fixed_thread_pool_executor import BrokerFixedThreadPoolExecutor
from rocketmq_ref.broker.longpolling.notify_message_arriving_listener import NotifyMessageArrivingListener
from rocketmq_ref.broker.longpolling.pull_request_hold_service import PullRequestHoldService
from rocketmq_ref.broker.filter.commit_log_dispatcher_calc_bit_map import CommitLogDispatcherCalcBitMap
from rocketmq_ref.broker.filter.consumer_filter_manager import ConsumerFilterManager
from rocketmq_ref.broker.offset.consumer_offset_manager import ConsumerOffsetManager
from rocketmq_ref.broker.out.broker_outer_api import BrokerOuterAPI
from rocketmq_ref.broker.processor.admin_broker_processor import AdminBrokerProcessor
from rocketmq_ref.broker.processor.client_manage_processor import ClientManageProcessor
from rocketmq_ref.broker.processor.consumer_manage_processor import ConsumerManageProcessor
from rocketmq_ref.broker.processor.end_transaction_processor import EndTransactionProcessor
from rocketmq_ref.broker.processor.pull_message_processor import PullMessageProcessor
from rocketmq_ref.broker.processor.query_message_processor import QueryMessageProcessor
from rocketmq_ref.broker.processor.reply_message_processor import ReplyMessageProcessor
from rocketmq_ref.broker.processor.send_message_processor import SendMessageProcessor
from rocketmq_ref.broker.slave.slave_synchronize import SlaveSynchronize
from rocketmq_ref.broker.stats.broker_stats import BrokerStats
from rocketmq_ref.broker.stats.broker_stats_manager import BrokerStatsManager
from rocketmq_ref.broker.subscription.subscription_group_manager import SubscriptionGroupManager
from rocketmq_ref.broker.topic.topic_config_manager import TopicConfigManager
from rocketmq_ref.broker.transaction.queue.default_transactional_message_check_listener import (
    DefaultTransactionalMessageCheckListener)
from rocketmq_ref.broker.transaction.queue.transactional_message_bridge import TransactionalMessageBridge
from rocketmq_ref.broker.transaction.queue.transactional_message_service_impl import (
    TransactionalMessageServiceImpl)
from rocketmq_ref.broker.transaction.transactional_message_check_service import TransactionalMessageCheckService
from rocketmq_ref.common.broker_config import BrokerConfig
from rocketmq_ref.common.configuration import Configuration
from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.perm_name import PermName
from rocketmq_ref.common.protocol.body.topic_config_serialize_wrapper import TopicConfigSerializeWrapper
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.service_thread import ServiceThread
from rocketmq_ref.common.topic_config import TopicConfig
from rocketmq_ref.common.tracing import span
from rocketmq_ref.remoting.netty.configs import NettyClientConfig, NettyServerConfig
from rocketmq_ref.remoting.netty.remoting_server import NettyRemotingServer
from rocketmq_ref.store.config.broker_role import BrokerRole
from rocketmq_ref.store.config.message_store_config import MessageStoreConfig
from rocketmq_ref.store.default_message_store import DefaultMessageStore
from rocketmq_ref.store.ha.ha_service import HAService

log = logging.getLogger("rocketmq_ref.broker")

_JAVA = "org.apache.rocketmq.broker.BrokerController"


class _ScheduledTask:
    __slots__ = ("name", "period_ms", "next_run", "fn")

    def __init__(self, name: str, initial_delay_ms: int, period_ms: int, fn: Callable[[], None]) -> None:
        self.name = name
        self.period_ms = period_ms
        self.next_run = time.monotonic() + initial_delay_ms / 1000
        self.fn = fn


class BrokerControllerScheduledService(ServiceThread):
    """The broker's scheduled executor (Java ``BrokerControllerScheduledThread``): fixed-rate tasks,
    each with its first delay and period, run one after the other on this thread."""

    def __init__(self) -> None:
        super().__init__()
        self.tasks: list[_ScheduledTask] = []

    def get_service_name(self) -> str:
        return "BrokerControllerScheduledThread"

    def schedule_at_fixed_rate(self, name: str, fn: Callable[[], None], initial_delay_ms: int,
                               period_ms: int) -> None:
        self.tasks.append(_ScheduledTask(name, initial_delay_ms, period_ms, fn))
        self.wakeup()

    def run(self) -> None:
        while not self.is_stopped():
            now = time.monotonic()
            wait = min((t.next_run - now for t in self.tasks), default=1.0)
            if wait > 0:
                self.wait_for_running(min(wait, 1.0) * 1000)
                continue
            for task in self.tasks:
                if self.is_stopped():
                    return
                if task.next_run <= time.monotonic():
                    task.next_run += task.period_ms / 1000
                    if task.next_run < time.monotonic():  # fell behind: do not run a burst
                        task.next_run = time.monotonic() + task.period_ms / 1000
                    try:
                        task.fn()
                    except Exception:
                        log.exception("scheduled task %s failed", task.name)


class BrokerController:
    def __init__(self, broker_config: BrokerConfig, netty_server_config: NettyServerConfig,
                 netty_client_config: NettyClientConfig, message_store_config: MessageStoreConfig) -> None:
        self.broker_config = broker_config
        self.netty_server_config = netty_server_config
        self.netty_client_config = netty_client_config
        self.message_store_config = message_store_config
        self.consumer_offset_manager = ConsumerOffsetManager(self)
        self.consumer_filter_manager = ConsumerFilterManager(self)
        self.topic_config_manager = TopicConfigManager(self)
        self.pull_message_processor = PullMessageProcessor(self)
        self.pull_request_hold_service = PullRequestHoldService(self)
        self.message_arriving_listener = NotifyMessageArrivingListener(self.pull_request_hold_service)
        self.consumer_ids_change_listener = DefaultConsumerIdsChangeListener(self)
        self.consumer_manager = ConsumerManager(self.consumer_ids_change_listener)
        self.producer_manager = ProducerManager()
        self.client_housekeeping_service = ClientHousekeepingService(self)
        self.broker2client = Broker2Client(self)
        self.subscription_group_manager = SubscriptionGroupManager(self)
        self.broker_outer_api = BrokerOuterAPI(netty_client_config)
        self.rebalance_lock_manager = RebalanceLockManager()
        self.broker_stats_manager = BrokerStatsManager(broker_config.broker_cluster_name,
                                                       broker_config.enable_detail_stat)
        self.broker_stats = BrokerStats(self.broker_stats_manager)
        self.broker_fast_failure = BrokerFastFailure(self)
        self.scheduled_service = BrokerControllerScheduledService()
        self.slave_synchronize = SlaveSynchronize(self)
        self.update_master_ha_server_addr_periodically = False
        self.configuration = Configuration(broker_config, netty_server_config, netty_client_config,
                                           message_store_config, store_path=get_broker_config_path())
        self.message_store: DefaultMessageStore | None = None  # type: ignore[assignment]
        self.remoting_server: NettyRemotingServer | None = None  # type: ignore[assignment]
        self.fast_remoting_server: NettyRemotingServer | None = None
        self.send_message_executor: BrokerFixedThreadPoolExecutor = None  # type: ignore[assignment]
        self.pull_message_executor: BrokerFixedThreadPoolExecutor = None  # type: ignore[assignment]
        self.query_message_executor: BrokerFixedThreadPoolExecutor = None  # type: ignore[assignment]
        self.admin_broker_executor: BrokerFixedThreadPoolExecutor = None  # type: ignore[assignment]
        self.client_manage_executor: BrokerFixedThreadPoolExecutor = None  # type: ignore[assignment]
        self.heartbeat_executor: BrokerFixedThreadPoolExecutor = None  # type: ignore[assignment]
        self.consumer_manage_executor: BrokerFixedThreadPoolExecutor = None  # type: ignore[assignment]
        self.end_transaction_executor: BrokerFixedThreadPoolExecutor = None  # type: ignore[assignment]
        self.reply_message_executor: BrokerFixedThreadPoolExecutor = None  # type: ignore[assignment]
        self.transactional_message_service: TransactionalMessageServiceImpl | None = None
        self.transactional_message_check_listener: DefaultTransactionalMessageCheckListener | None = None
        self.transactional_message_check_service: TransactionalMessageCheckService | None = None
        self._register_executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="BrokerRegisterThread")
        self._register_lock = threading.Lock()
        self.should_start_time = 0
        self._started = False
        self._shutdown = False

    # -- addresses -------------------------------------------------------------------------------

    def get_broker_addr(self) -> str:
        return f"{self.broker_config.broker_ip1}:{self.netty_server_config.listen_port}"

    def get_store_host(self) -> tuple[str, int]:
        """``brokerIP1`` and the listen port: the store host written into every record."""
        return (self.broker_config.broker_ip1, self.netty_server_config.listen_port)

    def get_ha_server_addr(self) -> str:
        return f"{self.broker_config.broker_ip2}:{self.message_store_config.ha_listen_port}"

    # -- life cycle ------------------------------------------------------------------------------

    def initialize(self) -> bool:
        """Load metadata and the store, build servers and pools, register processors and tasks."""
        with span("BrokerController.initialize", java=_JAVA + "#initialize", books=("A2.1",)):
            result = (self.topic_config_manager.load() and self.consumer_offset_manager.load()
                      and self.subscription_group_manager.load() and self.consumer_filter_manager.load())
            if not result:
                log.error("loading the broker's config files failed")
                return False
            try:
                self.message_store = DefaultMessageStore(self.message_store_config, self.broker_stats_manager,
                                                         self.message_arriving_listener, self.broker_config)
                if not self.message_store_config.enable_d_leger_commit_log:  # HA (B7.1): Java's store makes it
                    if self.netty_server_config.listen_port == 0:
                        self.message_store_config.ha_listen_port = 0  # a free port too
                    self.message_store.ha_service = HAService(self.message_store,
                                                              self.netty_server_config.bind_address)
            except Exception:
                log.exception("creating the message store failed")
                return False
            # SQL92 bit maps are computed before the consume queue unit is written (Java addFirst)
            self.message_store.dispatcher_list.insert(0, CommitLogDispatcherCalcBitMap(self.broker_config,
                                                                                       self.consumer_filter_manager))
            if not self.message_store.load():
                log.error("loading the message store failed")
                return False
            self._create_executors()
            self.remoting_server = NettyRemotingServer(self.netty_server_config, self.client_housekeeping_service,
                                                       name="BrokerServer")
            if self.netty_server_config.listen_port > 2:
                fast_config = NettyServerConfig(**{**vars(self.netty_server_config),
                                                   "listen_port": self.netty_server_config.listen_port - 2})
                self.fast_remoting_server = NettyRemotingServer(fast_config, self.client_housekeeping_service,
                                                                name="BrokerFastServer")
            self.initial_transaction()
            self.register_processor()
            self._schedule_tasks()
            self._initialize_ha()
            self.update_namesrv_address()
            return initial_acl(self)  # Java initialAcl: the validator's RPC hook when aclEnable

    def _create_executors(self) -> None:
        c = self.broker_config
        self.send_message_executor = BrokerFixedThreadPoolExecutor(
            c.send_message_thread_pool_nums, c.send_thread_pool_queue_capacity, "SendMessageThread_")
        self.pull_message_executor = BrokerFixedThreadPoolExecutor(
            c.pull_message_thread_pool_nums, c.pull_thread_pool_queue_capacity, "PullMessageThread_")
        self.query_message_executor = BrokerFixedThreadPoolExecutor(
            c.query_message_thread_pool_nums, c.query_thread_pool_queue_capacity, "QueryMessageThread_")
        self.admin_broker_executor = BrokerFixedThreadPoolExecutor(
            c.admin_broker_thread_pool_nums, 10000, "AdminBrokerThread_")
        self.client_manage_executor = BrokerFixedThreadPoolExecutor(
            c.client_manage_thread_pool_nums, c.client_manager_thread_pool_queue_capacity, "ClientManageThread_")
        self.heartbeat_executor = BrokerFixedThreadPoolExecutor(
            c.heartbeat_thread_pool_nums, c.heartbeat_thread_pool_queue_capacity, "HeartbeatThread_")
        self.consumer_manage_executor = BrokerFixedThreadPoolExecutor(
            c.consumer_manage_thread_pool_nums, c.consumer_manager_thread_pool_queue_capacity,
            "ConsumerManageThread_")
        self.end_transaction_executor = BrokerFixedThreadPoolExecutor(
            c.end_transaction_thread_pool_nums, c.end_transaction_pool_queue_capacity, "EndTransactionThread_")
        self.reply_message_executor = BrokerFixedThreadPoolExecutor(
            c.process_reply_message_thread_pool_nums, c.reply_thread_pool_queue_capacity,
            "ProcessReplyMessageThread_")

    def initial_transaction(self) -> None:
        """Java ``initialTransaction`` (B8): the half/op-queue service, its check-back listener and the
        check thread (started on a master only)."""
        self.transactional_message_service = TransactionalMessageServiceImpl(
            TransactionalMessageBridge(self, self.message_store))
        self.transactional_message_check_listener = DefaultTransactionalMessageCheckListener(self)
        self.transactional_message_check_service = TransactionalMessageCheckService(self)

    def register_processor(self) -> None:
        """Java ``registerProcessor``: the same table on both servers, except PULL_MESSAGE (main only)."""
        send = SendMessageProcessor(self)
        query = QueryMessageProcessor(self)
        client = ClientManageProcessor(self)
        consumer = ConsumerManageProcessor(self)
        admin = AdminBrokerProcessor(self)
        reply = ReplyMessageProcessor(self)
        rc = RequestCode
        table = [
            (rc.SEND_MESSAGE, send, self.send_message_executor),
            (rc.SEND_MESSAGE_V2, send, self.send_message_executor),
            (rc.SEND_BATCH_MESSAGE, send, self.send_message_executor),
            (rc.CONSUMER_SEND_MSG_BACK, send, self.send_message_executor),
            (rc.QUERY_MESSAGE, query, self.query_message_executor),
            (rc.VIEW_MESSAGE_BY_ID, query, self.query_message_executor),
            (rc.HEART_BEAT, client, self.heartbeat_executor),
            (rc.UNREGISTER_CLIENT, client, self.client_manage_executor),
            (rc.CHECK_CLIENT_CONFIG, client, self.client_manage_executor),
            (rc.GET_CONSUMER_LIST_BY_GROUP, consumer, self.consumer_manage_executor),
            (rc.UPDATE_CONSUMER_OFFSET, consumer, self.consumer_manage_executor),
            (rc.QUERY_CONSUMER_OFFSET, consumer, self.consumer_manage_executor),
            (rc.END_TRANSACTION, EndTransactionProcessor(self), self.end_transaction_executor),
            (rc.SEND_REPLY_MESSAGE, reply, self.reply_message_executor),
            (rc.SEND_REPLY_MESSAGE_V2, reply, self.reply_message_executor),
        ]
        for server in (self.remoting_server, self.fast_remoting_server):
            if server is None:
                continue
            for code, processor, executor in table:
                server.register_processor(code, processor, executor)
            server.register_default_processor(admin, self.admin_broker_executor)
        self.remoting_server.register_processor(rc.PULL_MESSAGE, self.pull_message_processor,
                                                self.pull_message_executor)

    def _schedule_tasks(self) -> None:
        s = self.scheduled_service
        c = self.broker_config
        s.schedule_at_fixed_rate("brokerStatsRecord", self._record_stats_if_new_day, 1000, 60 * 1000)
        s.schedule_at_fixed_rate("persistConsumerOffset", self.consumer_offset_manager.persist,
                                 10 * 1000, c.flush_consumer_offset_interval)
        s.schedule_at_fixed_rate("persistConsumerFilter", self.consumer_filter_manager.persist, 10 * 1000, 10 * 1000)
        s.schedule_at_fixed_rate("protectBroker", self.protect_broker, 3 * 60 * 1000, 3 * 60 * 1000)
        period = max(10000, min(c.register_name_server_period, 60000))
        s.schedule_at_fixed_rate("registerBrokerAll", lambda: self.register_broker_all(True, False,
                                                                                       c.force_register),
                                 10 * 1000, period)
        self._stats_day = time.localtime().tm_yday

    def _initialize_ha(self) -> None:
        """Java ``initialize`` (HA part) and ``handleSlaveSynchronize`` (B7): a slave follows
        ``haMasterAddress`` when set, else the master HA address the name server returns, and copies
        the master's metadata every 10 s; a master logs how far its slaves are behind."""
        if self.message_store_config.broker_role is BrokerRole.SLAVE:
            addr = self.message_store_config.ha_master_address
            fixed = bool(addr) and len(addr) >= 6  # else the name server's answer sets it
            self.update_master_ha_server_addr_periodically = not fixed
            if fixed:
                self.message_store.update_ha_master_address(addr)
            self.scheduled_service.schedule_at_fixed_rate("slaveSynchronize", self.slave_synchronize.sync_all,
                                                          3 * 1000, 10 * 1000)
        else:
            self.scheduled_service.schedule_at_fixed_rate(
                "printMasterAndSlaveDiff",
                lambda: log.info("Slave fall behind master: %d bytes", self.message_store.slave_fall_behind_much()),
                10 * 1000, 60 * 1000)

    def _record_stats_if_new_day(self) -> None:
        day = time.localtime().tm_yday
        if day != self._stats_day:
            self._stats_day = day
            self.broker_stats.record()

    def protect_broker(self) -> None:
        """Java ``protectBroker``: with ``disableConsumeIfConsumerReadSlowly`` a group reading far
        behind (``consumerFallbehindThreshold``) is disabled."""
        if not self.broker_config.disable_consume_if_consumer_read_slowly:
            return
        table = self.broker_stats_manager.moment_stats_item_set_fall_size.stats_item_table
        for key, item in list(table.items()):
            fall_behind = item.value
            if fall_behind > self.broker_config.consumer_fallbehind_threshold:
                group = key.split("@")[2]
                log.info("[PROTECT_BROKER] the consumer[%s] consume slowly, %d bytes, disable it", group, fall_behind)
                self.subscription_group_manager.disable_consume(group)

    def update_namesrv_address(self) -> None:
        if self.broker_config.namesrv_addr:
            self.broker_outer_api.update_name_server_address_list(self.broker_config.namesrv_addr)
            log.info("Set user specified name server address: %s", self.broker_config.namesrv_addr)

    def start(self) -> None:
        with span("BrokerController.start", java=_JAVA + "#start", books=("A2.1", "A4.2")):
            self.message_store.start()
            self.remoting_server.start()
            if self.netty_server_config.listen_port == 0:  # a free port was asked for: say which
                self.netty_server_config.listen_port = self.remoting_server.local_listen_port()
                if self.message_store.get_ha_service() is None:  # else HA told its own free port
                    self.message_store_config.ha_listen_port = self.netty_server_config.listen_port + 1
            if self.fast_remoting_server is not None:
                self.fast_remoting_server.start()
            self.broker_outer_api.start()
            self.pull_request_hold_service.start()
            self.client_housekeeping_service.start()
            self.broker_fast_failure.start()
            self.scheduled_service.start()
            self.broker_stats_manager.start()
            if self.message_store_config.broker_role is not BrokerRole.SLAVE:  # startProcessorByHa
                self.transactional_message_check_service.start()
            self._started = True
            self.do_register_broker_all_now(True, False, True)

    def shutdown(self) -> None:
        if self._shutdown:
            return
        self._shutdown = True
        with span("BrokerController.shutdown", java=_JAVA + "#shutdown", books=("A2.1",)):
            self.scheduled_service.shutdown()
            shutdown_acl(self)
            self.broker_stats_manager.shutdown()
            if self.transactional_message_check_service is not None:
                self.transactional_message_check_service.shutdown()
                self.transactional_message_check_listener.shut_down()
            self.broker_fast_failure.shutdown()
            self.client_housekeeping_service.shutdown()
            self.pull_request_hold_service.shutdown()
            if self._started:
                self.unregister_broker_all()
            self._register_executor.shutdown(wait=True, cancel_futures=True)
            for server in (self.remoting_server, self.fast_remoting_server):
                if server is not None:
                    try:
                        server.shutdown()
                    except Exception:
                        log.exception("remoting server shutdown failed")
            for executor in (self.send_message_executor, self.pull_message_executor, self.query_message_executor,
                             self.admin_broker_executor, self.client_manage_executor, self.heartbeat_executor,
                             self.consumer_manage_executor, self.end_transaction_executor,
                             self.reply_message_executor):
                if executor is not None:
                    executor.shutdown(wait=True, cancel_futures=True)
            self.consumer_offset_manager.persist()
            self.consumer_filter_manager.persist()
            if self.message_store is not None:
                self.message_store.shutdown()
            self.broker_outer_api.shutdown()

    # -- name server registration ----------------------------------------------------------------

    def register_increment_broker_data(self, topic_config: TopicConfig, data_version: DataVersion) -> None:
        """Register just the changed topic now, on the caller's thread (after UPDATE_AND_CREATE_TOPIC,
        so the route exists when the admin's call returns, as Java's ``registerIncrementBrokerData``)."""
        tc = topic_config
        if not PermName.is_writeable(self.broker_config.broker_permission):
            tc = TopicConfig(tc.topic_name, tc.read_queue_nums, tc.write_queue_nums,
                             self.broker_config.broker_permission, tc.topic_filter_type, tc.topic_sys_flag, tc.order)
        wrapper = TopicConfigSerializeWrapper({tc.topic_name: tc}, DataVersion(data_version.timestamp,
                                                                               data_version.counter))
        self.do_register_broker_all(True, False, wrapper)

    def register_broker_all(self, check_order_config: bool, oneway: bool, force_register: bool) -> None:
        """Register every topic with every name server, on the registration thread (never blocks a
        send that just auto-created a topic)."""
        self._submit_register(lambda: self.do_register_broker_all_now(check_order_config, oneway, force_register))

    def _submit_register(self, fn: Callable[[], None]) -> None:
        try:
            self._register_executor.submit(fn)
        except RuntimeError:  # shut down
            pass

    def _build_wrapper(self) -> TopicConfigSerializeWrapper:
        tcm = self.topic_config_manager
        table = dict(tcm.topic_config_table)
        perm = self.broker_config.broker_permission
        if not PermName.is_writeable(perm) or not PermName.is_readable(perm):
            table = {name: TopicConfig(tc.topic_name, tc.read_queue_nums, tc.write_queue_nums, perm,
                                       tc.topic_filter_type, tc.topic_sys_flag, tc.order)
                     for name, tc in table.items()}
        return TopicConfigSerializeWrapper(table, DataVersion(tcm.data_version.timestamp, tcm.data_version.counter))

    def do_register_broker_all_now(self, check_order_config: bool, oneway: bool, force_register: bool) -> None:
        """Java ``registerBrokerAll``: register when forced, else only when a name server holds
        another DataVersion of our topics (``needRegister``)."""
        wrapper = self._build_wrapper()
        c = self.broker_config
        if force_register or self.broker_outer_api.need_register(
                c.broker_cluster_name, self.get_broker_addr(), c.broker_name, c.broker_id, wrapper,
                c.register_broker_timeout_mills):
            self.do_register_broker_all(check_order_config, oneway, wrapper)

    def do_register_broker_all(self, check_order_config: bool, oneway: bool,
                               wrapper: TopicConfigSerializeWrapper) -> None:
        with self._register_lock:
            c = self.broker_config
            try:
                results = self.broker_outer_api.register_broker_all(
                    c.broker_cluster_name, self.get_broker_addr(), c.broker_name, c.broker_id,
                    self.get_ha_server_addr(), wrapper, [], oneway, c.register_broker_timeout_mills,
                    c.compressed_register)
            except Exception:
                log.exception("registerBrokerAll failed")
                return
            if results:  # B7: a slave learns its master's HA and broker addresses here (first answer)
                if self.update_master_ha_server_addr_periodically and results[0].ha_server_addr:
                    self.message_store.update_ha_master_address(results[0].ha_server_addr)
                self.slave_synchronize.set_master_addr(results[0].master_addr)
            for result in results:
                if check_order_config and result.kv_table is not None:
                    self.topic_config_manager.update_order_topic_config(result.kv_table.table)

    def unregister_broker_all(self) -> None:
        c = self.broker_config
        self.broker_outer_api.unregister_broker_all(c.broker_cluster_name, self.get_broker_addr(), c.broker_name,
                                                    c.broker_id)
