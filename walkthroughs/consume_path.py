"""The consume path on a local cluster: a push consumer joins (rebalance gives it the topic's
queues), pulls with long polling, consumes, acknowledges by committing offsets, and sends one
message it could not process back for a retry, which comes back through %RETRY%<group>.

The name server and the broker run as processes and append to the same trace file; the broker's
message delay levels are shortened (1 s) so the retry arrives within the scenario.
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

TOPIC = "TopicTest"
GROUP = "walkthrough_consumer_group"
COUNT = 2
FAST_DELAY_LEVELS = " ".join(["1s"] * 18)


def scenario() -> None:
    with tempfile.TemporaryDirectory(prefix="walkthrough-consume-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1,
                             broker_props={"messageDelayLevel": FAST_DELAY_LEVELS})
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        producer = consumer = None
        try:
            producer = DefaultMQProducer("walkthrough_producer_group")
            producer.set_namesrv_addr(state.namesrv_addr)
            producer.start()
            for i in range(COUNT):
                producer.send(Message(TOPIC, f"order {i}".encode(), tags="TagA",
                                      keys=f"ORDER-{i}"))

            deliveries: list[tuple[str, int]] = []
            done = threading.Event()
            lock = threading.Lock()

            def listener(msgs, context):
                with lock:
                    for m in msgs:
                        deliveries.append((m.get_keys() if hasattr(m, "get_keys") else m.keys,
                                           m.reconsume_times))
                    first_try_of_order_0 = any(m.keys == "ORDER-0" and m.reconsume_times == 0
                                               for m in msgs)
                    if len({k for k, _ in deliveries}) == COUNT and any(r > 0 for _, r in deliveries):
                        done.set()
                # ORDER-0 fails once: the consumer sends it back, it returns as a retry (B5.6.2)
                return (ConsumeConcurrentlyStatus.RECONSUME_LATER if first_try_of_order_0
                        else ConsumeConcurrentlyStatus.CONSUME_SUCCESS)

            consumer = DefaultMQPushConsumer(GROUP)
            consumer.set_namesrv_addr(state.namesrv_addr)
            consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
            consumer.set_consume_message_batch_max_size(1)
            # the retry topic appears only after the first send-back: look for its route every
            # second instead of every 30 s, so the retry is picked up promptly
            consumer.set_poll_name_server_interval(1000)
            consumer.subscribe(TOPIC, "TagA")
            consumer.register_message_listener(listener)
            consumer.start()
            # Java's rocketmq.client.rebalance.waitInterval (20 s) shortened the same way, so the
            # retry queue gets its pull request soon after its route appears
            rebalance = consumer.default_mq_push_consumer_impl.mq_client_factory.rebalance_service
            rebalance.wait_interval = 500
            if not done.wait(60):
                raise TimeoutError(f"consume walkthrough: deliveries so far {deliveries}")
            time.sleep(0.2)  # let the last acknowledgement reach the offset store
        finally:
            for client in (consumer, producer):
                if client is not None:
                    client.shutdown()  # the consumer persists its offsets and unregisters
            cluster.stop(state)


WALKTHROUGH = Walkthrough(
    name="consume_path",
    title="Consume path: rebalance, pull and long polling, consume, ack, retry",
    sections=("B5.4", "B5.4.1", "B5.4.2", "B5.4.3", "B5.5", "B5.6", "B5.6.1", "B5.6.2", "B5.6.3",
              "A11", "A11.1", "A11.1.1", "A11.1.2", "A11.1.3", "A11.2", "A11.2.1",
              "A11.2.2", "A2.3", "A3.1.1", "A3.1.2", "A11.3", "A11.3.1", "A11.3.2"),
    scenario=scenario,
    stops=(
        Stop("RebalanceImpl.rebalance_by_topic", locals=("topic",)),
        Stop("PullCallback.on_success", locals=("pull_result",)),
        Stop("process TopicTest", locals=("msgs",)),
    ),
    service="consumer",
)
