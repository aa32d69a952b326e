"""queryMsgTraceById: a message's trace records (Java ``tools.command.message.QueryMsgTraceByIdSubCommand``;
books A2.5, B9.7.1).

    mqadmin queryMsgTraceById -n 127.0.0.1:9876 -i 7F0000010BB418B4AAC2395D1C0A0000 [-t RMQ_SYS_TRACE_TOPIC]

The trace topic is queried by key (the trace messages are keyed by the ids they describe); the
Pub rows, then per consumer group its Sub rows (the SubAfter records), in Java's layout.
"""
from __future__ import annotations

import time
from typing import Any, Callable, TextIO

from rocketmq_ref.client.trace.trace_constants import TraceType
from rocketmq_ref.client.trace.trace_view import TraceView
from rocketmq_ref.common.topic_validator import RMQ_SYS_TRACE_TOPIC
from rocketmq_ref.common.utilall import format_date
from rocketmq_ref.tools.command.sub_command import CommandLine, Option, SubCommand

ROW = "{:<10} {:<20} {:<20} {:<20} {:<10} {:<10}\n"  # Java "%-10s %-20s %-20s %-20s %-10s %-10s%n"


def _row(kind: str, view: TraceView) -> str:
    return ROW.format(kind, str(view.group_name), str(view.client_host), format_date(view.time_stamp),
                      f"{view.cost_time}ms", str(view.status))


class QueryMsgTraceByIdSubCommand(SubCommand):
    name = "queryMsgTraceById"
    desc = "query a message trace"

    def build_command_line_options(self) -> list:
        return [Option("i", "msgId", True, "Message Id", required=True),
                Option("t", "traceTopic", True, "The name value of message trace topic")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: Callable[[], Any]) -> None:
        msg_id = cl.get_option_value("i")
        trace_topic = cl.get_option_value("t") or RMQ_SYS_TRACE_TOPIC
        self.query_trace_by_msg_id(admin_factory(), trace_topic, msg_id, out)

    def query_trace_by_msg_id(self, admin: Any, trace_topic: str, msg_id: str, out: TextIO) -> None:
        messages = admin.query_message(trace_topic, msg_id, 64, 0, int(time.time() * 1000))
        views: list[TraceView] = []
        for message in messages:
            views.extend(TraceView.decode_from_trace_trans_data(msg_id, message))
        self.print_message_trace(views, out)

    @staticmethod
    def print_message_trace(views: list[TraceView], out: TextIO) -> None:
        consumers: dict[str, list[TraceView]] = {}
        for view in views:
            if view.msg_type == TraceType.Pub.name:
                out.write(ROW.format("#Type", "#ProducerGroup", "#ClientHost", "#SendTime", "#CostTimes",
                                     "#Status"))
                out.write(_row("Pub", view))
                out.write("\n")
            if view.msg_type == TraceType.SubAfter.name:
                consumers.setdefault(str(view.group_name), []).append(view)
        for group_views in consumers.values():
            out.write(ROW.format("#Type", "#ConsumerGroup", "#ClientHost", "#ConsumerTime", "#CostTimes",
                                 "#Status"))
            for view in group_views:
                out.write(_row("Sub", view))
            out.write("\n")


COMMANDS = [QueryMsgTraceByIdSubCommand]
