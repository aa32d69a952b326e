"""The send path across processes: a producer in this process sends to a local cluster (one name
server, one broker, started as processes) -- validation, route lookup, queue selection,
SEND_MESSAGE_V2, the broker's SendMessageProcessor and the store.

Every process appends its spans to the same trace file (``ROCKETMQ_REF_TRACE_FILE``), so the
recording shows the client's and the broker's spans in one tree.
"""
from __future__ import annotations

import tempfile
import threading

from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.client.producer.send_result import SendCallback, SendResult, SendStatus
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicTest"


def scenario() -> None:
    with tempfile.TemporaryDirectory(prefix="walkthrough-send-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1)
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        try:
            producer = DefaultMQProducer("walkthrough_producer_group")
            producer.set_namesrv_addr(state.namesrv_addr)
            producer.start()
            try:
                # the first send finds no route for TopicTest and falls back to TBW102 (B3.4.2)
                for i in range(2):
                    result = producer.send(Message(TOPIC, f"Hello RocketMQ {i}".encode(),
                                                   tags="TagA", keys=f"ORDER-{i}"))
                    assert result.send_status is SendStatus.SEND_OK, result
                # the other two send modes (A3.2.1): async with a callback, then oneway
                outcome: list[object] = []
                done = threading.Event()

                class Callback(SendCallback):
                    def on_success(self, send_result: SendResult) -> None:
                        outcome.append(send_result.send_status)
                        done.set()

                    def on_exception(self, e: BaseException) -> None:
                        outcome.append(e)
                        done.set()

                producer.send_async(Message(TOPIC, b"Hello async", tags="TagA", keys="ORDER-2"),
                                    Callback())
                assert done.wait(10) and outcome == [SendStatus.SEND_OK], outcome
                producer.send_oneway(Message(TOPIC, b"Hello oneway", tags="TagA", keys="ORDER-3"))
            finally:
                producer.shutdown()
        finally:
            cluster.stop(state)


WALKTHROUGH = Walkthrough(
    name="send_path",
    title="Send path: validation, route lookup, queue selection, SEND_MESSAGE_V2, broker, store",
    sections=("B3.4", "B3.4.1", "B3.4.2", "B3.4.4", "A4.2", "A4.2.1", "A3.2", "A3.2.1"),
    scenario=scenario,
    stops=(
        Stop("DefaultMQProducerImpl.send_kernel_impl", locals=("msg", "mq")),
        Stop("SendMessageProcessor.async_send_message", locals=("request",)),
        Stop("CommitLog.async_put_message", locals=("msg",)),
    ),
    service="producer",
)
