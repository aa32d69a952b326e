"""``mqbroker``: start a broker (Java ``org.apache.rocketmq.broker.BrokerStartup`` and the
``bin/mqbroker`` script; A2.1, A4.2).

    mqbroker [-c broker.conf] [-n "ns1:9876;ns2:9876"] [-o key=value ...] [--log-dir DIR] [-p | -m]

Settings come, last one winning, from the defaults (port 10911), the ``-c`` properties file (keys of
``BrokerConfig``, ``NettyServerConfig``, ``NettyClientConfig`` and ``MessageStoreConfig``: a real
``broker.conf`` with brokerClusterName, brokerName, brokerId, brokerRole, flushDiskType,
storePathRootDir, deleteWhen, fileReservedTime, autoCreateTopicEnable, listenPort, brokerIP1, ...),
``-o key=value`` and ``-n``. As in Java a master gets brokerId 0, a slave needs brokerId > 0, and the
HA port is listenPort + 1. ``-p`` prints every setting and exits, ``-m`` only the important ones.
Logs go to ``broker.log`` under ``--log-dir``, else ``$ROCKETMQ_REF_LOG_DIR``, else
``~/logs/rocketmqlogs``. SIGTERM and SIGINT shut the broker down cleanly (unregister, persist
offsets, remove the abort file). Tracing follows ``configure_tracing_from_env("broker")``.
"""
from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
from collections.abc import Sequence

from rocketmq_ref.broker.broker_controller import BrokerController
from rocketmq_ref.broker.broker_path_config_helper import set_broker_config_path
from rocketmq_ref.common.broker_config import BrokerConfig
from rocketmq_ref.remoting.netty.tls_system_config import broker_client_use_tls
from rocketmq_ref.common.java_config import ConfigError, load_properties_file, parse_overrides
from rocketmq_ref.common.mixall import MASTER_ID
from rocketmq_ref.common.server_util import (ENV_LOG_DIR, LOG_FORMAT, configure_logging,
                                             install_shutdown_signals)
from rocketmq_ref.common.tracing_setup import configure_tracing_from_env, shutdown_tracing
from rocketmq_ref.remoting.netty.configs import NettyClientConfig, NettyServerConfig
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand
from rocketmq_ref.store.config.broker_role import BrokerRole
from rocketmq_ref.store.config.message_store_config import MessageStoreConfig
from rocketmq_ref.tools.walkthrough_dap import install_stops_from_env

log = logging.getLogger("rocketmq_ref.broker")

DEFAULT_LISTEN_PORT = 10911


def build_commandline_options() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mqbroker", description="Start a RocketMQ broker.")
    p.add_argument("-c", "--configFile", metavar="FILE", help="Broker config properties file")
    p.add_argument("-n", "--namesrvAddr", metavar="ADDRS",
                   help="Name server address list, eg: '192.168.0.1:9876;192.168.0.2:9876'")
    p.add_argument("-p", "--printConfigItem", action="store_true", help="Print all config items")
    p.add_argument("-m", "--printImportantConfig", action="store_true", help="Print important config items")
    p.add_argument("-o", "--option", action="append", default=[], metavar="KEY=VALUE",
                   help="set any config key, e.g. -o flushDiskType=SYNC_FLUSH")
    p.add_argument("--log-dir", help=f"log directory (default ${ENV_LOG_DIR} or ~/logs/rocketmqlogs)")
    return p


class StartupError(Exception):
    """A setting that stops the broker from starting (printed, exit code 2)."""


def create_broker_controller(args: argparse.Namespace) -> BrokerController | None:
    """Build the four configs and the controller (Java ``createBrokerController``); None after -p/-m."""
    broker_config = BrokerConfig()
    netty_server_config = NettyServerConfig()
    netty_client_config = NettyClientConfig(use_tls=broker_client_use_tls())  # Java: tls.enable
    message_store_config = MessageStoreConfig()
    netty_server_config.listen_port = DEFAULT_LISTEN_PORT
    props: dict[str, str] = {}
    if args.configFile:
        props.update(load_properties_file(args.configFile))
        set_broker_config_path(os.path.abspath(args.configFile))
        print(f"load config properties file OK, {args.configFile}", flush=True)
    props.update(parse_overrides(args.option))
    if args.namesrvAddr:
        props["namesrvAddr"] = args.namesrvAddr
    configs = (broker_config, netty_server_config, netty_client_config, message_store_config)
    unknown: set[str] | None = None
    for cfg in configs:
        left = set(cfg.apply_properties(props, source=args.configFile or "options", warn_unknown=False))
        unknown = left if unknown is None else unknown & left
    if unknown:
        log.warning("unknown config keys kept but unused: %s", ", ".join(sorted(unknown)))
    if broker_config.namesrv_addr:
        for addr in broker_config.namesrv_addr.split(";"):
            host, sep, port = addr.strip().rpartition(":")
            if not sep or not host or not port.isdigit():
                raise StartupError(f'The Name Server Address[{broker_config.namesrv_addr}] illegal, please set it '
                                   'as follows, "127.0.0.1:9876;192.168.0.1:9876"')
    if message_store_config.broker_role is BrokerRole.SLAVE:
        if broker_config.broker_id <= 0:
            raise StartupError("Slave's brokerId must be > 0")
        message_store_config.access_message_in_memory_max_ratio -= 10
    else:
        broker_config.broker_id = MASTER_ID
    message_store_config.ha_listen_port = netty_server_config.listen_port + 1
    if args.printConfigItem or args.printImportantConfig:
        important = bool(args.printImportantConfig and not args.printConfigItem)
        for cfg in configs:
            for line in cfg.print_lines(important):
                print(line)
        return None
    controller = BrokerController(broker_config, netty_server_config, netty_client_config, message_store_config)
    controller.configuration.register_config(props)
    return controller


def boot_tip(controller: BrokerController) -> str:
    """The line Java prints once the broker serves."""
    tip = (f"The broker[{controller.broker_config.broker_name}, {controller.get_broker_addr()}] boot success. "
           f"serializeType={RemotingCommand.serialize_type_config_in_this_server.name}")
    if controller.broker_config.namesrv_addr:
        tip += f" and name server is {controller.broker_config.namesrv_addr}"
    return tip


def configure_stats_logging(log_dir: str) -> str:
    """The per-minute / hour / day statistics lines (``rocketmq_ref.stats``) go to ``stats.log``
    beside ``broker.log``, as Java's logback sends RocketmqStats to stats.log (A2.4)."""
    path = os.path.join(log_dir, "stats.log")
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=100 * 1024 * 1024, backupCount=5,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    stats_log = logging.getLogger("rocketmq_ref.stats")
    stats_log.addHandler(handler)
    stats_log.propagate = False
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Start, print the boot line, serve until SIGTERM/SIGINT, shut down; the exit code."""
    args = build_commandline_options().parse_args(argv)
    try:
        controller = create_broker_controller(args)
    except (ConfigError, StartupError) as e:
        print(f"mqbroker: {e}", file=sys.stderr)
        return 2
    if controller is None:
        return 0
    log_path = configure_logging("broker.log", args.log_dir)
    configure_stats_logging(os.path.dirname(log_path))
    configure_tracing_from_env("broker")
    install_stops_from_env()  # under `walkthrough debug`: the stops recorded in this process
    stop = install_shutdown_signals(log)
    try:
        for cfg in (controller.broker_config, controller.netty_server_config, controller.netty_client_config,
                    controller.message_store_config):
            for line in cfg.print_lines():
                log.info(line)
        if not controller.initialize():
            print("mqbroker: initialization failed, see " + log_path, file=sys.stderr)
            controller.shutdown()
            return 3
        try:
            controller.start()
        except OSError as e:
            log.error("cannot start the broker: %s", e)
            print(f"mqbroker: cannot start: {e}", file=sys.stderr)
            controller.shutdown()
            return 1
        tip = boot_tip(controller)
        log.info("%s (log %s)", tip, log_path)
        print(tip, flush=True)
        while not stop.wait(1.0):
            pass
        controller.shutdown()
        log.info("broker shut down")
        return 0
    finally:
        shutdown_tracing()


if __name__ == "__main__":
    sys.exit(main())
