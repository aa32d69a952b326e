"""``mqnamesrv``: start a name server (Java ``org.apache.rocketmq.namesrv.NamesrvStartup`` and the
``bin/mqnamesrv`` script; books A10.1.1, A10.1.2, B2.2).

    mqnamesrv [-c namesrv.properties] [-l PORT] [-o key=value ...] [--log-dir DIR] [-p | -m]

Settings come, last one winning, from the defaults (port 9876), the ``-c`` properties file (keys
of ``NamesrvConfig`` and ``NettyServerConfig``, e.g. ``listenPort``, ``kvConfigPath``,
``orderMessageEnable``), ``-o key=value`` overrides and ``-l``. ``-p`` prints every setting and
exits, ``-m`` only the important ones. Logs go to ``namesrv.log`` under ``--log-dir``, else
``$ROCKETMQ_REF_LOG_DIR``, else ``~/logs/rocketmqlogs`` (where Java's logback puts them).
SIGTERM and SIGINT shut the server down cleanly. Tracing follows the ``OTEL_*`` and
``ROCKETMQ_REF_TRACE_*`` variables (``configure_tracing_from_env``).
"""
from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from rocketmq_ref.common.java_config import (ConfigError, load_properties_file, parse_overrides)
from rocketmq_ref.common.namesrv_config import NamesrvConfig
from rocketmq_ref.common.server_util import ENV_LOG_DIR, configure_logging, install_shutdown_signals
from rocketmq_ref.common.tracing_setup import configure_tracing_from_env, shutdown_tracing
from rocketmq_ref.namesrv.kvconfig.kv_config_serialize_wrapper import KVConfigFormatError
from rocketmq_ref.namesrv.namesrv_controller import NamesrvController
from rocketmq_ref.remoting.netty.configs import NettyServerConfig
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand
from rocketmq_ref.tools.walkthrough_dap import install_stops_from_env

log = logging.getLogger("rocketmq_ref.namesrv")

DEFAULT_LISTEN_PORT = 9876
BOOT_TIP = "The Name Server boot success. serializeType="


def build_commandline_options() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mqnamesrv", description="Start a RocketMQ name server.")
    p.add_argument("-c", "--configFile", metavar="FILE", help="Name server config properties file")
    p.add_argument("-p", "--printConfigItem", action="store_true", help="Print all config items")
    p.add_argument("-m", "--printImportantConfig", action="store_true",
                   help="Print important config items")
    p.add_argument("-n", "--namesrvAddr", help="accepted for compatibility with Java; unused")
    p.add_argument("-l", "--listenPort", type=int, metavar="PORT",
                   help=f"port to listen on (default {DEFAULT_LISTEN_PORT}; 0 picks a free one)")
    p.add_argument("-o", "--option", action="append", default=[], metavar="KEY=VALUE",
                   help="set any config key, e.g. -o scanNotActiveBrokerInterval=1000")
    p.add_argument("--log-dir", help=f"log directory (default ${ENV_LOG_DIR} or "
                                      "~/logs/rocketmqlogs)")
    return p


def create_namesrv_controller(args: argparse.Namespace) -> NamesrvController | None:
    """Build the configs and the controller (Java ``createNamesrvController``); None after -p/-m."""
    namesrv_config = NamesrvConfig()
    netty_server_config = NettyServerConfig()
    netty_server_config.listen_port = DEFAULT_LISTEN_PORT
    extra: dict[str, str] = {}
    props: dict[str, str] = {}
    if args.configFile:
        props.update(load_properties_file(args.configFile))
        namesrv_config.config_store_path = args.configFile
        print(f"load config properties file OK, {args.configFile}", flush=True)
    props.update(parse_overrides(args.option))
    if args.listenPort is not None:
        props["listenPort"] = str(args.listenPort)
    if props:
        unknown_ns = set(namesrv_config.apply_properties(props, warn_unknown=False))
        unknown_netty = set(netty_server_config.apply_properties(props, warn_unknown=False))
        unknown = unknown_ns & unknown_netty
        if unknown:
            log.warning("unknown config keys kept but unused: %s", ", ".join(sorted(unknown)))
        extra = {k: props[k] for k in unknown}
    if args.printConfigItem or args.printImportantConfig:
        important = bool(args.printImportantConfig and not args.printConfigItem)
        for line in (namesrv_config.print_lines(important)
                     + netty_server_config.print_lines(important)):
            print(line)
        return None
    return NamesrvController(namesrv_config, netty_server_config, extra)


def main(argv: Sequence[str] | None = None) -> int:
    """Start, print the boot line, serve until SIGTERM/SIGINT, shut down; the exit code."""
    args = build_commandline_options().parse_args(argv)
    try:
        controller = create_namesrv_controller(args)
    except ConfigError as e:
        print(f"mqnamesrv: {e}", file=sys.stderr)
        return 1
    if controller is None:
        return 0
    log_path = configure_logging("namesrv.log", args.log_dir)
    configure_tracing_from_env("namesrv")
    install_stops_from_env()  # under `walkthrough debug`: the stops recorded in this process
    stop = install_shutdown_signals(log)
    try:
        for line in (controller.namesrv_config.print_lines()
                     + controller.netty_server_config.print_lines()):
            log.info(line)
        try:
            controller.initialize()
        except KVConfigFormatError as e:  # never start empty and overwrite the operator's file
            log.error("cannot load the KV config: %s", e)
            print(f"mqnamesrv: cannot load the KV config: {e}", file=sys.stderr)
            controller.shutdown()
            return 1
        try:
            controller.start()
        except OSError as e:
            log.error("cannot listen on port %d: %s", controller.netty_server_config.listen_port, e)
            print(f"mqnamesrv: cannot listen on port {controller.netty_server_config.listen_port}:"
                  f" {e}", file=sys.stderr)
            controller.shutdown()
            return 1
        tip = BOOT_TIP + RemotingCommand.serialize_type_config_in_this_server.name
        log.info("%s (port %d, log %s)", tip, controller.local_listen_port(), log_path)
        print(tip, flush=True)
        while not stop.wait(1.0):
            pass
        controller.shutdown()
        log.info("name server shut down")
        return 0
    finally:
        shutdown_tracing()


if __name__ == "__main__":
    sys.exit(main())
