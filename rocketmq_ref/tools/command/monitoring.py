"""startMonitoring: run the consumer monitor until interrupted, its findings as log lines (Java
``tools.command.consumer.StartMonitoringSubCommand``; books A2.4, B5.6.3)."""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable, TextIO

from rocketmq_ref.tools.command.acl import tools_rpc_hook
from rocketmq_ref.tools.command.sub_command import CommandLine, SubCommand
from rocketmq_ref.tools.monitor.monitor_listener import DefaultMonitorListener
from rocketmq_ref.tools.monitor.monitor_service import MonitorConfig, MonitorService

AdminFactory = Callable[[], Any]


class StartMonitoringSubCommand(SubCommand):
    name = "startMonitoring"
    desc = "Start Monitoring"

    def build_command_line_options(self) -> list:
        return []

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory,
                stop: threading.Event | None = None) -> None:
        """Java returns and leaves the monitor's threads running the JVM; here the command waits
        for Ctrl-C (or ``stop``) and shuts the monitor down."""
        config = MonitorConfig()
        if cl.get_option_value("n"):
            config.namesrv_addr = cl.get_option_value("n")
        tools_log = logging.getLogger("rocketmq_ref.tools")
        handler, level = None, tools_log.level
        if not tools_log.handlers:  # the reports are log lines: show them on the command's output
            handler = logging.StreamHandler(out)
            handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
            tools_log.addHandler(handler)
            tools_log.setLevel(logging.INFO)
        service = MonitorService(config, DefaultMonitorListener(), tools_rpc_hook())
        try:
            service.start()
            (stop or threading.Event()).wait()
        finally:
            service.shutdown()
            if handler is not None:
                tools_log.removeHandler(handler)
                tools_log.setLevel(level)


COMMANDS = [StartMonitoringSubCommand]
