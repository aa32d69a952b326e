"""Broker commands: brokerStatus, getBrokerConfig, updateBrokerConfig, cleanExpiredCQ,
cleanUnusedTopic, deleteExpiredCommitLog, brokerConsumeStats, sendMsgStatus (Java
``tools.command.broker.*``; books A2.4, A8.4.1, B9.7.2)."""
from __future__ import annotations

import time
from typing import Any, Callable, TextIO

from rocketmq_ref.common.utilall import format_date, frontstring_at_least
from rocketmq_ref.tools.command import command_util
from rocketmq_ref.tools.command.sub_command import (CommandLine, Option, SubCommand,
                                                    java_bool, java_int)

AdminFactory = Callable[[], Any]


class BrokerStatusSubCommand(SubCommand):
    name = "brokerStatus"
    desc = "Fetch broker runtime status data"

    def build_command_line_options(self) -> list:
        return [command_util.broker_or_cluster("Broker address", "which cluster")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        if cl.has_option("b"):
            self.print_broker_runtime_stats(admin, cl.get_option_value("b"), False, out)
            return
        for addr in command_util.fetch_master_and_slave_addr_by_cluster_name(
                admin, cl.get_option_value("c")):
            self.print_broker_runtime_stats(admin, addr, True, out)

    @staticmethod
    def print_broker_runtime_stats(admin: Any, addr: str, print_broker: bool, out: TextIO) -> None:
        table = admin.fetch_broker_runtime_stats(addr).table
        for key in sorted(table):
            if print_broker:
                out.write(f"{addr:<24} {key:<32}: {table[key]}\n")
            else:
                out.write(f"{key:<32}: {table[key]}\n")


class GetBrokerConfigCommand(SubCommand):
    name = "getBrokerConfig"
    desc = "Get broker config by cluster or special broker!"

    def build_command_line_options(self) -> list:
        return [command_util.broker_or_cluster("get which broker", "get which cluster")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        if cl.has_option("b"):
            addr = cl.get_option_value("b")
            self.get_and_print(admin, f"============{addr}============\n", addr, out)
            return
        for master, slaves in command_util.fetch_master_and_slave_distinguish(
                admin, cl.get_option_value("c")).items():
            self.get_and_print(admin, f"============Master: {master}============\n", master, out)
            for slave in slaves:
                self.get_and_print(admin, f"============My Master: {master}=====Slave: {slave}"
                                          "============\n", slave, out)

    @staticmethod
    def get_and_print(admin: Any, prefix: str, addr: str, out: TextIO) -> None:
        out.write(prefix)
        props = admin.get_broker_config(addr)
        if not props:
            out.write(f"Broker[{addr}] has no config property!\n")
            return
        for key, value in props.items():
            out.write(f"{key:<50}=  {value}\n")
        out.write("\n")


class UpdateBrokerConfigSubCommand(SubCommand):
    name = "updateBrokerConfig"
    desc = "Update broker's config"

    def build_command_line_options(self) -> list:
        return [command_util.broker_or_cluster("update which broker", "update which cluster"),
                Option("k", "key", True, "config key", required=True),
                Option("v", "value", True, "config value", required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        props = {cl.get_option_value("k"): cl.get_option_value("v")}
        if cl.has_option("b"):
            targets = [cl.get_option_value("b")]
        else:
            targets = command_util.fetch_master_addr_by_cluster_name(admin, cl.get_option_value("c"))
        for addr in targets:
            admin.update_broker_config(addr, props)
            out.write(f"update broker config success, {addr}\n")


class _OneBrokerOrClusterCommand(SubCommand):
    """A broker maintenance request sent to ``-b`` or to every master of ``-c`` (of all clusters
    without either); prints ``success`` or ``false`` without a newline, as Java."""

    by_addr = by_cluster = ""
    cluster_desc = "cluster name"

    def build_command_line_options(self) -> list:
        return [Option("b", "brokerAddr", True, "Broker address"),
                Option("c", "cluster", True, self.cluster_desc)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        if cl.has_option("b"):
            result = getattr(admin, self.by_addr)(cl.get_option_value("b"))
        else:
            result = getattr(admin, self.by_cluster)(cl.get_option_value("c"))
        out.write("success" if result else "false")


class CleanExpiredCQSubCommand(_OneBrokerOrClusterCommand):
    """CLEAN_EXPIRED_CONSUMEQUEUE: drop consume queues whose messages were all deleted."""

    name = "cleanExpiredCQ"
    desc = "Clean expired ConsumeQueue on broker."
    by_addr, by_cluster = "clean_expired_consumer_queue_by_addr", "clean_expired_consumer_queue"
    cluster_desc = "clustername"


class CleanUnusedTopicCommand(_OneBrokerOrClusterCommand):
    """CLEAN_UNUSED_TOPIC: drop consume queues of topics that have no topic config any more."""

    name = "cleanUnusedTopic"
    desc = "Clean unused topic on broker."
    by_addr, by_cluster = "clean_unused_topic_by_addr", "clean_unused_topic"


class DeleteExpiredCommitLogSubCommand(_OneBrokerOrClusterCommand):
    """DELETE_EXPIRED_COMMITLOG: the broker's clean service deletes expired commit-log files now
    instead of at ``deleteWhen`` (B4.8)."""

    name = "deleteExpiredCommitLog"
    desc = "Delete expired CommitLog files"
    by_addr, by_cluster = "delete_expired_commit_log_by_addr", "delete_expired_commit_log"
    cluster_desc = "clustername"


class BrokerConsumeStatsSubCommad(SubCommand):
    """GET_BROKER_CONSUME_STATS: every group's lag per queue on one broker (Java's class name keeps
    its typo)."""

    name = "brokerConsumeStats"
    desc = "Fetch broker consume stats data"

    def build_command_line_options(self) -> list:
        return [Option("b", "brokerAddr", True, "Broker address", required=True),
                Option("t", "timeoutMillis", True, "request timeout Millis"),
                Option("l", "level", True, "threshold of print diff"),
                Option("o", "order", True, "order topic")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        is_order = java_bool(cl.get_option_value("o")) if cl.has_option("o") else False
        timeout_millis = java_int(cl.get_option_value("t"), "t") if cl.has_option("t") else 50000
        diff_level = java_int(cl.get_option_value("l"), "l") if cl.has_option("l") else 0
        stats_list = admin.fetch_consume_stats_in_broker(cl.get_option_value("b"), is_order, timeout_millis)
        out.write(f"{'#Topic':<64}  {'#Group':<64}  {'#Broker Name':<32}  {'#QID':<4}  {'#Broker Offset':<20}  "
                  f"{'#Consumer Offset':<20}  {'#Diff':<20}  #LastTime\n")
        for by_group in stats_list.consume_stats_list:
            for group, stats_array in by_group.items():
                for stats in stats_array:
                    for mq in sorted(stats.offset_table):
                        ow = stats.offset_table[mq]
                        diff = ow.broker_offset - ow.consumer_offset
                        if diff < diff_level or ow.last_timestamp <= 0:
                            continue
                        last = format_date(ow.last_timestamp)
                        out.write(f"{frontstring_at_least(mq.topic, 64):<64}  {group:<64}  "
                                  f"{frontstring_at_least(mq.broker_name, 32):<32}  {mq.queue_id:<4}  "
                                  f"{ow.broker_offset:<20}  {ow.consumer_offset:<20}  {diff:<20}  {last}\n")
        out.write(f"\nDiff Total: {stats_list.total_diff}\n")


class SendMsgStatusCommand(SubCommand):
    """Java ``SendMsgStatusCommand``: messages to the topic named after the broker (every broker
    serves one), with the RT of each send."""

    name = "sendMsgStatus"
    desc = "send msg to broker."

    def build_command_line_options(self) -> list:
        return [Option("b", "brokerName", True, "Broker Name", required=True),
                Option("s", "messageSize", True, "Message Size, Default: 128"),
                Option("c", "count", True, "send message count, Default: 50")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        from rocketmq_ref.client.producer import DefaultMQProducer
        from rocketmq_ref.common.message import Message

        broker_name = cl.get_option_value("b")
        size = java_int(cl.get_option_value("s", "128"), "s")
        count = java_int(cl.get_option_value("c", "50"), "c")
        body = ("hello jodie" * (size // 11 + (1 if size % 11 else 0))).encode()
        producer = DefaultMQProducer("PID_SMSC")
        producer.set_namesrv_addr(admin_factory().namesrv_addr)
        producer.instance_name = str(int(time.time() * 1000))
        producer.start()
        try:
            producer.send(Message(broker_name, b"hello jodie" * 2))  # warm-up, as in Java
            for _ in range(count):
                begin = time.monotonic()
                result = producer.send(Message(broker_name, body))
                out.write(f"rt={int((time.monotonic() - begin) * 1000)}ms, SendResult={result}\n")
        finally:
            producer.shutdown()


COMMANDS = [BrokerStatusSubCommand, GetBrokerConfigCommand, UpdateBrokerConfigSubCommand,
            CleanExpiredCQSubCommand, CleanUnusedTopicCommand, DeleteExpiredCommitLogSubCommand,
            BrokerConsumeStatsSubCommad, SendMsgStatusCommand]
