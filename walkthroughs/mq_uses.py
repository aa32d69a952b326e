"""What a message queue is for, in one run on a local cluster: decoupling (the producer is done
before any consumer exists; the messages wait in the broker), peak shaving (a burst is taken in
at once and consumed by one slow thread at its own pace) and fan-out (two consumer groups each
receive every message).

The name server and the broker run as processes and append to the same trace file.
"""
from __future__ import annotations

import tempfile
import threading
import time

from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus, ConsumeFromWhere,
                                          DefaultMQPushConsumer)
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicOrderCreated"
BURST = 8
GROUPS = ("billing_group", "shipping_group")


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-uses-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1)
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        producer = None
        consumers: list[DefaultMQPushConsumer] = []
        lines: list[str] = []
        try:
            producer = DefaultMQProducer("order_service")
            producer.set_namesrv_addr(state.namesrv_addr)
            producer.start()
            begin = time.monotonic()
            for i in range(BURST):  # A1.1.2: a burst, accepted as fast as the broker stores it
                producer.send(Message(TOPIC, f"order {i} created".encode(), tags="created",
                                      keys=f"ORDER-{i}"))
            burst_ms = (time.monotonic() - begin) * 1000
            producer.shutdown()  # A1.1.1: the producer is gone before any consumer starts
            producer = None
            lines.append(f"order_service sent {BURST} events and stopped "
                         f"({'under' if burst_ms < 1000 else 'over'} a second)")

            seen: dict[str, list[str]] = {g: [] for g in GROUPS}
            done = {g: threading.Event() for g in GROUPS}
            lock = threading.Lock()

            def listener_for(group: str, pause_s: float):
                def listener(msgs, context):
                    time.sleep(pause_s)  # shipping is slow: one message at a time, 50 ms each
                    with lock:
                        seen[group].extend(m.keys for m in msgs)
                        if len(seen[group]) >= BURST:
                            done[group].set()
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS
                return listener

            for group, pause_s, threads in (("billing_group", 0.0, 4), ("shipping_group", 0.05, 1)):
                consumer = DefaultMQPushConsumer(group)  # A1.1.3: one group per interested service
                consumer.set_namesrv_addr(state.namesrv_addr)
                consumer.set_instance_name(group)
                consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
                consumer.set_consume_thread_min(threads)
                consumer.set_consume_thread_max(threads)
                consumer.subscribe(TOPIC, "created")
                consumer.register_message_listener(listener_for(group, pause_s))
                consumer.start()
                consumers.append(consumer)
            for group in GROUPS:
                if not done[group].wait(30):
                    raise TimeoutError(f"{group}: consumed so far {seen[group]}")
                lines.append(f"{group} consumed all {len(set(seen[group]))} events")
        finally:
            for client in [*consumers, producer]:
                if client is not None:
                    client.shutdown()
            cluster.stop(state)
    return {"uses": "\n".join(lines)}


WALKTHROUGH = Walkthrough(
    name="mq_uses",
    title="What a queue is for: decoupling, peak shaving, fan-out to two consumer groups",
    sections=("A1.1", "A1.1.1", "A1.1.2", "A1.1.3"),
    scenario=scenario,
    stops=(
        Stop("DefaultMQPushConsumerImpl.start", locals=("self",)),
    ),
    service="order_service",
    # which consumer commits which retry queue at shutdown depends on timing
    ignore_spans=("settle .*", "UNREGISTER_CLIENT"),
)
