"""SQL92 filtering on a local cluster: the broker evaluates a subscription's SQL92 expression against
each message's properties, so the consumer receives only the matching messages.

Six messages go to queue 0 of TopicSql, each with the user properties ``a`` (0..5, none on the last)
and ``region``.  A pull consumer reads the queue from offset 0 with ``a BETWEEN 1 AND 3 AND region =
'eu'``, then with ``a IS NULL``.  The broker runs with ``enablePropertyFilter=true``; the name
server and the broker run as processes and append to the same trace file.
"""
from __future__ import annotations

import tempfile

from rocketmq_ref.client.consumer import DefaultMQPullConsumer
from rocketmq_ref.client.consumer.pull_result import PullStatus
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.common.filter_api import FilterAPI
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicSql"
REGIONS = ("eu", "us", "eu", "eu", "us", "eu")
EXPRESSIONS = ("a BETWEEN 1 AND 3 AND region = 'eu'", "a IS NULL")


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-sql-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1,
                             broker_props={"enablePropertyFilter": "true"})
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        producer = consumer = None
        lines: list[str] = []
        try:
            producer = DefaultMQProducer("walkthrough_producer_group")
            producer.set_namesrv_addr(state.namesrv_addr)
            producer.start()
            mq = None
            for i, region in enumerate(REGIONS):  # all in queue 0
                msg = Message(TOPIC, f"message {i}".encode(), tags="TagA")
                if i < len(REGIONS) - 1:  # the last one has no "a": NULL in SQL92
                    msg.put_user_property("a", str(i))
                msg.put_user_property("region", region)
                r = producer.send(msg, lambda mqs, m, arg: mqs[0], None)
                mq = r.message_queue
                lines.append(f"sent message {i}: a={msg.get_user_property('a')} region={region}")

            consumer = DefaultMQPullConsumer("walkthrough_sql_group")
            consumer.set_namesrv_addr(state.namesrv_addr)
            consumer.start()
            impl = consumer.default_mq_pull_consumer_impl
            for expression in EXPRESSIONS:
                # Java's DefaultMQPullConsumer#pull(mq, MessageSelector.bySql(...), offset, maxNums)
                sd = FilterAPI.build(TOPIC, expression, "SQL92")
                result = impl.pull_sync_impl(mq, sd, 0, 32, False,
                                             consumer.consumer_pull_timeout_millis)
                assert result.pull_status is PullStatus.FOUND, result
                got = [bytes(m.body).decode() for m in result.msg_found_list]
                lines.append(f"pull {expression!r} -> {', '.join(got)} "
                             f"(next offset {result.next_begin_offset})")
            assert lines[-2].split("-> ")[1].startswith("message 2, message 3 "), lines
            assert lines[-1].split("-> ")[1].startswith("message 5 "), lines
        finally:
            for client in (consumer, producer):
                if client is not None:
                    client.shutdown()
            cluster.stop(state)
    return {"pulls": "\n".join(lines)}


WALKTHROUGH = Walkthrough(
    name="sql_filter",
    title="SQL92 filtering: the broker evaluates message properties",
    sections=("A7.1.3", "B9.3.2"),
    scenario=scenario,
    stops=(
        Stop("DefaultMessageStore.get_message", locals=("message_filter", "offset"),
             note="in the broker process: step on to is_matched_by_commit_log, which reads the "
                  "properties and evaluates the expression"),
    ),
    service="consumer",
)
