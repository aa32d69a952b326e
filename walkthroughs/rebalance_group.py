"""Queue ownership in one consumer group as members join, on a local cluster: one push consumer
owns all four queues of TopicRebalance; a second one joins and each owns two
(AllocateMessageQueueAveragely over the sorted client ids); three more join and, five consumers
for four queues, one of them owns none.

Every consumer is its own client instance (its own instance name) in this process.  The name
server and the broker run as processes and append to the same trace file.
"""
from __future__ import annotations

import tempfile
import time

from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus, ConsumeFromWhere,
                                          DefaultMQPushConsumer)
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicRebalance"
GROUP = "walkthrough_rebalance_group"


def owned(consumer: DefaultMQPushConsumer) -> list[int]:
    table = consumer.default_mq_push_consumer_impl.rebalance_impl.process_queue_table
    return sorted(mq.queue_id for mq, pq in table.items() if mq.topic == TOPIC and not pq.is_dropped())


def wait_for(consumers: list[DefaultMQPushConsumer], counts: list[int]) -> None:
    deadline = time.monotonic() + 30
    while sorted(len(owned(c)) for c in consumers) != sorted(counts):
        if time.monotonic() > deadline:
            raise TimeoutError(f"rebalance walkthrough: {[owned(c) for c in consumers]}")
        time.sleep(0.05)


def new_consumer(name: str, namesrv_addr: str) -> DefaultMQPushConsumer:
    consumer = DefaultMQPushConsumer(GROUP)
    consumer.set_namesrv_addr(namesrv_addr)
    consumer.set_instance_name(name)  # its own client id, so its own MQClientInstance
    consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
    consumer.subscribe(TOPIC, "*")
    consumer.register_message_listener(lambda msgs, ctx: ConsumeConcurrentlyStatus.CONSUME_SUCCESS)
    consumer.start()
    # Java's rocketmq.client.rebalance.waitInterval (20 s) shortened: the broker's
    # NOTIFY_CONSUMER_IDS_CHANGED wakes the rebalance at once anyway
    consumer.default_mq_push_consumer_impl.mq_client_factory.rebalance_service.wait_interval = 500
    return consumer


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-rebalance-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1)
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        producer = None
        consumers: list[DefaultMQPushConsumer] = []
        lines: list[str] = []

        def snapshot(step: str) -> None:
            lines.append(step + ": " + "; ".join(
                f"c{i + 1} {owned(c) or 'none'}" for i, c in enumerate(consumers)))

        try:
            producer = DefaultMQProducer("walkthrough_producer_group")
            producer.set_namesrv_addr(state.namesrv_addr)
            producer.start()
            producer.send(Message(TOPIC, b"creates the topic", tags="TagA"))

            consumers.append(new_consumer("c1", state.namesrv_addr))
            wait_for(consumers, [4])
            snapshot("one consumer")
            consumers.append(new_consumer("c2", state.namesrv_addr))
            wait_for(consumers, [2, 2])
            snapshot("two consumers")
            for name in ("c3", "c4", "c5"):
                consumers.append(new_consumer(name, state.namesrv_addr))
            wait_for(consumers, [1, 1, 1, 1, 0])
            snapshot("five consumers")
        finally:
            for client in [*reversed(consumers), producer]:
                if client is not None:
                    client.shutdown()
            cluster.stop(state)
    return {"ownership": "\n".join(lines)}


WALKTHROUGH = Walkthrough(
    name="rebalance_group",
    title="Rebalance: queue ownership as consumers join a group, and an idle fifth consumer",
    sections=("A7.3", "A7.3.1"),
    scenario=scenario,
    stops=(
        Stop("RebalanceImpl.rebalance_by_topic", locals=("topic",)),
        Stop("Broker2Client.notify_consumer_ids_changed", locals=("consumer_group",),
             note="in the broker process"),
    ),
    service="consumer",
    # which consumer owns (and so commits) which queue when the others leave depends on timing
    ignore_spans=("settle .*", "UNREGISTER_CLIENT"),
)
