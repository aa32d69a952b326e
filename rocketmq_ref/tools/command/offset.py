"""Offset commands: resetOffsetByTime, resetOffsetByTimeOld,
cloneGroupOffset, skipAccumulatedMessage (Java ``tools.command.offset.*``; books A2.4, A8.4.1, B9.7.2)."""
from __future__ import annotations

from typing import Any, Callable, TextIO

from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.utilall import frontstring_at_least
from rocketmq_ref.tools.command.message import timestamp_format
from rocketmq_ref.tools.command.sub_command import CommandLine, Option, SubCommand

AdminFactory = Callable[[], Any]

TIMESTAMP_HELP = "set the timestamp[now|currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]"


def _timestamp(text: str) -> int:
    return -1 if text == "now" else timestamp_format(text)


def reset_offset_old(admin: Any, group: str, topic: str, timestamp: int, force: bool, text: str,
                     out: TextIO) -> None:
    """Java ``ResetOffsetByTimeOldCommand.resetOffset``."""
    rows = admin.reset_offset_by_timestamp_old(group, topic, timestamp, force)
    out.write(f"rollback consumer offset by specified consumerGroup[{group}], topic[{topic}], "
              f"force[{str(force).lower()}], timestamp(string)[{text}], timestamp(long)[{timestamp}]\n")
    print_rollback_stats(rows, out)


def print_rollback_stats(rows: list[Any], out: TextIO) -> None:
    fmt = "{:<20}  {:<20}  {:<20}  {:<20}  {:<20}  {:<20}\n"
    out.write(fmt.format("#brokerName", "#queueId", "#brokerOffset", "#consumerOffset",
                         "#timestampOffset", "#rollbackOffset"))
    for r in rows:
        out.write(fmt.format(frontstring_at_least(r.broker_name, 32), r.queue_id, r.broker_offset,
                             r.consumer_offset, r.timestamp_offset, r.rollback_offset))


def print_offset_table(table: dict[Any, int], out: TextIO) -> None:
    out.write(f"{'#brokerName':<40}  {'#queueId':<40}  {'#offset':<40}\n")
    for mq, offset in sorted(table.items()):
        out.write(f"{frontstring_at_least(mq.broker_name, 32):<40}  {mq.queue_id:<40}  "
                  f"{offset:<40}\n")


class ResetOffsetByTimeCommand(SubCommand):
    name = "resetOffsetByTime"
    desc = "Reset consumer offset by timestamp(without client restart)."

    def build_command_line_options(self) -> list:
        return [Option("g", "group", True, "set the consumer group", required=True),
                Option("t", "topic", True, "set the topic", required=True),
                Option("s", "timestamp", True, TIMESTAMP_HELP, required=True),
                Option("f", "force", True, "set the force rollback by timestamp switch[true|false]"),
                Option("c", "cplus", False, "reset c++ client offset")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        group, topic, text = (cl.get_option_value(o) for o in "gts")
        timestamp = _timestamp(text)
        force = cl.get_option_value("f", "true").lower() == "true"
        try:
            table = admin.reset_offset_by_timestamp(topic, group, timestamp, force, cl.has_option("c"))
        except MQClientException as e:
            if e.response_code == ResponseCode.CONSUMER_NOT_ONLINE:
                reset_offset_old(admin, group, topic, timestamp, force, text, out)
                return
            raise
        out.write(f"rollback consumer offset by specified group[{group}], topic[{topic}], "
                  f"force[{str(force).lower()}], timestamp(string)[{text}], "
                  f"timestamp(long)[{timestamp}]\n")
        print_offset_table(table, out)


class ResetOffsetByTimeOldCommand(SubCommand):
    name = "resetOffsetByTimeOld"
    desc = "Reset consumer offset by timestamp(execute this command required client restart)."

    def build_command_line_options(self) -> list:
        return [Option("g", "group", True, "set the consumer group", required=True),
                Option("t", "topic", True, "set the topic", required=True),
                Option("s", "timestamp", True, TIMESTAMP_HELP, required=True),
                Option("f", "force", True, "set the force rollback by timestamp switch[true|false]")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        text = cl.get_option_value("s")
        reset_offset_old(admin_factory(), cl.get_option_value("g"), cl.get_option_value("t"),
                         _timestamp(text), cl.get_option_value("f", "true").lower() == "true",
                         text, out)


COMMANDS = [ResetOffsetByTimeCommand, ResetOffsetByTimeOldCommand]


class CloneGroupOffsetCommand(SubCommand):
    name = "cloneGroupOffset"
    desc = "clone offset from other group."

    def build_command_line_options(self) -> list:
        return [Option("s", "srcGroup", True, "set source consumer group", required=True),
                Option("d", "destGroup", True, "set destination consumer group", required=True),
                Option("t", "topic", True, "set the topic", required=True),
                Option("o", "offline", True, "the group or the topic is offline")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        src, dest, topic = (cl.get_option_value(o) for o in "sdt")
        stats = admin.examine_consume_stats(src)
        if stats.offset_table:
            route = admin.examine_topic_route_info(topic)
            addrs = {bd.broker_name: bd.select_broker_addr() for bd in route.broker_datas}
            for mq, ow in sorted(stats.offset_table.items()):
                addr = addrs.get(mq.broker_name)
                if ow.consumer_offset >= 0 and addr is not None:
                    admin.update_consume_offset(addr, dest, mq, ow.consumer_offset)
        out.write(f"clone group offset success. srcGroup[{src}], destGroup=[{dest}], topic[{topic}]")


class SkipAccumulationSubCommand(SubCommand):
    name = "skipAccumulatedMessage"
    desc = "Skip all messages that are accumulated (not consumed) currently"

    def build_command_line_options(self) -> list:
        return [Option("g", "group", True, "set the consumer group", required=True),
                Option("t", "topic", True, "set the topic", required=True),
                Option("f", "force", True, "set the force rollback by timestamp switch[true|false]")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        group, topic = cl.get_option_value("g"), cl.get_option_value("t")
        force = cl.get_option_value("f", "true").lower() == "true"
        try:
            table = admin.reset_offset_by_timestamp(topic, group, -1, force)
        except MQClientException as e:
            if e.response_code != ResponseCode.CONSUMER_NOT_ONLINE:
                raise
            print_rollback_stats(admin.reset_offset_by_timestamp_old(group, topic, -1, force), out)
            return
        print_offset_table(table, out)


COMMANDS += [CloneGroupOffsetCommand, SkipAccumulationSubCommand]


class GetConsumerStatusCommand(SubCommand):
    """INVOKE_BROKER_TO_GET_CONSUMER_STATUS: each client's own offset per queue (what the clients
    hold in memory, where consumerProgress shows what the broker holds)."""

    name = "getConsumerStatus"
    desc = "get consumer status from client."

    def build_command_line_options(self) -> list:
        return [Option("g", "group", True, "set the consumer group", required=True),
                Option("t", "topic", True, "set the topic", required=True),
                Option("i", "originClientId", True, "set the consumer clientId")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        group = cl.get_option_value("g")
        topic = cl.get_option_value("t")
        origin = cl.get_option_value("i", "")
        table = admin_factory().get_consume_status(topic, group, origin)
        out.write(f"get consumer status from client. group={group}, topic={topic}, originClientId={origin}\n")
        out.write(f"{'#clientId':<50}  {'#brokerName':<15}  {'#queueId':<15}  {'#offset':<20}\n")
        for client_id, mq_table in table.items():
            for mq, offset in mq_table.items():
                out.write(f"{frontstring_at_least(client_id, 50):<50}  {mq.broker_name:<15}  {mq.queue_id:<15}  "
                          f"{offset:<20}\n")


COMMANDS += [GetConsumerStatusCommand]
