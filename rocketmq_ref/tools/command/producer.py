"""producer: every producer instance a broker knows, by group (Java
``tools.command.producer.ProducerSubCommand``; A2.4)."""
from __future__ import annotations

from typing import Any, Callable, TextIO

from rocketmq_ref.tools.command.sub_command import CommandLine, Option, SubCommand

AdminFactory = Callable[[], Any]


class ProducerSubCommand(SubCommand):
    name = "producer"
    desc = "Query producer's instances, connection, status, etc."

    def build_command_line_options(self) -> list:
        return [Option("b", "broker", True, "broker address", required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        table = admin_factory().get_all_producer_info(cl.get_option_value("b"))
        for group, instances in table.data.items():
            if not instances:
                out.write(f"producer group ({group}) instances are empty\n")
                continue
            for producer in instances:
                out.write(f"producer group ({group}) instance : {producer}\n")


COMMANDS = [ProducerSubCommand]
