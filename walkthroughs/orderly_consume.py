"""Ordered messages on a local cluster: the producer sends the steps of two orders through a
MessageQueueSelector (one queue per order); a push consumer with a MessageListenerOrderly locks its
queues at the broker (LOCK_BATCH_MQ) during rebalance, pulls them, and consumes each queue in one
thread at a time under the queue's consume lock, so every order's steps arrive in sequence.

The name server and the broker run as processes and append to the same trace file.
"""
from __future__ import annotations

import tempfile
import threading
import time

from rocketmq_ref.client.consumer import ConsumeFromWhere, DefaultMQPushConsumer
from rocketmq_ref.client.consumer.listener import ConsumeOrderlyStatus, MessageListenerOrderly
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.client.producer.message_queue_selector import SelectMessageQueueByHash
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicOrder"
GROUP = "walkthrough_orderly_group"
ORDERS = ("order-7", "order-8")
STEPS = ("created", "paid", "shipped")


class Recorder(MessageListenerOrderly):
    """Keeps (queue, order, step) in consumption order; done once every step is in."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, str, str]] = []
        self.done = threading.Event()

    def consume_message(self, msgs, context):  # type: ignore[no-untyped-def]
        for m in msgs:
            self.seen.append((m.queue_id, m.keys, m.body.decode()))
        if len(self.seen) >= len(ORDERS) * len(STEPS):
            self.done.set()
        return ConsumeOrderlyStatus.SUCCESS


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-orderly-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1)
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        producer = consumer = None
        listener = Recorder()
        try:
            producer = DefaultMQProducer("walkthrough_producer_group")
            producer.set_namesrv_addr(state.namesrv_addr)
            producer.start()
            selector = SelectMessageQueueByHash()
            for step in STEPS:  # the orders interleave, each one's steps stay in its queue
                for order_id in ORDERS:
                    producer.send(Message(TOPIC, step.encode(), tags="TagA", keys=order_id),
                                  selector, order_id)

            consumer = DefaultMQPushConsumer(GROUP)
            consumer.set_namesrv_addr(state.namesrv_addr)
            consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
            consumer.subscribe(TOPIC, "*")
            consumer.register_message_listener(listener)
            # the group's retry topic appears only after the first heartbeat: look for its route
            # every second instead of every 30 s, so the consumer owns (and settles) its queue in
            # every run, not only when the timing happens to allow it
            consumer.set_poll_name_server_interval(1000)
            consumer.start()
            impl = consumer.default_mq_push_consumer_impl
            impl.mq_client_factory.rebalance_service.wait_interval = 500
            if not listener.done.wait(30):
                raise TimeoutError(f"orderly walkthrough: consumed so far {listener.seen}")
            deadline = time.monotonic() + 15
            while not any(mq.topic.startswith("%RETRY%") for mq in impl.offset_store.offset_table):
                if time.monotonic() > deadline:
                    raise TimeoutError("orderly walkthrough: the retry queue was never pulled")
                time.sleep(0.05)
            time.sleep(0.2)  # let the last offset update reach the offset store
        finally:
            for client in (consumer, producer):
                if client is not None:
                    client.shutdown()  # the consumer persists offsets, unlocks its queues
            cluster.stop(state)
    for order_id in ORDERS:
        steps = [step for _, key, step in listener.seen if key == order_id]
        assert steps == list(STEPS), (order_id, steps)
    return {"consumed": "\n".join(f"queue {q}  {key}  {step}" for q, key, step in listener.seen)}


WALKTHROUGH = Walkthrough(
    name="orderly_consume",
    title="Ordered messages: selector, queue locks at the broker, orderly consumption",
    sections=("A6", "A6.1", "A6.1.1", "A6.1.2", "B5.9", "B5.9.1", "B5.9.2", "B5.9.3", "B5.9.4"),
    scenario=scenario,
    stops=(
        Stop("AdminBrokerProcessor.lock_batch_mq", locals=("request",),
             note="in the broker process"),
        Stop("process TopicOrder", locals=("msgs",)),
    ),
    service="consumer",
)
