"""The producer on a local cluster: start-up (MQClientInstance, first heartbeat), a batch of three
messages in one SEND_MESSAGE_V2, ordered sends through a MessageQueueSelector (the same order id
always lands in the same queue) and plain sends whose queue the round-robin / fault strategy picks.

The name server and the broker run as processes and append to the same trace file.
"""
from __future__ import annotations

import tempfile

from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.client.producer.message_queue_selector import SelectMessageQueueByHash
from rocketmq_ref.client.producer.send_result import SendStatus
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicTest"
ORDER_IDS = ("order-7", "order-8", "order-7", "order-8")


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-producer-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1)
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        lines: list[str] = []
        try:
            producer = DefaultMQProducer("walkthrough_producer_group")
            producer.set_namesrv_addr(state.namesrv_addr)
            producer.start()  # B3.3.2: the shared MQClientInstance, then a heartbeat
            try:
                # B3.5: one request, one stored record per message; the topic is created on the way
                batch = [Message(TOPIC, f"batch {i}".encode(), tags="TagA", keys=f"BATCH-{i}")
                         for i in range(3)]
                result = producer.send(batch)
                assert result.send_status is SendStatus.SEND_OK, result
                lines.append(f"batch of 3        -> queue {result.message_queue.queue_id}, "
                             f"{len(result.msg_id.split(','))} msgIds, "
                             f"first queue offset {result.queue_offset}")
                # A3.2.3: the selector sends every message of one order to one queue
                selector = SelectMessageQueueByHash()
                chosen: dict[str, set[int]] = {}
                for order_id in ORDER_IDS:
                    r = producer.send(Message(TOPIC, f"step of {order_id}".encode(), tags="TagB",
                                              keys=order_id), selector, order_id)
                    chosen.setdefault(order_id, set()).add(r.message_queue.queue_id)
                    lines.append(f"selector {order_id} -> queue {r.message_queue.queue_id}")
                assert all(len(q) == 1 for q in chosen.values()), chosen
                # B3.4.3: without a selector the producer turns round the queues
                for i in range(2):
                    r = producer.send(Message(TOPIC, f"plain {i}".encode(), tags="TagC"))
                    lines.append(f"plain send {i}      -> queue {r.message_queue.queue_id}")
            finally:
                producer.shutdown()
        finally:
            cluster.stop(state)
    return {"queues": "\n".join(lines)}


WALKTHROUGH = Walkthrough(
    name="producer_send_modes",
    title="Producer: start-up, batch send, queue selection with and without a selector",
    sections=("B3", "B3.1", "B3.3", "B3.3.1", "B3.3.2", "B3.4.3", "B3.5", "A3.2.3", "A7.4"),
    scenario=scenario,
    stops=(
        Stop("MQClientInstance.send_heartbeat_to_all_broker"),
        Stop("DefaultMQProducerImpl.send_kernel_impl", locals=("msg", "mq")),
    ),
    service="producer",
)
