"""Connection commands: consumerConnection, producerConnection
(Java ``tools.command.connection.*``; books A2.4, B9.7.2)."""
from __future__ import annotations

from typing import Any, Callable, TextIO

from rocketmq_ref.common.mq_version import get_version_desc
from rocketmq_ref.tools.command.sub_command import CommandLine, Option, SubCommand

AdminFactory = Callable[[], Any]


def _name(value: Any) -> str:
    return "null" if value is None else getattr(value, "name", str(value))


class ConsumerConnectionSubCommand(SubCommand):
    name = "consumerConnection"
    desc = "Query consumer's socket connection, client version and subscription"

    def build_command_line_options(self) -> list:
        return [Option("g", "consumerGroup", True, "consumer group name", required=True),
                Option("b", "brokerAddr", True, "broker address")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        cc = admin_factory().examine_consumer_connection_info(cl.get_option_value("g"),
                                                              cl.get_option_value("b"))
        out.write(f"{'#ClientId':<36} {'#ClientAddr':<22} {'#Language':<10} #Version\n")
        for conn in cc.connection_set:
            out.write(f"{conn.client_id:<36} {conn.client_addr:<22} {_name(conn.language):<10} "
                      f"{get_version_desc(conn.version)}\n")
        out.write("\nBelow is subscription:\n")
        out.write(f"{'#Topic':<20} #SubExpression\n")
        for sd in cc.subscription_table.values():
            out.write(f"{sd.topic:<20} {sd.sub_string}\n")
        out.write("\n")
        out.write(f"ConsumeType: {_name(cc.consume_type)}\n")
        out.write(f"MessageModel: {_name(cc.message_model)}\n")
        out.write(f"ConsumeFromWhere: {_name(cc.consume_from_where)}\n")


class ProducerConnectionSubCommand(SubCommand):
    name = "producerConnection"
    desc = "Query producer's socket connection and client version"

    def build_command_line_options(self) -> list:
        return [Option("g", "producerGroup", True, "producer group name", required=True),
                Option("t", "topic", True, "topic name", required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        pc = admin_factory().examine_producer_connection_info(cl.get_option_value("g"),
                                                              cl.get_option_value("t"))
        for i, conn in enumerate(pc.connection_set, 1):
            out.write(f"{i:04d}  {conn.client_id:<32} {conn.client_addr:<22} "
                      f"{_name(conn.language):<8} {get_version_desc(conn.version)}\n")


COMMANDS = [ConsumerConnectionSubCommand, ProducerConnectionSubCommand]
