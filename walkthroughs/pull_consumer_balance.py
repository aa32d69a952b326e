"""Load balancing for DefaultMQPullConsumer on a local cluster: two pull consumers of one group
register TopicPull, the client's rebalance shares its four queues between them, and each asks
``fetch_message_queues_in_balance`` which queues are its own to pull (a MessageQueueListener
hears of each change).

The name server and the broker run as processes and append to the same trace file.
"""
from __future__ import annotations

import tempfile
import time

from rocketmq_ref.client.consumer import DefaultMQPullConsumer
from rocketmq_ref.client.consumer.default_mq_pull_consumer import MessageQueueListener
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicPull"
GROUP = "walkthrough_pull_balance_group"


class Listener(MessageQueueListener):
    def __init__(self) -> None:
        self.changes: list[list[int]] = []

    def message_queue_changed(self, topic, mq_all, mq_divided):  # type: ignore[no-untyped-def]
        self.changes.append(sorted(mq.queue_id for mq in mq_divided))


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-pullbalance-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1)
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        producer = None
        consumers: list[DefaultMQPullConsumer] = []
        listeners: list[Listener] = []
        try:
            producer = DefaultMQProducer("walkthrough_producer_group")
            producer.set_namesrv_addr(state.namesrv_addr)
            producer.start()
            producer.send(Message(TOPIC, b"creates the topic", tags="TagA"))
            for name in ("p1", "p2"):
                consumer = DefaultMQPullConsumer(GROUP)
                consumer.set_namesrv_addr(state.namesrv_addr)
                consumer.set_instance_name(name)
                listener = Listener()
                consumer.register_message_queue_listener(TOPIC, listener)
                consumer.start()
                rebalance = consumer.default_mq_pull_consumer_impl.mq_client_factory.rebalance_service
                rebalance.wait_interval = 500  # Java's 20 s rebalance period, shortened
                consumers.append(consumer)
                listeners.append(listener)
            deadline = time.monotonic() + 30
            while sorted(len(c.fetch_message_queues_in_balance(TOPIC)) for c in consumers) != [2, 2]:
                if time.monotonic() > deadline:
                    raise TimeoutError("pull balance walkthrough: "
                                       f"{[c.fetch_message_queues_in_balance(TOPIC) for c in consumers]}")
                time.sleep(0.05)
            lines = [f"p{i + 1} pulls queues "
                     f"{sorted(mq.queue_id for mq in c.fetch_message_queues_in_balance(TOPIC))}"
                     f"; its listener heard {listeners[i].changes}"
                     for i, c in enumerate(consumers)]
        finally:
            for client in [*reversed(consumers), producer]:
                if client is not None:
                    client.shutdown()
            cluster.stop(state)
    return {"balance": "\n".join(lines)}


WALKTHROUGH = Walkthrough(
    name="pull_consumer_balance",
    title="Pull consumer load balancing: queues in balance and the MessageQueueListener",
    sections=("A7.3.2",),
    scenario=scenario,
    stops=(
        Stop("RebalanceImpl.rebalance_by_topic", locals=("topic",)),
    ),
    service="consumer",
    # which consumer commits which queue, and whom it unregisters from, depends on timing
    ignore_spans=("settle .*", "UNREGISTER_CLIENT"),
)
