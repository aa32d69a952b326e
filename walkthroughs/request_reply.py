"""Request/reply (RPC over messages, RocketMQ 4.6+) on a local cluster: a requester's
``DefaultMQProducer.request`` sends a message and waits; a push consumer answers it with
``MessageUtil.create_reply_message`` and an ordinary ``send``; the broker pushes that reply straight to
the requester's connection (PUSH_REPLY_MESSAGE_TO_CLIENT), where it completes the waiting request.

Three requests: a synchronous one, an asynchronous one whose callback gets the reply, and one to a
topic nobody consumes, which ends in ``RequestTimeoutException``.  The name server and the broker run
as processes and append to the same trace file.
"""
from __future__ import annotations

import tempfile
import threading
from typing import Any

from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus, ConsumeFromWhere,
                                          DefaultMQPushConsumer)
from rocketmq_ref.client.exception import RequestTimeoutException
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.client.utils.message_util import MessageUtil
from rocketmq_ref.common.message import Message
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "RequestTopic"
SILENT_TOPIC = "NobodyAnswers"
ANSWERS = {b"6 x 7?": b"42", b"capital of France?": b"Paris"}


def wait_for(condition: Any, timeout_s: float, what: str) -> None:
    done = threading.Event()
    for _ in range(int(timeout_s * 20)):
        if condition():
            return
        done.wait(0.05)
    raise TimeoutError(f"request_reply walkthrough: {what} within {timeout_s:.0f} s")


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-request-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1)
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        requester = replier = reply_producer = None
        lines: list[str] = []
        try:
            # the answering side: a push consumer, and a producer to send its replies with
            reply_producer = DefaultMQProducer("walkthrough_reply_producer_group")
            reply_producer.set_namesrv_addr(state.namesrv_addr)
            reply_producer.start()
            for topic in (TOPIC, SILENT_TOPIC):
                reply_producer.create_topic("TBW102", topic, 1)
            wait_for(lambda: all(reply_producer.fetch_publish_message_queues(t)
                                 for t in (TOPIC, SILENT_TOPIC)), 30, "no routes")

            def answer(msgs: list[Any], context: Any) -> ConsumeConcurrentlyStatus:
                for request in msgs:
                    body = ANSWERS.get(bytes(request.body), b"?")
                    reply = MessageUtil.create_reply_message(request, body)
                    reply_producer.send(reply)  # goes as SEND_REPLY_MESSAGE_V2
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

            replier = DefaultMQPushConsumer("walkthrough_reply_consumer_group")
            replier.set_namesrv_addr(state.namesrv_addr)
            replier.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
            replier.subscribe(TOPIC, "*")
            replier.register_message_listener(answer)
            replier.start()
            table = replier.default_mq_push_consumer_impl.rebalance_impl.process_queue_table
            wait_for(lambda: any(mq.topic == TOPIC for mq in list(table)), 30, "the replier got no queue")

            requester = DefaultMQProducer("walkthrough_requester_group")
            requester.set_namesrv_addr(state.namesrv_addr)
            requester.start()
            request = Message(TOPIC, b"6 x 7?")
            reply = requester.request(request, 5000)  # blocks until the reply is pushed back
            lines.append(f"request {bytes(request.body)!r}: CORRELATION_ID="
                         f"{request.get_property(mc.PROPERTY_CORRELATION_ID)[:8]}..., REPLY_TO_CLIENT="
                         f"<the requester's client id>, TTL={request.get_property(mc.PROPERTY_MESSAGE_TTL)}")
            lines.append(f"reply {bytes(reply.body)!r} from topic {reply.topic}, "
                         f"same CORRELATION_ID: "
                         f"{reply.get_property(mc.PROPERTY_CORRELATION_ID) == request.get_property(mc.PROPERTY_CORRELATION_ID)}")

            got: list[bytes] = []
            answered = threading.Event()
            requester.request(Message(TOPIC, b"capital of France?"),
                              (lambda msg: (got.append(bytes(msg.body)), answered.set()),
                               lambda e: (got.append(repr(e).encode()), answered.set())), 5000)
            if not answered.wait(30):
                raise TimeoutError("request_reply walkthrough: the async request got no callback")
            lines.append(f"async request 'capital of France?': the callback got {got[0]!r}")

            try:
                requester.request(Message(SILENT_TOPIC, b"anyone?"), 1000)
                raise AssertionError("a request nobody answers must time out")
            except RequestTimeoutException as e:
                lines.append(f"request to {SILENT_TOPIC}: {type(e).__name__}: {e}")
        finally:
            for client in (requester, replier, reply_producer):
                if client is not None:
                    client.shutdown()
            cluster.stop(state)
    return {"requests": "\n".join(lines)}


WALKTHROUGH = Walkthrough(
    name="request_reply",
    title="Request/reply: a request message, a reply pushed back to the requester",
    sections=("B9.8",),
    scenario=scenario,
    stops=(
        Stop("DefaultMQProducerImpl.request", locals=("msg", "timeout")),
        Stop("ReplyMessageProcessor.process_reply_message_request", locals=("header",),
             note="in the broker process"),
        Stop("receive DefaultCluster_REPLY_TOPIC", locals=("reply_msg",),
             note="on the requester's remoting thread: the reply completes the waiting future"),
    ),
    service="requester",
    ignore_spans=("settle .*", "UNREGISTER_CLIENT"),  # what shutdown persists varies run to run
)
