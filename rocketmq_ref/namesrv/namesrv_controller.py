"""NamesrvController: owns and wires the name server's parts (Java
``org.apache.rocketmq.namesrv.NamesrvController``; books A10.1.3, A10.2, B2.2).

``initialize()`` loads ``kvConfig.json``, creates the remoting server with the housekeeping
listener, the worker pool and the default processor, and the scheduled tasks: the scan for silent
brokers (first after 5 s, then every ``scanNotActiveBrokerInterval`` ms, 10 s) and the KV dump to
the log (every 10 min). ``start()`` binds the port; ``shutdown()`` stops everything it started.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from rocketmq_ref.common.configuration import Configuration
from rocketmq_ref.common.namesrv_config import NamesrvConfig
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.service_thread import ServiceThread
from rocketmq_ref.common.tracing import traced
from rocketmq_ref.namesrv.kvconfig.kv_config_manager import KVConfigManager
from rocketmq_ref.namesrv.processor.default_request_processor import DefaultRequestProcessor
from rocketmq_ref.namesrv.routeinfo.broker_housekeeping_service import BrokerHousekeepingService
from rocketmq_ref.namesrv.routeinfo.route_info_manager import RouteInfoManager
from rocketmq_ref.remoting.netty.configs import NettyServerConfig
from rocketmq_ref.remoting.netty.netty_request_processor import AsyncNettyRequestProcessor
from rocketmq_ref.remoting.netty.remoting_server import NettyRemotingServer

log = logging.getLogger("rocketmq_ref.namesrv")

_JAVA = "org.apache.rocketmq.namesrv.NamesrvController#"
SCAN_INITIAL_DELAY_MS = 5 * 1000
PRINT_KV_INITIAL_DELAY_MS = 60 * 1000
PRINT_KV_PERIOD_MS = 10 * 60 * 1000


class NamesrvScheduledService(ServiceThread):
    """Java's ``NSScheduledThread`` (a single-thread ``ScheduledExecutorService``) running two
    fixed-rate tasks: ``scanNotActiveBroker`` and ``printAllPeriodically``."""

    def __init__(self, controller: NamesrvController) -> None:
        super().__init__()
        self.controller = controller

    def get_service_name(self) -> str:
        return "NSScheduledThread"

    def run(self) -> None:
        from time import monotonic
        scan_period = max(self.controller.namesrv_config.scan_not_active_broker_interval, 1)
        start = monotonic() * 1000
        next_scan = start + min(SCAN_INITIAL_DELAY_MS, scan_period)
        next_print = start + PRINT_KV_INITIAL_DELAY_MS
        while not self.is_stopped():
            now = monotonic() * 1000
            if now >= next_scan:
                next_scan += scan_period
                self._run_task(self.controller.route_info_manager.scan_not_active_broker)
            if now >= next_print:
                next_print += PRINT_KV_PERIOD_MS
                self._run_task(self.controller.kv_config_manager.print_all_periodically)
            wait = min(next_scan, next_print) - monotonic() * 1000
            if wait > 0:
                self.wait_for_running(wait)

    @staticmethod
    def _run_task(task) -> None:
        try:
            task()
        except Exception:  # Java's scheduled executor would silently stop the task; we log on
            log.exception("scheduled task %s failed", getattr(task, "__qualname__", task))


class OnLoopRequestProcessor(AsyncNettyRequestProcessor):
    """Runs a processor's non-blocking requests on the event loop instead of a worker thread.

    Java answers every name server request on the remoting executor. Here a route lookup costs
    less than handing it to a thread and back (see benchmarks/namesrv.py), and it never blocks:
    it only takes the route table's read lock, which writers hold for microseconds.
    """

    def __init__(self, processor: DefaultRequestProcessor) -> None:
        self.processor = processor

    async def async_process_request(self, ctx, request):
        return self.processor.process_request(ctx, request)

    def reject_request(self) -> bool:
        return self.processor.reject_request()


class NamesrvController:
    def __init__(self, namesrv_config: NamesrvConfig, netty_server_config: NettyServerConfig,
                 extra_properties: dict[str, str] | None = None) -> None:
        self.namesrv_config = namesrv_config
        self.netty_server_config = netty_server_config
        self.kv_config_manager = KVConfigManager(namesrv_config)
        self.route_info_manager = RouteInfoManager(
            broker_channel_expired_time=namesrv_config.broker_channel_expired_time)
        self.broker_housekeeping_service = BrokerHousekeepingService(self)
        self.configuration = Configuration(namesrv_config, netty_server_config,
                                           store_path=lambda: namesrv_config.config_store_path)
        if extra_properties:
            self.configuration.register_config(extra_properties)
        self.remoting_server: NettyRemotingServer | None = None
        self.remoting_executor: ThreadPoolExecutor | None = None
        self.scheduled_service = NamesrvScheduledService(self)

    @traced(_JAVA + "initialize", books=("A10.1.3", "B2.2"))
    def initialize(self) -> bool:
        self.kv_config_manager.load()
        self.remoting_server = NettyRemotingServer(self.netty_server_config,
                                                   self.broker_housekeeping_service,
                                                   name="NamesrvServer")
        self.remoting_executor = ThreadPoolExecutor(
            max_workers=max(self.netty_server_config.server_worker_threads, 1),
            thread_name_prefix="RemotingExecutorThread_")
        self.register_processor()
        return True

    def register_processor(self) -> None:
        assert self.remoting_server is not None
        if self.namesrv_config.cluster_test:
            log.warning("clusterTest=true: ClusterTestRequestProcessor (fall back to the product "
                        "environment's name server) is not implemented; serving normally")
        processor = DefaultRequestProcessor(self)
        self.remoting_server.register_default_processor(processor, self.remoting_executor)
        self.remoting_server.register_processor(RequestCode.GET_ROUTEINFO_BY_TOPIC,
                                                OnLoopRequestProcessor(processor))

    def start(self) -> None:
        assert self.remoting_server is not None, "initialize() first"
        self.remoting_server.start()
        self.scheduled_service.start()

    def shutdown(self) -> None:
        """Stop the scan, the server (closing every connection) and the worker pool."""
        self.scheduled_service.shutdown()
        if self.remoting_server is not None:
            self.remoting_server.shutdown()
        if self.remoting_executor is not None:
            self.remoting_executor.shutdown(wait=True, cancel_futures=True)

    def local_listen_port(self) -> int:
        assert self.remoting_server is not None
        return self.remoting_server.local_listen_port()
