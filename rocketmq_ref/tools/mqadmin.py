"""``mqadmin``: the admin command line (Java ``tools.command.MQAdminStartup``; books A2.4, A8.4.1,
B9.7.2).

    mqadmin                                   # the commands
    mqadmin help updateTopic                  # one command's options
    mqadmin updateTopic -n 127.0.0.1:9876 -c DefaultCluster -t TopicTest

The name server comes from ``-n`` or the ``NAMESRV_ADDR`` environment variable, as in Java.  A failure
is one line on stderr and exit status 1 (Java prints a stack trace; a reader needs the reason).
"""
from __future__ import annotations

import logging
import os
import sys
from typing import Any, TextIO

from rocketmq_ref.tools.command import (acl, broker, cluster, connection, consumer, export, message,
                                        message_trace, namesrv, offset, producer, queue, stats, topic)
from rocketmq_ref.tools.command import export_metrics, monitoring
from rocketmq_ref.tools.command.sub_command import ParseException, SubCommand, SubCommandException

log = logging.getLogger("rocketmq_ref.tools")

# MQAdminStartup.initCommand's order (the commands implemented here), then the spec's extras
JAVA_ORDER = [
    "UpdateTopicSubCommand", "DeleteTopicSubCommand", "UpdateSubGroupSubCommand",
    "DeleteSubscriptionGroupCommand", "UpdateBrokerConfigSubCommand", "UpdateTopicPermSubCommand",
    "TopicRouteSubCommand", "TopicStatusSubCommand", "TopicClusterSubCommand",
    "BrokerStatusSubCommand", "QueryMsgByIdSubCommand", "QueryMsgByKeySubCommand",
    "QueryMsgByUniqueKeySubCommand", "QueryMsgByOffsetSubCommand", "QueryMsgTraceByIdSubCommand", "PrintMessageSubCommand",
    "PrintMessageByQueueCommand", "SendMsgStatusCommand", "BrokerConsumeStatsSubCommad",
    "ProducerConnectionSubCommand", "ConsumerConnectionSubCommand", "ConsumerProgressSubCommand",
    "ConsumerStatusSubCommand", "CloneGroupOffsetCommand", "ProducerSubCommand", "ConsumerSubCommand",
    "ClusterListSubCommand",
    "TopicListSubCommand", "UpdateKvConfigCommand", "DeleteKvConfigCommand",
    "WipeWritePermSubCommand", "AddWritePermSubCommand", "ResetOffsetByTimeCommand",
    "SkipAccumulationSubCommand", "UpdateOrderConfCommand", "CleanExpiredCQSubCommand",
    "DeleteExpiredCommitLogSubCommand", "CleanUnusedTopicCommand", "StartMonitoringSubCommand",
    "StatsAllSubCommand", "AllocateMQSubCommand", "CheckMsgSendRTCommand", "CLusterSendMsgRTCommand",
    "GetNamesrvConfigCommand", "UpdateNamesrvConfigCommand", "GetBrokerConfigCommand",
    "GetConsumerConfigSubCommand", "QueryConsumeQueueCommand", "SendMessageCommand", "ConsumeMessageCommand",
    "UpdateAccessConfigSubCommand", "DeleteAccessConfigSubCommand", "ClusterAclConfigVersionListSubCommand",
    "UpdateGlobalWhiteAddrSubCommand",
    "ExportMetadataCommand", "ExportConfigsCommand", "ExportMetricsCommand",
    "ResetOffsetByTimeOldCommand", "DecodeMessageIdCommand", "GetConsumerStatusCommand",
]
_ALL = {cls.__name__: cls for module in (topic, consumer, broker, cluster, connection, export, acl,
                                          message, message_trace, namesrv, offset, producer, queue, stats,
                                          export_metrics, monitoring)
        for cls in module.COMMANDS}
COMMAND_CLASSES: list[type[SubCommand]] = [_ALL[name] for name in JAVA_ORDER]
if len(COMMAND_CLASSES) != len(_ALL):  # a command module's COMMANDS entry missing from the order
    raise RuntimeError(f"mqadmin: commands not listed: {sorted(set(_ALL) - set(JAVA_ORDER))}")


def init_command() -> list[SubCommand]:
    return [cls() for cls in COMMAND_CLASSES]


def find_sub_command(name: str) -> SubCommand | None:
    """Java ``findSubCommand``: the name or the command's alias, in any case."""
    name = name.lower()
    return next((c for c in init_command() if c.command_name().lower() == name
                 or (getattr(c, "alias", None) or "").lower() == name), None)


def print_help(out: TextIO) -> None:
    out.write("The most commonly used mqadmin commands are:\n")
    for cmd in init_command():
        out.write(f"   {cmd.command_name():<20} {cmd.command_desc()}\n")
    out.write("\nSee 'mqadmin help <command>' for more information on a specific command.\n")


class _AdminFactory:
    """Starts one ``DefaultMQAdminExt`` the first time a command asks for it."""

    def __init__(self, namesrv_addr: str | None) -> None:
        self.namesrv_addr = namesrv_addr
        self.admin: Any = None

    def __call__(self) -> Any:
        if self.admin is None:
            from rocketmq_ref.tools.admin.default_mq_admin_ext import DefaultMQAdminExt

            admin = DefaultMQAdminExt(acl.tools_rpc_hook())  # conf/tools.yml keys, as Java
            if self.namesrv_addr:
                admin.set_namesrv_addr(self.namesrv_addr)
            admin.start()
            self.admin = admin
        return self.admin

    def shutdown(self) -> None:
        if self.admin is not None:
            self.admin.shutdown()
            self.admin = None


def describe_error(e: BaseException) -> str:
    """One line that says what went wrong, without a traceback."""
    from rocketmq_ref.remoting.exception import (RemotingConnectException,
                                                 RemotingSendRequestException,
                                                 RemotingTimeoutException)

    if isinstance(e, RemotingConnectException):
        return f"cannot connect to {e.addr or 'the name server'} (is a name server or broker running there?)"
    if isinstance(e, (RemotingTimeoutException, RemotingSendRequestException)):
        return f"no answer from {e.addr or 'the server'}: {e}"
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text


def execute(cmd: SubCommand, argv: list[str], out: TextIO, err: TextIO) -> int:
    try:
        cl = cmd.parse(argv)
    except ParseException as e:
        err.write(f"mqadmin {cmd.command_name()}: {e} (see 'mqadmin help {cmd.command_name()}')\n")
        return 1
    if cl.has_option("h"):
        out.write(cmd.help_text())
        return 0
    factory = _AdminFactory(cl.get_option_value("n") or os.environ.get("NAMESRV_ADDR"))
    try:
        cmd.execute(cl, out, factory)
        out.flush()
        return 0
    except ParseException as e:
        err.write(f"mqadmin {cmd.command_name()}: {e} (see 'mqadmin help {cmd.command_name()}')\n")
    except KeyboardInterrupt:
        err.write("\n")
        return 130
    except BrokenPipeError:
        raise
    except Exception as e:  # noqa: BLE001 - the command line reports every failure in one line
        log.debug("%s failed", cmd.command_name(), exc_info=True)
        err.write(f"mqadmin {cmd.command_name()}: {describe_error(e)}\n")
    finally:
        factory.shutdown()
    return 1


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Java ``MQAdminStartup.main0``."""
    script = argv is None
    argv = sys.argv[1:] if argv is None else argv
    out = out or sys.stdout
    err = err or sys.stderr
    if script:
        from rocketmq_ref.tools.tool_logging import log_client_to_file
        log_client_to_file("tools.log")  # Java: ~/logs/rocketmqlogs/tools.log
        from rocketmq_ref.common.tracing_setup import configure_tracing_from_env
        configure_tracing_from_env("mqadmin")
    try:
        if not argv:
            print_help(out)
            return 0
        if argv[0] == "help" and len(argv) == 2:
            cmd = find_sub_command(argv[1])
            if cmd is None:
                err.write(f"The sub command {argv[1]} not exist.\n")
                return 1
            out.write(f"{cmd.command_desc()}\n{cmd.help_text()}")
            return 0
        cmd = find_sub_command(argv[0])
        if cmd is None:
            err.write(f"The sub command {argv[0]} not exist. Run 'mqadmin' for the list.\n")
            return 1
        return execute(cmd, argv[1:], out, err)
    except BrokenPipeError:  # mqadmin topicList | head
        if script:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        if script:
            from rocketmq_ref.common.tracing_setup import shutdown_tracing
            shutdown_tracing()


__all__ = ["main", "init_command", "find_sub_command", "SubCommandException"]

if __name__ == "__main__":
    sys.exit(main())
