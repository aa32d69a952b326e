"""Tag filtering in two stages, on a local cluster: the broker compares the tag's hash code kept in
each consume-queue entry; the client compares the tag strings.  The tags "Aa" and "BB" have the
same Java hashCode (2112), so the broker lets "BB" through to a pull for "Aa" and the client drops
it.

A pull consumer reads queue 0 of TopicFilter twice: with "Aa", then with "TagA || TagC".  The name
server and the broker run as processes and append to the same trace file.
"""
from __future__ import annotations

import tempfile

from rocketmq_ref.client.consumer import DefaultMQPullConsumer
from rocketmq_ref.client.consumer.pull_result import PullStatus
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.common.java_hash import java_string_hash_code
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicFilter"
TAGS = ("TagA", "Aa", "BB", "TagC", "Aa")


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-filter-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1)
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        producer = consumer = None
        lines = [f"hashCode: Aa {java_string_hash_code('Aa')}, BB {java_string_hash_code('BB')}"]
        try:
            producer = DefaultMQProducer("walkthrough_producer_group")
            producer.set_namesrv_addr(state.namesrv_addr)
            producer.start()
            mq = None
            for i, tag in enumerate(TAGS):  # all in queue 0
                r = producer.send(Message(TOPIC, f"message {i}".encode(), tags=tag, keys=f"K{i}"),
                                  lambda mqs, msg, arg: mqs[0], None)
                mq = r.message_queue
            lines.append("sent to queue 0: " + ", ".join(TAGS))

            consumer = DefaultMQPullConsumer("walkthrough_filter_group")
            consumer.set_namesrv_addr(state.namesrv_addr)
            consumer.start()
            for expression in ("Aa", "TagA || TagC"):
                result = consumer.pull(mq, expression, 0, 32)
                assert result.pull_status is PullStatus.FOUND, result
                got = [m.tags for m in result.msg_found_list]
                lines.append(f"pull {expression!r:16} -> {', '.join(got)} "
                             f"(next offset {result.next_begin_offset})")
            assert lines[-2].split("-> ")[1].startswith("Aa, Aa"), lines
        finally:
            for client in (consumer, producer):
                if client is not None:
                    client.shutdown()
            cluster.stop(state)
    return {"pulls": "\n".join(lines)}


WALKTHROUGH = Walkthrough(
    name="tag_filter",
    title="Tag filtering: hash codes in the consume queue, tag strings on the client",
    sections=("B5.8", "A7", "A7.1", "A7.1.1", "A7.1.2"),
    scenario=scenario,
    stops=(
        Stop("DefaultMessageStore.get_message", locals=("message_filter", "offset"),
             note="in the broker process: step on to the is_matched_by_consume_queue check"),
    ),
    service="consumer",
    # start()'s heartbeat reaches the broker only if the route was already fetched: timing
    ignore_spans=("MQClientInstance.send_heartbeat_to_all_broker",),
)
