"""queryCq: raw consume-queue units of one queue from an index (Java
``tools.command.queue.QueryConsumeQueueCommand``; A2.4, B4.6)."""
from __future__ import annotations

from typing import Any, Callable, TextIO

from rocketmq_ref.common import fastjson
from rocketmq_ref.tools.command.sub_command import CommandLine, Option, SubCommand, SubCommandException, java_int

AdminFactory = Callable[[], Any]
_RULE = "======================================\n"


class QueryConsumeQueueCommand(SubCommand):
    name = "queryCq"
    desc = "Query cq command."

    def build_command_line_options(self) -> list:
        return [Option("t", "topic", True, "topic name", required=True),
                Option("q", "queue", True, "queue num, ie. 1", required=True),
                Option("i", "index", True, "start queue index.", required=True),
                Option("c", "count", True, "how many."),
                Option("b", "broker", True, "broker addr."),
                Option("g", "consumer", True, "consumer group.")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        topic = cl.get_option_value("t")
        queue_id = java_int(cl.get_option_value("q"), "q")
        index = java_int(cl.get_option_value("i"), "i")
        count = java_int(cl.get_option_value("c", "10"), "c")
        broker = cl.get_option_value("b") if cl.has_option("b") else None
        group = cl.get_option_value("g") if cl.has_option("g") else None
        if not broker:
            route = admin.examine_topic_route_info(topic)
            if not route.broker_datas:
                raise SubCommandException("No topic route data!")
            broker = route.broker_datas[0].broker_addrs.get(0)
            if broker is None:
                raise SubCommandException(f"no master for {route.broker_datas[0].broker_name}")
        body = admin.query_consume_queue(broker, topic, queue_id, index, count, group)
        if body.subscription_data is not None:
            out.write(f"Subscription data: \n{fastjson.dumps(body.subscription_data, pretty=True)}\n{_RULE}")
        if body.filter_data is not None:
            out.write(f"Filter data: \n{body.filter_data}\n{_RULE}")
        out.write(f"Queue data: \nmax: {body.max_queue_index}, min: {body.min_queue_index}\n{_RULE}")
        for i, data in enumerate(body.queue_data or (), start=index):
            out.write(f"idx: {i}\n{data}\n{_RULE}")


COMMANDS = [QueryConsumeQueueCommand]
