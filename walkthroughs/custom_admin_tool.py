"""A custom operations tool built on the admin client (book A8.4.2): a backlog report that lists
every consumer group of a topic with its backlog per queue and flags the groups above a limit --
what an operator would otherwise piece together from ``topicStatus`` and one ``consumerProgress``
per group.

A name server and a broker run as processes.  Eight messages go to TopicLag; the group ``billing``
reads all of them, the group ``audit`` only queue 0, and both commit their offsets.  The tool then
runs on a ``DefaultMQAdminExt``, the same client every ``mqadmin`` command uses.
"""
from __future__ import annotations

import tempfile

from rocketmq_ref.client.consumer import DefaultMQPullConsumer
from rocketmq_ref.client.consumer.pull_result import PullStatus
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.admin.default_mq_admin_ext import DefaultMQAdminExt
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicLag"


def backlog_report(admin: DefaultMQAdminExt, topic: str, limit: int) -> list[str]:
    """The tool: for each group that consumes ``topic``, its backlog per queue and in total,
    flagged when the total exceeds ``limit``."""
    lines = []
    for group in sorted(admin.query_topic_consume_by_who(topic).group_list):
        stats = admin.examine_consume_stats(group, topic)
        per_queue = sorted((mq.broker_name, mq.queue_id, w.broker_offset - w.consumer_offset)
                           for mq, w in stats.offset_table.items() if mq.topic == topic)
        total = sum(diff for _, _, diff in per_queue)
        queues = ", ".join(f"{b}/{q}:{d}" for b, q, d in per_queue)
        flag = "  <-- over the limit" if total > limit else ""
        lines.append(f"{group:10} backlog {total:3}  [{queues}]{flag}")
    return lines


def consume(namesrv: str, group: str, queues: list, upto: int) -> None:
    """A pull consumer that reads the first ``upto`` messages of each queue and commits."""
    consumer = DefaultMQPullConsumer(group)
    consumer.set_namesrv_addr(namesrv)
    consumer.start()
    try:
        for mq in queues:
            result = consumer.pull(mq, "*", 0, upto)
            assert result.pull_status is PullStatus.FOUND, result
            consumer.update_consume_offset(mq, result.next_begin_offset)
        # the heartbeat that registers the group (and its retry topic, whose route the admin
        # client follows to the group's brokers) goes out every 30 s; send it now
        consumer.default_mq_pull_consumer_impl.mq_client_factory.send_heartbeat_to_all_broker_with_lock()
    finally:
        consumer.shutdown()  # persists the offsets to the broker


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-admin-tool-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1)
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        producer = admin = None
        try:
            producer = DefaultMQProducer("walkthrough_producer_group")
            producer.set_namesrv_addr(state.namesrv_addr)
            producer.start()
            queues = sorted({producer.send(Message(TOPIC, f"bill {i}".encode())).message_queue
                             for i in range(8)}, key=lambda mq: mq.queue_id)
            consume(state.namesrv_addr, "billing", queues, 32)
            consume(state.namesrv_addr, "audit", queues[:1], 32)

            admin = DefaultMQAdminExt()
            admin.set_namesrv_addr(state.namesrv_addr)
            admin.start()
            report = backlog_report(admin, TOPIC, limit=2)
            assert report[0].startswith("audit") and "over the limit" in report[0], report
            assert report[1].startswith("billing  ") and " 0 " in report[1], report
        finally:
            for client in (admin, producer):
                if client is not None:
                    client.shutdown()
            cluster.stop(state)
    return {"report": f"$ backlog_report(admin, {TOPIC!r}, limit=2)\n" + "\n".join(report)}


WALKTHROUGH = Walkthrough(
    name="custom_admin_tool",
    title="A custom operations tool on DefaultMQAdminExt: a backlog report",
    sections=("A8.4.2",),
    scenario=scenario,
    stops=(
        Stop("DefaultMQAdminExt.examine_consume_stats", locals=("consumer_group", "topic"),
             note="in the tool's own process: step over _group_route to see the brokers it asks"),
    ),
    service="ops",
    ignore_spans=("UNREGISTER_CLIENT",),  # their count at shutdown varies run to run
)
